/*
 * sm4_avx2_tmpl.h - SM4 rounds on 256-bit registers, 8 blocks per register set, instantiated
 * by sm4_aesni_avx2.c (S-box by AESENCLAST) and sm4_gfni_avx512.c (S-box by GF2P8AFFINE).
 *
 * Before inclusion define
 *   SM4T_FN(x)        name of an instance function (e.g. sm4_aesni_avx2_##x)
 *   SM4T_TARGET       the CCF_TARGET string
 *   SM4T_SBOX(v)      expression: the SM4 S-box applied to every byte of __m256i v
 *   SM4T_CONSTS       declarations of the constants SM4T_SBOX uses (inside each function)
 *   SM4T_BLOCK1       (optional) function(rk, in, out) for a single block
 * Layout: a 4 x 4 transposition of 32-bit words in each 128-bit lane turns four registers of
 * blocks into X0..X3 of 8 blocks (byte-swapped to native order for the shifts of L).
 */

/* one round on one register set: x0 ^= L(S(x1 ^ x2 ^ x3 ^ rk)), GB/T 32907 6.2, 7.1 */
#define SM4T_ROUND(x0, x1, x2, x3, k)                                                      \
    do {                                                                                   \
        __m256i t_ = _mm256_xor_si256(_mm256_xor_si256(x1, x2), _mm256_xor_si256(x3, k));  \
        __m256i y_;                                                                        \
        t_ = SM4T_SBOX(t_);                                                                \
        /* L(B) = B ^ (B <<< 24) ^ ((B ^ (B <<< 8) ^ (B <<< 16)) <<< 2) */                 \
        y_ = _mm256_xor_si256(t_, _mm256_xor_si256(_mm256_shuffle_epi8(t_, r8),            \
                                                    _mm256_shuffle_epi8(t_, r16)));        \
        y_ = _mm256_or_si256(_mm256_slli_epi32(y_, 2), _mm256_srli_epi32(y_, 30));         \
        x0 = _mm256_xor_si256(x0, _mm256_xor_si256(_mm256_xor_si256(t_, y_),               \
                                                   _mm256_shuffle_epi8(t_, r24)));         \
    } while (0)

#define SM4T_TRANSPOSE(a, b, c, d)                                                         \
    do {                                                                                   \
        __m256i t0_ = _mm256_unpacklo_epi32(a, b), t1_ = _mm256_unpackhi_epi32(a, b);      \
        __m256i t2_ = _mm256_unpacklo_epi32(c, d), t3_ = _mm256_unpackhi_epi32(c, d);      \
        a = _mm256_unpacklo_epi64(t0_, t2_); b = _mm256_unpackhi_epi64(t0_, t2_);          \
        c = _mm256_unpacklo_epi64(t1_, t3_); d = _mm256_unpackhi_epi64(t1_, t3_);          \
    } while (0)

/* 8 * SETS blocks (SETS = 1 or 2) from in to out */
#define SM4T_BODY(SETS)                                                                    \
    SM4T_CONSTS                                                                            \
    const __m256i bswap = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, \
                                           3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12); \
    const __m256i r8 = _mm256_setr_epi8(3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14, \
                                        3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14); \
    const __m256i r16 = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, \
                                         2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13); \
    const __m256i r24 = _mm256_setr_epi8(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12, \
                                         1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12); \
    __m256i x[SETS][4];                                                                    \
    int s_, i_;                                                                            \
    for (s_ = 0; s_ < SETS; s_++) {                                                        \
        for (i_ = 0; i_ < 4; i_++)                                                         \
            x[s_][i_] = _mm256_shuffle_epi8(                                               \
                _mm256_loadu_si256((const __m256i *)(in + 128 * s_ + 32 * i_)), bswap);    \
        SM4T_TRANSPOSE(x[s_][0], x[s_][1], x[s_][2], x[s_][3]);                            \
    }                                                                                      \
    for (i_ = 0; i_ < 32; i_ += 4) {                                                       \
        __m256i k0 = _mm256_set1_epi32((int)rk[i_]), k1 = _mm256_set1_epi32((int)rk[i_ + 1]); \
        __m256i k2 = _mm256_set1_epi32((int)rk[i_ + 2]), k3 = _mm256_set1_epi32((int)rk[i_ + 3]); \
        for (s_ = 0; s_ < SETS; s_++) SM4T_ROUND(x[s_][0], x[s_][1], x[s_][2], x[s_][3], k0); \
        for (s_ = 0; s_ < SETS; s_++) SM4T_ROUND(x[s_][1], x[s_][2], x[s_][3], x[s_][0], k1); \
        for (s_ = 0; s_ < SETS; s_++) SM4T_ROUND(x[s_][2], x[s_][3], x[s_][0], x[s_][1], k2); \
        for (s_ = 0; s_ < SETS; s_++) SM4T_ROUND(x[s_][3], x[s_][0], x[s_][1], x[s_][2], k3); \
    }                                                                                      \
    for (s_ = 0; s_ < SETS; s_++) {                                                        \
        /* output (X35, X34, X33, X32) */                                                  \
        SM4T_TRANSPOSE(x[s_][3], x[s_][2], x[s_][1], x[s_][0]);                            \
        _mm256_storeu_si256((__m256i *)(out + 128 * s_), _mm256_shuffle_epi8(x[s_][3], bswap)); \
        _mm256_storeu_si256((__m256i *)(out + 128 * s_ + 32), _mm256_shuffle_epi8(x[s_][2], bswap)); \
        _mm256_storeu_si256((__m256i *)(out + 128 * s_ + 64), _mm256_shuffle_epi8(x[s_][1], bswap)); \
        _mm256_storeu_si256((__m256i *)(out + 128 * s_ + 96), _mm256_shuffle_epi8(x[s_][0], bswap)); \
    }

CCF_TARGET(SM4T_TARGET) static void SM4T_FN(x16)(const uint32_t *rk, const uint8_t *in, uint8_t *out)
{
    SM4T_BODY(2)
}

CCF_TARGET(SM4T_TARGET) static void SM4T_FN(x8)(const uint32_t *rk, const uint8_t *in, uint8_t *out)
{
    SM4T_BODY(1)
}

CCF_TARGET(SM4T_TARGET) static void SM4T_FN(blocks)(const uint32_t rk[32], const uint8_t *in, uint8_t *out, size_t n)
{
#if defined(SM4T_BLOCK1)
    if (n == 1) {              /* latency-bound single block (serial modes) */
        SM4T_BLOCK1(rk, in, out);
        return;
    }
#endif
    for (; n >= 16; n -= 16, in += 256, out += 256)
        SM4T_FN(x16)(rk, in, out);
    for (; n >= 8; n -= 8, in += 128, out += 128)
        SM4T_FN(x8)(rk, in, out);
    if (n) {
        CCF_ALIGN(32) uint8_t buf[128];
        memset(buf, 0, sizeof(buf));
        memcpy(buf, in, 16 * n);
        SM4T_FN(x8)(rk, buf, buf);
        memcpy(out, buf, 16 * n);
        ccf_memzero(buf, sizeof(buf));
    }
}

#undef SM4T_BODY
#undef SM4T_ROUND
#undef SM4T_TRANSPOSE
