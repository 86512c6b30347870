/*
 * sha256.c - SHA-256 (FIPS 180-4 sections 4.1.2, 4.2.2, 5.1.1, 6.2), portable C.
 */
#include "ccf_sha2.h"

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

CCF_INLINE uint32_t rotr32(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void compress(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
    uint32_t w[64];
    unsigned i;
    for (; nblocks; nblocks--, p += 64) {
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (i = 0; i < 16; i++)
            w[i] = ccf_load32_be(p + 4 * i);
        for (i = 16; i < 64; i++) {
            uint32_t s0 = rotr32(w[i - 15], 7) ^ rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = rotr32(w[i - 2], 17) ^ rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        for (i = 0; i < 64; i++) {
            uint32_t t1 = hh + (rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
            uint32_t t2 = (rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            hh = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    ccf_memzero(w, sizeof(w));
}

/* see ccf_sha2.h */
void ccf_sha256_init(ccf_sha256_ctx *c)
{
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(c->h, iv, sizeof(iv));
    c->nbytes = 0;
    c->num = 0;
}

/* see ccf_sha2.h */
void ccf_sha256_update(ccf_sha256_ctx *c, const uint8_t *data, size_t len)
{
    c->nbytes += len;
    if (c->num) {
        size_t take = 64 - c->num < len ? 64 - c->num : len;
        memcpy(c->buf + c->num, data, take);
        c->num += take;
        data += take;
        len -= take;
        if (c->num < 64)
            return;
        compress(c->h, c->buf, 1);
        c->num = 0;
    }
    if (len >= 64) {
        compress(c->h, data, len / 64);
        data += len & ~(size_t)63;
        len &= 63;
    }
    if (len) {
        memcpy(c->buf, data, len);
        c->num = len;
    }
}

/* see ccf_sha2.h */
void ccf_sha256_final(ccf_sha256_ctx *c, uint8_t out[32])
{
    uint64_t bits = c->nbytes * 8;
    unsigned i;
    c->buf[c->num++] = 0x80;
    if (c->num > 56) {
        memset(c->buf + c->num, 0, 64 - c->num);
        compress(c->h, c->buf, 1);
        c->num = 0;
    }
    memset(c->buf + c->num, 0, 56 - c->num);
    ccf_store64_be(c->buf + 56, bits);
    compress(c->h, c->buf, 1);
    for (i = 0; i < 8; i++)
        ccf_store32_be(out + 4 * i, c->h[i]);
    ccf_memzero(c, sizeof(*c));
}
