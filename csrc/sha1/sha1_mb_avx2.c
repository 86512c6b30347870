/*
 * Multi-buffer SHA-1 with AVX2: eight messages at once, one per 32-bit lane of a 256-bit
 * register (FIPS 180-4 6.1.2; the rounds are in sha1_mb_tmpl.h), for x86 CPUs without SHA-NI
 * (Intel before Ice Lake) where it beats the portable single stream several times over.
 */
#include "ccf_sha1_mb.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>
#include "ccf_cpu.h"
#include "ccf_mb_x86.h"

static int mb_avx2_supported(void) { return ccf_cpu_has(CCF_CPU_AVX2); }

CCF_TARGET("avx2")
static inline void mb_avx2_load(__m256i *w, const uint8_t *const *ptrs, size_t off)
{
    ccf_mb_load8_be32(w, ptrs, off, 0);
    ccf_mb_load8_be32(w + 8, ptrs, off, 32);
}

#define MB_V __m256i
#define MB_LANES 8
#define MB_LOADU(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define MB_STOREU(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), (v))
#define MB_SET1(c) _mm256_set1_epi32((int)(c))
#define MB_ADD(a, b) _mm256_add_epi32((a), (b))
#define MB_XOR(a, b) _mm256_xor_si256((a), (b))
#define MB_XOR3(a, b, c) _mm256_xor_si256(_mm256_xor_si256((a), (b)), (c))
#define MB_ROL(x, n) _mm256_or_si256(_mm256_slli_epi32((x), (n)), _mm256_srli_epi32((x), 32 - (n)))
#define MB_CH(x, y, z) _mm256_xor_si256((z), _mm256_and_si256((x), _mm256_xor_si256((y), (z))))
#define MB_MAJ(x, y, z) _mm256_or_si256(_mm256_and_si256((x), (y)), _mm256_and_si256((z), _mm256_or_si256((x), (y))))
#define MB_LOAD_BLOCKS(w, ptrs, off) mb_avx2_load((w), (ptrs), (off))
#define MB_COMPRESS mb_avx2_compress
#define MB_TARGET_STR "avx2"
#include "sha1_mb_tmpl.h"

const ccf_sha1_mb_impl ccf_sha1_mb_impl_avx2 = { "avx2", mb_avx2_supported, 8, mb_avx2_compress, NULL };

#else
typedef int ccf_sha1_mb_avx2_unused;   /* ISO C forbids an empty translation unit */
#endif
