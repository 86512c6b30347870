/*
 * AES-GCM over many short messages with VAES + VPCLMULQDQ on 512-bit registers
 * (ccf_gcm_many.h): four messages per pass, each with its own key, nonce and length, all four
 * encrypting or all four decrypting.
 *
 * Layout of one message in NV registers (NV = nb / 4 + 1 for nb message blocks, the largest of
 * the pass's four):
 *   - lane k of register v holds the counter block of message block 4v + k (inc32^(4v+k+1)(J0)),
 *     so the keystream meets the message where it lies in memory (no lane shifts on load or
 *     store), except the last lane of the last register, which holds J0 itself for E_K(J0);
 *     counters stay below 256, so a block is the nonce with its last byte set (one ternary
 *     logic op with round key 0);
 *   - GHASH over A || C || L (SP 800-38D 7.1 step 5) multiplies message block m by H^(nb+1-m):
 *     one contiguous descending run of the key's table (ghash_x86.h), schoolbook products (four
 *     VPCLMULQDQ, no shuffles) summed unreduced.  A (times H^(nb+2)) and L (times H) have no
 *     lane of their own: the four messages' A share one register, and their L another, after
 *     the horizontal fold.
 *
 * The AES rounds of the four messages (4 * NV registers) are interleaved, each with its own
 * key's round keys, so the VAES unit stays busy where one message would wait on the latency of
 * its rounds.  After the rounds each message is loaded again (it is in L1), XORed, stored and
 * hashed.  The finish is horizontal: a 4x4 lane transpose and XOR puts each message's 128-bit
 * lo/mid/hi sums into lane p of one register, so the four messages share one reduction, one
 * bit reversal, one XOR with their E_K(J0) and four 16-byte tag stores.  Every register is a
 * named variable (no arrays indexed in loops), so the code does not depend on the compiler
 * unrolling loops to keep them in registers.  Passes are compiled for NV = 1..4 (messages up
 * to 224 bytes) and each direction (the GHASH input is the output or the input).  A pass short
 * of four jobs fills the rest with an empty job under the first job's key whose only output is
 * a tag on the stack, wiped afterwards; a lone job runs through the single-message kernel.
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

/* Byte i of register v is byte 64 v + i of a message: compared with its length for the masks. */
static CCF_ALIGN(64) const uint8_t iota[256] = {
#define R8(b) b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7
#define R64(b) R8(b), R8(b + 8), R8(b + 16), R8(b + 24), R8(b + 32), R8(b + 40), R8(b + 48), R8(b + 56)
    R64(0), R64(64), R64(128), R64(192)
#undef R64
#undef R8
};

/* Last byte of each lane's counter block: 2 + block index (J0 is 1); [1][3] has J0 in lane 3,
 * for the last register of a pass. */
#define C4(b) 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (b)
static CCF_ALIGN(64) const uint8_t ctrs[2][4][64] = {
    { { C4(2), C4(3), C4(4), C4(5) }, { C4(6), C4(7), C4(8), C4(9) },
      { C4(10), C4(11), C4(12), C4(13) }, { C4(14), C4(15), C4(16), C4(17) } },
    { { C4(2), C4(3), C4(4), C4(1) }, { C4(6), C4(7), C4(8), C4(1) },
      { C4(10), C4(11), C4(12), C4(1) }, { C4(14), C4(15), C4(16), C4(1) } },
};
#undef C4

#define XOR3 0x96                                  /* ternary logic: a ^ b ^ c */
#define LD512(p) _mm512_load_si512((const void *)(p))
#define RK(s, r) _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(const void *)((s) + 16 * (r))))

K512 static ALWAYS_INLINE __m512i brev512(__m512i x)
{
    return _mm512_gf2p8affine_epi64_epi8(x, _mm512_set1_epi64((long long)0x8040201008040201ull), 0);
}

/* Register v of a message: out = in ^ keystream over the message bytes; the four products of
 * the GHASH input (the ciphertext, zero past the message) with its powers of H. */
