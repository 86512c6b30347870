/*
 * test_fpe.c - FF1 and FF3-1 (csrc/fpe): the NIST FF1 samples 1-9 (FF1samples.pdf) and ACVP
 * FF1/FF3-1 cases (tests/vectors/fpe/, usnistgov/ACVP-Server) through every AES implementation
 * this CPU runs, both the 64-bit and the bignum path (the long ACVP strings take the second),
 * one call and the batch entry point, decryption back, in place; SM4 and AES implementations
 * agree with each other on random strings; limits (minlen, maxlen, tweak, numerals) refused.
 */
#include "ccf_test.h"
#include "ccf_fpe.h"

typedef struct vec {
    int algo;
    const char *key, *tweak, *alphabet, *pt, *ct;
} vec;

#define B36 "0123456789abcdefghijklmnopqrstuvwxyz"
#define B64 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/"
#define K128 "2B7E151628AED2A6ABF7158809CF4F3C"
#define K192 "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F"
#define K256 "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94"

static const vec VECS[] = {
    /* NIST FF1 samples 1-9 */
    { CCF_FPE_FF1, K128, "", "0123456789", "0123456789", "2433477484" },
    { CCF_FPE_FF1, K128, "39383736353433323130", "0123456789", "0123456789", "6124200773" },
    { CCF_FPE_FF1, K128, "3737373770717273373737", B36, "0123456789abcdefghi", "a9tv40mll9kdu509eum" },
    { CCF_FPE_FF1, K192, "", "0123456789", "0123456789", "2830668132" },
    { CCF_FPE_FF1, K192, "39383736353433323130", "0123456789", "0123456789", "2496655549" },
    { CCF_FPE_FF1, K192, "3737373770717273373737", B36, "0123456789abcdefghi", "xbj3kv35jrawxv32ysr" },
    { CCF_FPE_FF1, K256, "", "0123456789", "0123456789", "6657667009" },
    { CCF_FPE_FF1, K256, "39383736353433323130", "0123456789", "0123456789", "1001623463" },
    { CCF_FPE_FF1, K256, "3737373770717273373737", B36, "0123456789abcdefghi", "xs8a0azh2avyalyzuwd" },
    /* ACVP-AES-FF1 tcId 2, 25 (bignum path), 52 (radix 64) */
    { CCF_FPE_FF1, "3544151C9CEB324C3C1ED31ADE99406D", "6CA0E692B2773C7ECA2ECA1E7793DAA1", "0123456789",
      "80013770071781669296061827483885771389518248319371666162",
      "09295026876845967206918789775693655654016802646140865387" },
    { CCF_FPE_FF1, "E36806DE8EE183084A5E98435027D8EC", "3F", "0123456789",
      "3087587689725862692157290763247406622729744160055255",
      "4837290134580053128383838259925439445911427296816808" },
    { CCF_FPE_FF1, "89D7519CCC4503C8677DA86659C1BD58", "DE11F4D9482BFAE2930E9B0109AB972F", B64,
      "uW0MALBLj7tiLxlZVCLxHzKpx/KV", "VXD9LcAWGKBXCJhBefiFKytCbss8" },
    /* ACVP-AES-FF3-1 tcId 1, 2 (bignum path), 27 (radix 26), 52 (radix 64), 77 (AES-192) */
    { CCF_FPE_FF3_1, "AD41EC5D2356DEAE53AE76F50B4BA6D2", "CF29DA1E18D970", "0123456789", "6520935496", "4716569208" },
    { CCF_FPE_FF3_1, "3C0ABB8C4D50528320ED6EF4F536371C", "2E0B7EE01C1370", "0123456789",
      "37411281822299620587806308530316674537844784195073078382",
      "45217408528208365340847148215470453887037524494034613315" },
    { CCF_FPE_FF3_1, "C7630C6EE431283365A70B06D3FA6CD8", "9FC475DB5A5824", "abcdefghijklmnopqrstuvwxyz",
      "bnlilrtlwmleozfxpddesinwvuqostxzkovolgbe", "bdzzkydglpqydxwndiyakofjrfihynehnycbmxuc" },
    { CCF_FPE_FF3_1, "786B59C511F71B2E2034FE5B54C0F39C", "95B70373E4DF87", B64,
      "XemT7oMMk1NO2lTm1quMXsVMHhem", "nPPBTwnwHbzuIvKx7ZAwHm6thq3e" },
    { CCF_FPE_FF3_1, "BBD993513F2D702C1908A5A5E3D30713CF1C285192A42999", "49B1811181C487", "0123456789",
      "92236061427629838278974317694598492483521930395322104702",
      "94037268165665356681944391643379743282209038945532418719" },
};

