/*
 * SHA-1 compression with the ARMv8 Cryptography Extensions (SHA1C/SHA1P/SHA1M/SHA1H,
 * SHA1SU0/SHA1SU1).
 *
 * Each group of four rounds g = 0..19 adds the round constant to schedule words msg[g % 4]
 * and runs SHA1C (Ch, t < 20), SHA1P (parity) or SHA1M (Maj, 40 <= t < 60) on ABCD with the E
 * of the group; SHA1H gives the next group's E (ROTL30 of A).  After its use in group g < 16,
 * msg[g % 4] is replaced by the words of group g + 4: SHA1SU1(SHA1SU0(W_g, W_g+1, W_g+2), W_g+3)
 * computes W_t = ROTL1(W_t-3 ^ W_t-8 ^ W_t-14 ^ W_t-16) for four t at once.
 * Functions using the instructions are compiled for "+crypto" one by one (CCF_TARGET).
 */
#include "ccf_sha1.h"

#if defined(CCF_HAVE_ARM_INTRIN)
#include "ccf_cpu.h"
#include <arm_neon.h>

#if defined(CCF_MSVC)
#  define CE
#elif defined(__clang__)
#  define CE CCF_TARGET("sha2")
#else
#  define CE CCF_TARGET("+crypto")
#endif

static int armv8_supported(void) { return ccf_cpu_has(CCF_CPU_ARM_SHA1); }

#define GROUP(g, OP, K) do {                                                          \
        uint32x4_t t_ = vaddq_u32(m[(g) & 3], K);                                     \
        uint32_t e_next = vsha1h_u32(vgetq_lane_u32(abcd, 0));                        \
        abcd = OP(abcd, e, t_);                                                       \
        e = e_next;                                                                   \
        if ((g) < 16)                                                                 \
            m[(g) & 3] = vsha1su1q_u32(vsha1su0q_u32(m[(g) & 3], m[((g) + 1) & 3],   \
                                                     m[((g) + 2) & 3]), m[((g) + 3) & 3]); \
    } while (0)

CE static void armv8_compress(uint32_t h[5], const uint8_t *p, size_t nblocks)
{
    const uint32x4_t k0 = vdupq_n_u32(0x5A827999u), k1 = vdupq_n_u32(0x6ED9EBA1u);
    const uint32x4_t k2 = vdupq_n_u32(0x8F1BBCDCu), k3 = vdupq_n_u32(0xCA62C1D6u);
    uint32x4_t abcd = vld1q_u32(h), abcd0, m[4];
    uint32_t e = h[4], e0;
    while (nblocks--) {
        int i;
        abcd0 = abcd;
        e0 = e;
        for (i = 0; i < 4; i++)
            m[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16 * i)));
        GROUP(0, vsha1cq_u32, k0);  GROUP(1, vsha1cq_u32, k0);  GROUP(2, vsha1cq_u32, k0);
        GROUP(3, vsha1cq_u32, k0);  GROUP(4, vsha1cq_u32, k0);
        GROUP(5, vsha1pq_u32, k1);  GROUP(6, vsha1pq_u32, k1);  GROUP(7, vsha1pq_u32, k1);
        GROUP(8, vsha1pq_u32, k1);  GROUP(9, vsha1pq_u32, k1);
        GROUP(10, vsha1mq_u32, k2); GROUP(11, vsha1mq_u32, k2); GROUP(12, vsha1mq_u32, k2);
        GROUP(13, vsha1mq_u32, k2); GROUP(14, vsha1mq_u32, k2);
        GROUP(15, vsha1pq_u32, k3); GROUP(16, vsha1pq_u32, k3); GROUP(17, vsha1pq_u32, k3);
        GROUP(18, vsha1pq_u32, k3); GROUP(19, vsha1pq_u32, k3);
        abcd = vaddq_u32(abcd, abcd0);
        e += e0;
        p += 64;
    }
    vst1q_u32(h, abcd);
    h[4] = e;
}

const ccf_sha1_impl ccf_sha1_impl_armv8 = { "armv8-ce", armv8_supported, armv8_compress, NULL };

#endif /* CCF_HAVE_ARM_INTRIN */
