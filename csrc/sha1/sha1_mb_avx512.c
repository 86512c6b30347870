/*
 * Multi-buffer SHA-1 with AVX-512: sixteen messages at once, one per 32-bit lane of a 512-bit
 * register (FIPS 180-4 6.1.2; the rounds are in sha1_mb_tmpl.h).  VPROLD rotates in one
 * instruction and VPTERNLOGD computes each round function (choose 0xCA, parity 0x96, majority
 * 0xE8) and the three-term XOR of the schedule.  The message words are word-sliced by two 8x8
 * transposes joined into 512-bit registers.
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

/* The chaining values of 16 keys (inner or outer), word-sliced; one broadcast per word when
 * the jobs share a key (an SRTP batch of one session). */
CCF_TARGET("avx512f,avx2")
static void key_state(const ccf_hmac_sha1_job *j, int outer, __m512i st[5])
{
    uint32_t t[5][16];
    int i, l, same = 1;
    for (l = 1; l < 16; l++)
        same &= j[l].key == j[0].key;
    if (same) {
        const uint32_t *h = outer ? j[0].key->outer : j[0].key->inner;
        for (i = 0; i < 5; i++)
            st[i] = _mm512_set1_epi32((int)h[i]);
        return;
    }
    for (l = 0; l < 16; l++)
        for (i = 0; i < 5; i++)
            t[i][l] = outer ? j[l].key->outer[i] : j[l].key->inner[i];
    for (i = 0; i < 5; i++)
        st[i] = _mm512_loadu_si512((const void *)t[i]);
    ccf_memzero(t, sizeof(t));
}

/* A 64-bit byte mask of the first n (0..64 and beyond) bytes of a block. */
static uint64_t low_bytes(size_t n) { return n >= 64 ? ~0ull : (1ull << n) - 1; }

/*
 * HMAC-SHA1 of 16 jobs of one shape (ccf_sha1_mb_impl.hmac_group): the whole blocks of m1 read
 * in place; the tail blocks (the rest of m1, m2, the padding) assembled per lane with masked
 * byte loads, which read nothing past m1 + len1 or m2 + len2; the outer block taken straight
 * from the inner digest in the registers (its words are the digest words, already sliced).
 */
CCF_TARGET("avx512f,avx512bw,avx2")
static int mb_avx512_hmac_group(ccf_hmac_sha1_job *j)
{
    MB_KEYS;
    CCF_ALIGN(64) uint8_t tails[16][128];
    CCF_ALIGN(64) uint8_t pad[128];
    uint32_t out[5][16];
    const uint8_t *ptrs[16];
    const size_t len1 = j[0].len1, len2 = j[0].len2, whole = len1 / 64, rest = len1 % 64;
    const size_t ntail = (rest + len2 + 9 + 63) / 64;              /* 1 to 3 */
    __m512i w[16], st[5], p0, p1;
    __m512i A, B, C, D, E;
    __mmask64 k_rest, k_m2lo, k_m2hi;
    size_t off, i;
    unsigned l;
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
    for (l = 0; l < 16; l++) {
        const uint8_t *m1 = j[l].m1 + 64 * whole;
        /* m2 read as if it were placed at offset rest (masked: only its own bytes are read) */
        const uint8_t *m2 = (const uint8_t *)((uintptr_t)j[l].m2 - rest);
        __m512i b0 = _mm512_or_si512(_mm512_maskz_loadu_epi8(k_rest, m1), p0);
        b0 = _mm512_or_si512(b0, _mm512_maskz_loadu_epi8(k_m2lo, m2));
        _mm512_store_si512((void *)tails[l], b0);
        if (ntail == 2)
            _mm512_store_si512((void *)(tails[l] + 64),
                               _mm512_or_si512(_mm512_maskz_loadu_epi8(k_m2hi, m2 + 64), p1));
        ptrs[l] = j[l].m1;
    }
    key_state(j, 0, st);
    A = st[0]; B = st[1]; C = st[2]; D = st[3]; E = st[4];
    for (off = 0; off < 64 * whole; off += 64) {
        MB_LOAD_BLOCKS(w, ptrs, off);
        MB_BLOCK();
    }
    for (l = 0; l < 16; l++)
        ptrs[l] = tails[l];
    for (off = 0; off < 64 * ntail; off += 64) {
        MB_LOAD_BLOCKS(w, ptrs, off);
        MB_BLOCK();
    }
    /* outer: one block of the 20-byte inner digest, 0x80, zeros, bit length (64 + 20) * 8 */
    w[0] = A; w[1] = B; w[2] = C; w[3] = D; w[4] = E;
    w[5] = _mm512_set1_epi32((int)0x80000000u);
    for (i = 6; i < 15; i++)
        w[i] = _mm512_setzero_si512();
    w[15] = _mm512_set1_epi32((64 + 20) * 8);
    key_state(j, 1, st);
    A = st[0]; B = st[1]; C = st[2]; D = st[3]; E = st[4];
    MB_BLOCK();
    _mm512_storeu_si512((void *)out[0], A);
    _mm512_storeu_si512((void *)out[1], B);
    _mm512_storeu_si512((void *)out[2], C);
    _mm512_storeu_si512((void *)out[3], D);
    _mm512_storeu_si512((void *)out[4], E);
    for (l = 0; l < 16; l++)
        for (i = 0; i < 5; i++)
            ccf_store32_be(j[l].mac + 4 * i, out[i][l]);
    /* message bytes, inner digests, the schedule */
    ccf_memzero(tails, sizeof(tails));
    ccf_memzero(w, sizeof(w));
    ccf_memzero(st, sizeof(st));
    ccf_memzero(out, sizeof(out));
    return 1;
}

const ccf_sha1_mb_impl ccf_sha1_mb_impl_avx512 = { "avx512", mb_avx512_supported, 16, mb_avx512_compress,
                                                   mb_avx512_hmac_group };

#else
typedef int ccf_sha1_mb_avx512_unused;   /* ISO C forbids an empty translation unit */
#endif
