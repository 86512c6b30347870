/*
 * SM3 compression with the ARMv8.2 SM3 instructions (GB/T 32905-2016 5.3; Arm ARM C7.2
 * SM3SS1, SM3TT1A/B, SM3TT2A/B, SM3PARTW1/2).
 *
 * State registers hold the words high lane first: abcd = {D, C, B, A} (A in lane 3),
 * efgh = {H, G, F, E}.  Per round j: SM3SS1 gives SS1 in lane 3 from A, E and T_j <<< j;
 * SM3TT1A/B (FF0 / FF1) computes TT1 with W'_j and shifts abcd (B <<< 9); SM3TT2A/B (GG0 / GG1)
 * computes P0(TT2) with W_j and shifts efgh (F <<< 19).
 * Message expansion (5.3.2), four words per step from s0..s3 = W_{j..j+15}:
 *   SM3PARTW1(W_{k-9}, W_{k-16}, s3) = P1(W_{k-16} ^ W_{k-9} ^ (W_{k-3} <<< 15)) with the
 *   last lane's W_{k-3} = W_{j+16} still missing, SM3PARTW2 adds (W_{k-13} <<< 7) ^ W_{k-6} and
 *   the missing term (P1 is linear over XOR).
 */
#include "sm3_impls.h"

#if defined(CCF_HAVE_ARM_INTRIN)
#include <arm_neon.h>
#include "ccf_cpu.h"

static int armv8_supported(void) { return ccf_cpu_has(CCF_CPU_ARM_SM3); }

/* Four rounds from j with message words s = W_{j..j+3}, sn = W_{j+4..j+7}; TT = A or B. */
#define ARMV8_ROUNDS4(j, s, sn, TT) do {                                             \
        uint32x4_t wp_ = veorq_u32((s), (sn));                                       \
        ARMV8_ROUND((j), 0, s, wp_, TT);                                             \
        ARMV8_ROUND((j) + 1, 1, s, wp_, TT);                                         \
        ARMV8_ROUND((j) + 2, 2, s, wp_, TT);                                         \
        ARMV8_ROUND((j) + 3, 3, s, wp_, TT);                                         \
    } while (0)

#define ARMV8_ROUND(j, lane, s, wp, TT) do {                                         \
        uint32x4_t t_ = vsetq_lane_u32(ccf_sm3_tj[j], vdupq_n_u32(0), 3);            \
        uint32x4_t ss1_ = vsm3ss1q_u32(abcd, efgh, t_);                              \
        abcd = vsm3tt1##TT##q_u32(abcd, ss1_, (wp), (lane));                         \
        efgh = vsm3tt2##TT##q_u32(efgh, ss1_, (s), (lane));                          \
    } while (0)

/* s4 = W_{j+16..j+19} from s0..s3 = W_{j..j+15} */
#define ARMV8_EXPAND(s4, s0, s1, s2, s3) do {                                        \
        uint32x4_t w9_ = vextq_u32((s1), (s2), 3);      /* W_{k-9} */                \
        uint32x4_t w13_ = vextq_u32((s0), (s1), 3);     /* W_{k-13} */               \
        uint32x4_t w6_ = vextq_u32((s2), (s3), 2);      /* W_{k-6} */                \
        s4 = vsm3partw1q_u32(w9_, (s0), (s3));                                       \
        s4 = vsm3partw2q_u32(s4, w6_, w13_);                                         \
    } while (0)

/* {x0, x1, x2, x3} -> {x3, x2, x1, x0} */
#define REV4(x) vextq_u32(vrev64q_u32(x), vrev64q_u32(x), 2)

CCF_TARGET("arch=armv8.2-a+sm4")
static void armv8_compress(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
    uint32x4_t abcd = REV4(vld1q_u32(h)), efgh = REV4(vld1q_u32(h + 4));
    while (nblocks--) {
        uint32x4_t abcd0 = abcd, efgh0 = efgh;
        uint32x4_t s0 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p)));
        uint32x4_t s1 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16)));
        uint32x4_t s2 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 32)));
        uint32x4_t s3 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 48)));
        uint32x4_t s4;
        int j;
        ARMV8_EXPAND(s4, s0, s1, s2, s3);
        ARMV8_ROUNDS4(0, s0, s1, a);
        ARMV8_EXPAND(s0, s1, s2, s3, s4);
        ARMV8_ROUNDS4(4, s1, s2, a);
        ARMV8_EXPAND(s1, s2, s3, s4, s0);
        ARMV8_ROUNDS4(8, s2, s3, a);
        ARMV8_EXPAND(s2, s3, s4, s0, s1);
        ARMV8_ROUNDS4(12, s3, s4, a);
        /* from here the registers rotate every five steps; j counts in 20s */
        for (j = 16; j < 56; j += 20) {
            ARMV8_EXPAND(s3, s4, s0, s1, s2);
            ARMV8_ROUNDS4(j, s4, s0, b);
            ARMV8_EXPAND(s4, s0, s1, s2, s3);
            ARMV8_ROUNDS4(j + 4, s0, s1, b);
            ARMV8_EXPAND(s0, s1, s2, s3, s4);
            ARMV8_ROUNDS4(j + 8, s1, s2, b);
            ARMV8_EXPAND(s1, s2, s3, s4, s0);
            ARMV8_ROUNDS4(j + 12, s2, s3, b);
            ARMV8_EXPAND(s2, s3, s4, s0, s1);
            ARMV8_ROUNDS4(j + 16, s3, s4, b);
        }
        /* W_{56..67} are in s4, s0, s1 (the last loop step expanded W_{68..71}, unused) */
        ARMV8_ROUNDS4(56, s4, s0, b);
        ARMV8_ROUNDS4(60, s0, s1, b);
        abcd = veorq_u32(abcd, abcd0);
        efgh = veorq_u32(efgh, efgh0);
        p += 64;
    }
    vst1q_u32(h, REV4(abcd));
    vst1q_u32(h + 4, REV4(efgh));
}

const ccf_sm3_impl ccf_sm3_impl_armv8 = { "armv8", armv8_supported, armv8_compress };

#else
typedef int ccf_sm3_armv8_unused;   /* ISO C forbids an empty translation unit */
#endif
