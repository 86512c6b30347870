/*
 * Multi-buffer SHA-1 with AVX-512: sixteen messages at once, one per 32-bit lane of a 512-bit
 * register (FIPS 180-4 6.1.2; the rounds are in sha1_mb_tmpl.h).  VPROLD rotates in one
 * instruction and VPTERNLOGD computes each round function (choose 0xCA, parity 0x96, majority
 * 0xE8) and the three-term XOR of the schedule.  The message words are word-sliced by two 8x8
 * transposes joined into 512-bit registers (compress), or by one 16x16 transpose of the blocks
 * held in registers (the HMAC group, whose tail blocks are built in registers).
 */
#include "ccf_sha1_mb.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>
#include "ccf_cpu.h"
#include "ccf_mb_x86.h"

static int mb_avx512_supported(void) { return ccf_cpu_has(CCF_CPU_AVX512F | CCF_CPU_AVX2); }

#define MB_V __m512i
#define MB_LANES 16
#define MB_LOADU(p) _mm512_loadu_si512((const void *)(p))
#define MB_STOREU(p, v) _mm512_storeu_si512((void *)(p), (v))
#define MB_SET1(c) _mm512_set1_epi32((int)(c))
#define MB_ADD(a, b) _mm512_add_epi32((a), (b))
#define MB_XOR(a, b) _mm512_xor_si512((a), (b))
#define MB_XOR3(a, b, c) _mm512_ternarylogic_epi32((a), (b), (c), 0x96)
#define MB_ROL(x, n) _mm512_rol_epi32((x), (n))
#define MB_CH(x, y, z) _mm512_ternarylogic_epi32((x), (y), (z), 0xCA)
#define MB_MAJ(x, y, z) _mm512_ternarylogic_epi32((x), (y), (z), 0xE8)
#define MB_LOAD_BLOCKS(w, ptrs, off) ccf_mb_load16_be32((w), (ptrs), (off))
#define MB_COMPRESS mb_avx512_compress
#define MB_TARGET_STR "avx512f,avx2"
#include "sha1_mb_tmpl.h"

/* X(l) for the sixteen lanes, written out (no loop for a compiler to unroll) */
#define MB_LANES16(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)

/* The chaining values of 16 keys (inner or outer), word-sliced into st[0..4]: one broadcast
 * per word when the jobs share a key (an SRTP batch of one session), else each key's five
 * words read as a row and transposed in registers. */
CCF_TARGET("avx512f,avx512bw,avx2")
CCF_MB_INLINE void key_state(const ccf_hmac_sha1_job *j, int outer, __m512i *st)
{
    __m512i r[16], t[16];
    int same = 1;
    unsigned l;
    for (l = 1; l < 16; l++)
        same &= j[l].key == j[0].key;
    if (same) {
        const uint32_t *h = outer ? j[0].key->outer : j[0].key->inner;
        st[0] = _mm512_set1_epi32((int)h[0]); st[1] = _mm512_set1_epi32((int)h[1]);
        st[2] = _mm512_set1_epi32((int)h[2]); st[3] = _mm512_set1_epi32((int)h[3]);
        st[4] = _mm512_set1_epi32((int)h[4]);
        return;
    }
#define MB_KEY_ROW(l) r[l] = _mm512_maskz_loadu_epi32(0x1F, outer ? j[l].key->outer : j[l].key->inner);
    MB_LANES16(MB_KEY_ROW)
#undef MB_KEY_ROW
    ccf_mb_rows16_32(t, r, 0);
    st[0] = t[0]; st[1] = t[1]; st[2] = t[2]; st[3] = t[3]; st[4] = t[4];
}

/* A 64-bit byte mask of the first n (0..64 and beyond) bytes of a block. */
CCF_MB_INLINE uint64_t low_bytes(size_t n) { return n >= 64 ? ~0ull : (1ull << n) - 1; }

/*
 * A job's inner message after its whole blocks of m1: the tail, (the rest of m1) || m2 ||
 * padding, in 1 to 3 blocks.  Block t of it as a row: k1 selects the rest of m1 (block 0
 * only), k2 the bytes of m2 in it, read as if m2 sat at offset rest of the tail (masked byte
 * loads read nothing past m1 + len1 or m2 + len2); pad holds 0x80 after m2 and, in the last
 * block, the bit length of ipad || m1 || m2.
 */
CCF_MB_INLINE size_t tail_blocks(const ccf_hmac_sha1_job *jb) { return (jb->len1 % 64 + jb->len2 + 9 + 63) / 64; }

CCF_MB_INLINE void tail_masks(const ccf_hmac_sha1_job *jb, size_t t, uint64_t *k1, uint64_t *k2)
{
    const size_t rest = jb->len1 % 64, tl = rest + jb->len2, pos = 64 * t;
    *k1 = t == 0 ? low_bytes(rest) : 0;
    *k2 = low_bytes(tl > pos ? tl - pos : 0) & ~low_bytes(rest > pos ? rest - pos : 0);
}

