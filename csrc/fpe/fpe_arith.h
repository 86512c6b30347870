/*
 * fpe_arith.h - word arithmetic for the FF1/FF3-1 rounds (internal to csrc/fpe).
 *
 * Everything that touches secret values (the Feistel halves, the round values y) is branch-free
 * and uses no secret-dependent addresses: 64x64 -> 128-bit products, comparisons computed as
 * borrows, and division by an invariant divisor with a precomputed reciprocal, never the CPU's
 * divide instruction (whose latency depends on the operands on many CPUs).
 *
 * Division: N. Moller and T. Granlund, "Improved division by invariant integers", IEEE Trans.
 * Computers 60(2), 2011, Algorithm 4 (2-by-1 division with a normalized divisor d, 2^63 <= d,
 * and v = floor((2^128 - 1) / d) - 2^64).  Both corrections are done with masks.
 */
#ifndef CCF_FPE_ARITH_H
#define CCF_FPE_ARITH_H

#include "ccf_common.h"

#if defined(_MSC_VER) && !defined(__clang__)
#  include <intrin.h>
#endif

/* lo = a * b mod 2^64, *hi = floor(a * b / 2^64). */
CCF_INLINE uint64_t fpe_mul64(uint64_t a, uint64_t b, uint64_t *hi)
{
#if defined(__SIZEOF_INT128__) && !defined(CCF_FPE_NO_INT128)
    unsigned __int128 p = (unsigned __int128)a * b;
    *hi = (uint64_t)(p >> 64);
    return (uint64_t)p;
#elif defined(_MSC_VER) && defined(_M_X64)
    return _umul128(a, b, hi);
#elif defined(_MSC_VER) && defined(_M_ARM64)
    *hi = __umulh(a, b);
    return a * b;
#else
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return (mid << 32) | (uint32_t)p00;
#endif
}

CCF_INLINE uint64_t fpe_mulhi64(uint64_t a, uint64_t b)
{
    uint64_t hi;
    (void)fpe_mul64(a, b, &hi);
    return hi;
}

/* All-ones if a < b (unsigned), else zero: the borrow of a - b, without a comparison. */
CCF_INLINE uint64_t fpe_lt64(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__) && !defined(CCF_FPE_NO_INT128)
    return (uint64_t)(((unsigned __int128)a - b) >> 64);       /* sub, sbb */
#else
    return (uint64_t)0 - (((~a & b) | (~(a ^ b) & (a - b))) >> 63);
#endif
}

/* x >> n and x << n for 0 <= n <= 64 (n public); C leaves shifts by 64 undefined. */
CCF_INLINE uint64_t fpe_shr(uint64_t x, unsigned n) { return n >= 64 ? 0 : x >> n; }
CCF_INLINE uint64_t fpe_shl(uint64_t x, unsigned n) { return n >= 64 ? 0 : x << n; }

/* Unaligned 64-bit loads and stores in either byte order, as one memory access plus a byte
 * swap (ccf_load64_be in ccf_common.h is written byte by byte, which compilers do not always
 * merge). */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#  define FPE_LITTLE_ENDIAN 1
#elif defined(_MSC_VER)
#  define FPE_LITTLE_ENDIAN 1
#endif

CCF_INLINE uint64_t fpe_load64_be(const uint8_t *p)
{
#if defined(FPE_LITTLE_ENDIAN)
    uint64_t v;
    memcpy(&v, p, 8);
    return ccf_bswap64(v);
#else
    return ccf_load64_be(p);
#endif
}

CCF_INLINE void fpe_store64_be(uint8_t *p, uint64_t v)
{
#if defined(FPE_LITTLE_ENDIAN)
    v = ccf_bswap64(v);
    memcpy(p, &v, 8);
#else
    ccf_store64_be(p, v);
#endif
}

CCF_INLINE uint64_t fpe_load64_le(const uint8_t *p)
{
#if defined(FPE_LITTLE_ENDIAN)
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
#else
    return ccf_load64_le(p);
#endif
}

CCF_INLINE void fpe_store64_le(uint8_t *p, uint64_t v)
{
#if defined(FPE_LITTLE_ENDIAN)
    memcpy(p, &v, 8);
#else
    ccf_store64_le(p, v);
#endif
}

/* A divisor prepared for fpe_div21: d = divisor << s normalized, v its reciprocal. */
typedef struct fpe_divisor {
    uint64_t d;      /* divisor << s, top bit set */
    uint64_t v;      /* floor((2^128 - 1) / d) - 2^64 */
    uint64_t value;  /* the divisor itself */
    uint64_t mu;     /* floor(2^64 / value) (value >= 2), for Barrett reduction of one word */
    unsigned s;      /* leading zero bits of the divisor */
} fpe_divisor;

