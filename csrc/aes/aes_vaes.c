/*
 * AES with VAES: four blocks per 512-bit register (AVX-512) or two per 256-bit register (AVX2),
 * 16 blocks in flight.  Same round-key layout as aes_x86ni.c, whose key expansion and 128-bit
 * counter mode these implementations reuse (SRTP packets are short; inc32 CTR is the hot path).
 */
#include "aes_impls.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>

void ccf_aes_x86_expand(ccf_aes_key *k, const uint8_t *key, size_t key_len);   /* aes_x86ni.c */

#define RK128(k, i) _mm_loadu_si128((const __m128i *)((const uint8_t *)(k)->sched + 16 * (i)))

/* ---- 512-bit ------------------------------------------------------------------------------ */

#define V512 CCF_TARGET("avx512f,avx512vl,avx512bw,vaes,aes,sse4.1")

static int vaes512_supported(void)
{
    return ccf_cpu_has(CCF_CPU_AVX512F | CCF_CPU_AVX512VL | CCF_CPU_AVX512BW | CCF_CPU_VAES |
                       CCF_CPU_AESNI | CCF_CPU_SSE41);
}

V512 static inline void load_keys512(const ccf_aes_key *k, __m512i rk[15])
{
    unsigned i;
    for (i = 0; i <= k->rounds; i++)
        rk[i] = _mm512_broadcast_i32x4(RK128(k, i));
}

V512 static inline void enc512x4(const __m512i *rk, unsigned rounds, __m512i x[4])
{
    unsigned r;
    int j;
    for (j = 0; j < 4; j++)
        x[j] = _mm512_xor_si512(x[j], rk[0]);
    for (r = 1; r < rounds; r++)
        for (j = 0; j < 4; j++)
            x[j] = _mm512_aesenc_epi128(x[j], rk[r]);
    for (j = 0; j < 4; j++)
        x[j] = _mm512_aesenclast_epi128(x[j], rk[rounds]);
}

V512 static inline __m512i enc512(const __m512i *rk, unsigned rounds, __m512i x)
{
    unsigned r;
    x = _mm512_xor_si512(x, rk[0]);
    for (r = 1; r < rounds; r++)
        x = _mm512_aesenc_epi128(x, rk[r]);
    return _mm512_aesenclast_epi128(x, rk[rounds]);
}

CCF_INLINE __mmask64 bytes_mask(size_t n) { return n >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1); }

V512 static void vaes512_encrypt_blocks(const ccf_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    __m512i rk[15], x[4];
    size_t len = 16 * nblocks;
    int j;
    load_keys512(k, rk);
    while (len >= 256) {
        for (j = 0; j < 4; j++)
            x[j] = _mm512_loadu_si512((const void *)(in + 64 * j));
        enc512x4(rk, k->rounds, x);
        for (j = 0; j < 4; j++)
            _mm512_storeu_si512((void *)(out + 64 * j), x[j]);
        in += 256; out += 256; len -= 256;
    }
    while (len > 0) {
        size_t n = len < 64 ? len : 64;
        __mmask64 m = bytes_mask(n);
        __m512i v = enc512(rk, k->rounds, _mm512_maskz_loadu_epi8(m, in));
        _mm512_mask_storeu_epi8(out, m, v);
        in += n; out += n; len -= n;
    }
}

/* Counter blocks are kept with the 32-bit counter little-endian in dword 3 of each lane (so a
 * vector add increments it, wrapping mod 2^32 as inc32 does) and byte-swapped on use. */
V512 static void vaes512_ctr32(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    const __m512i swap = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 14, 13, 12));
    const __m512i inc4 = _mm512_broadcast_i32x4(_mm_setr_epi32(0, 0, 0, 4));
    __m512i rk[15], x[4], cv;
    uint32_t c = ccf_load32_be(ctr + 12);
    int j;
    load_keys512(k, rk);
    cv = _mm512_broadcast_i32x4(_mm_insert_epi32(_mm_loadu_si128((const __m128i *)ctr), (int)c, 3));
    cv = _mm512_add_epi32(cv, _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3));
    c += (uint32_t)((len + 15) / 16);
    while (len >= 256) {
        for (j = 0; j < 4; j++) {
            x[j] = _mm512_shuffle_epi8(cv, swap);
            cv = _mm512_add_epi32(cv, inc4);
        }
        enc512x4(rk, k->rounds, x);
        for (j = 0; j < 4; j++)
            _mm512_storeu_si512((void *)(out + 64 * j),
                                _mm512_xor_si512(x[j], _mm512_loadu_si512((const void *)(in + 64 * j))));
        in += 256; out += 256; len -= 256;
    }
    if (len > 0) {                 /* up to 15 blocks: four registers in parallel, masked */
        for (j = 0; j < 4; j++) {
            x[j] = _mm512_shuffle_epi8(cv, swap);
            cv = _mm512_add_epi32(cv, inc4);
        }
        enc512x4(rk, k->rounds, x);
        for (j = 0; j < 4 && len > 0; j++) {
            size_t n = len < 64 ? len : 64;
            __mmask64 m = bytes_mask(n);
            _mm512_mask_storeu_epi8(out, m, _mm512_xor_si512(x[j], _mm512_maskz_loadu_epi8(m, in)));
            in += n; out += n; len -= n;
        }
    }
    ccf_store32_be(ctr + 12, c);
}

