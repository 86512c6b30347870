/*
 * sm4_aesni_avx2.c - SM4 with the S-box through AESENCLAST (AES-NI or VAES) on AVX2 registers.
 *
 * The SM4 S-box is S(x) = A * inv(A * x + C) + C in GF(2^8) mod 0x1F5 (A circulant of 0xA7,
 * C = 0xD3; see gen_sm4_ct_sbox.py).  A field isomorphism phi from GF(2^8)/0x1F5 to the AES
 * field GF(2^8)/0x11B (x -> g^x with g = 0x23, a root of 0x1F5 in the AES field) gives
 *     S(x) = A phi^-1 inv_AES(phi A x + phi C) + C.
 * AESENCLAST with a zero round key computes Aaes * inv_AES(y) + 0x63 after ShiftRows, so
 *     S(x) = Mout * AESENCLAST(Min * x + cin) + cout,
 *     Min = phi A, cin = phi C, Mout = A phi^-1 Aaes^-1, cout = Mout * 0x63 + C,
 * with ShiftRows undone by a byte shuffle.  The two affine maps are applied by two 16-entry
 * nibble look-ups with VPSHUFB (shuffles by register contents: constant time); the constants
 * below are those maps tabulated on the low and high nibble (the high-nibble table carries no
 * constant).  Rounds and layout: sm4_avx2_tmpl.h.
 */
#include "sm4_impls.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>

#define SM4_AES_TABLES                                                                       \
    const __m256i m0f = _mm256_set1_epi8(0x0F);                                              \
    const __m256i in_lo = _mm256_setr_epi8(                                                  \
        0x3e, (char)0xb2, 0x0e, (char)0x82, (char)0xbb, 0x37, (char)0x8b, 0x07,              \
        (char)0xa1, 0x2d, (char)0x91, 0x1d, 0x24, (char)0xa8, 0x14, (char)0x98,              \
        0x3e, (char)0xb2, 0x0e, (char)0x82, (char)0xbb, 0x37, (char)0x8b, 0x07,              \
        (char)0xa1, 0x2d, (char)0x91, 0x1d, 0x24, (char)0xa8, 0x14, (char)0x98);             \
    const __m256i in_hi = _mm256_setr_epi8(                                                  \
        0x00, (char)0xdc, 0x2e, (char)0xf2, (char)0xc5, 0x19, (char)0xeb, 0x37,              \
        0x08, (char)0xd4, 0x26, (char)0xfa, (char)0xcd, 0x11, (char)0xe3, 0x3f,              \
        0x00, (char)0xdc, 0x2e, (char)0xf2, (char)0xc5, 0x19, (char)0xeb, 0x37,              \
        0x08, (char)0xd4, 0x26, (char)0xfa, (char)0xcd, 0x11, (char)0xe3, 0x3f);             \
    const __m256i out_lo = _mm256_setr_epi8(                                                 \
        0x6c, (char)0xd4, (char)0xa6, 0x1e, 0x52, (char)0xea, (char)0x98, 0x20,              \
        0x0b, (char)0xb3, (char)0xc1, 0x79, 0x35, (char)0x8d, (char)0xff, 0x47,              \
        0x6c, (char)0xd4, (char)0xa6, 0x1e, 0x52, (char)0xea, (char)0x98, 0x20,              \
        0x0b, (char)0xb3, (char)0xc1, 0x79, 0x35, (char)0x8d, (char)0xff, 0x47);             \
    const __m256i out_hi = _mm256_setr_epi8(                                                 \
        0x00, (char)0xe0, 0x50, (char)0xb0, (char)0x9d, 0x7d, (char)0xcd, 0x2d,              \
        (char)0xc0, 0x20, (char)0x90, 0x70, 0x5d, (char)0xbd, 0x0d, (char)0xed,              \
        0x00, (char)0xe0, 0x50, (char)0xb0, (char)0x9d, 0x7d, (char)0xcd, 0x2d,              \
        (char)0xc0, 0x20, (char)0x90, 0x70, 0x5d, (char)0xbd, 0x0d, (char)0xed);             \
    /* InvShiftRows: byte j of the result comes from byte k with ShiftRows(k) = j */         \
    const __m256i isr = _mm256_setr_epi8(0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3, \
                                         0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3);

