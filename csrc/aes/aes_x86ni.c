/*
 * AES with the AES-NI instructions (x86-64), 8 blocks in flight.
 *
 * Round keys are 16-byte vectors stored from k->sched offset 0 (FIPS 197 order); the VAES
 * kernels and the GCM kernels read the same layout.  Every function that uses AES-NI carries
 * its own target attribute: the rest of the module is built for the baseline ISA.
 */
#include "aes_impls.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>

#define NI CCF_TARGET("aes,sse4.1")

static int aesni_supported(void) { return ccf_cpu_has(CCF_CPU_AESNI | CCF_CPU_SSE41); }

/* SubWord (FIPS 197 5.2) through AESKEYGENASSIST, whose dword 0 is SubWord of source dword 1. */
NI static uint32_t sub_word_ni(uint32_t w)
{
    __m128i x = _mm_set_epi32(0, 0, (int)w, 0);
    return (uint32_t)_mm_cvtsi128_si32(_mm_aeskeygenassist_si128(x, 0));
}

/*
 * FIPS 197 5.2 a whole round key at a time (AES-128 and AES-256): with t the word
 * SubWord(RotWord(w[i-1])) ^ Rcon (or SubWord(w[i-1]) alone) broadcast to all four dwords,
 * the next four words are the prefix XORs of the previous round key plus t.
 * AESKEYGENASSIST gives SubWord of dword 3 in dword 2, and RotWord of it XOR Rcon in dword 3.
 */
NI static inline __m128i next_key(__m128i prev, __m128i assist)
{
    prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
    prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 8));
    return _mm_xor_si128(prev, assist);
}

#define K128(i, rcon) \
    rk[i] = next_key(rk[(i) - 1], _mm_shuffle_epi32(_mm_aeskeygenassist_si128(rk[(i) - 1], rcon), 0xFF))
#define K256(i, rcon) do { \
        rk[i] = next_key(rk[(i) - 2], _mm_shuffle_epi32(_mm_aeskeygenassist_si128(rk[(i) - 1], rcon), 0xFF)); \
        if ((i) < 14) \
            rk[(i) + 1] = next_key(rk[(i) - 1], _mm_shuffle_epi32(_mm_aeskeygenassist_si128(rk[i], 0), 0xAA)); \
    } while (0)

NI static void expand128(ccf_aes_key *k, const uint8_t *key)
{
    __m128i rk[11];
    int i;
    rk[0] = _mm_loadu_si128((const __m128i *)key);
    K128(1, 0x01); K128(2, 0x02); K128(3, 0x04); K128(4, 0x08); K128(5, 0x10);
    K128(6, 0x20); K128(7, 0x40); K128(8, 0x80); K128(9, 0x1B); K128(10, 0x36);
    for (i = 0; i < 11; i++)
        _mm_storeu_si128((__m128i *)((uint8_t *)k->sched + 16 * i), rk[i]);
    ccf_memzero(rk, sizeof(rk));
}

NI static void expand256(ccf_aes_key *k, const uint8_t *key)
{
    __m128i rk[15];
    int i;
    rk[0] = _mm_loadu_si128((const __m128i *)key);
    rk[1] = _mm_loadu_si128((const __m128i *)(key + 16));
    K256(2, 0x01); K256(4, 0x02); K256(6, 0x04); K256(8, 0x08); K256(10, 0x10); K256(12, 0x20); K256(14, 0x40);
    for (i = 0; i < 15; i++)
        _mm_storeu_si128((__m128i *)((uint8_t *)k->sched + 16 * i), rk[i]);
    ccf_memzero(rk, sizeof(rk));
}

/* The key expansion of FIPS 197 5.2, word by word (AES-192; the others have the functions
 * above).  Not a hot path. */
NI static void aesni_expand(ccf_aes_key *k, const uint8_t *key, size_t key_len)
{
    uint32_t w[60];
    unsigned nk = (unsigned)(key_len / 4), total = 4 * (k->rounds + 1), i;
    uint32_t rcon = 1;
    if (key_len == 16) {
        expand128(k, key);
        return;
    }
    if (key_len == 32) {
        expand256(k, key);
        return;
    }
    for (i = 0; i < nk; i++)
        w[i] = ccf_load32_le(key + 4 * i);
    for (i = nk; i < total; i++) {
        uint32_t t = w[i - 1];
        if (i % nk == 0) {
            t = sub_word_ni((t >> 8) | (t << 24)) ^ rcon;
            rcon = (rcon << 1) ^ (0x11B & (0u - (rcon >> 7)));
        } else if (nk > 6 && i % nk == 4) {
            t = sub_word_ni(t);
        }
        w[i] = w[i - nk] ^ t;
    }
    for (i = 0; i < total; i++)
        ccf_store32_le((uint8_t *)k->sched + 4 * i, w[i]);
    ccf_memzero(w, sizeof(w));
}

