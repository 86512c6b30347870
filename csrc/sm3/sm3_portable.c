/*
 * SM3 compression function in portable C (GB/T 32905-2016 section 5.3).
 *
 * The 64 rounds are split at j = 16 (where FF, GG and T change), unrolled by four with the
 * eight state words renamed instead of shifted, and the rotated constants T_j <<< j come from
 * a table of public constants.  SM3 has no key and no data-dependent branch or address.
 */
#include "ccf_sm3.h"

static int portable_supported(void) { return 1; }

#define P0(x) ((x) ^ ccf_rotl32((x), 9) ^ ccf_rotl32((x), 17))
#define P1(x) ((x) ^ ccf_rotl32((x), 15) ^ ccf_rotl32((x), 23))
#define FF0(x, y, z) ((x) ^ (y) ^ (z))
#define FF1(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define GG0(x, y, z) ((x) ^ (y) ^ (z))
#define GG1(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))

/* T_j <<< (j mod 32), j = 0..63 */
static const uint32_t tj[64] = {
    0x79CC4519u, 0xF3988A32u, 0xE7311465u, 0xCE6228CBu, 0x9CC45197u, 0x3988A32Fu, 0x7311465Eu, 0xE6228CBCu,
    0xCC451979u, 0x988A32F3u, 0x311465E7u, 0x6228CBCEu, 0xC451979Cu, 0x88A32F39u, 0x11465E73u, 0x228CBCE6u,
    0x9D8A7A87u, 0x3B14F50Fu, 0x7629EA1Eu, 0xEC53D43Cu, 0xD8A7A879u, 0xB14F50F3u, 0x629EA1E7u, 0xC53D43CEu,
    0x8A7A879Du, 0x14F50F3Bu, 0x29EA1E76u, 0x53D43CECu, 0xA7A879D8u, 0x4F50F3B1u, 0x9EA1E762u, 0x3D43CEC5u,
    0x7A879D8Au, 0xF50F3B14u, 0xEA1E7629u, 0xD43CEC53u, 0xA879D8A7u, 0x50F3B14Fu, 0xA1E7629Eu, 0x43CEC53Du,
    0x879D8A7Au, 0x0F3B14F5u, 0x1E7629EAu, 0x3CEC53D4u, 0x79D8A7A8u, 0xF3B14F50u, 0xE7629EA1u, 0xCEC53D43u,
    0x9D8A7A87u, 0x3B14F50Fu, 0x7629EA1Eu, 0xEC53D43Cu, 0xD8A7A879u, 0xB14F50F3u, 0x629EA1E7u, 0xC53D43CEu,
    0x8A7A879Du, 0x14F50F3Bu, 0x29EA1E76u, 0x53D43CECu, 0xA7A879D8u, 0x4F50F3B1u, 0x9EA1E762u, 0x3D43CEC5u,
};

/* One round with the state words in the order given; only b, d, f, h change meaning:
 * instead of shifting the eight words every round, the callers rotate the argument list. */
#define ROUND(a, b, c, d, e, f, g, h, j, FF, GG) do {                          \
        uint32_t a12 = ccf_rotl32(a, 12);                                      \
        uint32_t ss1 = ccf_rotl32(a12 + e + tj[j], 7);                         \
        uint32_t tt1 = FF(a, b, c) + d + (ss1 ^ a12) + (w[j] ^ w[(j) + 4]);    \
        uint32_t tt2 = GG(e, f, g) + h + ss1 + w[j];                           \
        b = ccf_rotl32(b, 9);                                                  \
        f = ccf_rotl32(f, 19);                                                 \
        d = tt1;                                                               \
        h = P0(tt2);                                                           \
    } while (0)

#define ROUNDS4(j, FF, GG) do {                                                \
        ROUND(A, B, C, D, E, F, G, H, (j), FF, GG);                            \
        ROUND(D, A, B, C, H, E, F, G, (j) + 1, FF, GG);                        \
        ROUND(C, D, A, B, G, H, E, F, (j) + 2, FF, GG);                        \
        ROUND(B, C, D, A, F, G, H, E, (j) + 3, FF, GG);                        \
    } while (0)

static void portable_compress(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
    uint32_t w[68];
    while (nblocks--) {
        uint32_t A = h[0], B = h[1], C = h[2], D = h[3], E = h[4], F = h[5], G = h[6], H = h[7];
        int j;
        for (j = 0; j < 16; j++)                                   /* 5.3.2 message expansion */
            w[j] = ccf_load32_be(p + 4 * j);
        for (j = 16; j < 68; j++)
            w[j] = P1(w[j - 16] ^ w[j - 9] ^ ccf_rotl32(w[j - 3], 15)) ^ ccf_rotl32(w[j - 13], 7) ^ w[j - 6];
        for (j = 0; j < 16; j += 4)                                /* 5.3.3 compression */
            ROUNDS4(j, FF0, GG0);
        for (j = 16; j < 64; j += 4)
            ROUNDS4(j, FF1, GG1);
        h[0] ^= A; h[1] ^= B; h[2] ^= C; h[3] ^= D;
        h[4] ^= E; h[5] ^= F; h[6] ^= G; h[7] ^= H;
        p += 64;
    }
    ccf_memzero(w, sizeof(w));
}

const ccf_sm3_impl ccf_sm3_impl_portable = { "portable", portable_supported, portable_compress };
