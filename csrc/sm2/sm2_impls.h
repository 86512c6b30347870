/*
 * sm2_impls.h - internals shared by the SM2 kernels (private to csrc/sm2).
 *
 * Field elements of GF(p), p = 2^256 - 2^224 - 2^96 + 2^64 - 1 (GB/T 32918.5 recommended curve),
 * are four 64-bit little-endian limbs in Montgomery form (x*R mod p, R = 2^256), always fully
 * reduced to [0, p).  Every implementation (portable64, portable32, x86_64-mulx) uses the same
 * representation, so the fixed-base table built once at start-up serves all of them.
 *
 * Only the multiplication differs between implementations; sm2_ec_tmpl.h holds the point
 * arithmetic and is compiled once per implementation with that implementation's fe_mul/fe_sqr
 * (so the x86_64-mulx copy carries CCF_TARGET("bmi2,adx") on every function and inlines).
 */
#ifndef CCF_SM2_IMPLS_H
#define CCF_SM2_IMPLS_H

#include "ccf_common.h"
#include "ccf_sm2.h"

typedef uint64_t sm2_fe[4];

/*
 * SM2_DECLASSIFY(p, n): marks a value derived from secrets as public where the algorithm
 * publishes it anyway (an output coordinate, r of a signature, a final success bit, or the
 * negligible-probability "exceptional case" flags of the ladders).  A no-op except in the
 * ctgrind build (CCF_CTGRIND, csrc/tests/ctgrind_sm2.c), where valgrind memcheck treats secrets
 * as undefined and reports any branch or address that depends on them.
 */
#define SM2_DECLASSIFY(p, n) CCF_DECLASSIFY(p, n)

/* Jacobian point (X/Z^2, Y/Z^3); infinity has Z = 0. */
typedef struct { sm2_fe x, y, z; } sm2_jac;
/* Affine point (Montgomery coordinates). */
typedef struct { sm2_fe x, y; } sm2_aff;

/* Fixed-base table: Booth windows of SM2_COMB_W bits; entry [i][j] = (j+1) * 2^(W*i) * G. */
#define SM2_COMB_W 6
#define SM2_COMB_WINDOWS 43          /* 6 * 43 = 258 >= 257 bits Booth recoding needs */
#define SM2_COMB_ENTRIES 32          /* 2^(W-1) */
extern sm2_aff ccf_sm2_comb[SM2_COMB_WINDOWS][SM2_COMB_ENTRIES];

/* Constants (sm2_field.c). */
extern const sm2_fe ccf_sm2_p;       /* p */
extern const sm2_fe ccf_sm2_n;       /* group order n */
extern const sm2_fe ccf_sm2_one;     /* R mod p (1 in Montgomery form) */
extern const sm2_fe ccf_sm2_rr;      /* R^2 mod p */
extern const sm2_fe ccf_sm2_b_mont;  /* b in Montgomery form */
extern const sm2_aff ccf_sm2_g_mont; /* generator, Montgomery coordinates */

/* ---- 64-bit limb primitives (portable C) --------------------------------------------- */

CCF_INLINE uint64_t sm2_adc(uint64_t a, uint64_t b, uint64_t *carry)
{
    uint64_t s = a + *carry;
    uint64_t c = s < *carry;
    s += b;
    c += s < b;
    *carry = c;
    return s;
}
CCF_INLINE uint64_t sm2_sbb(uint64_t a, uint64_t b, uint64_t *borrow)
{
    uint64_t d = a - b;
    uint64_t br = a < b;
    uint64_t d2 = d - *borrow;
    br |= d < *borrow;
    *borrow = br;
    return d2;
}

