/*
 * sm2.c - SM2 operations over the point arithmetic: keys, Z_A, signatures (GB/T 32918.2),
 * encryption (GB/T 32918.4), key exchange (GB/T 32918.3).  Section numbers refer to the
 * 2016 parts of GB/T 32918 (same numbering as GM/T 0003-2012).
 */
#include "sm2_impls.h"
#include "ccf_sm3.h"

/* Plain big-endian bytes -> Montgomery field element; CCF_ERR_POINT if >= p. */
static ccf_status fe_from_bytes(const sm2_impl *im, sm2_fe r, const uint8_t b[32])
{
    sm2_fe t;
    sm2_from_be(t, b);
    if (!sm2_lt(t, ccf_sm2_p)) return CCF_ERR_POINT;
    im->fe_mul(r, t, ccf_sm2_rr);
    return CCF_OK;
}
static void fe_to_bytes(const sm2_impl *im, uint8_t b[32], const sm2_fe a)
{
    static const sm2_fe one = {1, 0, 0, 0};
    sm2_fe t;
    im->fe_mul(t, a, one);
    sm2_to_be(b, t);
}

/* y^2 == x^3 - 3x + b for Montgomery x, y: all-ones when on the curve. */
static uint64_t on_curve(const sm2_impl *im, const sm2_aff *p)
{
    sm2_fe l, r, t;
    im->fe_sqr(l, p->y);
    im->fe_sqr(r, p->x);
    im->fe_mul(r, r, p->x);
    sm2_fe_add(t, p->x, p->x);
    sm2_fe_add(t, t, p->x);
    sm2_fe_sub(r, r, t);
    sm2_fe_add(r, r, ccf_sm2_b_mont);
    return sm2_eq(l, r);
}

static ccf_status aff_from_bytes(const sm2_impl *im, sm2_aff *p, const uint8_t pt[64])
{
    if (fe_from_bytes(im, p->x, pt) != CCF_OK || fe_from_bytes(im, p->y, pt + 32) != CCF_OK) return CCF_ERR_POINT;
    if (!on_curve(im, p)) return CCF_ERR_POINT;
    return CCF_OK;
}

/* Affine bytes of a Jacobian point; all-ones mask if it is infinity (pt then zero). */
static uint64_t jac_to_bytes(const sm2_impl *im, uint8_t pt[64], const sm2_jac *p)
{
    sm2_aff a;
    uint64_t inf = im->to_affine(&a, p);
    fe_to_bytes(im, pt, a.x);
    fe_to_bytes(im, pt + 32, a.y);
    SM2_DECLASSIFY(&inf, sizeof(inf));
    return inf;
}

/* 1 <= k <= n-1, as a mask. */
static uint64_t scalar_ok(const uint64_t k[4])
{
    uint64_t ok = ~sm2_is_zero(k) & sm2_lt(k, ccf_sm2_n);
    SM2_DECLASSIFY(&ok, sizeof(ok));      /* rejecting an unusable nonce reveals only that */
    return ok;
}

/* see ccf_sm2.h */
ccf_status ccf_sm2_point_check(const uint8_t pt[64])
{
    sm2_aff p;
    return aff_from_bytes(ccf_sm2_impl(), &p, pt);
}

