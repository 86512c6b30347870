/*
 * SHA-1 compression with the x86 SHA extensions.
 *
 * SHA1RNDS4 runs four rounds on ABCD (A in the high lane) with the round function chosen by
 * its immediate (0..3 for t = 0-19, 20-39, 40-59, 60-79); SHA1NEXTE adds ROTL30(E) of the
 * previous group to the next four schedule words; SHA1MSG1/SHA1MSG2 and one XOR compute the
 * schedule W_t = ROTL1(W_{t-3} ^ W_{t-8} ^ W_{t-14} ^ W_{t-16}) four words at a time.
 * Group g (rounds 4g..4g+3) uses msg[g % 4]; while it runs, msg[(g+1) % 4] is finished (MSG2),
 * msg[(g+3) % 4] is started (MSG1) and msg[(g+2) % 4] takes the XOR, so each word is ready
 * three groups after it was begun.
 */
#include "ccf_sha1.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include "ccf_cpu.h"
#include <immintrin.h>

static int shani_supported(void)
{
    return ccf_cpu_has(CCF_CPU_SHA_NI | CCF_CPU_SSSE3 | CCF_CPU_SSE41);
}

/* One group of four rounds; g is a literal so the conditions fold at compile time. */
#define GROUP(g, f) do {                                                               \
        if ((g) == 0) {                                                                \
            e0 = _mm_add_epi32(e0, m[0]);                                              \
        } else if ((g) & 1) {                                                          \
            e1 = _mm_sha1nexte_epu32(e1, m[(g) & 3]);                                  \
        } else {                                                                       \
            e0 = _mm_sha1nexte_epu32(e0, m[(g) & 3]);                                  \
        }                                                                              \
        if ((g) >= 3 && (g) <= 18)                                                     \
            m[((g) + 1) & 3] = _mm_sha1msg2_epu32(m[((g) + 1) & 3], m[(g) & 3]);      \
        if ((g) & 1) { e0 = abcd; abcd = _mm_sha1rnds4_epu32(abcd, e1, f); }           \
        else         { e1 = abcd; abcd = _mm_sha1rnds4_epu32(abcd, e0, f); }           \
        if ((g) >= 1 && (g) <= 16)                                                     \
            m[((g) + 3) & 3] = _mm_sha1msg1_epu32(m[((g) + 3) & 3], m[(g) & 3]);      \
        if ((g) >= 2 && (g) <= 17)                                                     \
            m[((g) + 2) & 3] = _mm_xor_si128(m[((g) + 2) & 3], m[(g) & 3]);           \
    } while (0)

/* One block m[0..3] (big-endian words, W0 in the high lane of m[0]) into abcd/e0. */
CCF_TARGET("sha,sse4.1,ssse3")
static inline void shani_block(__m128i *abcd_io, __m128i *e0_io, __m128i m0, __m128i m1, __m128i m2, __m128i m3)
{
    __m128i abcd = *abcd_io, e0 = *e0_io, e1, abcd_save = abcd, e0_save = e0, m[4];
    m[0] = m0; m[1] = m1; m[2] = m2; m[3] = m3;
    GROUP(0, 0);  GROUP(1, 0);  GROUP(2, 0);  GROUP(3, 0);  GROUP(4, 0);
    GROUP(5, 1);  GROUP(6, 1);  GROUP(7, 1);  GROUP(8, 1);  GROUP(9, 1);
    GROUP(10, 2); GROUP(11, 2); GROUP(12, 2); GROUP(13, 2); GROUP(14, 2);
    GROUP(15, 3); GROUP(16, 3); GROUP(17, 3); GROUP(18, 3); GROUP(19, 3);
    /* group 19 used e1 and left the state before it in e0: E += ROTL30(A of that state) */
    *e0_io = _mm_sha1nexte_epu32(e0, e0_save);
    *abcd_io = _mm_add_epi32(abcd, abcd_save);
}