#if defined(CCF_HAVE_X86_INTRIN)
/* x86-64: explicit carry chains (ADC/SBB are baseline x86-64, no target attribute needed). */
#include <immintrin.h>
#if defined(CCF_MSVC)
typedef unsigned __int64 sm2_ull;
#else
typedef unsigned long long sm2_ull;
#endif
/* r = a + b mod m, a, b < m (constant time). */
CCF_INLINE void sm2_mod_add(uint64_t r[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4])
{
    sm2_ull t0, t1, t2, t3, u0, u1, u2, u3, d, keep;
    unsigned char c, br;
    c = _addcarry_u64(0, a[0], b[0], &t0);
    c = _addcarry_u64(c, a[1], b[1], &t1);
    c = _addcarry_u64(c, a[2], b[2], &t2);
    c = _addcarry_u64(c, a[3], b[3], &t3);
    br = _subborrow_u64(0, t0, m[0], &u0);
    br = _subborrow_u64(br, t1, m[1], &u1);
    br = _subborrow_u64(br, t2, m[2], &u2);
    br = _subborrow_u64(br, t3, m[3], &u3);
    br = _subborrow_u64(br, c, 0, &d);
    keep = (sm2_ull)0 - br;                       /* a + b < m: keep the sum */
    r[0] = u0 ^ (keep & (t0 ^ u0)); r[1] = u1 ^ (keep & (t1 ^ u1));
    r[2] = u2 ^ (keep & (t2 ^ u2)); r[3] = u3 ^ (keep & (t3 ^ u3));
}
/* r = a - b mod m, a, b < m (constant time). */
CCF_INLINE void sm2_mod_sub(uint64_t r[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4])
{
    sm2_ull t0, t1, t2, t3, mask, o0, o1, o2, o3;
    unsigned char c, br;
    br = _subborrow_u64(0, a[0], b[0], &t0);
    br = _subborrow_u64(br, a[1], b[1], &t1);
    br = _subborrow_u64(br, a[2], b[2], &t2);
    br = _subborrow_u64(br, a[3], b[3], &t3);
    mask = (sm2_ull)0 - br;
    c = _addcarry_u64(0, t0, m[0] & mask, &o0);
    c = _addcarry_u64(c, t1, m[1] & mask, &o1);
    c = _addcarry_u64(c, t2, m[2] & mask, &o2);
    (void)_addcarry_u64(c, t3, m[3] & mask, &o3);
    r[0] = o0; r[1] = o1; r[2] = o2; r[3] = o3;
}
#else
/* r = a + b mod m, a, b < m (constant time). */
CCF_INLINE void sm2_mod_add(uint64_t r[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4])
{
    uint64_t c = 0, br = 0, t[4], u[4];
    int i;
    for (i = 0; i < 4; i++) t[i] = sm2_adc(a[i], b[i], &c);
    for (i = 0; i < 4; i++) u[i] = sm2_sbb(t[i], m[i], &br);
    /* keep t when (carry == 0 and borrow == 1), i.e. a + b < m */
    {
        uint64_t keep = (uint64_t)0 - ((~c & br) & 1);
        for (i = 0; i < 4; i++) r[i] = (t[i] & keep) | (u[i] & ~keep);
    }
}

/* r = a - b mod m, a, b < m (constant time). */
CCF_INLINE void sm2_mod_sub(uint64_t r[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4])
{
    uint64_t br = 0, c = 0, t[4], mask;
    int i;
    for (i = 0; i < 4; i++) t[i] = sm2_sbb(a[i], b[i], &br);
    mask = (uint64_t)0 - br;
    for (i = 0; i < 4; i++) r[i] = sm2_adc(t[i], m[i] & mask, &c);
}
#endif

/* All-ones when a == 0 (constant time). */
CCF_INLINE uint64_t sm2_is_zero(const uint64_t a[4])
{
    uint64_t x = a[0] | a[1] | a[2] | a[3];
    return ((x | ((uint64_t)0 - x)) >> 63) - 1;
}
/* All-ones when a == b. */
CCF_INLINE uint64_t sm2_eq(const uint64_t a[4], const uint64_t b[4])
{
    uint64_t x = (a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]);
    return ((x | ((uint64_t)0 - x)) >> 63) - 1;
}
/* All-ones when a < b (unsigned 256-bit compare, constant time). */
CCF_INLINE uint64_t sm2_lt(const uint64_t a[4], const uint64_t b[4])
{
    uint64_t br = 0;
    int i;
    for (i = 0; i < 4; i++) (void)sm2_sbb(a[i], b[i], &br);
    return (uint64_t)0 - br;
}
CCF_INLINE void sm2_cmov(uint64_t r[4], const uint64_t a[4], uint64_t mask)
{
    r[0] ^= mask & (r[0] ^ a[0]); r[1] ^= mask & (r[1] ^ a[1]);
    r[2] ^= mask & (r[2] ^ a[2]); r[3] ^= mask & (r[3] ^ a[3]);
}

