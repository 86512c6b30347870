/*
 * ccf_sha256.h - SHA-256 (FIPS 180-4) with run-time dispatch of the compression function.
 * SHA-256 is here for the Certificate Transparency compatible Merkle trees of ccfast.tlog
 * (RFC 9162 / RFC 6962 hash the tree with SHA-256); SM3 is the default hash there.
 *
 * Implementations, best first (ccf_sha256_impls()):
 *   "sha-ni"    x86 SHA extensions (SHA256RNDS2/SHA256MSG1/SHA256MSG2, with SSSE3/SSE4.1)
 *   "armv8-ce"  ARMv8 Cryptography Extensions (SHA256H/SHA256H2/SHA256SU0/SHA256SU1)
 *   "portable"  plain C (no data-dependent branch or table look-up)
 */
#ifndef CCF_SHA256_H
#define CCF_SHA256_H

#include "ccf_common.h"

#define CCF_SHA256_DIGEST_SIZE 32
#define CCF_SHA256_BLOCK_SIZE 64

typedef struct ccf_sha256_impl {
    const char *name;
    int (*supported)(void);
    /* Compress nblocks 64-byte blocks into the chaining value h (FIPS 180-4 6.2.2). */
    void (*compress)(uint32_t h[8], const uint8_t *blocks, size_t nblocks);
} ccf_sha256_impl;

typedef struct ccf_sha256_ctx {
    uint32_t h[8];
    uint64_t nblocks;          /* whole blocks compressed so far */
    uint8_t buf[64];           /* pending bytes of an incomplete block */
    size_t num;                /* how many of buf are used */
    const ccf_sha256_impl *impl;
} ccf_sha256_ctx;

/* The round constants K (FIPS 180-4 4.2.2), shared by the implementations. */
extern const uint32_t ccf_sha256_k[64];

/* NULL-terminated list of every implementation compiled in, best first (supported or not). */
const ccf_sha256_impl *const *ccf_sha256_impls(void);
/* The best implementation this CPU supports (after CCFAST_CPU_DISABLE). */
const ccf_sha256_impl *ccf_sha256_best(void);

void ccf_sha256_init(ccf_sha256_ctx *c);
/* Same with a given implementation (tests); CCF_ERR_PARAM if NULL or unsupported. */
int ccf_sha256_init_impl(ccf_sha256_ctx *c, const ccf_sha256_impl *impl);
void ccf_sha256_update(ccf_sha256_ctx *c, const uint8_t *data, size_t len);
/* Write the digest and wipe the context. */
void ccf_sha256_final(ccf_sha256_ctx *c, uint8_t out[32]);
/* One-shot digest with the best implementation. */
void ccf_sha256(const uint8_t *data, size_t len, uint8_t out[32]);

#endif /* CCF_SHA256_H */
