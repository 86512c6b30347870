/*
 * sm4_ct.c - portable constant-time SM4 (GB/T 32907-2016): 128 blocks bitsliced (64 where the
 * compiler has no 128-bit vector type).
 *
 * State: the four 32-bit words X0..X3 of the blocks as 4 x 32 "planes" (sm4_w, 128 or 64
 * bits); plane b of word w holds bit b of X_w of block k in its bit k.  In that form
 *   - the XORs of the round function are plane-wise,
 *   - the round key is XORed by complementing the planes of its set bits (mask arithmetic,
 *     no branch on the key),
 *   - the S-box is a Boolean circuit over 8 planes (sm4_ct_sbox.h + the bitsliced GF(16)
 *     products below): affine, inversion in the tower field GF((2^4)^2), affine
 *     (GB/T 32907 6.2.1; derivation in gen_sm4_ct_sbox.py),
 *   - the linear transform L (6.2.2) is a renaming of planes (rotations cost nothing).
 * No memory access depends on key or data.  A partial batch is zero-padded.
 *
 * Blocks enter and leave through a 64 x 64 bit-matrix transposition of (X0 || X1) and
 * (X2 || X3) read as big-endian 64-bit rows.
 */
#include "ccf_sm4.h"
#include "sm4_impls.h"

/*
 * The bitsliced word: 128 bits where GCC/clang vector extensions map to SSE2 / NEON (baseline
 * on x86-64 and aarch64: no ISA flag needed), 64 bits elsewhere.  SM4_W = 64-bit lanes per word;
 * one call handles 64 * SM4_W blocks.
 */
#if (defined(__GNUC__) || defined(__clang__)) && (defined(CCF_X86_64) || defined(CCF_ARM64))
typedef uint64_t sm4_w __attribute__((vector_size(16)));
#  define SM4_W 2
#  define LANE(v, h) ((v)[h])
#else
typedef uint64_t sm4_w;
#  define SM4_W 1
#  define LANE(v, h) (v)
#endif
#define SM4_LANES (64 * SM4_W)

#include "sm4_ct_sbox.h"

/* r = a * b in GF(16) = GF(2)[y]/(y^4 + y + 1), bitsliced (schoolbook, then y^4 = y + 1). */
CCF_INLINE void mul16(sm4_w r[4], const sm4_w a[4], const sm4_w b[4])
{
    sm4_w t0 = a[0] & b[0];
    sm4_w t1 = (a[0] & b[1]) ^ (a[1] & b[0]);
    sm4_w t2 = (a[0] & b[2]) ^ (a[1] & b[1]) ^ (a[2] & b[0]);
    sm4_w t3 = (a[0] & b[3]) ^ (a[1] & b[2]) ^ (a[2] & b[1]) ^ (a[3] & b[0]);
    sm4_w t4 = (a[1] & b[3]) ^ (a[2] & b[2]) ^ (a[3] & b[1]);
    sm4_w t5 = (a[2] & b[3]) ^ (a[3] & b[2]);
    sm4_w t6 = a[3] & b[3];
    r[0] = t0 ^ t4;
    r[1] = t1 ^ t4 ^ t5;
    r[2] = t2 ^ t5 ^ t6;
    r[3] = t3 ^ t6;
}

/* x[0..7] (bit planes, plane j = bit j of every byte) <- S(x), GB/T 32907 6.2.1: the
 * inversion in the tower field GF((2^4)^2), see gen_sm4_ct_sbox.py. */
