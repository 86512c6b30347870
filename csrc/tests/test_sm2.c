/*
 * test_sm2.c - SM2 kernels: field and scalar arithmetic against a slow reference (schoolbook
 * product + bit-serial reduction) on random values and edge cases near p and n, point
 * arithmetic cross-checks (comb vs ladder vs double-scalar), the GB/T 32918 worked examples
 * with their fixed k, and sign/verify/encrypt/decrypt round trips -- through every
 * implementation this CPU supports.
 */
#include "ccf_test.h"
#include "ccf_sm2.h"
#include "ccf_sm3.h"
#include "../sm2/sm2_impls.h"

/* ---- slow reference: r = x mod m for a 512-bit x (bit-serial) ----------------------------- */
static void ref_mod512(uint64_t r[4], const uint64_t x[8], const uint64_t m[4])
{
    uint64_t a[5] = {0, 0, 0, 0, 0};
    int bit, i;
    for (bit = 511; bit >= 0; bit--) {
        uint64_t in = (x[bit >> 6] >> (bit & 63)) & 1, br = 0, t[5];
        for (i = 4; i > 0; i--) a[i] = (a[i] << 1) | (a[i - 1] >> 63);
        a[0] = (a[0] << 1) | in;
        for (i = 0; i < 4; i++) t[i] = sm2_sbb(a[i], m[i], &br);
        t[4] = sm2_sbb(a[4], 0, &br);
        if (!br) memcpy(a, t, sizeof(t));
    }
    memcpy(r, a, 4 * sizeof(uint64_t));
}
static void ref_mul512(uint64_t x[8], const uint64_t a[4], const uint64_t b[4])
{
    int i, j;
    memset(x, 0, 8 * sizeof(uint64_t));
    for (i = 0; i < 4; i++) {
        uint64_t c = 0;
        for (j = 0; j < 4; j++) {
            uint64_t hi, lo = sm2_mul64(a[j], b[i], &hi), s;
            s = x[i + j] + lo; hi += s < lo; s += c; hi += s < c;
            x[i + j] = s; c = hi;
        }
        x[i + 4] = c;
    }
}
/* a*b mod m */
static void ref_mulmod(uint64_t r[4], const uint64_t a[4], const uint64_t b[4], const uint64_t m[4])
{
    uint64_t x[8];
    ref_mul512(x, a, b);
    ref_mod512(r, x, m);
}
/* a * 2^256 mod m */
static void ref_tomont(uint64_t r[4], const uint64_t a[4], const uint64_t m[4])
{
    uint64_t x[8] = {0, 0, 0, 0, a[0], a[1], a[2], a[3]};
    ref_mod512(r, x, m);
}

static uint32_t seed = 1;
static void rnd_below(uint64_t r[4], const uint64_t m[4])
{
    uint8_t b[32];
    do { ccf_test_fill(b, 32, seed++); sm2_from_be(r, b); if (seed % 3 == 0) r[3] >>= (seed % 64); } while (!sm2_lt(r, m));
}

static int eq4(const uint64_t a[4], const uint64_t b[4]) { return memcmp(a, b, 32) == 0; }

static void test_constants(void)
{
    static const uint64_t one[4] = {1, 0, 0, 0};
    static const uint64_t b[4] = {0xDDBCBD414D940E93ull, 0xF39789F515AB8F92ull, 0x4D5A9E4BCF6509A7ull, 0x28E9FA9E9D9F5E34ull};
    uint64_t t[4], r1[4];
    ref_tomont(t, one, ccf_sm2_p);
    CCF_CHECK(eq4(t, ccf_sm2_one), "R mod p");
    ref_tomont(t, ccf_sm2_one, ccf_sm2_p);
    CCF_CHECK(eq4(t, ccf_sm2_rr), "R^2 mod p");
    ref_tomont(t, b, ccf_sm2_p);
    CCF_CHECK(eq4(t, ccf_sm2_b_mont), "b R mod p");
    (void)r1;
}

/* Edge values for field tests: 0, 1, 2, p-1, p-2, 2^255, 2^224 ... (all < p) */
static void edge_value(uint64_t r[4], int i, const uint64_t m[4])
{
    static const uint64_t one[4] = {1, 0, 0, 0};
    memset(r, 0, 32);
    switch (i) {
    case 0: break;
    case 1: r[0] = 1; break;
    case 2: r[0] = 2; break;
    case 3: sm2_mod_sub(r, r, one, m); break;                   /* m - 1 */
    case 4: sm2_mod_sub(r, r, one, m); sm2_mod_sub(r, r, one, m); break;
    case 5: r[3] = 0x8000000000000000ull; break;
    case 6: r[3] = 0x0000000100000000ull; break;
    case 7: r[0] = ~0ull; r[1] = ~0ull; break;
    case 8: r[1] = 0xFFFFFFFF00000000ull; r[3] = 0xFFFFFFFEFFFFFFFFull; break;   /* near p */
    default: r[0] = ~0ull; r[1] = 0xFFFFFFFF00000000ull; r[2] = ~0ull; r[3] = 0xFFFFFFFEFFFFFFFEull; break;
    }
}

