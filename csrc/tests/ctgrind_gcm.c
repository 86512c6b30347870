/*
 * Constant-time check of the portable AES, GHASH and GCM code (ctgrind method): the key, the
 * plaintext and the AAD are marked undefined for valgrind memcheck, so any branch or memory
 * address that depends on them is reported as a use of uninitialised data.  Only the final
 * one-bit verdict of a tag comparison is declassified.  Run: valgrind --error-exitcode=1 ./prog
 */
#include <valgrind/memcheck.h>

#include "ccf_test.h"
#include "ccf_gcm.h"
#include "aes_impls.h"
#include "ghash_impls.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static ccf_aes_gcm g;

int main(void)
{
    static uint8_t key[32], pt[1000], ct[1000], aad[40], tag[16], other[16], h[16], y[16], ctr[16];
    size_t len;
    int rc, ks;
    ccf_test_fill(key, sizeof key, 1);
    ccf_test_fill(pt, sizeof pt, 2);
    ccf_test_fill(aad, sizeof aad, 3);
    for (ks = 16; ks <= 32; ks += 8) {
        for (len = 0; len <= 300; len += 61) {
            SECRET(key, sizeof key);
            SECRET(pt, sizeof pt);
            SECRET(aad, sizeof aad);
            /* key schedule, H = E_K(0), GHASH key set-up */
            ccf_aes_gcm_init_impl(&g, key, (size_t)ks, &ccf_aes_impl_ct64, &ccf_ghash_impl_ct64);
            /* encryption: CTR, GHASH over AAD and ciphertext, tag */
            ccf_aes_gcm_encrypt(&g, (const uint8_t *)"public nonce", 12, aad, sizeof aad, pt, len, ct, tag);
            /* the pieces decryption uses, with secret inputs */
            memcpy(ctr, "public counter!!", 16);
            ccf_aes_ctr32(&g.aes, ctr, ct, pt, len);
            ccf_aes_ctr128(&g.aes, ctr, ct, pt, len);
            memset(y, 0, 16);
            ccf_ghash_update(&g.ghash, y, ct, len);
            /* full-length tag comparison: only its verdict is public */
            memcpy(other, tag, 16);
            SECRET(other, 16);
            rc = ccf_ct_memcmp(tag, other, 16);
            PUBLIC(&rc, sizeof rc);
            CCF_CHECK(rc == 0, "tag equals itself");
            other[15] ^= 1;
            rc = ccf_ct_memcmp(tag, other, 16);
            PUBLIC(&rc, sizeof rc);
            CCF_CHECK(rc != 0, "tag differs");
        }
    }
    /* GHASH key set-up alone with a secret H */
    ccf_test_fill(h, 16, 9);
    SECRET(h, 16);
    ccf_ghash_init_impl(&g.ghash, h, &ccf_ghash_impl_ct64);
    PUBLIC(key, sizeof key);
    ccf_aes_gcm_wipe(&g);
    return ccf_test_finish("ctgrind gcm");
}