K512 static ALWAYS_INLINE void msg_reg(const ccf_aes_gcm_job *jb, const uint8_t *pw, uint32_t kp, __m512i lenb,
                                       int v, const int DEC, __m512i x,
                                       __m512i *l, __m512i *h, __m512i *m1, __m512i *m2)
{
    const __mmask64 k = _mm512_cmplt_epu8_mask(LD512(iota + 64 * v), lenb);
    const __m512i d = _mm512_maskz_loadu_epi8(k, jb->in + 64 * v);
    const __m512i c = _mm512_xor_si512(x, d);
    const __m512i p = _mm512_maskz_loadu_epi64((__mmask8)(kp >> (8 * v)), pw + 64 * v);
    __m512i b;
    _mm512_mask_storeu_epi8(jb->out + 64 * v, k, c);
    b = _mm512_maskz_gf2p8affine_epi64_epi8(k, DEC ? d : c, _mm512_set1_epi64((long long)0x8040201008040201ull), 0);
    *l = _mm512_clmulepi64_epi128(b, p, 0x00);
    *h = _mm512_clmulepi64_epi128(b, p, 0x11);
    *m1 = _mm512_clmulepi64_epi128(b, p, 0x01);
    *m2 = _mm512_clmulepi64_epi128(b, p, 0x10);
}

#define T3(a, b, c) _mm512_ternarylogic_epi64(a, b, c, XOR3)

/* A message's NV registers: stores, and the unreduced sums of its products (message block m
 * times H^(nb+1-m); A and L are added after the horizontal fold). */
K512 static ALWAYS_INLINE void msg_hash(const ccf_aes_gcm_job *jb, const int NV, const int DEC,
                                        __m512i x0, __m512i x1, __m512i x2, __m512i x3,
                                        __m512i *lo, __m512i *mid, __m512i *hi)
{
    const unsigned nb = (unsigned)((jb->len + 15) / 16);
    const uint8_t *pw = jb->key->ghash.tbl + CCF_GHASH_X86_DESC(nb + 1);     /* H^nb .. H^1 */
    const uint32_t kp = (1u << (2 * nb)) - 1;                               /* lanes < nb */
    const __m512i lenb = _mm512_set1_epi8((char)jb->len);                    /* <= 224 */
    __m512i l0, l1, l2, l3, h0, h1, h2, h3, m0, m1, m2, m3, m4, m5, m6, m7;
    msg_reg(jb, pw, kp, lenb, 0, DEC, x0, &l0, &h0, &m0, &m1);
    if (NV == 1) {
        *lo = l0;
        *hi = h0;
        *mid = _mm512_xor_si512(m0, m1);
        return;
    }
    msg_reg(jb, pw, kp, lenb, 1, DEC, x1, &l1, &h1, &m2, &m3);
    if (NV == 2) {
        *lo = _mm512_xor_si512(l0, l1);
        *hi = _mm512_xor_si512(h0, h1);
        *mid = _mm512_xor_si512(T3(m0, m1, m2), m3);
        return;
    }
    msg_reg(jb, pw, kp, lenb, 2, DEC, x2, &l2, &h2, &m4, &m5);
    if (NV == 3) {
        *lo = T3(l0, l1, l2);
        *hi = T3(h0, h1, h2);
        *mid = _mm512_xor_si512(T3(T3(m0, m1, m2), m3, m4), m5);
        return;
    }
    msg_reg(jb, pw, kp, lenb, 3, DEC, x3, &l3, &h3, &m6, &m7);
    *lo = _mm512_xor_si512(T3(l0, l1, l2), l3);
    *hi = _mm512_xor_si512(T3(h0, h1, h2), h3);
    *mid = _mm512_xor_si512(T3(T3(T3(m0, m1, m2), m3, m4), m5, m6), m7);
}

