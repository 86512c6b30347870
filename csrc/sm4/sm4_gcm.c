/* SM4-GCM (RFC 8998 2.2 over NIST SP 800-38D) through the generic GCM of ccf_gcm.h. */
#include "ccf_sm4.h"
#include "ccf_gcm.h"

static void enc_block(const void *key, const uint8_t in[16], uint8_t out[16])
{
    ccf_sm4_encrypt_blocks((const ccf_sm4_key *)key, in, out, 1);
}

static void ctr32(const void *key, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    ccf_sm4_ctr32((const ccf_sm4_key *)key, ctr, in, out, len);
}

/* see ccf_sm4.h */
int ccf_sm4_gcm_init_impl(ccf_sm4_gcm *g, const uint8_t *key, size_t key_len,
                          const ccf_sm4_impl *sm4, const ccf_ghash_impl *ghash)
{
    uint8_t h[16] = {0};
    int rc = ccf_sm4_init_impl(&g->sm4, key, key_len, sm4);
    if (rc != CCF_OK)
        return rc;
    ccf_sm4_encrypt_blocks(&g->sm4, h, h, 1);              /* H = SM4_K(0^128) */
    rc = ccf_ghash_init_impl(&g->ghash, h, ghash);
    ccf_memzero(h, sizeof(h));
    if (rc != CCF_OK)
        ccf_sm4_gcm_wipe(g);
    return rc;
}

/* see ccf_sm4.h */
int ccf_sm4_gcm_init(ccf_sm4_gcm *g, const uint8_t *key, size_t key_len)
{
    return ccf_sm4_gcm_init_impl(g, key, key_len, ccf_sm4_best(), ccf_ghash_best());
}

/* see ccf_sm4.h */
int ccf_sm4_gcm_encrypt(const ccf_sm4_gcm *g, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                        uint8_t *out, uint8_t tag[16])
{
    ccf_gcm_cipher c = { &g->sm4, enc_block, ctr32 };
    return ccf_gcm_seal(&c, &g->ghash, nonce, nonce_len, aad, aad_len, in, len, out, tag);
}

/* see ccf_sm4.h */
int ccf_sm4_gcm_decrypt(const ccf_sm4_gcm *g, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                        const uint8_t *tag, size_t tag_len, uint8_t *out)
{
    ccf_gcm_cipher c = { &g->sm4, enc_block, ctr32 };
    return ccf_gcm_open(&c, &g->ghash, nonce, nonce_len, aad, aad_len, in, len, tag, tag_len, out);
}

/* see ccf_sm4.h */
void ccf_sm4_gcm_wipe(ccf_sm4_gcm *g)
{
    ccf_ghash_wipe(&g->ghash);
    ccf_sm4_wipe(&g->sm4);
}
