/*
 * C test driver for the AES kernels: FIPS 197 Appendix C known answers through every
 * implementation the CPU supports, then every implementation against ct64 on pseudo-random
 * keys, counters (including 32-bit and 128-bit carries) and lengths.
 */
#include "ccf_test.h"
#include "ccf_aes.h"
#include "aes_impls.h"


/* FIPS 197 Appendix C.1-C.3: key 00 01 02 ..., plaintext 00 11 22 ... ff */
static const char *const fips197[3] = {
    "69c4e0d86a7b0430d8cdb78070b4c55a",
    "dda97ca4864cdfe06eaf70a0ec0d7191",
    "8ea2b7ca516745bfeafc49904b496089",
};

static void known_answers(const ccf_aes_impl *impl)
{
    uint8_t key[32], pt[16], ct[16], want[16];
    ccf_aes_key k;
    int i;
    for (i = 0; i < 32; i++) key[i] = (uint8_t)i;
    for (i = 0; i < 16; i++) pt[i] = (uint8_t)(0x11 * i);
    for (i = 0; i < 3; i++) {
        char what[64];
        CCF_CHECK(ccf_aes_init_impl(&k, key, 16 + 8 * (size_t)i, impl) == CCF_OK, "init %s", impl->name);
        impl->encrypt_blocks(&k, pt, ct, 1);
        ccf_test_unhex(fips197[i], want, 16);
        snprintf(what, sizeof what, "FIPS 197 C.%d %s", i + 1, impl->name);
        ccf_test_eq(ct, want, 16, what);
    }
    CCF_CHECK(ccf_aes_init_impl(&k, key, 20, impl) == CCF_ERR_KEY_LENGTH, "bad key length");
}

static void against_ct64(const ccf_aes_impl *impl)
{
    static uint8_t in[1100], a[1100], b[1100];
    uint8_t key[32], c1[16], c2[16];
    ccf_aes_key ka, kb;
    size_t len;
    uint32_t seed = 1;
    for (len = 0; len < sizeof in; len += (len < 300 ? 1 : 37)) {
        size_t ks = 16 + 8 * (len % 3);
        int wide;
        ccf_test_fill(key, 32, seed++);
        ccf_test_fill(in, len, seed++);
        ccf_aes_init_impl(&ka, key, ks, impl);
        ccf_aes_init_impl(&kb, key, ks, &ccf_aes_impl_ct64);
        for (wide = 0; wide < 2; wide++) {
            ccf_test_fill(c1, 16, seed++);
            if (len % 5 == 0) memset(c1 + 8, 0xFF, 8);      /* force carries */
            memcpy(c2, c1, 16);
            if (wide) {
                impl->ctr128(&ka, c1, in, a, len);
                ccf_aes_impl_ct64.ctr128(&kb, c2, in, b, len);
            } else {
                impl->ctr32(&ka, c1, in, a, len);
                ccf_aes_impl_ct64.ctr32(&kb, c2, in, b, len);
            }
            if (!ccf_test_eq(a, b, len, wide ? "ctr128 vs ct64" : "ctr32 vs ct64") ||
                !ccf_test_eq(c1, c2, 16, "counter after call")) {
                printf("  impl %s len %zu\n", impl->name, len);
                return;
            }
            memcpy(a, in, len);                              /* in place */
            memcpy(c1, c2, 16);
            impl->ctr32(&ka, c1, a, a, len);
            memcpy(c2, c1, 16);
        }
        impl->encrypt_blocks(&ka, in, a, len / 16);
        ccf_aes_impl_ct64.encrypt_blocks(&kb, in, b, len / 16);
        ccf_test_eq(a, b, len / 16 * 16, "ECB vs ct64");
    }
    ccf_aes_wipe(&ka);
    ccf_aes_wipe(&kb);
}

int main(void)
{
    const ccf_aes_impl *const *impls = ccf_aes_impls();
    size_t i;
    ccf_cpu_init();
    for (i = 0; impls[i]; i++) {
        if (!impls[i]->supported()) {
            printf("skipped %s (not supported by this CPU)\n", impls[i]->name);
            continue;
        }
        printf("testing %s\n", impls[i]->name);
        known_answers(impls[i]);
        against_ct64(impls[i]);
    }
    /* With every feature masked, dispatch must fall back to the portable code. */
    ccf_cpu_set_disabled(0xFFFFFFFFu);
    CCF_CHECK(ccf_aes_best() == &ccf_aes_impl_ct64, "masked dispatch picks ct64, got %s", ccf_aes_best()->name);
    ccf_cpu_set_disabled(0);
    return ccf_test_finish("aes");
}
