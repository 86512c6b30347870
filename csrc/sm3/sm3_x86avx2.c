/*
 * SM3 compression for x86-64 with AVX2 and BMI2 (GB/T 32905-2016 section 5.3).
 *
 * The rounds are latency-bound (E -> SS1 -> TT2 -> P0 -> E, six dependent single-cycle steps each) and
 * leave the vector units idle, so the message expansion (5.3.2) runs in vector registers
 * between groups of four rounds: rounds j..j+3 read W_j..W_{j+7}, produced three groups
 * earlier, so the first rounds start at once (no expansion ahead of them, which short
 * messages would pay for).  Expansion goes four words at a time in 128-bit vectors: W_j
 * depends on W_{j-3}, so in a group W_j..W_{j+3} the last word first takes a zero for
 * ROL(W_{j+3-3}, 15) and is then corrected; P1 and the rotation are linear over XOR, so adding
 * the missing term later is exact: lane 3 ^= P1(ROL(W_j, 15)).  W'_j = W_j ^ W_{j+4} is one
 * scalar XOR off the critical path.  Every rotation of the rounds is one BMI2 RORX.
 */
#include "sm3_impls.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>
#include "ccf_cpu.h"

static int x86avx2_supported(void) { return ccf_cpu_has(CCF_CPU_AVX2 | CCF_CPU_BMI2); }

#define ROL128(x, n) _mm_or_si128(_mm_slli_epi32((x), (n)), _mm_srli_epi32((x), 32 - (n)))
#define P1_128(x) _mm_xor_si128(_mm_xor_si128((x), ROL128((x), 15)), ROL128((x), 23))

/* Load a block's W_0..W_15 into v0..v3 (and x[0..15]). */
#define X_LOAD(x, p) do {                                                          \
        v0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)((p) + 0)), bswap);  \
        v1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)((p) + 16)), bswap); \
        v2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)((p) + 32)), bswap); \
        v3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)((p) + 48)), bswap); \
        _mm_store_si128((__m128i *)((x) + 0), v0);                                 \
        _mm_store_si128((__m128i *)((x) + 4), v1);                                 \
        _mm_store_si128((__m128i *)((x) + 8), v2);                                 \
        _mm_store_si128((__m128i *)((x) + 12), v3);                                \
        _mm_store_si128((__m128i *)(wp + 0), _mm_xor_si128(v0, v1));               \
        _mm_store_si128((__m128i *)(wp + 4), _mm_xor_si128(v1, v2));               \
        _mm_store_si128((__m128i *)(wp + 8), _mm_xor_si128(v2, v3));               \
    } while (0)

/* With GCC, keep each expansion step where it is written, between two groups of rounds
 * (GCC otherwise gathers the vector code ahead of the rounds, which then wait for it). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#  define X_PIN(x) __asm__ volatile("" : "+x"(x))
#else
#  define X_PIN(x) ((void)0)
#endif

/* x[j..j+3] from v0..v3 = W_{j-16..j-1}; then shift the window */
#define X_EXPAND(x, j) do {                                                        \
        __m128i w13_ = _mm_alignr_epi8(v1, v0, 12);     /* W_{k-13}, k = j..j+3 */ \
        __m128i w9_ = _mm_alignr_epi8(v2, v1, 12);      /* W_{k-9} */              \
        __m128i w6_ = _mm_alignr_epi8(v3, v2, 8);       /* W_{k-6} */              \
        __m128i w3_ = _mm_srli_si128(v3, 4);            /* W_{k-3}, lane 3 missing */ \
        __m128i x_ = _mm_xor_si128(_mm_xor_si128(v0, w9_), ROL128(w3_, 15));       \
        __m128i t_;                                                                \
        x_ = _mm_xor_si128(_mm_xor_si128(P1_128(x_), ROL128(w13_, 7)), w6_);       \
        t_ = ROL128(_mm_slli_si128(x_, 12), 15);        /* W_j <<< 15 in lane 3 */  \
        x_ = _mm_xor_si128(x_, P1_128(t_));                                        \
        X_PIN(x_);                                                                 \
        _mm_store_si128((__m128i *)((x) + (j)), x_);                               \
        _mm_store_si128((__m128i *)(wp + (j) - 4), _mm_xor_si128(v3, x_));         \
        v0 = v1; v1 = v2; v2 = v3; v3 = x_;                                        \
    } while (0)