/* Half of the 4x4 transpose-sum: [a0^a2, a1^a3, b0^b2, b1^b3]. */
K512 static ALWAYS_INLINE __m512i hpair(__m512i a, __m512i b)
{
    const __m512i s = _mm512_shuffle_i64x2(a, b, 0x4E);        /* a2, a3, b0, b1 */
    return _mm512_mask_xor_epi64(_mm512_xor_si512(a, s), 0xF0, b, s);
}

/* The other half: lane p = the sum of the four lanes of message p. */
K512 static ALWAYS_INLINE __m512i hfin(__m512i u, __m512i w)
{
    return _mm512_xor_si512(_mm512_shuffle_i64x2(u, w, 0x88), _mm512_shuffle_i64x2(u, w, 0xDD));
}

/* One register of four 128-bit values, a in lane 0 ... d in lane 3. */
K512 static ALWAYS_INLINE __m512i lanes4(__m128i a, __m128i b, __m128i c, __m128i d)
{
    return _mm512_inserti32x4(_mm512_inserti32x4(_mm512_inserti32x4(_mm512_castsi128_si512(a), b, 1), c, 2), d, 3);
}

K512 static ALWAYS_INLINE __m128i aad_block(const ccf_aes_gcm_job *jb)
{
    return _mm_maskz_loadu_epi8((__mmask16)((1u << jb->aad_len) - 1), jb->aad);
}

K512 static ALWAYS_INLINE __m128i h1(const ccf_aes_gcm_job *jb)
{
    return _mm_loadu_si128((const __m128i *)(const void *)(jb->key->ghash.tbl + CCF_GHASH_X86_DESC(1)));
}

K512 static ALWAYS_INLINE __m128i apow(const ccf_aes_gcm_job *jb)
{
    return _mm_loadu_si128((const __m128i *)(const void *)(jb->key->ghash.tbl + CCF_GHASH_X86_DESC((jb->len + 15) / 16 + 2)));
}

/* Counter blocks of message p, round 0. */
#define CTR1(p, v) x##p##v = _mm512_ternarylogic_epi64(nc, LD512(ctrs[(v) == NV - 1][v]), k, XOR3);
#define AES1(p, v) x##p##v = _mm512_aesenc_epi128(x##p##v, k);
#define LAST1(p, v) x##p##v = _mm512_aesenclast_epi128(x##p##v, k);
#define EACH_V(F, p) do { F(p, 0) if (NV > 1) { F(p, 1) } if (NV > 2) { F(p, 2) } if (NV > 3) { F(p, 3) } } while (0)