/* see ccf_sm2.h */
ccf_status ccf_sm2_point_decompress(const uint8_t x[32], int y_odd, uint8_t pt[64])
{
    /* p = 3 mod 4: y = c^((p+1)/4) (GB/T 32918.1 Annex B.1.4 case u = 4u' + 3) */
    static const uint64_t e[4] = {0x3FFFFFFFBFFFFFFFull, 0xFFFFFFFFFFFFFFFFull,
                                  0xFFFFFFFFC0000000ull, 0x4000000000000000ull};
    const sm2_impl *im = ccf_sm2_impl();
    sm2_aff p;
    sm2_fe c, t, y;
    uint8_t yb[32];
    int i, j;
    if (fe_from_bytes(im, p.x, x) != CCF_OK) return CCF_ERR_POINT;
    im->fe_sqr(c, p.x);
    im->fe_mul(c, c, p.x);
    sm2_fe_add(t, p.x, p.x);
    sm2_fe_add(t, t, p.x);
    sm2_fe_sub(c, c, t);
    sm2_fe_add(c, c, ccf_sm2_b_mont);
    memcpy(y, ccf_sm2_one, sizeof(y));
    for (i = 0; i < 4; i++)                       /* public exponent and public input */
        for (j = 63; j >= 0; j--) {
            im->fe_sqr(y, y);
            if ((e[i] >> j) & 1) im->fe_mul(y, y, c);
        }
    memcpy(p.y, y, sizeof(y));
    if (!on_curve(im, &p)) return CCF_ERR_POINT;  /* c is not a square */
    fe_to_bytes(im, yb, y);
    if ((yb[31] & 1) != (y_odd & 1)) {
        sm2_fe_neg(y, y);
        fe_to_bytes(im, yb, y);
    }
    memcpy(pt, x, 32);
    memcpy(pt + 32, yb, 32);
    return CCF_OK;
}

/* see ccf_sm2.h */
ccf_status ccf_sm2_mul_base(const uint8_t r[32], uint8_t pt[64])
{
    const sm2_impl *im = ccf_sm2_impl();
    uint64_t k[4];
    sm2_jac q;
    sm2_from_be(k, r);
    if (!scalar_ok(k)) { ccf_memzero(k, sizeof(k)); return CCF_ERR_PARAM; }
    im->mul_base(&q, k);
    jac_to_bytes(im, pt, &q);
    SM2_DECLASSIFY(pt, 64);                            /* r G is published (public key, R) */
    ccf_memzero(k, sizeof(k));
    ccf_memzero(&q, sizeof(q));
    return CCF_OK;
}

/* see ccf_sm2.h */
ccf_status ccf_sm2_key_set_private(ccf_sm2_key *key, const uint8_t d[32])
{
    static const uint64_t one[4] = {1, 0, 0, 0};
    uint64_t dd[4], nm1[4];
    sm2_from_be(dd, d);
    /* d in [1, n-2]: 1 + d must be invertible mod n */
    sm2_mod_sub(nm1, ccf_sm2_n, one, ccf_sm2_n);
    {
        uint64_t ok = ~sm2_is_zero(dd) & sm2_lt(dd, nm1);
        SM2_DECLASSIFY(&ok, sizeof(ok));
        if (!ok) { ccf_memzero(dd, sizeof(dd)); return CCF_ERR_PARAM; }
    }
    memset(key, 0, sizeof(*key));
    memcpy(key->d, dd, sizeof(dd));
    if (ccf_sm2_mul_base(d, key->pub) != CCF_OK) { ccf_sm2_key_wipe(key); return CCF_ERR_PARAM; }
    SM2_DECLASSIFY(key->pub, 64);                      /* the public key */
    key->has_private = 1;
    ccf_memzero(dd, sizeof(dd));
    return CCF_OK;
}

static void sign_dinv(uint64_t dinv[4], const uint64_t d[4])
{
    static const uint64_t one[4] = {1, 0, 0, 0};
    uint64_t t[4];
    ccf_sm2_sc_add(t, d, one);
    ccf_sm2_sc_inv(dinv, t);
    ccf_memzero(t, sizeof(t));
}

/* see ccf_sm2.h */
void ccf_sm2_key_prepare_sign(ccf_sm2_key *key)
{
    if (!key->has_private || key->has_dinv) return;
    sign_dinv(key->dinv, key->d);
    key->has_dinv = 1;
}

/* see ccf_sm2.h */
void ccf_sm2_key_prepare_public(ccf_sm2_key *key)
{
    const sm2_impl *im = ccf_sm2_impl();
    sm2_aff p;
    if (key->has_ptab) return;
    if (aff_from_bytes(im, &p, key->pub) != CCF_OK) return;
    im->build_ptab((sm2_aff *)key->ptab, &p);
    key->has_ptab = 1;
}

/* see ccf_sm2.h */
ccf_status ccf_sm2_key_set_public(ccf_sm2_key *key, const uint8_t pub[64])
{
    if (ccf_sm2_point_check(pub) != CCF_OK) return CCF_ERR_POINT;
    memset(key, 0, sizeof(*key));
    memcpy(key->pub, pub, 64);
    return CCF_OK;
}

