/*
 * Shared inline helpers of the x86 GHASH kernels (PCLMULQDQ / VPCLMULQDQ).
 *
 * Representation: GCM's bit order puts x^0 in the most significant bit of byte 0.  Reversing
 * the bits of every byte (two PSHUFB nibble look-ups of constants, not of secrets) and loading
 * little-endian gives the natural form, where bit i of the 128-bit value is the coefficient
 * of x^i.  Products are then plain carry-less multiplications, and the 256-bit product
 * p3:p2:p1:p0 (64-bit words) is reduced with x^128 = x^7 + x^2 + x + 1 in two folds:
 * p3 * 0x87 into p2:p1, then p2 * 0x87 into p1:p0.
 */
#ifndef CCF_GHASH_X86_H
#define CCF_GHASH_X86_H

#include "ghash_impls.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>

#define CCF_GHASH_PCLMUL_TARGET CCF_TARGET("pclmul,ssse3,sse4.1")

/* Reverse the bits of every byte. */
CCF_GHASH_PCLMUL_TARGET static inline __m128i ccf_ghash_brev8(__m128i x)
{
    const __m128i lo_tbl = _mm_setr_epi8(0x00, 0x08, 0x04, 0x0C, 0x02, 0x0A, 0x06, 0x0E,
                                         0x01, 0x09, 0x05, 0x0D, 0x03, 0x0B, 0x07, 0x0F);
    const __m128i hi_tbl = _mm_slli_epi16(lo_tbl, 4);
    const __m128i nib = _mm_set1_epi8(0x0F);
    __m128i lo = _mm_and_si128(x, nib), hi = _mm_and_si128(_mm_srli_epi16(x, 4), nib);
    return _mm_or_si128(_mm_shuffle_epi8(hi_tbl, lo), _mm_shuffle_epi8(lo_tbl, hi));
}

/* Accumulate the unreduced product a*b into lo, mid, hi (schoolbook, 4 multiplies). */
CCF_GHASH_PCLMUL_TARGET static inline void ccf_ghash_mul_acc(__m128i a, __m128i b, __m128i *lo, __m128i *mid, __m128i *hi)
{
    *lo = _mm_xor_si128(*lo, _mm_clmulepi64_si128(a, b, 0x00));
    *hi = _mm_xor_si128(*hi, _mm_clmulepi64_si128(a, b, 0x11));
    *mid = _mm_xor_si128(*mid, _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x01), _mm_clmulepi64_si128(a, b, 0x10)));
}

/* Reduce hi:lo + mid * x^64 modulo the GCM polynomial. */
CCF_GHASH_PCLMUL_TARGET static inline __m128i ccf_ghash_reduce(__m128i lo, __m128i mid, __m128i hi)
{
    const __m128i poly = _mm_set_epi64x(0, 0x87);
    __m128i t;
    lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
    hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));
    t = _mm_clmulepi64_si128(hi, poly, 0x01);          /* p3 * 0x87 -> p2:p1 */
    lo = _mm_xor_si128(lo, _mm_slli_si128(t, 8));
    hi = _mm_xor_si128(hi, _mm_srli_si128(t, 8));
    t = _mm_clmulepi64_si128(hi, poly, 0x00);          /* p2 * 0x87 -> p1:p0 */
    return _mm_xor_si128(lo, t);
}

CCF_GHASH_PCLMUL_TARGET static inline __m128i ccf_ghash_mul(__m128i a, __m128i b)
{
    __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
    ccf_ghash_mul_acc(a, b, &lo, &mid, &hi);
    return ccf_ghash_reduce(lo, mid, hi);
}

/* Key table layout shared by the x86 kernels: natural-form powers H^1..H^32 ascending (16 bytes
 * each), then the same descending, H^32..H^1, so that a run H^n..H^1 is contiguous. */
#define CCF_GHASH_X86_POWERS 32
#define CCF_GHASH_X86_POW(gk, i) _mm_loadu_si128((const __m128i *)((gk)->tbl + 16 * ((i) - 1)))
/* Byte offset of the descending run H^n, H^(n-1), ..., H^1. */
#define CCF_GHASH_X86_DESC(n) (16 * CCF_GHASH_X86_POWERS + 16 * (CCF_GHASH_X86_POWERS - (n)))

/* H^1..H^4, then four independent chains H^(i+4) = H^i * H^4 (key setup is latency-bound). */
CCF_GHASH_PCLMUL_TARGET static inline void ccf_ghash_x86_init_powers(ccf_ghash_key *gk, const uint8_t h[16])
{
    __m128i p[4], h4;
    int i, j;
    p[0] = ccf_ghash_brev8(_mm_loadu_si128((const __m128i *)h));
    p[1] = ccf_ghash_mul(p[0], p[0]);
    p[2] = ccf_ghash_mul(p[1], p[0]);
    p[3] = ccf_ghash_mul(p[1], p[1]);
    h4 = p[3];
    for (i = 1; i <= CCF_GHASH_X86_POWERS; i += 4) {
        for (j = 0; j < 4; j++) {
            _mm_storeu_si128((__m128i *)(gk->tbl + 16 * (i + j - 1)), p[j]);
            _mm_storeu_si128((__m128i *)(gk->tbl + CCF_GHASH_X86_DESC(i + j)), p[j]);
        }
        if (i + 4 <= CCF_GHASH_X86_POWERS)
            for (j = 0; j < 4; j++)
                p[j] = ccf_ghash_mul(p[j], h4);
    }
}

/* y (natural form) <- GHASH of the last `len` < 16*16 bytes: all whole blocks multiplied by
 * descending powers H^m..H^1 and reduced once (short messages are latency-bound), then a
 * final partial block, zero-padded. */
CCF_GHASH_PCLMUL_TARGET static inline __m128i ccf_ghash_x86_tail(const ccf_ghash_key *gk, __m128i y, const uint8_t *data, size_t len)
{
    size_t m = len / 16, j;
    if (m) {
        __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
        for (j = m; j-- > 0;) {             /* the block that depends on y last */
            __m128i b = ccf_ghash_brev8(_mm_loadu_si128((const __m128i *)(data + 16 * j)));
            if (j == 0)
                b = _mm_xor_si128(b, y);
            ccf_ghash_mul_acc(b, CCF_GHASH_X86_POW(gk, m - j), &lo, &mid, &hi);
        }
        y = ccf_ghash_reduce(lo, mid, hi);
        data += 16 * m;
        len -= 16 * m;
    }
    if (len) {
        uint8_t last[16] = {0};
        memcpy(last, data, len);
        y = ccf_ghash_mul(_mm_xor_si128(y, ccf_ghash_brev8(_mm_loadu_si128((const __m128i *)last))),
                          CCF_GHASH_X86_POW(gk, 1));
    }
    return y;
}

#endif /* CCF_HAVE_X86_INTRIN */
#endif /* CCF_GHASH_X86_H */