#define NIB_AFFINE(v, lo, hi)                                                                \
    _mm256_xor_si256(_mm256_shuffle_epi8(lo, _mm256_and_si256(v, m0f)),                      \
                     _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), m0f)))

/* ---- AES-NI: AESENCLAST on the two 128-bit halves ---- */
CCF_TARGET("avx2,aes") static inline __m256i aesenclast2(__m256i y)
{
    __m128i z = _mm_setzero_si128();
    __m128i lo = _mm_aesenclast_si128(_mm256_castsi256_si128(y), z);
    __m128i hi = _mm_aesenclast_si128(_mm256_extracti128_si256(y, 1), z);
    return _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
}

/* ---- one block with its words in lane 0 of xmm registers (serial modes) ----
 * Per round: S-box = nibble affine, AESENCLAST, InvShiftRows, nibble affine; L as
 * B ^ (B <<< 24) ^ ((B ^ (B <<< 8) ^ (B <<< 16)) <<< 2) with byte rotations by PSHUFB.
 * The next round's input is formed from the parts of L, not from the new word. */
CCF_TARGET("avx2,aes") static inline void aes_rounds1(const uint32_t rk[32], __m128i x[4])
{
    SM4_AES_TABLES
    const __m128i m0f4 = _mm256_castsi256_si128(m0f);
    const __m128i ilo = _mm256_castsi256_si128(in_lo), ihi = _mm256_castsi256_si128(in_hi);
    const __m128i olo = _mm256_castsi256_si128(out_lo), ohi = _mm256_castsi256_si128(out_hi);
    const __m128i isr4 = _mm256_castsi256_si128(isr), z = _mm_setzero_si128();
    const __m128i r8 = _mm_setr_epi8(3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14);
    const __m128i r16 = _mm_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
    const __m128i r24 = _mm_setr_epi8(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12);
    __m128i x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
    __m128i t = _mm_xor_si128(_mm_xor_si128(x1, x2), _mm_xor_si128(x3, _mm_cvtsi32_si128((int)rk[0])));
    int i;
    /* one round on words named explicitly (unrolled by four: the state stays in registers) */
#define AES_R1(a0, a2, a3, j)                                                                  \
    do {                                                                                     \
        __m128i y_, s_, a_, b_;                                                              \
        y_ = _mm_xor_si128(_mm_shuffle_epi8(ilo, _mm_and_si128(t, m0f4)),                    \
                           _mm_shuffle_epi8(ihi, _mm_and_si128(_mm_srli_epi16(t, 4), m0f4))); \
        y_ = _mm_shuffle_epi8(_mm_aesenclast_si128(y_, z), isr4);                            \
        s_ = _mm_xor_si128(_mm_shuffle_epi8(olo, _mm_and_si128(y_, m0f4)),                   \
                           _mm_shuffle_epi8(ohi, _mm_and_si128(_mm_srli_epi16(y_, 4), m0f4))); \
        a_ = _mm_xor_si128(_mm_xor_si128(s_, _mm_shuffle_epi8(s_, r24)), a0);                \
        b_ = _mm_xor_si128(s_, _mm_xor_si128(_mm_shuffle_epi8(s_, r8), _mm_shuffle_epi8(s_, r16))); \
        b_ = _mm_or_si128(_mm_slli_epi32(b_, 2), _mm_srli_epi32(b_, 30));                    \
        if ((j) < 31)                                                                        \
            t = _mm_xor_si128(_mm_xor_si128(_mm_xor_si128(a2, a3),                           \
                                            _mm_cvtsi32_si128((int)rk[((j) + 1) & 31])),     \
                              _mm_xor_si128(a_, b_));                                        \
        a0 = _mm_xor_si128(a_, b_);                                                          \
    } while (0)
    for (i = 0; i < 32; i += 4) {
        AES_R1(x0, x2, x3, i);
        AES_R1(x1, x3, x0, i + 1);
        AES_R1(x2, x0, x1, i + 2);
        AES_R1(x3, x1, x2, i + 3);
    }
#undef AES_R1
    x[0] = x0; x[1] = x1; x[2] = x2; x[3] = x3;
}

