/*
 * ccf_gcm.h - Galois/Counter Mode (NIST SP 800-38D).
 *
 * Two layers:
 *   - ccf_gcm_seal / ccf_gcm_open: GCM over any 128-bit block cipher given as a ccf_gcm_cipher
 *     (used by SM4-GCM), built on ccf_ghash.h;
 *   - ccf_aes_gcm_*: AES-GCM, which picks a stitched AES+GHASH kernel when the CPU has one.
 *
 * Nonces: any length >= 1 byte; 12 bytes takes the fast path (J0 = IV || 0^31 || 1), other
 * lengths derive J0 with GHASH.  Limits: plaintext <= 2^36 - 32 bytes, AAD < 2^61 bytes
 * (CCF_ERR_LENGTH otherwise).  `out` may equal `in`; other overlaps are not allowed.
 *
 * Open (decrypt) checks the tag over its full length in constant time; on mismatch it returns
 * CCF_ERR_AUTH and zeroes out[0..len), so no unauthenticated plaintext is ever released.
 * Tag lengths accepted by open: 4, 8, 12, 13, 14, 15, 16 (SP 800-38D 5.2.1.2).
 */
#ifndef CCF_GCM_H
#define CCF_GCM_H

#include "ccf_common.h"
#include "ccf_aes.h"
#include "ccf_ghash.h"

#define CCF_GCM_MAX_PLAINTEXT (((uint64_t)1 << 36) - 32)

/* A 128-bit block cipher seen through CTR (inc32 semantics as ccf_aes.h) and one-block encrypt. */
typedef struct ccf_gcm_cipher {
    const void *key;
    void (*encrypt_block)(const void *key, const uint8_t in[16], uint8_t out[16]);
    void (*ctr32)(const void *key, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len);
} ccf_gcm_cipher;

/* Generic GCM; `gh` must have been initialised with H = E_K(0^128). */
int ccf_gcm_seal(const ccf_gcm_cipher *c, const ccf_ghash_key *gh,
                 const uint8_t *nonce, size_t nonce_len, const uint8_t *aad, size_t aad_len,
                 const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16]);
int ccf_gcm_open(const ccf_gcm_cipher *c, const ccf_ghash_key *gh,
                 const uint8_t *nonce, size_t nonce_len, const uint8_t *aad, size_t aad_len,
                 const uint8_t *in, size_t len, const uint8_t *tag, size_t tag_len, uint8_t *out);

/* ---- AES-GCM ---------------------------------------------------------------------------- */

struct ccf_gcm_bulk;

typedef struct ccf_aes_gcm {
    ccf_aes_key aes;
    ccf_ghash_key ghash;
    const struct ccf_gcm_bulk *bulk;         /* stitched AES+GHASH kernel for bulk data, or NULL */
    char name[48];                           /* ccf_aes_gcm_impl_name() */
} ccf_aes_gcm;

/* Key of 16, 24 or 32 bytes, best implementations. */
int ccf_aes_gcm_init(ccf_aes_gcm *g, const uint8_t *key, size_t key_len);
/* Given implementations (tests); CCF_ERR_PARAM if either is not supported by this CPU. */
int ccf_aes_gcm_init_impl(ccf_aes_gcm *g, const uint8_t *key, size_t key_len,
                          const ccf_aes_impl *aes, const ccf_ghash_impl *ghash);

int ccf_aes_gcm_encrypt(const ccf_aes_gcm *g, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *aad, size_t aad_len,
                        const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16]);
int ccf_aes_gcm_decrypt(const ccf_aes_gcm *g, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *aad, size_t aad_len,
                        const uint8_t *in, size_t len, const uint8_t *tag, size_t tag_len,
                        uint8_t *out);

/* Name of the stitched kernel in use ("vaes-avx512+vpclmulqdq-avx512 stitched"), or "aes+ghash" of the
 * two implementations when there is none ("ct64+ct64", "armv8-ce+armv8-pmull"). */
const char *ccf_aes_gcm_impl_name(const ccf_aes_gcm *g);

void ccf_aes_gcm_wipe(ccf_aes_gcm *g);

#endif /* CCF_GCM_H */