/* see ccf_sm2.h */
void ccf_sm2_key_wipe(ccf_sm2_key *key) { ccf_memzero(key, sizeof(*key)); }

/* see ccf_sm2.h */
void ccf_sm2_key_private_bytes(const ccf_sm2_key *key, uint8_t d[32]) { sm2_to_be(d, key->d); }

/* GB/T 32918.5 curve parameters a, b, Gx, Gy as bytes for Z_A */
static const uint8_t sm2_curve_abg[128] = {
    0xFF,0xFF,0xFF,0xFE,0xFF,0xFF,0xFF,0xFF,0xFF,0xFF,0xFF,0xFF,0xFF,0xFF,0xFF,0xFF,
    0xFF,0xFF,0xFF,0xFF,0x00,0x00,0x00,0x00,0xFF,0xFF,0xFF,0xFF,0xFF,0xFF,0xFF,0xFC,
    0x28,0xE9,0xFA,0x9E,0x9D,0x9F,0x5E,0x34,0x4D,0x5A,0x9E,0x4B,0xCF,0x65,0x09,0xA7,
    0xF3,0x97,0x89,0xF5,0x15,0xAB,0x8F,0x92,0xDD,0xBC,0xBD,0x41,0x4D,0x94,0x0E,0x93,
    0x32,0xC4,0xAE,0x2C,0x1F,0x19,0x81,0x19,0x5F,0x99,0x04,0x46,0x6A,0x39,0xC9,0x94,
    0x8F,0xE3,0x0B,0xBF,0xF2,0x66,0x0B,0xE1,0x71,0x5A,0x45,0x89,0x33,0x4C,0x74,0xC7,
    0xBC,0x37,0x36,0xA2,0xF4,0xF6,0x77,0x9C,0x59,0xBD,0xCE,0xE3,0x6B,0x69,0x21,0x53,
    0xD0,0xA9,0x87,0x7C,0xC6,0x2A,0x47,0x40,0x02,0xDF,0x32,0xE5,0x21,0x39,0xF0,0xA0,
};

/* see ccf_sm2.h */
ccf_status ccf_sm2_compute_z(const uint8_t *id, size_t id_len, const uint8_t pub[64], uint8_t z[32])
{
    ccf_sm3_ctx ctx;
    uint8_t entl[2];
    if (id_len > 8191) return CCF_ERR_LENGTH;
    entl[0] = (uint8_t)((id_len * 8) >> 8);
    entl[1] = (uint8_t)(id_len * 8);
    ccf_sm3_init(&ctx);
    ccf_sm3_update(&ctx, entl, 2);
    if (id_len) ccf_sm3_update(&ctx, id, id_len);
    ccf_sm3_update(&ctx, sm2_curve_abg, sizeof(sm2_curve_abg));
    ccf_sm3_update(&ctx, pub, 64);
    ccf_sm3_final(&ctx, z);
    return CCF_OK;
}

