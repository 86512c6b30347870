/*
 * Portable constant-time AES (FIPS 197), bitsliced on 64-bit words, four blocks at a time.
 *
 * State layout.  Four blocks (64 bytes) are held as eight 64-bit planes q[0..7]: plane b holds
 * bit b of every byte of the four blocks.  The byte in row r, column c of block j (byte index
 * 4c + r of the block, FIPS 197 3.4) sits at bit position 16r + 4c + j of each plane, so a
 * plane is four 16-bit "row" groups of four columns of four blocks.  With this layout
 *   - SubBytes is a Boolean circuit applied to the eight planes (the Boyar-Peralta circuit for
 *     the S-box: 32 AND, 83 XOR/XNOR gates, "A depth-16 circuit for the AES S-box", 2011),
 *   - ShiftRows rotates each 16-bit row group by 4r bits,
 *   - MixColumns needs only whole-word rotations by 16 and 32 bits (row r+1, r+2) and XORs,
 *   - ShiftRows is folded into MixColumns and the round keys ("fixslicing", see
 *     mix_columns_j), leaving one double ShiftRows at the end.
 * Packing four blocks into planes is an 8x8 bit-matrix transposition per byte position
 * (three rounds of masked swaps) after interleaving the bytes.  There is no table and no branch
 * or memory address that depends on the key, the data or the counter.
 *
 * Key schedule (FIPS 197 5.2): SubWord also runs through the bitsliced S-box.  The expanded
 * key is stored already bitsliced (each round key replicated over the four block lanes) and
 * pre-rotated for fixslicing: 8 words per round key, 120 of the 160 words of ccf_aes_key.sched
 * for AES-256.
 */
#include "aes_impls.h"

static int ct64_supported(void) { return 1; }

/* ---- S-box ---------------------------------------------------------------------------------- */

/*
 * SubBytes on every byte of the planes.  Inputs U0..U7 are bits 7..0 of the byte (U0 most
 * significant); top linear layer, shared non-linear middle (inversion in GF(2^4)^2 form),
 * bottom linear layer with the affine constant 0x63 folded into the XNORs.
 */