/*
 * With GCC the rounds are written in inline assembly (the same operations as CCF_SM3_ROUND):
 * GCC's own schedule of the unrolled C rounds runs about a third slower than clang's, while
 * this fixed sequence keeps E -> SS1 -> TT2 -> P0 -> E to six single-cycle steps (GG1 formed
 * from the previous TT2, see ASM_GG1; W'_j comes precomputed with the expansion).
 * RORX by 32 - n is a rotation left by n.
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define ASM_FF0 "movl %[sa], %[t3]\n\txorl %[sb], %[t3]\n\txorl %[sc], %[t3]\n\t"
#define ASM_FF1 "movl %[sa], %[t3]\n\torl %[sb], %[t3]\n\tandl %[sc], %[t3]\n\tmovl %[sa], %[t1]\n\tandl %[sb], %[t1]\n\torl %[t1], %[t3]\n\t"
#define ASM_GG0 "movl %[sf], %[t1]\n\txorl %[sg], %[t1]\n\txorl %[se], %[t1]\n\t"
/* GG1(E, F, G) = G ^ (E & (F ^ G)) with E = P0(X) = X ^ Y, X the previous round's TT2 and
 * Y = (X <<< 9) ^ (X <<< 17): AND distributes over XOR, so GG1 = G ^ (X & M) ^ (Y & M) is
 * ready as early as E itself (one cycle before G ^ (E & M) would be). */
#define ASM_GG1 "movl %[sf], %[t1]\n\txorl %[sg], %[t1]\n\t"                              \
                "andl %[t1], %[sy]\n\tandl %[sx], %[t1]\n\t"                               \
                "xorl %[sg], %[t1]\n\txorl %[sy], %[t1]\n\t"
#define ASM_ROUND(a, b, c, d, e, f, g, h, j, FF, GG) do {                             \
        uint32_t t1_, t2_, t3_;                                                       \
        __asm__ volatile(FF                              /* t3 = FF(a, b, c) */        \
                "addl %[t3], %[sd]\n\t"                                                \
                "addl %[wpj], %[sd]\n\t"                /* W'_j */                    \
                GG                                       /* t1 = GG(e, f, g) */        \
                "addl %[wj], %[sh]\n\t"                                                \
                "addl %[t1], %[sh]\n\t"                                                \
                "rorxl $20, %[sa], %[t2]\n\t"             /* A <<< 12 */                \
                "movl %[t2], %[t1]\n\t"                                               \
                "addl %[tj], %[t1]\n\t"                                               \
                "addl %[se], %[t1]\n\t"                   /* E, the latest, last */     \
                "rorxl $25, %[t1], %[t1]\n\t"            /* SS1 */                     \
                "addl %[t1], %[sh]\n\t"                   /* TT2 */                     \
                "xorl %[t1], %[t2]\n\t"                  /* SS2 */                     \
                "addl %[t2], %[sd]\n\t"                   /* TT1 */                     \
                "movl %[sh], %[sx]\n\t"                                               \
                "rorxl $23, %[sh], %[sy]\n\t"                                          \
                "rorxl $15, %[sh], %[t1]\n\t"                                          \
                "xorl %[t1], %[sy]\n\t"                                                \
                "xorl %[sy], %[sh]\n\t"                   /* P0(TT2) */                 \
                "rorxl $23, %[sb], %[sb]\n\t"              /* B <<< 9 */                 \
                "rorxl $13, %[sf], %[sf]"                  /* F <<< 19 */                \
                : [sb] "+r"(b), [sd] "+r"(d), [sf] "+r"(f), [sh] "+r"(h), [sx] "+r"(X),   \
                  [sy] "+r"(Y), [t1] "=&r"(t1_), [t2] "=&r"(t2_), [t3] "=&r"(t3_)     \
                : [sa] "r"(a), [sc] "r"(c), [se] "r"(e), [sg] "r"(g),                     \
                  [wj] "m"(w[j]), [wpj] "m"(wp[j]), [tj] "ri"(ccf_sm3_tj[j]));         \
        (void)t1_; (void)t2_; (void)t3_;                                              \
    } while (0)