static size_t to_numerals(const char *alphabet, const char *s, uint16_t *out)
{
    size_t n = 0;
    for (; *s; s++)
        out[n++] = (uint16_t)(strchr(alphabet, *s) - alphabet);
    return n;
}

static void run_vec(const vec *t, const void *impl, const char *impl_name)
{
    uint8_t key[32], tweak[32];
    uint16_t pt[64], ct[64], got[128], many[128];
    uint32_t lens[2];
    size_t klen = ccf_test_unhex(t->key, key, sizeof(key)), tlen = ccf_test_unhex(t->tweak, tweak, sizeof(tweak));
    size_t n = to_numerals(t->alphabet, t->pt, pt);
    uint32_t radix = (uint32_t)strlen(t->alphabet);
    ccf_fpe_ctx *c = ccf_alloc_aligned(sizeof(ccf_fpe_ctx), 64);
    char what[160];
    (void)to_numerals(t->alphabet, t->ct, ct);
    snprintf(what, sizeof(what), "%s %s %s", t->algo == CCF_FPE_FF1 ? "FF1" : "FF3-1", impl_name, t->pt);
    CCF_CHECK(ccf_fpe_init(c, t->algo, CCF_FPE_AES, key, klen, radix, impl) == CCF_OK, "%s init", what);
    CCF_CHECK(ccf_fpe_crypt(c, 0, tweak, tlen, pt, got, n) == CCF_OK, "%s encrypt", what);
    ccf_test_eq((uint8_t *)got, (uint8_t *)ct, 2 * n, what);
    CCF_CHECK(ccf_fpe_crypt(c, 1, tweak, tlen, got, got, n) == CCF_OK, "%s decrypt", what);
    ccf_test_eq((uint8_t *)got, (uint8_t *)pt, 2 * n, what);
    /* the batch entry point, twice the same string, in place */
    memcpy(many, pt, 2 * n);
    memcpy(many + n, pt, 2 * n);
    lens[0] = lens[1] = (uint32_t)n;
    CCF_CHECK(ccf_fpe_crypt_many(c, 0, tweak, tlen, many, many, lens, 2, NULL) == CCF_OK, "%s many", what);
    ccf_test_eq((uint8_t *)many, (uint8_t *)ct, 2 * n, what);
    ccf_test_eq((uint8_t *)(many + n), (uint8_t *)ct, 2 * n, what);
    CCF_CHECK(ccf_fpe_crypt_many(c, 1, tweak, tlen, many, many, lens, 2, NULL) == CCF_OK, "%s many dec", what);
    ccf_test_eq((uint8_t *)(many + n), (uint8_t *)pt, 2 * n, what);
    ccf_free_aligned(c, sizeof(ccf_fpe_ctx));
}

/* Every SM4 implementation gives the ct64 answer; strings of every length the 64-bit path and
 * the bignum path take, one call and batches. */
static void sm4_agree(int algo, uint32_t radix)
{
    const ccf_sm4_impl *const *t = ccf_sm4_impls();
    const ccf_sm4_impl *ref = NULL;
    uint8_t key[16], tweak[7] = { 1, 2, 3, 4, 5, 6, 7 };
    uint16_t x[300], y[300], z[300];
    ccf_fpe_ctx *c0 = ccf_alloc_aligned(sizeof(ccf_fpe_ctx), 64), *c1 = ccf_alloc_aligned(sizeof(ccf_fpe_ctx), 64);
    size_t i, n, j;
    for (i = 0; t[i]; i++)
        if (strcmp(t[i]->name, "ct64") == 0)
            ref = t[i];
    ccf_test_fill(key, 16, radix);
    ccf_fpe_init(c0, algo, CCF_FPE_SM4, key, 16, radix, ref);
    for (i = 0; t[i]; i++) {
        if (!t[i]->supported() || t[i] == ref)
            continue;
        ccf_fpe_init(c1, algo, CCF_FPE_SM4, key, 16, radix, t[i]);
        for (n = c0->minlen; n <= c0->maxlen && n <= 300; n += 1 + n / 8) {
            for (j = 0; j < n; j++)
                x[j] = (uint16_t)((j * 2654435761u + n) % radix);
            CCF_CHECK(ccf_fpe_crypt(c0, 0, tweak, algo == CCF_FPE_FF1 ? 5 : 7, x, y, n) == CCF_OK, "ref");
            CCF_CHECK(ccf_fpe_crypt(c1, 0, tweak, algo == CCF_FPE_FF1 ? 5 : 7, x, z, n) == CCF_OK, "impl");
            CCF_CHECK(memcmp(y, z, 2 * n) == 0, "SM4 %s radix %u n %zu: %s differs from ct64",
                      algo == CCF_FPE_FF1 ? "FF1" : "FF3-1", radix, n, t[i]->name);
            CCF_CHECK(ccf_fpe_crypt(c1, 1, tweak, algo == CCF_FPE_FF1 ? 5 : 7, z, z, n) == CCF_OK, "dec");
            CCF_CHECK(memcmp(x, z, 2 * n) == 0, "SM4 round trip radix %u n %zu", radix, n);
        }
    }
    ccf_free_aligned(c0, sizeof(ccf_fpe_ctx));
    ccf_free_aligned(c1, sizeof(ccf_fpe_ctx));
}

