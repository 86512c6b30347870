/*
 * sm4_gcm_gfni_avx512.c - SM4-GCM of one short message (12-byte IV, at most
 * CCF_SM4_GCM_SHORT_MAX bytes) in one pass, all in registers: GFNI for the S-box, VPCLMULQDQ
 * for GHASH, AVX-512.  The per-packet case of SRTP (RFC 7714 with SM4) and of short AEAD
 * records, where the fixed costs of the general path (several kernel calls, copies, block
 * transpositions on the way in) are a large part of the time.
 *
 * SM4 is latency-bound here: 32 dependent rounds whatever the block count, so J0 and the
 * (at most 15) counter blocks run as one set of 16 lanes, word j of every block in one zmm.
 * The rounds use the "folded" form of sm4_gfni_avx512.c's CBC kernel, on 16 lanes:
 *
 * - With A_in, c_in the input affine map of the GFNI S-box (S(x) = A_out inv(A_in x + c_in)
 *   + c_out) and Y_i = A_in X_i (byte-wise), the inversion input of round i is
 *   z_i = A_in x_i + c_in = Y_{i+1} ^ Y_{i+2} ^ Y_{i+3} ^ (A_in rk_i + c_in).
 * - L commutes with rotations by whole bytes, so A_in L(A_out v) = sum_j (N_j v) <<< 8j with
 *   byte matrices N_j = A_in M_j A_out (N_1 = N_2), and
 *     F_i = sum_j (N_j inv(z_i)) <<< 8j,    Y_{i+4} = Y_i ^ F_i ^ K,    K = A_in L(c_out).
 * - The constant K is moved into per-round constants: with V_i = Y_i ^ (K if i / 4 is odd),
 *   V_{i+4} = V_i ^ F_i and z_i = V_{i+1} ^ V_{i+2} ^ V_{i+3} ^ Q_i, Q_i from the key
 *   (ccf_sm4_gcm_fold_init, once per key).  So z_{i+1} = G_i ^ F_i with
 *   G_i = V_i ^ V_{i+2} ^ V_{i+3} ^ Q_{i+1}, known before F_i.
 * - Per round on the critical path: three GF2P8AFFINEINVQB on z (N_0, N_12, N_3), the byte
 *   rotations (two VPSHUFB, one VPROLD), two ternary XORs.  X_32..X_35 = A_in^-1 V_32..V_35.
 * The keystream needs no transposition on the way in: X0..X2 of every counter block are the
 * IV's words (broadcast), X3 the counters, laid out so that the 4 x 4 transposition on the
 * way out leaves blocks 0..15 in order.  GHASH then follows the one-pass AES kernel
 * (gcm_x86_bulk.c, short512): A || C || L in four registers, one aggregated reduction.
 *
 * Measured on a GFNI/AVX-512 Xeon (Sapphire Rapids class): one round's dependent chain
 * (GF2P8AFFINEINVQB, a byte shuffle, two VPTERNLOGD) takes 8 cycles, of which 2 are the
 * forwarding delay out of and back into the GFNI unit; the three GFNI instructions of a round
 * share one port for 512-bit vectors, so a round takes about 10-11 cycles.
 * No table look-ups, no secret-dependent branch: constant time.
 */
#include "sm4_impls.h"
#include "ghash_x86.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>

#define TS CCF_TARGET("avx2,avx512f,avx512bw,avx512vl,gfni,vpclmulqdq,pclmul,ssse3,sse4.1")

#define GF_IN_M 0x4c287db91a22505dll        /* A_in (sm4_gfni_avx512.c) */
#define GF_IN_INV_M 0xb3a4f5863284728bll    /* A_in^-1 */
#define GF_FOLD_N0 0x040db891e9a481b7ll     /* N_0, N_12 = N_1 = N_2, N_3 */
#define GF_FOLD_N12 0x2c020425162040adll
#define GF_FOLD_N3 0x280fbcb4ff84c11all

static int short_supported(void)
{
    return ccf_cpu_has(CCF_CPU_GFNI | CCF_CPU_AVX2 | CCF_CPU_AVX512F | CCF_CPU_AVX512BW | CCF_CPU_AVX512VL |
                       CCF_CPU_VPCLMULQDQ | CCF_CPU_PCLMULQDQ | CCF_CPU_SSSE3 | CCF_CPU_SSE41);
}

