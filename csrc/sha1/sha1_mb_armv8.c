/*
 * Multi-buffer SHA-1 with the ARMv8 Cryptography Extensions: four independent compression
 * chains interleaved group by group (the rounds as in sha1_armv8.c: SHA1C/SHA1P/SHA1M on
 * ABCD with the group's E, SHA1H for the next E, SHA1SU0/SHA1SU1 for the schedule).  Each
 * SHA1C/P/M waits for the one before; issuing the same group for four messages keeps the
 * crypto unit busy while each chain waits.  The 32 vector registers hold the four states and
 * schedules.  The state is word-sliced (ccf_sha1_mb.h).
 */
#include "ccf_sha1_mb.h"

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

#define NS 4

static int mb_armv8_supported(void) { return ccf_cpu_has(CCF_CPU_ARM_SHA1); }

#define GROUP1(s, g, OP, K) do {                                                           \
        uint32x4_t t_ = vaddq_u32(m[s][(g) & 3], K);                                       \
        uint32_t e_next = vsha1h_u32(vgetq_lane_u32(abcd[s], 0));                          \
        abcd[s] = OP(abcd[s], e[s], t_);                                                   \
        e[s] = e_next;                                                                     \
        if ((g) < 16)                                                                      \
            m[s][(g) & 3] = vsha1su1q_u32(vsha1su0q_u32(m[s][(g) & 3], m[s][((g) + 1) & 3], \
                                                        m[s][((g) + 2) & 3]), m[s][((g) + 3) & 3]); \
    } while (0)

#define GROUP(g, OP, K) do { GROUP1(0, g, OP, K); GROUP1(1, g, OP, K);                     \
                             GROUP1(2, g, OP, K); GROUP1(3, g, OP, K); } while (0)

CE static void mb_armv8_compress(uint32_t *state, const uint8_t *const *ptrs, size_t nblocks)
{
    const uint32x4_t k0 = vdupq_n_u32(0x5A827999u), k1 = vdupq_n_u32(0x6ED9EBA1u);
    const uint32x4_t k2 = vdupq_n_u32(0x8F1BBCDCu), k3 = vdupq_n_u32(0xCA62C1D6u);
    uint32x4_t abcd[NS], abcd0[NS], m[NS][4];
    uint32_t e[NS], e0[NS];
    size_t off;
    int s, i;
    for (s = 0; s < NS; s++) {
        uint32_t h[4];
        for (i = 0; i < 4; i++)
            h[i] = state[i * NS + s];
        abcd[s] = vld1q_u32(h);
        e[s] = state[4 * NS + s];
    }
    for (off = 0; off < 64 * nblocks; off += 64) {
        for (s = 0; s < NS; s++) {
            abcd0[s] = abcd[s];
            e0[s] = e[s];
            for (i = 0; i < 4; i++)
                m[s][i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(ptrs[s] + off + 16 * i)));
        }
        GROUP(0, vsha1cq_u32, k0);  GROUP(1, vsha1cq_u32, k0);  GROUP(2, vsha1cq_u32, k0);
        GROUP(3, vsha1cq_u32, k0);  GROUP(4, vsha1cq_u32, k0);
        GROUP(5, vsha1pq_u32, k1);  GROUP(6, vsha1pq_u32, k1);  GROUP(7, vsha1pq_u32, k1);
        GROUP(8, vsha1pq_u32, k1);  GROUP(9, vsha1pq_u32, k1);
        GROUP(10, vsha1mq_u32, k2); GROUP(11, vsha1mq_u32, k2); GROUP(12, vsha1mq_u32, k2);
        GROUP(13, vsha1mq_u32, k2); GROUP(14, vsha1mq_u32, k2);
        GROUP(15, vsha1pq_u32, k3); GROUP(16, vsha1pq_u32, k3); GROUP(17, vsha1pq_u32, k3);
        GROUP(18, vsha1pq_u32, k3); GROUP(19, vsha1pq_u32, k3);
        for (s = 0; s < NS; s++) {
            abcd[s] = vaddq_u32(abcd[s], abcd0[s]);
            e[s] += e0[s];
        }
    }
    for (s = 0; s < NS; s++) {
        uint32_t h[4];
        vst1q_u32(h, abcd[s]);
        for (i = 0; i < 4; i++)
            state[i * NS + s] = h[i];
        state[4 * NS + s] = e[s];
    }
}

const ccf_sha1_mb_impl ccf_sha1_mb_impl_armv8 = { "armv8-x4", mb_armv8_supported, NS, mb_armv8_compress, NULL };

#else
typedef int ccf_sha1_mb_armv8_unused;   /* ISO C forbids an empty translation unit */
#endif
