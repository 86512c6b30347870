/*
 * test_sm4.c - SM4 kernels: GB/T 32907-2016 Appendix A examples, RFC 8998 Appendix A GCM/CCM,
 * every implementation against the constant-time ct64 on random data with block counts
 * crossing every stride, and the modes (CBC in place, CTR carries, CCM/GCM tag failures).
 */
#include "ccf_test.h"
#include "ccf_sm4.h"
#include "ccf_gcm.h"

/* GB/T 32907-2016 Appendix A, examples 1 and 2 */
static const char *GB_KEY = "0123456789ABCDEFFEDCBA9876543210";
static const char *GB_CT1 = "681EDF34D206965E86B3E94F536E4246";
static const char *GB_CT1M = "595298C7C6FD271F0402F804C33D3F66";

/* RFC 8998 Appendix A.1 (GCM) and A.2 (CCM) */
static const char *RFC_NONCE = "00001234567800000000ABCD";
static const char *RFC_AAD = "FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2";
static const char *RFC_PT = "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
                            "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA";
static const char *RFC_GCM_CT = "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
                                "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D";
static const char *RFC_GCM_TAG = "83DE3541E4C2B58177E065A9BF7B62EC";
static const char *RFC_CCM_CT = "48AF93501FA62ADBCD414CCE6034D895DDA1BF8F132F042098661572E7483094"
                                "FD12E518CE062C98ACEE28D95DF4416BED31A2F04476C18BB40C84A74B97DC5B";
static const char *RFC_CCM_TAG = "16842D4FA186F56AB33256971FA110F4";

static const ccf_sm4_impl *find_ct(void)
{
    const ccf_sm4_impl *const *t = ccf_sm4_impls();
    size_t i;
    for (i = 0; t[i]; i++)
        if (strcmp(t[i]->name, "ct64") == 0)
            return t[i];
    return NULL;
}

static void test_impl(const ccf_sm4_impl *impl, const ccf_sm4_impl *ct)
{
    static const size_t counts[] = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 47, 48, 63,
                                     64, 65, 95, 96, 127, 128, 129, 200 };
    uint8_t key[16], pt[16], ct1[16], out[16];
    uint8_t *a = malloc(200 * 16), *b = malloc(200 * 16), *c = malloc(200 * 16);
    ccf_sm4_key k, kc;
    size_t i;
    char what[128];

    ccf_test_unhex(GB_KEY, key, 16);
    ccf_test_unhex(GB_KEY, pt, 16);
    ccf_test_unhex(GB_CT1, ct1, 16);
    CCF_CHECK(ccf_sm4_init_impl(&k, key, 16, impl) == CCF_OK, "%s init", impl->name);
    ccf_sm4_encrypt_blocks(&k, pt, out, 1);
    snprintf(what, sizeof what, "%s GB/T 32907 A.1 encrypt", impl->name);
    ccf_test_eq(out, ct1, 16, what);
    ccf_sm4_decrypt_blocks(&k, out, out, 1);
    snprintf(what, sizeof what, "%s GB/T 32907 A.1 decrypt", impl->name);
    ccf_test_eq(out, pt, 16, what);
    CCF_CHECK(ccf_sm4_init_impl(&k, key, 15, impl) == CCF_ERR_KEY_LENGTH, "%s key length", impl->name);

    for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        size_t n = counts[i];
        ccf_test_fill(key, 16, (uint32_t)(7 * n + 1));
        ccf_test_fill(a, 16 * n, (uint32_t)(13 * n + 5));
        ccf_sm4_init_impl(&k, key, 16, impl);
        ccf_sm4_init_impl(&kc, key, 16, ct);
        CCF_CHECK(memcmp(k.rk_enc, kc.rk_enc, sizeof k.rk_enc) == 0, "%s key schedule", impl->name);
        ccf_sm4_encrypt_blocks(&k, a, b, n);
        ccf_sm4_encrypt_blocks(&kc, a, c, n);
        snprintf(what, sizeof what, "%s vs ct64 encrypt %zu blocks", impl->name, n);
        ccf_test_eq(b, c, 16 * n, what);
        ccf_sm4_decrypt_blocks(&k, b, b, n);               /* in place */
        snprintf(what, sizeof what, "%s decrypt %zu blocks in place", impl->name, n);
        ccf_test_eq(b, a, 16 * n, what);
    }
    free(a); free(b); free(c);
    ccf_sm4_wipe(&k); ccf_sm4_wipe(&kc);
}