/* ---- 256-bit ------------------------------------------------------------------------------ */

#define V256 CCF_TARGET("avx2,vaes,aes,sse4.1")

static int vaes256_supported(void)
{
    return ccf_cpu_has(CCF_CPU_AVX2 | CCF_CPU_VAES | CCF_CPU_AESNI | CCF_CPU_SSE41);
}

V256 static inline void enc256x8(const __m256i *rk, unsigned rounds, __m256i x[8])
{
    unsigned r;
    int j;
    for (j = 0; j < 8; j++)
        x[j] = _mm256_xor_si256(x[j], rk[0]);
    for (r = 1; r < rounds; r++)
        for (j = 0; j < 8; j++)
            x[j] = _mm256_aesenc_epi128(x[j], rk[r]);
    for (j = 0; j < 8; j++)
        x[j] = _mm256_aesenclast_epi128(x[j], rk[rounds]);
}

V256 static void vaes256_encrypt_blocks(const ccf_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    __m256i rk[15], x[8];
    unsigned i;
    int j;
    for (i = 0; i <= k->rounds; i++)
        rk[i] = _mm256_broadcastsi128_si256(RK128(k, i));
    while (nblocks >= 16) {
        for (j = 0; j < 8; j++)
            x[j] = _mm256_loadu_si256((const __m256i *)(in + 32 * j));
        enc256x8(rk, k->rounds, x);
        for (j = 0; j < 8; j++)
            _mm256_storeu_si256((__m256i *)(out + 32 * j), x[j]);
        in += 256; out += 256; nblocks -= 16;
    }
    if (nblocks)
        ccf_aes_impl_aesni.encrypt_blocks(k, in, out, nblocks);
}

V256 static void vaes256_ctr32(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    const __m256i swap = _mm256_broadcastsi128_si256(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 14, 13, 12));
    const __m256i inc2 = _mm256_broadcastsi128_si256(_mm_setr_epi32(0, 0, 0, 2));
    __m256i rk[15], x[8], cv;
    uint32_t c = ccf_load32_be(ctr + 12);
    unsigned i;
    int j;
    if (len < 256) {
        ccf_aes_impl_aesni.ctr32(k, ctr, in, out, len);
        return;
    }
    for (i = 0; i <= k->rounds; i++)
        rk[i] = _mm256_broadcastsi128_si256(RK128(k, i));
    cv = _mm256_broadcastsi128_si256(_mm_insert_epi32(_mm_loadu_si128((const __m128i *)ctr), (int)c, 3));
    cv = _mm256_add_epi32(cv, _mm256_setr_epi32(0, 0, 0, 0, 0, 0, 0, 1));
    while (len >= 256) {
        for (j = 0; j < 8; j++) {
            x[j] = _mm256_shuffle_epi8(cv, swap);
            cv = _mm256_add_epi32(cv, inc2);
        }
        enc256x8(rk, k->rounds, x);
        for (j = 0; j < 8; j++)
            _mm256_storeu_si256((__m256i *)(out + 32 * j),
                                _mm256_xor_si256(x[j], _mm256_loadu_si256((const __m256i *)(in + 32 * j))));
        in += 256; out += 256; len -= 256;
        c += 16;
    }
    ccf_store32_be(ctr + 12, c);
    if (len)
        ccf_aes_impl_aesni.ctr32(k, ctr, in, out, len);
}

/* ---- shared -------------------------------------------------------------------------------- */

static void vaes_expand(ccf_aes_key *k, const uint8_t *key, size_t key_len)
{
    ccf_aes_x86_expand(k, key, key_len);
}

/* Counts that carry out of the low word (ccf_aes_ctr128 sends the others to ctr32). */
static void vaes_ctr128(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    ccf_aes_impl_aesni.ctr128(k, ctr, in, out, len);
}

const ccf_aes_impl ccf_aes_impl_vaes_avx512 = {
    "vaes-avx512", vaes512_supported, vaes_expand, vaes512_encrypt_blocks, vaes512_ctr32, vaes_ctr128
};
const ccf_aes_impl ccf_aes_impl_vaes_avx2 = {
    "vaes-avx2", vaes256_supported, vaes_expand, vaes256_encrypt_blocks, vaes256_ctr32, vaes_ctr128
};

#endif /* CCF_HAVE_X86_INTRIN */
