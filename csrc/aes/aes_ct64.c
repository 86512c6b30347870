/*
 * Portable constant-time AES (FIPS 197), bitsliced on 64-bit words.
 *
 * Four blocks (64 bytes) are processed at once as eight 64-bit "planes": plane b holds bit b
 * of every byte, at bit position 16*block + p where p = 4*column + row is the byte's index in
 * its block.  SubBytes is computed arithmetically on the planes (inversion as x^254 in
 * GF(2^8), then the affine map of FIPS 197 5.1.1), ShiftRows and MixColumns are fixed bit
 * permutations and XORs.  There is no table and no branch or address that depends on the key
 * or the data.
 */
#include "aes_impls.h"

static int ct64_supported(void) { return 1; }

/* ---- bitsliced GF(2^8) arithmetic, modulus x^8 + x^4 + x^3 + x + 1 -------------------------- */

/* x^k for k = 14..8 reduces onto x^(k-4), x^(k-5), x^(k-7), x^(k-8). */
CCF_INLINE void gf_reduce(uint64_t p[15], uint64_t r[8])
{
    int k;
    for (k = 14; k >= 8; k--) {
        p[k - 4] ^= p[k];
        p[k - 5] ^= p[k];
        p[k - 7] ^= p[k];
        p[k - 8] ^= p[k];
    }
    for (k = 0; k < 8; k++)
        r[k] = p[k];
}

static void gf_mul(uint64_t r[8], const uint64_t a[8], const uint64_t b[8])
{
    uint64_t p[15] = {0};
    int i, j;
    for (i = 0; i < 8; i++)
        for (j = 0; j < 8; j++)
            p[i + j] ^= a[i] & b[j];
    gf_reduce(p, r);
}

static void gf_sq(uint64_t r[8], const uint64_t a[8])
{
    uint64_t p[15] = {0};
    int i;
    for (i = 0; i < 8; i++)                 /* squaring is linear in characteristic 2 */
        p[2 * i] = a[i];
    gf_reduce(p, r);
}

/* The AES S-box on every lane of the planes s[0..7]. */
static void sbox(uint64_t s[8])
{
    uint64_t x2[8], x3[8], x12[8], x14[8], x15[8], t[8];
    int i;
    /* x^254 = x^-1 (and 0 -> 0): x^3, x^12, x^15, x^240, x^14, x^240 * x^14. */
    gf_sq(x2, s);
    gf_mul(x3, x2, s);
    gf_sq(t, x3);
    gf_sq(x12, t);
    gf_mul(x15, x12, x3);
    gf_mul(x14, x12, x2);
    gf_sq(t, x15);                            /* x^30 */
    gf_sq(t, t);                              /* x^60 */
    gf_sq(t, t);                              /* x^120 */
    gf_sq(t, t);                              /* x^240 */
    gf_mul(x2, t, x14);                       /* x^254 */
    /* affine map: b_i ^ b_(i+4) ^ b_(i+5) ^ b_(i+6) ^ b_(i+7) ^ c_i, c = 0x63 */
    for (i = 0; i < 8; i++)
        s[i] = x2[i] ^ x2[(i + 4) & 7] ^ x2[(i + 5) & 7] ^ x2[(i + 6) & 7] ^ x2[(i + 7) & 7];
    s[0] = ~s[0];
    s[1] = ~s[1];
    s[5] = ~s[5];
    s[6] = ~s[6];
}

/* ---- packing: 64 bytes <-> 8 planes ------------------------------------------------------ */

/* Exchange the bits of a at positions mask << n with the bits of b at positions mask. */
#define SWAPMOVE(a, b, mask, n) do {                         \
        uint64_t t_ = (((a) >> (n)) ^ (b)) & (mask);          \
        (b) ^= t_;                                            \
        (a) ^= t_ << (n);                                     \
    } while (0)

/* Transpose the 8x8 bit matrices formed by byte m of each word: afterwards bit k of byte m of
 * word b is what bit b of byte m of word k was.  An involution. */
