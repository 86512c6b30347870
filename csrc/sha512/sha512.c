/*
 * sha512.c - SHA-512 (FIPS 180-4 sections 4.1.3, 4.2.3, 5.1.2, 6.4), portable C.
 */
#include "ccf_sha512.h"

#define U64(x) ((uint64_t)(x##ULL))

static const uint64_t K512[80] = {
    U64(0x428a2f98d728ae22), U64(0x7137449123ef65cd), U64(0xb5c0fbcfec4d3b2f), U64(0xe9b5dba58189dbbc),
    U64(0x3956c25bf348b538), U64(0x59f111f1b605d019), U64(0x923f82a4af194f9b), U64(0xab1c5ed5da6d8118),
    U64(0xd807aa98a3030242), U64(0x12835b0145706fbe), U64(0x243185be4ee4b28c), U64(0x550c7dc3d5ffb4e2),
    U64(0x72be5d74f27b896f), U64(0x80deb1fe3b1696b1), U64(0x9bdc06a725c71235), U64(0xc19bf174cf692694),
    U64(0xe49b69c19ef14ad2), U64(0xefbe4786384f25e3), U64(0x0fc19dc68b8cd5b5), U64(0x240ca1cc77ac9c65),
    U64(0x2de92c6f592b0275), U64(0x4a7484aa6ea6e483), U64(0x5cb0a9dcbd41fbd4), U64(0x76f988da831153b5),
    U64(0x983e5152ee66dfab), U64(0xa831c66d2db43210), U64(0xb00327c898fb213f), U64(0xbf597fc7beef0ee4),
    U64(0xc6e00bf33da88fc2), U64(0xd5a79147930aa725), U64(0x06ca6351e003826f), U64(0x142929670a0e6e70),
    U64(0x27b70a8546d22ffc), U64(0x2e1b21385c26c926), U64(0x4d2c6dfc5ac42aed), U64(0x53380d139d95b3df),
    U64(0x650a73548baf63de), U64(0x766a0abb3c77b2a8), U64(0x81c2c92e47edaee6), U64(0x92722c851482353b),
    U64(0xa2bfe8a14cf10364), U64(0xa81a664bbc423001), U64(0xc24b8b70d0f89791), U64(0xc76c51a30654be30),
    U64(0xd192e819d6ef5218), U64(0xd69906245565a910), U64(0xf40e35855771202a), U64(0x106aa07032bbd1b8),
    U64(0x19a4c116b8d2d0c8), U64(0x1e376c085141ab53), U64(0x2748774cdf8eeb99), U64(0x34b0bcb5e19b48a8),
    U64(0x391c0cb3c5c95a63), U64(0x4ed8aa4ae3418acb), U64(0x5b9cca4f7763e373), U64(0x682e6ff3d6b2b8a3),
    U64(0x748f82ee5defb2fc), U64(0x78a5636f43172f60), U64(0x84c87814a1f0ab72), U64(0x8cc702081a6439ec),
    U64(0x90befffa23631e28), U64(0xa4506cebde82bde9), U64(0xbef9a3f7b2c67915), U64(0xc67178f2e372532b),
    U64(0xca273eceea26619c), U64(0xd186b8c721c0c207), U64(0xeada7dd6cde0eb1e), U64(0xf57d4f7fee6ed178),
    U64(0x06f067aa72176fba), U64(0x0a637dc5a2c898a6), U64(0x113f9804bef90dae), U64(0x1b710b35131c471b),
    U64(0x28db77f523047d84), U64(0x32caab7b40c72493), U64(0x3c9ebe0a15c9bebc), U64(0x431d67c49c100d4c),
    U64(0x4cc5d4becb3e42b6), U64(0x597f299cfc657e2a), U64(0x5fcb6fab3ad6faec), U64(0x6c44198c4a475817),
};

CCF_INLINE uint64_t rotr64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

static void compress(uint64_t h[8], const uint8_t *p, size_t nblocks)
{
    uint64_t w[80];
    unsigned i;
    for (; nblocks; nblocks--, p += 128) {
        uint64_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (i = 0; i < 16; i++)
            w[i] = ccf_load64_be(p + 8 * i);
        for (i = 16; i < 80; i++) {
            uint64_t s0 = rotr64(w[i - 15], 1) ^ rotr64(w[i - 15], 8) ^ (w[i - 15] >> 7);
            uint64_t s1 = rotr64(w[i - 2], 19) ^ rotr64(w[i - 2], 61) ^ (w[i - 2] >> 6);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        for (i = 0; i < 80; i++) {
            uint64_t t1 = hh + (rotr64(e, 14) ^ rotr64(e, 18) ^ rotr64(e, 41)) + ((e & f) ^ (~e & g)) + K512[i] + w[i];
            uint64_t t2 = (rotr64(a, 28) ^ rotr64(a, 34) ^ rotr64(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
            hh = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    ccf_memzero(w, sizeof(w));
}

/* see ccf_sha512.h */
void ccf_sha512_init(ccf_sha512_ctx *c)
{
    static const uint64_t iv[8] = {
        U64(0x6a09e667f3bcc908), U64(0xbb67ae8584caa73b), U64(0x3c6ef372fe94f82b), U64(0xa54ff53a5f1d36f1),
        U64(0x510e527fade682d1), U64(0x9b05688c2b3e6c1f), U64(0x1f83d9abfb41bd6b), U64(0x5be0cd19137e2179),
    };
    memcpy(c->h, iv, sizeof(iv));
    c->nbytes = 0;
    c->num = 0;
}

/* see ccf_sha512.h */
void ccf_sha512_update(ccf_sha512_ctx *c, const uint8_t *data, size_t len)
{
    c->nbytes += len;
    if (c->num) {
        size_t take = 128 - c->num < len ? 128 - c->num : len;
        memcpy(c->buf + c->num, data, take);
        c->num += take;
        data += take;
        len -= take;
        if (c->num < 128)
            return;
        compress(c->h, c->buf, 1);
        c->num = 0;
    }
    if (len >= 128) {
        compress(c->h, data, len / 128);
        data += len & ~(size_t)127;
        len &= 127;
    }
    if (len) {
        memcpy(c->buf, data, len);
        c->num = len;
    }
}

/* see ccf_sha512.h */
void ccf_sha512_final(ccf_sha512_ctx *c, uint8_t out[64])
{
    unsigned i;
    c->buf[c->num++] = 0x80;
    if (c->num > 112) {
        memset(c->buf + c->num, 0, 128 - c->num);
        compress(c->h, c->buf, 1);
        c->num = 0;
    }
    memset(c->buf + c->num, 0, 112 - c->num);
    /* the 128-bit length: messages here are below 2^61 bytes, so the high word is the top
     * three bits of nbytes */
    ccf_store64_be(c->buf + 112, c->nbytes >> 61);
    ccf_store64_be(c->buf + 120, c->nbytes << 3);
    compress(c->h, c->buf, 1);
    for (i = 0; i < 8; i++)
        ccf_store64_be(out + 8 * i, c->h[i]);
    ccf_memzero(c, sizeof(*c));
}
