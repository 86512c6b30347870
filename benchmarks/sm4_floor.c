/*
 * sm4_floor.c - the latency floor of SM4 against AES on an x86-64 CPU with AVX-512 and GFNI
 * (built and run by benchmarks/sm4_floor.py; GCC or clang, inline assembly).
 *
 * A per-packet SM4-GCM is latency-bound: its 32 rounds depend on each other whatever the block
 * count (one 512-bit register holds a word of 16 blocks), while AES-128 has 10 rounds of one
 * VAESENC each.  This program measures, in core cycles, the dependent chains that bound them:
 *   - one instruction chained to itself (VPTERNLOGD is the 1-cycle reference clock: the time of
 *     a long chain of them gives the cycle time, whatever the frequency of the moment);
 *   - one round of the folded SM4 form (csrc/sm4/sm4_gcm_gfni_avx512.c) reduced to its
 *     critical path: GF2P8AFFINEINVQB -> VPSHUFB (byte rotation) -> VPTERNLOGD -> VPTERNLOGD;
 *   - the same round as the kernel runs it (three GF2P8AFFINEINVQB from one input, the
 *     rotations, the XORs and the bookkeeping of the folded words);
 * and prints the floors: 32 x chain for SM4, 10 x VAESENC for AES-128.
 * Each chain is timed as the minimum over many repetitions, so a loaded machine shows in the
 * spread, not in the minimum.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define T __attribute__((target("avx512f,avx512bw,avx512vl,gfni,vaes")))

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

#define REPS 200000
#define TRIES 40
#define X8(s) s s s s s s s s

/* ns per repetition of an asm body of dependent instructions on zmm16 (inputs zmm17..zmm19:
 * registers only EVEX can name, so the compiler's code around the chain never touches them) */
#define CHAIN(name, body)                                                                      \
    T static double name(void)                                                                 \
    {                                                                                          \
        double best = 1e30;                                                                    \
        int r, i;                                                                              \
        for (r = 0; r < TRIES; r++) {                                                          \
            double t;                                                                          \
            __asm__ volatile("vpternlogd $0xff, %%zmm17, %%zmm17, %%zmm17\n\t"                 \
                             "vpxord %%zmm18, %%zmm18, %%zmm18\n\t"                            \
                             "vpxord %%zmm19, %%zmm19, %%zmm19" ::: "xmm17", "xmm18", "xmm19"); \
            t = now_ns();                                                                      \
            for (i = 0; i < REPS; i++)                                                         \
                __asm__ volatile(body ::: "xmm16", "xmm17", "xmm18", "xmm19");                 \
            t = (now_ns() - t) / REPS;                                                         \
            if (t < best)                                                                      \
                best = t;                                                                      \
        }                                                                                      \
        return best;                                                                           \
    }

CHAIN(tern8, X8("vpternlogd $0x96, %%zmm17, %%zmm17, %%zmm16\n\t"))
CHAIN(gfinv8, X8("vgf2p8affineinvqb $0, %%zmm17, %%zmm16, %%zmm16\n\t"))
CHAIN(aesenc8, X8("vaesenc %%zmm17, %%zmm16, %%zmm16\n\t"))
CHAIN(round_chain8, X8("vgf2p8affineinvqb $0, %%zmm17, %%zmm16, %%zmm16\n\t"
                       "vpshufb %%zmm18, %%zmm16, %%zmm16\n\t"
                       "vpternlogd $0x96, %%zmm19, %%zmm19, %%zmm16\n\t"
                       "vpternlogd $0x96, %%zmm19, %%zmm19, %%zmm16\n\t"))

/* the kernel's round in intrinsics, 32 rounds on one 16-lane set (constants as in the kernel) */
T static double kernel_rounds(void)
{
    const __m512i n0 = _mm512_set1_epi64(0x040db891e9a481b7ll), n12 = _mm512_set1_epi64(0x2c020425162040adll);
    const __m512i n3 = _mm512_set1_epi64(0x280fbcb4ff84c11all);
    const __m512i r8 = _mm512_broadcast_i32x4(_mm_setr_epi8(3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14));
    const __m512i r24 = _mm512_broadcast_i32x4(_mm_setr_epi8(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12));
    static uint32_t q[32];
    __m512i v0 = _mm512_set1_epi32(1), v1 = _mm512_set1_epi32(2), v2 = _mm512_set1_epi32(3);
    __m512i v3 = _mm512_set1_epi32(4), z = _mm512_set1_epi32(5), g = _mm512_set1_epi32(6);
    double best = 1e30;
    int r, n, i;
#define ROUND(a0, a1, a3, i)                                                                   \
    do {                                                                                       \
        __m512i u3_ = _mm512_gf2p8affineinv_epi64_epi8(z, n3, 0);                              \
        __m512i u12_ = _mm512_gf2p8affineinv_epi64_epi8(z, n12, 0);                            \
        __m512i u0_ = _mm512_gf2p8affineinv_epi64_epi8(z, n0, 0);                              \
        __m512i br_ = _mm512_ternarylogic_epi32(_mm512_ternarylogic_epi32(a0, a1, a3, 0x96), g, \
                                                _mm512_set1_epi32((int)q[((i) + 2) & 31]), 0x96); \
        __m512i p_ = _mm512_ternarylogic_epi32(g, _mm512_shuffle_epi8(u3_, r24), u0_, 0x96);   \
        z = _mm512_ternarylogic_epi32(p_, _mm512_shuffle_epi8(u12_, r8), _mm512_rol_epi32(u12_, 16), 0x96); \
        a0 = _mm512_ternarylogic_epi32(z, g, a0, 0x96);                                        \
        g = _mm512_xor_si512(br_, z);                                                          \
    } while (0)
    for (r = 0; r < TRIES; r++) {
        double t = now_ns();
        for (n = 0; n < REPS / 32; n++)
            for (i = 0; i < 32; i += 4) {
                ROUND(v0, v1, v3, i);
                ROUND(v1, v2, v0, i + 1);
                ROUND(v2, v3, v1, i + 2);
                ROUND(v3, v0, v2, i + 3);
            }
        t = (now_ns() - t) / (REPS / 32 * 32);
        if (t < best)
            best = t;
    }
    {
        volatile int sink = _mm_cvtsi128_si32(_mm512_castsi512_si128(_mm512_xor_si512(z, v0)));
        (void)sink;
    }
    return best;
}

int main(void)
{
    double cyc = tern8() / 8, gfi = gfinv8() / 8 / cyc, aes = aesenc8() / 8 / cyc;
    double chain = round_chain8() / 8 / cyc, kround = kernel_rounds() / cyc;
    printf("cycle (VPTERNLOGD chain)              %6.3f ns  (%.2f GHz)\n", cyc, 1 / cyc);
    printf("GF2P8AFFINEINVQB zmm latency           %6.2f cycles\n", gfi);
    printf("VAESENC zmm latency                    %6.2f cycles\n", aes);
    printf("folded SM4 round, critical path        %6.2f cycles (GFNI -> VPSHUFB -> 2 x VPTERNLOGD)\n", chain);
    printf("folded SM4 round as the kernel runs it %6.2f cycles\n", kround);
    printf("floor: SM4, 32 rounds                  %6.0f cycles  %6.1f ns\n", 32 * chain, 32 * chain * cyc);
    printf("floor: AES-128, 10 rounds              %6.0f cycles  %6.1f ns\n", 10 * aes, 10 * aes * cyc);
    printf("kernel: SM4, 32 rounds                 %6.0f cycles  %6.1f ns\n", 32 * kround, 32 * kround * cyc);
    return 0;
}