static void ortho(uint64_t w[8])
{
    SWAPMOVE(w[0], w[1], 0x5555555555555555u, 1);
    SWAPMOVE(w[2], w[3], 0x5555555555555555u, 1);
    SWAPMOVE(w[4], w[5], 0x5555555555555555u, 1);
    SWAPMOVE(w[6], w[7], 0x5555555555555555u, 1);
    SWAPMOVE(w[0], w[2], 0x3333333333333333u, 2);
    SWAPMOVE(w[1], w[3], 0x3333333333333333u, 2);
    SWAPMOVE(w[4], w[6], 0x3333333333333333u, 2);
    SWAPMOVE(w[5], w[7], 0x3333333333333333u, 2);
    SWAPMOVE(w[0], w[4], 0x0F0F0F0F0F0F0F0Fu, 4);
    SWAPMOVE(w[1], w[5], 0x0F0F0F0F0F0F0F0Fu, 4);
    SWAPMOVE(w[2], w[6], 0x0F0F0F0F0F0F0F0Fu, 4);
    SWAPMOVE(w[3], w[7], 0x0F0F0F0F0F0F0F0Fu, 4);
}

/* Word k, byte m takes byte 8*(m%2) + k of block m/2, so that after ortho() the bit of byte p
 * of block j sits at position 8m + k = 16j + p. */
static void pack(uint64_t q[8], const uint8_t in[64])
{
    int k, m;
    for (k = 0; k < 8; k++) {
        uint64_t w = 0;
        for (m = 0; m < 8; m++)
            w |= (uint64_t)in[16 * (m >> 1) + 8 * (m & 1) + k] << (8 * m);
        q[k] = w;
    }
    ortho(q);
}

static void unpack(uint8_t out[64], uint64_t q[8])
{
    int k, m;
    ortho(q);
    for (k = 0; k < 8; k++)
        for (m = 0; m < 8; m++)
            out[16 * (m >> 1) + 8 * (m & 1) + k] = (uint8_t)(q[k] >> (8 * m));
}

/* ---- round functions ------------------------------------------------------------------------ */

/* Rotate each 16-bit lane right by s (lane-local), i.e. move column c+s/4 to column c. */
CCF_INLINE uint64_t ror16_lanes(uint64_t x, unsigned s)
{
    uint64_t low = (0xFFFFu >> s) * 0x0001000100010001u;
    return ((x >> s) & low) | ((x << (16 - s)) & ~low);
}

/* ShiftRows (FIPS 197 5.1.2): row r of column c takes row r of column c + r. */
static void shift_rows(uint64_t q[8])
{
    const uint64_t r0 = 0x1111111111111111u;
    int i;
    for (i = 0; i < 8; i++) {
        uint64_t x = q[i];
        q[i] = (x & r0) | ror16_lanes(x & (r0 << 1), 4) | ror16_lanes(x & (r0 << 2), 8)
             | ror16_lanes(x & (r0 << 3), 12);
    }
}

/* Within each column (nibble), the byte of row r takes the byte of row r + k. */
CCF_INLINE uint64_t rot_rows1(uint64_t x) { return ((x >> 1) & 0x7777777777777777u) | ((x << 3) & 0x8888888888888888u); }
CCF_INLINE uint64_t rot_rows2(uint64_t x) { return ((x >> 2) & 0x3333333333333333u) | ((x << 2) & 0xCCCCCCCCCCCCCCCCu); }
CCF_INLINE uint64_t rot_rows3(uint64_t x) { return ((x >> 3) & 0x1111111111111111u) | ((x << 1) & 0xEEEEEEEEEEEEEEEEu); }

/* MixColumns (FIPS 197 5.1.3): s'_r = 2 (s_r ^ s_r+1) ^ s_r+1 ^ s_r+2 ^ s_r+3. */
static void mix_columns(uint64_t q[8])
{
    uint64_t t[8], u[8];
    int i;
    for (i = 0; i < 8; i++) {
        uint64_t b = rot_rows1(q[i]);
        t[i] = q[i] ^ b;
        u[i] = b ^ rot_rows2(q[i]) ^ rot_rows3(q[i]);
    }
    /* xtime on the planes: multiply t by x, reducing bit 7 onto bits 0, 1, 3, 4 */
    q[0] = u[0] ^ t[7];
    q[1] = u[1] ^ t[0] ^ t[7];
    q[2] = u[2] ^ t[1];
    q[3] = u[3] ^ t[2] ^ t[7];
    q[4] = u[4] ^ t[3] ^ t[7];
    q[5] = u[5] ^ t[4];
    q[6] = u[6] ^ t[5];
    q[7] = u[7] ^ t[6];
}

CCF_INLINE void add_round_key(uint64_t q[8], const uint64_t *rk)
{
    int i;
    for (i = 0; i < 8; i++)
        q[i] ^= rk[i];
}

/* ---- key schedule (FIPS 197 5.2) ---------------------------------------------------------- */