/* see ccf_sm2.h */
ccf_status ccf_sm2_sign_digest(const ccf_sm2_key *key, const uint8_t e[32], const uint8_t k_bytes[32], uint8_t sig[64])
{
    const sm2_impl *im = ccf_sm2_impl();
    uint64_t k[4], ee[4], x1[4], r[4], s[4], t[4], dinv[4];
    uint8_t pt[64];
    sm2_jac q;
    ccf_status st = CCF_ERR_PARAM;
    if (!key->has_private) return CCF_ERR_PARAM;
    sm2_from_be(k, k_bytes);
    if (!scalar_ok(k)) goto done;
    /* A4: (x1, y1) = kG */
    im->mul_base(&q, k);
    jac_to_bytes(im, pt, &q);
    /* A5: r = (e + x1) mod n; retry if r = 0 or r + k = n */
    sm2_from_be(ee, e);
    ccf_sm2_sc_reduce(ee, ee);
    sm2_from_be(x1, pt);
    ccf_sm2_sc_reduce(x1, x1);
    ccf_sm2_sc_add(r, ee, x1);
    ccf_sm2_sc_add(t, r, k);
    SM2_DECLASSIFY(r, sizeof(r));                      /* r is published */
    {
        uint64_t bad = sm2_is_zero(r) | sm2_is_zero(t);
        SM2_DECLASSIFY(&bad, sizeof(bad));
        if (bad) goto done;                            /* public outcome, probability ~2^-255 */
    }
    /* A6: s = (1 + d)^-1 (k - r d) mod n */
    ccf_sm2_sc_mul(t, r, key->d);
    ccf_sm2_sc_sub(t, k, t);
    if (key->has_dinv) memcpy(dinv, key->dinv, sizeof(dinv));
    else sign_dinv(dinv, key->d);
    ccf_sm2_sc_mul(s, dinv, t);
    SM2_DECLASSIFY(s, sizeof(s));                      /* s is published */
    if (sm2_is_zero(s)) goto done;
    sm2_to_be(sig, r);
    sm2_to_be(sig + 32, s);
    st = CCF_OK;
done:
    ccf_memzero(k, sizeof(k));
    ccf_memzero(t, sizeof(t));
    ccf_memzero(dinv, sizeof(dinv));
    ccf_memzero(&q, sizeof(q));
    ccf_memzero(pt, sizeof(pt));
    return st;
}

/* see ccf_sm2.h */
ccf_status ccf_sm2_verify_digest(const ccf_sm2_key *key, const uint8_t e[32], const uint8_t sig[64])
{
    const sm2_impl *im = ccf_sm2_impl();
    uint64_t r[4], s[4], t[4], ee[4], rr[4];
    sm2_aff p;
    sm2_jac q;
    sm2_from_be(r, sig);
    sm2_from_be(s, sig + 32);
    /* B1, B2: r, s in [1, n-1] */
    if (!scalar_ok(r) || !scalar_ok(s)) return CCF_ERR_AUTH;
    /* B5: t = (r + s) mod n, t != 0 */
    ccf_sm2_sc_add(t, r, s);
    if (sm2_is_zero(t)) return CCF_ERR_AUTH;
    /* B6: (x1', y1') = s'G + t P_A, kept in Jacobian coordinates */
    if (key->has_ptab) {
        im->mul_double_vartime_ptab(&q, s, (const sm2_aff *)key->ptab, t);
    } else {
        if (aff_from_bytes(im, &p, key->pub) != CCF_OK) return CCF_ERR_AUTH;
        im->mul_double_vartime(&q, s, &p, t);
    }
    if (sm2_is_zero(q.z)) return CCF_ERR_AUTH;
    /*
     * B7: (e' + x1') mod n == r'  <=>  x1' = (r' - e') mod n + j n for j in {0, 1} (x1' < p < 2n).
     * Compare each candidate c with X / Z^2 as c Z^2 == X, which avoids an inversion.
     */
    sm2_from_be(ee, e);
    ccf_sm2_sc_reduce(ee, ee);
    ccf_sm2_sc_sub(rr, r, ee);
    {
        sm2_fe z2, cm;
        uint64_t c2[4], carry = 0;
        int i;
        im->fe_sqr(z2, q.z);
        im->fe_mul(cm, rr, ccf_sm2_rr);              /* candidate into Montgomery form */
        im->fe_mul(cm, cm, z2);
        if (sm2_eq(cm, q.x)) return CCF_OK;
        for (i = 0; i < 4; i++) c2[i] = sm2_adc(rr[i], ccf_sm2_n[i], &carry);
        if (!carry && sm2_lt(c2, ccf_sm2_p)) {
            im->fe_mul(cm, c2, ccf_sm2_rr);
            im->fe_mul(cm, cm, z2);
            if (sm2_eq(cm, q.x)) return CCF_OK;
        }
    }
    return CCF_ERR_AUTH;
}