static void test_field(const sm2_impl *im)
{
    int i, j, bad = 0;
    for (i = 0; i < 400; i++) {
        uint64_t a[4], b[4], r[4], ref[4], rm[4];
        if (i < 100) { edge_value(a, i % 10, ccf_sm2_p); edge_value(b, i / 10, ccf_sm2_p); }
        else { rnd_below(a, ccf_sm2_p); rnd_below(b, ccf_sm2_p); }
        im->fe_mul(r, a, b);
        /* r = a b R^-1  <=>  r R = a b (mod p) */
        ref_tomont(rm, r, ccf_sm2_p);
        ref_mulmod(ref, a, b, ccf_sm2_p);
        if (!eq4(rm, ref) || !sm2_lt(r, ccf_sm2_p)) bad++;
        im->fe_sqr(r, a);
        ref_tomont(rm, r, ccf_sm2_p);
        ref_mulmod(ref, a, a, ccf_sm2_p);
        if (!eq4(rm, ref)) bad++;
        if (i % 8 == 0 && !sm2_is_zero(a)) {
            im->fe_inv(r, a);
            im->fe_mul(r, r, a);
            if (!eq4(r, ccf_sm2_one)) bad++;
        }
        /* add / sub against the reference */
        sm2_fe_add(r, a, b);
        { uint64_t x[8] = {0}; uint64_t c = 0; for (j = 0; j < 4; j++) x[j] = sm2_adc(a[j], b[j], &c); x[4] = c; ref_mod512(ref, x, ccf_sm2_p); }
        if (!eq4(r, ref)) bad++;
        sm2_fe_sub(rm, r, b);
        if (!eq4(rm, a)) bad++;
    }
    CCF_CHECK(bad == 0, "%s: field arithmetic vs reference: %d mismatches", im->name, bad);
}

static void test_scalar(void)
{
    static const uint64_t one[4] = {1, 0, 0, 0};
    int i, bad = 0;
    for (i = 0; i < 300; i++) {
        uint64_t a[4], b[4], r[4], ref[4];
        if (i < 100) { edge_value(a, i % 10, ccf_sm2_n); edge_value(b, i / 10, ccf_sm2_n); }
        else { rnd_below(a, ccf_sm2_n); rnd_below(b, ccf_sm2_n); }
        ccf_sm2_sc_mul(r, a, b);
        ref_mulmod(ref, a, b, ccf_sm2_n);
        if (!eq4(r, ref)) bad++;
        if (i % 10 == 3 && !sm2_is_zero(a)) {
            ccf_sm2_sc_inv(r, a);
            ccf_sm2_sc_mul(r, r, a);
            if (!eq4(r, one)) bad++;
        }
    }
    {   /* reduction of values in [n, 2^256) */
        uint64_t a[4] = {~0ull, ~0ull, ~0ull, ~0ull}, r[4], x[8] = {~0ull, ~0ull, ~0ull, ~0ull, 0, 0, 0, 0}, ref[4];
        ccf_sm2_sc_reduce(r, a); ref_mod512(ref, x, ccf_sm2_n);
        if (!eq4(r, ref)) bad++;
        ccf_sm2_sc_reduce(r, ccf_sm2_n);
        if (!sm2_is_zero(r)) bad++;
    }
    CCF_CHECK(bad == 0, "scalar arithmetic mod n vs reference: %d mismatches", bad);
}

static int jac_eq(const sm2_impl *im, const sm2_jac *a, const sm2_jac *b)
{
    sm2_aff x, y;
    uint64_t ia = im->to_affine(&x, a), ib = im->to_affine(&y, b);
    if (ia || ib) return ia == ib;
    return eq4(x.x, y.x) && eq4(x.y, y.y);
}

