/*
 * The AES inverse cipher (FIPS 197 5.3), portable and constant time, in the bitsliced layout of
 * aes_ct64.c (eight 64-bit planes, four blocks).  Only key unwrapping (RFC 3394 / RFC 5649)
 * needs it: a handful of blocks per unwrapped key, so the straightforward round structure is
 * used (no fixslicing) and every CPU runs this code.
 *
 *   InvSubBytes: S^-1 = Aff^-1 . S . Aff^-1, with S the forward S-box circuit and Aff^-1 the
 *     inverse of the S-box's affine map (S = Aff . inv and inv is an involution, so
 *     inv = Aff^-1 . S and S^-1 = inv . Aff^-1).  Aff^-1 is linear on the planes:
 *     b'_i = b_(i+2) ^ b_(i+5) ^ b_(i+7) ^ c_i with c = 0x05 (FIPS 197 5.3.2).
 *   InvShiftRows: row r of each 16-bit row group rotated left by 4r bits (columns c <- c - r).
 *   InvMixColumns = MixColumns . P, P the circulant (05, 00, 04, 00):
 *     {0e,0b,0d,09} = {02,03,01,01} x {05,00,04,00} mod x^4 + 1,
 *     so P(s)(r) = s(r) ^ {04} (s(r) ^ s(r+2)) and MixColumns is the forward code.
 * No table, no branch or address depends on the key or the data.
 */
#include "aes_impls.h"

/* The forward round functions for one 64-bit word per plane: sbox_x1, mix_columns_j_x1, ... */
#define CT_T uint64_t
#define CT_SPLAT(x) ((uint64_t)(x))
#define CT_FN(name) name##_x1
#include "aes_ct64_tmpl.h"
#undef CT_T
#undef CT_SPLAT
#undef CT_FN

/* Aff^-1 on every byte: bit i of the result = bits i+2, i+5, i+7 (mod 8), XOR 0x05. */
static void inv_affine(uint64_t q[8])
{
    uint64_t t[8];
    int i;
    for (i = 0; i < 8; i++)
        t[i] = q[(i + 2) & 7] ^ q[(i + 5) & 7] ^ q[(i + 7) & 7];
    t[0] = ~t[0];
    t[2] = ~t[2];
    for (i = 0; i < 8; i++)
        q[i] = t[i];
}

static void inv_sbox(uint64_t q[8])
{
    inv_affine(q);
    sbox_x1(q);
    inv_affine(q);
}

/* In row r, column c takes column c - r: the 16-bit row group r rotated left by 4r bits. */
static void inv_shift_rows(uint64_t q[8])
{
    int i;
    for (i = 0; i < 8; i++) {
        uint64_t x = q[i];
        q[i] = (x & 0x000000000000FFFFu)
             | ((x & 0x000000000FFF0000u) << 4) | ((x & 0x00000000F0000000u) >> 12)
             | ((x & 0x0000FF0000000000u) >> 8) | ((x & 0x000000FF00000000u) << 8)
             | ((x & 0xFFF0000000000000u) >> 4) | ((x & 0x000F000000000000u) << 12);
    }
}

/* Multiplication by {02} in GF(2^8) on every byte: plane b to b + 1, plane 7 folded into
 * planes 0, 1, 3, 4 (x^8 = x^4 + x^3 + x + 1). */
static void xtime(uint64_t t[8])
{
    uint64_t h = t[7];
    t[7] = t[6];
    t[6] = t[5];
    t[5] = t[4];
    t[4] = t[3] ^ h;
    t[3] = t[2] ^ h;
    t[2] = t[1];
    t[1] = t[0] ^ h;
    t[0] = h;
}

static void inv_mix_columns(uint64_t q[8])
{
    uint64_t t[8];
    int i;
    for (i = 0; i < 8; i++)
        t[i] = q[i] ^ rotr64_x1(q[i], 32);          /* s(r) ^ s(r + 2) */
    xtime(t);
    xtime(t);
    for (i = 0; i < 8; i++)
        q[i] ^= t[i];
    mix_columns_j_x1(q, 0);
}

static void add_key(uint64_t q[8], const uint64_t rk[8])
{
    int i;
    for (i = 0; i < 8; i++)
        q[i] ^= rk[i];
}

/* see ccf_aes.h */
int ccf_aes_dec_init(ccf_aes_dec_key *k, const uint8_t *key, size_t key_len)
{
    uint8_t rk[240], rk4[64];
    unsigned r;
    if (key_len != 16 && key_len != 24 && key_len != 32)
        return CCF_ERR_KEY_LENGTH;
    k->rounds = (unsigned)(key_len / 4 + 6);
    ccf_aes_ct_key_schedule(key, key_len, rk);
    for (r = 0; r <= k->rounds; r++) {             /* each round key, once per block lane */
        memcpy(rk4, rk + 16 * r, 16);
        memcpy(rk4 + 16, rk4, 16);
        memcpy(rk4 + 32, rk4, 32);
        ccf_aes_ct64_pack(k->sched + 8 * r, rk4);
    }
    ccf_memzero(rk, sizeof(rk));
    ccf_memzero(rk4, sizeof(rk4));
    return CCF_OK;
}

/* Four blocks (1..4 used) through the inverse cipher. */
static void decrypt4(const ccf_aes_dec_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    uint64_t q[8];
    uint8_t buf[64];
    unsigned r;
    memset(buf, 0, sizeof(buf));
    memcpy(buf, in, 16 * nblocks);
    ccf_aes_ct64_pack(q, buf);
    add_key(q, k->sched + 8 * k->rounds);
    for (r = k->rounds - 1; r > 0; r--) {
        inv_shift_rows(q);
        inv_sbox(q);
        add_key(q, k->sched + 8 * r);
        inv_mix_columns(q);
    }
    inv_shift_rows(q);
    inv_sbox(q);
    add_key(q, k->sched);
    ccf_aes_ct64_unpack(buf, q);
    memcpy(out, buf, 16 * nblocks);
    ccf_memzero(buf, sizeof(buf));
    ccf_memzero(q, sizeof(q));
}

/* see ccf_aes.h */
void ccf_aes_decrypt_blocks(const ccf_aes_dec_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    while (nblocks > 0) {
        size_t n = nblocks < 4 ? nblocks : 4;
        decrypt4(k, in, out, n);
        in += 16 * n;
        out += 16 * n;
        nblocks -= n;
    }
}

/* see ccf_aes.h */
void ccf_aes_dec_wipe(ccf_aes_dec_key *k)
{
    ccf_memzero(k, sizeof(*k));
}
