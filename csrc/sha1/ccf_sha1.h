/*
 * ccf_sha1.h - SHA-1 (FIPS 180-4) and HMAC-SHA1 (RFC 2104) with run-time dispatch of the
 * compression function.  SHA-1 is here only for SRTP's HMAC-SHA1 authentication (RFC 3711
 * 4.2.1); HMAC-SHA1 is not affected by SHA-1's collision weakness.
 *
 * Implementations, best first (ccf_sha1_impls()):
 *   "sha-ni"    x86 SHA extensions (SHA1RNDS4/SHA1NEXTE/SHA1MSG1/SHA1MSG2, with SSSE3/SSE4.1)
 *   "armv8-ce"  ARMv8 Cryptography Extensions (SHA1C/SHA1P/SHA1M/SHA1H/SHA1SU0/SHA1SU1)
 *   "portable"  plain C (SHA-1 has no data-dependent branch or table look-up)
 *
 * HMAC keys keep the compression states after the ipad and opad blocks (RFC 2104 section 4
 * "precomputation"), so a tag costs two compressions less than the textbook definition.
 */
#ifndef CCF_SHA1_H
#define CCF_SHA1_H

#include "ccf_common.h"

#define CCF_SHA1_DIGEST_SIZE 20
#define CCF_SHA1_BLOCK_SIZE 64

typedef struct ccf_sha1_impl {
    const char *name;
    int (*supported)(void);
    /* Compress nblocks 64-byte blocks into the chaining value h (FIPS 180-4 6.1.2). */
    void (*compress)(uint32_t h[5], const uint8_t *blocks, size_t nblocks);
    /* Optional (NULL: built from compress): the HMAC of m1 || m2 (len2 <= 56, so that the
     * tail of m1, m2 and the padding fit two blocks) from the precomputed inner/outer states,
     * the chaining value kept in registers throughout. */
    void (*hmac)(const uint32_t inner[5], const uint32_t outer[5], const uint8_t *m1, size_t len1,
                 const uint8_t *m2, size_t len2, uint8_t mac[20]);
} ccf_sha1_impl;

typedef struct ccf_sha1_ctx {
    uint32_t h[5];
    uint64_t nblocks;          /* whole blocks compressed so far */
    uint8_t buf[64];           /* pending bytes of an incomplete block */
    size_t num;                /* how many of buf are used */
    const ccf_sha1_impl *impl;
} ccf_sha1_ctx;

/* NULL-terminated list of every implementation compiled in, best first (supported or not). */
const ccf_sha1_impl *const *ccf_sha1_impls(void);
/* The best implementation this CPU supports (after CCFAST_CPU_DISABLE). */
const ccf_sha1_impl *ccf_sha1_best(void);

void ccf_sha1_init(ccf_sha1_ctx *c);
/* Same with a given implementation (tests); CCF_ERR_PARAM if unsupported. */
int ccf_sha1_init_impl(ccf_sha1_ctx *c, const ccf_sha1_impl *impl);
void ccf_sha1_update(ccf_sha1_ctx *c, const uint8_t *data, size_t len);
/* Write the digest and wipe the context. */
void ccf_sha1_final(ccf_sha1_ctx *c, uint8_t out[20]);
/* One-shot digest with the best implementation. */
void ccf_sha1(const uint8_t *data, size_t len, uint8_t out[20]);

/* ---- HMAC-SHA1 ---------------------------------------------------------------------------- */

typedef struct ccf_hmac_sha1_key {
    uint32_t inner[5];         /* state after compressing K ^ ipad (secret) */
    uint32_t outer[5];         /* state after compressing K ^ opad (secret) */
    const ccf_sha1_impl *impl;
} ccf_hmac_sha1_key;

/* Any key length (keys longer than 64 bytes are hashed first, RFC 2104 section 2). */
void ccf_hmac_sha1_init(ccf_hmac_sha1_key *k, const uint8_t *key, size_t key_len);
/* Same with a given implementation (tests); CCF_ERR_PARAM if unsupported. */
int ccf_hmac_sha1_init_impl(ccf_hmac_sha1_key *k, const uint8_t *key, size_t key_len,
                            const ccf_sha1_impl *impl);

/*
 * HMAC over the concatenation m1 || m2 (SRTP authenticates packet || ROC without copying),
 * written as the first tag_len bytes (1..20) of the 20-byte MAC (RFC 2104 section 5 truncation).
 */
void ccf_hmac_sha1(const ccf_hmac_sha1_key *k, const uint8_t *m1, size_t len1,
                   const uint8_t *m2, size_t len2, uint8_t *tag, size_t tag_len);

/* Recompute and compare tag_len (1..20) bytes in constant time: CCF_OK or CCF_ERR_AUTH. */
int ccf_hmac_sha1_verify(const ccf_hmac_sha1_key *k, const uint8_t *m1, size_t len1,
                         const uint8_t *m2, size_t len2, const uint8_t *tag, size_t tag_len);

void ccf_hmac_sha1_wipe(ccf_hmac_sha1_key *k);

#endif /* CCF_SHA1_H */