#define BSWAP_MASK _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL)
#define LOAD_WORDS(p) _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p)), BSWAP_MASK)

CCF_TARGET("sha,sse4.1,ssse3")
static void shani_compress(uint32_t h[5], const uint8_t *p, size_t nblocks)
{
    __m128i abcd, e0;
    abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)h), 0x1B);
    e0 = _mm_set_epi32((int)h[4], 0, 0, 0);
    for (; nblocks--; p += 64)
        shani_block(&abcd, &e0, LOAD_WORDS(p), LOAD_WORDS(p + 16), LOAD_WORDS(p + 32), LOAD_WORDS(p + 48));
    _mm_storeu_si128((__m128i *)(void *)h, _mm_shuffle_epi32(abcd, 0x1B));
    h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}

/*
 * HMAC-SHA1 of m1 || m2 (len2 <= 56) from the precomputed states: the whole blocks of m1 are
 * read in place, the tail with m2 and the padding is built in one or two stack blocks, and the
 * outer block is made in registers from the inner digest (which is its first five words).
 */
CCF_TARGET("sha,sse4.1,ssse3")
static void shani_hmac(const uint32_t inner[5], const uint32_t outer[5], const uint8_t *m1, size_t len1,
                       const uint8_t *m2, size_t len2, uint8_t mac[20])
{
    uint8_t tail[128];
    size_t whole = len1 & ~(size_t)63, rest = len1 - whole, tl;
    uint64_t bits = (uint64_t)(64 + len1 + len2) * 8;
    __m128i abcd, e0, oabcd, oe0;
    const uint8_t *p;
    abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)inner), 0x1B);
    e0 = _mm_set_epi32((int)inner[4], 0, 0, 0);
    for (p = m1; p < m1 + whole; p += 64)
        shani_block(&abcd, &e0, LOAD_WORDS(p), LOAD_WORDS(p + 16), LOAD_WORDS(p + 32), LOAD_WORDS(p + 48));
    if (rest)
        memcpy(tail, m1 + whole, rest);
    if (len2)
        memcpy(tail + rest, m2, len2);
    tl = rest + len2;                                   /* < 128 */
    tail[tl] = 0x80;
    if (tl + 9 > 64) {
        memset(tail + tl + 1, 0, 128 - 8 - tl - 1);
        ccf_store64_be(tail + 120, bits);
        shani_block(&abcd, &e0, LOAD_WORDS(tail), LOAD_WORDS(tail + 16), LOAD_WORDS(tail + 32), LOAD_WORDS(tail + 48));
        p = tail + 64;
    } else {
        memset(tail + tl + 1, 0, 64 - 8 - tl - 1);
        ccf_store64_be(tail + 56, bits);
        p = tail;
    }
    shani_block(&abcd, &e0, LOAD_WORDS(p), LOAD_WORDS(p + 16), LOAD_WORDS(p + 32), LOAD_WORDS(p + 48));
    /* outer block: W0..W3 = abcd as held (A in the high lane), W4 = E, then 0x80, the length */
    oabcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)outer), 0x1B);
    oe0 = _mm_set_epi32((int)outer[4], 0, 0, 0);
    shani_block(&oabcd, &oe0, abcd,
                _mm_blend_epi16(e0, _mm_set_epi32(0, (int)0x80000000u, 0, 0), 0x3F),
                _mm_setzero_si128(), _mm_set_epi32(0, 0, 0, (64 + 20) * 8));
    _mm_storeu_si128((__m128i *)(void *)mac, _mm_shuffle_epi8(oabcd, BSWAP_MASK));
    ccf_store32_be(mac + 16, (uint32_t)_mm_extract_epi32(oe0, 3));
    ccf_memzero(tail, sizeof(tail));
}

const ccf_sha1_impl ccf_sha1_impl_shani = { "sha-ni", shani_supported, shani_compress, shani_hmac };

#endif /* CCF_HAVE_X86_INTRIN */
