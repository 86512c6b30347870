/*
 * Stitched AES-GCM kernels (ghash_impls.h): VAES + VPCLMULQDQ on 512-bit and on 256-bit
 * registers, and AES-NI + PCLMULQDQ.
 *
 * Each iteration runs CTR (NIST SP 800-38D 6.5, inc32) on a group of blocks and GHASH (6.4)
 * on a group of the same size: the previous iteration's ciphertext when encrypting, the
 * current input when decrypting (hashed before the output is written, so in == out works).
 * The two halves are independent; the GHASH multiplies are written between the AES rounds,
 * one register per round, so that the scheduler always holds both kinds of work (measured:
 * +15% over AES rounds followed by GHASH).  GHASH aggregates the whole group against
 * H^n..H^1 and reduces once, with the natural-form representation of ghash_x86.h.
 *
 *   vaes-avx512  32 blocks per iteration (eight zmm), Karatsuba (three multiplies per block),
 *                GFNI reversing the bits of each byte
 *   vaes-avx2    16 blocks (eight ymm), schoolbook, PSHUFB bit reversal (VAES CPUs without
 *                AVX-512 may lack GFNI)
 *   aesni        8 blocks (the 16 xmm registers of the SSE encoding), Karatsuba
 *
 * Every kernel consumes whole groups and returns the byte count; gcm.c finishes the rest.
 * The round-key copies kept on the stack are wiped before returning.
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
    __m512i pk[8];           /* hi ^ lo of each power, in both halves (Karatsuba middle terms) */
    __m128i base;            /* the counter block as given (bytes 12..15 replaced per group) */
    __m128i y;               /* running GHASH value, natural form */
    uint32_t c;              /* counter of the next block */
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
    for (j = 0; j < 8; j++)
        st->pk[j] = _mm512_xor_si512(st->pw[j], _mm512_shuffle_epi32(st->pw[j], _MM_PERM_BADC));
    st->base = _mm_loadu_si128((const __m128i *)ctr);
    st->c = ccf_load32_be(ctr + 12);
    st->y = ccf_ghash_brev8(_mm_loadu_si128((const __m128i *)y8));
}

/*
 * Counter blocks of the next 4 * nx blocks (nx registers), XORed with round key 0.  When the
 * low byte of the counter does not wrap within them (most groups), the big-endian counter
 * blocks are formed by adding 0, 1, 2, ... to byte 15 directly (dword 3 read little-endian has
 * byte 15 on top); otherwise the counters are kept little-endian and byte-swapped.
 */
K512 static inline void ctr_blocks(bulk_state *st, __m512i *x, int nx)
{
    int j;
    if ((st->c & 0xFF) <= 256u - 4u * (unsigned)nx) {
        const __m512i step = _mm512_broadcast_i32x4(_mm_setr_epi32(0, 0, 0, 4 << 24));
        __m512i b = _mm512_broadcast_i32x4(_mm_insert_epi32(st->base, (int)ccf_bswap32(st->c), 3));
        b = _mm512_add_epi32(b, _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 1 << 24, 0, 0, 0, 2 << 24, 0, 0, 0, 3 << 24));
        for (j = 0; j < nx; j++) {
            x[j] = _mm512_xor_si512(b, st->rk[0]);
            b = _mm512_add_epi32(b, step);
        }
    } else {
        const __m512i swap = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 14, 13, 12));
        const __m512i inc4 = _mm512_broadcast_i32x4(_mm_setr_epi32(0, 0, 0, 4));
        __m512i cv = _mm512_broadcast_i32x4(_mm_insert_epi32(st->base, (int)st->c, 3));
        cv = _mm512_add_epi32(cv, _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3));
        for (j = 0; j < nx; j++) {
            x[j] = _mm512_xor_si512(_mm512_shuffle_epi8(cv, swap), st->rk[0]);
            cv = _mm512_add_epi32(cv, inc4);
        }
    }
    st->c += 4u * (unsigned)nx;
}

/*
 * GHASH of a group of nc registers (4 * nc blocks), Karatsuba: three multiplies per block, the
 * middle term (a_lo ^ a_hi)(b_lo ^ b_hi) ^ lo ^ hi formed once.  Register j of the group is
 * multiplied by powers pw[8 - nc + j] (the last of them H^4..H^1); register 0 carries y.
 */
