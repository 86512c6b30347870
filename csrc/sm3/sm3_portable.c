/* SM3 compression function in portable C (GB/T 32905-2016 section 5.3). */
#include "ccf_sm3.h"

static int portable_supported(void) { return 1; }

#define P0(x) ((x) ^ ccf_rotl32((x), 9) ^ ccf_rotl32((x), 17))
#define P1(x) ((x) ^ ccf_rotl32((x), 15) ^ ccf_rotl32((x), 23))

static void portable_compress(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
    uint32_t w[68];
    while (nblocks--) {
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        int j;
        for (j = 0; j < 16; j++)                                   /* 5.3.2 message expansion */
            w[j] = ccf_load32_be(p + 4 * j);
        for (j = 16; j < 68; j++)
            w[j] = P1(w[j - 16] ^ w[j - 9] ^ ccf_rotl32(w[j - 3], 15)) ^ ccf_rotl32(w[j - 13], 7) ^ w[j - 6];
        for (j = 0; j < 64; j++) {                                 /* 5.3.3 compression */
            uint32_t t = j < 16 ? 0x79CC4519u : 0x7A879D8Au;
            uint32_t a12 = ccf_rotl32(a, 12);
            uint32_t ss1 = ccf_rotl32(a12 + e + ccf_rotl32(t, (unsigned)j & 31), 7);
            uint32_t ss2 = ss1 ^ a12;
            uint32_t ff = j < 16 ? (a ^ b ^ c) : ((a & b) | (a & c) | (b & c));
            uint32_t gg = j < 16 ? (e ^ f ^ g) : ((e & f) | (~e & g));
            uint32_t tt1 = ff + d + ss2 + (w[j] ^ w[j + 4]);
            uint32_t tt2 = gg + hh + ss1 + w[j];
            d = c;
            c = ccf_rotl32(b, 9);
            b = a;
            a = tt1;
            hh = g;
            g = ccf_rotl32(f, 19);
            f = e;
            e = P0(tt2);
        }
        h[0] ^= a; h[1] ^= b; h[2] ^= c; h[3] ^= d;
        h[4] ^= e; h[5] ^= f; h[6] ^= g; h[7] ^= hh;
        p += 64;
    }
    ccf_memzero(w, sizeof(w));
}

const ccf_sm3_impl ccf_sm3_impl_portable = { "portable", portable_supported, portable_compress };