static void test_million(const ccf_sm4_impl *impl)
{
    uint8_t key[16], x[16], want[16];
    ccf_sm4_key k;
    long i;
    ccf_test_unhex(GB_KEY, key, 16);
    ccf_test_unhex(GB_KEY, x, 16);
    ccf_test_unhex(GB_CT1M, want, 16);
    ccf_sm4_init_impl(&k, key, 16, impl);
    for (i = 0; i < 1000000; i++)
        ccf_sm4_encrypt_blocks(&k, x, x, 1);
    ccf_test_eq(x, want, 16, "GB/T 32907 A.2 (1,000,000 encryptions)");
}

static void test_modes(const ccf_sm4_impl *impl)
{
    uint8_t key[16], iv[16], ctr[16], nonce[12], aad[20], pt[64], want[64], tag[16], wtag[16];
    uint8_t buf[1100], buf2[1100], buf3[1100];
    ccf_sm4_key k;
    ccf_sm4_gcm *g = ccf_alloc_aligned(sizeof(ccf_sm4_gcm), 64);
    size_t i, n;
    char what[128];

    ccf_test_unhex(GB_KEY, key, 16);
    ccf_test_unhex(RFC_NONCE, nonce, 12);
    ccf_test_unhex(RFC_AAD, aad, 20);
    ccf_test_unhex(RFC_PT, pt, 64);
    ccf_sm4_init_impl(&k, key, 16, impl);

    /* CCM, RFC 8998 A.2 */
    ccf_test_unhex(RFC_CCM_CT, want, 64);
    ccf_test_unhex(RFC_CCM_TAG, wtag, 16);
    CCF_CHECK(ccf_sm4_ccm_encrypt(&k, nonce, 12, aad, 20, pt, 64, buf, tag, 16) == CCF_OK, "ccm");
    snprintf(what, sizeof what, "%s RFC 8998 A.2 CCM ciphertext", impl->name);
    ccf_test_eq(buf, want, 64, what);
    snprintf(what, sizeof what, "%s RFC 8998 A.2 CCM tag", impl->name);
    ccf_test_eq(tag, wtag, 16, what);
    CCF_CHECK(ccf_sm4_ccm_decrypt(&k, nonce, 12, aad, 20, want, 64, wtag, 16, buf) == CCF_OK, "ccm open");
    ccf_test_eq(buf, pt, 64, "ccm open plaintext");
    wtag[15] ^= 1;
    CCF_CHECK(ccf_sm4_ccm_decrypt(&k, nonce, 12, aad, 20, want, 64, wtag, 16, buf) == CCF_ERR_AUTH, "ccm forged");
    memset(buf2, 0, 64);
    CCF_CHECK(memcmp(buf, buf2, 64) == 0, "ccm output wiped on failure");
    CCF_CHECK(ccf_sm4_ccm_encrypt(&k, nonce, 6, aad, 20, pt, 64, buf, tag, 16) == CCF_ERR_NONCE, "ccm nonce 6");
    CCF_CHECK(ccf_sm4_ccm_encrypt(&k, nonce, 12, aad, 20, pt, 64, buf, tag, 5) == CCF_ERR_PARAM, "ccm tag 5");

    /* GCM, RFC 8998 A.1 */
    CCF_CHECK(ccf_sm4_gcm_init_impl(g, key, 16, impl, ccf_ghash_best()) == CCF_OK, "gcm init");
    ccf_test_unhex(RFC_GCM_CT, want, 64);
    ccf_test_unhex(RFC_GCM_TAG, wtag, 16);
    ccf_sm4_gcm_encrypt(g, nonce, 12, aad, 20, pt, 64, buf, tag);
    snprintf(what, sizeof what, "%s RFC 8998 A.1 GCM ciphertext", impl->name);
    ccf_test_eq(buf, want, 64, what);
    snprintf(what, sizeof what, "%s RFC 8998 A.1 GCM tag", impl->name);
    ccf_test_eq(tag, wtag, 16, what);
    wtag[0] ^= 0x80;
    CCF_CHECK(ccf_sm4_gcm_decrypt(g, nonce, 12, aad, 20, want, 64, wtag, 16, buf) == CCF_ERR_AUTH, "gcm forged");
    ccf_sm4_gcm_wipe(g);
    ccf_free_aligned(g, sizeof(ccf_sm4_gcm));

    /* CBC: in place equals out of place; decrypt inverts; chunk boundaries crossed */
    for (n = 16; n <= 1088; n += 16 * 17) {
        ccf_test_fill(buf, n, (uint32_t)n);
        ccf_test_fill(iv, 16, 99);
        CCF_CHECK(ccf_sm4_cbc_encrypt(&k, iv, buf, buf2, n) == CCF_OK, "cbc");
        memcpy(buf3, buf2, n);
        ccf_sm4_cbc_decrypt(&k, iv, buf3, buf3, n);
        snprintf(what, sizeof what, "%s CBC round trip in place %zu", impl->name, n);
        ccf_test_eq(buf3, buf, n, what);
        /* block i of the ciphertext is E(P_i ^ C_{i-1}) */
        memcpy(buf3, buf + n - 16, 16);
        for (i = 0; i < 16; i++)
            buf3[i] ^= (n > 16 ? buf2[n - 32 + i] : iv[i]);
        ccf_sm4_encrypt_blocks(&k, buf3, buf3, 1);
        ccf_test_eq(buf3, buf2 + n - 16, 16, "cbc last block");
    }
    CCF_CHECK(ccf_sm4_cbc_encrypt(&k, iv, buf, buf2, 17) == CCF_ERR_LENGTH, "cbc length");
    /* PKCS#7 */
    for (n = 0; n < 40; n++) {
        size_t m;
        ccf_test_fill(buf, n, (uint32_t)n + 1000);
        ccf_sm4_cbc_encrypt_pad(&k, iv, buf, n, buf2);
        m = (n / 16 + 1) * 16;
        ccf_sm4_cbc_decrypt(&k, iv, buf2, buf3, m);
        CCF_CHECK(ccf_sm4_pkcs7_unpad(buf3, m, &i) == CCF_OK && i == n && memcmp(buf3, buf, n) == 0, "pkcs7 %zu", n);
        buf3[m - 1] ^= 0x20;
        CCF_CHECK(ccf_sm4_pkcs7_unpad(buf3, m, &i) == CCF_ERR_PADDING, "pkcs7 bad %zu", n);
    }

    /* CTR128 carries across 64 bits, CTR32 wraps in 32 bits: compare with ECB of counters */
    for (n = 0; n < 2; n++) {
        uint8_t c0[16];
        memset(ctr, 0xFF, 16);
        ctr[0] = 0x11;
        if (n) ctr[7] = 0x22;
        memcpy(c0, ctr, 16);
        memset(buf, 0, 80);
        if (n == 0) ccf_sm4_ctr128(&k, ctr, buf, buf, 70);
        else ccf_sm4_ctr32(&k, ctr, buf, buf, 70);
        for (i = 0; i < 5; i++) {
            int j;
            memcpy(buf3 + 16 * i, c0, 16);
            for (j = 15; j >= (n ? 12 : 0); j--)
                if (++c0[j]) break;
        }
        ccf_sm4_encrypt_blocks(&k, buf3, buf3, 5);
        snprintf(what, sizeof what, "%s CTR%s keystream", impl->name, n ? "32" : "128");
        ccf_test_eq(buf, buf3, 70, what);
        ccf_test_eq(ctr, c0, 16, "ctr next counter");
    }
    ccf_sm4_wipe(&k);
}