K512 static inline void ghash_step(const bulk_state *st, __m512i c, int p, int with_y,
                                   __m512i *lo, __m512i *mid, __m512i *hi)
{
    __m512i b = brev(c), bk;
    if (with_y)
        b = _mm512_xor_si512(b, _mm512_zextsi128_si512(st->y));
    bk = _mm512_xor_si512(b, _mm512_shuffle_epi32(b, _MM_PERM_BADC));
    *lo = _mm512_xor_si512(*lo, _mm512_clmulepi64_epi128(b, st->pw[p], 0x00));
    *hi = _mm512_xor_si512(*hi, _mm512_clmulepi64_epi128(b, st->pw[p], 0x11));
    *mid = _mm512_xor_si512(*mid, _mm512_clmulepi64_epi128(bk, st->pk[p], 0x00));
}

K512 static inline void ghash_reduce(bulk_state *st, __m512i lo, __m512i mid, __m512i hi)
{
    __m128i l = fold512(lo), h = fold512(hi);
    st->y = ccf_ghash_reduce(l, _mm_xor_si128(fold512(mid), _mm_xor_si128(l, h)), h);
}

/*
 * Keystream for the next 4 * nx blocks in x[0..nx), and, when nc > 0, y <- GHASH of the
 * 4 * nc blocks c[0..nc) with one reduction.  The multiplies are written between the AES
 * rounds (one register per round, the y-dependent one last) so that both kinds of work sit in
 * the scheduler together, whatever the compiler's instruction order.
 */
K512 static inline void ctr_ghash(bulk_state *st, __m512i *x, int nx, const __m512i *c, int nc)
{
    __m512i lo = _mm512_setzero_si512(), mid = lo, hi = lo;
    unsigned r = 1;
    int j;
    ctr_blocks(st, x, nx);
    if (nc > 0) {
        for (; r <= (unsigned)nc; r++) {      /* nc <= 8 < rounds */
            int cj = nc - (int)r;
            for (j = 0; j < nx; j++)
                x[j] = _mm512_aesenc_epi128(x[j], st->rk[r]);
            ghash_step(st, c[cj], 8 - nc + cj, cj == 0, &lo, &mid, &hi);
        }
        ghash_reduce(st, lo, mid, hi);
    }
    for (; r < st->rounds; r++)
        for (j = 0; j < nx; j++)
            x[j] = _mm512_aesenc_epi128(x[j], st->rk[r]);
    for (j = 0; j < nx; j++)
        x[j] = _mm512_aesenclast_epi128(x[j], st->rk[st->rounds]);
}

/* y <- GHASH of the 4 * nc blocks c[0..nc) continuing from y (the end of an encryption). */
K512 static inline void ghash_regs(bulk_state *st, const __m512i *c, int nc)
{
    __m512i lo = _mm512_setzero_si512(), mid = lo, hi = lo;
    int j;
    for (j = nc - 1; j >= 0; j--)
        ghash_step(st, c[j], 8 - nc + j, j == 0, &lo, &mid, &hi);
    ghash_reduce(st, lo, mid, hi);
}

K512 static void finish(bulk_state *st, uint8_t ctr[16], uint8_t y8[16], size_t blocks)
{
    ccf_store32_be(ctr + 12, ccf_load32_be(ctr + 12) + (uint32_t)blocks);
    _mm_storeu_si128((__m128i *)y8, ccf_ghash_brev8(st->y));
    ccf_memzero(st, sizeof(*st));
}

