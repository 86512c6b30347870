/*
 * SHA-256 compression with the x86 SHA extensions.
 *
 * The state is held as ABEF and CDGH (SHA256RNDS2's operand layout).  SHA256RNDS2 runs two
 * rounds with the two W_t + K_t words in the low half of its third operand, so each group of
 * four rounds g = 0..15 takes msg[g % 4] + K[4g..4g+3] and runs RNDS2 on the low and then the
 * high pair.  The schedule W_t = sigma1(W_{t-2}) + W_{t-7} + sigma0(W_{t-15}) + W_{t-16} is
 * made four words at a time: SHA256MSG1 adds sigma0 of the next group's words, the W_{t-7}
 * terms come from PALIGNR of the two latest groups, and SHA256MSG2 adds the sigma1 terms.
 * While group g runs, the words of group g + 1 are finished (3 <= g <= 14) and those of group
 * g + 3 are begun (1 <= g <= 12).
 */
#include "ccf_sha256.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include "ccf_cpu.h"
#include <immintrin.h>

static int shani_supported(void)
{
    return ccf_cpu_has(CCF_CPU_SHA_NI | CCF_CPU_SSSE3 | CCF_CPU_SSE41);
}

#define GROUP(g) do {                                                                  \
        __m128i k_ = _mm_add_epi32(m[(g) & 3],                                         \
                                   _mm_loadu_si128((const __m128i *)(const void *)(ccf_sha256_k + 4 * (g)))); \
        s1 = _mm_sha256rnds2_epu32(s1, s0, k_);                                        \
        if ((g) >= 3 && (g) <= 14) {                                                   \
            __m128i t_ = _mm_alignr_epi8(m[(g) & 3], m[((g) + 3) & 3], 4);             \
            m[((g) + 1) & 3] = _mm_add_epi32(m[((g) + 1) & 3], t_);                    \
            m[((g) + 1) & 3] = _mm_sha256msg2_epu32(m[((g) + 1) & 3], m[(g) & 3]);     \
        }                                                                              \
        k_ = _mm_shuffle_epi32(k_, 0x0E);                                              \
        s0 = _mm_sha256rnds2_epu32(s0, s1, k_);                                        \
        if ((g) >= 1 && (g) <= 12)                                                     \
            m[((g) + 3) & 3] = _mm_sha256msg1_epu32(m[((g) + 3) & 3], m[(g) & 3]);     \
    } while (0)

#define BSWAP_MASK _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL)

CCF_TARGET("sha,sse4.1,ssse3")
static void shani_compress(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
    __m128i s0, s1, t, save0, save1, m[4];
    const __m128i mask = BSWAP_MASK;
    t = _mm_loadu_si128((const __m128i *)(const void *)h);              /* DCBA */
    s1 = _mm_loadu_si128((const __m128i *)(const void *)(h + 4));       /* HGFE */
    t = _mm_shuffle_epi32(t, 0xB1);                                      /* CDAB */
    s1 = _mm_shuffle_epi32(s1, 0x1B);                                    /* EFGH */
    s0 = _mm_alignr_epi8(t, s1, 8);                                      /* ABEF */
    s1 = _mm_blend_epi16(s1, t, 0xF0);                                   /* CDGH */
    for (; nblocks--; p += 64) {
        save0 = s0;
        save1 = s1;
        m[0] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), mask);
        m[1] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16)), mask);
        m[2] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 32)), mask);
        m[3] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 48)), mask);
        GROUP(0);  GROUP(1);  GROUP(2);  GROUP(3);
        GROUP(4);  GROUP(5);  GROUP(6);  GROUP(7);
        GROUP(8);  GROUP(9);  GROUP(10); GROUP(11);
        GROUP(12); GROUP(13); GROUP(14); GROUP(15);
        s0 = _mm_add_epi32(s0, save0);
        s1 = _mm_add_epi32(s1, save1);
    }
    t = _mm_shuffle_epi32(s0, 0x1B);                                     /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1);                                    /* DCHG */
    s0 = _mm_blend_epi16(t, s1, 0xF0);                                   /* DCBA */
    s1 = _mm_alignr_epi8(s1, t, 8);                                      /* HGFE */
    _mm_storeu_si128((__m128i *)(void *)h, s0);
    _mm_storeu_si128((__m128i *)(void *)(h + 4), s1);
}

const ccf_sha256_impl ccf_sha256_impl_shani = { "sha-ni", shani_supported, shani_compress };

#endif /* CCF_HAVE_X86_INTRIN */
