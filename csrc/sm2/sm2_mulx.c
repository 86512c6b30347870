/*
 * sm2_mulx.c - SM2 point arithmetic with an x86-64 BMI2/ADX field multiplication
 * ("x86_64-mulx"), chosen at run time when the CPU has both.
 *
 * The 256x256 -> 512-bit product uses MULX (flag-free multiply) and ADCX/ADOX-style carry chains
 * through the _mulx_u64 / _addcarryx_u64 intrinsics.  Reduction uses the shape of p instead of
 * multiplications: with m = t[0] (since -p^-1 = 1 mod 2^64),
 *   (t + m p) / 2^64 = (t - m) / 2^64 + m (2^192 - 2^160 - 2^32 + 1),
 * and m (2^192 - 2^160 - 2^32 + 1) = [m, 0, 0, m] - [m << 32, m >> 32, m << 32, m >> 32] in
 * 64-bit limbs, so each of the four Montgomery steps is a handful of shifts, adds and subtracts.
 * Every function here carries CCF_TARGET("bmi2,adx") so the multiplier inlines into the point
 * formulas; nothing here is called unless ccf_cpu_has(BMI2 | ADX).
 */
#include "sm2_impls.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>

#define SM2_MULX_ATTR CCF_TARGET("bmi2,adx")
#if defined(CCF_MSVC)
#  define SM2_MULX_INLINE __inline
#else
#  define SM2_MULX_INLINE inline
#endif

#if defined(CCF_MSVC)
typedef unsigned __int64 sm2_u64x;
#else
typedef unsigned long long sm2_u64x;
#endif

/* r = t / 2^256 mod p for a 512-bit t < p 2^256 (four Montgomery steps, see above). */
static SM2_MULX_ATTR SM2_MULX_INLINE void sm2_mulx_reduce(sm2_fe r, sm2_u64x t[9])
{
    unsigned char c1;
    int i, j;
    t[8] = 0;
    for (i = 0; i < 4; i++) {
        sm2_u64x m = t[i], v0, v1, v2, v3, s0 = m << 32, s1 = m >> 32;
        unsigned char b1;
        b1 = _subborrow_u64(0, m, s0, &v0);
        b1 = _subborrow_u64(b1, 0, s1, &v1);
        b1 = _subborrow_u64(b1, 0, s0, &v2);
        b1 = _subborrow_u64(b1, m, s1, &v3);
        (void)b1;                                  /* m (2^192 - 2^160 - 2^32 + 1) >= 0 */
        c1 = _addcarryx_u64(0, t[i + 1], v0, &t[i + 1]);
        c1 = _addcarryx_u64(c1, t[i + 2], v1, &t[i + 2]);
        c1 = _addcarryx_u64(c1, t[i + 3], v2, &t[i + 3]);
        c1 = _addcarryx_u64(c1, t[i + 4], v3, &t[i + 4]);
        for (j = i + 5; j < 9; j++) c1 = _addcarryx_u64(c1, t[j], 0, &t[j]);
    }
    /* result t[4..8] < 2p: subtract p once if t >= p (masked) */
    {
        sm2_u64x u0, u1, u2, u3, d, keep;
        unsigned char b2;
        b2 = _subborrow_u64(0, t[4], ccf_sm2_p[0], &u0);
        b2 = _subborrow_u64(b2, t[5], ccf_sm2_p[1], &u1);
        b2 = _subborrow_u64(b2, t[6], ccf_sm2_p[2], &u2);
        b2 = _subborrow_u64(b2, t[7], ccf_sm2_p[3], &u3);
        b2 = _subborrow_u64(b2, t[8], 0, &d);
        keep = (sm2_u64x)0 - b2;
        r[0] = (t[4] & keep) | (u0 & ~keep);
        r[1] = (t[5] & keep) | (u1 & ~keep);
        r[2] = (t[6] & keep) | (u2 & ~keep);
        r[3] = (t[7] & keep) | (u3 & ~keep);
    }
}

static SM2_MULX_ATTR SM2_MULX_INLINE void sm2_mulx_fe_mul(sm2_fe r, const sm2_fe a, const sm2_fe b)
{
    sm2_u64x t[9], hi, lo;
    unsigned char c1, c2;
    int i;
    /* row 0 */
    t[0] = _mulx_u64(a[0], b[0], &hi); t[1] = hi;
    lo = _mulx_u64(a[1], b[0], &hi); c1 = _addcarryx_u64(0, t[1], lo, &t[1]); t[2] = hi;
    lo = _mulx_u64(a[2], b[0], &hi); c1 = _addcarryx_u64(c1, t[2], lo, &t[2]); t[3] = hi;
    lo = _mulx_u64(a[3], b[0], &hi); c1 = _addcarryx_u64(c1, t[3], lo, &t[3]); t[4] = hi + c1;
    /* rows 1..3: t[i..i+4] += a * b[i], two carry chains (low halves, high halves) */
    for (i = 1; i < 4; i++) {
        sm2_u64x h0, h1, h2, h3, l0, l1, l2, l3;
        l0 = _mulx_u64(a[0], b[i], &h0);
        l1 = _mulx_u64(a[1], b[i], &h1);
        l2 = _mulx_u64(a[2], b[i], &h2);
        l3 = _mulx_u64(a[3], b[i], &h3);
        c1 = _addcarryx_u64(0, t[i], l0, &t[i]);
        c1 = _addcarryx_u64(c1, t[i + 1], l1, &t[i + 1]);
        c1 = _addcarryx_u64(c1, t[i + 2], l2, &t[i + 2]);
        c1 = _addcarryx_u64(c1, t[i + 3], l3, &t[i + 3]);
        t[i + 4] = c1;
        c2 = _addcarryx_u64(0, t[i + 1], h0, &t[i + 1]);
        c2 = _addcarryx_u64(c2, t[i + 2], h1, &t[i + 2]);
        c2 = _addcarryx_u64(c2, t[i + 3], h2, &t[i + 3]);
        c2 = _addcarryx_u64(c2, t[i + 4], h3, &t[i + 4]);
        (void)c2;                                  /* the partial product fits in i+5 limbs */
    }
    sm2_mulx_reduce(r, t);
}

