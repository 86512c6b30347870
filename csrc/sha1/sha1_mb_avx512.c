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
static uint64_t low_bytes(size_t n) { return n >= 64 ? ~0ull : (1ull << n) - 1; }

/*
 * HMAC-SHA1 of 16 jobs of one shape (ccf_sha1_mb_impl.hmac_group): the whole blocks of m1 read
 * in place; the tail blocks (the rest of m1, m2, the padding) assembled per lane in a register
 * with masked byte loads, which read nothing past m1 + len1 or m2 + len2; the outer block taken
 * straight from the inner digest in the registers (its words are the digest words, already
 * sliced).  Message words, keyed states and digests stay in registers: no buffer of this
 * function holds them.
 */
CCF_TARGET("avx512f,avx512bw,avx2")
static int mb_avx512_hmac_group(ccf_hmac_sha1_job *j)
{
    MB_KEYS;
    CCF_ALIGN(64) uint8_t pad[128];
    const size_t len1 = j[0].len1, len2 = j[0].len2, whole = len1 / 64, rest = len1 % 64;
    const size_t ntail = (rest + len2 + 9 + 63) / 64;              /* 1 to 3 */
    __m512i r[16], w[16], st[5], p0, p1, b0, b1, b2, b3;
    __m512i A, B, C, D, E;
    __mmask64 k_rest, k_m2lo, k_m2hi;
    size_t n;
    if (!ccf_cpu_has(CCF_CPU_AVX512BW) || ntail > 2)            /* 3: a long m2 (not SRTP's) */
        return 0;
    /* padding, the same in every lane: 0x80 after m2, the bit length of ipad || m1 || m2 */
    memset(pad, 0, sizeof(pad));
    pad[rest + len2] = 0x80;
    ccf_store64_be(pad + 64 * ntail - 8, (uint64_t)(64 + len1 + len2) * 8);
    p0 = _mm512_load_si512((const void *)pad);
    p1 = _mm512_load_si512((const void *)(pad + 64));
    /* byte masks: m1's rest at 0..rest-1, m2 at rest..rest+len2-1 (maybe into block 2) */
    k_rest = _cvtu64_mask64(low_bytes(rest));
    k_m2lo = _cvtu64_mask64(low_bytes(rest + len2) & ~low_bytes(rest));
    k_m2hi = _cvtu64_mask64(rest + len2 > 64 ? low_bytes(rest + len2 - 64) : 0);
    key_state(j, 0, st);
    A = st[0]; B = st[1]; C = st[2]; D = st[3]; E = st[4];
    /* one copy of the rounds for every inner block (the code of a block is large) */
    for (n = 0; n < whole + ntail; n++) {
        if (n < whole) {
#define MB_ROW(l) r[l] = _mm512_loadu_si512((const void *)(j[l].m1 + 64 * n));
            MB_LANES16(MB_ROW)
#undef MB_ROW
        } else if (n == whole) {
            /* m2 read as if it were placed at offset rest (masked: only its own bytes are read) */
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
    /* outer: one block of the 20-byte inner digest, 0x80, zeros, bit length (64 + 20) * 8 */
    w[0] = A; w[1] = B; w[2] = C; w[3] = D; w[4] = E;
    w[5] = _mm512_set1_epi32((int)0x80000000u);
    w[6] = w[7] = w[8] = w[9] = w[10] = w[11] = w[12] = w[13] = w[14] = _mm512_setzero_si512();
    w[15] = _mm512_set1_epi32((64 + 20) * 8);
    key_state(j, 1, st);
    A = st[0]; B = st[1]; C = st[2]; D = st[3]; E = st[4];
    MB_BLOCK();
    /* the MACs, big-endian: a 4x4 transpose within 128-bit lanes puts words 0..3 of lane
     * 4q + i in 128-bit lane q of b_i; word 4 of lane l is element l of E, stored alone by a
     * one-element masked store placed so that element l lands at mac + 16 */
    {
        const __m512i be = _mm512_set_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203,
                                            0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203,
                                            0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203,
                                            0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);
        __m512i a0 = _mm512_unpacklo_epi32(A, B), a1 = _mm512_unpackhi_epi32(A, B);
        __m512i a2 = _mm512_unpacklo_epi32(C, D), a3 = _mm512_unpackhi_epi32(C, D);
        b0 = _mm512_shuffle_epi8(_mm512_unpacklo_epi64(a0, a2), be);
        b1 = _mm512_shuffle_epi8(_mm512_unpackhi_epi64(a0, a2), be);
        b2 = _mm512_shuffle_epi8(_mm512_unpacklo_epi64(a1, a3), be);
        b3 = _mm512_shuffle_epi8(_mm512_unpackhi_epi64(a1, a3), be);
        E = _mm512_shuffle_epi8(E, be);
    }
#define MB_MAC(l) do {                                                                      \
        const __m512i b_ = (l) % 4 == 0 ? b0 : (l) % 4 == 1 ? b1 : (l) % 4 == 2 ? b2 : b3;     \
        _mm_storeu_si128((__m128i *)(void *)j[l].mac, _mm512_extracti32x4_epi32(b_, (l) / 4)); \
        _mm512_mask_storeu_epi32((void *)((uintptr_t)j[l].mac + 16 - 4 * (l)), (__mmask16)(1u << (l)), E); \
    } while (0);
    MB_LANES16(MB_MAC)
#undef MB_MAC
    return 1;
}

const ccf_sha1_mb_impl ccf_sha1_mb_impl_avx512 = { "avx512", mb_avx512_supported, 16, mb_avx512_compress,
                                                   mb_avx512_hmac_group };

#else
typedef int ccf_sha1_mb_avx512_unused;   /* ISO C forbids an empty translation unit */
#endif
