/*
 * SM3 compression function in portable C (GB/T 32905-2016 section 5.3).
 *
 * Message expansion (5.3.2) into W_0..W_67, then the 64 rounds fully unrolled
 * with the state words renamed instead of shifted (CCF_SM3_ROUNDS64 in sm3_impls.h); the
 * rotated constants T_j <<< j fold into immediates.  SM3 has no key and no data-dependent
 * branch or address.
 */
#include "sm3_impls.h"

static int portable_supported(void) { return 1; }

/* GCC's SLP vectoriser packs the expansion two words at a time through memory, where each
 * group waits on a store three words back (store-forwarding stalls, three times slower). */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-vectorize")))
#endif
static void portable_compress(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
    uint32_t w[68];
    while (nblocks--) {
        uint32_t A = h[0], B = h[1], C = h[2], D = h[3], E = h[4], F = h[5], G = h[6], H = h[7];
        int j;
        for (j = 0; j < 16; j++)                                   /* 5.3.2 message expansion */
            w[j] = ccf_load32_be(p + 4 * j);
        for (j = 16; j < 68; j++)
            w[j] = CCF_SM3_P1(w[j - 16] ^ w[j - 9] ^ ccf_rotl32(w[j - 3], 15)) ^ ccf_rotl32(w[j - 13], 7) ^ w[j - 6];
        CCF_SM3_ROUNDS64();                                        /* 5.3.3 compression */
        h[0] ^= A; h[1] ^= B; h[2] ^= C; h[3] ^= D;
        h[4] ^= E; h[5] ^= F; h[6] ^= G; h[7] ^= H;
        p += 64;
    }
    /* w holds only message words; wiped because callers may hash secrets (HMAC keys). */
    ccf_memzero(w, sizeof(w));
}

const ccf_sm3_impl ccf_sm3_impl_portable = { "portable", portable_supported, portable_compress };
