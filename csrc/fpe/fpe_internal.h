/*
 * fpe_internal.h - what ff1.c, ff3_1.c, fpe_bignum.c and fpe_ctx.c share (not an API).
 */
#ifndef CCF_FPE_INTERNAL_H
#define CCF_FPE_INTERNAL_H

#include "ccf_fpe.h"

/* CIPH_K on nblocks independent 16-byte blocks (in == out allowed). */
CCF_INLINE void fpe_ciph(const ccf_fpe_ctx *c, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    if (c->cipher == CCF_FPE_AES) {
        const ccf_aes_key *k = nblocks == 1 && c->has_aes1 ? &c->aes1 : &c->key.aes;
        k->impl->encrypt_blocks(k, in, out, nblocks);
    } else
        c->key.sm4.impl->encrypt_blocks(c->key.sm4.rk_enc, in, out, nblocks);
}

/* ---- 64-bit path: radix^m < 2^64 ---------------------------------------------------------- */

/* NUM_radix of x[0..m) (reverse: of x[m-1] .. x[0]); the caller checked radix^m < 2^64. */
CCF_INLINE uint64_t fpe_num64(const ccf_fpe_ctx *c, const uint16_t *x, size_t m, int reverse)
{
    uint64_t v = 0, r = c->radix;
    size_t i;
    if (reverse)
        for (i = m; i-- > 0;)
            v = v * r + x[i];
    else
        for (i = 0; i < m; i++)
            v = v * r + x[i];
    return v;
}

/* STR_radix^m(v) into out[0..m) (reverse: least significant numeral first), v < radix^m. */
CCF_INLINE void fpe_str64(const ccf_fpe_ctx *c, uint64_t v, uint16_t *out, size_t m, int reverse)
{
    uint64_t r = c->radix, q;
    size_t j;
    for (j = 0; j < m; j++) {
        if (m - j > c->lemire_digits) {          /* v may be >= 2^32 (m - j is public) */
            uint64_t rem;
            q = fpe_divrem64(v, &c->rdiv, &rem);
        } else {
            q = fpe_mulhi64(c->lemire, v);       /* v < 2^32: exact (Lemire et al. 2019) */
        }
        out[reverse ? j : m - 1 - j] = (uint16_t)(v - q * r);
        v = q;
    }
}

/* ---- constant-time bignum (32-bit limbs, little-endian limb order) ------------------------ */

typedef uint32_t fpe_limb;
#define FPE_LIMB_BITS 32

/* x = NUM_radix(d[0..m)) (reverse: of the reversed string) into L limbs, L large enough. */
void fpe_bn_from_numerals(const ccf_fpe_ctx *c, fpe_limb *x, size_t L, const uint16_t *d, size_t m, int reverse);
/* out[0..m) = STR_radix^m(x) (reverse: least significant first); x < radix^m is destroyed. */
void fpe_bn_to_numerals(const ccf_fpe_ctx *c, fpe_limb *x, size_t L, uint16_t *out, size_t m, int reverse);
/* x = radix^m (public). */
void fpe_bn_pow(const ccf_fpe_ctx *c, fpe_limb *x, size_t L, size_t m);
/* Bit length of a public value. */
size_t fpe_bn_bitlen(const fpe_limb *x, size_t L);
/* out[0..nbytes) = x mod 256^nbytes, big-endian. */
void fpe_bn_to_be(const fpe_limb *x, size_t L, uint8_t *out, size_t nbytes);
/* out[0..nbytes) = x mod 256^nbytes, little-endian. */
void fpe_bn_to_le(const fpe_limb *x, size_t L, uint8_t *out, size_t nbytes);
/* x (L limbs) = the big-endian / little-endian number in[0..nbytes), nbytes <= 4L. */
void fpe_bn_from_be(fpe_limb *x, size_t L, const uint8_t *in, size_t nbytes);
void fpe_bn_from_le(fpe_limb *x, size_t L, const uint8_t *in, size_t nbytes);
/* r = y mod M: y has ybits bits (Ly limbs), M (public) has mbits bits; r and M have L limbs
 * with L * 32 > mbits.  tmp: L limbs of scratch. */
void fpe_bn_mod(fpe_limb *r, const fpe_limb *y, size_t Ly, size_t ybits,
                const fpe_limb *M, size_t mbits, size_t L, fpe_limb *tmp);
/* a = (a + b) mod M, a = (a - b) mod M for a, b < M (L limbs, 2M < 2^(32L)). */
void fpe_bn_addmod(fpe_limb *a, const fpe_limb *b, const fpe_limb *M, size_t L, fpe_limb *tmp);
void fpe_bn_submod(fpe_limb *a, const fpe_limb *b, const fpe_limb *M, size_t L, fpe_limb *tmp);

/* ---- the algorithms (ff1.c, ff3_1.c) ------------------------------------------------------- */

int ccf_ff1_crypt(const ccf_fpe_ctx *c, int decrypt, const uint8_t *tweak, size_t t,
                  const uint16_t *in, uint16_t *out, size_t n);
int ccf_ff1_crypt_many(const ccf_fpe_ctx *c, int decrypt, const uint8_t *tweak, size_t t,
                       const uint16_t *in, uint16_t *out, const uint32_t *lens, size_t count, size_t *bad);
int ccf_ff3_1_crypt(const ccf_fpe_ctx *c, int decrypt, const uint8_t tweak[7],
                    const uint16_t *in, uint16_t *out, size_t n);
int ccf_ff3_1_crypt_many(const ccf_fpe_ctx *c, int decrypt, const uint8_t tweak[7],
                         const uint16_t *in, uint16_t *out, const uint32_t *lens, size_t count, size_t *bad);

/* Numerals all < radix (the verdict is public; no early exit). */
CCF_INLINE int fpe_numerals_ok(const ccf_fpe_ctx *c, const uint16_t *x, size_t n)
{
    uint32_t bad = 0, r = c->radix;
    size_t i;
    for (i = 0; i < n; i++)
        bad |= (uint32_t)(r - 1 - (uint32_t)x[i]) >> 31;   /* x[i] > radix - 1 */
    return bad == 0;
}

#endif /* CCF_FPE_INTERNAL_H */
