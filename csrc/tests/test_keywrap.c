/*
 * test_keywrap.c - C driver for the AES inverse cipher (csrc/aes/aes_ct64_inv.c) and RFC 5649
 * key wrap with padding (csrc/keywrap).
 *
 *   - FIPS 197 Appendix C.1-C.3: the inverse cipher recovers the plaintext (AES-128/192/256);
 *   - the inverse undoes the forward cipher of every supported implementation on pseudo-random
 *     keys and 1..9 blocks, in place and not;
 *   - RFC 5649 section 6 examples (192-bit KEK, 20 and 7 bytes), wrap and unwrap;
 *   - AES and SM4 KWP round trips for every length 1..80; every single-bit change of a wrapped
 *     key is refused with the output wiped; bad lengths refused.
 * The constant-time check (valgrind, secrets marked undefined) is ctgrind_keywrap.c.
 */
#include "ccf_test.h"
#include "ccf_aes.h"
#include "ccf_kwp.h"
#include "ccf_sm4.h"

static const char *FIPS197_PT = "00112233445566778899aabbccddeeff";
static const char *FIPS197_CT[3] = {
    "69c4e0d86a7b0430d8cdb78070b4c55a",
    "dda97ca4864cdfe06eaf70a0ec0d7191",
    "8ea2b7ca516745bfeafc49904b496089",
};
static const char *FIPS197_KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

static void test_inverse_kat(void)
{
    uint8_t key[32], ct[16], pt[16], out[16];
    ccf_aes_dec_key k;
    int i;
    ccf_test_unhex(FIPS197_KEY, key, sizeof(key));
    ccf_test_unhex(FIPS197_PT, pt, sizeof(pt));
    for (i = 0; i < 3; i++) {
        size_t klen = (size_t)(16 + 8 * i);
        ccf_test_unhex(FIPS197_CT[i], ct, sizeof(ct));
        CCF_CHECK(ccf_aes_dec_init(&k, key, klen) == CCF_OK, "dec init %u", (unsigned)klen);
        ccf_aes_decrypt_blocks(&k, ct, out, 1);
        ccf_test_eq(out, pt, 16, "FIPS 197 inverse cipher");
        ccf_aes_dec_wipe(&k);
    }
    CCF_CHECK(ccf_aes_dec_init(&k, key, 20) == CCF_ERR_KEY_LENGTH, "20-byte key refused");
}

static void test_inverse_differential(void)
{
    const ccf_aes_impl *const *t = ccf_aes_impls();
    uint8_t key[32], pt[144], ct[144], back[144];
    ccf_aes_key e;
    ccf_aes_dec_key d;
    size_t i, n, klen;
    for (i = 0; t[i]; i++) {
        if (!t[i]->supported())
            continue;
        for (klen = 16; klen <= 32; klen += 8) {
            for (n = 1; n <= 9; n++) {
                ccf_test_fill(key, klen, (uint32_t)(klen * 100 + n));
                ccf_test_fill(pt, 16 * n, (uint32_t)(n + 7));
                ccf_aes_init_impl(&e, key, klen, t[i]);
                ccf_aes_dec_init(&d, key, klen);
                ccf_aes_encrypt_blocks(&e, pt, ct, n);
                ccf_aes_decrypt_blocks(&d, ct, back, n);
                ccf_test_eq(back, pt, 16 * n, t[i]->name);
                ccf_aes_decrypt_blocks(&d, ct, ct, n);            /* in place */
                ccf_test_eq(ct, pt, 16 * n, "in place");
            }
        }
    }
}

