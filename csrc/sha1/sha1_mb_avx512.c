/*
 * Multi-buffer SHA-1 with AVX-512: sixteen messages at once, one per 32-bit lane of a 512-bit
 * register (FIPS 180-4 6.1.2; the rounds are in sha1_mb_tmpl.h).  VPROLD rotates in one
 * instruction and VPTERNLOGD computes each round function (choose 0xCA, parity 0x96, majority
 * 0xE8) and the three-term XOR of the schedule.  The message words are word-sliced by two 8x8
 * transposes joined into 512-bit registers.
 */
#include "ccf_sha1_mb.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>
#include "ccf_cpu.h"
#include "ccf_mb_x86.h"

static int mb_avx512_supported(void) { return ccf_cpu_has(CCF_CPU_AVX512F | CCF_CPU_AVX2); }

#define MB_V __m512i
#define MB_LANES 16
#define MB_LOADU(p) _mm512_loadu_si512((const void *)(p))
#define MB_STOREU(p, v) _mm512_storeu_si512((void *)(p), (v))
#define MB_SET1(c) _mm512_set1_epi32((int)(c))
#define MB_ADD(a, b) _mm512_add_epi32((a), (b))
#define MB_XOR(a, b) _mm512_xor_si512((a), (b))
#define MB_XOR3(a, b, c) _mm512_ternarylogic_epi32((a), (b), (c), 0x96)
#define MB_ROL(x, n) _mm512_rol_epi32((x), (n))
#define MB_CH(x, y, z) _mm512_ternarylogic_epi32((x), (y), (z), 0xCA)
#define MB_MAJ(x, y, z) _mm512_ternarylogic_epi32((x), (y), (z), 0xE8)
#define MB_LOAD_BLOCKS(w, ptrs, off) ccf_mb_load16_be32((w), (ptrs), (off))
#define MB_COMPRESS mb_avx512_compress
#define MB_TARGET_STR "avx512f,avx2"
#include "sha1_mb_tmpl.h"

const ccf_sha1_mb_impl ccf_sha1_mb_impl_avx512 = { "avx512", mb_avx512_supported, 16, mb_avx512_compress };

#else
typedef int ccf_sha1_mb_avx512_unused;   /* ISO C forbids an empty translation unit */
#endif
