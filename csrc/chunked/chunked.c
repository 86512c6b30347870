/*
 * chunked.c - the chunk loop of c2sp.org/chunked-encryption over the GCM kernels.
 *
 * Each chunk is one GCM call with nonce = base_nonce XOR chunk number (big-endian, so only the
 * last five bytes change below 2^38 chunks) and no associated data; the kernels of ccf_gcm.h
 * and ccf_sm4.h do the work, this file only frames it.
 */
#include "ccf_chunked.h"

/* see ccf_chunked.h */
int ccf_chunked_init(ccf_chunked *c, int aead, const uint8_t *key, size_t key_len,
                     const uint8_t base_nonce[CCF_CHUNKED_NONCE])
{
    int rc;
    if (aead == CCF_CHUNKED_AES_GCM) {
        if (key_len != 16 && key_len != 32)
            return CCF_ERR_KEY_LENGTH;
        rc = ccf_aes_gcm_init(&c->u.aes, key, key_len);
    } else if (aead == CCF_CHUNKED_SM4_GCM) {
        if (key_len != 16)
            return CCF_ERR_KEY_LENGTH;
        rc = ccf_sm4_gcm_init(&c->u.sm4, key, key_len);
    } else {
        return CCF_ERR_PARAM;
    }
    if (rc != CCF_OK)
        return rc;
    memcpy(c->base_nonce, base_nonce, CCF_CHUNKED_NONCE);
    c->aead = aead;
    return CCF_OK;
}

/* see ccf_chunked.h */
const char *ccf_chunked_impl_name(const ccf_chunked *c)
{
    if (c->aead == CCF_CHUNKED_AES_GCM)
        return ccf_aes_gcm_impl_name(&c->u.aes);
    return c->u.sm4.sm4.impl ? c->u.sm4.sm4.impl->name : "sm4";
}

/* see ccf_chunked.h */
uint64_t ccf_chunked_sealed_length(uint64_t len, int final)
{
    uint64_t full = len / CCF_CHUNKED_CHUNK;
    if (!final)
        return full * CCF_CHUNKED_SEALED;
    return len + (full + 1) * CCF_CHUNKED_TAG;
}

/* nonce = base XOR k, k big-endian in the last 8 bytes (k < 2^38 touches only the last 5). */
CCF_INLINE void chunk_nonce(const ccf_chunked *c, uint64_t k, uint8_t nonce[CCF_CHUNKED_NONCE])
{
    memcpy(nonce, c->base_nonce, CCF_CHUNKED_NONCE);
    ccf_store64_be(nonce + 4, ccf_load64_be(c->base_nonce + 4) ^ k);
}

static int seal_one(const ccf_chunked *c, uint64_t k, const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t nonce[CCF_CHUNKED_NONCE];
    chunk_nonce(c, k, nonce);
    if (c->aead == CCF_CHUNKED_AES_GCM)
        return ccf_aes_gcm_encrypt(&c->u.aes, nonce, sizeof(nonce), NULL, 0, in, len, out, out + len);
    return ccf_sm4_gcm_encrypt(&c->u.sm4, nonce, sizeof(nonce), NULL, 0, in, len, out, out + len);
}

static int open_one(const ccf_chunked *c, uint64_t k, const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t nonce[CCF_CHUNKED_NONCE];
    size_t n = len - CCF_CHUNKED_TAG;
    chunk_nonce(c, k, nonce);
    if (c->aead == CCF_CHUNKED_AES_GCM)
        return ccf_aes_gcm_decrypt(&c->u.aes, nonce, sizeof(nonce), NULL, 0, in, n, in + n,
                                   CCF_CHUNKED_TAG, out);
    return ccf_sm4_gcm_decrypt(&c->u.sm4, nonce, sizeof(nonce), NULL, 0, in, n, in + n,
                               CCF_CHUNKED_TAG, out);
}

/* see ccf_chunked.h */
int ccf_chunked_seal(const ccf_chunked *c, uint64_t first, const uint8_t *in, size_t len, int final,
                     uint8_t *out, size_t *out_len)
{
    uint64_t full = (uint64_t)len / CCF_CHUNKED_CHUNK, count, k;
    size_t rest = len % CCF_CHUNKED_CHUNK, w = 0;
    int rc;
    if (!final && rest)
        return CCF_ERR_LENGTH;
    count = full + (final ? 1 : 0);
    if (first >= CCF_CHUNKED_MAX_CHUNKS || count > CCF_CHUNKED_MAX_CHUNKS - first)
        return CCF_ERR_LENGTH;
    for (k = 0; k < full; k++) {
        rc = seal_one(c, first + k, in, CCF_CHUNKED_CHUNK, out + w);
        if (rc != CCF_OK)
            return rc;
        in += CCF_CHUNKED_CHUNK;
        w += CCF_CHUNKED_SEALED;
    }
    if (final) {
        rc = seal_one(c, first + full, in, rest, out + w);
        if (rc != CCF_OK)
            return rc;
        w += rest + CCF_CHUNKED_TAG;
    }
    if (out_len)
        *out_len = w;
    return CCF_OK;
}

/* see ccf_chunked.h */
int ccf_chunked_open(const ccf_chunked *c, uint64_t first, const uint8_t *in, size_t len, int final,
                     uint8_t *out, size_t *out_len, uint64_t *bad_chunk)
{
    uint64_t full = (uint64_t)len / CCF_CHUNKED_SEALED, count, k;
    size_t rest = len % CCF_CHUNKED_SEALED, w = 0;
    int rc = CCF_OK;
    if (final ? rest < CCF_CHUNKED_TAG : rest != 0)
        return CCF_ERR_LENGTH;
    count = full + (final ? 1 : 0);
    if (first >= CCF_CHUNKED_MAX_CHUNKS || count > CCF_CHUNKED_MAX_CHUNKS - first)
        return CCF_ERR_LENGTH;
    for (k = 0; k < count; k++) {
        size_t n = k < full ? CCF_CHUNKED_SEALED : rest;
        rc = open_one(c, first + k, in, n, out + w);
        if (rc != CCF_OK)
            break;                   /* the failing chunk's output is already zeroed */
        in += n;
        w += n - CCF_CHUNKED_TAG;
    }
    if (rc != CCF_OK) {
        if (w)
            ccf_memzero(out, w);     /* nothing of this call is released */
        if (bad_chunk)
            *bad_chunk = first + k;
        return rc;
    }
    if (out_len)
        *out_len = w;
    return CCF_OK;
}

/* see ccf_chunked.h */
void ccf_chunked_wipe(ccf_chunked *c)
{
    if (c->aead == CCF_CHUNKED_AES_GCM)
        ccf_aes_gcm_wipe(&c->u.aes);
    else if (c->aead == CCF_CHUNKED_SM4_GCM)
        ccf_sm4_gcm_wipe(&c->u.sm4);
    ccf_memzero(c, sizeof(*c));
}
