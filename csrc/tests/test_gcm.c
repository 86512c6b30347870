/*
 * C test driver for GHASH and GCM: the GCM specification's test cases 1-3, 13, 14 (McGrew &
 * Viega) through every supported AES x GHASH pair (stitched kernels included), every pair
 * against ct64+ct64 on pseudo-random nonces (1..64 bytes), AAD and lengths (crossing the
 * 16-block and 4 KiB strides), in-place calls, and tamper checks (CCF_ERR_AUTH, output zeroed).
 */
#include "ccf_test.h"
#include "ccf_gcm.h"
#include "aes_impls.h"
#include "ghash_impls.h"

static const char *const spec[][6] = {   /* key, iv, plaintext, aad, ciphertext, tag */
    {"00000000000000000000000000000000", "000000000000000000000000", "", "", "",
     "58e2fccefa7e3061367f1d57a4e7455a"},
    {"00000000000000000000000000000000", "000000000000000000000000",
     "00000000000000000000000000000000", "", "0388dace60b6a392f328c2b971b2fe78",
     "ab6e47d42cec13bdf53a67b21257bddf"},
    {"feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
     "", "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
     "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
     "00000000000000000000000000000000", "", "cea7403d4d606b6e074ec5d3baf39d18",
     "d0d1c8a799996bf0265b98b5d48ab919"},
};

static ccf_aes_gcm g, ref;    /* large: keep off the stack */

static void spec_cases(const ccf_aes_impl *a, const ccf_ghash_impl *h)
{
    uint8_t key[32], iv[12], pt[64], aad[1], ct[64], tag[16], out[64], t[16];
    size_t i;
    for (i = 0; i < sizeof spec / sizeof spec[0]; i++) {
        size_t kl = ccf_test_unhex(spec[i][0], key, 32), il = ccf_test_unhex(spec[i][1], iv, 12);
        size_t pl = ccf_test_unhex(spec[i][2], pt, 64), al = ccf_test_unhex(spec[i][3], aad, 1);
        ccf_test_unhex(spec[i][4], ct, 64);
        ccf_test_unhex(spec[i][5], tag, 16);
        CCF_CHECK(ccf_aes_gcm_init_impl(&g, key, kl, a, h) == CCF_OK, "init");
        ccf_aes_gcm_encrypt(&g, iv, il, aad, al, pt, pl, out, t);
        ccf_test_eq(out, ct, pl, "GCM spec ciphertext");
        ccf_test_eq(t, tag, 16, "GCM spec tag");
        CCF_CHECK(ccf_aes_gcm_decrypt(&g, iv, il, aad, al, ct, pl, tag, 16, out) == CCF_OK, "spec decrypt");
        ccf_test_eq(out, pt, pl, "GCM spec plaintext");
    }
}