static void sbox(uint64_t q[8])
{
    uint64_t x0, x1, x2, x3, x4, x5, x6, x7;
    uint64_t y1, y2, y3, y4, y5, y6, y7, y8, y9, y10, y11, y12, y13, y14, y15, y16, y17, y18, y19;
    uint64_t y20, y21;
    uint64_t z0, z1, z2, z3, z4, z5, z6, z7, z8, z9, z10, z11, z12, z13, z14, z15, z16, z17;
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15, t16, t17, t18;
    uint64_t t19, t20, t21, t22, t23, t24, t25, t26, t27, t28, t29, t30, t31, t32, t33, t34, t35;
    uint64_t t36, t37, t38, t39, t40, t41, t42, t43, t44, t45, t46, t47, t48, t49, t50, t51, t52;
    uint64_t t53, t54, t55, t56, t57, t58, t59, t60, t61, t62, t63, t64, t65, t66, t67;
    uint64_t s0, s1, s2, s3, s4, s5, s6, s7;

    x0 = q[7]; x1 = q[6]; x2 = q[5]; x3 = q[4];
    x4 = q[3]; x5 = q[2]; x6 = q[1]; x7 = q[0];

    /* top linear transformation */
    y14 = x3 ^ x5;
    y13 = x0 ^ x6;
    y9 = x0 ^ x3;
    y8 = x0 ^ x5;
    t0 = x1 ^ x2;
    y1 = t0 ^ x7;
    y4 = y1 ^ x3;
    y12 = y13 ^ y14;
    y2 = y1 ^ x0;
    y5 = y1 ^ x6;
    y3 = y5 ^ y8;
    t1 = x4 ^ y12;
    y15 = t1 ^ x5;
    y20 = t1 ^ x1;
    y6 = y15 ^ x7;
    y10 = y15 ^ t0;
    y11 = y20 ^ y9;
    y7 = x7 ^ y11;
    y17 = y10 ^ y11;
    y19 = y10 ^ y8;
    y16 = t0 ^ y11;
    y21 = y13 ^ y16;
    y18 = x0 ^ y16;

    /* non-linear middle */
    t2 = y12 & y15;
    t3 = y3 & y6;
    t4 = t3 ^ t2;
    t5 = y4 & x7;
    t6 = t5 ^ t2;
    t7 = y13 & y16;
    t8 = y5 & y1;
    t9 = t8 ^ t7;
    t10 = y2 & y7;
    t11 = t10 ^ t7;
    t12 = y9 & y11;
    t13 = y14 & y17;
    t14 = t13 ^ t12;
    t15 = y8 & y10;
    t16 = t15 ^ t12;
    t17 = t4 ^ t14;
    t18 = t6 ^ t16;
    t19 = t9 ^ t14;
    t20 = t11 ^ t16;
    t21 = t17 ^ y20;
    t22 = t18 ^ y19;
    t23 = t19 ^ y21;
    t24 = t20 ^ y18;

    t25 = t21 ^ t22;
    t26 = t21 & t23;
    t27 = t24 ^ t26;
    t28 = t25 & t27;
    t29 = t28 ^ t22;
    t30 = t23 ^ t24;
    t31 = t22 ^ t26;
    t32 = t31 & t30;
    t33 = t32 ^ t24;
    t34 = t23 ^ t33;
    t35 = t27 ^ t33;
    t36 = t24 & t35;
    t37 = t36 ^ t34;
    t38 = t27 ^ t36;
    t39 = t29 & t38;
    t40 = t25 ^ t39;

    t41 = t40 ^ t37;
    t42 = t29 ^ t33;
    t43 = t29 ^ t40;
    t44 = t33 ^ t37;
    t45 = t42 ^ t41;
    z0 = t44 & y15;
    z1 = t37 & y6;
    z2 = t33 & x7;
    z3 = t43 & y16;
    z4 = t40 & y1;
    z5 = t29 & y7;
    z6 = t42 & y11;
    z7 = t45 & y17;
    z8 = t41 & y10;
    z9 = t44 & y12;
    z10 = t37 & y3;
    z11 = t33 & y4;
    z12 = t43 & y13;
    z13 = t40 & y5;
    z14 = t29 & y2;
    z15 = t42 & y9;
    z16 = t45 & y14;
    z17 = t41 & y8;

    /* bottom linear transformation */
    t46 = z15 ^ z16;
    t47 = z10 ^ z11;
    t48 = z5 ^ z13;
    t49 = z9 ^ z10;
    t50 = z2 ^ z12;
    t51 = z2 ^ z5;
    t52 = z7 ^ z8;
    t53 = z0 ^ z3;
    t54 = z6 ^ z7;
    t55 = z16 ^ z17;
    t56 = z12 ^ t48;
    t57 = t50 ^ t53;
    t58 = z4 ^ t46;
    t59 = z3 ^ t54;
    t60 = t46 ^ t57;
    t61 = z14 ^ t57;
    t62 = t52 ^ t58;
    t63 = t49 ^ t58;
    t64 = z4 ^ t59;
    t65 = t61 ^ t62;
    t66 = z1 ^ t63;
    s0 = t59 ^ t63;
    s6 = t56 ^ ~t62;
    s7 = t48 ^ ~t60;
    t67 = t64 ^ t65;
    s3 = t53 ^ t66;
    s4 = t51 ^ t66;
    s5 = t47 ^ t65;
    s1 = t64 ^ ~s3;
    s2 = t55 ^ ~t67;

    q[7] = s0; q[6] = s1; q[5] = s2; q[4] = s3;
    q[3] = s4; q[2] = s5; q[1] = s6; q[0] = s7;
}

/* ---- packing: 64 bytes <-> 8 planes ----------------------------------------------------------- */

/* Exchange the bits of a at positions mask << n with the bits of b at positions mask. */
#define SWAPMOVE(a, b, mask, n) do {                         \
        uint64_t t_ = (((a) >> (n)) ^ (b)) & (mask);          \
        (b) ^= t_;                                            \
        (a) ^= t_ << (n);                                     \
    } while (0)

/* Transpose the 8x8 bit matrices (word index x bit-in-byte) at each byte position m:
 * afterwards bit k of byte m of word b is what bit b of byte m of word k was.  An involution. */
static void ortho(uint64_t w[8])
{
    const uint64_t m1 = 0x5555555555555555u, m2 = 0x3333333333333333u, m4 = 0x0F0F0F0F0F0F0F0Fu;
    SWAPMOVE(w[0], w[1], m1, 1);
    SWAPMOVE(w[2], w[3], m1, 1);
    SWAPMOVE(w[4], w[5], m1, 1);
    SWAPMOVE(w[6], w[7], m1, 1);
    SWAPMOVE(w[0], w[2], m2, 2);
    SWAPMOVE(w[1], w[3], m2, 2);
    SWAPMOVE(w[4], w[6], m2, 2);
    SWAPMOVE(w[5], w[7], m2, 2);
    SWAPMOVE(w[0], w[4], m4, 4);
    SWAPMOVE(w[1], w[5], m4, 4);
    SWAPMOVE(w[2], w[6], m4, 4);
    SWAPMOVE(w[3], w[7], m4, 4);
}

