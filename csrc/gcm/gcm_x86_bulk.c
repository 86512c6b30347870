/*
 * Stitched AES-GCM for VAES + VPCLMULQDQ on AVX-512: every iteration runs CTR on 32 blocks
 * (eight 512-bit registers) and GHASH on 32 blocks (the previous iteration's ciphertext when
 * encrypting, the current input when decrypting).  The two halves are independent, so the
 * out-of-order core overlaps the AES rounds with the carry-less multiplies.  GHASH uses the
 * natural-form representation of ghash_x86.h, with GFNI reversing the bits of each byte.
 */
#include "aes_impls.h"
#include "ghash_x86.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_X86_INTRIN)

#define K512 CCF_TARGET("avx512f,avx512vl,avx512bw,vaes,vpclmulqdq,gfni,aes,pclmul,ssse3,sse4.1")

#define DESC_OFFSET CCF_GHASH_X86_DESC(32)         /* H^32..H^1, see ghash_x86.h */

static int bulk512_supported(void)
{
    return ccf_cpu_has(CCF_CPU_GFNI | CCF_CPU_AVX512F | CCF_CPU_AVX512BW | CCF_CPU_VAES | CCF_CPU_VPCLMULQDQ);
}

typedef struct {
    __m512i rk[15];
    __m512i pw[8];           /* H^32..H^29 | ... | H^4..H^1 */
    __m512i cv;              /* counters, little-endian in dword 3 of each lane */
    __m128i y;               /* running GHASH value, natural form */
    unsigned rounds;
} bulk_state;

K512 static inline __m512i brev(__m512i x)
{
    return _mm512_gf2p8affine_epi64_epi8(x, _mm512_set1_epi64((long long)0x8040201008040201ull), 0);
}

K512 static inline __m128i fold512(__m512i v)
{
    __m256i t = _mm256_xor_si256(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
    return _mm_xor_si128(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
}

K512 static inline void setup(bulk_state *st, const ccf_aes_key *k, const ccf_ghash_key *gk,
                             const uint8_t ctr[16], const uint8_t y8[16])
{
    unsigned i;
    int j;
    st->rounds = k->rounds;
    for (i = 0; i <= k->rounds; i++)
        st->rk[i] = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)((const uint8_t *)k->sched + 16 * i)));
    for (j = 0; j < 8; j++)
        st->pw[j] = _mm512_loadu_si512((const void *)(gk->tbl + DESC_OFFSET + 64 * j));
    st->cv = _mm512_broadcast_i32x4(_mm_insert_epi32(_mm_loadu_si128((const __m128i *)ctr),
                                                     (int)ccf_load32_be(ctr + 12), 3));
    st->cv = _mm512_add_epi32(st->cv, _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3));
    st->y = ccf_ghash_brev8(_mm_loadu_si128((const __m128i *)y8));
}

/* Keystream for the next 32 blocks. */
K512 static inline void ctr32x(bulk_state *st, __m512i x[8])
{
    const __m512i swap = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 14, 13, 12));
    const __m512i inc4 = _mm512_broadcast_i32x4(_mm_setr_epi32(0, 0, 0, 4));
    unsigned r;
    int j;
    for (j = 0; j < 8; j++) {
        x[j] = _mm512_xor_si512(_mm512_shuffle_epi8(st->cv, swap), st->rk[0]);
        st->cv = _mm512_add_epi32(st->cv, inc4);
    }
    for (r = 1; r < st->rounds; r++)
        for (j = 0; j < 8; j++)
            x[j] = _mm512_aesenc_epi128(x[j], st->rk[r]);
    for (j = 0; j < 8; j++)
        x[j] = _mm512_aesenclast_epi128(x[j], st->rk[st->rounds]);
}

/* y <- GHASH of 32 blocks c[0..7] continuing from y, one reduction. */
K512 static inline void ghash32(bulk_state *st, const __m512i c[8])
{
    __m512i lo = _mm512_setzero_si512(), mid = lo, hi = lo;
    int j;
    for (j = 0; j < 8; j++) {
        __m512i b = brev(c[j]);
        if (j == 0)
            b = _mm512_xor_si512(b, _mm512_zextsi128_si512(st->y));
        lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(b, st->pw[j], 0x00));
        hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(b, st->pw[j], 0x11));
        mid = _mm512_ternarylogic_epi64(mid, _mm512_clmulepi64_epi128(b, st->pw[j], 0x01),
                                        _mm512_clmulepi64_epi128(b, st->pw[j], 0x10), 0x96);
    }
    st->y = ccf_ghash_reduce(fold512(lo), fold512(mid), fold512(hi));
}

K512 static void finish(bulk_state *st, uint8_t ctr[16], uint8_t y8[16], size_t blocks)
{
    ccf_store32_be(ctr + 12, ccf_load32_be(ctr + 12) + (uint32_t)blocks);
    _mm_storeu_si128((__m128i *)y8, ccf_ghash_brev8(st->y));
    ccf_memzero(st, sizeof(*st));
}

K512 static size_t bulk512_encrypt(const ccf_aes_key *k, const ccf_ghash_key *gk, uint8_t ctr[16],
                                  uint8_t y8[16], const uint8_t *in, uint8_t *out, size_t len)
{
    bulk_state st;
    __m512i x[8], prev[8];
    size_t groups = len / 512, g;
    int j;
    if (groups == 0)
        return 0;
    setup(&st, k, gk, ctr, y8);
    for (g = 0; g < groups; g++) {
        ctr32x(&st, x);
        if (g > 0)
            ghash32(&st, prev);                   /* independent of this group's AES */
        for (j = 0; j < 8; j++) {
            prev[j] = _mm512_xor_si512(x[j], _mm512_loadu_si512((const void *)(in + 64 * j)));
            _mm512_storeu_si512((void *)(out + 64 * j), prev[j]);
        }
        in += 512;
        out += 512;
    }
    ghash32(&st, prev);
    finish(&st, ctr, y8, 32 * groups);
    return 512 * groups;
}

K512 static size_t bulk512_decrypt(const ccf_aes_key *k, const ccf_ghash_key *gk, uint8_t ctr[16],
                                  uint8_t y8[16], const uint8_t *in, uint8_t *out, size_t len)
{
    bulk_state st;
    __m512i x[8], c[8];
    size_t groups = len / 512, g;
    int j;
    if (groups == 0)
        return 0;
    setup(&st, k, gk, ctr, y8);
    for (g = 0; g < groups; g++) {
        for (j = 0; j < 8; j++)
            c[j] = _mm512_loadu_si512((const void *)(in + 64 * j));
        ghash32(&st, c);                          /* hash before writing: in may equal out */
        ctr32x(&st, x);
        for (j = 0; j < 8; j++)
            _mm512_storeu_si512((void *)(out + 64 * j), _mm512_xor_si512(x[j], c[j]));
        in += 512;
        out += 512;
    }
    finish(&st, ctr, y8, 32 * groups);
    return 512 * groups;
}

const ccf_gcm_bulk ccf_gcm_bulk_vaes_avx512 = {
    "vaes-avx512+vpclmulqdq-avx512 stitched", bulk512_supported,
    &ccf_aes_impl_vaes_avx512, &ccf_ghash_impl_vpclmul_avx512, bulk512_encrypt, bulk512_decrypt
};

#endif /* CCF_HAVE_X86_INTRIN */