/* 32 big-endian bytes <-> limbs (no reduction). */
CCF_INLINE void sm2_from_be(uint64_t r[4], const uint8_t b[32])
{
    r[3] = ccf_load64_be(b); r[2] = ccf_load64_be(b + 8); r[1] = ccf_load64_be(b + 16); r[0] = ccf_load64_be(b + 24);
}
CCF_INLINE void sm2_to_be(uint8_t b[32], const uint64_t r[4])
{
    ccf_store64_be(b, r[3]); ccf_store64_be(b + 8, r[2]); ccf_store64_be(b + 16, r[1]); ccf_store64_be(b + 24, r[0]);
}

/*
 * 64x64 -> 128-bit multiply: unsigned __int128 where the compiler has it, _umul128 on MSVC x64,
 * otherwise four 32x32 -> 64 products (32-bit targets: the "portable32" implementation).
 */
#if defined(__SIZEOF_INT128__) && !defined(CCF_SM2_NO_INT128)
#  define SM2_PORTABLE_NAME "portable64"
#  define SM2_PORTABLE_WIDE_MUL 1
__extension__ typedef unsigned __int128 sm2_u128;     /* GCC / clang extension */
CCF_INLINE uint64_t sm2_mul64(uint64_t a, uint64_t b, uint64_t *hi)
{
    sm2_u128 t = (sm2_u128)a * b;
    *hi = (uint64_t)(t >> 64);
    return (uint64_t)t;
}
#elif defined(CCF_MSVC) && defined(_M_X64) && !defined(CCF_SM2_NO_INT128)
#  include <intrin.h>
#  define SM2_PORTABLE_NAME "portable64"
#  define SM2_PORTABLE_WIDE_MUL 1
CCF_INLINE uint64_t sm2_mul64(uint64_t a, uint64_t b, uint64_t *hi) { return _umul128(a, b, hi); }
#else
#  define SM2_PORTABLE_NAME "portable32"
#  define SM2_PORTABLE_WIDE_MUL 0
CCF_INLINE uint64_t sm2_mul64(uint64_t a, uint64_t b, uint64_t *hi)
{
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return (mid << 32) | (uint32_t)ll;
}
#endif

/*
 * Montgomery multiplication r = a*b/R mod m (CIOS), a, b < m, n0 = -m^-1 mod 2^64.
 * Constant time: the final subtraction is a masked select.
 */
CCF_INLINE void sm2_mont_mul_generic(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                                     const uint64_t m[4], uint64_t n0)
{
    uint64_t t[6] = {0, 0, 0, 0, 0, 0};
    int i, j;
    for (i = 0; i < 4; i++) {
        uint64_t c = 0, hi, lo, mq;
        for (j = 0; j < 4; j++) {
            lo = sm2_mul64(a[j], b[i], &hi);
            lo += c; hi += lo < c;
            t[j] += lo; hi += t[j] < lo;
            c = hi;
        }
        t[4] += c; t[5] = t[4] < c;
        mq = t[0] * n0;
        lo = sm2_mul64(mq, m[0], &hi);
        lo += t[0]; hi += lo < t[0];
        c = hi;
        for (j = 1; j < 4; j++) {
            lo = sm2_mul64(mq, m[j], &hi);
            lo += c; hi += lo < c;
            lo += t[j]; hi += lo < t[j];
            t[j - 1] = lo;
            c = hi;
        }
        t[3] = t[4] + c;
        t[4] = t[5] + (t[3] < c);
    }
    {
        uint64_t br = 0, u[4], keep;
        for (i = 0; i < 4; i++) u[i] = sm2_sbb(t[i], m[i], &br);
        (void)sm2_sbb(t[4], 0, &br);
        keep = (uint64_t)0 - br;          /* t < m: keep t */
        for (i = 0; i < 4; i++) r[i] = (t[i] & keep) | (u[i] & ~keep);
    }
}

