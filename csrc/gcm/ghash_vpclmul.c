/*
 * GHASH with VPCLMULQDQ (NIST SP 800-38D 6.4), aggregated: block j of an n-block group is
 * multiplied by H^(n-j), the lanes' unreduced products are summed and reduced once.
 *   AVX-512: four blocks per register, 32 blocks per reduction (Karatsuba, three multiplies per
 *            block), then one 16-block group, then a tail of up to 16 blocks in four masked
 *            registers (one reduction);
 *   AVX2:    two blocks per register, 16 blocks per reduction, the tail through the PCLMULQDQ
 *            code of ghash_x86.h.
 * The reduction chain from one y to the next is the limit, so groups are long and the block
 * that depends on y is accumulated last.  See ghash_x86.h for the representation.
 */
#include "ghash_x86.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_X86_INTRIN)

/* Byte offset in gk->tbl of the descending powers H^16, H^15, ..., H^1. */
#define DESC_OFFSET CCF_GHASH_X86_DESC(16)

CCF_GHASH_PCLMUL_TARGET static void vpclmul_init(ccf_ghash_key *gk, const uint8_t h[16])
{
    ccf_ghash_x86_init_powers(gk, h);
}

/* Tails shorter than a 16-block group: one aggregated reduction (ghash_x86.h). */
#define tail128 ccf_ghash_x86_tail

/* ---- 512-bit ------------------------------------------------------------------------------ */

#define VP512 CCF_TARGET("avx512f,avx512vl,avx512bw,vpclmulqdq,pclmul,ssse3,sse4.1")

static int vpclmul512_supported(void)
{
    return ccf_cpu_has(CCF_CPU_AVX512F | CCF_CPU_AVX512VL | CCF_CPU_AVX512BW | CCF_CPU_VPCLMULQDQ |
                       CCF_CPU_PCLMULQDQ | CCF_CPU_SSSE3 | CCF_CPU_SSE41);
}

VP512 static inline __m512i brev8_512(__m512i x)
{
    const __m512i lo_tbl = _mm512_broadcast_i32x4(_mm_setr_epi8(0x00, 0x08, 0x04, 0x0C, 0x02, 0x0A, 0x06, 0x0E,
                                                                0x01, 0x09, 0x05, 0x0D, 0x03, 0x0B, 0x07, 0x0F));
    const __m512i hi_tbl = _mm512_slli_epi16(lo_tbl, 4);
    const __m512i nib = _mm512_set1_epi8(0x0F);
    __m512i lo = _mm512_and_si512(x, nib), hi = _mm512_and_si512(_mm512_srli_epi16(x, 4), nib);
    return _mm512_or_si512(_mm512_shuffle_epi8(hi_tbl, lo), _mm512_shuffle_epi8(lo_tbl, hi));
}

VP512 static inline __m128i fold_lanes512(__m512i v)
{
    __m256i t = _mm256_xor_si256(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
    return _mm_xor_si128(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
}

/* Accumulate the Karatsuba products of n 4-block registers of data with powers p[0..n) (pk: hi ^ lo
 * of each power in both halves), y folded into the first block; returns the reduced value.
 * Three multiplies per block; the middle term (a_lo ^ a_hi)(b_lo ^ b_hi) ^ lo ^ hi is formed
 * once per group. */
VP512 static inline __m128i group512(const __m512i *p, const __m512i *pk, int n, __m128i y, const uint8_t *data)
{
    __m512i lo = _mm512_setzero_si512(), mid = lo, hi = lo;
    __m128i l, h;
    int j;
    for (j = n - 1; j >= 0; j--) {      /* the block that depends on y last: shorter chain */
        __m512i b = brev8_512(_mm512_loadu_si512((const void *)(data + 64 * j))), bk;
        if (j == 0)
            b = _mm512_xor_si512(b, _mm512_zextsi128_si512(y));
        bk = _mm512_xor_si512(b, _mm512_shuffle_epi32(b, _MM_PERM_BADC));
        lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(b, p[j], 0x00));
        hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(b, p[j], 0x11));
        mid = _mm512_xor_si512(mid, _mm512_clmulepi64_epi128(bk, pk[j], 0x00));
    }
    l = fold_lanes512(lo);
    h = fold_lanes512(hi);
    return ccf_ghash_reduce(l, _mm_xor_si128(fold_lanes512(mid), _mm_xor_si128(l, h)), h);
}

/*
 * y <- GHASH of the last len < 256 bytes with masked 512-bit loads (the zero-padding of a final
 * partial block comes free): block k of the m = ceil(len / 16) blocks is multiplied by
 * H^(m-k), read from the descending run of powers (loads masked to the blocks present, so
 * nothing past the table is touched), and everything is reduced once.  Short messages (RTP
 * payloads) are latency-bound: four wide multiplies instead of up to sixteen narrow ones.
 */