/* SubWord through the bitsliced S-box: the 4 bytes occupy lanes 0..3 of the planes. */
static uint32_t sub_word(uint32_t w)
{
    uint64_t s[8];
    uint32_t r = 0;
    int b, j;
    for (b = 0; b < 8; b++) {
        uint64_t plane = 0;
        for (j = 0; j < 4; j++)
            plane |= (uint64_t)((w >> (8 * j + b)) & 1) << j;
        s[b] = plane;
    }
    sbox(s);
    for (b = 0; b < 8; b++)
        for (j = 0; j < 4; j++)
            r |= (uint32_t)((s[b] >> j) & 1) << (8 * j + b);
    ccf_memzero(s, sizeof(s));
    return r;
}

static void ct64_expand(ccf_aes_key *k, const uint8_t *key, size_t key_len)
{
    uint32_t w[60];                            /* words little-endian: byte 0 in bits 0..7 */
    uint8_t rk4[64];
    unsigned nk = (unsigned)(key_len / 4), total = 4 * (k->rounds + 1), i, r;
    uint32_t rcon = 1;
    for (i = 0; i < nk; i++)
        w[i] = ccf_load32_le(key + 4 * i);
    for (i = nk; i < total; i++) {
        uint32_t t = w[i - 1];
        if (i % nk == 0) {
            t = sub_word((t >> 8) | (t << 24)) ^ rcon;       /* RotWord, SubWord, Rcon */
            rcon = (rcon << 1) ^ (0x11B & (0u - (rcon >> 7)));
        } else if (nk > 6 && i % nk == 4) {
            t = sub_word(t);
        }
        w[i] = w[i - nk] ^ t;
    }
    /* Each round key, repeated for the four blocks, in bitsliced form. */
    for (r = 0; r <= k->rounds; r++) {
        for (i = 0; i < 4; i++) {
            ccf_store32_le(rk4 + 4 * i, w[4 * r + i]);
        }
        memcpy(rk4 + 16, rk4, 16);
        memcpy(rk4 + 32, rk4, 32);
        pack(k->sched + 8 * r, rk4);
    }
    ccf_memzero(w, sizeof(w));
    ccf_memzero(rk4, sizeof(rk4));
}

/* Encrypt 4 blocks in place (64 bytes). */
static void encrypt4(const ccf_aes_key *k, uint8_t blocks[64])
{
    uint64_t q[8];
    unsigned r;
    pack(q, blocks);
    add_round_key(q, k->sched);
    for (r = 1; r < k->rounds; r++) {
        sbox(q);
        shift_rows(q);
        mix_columns(q);
        add_round_key(q, k->sched + 8 * r);
    }
    sbox(q);
    shift_rows(q);
    add_round_key(q, k->sched + 8 * k->rounds);
    unpack(blocks, q);
    ccf_memzero(q, sizeof(q));
}

static void ct64_encrypt_blocks(const ccf_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    uint8_t buf[64];
    while (nblocks > 0) {
        size_t n = nblocks < 4 ? nblocks : 4;
        memset(buf, 0, sizeof(buf));
        memcpy(buf, in, 16 * n);
        encrypt4(k, buf);
        memcpy(out, buf, 16 * n);
        in += 16 * n;
        out += 16 * n;
        nblocks -= n;
    }
    ccf_memzero(buf, sizeof(buf));
}

/* CTR over 4-block groups; `wide` selects the 128-bit counter, else inc32. */
static void ct64_ctr(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out,
                     size_t len, int wide)
{
    uint8_t ks[64];
    while (len > 0) {
        size_t j, n = len < 64 ? len : 64;
        for (j = 0; j < 4; j++) {
            memcpy(ks + 16 * j, ctr, 16);
            if (16 * j < n) {                 /* advance only past blocks actually used */
                if (wide) {
                    int i = 15;
                    unsigned carry = 1;
                    for (i = 15; i >= 0; i--) {
                        carry += ctr[i];
                        ctr[i] = (uint8_t)carry;
                        carry >>= 8;
                    }
                } else {
                    ccf_store32_be(ctr + 12, ccf_load32_be(ctr + 12) + 1);
                }
            }
        }
        encrypt4(k, ks);
        for (j = 0; j < n; j++)
            out[j] = (uint8_t)(in[j] ^ ks[j]);
        in += n;
        out += n;
        len -= n;
    }
    ccf_memzero(ks, sizeof(ks));
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
