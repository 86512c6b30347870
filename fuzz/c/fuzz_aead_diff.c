/*
 * Differential AES-GCM: every AES x GHASH implementation pair this CPU runs must give the
 * portable pair's ciphertext and tag, and open its own output, on arbitrary keys, nonces,
 * associated data and messages (the short one-pass path, the general and the bulk kernels).
 */
#include "ccf_gcm.h"
#include "ccf_cpu.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ccf_aes_gcm ref, g;
    static uint8_t msg[2048], aad[256], ct0[2048], ct[2048], back[2048];
    uint8_t key[32], nonce[64], tag0[16], tag[16];
    fuzz_in in = { data, size };
    size_t kl = 16 + 8 * (fuzz_u8(&in) % 3), nl = 1 + fuzz_u8(&in) % 64, al = fuzz_u8(&in), ml;
    const ccf_aes_impl *const *aes = ccf_aes_impls();
    const ccf_ghash_impl *const *gh = ccf_ghash_impls();
    const ccf_aes_impl *aes_portable = NULL;
    const ccf_ghash_impl *gh_portable = NULL;
    int i, j;
    ccf_cpu_init();
    memset(key, 0, sizeof(key));
    memset(nonce, 0, sizeof(nonce));
    fuzz_bytes(&in, key, kl);
    fuzz_bytes(&in, nonce, nl);
    al = fuzz_bytes(&in, aad, al);
    ml = fuzz_bytes(&in, msg, sizeof(msg));
    for (i = 0; aes[i]; i++)
        aes_portable = aes[i];                         /* the last one: portable */
    for (j = 0; gh[j]; j++)
        gh_portable = gh[j];
    if (ccf_aes_gcm_init_impl(&ref, key, kl, aes_portable, gh_portable) != CCF_OK)
        __builtin_trap();
    FUZZ_ASSERT(ccf_aes_gcm_encrypt(&ref, nonce, nl, aad, al, msg, ml, ct0, tag0) == CCF_OK);
    for (i = 0; aes[i]; i++) {
        for (j = 0; gh[j]; j++) {
            if (ccf_aes_gcm_init_impl(&g, key, kl, aes[i], gh[j]) != CCF_OK)
                continue;                              /* not on this CPU */
            FUZZ_ASSERT(ccf_aes_gcm_encrypt(&g, nonce, nl, aad, al, msg, ml, ct, tag) == CCF_OK);
            FUZZ_ASSERT(memcmp(ct, ct0, ml) == 0 && memcmp(tag, tag0, 16) == 0);
            FUZZ_ASSERT(ccf_aes_gcm_decrypt(&g, nonce, nl, aad, al, ct, ml, tag, 16, back) == CCF_OK);
            FUZZ_ASSERT(memcmp(back, msg, ml) == 0);
            if (ml) {
                ct[ml / 2] ^= 1;
                FUZZ_ASSERT(ccf_aes_gcm_decrypt(&g, nonce, nl, aad, al, ct, ml, tag, 16, back) == CCF_ERR_AUTH);
            }
            ccf_aes_gcm_wipe(&g);
        }
    }
    ccf_aes_gcm_wipe(&ref);
    return 0;
}
