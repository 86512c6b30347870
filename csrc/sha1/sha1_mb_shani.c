/*
 * Multi-buffer SHA-1 with the x86 SHA extensions: four independent compression chains
 * interleaved group by group.
 *
 * One SHA-1 compression on SHA-NI is a chain of twenty SHA1RNDS4, each waiting for the one
 * before, so a single message leaves the SHA unit idle most of the time (measured: a
 * compression costs several times the unit's throughput).  Here each group of four rounds
 * (the same schedule as sha1_shani.c: SHA1NEXTE, SHA1MSG1/SHA1MSG2 and one XOR per group) is
 * issued for every stream before the next group, so the four chains overlap.
 * The state is word-sliced (ccf_sha1_mb.h) and moved in and out of the ABCD/E registers of
 * each stream once per call.  Where the SHA unit is throughput-bound rather than latency-bound
 * (measured on an Intel CPU: ~2.4 cycles per SHA instruction) the chains gain nothing, so the
 * AVX2 and AVX-512 lanes come first in ccf_sha1_mb_impls().
 */
#include "ccf_sha1_mb.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include "ccf_cpu.h"
#include <immintrin.h>

#define NS 4                                  /* streams (lanes) */

static int mb_shani_supported(void)
{
    return ccf_cpu_has(CCF_CPU_SHA_NI | CCF_CPU_SSSE3 | CCF_CPU_SSE41);
}

/* Group g (rounds 4g..4g+3) of stream s; g is a literal so the conditions fold. */
#define GROUP1(s, g, f) do {                                                               \
        if ((g) == 0) {                                                                    \
            e0[s] = _mm_add_epi32(e0[s], m[s][0]);                                         \
        } else if ((g) & 1) {                                                              \
            e1[s] = _mm_sha1nexte_epu32(e1[s], m[s][(g) & 3]);                             \
        } else {                                                                           \
            e0[s] = _mm_sha1nexte_epu32(e0[s], m[s][(g) & 3]);                             \
        }                                                                                  \
        if ((g) >= 3 && (g) <= 18)                                                         \
            m[s][((g) + 1) & 3] = _mm_sha1msg2_epu32(m[s][((g) + 1) & 3], m[s][(g) & 3]);  \
        if ((g) & 1) { e0[s] = abcd[s]; abcd[s] = _mm_sha1rnds4_epu32(abcd[s], e1[s], f); } \
        else         { e1[s] = abcd[s]; abcd[s] = _mm_sha1rnds4_epu32(abcd[s], e0[s], f); } \
        if ((g) >= 1 && (g) <= 16)                                                         \
            m[s][((g) + 3) & 3] = _mm_sha1msg1_epu32(m[s][((g) + 3) & 3], m[s][(g) & 3]);  \
        if ((g) >= 2 && (g) <= 17)                                                         \
            m[s][((g) + 2) & 3] = _mm_xor_si128(m[s][((g) + 2) & 3], m[s][(g) & 3]);       \
    } while (0)

#define GROUP(g, f) do { GROUP1(0, g, f); GROUP1(1, g, f); GROUP1(2, g, f); GROUP1(3, g, f); } while (0)

#define BSWAP_MASK _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL)
#define LOAD_WORDS(p) _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p)), BSWAP_MASK)

CCF_TARGET("sha,sse4.1,ssse3")
static void mb_shani_compress(uint32_t *state, const uint8_t *const *ptrs, size_t nblocks)
{
    __m128i abcd[NS], e0[NS], e1[NS], m[NS][4], abcd_save[NS], e0_save[NS];
    size_t off;
    int s;
    for (s = 0; s < NS; s++) {
        abcd[s] = _mm_set_epi32((int)state[0 * NS + s], (int)state[1 * NS + s],
                                (int)state[2 * NS + s], (int)state[3 * NS + s]);
        e0[s] = _mm_set_epi32((int)state[4 * NS + s], 0, 0, 0);
    }
    for (off = 0; off < 64 * nblocks; off += 64) {
        for (s = 0; s < NS; s++) {
            const uint8_t *p = ptrs[s] + off;
            abcd_save[s] = abcd[s];
            e0_save[s] = e0[s];
            m[s][0] = LOAD_WORDS(p);
            m[s][1] = LOAD_WORDS(p + 16);
            m[s][2] = LOAD_WORDS(p + 32);
            m[s][3] = LOAD_WORDS(p + 48);
        }
        GROUP(0, 0);  GROUP(1, 0);  GROUP(2, 0);  GROUP(3, 0);  GROUP(4, 0);
        GROUP(5, 1);  GROUP(6, 1);  GROUP(7, 1);  GROUP(8, 1);  GROUP(9, 1);
        GROUP(10, 2); GROUP(11, 2); GROUP(12, 2); GROUP(13, 2); GROUP(14, 2);
        GROUP(15, 3); GROUP(16, 3); GROUP(17, 3); GROUP(18, 3); GROUP(19, 3);
        for (s = 0; s < NS; s++) {
            /* group 19 used e1 and left the state before it in e0: E += ROTL30(A of that state) */
            e0[s] = _mm_sha1nexte_epu32(e0[s], e0_save[s]);
            abcd[s] = _mm_add_epi32(abcd[s], abcd_save[s]);
        }
    }
    for (s = 0; s < NS; s++) {
        state[0 * NS + s] = (uint32_t)_mm_extract_epi32(abcd[s], 3);
        state[1 * NS + s] = (uint32_t)_mm_extract_epi32(abcd[s], 2);
        state[2 * NS + s] = (uint32_t)_mm_extract_epi32(abcd[s], 1);
        state[3 * NS + s] = (uint32_t)_mm_extract_epi32(abcd[s], 0);
        state[4 * NS + s] = (uint32_t)_mm_extract_epi32(e0[s], 3);
    }
}

const ccf_sha1_mb_impl ccf_sha1_mb_impl_shani = { "sha-ni-x4", mb_shani_supported, NS, mb_shani_compress, NULL };

#else
typedef int ccf_sha1_mb_shani_unused;   /* ISO C forbids an empty translation unit */
#endif
