/*
 * hkdf.c - HKDF-Expand (RFC 5869 section 2.3) over HMAC (RFC 2104) with SHA-256 (csrc/sha256),
 * SHA-512 (csrc/sha512) or SM3 (csrc/sm3), and the key derivation of c2sp.org/chunked-encryption.
 *
 * HMAC keys are the input keys of messages: the padded key blocks, the hash states and every
 * T(i) live on the stack and are wiped before returning.
 */
#include "ccf_chunked.h"
#include "ccf_sha256.h"
#include "ccf_sha512.h"
#include "ccf_sm3.h"

typedef union hash_ctx {
    ccf_sha256_ctx sha256;
    ccf_sha512_ctx sha512;
    ccf_sm3_ctx sm3;
} hash_ctx;

typedef struct hash_desc {
    size_t block, out;
    void (*init)(hash_ctx *c);
    void (*update)(hash_ctx *c, const uint8_t *p, size_t n);
    void (*final)(hash_ctx *c, uint8_t *out);
} hash_desc;

static void sha256_init(hash_ctx *c) { ccf_sha256_init(&c->sha256); }
static void sha256_update(hash_ctx *c, const uint8_t *p, size_t n) { ccf_sha256_update(&c->sha256, p, n); }
static void sha256_final(hash_ctx *c, uint8_t *o) { ccf_sha256_final(&c->sha256, o); }
static void sha512_init(hash_ctx *c) { ccf_sha512_init(&c->sha512); }
static void sha512_update(hash_ctx *c, const uint8_t *p, size_t n) { ccf_sha512_update(&c->sha512, p, n); }
static void sha512_final(hash_ctx *c, uint8_t *o) { ccf_sha512_final(&c->sha512, o); }
static void sm3_init(hash_ctx *c) { ccf_sm3_init(&c->sm3); }
static void sm3_update(hash_ctx *c, const uint8_t *p, size_t n) { ccf_sm3_update(&c->sm3, p, n); }
static void sm3_final(hash_ctx *c, uint8_t *o) { ccf_sm3_final(&c->sm3, o); }

static const hash_desc HASHES[] = {
    { 64, 32, sha256_init, sha256_update, sha256_final },       /* CCF_CHUNKED_SHA256 */
    { 128, 64, sha512_init, sha512_update, sha512_final },      /* CCF_CHUNKED_SHA512 */
    { 64, 32, sm3_init, sm3_update, sm3_final },                /* CCF_CHUNKED_SM3 */
};

static const hash_desc *find_hash(int hash)
{
    if (hash < CCF_CHUNKED_SHA256 || hash > CCF_CHUNKED_SM3)
        return NULL;
    return &HASHES[hash - CCF_CHUNKED_SHA256];
}

/* The inner and outer states of HMAC(key, .): H(key' ^ ipad || .) and H(key' ^ opad || .). */
static void hmac_keys(const hash_desc *h, const uint8_t *key, size_t key_len, hash_ctx *inner, hash_ctx *outer)
{
    uint8_t k[128], pad[128];
    size_t i;
    memset(k, 0, sizeof(k));
    if (key_len > h->block) {                   /* RFC 2104 section 2: hash a long key first */
        h->init(inner);
        h->update(inner, key, key_len);
        h->final(inner, k);
    } else if (key_len) {
        memcpy(k, key, key_len);
    }
    for (i = 0; i < h->block; i++)
        pad[i] = (uint8_t)(k[i] ^ 0x36);
    h->init(inner);
    h->update(inner, pad, h->block);
    for (i = 0; i < h->block; i++)
        pad[i] = (uint8_t)(k[i] ^ 0x5c);
    h->init(outer);
    h->update(outer, pad, h->block);
    ccf_memzero(k, sizeof(k));
    ccf_memzero(pad, sizeof(pad));
}

