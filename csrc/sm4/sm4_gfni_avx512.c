/*
 * sm4_gfni_avx512.c - SM4 with the S-box by GFNI: GF2P8AFFINEQB then GF2P8AFFINEINVQB.
 *
 * S(x) = A phi^-1 inv_AES(phi A x + phi C) + C (see sm4_aesni_avx2.c for phi): the first
 * instruction applies the affine map (phi A, phi C), the second inverts in the AES field and
 * applies (A phi^-1, C).  Matrices are in the GF2P8AFFINE layout (byte 7 - i of the qword is
 * the row of output bit i), derived from the definitions in gen_sm4_ct_sbox.py.
 *
 * gfni-avx512: 16 blocks per zmm register set, two sets (32 blocks) per iteration, rotations
 * of L by VPROLD.  gfni-avx2: the same S-box in sm4_avx2_tmpl.h on ymm (8 blocks per set).
 */
#include "sm4_impls.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>

#define GF_IN_M 0x4c287db91a22505dll
#define GF_IN_C 0x3e
#define GF_OUT_M 0xf3ab34a974a6b589ll
#define GF_OUT_C 0xd3

/* ---- gfni-avx2 ---- */
#define SM4T_FN(x) sm4_gfni_avx2_##x
#define SM4T_TARGET "avx2,gfni"
#define SM4T_CONSTS                                                                          \
    const __m256i gin = _mm256_set1_epi64x(GF_IN_M), gout = _mm256_set1_epi64x(GF_OUT_M);
#define SM4T_SBOX(v) _mm256_gf2p8affineinv_epi64_epi8(_mm256_gf2p8affine_epi64_epi8(v, gin, GF_IN_C), gout, GF_OUT_C)
#include "sm4_avx2_tmpl.h"
#undef SM4T_FN
#undef SM4T_TARGET
#undef SM4T_SBOX
#undef SM4T_CONSTS

/* ---- gfni-avx512 ---- */
#define T512 "avx512f,avx512bw,avx512vl,gfni"

#define R512(x0, x1, x2, x3, k)                                                              \
    do {                                                                                     \
        __m512i t_ = _mm512_ternarylogic_epi32(x1, x2, x3, 0x96);                            \
        t_ = _mm512_xor_si512(t_, k);                                                        \
        t_ = _mm512_gf2p8affineinv_epi64_epi8(_mm512_gf2p8affine_epi64_epi8(t_, gin, GF_IN_C), gout, GF_OUT_C); \
        x0 = _mm512_ternarylogic_epi32(x0, t_, _mm512_rol_epi32(t_, 2), 0x96);               \
        x0 = _mm512_ternarylogic_epi32(x0, _mm512_rol_epi32(t_, 10), _mm512_rol_epi32(t_, 18), 0x96); \
        x0 = _mm512_xor_si512(x0, _mm512_rol_epi32(t_, 24));                                 \
    } while (0)

#define TR512(a, b, c, d)                                                                    \
    do {                                                                                     \
        __m512i t0_ = _mm512_unpacklo_epi32(a, b), t1_ = _mm512_unpackhi_epi32(a, b);        \
        __m512i t2_ = _mm512_unpacklo_epi32(c, d), t3_ = _mm512_unpackhi_epi32(c, d);        \
        a = _mm512_unpacklo_epi64(t0_, t2_); b = _mm512_unpackhi_epi64(t0_, t2_);            \
        c = _mm512_unpacklo_epi64(t1_, t3_); d = _mm512_unpackhi_epi64(t1_, t3_);            \
    } while (0)

