/*
 * fpe_bignum.c - the constant-time multi-limb arithmetic FF1/FF3-1 need when a half does not
 * fit a 64-bit word: radix conversion, byte strings, reduction of the round value y modulo
 * radix^m and modular addition/subtraction.
 *
 * Sizes (limb counts, bit lengths, string lengths) are public; limb values are secret and
 * only ever go through multiplications, additions and masks.  Loops run over the limbs a
 * value can occupy given its public bound (after j numerals, NUM < radix^j), never over the
 * limbs it happens to occupy.
 */
#include "fpe_internal.h"

/* Limbs a value below radix^j can occupy: ceil(j * log2(radix) / 32), bounded by L.  Uses
 * bitlen(radix) >= log2(radix) so it never underestimates. */
static size_t limbs_for(const ccf_fpe_ctx *c, size_t j, size_t L)
{
    size_t bits = 1, r = c->radix, need;
    while ((r >> bits) != 0)
        bits++;                                  /* bitlen(radix) */
    need = (j * bits + FPE_LIMB_BITS - 1) / FPE_LIMB_BITS + 1;
    return need < L ? need : L;
}

/* x[0..n) = x * mul + add; returns the carry limb (mul, add < 2^32). */
static fpe_limb mul_add(fpe_limb *x, size_t n, uint32_t mul, uint32_t add)
{
    uint64_t carry = add;
    size_t i;
    for (i = 0; i < n; i++) {
        uint64_t t = (uint64_t)x[i] * mul + carry;
        x[i] = (fpe_limb)t;
        carry = t >> 32;
    }
    return (fpe_limb)carry;
}

/* Numeral value of d[i0 .. i0+len) read forwards, or of the reversed order; len <= chunk_k. */
static uint32_t chunk_value(const ccf_fpe_ctx *c, const uint16_t *d, size_t m, size_t pos, size_t len, int reverse)
{
    uint32_t v = 0;
    size_t i;
    for (i = 0; i < len; i++) {
        size_t k = pos + i;                      /* k-th numeral of the (possibly reversed) string */
        v = v * c->radix + d[reverse ? m - 1 - k : k];
    }
    return v;
}

/* log2(radix) if the radix is a power of two, else 0: such strings are bit fields. */
static unsigned pow2_bits(const ccf_fpe_ctx *c)
{
    unsigned w = 0;
    if (c->radix & (c->radix - 1))
        return 0;
    while ((1u << w) < c->radix)
        w++;
    return w;
}

/* see fpe_internal.h */
void fpe_bn_from_numerals(const ccf_fpe_ctx *c, fpe_limb *x, size_t L, const uint16_t *d, size_t m, int reverse)
{
    size_t k = c->chunk_k, pos = 0, first = m % k;
    unsigned w = pow2_bits(c);
    memset(x, 0, L * sizeof(fpe_limb));
    if (w) {
        /* numeral j from the least significant end sits at bits j*w .. j*w+w-1 */
        size_t j;
        for (j = 0; j < m; j++) {
            uint64_t v = d[reverse ? j : m - 1 - j];
            size_t bit = j * w, limb = bit / FPE_LIMB_BITS;
            uint64_t t = v << (bit % FPE_LIMB_BITS);
            x[limb] |= (fpe_limb)t;
            if (limb + 1 < L)
                x[limb + 1] |= (fpe_limb)(t >> 32);
        }
        return;
    }
    if (first == 0)
        first = k;
    while (pos < m) {
        size_t len = pos == 0 ? first : k;
        uint32_t mul = 1, add;
        size_t i, n = limbs_for(c, pos + len, L);
        for (i = 0; i < len; i++)
            mul *= c->radix;                     /* radix^len <= chunk < 2^32 */
        add = chunk_value(c, d, m, pos, len, reverse);
        (void)mul_add(x, n, mul, add);
        pos += len;
    }
}

/* see fpe_internal.h */
void fpe_bn_to_numerals(const ccf_fpe_ctx *c, fpe_limb *x, size_t L, uint16_t *out, size_t m, int reverse)
{
    size_t k = c->chunk_k, done = 0;
    unsigned w = pow2_bits(c);
    if (w) {
        size_t j;
        for (j = 0; j < m; j++) {
            size_t bit = j * w, limb = bit / FPE_LIMB_BITS;
            uint64_t t = x[limb];
            if (limb + 1 < L)
                t |= (uint64_t)x[limb + 1] << 32;
            out[reverse ? j : m - 1 - j] = (uint16_t)((t >> (bit % FPE_LIMB_BITS)) & (c->radix - 1));
        }
        memset(x, 0, L * sizeof(fpe_limb));
        return;
    }
    while (done < m) {
        size_t len = m - done < k ? m - done : k, i, n = limbs_for(c, m - done, L);
        uint64_t rem = 0, v;
        if (len == k && m - done > k) {
            /* x = q * chunk + rem, limb by limb from the top: (rem, limb) < chunk * 2^32 */
            for (i = n; i-- > 0;) {
                uint64_t num = (rem << 32) | x[i], r;
                x[i] = (fpe_limb)fpe_divrem64(num, &c->chunk, &r);
                rem = r;
            }
        } else {
            rem = x[0];                          /* x < radix^len <= chunk: one limb */
            if (n > 1)
                rem |= (uint64_t)x[1] << 32;
            for (i = 0; i < n; i++)
                x[i] = 0;
        }
        /* the len least significant numerals from rem < radix^len < 2^32 */
        v = rem;
        for (i = 0; i < len; i++) {
            uint64_t q = fpe_mulhi64(c->lemire, v);
            size_t j = done + i;                 /* j-th numeral from the least significant end */
            out[reverse ? j : m - 1 - j] = (uint16_t)(v - q * c->radix);
            v = q;
        }
        done += len;
    }
}