/* Groups of 32 blocks, then one of 16 if at least 256 bytes remain. */
K512 static size_t bulk512_encrypt(const ccf_aes_key *k, const ccf_ghash_key *gk, uint8_t ctr[16],
                                  uint8_t y8[16], const uint8_t *in, uint8_t *out, size_t len)
{
    bulk_state st;
    __m512i x[8], prev[8];
    size_t groups = len / 512, g;
    int j, half = (len % 512) >= 256;
    if (groups == 0 && !half)
        return 0;
    setup(&st, k, gk, ctr, y8);
    for (g = 0; g < groups; g++) {
        if (g == 0)
            ctr_ghash(&st, x, 8, NULL, 0);
        else
            ctr_ghash(&st, x, 8, prev, 8);       /* the previous group's ciphertext */
        for (j = 0; j < 8; j++) {
            prev[j] = _mm512_xor_si512(x[j], _mm512_loadu_si512((const void *)(in + 64 * j)));
            _mm512_storeu_si512((void *)(out + 64 * j), prev[j]);
        }
        in += 512;
        out += 512;
    }
    if (half) {
        if (groups == 0)
            ctr_ghash(&st, x, 4, NULL, 0);
        else
            ctr_ghash(&st, x, 4, prev, 8);
        for (j = 0; j < 4; j++) {
            prev[j] = _mm512_xor_si512(x[j], _mm512_loadu_si512((const void *)(in + 64 * j)));
            _mm512_storeu_si512((void *)(out + 64 * j), prev[j]);
        }
        ghash_regs(&st, prev, 4);
    } else {
        ghash_regs(&st, prev, 8);
    }
    finish(&st, ctr, y8, 32 * groups + 16 * (size_t)half);
    return 512 * groups + 256 * (size_t)half;
}