static void test_points(const sm2_impl *im)
{
    static const uint64_t nm1[4] = {0x53BBF40939D54122ull, 0x7203DF6B21C6052Bull, 0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFEFFFFFFFFull};
    int i, bad = 0;
    sm2_jac a, b, c;
    sm2_aff p;
    uint64_t k[4];
    /* n G = infinity through both multipliers; (n-1) G = -G */
    im->mul_var(&a, &ccf_sm2_g_mont, ccf_sm2_n);
    if (!sm2_is_zero(a.z)) bad++;
    im->mul_base(&a, nm1);
    im->to_affine(&p, &a);
    { sm2_fe ny; sm2_fe_neg(ny, ccf_sm2_g_mont.y); if (!eq4(p.x, ccf_sm2_g_mont.x) || !eq4(p.y, ny)) bad++; }
    for (i = 0; i < 24; i++) {
        uint64_t u[4], v[4];
        if (i < 6) { memset(k, 0, 32); k[0] = (uint64_t)i + 1; if (i == 5) memcpy(k, nm1, 32); }
        else rnd_below(k, ccf_sm2_n);
        im->mul_base(&a, k);
        im->mul_var(&b, &ccf_sm2_g_mont, k);
        if (!jac_eq(im, &a, &b)) bad++;
        /* double-scalar: u G + v P with P = k G */
        im->to_affine(&p, &a);
        rnd_below(u, ccf_sm2_n); rnd_below(v, ccf_sm2_n);
        if (i == 7) memset(u, 0, 32);
        im->mul_double_vartime(&c, u, &p, v);
        { uint64_t kv[4]; ccf_sm2_sc_mul(kv, k, v); ccf_sm2_sc_add(kv, kv, u); im->mul_base(&b, kv); }
        if (!jac_eq(im, &c, &b)) bad++;
        /* the same against the portable implementation */
        ccf_sm2_impl_portable.mul_var(&b, &p, v);
        im->mul_var(&c, &p, v);
        if (!jac_eq(im, &c, &b)) bad++;
    }
    CCF_CHECK(bad == 0, "%s: point multiplications agree: %d mismatches", im->name, bad);
}

static void hex(uint8_t *out, const char *h, size_t n) { if (ccf_test_unhex(h, out, n) != n) { printf("bad hex\n"); exit(2); } }

