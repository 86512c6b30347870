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

#endif /* CCF_MB_X86_H */