K512 static size_t bulk512_decrypt(const ccf_aes_key *k, const ccf_ghash_key *gk, uint8_t ctr[16],
                                  uint8_t y8[16], const uint8_t *in, uint8_t *out, size_t len)
{
    bulk_state st;
    __m512i x[8], c[8];
    size_t groups = len / 512, g;
    int j, half = (len % 512) >= 256;
    if (groups == 0 && !half)
        return 0;
    setup(&st, k, gk, ctr, y8);
    for (g = 0; g < groups; g++) {
        for (j = 0; j < 8; j++)
            c[j] = _mm512_loadu_si512((const void *)(in + 64 * j));
        ctr_ghash(&st, x, 8, c, 8);               /* hashed before writing: in may equal out */
        for (j = 0; j < 8; j++)
            _mm512_storeu_si512((void *)(out + 64 * j), _mm512_xor_si512(x[j], c[j]));
        in += 512;
        out += 512;
    }
    if (half) {
        for (j = 0; j < 4; j++)
            c[j] = _mm512_loadu_si512((const void *)(in + 64 * j));
        ctr_ghash(&st, x, 4, c, 4);
        for (j = 0; j < 4; j++)
            _mm512_storeu_si512((void *)(out + 64 * j), _mm512_xor_si512(x[j], c[j]));
    }
    finish(&st, ctr, y8, 32 * groups + 16 * (size_t)half);
    return 512 * groups + 256 * (size_t)half;
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

/*
 * A short message in one pass, all in registers (RTP payloads: the fixed costs of the general
 * path - copies, several kernel calls - are most of the time there).  Four registers hold the
 * counter blocks J0, J0+1, ..., J0+15; the message is moved up one lane to meet its keystream
 * (lane 0 keeps E_K(J0) for the tag), so that the GHASH input A || C || L is the same
 * registers with A written into lane 0 and L after the last block.  GHASH multiplies block i
 * of the n = nb + 2 by H^(n-i) (a contiguous descending run of the key table) and reduces once.
 */
K512 static int short512(const ccf_aes_key *k, const ccf_ghash_key *gk, const uint8_t j0[16],
                         const uint8_t *aad, size_t aad_len, const uint8_t *in, uint8_t *out,
                         size_t len, uint8_t *tag, size_t tag_len, int decrypt)
{
    const __m512i swap = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 14, 13, 12));
    const __m512i inc4 = _mm512_broadcast_i32x4(_mm_setr_epi32(0, 0, 0, 4));
    const long long n = (long long)len;
    const int nb = (int)((len + 15) / 16), ng = nb + 2;   /* message blocks; GHASH blocks */
    __m512i cv, rk, x[4], m[4], s[4], g[4], lo, mid, hi;
    __m128i y, ej0, lens;
    uint8_t want[16];
    unsigned r;
    int j, rc = CCF_OK;
    /* counter blocks J0 .. J0+15 (inc32 on the big-endian last word) */
    cv = _mm512_broadcast_i32x4(_mm_insert_epi32(_mm_loadu_si128((const __m128i *)j0),
                                                 (int)ccf_load32_be(j0 + 12), 3));
    cv = _mm512_add_epi32(cv, _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3));
    rk = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(const void *)k->sched));
    for (j = 0; j < 4; j++) {
        x[j] = _mm512_xor_si512(_mm512_shuffle_epi8(cv, swap), rk);
        cv = _mm512_add_epi32(cv, inc4);
    }
    /* the message, loaded without reading past its end, then moved up one lane */
    for (j = 0; j < 4; j++)
        m[j] = _mm512_maskz_loadu_epi8(bit_range(0, n - 64 * j), in + 64 * j);
    s[0] = _mm512_alignr_epi64(m[0], _mm512_setzero_si512(), 6);
    for (j = 1; j < 4; j++)
        s[j] = _mm512_alignr_epi64(m[j], m[j - 1], 6);
    for (r = 1; r < k->rounds; r++) {
        rk = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(const void *)((const uint8_t *)k->sched + 16 * r)));
        for (j = 0; j < 4; j++)
            x[j] = _mm512_aesenc_epi128(x[j], rk);
    }
    rk = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(const void *)((const uint8_t *)k->sched + 16 * r)));
    for (j = 0; j < 4; j++)
        x[j] = _mm512_aesenclast_epi128(x[j], rk);
    ej0 = _mm512_castsi512_si128(x[0]);
    /* s ^ keystream over the message bytes only (zero elsewhere, as GHASH pads) */
    for (j = 0; j < 4; j++) {
        x[j] = _mm512_maskz_mov_epi8(bit_range(16 - 64 * j, n + 16 - 64 * j), _mm512_xor_si512(x[j], s[j]));
        g[j] = decrypt ? s[j] : x[j];                     /* GHASH runs over the ciphertext */
    }
    g[0] = _mm512_mask_blend_epi64(0x03, g[0],
                                   _mm512_zextsi128_si512(_mm_maskz_loadu_epi8((__mmask16)bit_range(0, (long long)aad_len), aad)));
    lens = _mm_set_epi64x((long long)ccf_bswap64((uint64_t)len * 8), (long long)ccf_bswap64((uint64_t)aad_len * 8));
    g[(nb + 1) / 4] = _mm512_mask_blend_epi64((__mmask8)(3u << (2 * ((nb + 1) % 4))), g[(nb + 1) / 4],
                                              _mm512_broadcast_i32x4(lens));
    lo = mid = hi = _mm512_setzero_si512();
    for (j = 0; j < 4; j++) {
        __mmask8 live = (__mmask8)bit_range(0, 2LL * (ng - 4 * j));       /* blocks < ng */
        __m512i pw = _mm512_maskz_loadu_epi64(live, gk->tbl + CCF_GHASH_X86_DESC(ng) + 64 * j);
        __m512i b = brev(g[j]), bk, pk;
        bk = _mm512_xor_si512(b, _mm512_shuffle_epi32(b, _MM_PERM_BADC));
        pk = _mm512_xor_si512(pw, _mm512_shuffle_epi32(pw, _MM_PERM_BADC));
        lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(b, pw, 0x00));
        hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(b, pw, 0x11));
        mid = _mm512_xor_si512(mid, _mm512_clmulepi64_epi128(bk, pk, 0x00));
    }
    {
        __m128i l = fold512(lo), h = fold512(hi);
        y = ccf_ghash_reduce(l, _mm_xor_si128(fold512(mid), _mm_xor_si128(l, h)), h);
    }
    y = _mm_xor_si128(ccf_ghash_brev8(y), ej0);
    if (decrypt && tag_len) {
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

const ccf_gcm_bulk ccf_gcm_bulk_vaes_avx512 = {
    "vaes-avx512+vpclmulqdq-avx512 stitched", bulk512_supported,
    &ccf_aes_impl_vaes_avx512, &ccf_ghash_impl_vpclmul_avx512, bulk512_encrypt, bulk512_decrypt,
    short512
};

/* ---- VAES + VPCLMULQDQ on 256-bit registers ------------------------------------------------
 * 16 blocks (eight ymm) of CTR and of GHASH per iteration.  CPUs with VAES but no AVX-512 may
 * lack GFNI, so bytes are bit-reversed with two PSHUFB nibble look-ups of constants. */

#define K256 CCF_TARGET("avx2,vaes,vpclmulqdq,aes,pclmul,ssse3,sse4.1")

#define DESC16_OFFSET CCF_GHASH_X86_DESC(16)       /* H^16..H^1 */

static int bulk256_supported(void)
{
    return ccf_cpu_has(CCF_CPU_AVX2 | CCF_CPU_VAES | CCF_CPU_VPCLMULQDQ | CCF_CPU_AESNI |
                       CCF_CPU_PCLMULQDQ | CCF_CPU_SSSE3 | CCF_CPU_SSE41);
}

typedef struct {
    __m256i rk[15];
    __m256i pw[8];           /* H^16,H^15 | ... | H^2,H^1 */
    __m256i cv;              /* two counters, little-endian in dword 3 of each lane */
    __m128i y;
    unsigned rounds;
} bulk256_state;

K256 static inline __m256i brev256(__m256i x)
{
    const __m256i lo_tbl = _mm256_broadcastsi128_si256(_mm_setr_epi8(0x00, 0x08, 0x04, 0x0C, 0x02, 0x0A, 0x06, 0x0E,
                                                                     0x01, 0x09, 0x05, 0x0D, 0x03, 0x0B, 0x07, 0x0F));
    const __m256i hi_tbl = _mm256_slli_epi16(lo_tbl, 4);
    const __m256i nib = _mm256_set1_epi8(0x0F);
    __m256i lo = _mm256_and_si256(x, nib), hi = _mm256_and_si256(_mm256_srli_epi16(x, 4), nib);
    return _mm256_or_si256(_mm256_shuffle_epi8(hi_tbl, lo), _mm256_shuffle_epi8(lo_tbl, hi));
}

K256 static inline __m128i fold256(__m256i v)
{
    return _mm_xor_si128(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
}

K256 static inline void setup256(bulk256_state *st, const ccf_aes_key *k, const ccf_ghash_key *gk,
                                 const uint8_t ctr[16], const uint8_t y8[16])
{
    unsigned i;
    int j;
    st->rounds = k->rounds;
    for (i = 0; i <= k->rounds; i++)
        st->rk[i] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)((const uint8_t *)k->sched + 16 * i)));
    for (j = 0; j < 8; j++)
        st->pw[j] = _mm256_loadu_si256((const __m256i *)(gk->tbl + DESC16_OFFSET + 32 * j));
    st->cv = _mm256_broadcastsi128_si256(_mm_insert_epi32(_mm_loadu_si128((const __m128i *)ctr),
                                                          (int)ccf_load32_be(ctr + 12), 3));
    st->cv = _mm256_add_epi32(st->cv, _mm256_setr_epi32(0, 0, 0, 0, 0, 0, 0, 1));
    st->y = ccf_ghash_brev8(_mm_loadu_si128((const __m128i *)y8));
}