static void test_standard(const char *name)
{
    /* GB/T 32918.5-2017 Annex A / GM/T 0003.5-2012: signature example, recommended curve, default ID */
    uint8_t d[32], k[32], pub[64], want[64], z[32], e[32], sig[64], msg[64];
    ccf_sm2_key key, kb;
    char what[64];
    hex(d, "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8", 32);
    hex(k, "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21", 32);
    hex(want, "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
              "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13", 64);
    CCF_CHECK(ccf_sm2_key_set_private(&key, d) == CCF_OK, "set private");
    snprintf(what, sizeof(what), "%s: public key of the Annex A key", name);
    ccf_test_eq(key.pub, want, 64, what);
    ccf_sm2_compute_z((const uint8_t *)"1234567812345678", 16, key.pub, z);
    hex(want, "B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3", 32);
    ccf_test_eq(z, want, 32, "Z_A (default ID)");
    {
        ccf_sm3_ctx c;
        ccf_sm3_init(&c); ccf_sm3_update(&c, z, 32); ccf_sm3_update(&c, (const uint8_t *)"message digest", 14); ccf_sm3_final(&c, e);
    }
    CCF_CHECK(ccf_sm2_sign_digest(&key, e, k, sig) == CCF_OK, "sign (no cached inverse)");
    ccf_sm2_key_prepare_sign(&key);
    CCF_CHECK(ccf_sm2_sign_digest(&key, e, k, sig) == CCF_OK, "sign");
    hex(want, "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
              "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA", 64);
    snprintf(what, sizeof(what), "%s: Annex A signature (r, s)", name);
    ccf_test_eq(sig, want, 64, what);
    CCF_CHECK(ccf_sm2_verify_digest(&key, e, sig) == CCF_OK, "%s: verify Annex A signature", name);
    sig[63] ^= 1;
    CCF_CHECK(ccf_sm2_verify_digest(&key, e, sig) == CCF_ERR_AUTH, "%s: tampered s rejected", name);
    sig[63] ^= 1; e[0] ^= 0x80;
    CCF_CHECK(ccf_sm2_verify_digest(&key, e, sig) == CCF_ERR_AUTH, "%s: other digest rejected", name);
    e[0] ^= 0x80;
    /* r = n or s = 0 rejected */
    {
        uint8_t bad[64];
        memcpy(bad, sig, 64);
        hex(bad, "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 32);
        CCF_CHECK(ccf_sm2_verify_digest(&key, e, bad) == CCF_ERR_AUTH, "r = n rejected");
        memcpy(bad, sig, 64); memset(bad + 32, 0, 32);
        CCF_CHECK(ccf_sm2_verify_digest(&key, e, bad) == CCF_ERR_AUTH, "s = 0 rejected");
    }

    /* GB/T 32918.5 Annex C: encryption example */
    {
        uint8_t c1[64], c2[19], c3[32], out[19], wc[64];
        const char *m = "encryption standard";
        CCF_CHECK(ccf_sm2_encrypt(&key, k, (const uint8_t *)m, 19, c1, c2, c3) == CCF_OK, "encrypt");
        hex(wc, "04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73"
                "E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0", 64);
        snprintf(what, sizeof(what), "%s: Annex C C1", name);
        ccf_test_eq(c1, wc, 64, what);
        hex(wc, "59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766", 32);
        ccf_test_eq(c3, wc, 32, "Annex C C3");
        hex(wc, "21886CA989CA9C7D58087307CA93092D651EFA", 19);
        ccf_test_eq(c2, wc, 19, "Annex C C2");
        CCF_CHECK(ccf_sm2_decrypt(&key, c1, c2, 19, c3, out) == CCF_OK && memcmp(out, m, 19) == 0, "%s: decrypt Annex C", name);
        c3[5] ^= 4;
        CCF_CHECK(ccf_sm2_decrypt(&key, c1, c2, 19, c3, out) == CCF_ERR_DECRYPT, "tampered C3 rejected");
        c3[5] ^= 4; c2[0] ^= 1;
        CCF_CHECK(ccf_sm2_decrypt(&key, c1, c2, 19, c3, out) == CCF_ERR_DECRYPT, "tampered C2 rejected");
        c2[0] ^= 1; c1[40] ^= 1;
        CCF_CHECK(ccf_sm2_decrypt(&key, c1, c2, 19, c3, out) == CCF_ERR_DECRYPT, "C1 off the curve rejected");
        /* the same through the cached public-key table */
        {
            ccf_sm2_key pk;
            uint8_t d1[64], d2[19], d3[32];
            CCF_CHECK(ccf_sm2_key_set_public(&pk, key.pub) == CCF_OK, "public key");
            ccf_sm2_key_prepare_public(&pk);
            CCF_CHECK(pk.has_ptab == 1, "table built");
            CCF_CHECK(ccf_sm2_encrypt(&pk, k, (const uint8_t *)m, 19, d1, d2, d3) == CCF_OK, "encrypt (table)");
            c1[40] ^= 1;
            snprintf(what, sizeof(what), "%s: Annex C with the key table", name);
            CCF_CHECK(memcmp(d1, c1, 64) == 0 && memcmp(d2, c2, 19) == 0 && memcmp(d3, c3, 32) == 0, "%s", what);
            hex(wc, "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
                    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA", 64);
            CCF_CHECK(ccf_sm2_verify_digest(&pk, e, wc) == CCF_OK, "%s: verify Annex A with the key table", name);
            wc[40] ^= 1;
            CCF_CHECK(ccf_sm2_verify_digest(&pk, e, wc) == CCF_ERR_AUTH, "%s: tampered, key table", name);
        }
    }

    /* GB/T 32918.3 key exchange, recommended curve, default IDs (vectors: sm2.txt section 5b) */
    {
        uint8_t da[32], ra[32], db[32], rb[32], RA[64], RB[64], U[64], V[64], w[64], zz[128], K[16];
        ccf_sm2_key ka;
        hex(da, "81EB26E941BB5AF16DF116495F90695272AE2CD63D6C4AE1678418BE48230029", 32);
        hex(ra, "D4DE15474DB74D06491C440D305E012400990F3E390C7E87153C12DB2EA60BB3", 32);
        hex(db, "785129917D45A9EA5437A59356B82338EAADDA6CEB199088F14AE10DEFA229B5", 32);
        hex(rb, "7E07124814B309489125EAED101113164EBF0F3458C5BD88335C1F9D596243D6", 32);
        ccf_sm2_key_set_private(&ka, da);
        ccf_sm2_key_set_private(&kb, db);
        ccf_sm2_mul_base(ra, RA);
        ccf_sm2_mul_base(rb, RB);
        hex(w, "64CED1BDBC99D590049B434D0FD73428CF608A5DB8FE5CE07F15026940BAE40E"
               "376629C7AB21E7DB260922499DDB118F07CE8EAAE3E7720AFEF6A5CC062070C0", 64);
        ccf_test_eq(RA, w, 64, "KEX R_A");
        CCF_CHECK(ccf_sm2_kex_point(&ka, ra, RA, kb.pub, RB, U) == CCF_OK, "kex A");
        CCF_CHECK(ccf_sm2_kex_point(&kb, rb, RB, ka.pub, RA, V) == CCF_OK, "kex B");
        hex(w, "C558B44BEE5301D9F52B44D939BB59584D75B9034DD6A9FC826872109A65739F"
               "3252B35B191D8AE01CD122C025204334C5EACF68A0CB4854C6A7D367ECAD4DE7", 64);
        snprintf(what, sizeof(what), "%s: KEX U", name);
        ccf_test_eq(U, w, 64, what);
        ccf_test_eq(V, w, 64, "KEX V");
        memcpy(zz, U, 64);
        hex(zz + 64, "3B85A57179E11E7E513AA622991F2CA74D1807A0BD4D4B38F90987A17AC245B1"
                     "79C988D63229D97EF19FE02CA1056E01E6A7411ED24694AA8F834F4A4AB022F7", 64);
        ccf_sm2_kdf(zz, 128, K, 16);
        hex(w, "6C89347354DE2484C60B4AB1FDE4C6E5", 16);
        ccf_test_eq(K, w, 16, "KEX K");
        ccf_sm2_key_wipe(&ka);
    }

    /* point compression round trip */
    {
        uint8_t pt[64];
        CCF_CHECK(ccf_sm2_point_decompress(key.pub, key.pub[63] & 1, pt) == CCF_OK && memcmp(pt, key.pub, 64) == 0,
                  "decompress");
        CCF_CHECK(ccf_sm2_point_decompress(key.pub, (key.pub[63] & 1) ^ 1, pt) == CCF_OK && memcmp(pt, key.pub, 32) == 0
                  && memcmp(pt + 32, key.pub + 32, 32) != 0, "decompress other parity");
    }

    /* round trips on pseudo-random keys and messages */
    {
        int i, bad = 0;
        for (i = 0; i < 16; i++) {
            uint8_t dd[32], kk[32], c1[64], c3[32], c2[64], out[64];
            ccf_test_fill(dd, 32, 1000 + i); ccf_test_fill(kk, 32, 2000 + i); ccf_test_fill(msg, 64, 3000 + i);
            dd[0] &= 0x7F; kk[0] &= 0x7F;
            if (ccf_sm2_key_set_private(&kb, dd) != CCF_OK) { bad++; continue; }
            if (i & 1) ccf_sm2_key_prepare_public(&kb);       /* odd rounds: cached table */
            if (ccf_sm2_sign_digest(&kb, msg, kk, sig) != CCF_OK) { bad++; continue; }
            if (ccf_sm2_verify_digest(&kb, msg, sig) != CCF_OK) bad++;
            msg[3] ^= 1;
            if (ccf_sm2_verify_digest(&kb, msg, sig) != CCF_ERR_AUTH) bad++;
            if (ccf_sm2_encrypt(&kb, kk, msg, (size_t)i * 4, c1, c2, c3) != CCF_OK) { bad++; continue; }
            if (ccf_sm2_decrypt(&kb, c1, c2, (size_t)i * 4, c3, out) != CCF_OK || memcmp(out, msg, (size_t)i * 4)) bad++;
        }
        CCF_CHECK(bad == 0, "%s: random round trips: %d failures", name, bad);
    }
    /* invalid private keys */
    memset(d, 0, 32);
    CCF_CHECK(ccf_sm2_key_set_private(&kb, d) == CCF_ERR_PARAM, "d = 0 rejected");
    hex(d, "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54122", 32);
    CCF_CHECK(ccf_sm2_key_set_private(&kb, d) == CCF_ERR_PARAM, "d = n-1 rejected");
    pub[0] = 0; memcpy(pub, key.pub, 64); pub[10] ^= 1;
    CCF_CHECK(ccf_sm2_key_set_public(&kb, pub) == CCF_ERR_POINT, "off-curve public key rejected");
    ccf_sm2_key_wipe(&key);
    ccf_sm2_key_wipe(&kb);
}

int main(void)
{
    int i, sup;
    const char *name;
    ccf_sm2_init();
    test_constants();
    test_scalar();
    for (i = 0; (name = ccf_sm2_impl_info(i, &sup)) != NULL; i++) {
        if (!sup) { printf("skip %s (not supported on this CPU)\n", name); continue; }
        ccf_sm2_impl_select(i);
        test_field(ccf_sm2_impl());
        test_points(ccf_sm2_impl());
        test_standard(name);
    }
    ccf_sm2_impl_reset();
    return ccf_test_finish("sm2");
}
