/*
 * GHASH (NIST SP 800-38D 6.4) with ARMv8 PMULL/PMULL2, 8 blocks per reduction.
 *
 * Representation: GCM numbers the bits of a block from the most significant bit of byte 0
 * (x^0) onwards.  RBIT reverses the bits of every byte, after which the 16 bytes read as a
 * little-endian 128-bit integer have bit i = coefficient of x^i ("natural" form), so products
 * are plain carry-less multiplications and the reduction modulo x^128 + x^7 + x^2 + x + 1
 * folds the high half down twice with the constant 0x87.
 *
 * Aggregation: Y' = (Y ^ X1) H^8 ^ X2 H^7 ^ ... ^ X8 H, with the eight 256-bit products summed
 * before one reduction.  The key holds H^1..H^8 (and each with its halves swapped, for the
 * middle products) in gk->tbl.  The 64x64 products take the low lanes with PMULL and the high
 * lanes with PMULL2.
 */
#include "ghash_impls.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_ARM_INTRIN)
#include <arm_neon.h>

#if defined(CCF_MSVC)
#  define PM
#elif defined(__clang__)
#  define PM CCF_TARGET("crypto")
#else
#  define PM CCF_TARGET("+crypto")
#endif

static int pmull_supported(void) { return ccf_cpu_has(CCF_CPU_ARM_PMULL); }

/* a.lo * b.lo and a.hi * b.hi */
PM static inline uint64x2_t mul_lo(uint64x2_t a, uint64x2_t b)
{
    return vreinterpretq_u64_p128(vmull_p64((poly64_t)vgetq_lane_u64(a, 0), (poly64_t)vgetq_lane_u64(b, 0)));
}
PM static inline uint64x2_t mul_hi(uint64x2_t a, uint64x2_t b)
{
    return vreinterpretq_u64_p128(vmull_high_p64(vreinterpretq_p64_u64(a), vreinterpretq_p64_u64(b)));
}

/* Accumulate the 256-bit product a * b as lo + mid x^64 + hi x^128; bs is b with its
 * 64-bit halves swapped. */
PM static inline void mul_acc(uint64x2_t a, uint64x2_t b, uint64x2_t bs,
                              uint64x2_t *lo, uint64x2_t *mid, uint64x2_t *hi)
{
    *lo = veorq_u64(*lo, mul_lo(a, b));
    *hi = veorq_u64(*hi, mul_hi(a, b));
    *mid = veorq_u64(*mid, veorq_u64(mul_lo(a, bs), mul_hi(a, bs)));
}

/* (lo + mid x^64 + hi x^128) mod x^128 + x^7 + x^2 + x + 1. */
PM static inline uint64x2_t reduce(uint64x2_t lo, uint64x2_t mid, uint64x2_t hi)
{
    const uint64x2_t zero = vdupq_n_u64(0), poly = vdupq_n_u64(0x87);
    uint64x2_t t;
    lo = veorq_u64(lo, vextq_u64(zero, mid, 1));      /* low half of mid into bits 64..127 */
    hi = veorq_u64(hi, vextq_u64(mid, zero, 1));      /* high half into bits 128..191 */
    t = mul_hi(hi, poly);                             /* bits 192..255: x^192 = x^64 * 0x87 */
    lo = veorq_u64(lo, vextq_u64(zero, t, 1));
    hi = veorq_u64(hi, vextq_u64(t, zero, 1));
    return veorq_u64(lo, mul_lo(hi, poly));           /* bits 128..191 */
}

PM static inline uint64x2_t load_nat(const uint8_t *p)
{
    return vreinterpretq_u64_u8(vrbitq_u8(vld1q_u8(p)));
}

PM static inline uint64x2_t swap(uint64x2_t a) { return vextq_u64(a, a, 1); }

/* Key layout: tbl + 32 i holds H^(i+1) and then H^(i+1) with swapped halves, i = 0..7. */
#define HPOW(gk, i) vld1q_u64((const uint64_t *)((gk)->tbl + 32 * (i)))
#define HSWP(gk, i) vld1q_u64((const uint64_t *)((gk)->tbl + 32 * (i) + 16))

PM static void pmull_init(ccf_ghash_key *gk, const uint8_t h[16])
{
    uint64x2_t hn = load_nat(h), hs = swap(hn), p = hn;
    int i;
    for (i = 0; i < 8; i++) {
        uint64x2_t lo = vdupq_n_u64(0), mid = lo, hi = lo;
        vst1q_u64((uint64_t *)(gk->tbl + 32 * i), p);
        vst1q_u64((uint64_t *)(gk->tbl + 32 * i + 16), swap(p));
        mul_acc(p, hn, hs, &lo, &mid, &hi);
        p = reduce(lo, mid, hi);
    }
}

PM static void pmull_update(const ccf_ghash_key *gk, uint8_t y8[16], const uint8_t *data, size_t len)
{
    uint64x2_t y = load_nat(y8), h1 = HPOW(gk, 0), h1s = HSWP(gk, 0);
    while (len >= 128) {
        uint64x2_t lo = vdupq_n_u64(0), mid = lo, hi = lo;
        int j;
        mul_acc(veorq_u64(y, load_nat(data)), HPOW(gk, 7), HSWP(gk, 7), &lo, &mid, &hi);
        for (j = 1; j < 8; j++)
            mul_acc(load_nat(data + 16 * j), HPOW(gk, 7 - j), HSWP(gk, 7 - j), &lo, &mid, &hi);
        y = reduce(lo, mid, hi);
        data += 128;
        len -= 128;
    }
    while (len > 0) {
        uint64x2_t lo = vdupq_n_u64(0), mid = lo, hi = lo, x;
        if (len >= 16) {
            x = load_nat(data);
            data += 16;
            len -= 16;
        } else {                                       /* zero-padded final partial block */
            uint8_t last[16] = {0};
            memcpy(last, data, len);
            x = load_nat(last);
            len = 0;
        }
        mul_acc(veorq_u64(y, x), h1, h1s, &lo, &mid, &hi);
        y = reduce(lo, mid, hi);
    }
    vst1q_u8(y8, vrbitq_u8(vreinterpretq_u8_u64(y)));
}

const ccf_ghash_impl ccf_ghash_impl_pmull = { "armv8-pmull", pmull_supported, pmull_init, pmull_update };

#endif /* CCF_HAVE_ARM_INTRIN */