/* see sm4_impls.h */
int ccf_sm4_gcm_short_usable(const ccf_sm4_impl *sm4, const ccf_ghash_impl *ghash)
{
    return sm4 == &ccf_sm4_impl_gfni_avx512 && ghash == &ccf_ghash_impl_vpclmul_avx512 && short_supported();
}

/* Bits [from, to) of a 64-bit mask, clipped to 0..64. */
static inline __mmask64 bit_range(long long from, long long to)
{
    uint64_t m;
    if (from < 0)
        from = 0;
    if (to > 64)
        to = 64;
    if (to <= from)
        return 0;
    m = to == 64 ? ~(uint64_t)0 : ((uint64_t)1 << to) - 1;
    return (__mmask64)(m & ~(((uint64_t)1 << from) - 1));
}

TS static inline __m128i fold_lanes(__m512i v)
{
    __m256i t = _mm256_xor_si256(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
    return _mm_xor_si128(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
}

TS static inline __m512i brev(__m512i x)
{
    return _mm512_gf2p8affine_epi64_epi8(x, _mm512_set1_epi64((long long)0x8040201008040201ull), 0);
}

/*
 * The keystream of J0 = iv || 1 and the 15 counter blocks after it (inc32): on return ks[k]
 * holds blocks 4k..4k+3 (ks[0] lane 0 = E(J0)), bytes in order.
 */
TS static inline void keystream16(const uint32_t q[32], const uint8_t iv[12], __m512i ks[4])
{
    const __m512i gin = _mm512_set1_epi64(GF_IN_M), ginv = _mm512_set1_epi64(GF_IN_INV_M);
    const __m512i n0 = _mm512_set1_epi64(GF_FOLD_N0), n12 = _mm512_set1_epi64(GF_FOLD_N12);
    const __m512i n3 = _mm512_set1_epi64(GF_FOLD_N3);
    const __m512i r8 = _mm512_broadcast_i32x4(_mm_setr_epi8(3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14));
    const __m512i r24 = _mm512_broadcast_i32x4(_mm_setr_epi8(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12));
    const __m512i bswap = _mm512_broadcast_i32x4(_mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12));
    /* X3 of lane d: the counter of block 4 (d mod 4) + d / 4, i.e. 1 + that block's index */
    const __m512i ctr = _mm512_setr_epi32(1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15, 4, 8, 12, 16);
    __m512i v0, v1, v2, v3, z, g, w0, w1, w2, w3;
    __m128i x;
    int i;
    /* V0..V2 = A_in X0..X2 (the IV's words, the same in every lane), V3 = A_in X3 */
    x = _mm_shuffle_epi8(_mm_maskz_loadu_epi8((__mmask16)0x0FFF, iv), _mm512_castsi512_si128(bswap));
    x = _mm_gf2p8affine_epi64_epi8(x, _mm512_castsi512_si128(gin), 0);
    v0 = _mm512_broadcastd_epi32(x);
    v1 = _mm512_broadcastd_epi32(_mm_shuffle_epi32(x, 0x55));
    v2 = _mm512_broadcastd_epi32(_mm_shuffle_epi32(x, 0xAA));
    v3 = _mm512_gf2p8affine_epi64_epi8(ctr, gin, 0);
    z = _mm512_ternarylogic_epi32(v1, v2, _mm512_xor_si512(v3, _mm512_set1_epi32((int)q[0])), 0x96);
    g = _mm512_ternarylogic_epi32(v0, v2, _mm512_xor_si512(v3, _mm512_set1_epi32((int)q[1])), 0x96);
    /*
     * Round i with a0..a3 = V_i..V_{i+3}, z = z_i, g = G_i: z becomes z_{i+1}, a0 V_{i+4}, g
     * G_{i+1} = (V_i ^ V_{i+1} ^ V_{i+3} ^ G_i ^ Q_{i+2}) ^ z_{i+1} (the bracket is formed
     * while the S-box runs).  The GFNI results for the rotated terms are issued first.
     */
#define FOLD_ROUND(a0, a1, a3, i)                                                            \
    do {                                                                                     \
        __m512i u3_ = _mm512_gf2p8affineinv_epi64_epi8(z, n3, 0);                            \
        __m512i u12_ = _mm512_gf2p8affineinv_epi64_epi8(z, n12, 0);                          \
        __m512i u0_ = _mm512_gf2p8affineinv_epi64_epi8(z, n0, 0);                            \
        __m512i br_ = _mm512_ternarylogic_epi32(_mm512_ternarylogic_epi32(a0, a1, a3, 0x96), g, \
                                                _mm512_set1_epi32((int)q[((i) + 2) & 31]), 0x96); \
        __m512i p_ = _mm512_ternarylogic_epi32(g, _mm512_shuffle_epi8(u3_, r24), u0_, 0x96); \
        z = _mm512_ternarylogic_epi32(p_, _mm512_shuffle_epi8(u12_, r8), _mm512_rol_epi32(u12_, 16), 0x96); \
        a0 = _mm512_ternarylogic_epi32(z, g, a0, 0x96);                                      \
        g = _mm512_xor_si512(br_, z);                                                        \
    } while (0)
    for (i = 0; i < 32; i += 4) {
        FOLD_ROUND(v0, v1, v3, i);
        FOLD_ROUND(v1, v2, v0, i + 1);
        FOLD_ROUND(v2, v3, v1, i + 2);
        FOLD_ROUND(v3, v0, v2, i + 3);
    }
#undef FOLD_ROUND
    /* output words X35, X34, X33, X32, then blocks (4 x 4 transposition in each 128-bit lane) */
    w0 = _mm512_gf2p8affine_epi64_epi8(v3, ginv, 0);
    w1 = _mm512_gf2p8affine_epi64_epi8(v2, ginv, 0);
    w2 = _mm512_gf2p8affine_epi64_epi8(v1, ginv, 0);
    w3 = _mm512_gf2p8affine_epi64_epi8(v0, ginv, 0);
    {
        __m512i t0 = _mm512_unpacklo_epi32(w0, w1), t1 = _mm512_unpackhi_epi32(w0, w1);
        __m512i t2 = _mm512_unpacklo_epi32(w2, w3), t3 = _mm512_unpackhi_epi32(w2, w3);
        ks[0] = _mm512_shuffle_epi8(_mm512_unpacklo_epi64(t0, t2), bswap);
        ks[1] = _mm512_shuffle_epi8(_mm512_unpackhi_epi64(t0, t2), bswap);
        ks[2] = _mm512_shuffle_epi8(_mm512_unpacklo_epi64(t1, t3), bswap);
        ks[3] = _mm512_shuffle_epi8(_mm512_unpackhi_epi64(t1, t3), bswap);
    }
}

/*
 * See ccf_sm4.h (ccf_sm4_gcm_short).  The message is moved up one lane to meet its keystream
 * (lane 0 keeps E(J0) for the tag), so the GHASH input A || C || L is the same registers with
 * A in lane 0 and L after the last block; block i of the n = nb + 2 is multiplied by H^(n-i)
 * (a contiguous descending run of the key table) and everything is reduced once.  AAD longer
 * than a block is hashed first (independent of the SM4 chain, so it runs beside it) and its
 * GHASH value y_A takes lane 0 with H^(n-1): ((y_A ^ C_1) H ^ C_2) H ... = y_A H^(n-1) ^ ...
 */
TS static inline int short_msg(const ccf_sm4_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                               const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag, size_t tag_len,
                               const int decrypt)
{
    const ccf_ghash_key *gk = &g->ghash;
    const long long n = (long long)len;
    const int nb = (int)((len + 15) / 16), ng = nb + 2;   /* message blocks; GHASH blocks */
    const int nr = (ng + 3) / 4;                           /* GHASH registers */
    __m512i x[4], m[4], s[4], gb[4], lo, mid, hi, a0;
    __m128i y, ej0, lens;
    uint8_t want[16];
    int j, rc = CCF_OK;
    if (aad_len > 16) {
        uint8_t ya[16] = {0};
        ccf_ghash_update(gk, ya, aad, aad_len);
        a0 = _mm512_zextsi128_si512(_mm_loadu_si128((const __m128i *)(const void *)ya));
    } else {
        a0 = _mm512_zextsi128_si512(_mm_maskz_loadu_epi8((__mmask16)bit_range(0, (long long)aad_len), aad));
    }
    /* the message, loaded without reading past its end, then moved up one lane */
    for (j = 0; j < 4; j++)
        m[j] = _mm512_maskz_loadu_epi8(bit_range(0, n - 64 * j), in + 64 * j);
    s[0] = _mm512_alignr_epi64(m[0], _mm512_setzero_si512(), 6);
    for (j = 1; j < 4; j++)
        s[j] = _mm512_alignr_epi64(m[j], m[j - 1], 6);
    keystream16(g->fold, iv, x);
    ej0 = _mm512_castsi512_si128(x[0]);
    /* s ^ keystream over the message bytes only (zero elsewhere, as GHASH pads) */
    for (j = 0; j < 4; j++) {
        x[j] = _mm512_maskz_mov_epi8(bit_range(16 - 64 * j, n + 16 - 64 * j), _mm512_xor_si512(x[j], s[j]));
        gb[j] = decrypt ? s[j] : x[j];                    /* GHASH runs over the ciphertext */
    }
    gb[0] = _mm512_mask_blend_epi64(0x03, gb[0], a0);
    lens = _mm_set_epi64x((long long)ccf_bswap64((uint64_t)len * 8), (long long)ccf_bswap64((uint64_t)aad_len * 8));
    gb[(nb + 1) / 4] = _mm512_mask_blend_epi64((__mmask8)(3u << (2 * ((nb + 1) % 4))), gb[(nb + 1) / 4],
                                               _mm512_broadcast_i32x4(lens));
    lo = mid = hi = _mm512_setzero_si512();
    for (j = 0; j < nr; j++) {
        __mmask8 live = (__mmask8)bit_range(0, 2LL * (ng - 4 * j));       /* blocks < ng */
        __m512i pw = _mm512_maskz_loadu_epi64(live, gk->tbl + CCF_GHASH_X86_DESC(ng) + 64 * j);
        __m512i b = brev(gb[j]), bk, pk;
        if (j == 0 && aad_len > 16)                       /* y_A takes H^(ng - 1) */
            pw = _mm512_mask_loadu_epi64(pw, 0x03, gk->tbl + CCF_GHASH_X86_DESC(ng - 1));
        bk = _mm512_xor_si512(b, _mm512_shuffle_epi32(b, _MM_PERM_BADC));
        pk = _mm512_xor_si512(pw, _mm512_shuffle_epi32(pw, _MM_PERM_BADC));
        lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(b, pw, 0x00));
        hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(b, pw, 0x11));
        mid = _mm512_xor_si512(mid, _mm512_clmulepi64_epi128(bk, pk, 0x00));
    }
    {
        __m128i l = fold_lanes(lo), h = fold_lanes(hi);
        y = ccf_ghash_reduce(l, _mm_xor_si128(fold_lanes(mid), _mm_xor_si128(l, h)), h);
    }
    y = _mm_xor_si128(ccf_ghash_brev8(y), ej0);
    if (decrypt) {
        _mm_storeu_si128((__m128i *)(void *)want, y);
        rc = ccf_ct_memcmp(want, tag, tag_len) == 0 ? CCF_OK : CCF_ERR_AUTH;
        ccf_memzero(want, sizeof(want));
    } else {
        _mm_storeu_si128((__m128i *)(void *)tag, y);
    }
    if (rc == CCF_OK)                                     /* move down one lane and store */
        for (j = 0; j < 4; j++)
            _mm512_mask_storeu_epi8(out + 64 * j, bit_range(0, n - 64 * j),
                                    _mm512_alignr_epi64(j < 3 ? x[j + 1] : _mm512_setzero_si512(), x[j], 2));
    return rc;
}

/* see sm4_impls.h: the two directions compiled apart, so that decryption's GHASH of the input
 * does not wait for the keystream */
TS int ccf_sm4_gcm_short_gfni512(const ccf_sm4_gcm *g, const uint8_t iv[12], const uint8_t *aad,
                                 size_t aad_len, const uint8_t *in, uint8_t *out, size_t len,
                                 uint8_t *tag, size_t tag_len, int decrypt)
{
    if (decrypt)
        return short_msg(g, iv, aad, aad_len, in, out, len, tag, tag_len, 1);
    return short_msg(g, iv, aad, aad_len, in, out, len, tag, tag_len, 0);
}

#endif /* CCF_HAVE_X86_INTRIN */
