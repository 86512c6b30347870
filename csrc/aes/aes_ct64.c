/*
 * Portable constant-time AES (FIPS 197), bitsliced on 64-bit words, four (or eight) blocks at a time.
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
 * The round functions are in aes_ct64_tmpl.h, instantiated for one 64-bit word per plane and,
 * with GCC/clang on SSE2/NEON targets, for two-lane vectors (eight blocks per pass).
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

/* The round functions for one 64-bit word per plane (four blocks): sbox_x1, encrypt_planes_x1 */
#define CT_T uint64_t
#define CT_SPLAT(x) ((uint64_t)(x))
#define CT_FN(name) name##_x1
#include "aes_ct64_tmpl.h"
#undef CT_T
#undef CT_SPLAT
#undef CT_FN

/*
 * Eight blocks at a time where GCC/clang generic vectors map to 128-bit registers (SSE2 on
 * x86-64, NEON on aarch64; no intrinsics, no ISA flag): each plane is two 64-bit lanes, lane L
 * holding blocks 4L..4L+3, and the same instruction stream serves both.  Used for runs of
 * more than four blocks; shorter ones take the one-word code.  Round keys stay one word per
 * plane (broadcast when added).  Elsewhere (MSVC, 32-bit x86 without SSE2) only _x1 exists.
 */
#if !defined(CCF_CT64_NO_VECTOR) && (defined(__GNUC__) || defined(__clang__)) && \
    (defined(__SSE2__) || defined(__ARM_NEON) || defined(__aarch64__))
#  define CT64_X2 1
typedef uint64_t ct64_v2 __attribute__((vector_size(16)));
#  define CT_T ct64_v2
#  define CT_SPLAT(x) ((ct64_v2){(uint64_t)(x), (uint64_t)(x)})
#  define CT_FN(name) name##_x2
#  include "aes_ct64_tmpl.h"
#  undef CT_T
#  undef CT_SPLAT
#  undef CT_FN
#endif

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

/* see aes_impls.h */
void ccf_aes_ct64_pack(uint64_t q[8], const uint8_t in[64])
{
    pack(q, in);
}

/* see aes_impls.h */
void ccf_aes_ct64_unpack(uint8_t out[64], uint64_t q[8])
{
    unpack(out, q);
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
    sbox_x1(q);
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
            shift_rows_x1(k->sched + 8 * r);
    }
    ccf_memzero(rk, sizeof(rk));
    ccf_memzero(rk4, sizeof(rk4));
}

/* ---- modes ------------------------------------------------------------------------------------ */

/* Four blocks (1..4 used) through the cipher with one-word planes. */
static void encrypt4(const ccf_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    uint64_t q[8];
    uint8_t buf[64];
    if (nblocks == 4) {
        pack(q, in);
    } else {
        memset(buf, 0, sizeof(buf));
        memcpy(buf, in, 16 * nblocks);
        pack(q, buf);
    }
    encrypt_planes_x1(k, q);
    if (nblocks == 4) {
        unpack(out, q);
    } else {
        unpack(buf, q);
        memcpy(out, buf, 16 * nblocks);
        ccf_memzero(buf, sizeof(buf));
    }
    ccf_memzero(q, sizeof(q));
}

#if defined(CT64_X2)
/* Eight blocks (5..8 used) with two-lane planes. */
static void encrypt8(const ccf_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    uint64_t a[8], b[8];
    ct64_v2 q[8];
    uint8_t buf[64];
    int i;
    pack(a, in);
    memset(buf, 0, sizeof(buf));
    memcpy(buf, in + 64, 16 * (nblocks - 4));
    pack(b, buf);
    for (i = 0; i < 8; i++)
        q[i] = (ct64_v2){a[i], b[i]};
    encrypt_planes_x2(k, q);
    for (i = 0; i < 8; i++) {
        a[i] = q[i][0];
        b[i] = q[i][1];
    }
    unpack(out, a);
    unpack(buf, b);
    memcpy(out + 64, buf, 16 * (nblocks - 4));
    ccf_memzero(buf, sizeof(buf));
    ccf_memzero(q, sizeof(q));
    ccf_memzero(a, sizeof(a));
    ccf_memzero(b, sizeof(b));
}
#endif

