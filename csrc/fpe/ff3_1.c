/*
 * ff3_1.c - FF3-1 (NIST SP 800-38G Rev. 1, Algorithms 9 and 10).  See ccf_fpe.h.
 *
 * Round i: P = (W xor [i]^4) || [NUM_radix(REV(B))]^12 and S = REVB(CIPH_REVB(K)(REVB(P))).
 * The context's cipher is keyed with REVB(K), so the block handed to it is REVB(P): the
 * 12-byte number little-endian in bytes 0..11, then W xor [i]^4 reversed in bytes 12..15;
 * y = NUM(S) is the cipher's output read little-endian.  NUM_radix(REV(X)) reads X from its
 * last numeral, and REV(STR_radix^m(c)) writes the least significant numeral first, so the
 * halves stay integers for all eight rounds.  W alternates between T_R (even rounds, m = u)
 * and T_L (odd rounds, m = v): T_L = T[0..27] || 0^4, T_R = T[32..55] || T[28..31] || 0^4.
 */
#include "fpe_internal.h"

static void tweak_halves(const uint8_t t[7], uint8_t tl[4], uint8_t tr[4])
{
    tl[0] = t[0]; tl[1] = t[1]; tl[2] = t[2]; tl[3] = (uint8_t)(t[3] & 0xF0);
    tr[0] = t[4]; tr[1] = t[5]; tr[2] = t[6]; tr[3] = (uint8_t)((t[3] & 0x0F) << 4);
}

/* Bytes 12..15 of round i's block: REV(W xor [i]^4). */
CCF_INLINE void w_bytes(uint8_t dst[4], const uint8_t w[4], unsigned i)
{
    dst[0] = (uint8_t)(w[3] ^ i);
    dst[1] = w[2];
    dst[2] = w[1];
    dst[3] = w[0];
}

/* ---- 64-bit path (radix^u < 2^64) ---------------------------------------------------------- */

CCF_INLINE void ff3_fast_block(uint8_t blk[16], uint64_t x, const uint8_t *tl, const uint8_t *tr, unsigned i)
{
    fpe_store64_le(blk, x);
    memset(blk + 8, 0, 4);
    w_bytes(blk + 12, i & 1 ? tl : tr, i);
}

CCF_INLINE uint64_t ff3_fast_y(const uint8_t o[16], const fpe_divisor *mod)
{
    return fpe_mod128(fpe_load64_le(o + 8), fpe_load64_le(o), mod);
}

static void ff3_fast(const ccf_fpe_ctx *c, int decrypt, const uint8_t tweak[7],
                     const uint16_t *in, uint16_t *out, size_t n)
{
    size_t u = (n + 1) / 2, v = n - u;
    uint64_t a = fpe_num64(c, in, u, 1), b = fpe_num64(c, in + u, v, 1), y, nv;
    uint8_t tl[4], tr[4], blk[16];
    unsigned k;
    tweak_halves(tweak, tl, tr);
    for (k = 0; k < 8; k++) {
        unsigned i = decrypt ? 7 - k : k;
        const fpe_divisor *mod = &c->pow[i & 1 ? v : u];
        ff3_fast_block(blk, decrypt ? a : b, tl, tr, i);
        fpe_ciph(c, blk, blk, 1);
        y = ff3_fast_y(blk, mod);
        if (!decrypt) {
            nv = fpe_addmod64(a, y, mod->value);
            a = b;
            b = nv;
        } else {
            nv = fpe_submod64(b, y, mod->value);
            b = a;
            a = nv;
        }
    }
    fpe_str64(c, a, out, u, 1);
    fpe_str64(c, b, out + u, v, 1);
    ccf_memzero(blk, sizeof(blk));
}

/* ---- bignum path (radix^u >= 2^64; radix^u <= 2^96 always) --------------------------------- */

#define FF3_L 4      /* 128 bits: values < 2^96 and their doubles */