#define BODY512(SETS)                                                                        \
    const __m512i gin = _mm512_set1_epi64(GF_IN_M), gout = _mm512_set1_epi64(GF_OUT_M);      \
    const __m512i bswap = _mm512_set4_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203); \
    __m512i x[SETS][4];                                                                      \
    int s_, i_;                                                                              \
    for (s_ = 0; s_ < SETS; s_++) {                                                          \
        for (i_ = 0; i_ < 4; i_++)                                                           \
            x[s_][i_] = _mm512_shuffle_epi8(                                                 \
                _mm512_loadu_si512((const void *)(in + 256 * s_ + 64 * i_)), bswap);         \
        TR512(x[s_][0], x[s_][1], x[s_][2], x[s_][3]);                                       \
    }                                                                                        \
    for (i_ = 0; i_ < 32; i_ += 4) {                                                         \
        __m512i k0 = _mm512_set1_epi32((int)rk[i_]), k1 = _mm512_set1_epi32((int)rk[i_ + 1]); \
        __m512i k2 = _mm512_set1_epi32((int)rk[i_ + 2]), k3 = _mm512_set1_epi32((int)rk[i_ + 3]); \
        for (s_ = 0; s_ < SETS; s_++) R512(x[s_][0], x[s_][1], x[s_][2], x[s_][3], k0);      \
        for (s_ = 0; s_ < SETS; s_++) R512(x[s_][1], x[s_][2], x[s_][3], x[s_][0], k1);      \
        for (s_ = 0; s_ < SETS; s_++) R512(x[s_][2], x[s_][3], x[s_][0], x[s_][1], k2);      \
        for (s_ = 0; s_ < SETS; s_++) R512(x[s_][3], x[s_][0], x[s_][1], x[s_][2], k3);      \
    }                                                                                        \
    for (s_ = 0; s_ < SETS; s_++) {                                                          \
        TR512(x[s_][3], x[s_][2], x[s_][1], x[s_][0]);                                       \
        _mm512_storeu_si512((void *)(out + 256 * s_), _mm512_shuffle_epi8(x[s_][3], bswap));  \
        _mm512_storeu_si512((void *)(out + 256 * s_ + 64), _mm512_shuffle_epi8(x[s_][2], bswap)); \
        _mm512_storeu_si512((void *)(out + 256 * s_ + 128), _mm512_shuffle_epi8(x[s_][1], bswap)); \
        _mm512_storeu_si512((void *)(out + 256 * s_ + 192), _mm512_shuffle_epi8(x[s_][0], bswap)); \
    }

CCF_TARGET(T512) static void gfni512_x32(const uint32_t *rk, const uint8_t *in, uint8_t *out)
{
    BODY512(2)
}

CCF_TARGET(T512) static void gfni512_x16(const uint32_t *rk, const uint8_t *in, uint8_t *out)
{
    BODY512(1)
}

/* 32 rounds on one block whose words X0..X3 sit in lane 0 of x[0..3] (native order); on return
 * x[i] holds X_{32+i}.  The latency-bound path of serial modes (CBC encryption, CCM's CBC-MAC):
 * no transposition, no padding to a register set.  Critical path per round: the S-box (two
 * GFNI ops), one rotation, two ternary XORs; the next round's input x2 ^ x3 ^ rk ^ X_new is
 * formed from the two halves of L directly, not from X_new. */
CCF_TARGET(T512) static inline void gfni_rounds1(const uint32_t rk[32], __m128i x[4])
{
    const __m128i gin = _mm_set1_epi64x(GF_IN_M), gout = _mm_set1_epi64x(GF_OUT_M);
    __m128i x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3], t;
    int i;
    t = _mm_ternarylogic_epi32(x1, x2, x3, 0x96);
    t = _mm_xor_si128(t, _mm_cvtsi32_si128((int)rk[0]));
    /* one round on words named explicitly (unrolled by four: the state stays in registers) */
#define GF_R1(a0, a2, a3, j)                                                                   \
    do {                                                                                     \
        __m128i s_, a_, b_;                                                                  \
        s_ = _mm_gf2p8affineinv_epi64_epi8(_mm_gf2p8affine_epi64_epi8(t, gin, GF_IN_C), gout, GF_OUT_C); \
        a_ = _mm_ternarylogic_epi32(s_, _mm_rol_epi32(s_, 2), _mm_rol_epi32(s_, 10), 0x96);  \
        b_ = _mm_ternarylogic_epi32(a0, _mm_rol_epi32(s_, 18), _mm_rol_epi32(s_, 24), 0x96); \
        if ((j) < 31)                                                                        \
            t = _mm_ternarylogic_epi32(_mm_ternarylogic_epi32(a2, a3,                         \
                                           _mm_cvtsi32_si128((int)rk[((j) + 1) & 31]), 0x96), \
                                       a_, b_, 0x96);                                        \
        a0 = _mm_xor_si128(a_, b_);                                                          \
    } while (0)
    for (i = 0; i < 32; i += 4) {
        GF_R1(x0, x2, x3, i);
        GF_R1(x1, x3, x0, i + 1);
        GF_R1(x2, x0, x1, i + 2);
        GF_R1(x3, x1, x2, i + 3);
    }
#undef GF_R1
    x[0] = x0; x[1] = x1; x[2] = x2; x[3] = x3;
}

