/*
 * ff1.c - FF1 (NIST SP 800-38G Rev. 1, Algorithms 7 and 8).  See ccf_fpe.h.
 *
 * Round i computes R = PRF(P || Q) with Q = T || 0^((-t-b-1) mod 16) || [i]^1 || [NUM(B)]^b.
 * Everything in P || Q before the block that holds [i] and NUM(B) is the same in all ten
 * rounds, so its CBC-MAC state is computed once per call (once per key for an empty tweak:
 * ctx->ff1_p0).  When radix^v < 2^64 (the 64-bit path), b <= 8, so [i] and NUM(B) sit in the
 * last block: a round is one block encryption of (state XOR last block), and S = R[0..d) with
 * d <= 12.  The bignum path builds Q's tail per round and extends S with CIPH(R xor [j]).
 */
#include <stdlib.h>

#include "fpe_internal.h"

void fpe_ff1_p_block(uint32_t radix, size_t n, size_t t, uint8_t p[16]);

/* The half fed to round i's PRF and the half the round updates: encryption feeds B and
 * updates A (then swaps), decryption feeds A and updates B. */

/* ---- 64-bit path --------------------------------------------------------------------------- */

/* xt = (CBC-MAC state after P and Q's blocks before the last) XOR (Q's last block with the
 * [i] and NUM(B) bytes zero), for length n (v <= fast_m) and the tweak. */
static void ff1_fast_setup(const ccf_fpe_ctx *c, size_t n, const uint8_t *tweak, size_t t, uint8_t xt[16])
{
    size_t v = n - n / 2, b = c->ff1_b[v], qlen, nq, j, k;
    uint8_t blk[16];
    if (t == 0 && n <= CCF_FPE_FAST_N) {
        memcpy(xt, c->ff1_p0[n], 16);            /* Q is one block: [0]^(15-b) [i] NUM */
        return;
    }
    qlen = t + ((16 - (t + b + 1) % 16) % 16) + 1 + b;
    nq = qlen / 16;
    fpe_ff1_p_block(c->radix, n, t, xt);
    fpe_ciph(c, xt, xt, 1);
    for (j = 0; j + 1 < nq; j++) {
        for (k = 0; k < 16; k++)
            xt[k] ^= 16 * j + k < t ? tweak[16 * j + k] : 0;
        fpe_ciph(c, xt, xt, 1);
    }
    for (k = 0; k < 16; k++) {
        size_t q = 16 * (nq - 1) + k;
        blk[k] = k < 15 - b && q < t ? tweak[q] : 0;
        xt[k] ^= blk[k];
    }
}

/* The last PRF block of round i: xt with [i] and the b-byte big-endian x XORed in. */
CCF_INLINE void ff1_fast_block(uint8_t blk[16], const uint8_t xt[16], unsigned i, uint64_t x, size_t b)
{
    /* [i] || [x]^b is the number i * 256^b + x in the block's last b + 1 <= 9 bytes */
    uint64_t lo = x | fpe_shl(i, (unsigned)(8 * b));
    fpe_store64_be(blk, fpe_load64_be(xt) ^ (b == 8 ? i : 0));
    fpe_store64_be(blk + 8, fpe_load64_be(xt + 8) ^ lo);
}

/* y = NUM(S) with S = R[0..d), d = 8 or 12, reduced modulo radix^m. */
CCF_INLINE uint64_t ff1_fast_y(const uint8_t r[16], size_t d, const fpe_divisor *mod)
{
    if (d == 8)
        return fpe_mod64(fpe_load64_be(r), mod);
    return fpe_mod128(ccf_load32_be(r), fpe_load64_be(r + 4), mod);
}

static void ff1_fast(const ccf_fpe_ctx *c, int decrypt, const uint8_t xt[16],
                     const uint16_t *in, uint16_t *out, size_t n)
{
    size_t u = n / 2, v = n - u, b = c->ff1_b[v], d = 4 * ((b + 3) / 4) + 4;
    uint64_t a = fpe_num64(c, in, u, 0), bb = fpe_num64(c, in + u, v, 0), y, nv;
    uint8_t blk[16];
    unsigned k;
    for (k = 0; k < 10; k++) {
        unsigned i = decrypt ? 9 - k : k;
        const fpe_divisor *mod = &c->pow[i & 1 ? v : u];
        ff1_fast_block(blk, xt, i, decrypt ? a : bb, b);
        fpe_ciph(c, blk, blk, 1);
        y = ff1_fast_y(blk, d, mod);
        if (!decrypt) {
            nv = fpe_addmod64(a, y, mod->value);
            a = bb;
            bb = nv;
        } else {
            nv = fpe_submod64(bb, y, mod->value);
            bb = a;
            a = nv;
        }
    }
    fpe_str64(c, a, out, u, 0);
    fpe_str64(c, bb, out + u, v, 0);
    ccf_memzero(blk, sizeof(blk));
}

/* ---- bignum path --------------------------------------------------------------------------- */