static void ff3_big(const ccf_fpe_ctx *c, int decrypt, const uint8_t tweak[7],
                    const uint16_t *in, uint16_t *out, size_t n)
{
    size_t u = (n + 1) / 2, v = n - u, mu_bits, mv_bits;
    fpe_limb A[FF3_L], B[FF3_L], Mu[FF3_L], Mv[FF3_L], R[FF3_L], Y[FF3_L], tmp[FF3_L], *pa = A, *pb = B, *sw;
    uint8_t tl[4], tr[4], blk[16];
    unsigned k;
    tweak_halves(tweak, tl, tr);
    fpe_bn_pow(c, Mu, FF3_L, u);
    fpe_bn_pow(c, Mv, FF3_L, v);
    mu_bits = fpe_bn_bitlen(Mu, FF3_L);
    mv_bits = fpe_bn_bitlen(Mv, FF3_L);
    fpe_bn_from_numerals(c, A, FF3_L, in, u, 1);
    fpe_bn_from_numerals(c, B, FF3_L, in + u, v, 1);
    for (k = 0; k < 8; k++) {
        unsigned i = decrypt ? 7 - k : k;
        int odd = i & 1;
        fpe_bn_to_le(decrypt ? pa : pb, FF3_L, blk, 12);
        w_bytes(blk + 12, odd ? tl : tr, i);
        fpe_ciph(c, blk, blk, 1);
        fpe_bn_from_le(Y, FF3_L, blk, 16);
        fpe_bn_mod(R, Y, FF3_L, 128, odd ? Mv : Mu, odd ? mv_bits : mu_bits, FF3_L, tmp);
        if (!decrypt)
            fpe_bn_addmod(pa, R, odd ? Mv : Mu, FF3_L, tmp);
        else
            fpe_bn_submod(pb, R, odd ? Mv : Mu, FF3_L, tmp);
        sw = pa; pa = pb; pb = sw;
    }
    fpe_bn_to_numerals(c, pa, FF3_L, out, u, 1);
    fpe_bn_to_numerals(c, pb, FF3_L, out + u, v, 1);
    ccf_memzero(A, sizeof(A)); ccf_memzero(B, sizeof(B)); ccf_memzero(R, sizeof(R));
    ccf_memzero(Y, sizeof(Y)); ccf_memzero(tmp, sizeof(tmp)); ccf_memzero(blk, sizeof(blk));
}

/* ---- entry points -------------------------------------------------------------------------- */

static int ff3_is_fast(const ccf_fpe_ctx *c, size_t n)
{
    return (n + 1) / 2 <= c->fast_m;
}

/* see fpe_internal.h (checks done by ccf_fpe_crypt) */
int ccf_ff3_1_crypt(const ccf_fpe_ctx *c, int decrypt, const uint8_t tweak[7],
                    const uint16_t *in, uint16_t *out, size_t n)
{
    if (ff3_is_fast(c, n))
        ff3_fast(c, decrypt, tweak, in, out, n);
    else
        ff3_big(c, decrypt, tweak, in, out, n);
    return CCF_OK;
}

#define FF3_LANES 64

typedef struct ff3_lane {
    uint64_t a, b;
    const fpe_divisor *mu, *mv;  /* radix^u, radix^v */
    const uint16_t *in;
    uint16_t *out;
    uint32_t n;
} ff3_lane;

static void ff3_lanes(const ccf_fpe_ctx *c, int decrypt, const uint8_t *tl, const uint8_t *tr,
                      ff3_lane *ln, size_t nl, uint8_t *blocks)
{
    size_t j;
    unsigned k;
    for (j = 0; j < nl; j++) {
        size_t u = (ln[j].n + 1) / 2;
        ln[j].a = fpe_num64(c, ln[j].in, u, 1);
        ln[j].b = fpe_num64(c, ln[j].in + u, ln[j].n - u, 1);
        ln[j].mu = &c->pow[u];
        ln[j].mv = &c->pow[ln[j].n - u];
    }
    for (k = 0; k < 8; k++) {
        unsigned i = decrypt ? 7 - k : k;
        for (j = 0; j < nl; j++)
            ff3_fast_block(blocks + 16 * j, decrypt ? ln[j].a : ln[j].b, tl, tr, i);
        fpe_ciph(c, blocks, blocks, nl);
        for (j = 0; j < nl; j++) {
            const fpe_divisor *mod = i & 1 ? ln[j].mv : ln[j].mu;
            uint64_t y = ff3_fast_y(blocks + 16 * j, mod), nv;
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
        size_t u = (ln[j].n + 1) / 2;
        fpe_str64(c, ln[j].a, ln[j].out, u, 1);
        fpe_str64(c, ln[j].b, ln[j].out + u, ln[j].n - u, 1);
    }
}

/* see fpe_internal.h (checks done by ccf_fpe_crypt_many) */
int ccf_ff3_1_crypt_many(const ccf_fpe_ctx *c, int decrypt, const uint8_t tweak[7],
                         const uint16_t *in, uint16_t *out, const uint32_t *lens, size_t count, size_t *bad)
{
    uint8_t tl[4], tr[4], blocks[16 * FF3_LANES];
    ff3_lane ln[FF3_LANES];
    size_t i, nl = 0, off = 0;
    (void)bad;
    tweak_halves(tweak, tl, tr);
    for (i = 0; i < count; i++) {
        size_t n = lens[i];
        if (!ff3_is_fast(c, n)) {
            ff3_big(c, decrypt, tweak, in + off, out + off, n);
        } else {
            ln[nl].in = in + off;
            ln[nl].out = out + off;
            ln[nl].n = (uint32_t)n;
            if (++nl == FF3_LANES) {
                ff3_lanes(c, decrypt, tl, tr, ln, nl, blocks);
                nl = 0;
            }
        }
        off += n;
    }
    if (nl)
        ff3_lanes(c, decrypt, tl, tr, ln, nl, blocks);
    ccf_memzero(blocks, sizeof(blocks));
    ccf_memzero(ln, sizeof(ln));
    return CCF_OK;
}