/* One register (two blocks, H^(16-2j), H^(15-2j)) of a 16-block GHASH; register 0 carries y. */
K256 static inline void ghash16_step(const bulk256_state *st, __m256i c, int j, __m256i *lo, __m256i *mid, __m256i *hi)
{
    __m256i b = brev256(c);
    if (j == 0)
        b = _mm256_xor_si256(b, _mm256_zextsi128_si256(st->y));
    *lo = _mm256_xor_si256(*lo, _mm256_clmulepi64_epi128(b, st->pw[j], 0x00));
    *hi = _mm256_xor_si256(*hi, _mm256_clmulepi64_epi128(b, st->pw[j], 0x11));
    *mid = _mm256_xor_si256(*mid, _mm256_xor_si256(_mm256_clmulepi64_epi128(b, st->pw[j], 0x01),
                                                   _mm256_clmulepi64_epi128(b, st->pw[j], 0x10)));
}

/* Keystream for the next 16 blocks in x[], and, when c is not NULL, y <- GHASH of the 16
 * blocks c[0..7] (one reduction), its multiplies written between the AES rounds. */
K256 static inline void ctr_ghash16(bulk256_state *st, __m256i x[8], const __m256i *c)
{
    const __m256i swap = _mm256_broadcastsi128_si256(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 14, 13, 12));
    const __m256i inc2 = _mm256_broadcastsi128_si256(_mm_setr_epi32(0, 0, 0, 2));
    __m256i lo = _mm256_setzero_si256(), mid = lo, hi = lo;
    unsigned r = 1;
    int j;
    for (j = 0; j < 8; j++) {
        x[j] = _mm256_xor_si256(_mm256_shuffle_epi8(st->cv, swap), st->rk[0]);
        st->cv = _mm256_add_epi32(st->cv, inc2);
    }
    if (c) {
        for (; r <= 8; r++) {                 /* rounds >= 10 */
            for (j = 0; j < 8; j++)
                x[j] = _mm256_aesenc_epi128(x[j], st->rk[r]);
            ghash16_step(st, c[8 - r], (int)(8 - r), &lo, &mid, &hi);
        }
        st->y = ccf_ghash_reduce(fold256(lo), fold256(mid), fold256(hi));
    }
    for (; r < st->rounds; r++)
        for (j = 0; j < 8; j++)
            x[j] = _mm256_aesenc_epi128(x[j], st->rk[r]);
    for (j = 0; j < 8; j++)
        x[j] = _mm256_aesenclast_epi128(x[j], st->rk[st->rounds]);
}