/*
 * Multiplication mod p for the portable implementations: schoolbook 256x256 -> 512-bit product,
 * then four Montgomery steps that use the shape of p instead of multiplications.  With
 * m = t[i] (-p^-1 = 1 mod 2^64), adding m p clears limb i and adds
 * m (2^192 - 2^160 - 2^32 + 1) = [m, 0, 0, m] - [m << 32, m >> 32, m << 32, m >> 32]
 * at limb i + 1.  Result t / 2^256 mod p, fully reduced; constant time.
 */
CCF_INLINE void sm2_p_reduce_portable(uint64_t r[4], uint64_t t[8])
{
    uint64_t top = 0, u[4], br, keep;
    int i, j;
    for (i = 0; i < 4; i++) {
        uint64_t m = t[i], s0 = m << 32, s1 = m >> 32, v0, v1, v2, v3, c = 0;
        br = 0;
        v0 = sm2_sbb(m, s0, &br);
        v1 = sm2_sbb(0, s1, &br);
        v2 = sm2_sbb(0, s0, &br);
        v3 = sm2_sbb(m, s1, &br);
        t[i + 1] = sm2_adc(t[i + 1], v0, &c);
        t[i + 2] = sm2_adc(t[i + 2], v1, &c);
        t[i + 3] = sm2_adc(t[i + 3], v2, &c);
        t[i + 4] = sm2_adc(t[i + 4], v3, &c);
        for (j = i + 5; j < 8; j++) t[j] = sm2_adc(t[j], 0, &c);
        top += c;
    }
    br = 0;
    for (i = 0; i < 4; i++) u[i] = sm2_sbb(t[i + 4], ccf_sm2_p[i], &br);
    (void)sm2_sbb(top, 0, &br);
    keep = (uint64_t)0 - br;                      /* t < p: keep t */
    for (i = 0; i < 4; i++) r[i] = (t[i + 4] & keep) | (u[i] & ~keep);
}

CCF_INLINE void sm2_p_mul_portable(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t t[8];
    int i, j;
    for (i = 0; i < 8; i++) t[i] = 0;
    for (i = 0; i < 4; i++) {
        uint64_t c = 0;
        for (j = 0; j < 4; j++) {
            uint64_t hi, lo = sm2_mul64(a[j], b[i], &hi);
            lo += c; hi += lo < c;
            t[i + j] += lo; hi += t[i + j] < lo;
            c = hi;
        }
        t[i + 4] = c;
    }
    sm2_p_reduce_portable(r, t);
}

/* Squaring: six cross products, doubled, plus four squares. */
CCF_INLINE void sm2_p_sqr_portable(uint64_t r[4], const uint64_t a[4])
{
    uint64_t t[8], hi, lo, c;
    int i, j;
    for (i = 0; i < 8; i++) t[i] = 0;
    for (i = 0; i < 3; i++) {
        c = 0;
        for (j = i + 1; j < 4; j++) {
            lo = sm2_mul64(a[j], a[i], &hi);
            lo += c; hi += lo < c;
            t[i + j] += lo; hi += t[i + j] < lo;
            c = hi;
        }
        t[i + 4] = c;
    }
    for (i = 7; i > 0; i--) t[i] = (t[i] << 1) | (t[i - 1] >> 63);
    t[0] = 0;
    c = 0;
    for (i = 0; i < 4; i++) {
        lo = sm2_mul64(a[i], a[i], &hi);
        t[2 * i] = sm2_adc(t[2 * i], lo, &c);
        t[2 * i + 1] = sm2_adc(t[2 * i + 1], hi, &c);
    }
    sm2_p_reduce_portable(r, t);
}

/*
 * The portable implementations' field multiplication: with a native 64x64 -> 128 multiply the
 * interleaved CIOS Montgomery loop is faster (its carries compile to ADC); with the 32x32
 * products the separate product and shape-of-p reduction above are (measured on x86-64:
 * ladder 93 vs 122 us for portable64, 168 vs 196 us for portable32).
 */