static void limits(void)
{
    uint8_t key[16] = { 0 }, tweak[8] = { 0 };
    uint16_t x[200];
    ccf_fpe_ctx *c = ccf_alloc_aligned(sizeof(ccf_fpe_ctx), 64);
    memset(x, 0, sizeof(x));
    CCF_CHECK(ccf_fpe_init(c, CCF_FPE_FF1, CCF_FPE_AES, key, 15, 10, NULL) == CCF_ERR_KEY_LENGTH, "key 15");
    CCF_CHECK(ccf_fpe_init(c, CCF_FPE_FF1, CCF_FPE_SM4, key, 24, 10, NULL) == CCF_ERR_KEY_LENGTH, "SM4 key 24");
    CCF_CHECK(ccf_fpe_init(c, CCF_FPE_FF1, CCF_FPE_AES, key, 16, 1, NULL) == CCF_ERR_PARAM, "radix 1");
    CCF_CHECK(ccf_fpe_init(c, CCF_FPE_FF1, CCF_FPE_AES, key, 16, 65537, NULL) == CCF_ERR_PARAM, "radix 65537");
    CCF_CHECK(ccf_fpe_init(c, CCF_FPE_FF1, CCF_FPE_AES, key, 16, 10, NULL) == CCF_OK, "init");
    CCF_CHECK(c->minlen == 6 && c->maxlen == CCF_FF1_MAXLEN, "FF1 radix 10 limits %u %u", c->minlen, c->maxlen);
    CCF_CHECK(ccf_fpe_crypt(c, 0, tweak, 0, x, x, 5) == CCF_ERR_LENGTH, "n 5");
    CCF_CHECK(ccf_fpe_crypt(c, 0, tweak, 0, x, x, 6) == CCF_OK, "n 6");
    x[3] = 10;
    CCF_CHECK(ccf_fpe_crypt(c, 0, tweak, 0, x, x, 6) == CCF_ERR_PARAM, "numeral 10");
    x[3] = 0;
    CCF_CHECK(ccf_fpe_init(c, CCF_FPE_FF3_1, CCF_FPE_AES, key, 16, 10, NULL) == CCF_OK, "init");
    CCF_CHECK(c->minlen == 6 && c->maxlen == 56, "FF3-1 radix 10 limits %u %u", c->minlen, c->maxlen);
    CCF_CHECK(ccf_fpe_crypt(c, 0, tweak, 8, x, x, 10) == CCF_ERR_PARAM, "tweak 8");
    CCF_CHECK(ccf_fpe_crypt(c, 0, tweak, 7, x, x, 57) == CCF_ERR_LENGTH, "n 57");
    CCF_CHECK(ccf_fpe_crypt(c, 0, tweak, 7, x, x, 56) == CCF_OK, "n 56");
    CCF_CHECK(ccf_fpe_init(c, CCF_FPE_FF3_1, CCF_FPE_AES, key, 16, 65536, NULL) == CCF_OK, "init");
    CCF_CHECK(c->minlen == 2 && c->maxlen == 12, "FF3-1 radix 65536 limits %u %u", c->minlen, c->maxlen);
    CCF_CHECK(ccf_fpe_init(c, CCF_FPE_FF3_1, CCF_FPE_AES, key, 16, 2, NULL) == CCF_OK, "init");
    CCF_CHECK(c->minlen == 20 && c->maxlen == 192, "FF3-1 radix 2 limits %u %u", c->minlen, c->maxlen);
    ccf_free_aligned(c, sizeof(ccf_fpe_ctx));
}

int main(void)
{
    const ccf_aes_impl *const *t = ccf_aes_impls();
    size_t i, j;
    ccf_cpu_init();
    for (i = 0; t[i]; i++) {
        if (!t[i]->supported()) {
            printf("skip %s (not supported here)\n", t[i]->name);
            continue;
        }
        printf("impl %s\n", t[i]->name);
        for (j = 0; j < sizeof(VECS) / sizeof(VECS[0]); j++)
            run_vec(&VECS[j], t[i], t[i]->name);
    }
    sm4_agree(CCF_FPE_FF1, 10);
    sm4_agree(CCF_FPE_FF1, 65535);
    sm4_agree(CCF_FPE_FF1, 256);
    sm4_agree(CCF_FPE_FF3_1, 10);
    sm4_agree(CCF_FPE_FF3_1, 36);
    limits();
    return ccf_test_finish("fpe");
}
