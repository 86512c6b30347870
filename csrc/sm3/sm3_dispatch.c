/* SM3 streaming API, implementation choice and the multi-buffer scheduler.  See ccf_sm3.h. */
#include "sm3_impls.h"
#include "ccf_md64.h"
#include "ccf_cpu.h"

static const ccf_sm3_impl *const impls[] = {
#if defined(CCF_HAVE_ARM_INTRIN)
    &ccf_sm3_impl_armv8,
#endif
#if defined(CCF_HAVE_X86_INTRIN)
    &ccf_sm3_impl_x86avx2,
#endif
    &ccf_sm3_impl_portable,
    NULL
};

static int serial_supported(void) { return 1; }

/* One lane: the state is a plain chaining value h[8]. */
static void serial_compress(uint32_t *state, const uint8_t *const *blocks, size_t nblocks)
{
    ccf_sm3_best()->compress(state, blocks[0], nblocks);
}

static const ccf_sm3_mb_impl mb_serial = { "serial", serial_supported, 1, serial_compress };

static const ccf_sm3_mb_impl *const mb_impls[] = {
#if defined(CCF_HAVE_X86_INTRIN)
    &ccf_sm3_mb_impl_avx512,
    &ccf_sm3_mb_impl_avx2,
#endif
    &mb_serial,
    NULL
};

/* GB/T 32905 4.1 initial value */
const uint32_t ccf_sm3_iv[8] = {
    0x7380166Fu, 0x4914B2B9u, 0x172442D7u, 0xDA8A0600u,
    0xA96F30BCu, 0x163138AAu, 0xE38DEE4Du, 0xB0FB0E4Eu
};

/* see ccf_sm3.h */
const ccf_sm3_impl *const *ccf_sm3_impls(void) { return impls; }

/* see ccf_sm3.h */
const ccf_sm3_impl *ccf_sm3_best(void)
{
    size_t i;
    for (i = 0; impls[i]; i++)
        if (impls[i]->supported())
            return impls[i];
    return &ccf_sm3_impl_portable;
}

/* see ccf_sm3.h */
const ccf_sm3_mb_impl *const *ccf_sm3_mb_impls(void) { return mb_impls; }

/* see ccf_sm3.h */
const ccf_sm3_mb_impl *ccf_sm3_mb_best(void)
{
    size_t i;
    for (i = 0; mb_impls[i]; i++)
        if (mb_impls[i]->supported())
            return mb_impls[i];
    return &mb_serial;
}

/* see ccf_sm3.h */
int ccf_sm3_init_impl(ccf_sm3_ctx *c, const ccf_sm3_impl *impl)
{
    if (!impl || !impl->supported())
        return CCF_ERR_PARAM;
    memcpy(c->h, ccf_sm3_iv, sizeof(ccf_sm3_iv));
    c->nblocks = 0;
    c->num = 0;
    c->impl = impl;
    return CCF_OK;
}

/* see ccf_sm3.h */
void ccf_sm3_init(ccf_sm3_ctx *c)
{
    (void)ccf_sm3_init_impl(c, ccf_sm3_best());
}

/* see ccf_sm3.h */
void ccf_sm3_update(ccf_sm3_ctx *c, const uint8_t *data, size_t len)
{
    ccf_md64_update(c->impl->compress, c->h, c->buf, &c->num, &c->nblocks, data, len);
}

/* see ccf_sm3.h */
void ccf_sm3_final(ccf_sm3_ctx *c, uint8_t out[32])
{
    int i;
    ccf_md64_pad(c->impl->compress, c->h, c->buf, c->num, c->nblocks);
    for (i = 0; i < 8; i++)
        ccf_store32_be(out + 4 * i, c->h[i]);
    ccf_memzero(c, sizeof(*c));
}

/* see ccf_sm3.h */
void ccf_sm3(const uint8_t *data, size_t len, uint8_t out[32])
{
    ccf_sm3_ctx c;
    ccf_sm3_init(&c);
    ccf_sm3_update(&c, data, len);
    ccf_sm3_final(&c, out);
}

/* ---- multi-buffer scheduler --------------------------------------------------------------- */

#define MB_MAX_LANES 16

/* A lane hashes its message as two segments of whole blocks: the message's own full blocks
 * (read in place), then one or two padded tail blocks (5.2) built here. */
typedef struct mb_lane {
    const uint8_t *p;          /* next block of the current segment */
    size_t left;               /* blocks left in the current segment */
    size_t idx;                /* which message */
    int phase;                 /* 0: message blocks, 1: tail blocks, 2: idle */
    size_t ntail;
    uint8_t tail[128];
} mb_lane;

