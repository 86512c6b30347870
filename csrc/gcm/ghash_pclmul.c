/* GHASH with PCLMULQDQ, 16 blocks per reduction (aggregated with H^16..H^1).  See ghash_x86.h. */
#include "ghash_x86.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_X86_INTRIN)

static int pclmul_supported(void) { return ccf_cpu_has(CCF_CPU_PCLMULQDQ | CCF_CPU_SSSE3 | CCF_CPU_SSE41); }

CCF_GHASH_PCLMUL_TARGET static void pclmul_init(ccf_ghash_key *gk, const uint8_t h[16])
{
    ccf_ghash_x86_init_powers(gk, h);
}

CCF_GHASH_PCLMUL_TARGET static void pclmul_update(const ccf_ghash_key *gk, uint8_t y8[16], const uint8_t *data, size_t len)
{
    __m128i y = ccf_ghash_brev8(_mm_loadu_si128((const __m128i *)y8));
    while (len >= 256) {      /* 16 blocks per reduction; the tail aggregates the rest */
        __m128i lo = _mm_setzero_si128(), mid = lo, hi = lo;
        int j;
        for (j = 15; j >= 0; j--) {       /* the block that depends on y last: shorter chain */
            __m128i b = ccf_ghash_brev8(_mm_loadu_si128((const __m128i *)(data + 16 * j)));
            if (j == 0)
                b = _mm_xor_si128(b, y);
            ccf_ghash_mul_acc(b, CCF_GHASH_X86_POW(gk, 16 - j), &lo, &mid, &hi);
        }
        y = ccf_ghash_reduce(lo, mid, hi);
        data += 256;
        len -= 256;
    }
    y = ccf_ghash_x86_tail(gk, y, data, len);
    _mm_storeu_si128((__m128i *)y8, ccf_ghash_brev8(y));
}

const ccf_ghash_impl ccf_ghash_impl_pclmul = { "pclmulqdq", pclmul_supported, pclmul_init, pclmul_update };

#endif
