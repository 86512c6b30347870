/*
 * sm4_armv8.c - SM4 by the ARMv8.2 SM4 instructions: SM4E runs four rounds on one block
 * (state words X0..X3 in lanes 0..3, native order), SM4EKEY derives four round keys.
 * Eight blocks are interleaved to cover the instruction latency.
 *
 * GCC 12 needs target("arch=armv8.2-a+sm4") for the intrinsics to inline (PORTABILITY.md).
 */
#include "sm4_impls.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_ARM_INTRIN)
#include <arm_neon.h>

#define TARM "arch=armv8.2-a+sm4"

/* see sm4_impls.h */
CCF_TARGET(TARM) void ccf_sm4_armv8_key_schedule(const uint8_t key[16], uint32_t rk[32])
{
    static const uint32_t fk[4] = { 0xA3B1BAC6u, 0x56AA3350u, 0x677D9197u, 0xB27022DCu };
    uint32_t ck[32];
    uint32x4_t k;
    int i, j;
    for (i = 0; i < 32; i++) {                       /* GB/T 32907 7.3: ck_{i,j} = (4i + j) * 7 */
        uint32_t c = 0;
        for (j = 0; j < 4; j++)
            c = (c << 8) | (uint32_t)(((4 * i + j) * 7) & 0xFF);
        ck[i] = c;
    }
    k = veorq_u32(vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(key))), vld1q_u32(fk));
    for (i = 0; i < 32; i += 4) {
        k = vsm4ekeyq_u32(k, vld1q_u32(ck + i));
        vst1q_u32(rk + i, k);
    }
    k = vdupq_n_u32(0);
    (void)k;
}

CCF_TARGET(TARM) static inline uint32x4_t load_blk(const uint8_t *p)
{
    return vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p)));
}

CCF_TARGET(TARM) static inline void store_blk(uint8_t *p, uint32x4_t x)
{
    /* (X35, X34, X33, X32): reverse the lanes, then each word to big-endian */
    x = vrev64q_u32(x);
    x = vextq_u32(x, x, 2);
    vst1q_u8(p, vrev32q_u8(vreinterpretq_u8_u32(x)));
}

CCF_TARGET(TARM) static void armv8_blocks(const uint32_t rk[32], const uint8_t *in, uint8_t *out, size_t n)
{
    uint32x4_t k[8];
    int i, b;
    for (i = 0; i < 8; i++)
        k[i] = vld1q_u32(rk + 4 * i);
    for (; n >= 8; n -= 8, in += 128, out += 128) {
        uint32x4_t x[8];
        for (b = 0; b < 8; b++)
            x[b] = load_blk(in + 16 * b);
        for (i = 0; i < 8; i++)
            for (b = 0; b < 8; b++)
                x[b] = vsm4eq_u32(x[b], k[i]);
        for (b = 0; b < 8; b++)
            store_blk(out + 16 * b, x[b]);
    }
    for (; n; n--, in += 16, out += 16) {
        uint32x4_t x = load_blk(in);
        for (i = 0; i < 8; i++)
            x = vsm4eq_u32(x, k[i]);
        store_blk(out, x);
    }
}

static int armv8_supported(void) { return ccf_cpu_has(CCF_CPU_ARM_SM4); }

const ccf_sm4_impl ccf_sm4_impl_armv8 = { "armv8-sm4", armv8_supported, armv8_blocks, 8, NULL };

#endif /* CCF_HAVE_ARM_INTRIN */