CCF_TARGET(T512) static void gfni_block1(const uint32_t rk[32], const uint8_t *in, uint8_t *out)
{
    __m128i x[4];
    int i;
    for (i = 0; i < 4; i++)
        x[i] = _mm_cvtsi32_si128((int)ccf_load32_be(in + 4 * i));
    gfni_rounds1(rk, x);
    for (i = 0; i < 4; i++)
        ccf_store32_be(out + 4 * i, (uint32_t)_mm_cvtsi128_si32(x[3 - i]));
}

/*
 * CBC encryption, C_i = E(P_i ^ C_{i-1}) with C_{i-1} kept in registers.  The serial path is
 * latency-bound, so the rounds run on z_i = A_in x_i + c_in, the input of the field inversion
 * of round i's S-box (x_i = X_{i+1} ^ X_{i+2} ^ X_{i+3} ^ rk_i), instead of on x_i:
 *
 * - L commutes with rotations by whole bytes, so L(y) = sum_j (M_j y) <<< 8j with per-byte
 *   matrices M_j; with N_j = A_in M_j A_out,
 *     z_{i+1} = z_i ^ E_i ^ sum_j (N_j inv(z_i)) <<< 8j,
 *     E_i = A_in (X_i ^ X_{i+1} ^ rk_i ^ rk_{i+1}) + (A_in L(c_out) + c_in)
 *   (x_{i+1} = x_i ^ X_i ^ X_{i+1} ^ rk_i ^ rk_{i+1} ^ L(S(x_i)) once X_{i+3} and X_{i+4} are
 *   written out; the constants meet in 0x63, L(c_out) being the byte 0x4f four times).
 *   Per round on the critical path: one GF2P8AFFINEINVQB, a lane shuffle, two ternary XORs.
 * - The words are recovered off the critical path: X_{i+3} = A_in^-1 (z_i + c_in) ^ X_{i+1} ^
 *   X_{i+2} ^ rk_i.
 * - Every word w is kept as R(w) = (w, w <<< 8, w <<< 16, w <<< 24) in the four lanes of an
 *   xmm register (per-byte maps commute with these rotations), so "<<< 8j" of the sum is the
 *   lane shuffle (r + j) mod 4 -> r; lane 0 is the word itself.
 * Matrices in the GF2P8AFFINE layout, derived from GF_IN_M, GF_OUT_M and L (N_1 = N_2 because
 * bytes 1 and 2 of L(b) coincide for a single byte b).  No table look-ups: constant time.
 */
#define GF_FOLD_N0 0x040db891e9a481b7ll
#define GF_FOLD_N12 0x2c020425162040adll
#define GF_FOLD_N3 0x280fbcb4ff84c11all
#define GF_FOLD_E 0x63                      /* A_in (0x4f) + c_in */
#define GF_IN_INV_M 0xb3a4f5863284728bll    /* A_in^-1 */
#define GF_IN_INV_C 0x75                    /* A_in^-1 c_in */

CCF_TARGET(T512) static inline __m128i gfni_rot4(uint32_t w)
{
    return _mm_rolv_epi32(_mm_set1_epi32((int)w), _mm_setr_epi32(0, 8, 16, 24));
}

