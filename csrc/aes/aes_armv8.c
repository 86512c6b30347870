/*
 * AES with the ARMv8 Cryptography Extensions (AESE/AESMC), 8 blocks in flight.
 * Round keys are 16-byte vectors from k->sched offset 0, as on x86.
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

static int armv8_supported(void) { return ccf_cpu_has(CCF_CPU_ARM_AES); }

/* SubWord via AESE with a zero round key: with the word in all four columns, ShiftRows only
 * moves equal bytes, so column 0 is SubWord(w). */
CE static uint32_t sub_word_ce(uint32_t w)
{
    uint8x16_t x = vreinterpretq_u8_u32(vdupq_n_u32(w));
    return vgetq_lane_u32(vreinterpretq_u32_u8(vaeseq_u8(x, vdupq_n_u8(0))), 0);
}

CE static void armv8_expand(ccf_aes_key *k, const uint8_t *key, size_t key_len)
{
    uint32_t w[60];
    unsigned nk = (unsigned)(key_len / 4), total = 4 * (k->rounds + 1), i;
    uint32_t rcon = 1;
    for (i = 0; i < nk; i++)
        w[i] = ccf_load32_le(key + 4 * i);
    for (i = nk; i < total; i++) {
        uint32_t t = w[i - 1];
        if (i % nk == 0) {
            t = sub_word_ce((t >> 8) | (t << 24)) ^ rcon;
            rcon = (rcon << 1) ^ (0x11B & (0u - (rcon >> 7)));
        } else if (nk > 6 && i % nk == 4) {
            t = sub_word_ce(t);
        }
        w[i] = w[i - nk] ^ t;
    }
    for (i = 0; i < total; i++)
        ccf_store32_le((uint8_t *)k->sched + 4 * i, w[i]);
    ccf_memzero(w, sizeof(w));
}

#define RKV(k, i) vld1q_u8((const uint8_t *)(k)->sched + 16 * (i))

/* AESE = AddRoundKey + SubBytes + ShiftRows, AESMC = MixColumns; the last key is XORed. */
CE static inline void encrypt_n(const ccf_aes_key *k, uint8x16_t *x, int n)
{
    unsigned r;
    int j;
    for (r = 0; r + 1 < k->rounds; r++) {
        uint8x16_t rk = RKV(k, r);
        for (j = 0; j < n; j++)
            x[j] = vaesmcq_u8(vaeseq_u8(x[j], rk));
    }
    {
        uint8x16_t rk = RKV(k, k->rounds - 1), last = RKV(k, k->rounds);
        for (j = 0; j < n; j++)
            x[j] = veorq_u8(vaeseq_u8(x[j], rk), last);
    }
}

CE static void armv8_encrypt_blocks(const ccf_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    uint8x16_t x[8];
    while (nblocks > 0) {
        int j, n = nblocks < 8 ? (int)nblocks : 8;
        for (j = 0; j < n; j++)
            x[j] = vld1q_u8(in + 16 * j);
        encrypt_n(k, x, n);
        for (j = 0; j < n; j++)
            vst1q_u8(out + 16 * j, x[j]);
        in += 16 * n; out += 16 * n; nblocks -= (size_t)n;
    }
}

CE static void ctr_common(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out,
                          size_t len, int wide)
{
    uint8_t blocks[128];
    uint8x16_t x[8];
    while (len > 0) {
        size_t chunk = len < 128 ? len : 128, i;
        int j, n = (int)((chunk + 15) / 16);
        for (j = 0; j < n; j++) {
            memcpy(blocks + 16 * j, ctr, 16);
            if (wide) {
                unsigned carry = 1;
                int b;
                for (b = 15; b >= 0; b--) {
                    carry += ctr[b];
                    ctr[b] = (uint8_t)carry;
                    carry >>= 8;
                }
            } else {
                ccf_store32_be(ctr + 12, ccf_load32_be(ctr + 12) + 1);
            }
            x[j] = vld1q_u8(blocks + 16 * j);
        }
        encrypt_n(k, x, n);
        for (j = 0; j < n; j++)
            vst1q_u8(blocks + 16 * j, x[j]);
        for (i = 0; i < chunk; i++)
            out[i] = (uint8_t)(in[i] ^ blocks[i]);
        in += chunk; out += chunk; len -= chunk;
    }
    ccf_memzero(blocks, sizeof(blocks));
}

CE static void armv8_ctr32(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    ctr_common(k, ctr, in, out, len, 0);
}

CE static void armv8_ctr128(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    ctr_common(k, ctr, in, out, len, 1);
}

const ccf_aes_impl ccf_aes_impl_armv8 = {
    "armv8-ce", armv8_supported, armv8_expand, armv8_encrypt_blocks, armv8_ctr32, armv8_ctr128
};

#endif /* CCF_HAVE_ARM_INTRIN */