/* One pass over the four jobs j[0..3], NV registers per message. */
K512 static ALWAYS_INLINE void pass(ccf_aes_gcm_job *const *j, const int NV, const int DEC)
{
    const uint8_t *s0 = (const uint8_t *)j[0]->key->aes.sched, *s1 = (const uint8_t *)j[1]->key->aes.sched;
    const uint8_t *s2 = (const uint8_t *)j[2]->key->aes.sched, *s3 = (const uint8_t *)j[3]->key->aes.sched;
    const unsigned rounds = j[0]->key->aes.rounds;
    __m512i x00, x01, x02, x03, x10, x11, x12, x13, x20, x21, x22, x23, x30, x31, x32, x33;
    __m512i lo0, mid0, hi0, lo1, mid1, hi1, lo2, mid2, hi2, lo3, mid3, hi3;
    __m512i k, nc, lo, mid, hi, a, t, y;
    unsigned r;
    CCF_ALIGN(64) uint64_t lens[2 * P];
    for (r = 0; r < P; r++) {                      /* L of message r (bit lengths, big-endian) */
        lens[2 * r] = ccf_bswap64((uint64_t)j[r]->aad_len * 8);
        lens[2 * r + 1] = ccf_bswap64((uint64_t)j[r]->len * 8);
    }
    x01 = x02 = x03 = x11 = x12 = x13 = x21 = x22 = x23 = x31 = x32 = x33 = _mm512_setzero_si512();
#define START(p)                                                                            \
    nc = _mm512_broadcast_i32x4(_mm_maskz_loadu_epi8(0x0FFF, j[p]->nonce));                  \
    k = RK(s##p, 0);                                                                         \
    EACH_V(CTR1, p);
    START(0) START(1) START(2) START(3)
#undef START
    for (r = 1; r < rounds; r++) {
        k = RK(s0, r); EACH_V(AES1, 0);
        k = RK(s1, r); EACH_V(AES1, 1);
        k = RK(s2, r); EACH_V(AES1, 2);
        k = RK(s3, r); EACH_V(AES1, 3);
    }
    k = RK(s0, rounds); EACH_V(LAST1, 0);
    k = RK(s1, rounds); EACH_V(LAST1, 1);
    k = RK(s2, rounds); EACH_V(LAST1, 2);
    k = RK(s3, rounds); EACH_V(LAST1, 3);
    msg_hash(j[0], NV, DEC, x00, x01, x02, x03, &lo0, &mid0, &hi0);
    msg_hash(j[1], NV, DEC, x10, x11, x12, x13, &lo1, &mid1, &hi1);
    msg_hash(j[2], NV, DEC, x20, x21, x22, x23, &lo2, &mid2, &hi2);
    msg_hash(j[3], NV, DEC, x30, x31, x32, x33, &lo3, &mid3, &hi3);
    /* lane p: message p's sums; then its A times H^(nb+2) and its L times H */
    lo = hfin(hpair(lo0, lo1), hpair(lo2, lo3));
    mid = hfin(hpair(mid0, mid1), hpair(mid2, mid3));
    hi = hfin(hpair(hi0, hi1), hpair(hi2, hi3));
    a = brev512(lanes4(aad_block(j[0]), aad_block(j[1]), aad_block(j[2]), aad_block(j[3])));
    t = lanes4(apow(j[0]), apow(j[1]), apow(j[2]), apow(j[3]));
    lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(a, t, 0x00));
    hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(a, t, 0x11));
    mid = T3(mid, _mm512_clmulepi64_epi128(a, t, 0x01), _mm512_clmulepi64_epi128(a, t, 0x10));
    a = brev512(_mm512_load_si512((const void *)lens));       /* L times H */
    t = lanes4(h1(j[0]), h1(j[1]), h1(j[2]), h1(j[3]));
    lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(a, t, 0x00));
    hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(a, t, 0x11));
    mid = T3(mid, _mm512_clmulepi64_epi128(a, t, 0x01), _mm512_clmulepi64_epi128(a, t, 0x10));
    /* one reduction for the four (ccf_ghash_reduce, lane-wise) */
    {
        const __m512i poly = _mm512_broadcast_i32x4(_mm_set_epi64x(0, 0x87));
        lo = _mm512_xor_si512(lo, _mm512_bslli_epi128(mid, 8));
        hi = _mm512_xor_si512(hi, _mm512_bsrli_epi128(mid, 8));
        t = _mm512_clmulepi64_epi128(hi, poly, 0x01);
        lo = _mm512_xor_si512(lo, _mm512_bslli_epi128(t, 8));
        hi = _mm512_xor_si512(hi, _mm512_bsrli_epi128(t, 8));
        y = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(hi, poly, 0x00));
    }
    /* E_K(J0) of message p: lane 3 of its last register, into lane p */
#define EJ0(a_, b_) _mm512_shuffle_i64x2(a_, b_, 0xFF)      /* a3, a3, b3, b3 */
    if (NV == 1)
        t = _mm512_shuffle_i64x2(EJ0(x00, x10), EJ0(x20, x30), 0x88);
    else if (NV == 2)
        t = _mm512_shuffle_i64x2(EJ0(x01, x11), EJ0(x21, x31), 0x88);
    else if (NV == 3)
        t = _mm512_shuffle_i64x2(EJ0(x02, x12), EJ0(x22, x32), 0x88);
    else
        t = _mm512_shuffle_i64x2(EJ0(x03, x13), EJ0(x23, x33), 0x88);