CCF_TARGET(T512) static void gfni_cbc_encrypt_fold(const uint32_t rk[32], uint8_t iv[16], const uint8_t *in,
                                                   uint8_t *out, size_t n)
{
    const __m128i gin = _mm_set1_epi64x(GF_IN_M), ginv = _mm_set1_epi64x(GF_IN_INV_M);
    const __m128i n0 = _mm_set1_epi64x(GF_FOLD_N0), n12 = _mm_set1_epi64x(GF_FOLD_N12);
    const __m128i n3 = _mm_set1_epi64x(GF_FOLD_N3);
    __m128i rkr[32], rkq[32], c[4];
    int i;
    for (i = 0; i < 32; i++) {
        rkr[i] = gfni_rot4(rk[i]);
        rkq[i] = gfni_rot4(rk[i] ^ (i < 31 ? rk[i + 1] : 0));
    }
    for (i = 0; i < 4; i++)
        c[i] = gfni_rot4(ccf_load32_be(iv + 4 * i));
    for (; n; n--, in += 16, out += 16) {
        __m128i x0, x1, x2, x3, z;
        x0 = _mm_xor_si128(c[0], gfni_rot4(ccf_load32_be(in)));
        x1 = _mm_xor_si128(c[1], gfni_rot4(ccf_load32_be(in + 4)));
        x2 = _mm_xor_si128(c[2], gfni_rot4(ccf_load32_be(in + 8)));
        x3 = _mm_xor_si128(c[3], gfni_rot4(ccf_load32_be(in + 12)));
        z = _mm_gf2p8affine_epi64_epi8(_mm_ternarylogic_epi32(_mm_xor_si128(x1, rkr[0]), x2, x3, 0x96), gin, GF_IN_C);
        (void)x3;
        /* round i with a0, a1, a2 = X_i, X_{i+1}, X_{i+2}: z becomes z_{i+1}, a0 X_{i+3} */
#define GF_RF(a0, a1, a2, i)                                                                  \
    do {                                                                                     \
        __m128i e_ = _mm_gf2p8affine_epi64_epi8(_mm_ternarylogic_epi32(a0, a1, rkq[i], 0x96), gin, GF_FOLD_E); \
        __m128i u0_ = _mm_gf2p8affineinv_epi64_epi8(z, n0, 0);                              \
        __m128i u12_ = _mm_gf2p8affineinv_epi64_epi8(z, n12, 0);                            \
        __m128i u1_ = _mm_shuffle_epi32(u12_, 0x39), u2_ = _mm_shuffle_epi32(u12_, 0x4e);    \
        __m128i u3_ = _mm_shuffle_epi32(_mm_gf2p8affineinv_epi64_epi8(z, n3, 0), 0x93);     \
        a0 = _mm_xor_si128(_mm_ternarylogic_epi32(_mm_gf2p8affine_epi64_epi8(z, ginv, GF_IN_INV_C), \
                                                  a1, a2, 0x96), rkr[i]);                   \
        z = _mm_ternarylogic_epi32(_mm_ternarylogic_epi32(u1_, u2_, u3_, 0x96), u0_,        \
                                   _mm_xor_si128(z, e_), 0x96);                             \
    } while (0)
        for (i = 0; i < 30; i += 3) {
            GF_RF(x0, x1, x2, i);          /* x0 = X_{i+3} */
            GF_RF(x1, x2, x0, i + 1);
            GF_RF(x2, x0, x1, i + 2);
        }
        GF_RF(x0, x1, x2, 30);             /* x0 = X_33; x1, x2 = X_31, X_32 */
        GF_RF(x1, x2, x0, 31);             /* x1 = X_34 */
#undef GF_RF
        /* X_35 from z_32 (rk_32 taken as 0, as in rkq[31]) */
        x3 = _mm_ternarylogic_epi32(_mm_gf2p8affine_epi64_epi8(z, ginv, GF_IN_INV_C), x0, x1, 0x96);
        c[0] = x3; c[1] = x1; c[2] = x0; c[3] = x2;
        for (i = 0; i < 4; i++)
            ccf_store32_be(out + 4 * i, (uint32_t)_mm_cvtsi128_si32(c[i]));
    }
    for (i = 0; i < 4; i++)
        ccf_store32_be(iv + 4 * i, (uint32_t)_mm_cvtsi128_si32(c[i]));
    ccf_memzero(rkr, sizeof(rkr));
    ccf_memzero(rkq, sizeof(rkq));
}

CCF_TARGET(T512) static void gfni512_blocks(const uint32_t rk[32], const uint8_t *in, uint8_t *out, size_t n)
{
    if (n == 1) {              /* 2..7 blocks: one padded 8-block set costs less than 2 serial */
        gfni_block1(rk, in, out);
        return;
    }
    for (; n >= 32; n -= 32, in += 512, out += 512)
        gfni512_x32(rk, in, out);
    for (; n >= 16; n -= 16, in += 256, out += 256)
        gfni512_x16(rk, in, out);
    if (n >= 8) {
        /* 8..15 blocks: 8 on ymm, then the rest */
        sm4_gfni_avx2_x8(rk, in, out);
        n -= 8; in += 128; out += 128;
    }
    if (n)
        sm4_gfni_avx2_blocks(rk, in, out, n);
}

static int gfni_avx2_supported(void) { return ccf_cpu_has(CCF_CPU_GFNI | CCF_CPU_AVX2); }
static int gfni_avx512_supported(void)
{
    return ccf_cpu_has(CCF_CPU_GFNI | CCF_CPU_AVX2 | CCF_CPU_AVX512F | CCF_CPU_AVX512BW | CCF_CPU_AVX512VL);
}

const ccf_sm4_impl ccf_sm4_impl_gfni_avx2 = { "gfni-avx2", gfni_avx2_supported, sm4_gfni_avx2_blocks, 16, NULL };
const ccf_sm4_impl ccf_sm4_impl_gfni_avx512 = { "gfni-avx512", gfni_avx512_supported, gfni512_blocks, 32, gfni_cbc_encrypt_fold };

#endif /* CCF_HAVE_X86_INTRIN */