/* see ccf_sm2.h */
void ccf_sm2_kdf(const uint8_t *z, size_t zlen, uint8_t *out, size_t outlen)
{
    uint32_t ct = 1;
    uint8_t blk[32], cb[4];
    while (outlen) {
        ccf_sm3_ctx ctx;
        size_t n = outlen < 32 ? outlen : 32;
        ccf_store32_be(cb, ct++);
        ccf_sm3_init(&ctx);
        ccf_sm3_update(&ctx, z, zlen);
        ccf_sm3_update(&ctx, cb, 4);
        ccf_sm3_final(&ctx, blk);
        memcpy(out, blk, n);
        out += n;
        outlen -= n;
        ccf_memzero(&ctx, sizeof(ctx));
    }
    ccf_memzero(blk, sizeof(blk));
}

/*
 * XOR msg with KDF(x2 || y2, len) into out, streaming block by block (no length-sized
 * temporary); returns nonzero when the whole KDF output was zero (GB/T 32918.4 A5 / B4).
 * out may alias msg.
 */
static int kdf_xor(const uint8_t xy[64], const uint8_t *msg, uint8_t *out, size_t len)
{
    uint32_t ct = 1;
    uint8_t blk[32], cb[4], acc = 0;
    size_t off = 0;
    while (off < len) {
        ccf_sm3_ctx ctx;
        size_t i, n = len - off < 32 ? len - off : 32;
        ccf_store32_be(cb, ct++);
        ccf_sm3_init(&ctx);
        ccf_sm3_update(&ctx, xy, 64);
        ccf_sm3_update(&ctx, cb, 4);
        ccf_sm3_final(&ctx, blk);
        for (i = 0; i < n; i++) { acc |= blk[i]; out[off + i] = msg[off + i] ^ blk[i]; }
        off += n;
        ccf_memzero(&ctx, sizeof(ctx));
    }
    ccf_memzero(blk, sizeof(blk));
    return len > 0 && acc == 0;
}

static void c3_hash(const uint8_t xy[64], const uint8_t *m, size_t len, uint8_t c3[32])
{
    ccf_sm3_ctx ctx;
    ccf_sm3_init(&ctx);
    ccf_sm3_update(&ctx, xy, 32);
    if (len) ccf_sm3_update(&ctx, m, len);
    ccf_sm3_update(&ctx, xy + 32, 32);
    ccf_sm3_final(&ctx, c3);
    ccf_memzero(&ctx, sizeof(ctx));
}

/* see ccf_sm2.h */
ccf_status ccf_sm2_encrypt(const ccf_sm2_key *key, const uint8_t k_bytes[32], const uint8_t *msg, size_t len,
                           uint8_t c1[64], uint8_t *c2, uint8_t c3[32])
{
    const sm2_impl *im = ccf_sm2_impl();
    uint64_t k[4];
    sm2_aff p;
    sm2_jac q;
    uint8_t xy[64], c3t[32];
    ccf_status st = CCF_ERR_PARAM;
    sm2_from_be(k, k_bytes);
    if (!scalar_ok(k)) goto done;
    if (!key->has_ptab && aff_from_bytes(im, &p, key->pub) != CCF_OK) { st = CCF_ERR_POINT; goto done; }
    /* A2: C1 = kG */
    im->mul_base(&q, k);
    jac_to_bytes(im, c1, &q);
    SM2_DECLASSIFY(c1, 64);                            /* C1 is published */
    /* A4: (x2, y2) = k P_B  (h = 1, so A3's S = hP_B check is P_B != O, true by encoding) */
    if (key->has_ptab) im->mul_var_ptab(&q, (const sm2_aff *)key->ptab, k);
    else im->mul_var(&q, &p, k);
    if (jac_to_bytes(im, xy, &q)) goto done;
    /* C3 before C2 so that c2 may alias msg */
    c3_hash(xy, msg, len, c3t);
    /* A5, A6: t = KDF(x2 || y2, klen), retry if all zero; C2 = M xor t */
    {
        int zero = kdf_xor(xy, msg, c2, len);
        SM2_DECLASSIFY(&zero, sizeof(zero));
        if (zero) { ccf_memzero(c2, len); goto done; }
    }
    memcpy(c3, c3t, 32);
    st = CCF_OK;
done:
    ccf_memzero(k, sizeof(k));
    ccf_memzero(&q, sizeof(q));
    ccf_memzero(xy, sizeof(xy));
    return st;
}

