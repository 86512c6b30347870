/*
 * AES-GCM over many short messages with VAES + VPCLMULQDQ on 512-bit registers
 * (ccf_gcm_many.h): four messages per pass, each laid out as the single-message kernel of
 * gcm_x86_bulk.c lays it out (short512):
 *
 *   - NV registers of counter blocks J0, J0+1, ... (lane 0 of register 0 gives E_K(J0) for the
 *     tag, the following lanes the keystream), NV = ceil((blocks + 2) / 4) for the message's
 *     blocks, the same for the four messages of a pass (the largest);
 *   - the message loaded without reading past its end and moved up one lane to meet its
 *     keystream, so that the GHASH input A || C || L (SP 800-38D 7.1 step 5) is the same
 *     registers with A written into lane 0 and L after the last block;
 *   - GHASH multiplies block i of the n = blocks + 2 by H^(n-i) (a contiguous descending run of
 *     the key's table, ghash_x86.h) with Karatsuba, and reduces once per message.
 *
 * The AES rounds of the four messages (4 * NV registers) are interleaved, each with its own
 * key's round keys, so the VAES unit stays busy where one message would wait on the latency of
 * its rounds.  Passes are compiled for NV = 1..4 (messages up to 224 bytes).
 */
#include "ccf_gcm_many.h"
#include "ghash_x86.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_X86_INTRIN)

void ccf_aes_gcm_vaes512_many(ccf_aes_gcm_job *jobs, size_t n);

#define K512 CCF_TARGET("avx512f,avx512vl,avx512bw,vaes,vpclmulqdq,gfni,aes,pclmul,ssse3,sse4.1")
#if defined(CCF_MSVC)
#  define ALWAYS_INLINE __forceinline
#else
#  define ALWAYS_INLINE inline __attribute__((always_inline))
#endif

#define P 4                                        /* messages per pass */

K512 static ALWAYS_INLINE __m512i brev512(__m512i x)
{
    return _mm512_gf2p8affine_epi64_epi8(x, _mm512_set1_epi64((long long)0x8040201008040201ull), 0);
}

