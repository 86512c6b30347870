/*
 * GHASH with ARMv8 PMULL, 4 blocks per reduction.  Same natural-form representation as the
 * x86 kernels (ghash_x86.h): RBIT reverses the bits of each byte, products are plain
 * carry-less multiplications, and the reduction folds twice with x^7 + x^2 + x + 1.
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

PM static inline uint64x2_t clmul(uint64_t a, uint64_t b)
{
    return vreinterpretq_u64_p128(vmull_p64((poly64_t)a, (poly64_t)b));
}

/* Accumulate a*b (unreduced) into lo, mid, hi. */
PM static inline void mul_acc(uint64x2_t a, uint64x2_t b, uint64x2_t *lo, uint64x2_t *mid, uint64x2_t *hi)
{
    uint64_t a0 = vgetq_lane_u64(a, 0), a1 = vgetq_lane_u64(a, 1);
    uint64_t b0 = vgetq_lane_u64(b, 0), b1 = vgetq_lane_u64(b, 1);
    *lo = veorq_u64(*lo, clmul(a0, b0));
    *hi = veorq_u64(*hi, clmul(a1, b1));
    *mid = veorq_u64(*mid, veorq_u64(clmul(a0, b1), clmul(a1, b0)));
}

PM static inline uint64x2_t reduce(uint64x2_t lo, uint64x2_t mid, uint64x2_t hi)
{
    uint64x2_t t;
    uint64x2_t zero = vdupq_n_u64(0);
    lo = veorq_u64(lo, vextq_u64(zero, mid, 1));     /* mid << 64 */
    hi = veorq_u64(hi, vextq_u64(mid, zero, 1));     /* mid >> 64 */
    t = clmul(vgetq_lane_u64(hi, 1), 0x87);          /* p3 * 0x87 -> p2:p1 */
    lo = veorq_u64(lo, vextq_u64(zero, t, 1));
    hi = veorq_u64(hi, vextq_u64(t, zero, 1));
    t = clmul(vgetq_lane_u64(hi, 0), 0x87);          /* p2 * 0x87 -> p1:p0 */
    return veorq_u64(lo, t);
}

PM static inline uint64x2_t load_nat(const uint8_t *p)
{
    return vreinterpretq_u64_u8(vrbitq_u8(vld1q_u8(p)));
}

PM static inline uint64x2_t mul(uint64x2_t a, uint64x2_t b)
{
    uint64x2_t lo = vdupq_n_u64(0), mid = lo, hi = lo;
    mul_acc(a, b, &lo, &mid, &hi);
    return reduce(lo, mid, hi);
}

/* Table: natural-form H^1..H^4. */
PM static void pmull_init(ccf_ghash_key *gk, const uint8_t h[16])
{
    uint64x2_t hp = load_nat(h), p = hp;
    int i;
    for (i = 0; i < 4; i++) {
        vst1q_u64((uint64_t *)(gk->tbl + 16 * i), p);
        p = mul(p, hp);
    }
}

PM static void pmull_update(const ccf_ghash_key *gk, uint8_t y8[16], const uint8_t *data, size_t len)
{
    uint64x2_t y = load_nat(y8), h[4];
    int j;
    for (j = 0; j < 4; j++)
        h[j] = vld1q_u64((const uint64_t *)(gk->tbl + 16 * j));
    while (len >= 64) {
        uint64x2_t lo = vdupq_n_u64(0), mid = lo, hi = lo;
        for (j = 0; j < 4; j++) {
            uint64x2_t b = load_nat(data + 16 * j);
            if (j == 0)
                b = veorq_u64(b, y);
            mul_acc(b, h[3 - j], &lo, &mid, &hi);
        }
        y = reduce(lo, mid, hi);
        data += 64;
        len -= 64;
    }
    while (len > 0) {
        uint8_t last[16] = {0};
        const uint8_t *b = data;
        size_t n = len < 16 ? len : 16;
        if (n < 16) {
            memcpy(last, data, n);
            b = last;
        }
        y = mul(veorq_u64(y, load_nat(b)), h[0]);
        data += n;
        len -= n;
    }
    vst1q_u8(y8, vrbitq_u8(vreinterpretq_u8_u64(y)));
}

const ccf_ghash_impl ccf_ghash_impl_pmull = { "armv8-pmull", pmull_supported, pmull_init, pmull_update };

#endif /* CCF_HAVE_ARM_INTRIN */
