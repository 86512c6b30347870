/*
 * SHA-256 compression function in portable C (FIPS 180-4 section 6.2.2).
 *
 * The message schedule is a 16-word ring (W_t = sigma1(W_{t-2}) + W_{t-7} + sigma0(W_{t-15})
 * + W_{t-16}); rounds are unrolled by eight with the state words renamed instead of shifted.
 * No data-dependent branch or address.
 */
#include "ccf_sha256.h"

static int portable_supported(void) { return 1; }

#define ROTR(x, n) ccf_rotl32((x), 32 - (n))
#define CH(e, f, g) ((g) ^ ((e) & ((f) ^ (g))))
#define MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))
#define BSIG0(a) (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22))
#define BSIG1(e) (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

/* W_t for t >= 16, computed into the ring slot of W_{t-16} */
#define WX(t) (w[(t) & 15] += SSIG1(w[((t) + 14) & 15]) + w[((t) + 9) & 15] + SSIG0(w[((t) + 1) & 15]))
#define W0(t) (w[(t) & 15])

#define R(a, b, c, d, e, f, g, h, t, WF) do {                                  \
        uint32_t t1_ = h + BSIG1(e) + CH(e, f, g) + ccf_sha256_k[t] + WF(t);     \
        d += t1_;                                                              \
        h = t1_ + BSIG0(a) + MAJ(a, b, c);                                     \
    } while (0)

#define R8(t, WF) do {                                                         \
        R(a, b, c, d, e, f, g, h, (t) + 0, WF);                                \
        R(h, a, b, c, d, e, f, g, (t) + 1, WF);                                \
        R(g, h, a, b, c, d, e, f, (t) + 2, WF);                                \
        R(f, g, h, a, b, c, d, e, (t) + 3, WF);                                \
        R(e, f, g, h, a, b, c, d, (t) + 4, WF);                                \
        R(d, e, f, g, h, a, b, c, (t) + 5, WF);                                \
        R(c, d, e, f, g, h, a, b, (t) + 6, WF);                                \
        R(b, c, d, e, f, g, h, a, (t) + 7, WF);                                \
    } while (0)

static void portable_compress(uint32_t s[8], const uint8_t *p, size_t nblocks)
{
    uint32_t w[16], a, b, c, d, e, f, g, h;
    int i;
    for (; nblocks--; p += 64) {
        for (i = 0; i < 16; i++)
            w[i] = ccf_load32_be(p + 4 * i);
        a = s[0]; b = s[1]; c = s[2]; d = s[3]; e = s[4]; f = s[5]; g = s[6]; h = s[7];
        R8(0, W0);
        R8(8, W0);
        for (i = 16; i < 64; i += 16) {
            R8(i, WX);
            R8(i + 8, WX);
        }
        s[0] += a; s[1] += b; s[2] += c; s[3] += d; s[4] += e; s[5] += f; s[6] += g; s[7] += h;
    }
    ccf_memzero(w, sizeof(w));
}

const ccf_sha256_impl ccf_sha256_impl_portable = { "portable", portable_supported, portable_compress };
