/*
 * sm3_impls.h - private to csrc/sm3: the implementation objects and the scalar round macros
 * shared by the C implementations (GB/T 32905-2016 section 5.3).
 */
#ifndef CCF_SM3_IMPLS_H
#define CCF_SM3_IMPLS_H

#include "ccf_sm3.h"

extern const ccf_sm3_impl ccf_sm3_impl_portable;         /* sm3_portable.c */
#if defined(CCF_HAVE_X86_INTRIN)
extern const ccf_sm3_impl ccf_sm3_impl_x86avx2;          /* sm3_x86avx2.c */
extern const ccf_sm3_mb_impl ccf_sm3_mb_impl_avx512;     /* sm3_mb_avx512.c */
extern const ccf_sm3_mb_impl ccf_sm3_mb_impl_avx2;       /* sm3_mb_avx2.c */
#endif
#if defined(CCF_HAVE_ARM_INTRIN)
extern const ccf_sm3_impl ccf_sm3_impl_armv8;            /* sm3_armv8.c */
#endif

/* GB/T 32905 4.1 initial value (sm3_dispatch.c). */
extern const uint32_t ccf_sm3_iv[8];

/* T_j <<< (j mod 32), j = 0..63 (4.2 constants, rotated as 5.3.3 uses them); static so that
 * the unrolled rounds fold each entry into an immediate. */
static const uint32_t ccf_sm3_tj[64] = {
    0x79CC4519u, 0xF3988A32u, 0xE7311465u, 0xCE6228CBu, 0x9CC45197u, 0x3988A32Fu, 0x7311465Eu, 0xE6228CBCu,
    0xCC451979u, 0x988A32F3u, 0x311465E7u, 0x6228CBCEu, 0xC451979Cu, 0x88A32F39u, 0x11465E73u, 0x228CBCE6u,
    0x9D8A7A87u, 0x3B14F50Fu, 0x7629EA1Eu, 0xEC53D43Cu, 0xD8A7A879u, 0xB14F50F3u, 0x629EA1E7u, 0xC53D43CEu,
    0x8A7A879Du, 0x14F50F3Bu, 0x29EA1E76u, 0x53D43CECu, 0xA7A879D8u, 0x4F50F3B1u, 0x9EA1E762u, 0x3D43CEC5u,
    0x7A879D8Au, 0xF50F3B14u, 0xEA1E7629u, 0xD43CEC53u, 0xA879D8A7u, 0x50F3B14Fu, 0xA1E7629Eu, 0x43CEC53Du,
    0x879D8A7Au, 0x0F3B14F5u, 0x1E7629EAu, 0x3CEC53D4u, 0x79D8A7A8u, 0xF3B14F50u, 0xE7629EA1u, 0xCEC53D43u,
    0x9D8A7A87u, 0x3B14F50Fu, 0x7629EA1Eu, 0xEC53D43Cu, 0xD8A7A879u, 0xB14F50F3u, 0x629EA1E7u, 0xC53D43CEu,
    0x8A7A879Du, 0x14F50F3Bu, 0x29EA1E76u, 0x53D43CECu, 0xA7A879D8u, 0x4F50F3B1u, 0x9EA1E762u, 0x3D43CEC5u,
};


/* 4.3 boolean and 4.4 permutation functions */
#define CCF_SM3_P0(x) ((x) ^ ccf_rotl32((x), 9) ^ ccf_rotl32((x), 17))
#define CCF_SM3_P1(x) ((x) ^ ccf_rotl32((x), 15) ^ ccf_rotl32((x), 23))
#define CCF_SM3_FF0(x, y, z) ((x) ^ (y) ^ (z))
#define CCF_SM3_FF1(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define CCF_SM3_GG0(x, y, z) ((x) ^ (y) ^ (z))
#define CCF_SM3_GG1(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))

