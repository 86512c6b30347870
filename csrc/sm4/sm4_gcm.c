/* SM4-GCM (RFC 8998 2.2 over NIST SP 800-38D) through the generic GCM of ccf_gcm.h, and
 * short messages with a 12-byte IV through the one-pass kernel where the CPU has one. */
#include "sm4_impls.h"
#include "ccf_gcm.h"

/* GF2P8AFFINE layout of A_in: byte 7 - i of the qword is the row of output bit i */
#define FOLD_A_IN 0x4c287db91a22505dull
#define FOLD_C_IN 0x3e3e3e3eu
#define FOLD_K 0x63636363u            /* A_in L(c_out): L(0xd3d3d3d3) = 0x4f4f4f4f, A_in 0x4f = 0x63 */

/* A_in applied to every byte of w (bit operations only: constant time) */
static uint32_t fold_a_in(uint32_t w)
{
    uint32_t r = 0;
    int b, i, k;
    for (b = 0; b < 4; b++) {
        uint32_t x = (w >> (8 * b)) & 0xFF, out = 0;
        for (i = 0; i < 8; i++) {
            uint32_t row = (uint32_t)(FOLD_A_IN >> (8 * (7 - i))) & x, par = 0;
            for (k = 0; k < 8; k++)
                par ^= (row >> k) & 1;
            out |= par << i;
        }
        r |= out << (8 * b);
    }
    return r;
}

/* see ccf_sm4.h */
void ccf_sm4_gcm_fold_init(const uint32_t rk[32], uint32_t fold[32])
{
    int i, j;
    for (i = 0; i < 32; i++) {
        uint32_t v = fold_a_in(rk[i]) ^ FOLD_C_IN;
        for (j = i + 1; j <= i + 3; j++)
            if ((j / 4) & 1)
                v ^= FOLD_K;
        fold[i] = v;
    }
}

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
    int rc;
    g->short_msg = NULL;
    memset(g->fold, 0, sizeof(g->fold));
    rc = ccf_sm4_init_impl(&g->sm4, key, key_len, sm4);
    if (rc != CCF_OK)
        return rc;
    ccf_sm4_encrypt_blocks(&g->sm4, h, h, 1);              /* H = SM4_K(0^128) */
    rc = ccf_ghash_init_impl(&g->ghash, h, ghash);
    ccf_memzero(h, sizeof(h));
#if defined(CCF_HAVE_X86_INTRIN)
    if (rc == CCF_OK && ccf_sm4_gcm_short_usable(sm4, ghash)) {
        ccf_sm4_gcm_fold_init(g->sm4.rk_enc, g->fold);
        g->short_msg = ccf_sm4_gcm_short_gfni512;
    }
#endif
    if (rc != CCF_OK)
        ccf_sm4_gcm_wipe(g);
    return rc;
}

/* see ccf_sm4.h */
int ccf_sm4_gcm_short(const ccf_sm4_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                      const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag, size_t tag_len, int decrypt)
{
    if (!g->short_msg || len > CCF_SM4_GCM_SHORT_MAX)
        return CCF_ERR_PARAM;
#if SIZE_MAX > 0x1FFFFFFFFFFFFFFFu
    if ((uint64_t)aad_len >> 61)                          /* SP 800-38D 5.2.1.1 */
        return CCF_ERR_PARAM;
#endif
    return g->short_msg(g, iv, aad, aad_len, in, out, len, tag, tag_len, decrypt);
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
    if (nonce_len == 12 && ccf_sm4_gcm_short(g, nonce, aad, aad_len, in, out, len, tag, 16, 0) == CCF_OK)
        return CCF_OK;
    return ccf_gcm_seal(&c, &g->ghash, nonce, nonce_len, aad, aad_len, in, len, out, tag);
}

/* see ccf_sm4.h */
int ccf_sm4_gcm_decrypt(const ccf_sm4_gcm *g, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                        const uint8_t *tag, size_t tag_len, uint8_t *out)
{
    ccf_gcm_cipher c = { &g->sm4, enc_block, ctr32 };
    int tag_ok = tag_len == 4 || tag_len == 8 || (tag_len >= 12 && tag_len <= 16);
    if (nonce_len == 12 && tag_ok) {
        int rc = ccf_sm4_gcm_short(g, nonce, aad, aad_len, in, out, len, (uint8_t *)(uintptr_t)tag, tag_len, 1);
        if (rc != CCF_ERR_PARAM) {
            if (rc != CCF_OK && len)
                ccf_memzero(out, len);            /* as the general path leaves it */
            return rc;
        }
    }
    return ccf_gcm_open(&c, &g->ghash, nonce, nonce_len, aad, aad_len, in, len, tag, tag_len, out);
}

/* see ccf_sm4.h */
void ccf_sm4_gcm_wipe(ccf_sm4_gcm *g)
{
    ccf_memzero(g, sizeof(*g));
}