#undef EJ0
    y = _mm512_xor_si512(brev512(y), t);
    _mm_storeu_si128((__m128i *)(void *)j[0]->tag, _mm512_castsi512_si128(y));
    _mm_storeu_si128((__m128i *)(void *)j[1]->tag, _mm512_extracti32x4_epi32(y, 1));
    _mm_storeu_si128((__m128i *)(void *)j[2]->tag, _mm512_extracti32x4_epi32(y, 2));
    _mm_storeu_si128((__m128i *)(void *)j[3]->tag, _mm512_extracti32x4_epi32(y, 3));
    j[0]->rc = j[1]->rc = j[2]->rc = j[3]->rc = CCF_OK;
}
#undef CTR1
#undef AES1
#undef LAST1
#undef EACH_V

K512 static void enc1(ccf_aes_gcm_job *const *j) { pass(j, 1, 0); }
K512 static void enc2(ccf_aes_gcm_job *const *j) { pass(j, 2, 0); }
K512 static void enc3(ccf_aes_gcm_job *const *j) { pass(j, 3, 0); }
K512 static void enc4(ccf_aes_gcm_job *const *j) { pass(j, 4, 0); }
K512 static void dec1(ccf_aes_gcm_job *const *j) { pass(j, 1, 1); }
K512 static void dec2(ccf_aes_gcm_job *const *j) { pass(j, 2, 1); }
K512 static void dec3(ccf_aes_gcm_job *const *j) { pass(j, 3, 1); }
K512 static void dec4(ccf_aes_gcm_job *const *j) { pass(j, 4, 1); }

/* Registers for a message: its blocks and J0's lane. */
static int regs_for(const ccf_aes_gcm_job *j)
{
    return (int)((j->len + 15) / 16 / 4 + 1);
}

/* Jobs j[0..live) through one pass; a short group is padded with an empty encryption (or
 * decryption) under j[0]'s key, of which only a tag on the stack is written, then wiped.  A
 * single job runs through the single-message kernel instead: a pass of one message costs
 * about 1.5 times as much (its four-message finish and the padding, measured at 20 to 224
 * bytes), a pass of two already less than two single messages. */
static void run_pass(ccf_aes_gcm_job **grp, int live, int nv)
{
    static void (*const passes[2][5])(ccf_aes_gcm_job *const *) = {
        { NULL, enc1, enc2, enc3, enc4 }, { NULL, dec1, dec2, dec3, dec4 } };
    ccf_aes_gcm_job pad;
    const int dec = grp[0]->decrypt != 0;
    if (live == P) {
        passes[dec][nv](grp);
        return;
    }
    if (live == 1) {
        ccf_aes_gcm_many_one(grp[0]);
        return;
    }
    pad = *grp[0];
    pad.aad_len = 0;
    pad.len = 0;
    pad.in = pad.tag;
    pad.out = pad.tag;
    while (live < P)
        grp[live++] = &pad;
    passes[dec][nv](grp);
    ccf_memzero(pad.tag, sizeof(pad.tag));
}

/* see gcm_many.c: jobs all short (<= 224 bytes), 12-byte nonces, AAD <= 16, VAES-512 keys of
 * one round count.  A pass runs four jobs of one direction. */
void ccf_aes_gcm_vaes512_many(ccf_aes_gcm_job *jobs, size_t n)
{
    ccf_aes_gcm_job *grp[P];
    size_t i;
    int live = 0, nv = 1;
    for (i = 0; i < n; i++) {
        int need = regs_for(&jobs[i]);
        if (live && (jobs[i].decrypt != 0) != (grp[0]->decrypt != 0)) {
            run_pass(grp, live, nv);
            live = 0;
            nv = 1;
        }
        grp[live++] = &jobs[i];
        if (need > nv)
            nv = need;
        if (live == P) {
            run_pass(grp, live, nv);
            live = 0;
            nv = 1;
        }
    }
    if (live)
        run_pass(grp, live, nv);
}

#endif /* CCF_HAVE_X86_INTRIN */