/*
 * One round of 5.3.3 over state words named a..h, with W_j = w[j] and W'_j = W_j ^ W_{j+4}
 * formed where it is needed (an XOR off the critical path).  Instead of moving the eight words every round, only b, d, f, h are
 * written: d becomes TT1 (the new A), h becomes P0(TT2) (the new E), b and f are rotated in
 * place, and the caller rotates the argument list (CCF_SM3_ROUNDS4).  j must be a literal so
 * the constant and the indices fold.  The sums are grouped so that E (the last input to
 * arrive, through P0) enters last: E -> SS1 -> TT2 -> P0 -> E is the critical path.
 */
#define CCF_SM3_ROUND(a, b, c, d, e, f, g, h, j, FF, GG) do {                   \
        uint32_t a12_ = ccf_rotl32(a, 12);                                      \
        uint32_t ss1_ = ccf_rotl32((a12_ + ccf_sm3_tj[j]) + e, 7);              \
        d = (FF(a, b, c) + d + (w[j] ^ w[(j) + 4])) + (ss1_ ^ a12_);            \
        h = (GG(e, f, g) + h + w[j]) + ss1_;                                    \
        b = ccf_rotl32(b, 9);                                                   \
        f = ccf_rotl32(f, 19);                                                  \
        h = CCF_SM3_P0(h);                                                      \
    } while (0)

#define CCF_SM3_ROUNDS4(j, FF, GG) do {                                         \
        CCF_SM3_ROUND(A, B, C, D, E, F, G, H, (j), FF, GG);                     \
        CCF_SM3_ROUND(D, A, B, C, H, E, F, G, (j) + 1, FF, GG);                 \
        CCF_SM3_ROUND(C, D, A, B, G, H, E, F, (j) + 2, FF, GG);                 \
        CCF_SM3_ROUND(B, C, D, A, F, G, H, E, (j) + 3, FF, GG);                 \
    } while (0)

/* The 64 rounds, fully unrolled, on locals A..H and the array w[68]. */
#define CCF_SM3_ROUNDS64() do {                                                 \
        CCF_SM3_ROUNDS4(0, CCF_SM3_FF0, CCF_SM3_GG0);                           \
        CCF_SM3_ROUNDS4(4, CCF_SM3_FF0, CCF_SM3_GG0);                           \
        CCF_SM3_ROUNDS4(8, CCF_SM3_FF0, CCF_SM3_GG0);                           \
        CCF_SM3_ROUNDS4(12, CCF_SM3_FF0, CCF_SM3_GG0);                          \
        CCF_SM3_ROUNDS4(16, CCF_SM3_FF1, CCF_SM3_GG1);                          \
        CCF_SM3_ROUNDS4(20, CCF_SM3_FF1, CCF_SM3_GG1);                          \
        CCF_SM3_ROUNDS4(24, CCF_SM3_FF1, CCF_SM3_GG1);                          \
        CCF_SM3_ROUNDS4(28, CCF_SM3_FF1, CCF_SM3_GG1);                          \
        CCF_SM3_ROUNDS4(32, CCF_SM3_FF1, CCF_SM3_GG1);                          \
        CCF_SM3_ROUNDS4(36, CCF_SM3_FF1, CCF_SM3_GG1);                          \
        CCF_SM3_ROUNDS4(40, CCF_SM3_FF1, CCF_SM3_GG1);                          \
        CCF_SM3_ROUNDS4(44, CCF_SM3_FF1, CCF_SM3_GG1);                          \
        CCF_SM3_ROUNDS4(48, CCF_SM3_FF1, CCF_SM3_GG1);                          \
        CCF_SM3_ROUNDS4(52, CCF_SM3_FF1, CCF_SM3_GG1);                          \
        CCF_SM3_ROUNDS4(56, CCF_SM3_FF1, CCF_SM3_GG1);                          \
        CCF_SM3_ROUNDS4(60, CCF_SM3_FF1, CCF_SM3_GG1);                          \
    } while (0)

#endif /* CCF_SM3_IMPLS_H */
