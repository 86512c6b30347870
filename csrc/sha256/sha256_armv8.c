/*
 * SHA-256 compression with the ARMv8 Cryptography Extensions (SHA256H/SHA256H2,
 * SHA256SU0/SHA256SU1).
 *
 * Each group of four rounds g = 0..15 adds the round constants to schedule words msg[g % 4];
 * SHA256H updates ABCD and SHA256H2 updates EFGH from the ABCD before the group.  After its use
 * in group g < 12, msg[g % 4] is replaced by the words of group g + 4:
 * SHA256SU1(SHA256SU0(W_g, W_g+1), W_g+2, W_g+3) computes W_t = sigma1(W_{t-2}) + W_{t-7} +
 * sigma0(W_{t-15}) + W_{t-16} for four t at once.
 * Functions using the instructions are compiled for the crypto extension one by one.
 */
#include "ccf_sha256.h"

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

static int armv8_supported(void) { return ccf_cpu_has(CCF_CPU_ARM_SHA2); }

#define GROUP(g) do {                                                                 \
        uint32x4_t wk_ = vaddq_u32(m[(g) & 3], vld1q_u32(ccf_sha256_k + 4 * (g)));    \
        uint32x4_t abcd0_ = abcd;                                                     \
        if ((g) < 12)                                                                 \
            m[(g) & 3] = vsha256su1q_u32(vsha256su0q_u32(m[(g) & 3], m[((g) + 1) & 3]), \
                                         m[((g) + 2) & 3], m[((g) + 3) & 3]);         \
        abcd = vsha256hq_u32(abcd, efgh, wk_);                                        \
        efgh = vsha256h2q_u32(efgh, abcd0_, wk_);                                     \
    } while (0)

CE static void armv8_compress(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
    uint32x4_t abcd = vld1q_u32(h), efgh = vld1q_u32(h + 4), abcd_save, efgh_save, m[4];
    for (; nblocks--; p += 64) {
        abcd_save = abcd;
        efgh_save = efgh;
        m[0] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p)));
        m[1] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16)));
        m[2] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 32)));
        m[3] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 48)));
        GROUP(0);  GROUP(1);  GROUP(2);  GROUP(3);
        GROUP(4);  GROUP(5);  GROUP(6);  GROUP(7);
        GROUP(8);  GROUP(9);  GROUP(10); GROUP(11);
        GROUP(12); GROUP(13); GROUP(14); GROUP(15);
        abcd = vaddq_u32(abcd, abcd_save);
        efgh = vaddq_u32(efgh, efgh_save);
    }
    vst1q_u32(h, abcd);
    vst1q_u32(h + 4, efgh);
}

const ccf_sha256_impl ccf_sha256_impl_armv8 = { "armv8-ce", armv8_supported, armv8_compress };

#endif /* CCF_HAVE_ARM_INTRIN */