#if SM2_PORTABLE_WIDE_MUL
#  define SM2_PORTABLE_MUL(r, a, b) sm2_mont_mul_generic((r), (a), (b), ccf_sm2_p, 1)
#  define SM2_PORTABLE_SQR(r, a) sm2_mont_mul_generic((r), (a), (a), ccf_sm2_p, 1)
#else
#  define SM2_PORTABLE_MUL(r, a, b) sm2_p_mul_portable((r), (a), (b))
#  define SM2_PORTABLE_SQR(r, a) sm2_p_sqr_portable((r), (a))
#endif

/* ---- scalars mod n (sm2_scalar.c, portable, constant time) ------------------------------ */
void ccf_sm2_sc_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]);   /* a*b mod n, plain form */
void ccf_sm2_sc_add(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]);
void ccf_sm2_sc_sub(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]);
void ccf_sm2_sc_inv(uint64_t r[4], const uint64_t a[4]);                        /* a^(n-2) mod n */
void ccf_sm2_sc_reduce(uint64_t r[4], const uint64_t a[4]);                     /* a mod n, a < 2^256 */

/* ---- one implementation of the point arithmetic ------------------------------------------- */
typedef struct sm2_impl {
    const char *name;
    int (*supported)(void);
    void (*fe_mul)(sm2_fe r, const sm2_fe a, const sm2_fe b);
    void (*fe_sqr)(sm2_fe r, const sm2_fe a);
    void (*fe_inv)(sm2_fe r, const sm2_fe a);
    /* r = k*G, constant time (comb table); returns nonzero if the fallback had to run */
    void (*mul_base)(sm2_jac *r, const uint64_t k[4]);
    /* r = k*P, constant time in k; P affine, on the curve */
    void (*mul_var)(sm2_jac *r, const sm2_aff *p, const uint64_t k[4]);
    /* r = u*G + v*P, variable time (verification only) */
    void (*mul_double_vartime)(sm2_jac *r, const uint64_t u[4], const sm2_aff *p, const uint64_t v[4]);
    /* affine conversion; returns all-ones if r is the point at infinity */
    uint64_t (*to_affine)(sm2_aff *r, const sm2_jac *p);
    void (*add_vartime)(sm2_jac *r, const sm2_jac *a, const sm2_jac *b);
    /* public-key tables (tab[j] = (j+1) P, affine): build; k*P constant time; u*G + v*P vartime */
    void (*build_ptab)(sm2_aff tab[16], const sm2_aff *p);
    void (*mul_var_ptab)(sm2_jac *r, const sm2_aff tab[16], const uint64_t k[4]);
    void (*mul_double_vartime_ptab)(sm2_jac *r, const uint64_t u[4], const sm2_aff tab[16], const uint64_t v[4]);
} sm2_impl;

extern const sm2_impl ccf_sm2_impl_portable;     /* sm2_portable.c */
#if (defined(__SIZEOF_INT128__) || (defined(_MSC_VER) && defined(_M_X64))) && !defined(CCF_SM2_NO_INT128)
#  define SM2_HAVE_PORTABLE32_COPY 1
extern const sm2_impl ccf_sm2_impl_portable32;   /* sm2_portable32.c: the 32x32 multiply path */
#endif
#if defined(CCF_HAVE_X86_INTRIN)
extern const sm2_impl ccf_sm2_impl_mulx;         /* sm2_mulx.c */
#endif

/* The implementation in use (sm2_dispatch.c). */
const sm2_impl *ccf_sm2_impl(void);

/* Field helpers independent of the multiplier. */
CCF_INLINE void sm2_fe_add(sm2_fe r, const sm2_fe a, const sm2_fe b) { sm2_mod_add(r, a, b, ccf_sm2_p); }
CCF_INLINE void sm2_fe_sub(sm2_fe r, const sm2_fe a, const sm2_fe b) { sm2_mod_sub(r, a, b, ccf_sm2_p); }
CCF_INLINE void sm2_fe_neg(sm2_fe r, const sm2_fe a) { static const sm2_fe z = {0, 0, 0, 0}; sm2_mod_sub(r, z, a, ccf_sm2_p); }

#endif /* CCF_SM2_IMPLS_H */
