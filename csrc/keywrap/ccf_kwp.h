/*
 * ccf_kwp.h - key wrap with padding (RFC 5649; NIST SP 800-38F KWP) over any 128-bit block
 * cipher: AES (the RFC's cipher, any AES key length) and SM4 (the same construction with SM4 as
 * the block cipher; ccfast's sealed recordings use it for SM4 key-encryption keys).
 *
 * Wrapping m bytes (1 <= m <= CCF_KWP_MAX_INPUT) gives 8 * (ceil(m / 8) + 1) bytes
 * (ccf_kwp_wrapped_len).  Unwrapping checks the alternative initial value A65959A6, the message
 * length indicator and the zero padding together, in constant time, and returns CCF_ERR_AUTH
 * for any mismatch, with the output wiped; CCF_ERR_LENGTH for a ciphertext whose length is not
 * a multiple of 8 or is shorter than 16 bytes.
 */
#ifndef CCF_KWP_H
#define CCF_KWP_H

#include "ccf_common.h"
#include "ccf_aes.h"
#include "ccf_sm4.h"

/* Inputs are capped far below RFC 5649's 2^32 - 1 bytes: the wrapped values are keys. */
#define CCF_KWP_MAX_INPUT ((size_t)1 << 20)

/* One 16-byte block through a cipher (in and out may be equal). */
typedef void (*ccf_block_fn)(const void *key, const uint8_t in[16], uint8_t out[16]);

/* Wrapped length of an m-byte input, 0 when m is 0 or above CCF_KWP_MAX_INPUT. */
size_t ccf_kwp_wrapped_len(size_t m);

/* RFC 5649 section 4.1 with the block cipher enc; out has ccf_kwp_wrapped_len(len) bytes. */
int ccf_kwp_wrap(ccf_block_fn enc, const void *key, const uint8_t *in, size_t len, uint8_t *out);

/* RFC 5649 section 4.2 with the inverse cipher dec; out has room for len - 8 bytes and
 * *out_len receives the unwrapped length. */
int ccf_kwp_unwrap(ccf_block_fn dec, const void *key, const uint8_t *in, size_t len,
                   uint8_t *out, size_t *out_len);

/* The same with AES (forward cipher from the best implementation, inverse from
 * ccf_aes_decrypt_blocks) and with SM4. */
int ccf_kwp_aes_wrap(const ccf_aes_key *k, const uint8_t *in, size_t len, uint8_t *out);
int ccf_kwp_aes_unwrap(const ccf_aes_dec_key *k, const uint8_t *in, size_t len, uint8_t *out, size_t *out_len);
int ccf_kwp_sm4_wrap(const ccf_sm4_key *k, const uint8_t *in, size_t len, uint8_t *out);
int ccf_kwp_sm4_unwrap(const ccf_sm4_key *k, const uint8_t *in, size_t len, uint8_t *out, size_t *out_len);

#endif /* CCF_KWP_H */