/* y <- GHASH of 16 blocks c[0..7] continuing from y, one reduction. */
K256 static inline void ghash16(bulk256_state *st, const __m256i c[8])
{
    __m256i lo = _mm256_setzero_si256(), mid = lo, hi = lo;
    int j;
    for (j = 7; j >= 0; j--)            /* the block that depends on y last */
        ghash16_step(st, c[j], j, &lo, &mid, &hi);
    st->y = ccf_ghash_reduce(fold256(lo), fold256(mid), fold256(hi));
}

K256 static size_t bulk256_encrypt(const ccf_aes_key *k, const ccf_ghash_key *gk, uint8_t ctr[16],
                                  uint8_t y8[16], const uint8_t *in, uint8_t *out, size_t len)
{
    bulk256_state st;
    __m256i x[8], prev[8];
    size_t groups = len / 256, g;
    int j;
    if (groups == 0)
        return 0;
    setup256(&st, k, gk, ctr, y8);
    for (g = 0; g < groups; g++) {
        ctr_ghash16(&st, x, g > 0 ? prev : NULL);  /* the previous group's ciphertext */
        for (j = 0; j < 8; j++) {
            prev[j] = _mm256_xor_si256(x[j], _mm256_loadu_si256((const __m256i *)(in + 32 * j)));
            _mm256_storeu_si256((__m256i *)(out + 32 * j), prev[j]);
        }
        in += 256;
        out += 256;
    }
    ghash16(&st, prev);
    ccf_store32_be(ctr + 12, ccf_load32_be(ctr + 12) + (uint32_t)(16 * groups));
    _mm_storeu_si128((__m128i *)y8, ccf_ghash_brev8(st.y));
    ccf_memzero(&st, sizeof(st));
    return 256 * groups;
}

K256 static size_t bulk256_decrypt(const ccf_aes_key *k, const ccf_ghash_key *gk, uint8_t ctr[16],
                                  uint8_t y8[16], const uint8_t *in, uint8_t *out, size_t len)
{
    bulk256_state st;
    __m256i x[8], c[8];
    size_t groups = len / 256, g;
    int j;
    if (groups == 0)
        return 0;
    setup256(&st, k, gk, ctr, y8);
    for (g = 0; g < groups; g++) {
        for (j = 0; j < 8; j++)
            c[j] = _mm256_loadu_si256((const __m256i *)(in + 32 * j));
        ctr_ghash16(&st, x, c);                   /* hashed before writing: in may equal out */
        for (j = 0; j < 8; j++)
            _mm256_storeu_si256((__m256i *)(out + 32 * j), _mm256_xor_si256(x[j], c[j]));
        in += 256;
        out += 256;
    }
    ccf_store32_be(ctr + 12, ccf_load32_be(ctr + 12) + (uint32_t)(16 * groups));
    _mm_storeu_si128((__m128i *)y8, ccf_ghash_brev8(st.y));
    ccf_memzero(&st, sizeof(st));
    return 256 * groups;
}