/* Fill dv for divisor x >= 1 (public value: variable-time code is fine here). */
CCF_INLINE void fpe_divisor_init(fpe_divisor *dv, uint64_t x)
{
    uint64_t hi, lo = ~(uint64_t)0, q = 0;
    unsigned s = 0;
    int i;
    while (!((x << s) >> 63))
        s++;
    dv->value = x;
    dv->mu = (~(uint64_t)0) / x + ((x & (x - 1)) == 0);   /* exact floor(2^64 / x) */
    dv->s = s;
    dv->d = x << s;
    /* v = floor((~d * 2^64 + 2^64 - 1) / d): restoring division, remainder kept below d */
    hi = ~dv->d;
    for (i = 0; i < 64; i++) {
        uint64_t top = hi >> 63;
        hi = (hi << 1) | (lo >> 63);
        lo <<= 1;
        q <<= 1;
        if (top || hi >= dv->d) {
            hi -= dv->d;
            q |= 1;
        }
    }
    dv->v = q;
}

/*
 * (u1 * 2^64 + u0) = q * d + r with u1 < d, d = dv->d normalized; returns q, *r = r.
 * Constant time (Moller-Granlund Algorithm 4, corrections by mask).
 */
CCF_INLINE uint64_t fpe_div21(uint64_t u1, uint64_t u0, const fpe_divisor *dv, uint64_t *r)
{
    uint64_t q1, q0, rem, mask;
    q0 = fpe_mul64(dv->v, u1, &q1);
    q0 += u0;
    q1 += u1 + (fpe_lt64(q0, u0) & 1);
    q1 += 1;
    rem = u0 - q1 * dv->d;
    mask = fpe_lt64(q0, rem);            /* rem > q0: one too many */
    q1 += mask;
    rem += mask & dv->d;
    mask = ~fpe_lt64(rem, dv->d);        /* rem >= d: one too few */
    q1 -= mask;
    rem -= mask & dv->d;
    *r = rem;
    return q1;
}

/*
 * x mod dv->value (value >= 2) by Barrett reduction: with mu = floor(2^64 / value) the
 * estimate q' = floor(x * mu / 2^64) is q or q - 1 (x * mu / 2^64 > x / value - 1), so
 * x - q' * value < 2 * value needs one masked subtraction.
 */
CCF_INLINE uint64_t fpe_mod64(uint64_t x, const fpe_divisor *dv)
{
    uint64_t r = x - fpe_mulhi64(x, dv->mu) * dv->value;
    return r - (~fpe_lt64(r, dv->value) & dv->value);
}

/* (hi * 2^64 + lo) mod dv->value for any hi, lo: hi mod value by Barrett, then one 2-by-1
 * step on ((hi mod value) * 2^64 + lo) << s, whose high word is below d. */
CCF_INLINE uint64_t fpe_mod128(uint64_t hi, uint64_t lo, const fpe_divisor *dv)
{
    unsigned s = dv->s;
    uint64_t h = fpe_mod64(hi, dv), r;
    (void)fpe_div21((h << s) | fpe_shr(lo, 64 - s), lo << s, dv, &r);
    return r >> s;
}

/* floor(x / dv->value) and the remainder, for any 64-bit x. */
CCF_INLINE uint64_t fpe_divrem64(uint64_t x, const fpe_divisor *dv, uint64_t *rem)
{
    unsigned s = dv->s;
    uint64_t r, q = fpe_div21(fpe_shr(x, 64 - s), x << s, dv, &r);
    *rem = r >> s;
    return q;
}

/* (a + b) mod m and (a - b) mod m for a, b < m (any m >= 1 up to 2^64 - 1), branch-free. */
CCF_INLINE uint64_t fpe_addmod64(uint64_t a, uint64_t b, uint64_t m)
{
#if defined(__SIZEOF_INT128__) && !defined(CCF_FPE_NO_INT128)
    unsigned __int128 t = (unsigned __int128)a + b - m;        /* in (-2^64, 2^64) */
    uint64_t neg = (uint64_t)(t >> 127);                        /* 1 if a + b < m */
    return (uint64_t)t + ((0 - neg) & m);
#else
    uint64_t s = a + b;
    uint64_t carry = fpe_lt64(s, a);
    uint64_t t = s - m;
    uint64_t keep = ~carry & fpe_lt64(s, m);        /* no carry and s < m: s already reduced */
    return (s & keep) | (t & ~keep);
#endif
}

CCF_INLINE uint64_t fpe_submod64(uint64_t a, uint64_t b, uint64_t m)
{
    uint64_t t = a - b;
    return t + (fpe_lt64(a, b) & m);
}

#endif /* CCF_FPE_ARITH_H */