/* see ccf_sm2.h */
ccf_status ccf_sm2_decrypt(const ccf_sm2_key *key, const uint8_t c1[64], const uint8_t *c2, size_t len,
                           const uint8_t c3[32], uint8_t *out)
{
    const sm2_impl *im = ccf_sm2_impl();
    sm2_aff p;
    sm2_jac q;
    uint8_t xy[64], u[32];
    int bad = 0;
    if (!key->has_private) return CCF_ERR_DECRYPT;
    /* B1: C1 on the curve */
    if (aff_from_bytes(im, &p, c1) != CCF_OK) { ccf_memzero(out, len); return CCF_ERR_DECRYPT; }
    /* B3: (x2, y2) = d C1 */
    im->mul_var(&q, &p, key->d);
    bad |= (int)(jac_to_bytes(im, xy, &q) & 1);
    /* B4, B5: t = KDF(x2 || y2, klen) != 0, M' = C2 xor t */
    bad |= kdf_xor(xy, c2, out, len);
    /* B6: u = SM3(x2 || M' || y2) == C3, full-length constant-time compare */
    c3_hash(xy, out, len, u);
    bad |= ccf_ct_memcmp(u, c3, 32) != 0;
    ccf_memzero(xy, sizeof(xy));
    ccf_memzero(&q, sizeof(q));
    SM2_DECLASSIFY(&bad, sizeof(bad));                 /* the single success bit */
    if (bad) { ccf_memzero(out, len); return CCF_ERR_DECRYPT; }
    return CCF_OK;
}

/* x~ = 2^127 + (x mod 2^127) from the big-endian x coordinate (GB/T 32918.3 section 6.1 A4). */
static void xbar(uint64_t r[4], const uint8_t x[32])
{
    uint64_t t[4];
    sm2_from_be(t, x);
    r[0] = t[0];
    r[1] = (t[1] & 0x7FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
    r[2] = 0;
    r[3] = 0;
}

/* see ccf_sm2.h */
ccf_status ccf_sm2_kex_point(const ccf_sm2_key *key, const uint8_t r_bytes[32], const uint8_t own_R[64],
                             const uint8_t peer_pub[64], const uint8_t peer_R[64], uint8_t u[64])
{
    const sm2_impl *im = ccf_sm2_impl();
    static const uint64_t zero4[4] = {0, 0, 0, 0};
    uint64_t r[4], t[4], x1[4], x2[4];
    sm2_aff pp, pr, sum;
    sm2_jac a, b;
    ccf_status st = CCF_ERR_POINT;
    if (!key->has_private) return CCF_ERR_PARAM;
    sm2_from_be(r, r_bytes);
    if (!scalar_ok(r)) { ccf_memzero(r, sizeof(r)); return CCF_ERR_PARAM; }
    if (aff_from_bytes(im, &pp, peer_pub) != CCF_OK || aff_from_bytes(im, &pr, peer_R) != CCF_OK) goto done;
    /* A4, A5: t = (d + x~1 r) mod n */
    xbar(x1, own_R);
    ccf_sm2_sc_mul(t, x1, r);
    ccf_sm2_sc_add(t, t, key->d);
    /* A6, A7: U = [h t](P_B + [x~2] R_B), h = 1; P_B, R_B and x~2 are public */
    xbar(x2, peer_R);
    im->mul_double_vartime(&a, zero4, &pr, x2);
    memcpy(b.x, pp.x, sizeof(sm2_fe));
    memcpy(b.y, pp.y, sizeof(sm2_fe));
    memcpy(b.z, ccf_sm2_one, sizeof(sm2_fe));
    im->add_vartime(&a, &a, &b);
    if (im->to_affine(&sum, &a)) goto done;
    im->mul_var(&b, &sum, t);
    if (jac_to_bytes(im, u, &b)) { ccf_memzero(u, 64); goto done; }
    st = CCF_OK;
done:
    ccf_memzero(r, sizeof(r));
    ccf_memzero(t, sizeof(t));
    ccf_memzero(&b, sizeof(b));
    return st;
}
