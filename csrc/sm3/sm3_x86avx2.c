/*
 * SM3 compression for x86-64 with AVX2 and BMI2 (GB/T 32905-2016 section 5.3).
 *
 * Message expansion (5.3.2) four words at a time in 128-bit vectors: W_j depends on W_{j-3},
 * so in a group W_j..W_{j+3} the last word first takes a zero for ROL(W_{j+3-3}, 15) and is
 * then corrected.  P1 and the rotation are linear over XOR, so adding the missing term later
 * is exact: lane 3 ^= P1(ROL(W_j, 15)).  W'_j = W_j ^ W_{j+4} is formed eight at a time in
 * AVX2 registers.  The 64 rounds are the unrolled scalar rounds of sm3_impls.h compiled with
 * BMI2, so every rotation is one RORX that does not touch the flags.
 */
#include "sm3_impls.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>
#include "ccf_cpu.h"

static int x86avx2_supported(void) { return ccf_cpu_has(CCF_CPU_AVX2 | CCF_CPU_BMI2); }

#define ROL128(x, n) _mm_or_si128(_mm_slli_epi32((x), (n)), _mm_srli_epi32((x), 32 - (n)))
#define P1_128(x) _mm_xor_si128(_mm_xor_si128((x), ROL128((x), 15)), ROL128((x), 23))

CCF_TARGET("avx2,bmi2")
static void x86avx2_compress(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
    CCF_ALIGN(32) uint32_t w[68];
    CCF_ALIGN(32) uint32_t wp[64];
    const __m128i bswap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    while (nblocks--) {
        uint32_t A = h[0], B = h[1], C = h[2], D = h[3], E = h[4], F = h[5], G = h[6], H = h[7];
        __m128i v0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), bswap);
        __m128i v1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bswap);
        __m128i v2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bswap);
        __m128i v3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bswap);
        int j;
        _mm_store_si128((__m128i *)(w + 0), v0);
        _mm_store_si128((__m128i *)(w + 4), v1);
        _mm_store_si128((__m128i *)(w + 8), v2);
        _mm_store_si128((__m128i *)(w + 12), v3);
        for (j = 16; j < 68; j += 4) {
            /* v0..v3 = W_{j-16..j-13}, W_{j-12..j-9}, W_{j-8..j-5}, W_{j-4..j-1} */
            __m128i w13 = _mm_alignr_epi8(v1, v0, 12);      /* W_{k-13}, k = j..j+3 */
            __m128i w9 = _mm_alignr_epi8(v2, v1, 12);       /* W_{k-9} */
            __m128i w6 = _mm_alignr_epi8(v3, v2, 8);        /* W_{k-6} */
            __m128i w3 = _mm_srli_si128(v3, 4);             /* W_{k-3}, lane 3 still missing */
            __m128i x = _mm_xor_si128(_mm_xor_si128(v0, w9), ROL128(w3, 15));
            __m128i t;
            x = _mm_xor_si128(_mm_xor_si128(P1_128(x), ROL128(w13, 7)), w6);
            t = _mm_slli_si128(x, 12);                      /* W_j in lane 3 only */
            t = ROL128(t, 15);
            x = _mm_xor_si128(x, P1_128(t));
            _mm_store_si128((__m128i *)(w + j), x);
            v0 = v1; v1 = v2; v2 = v3; v3 = x;
        }
        for (j = 0; j < 64; j += 8)
            _mm256_store_si256((__m256i *)(wp + j),
                               _mm256_xor_si256(_mm256_load_si256((const __m256i *)(w + j)),
                                                _mm256_loadu_si256((const __m256i *)(w + j + 4))));
        CCF_SM3_ROUNDS64();
        h[0] ^= A; h[1] ^= B; h[2] ^= C; h[3] ^= D;
        h[4] ^= E; h[5] ^= F; h[6] ^= G; h[7] ^= H;
        p += 64;
    }
    /* message words only; wiped because callers may hash secrets (HMAC keys) */
    ccf_memzero(w, sizeof(w));
    ccf_memzero(wp, sizeof(wp));
}

const ccf_sm3_impl ccf_sm3_impl_x86avx2 = { "x86avx2", x86avx2_supported, x86avx2_compress };

#else
typedef int ccf_sm3_x86avx2_unused;   /* ISO C forbids an empty translation unit */
#endif
