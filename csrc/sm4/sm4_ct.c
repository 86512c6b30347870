/*
 * sm4_ct.c - portable constant-time SM4 (GB/T 32907-2016): 64 blocks bitsliced.
 *
 * State: the four 32-bit words X0..X3 of 64 blocks as 4 x 32 uint64_t "planes"; plane b of
 * word w holds bit b of X_w of block k in its bit k.  In that form
 *   - the XORs of the round function are plane-wise,
 *   - the round key is XORed by complementing the planes of its set bits (mask arithmetic,
 *     no branch on the key),
 *   - the S-box is a Boolean circuit over 8 planes (sm4_ct_sbox.h + the bitsliced GF(2^8)
 *     product below): affine, inversion as x^254, affine (GB/T 32907 6.2.1),
 *   - the linear transform L (6.2.2) is a renaming of planes (rotations cost nothing).
 * No memory access depends on key or data.  Fewer than 64 blocks are zero-padded.
 *
 * Blocks enter and leave through a 64 x 64 bit-matrix transposition of (X0 || X1) and
 * (X2 || X3) read as big-endian 64-bit rows.
 */
#include "ccf_sm4.h"
#include "sm4_impls.h"
#include "sm4_ct_sbox.h"

/* r = a * b in GF(2^8) mod x^8 + x^7 + x^6 + x^5 + x^4 + x^2 + 1, bitsliced. */
CCF_INLINE void gf_mul(uint64_t r[8], const uint64_t a[8], const uint64_t b[8])
{
    uint64_t t[15];
    int i, j, k;
    for (i = 0; i < 15; i++)
        t[i] = 0;
    for (i = 0; i < 8; i++)
        for (j = 0; j < 8; j++)
            t[i + j] ^= a[i] & b[j];
    /* x^k = x^(k-8) * (x^7 + x^6 + x^5 + x^4 + x^2 + 1), from the top down */
    for (k = 14; k >= 8; k--) {
        t[k - 1] ^= t[k]; t[k - 2] ^= t[k]; t[k - 3] ^= t[k];
        t[k - 4] ^= t[k]; t[k - 6] ^= t[k]; t[k - 8] ^= t[k];
    }
    for (i = 0; i < 8; i++)
        r[i] = t[i];
}

/* x[0..7] (bit planes of 64 bytes, plane j = bit j) <- S(x), GB/T 32907 6.2.1. */
CCF_INLINE void sbox64(uint64_t x[8])
{
    uint64_t a[8], x2[8], x3[8], x12[8], x15[8], x240[8], t[8];
    sm4_ct_affine(a, x);
    sm4_ct_sq(x2, a);
    gf_mul(x3, x2, a);
    sm4_ct_pow4(x12, x3);
    gf_mul(x15, x12, x3);
    sm4_ct_pow16(x240, x15);
    gf_mul(t, x240, x12);        /* x^252 */
    gf_mul(a, t, x2);            /* x^254 = x^-1 (0 -> 0) */
    sm4_ct_affine(x, a);
}

/* Transpose the 64 x 64 bit matrix a (element (r, c) = bit c of a[r]) in place. */
static void transpose64(uint64_t a[64])
{
    static const uint64_t m[6] = {
        0x00000000FFFFFFFFull, 0x0000FFFF0000FFFFull, 0x00FF00FF00FF00FFull,
        0x0F0F0F0F0F0F0F0Full, 0x3333333333333333ull, 0x5555555555555555ull
    };
    unsigned j, s, k;
    for (s = 0, j = 32; j; j >>= 1, s++) {
        for (k = 0; k < 64; k++) {
            if (k & j)
                continue;
            {
                uint64_t t = ((a[k] >> j) ^ a[k + j]) & m[s];
                a[k + j] ^= t;
                a[k] ^= t << j;
            }
        }
    }
}

/* The S-box of 4 bytes of one word (key schedule), through the same circuit. */
static uint32_t tau_ct(uint32_t w)
{
    uint64_t p[8];
    uint32_t r = 0;
    int j, m;
    for (j = 0; j < 8; j++) {
        p[j] = 0;
        for (m = 0; m < 4; m++)
            p[j] |= (uint64_t)((w >> (8 * m + j)) & 1) << m;
    }
    sbox64(p);
    for (j = 0; j < 8; j++)
        for (m = 0; m < 4; m++)
            r |= (uint32_t)((p[j] >> m) & 1) << (8 * m + j);
    return r;
}