/* Byte i of a 32-bit value to byte 2i of the result, and back. */
CCF_INLINE uint64_t spread(uint64_t x)
{
    x = (x | (x << 16)) & 0x0000FFFF0000FFFFu;
    return (x | (x << 8)) & 0x00FF00FF00FF00FFu;
}
CCF_INLINE uint64_t unspread(uint64_t x)
{
    x &= 0x00FF00FF00FF00FFu;
    x = (x | (x >> 8)) & 0x0000FFFF0000FFFFu;
    return (x | (x >> 16)) & 0x00000000FFFFFFFFu;
}

/*
 * The transposition puts bit b of byte m of word k at plane b, position 8m + k.  We want byte
 * 4c + r of block j at position 16r + 4c + j, so word k = 4*(c & 1) + j must hold, at byte
 * m = 2r + (c >> 1), the block's byte 8*(c >> 1) + 4*(c & 1) + r: even bytes of the word
 * come from the block's first 8 bytes, odd ones from the last 8.
 */
CCF_INLINE void interleave_in(uint64_t *w0, uint64_t *w1, const uint8_t *blk)
{
    uint64_t lo = ccf_load64_le(blk), hi = ccf_load64_le(blk + 8);
    *w0 = spread(lo & 0xFFFFFFFFu) | (spread(hi & 0xFFFFFFFFu) << 8);
    *w1 = spread(lo >> 32) | (spread(hi >> 32) << 8);
}

CCF_INLINE void interleave_out(uint8_t *blk, uint64_t w0, uint64_t w1)
{
    ccf_store64_le(blk, unspread(w0) | (unspread(w1) << 32));
    ccf_store64_le(blk + 8, unspread(w0 >> 8) | (unspread(w1 >> 8) << 32));
}

/* Four blocks (64 bytes) into planes. */
static void pack(uint64_t q[8], const uint8_t in[64])
{
    int j;
    for (j = 0; j < 4; j++)
        interleave_in(&q[j], &q[j + 4], in + 16 * j);
    ortho(q);
}

/* Planes back to four blocks; q is clobbered. */
static void unpack(uint8_t out[64], uint64_t q[8])
{
    int j;
    ortho(q);
    for (j = 0; j < 4; j++)
        interleave_out(out + 16 * j, q[j], q[j + 4]);
}

/* ---- round functions ---------------------------------------------------------------------- */

/* ShiftRows (FIPS 197 5.1.2): in row r, column c takes column c + r, i.e. the 16-bit row
 * group r is rotated right by 4r bits. */
static void shift_rows(uint64_t q[8])
{
    int i;
    for (i = 0; i < 8; i++) {
        uint64_t x = q[i];
        q[i] = (x & 0x000000000000FFFFu)
             | ((x & 0x00000000FFF00000u) >> 4) | ((x & 0x00000000000F0000u) << 12)
             | ((x & 0x0000FF0000000000u) >> 8) | ((x & 0x000000FF00000000u) << 8)
             | ((x & 0xF000000000000000u) >> 12) | ((x & 0x0FFF000000000000u) << 4);
    }
}

CCF_INLINE uint64_t rotr64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

/* Column rotation: every 16-bit row group rotated right by 4n bits, so column c takes column
 * c + n in every row (n = 1, 2 or 3). */
CCF_INLINE uint64_t rot_cols(uint64_t x, unsigned n)
{
    const uint64_t lo = (0xFFFFu >> (4 * n)) * 0x0001000100010001u;
    return ((x >> (4 * n)) & lo) | ((x << (16 - 4 * n)) & ~lo);
}

/*
 * MixColumns (FIPS 197 5.1.3) in "fixsliced" form (Adomnicai and Peyrin, "Fixslicing AES-like
 * ciphers", TCHES 2021/1).  ShiftRows is not applied in every round: after round i the state is
 * kept as SR^-i(x), so the linear layer of round i becomes MC_j = SR^-j . MC . SR^j, j = i mod 4,
 * and the round keys are stored as SR^-i(k_i).  MC_j mixes the diagonals
 *     s'(r, c) = {02} s(r, c) ^ {03} s(r+1, c+j) ^ s(r+2, c+2j) ^ s(r+3, c+3j).
 * With a = the state moved up one row (a 16-bit rotation of each plane) and j columns left,
 * t = s ^ a, this is {02} t ^ a ^ (t moved up two rows and 2j columns).  Multiplication by {02}
 * moves plane b to plane b + 1 and folds plane 7 into planes 0, 1, 3, 4 (x^8 = x^4+x^3+x+1).
 * The j = 0 case is plain MixColumns.  Compared with a ShiftRows in every round this saves
 * about a quarter of the encryption time.
 */