static void against_ref(const ccf_aes_impl *a, const ccf_ghash_impl *h)
{
    static const size_t lens[] = {0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 512,
                                  767, 1024, 1500, 4095, 4096, 4097, 8191, 8192 + 48, 70000};
    static uint8_t in[70000], o1[70000], o2[70000];
    uint8_t key[32], nonce[64], aad[100], t1[16], t2[16];
    size_t li;
    uint32_t seed = 7;
    for (li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        size_t len = lens[li], nl = li % 5 == 0 ? 1 + li % 64 : 12, al = (li * 13) % 100, ks = 16 + 8 * (li % 3);
        ccf_test_fill(key, 32, seed++);
        ccf_test_fill(nonce, nl, seed++);
        ccf_test_fill(aad, al, seed++);
        ccf_test_fill(in, len, seed++);
        ccf_aes_gcm_init_impl(&g, key, ks, a, h);
        ccf_aes_gcm_init_impl(&ref, key, ks, &ccf_aes_impl_ct64, &ccf_ghash_impl_ct64);
        ccf_aes_gcm_encrypt(&g, nonce, nl, aad, al, in, len, o1, t1);
        ccf_aes_gcm_encrypt(&ref, nonce, nl, aad, al, in, len, o2, t2);
        if (!ccf_test_eq(o1, o2, len, "ciphertext vs ct64") || !ccf_test_eq(t1, t2, 16, "tag vs ct64")) {
            printf("  %s + %s, len %zu, nonce %zu\n", a->name, h->name, len, nl);
            return;
        }
        /* in place decrypt */
        memcpy(o2, o1, len);
        CCF_CHECK(ccf_aes_gcm_decrypt(&g, nonce, nl, aad, al, o2, len, t1, 16, o2) == CCF_OK, "decrypt");
        ccf_test_eq(o2, in, len, "in-place decrypt");
        /* tamper: tag, ciphertext, aad -> CCF_ERR_AUTH and zeroed output */
        t1[li % 16] ^= 1;
        memset(o2, 0xAA, len);
        CCF_CHECK(ccf_aes_gcm_decrypt(&g, nonce, nl, aad, al, o1, len, t1, 16, o2) == CCF_ERR_AUTH, "forged tag");
        CCF_CHECK(len == 0 || (o2[0] == 0 && o2[len - 1] == 0 && memcmp(o2, o2 + 1, len - 1) == 0), "output wiped");
        t1[li % 16] ^= 1;
        if (len) {
            o1[len / 2] ^= 0x80;
            CCF_CHECK(ccf_aes_gcm_decrypt(&g, nonce, nl, aad, al, o1, len, t1, 16, o2) == CCF_ERR_AUTH, "forged ct");
            o1[len / 2] ^= 0x80;
        }
        if (al) {
            aad[0] ^= 1;
            CCF_CHECK(ccf_aes_gcm_decrypt(&g, nonce, nl, aad, al, o1, len, t1, 16, o2) == CCF_ERR_AUTH, "forged aad");
            aad[0] ^= 1;
        }
        CCF_CHECK(ccf_aes_gcm_decrypt(&g, nonce, nl, aad, al, o1, len, t1, 12, o2) == CCF_OK, "12-byte tag");
        CCF_CHECK(ccf_aes_gcm_decrypt(&g, nonce, nl, aad, al, o1, len, t1, 11, o2) == CCF_ERR_PARAM, "11-byte tag refused");
    }
    CCF_CHECK(ccf_aes_gcm_encrypt(&g, nonce, 0, aad, 0, in, 0, o1, t1) == CCF_ERR_NONCE, "empty nonce refused");
}

int main(void)
{
    const ccf_aes_impl *const *ai = ccf_aes_impls();
    const ccf_ghash_impl *const *hi = ccf_ghash_impls();
    size_t i, j;
    ccf_cpu_init();
    for (j = 0; hi[j]; j++)
        if (!hi[j]->supported())
            printf("skipped GHASH %s (not supported by this CPU)\n", hi[j]->name);
    for (i = 0; ai[i]; i++) {
        if (!ai[i]->supported()) {
            printf("skipped AES %s (not supported by this CPU)\n", ai[i]->name);
            continue;
        }
        for (j = 0; hi[j]; j++) {
            if (!hi[j]->supported())
                continue;
            ccf_aes_gcm_init_impl(&g, (const uint8_t *)"0123456789abcdef", 16, ai[i], hi[j]);
            printf("testing %s + %s (%s)\n", ai[i]->name, hi[j]->name, ccf_aes_gcm_impl_name(&g));
            spec_cases(ai[i], hi[j]);
            against_ref(ai[i], hi[j]);
        }
    }
    ccf_cpu_set_disabled(0xFFFFFFFFu);
    CCF_CHECK(ccf_ghash_best() == &ccf_ghash_impl_ct64, "masked dispatch picks ct64 GHASH");
    ccf_cpu_set_disabled(0);
    ccf_aes_gcm_wipe(&g);
    return ccf_test_finish("gcm");
}