/* see ccf_sm4.h */
void ccf_sm4_ct_key_schedule(const uint8_t key[16], uint32_t rk[32])
{
    /* GB/T 32907 7.3: FK system parameters; CK_i bytes are (4i + j) * 7 mod 256 */
    static const uint32_t fk[4] = { 0xA3B1BAC6u, 0x56AA3350u, 0x677D9197u, 0xB27022DCu };
    uint32_t k[4];
    int i;
    for (i = 0; i < 4; i++)
        k[i] = ccf_load32_be(key + 4 * i) ^ fk[i];
    for (i = 0; i < 32; i++) {
        uint32_t ck = 0, t;
        int j;
        for (j = 0; j < 4; j++)
            ck = (ck << 8) | (uint32_t)(((4 * i + j) * 7) & 0xFF);
        t = tau_ct(k[(i + 1) & 3] ^ k[(i + 2) & 3] ^ k[(i + 3) & 3] ^ ck);
        t = t ^ ccf_rotl32(t, 13) ^ ccf_rotl32(t, 23);          /* L' */
        k[i & 3] ^= t;
        rk[i] = k[i & 3];
    }
    ccf_memzero(k, sizeof(k));
}

/* 32 rounds over bitsliced words x[4][32] (GB/T 32907 7.1), words renamed every round. */
static void rounds64(const uint32_t rk[32], uint64_t x[4][32])
{
    int i, b, m;
    for (i = 0; i < 32; i++) {
        uint64_t *x0 = x[i & 3];
        const uint64_t *x1 = x[(i + 1) & 3], *x2 = x[(i + 2) & 3], *x3 = x[(i + 3) & 3];
        uint64_t u[32];
        uint32_t r = rk[i];
        for (b = 0; b < 32; b++)
            u[b] = x1[b] ^ x2[b] ^ x3[b] ^ ((uint64_t)0 - ((r >> b) & 1));
        for (m = 0; m < 4; m++)
            sbox64(u + 8 * m);
        /* L(B) = B ^ (B <<< 2) ^ (B <<< 10) ^ (B <<< 18) ^ (B <<< 24): bit b of B <<< n is
         * bit (b - n) mod 32 of B */
        for (b = 0; b < 32; b++)
            x0[b] ^= u[b] ^ u[(b - 2) & 31] ^ u[(b - 10) & 31] ^ u[(b - 18) & 31] ^ u[(b - 24) & 31];
    }
}

static void ct_encrypt_blocks(const uint32_t rk[32], const uint8_t *in, uint8_t *out, size_t nblocks)
{
    uint64_t hi[64], lo[64], x[4][32];
    while (nblocks) {
        size_t n = nblocks < 64 ? nblocks : 64, k;
        int b;
        for (k = 0; k < 64; k++) {
            hi[k] = k < n ? ccf_load64_be(in + 16 * k) : 0;
            lo[k] = k < n ? ccf_load64_be(in + 16 * k + 8) : 0;
        }
        transpose64(hi);
        transpose64(lo);
        for (b = 0; b < 32; b++) {
            x[0][b] = hi[32 + b]; x[1][b] = hi[b];
            x[2][b] = lo[32 + b]; x[3][b] = lo[b];
        }
        rounds64(rk, x);
        /* output R(X32..X35) = (X35, X34, X33, X32); after 32 renamings X_{32+i} is x[i] */
        for (b = 0; b < 32; b++) {
            hi[32 + b] = x[3][b]; hi[b] = x[2][b];
            lo[32 + b] = x[1][b]; lo[b] = x[0][b];
        }
        transpose64(hi);
        transpose64(lo);
        for (k = 0; k < n; k++) {
            ccf_store64_be(out + 16 * k, hi[k]);
            ccf_store64_be(out + 16 * k + 8, lo[k]);
        }
        in += 16 * n;
        out += 16 * n;
        nblocks -= n;
    }
    ccf_memzero(hi, sizeof(hi));
    ccf_memzero(lo, sizeof(lo));
    ccf_memzero(x, sizeof(x));
}

static int ct_supported(void) { return 1; }

const ccf_sm4_impl ccf_sm4_impl_ct64 = { "ct64", ct_supported, ct_encrypt_blocks, 64 };