K512 static ALWAYS_INLINE __m128i fold512(__m512i v)
{
    __m256i t = _mm256_xor_si256(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
    return _mm_xor_si128(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
}

/* Bits [from, to) of a 64-bit mask, clipped to 0..64. */
static ALWAYS_INLINE __mmask64 bit_range(long long from, long long to)
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

#define RK(g, r) _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(const void *)((const uint8_t *)(g)->aes.sched + 16 * (r))))

/* One pass over the jobs j[0..live) (live <= P; the other slots repeat j[0] and are not
 * stored), NV registers per message. */
K512 static ALWAYS_INLINE void pass(ccf_aes_gcm_job *const *j, int live, const int NV)
{
    const __m512i swap = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 14, 13, 12));
    const __m512i inc4 = _mm512_broadcast_i32x4(_mm_setr_epi32(0, 0, 0, 4));
    __m512i x[P][4], s[P][4];
    unsigned r, rounds = j[0]->key->aes.rounds;
    int p, v;
    for (p = 0; p < P; p++) {
        const ccf_aes_gcm_job *jb = j[p < live ? p : 0];
        const long long len = (long long)jb->len;
        __m512i cv, m[4];
        /* counter blocks J0 .. J0 + 4 NV - 1 (inc32 on the big-endian last word) */
        cv = _mm512_broadcast_i32x4(_mm_insert_epi32(_mm_maskz_loadu_epi8(0x0FFF, jb->nonce), 1, 3));
        cv = _mm512_add_epi32(cv, _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3));
        for (v = 0; v < NV; v++) {
            x[p][v] = _mm512_xor_si512(_mm512_shuffle_epi8(cv, swap), RK(jb->key, 0));
            cv = _mm512_add_epi32(cv, inc4);
        }
        for (v = 0; v < NV; v++)
            m[v] = _mm512_maskz_loadu_epi8(bit_range(0, len - 64 * v), jb->in + 64 * v);
        s[p][0] = _mm512_alignr_epi64(m[0], _mm512_setzero_si512(), 6);
        for (v = 1; v < NV; v++)
            s[p][v] = _mm512_alignr_epi64(m[v], m[v - 1], 6);
    }
    for (r = 1; r < rounds; r++)
        for (p = 0; p < P; p++) {
            __m512i k = RK(j[p < live ? p : 0]->key, r);
            for (v = 0; v < NV; v++)
                x[p][v] = _mm512_aesenc_epi128(x[p][v], k);
        }
    for (p = 0; p < P; p++) {
        __m512i k = RK(j[p < live ? p : 0]->key, rounds);
        for (v = 0; v < NV; v++)
            x[p][v] = _mm512_aesenclast_epi128(x[p][v], k);
    }
    /* every slot (a constant count: the four GHASH chains interleave), stores for live ones */
    for (p = 0; p < P; p++) {
        ccf_aes_gcm_job *jb = j[p < live ? p : 0];
        const ccf_ghash_key *gk = &jb->key->ghash;
        const long long len = (long long)jb->len;
        const int nb = (int)((jb->len + 15) / 16), ng = nb + 2;    /* message; GHASH blocks */
        __m512i g[4], lo, mid, hi;
        __m128i y, ej0, lens;
        ej0 = _mm512_castsi512_si128(x[p][0]);
        /* s ^ keystream over the message bytes only (zero elsewhere, as GHASH pads) */
        for (v = 0; v < NV; v++) {
            x[p][v] = _mm512_maskz_mov_epi8(bit_range(16 - 64 * v, len + 16 - 64 * v), _mm512_xor_si512(x[p][v], s[p][v]));
            g[v] = jb->decrypt ? s[p][v] : x[p][v];             /* GHASH runs over the ciphertext */
        }
        g[0] = _mm512_mask_blend_epi64(0x03, g[0],
                                       _mm512_zextsi128_si512(_mm_maskz_loadu_epi8((__mmask16)bit_range(0, (long long)jb->aad_len), jb->aad)));
        lens = _mm_set_epi64x((long long)ccf_bswap64((uint64_t)jb->len * 8), (long long)ccf_bswap64((uint64_t)jb->aad_len * 8));
        for (v = 0; v < NV; v++)                                 /* L after the last block */
            if (v == (nb + 1) / 4)
                g[v] = _mm512_mask_blend_epi64((__mmask8)(3u << (2 * ((nb + 1) % 4))), g[v], _mm512_broadcast_i32x4(lens));
        lo = mid = hi = _mm512_setzero_si512();
        for (v = 0; v < NV; v++) {
            __mmask8 lv = (__mmask8)bit_range(0, 2LL * (ng - 4 * v));        /* blocks < ng */
            __m512i pw = _mm512_maskz_loadu_epi64(lv, gk->tbl + CCF_GHASH_X86_DESC(ng) + 64 * v);
            __m512i b = brev512(g[v]), bk, pk;
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
        if (p >= live)
            continue;
        _mm_storeu_si128((__m128i *)(void *)jb->tag, _mm_xor_si128(ccf_ghash_brev8(y), ej0));
        for (v = 0; v < NV; v++)                                 /* move down one lane and store */
            _mm512_mask_storeu_epi8(jb->out + 64 * v, bit_range(0, len - 64 * v),
                                    _mm512_alignr_epi64(v + 1 < NV ? x[p][v + 1] : _mm512_setzero_si512(), x[p][v], 2));
        jb->rc = CCF_OK;
    }
}

K512 static void pass1(ccf_aes_gcm_job *const *j, int live) { pass(j, live, 1); }
K512 static void pass2(ccf_aes_gcm_job *const *j, int live) { pass(j, live, 2); }
K512 static void pass3(ccf_aes_gcm_job *const *j, int live) { pass(j, live, 3); }
K512 static void pass4(ccf_aes_gcm_job *const *j, int live) { pass(j, live, 4); }

static int regs_for(const ccf_aes_gcm_job *j)
{
    return (int)((j->len + 15) / 16 + 2 + 3) / 4;
}

/* see gcm_many.c: jobs all short (<= 224 bytes), 12-byte nonces, AAD <= 16, VAES-512 keys of
 * one round count. */
void ccf_aes_gcm_vaes512_many(ccf_aes_gcm_job *jobs, size_t n)
{
    static void (*const passes[5])(ccf_aes_gcm_job *const *, int) = { NULL, pass1, pass2, pass3, pass4 };
    ccf_aes_gcm_job *grp[P];
    size_t i;
    int live = 0, nv = 1;
    for (i = 0; i < n; i++) {
        int need = regs_for(&jobs[i]);
        grp[live++] = &jobs[i];
        if (need > nv)
            nv = need;
        if (live == P) {
            passes[nv](grp, live);
            live = 0;
            nv = 1;
        }
    }
    if (live)
        passes[nv](grp, live);
}

#endif /* CCF_HAVE_X86_INTRIN */