/* see fpe_internal.h */
void fpe_bn_pow(const ccf_fpe_ctx *c, fpe_limb *x, size_t L, size_t m)
{
    size_t i;
    memset(x, 0, L * sizeof(fpe_limb));
    x[0] = 1;
    for (i = 0; i < m; i++)
        (void)mul_add(x, L, c->radix, 0);
}

/* see fpe_internal.h */
size_t fpe_bn_bitlen(const fpe_limb *x, size_t L)
{
    size_t i = L, b;
    while (i > 0 && x[i - 1] == 0)
        i--;
    if (i == 0)
        return 0;
    b = 0;
    while (b < 32 && (x[i - 1] >> b) != 0)
        b++;
    return (i - 1) * FPE_LIMB_BITS + b;
}

static uint8_t byte_of(const fpe_limb *x, size_t L, size_t k)   /* k-th byte, little-endian */
{
    return k / 4 < L ? (uint8_t)(x[k / 4] >> (8 * (k % 4))) : 0;
}

/* see fpe_internal.h */
void fpe_bn_to_be(const fpe_limb *x, size_t L, uint8_t *out, size_t nbytes)
{
    size_t k;
    for (k = 0; k < nbytes; k++)
        out[nbytes - 1 - k] = byte_of(x, L, k);
}

/* see fpe_internal.h */
void fpe_bn_to_le(const fpe_limb *x, size_t L, uint8_t *out, size_t nbytes)
{
    size_t k;
    for (k = 0; k < nbytes; k++)
        out[k] = byte_of(x, L, k);
}

/* see fpe_internal.h */
void fpe_bn_from_be(fpe_limb *x, size_t L, const uint8_t *in, size_t nbytes)
{
    size_t k;
    memset(x, 0, L * sizeof(fpe_limb));
    for (k = 0; k < nbytes; k++)
        x[k / 4] |= (fpe_limb)in[nbytes - 1 - k] << (8 * (k % 4));
}

/* see fpe_internal.h */
void fpe_bn_from_le(fpe_limb *x, size_t L, const uint8_t *in, size_t nbytes)
{
    size_t k;
    memset(x, 0, L * sizeof(fpe_limb));
    for (k = 0; k < nbytes; k++)
        x[k / 4] |= (fpe_limb)in[k] << (8 * (k % 4));
}

/* r = a - b over n limbs; returns all-ones on borrow. */
static fpe_limb sub_n(fpe_limb *r, const fpe_limb *a, const fpe_limb *b, size_t n)
{
    uint64_t borrow = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        uint64_t t = (uint64_t)a[i] - b[i] - borrow;
        r[i] = (fpe_limb)t;
        borrow = (t >> 32) & 1;
    }
    return (fpe_limb)0 - (fpe_limb)borrow;
}

static void add_n(fpe_limb *r, const fpe_limb *a, const fpe_limb *b, size_t n)
{
    uint64_t carry = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        uint64_t t = (uint64_t)a[i] + b[i] + carry;
        r[i] = (fpe_limb)t;
        carry = t >> 32;
    }
}

/* dst = mask ? src : dst */
static void cmov_n(fpe_limb *dst, const fpe_limb *src, fpe_limb mask, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        dst[i] ^= mask & (dst[i] ^ src[i]);
}

static fpe_limb bit_of(const fpe_limb *y, size_t j)
{
    return (y[j / FPE_LIMB_BITS] >> (j % FPE_LIMB_BITS)) & 1;
}

/* see fpe_internal.h */
void fpe_bn_mod(fpe_limb *r, const fpe_limb *y, size_t Ly, size_t ybits,
                const fpe_limb *M, size_t mbits, size_t L, fpe_limb *tmp)
{
    size_t j, top;
    memset(r, 0, L * sizeof(fpe_limb));
    if (ybits < mbits) {                          /* y < 2^(mbits-1) <= M */
        for (j = 0; j < ybits; j++)
            r[j / FPE_LIMB_BITS] |= bit_of(y, j) << (j % FPE_LIMB_BITS);
        return;
    }
    /* r = the top mbits-1 bits of y (< 2^(mbits-1) <= M), then one bit at a time:
     * r = 2r + bit (< 2M), minus M when that does not borrow. */
    top = ybits - (mbits - 1);
    for (j = top; j < ybits; j++)
        r[(j - top) / FPE_LIMB_BITS] |= bit_of(y, j) << ((j - top) % FPE_LIMB_BITS);
    for (j = top; j-- > 0;) {
        fpe_limb carry = bit_of(y, j), borrow;
        size_t i;
        for (i = 0; i < L; i++) {
            fpe_limb next = r[i] >> (FPE_LIMB_BITS - 1);
            r[i] = (r[i] << 1) | carry;
            carry = next;
        }
        borrow = sub_n(tmp, r, M, L);
        cmov_n(r, tmp, ~borrow, L);
    }
    (void)Ly;
}

/* see fpe_internal.h */
void fpe_bn_addmod(fpe_limb *a, const fpe_limb *b, const fpe_limb *M, size_t L, fpe_limb *tmp)
{
    fpe_limb borrow;
    add_n(a, a, b, L);
    borrow = sub_n(tmp, a, M, L);
    cmov_n(a, tmp, ~borrow, L);
}

/* see fpe_internal.h */
void fpe_bn_submod(fpe_limb *a, const fpe_limb *b, const fpe_limb *M, size_t L, fpe_limb *tmp)
{
    fpe_limb borrow = sub_n(a, a, b, L);
    size_t i;
    for (i = 0; i < L; i++)
        tmp[i] = M[i] & borrow;
    add_n(a, a, tmp, L);
}