CCF_INLINE void mix_columns_j(uint64_t q[8], unsigned j)
{
    uint64_t a[8], t[8], u[8];
    int i;
    for (i = 0; i < 8; i++) {
        a[i] = rotr64(q[i], 16);
        if (j)
            a[i] = rot_cols(a[i], j);
        t[i] = q[i] ^ a[i];
        u[i] = rotr64(t[i], 32);
        if (j & 1)
            u[i] = rot_cols(u[i], 2);
    }
    q[0] = t[7] ^ a[0] ^ u[0];
    q[1] = t[0] ^ t[7] ^ a[1] ^ u[1];
    q[2] = t[1] ^ a[2] ^ u[2];
    q[3] = t[2] ^ t[7] ^ a[3] ^ u[3];
    q[4] = t[3] ^ t[7] ^ a[4] ^ u[4];
    q[5] = t[4] ^ a[5] ^ u[5];
    q[6] = t[5] ^ a[6] ^ u[6];
    q[7] = t[6] ^ a[7] ^ u[7];
}

CCF_INLINE void add_round_key(uint64_t q[8], const uint64_t *rk)
{
    q[0] ^= rk[0]; q[1] ^= rk[1]; q[2] ^= rk[2]; q[3] ^= rk[3];
    q[4] ^= rk[4]; q[5] ^= rk[5]; q[6] ^= rk[6]; q[7] ^= rk[7];
}

/*
 * The cipher (FIPS 197 5.1) on the planes of four blocks, fixsliced: round i applies SubBytes,
 * MC_(i mod 4) and the stored key SR^-i(k_i); after the last round (no MixColumns) the state is
 * SR^-Nr(x), so SR^(Nr mod 4) = SR^2 (AES-128/256) or nothing (AES-192) restores it.
 */
static void encrypt_planes(const ccf_aes_key *k, uint64_t q[8])
{
    unsigned r;
    add_round_key(q, k->sched);
    for (r = 1; r < k->rounds; r++) {
        sbox(q);
        switch (r & 3) {                       /* the round number is public */
        case 0: mix_columns_j(q, 0); break;
        case 1: mix_columns_j(q, 1); break;
        case 2: mix_columns_j(q, 2); break;
        default: mix_columns_j(q, 3); break;
        }
        add_round_key(q, k->sched + 8 * r);
    }
    sbox(q);
    add_round_key(q, k->sched + 8 * k->rounds);
    if (k->rounds & 2) {
        shift_rows(q);
        shift_rows(q);
    }
}

/* ---- key schedule (FIPS 197 5.2) -------------------------------------------------------------- */

/* SubWord: the four bytes (little-endian in w) through the bitsliced S-box, lanes of block 0. */
static uint32_t sub_word(uint32_t w)
{
    uint8_t blk[64] = {0};
    uint64_t q[8];
    uint32_t r;
    ccf_store32_le(blk, w);
    pack(q, blk);
    sbox(q);
    unpack(blk, q);
    r = ccf_load32_le(blk);
    ccf_memzero(blk, sizeof(blk));
    ccf_memzero(q, sizeof(q));
    return r;
}

/* see aes_impls.h */
void ccf_aes_ct_key_schedule(const uint8_t *key, size_t key_len, uint8_t *rk)
{
    uint32_t w[60];                             /* byte 0 of each word in bits 0..7 */
    unsigned nk = (unsigned)(key_len / 4), total = 4 * (nk + 7), i;
    uint32_t rcon = 1;
    for (i = 0; i < nk; i++)
        w[i] = ccf_load32_le(key + 4 * i);
    for (i = nk; i < total; i++) {
        uint32_t t = w[i - 1];
        if (i % nk == 0) {
            t = sub_word((t >> 8) | (t << 24)) ^ rcon;         /* RotWord, SubWord, Rcon */
            rcon = (rcon << 1) ^ (0x11Bu & (0u - (rcon >> 7)));  /* public, not secret */
        } else if (nk > 6 && i % nk == 4) {
            t = sub_word(t);
        }
        w[i] = w[i - nk] ^ t;
    }
    for (i = 0; i < total; i++)
        ccf_store32_le(rk + 4 * i, w[i]);
    ccf_memzero(w, sizeof(w));
}