static void ct64_encrypt_blocks(const ccf_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    while (nblocks > 0) {
        size_t n;
#if defined(CT64_X2)
        if (nblocks > 4) {
            n = nblocks < 8 ? nblocks : 8;
            encrypt8(k, in, out, n);
        } else
#endif
        {
            n = nblocks < 4 ? nblocks : 4;
            encrypt4(k, in, out, n);
        }
        in += 16 * n;
        out += 16 * n;
        nblocks -= n;
    }
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

/* Planes of the four counter blocks (hi, lo) + base .. + base + 3. */
static void ctr_planes(uint64_t q[8], uint64_t hi, uint64_t lo, uint64_t base, int wide)
{
    uint8_t blk[16];
    int j;
    for (j = 0; j < 4; j++) {
        uint64_t h = hi, l = lo;
        ctr_add(&h, &l, base + (uint64_t)j, wide);
        ccf_store64_be(blk, h);
        ccf_store64_be(blk + 8, l);
        interleave_in(&q[j], &q[j + 4], blk);
    }
    ortho(q);
}

/* out = in ^ keystream planes q (n <= 64 bytes); q is clobbered. */
static void xor_planes(uint64_t q[8], const uint8_t *in, uint8_t *out, size_t n)
{
    size_t i, j;
    ortho(q);
    if (n == 64) {
        for (j = 0; j < 4; j++) {
            uint64_t a = unspread(q[j]) | (unspread(q[j + 4]) << 32);
            uint64_t b = unspread(q[j] >> 8) | (unspread(q[j + 4] >> 8) << 32);
            ccf_store64_le(out + 16 * j, ccf_load64_le(in + 16 * j) ^ a);
            ccf_store64_le(out + 16 * j + 8, ccf_load64_le(in + 16 * j + 8) ^ b);
        }
    } else {
        uint8_t ks[64];
        for (j = 0; j < 4; j++)
            interleave_out(ks + 16 * j, q[j], q[j + 4]);
        for (i = 0; i < n; i++)
            out[i] = (uint8_t)(in[i] ^ ks[i]);
        ccf_memzero(ks, sizeof(ks));
    }
}

/*
 * CTR: runs of more than four blocks go eight at a time through the two-lane code (where it
 * exists), the rest four at a time.  The counter is public in CTR/SRTP but derived from H for
 * GCM nonces other than 96 bits, so the carries are computed without branches.
 */
static void ct64_ctr(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out,
                     size_t len, int wide)
{
    uint64_t a[8], hi = ccf_load64_be(ctr), lo = ccf_load64_be(ctr + 8);
    while (len > 0) {
        size_t n;
#if defined(CT64_X2)
        if (len > 64) {
            uint64_t b[8];
            ct64_v2 q[8];
            int i;
            n = len < 128 ? len : 128;
            ctr_planes(a, hi, lo, 0, wide);
            ctr_planes(b, hi, lo, 4, wide);
            for (i = 0; i < 8; i++)
                q[i] = (ct64_v2){a[i], b[i]};
            encrypt_planes_x2(k, q);
            for (i = 0; i < 8; i++) {
                a[i] = q[i][0];
                b[i] = q[i][1];
            }
            xor_planes(a, in, out, 64);
            xor_planes(b, in + 64, out + 64, n - 64);
            ccf_memzero(q, sizeof(q));
            ccf_memzero(b, sizeof(b));
        } else
#endif
        {
            n = len < 64 ? len : 64;
            ctr_planes(a, hi, lo, 0, wide);
            encrypt_planes_x1(k, a);
            xor_planes(a, in, out, n);
        }
        ctr_add(&hi, &lo, (n + 15) / 16, wide);
        in += n;
        out += n;
        len -= n;
    }
    ccf_store64_be(ctr, hi);
    ccf_store64_be(ctr + 8, lo);
    ccf_memzero(a, sizeof(a));
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