static void mb_lane_start(mb_lane *ln, const uint8_t *m, size_t len, size_t idx)
{
    size_t full = len / 64, rem = len % 64;
    memset(ln->tail, 0, sizeof(ln->tail));
    if (rem)
        memcpy(ln->tail, m + 64 * full, rem);
    ln->tail[rem] = 0x80;
    ln->ntail = rem < 56 ? 1 : 2;
    ccf_store64_be(ln->tail + 64 * ln->ntail - 8, (uint64_t)len * 8);
    ln->idx = idx;
    if (full) {
        ln->p = m; ln->left = full; ln->phase = 0;
    } else {
        ln->p = ln->tail; ln->left = ln->ntail; ln->phase = 1;
    }
}

/* Next segment; returns 1 when the lane's message is finished. */
static int mb_lane_advance(mb_lane *ln, size_t k)
{
    ln->p += 64 * k;
    ln->left -= k;
    if (ln->left)
        return 0;
    if (ln->phase == 0) {
        ln->p = ln->tail; ln->left = ln->ntail; ln->phase = 1;
        return 0;
    }
    return 1;
}

/* see ccf_sm3.h */
int ccf_sm3_digest_many_impl(const ccf_sm3_mb_impl *impl, const uint8_t *const *msgs, const size_t *lens,
                             size_t n, uint8_t (*out)[32])
{
    mb_lane lanes[MB_MAX_LANES];
    uint32_t state[8 * MB_MAX_LANES];
    const uint8_t *ptrs[MB_MAX_LANES];
    const ccf_sm3_impl *single = ccf_sm3_best();
    unsigned L, l, i, active = 0;
    size_t next = 0;

    if (!impl || !impl->supported() || impl->lanes == 0 || impl->lanes > MB_MAX_LANES)
        return CCF_ERR_PARAM;
    L = impl->lanes;
    for (l = 0; l < L; l++) {
        lanes[l].phase = 2;
        if (next < n) {
            mb_lane_start(&lanes[l], msgs[next], lens[next], next);
            next++;
            active++;
            for (i = 0; i < 8; i++)
                state[i * L + l] = ccf_sm3_iv[i];
        }
    }
    /* Lanes run while enough of them are busy; the last few messages finish single-stream,
     * where one lane's work costs less than a whole vector pass. */
    while (active > L / 4) {
        size_t k = SIZE_MAX;
        const uint8_t *any = NULL;
        for (l = 0; l < L; l++)
            if (lanes[l].phase != 2) {
                if (lanes[l].left < k) { k = lanes[l].left; any = lanes[l].p; }
            }
        /* idle lanes re-read a busy lane's blocks (valid memory); their results are unused */
        for (l = 0; l < L; l++)
            ptrs[l] = lanes[l].phase != 2 ? lanes[l].p : any;
        impl->compress(state, ptrs, k);
        for (l = 0; l < L; l++) {
            if (lanes[l].phase == 2 || !mb_lane_advance(&lanes[l], k))
                continue;
            for (i = 0; i < 8; i++)
                ccf_store32_be(out[lanes[l].idx] + 4 * i, state[i * L + l]);
            if (next < n) {
                mb_lane_start(&lanes[l], msgs[next], lens[next], next);
                next++;
                for (i = 0; i < 8; i++)
                    state[i * L + l] = ccf_sm3_iv[i];
            } else {
                lanes[l].phase = 2;
                active--;
            }
        }
    }
    for (l = 0; l < L; l++) {
        uint32_t h[8];
        if (lanes[l].phase == 2)
            continue;
        for (i = 0; i < 8; i++)
            h[i] = state[i * L + l];
        do {
            single->compress(h, lanes[l].p, lanes[l].left);
        } while (!mb_lane_advance(&lanes[l], lanes[l].left));
        for (i = 0; i < 8; i++)
            ccf_store32_be(out[lanes[l].idx] + 4 * i, h[i]);
    }
    /* the tails hold message bytes: wiped because callers may hash secrets */
    ccf_memzero(lanes, sizeof(lanes));
    ccf_memzero(state, sizeof(state));
    return CCF_OK;
}

/* see ccf_sm3.h */
int ccf_sm3_digest_many(const uint8_t *const *msgs, const size_t *lens, size_t n, uint8_t (*out)[32])
{
    return ccf_sm3_digest_many_impl(ccf_sm3_mb_best(), msgs, lens, n, out);
}