CCF_TARGET("avx512f,avx512bw,avx2")
CCF_MB_INLINE __m512i tail_pad(const ccf_hmac_sha1_job *jb, size_t t)
{
    const size_t tl = jb->len1 % 64 + jb->len2, pos = 64 * t;
    uint8_t be[8];
    uint64_t bits;
    __m512i p;
    ccf_store64_be(be, (uint64_t)(64 + jb->len1 + jb->len2) * 8);
    memcpy(&bits, be, 8);
    p = _mm512_maskz_set1_epi64((__mmask8)(t + 1 == tail_blocks(jb) ? 0x80 : 0), (long long)bits);
    if (tl >= pos && tl < pos + 64)
        p = _mm512_mask_set1_epi8(p, _cvtu64_mask64(1ull << (tl - pos)), (char)0x80);
    return p;
}

CCF_TARGET("avx512f,avx512bw,avx2")
CCF_MB_INLINE __m512i tail_row(const ccf_hmac_sha1_job *jb, size_t t, uint64_t k1, uint64_t k2, __m512i pad)
{
    const size_t rest = jb->len1 % 64;
    const uint8_t *m2 = (const uint8_t *)((uintptr_t)jb->m2 - rest + 64 * t);
    return _mm512_ternarylogic_epi32(_mm512_maskz_loadu_epi8(_cvtu64_mask64(k1), jb->m1 + (jb->len1 - rest)),
                                     _mm512_maskz_loadu_epi8(_cvtu64_mask64(k2), m2), pad, 0xFE);
}

/* Lane jb's inner block n as a row (zeros once its inner message is done). */
CCF_TARGET("avx512f,avx512bw,avx2")
CCF_MB_INLINE __m512i lane_row(const ccf_hmac_sha1_job *jb, size_t n)
{
    const size_t whole = jb->len1 / 64;
    uint64_t k1, k2;
    if (n < whole)
        return _mm512_loadu_si512((const void *)(jb->m1 + 64 * n));
    if (n - whole >= tail_blocks(jb))
        return _mm512_setzero_si512();
    tail_masks(jb, n - whole, &k1, &k2);
    return tail_row(jb, n - whole, k1, k2, tail_pad(jb, n - whole));
}

/* The outer block (the 20-byte inner digest in A..E, 0x80, zeros, the bit length
 * (64 + 20) * 8) from the outer key states: its words are the digest words, already sliced. */
#define MB_OUTER() do {                                                                     \
        w[0] = A; w[1] = B; w[2] = C; w[3] = D; w[4] = E;                                   \
        w[5] = _mm512_set1_epi32((int)0x80000000u);                                         \
        w[6] = w[7] = w[8] = w[9] = w[10] = w[11] = w[12] = w[13] = w[14] = _mm512_setzero_si512(); \
        w[15] = _mm512_set1_epi32((64 + 20) * 8);                                           \
        key_state(j, 1, st);                                                                \
        A = st[0]; B = st[1]; C = st[2]; D = st[3]; E = st[4];                              \
        MB_BLOCK();                                                                         \
    } while (0)

/* The MACs from A..E, big-endian: a 4x4 transpose within 128-bit lanes puts words 0..3 of
 * lane 4q + i in 128-bit lane q of b_i; word 4 of lane l is element l of E, stored alone by a
 * one-element masked store placed so that element l lands at mac + 16. */
CCF_TARGET("avx512f,avx512bw,avx2")
CCF_MB_INLINE void store_macs(ccf_hmac_sha1_job *j, __m512i A, __m512i B, __m512i C, __m512i D, __m512i E)
{
    const __m512i be = _mm512_set_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203,
                                        0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203,
                                        0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203,
                                        0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);
    __m512i a0 = _mm512_unpacklo_epi32(A, B), a1 = _mm512_unpackhi_epi32(A, B);
    __m512i a2 = _mm512_unpacklo_epi32(C, D), a3 = _mm512_unpackhi_epi32(C, D);
    const __m512i b0 = _mm512_shuffle_epi8(_mm512_unpacklo_epi64(a0, a2), be);
    const __m512i b1 = _mm512_shuffle_epi8(_mm512_unpackhi_epi64(a0, a2), be);
    const __m512i b2 = _mm512_shuffle_epi8(_mm512_unpacklo_epi64(a1, a3), be);
    const __m512i b3 = _mm512_shuffle_epi8(_mm512_unpackhi_epi64(a1, a3), be);
    E = _mm512_shuffle_epi8(E, be);
#define MB_MAC(l) do {                                                                      \
        const __m512i b_ = (l) % 4 == 0 ? b0 : (l) % 4 == 1 ? b1 : (l) % 4 == 2 ? b2 : b3;     \
        _mm_storeu_si128((__m128i *)(void *)j[l].mac, _mm512_extracti32x4_epi32(b_, (l) / 4)); \
        _mm512_mask_storeu_epi32((void *)((uintptr_t)j[l].mac + 16 - 4 * (l)), (__mmask16)(1u << (l)), E); \
    } while (0);
    MB_LANES16(MB_MAC)
#undef MB_MAC
}

/* 16 jobs of one shape (an SRTP batch of one packet length), at most two tail blocks: the
 * masks and the padding shared by every lane. */
