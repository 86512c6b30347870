/*
 * test_sha1.c - C driver for SHA-1 and HMAC-SHA1 (csrc/sha1).
 *
 * For every implementation in ccf_sha1_impls() that this CPU supports:
 *   - FIPS 180-2 Appendix A examples ("abc", the 448-bit message, one million 'a');
 *   - RFC 2202 section 3 HMAC-SHA1 test cases 1-7 (including truncation to 96 bits and
 *     keys longer than a block), through ccf_hmac_sha1 and ccf_hmac_sha1_verify, with the
 *     message split at every position between the two parts;
 *   - a flipped tag bit in every position fails verification;
 *   - differential checks against "portable" on pseudo-random messages of 0..300 bytes fed in
 *     uneven pieces, and HMAC with pseudo-random keys of 0..150 bytes.
 * Dispatch: with SHA-NI / ARMv8 SHA1 masked off (ccf_cpu_set_disabled) the best implementation is portable.
 */
#include "ccf_test.h"
#include "ccf_sha1.h"

static const struct { const char *msg; size_t repeat; const char *digest; } FIPS[] = {
    { "abc", 1, "a9993e364706816aba3e25717850c26c9cd0d89d" },                     /* A.1 */
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
      "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },                                 /* A.2 */
    { "a", 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f" },                  /* A.3 */
    { "", 1, "da39a3ee5e6b4b0d3255bfef95601890afd80709" },                         /* empty message */
};

/* RFC 2202 section 3: key (hex), data (hex), digest (hex, possibly truncated) */
static const struct { const char *key, *data, *mac; } RFC2202[] = {
    { "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
      "b617318655057264e28bc0b6fb378c8ef146be00" },
    { "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
      "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
      "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
    { "0102030405060708090a0b0c0d0e0f10111213141516171819",
      "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
      "4c9007f4026250c6bc8414f9bf50c86c2d7235da" },
    { "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e",
      "4c1a03424b55e07fe7f27be1" },                                            /* 96-bit truncation */
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
      "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b657920616e64204c6172676572205468616e204f6e6520426c6f636b2d53697a652044617461",
      "e8e99d0f45237d786d6bbaa7965c7808bbff1a91" },
};

extern const ccf_sha1_impl ccf_sha1_impl_portable;

static void test_fips(const ccf_sha1_impl *impl)
{
    size_t v, r;
    for (v = 0; v < sizeof(FIPS) / sizeof(FIPS[0]); v++) {
        uint8_t want[20], got[20];
        ccf_sha1_ctx c;
        ccf_test_unhex(FIPS[v].digest, want, sizeof(want));
        CCF_CHECK(ccf_sha1_init_impl(&c, impl) == CCF_OK, "%s init", impl->name);
        for (r = 0; r < FIPS[v].repeat; r++)
            ccf_sha1_update(&c, (const uint8_t *)FIPS[v].msg, strlen(FIPS[v].msg));
        ccf_sha1_final(&c, got);
        ccf_test_eq(got, want, 20, "FIPS 180 example");
    }
}

static void test_rfc2202(const ccf_sha1_impl *impl)
{
    size_t v, split, bit;
    for (v = 0; v < sizeof(RFC2202) / sizeof(RFC2202[0]); v++) {
        uint8_t key[100], data[100], want[20], got[20];
        size_t kl = ccf_test_unhex(RFC2202[v].key, key, sizeof(key));
        size_t dl = ccf_test_unhex(RFC2202[v].data, data, sizeof(data));
        size_t ml = ccf_test_unhex(RFC2202[v].mac, want, sizeof(want));
        ccf_hmac_sha1_key k;
        CCF_CHECK(ccf_hmac_sha1_init_impl(&k, key, kl, impl) == CCF_OK, "hmac init");
        for (split = 0; split <= dl; split++) {
            memset(got, 0, sizeof(got));
            ccf_hmac_sha1(&k, data, split, data + split, dl - split, got, ml);
            ccf_test_eq(got, want, ml, "RFC 2202 HMAC-SHA1");
            CCF_CHECK(ccf_hmac_sha1_verify(&k, data, split, data + split, dl - split, want, ml) == CCF_OK,
                      "%s RFC 2202 case %zu verify", impl->name, v + 1);
        }
        for (bit = 0; bit < 8 * ml; bit++) {
            want[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            CCF_CHECK(ccf_hmac_sha1_verify(&k, data, dl, NULL, 0, want, ml) == CCF_ERR_AUTH,
                      "%s RFC 2202 case %zu flipped bit %zu accepted", impl->name, v + 1, bit);
            want[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
        /* truncated tags 4 and 10 bytes (SRTP's 32- and 80-bit tags) are prefixes */
        ccf_hmac_sha1(&k, data, dl, NULL, 0, got, 4);
        ccf_test_eq(got, want, 4, "HMAC-SHA1-32 prefix");
        CCF_CHECK(ccf_hmac_sha1_verify(&k, data, dl, NULL, 0, want, 0) == CCF_ERR_AUTH, "empty tag accepted");
        ccf_hmac_sha1_wipe(&k);
    }
}

static void test_differential(const ccf_sha1_impl *impl)
{
    uint8_t msg[300], key[150], a[20], b[20];
    size_t len;
    for (len = 0; len <= sizeof(msg); len++) {
        ccf_sha1_ctx c1, c2;
        size_t off = 0, step = 1 + len % 67;
        ccf_test_fill(msg, len, (uint32_t)len + 7);
        ccf_sha1_init_impl(&c1, impl);
        while (off < len) {
            size_t n = len - off < step ? len - off : step;
            ccf_sha1_update(&c1, msg + off, n);
            off += n;
            step = step * 3 % 71 + 1;
        }
        ccf_sha1_final(&c1, a);
        ccf_sha1_init_impl(&c2, &ccf_sha1_impl_portable);
        ccf_sha1_update(&c2, msg, len);
        ccf_sha1_final(&c2, b);
        ccf_test_eq(a, b, 20, "SHA-1 differential vs portable");
    }
    for (len = 0; len <= sizeof(key); len += 5) {
        ccf_hmac_sha1_key k1, k2;
        ccf_test_fill(key, len, (uint32_t)len + 1000);
        ccf_test_fill(msg, sizeof(msg), (uint32_t)len + 2000);
        ccf_hmac_sha1_init_impl(&k1, key, len, impl);
        ccf_hmac_sha1_init_impl(&k2, key, len, &ccf_sha1_impl_portable);
        ccf_hmac_sha1(&k1, msg, len * 2 % 300, msg, 4, a, 20);
        ccf_hmac_sha1(&k2, msg, len * 2 % 300, msg, 4, b, 20);
        ccf_test_eq(a, b, 20, "HMAC-SHA1 differential vs portable");
    }
}

int main(void)
{
    const ccf_sha1_impl *const *impls = ccf_sha1_impls();
    size_t i;
    int tested = 0;
    ccf_cpu_init();
    for (i = 0; impls[i]; i++) {
        if (!impls[i]->supported()) {
            printf("skip %s (not supported on this CPU)\n", impls[i]->name);
            continue;
        }
        printf("impl %s\n", impls[i]->name);
        tested++;
        test_fips(impls[i]);
        test_rfc2202(impls[i]);
        test_differential(impls[i]);
    }
    CCF_CHECK(tested >= 1, "no implementation ran");
    ccf_cpu_set_disabled(CCF_CPU_SHA_NI | CCF_CPU_ARM_SHA1);
    CCF_CHECK(strcmp(ccf_sha1_best()->name, "portable") == 0, "best with SHA-NI disabled is %s", ccf_sha1_best()->name);
    for (i = 0; impls[i]; i++)
        if (strcmp(impls[i]->name, "portable") != 0) {
            ccf_sha1_ctx c;
            CCF_CHECK(ccf_sha1_init_impl(&c, impls[i]) == CCF_ERR_PARAM, "%s initialised while disabled", impls[i]->name);
        }
    ccf_cpu_set_disabled(0);
    return ccf_test_finish("sha1");
}