static void test_rfc5649(void)
{
    uint8_t kek[24], p20[20], w32[32], p7[7], w16[16], out[40], back[40];
    size_t n = 0;
    ccf_aes_key e;
    ccf_aes_dec_key d;
    ccf_test_unhex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", kek, sizeof(kek));
    ccf_test_unhex("c37b7e6492584340bed12207808941155068f738", p20, sizeof(p20));
    ccf_test_unhex("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a", w32, sizeof(w32));
    ccf_test_unhex("466f7250617369", p7, sizeof(p7));
    ccf_test_unhex("afbeb0f07dfbf5419200f2ccb50bb24f", w16, sizeof(w16));
    ccf_aes_init(&e, kek, 24);
    ccf_aes_dec_init(&d, kek, 24);
    CCF_CHECK(ccf_kwp_wrapped_len(20) == 32 && ccf_kwp_wrapped_len(7) == 16, "wrapped lengths");
    CCF_CHECK(ccf_kwp_aes_wrap(&e, p20, 20, out) == CCF_OK, "wrap 20");
    ccf_test_eq(out, w32, 32, "RFC 5649 20 octets");
    CCF_CHECK(ccf_kwp_aes_unwrap(&d, w32, 32, back, &n) == CCF_OK && n == 20, "unwrap 20");
    ccf_test_eq(back, p20, 20, "RFC 5649 20 octets unwrapped");
    CCF_CHECK(ccf_kwp_aes_wrap(&e, p7, 7, out) == CCF_OK, "wrap 7");
    ccf_test_eq(out, w16, 16, "RFC 5649 7 octets");
    CCF_CHECK(ccf_kwp_aes_unwrap(&d, w16, 16, back, &n) == CCF_OK && n == 7, "unwrap 7");
    ccf_test_eq(back, p7, 7, "RFC 5649 7 octets unwrapped");
}

static void test_round_trips(void)
{
    uint8_t key[32], p[80], w[96], back[96], zero[96] = {0};
    size_t m, n, bit;
    ccf_aes_key e;
    ccf_aes_dec_key d;
    ccf_sm4_key s;
    int alg, bad = 0, wiped = 1;
    for (alg = 0; alg < 2; alg++) {
        ccf_test_fill(key, 32, (uint32_t)(alg + 99));
        if (alg == 0) {
            ccf_aes_init(&e, key, 32);
            ccf_aes_dec_init(&d, key, 32);
        } else {
            ccf_sm4_init(&s, key, 16);
        }
        for (m = 1; m <= 80; m++) {
            size_t wl = ccf_kwp_wrapped_len(m);
            int rc;
            ccf_test_fill(p, m, (uint32_t)m);
            rc = alg == 0 ? ccf_kwp_aes_wrap(&e, p, m, w) : ccf_kwp_sm4_wrap(&s, p, m, w);
            CCF_CHECK(rc == CCF_OK && wl == 8 * ((m + 7) / 8 + 1), "wrap %u", (unsigned)m);
            rc = alg == 0 ? ccf_kwp_aes_unwrap(&d, w, wl, back, &n) : ccf_kwp_sm4_unwrap(&s, w, wl, back, &n);
            CCF_CHECK(rc == CCF_OK && n == m && memcmp(back, p, m) == 0, "unwrap %u", (unsigned)m);
            if (m % 9 != 1)
                continue;
            for (bit = 0; bit < 8 * wl; bit++) {
                w[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                memset(back, 0xAA, sizeof(back));
                rc = alg == 0 ? ccf_kwp_aes_unwrap(&d, w, wl, back, &n) : ccf_kwp_sm4_unwrap(&s, w, wl, back, &n);
                bad += rc != CCF_ERR_AUTH;
                wiped &= memcmp(back, zero, wl - 8) == 0;
                w[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            }
        }
    }
    CCF_CHECK(bad == 0, "%d altered wrapped keys accepted", bad);
    CCF_CHECK(wiped, "output not wiped after a failed unwrap");
    CCF_CHECK(ccf_kwp_wrapped_len(0) == 0 && ccf_kwp_aes_wrap(&e, p, 0, w) == CCF_ERR_LENGTH, "empty input refused");
    CCF_CHECK(ccf_kwp_aes_unwrap(&d, w, 8, back, &n) == CCF_ERR_LENGTH, "8 bytes refused");
    CCF_CHECK(ccf_kwp_aes_unwrap(&d, w, 20, back, &n) == CCF_ERR_LENGTH, "20 bytes refused");
    ccf_aes_wipe(&e);
    ccf_aes_dec_wipe(&d);
    ccf_sm4_wipe(&s);
}

int main(void)
{
    ccf_cpu_init();
    test_inverse_kat();
    test_inverse_differential();
    test_rfc5649();
    test_round_trips();
    return ccf_test_finish("keywrap");
}