VP512 static inline __m128i tail512(const ccf_ghash_key *gk, __m128i y, const uint8_t *data, size_t len)
{
    size_t m = (len + 15) / 16;
    const uint8_t *pw = gk->tbl + CCF_GHASH_X86_DESC(m);
    __m512i lo = _mm512_setzero_si512(), mid = lo, hi = lo;
    int j;
    if (len == 0)
        return y;
    for (j = (int)((len - 1) / 64); j >= 0; j--) {     /* the y-dependent register last */
        size_t n = len - 64 * (size_t)j, nb;
        __m512i b, p;
        if (n > 64)
            n = 64;
        nb = (n + 15) / 16;
        b = brev8_512(_mm512_maskz_loadu_epi8(n >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1), data + 64 * j));
        p = _mm512_maskz_loadu_epi64((__mmask8)((1u << (2 * nb)) - 1), pw + 64 * j);
        if (j == 0)
            b = _mm512_xor_si512(b, _mm512_zextsi128_si512(y));
        lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(b, p, 0x00));
        hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(b, p, 0x11));
        mid = _mm512_ternarylogic_epi64(mid, _mm512_clmulepi64_epi128(b, p, 0x01),
                                        _mm512_clmulepi64_epi128(b, p, 0x10), 0x96);
    }
    return ccf_ghash_reduce(fold_lanes512(lo), fold_lanes512(mid), fold_lanes512(hi));
}

/* 32 blocks per reduction (H^32..H^1) while the data lasts, then one 16-block group, then the
 * masked tail above. */
VP512 static void vpclmul512_update(const ccf_ghash_key *gk, uint8_t y8[16], const uint8_t *data, size_t len)
{
    __m128i y = ccf_ghash_brev8(_mm_loadu_si128((const __m128i *)y8));
    if (len >= 256) {
        __m512i p[8], pk[8];
        int j;
        for (j = 0; j < 8; j++) {
            p[j] = _mm512_loadu_si512((const void *)(gk->tbl + CCF_GHASH_X86_DESC(32) + 64 * j));
            pk[j] = _mm512_xor_si512(p[j], _mm512_shuffle_epi32(p[j], _MM_PERM_BADC));
        }
        for (; len >= 512; data += 512, len -= 512)
            y = group512(p, pk, 8, y, data);
        if (len >= 256) {                                 /* H^16..H^1 are the last four */
            y = group512(p + 4, pk + 4, 4, y, data);
            data += 256;
            len -= 256;
        }
    }
    y = tail512(gk, y, data, len);
    _mm_storeu_si128((__m128i *)y8, ccf_ghash_brev8(y));
}

/* ---- 256-bit ------------------------------------------------------------------------------ */

#define VP256 CCF_TARGET("avx2,vpclmulqdq,pclmul,ssse3,sse4.1")

static int vpclmul256_supported(void)
{
    return ccf_cpu_has(CCF_CPU_AVX2 | CCF_CPU_VPCLMULQDQ | CCF_CPU_PCLMULQDQ | CCF_CPU_SSSE3 | CCF_CPU_SSE41);
}

VP256 static inline __m256i brev8_256(__m256i x)
{
    const __m256i lo_tbl = _mm256_broadcastsi128_si256(_mm_setr_epi8(0x00, 0x08, 0x04, 0x0C, 0x02, 0x0A, 0x06, 0x0E,
                                                                     0x01, 0x09, 0x05, 0x0D, 0x03, 0x0B, 0x07, 0x0F));
    const __m256i hi_tbl = _mm256_slli_epi16(lo_tbl, 4);
    const __m256i nib = _mm256_set1_epi8(0x0F);
    __m256i lo = _mm256_and_si256(x, nib), hi = _mm256_and_si256(_mm256_srli_epi16(x, 4), nib);
    return _mm256_or_si256(_mm256_shuffle_epi8(hi_tbl, lo), _mm256_shuffle_epi8(lo_tbl, hi));
}

VP256 static inline __m128i fold_lanes256(__m256i v)
{
    return _mm_xor_si128(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
}

VP256 static void vpclmul256_update(const ccf_ghash_key *gk, uint8_t y8[16], const uint8_t *data, size_t len)
{
    __m128i y = ccf_ghash_brev8(_mm_loadu_si128((const __m128i *)y8));
    if (len >= 256) {
        __m256i p[8];
        int j;
        for (j = 0; j < 8; j++)
            p[j] = _mm256_loadu_si256((const __m256i *)(gk->tbl + DESC_OFFSET + 32 * j));
        while (len >= 256) {
            __m256i lo = _mm256_setzero_si256(), mid = lo, hi = lo;
            for (j = 7; j >= 0; j--) {      /* the block that depends on y last */
                __m256i b = brev8_256(_mm256_loadu_si256((const __m256i *)(data + 32 * j)));
                if (j == 0)
                    b = _mm256_xor_si256(b, _mm256_zextsi128_si256(y));
                lo = _mm256_xor_si256(lo, _mm256_clmulepi64_epi128(b, p[j], 0x00));
                hi = _mm256_xor_si256(hi, _mm256_clmulepi64_epi128(b, p[j], 0x11));
                mid = _mm256_xor_si256(mid, _mm256_xor_si256(_mm256_clmulepi64_epi128(b, p[j], 0x01),
                                                             _mm256_clmulepi64_epi128(b, p[j], 0x10)));
            }
            y = ccf_ghash_reduce(fold_lanes256(lo), fold_lanes256(mid), fold_lanes256(hi));
            data += 256;
            len -= 256;
        }
    }
    y = tail128(gk, y, data, len);
    _mm_storeu_si128((__m128i *)y8, ccf_ghash_brev8(y));
}

const ccf_ghash_impl ccf_ghash_impl_vpclmul_avx512 = {
    "vpclmulqdq-avx512", vpclmul512_supported, vpclmul_init, vpclmul512_update
};
const ccf_ghash_impl ccf_ghash_impl_vpclmul_avx2 = {
    "vpclmulqdq-avx2", vpclmul256_supported, vpclmul_init, vpclmul256_update
};

#endif /* CCF_HAVE_X86_INTRIN */