const ccf_gcm_bulk ccf_gcm_bulk_vaes_avx2 = {
    "vaes-avx2+vpclmulqdq-avx2 stitched", bulk256_supported,
    &ccf_aes_impl_vaes_avx2, &ccf_ghash_impl_vpclmul_avx2, bulk256_encrypt, bulk256_decrypt, NULL
};

/* ---- AES-NI + PCLMULQDQ ---------------------------------------------------------------------
 * 8 blocks of CTR and of GHASH per iteration (H^8..H^1, Karatsuba, one reduction): the 16 xmm registers
 * of the SSE encoding hold the eight AES states and the GHASH accumulators. */

#define KNI CCF_TARGET("aes,pclmul,ssse3,sse4.1")

#define DESC8_OFFSET CCF_GHASH_X86_DESC(8)         /* H^8..H^1 */

static int bulkni_supported(void)
{
    return ccf_cpu_has(CCF_CPU_AESNI | CCF_CPU_PCLMULQDQ | CCF_CPU_SSSE3 | CCF_CPU_SSE41);
}

/* The next 8 counter blocks XORed with round key 0; *cv holds the counter little-endian in
 * dword 3. */
KNI static inline void ctr_start8(const __m128i *rk, __m128i *cv, __m128i x[8])
{
    const __m128i swap = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 14, 13, 12);
    const __m128i one = _mm_setr_epi32(0, 0, 0, 1);
    int j;
    for (j = 0; j < 8; j++) {
        x[j] = _mm_xor_si128(_mm_shuffle_epi8(*cv, swap), rk[0]);
        *cv = _mm_add_epi32(*cv, one);
    }
}

/* Block j of an 8-block GHASH (multiplied by H^(8-j), Karatsuba); block 0 carries y. */
KNI static inline void ghash8_step(const ccf_ghash_key *gk, const __m128i pk[8], __m128i y, const uint8_t *c, int j,
                                   __m128i *lo, __m128i *mid, __m128i *hi)
{
    __m128i b = ccf_ghash_brev8(_mm_loadu_si128((const __m128i *)(c + 16 * j)));
    __m128i p = _mm_load_si128((const __m128i *)(gk->tbl + DESC8_OFFSET + 16 * j));
    if (j == 0)
        b = _mm_xor_si128(b, y);
    *lo = _mm_xor_si128(*lo, _mm_clmulepi64_si128(b, p, 0x00));
    *hi = _mm_xor_si128(*hi, _mm_clmulepi64_si128(b, p, 0x11));
    *mid = _mm_xor_si128(*mid, _mm_clmulepi64_si128(_mm_xor_si128(b, _mm_shuffle_epi32(b, 0x4E)), pk[j], 0x00));
}

/* y <- GHASH of the 8 blocks at c continuing from y, one reduction. */
KNI static inline __m128i ghash8(const ccf_ghash_key *gk, const __m128i pk[8], __m128i y, const uint8_t *c)
{
    __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
    int j;
    for (j = 7; j >= 0; j--)            /* the block that depends on y last */
        ghash8_step(gk, pk, y, c, j, &lo, &mid, &hi);
    return ccf_ghash_reduce(lo, _mm_xor_si128(mid, _mm_xor_si128(lo, hi)), hi);
}

/* Keystream for the next 8 blocks in x[] with, when c is not NULL, *y <- GHASH of the 8
 * blocks at c, its multiplies written between the AES rounds. */
KNI static inline void ctr_ghash8(const __m128i *rk, unsigned rounds, __m128i *cv, __m128i x[8],
                                  const ccf_ghash_key *gk, const __m128i pk[8], __m128i *y, const uint8_t *c)
{
    __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
    unsigned r = 1;
    int j;
    ctr_start8(rk, cv, x);
    if (c) {
        for (; r <= 8; r++) {                 /* rounds >= 10 */
            for (j = 0; j < 8; j++)
                x[j] = _mm_aesenc_si128(x[j], rk[r]);
            ghash8_step(gk, pk, *y, c, (int)(8 - r), &lo, &mid, &hi);
        }
        *y = ccf_ghash_reduce(lo, _mm_xor_si128(mid, _mm_xor_si128(lo, hi)), hi);
    }
    for (; r < rounds; r++)
        for (j = 0; j < 8; j++)
            x[j] = _mm_aesenc_si128(x[j], rk[r]);
    for (j = 0; j < 8; j++)
        x[j] = _mm_aesenclast_si128(x[j], rk[rounds]);
}