CCF_TARGET("avx2,aes") static void aes_block1(const uint32_t rk[32], const uint8_t *in, uint8_t *out)
{
    __m128i x[4];
    int i;
    for (i = 0; i < 4; i++)
        x[i] = _mm_cvtsi32_si128((int)ccf_load32_be(in + 4 * i));
    aes_rounds1(rk, x);
    for (i = 0; i < 4; i++)
        ccf_store32_be(out + 4 * i, (uint32_t)_mm_cvtsi128_si32(x[3 - i]));
}

/* CBC encryption with the chaining value kept in registers (see sm4_gfni_avx512.c). */
CCF_TARGET("avx2,aes") static void aes_cbc_encrypt(const uint32_t rk[32], uint8_t iv[16], const uint8_t *in,
                                                   uint8_t *out, size_t n)
{
    __m128i c[4], x[4];
    int i;
    for (i = 0; i < 4; i++)
        c[i] = _mm_cvtsi32_si128((int)ccf_load32_be(iv + 4 * i));
    for (; n; n--, in += 16, out += 16) {
        for (i = 0; i < 4; i++)
            x[i] = _mm_xor_si128(c[i], _mm_cvtsi32_si128((int)ccf_load32_be(in + 4 * i)));
        aes_rounds1(rk, x);
        for (i = 0; i < 4; i++) {
            c[i] = x[3 - i];
            ccf_store32_be(out + 4 * i, (uint32_t)_mm_cvtsi128_si32(c[i]));
        }
    }
    for (i = 0; i < 4; i++)
        ccf_store32_be(iv + 4 * i, (uint32_t)_mm_cvtsi128_si32(c[i]));
}

#define SM4T_BLOCK1 aes_block1
#define SM4T_FN(x) sm4_aesni_avx2_##x
#define SM4T_TARGET "avx2,aes"
#define SM4T_CONSTS SM4_AES_TABLES
#define SM4T_SBOX(v) NIB_AFFINE(_mm256_shuffle_epi8(aesenclast2(NIB_AFFINE(v, in_lo, in_hi)), isr), out_lo, out_hi)
#include "sm4_avx2_tmpl.h"
#undef SM4T_FN
#undef SM4T_TARGET
#undef SM4T_SBOX

/* ---- VAES: one VAESENCLAST on the whole register ---- */
#define SM4T_FN(x) sm4_vaes_avx2_##x
#define SM4T_TARGET "avx2,aes,vaes"
#define SM4T_SBOX(v) NIB_AFFINE(_mm256_shuffle_epi8(_mm256_aesenclast_epi128(NIB_AFFINE(v, in_lo, in_hi), _mm256_setzero_si256()), isr), out_lo, out_hi)
#include "sm4_avx2_tmpl.h"
#undef SM4T_FN
#undef SM4T_TARGET
#undef SM4T_SBOX
#undef SM4T_CONSTS
#undef SM4T_BLOCK1

static int aesni_avx2_supported(void) { return ccf_cpu_has(CCF_CPU_AESNI | CCF_CPU_AVX2); }
static int vaes_avx2_supported(void) { return ccf_cpu_has(CCF_CPU_AESNI | CCF_CPU_AVX2 | CCF_CPU_VAES); }

const ccf_sm4_impl ccf_sm4_impl_aesni_avx2 = { "aesni-avx2", aesni_avx2_supported, sm4_aesni_avx2_blocks, 16, aes_cbc_encrypt };
const ccf_sm4_impl ccf_sm4_impl_vaes_avx2 = { "vaes-avx2", vaes_avx2_supported, sm4_vaes_avx2_blocks, 16, aes_cbc_encrypt };

#endif /* CCF_HAVE_X86_INTRIN */