/* see ccf_chunked.h */
int ccf_hkdf_expand(int hash, const uint8_t *prk, size_t prk_len,
                    const uint8_t *const *info, const size_t *info_lens, size_t n_info,
                    uint8_t *out, size_t out_len)
{
    const hash_desc *h = find_hash(hash);
    hash_ctx inner, outer, c;
    uint8_t t[64];
    size_t done = 0, i, n;
    unsigned counter;
    if (h == NULL)
        return CCF_ERR_PARAM;
    if (out_len > 255 * h->out)
        return CCF_ERR_LENGTH;
    hmac_keys(h, prk, prk_len, &inner, &outer);
    for (counter = 1; done < out_len; counter++) {
        uint8_t ctr = (uint8_t)counter;
        c = inner;                               /* T(i) = HMAC(PRK, T(i-1) || info || i) */
        if (counter > 1)
            h->update(&c, t, h->out);
        for (i = 0; i < n_info; i++)
            if (info_lens[i])
                h->update(&c, info[i], info_lens[i]);
        h->update(&c, &ctr, 1);
        h->final(&c, t);
        c = outer;
        h->update(&c, t, h->out);
        h->final(&c, t);
        n = out_len - done < h->out ? out_len - done : h->out;
        memcpy(out + done, t, n);
        done += n;
    }
    ccf_memzero(t, sizeof(t));
    ccf_memzero(&inner, sizeof(inner));
    ccf_memzero(&outer, sizeof(outer));
    ccf_memzero(&c, sizeof(c));
    return CCF_OK;
}

/* see ccf_chunked.h */
const char *ccf_chunked_aead_name(int aead, size_t key_len)
{
    if (aead == CCF_CHUNKED_AES_GCM && key_len == 16)
        return "AEAD_AES_128_GCM";
    if (aead == CCF_CHUNKED_AES_GCM && key_len == 32)
        return "AEAD_AES_256_GCM";
    if (aead == CCF_CHUNKED_SM4_GCM && key_len == 16)
        return "AEAD_SM4_GCM";
    return NULL;
}

/* see ccf_chunked.h */
int ccf_chunked_derive(ccf_chunked *c, int aead, int hash, const uint8_t *key, size_t key_len,
                       const uint8_t salt[CCF_CHUNKED_SALT], const uint8_t *context, size_t context_len,
                       uint8_t commitment[CCF_CHUNKED_COMMITMENT])
{
    static const char prefix[] = "c2sp.org/chunked-encryption@v1+";
    static const uint8_t zero = 0;
    const char *name = ccf_chunked_aead_name(aead, key_len);
    uint8_t okm[32 + CCF_CHUNKED_NONCE + CCF_CHUNKED_COMMITMENT];
    const uint8_t *info[5];
    size_t lens[5], okm_len = key_len + CCF_CHUNKED_NONCE + CCF_CHUNKED_COMMITMENT;
    int rc;
    if (name == NULL)
        return aead == CCF_CHUNKED_AES_GCM || aead == CCF_CHUNKED_SM4_GCM ? CCF_ERR_KEY_LENGTH : CCF_ERR_PARAM;
    info[0] = (const uint8_t *)prefix;   lens[0] = sizeof(prefix) - 1;
    info[1] = (const uint8_t *)name;     lens[1] = strlen(name);
    info[2] = &zero;                     lens[2] = 1;
    info[3] = salt;                      lens[3] = CCF_CHUNKED_SALT;
    info[4] = context;                   lens[4] = context_len;
    rc = ccf_hkdf_expand(hash, key, key_len, info, lens, 5, okm, okm_len);
    if (rc == CCF_OK)
        rc = ccf_chunked_init(c, aead, okm, key_len, okm + key_len);
    if (rc == CCF_OK)
        memcpy(commitment, okm + key_len + CCF_CHUNKED_NONCE, CCF_CHUNKED_COMMITMENT);
    ccf_memzero(okm, sizeof(okm));
    return rc;
}
