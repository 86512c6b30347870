/*
 * Constant-time check of the portable SM4 code (ctgrind method): the key, the plaintext and
 * the AAD are marked undefined for valgrind memcheck, so any branch or memory address that
 * depends on them is reported as a use of uninitialised data.  Covers the key schedule, the
 * bitsliced batch path and the single-block path of ct64, CBC/CTR/CCM/GCM over them, the
 * per-key constants of the one-pass GCM kernel (ccf_sm4_gcm_fold_init, portable C; the kernel
 * itself needs AVX-512, which valgrind does not run) and the PKCS#7 check (only its verdict is
 * declassified).  Run: valgrind --error-exitcode=1 ./prog
 */
#include <valgrind/memcheck.h>

#include "ccf_test.h"
#include "ccf_sm4.h"
#include "sm4_impls.h"
#include "ghash_impls.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static ccf_sm4_gcm g;

int main(void)
{
    static uint8_t key[16], pt[1100], ct[1100], aad[40], tag[16], ctr[16], iv[16];
    static const size_t lens[] = { 0, 16, 48, 64, 100, 1040 };
    size_t i, out_len;
    uint32_t fold[32];
    int rc;
    ccf_sm4_key k;
    ccf_test_fill(key, sizeof key, 1);
    ccf_test_fill(pt, sizeof pt, 2);
    ccf_test_fill(aad, sizeof aad, 3);
    memcpy(iv, "public iv 16 by", 16);
    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        size_t len = lens[i];
        SECRET(key, sizeof key);
        SECRET(pt, sizeof pt);
        SECRET(aad, sizeof aad);
        ccf_sm4_init_impl(&k, key, 16, &ccf_sm4_impl_ct64);
        ccf_sm4_gcm_fold_init(k.rk_enc, fold);
        ccf_sm4_encrypt_blocks(&k, pt, ct, len / 16);
        ccf_sm4_decrypt_blocks(&k, ct, ct, len / 16);
        ccf_sm4_cbc_encrypt(&k, iv, pt, ct, len & ~(size_t)15);
        ccf_sm4_cbc_decrypt(&k, iv, ct, ct, len & ~(size_t)15);
        ccf_sm4_cbc_encrypt_pad(&k, iv, pt, len, ct);
        memcpy(ctr, "public counter!!", 16);
        ccf_sm4_ctr128(&k, ctr, pt, ct, len);
        ccf_sm4_ctr32(&k, ctr, pt, ct, len);
        ccf_sm4_ccm_encrypt(&k, (const uint8_t *)"public nonce", 12, aad, sizeof aad, pt, len, ct, tag, 16);
        ccf_sm4_gcm_init_impl(&g, key, 16, &ccf_sm4_impl_ct64, &ccf_ghash_impl_ct64);
        ccf_sm4_gcm_encrypt(&g, (const uint8_t *)"public nonce", 12, aad, sizeof aad, pt, len, ct, tag);
        /* PKCS#7 check over secret plaintext: only the verdict and length are public */
        ccf_sm4_cbc_encrypt_pad(&k, iv, pt, len, ct);
        ccf_sm4_cbc_decrypt(&k, iv, ct, ct, (len / 16 + 1) * 16);
        rc = ccf_sm4_pkcs7_unpad(ct, (len / 16 + 1) * 16, &out_len);
        PUBLIC(&rc, sizeof rc);
        PUBLIC(&out_len, sizeof out_len);
        CCF_CHECK(rc == CCF_OK && out_len == len, "padding of %zu bytes", len);
        ccf_sm4_wipe(&k);
        ccf_sm4_gcm_wipe(&g);
    }
    PUBLIC(key, sizeof key);
    return ccf_test_finish("ctgrind sm4");
}
