/*
 * x86_unit_rates.c - how fast this CPU issues the 512-bit instructions the SRTP batch kernels
 * are made of, in ns per instruction with twelve independent registers in flight (throughput,
 * not latency), best of a few runs.  benchmarks/srtp_batch_floor.py turns the rates into each
 * kernel's instruction floor: the time its instructions need on the busiest unit, below which
 * no scheduling of the same instructions can go.
 *
 * Prints one line per instruction, "rate <name> <ns>", or "rate none" without AVX-512 + VAES +
 * VPCLMULQDQ.  The twelve chains are written out (no array, no loop over them), so that the
 * registers stay registers whatever the compiler unrolls.
 */
#include "ccf_common.h"
#include "ccf_cpu.h"

#include <stdio.h>
#include <time.h>

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>

#define ROUNDS 2000000L

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

#define TWELVE(OP, OP2)                                                                     \
    x0 = OP(x0); x1 = OP2(x1); x2 = OP(x2); x3 = OP2(x3); x4 = OP(x4); x5 = OP2(x5);        \
    x6 = OP(x6); x7 = OP2(x7); x8 = OP(x8); x9 = OP2(x9); x10 = OP(x10); x11 = OP2(x11)

/* One timing function per instruction: twelve chains, every other one of OP2 (OP itself for
 * one instruction; two instructions tell whether they share a unit), ROUNDS times, best of 15. */
#define RATE_FN(name, OP, OP2)                                                                   \
    CCF_TARGET("avx512f,avx512bw,vaes,vpclmulqdq")                                          \
    static double name(void)                                                                \
    {                                                                                       \
        const __m512i k = _mm512_set1_epi32(0x01234567);                                    \
        __m512i x0 = _mm512_set1_epi32(1), x1 = _mm512_set1_epi32(2), x2 = _mm512_set1_epi32(3); \
        __m512i x3 = _mm512_set1_epi32(4), x4 = _mm512_set1_epi32(5), x5 = _mm512_set1_epi32(6); \
        __m512i x6 = _mm512_set1_epi32(7), x7 = _mm512_set1_epi32(8), x8 = _mm512_set1_epi32(9); \
        __m512i x9 = _mm512_set1_epi32(10), x10 = _mm512_set1_epi32(11), x11 = _mm512_set1_epi32(12); \
        double best = 1e30;                                                                 \
        int run;                                                                            \
        (void)k;                                                                            \
        long i;                                                                             \
        for (run = 0; run < 15; run++) {                                                    \
            double t = now_ns();                                                            \
            for (i = 0; i < ROUNDS; i++) {                                                  \
                TWELVE(OP, OP2);                                                                 \
            }                                                                               \
            t = now_ns() - t;                                                               \
            if (t < best)                                                                   \
                best = t;                                                                   \
        }                                                                                   \
        x0 = _mm512_xor_si512(_mm512_xor_si512(_mm512_xor_si512(x0, x1), _mm512_xor_si512(x2, x3)), \
                              _mm512_xor_si512(_mm512_xor_si512(x4, x5), _mm512_xor_si512(x6, x7))); \
        x0 = _mm512_xor_si512(x0, _mm512_xor_si512(_mm512_xor_si512(x8, x9), _mm512_xor_si512(x10, x11))); \
        sink ^= (unsigned)_mm_cvtsi128_si32(_mm512_castsi512_si128(x0));                    \
        return best / (12.0 * ROUNDS);                                                      \
    }

static volatile unsigned sink;

#define AESENC(x) _mm512_aesenc_epi128((x), k)
#define CLMUL(x) _mm512_clmulepi64_epi128((x), k, 0x01)
#define ADD(x) _mm512_add_epi32((x), k)
#define ROL(x) _mm512_rol_epi32((x), 5)

RATE_FN(rate_vaesenc, AESENC, AESENC)
RATE_FN(rate_vpclmulqdq, CLMUL, CLMUL)
RATE_FN(rate_vpaddd, ADD, ADD)
RATE_FN(rate_vprold, ROL, ROL)
RATE_FN(rate_vaesenc_vpclmulqdq, AESENC, CLMUL)

int main(void)
{
    const unsigned need = CCF_CPU_AVX512F | CCF_CPU_AVX512BW | CCF_CPU_VAES | CCF_CPU_VPCLMULQDQ;
    ccf_cpu_init();
    if (!ccf_cpu_has(need)) {
        printf("rate none\n");
        return 0;
    }
    printf("rate vaesenc %.4f\n", rate_vaesenc());
    printf("rate vpclmulqdq %.4f\n", rate_vpclmulqdq());
    printf("rate vpaddd %.4f\n", rate_vpaddd());
    printf("rate vprold %.4f\n", rate_vprold());
    printf("rate vaesenc+vpclmulqdq %.4f\n", rate_vaesenc_vpclmulqdq());
    return 0;
}

#else
int main(void)
{
    printf("rate none\n");
    return 0;
}
#endif