/* The one-pass short-message kernel (ccf_sm4_gcm_short) against the general GCM of the
 * portable implementation: every length 0..CCF_SM4_GCM_SHORT_MAX with AAD of 0..100 bytes (one
 * block or less: in the kernel's lane 0; longer: hashed first), in place, truncated tags,
 * forged tags (out untouched) and the lengths it refuses. */
static void test_gcm_short(const ccf_sm4_impl *ct)
{
    static const size_t aads[] = { 0, 1, 12, 15, 16, 17, 24, 32, 33, 100 };
    uint8_t key[16], nonce[12], aad[100], pt[256], c1[256], c2[256], t1[16], t2[16], back[256];
    ccf_sm4_gcm *ref = ccf_alloc_aligned(sizeof(ccf_sm4_gcm), 64);
    ccf_sm4_gcm *g = ccf_alloc_aligned(sizeof(ccf_sm4_gcm), 64);
    size_t n, a, tl;
    int bad = 0, rc;
    ccf_test_fill(key, 16, 7);
    ccf_sm4_gcm_init(g, key, 16);
    if (!g->short_msg) {
        printf("skip one-pass SM4-GCM kernel (not supported here)\n");
        CCF_CHECK(ccf_sm4_gcm_short(g, nonce, aad, 0, pt, c1, 16, t1, 16, 0) == CCF_ERR_PARAM, "no kernel: refused");
        ccf_sm4_gcm_wipe(g);
        ccf_free_aligned(g, sizeof(ccf_sm4_gcm));
        ccf_free_aligned(ref, sizeof(ccf_sm4_gcm));
        return;
    }
    CCF_CHECK(ccf_sm4_gcm_init_impl(ref, key, 16, ct, ccf_ghash_best()) == CCF_OK && !ref->short_msg, "reference key");
    for (a = 0; a < sizeof(aads) / sizeof(aads[0]); a++) {
        for (n = 0; n <= CCF_SM4_GCM_SHORT_MAX; n++) {
            ccf_test_fill(nonce, 12, (uint32_t)(n * 131 + a));
            ccf_test_fill(aad, aads[a], (uint32_t)(n + 3 * a));
            ccf_test_fill(pt, n, (uint32_t)(n * 7 + a));
            ccf_sm4_gcm_encrypt(ref, nonce, 12, aad, aads[a], pt, n, c1, t1);
            rc = ccf_sm4_gcm_short(g, nonce, aad, aads[a], pt, c2, n, t2, 16, 0);
            bad |= rc != CCF_OK || memcmp(c1, c2, n) != 0 || memcmp(t1, t2, 16) != 0;
            memcpy(back, pt, n);                            /* in place, through the AEAD API */
            ccf_sm4_gcm_encrypt(g, nonce, 12, aad, aads[a], back, n, back, t2);
            bad |= memcmp(c1, back, n) != 0 || memcmp(t1, t2, 16) != 0;
            tl = n % 3 == 0 ? 16 : n % 3 == 1 ? 12 : 4;
            rc = ccf_sm4_gcm_decrypt(g, nonce, 12, aad, aads[a], back, n, t1, tl, back);
            bad |= rc != CCF_OK || memcmp(back, pt, n) != 0;
            t1[n % tl] ^= 0x10;                            /* forged: out untouched by the kernel */
            memset(back, 0xA5, sizeof(back));
            rc = ccf_sm4_gcm_short(g, nonce, aad, aads[a], c1, back, n, t1, tl, 1);
            bad |= rc != CCF_ERR_AUTH || back[0] != 0xA5 || back[n ? n - 1 : 0] != 0xA5;
            if (n) {                                       /* the AEAD API wipes it, as elsewhere */
                c1[n / 2] ^= 1;
                t1[n % tl] ^= 0x10;
                bad |= ccf_sm4_gcm_decrypt(g, nonce, 12, aad, aads[a], c1, n, t1, tl, back) != CCF_ERR_AUTH ||
                       back[n - 1] != 0;
            }
        }
    }
    CCF_CHECK(!bad, "one-pass kernel equals the general GCM, lengths 0..%d", CCF_SM4_GCM_SHORT_MAX);
    CCF_CHECK(ccf_sm4_gcm_short(g, nonce, aad, 0, pt, c2, CCF_SM4_GCM_SHORT_MAX + 1, t2, 16, 0) == CCF_ERR_PARAM,
              "one-pass kernel refuses %d bytes", CCF_SM4_GCM_SHORT_MAX + 1);
    CCF_CHECK(ccf_sm4_gcm_short(ref, nonce, aad, 0, pt, c2, 16, t2, 16, 0) == CCF_ERR_PARAM,
              "no one-pass kernel for the portable implementation");
    ccf_sm4_gcm_wipe(g);
    ccf_sm4_gcm_wipe(ref);
    ccf_free_aligned(g, sizeof(ccf_sm4_gcm));
    ccf_free_aligned(ref, sizeof(ccf_sm4_gcm));
}

int main(void)
{
    const ccf_sm4_impl *const *t = ccf_sm4_impls();
    const ccf_sm4_impl *ct = find_ct(), *fast = NULL;
    size_t i;
    ccf_cpu_init();
    for (i = 0; t[i]; i++) {
        if (!t[i]->supported()) {
            printf("skip %s (not supported here)\n", t[i]->name);
            continue;
        }
        printf("impl %s\n", t[i]->name);
        test_impl(t[i], ct);
        test_modes(t[i]);
        if (!fast && t[i] != ct)
            fast = t[i];
    }
    test_gcm_short(ct);
    if (fast)
        test_million(fast);
    else
        printf("skip 1,000,000-iteration example (portable path only: too slow under emulation)\n");
    printf("%d passed, %d failed\n", ccf_test_passed, ccf_test_failed);
    return ccf_test_failed != 0;
}
