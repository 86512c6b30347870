/*
 * Multi-buffer SM3 with AVX-512: sixteen messages at once, one per 32-bit lane of a 512-bit
 * register (GB/T 32905-2016 5.3; the rounds are in sm3_mb_tmpl.h).  VPROLD rotates in one
 * instruction and VPTERNLOGD computes the three-input boolean functions (XOR3 = 0x96,
 * majority FF1 = 0xE8, choose GG1 = 0xCA) and the three-term XORs of P0/P1.  The message words
 * are word-sliced by two 8x8 transposes joined into 512-bit registers.
 */
#include "sm3_impls.h"

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
#define MB_FF1(x, y, z) _mm512_ternarylogic_epi32((x), (y), (z), 0xE8)
#define MB_GG1(x, y, z) _mm512_ternarylogic_epi32((x), (y), (z), 0xCA)
#define MB_LOAD_BLOCKS(w, ptrs, off) ccf_mb_load16_be32((w), (ptrs), (off))
#define MB_COMPRESS mb_avx512_compress
#define MB_TARGET_STR "avx512f,avx2"
#include "sm3_mb_tmpl.h"

const ccf_sm3_mb_impl ccf_sm3_mb_impl_avx512 = { "avx512", mb_avx512_supported, 16, mb_avx512_compress };

#else
typedef int ccf_sm3_mb_avx512_unused;   /* ISO C forbids an empty translation unit */
#endif