KNI static void setupni(__m128i rk[15], __m128i pk[8], __m128i *cv, __m128i *y, const ccf_aes_key *k,
                        const ccf_ghash_key *gk, const uint8_t ctr[16], const uint8_t y8[16])
{
    unsigned i;
    for (i = 0; i < 8; i++) {           /* Karatsuba middle terms: hi ^ lo of H^8..H^1 */
        __m128i p = _mm_load_si128((const __m128i *)(gk->tbl + DESC8_OFFSET + 16 * i));
        pk[i] = _mm_xor_si128(p, _mm_shuffle_epi32(p, 0x4E));
    }
    for (i = 0; i <= k->rounds; i++)
        rk[i] = _mm_loadu_si128((const __m128i *)((const uint8_t *)k->sched + 16 * i));
    *cv = _mm_insert_epi32(_mm_loadu_si128((const __m128i *)ctr), (int)ccf_load32_be(ctr + 12), 3);
    *y = ccf_ghash_brev8(_mm_loadu_si128((const __m128i *)y8));
}

KNI static size_t bulkni_encrypt(const ccf_aes_key *k, const ccf_ghash_key *gk, uint8_t ctr[16],
                                 uint8_t y8[16], const uint8_t *in, uint8_t *out, size_t len)
{
    __m128i rk[15], pk[8], x[8], cv, y;
    size_t groups = len / 128, g;
    int j;
    if (groups == 0)
        return 0;
    setupni(rk, pk, &cv, &y, k, gk, ctr, y8);
    for (g = 0; g < groups; g++) {
        ctr_ghash8(rk, k->rounds, &cv, x, gk, pk, &y, g > 0 ? out - 128 : NULL);  /* previous ciphertext */
        for (j = 0; j < 8; j++)
            _mm_storeu_si128((__m128i *)(out + 16 * j),
                             _mm_xor_si128(x[j], _mm_loadu_si128((const __m128i *)(in + 16 * j))));
        in += 128;
        out += 128;
    }
    y = ghash8(gk, pk, y, out - 128);
    ccf_store32_be(ctr + 12, ccf_load32_be(ctr + 12) + (uint32_t)(8 * groups));
    _mm_storeu_si128((__m128i *)y8, ccf_ghash_brev8(y));
    ccf_memzero(rk, sizeof(rk));
    return 128 * groups;
}

KNI static size_t bulkni_decrypt(const ccf_aes_key *k, const ccf_ghash_key *gk, uint8_t ctr[16],
                                 uint8_t y8[16], const uint8_t *in, uint8_t *out, size_t len)
{
    __m128i rk[15], pk[8], x[8], cv, y;
    size_t groups = len / 128, g;
    int j;
    if (groups == 0)
        return 0;
    setupni(rk, pk, &cv, &y, k, gk, ctr, y8);
    for (g = 0; g < groups; g++) {
        ctr_ghash8(rk, k->rounds, &cv, x, gk, pk, &y, in);   /* hashed before writing: in may equal out */
        for (j = 0; j < 8; j++)
            _mm_storeu_si128((__m128i *)(out + 16 * j),
                             _mm_xor_si128(x[j], _mm_loadu_si128((const __m128i *)(in + 16 * j))));
        in += 128;
        out += 128;
    }
    ccf_store32_be(ctr + 12, ccf_load32_be(ctr + 12) + (uint32_t)(8 * groups));
    _mm_storeu_si128((__m128i *)y8, ccf_ghash_brev8(y));
    ccf_memzero(rk, sizeof(rk));
    return 128 * groups;
}

const ccf_gcm_bulk ccf_gcm_bulk_aesni = {
    "aesni+pclmulqdq stitched", bulkni_supported,
    &ccf_aes_impl_aesni, &ccf_ghash_impl_pclmul, bulkni_encrypt, bulkni_decrypt, NULL
};

#endif /* CCF_HAVE_X86_INTRIN */
