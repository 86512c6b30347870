/*
 * AES with the ARMv8 Cryptography Extensions (AESE/AESMC), eight blocks in flight.
 *
 * AESE(x, k) = ShiftRows(SubBytes(x ^ k)) and AESMC = MixColumns, so a FIPS 197 round is
 * AESMC(AESE(x, rk[r])) with the key addition moved to the front; the last round is
 * AESE(x, rk[Nr-1]) ^ rk[Nr].  Round keys are stored as 16-byte vectors from k->sched offset 0
 * (the same bytes as FIPS 197 5.2 w[4r..4r+3]), expanded in C by the constant-time key
 * schedule of aes_ct64.c (no table indexed by key bytes).
 *
 * Functions using the instructions are compiled for "+crypto" one by one (CCF_TARGET); the
 * dispatcher only calls them when the CPU reports AES (ccf_cpu_has(CCF_CPU_ARM_AES)).
 */
#include "aes_impls.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_ARM_INTRIN)
#include <arm_neon.h>

#if defined(CCF_MSVC)
#  define CE
#elif defined(__clang__)
#  define CE CCF_TARGET("crypto")
#else
#  define CE CCF_TARGET("+crypto")
#endif

#if defined(__clang__) && !defined(__ARM_FEATURE_AES) && !defined(__ARM_FEATURE_CRYPTO)
/* clang before 16 declares the AES intrinsics only when the whole file is compiled for +aes
 * (Apple targets are; generic Linux aarch64 is not): use the instructions directly. */
CE static inline uint8x16_t aese(uint8x16_t x, uint8x16_t k)
{
    __asm__(".arch_extension aes\n\taese %0.16b, %1.16b" : "+w"(x) : "w"(k));
    return x;
}
CE static inline uint8x16_t aesmc(uint8x16_t x)
{
    __asm__(".arch_extension aes\n\taesmc %0.16b, %0.16b" : "+w"(x));
    return x;
}
#else
#  define aese(x, k) vaeseq_u8((x), (k))
#  define aesmc(x) vaesmcq_u8(x)
#endif

static int armv8_supported(void) { return ccf_cpu_has(CCF_CPU_ARM_AES); }

static void armv8_expand(ccf_aes_key *k, const uint8_t *key, size_t key_len)
{
    ccf_aes_ct_key_schedule(key, key_len, (uint8_t *)k->sched);
}

/* Round keys into registers once per call (at most 15 of the 32 vector registers). */
CE static inline void load_keys(const ccf_aes_key *k, uint8x16_t rk[15])
{
    unsigned r;
    for (r = 0; r <= k->rounds; r++)
        rk[r] = vld1q_u8((const uint8_t *)k->sched + 16 * r);
}

/* n blocks (1..8) through the cipher, interleaved round by round so the AES pipeline stays full. */
CE static inline void encrypt_n(const uint8x16_t rk[15], unsigned rounds, uint8x16_t *x, int n)
{
    unsigned r;
    int j;
    for (r = 0; r + 1 < rounds; r++)
        for (j = 0; j < n; j++)
            x[j] = aesmc(aese(x[j], rk[r]));
    for (j = 0; j < n; j++)
        x[j] = veorq_u8(aese(x[j], rk[rounds - 1]), rk[rounds]);
}

CE static void armv8_encrypt_blocks(const ccf_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    uint8x16_t rk[15], x[8];
    int j;
    load_keys(k, rk);
    while (nblocks >= 8) {
        for (j = 0; j < 8; j++)
            x[j] = vld1q_u8(in + 16 * j);
        encrypt_n(rk, k->rounds, x, 8);
        for (j = 0; j < 8; j++)
            vst1q_u8(out + 16 * j, x[j]);
        in += 128;
        out += 128;
        nblocks -= 8;
    }
    while (nblocks > 0) {
        x[0] = vld1q_u8(in);
        encrypt_n(rk, k->rounds, x, 1);
        vst1q_u8(out, x[0]);
        in += 16;
        out += 16;
        nblocks--;
    }
}

/* (hi, lo) + n as a 128-bit counter (wide) or with inc32 on the low 32 bits, branch-free
 * (the counter comes from GHASH for GCM nonces other than 96 bits). */
static inline void ctr_add(uint64_t *hi, uint64_t *lo, uint64_t n, int wide)
{
    uint64_t a = *lo, s = a + n;
    if (wide) {
        *hi += ((a & n) | ((a | n) & ~s)) >> 63;
        *lo = s;
    } else {
        *lo = (a & 0xFFFFFFFF00000000u) | (s & 0xFFFFFFFFu);
    }
}

/* The counter block (hi, lo) in big-endian byte order. */
CE static inline uint8x16_t ctr_block(uint64_t hi, uint64_t lo)
{
    return vrev64q_u8(vcombine_u8(vcreate_u8(hi), vcreate_u8(lo)));
}

CE static void ctr_common(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out,
                          size_t len, int wide)
{
    uint8x16_t rk[15], x[8];
    uint64_t hi = ccf_load64_be(ctr), lo = ccf_load64_be(ctr + 8);
    int j;
    load_keys(k, rk);
    while (len >= 128) {
        for (j = 0; j < 8; j++) {
            uint64_t h = hi, l = lo;
            ctr_add(&h, &l, (uint64_t)j, wide);
            x[j] = ctr_block(h, l);
        }
        ctr_add(&hi, &lo, 8, wide);
        encrypt_n(rk, k->rounds, x, 8);
        for (j = 0; j < 8; j++)
            vst1q_u8(out + 16 * j, veorq_u8(vld1q_u8(in + 16 * j), x[j]));
        in += 128;
        out += 128;
        len -= 128;
    }
    if (len > 0) {
        uint8_t ks[128];
        int n = (int)((len + 15) / 16);
        size_t i;
        for (j = 0; j < n; j++) {
            uint64_t h = hi, l = lo;
            ctr_add(&h, &l, (uint64_t)j, wide);
            x[j] = ctr_block(h, l);
        }
        ctr_add(&hi, &lo, (uint64_t)n, wide);
        encrypt_n(rk, k->rounds, x, n);
        for (j = 0; j < n; j++)
            vst1q_u8(ks + 16 * j, x[j]);
        for (i = 0; i < len; i++)
            out[i] = (uint8_t)(in[i] ^ ks[i]);
        ccf_memzero(ks, sizeof(ks));
    }
    ccf_store64_be(ctr, hi);
    ccf_store64_be(ctr + 8, lo);
}

static void armv8_ctr32(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    ctr_common(k, ctr, in, out, len, 0);
}

static void armv8_ctr128(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    ctr_common(k, ctr, in, out, len, 1);
}

const ccf_aes_impl ccf_aes_impl_armv8 = {
    "armv8-ce", armv8_supported, armv8_expand, armv8_encrypt_blocks, armv8_ctr32, armv8_ctr128
};

#endif /* CCF_HAVE_ARM_INTRIN */
