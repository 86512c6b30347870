/* SM4-CCM: NIST SP 800-38C with SM4 (RFC 8998 2.3).  See ccf_sm4.h. */
#include "ccf_sm4.h"

/* CBC-MAC over data (zero-padded to a block multiple), continuing from y. */
static void cbc_mac(const ccf_sm4_key *k, uint8_t y[16], const uint8_t *d, size_t len)
{
    size_t i;
    if (k->impl->cbc_encrypt && len >= 32) {
        /* whole blocks through the implementation's CBC kernel: the last ciphertext block,
         * left in y, is the CBC-MAC; the other ciphertext blocks go to scratch */
        uint8_t scratch[64 * 16];
        while (len >= 16) {
            size_t n = len / 16 < 64 ? len / 16 : 64;
            k->impl->cbc_encrypt(k->rk_enc, y, d, scratch, n);
            d += 16 * n;
            len -= 16 * n;
        }
        ccf_memzero(scratch, sizeof(scratch));
    }
    while (len) {
        size_t n = len < 16 ? len : 16;
        for (i = 0; i < n; i++)
            y[i] ^= d[i];
        k->impl->encrypt_blocks(k->rk_enc, y, y, 1);
        d += n;
        len -= n;
    }
}

/* SP 800-38C A.2: B0, the encoded associated data, then the payload; T in tag_full. */
static void ccm_mac(const ccf_sm4_key *k, const uint8_t *nonce, size_t nonce_len,
                    const uint8_t *aad, size_t aad_len, const uint8_t *p, size_t len,
                    size_t tag_len, uint8_t y[16])
{
    size_t q = 15 - nonce_len, i, h;
    uint8_t b[16];
    memset(y, 0, 16);
    y[0] = (uint8_t)((aad_len ? 0x40 : 0) | (((tag_len - 2) / 2) << 3) | (q - 1));
    memcpy(y + 1, nonce, nonce_len);
    for (i = 0; i < q; i++)
        y[15 - i] = (uint8_t)((uint64_t)len >> (8 * i));
    k->impl->encrypt_blocks(k->rk_enc, y, y, 1);
    if (aad_len) {
        /* A.2.2: length prefix, then as much AAD as fills the first block */
        memset(b, 0, 16);
        if ((uint64_t)aad_len < 0xFF00) {
            b[0] = (uint8_t)(aad_len >> 8); b[1] = (uint8_t)aad_len; h = 2;
        } else if (((uint64_t)aad_len >> 31) >> 1 == 0) {
            b[0] = 0xFF; b[1] = 0xFE;
            ccf_store32_be(b + 2, (uint32_t)aad_len); h = 6;
        } else {
            b[0] = 0xFF; b[1] = 0xFF;
            ccf_store64_be(b + 2, (uint64_t)aad_len); h = 10;
        }
        i = aad_len < 16 - h ? aad_len : 16 - h;
        memcpy(b + h, aad, i);
        cbc_mac(k, y, b, 16);
        cbc_mac(k, y, aad + i, aad_len - i);
    }
    cbc_mac(k, y, p, len);
}

static int check(size_t nonce_len, size_t len, size_t tag_len)
{
    size_t q = 15 - nonce_len;
    if (nonce_len < 7 || nonce_len > 13)
        return CCF_ERR_NONCE;
    if (tag_len < 4 || tag_len > 16 || (tag_len & 1))
        return CCF_ERR_PARAM;
    if (q < 8 && (uint64_t)len >= ((uint64_t)1 << (8 * q)))
        return CCF_ERR_LENGTH;
    return CCF_OK;
}

static void ctr0(uint8_t c[16], const uint8_t *nonce, size_t nonce_len)
{
    memset(c, 0, 16);
    c[0] = (uint8_t)(14 - nonce_len);       /* q - 1 */
    memcpy(c + 1, nonce, nonce_len);
}

/* see ccf_sm4.h */
int ccf_sm4_ccm_encrypt(const ccf_sm4_key *k, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                        uint8_t *out, uint8_t *tag, size_t tag_len)
{
    uint8_t y[16], c[16], s0[16];
    int rc = check(nonce_len, len, tag_len);
    if (rc != CCF_OK)
        return rc;
    ccm_mac(k, nonce, nonce_len, aad, aad_len, in, len, tag_len, y);
    ctr0(c, nonce, nonce_len);
    memset(s0, 0, 16);
    ccf_sm4_ctr128(k, c, s0, s0, 16);        /* S0 = E(Ctr0); c is now Ctr1 */
    ccf_sm4_ctr128(k, c, in, out, len);
    for (rc = 0; rc < (int)tag_len; rc++)
        tag[rc] = y[rc] ^ s0[rc];
    ccf_memzero(y, 16); ccf_memzero(s0, 16);
    return CCF_OK;
}

/* see ccf_sm4.h */
int ccf_sm4_ccm_decrypt(const ccf_sm4_key *k, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                        const uint8_t *tag, size_t tag_len, uint8_t *out)
{
    uint8_t y[16], c[16], s0[16];
    size_t i;
    int rc = check(nonce_len, len, tag_len);
    if (rc != CCF_OK)
        return rc;
    ctr0(c, nonce, nonce_len);
    memset(s0, 0, 16);
    ccf_sm4_ctr128(k, c, s0, s0, 16);
    ccf_sm4_ctr128(k, c, in, out, len);
    ccm_mac(k, nonce, nonce_len, aad, aad_len, out, len, tag_len, y);
    for (i = 0; i < tag_len; i++)
        y[i] ^= s0[i];
    rc = ccf_ct_memcmp(y, tag, tag_len) == 0 ? CCF_OK : CCF_ERR_AUTH;
    if (rc != CCF_OK)
        ccf_memzero(out, len);
    ccf_memzero(y, 16); ccf_memzero(s0, 16);
    return rc;
}