static int ff1_big(const ccf_fpe_ctx *c, int decrypt, const uint8_t *tweak, size_t t,
                   const uint16_t *in, uint16_t *out, size_t n)
{
    size_t u = n / 2, v = n - u, rbits = 1, L, Ly, b, d, pad, tf, qlen, slen, mu_bits, mv_bits, j, total;
    fpe_limb *A, *B, *Mu, *Mv, *R, *tmp, *Y;
    uint8_t *q, *s, state[16], blk[16];
    unsigned k;

    while ((c->radix >> rbits) != 0)
        rbits++;
    L = (v * rbits + 1) / FPE_LIMB_BITS + 2;     /* holds 2 * radix^v */
    /* b and d need radix^v first: size the byte buffers for the largest b = 4L */
    total = 6 * L * sizeof(fpe_limb) + (4 * L / 4 + 3) * sizeof(fpe_limb) + (t % 16 + 32 + 4 * L) + (4 * L + 32);
    A = (fpe_limb *)malloc(total);
    if (!A)
        return CCF_ERR_NOMEM;
    B = A + L; Mu = B + L; Mv = Mu + L; R = Mv + L; tmp = R + L; Y = tmp + L;
    q = (uint8_t *)(Y + (4 * L / 4 + 3));
    s = q + (t % 16 + 32 + 4 * L);

    fpe_bn_pow(c, Mu, L, u);
    fpe_bn_pow(c, Mv, L, v);
    mu_bits = fpe_bn_bitlen(Mu, L);
    mv_bits = fpe_bn_bitlen(Mv, L);
    /* b = ceil(bitlen(radix^v - 1) / 8) */
    memset(tmp, 0, L * sizeof(fpe_limb));
    tmp[0] = 1;
    memcpy(R, Mv, L * sizeof(fpe_limb));
    fpe_bn_submod(R, tmp, Mv, L, Y);             /* Mv - 1 (no wrap: 1 < Mv) */
    b = (fpe_bn_bitlen(R, L) + 7) / 8;
    d = 4 * ((b + 3) / 4) + 4;
    Ly = d / 4;
    pad = (16 - (t + b + 1) % 16) % 16;
    tf = t / 16;                                 /* whole tweak blocks at Q's start */
    qlen = t - 16 * tf + pad + 1 + b;            /* the rest of Q, a multiple of 16 */
    slen = (d + 15) / 16 * 16;

    /* CBC-MAC state after P and the whole tweak blocks */
    fpe_ff1_p_block(c->radix, n, t, state);
    fpe_ciph(c, state, state, 1);
    for (j = 0; j < tf; j++) {
        for (k = 0; k < 16; k++)
            state[k] ^= tweak[16 * j + k];
        fpe_ciph(c, state, state, 1);
    }
    memset(q, 0, qlen);
    if (t > 16 * tf)
        memcpy(q, tweak + 16 * tf, t - 16 * tf);

    fpe_bn_from_numerals(c, A, L, in, u, 0);
    fpe_bn_from_numerals(c, B, L, in + u, v, 0);
    for (k = 0; k < 10; k++) {
        unsigned i = decrypt ? 9 - k : k;
        int odd = i & 1;
        fpe_limb *swap;
        q[qlen - b - 1] = (uint8_t)i;
        fpe_bn_to_be(decrypt ? A : B, L, q + qlen - b, b);
        memcpy(blk, state, 16);
        for (j = 0; j < qlen; j += 16) {
            size_t z;
            for (z = 0; z < 16; z++)
                blk[z] ^= q[j + z];
            fpe_ciph(c, blk, blk, 1);
        }
        memcpy(s, blk, 16);                      /* S = R || CIPH(R ^ [1]) || ... */
        for (j = 16; j < slen; j += 16) {
            memcpy(s + j, blk, 16);
            ccf_store32_be(s + j + 12, ccf_load32_be(blk + 12) ^ (uint32_t)(j / 16));
        }
        if (slen > 16)
            fpe_ciph(c, s + 16, s + 16, slen / 16 - 1);
        fpe_bn_from_be(Y, Ly, s, d);
        fpe_bn_mod(R, Y, Ly, 8 * d, odd ? Mv : Mu, odd ? mv_bits : mu_bits, L, tmp);
        if (!decrypt) {
            fpe_bn_addmod(A, R, odd ? Mv : Mu, L, tmp);
            swap = A; A = B; B = swap;           /* A = B, B = c */
        } else {
            fpe_bn_submod(B, R, odd ? Mv : Mu, L, tmp);
            swap = A; A = B; B = swap;           /* B = A, A = c */
        }
    }
    fpe_bn_to_numerals(c, A, L, out, u, 0);
    fpe_bn_to_numerals(c, B, L, out + u, v, 0);
    ccf_memzero(state, sizeof(state));
    ccf_memzero(blk, sizeof(blk));
    /* A and B were swapped an even number of times: the block starts where it did */
    A = A < B ? A : B;
    ccf_memzero(A, total);
    free(A);
    return CCF_OK;
}

