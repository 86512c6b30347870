/*
 * ccf_sm3.h - the SM3 hash (GB/T 32905-2016), streaming API with run-time dispatch of the
 * compression function.
 *
 * Implementations, best first (ccf_sm3_impls()): "portable" (plain C, no tables indexed by
 * data; SM3 has no secret-dependent look-ups by construction).
 */
#ifndef CCF_SM3_H
#define CCF_SM3_H

#include "ccf_common.h"

#define CCF_SM3_DIGEST_SIZE 32
#define CCF_SM3_BLOCK_SIZE 64

typedef struct ccf_sm3_impl {
    const char *name;
    int (*supported)(void);
    /* Compress nblocks 64-byte blocks into the chaining value h (GB/T 32905 5.3). */
    void (*compress)(uint32_t h[8], const uint8_t *blocks, size_t nblocks);
} ccf_sm3_impl;

typedef struct ccf_sm3_ctx {
    uint32_t h[8];
    uint64_t nblocks;          /* whole blocks compressed so far */
    uint8_t buf[64];           /* pending bytes of an incomplete block */
    size_t num;                /* how many of buf are used */
    const ccf_sm3_impl *impl;
} ccf_sm3_ctx;

const ccf_sm3_impl *const *ccf_sm3_impls(void);
const ccf_sm3_impl *ccf_sm3_best(void);

void ccf_sm3_init(ccf_sm3_ctx *c);
/* Same with a given implementation (tests); CCF_ERR_PARAM if unsupported. */
int ccf_sm3_init_impl(ccf_sm3_ctx *c, const ccf_sm3_impl *impl);
void ccf_sm3_update(ccf_sm3_ctx *c, const uint8_t *data, size_t len);
/* Write the digest and wipe the context (buffered data included). */
void ccf_sm3_final(ccf_sm3_ctx *c, uint8_t out[32]);
/* One-shot digest. */
void ccf_sm3(const uint8_t *data, size_t len, uint8_t out[32]);

#endif /* CCF_SM3_H */