#define ASM_ROUNDS4(j, FF, GG) do {                                                   \
        ASM_ROUND(A, B, C, D, E, F, G, H, (j), FF, GG);                               \
        ASM_ROUND(D, A, B, C, H, E, F, G, (j) + 1, FF, GG);                           \
        ASM_ROUND(C, D, A, B, G, H, E, F, (j) + 2, FF, GG);                           \
        ASM_ROUND(B, C, D, A, F, G, H, E, (j) + 3, FF, GG);                           \
    } while (0)
#define ROUNDS4_0(j) ASM_ROUNDS4((j), ASM_FF0, ASM_GG0)
#define ROUNDS4_1(j) ASM_ROUNDS4((j), ASM_FF1, ASM_GG1)
#else
#define ROUNDS4_0(j) CCF_SM3_ROUNDS4((j), CCF_SM3_FF0, CCF_SM3_GG0)
#define ROUNDS4_1(j) CCF_SM3_ROUNDS4((j), CCF_SM3_FF1, CCF_SM3_GG1)
#endif

/* Rounds (scalar, latency-bound on E -> SS1 -> TT2 -> P0 -> E) with the expansion of later
 * message words (vector units, otherwise idle) slotted between groups of four: rounds
 * j..j+3 read W_j..W_{j+7}, produced three groups earlier. */
#define STEP(j, FF, GG, NEXT) do { NEXT; ROUNDS4_##FF(j); } while (0)

/* the rounds stay scalar: keep GCC's SLP vectoriser out of them (see sm3_portable.c) */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-vectorize")))
#endif
CCF_TARGET("avx2,bmi2")
static void x86avx2_compress(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
    /* W_0..W_67, then W'_j = W_j ^ W_{j+4} (stored with the expansion): one array, one wipe */
    CCF_ALIGN(32) uint32_t w[68 + 64];
    uint32_t *const wp = w + 68;
    const __m128i bswap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    __m128i v0, v1, v2, v3;
    for (; nblocks; nblocks--, p += 64) {
        uint32_t A = h[0], B = h[1], C = h[2], D = h[3], E = h[4], F = h[5], G = h[6], H = h[7];
        uint32_t X = 0, Y = 0;    /* asm rounds: TT2 of the previous round and P0(TT2) ^ TT2 */
        (void)X; (void)Y;
        X_LOAD(w, p);
        STEP(0, 0, 0, X_EXPAND(w, 16));   /* 5.3.3 with 5.3.2 */
        STEP(4, 0, 0, X_EXPAND(w, 20));
        STEP(8, 0, 0, X_EXPAND(w, 24));
        STEP(12, 0, 0, X_EXPAND(w, 28));
        STEP(16, 1, 1, X_EXPAND(w, 32));
        STEP(20, 1, 1, X_EXPAND(w, 36));
        STEP(24, 1, 1, X_EXPAND(w, 40));
        STEP(28, 1, 1, X_EXPAND(w, 44));
        STEP(32, 1, 1, X_EXPAND(w, 48));
        STEP(36, 1, 1, X_EXPAND(w, 52));
        STEP(40, 1, 1, X_EXPAND(w, 56));
        STEP(44, 1, 1, X_EXPAND(w, 60));
        STEP(48, 1, 1, X_EXPAND(w, 64));
        STEP(52, 1, 1, (void)0);
        STEP(56, 1, 1, (void)0);
        STEP(60, 1, 1, (void)0);
        h[0] ^= A; h[1] ^= B; h[2] ^= C; h[3] ^= D;
        h[4] ^= E; h[5] ^= F; h[6] ^= G; h[7] ^= H;
    }
    /* message words only; wiped because callers may hash secrets (HMAC keys) */
    ccf_memzero(w, sizeof(w));
}

const ccf_sm3_impl ccf_sm3_impl_x86avx2 = { "avx2-bmi2", x86avx2_supported, x86avx2_compress };

#else
typedef int ccf_sm3_x86avx2_unused;   /* ISO C forbids an empty translation unit */
#endif