/* Squaring: the six cross products once, doubled, plus the four squares (10 MULX instead of 16). */
static SM2_MULX_ATTR SM2_MULX_INLINE void sm2_mulx_fe_sqr(sm2_fe r, const sm2_fe a)
{
    sm2_u64x t[9], l01, h01, l02, h02, l03, h03, l12, h12, l13, h13, l23, h23, l, h;
    unsigned char c;
    l01 = _mulx_u64(a[0], a[1], &h01);
    l02 = _mulx_u64(a[0], a[2], &h02);
    l03 = _mulx_u64(a[0], a[3], &h03);
    t[1] = l01;
    c = _addcarryx_u64(0, h01, l02, &t[2]);
    c = _addcarryx_u64(c, h02, l03, &t[3]);
    t[4] = h03 + c;
    l12 = _mulx_u64(a[1], a[2], &h12);
    l13 = _mulx_u64(a[1], a[3], &h13);
    c = _addcarryx_u64(0, t[3], l12, &t[3]);
    c = _addcarryx_u64(c, t[4], l13, &t[4]);
    t[5] = c;
    c = _addcarryx_u64(0, t[4], h12, &t[4]);
    c = _addcarryx_u64(c, t[5], h13, &t[5]);
    l23 = _mulx_u64(a[2], a[3], &h23);
    c = _addcarryx_u64(0, t[5], l23, &t[5]);
    t[6] = h23 + c;
    /* double the cross products */
    t[7] = t[6] >> 63;
    t[6] = (t[6] << 1) | (t[5] >> 63);
    t[5] = (t[5] << 1) | (t[4] >> 63);
    t[4] = (t[4] << 1) | (t[3] >> 63);
    t[3] = (t[3] << 1) | (t[2] >> 63);
    t[2] = (t[2] << 1) | (t[1] >> 63);
    t[1] = t[1] << 1;
    /* add the squares */
    t[0] = _mulx_u64(a[0], a[0], &h);
    c = _addcarryx_u64(0, t[1], h, &t[1]);
    l = _mulx_u64(a[1], a[1], &h);
    c = _addcarryx_u64(c, t[2], l, &t[2]);
    c = _addcarryx_u64(c, t[3], h, &t[3]);
    l = _mulx_u64(a[2], a[2], &h);
    c = _addcarryx_u64(c, t[4], l, &t[4]);
    c = _addcarryx_u64(c, t[5], h, &t[5]);
    l = _mulx_u64(a[3], a[3], &h);
    c = _addcarryx_u64(c, t[6], l, &t[6]);
    c = _addcarryx_u64(c, t[7], h, &t[7]);
    (void)c;
    sm2_mulx_reduce(r, t);
}

static SM2_MULX_ATTR void sm2_mulx_fe_mul_ext(sm2_fe r, const sm2_fe a, const sm2_fe b) { sm2_mulx_fe_mul(r, a, b); }
static SM2_MULX_ATTR void sm2_mulx_fe_sqr_ext(sm2_fe r, const sm2_fe a) { sm2_mulx_fe_sqr(r, a); }

#define SM2_FN(name) sm2_mulx_##name
#define SM2_ATTR static SM2_MULX_ATTR
#define SM2_MUL(r, a, b) sm2_mulx_fe_mul((r), (a), (b))
#define SM2_SQR(r, a) sm2_mulx_fe_sqr((r), (a))
#include "sm2_ec_tmpl.h"

static int sm2_mulx_supported(void) { return ccf_cpu_has(CCF_CPU_BMI2 | CCF_CPU_ADX); }

const sm2_impl ccf_sm2_impl_mulx = {
    "x86_64-mulx", sm2_mulx_supported, sm2_mulx_fe_mul_ext, sm2_mulx_fe_sqr_ext,
    sm2_mulx_fe_inv, sm2_mulx_mul_base, sm2_mulx_mul_var, sm2_mulx_mul_double_vartime,
    sm2_mulx_to_affine, sm2_mulx_add_vartime,
    sm2_mulx_build_ptab, sm2_mulx_mul_var_ptab, sm2_mulx_mul_double_vartime_ptab,
};

#else
typedef int ccf_sm2_mulx_unused;   /* ISO C forbids an empty translation unit */
#endif
