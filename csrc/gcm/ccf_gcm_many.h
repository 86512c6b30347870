/*
 * ccf_gcm_many.h - AES-GCM over many short independent messages in one pass (SRTP AEAD
 * batches, AESGCM.encrypt_batch).
 *
 * A 160-byte message is eleven AES blocks and twelve GHASH blocks: one message leaves the VAES
 * and VPCLMULQDQ units waiting on the latency of its own chain.  The VAES-512 kernel runs four
 * messages at once (each with its own key, nonce and length), the AES rounds of all four
 * interleaved and each message's GHASH aggregated against its own powers of H with one
 * reduction.  It takes messages of at most CCF_GCM_MANY_SHORT_MAX bytes with a 12-byte nonce
 * and at most 16 bytes of AAD under keys set up with the stitched VAES-512 kernel; any other
 * message runs through the single-message code, and so does a pass that would hold a single
 * message (a batch of one, or the one message left after passes of four), where the pass costs
 * more than the single-message kernel (the choice depends only on counts and lengths).
 */
#ifndef CCF_GCM_MANY_H
#define CCF_GCM_MANY_H

#include "ccf_gcm.h"

#define CCF_GCM_MANY_SHORT_MAX 224

typedef struct ccf_aes_gcm_job {
    const ccf_aes_gcm *key;
    const uint8_t *nonce;
    size_t nonce_len;          /* >= 1; 12 takes the fast path */
    const uint8_t *aad;
    size_t aad_len;
    const uint8_t *in;
    uint8_t *out;              /* may equal in */
    size_t len;
    int decrypt;               /* 1: in is the ciphertext; 0: in is the plaintext */
    uint8_t tag[16];           /* out: the tag of the ciphertext (decrypting: the expected tag) */
    int rc;                    /* out: CCF_OK, or CCF_ERR_NONCE / CCF_ERR_LENGTH (nothing written) */
} ccf_aes_gcm_job;

/*
 * For each job: out = in XOR the GCM keystream, and tag = the tag (NIST SP 800-38D 7.1) over
 * aad and the ciphertext (out when encrypting, in when decrypting).  Decrypting, nothing is
 * verified here: the caller compares `tag` with the received tag in constant time and must
 * not release `out` unless they match (SRTP batches decrypt into scratch rows for that).
 * Returns CCF_OK when every job's rc is CCF_OK.
 */
int ccf_aes_gcm_crypt_many(ccf_aes_gcm_job *jobs, size_t n);

/*
 * One message decrypted without verification, as a job of ccf_aes_gcm_crypt_many decrypts
 * (its single-message path): out = in XOR the keystream, tag = the tag of the ciphertext in;
 * the caller compares the tags and must not release out unless they match.  CCF_ERR_NONCE or
 * CCF_ERR_LENGTH as ccf_aes_gcm_decrypt (nothing written).
 */
int ccf_aes_gcm_decrypt_unverified(const ccf_aes_gcm *g, const uint8_t *nonce, size_t nonce_len,
                                   const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                                   uint8_t *out, uint8_t tag[16]);

/* One job through the single-message kernels (decrypting: unverified, as above); the kernels
 * of ccf_aes_gcm_crypt_many run a lone job this way. */
void ccf_aes_gcm_many_one(ccf_aes_gcm_job *j);

/* Name of the kernel used for a key: "vaes-avx512-many" or "serial". */
const char *ccf_aes_gcm_many_name(const ccf_aes_gcm *key);
/* The same for keys set up with the best implementations (ccf_aes_gcm_init). */
const char *ccf_aes_gcm_many_best_name(void);

#endif /* CCF_GCM_MANY_H */
