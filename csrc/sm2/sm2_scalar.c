/*
 * sm2_scalar.c - constants of the SM2 recommended curve and arithmetic modulo the group order n
 * (portable, constant time).  Curve parameters: GB/T 32918.5-2017 section 2 (sm2p256v1).
 */
#include "sm2_impls.h"

const sm2_fe ccf_sm2_p = {0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFF00000000ull, 0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFEFFFFFFFFull};
const sm2_fe ccf_sm2_n = {0x53BBF40939D54123ull, 0x7203DF6B21C6052Bull, 0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFEFFFFFFFFull};
/* Montgomery constants mod p, R = 2^256 (checked against the plain values by test_sm2.c) */
const sm2_fe ccf_sm2_one = {0x0000000000000001ull, 0x00000000FFFFFFFFull, 0x0000000000000000ull, 0x0000000100000000ull};
const sm2_fe ccf_sm2_rr = {0x0000000200000003ull, 0x00000002FFFFFFFFull, 0x0000000100000001ull, 0x0000000400000002ull};
const sm2_fe ccf_sm2_b_mont = {0x90D230632BC0DD42ull, 0x71CF379AE9B537ABull, 0x527981505EA51C3Cull, 0x240FE188BA20E2C8ull};
const sm2_aff ccf_sm2_g_mont = {
    {0x61328990F418029Eull, 0x3E7981EDDCA6C050ull, 0xD6A1ED99AC24C3C3ull, 0x91167A5EE1C13B05ull},
    {0xC1354E593C2D0DDDull, 0xC1F5E5788D3295FAull, 0x8D4CFB066E2A48F8ull, 0x63CD65D481D735BDull}};

/* Montgomery constants mod n */
static const uint64_t sc_n0 = 0x327f9e8872350975ull;   /* -n^-1 mod 2^64 */
static const sm2_fe sc_rr = {0x901192AF7C114F20ull, 0x3464504ADE6FA2FAull, 0x620FC84C3AFFE0D4ull, 0x1EB5E412A22B3D3Bull};

/* see sm2_impls.h */
void ccf_sm2_sc_reduce(uint64_t r[4], const uint64_t a[4])
{
    /* a < 2^256 < 2n: one masked subtraction */
    uint64_t br = 0, u[4], keep;
    int i;
    for (i = 0; i < 4; i++) u[i] = sm2_sbb(a[i], ccf_sm2_n[i], &br);
    keep = (uint64_t)0 - br;
    for (i = 0; i < 4; i++) r[i] = (a[i] & keep) | (u[i] & ~keep);
}

/* see sm2_impls.h: a*b mod n for a, b < n in plain (non-Montgomery) form */
void ccf_sm2_sc_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t t[4];
    sm2_mont_mul_generic(t, a, b, ccf_sm2_n, sc_n0);        /* a b / R */
    sm2_mont_mul_generic(r, t, sc_rr, ccf_sm2_n, sc_n0);    /* a b / R * R^2 / R = a b */
}

void ccf_sm2_sc_add(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]) { sm2_mod_add(r, a, b, ccf_sm2_n); }
void ccf_sm2_sc_sub(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]) { sm2_mod_sub(r, a, b, ccf_sm2_n); }

/* see sm2_impls.h: Fermat inversion, a^(n-2); the exponent is public, the base secret. */
void ccf_sm2_sc_inv(uint64_t r[4], const uint64_t a[4])
{
    /* n - 2, most significant limb first */
    static const uint64_t e[4] = {0xFFFFFFFEFFFFFFFFull, 0xFFFFFFFFFFFFFFFFull,
                                  0x7203DF6B21C6052Bull, 0x53BBF40939D54121ull};
    uint64_t tab[16][4], acc[4];
    int i, j;
    /* work in Montgomery form: tab[1] = a R */
    sm2_mont_mul_generic(tab[1], a, sc_rr, ccf_sm2_n, sc_n0);
    sm2_mont_mul_generic(tab[2], tab[1], tab[1], ccf_sm2_n, sc_n0);
    for (i = 3; i < 16; i++) sm2_mont_mul_generic(tab[i], tab[i - 1], tab[1], ccf_sm2_n, sc_n0);
    memcpy(acc, tab[15], sizeof(acc));         /* the top nibble of n - 2 is 0xF: start there */
    for (i = 0; i < 4; i++) {
        for (j = (i == 0 ? 56 : 60); j >= 0; j -= 4) {
            unsigned w = (unsigned)(e[i] >> j) & 15;
            int s;
            for (s = 0; s < 4; s++) sm2_mont_mul_generic(acc, acc, acc, ccf_sm2_n, sc_n0);
            if (w) sm2_mont_mul_generic(acc, acc, tab[w], ccf_sm2_n, sc_n0);
        }
    }
    {
        static const uint64_t one[4] = {1, 0, 0, 0};
        sm2_mont_mul_generic(r, acc, one, ccf_sm2_n, sc_n0);   /* leave Montgomery form */
    }
    ccf_memzero(tab, sizeof(tab));
    ccf_memzero(acc, sizeof(acc));
}
