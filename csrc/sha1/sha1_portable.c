/*
 * SHA-1 compression function in portable C (FIPS 180-4 section 6.1.2).
 *
 * The message schedule is kept as a 16-word ring (W_t = ROTL1(W_{t-3} ^ W_{t-8} ^ W_{t-14} ^
 * W_{t-16})), rounds are unrolled by five with the state words renamed instead of shifted.
 * No data-dependent branch or address: the key-dependent HMAC states are safe here.
 */
#include "ccf_sha1.h"

static int portable_supported(void) { return 1; }

#define F0(b, c, d) ((d) ^ ((b) & ((c) ^ (d))))          /* Ch,     t = 0..19  */
#define F1(b, c, d) ((b) ^ (c) ^ (d))                    /* Parity, t = 20..39, 60..79 */
#define F2(b, c, d) (((b) & (c)) | ((d) & ((b) | (c))))  /* Maj,    t = 40..59 */

#define W(t) (w[(t) & 15] = ccf_rotl32(w[((t) + 13) & 15] ^ w[((t) + 8) & 15] ^ \
                                       w[((t) + 2) & 15] ^ w[(t) & 15], 1))

#define R(a, b, c, d, e, F, K, wt) do {                                  \
        e += ccf_rotl32(a, 5) + F(b, c, d) + (K) + (wt);                 \
        b = ccf_rotl32(b, 30);                                           \
    } while (0)

#define R5(F, K, t, WX) do {                                             \
        R(a, b, c, d, e, F, K, WX(t));                                   \
        R(e, a, b, c, d, F, K, WX((t) + 1));                             \
        R(d, e, a, b, c, F, K, WX((t) + 2));                             \
        R(c, d, e, a, b, F, K, WX((t) + 3));                             \
        R(b, c, d, e, a, F, K, WX((t) + 4));                             \
    } while (0)

#define W0(t) (w[t])

static void portable_compress(uint32_t h[5], const uint8_t *p, size_t nblocks)
{
    uint32_t w[16];
    while (nblocks--) {
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        int i;
        for (i = 0; i < 16; i++)
            w[i] = ccf_load32_be(p + 4 * i);
        R5(F0, 0x5A827999u, 0, W0);
        R5(F0, 0x5A827999u, 5, W0);
        R5(F0, 0x5A827999u, 10, W0);
        R(a, b, c, d, e, F0, 0x5A827999u, w[15]);
        R(e, a, b, c, d, F0, 0x5A827999u, W(16));
        R(d, e, a, b, c, F0, 0x5A827999u, W(17));
        R(c, d, e, a, b, F0, 0x5A827999u, W(18));
        R(b, c, d, e, a, F0, 0x5A827999u, W(19));
        R5(F1, 0x6ED9EBA1u, 20, W);
        R5(F1, 0x6ED9EBA1u, 25, W);
        R5(F1, 0x6ED9EBA1u, 30, W);
        R5(F1, 0x6ED9EBA1u, 35, W);
        R5(F2, 0x8F1BBCDCu, 40, W);
        R5(F2, 0x8F1BBCDCu, 45, W);
        R5(F2, 0x8F1BBCDCu, 50, W);
        R5(F2, 0x8F1BBCDCu, 55, W);
        R5(F1, 0xCA62C1D6u, 60, W);
        R5(F1, 0xCA62C1D6u, 65, W);
        R5(F1, 0xCA62C1D6u, 70, W);
        R5(F1, 0xCA62C1D6u, 75, W);
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
        p += 64;
    }
    ccf_memzero(w, sizeof(w));
}

const ccf_sha1_impl ccf_sha1_impl_portable = { "portable", portable_supported, portable_compress, NULL };
