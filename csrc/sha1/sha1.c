/* SHA-1 streaming API, implementation choice and HMAC-SHA1.  See ccf_sha1.h. */
#include "ccf_sha1.h"
#include "ccf_md64.h"

extern const ccf_sha1_impl ccf_sha1_impl_portable;     /* sha1_portable.c */
#if defined(CCF_HAVE_X86_INTRIN)
extern const ccf_sha1_impl ccf_sha1_impl_shani;        /* sha1_shani.c */
#endif
#if defined(CCF_HAVE_ARM_INTRIN)
extern const ccf_sha1_impl ccf_sha1_impl_armv8;        /* sha1_armv8.c */
#endif

static const ccf_sha1_impl *const impls[] = {
#if defined(CCF_HAVE_X86_INTRIN)
    &ccf_sha1_impl_shani,
#endif
#if defined(CCF_HAVE_ARM_INTRIN)
    &ccf_sha1_impl_armv8,
#endif
    &ccf_sha1_impl_portable, NULL
};

/* FIPS 180-4 5.3.1 initial hash value */
static const uint32_t sha1_iv[5] = { 0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u };

/* see ccf_sha1.h */
const ccf_sha1_impl *const *ccf_sha1_impls(void) { return impls; }

/* see ccf_sha1.h */
const ccf_sha1_impl *ccf_sha1_best(void)
{
    size_t i;
    for (i = 0; impls[i]; i++)
        if (impls[i]->supported())
            return impls[i];
    return &ccf_sha1_impl_portable;
}

/* see ccf_sha1.h */
int ccf_sha1_init_impl(ccf_sha1_ctx *c, const ccf_sha1_impl *impl)
{
    if (!impl || !impl->supported())
        return CCF_ERR_PARAM;
    memcpy(c->h, sha1_iv, sizeof(sha1_iv));
    c->nblocks = 0;
    c->num = 0;
    c->impl = impl;
    return CCF_OK;
}

/* see ccf_sha1.h */
void ccf_sha1_init(ccf_sha1_ctx *c)
{
    (void)ccf_sha1_init_impl(c, ccf_sha1_best());
}

/* see ccf_sha1.h */
void ccf_sha1_update(ccf_sha1_ctx *c, const uint8_t *data, size_t len)
{
    ccf_md64_update(c->impl->compress, c->h, c->buf, &c->num, &c->nblocks, data, len);
}

/* FIPS 180-4 5.1.1 padding (ccf_md64_pad), then the digest words. */
static void sha1_pad(ccf_sha1_ctx *c, uint8_t out[20])
{
    int i;
    ccf_md64_pad(c->impl->compress, c->h, c->buf, c->num, c->nblocks);
    for (i = 0; i < 5; i++)
        ccf_store32_be(out + 4 * i, c->h[i]);
}

/* see ccf_sha1.h */
void ccf_sha1_final(ccf_sha1_ctx *c, uint8_t out[20])
{
    sha1_pad(c, out);
    ccf_memzero(c, sizeof(*c));
}

/* see ccf_sha1.h */
void ccf_sha1(const uint8_t *data, size_t len, uint8_t out[20])
{
    ccf_sha1_ctx c;
    ccf_sha1_init(&c);
    ccf_sha1_update(&c, data, len);
    ccf_sha1_final(&c, out);
}

/* ---- HMAC (RFC 2104) ------------------------------------------------------------------------ */

/* see ccf_sha1.h */
int ccf_hmac_sha1_init_impl(ccf_hmac_sha1_key *k, const uint8_t *key, size_t key_len,
                            const ccf_sha1_impl *impl)
{
    uint8_t block[64];
    ccf_sha1_ctx c;
    size_t i;
    if (!impl || !impl->supported())
        return CCF_ERR_PARAM;
    memset(block, 0, sizeof(block));
    if (key_len > 64) {
        (void)ccf_sha1_init_impl(&c, impl);
        ccf_sha1_update(&c, key, key_len);
        ccf_sha1_final(&c, block);
    } else if (key_len) {
        memcpy(block, key, key_len);
    }
    for (i = 0; i < 64; i++)
        block[i] ^= 0x36;
    memcpy(k->inner, sha1_iv, sizeof(sha1_iv));
    impl->compress(k->inner, block, 1);
    for (i = 0; i < 64; i++)
        block[i] ^= 0x36 ^ 0x5c;
    memcpy(k->outer, sha1_iv, sizeof(sha1_iv));
    impl->compress(k->outer, block, 1);
    k->impl = impl;
    ccf_memzero(block, sizeof(block));
    return CCF_OK;
}

/* see ccf_sha1.h */
void ccf_hmac_sha1_init(ccf_hmac_sha1_key *k, const uint8_t *key, size_t key_len)
{
    (void)ccf_hmac_sha1_init_impl(k, key, key_len, ccf_sha1_best());
}

static void hmac_full(const ccf_hmac_sha1_key *k, const uint8_t *m1, size_t len1,
                      const uint8_t *m2, size_t len2, uint8_t mac[20])
{
    ccf_sha1_ctx c;
    if (k->impl->hmac && len2 <= 56) {
        k->impl->hmac(k->inner, k->outer, m1, len1, m2, len2, mac);
        return;
    }
    memcpy(c.h, k->inner, sizeof(c.h));
    c.nblocks = 1;
    c.num = 0;
    c.impl = k->impl;
    if (len1)
        ccf_sha1_update(&c, m1, len1);
    if (len2)
        ccf_sha1_update(&c, m2, len2);
    sha1_pad(&c, mac);
    /* outer hash: one block holding the 20-byte inner digest and its padding */
    memcpy(c.h, k->outer, sizeof(c.h));
    memcpy(c.buf, mac, 20);
    c.buf[20] = 0x80;
    memset(c.buf + 21, 0, 64 - 21 - 8);
    ccf_store64_be(c.buf + 56, (64 + 20) * 8);
    c.impl->compress(c.h, c.buf, 1);
    {
        int i;
        for (i = 0; i < 5; i++)
            ccf_store32_be(mac + 4 * i, c.h[i]);
    }
    ccf_memzero(&c, sizeof(c));
}

/* see ccf_sha1.h */
void ccf_hmac_sha1(const ccf_hmac_sha1_key *k, const uint8_t *m1, size_t len1,
                   const uint8_t *m2, size_t len2, uint8_t *tag, size_t tag_len)
{
    uint8_t mac[20];
    hmac_full(k, m1, len1, m2, len2, mac);
    memcpy(tag, mac, tag_len > 20 ? 20 : tag_len);
    ccf_memzero(mac, sizeof(mac));
}

/* see ccf_sha1.h */
int ccf_hmac_sha1_verify(const ccf_hmac_sha1_key *k, const uint8_t *m1, size_t len1,
                         const uint8_t *m2, size_t len2, const uint8_t *tag, size_t tag_len)
{
    uint8_t mac[20];
    int r;
    if (tag_len < 1 || tag_len > 20)
        return CCF_ERR_AUTH;
    hmac_full(k, m1, len1, m2, len2, mac);
    r = ccf_ct_memcmp(mac, tag, tag_len);
    ccf_memzero(mac, sizeof(mac));
    return r == 0 ? CCF_OK : CCF_ERR_AUTH;
}

/* see ccf_sha1.h */
void ccf_hmac_sha1_wipe(ccf_hmac_sha1_key *k)
{
    ccf_memzero(k, sizeof(*k));
}