CCF_INLINE void sbox_bs(sm4_w x[8])
{
    sm4_w t[8], s[4], d[4], l[4], d2[4], d3[4], d12[4], di[4], o[8];
    int i;
    sm4_ct_in(t, x);                         /* t = a1 z + a0: a0 = t[0..3], a1 = t[4..7] */
    for (i = 0; i < 4; i++)
        s[i] = t[i] ^ t[4 + i];              /* a0 + a1 */
    mul16(d, t, s);
    sm4_ct_lamsq16(l, t + 4);
    for (i = 0; i < 4; i++)
        d[i] ^= l[i];                        /* norm a0 (a0 + a1) + lambda a1^2 */
    sm4_ct_sq16(d2, d);
    mul16(d3, d2, d);
    sm4_ct_pow4_16(d12, d3);
    mul16(di, d12, d2);                      /* d^14 = d^-1 (0 -> 0) */
    mul16(o, s, di);                         /* (a0 + a1) / d */
    mul16(o + 4, t + 4, di);                 /* a1 / d */
    sm4_ct_out(x, o);
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
    sm4_w p[8];
    uint32_t r = 0;
    int j;
    memset(p, 0, sizeof(p));
    for (j = 0; j < 8; j++) {
        uint32_t v = (w >> j) & 0x01010101u;            /* bit j of byte m at bit 8m */
        LANE(p[j], 0) = (v | v >> 7 | v >> 14 | v >> 21) & 0xF;   /* ... at bit m */
    }
    sbox_bs(p);
    for (j = 0; j < 8; j++) {
        uint32_t v = (uint32_t)LANE(p[j], 0);
        r |= ((v & 1) | (v & 2) << 7 | (v & 4) << 14 | (v & 8) << 21) << j;
    }
    ccf_memzero(p, sizeof(p));
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
static void rounds_bs(const uint32_t rk[32], sm4_w x[4][32])
{
    int i, b, m;
    for (i = 0; i < 32; i++) {
        sm4_w *x0 = x[i & 3];
        const sm4_w *x1 = x[(i + 1) & 3], *x2 = x[(i + 2) & 3], *x3 = x[(i + 3) & 3];
        sm4_w u[32];
        uint32_t r = rk[i];
        for (b = 0; b < 32; b++)
            u[b] = x1[b] ^ x2[b] ^ x3[b] ^ ((uint64_t)0 - ((r >> b) & 1));
        for (m = 0; m < 4; m++)
            sbox_bs(u + 8 * m);
        /* L(B) = B ^ (B <<< 2) ^ (B <<< 10) ^ (B <<< 18) ^ (B <<< 24): bit b of B <<< n is
         * bit (b - n) mod 32 of B */
        for (b = 0; b < 32; b++)
            x0[b] ^= u[b] ^ u[(b - 2) & 31] ^ u[(b - 10) & 31] ^ u[(b - 18) & 31] ^ u[(b - 24) & 31];
    }
}

/* One block, the four S-boxes of a round as four lanes of one circuit evaluation: for serial
 * modes (CBC encryption, CBC-MAC), where a full batch would waste 127 lanes. */
static void ct_block1(const uint32_t rk[32], const uint8_t *in, uint8_t *out)
{
    uint32_t x[4], t;
    int i;
    for (i = 0; i < 4; i++)
        x[i] = ccf_load32_be(in + 4 * i);
    for (i = 0; i < 32; i++) {
        t = tau_ct(x[(i + 1) & 3] ^ x[(i + 2) & 3] ^ x[(i + 3) & 3] ^ rk[i]);
        x[i & 3] ^= t ^ ccf_rotl32(t, 2) ^ ccf_rotl32(t, 10) ^ ccf_rotl32(t, 18) ^ ccf_rotl32(t, 24);
    }
    for (i = 0; i < 4; i++)
        ccf_store32_be(out + 4 * i, x[3 - i]);
    ccf_memzero(x, sizeof(x));
}

static void ct_encrypt_blocks(const uint32_t rk[32], const uint8_t *in, uint8_t *out, size_t nblocks)
{
    uint64_t hi[SM4_W][64], lo[SM4_W][64];
    sm4_w x[4][32];
    if (nblocks < 4) {
        for (; nblocks; nblocks--, in += 16, out += 16)
            ct_block1(rk, in, out);
        return;
    }
    while (nblocks) {
        size_t n = nblocks < SM4_LANES ? nblocks : SM4_LANES, k;
        int b, h;
        for (h = 0; h < SM4_W; h++) {
            for (k = 0; k < 64; k++) {
                size_t blk = 64 * (size_t)h + k;
                hi[h][k] = blk < n ? ccf_load64_be(in + 16 * blk) : 0;
                lo[h][k] = blk < n ? ccf_load64_be(in + 16 * blk + 8) : 0;
            }
            transpose64(hi[h]);
            transpose64(lo[h]);
            for (b = 0; b < 32; b++) {
                LANE(x[0][b], h) = hi[h][32 + b]; LANE(x[1][b], h) = hi[h][b];
                LANE(x[2][b], h) = lo[h][32 + b]; LANE(x[3][b], h) = lo[h][b];
            }
        }
        rounds_bs(rk, x);
        /* output R(X32..X35) = (X35, X34, X33, X32); after 32 renamings X_{32+i} is x[i] */
        for (h = 0; h < SM4_W; h++) {
            for (b = 0; b < 32; b++) {
                hi[h][32 + b] = LANE(x[3][b], h); hi[h][b] = LANE(x[2][b], h);
                lo[h][32 + b] = LANE(x[1][b], h); lo[h][b] = LANE(x[0][b], h);
            }
            transpose64(hi[h]);
            transpose64(lo[h]);
            for (k = 0; k < 64; k++) {
                size_t blk = 64 * (size_t)h + k;
                if (blk >= n)
                    break;
                ccf_store64_be(out + 16 * blk, hi[h][k]);
                ccf_store64_be(out + 16 * blk + 8, lo[h][k]);
            }
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

const ccf_sm4_impl ccf_sm4_impl_ct64 = { "ct64", ct_supported, ct_encrypt_blocks, SM4_LANES, NULL };