#define RK(k, i) _mm_loadu_si128((const __m128i *)((const uint8_t *)(k)->sched + 16 * (i)))

/* Encrypt the 8 blocks in x[], interleaved.  Callers with fewer blocks still pass 8: short
 * inputs are latency-bound, so the spare blocks are free, and a fixed count unrolls fully. */
NI static inline void encrypt8(const ccf_aes_key *k, __m128i x[8])
{
    unsigned r;
    int j;
    __m128i rk = RK(k, 0);
    for (j = 0; j < 8; j++)
        x[j] = _mm_xor_si128(x[j], rk);
    for (r = 1; r < k->rounds; r++) {
        rk = RK(k, r);
        for (j = 0; j < 8; j++)
            x[j] = _mm_aesenc_si128(x[j], rk);
    }
    rk = RK(k, k->rounds);
    for (j = 0; j < 8; j++)
        x[j] = _mm_aesenclast_si128(x[j], rk);
}

NI static void aesni_encrypt_blocks(const ccf_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    __m128i x[8];
    if (nblocks == 1) {              /* one block (FPE rounds): no spare blocks to carry */
        unsigned r;
        __m128i b = _mm_xor_si128(_mm_loadu_si128((const __m128i *)in), RK(k, 0));
        for (r = 1; r < k->rounds; r++)
            b = _mm_aesenc_si128(b, RK(k, r));
        _mm_storeu_si128((__m128i *)out, _mm_aesenclast_si128(b, RK(k, k->rounds)));
        return;
    }
    while (nblocks > 0) {
        int j, n = nblocks < 8 ? (int)nblocks : 8;
        for (j = 0; j < 8; j++)
            x[j] = j < n ? _mm_loadu_si128((const __m128i *)(in + 16 * j)) : _mm_setzero_si128();
        encrypt8(k, x);
        for (j = 0; j < n; j++)
            _mm_storeu_si128((__m128i *)(out + 16 * j), x[j]);
        in += 16 * n;
        out += 16 * n;
        nblocks -= (size_t)n;
    }
}

/* XOR the keystream blocks x[] into len <= 16*n bytes. */
NI static inline void xor_out(const __m128i *x, const uint8_t *in, uint8_t *out, size_t len)
{
    size_t j = 0;
    for (; j + 16 <= len; j += 16)
        _mm_storeu_si128((__m128i *)(out + j),
                         _mm_xor_si128(_mm_loadu_si128((const __m128i *)(in + j)), x[j / 16]));
    if (j < len) {
        uint8_t ks[16];
        size_t i;
        _mm_storeu_si128((__m128i *)ks, x[j / 16]);
        for (i = 0; j + i < len; i++)
            out[j + i] = (uint8_t)(in[j + i] ^ ks[i]);
        ccf_memzero(ks, sizeof(ks));
    }
}

NI static void aesni_ctr32(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    __m128i base = _mm_loadu_si128((const __m128i *)ctr), x[8];
    uint32_t c = ccf_load32_be(ctr + 12);
    while (len > 0) {
        size_t chunk = len < 128 ? len : 128;
        int j, n = (int)((chunk + 15) / 16);
        for (j = 0; j < 8; j++)      /* inc32: only the last word counts, big-endian */
            x[j] = _mm_insert_epi32(base, (int)ccf_bswap32(c + (uint32_t)j), 3);
        c += (uint32_t)n;
        encrypt8(k, x);
        xor_out(x, in, out, chunk);
        in += chunk;
        out += chunk;
        len -= chunk;
    }
    ccf_store32_be(ctr + 12, c);
}

NI static void aesni_ctr128(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    uint64_t hi = ccf_load64_be(ctr), lo = ccf_load64_be(ctr + 8);
    __m128i x[8];
    while (len > 0) {
        size_t chunk = len < 128 ? len : 128;
        int j, n = (int)((chunk + 15) / 16);
        for (j = 0; j < 8; j++) {
            uint64_t l = lo + (uint64_t)j, h = hi + (l < lo);
            x[j] = _mm_set_epi64x((long long)ccf_bswap64(l), (long long)ccf_bswap64(h));
        }
        hi += (lo + (uint64_t)n) < lo;
        lo += (uint64_t)n;
        encrypt8(k, x);
        xor_out(x, in, out, chunk);
        in += chunk;
        out += chunk;
        len -= chunk;
    }
    ccf_store64_be(ctr, hi);
    ccf_store64_be(ctr + 8, lo);
}

const ccf_aes_impl ccf_aes_impl_aesni = {
    "aesni", aesni_supported, aesni_expand, aesni_encrypt_blocks, aesni_ctr32, aesni_ctr128
};

/* Shared with aes_vaes.c: the AES-NI key expansion (same round-key layout). */
void ccf_aes_x86_expand(ccf_aes_key *k, const uint8_t *key, size_t key_len)
{
    aesni_expand(k, key, key_len);
}

#endif /* CCF_HAVE_X86_INTRIN */
