/*
 * Portable constant-time GHASH (NIST SP 800-38D 6.3-6.4).
 *
 * No tables: the 64x64 carry-less products are computed with ordinary integer multiplies on
 * operands whose bits are spread out with "holes" (one bit in four), so that the carries of
 * the integer additions land in the holes and are masked away.  The high half of a product
 * comes from the low half of the product of the bit-reversed operands.  Timing and memory
 * accesses depend only on lengths.
 *
 * Field elements are held as two 64-bit words (a0, a1) with bit i of a0 the coefficient of x^i
 * and bit i of a1 that of x^(64+i); GCM's byte order (x^0 = most significant bit of byte 0)
 * is a bit reversal of each big-endian 64-bit half.
 */
#include "ghash_impls.h"

static int ct64_supported(void) { return 1; }

/* Low 64 bits of the carry-less product of x and y. */
static uint64_t clmul_lo(uint64_t x, uint64_t y)
{
    const uint64_t m0 = 0x1111111111111111u, m1 = m0 << 1, m2 = m0 << 2, m3 = m0 << 3;
    uint64_t x0 = x & m0, x1 = x & m1, x2 = x & m2, x3 = x & m3;
    uint64_t y0 = y & m0, y1 = y & m1, y2 = y & m2, y3 = y & m3;
    /* Term i+j lands in residue class (i+j) mod 4; at most 16 terms meet at one position below
     * bit 64, and a carry out of 4 bits only reaches positions >= 64, which are discarded. */
    uint64_t z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
    uint64_t z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
    uint64_t z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
    uint64_t z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);
    return (z0 & m0) | (z1 & m1) | (z2 & m2) | (z3 & m3);
}

static uint64_t rev64(uint64_t x)
{
    x = ((x & 0x5555555555555555u) << 1) | ((x >> 1) & 0x5555555555555555u);
    x = ((x & 0x3333333333333333u) << 2) | ((x >> 2) & 0x3333333333333333u);
    x = ((x & 0x0F0F0F0F0F0F0F0Fu) << 4) | ((x >> 4) & 0x0F0F0F0F0F0F0F0Fu);
    x = ((x & 0x00FF00FF00FF00FFu) << 8) | ((x >> 8) & 0x00FF00FF00FF00FFu);
    x = ((x & 0x0000FFFF0000FFFFu) << 16) | ((x >> 16) & 0x0000FFFF0000FFFFu);
    return (x << 32) | (x >> 32);
}

/* Full 128-bit carry-less product; xr, yr are rev64(x), rev64(y) (precomputed for the key). */
CCF_INLINE void clmul(uint64_t x, uint64_t y, uint64_t xr, uint64_t yr, uint64_t *lo, uint64_t *hi)
{
    *lo = clmul_lo(x, y);
    /* rev(x)*rev(y) is the 127-bit reversal of x*y: its low word, reversed, is x*y >> 63. */
    *hi = rev64(clmul_lo(xr, yr)) >> 1;
}

/* Key layout in gk->tbl: h0, h1, h0^h1 and their bit reversals. */
typedef struct { uint64_t h0, h1, h2, h0r, h1r, h2r; } ct64_key;

static void ct64_init(ccf_ghash_key *gk, const uint8_t h[16])
{
    ct64_key k;
    k.h0 = rev64(ccf_load64_be(h));
    k.h1 = rev64(ccf_load64_be(h + 8));
    k.h2 = k.h0 ^ k.h1;
    k.h0r = rev64(k.h0);
    k.h1r = rev64(k.h1);
    k.h2r = rev64(k.h2);
    memcpy(gk->tbl, &k, sizeof(k));
    ccf_memzero(&k, sizeof(k));
}

/* (a0, a1) <- (a0, a1) * H mod x^128 + x^7 + x^2 + x + 1 (Karatsuba, then two folds). */
CCF_INLINE void mul_h(uint64_t *a0, uint64_t *a1, const ct64_key *k)
{
    uint64_t a2 = *a0 ^ *a1, a0r = rev64(*a0), a1r = rev64(*a1);
    uint64_t z0l, z0h, z1l, z1h, z2l, z2h, p0, p1, p2, p3;
    clmul(*a0, k->h0, a0r, k->h0r, &z0l, &z0h);
    clmul(*a1, k->h1, a1r, k->h1r, &z2l, &z2h);
    clmul(a2, k->h2, a0r ^ a1r, k->h2r, &z1l, &z1h);      /* rev64 is linear */
    z1l ^= z0l ^ z2l;
    z1h ^= z0h ^ z2h;
    p0 = z0l;
    p1 = z0h ^ z1l;
    p2 = z2l ^ z1h;
    p3 = z2h;
    /* x^128 = x^7 + x^2 + x + 1: fold p3 (x^192..) into p1/p2, then p2 (x^128..) into p0/p1. */
    p1 ^= p3 ^ (p3 << 1) ^ (p3 << 2) ^ (p3 << 7);
    p2 ^= (p3 >> 63) ^ (p3 >> 62) ^ (p3 >> 57);
    p0 ^= p2 ^ (p2 << 1) ^ (p2 << 2) ^ (p2 << 7);
    p1 ^= (p2 >> 63) ^ (p2 >> 62) ^ (p2 >> 57);
    *a0 = p0;
    *a1 = p1;
}

static void ct64_update(const ccf_ghash_key *gk, uint8_t y[16], const uint8_t *data, size_t len)
{
    ct64_key k;
    uint64_t a0, a1;
    memcpy(&k, gk->tbl, sizeof(k));
    a0 = rev64(ccf_load64_be(y));
    a1 = rev64(ccf_load64_be(y + 8));
    while (len > 0) {
        uint8_t last[16];
        const uint8_t *b = data;
        if (len < 16) {                         /* zero-pad the final partial block */
            memset(last, 0, 16);
            memcpy(last, data, len);
            b = last;
        }
        a0 ^= rev64(ccf_load64_be(b));
        a1 ^= rev64(ccf_load64_be(b + 8));
        mul_h(&a0, &a1, &k);
        if (len < 16)
            break;
        data += 16;
        len -= 16;
    }
    ccf_store64_be(y, rev64(a0));
    ccf_store64_be(y + 8, rev64(a1));
    ccf_memzero(&k, sizeof(k));
}

const ccf_ghash_impl ccf_ghash_impl_ct64 = { "ct64", ct64_supported, ct64_init, ct64_update };
