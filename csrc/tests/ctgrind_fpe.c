/*
 * Constant-time check of FF1 and FF3-1 (ctgrind method): the key and the numeral strings are
 * marked undefined for valgrind memcheck, so any branch or memory address that depends on
 * them is reported.  The tweak, the radix and the lengths are public.  Runs the 64-bit path
 * (Barrett and Moller-Granlund reductions) and the bignum path (conversions, bit-serial
 * reduction, modular add/subtract) of both algorithms, one string and batches, on the
 * portable AES (ct64) and SM4 (ct64); only the numeral-range verdict is declassified.
 * Run: valgrind --error-exitcode=9 ./prog  (with CCFAST_CPU_DISABLE=all)
 */
#include <valgrind/memcheck.h>

#include "ccf_test.h"
#include "ccf_fpe.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static const ccf_aes_impl *aes_ct(void)
{
    const ccf_aes_impl *const *t = ccf_aes_impls();
    size_t i;
    for (i = 0; t[i]; i++)
        if (strcmp(t[i]->name, "ct64") == 0)
            return t[i];
    return NULL;
}

static const ccf_sm4_impl *sm4_ct(void)
{
    const ccf_sm4_impl *const *t = ccf_sm4_impls();
    size_t i;
    for (i = 0; t[i]; i++)
        if (strcmp(t[i]->name, "ct64") == 0)
            return t[i];
    return NULL;
}

int main(void)
{
    static ccf_fpe_ctx c;
    static uint8_t key[32], tweak[40];
    static uint16_t x[400], y[400];
    static const uint32_t radices[] = { 10, 256, 65535 };
    static const size_t lens[] = { 6, 16, 39, 56, 120 };
    uint32_t many_lens[3];
    size_t r, l, j;
    int algo, cipher, rc;
    ccf_cpu_init();
    ccf_test_fill(key, sizeof key, 1);
    ccf_test_fill(tweak, sizeof tweak, 2);
    for (cipher = CCF_FPE_AES; cipher <= CCF_FPE_SM4; cipher++)
        for (algo = CCF_FPE_FF1; algo <= CCF_FPE_FF3_1; algo++)
            for (r = 0; r < sizeof(radices) / sizeof(radices[0]); r++) {
                const void *impl = cipher == CCF_FPE_AES ? (const void *)aes_ct() : (const void *)sm4_ct();
                SECRET(key, sizeof key);
                rc = ccf_fpe_init(&c, algo, cipher, key, 16, radices[r], impl);
                CCF_CHECK(rc == CCF_OK, "init");
                for (l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
                    size_t n = lens[l], tl = algo == CCF_FPE_FF1 ? 11 : 7;
                    if (n < c.minlen || n > c.maxlen)
                        continue;
                    for (j = 0; j < 3 * n; j++)
                        x[j] = (uint16_t)((j * 7919 + n) % radices[r]);
                    SECRET(x, sizeof x);
                    rc = ccf_fpe_crypt(&c, 0, tweak, tl, x, y, n);
                    CCF_CHECK(rc == CCF_OK, "encrypt");
                    rc = ccf_fpe_crypt(&c, 1, tweak, tl, y, y, n);
                    CCF_CHECK(rc == CCF_OK, "decrypt");
                    many_lens[0] = many_lens[1] = many_lens[2] = (uint32_t)n;
                    rc = ccf_fpe_crypt_many(&c, 0, tweak, tl, x, y, many_lens, 3, NULL);
                    CCF_CHECK(rc == CCF_OK, "many");
                    rc = ccf_fpe_crypt_many(&c, 1, tweak, tl, y, y, many_lens, 3, NULL);
                    CCF_CHECK(rc == CCF_OK, "many decrypt");
                    PUBLIC(x, sizeof x);
                    PUBLIC(y, sizeof y);
                    CCF_CHECK(memcmp(x, y, 6 * n) == 0, "round trip");
                }
                ccf_fpe_wipe(&c);
            }
    return ccf_test_finish("ctgrind fpe");
}