static void ct64_expand(ccf_aes_key *k, const uint8_t *key, size_t key_len)
{
    uint8_t rk[240], rk4[64];
    unsigned r, i;
    ccf_aes_ct_key_schedule(key, key_len, rk);
    for (r = 0; r <= k->rounds; r++) {           /* each round key, once per block lane */
        memcpy(rk4, rk + 16 * r, 16);
        memcpy(rk4 + 16, rk4, 16);
        memcpy(rk4 + 32, rk4, 32);
        pack(k->sched + 8 * r, rk4);
        for (i = 0; i < (4 - (r & 3)) % 4; i++)  /* SR^-r = SR^(4 - r mod 4), see encrypt_planes */
            shift_rows(k->sched + 8 * r);
    }
    ccf_memzero(rk, sizeof(rk));
    ccf_memzero(rk4, sizeof(rk4));
}

/* ---- modes ------------------------------------------------------------------------------------ */

static void ct64_encrypt_blocks(const ccf_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    uint64_t q[8];
    uint8_t buf[64];
    while (nblocks >= 4) {
        pack(q, in);
        encrypt_planes(k, q);
        unpack(out, q);
        in += 64;
        out += 64;
        nblocks -= 4;
    }
    if (nblocks) {
        memset(buf, 0, sizeof(buf));
        memcpy(buf, in, 16 * nblocks);
        pack(q, buf);
        encrypt_planes(k, q);
        unpack(buf, q);
        memcpy(out, buf, 16 * nblocks);
        ccf_memzero(buf, sizeof(buf));
    }
    ccf_memzero(q, sizeof(q));
}

/* (hi, lo) + n as a 128-bit counter (wide) or with inc32 on the low 32 bits, branch-free. */
CCF_INLINE void ctr_add(uint64_t *hi, uint64_t *lo, uint64_t n, int wide)
{
    uint64_t a = *lo, s = a + n;
    if (wide) {
        *hi += ((a & n) | ((a | n) & ~s)) >> 63;    /* carry out of the low word */
        *lo = s;
    } else {
        *lo = (a & 0xFFFFFFFF00000000u) | (s & 0xFFFFFFFFu);
    }
}

/*
 * CTR over groups of four blocks.  The counter blocks go straight into the interleaved words;
 * the counter is public in CTR/SRTP but derived from H for GCM nonces other than 96 bits, so
 * the carries are computed without branches.
 */
static void ct64_ctr(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out,
                     size_t len, int wide)
{
    uint64_t q[8], hi = ccf_load64_be(ctr), lo = ccf_load64_be(ctr + 8);
    uint8_t blk[16], ks[64];
    size_t i, j;
    while (len > 0) {
        size_t n = len < 64 ? len : 64;
        for (j = 0; j < 4; j++) {
            uint64_t h = hi, l = lo;
            ctr_add(&h, &l, j, wide);
            ccf_store64_be(blk, h);
            ccf_store64_be(blk + 8, l);
            interleave_in(&q[j], &q[j + 4], blk);
        }
        ctr_add(&hi, &lo, (n + 15) / 16, wide);
        ortho(q);
        encrypt_planes(k, q);
        ortho(q);
        if (n == 64) {
            for (j = 0; j < 4; j++) {
                uint64_t w0 = q[j], w1 = q[j + 4];
                uint64_t a = unspread(w0) | (unspread(w1) << 32);
                uint64_t b = unspread(w0 >> 8) | (unspread(w1 >> 8) << 32);
                ccf_store64_le(out + 16 * j, ccf_load64_le(in + 16 * j) ^ a);
                ccf_store64_le(out + 16 * j + 8, ccf_load64_le(in + 16 * j + 8) ^ b);
            }
        } else {
            for (j = 0; j < 4; j++)
                interleave_out(ks + 16 * j, q[j], q[j + 4]);
            for (i = 0; i < n; i++)
                out[i] = (uint8_t)(in[i] ^ ks[i]);
        }
        in += n;
        out += n;
        len -= n;
    }
    ccf_store64_be(ctr, hi);
    ccf_store64_be(ctr + 8, lo);
    ccf_memzero(q, sizeof(q));
    ccf_memzero(ks, sizeof(ks));
    ccf_memzero(blk, sizeof(blk));
}

static void ct64_ctr32(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    ct64_ctr(k, ctr, in, out, len, 0);
}

static void ct64_ctr128(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    ct64_ctr(k, ctr, in, out, len, 1);
}

const ccf_aes_impl ccf_aes_impl_ct64 = {
    "ct64", ct64_supported, ct64_expand, ct64_encrypt_blocks, ct64_ctr32, ct64_ctr128
};