CCF_TARGET("avx512f,avx512bw,avx2")
static void group_same(ccf_hmac_sha1_job *j)
{
    MB_KEYS;
    __m512i r[16], w[16], st[5], p0, p1;
    __m512i A, B, C, D, E;
    uint64_t m1, m2;
    const size_t whole = j[0].len1 / 64, ntail = tail_blocks(&j[0]), rest = j[0].len1 % 64;
    size_t n;
    __mmask64 k_rest, k_m2lo, k_m2hi;
    tail_masks(&j[0], 0, &m1, &m2);
    k_rest = _cvtu64_mask64(m1);
    k_m2lo = _cvtu64_mask64(m2);
    tail_masks(&j[0], 1, &m1, &m2);
    k_m2hi = _cvtu64_mask64(m2);
    p0 = tail_pad(&j[0], 0);
    p1 = tail_pad(&j[0], 1);
    key_state(j, 0, st);
    A = st[0]; B = st[1]; C = st[2]; D = st[3]; E = st[4];
    /* one copy of the rounds for every inner block (the code of a block is large) */
    for (n = 0; n < whole + ntail; n++) {
        if (n < whole) {
#define MB_ROW(l) r[l] = _mm512_loadu_si512((const void *)(j[l].m1 + 64 * n));
            MB_LANES16(MB_ROW)
#undef MB_ROW
        } else if (n == whole) {
#define MB_M2(l) ((const uint8_t *)((uintptr_t)j[l].m2 - rest))
#define MB_ROW(l) r[l] = _mm512_ternarylogic_epi32(_mm512_maskz_loadu_epi8(k_rest, j[l].m1 + 64 * n), \
                                                   _mm512_maskz_loadu_epi8(k_m2lo, MB_M2(l)), p0, 0xFE);
            MB_LANES16(MB_ROW)
#undef MB_ROW
        } else {
#define MB_ROW(l) r[l] = _mm512_or_si512(_mm512_maskz_loadu_epi8(k_m2hi, MB_M2(l) + 64), p1);
            MB_LANES16(MB_ROW)
#undef MB_ROW
#undef MB_M2
        }
        ccf_mb_rows16_32(w, r, 1);
        MB_BLOCK();
    }
    MB_OUTER();
    store_macs(j, A, B, C, D, E);
}

/* 16 jobs of any lengths: as many inner blocks as the longest job, a lane whose inner message
 * is done keeping its state (masked feed-forward), each lane's tail built on its own. */
CCF_TARGET("avx512f,avx512bw,avx2")
static void group_mixed(ccf_hmac_sha1_job *j)
{
    MB_KEYS;
    __m512i r[16], w[16], st[5];
    __m512i A, B, C, D, E;
    size_t nb[16], nmax = 0, n;
    __mmask16 act;
    unsigned l;
    for (l = 0; l < 16; l++) {
        nb[l] = j[l].len1 / 64 + tail_blocks(&j[l]);
        nmax = nb[l] > nmax ? nb[l] : nmax;
    }
    key_state(j, 0, st);
    A = st[0]; B = st[1]; C = st[2]; D = st[3]; E = st[4];
#define MB_FF_ACT(x, x0) _mm512_mask_add_epi32((x0), act, (x), (x0))
    for (n = 0; n < nmax; n++) {
#define MB_ROW(l) r[l] = lane_row(&j[l], n);
        MB_LANES16(MB_ROW)
#undef MB_ROW
        for (act = 0, l = 0; l < 16; l++)
            act |= (__mmask16)((n < nb[l]) << l);
        ccf_mb_rows16_32(w, r, 1);
        MB_BLOCK_FF(MB_FF_ACT);
    }
#undef MB_FF_ACT
    MB_OUTER();
    store_macs(j, A, B, C, D, E);
}

/*
 * HMAC-SHA1 of 16 jobs (ccf_sha1_mb_impl.hmac_group): the whole blocks of m1 read in place;
 * the tail blocks assembled per lane in a register; the outer block taken straight from the
 * inner digests in the registers.  Message words, keyed states and digests stay in registers:
 * no buffer of these functions holds them.  Lengths are public: the branches on them are the
 * same for every key and message.
 */
CCF_TARGET("avx512f,avx512bw,avx2")
static int mb_avx512_hmac_group(ccf_hmac_sha1_job *j)
{
    int same = 1;
    unsigned l;
    if (!ccf_cpu_has(CCF_CPU_AVX512BW))
        return 0;
    for (l = 1; l < 16; l++)
        same &= (j[l].len1 == j[0].len1) & (j[l].len2 == j[0].len2);
    if (same && tail_blocks(&j[0]) <= 2)         /* 3: a long m2 (not SRTP's) */
        group_same(j);
    else
        group_mixed(j);
    return 1;
}

const ccf_sha1_mb_impl ccf_sha1_mb_impl_avx512 = { "avx512", mb_avx512_supported, 16, mb_avx512_compress,
                                                   mb_avx512_hmac_group };

#else
typedef int ccf_sha1_mb_avx512_unused;   /* ISO C forbids an empty translation unit */
#endif