/* ---- entry points -------------------------------------------------------------------------- */

static int ff1_is_fast(const ccf_fpe_ctx *c, size_t n)
{
    return n - n / 2 <= c->fast_m;
}

/* see fpe_internal.h (checks done by ccf_fpe_crypt) */
int ccf_ff1_crypt(const ccf_fpe_ctx *c, int decrypt, const uint8_t *tweak, size_t t,
                  const uint16_t *in, uint16_t *out, size_t n)
{
    uint8_t xt[16];
    if (!ff1_is_fast(c, n))
        return ff1_big(c, decrypt, tweak, t, in, out, n);
    ff1_fast_setup(c, n, tweak, t, xt);
    ff1_fast(c, decrypt, xt, in, out, n);
    ccf_memzero(xt, sizeof(xt));
    return CCF_OK;
}

#define FF1_LANES 64

typedef struct ff1_lane {
    uint64_t a, b;
    const fpe_divisor *mu, *mv;  /* radix^u, radix^v */
    const uint8_t *xt;
    const uint16_t *in;
    uint16_t *out;
    uint32_t n;
    uint8_t bl, d;           /* b and d of this length */
} ff1_lane;

static void ff1_lanes(const ccf_fpe_ctx *c, int decrypt, ff1_lane *ln, size_t nl, uint8_t *blocks)
{
    size_t j;
    unsigned k;
    for (j = 0; j < nl; j++) {
        size_t u = ln[j].n / 2;
        ln[j].a = fpe_num64(c, ln[j].in, u, 0);
        ln[j].b = fpe_num64(c, ln[j].in + u, ln[j].n - u, 0);
        ln[j].mu = &c->pow[u];
        ln[j].mv = &c->pow[ln[j].n - u];
    }
    for (k = 0; k < 10; k++) {
        unsigned i = decrypt ? 9 - k : k;
        for (j = 0; j < nl; j++)
            ff1_fast_block(blocks + 16 * j, ln[j].xt, i, decrypt ? ln[j].a : ln[j].b, ln[j].bl);
        fpe_ciph(c, blocks, blocks, nl);
        for (j = 0; j < nl; j++) {
            const fpe_divisor *mod = i & 1 ? ln[j].mv : ln[j].mu;
            uint64_t y = ff1_fast_y(blocks + 16 * j, ln[j].d, mod), nv;
            if (!decrypt) {
                nv = fpe_addmod64(ln[j].a, y, mod->value);
                ln[j].a = ln[j].b;
                ln[j].b = nv;
            } else {
                nv = fpe_submod64(ln[j].b, y, mod->value);
                ln[j].b = ln[j].a;
                ln[j].a = nv;
            }
        }
    }
    for (j = 0; j < nl; j++) {
        size_t u = ln[j].n / 2;
        fpe_str64(c, ln[j].a, ln[j].out, u, 0);
        fpe_str64(c, ln[j].b, ln[j].out + u, ln[j].n - u, 0);
    }
}

/* see fpe_internal.h (checks done by ccf_fpe_crypt_many) */
int ccf_ff1_crypt_many(const ccf_fpe_ctx *c, int decrypt, const uint8_t *tweak, size_t t,
                       const uint16_t *in, uint16_t *out, const uint32_t *lens, size_t count, size_t *bad)
{
    uint8_t xt[CCF_FPE_FAST_N + 1][16];
    uint8_t have[CCF_FPE_FAST_N + 1];
    uint8_t blocks[16 * FF1_LANES];
    ff1_lane ln[FF1_LANES];
    size_t i, nl = 0, off = 0;
    int rc = CCF_OK;

    memset(have, 0, sizeof(have));
    for (i = 0; i < count; i++) {
        size_t n = lens[i];
        if (!ff1_is_fast(c, n)) {
            rc = ff1_big(c, decrypt, tweak, t, in + off, out + off, n);
            if (rc != CCF_OK) {
                if (bad)
                    *bad = i;
                break;
            }
        } else {
            size_t v = n - n / 2;
            if (!have[n]) {
                ff1_fast_setup(c, n, tweak, t, xt[n]);
                have[n] = 1;
            }
            ln[nl].xt = xt[n];
            ln[nl].in = in + off;
            ln[nl].out = out + off;
            ln[nl].n = (uint32_t)n;
            ln[nl].bl = c->ff1_b[v];
            ln[nl].d = (uint8_t)(4 * ((c->ff1_b[v] + 3) / 4) + 4);
            if (++nl == FF1_LANES) {
                ff1_lanes(c, decrypt, ln, nl, blocks);
                nl = 0;
            }
        }
        off += n;
    }
    if (nl && rc == CCF_OK)
        ff1_lanes(c, decrypt, ln, nl, blocks);
    ccf_memzero(xt, sizeof(xt));
    ccf_memzero(blocks, sizeof(blocks));
    ccf_memzero(ln, sizeof(ln));
    return rc;
}
