/*
 * ccf_mb_x86.h - word-slicing of message blocks for the x86 multi-buffer hashes (SHA-1, SM3):
 * both read 64-byte blocks as sixteen big-endian 32-bit words, one message per lane.
 * Include only from files compiled with CCF_HAVE_X86_INTRIN.
 */
#ifndef CCF_MB_X86_H
#define CCF_MB_X86_H

#include <immintrin.h>
#include "ccf_common.h"

/*
 * out[0..7] = words half/4 .. half/4 + 7 (big-endian) of the blocks at ptrs[lane] + off for
 * lanes 0..7, word-sliced: out[i] holds word i of lane l in 32-bit element l.  An 8x8
 * transpose: unpack 32-bit pairs, unpack 64-bit pairs, then swap 128-bit halves.
 */
CCF_TARGET("avx2")
static inline void ccf_mb_load8_be32(__m256i *out, const uint8_t *const *ptrs, size_t off, size_t half)
{
    const __m256i bswap = _mm256_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3,
                                          12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    __m256i r[8], t[8], u[8];
    int i;
    for (i = 0; i < 8; i++)
        r[i] = _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(ptrs[i] + off + half)), bswap);
    for (i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_epi32(r[i], r[i + 1]);        /* w0 w0' w1 w1' | w4 w4' w5 w5' */
        t[i + 1] = _mm256_unpackhi_epi32(r[i], r[i + 1]);    /* w2 w2' w3 w3' | w6 w6' w7 w7' */
    }
    for (i = 0; i < 8; i += 4) {
        u[i] = _mm256_unpacklo_epi64(t[i], t[i + 2]);        /* word 0 | word 4, four lanes */
        u[i + 1] = _mm256_unpackhi_epi64(t[i], t[i + 2]);    /* word 1 | word 5 */
        u[i + 2] = _mm256_unpacklo_epi64(t[i + 1], t[i + 3]);/* word 2 | word 6 */
        u[i + 3] = _mm256_unpackhi_epi64(t[i + 1], t[i + 3]);/* word 3 | word 7 */
    }
    for (i = 0; i < 4; i++) {
        out[i] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x20);
        out[i + 4] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x31);
    }
}

/* w[0..15] = the sixteen words of the blocks at ptrs[0..15] + off, one message per 32-bit lane
 * of a 512-bit register: two 8-lane transposes per half, joined. */
CCF_TARGET("avx512f,avx2")
static inline void ccf_mb_load16_be32(__m512i *w, const uint8_t *const *ptrs, size_t off)
{
    __m256i lo[16], hi[16];
    int i;
    ccf_mb_load8_be32(lo, ptrs, off, 0);
    ccf_mb_load8_be32(lo + 8, ptrs, off, 32);
    ccf_mb_load8_be32(hi, ptrs + 8, off, 0);
    ccf_mb_load8_be32(hi + 8, ptrs + 8, off, 32);
    for (i = 0; i < 16; i++)
        w[i] = _mm512_inserti64x4(_mm512_castsi256_si512(lo[i]), hi[i], 1);
}

/*
 * w[0..15] = the 32-bit words of the 64-byte rows r[0..15] word-sliced (w[i] holds word i of
 * row l in element l): a 16x16 transpose in four steps of two-input shuffles (32-bit then
 * 64-bit unpacks within 128-bit lanes, then two of 128-bit shuffles: 64 shuffles, fewer when
 * the caller uses only some words), big-endian words when bswap is set.  Straight-line and
 * always inlined, so that a caller's rows and words stay in registers.
 */
#if defined(_MSC_VER)
#  define CCF_MB_INLINE static __forceinline
#else
#  define CCF_MB_INLINE static inline __attribute__((always_inline))
#endif

CCF_TARGET("avx512f,avx512bw")
CCF_MB_INLINE void ccf_mb_rows16_32(__m512i *w, const __m512i *r, int bswap)
{
    const __m512i be = _mm512_set_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203,
                                        0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203,
                                        0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203,
                                        0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);
    __m512i a0, a1, a2, a3, b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15;
    __m512i c, d, e, f;
    /* b[4g + j], 128-bit lane q: word 4q + j of lanes 4g .. 4g + 3 */
#define CCF_MB_T4(g, x0, x1, x2, x3) do {                                                   \
        __m512i s0 = r[4 * (g)], s1 = r[4 * (g) + 1], s2 = r[4 * (g) + 2], s3 = r[4 * (g) + 3]; \
        if (bswap) {                                                                        \
            s0 = _mm512_shuffle_epi8(s0, be); s1 = _mm512_shuffle_epi8(s1, be);             \
            s2 = _mm512_shuffle_epi8(s2, be); s3 = _mm512_shuffle_epi8(s3, be);             \
        }                                                                                   \
        a0 = _mm512_unpacklo_epi32(s0, s1); a1 = _mm512_unpackhi_epi32(s0, s1);             \
        a2 = _mm512_unpacklo_epi32(s2, s3); a3 = _mm512_unpackhi_epi32(s2, s3);             \
        x0 = _mm512_unpacklo_epi64(a0, a2); x1 = _mm512_unpackhi_epi64(a0, a2);             \
        x2 = _mm512_unpacklo_epi64(a1, a3); x3 = _mm512_unpackhi_epi64(a1, a3);             \
    } while (0)
    CCF_MB_T4(0, b0, b1, b2, b3);
    CCF_MB_T4(1, b4, b5, b6, b7);
    CCF_MB_T4(2, b8, b9, b10, b11);
    CCF_MB_T4(3, b12, b13, b14, b15);
#undef CCF_MB_T4
    /* 128-bit lanes: 0x88 takes lanes 0 and 2 of each input, 0xDD lanes 1 and 3 */
#define CCF_MB_T16(j, x, y, u, v) do {                                                      \
        c = _mm512_shuffle_i32x4(x, y, 0x88); d = _mm512_shuffle_i32x4(x, y, 0xDD);         \
        e = _mm512_shuffle_i32x4(u, v, 0x88); f = _mm512_shuffle_i32x4(u, v, 0xDD);         \
        w[j] = _mm512_shuffle_i32x4(c, e, 0x88); w[(j) + 8] = _mm512_shuffle_i32x4(c, e, 0xDD); \
        w[(j) + 4] = _mm512_shuffle_i32x4(d, f, 0x88); w[(j) + 12] = _mm512_shuffle_i32x4(d, f, 0xDD); \
    } while (0)
    CCF_MB_T16(0, b0, b4, b8, b12);
    CCF_MB_T16(1, b1, b5, b9, b13);
    CCF_MB_T16(2, b2, b6, b10, b14);
    CCF_MB_T16(3, b3, b7, b11, b15);
#undef CCF_MB_T16
}

#endif /* CCF_MB_X86_H */
