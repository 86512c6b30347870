/*
 * ccf_chunked.h - the chunk layer of c2sp.org/chunked-encryption (v1).
 *
 * A message is cut into 16384-byte chunks; the final chunk is always shorter (possibly empty),
 * so a message whose length is a multiple of 16384 ends with an empty chunk.  Chunk k is sealed
 * with the AEAD under the derived key and the nonce  base_nonce XOR k  (k as a big-endian
 * integer as wide as the nonce; at most 2^38 chunks), with empty associated data.  A sealed
 * chunk is its ciphertext followed by the 16-byte tag, so every chunk but the last is
 * CCF_CHUNKED_SEALED (16400) bytes and the last one 16..16399 bytes.
 *
 * This layer does not derive keys or check the commitment: the caller runs HKDF-Expand
 * (key || base nonce || commitment) and checks the 56-byte header (salt || commitment) before
 * calling ccf_chunked_open.  Both AEADs here are GCM with a 12-byte nonce and a 16-byte tag:
 *   CCF_CHUNKED_AES_GCM  AES-128/256-GCM (csrc/gcm, stitched kernels where the CPU has them)
 *   CCF_CHUNKED_SM4_GCM  SM4-GCM (csrc/sm4 over csrc/gcm)
 *
 * Ranges: a call seals or opens the consecutive chunks first, first + 1, ...; a context is
 * read-only after init, so threads may seal or open disjoint ranges with one context at once.
 */
#ifndef CCF_CHUNKED_H
#define CCF_CHUNKED_H

#include "ccf_common.h"
#include "ccf_gcm.h"
#include "ccf_sm4.h"

#define CCF_CHUNKED_CHUNK 16384u                         /* plaintext bytes of a full chunk */
#define CCF_CHUNKED_TAG 16u
#define CCF_CHUNKED_SEALED (CCF_CHUNKED_CHUNK + CCF_CHUNKED_TAG)   /* 16400 */
#define CCF_CHUNKED_NONCE 12u
#define CCF_CHUNKED_HEADER 56u                           /* salt (24) || commitment (32) */
#define CCF_CHUNKED_MAX_CHUNKS ((uint64_t)1 << 38)

typedef enum ccf_chunked_aead {
    CCF_CHUNKED_AES_GCM = 1,
    CCF_CHUNKED_SM4_GCM = 2
} ccf_chunked_aead;

typedef struct ccf_chunked {
    union {
        ccf_aes_gcm aes;
        ccf_sm4_gcm sm4;
    } u;                                   /* the AEAD key (secret; wiped by ccf_chunked_wipe) */
    uint8_t base_nonce[CCF_CHUNKED_NONCE]; /* secret as well: wiped */
    int aead;                              /* ccf_chunked_aead */
} ccf_chunked;

/* Set up `c` (64-byte aligned: ccf_alloc_aligned) for `aead` with its key (16 or 32 bytes for
 * AES-GCM, 16 for SM4-GCM) and 12-byte base nonce.  CCF_ERR_PARAM for an unknown aead,
 * CCF_ERR_KEY_LENGTH for a key of the wrong length. */
int ccf_chunked_init(ccf_chunked *c, int aead, const uint8_t *key, size_t key_len,
                     const uint8_t base_nonce[CCF_CHUNKED_NONCE]);

/* Name of the AEAD kernels in use (diagnostics). */
const char *ccf_chunked_impl_name(const ccf_chunked *c);

/*
 * Sealed length of `len` plaintext bytes: as final (with the short last chunk) or not (then len
 * must be a multiple of 16384).  Excludes the 56-byte header.
 */
uint64_t ccf_chunked_sealed_length(uint64_t len, int final);

/*
 * Seal plaintext in[0..len) as chunks first, first + 1, ... into out (ccf_chunked_sealed_length
 * bytes; `out` must not overlap `in`).  final = 0: len is a multiple of 16384 and every chunk is
 * full.  final = 1: the range ends the message: its last chunk holds len % 16384 bytes (an
 * empty chunk when len is a multiple of 16384).
 * CCF_ERR_LENGTH if len is not a chunk multiple when final = 0, or a chunk number would reach
 * 2^38 (nothing is written then).  *out_len (may be NULL) receives the bytes written.
 */
int ccf_chunked_seal(const ccf_chunked *c, uint64_t first, const uint8_t *in, size_t len, int final,
                     uint8_t *out, size_t *out_len);

/*
 * Open sealed chunks in[0..len) numbered from `first` into out (`out` must not overlap `in`).
 * final = 0: len is a multiple of 16400 (full chunks).  final = 1: the range ends the message:
 * after its full chunks comes one final chunk of 16..16399 bytes.
 * CCF_ERR_LENGTH when the length does not fit these rules (a truncated message: the final
 * chunk missing or cut inside its tag) or a chunk number would reach 2^38: nothing is written.
 * CCF_ERR_AUTH when a chunk fails authentication: out[0..) is zeroed over everything this call
 * wrote, and *bad_chunk (may be NULL) receives the failing chunk's number.
 * *out_len (may be NULL) receives the plaintext bytes written on success.
 */
int ccf_chunked_open(const ccf_chunked *c, uint64_t first, const uint8_t *in, size_t len, int final,
                     uint8_t *out, size_t *out_len, uint64_t *bad_chunk);

/* Zero the key, hash key and base nonce (call before freeing). */
void ccf_chunked_wipe(ccf_chunked *c);

#endif /* CCF_CHUNKED_H */
