/* SM3 streaming API and implementation choice.  See ccf_sm3.h. */
#include "ccf_sm3.h"

extern const ccf_sm3_impl ccf_sm3_impl_portable;      /* sm3_portable.c */

static const ccf_sm3_impl *const impls[] = { &ccf_sm3_impl_portable, NULL };

/* GB/T 32905 4.1 initial value */
static const uint32_t sm3_iv[8] = {
    0x7380166Fu, 0x4914B2B9u, 0x172442D7u, 0xDA8A0600u,
    0xA96F30BCu, 0x163138AAu, 0xE38DEE4Du, 0xB0FB0E4Eu
};

/* see ccf_sm3.h */
const ccf_sm3_impl *const *ccf_sm3_impls(void) { return impls; }

/* see ccf_sm3.h */
const ccf_sm3_impl *ccf_sm3_best(void)
{
    size_t i;
    for (i = 0; impls[i]; i++)
        if (impls[i]->supported())
            return impls[i];
    return &ccf_sm3_impl_portable;
}

/* see ccf_sm3.h */
int ccf_sm3_init_impl(ccf_sm3_ctx *c, const ccf_sm3_impl *impl)
{
    if (!impl || !impl->supported())
        return CCF_ERR_PARAM;
    memcpy(c->h, sm3_iv, sizeof(sm3_iv));
    c->nblocks = 0;
    c->num = 0;
    c->impl = impl;
    return CCF_OK;
}

/* see ccf_sm3.h */
void ccf_sm3_init(ccf_sm3_ctx *c)
{
    (void)ccf_sm3_init_impl(c, ccf_sm3_best());
}

/* see ccf_sm3.h */
void ccf_sm3_update(ccf_sm3_ctx *c, const uint8_t *data, size_t len)
{
    size_t n;
    if (c->num) {
        n = 64 - c->num < len ? 64 - c->num : len;
        memcpy(c->buf + c->num, data, n);
        c->num += n;
        data += n;
        len -= n;
        if (c->num < 64)
            return;
        c->impl->compress(c->h, c->buf, 1);
        c->nblocks++;
        c->num = 0;
    }
    n = len / 64;
    if (n) {
        c->impl->compress(c->h, data, n);
        c->nblocks += n;
        data += 64 * n;
        len -= 64 * n;
    }
    if (len) {
        memcpy(c->buf, data, len);
        c->num = len;
    }
}

/* see ccf_sm3.h */
void ccf_sm3_final(ccf_sm3_ctx *c, uint8_t out[32])
{
    /* 5.2 padding: a 1 bit, zeros to 448 mod 512, the 64-bit big-endian bit length */
    uint64_t bits = (c->nblocks * 64 + c->num) * 8;
    int i;
    c->buf[c->num++] = 0x80;
    if (c->num > 56) {
        memset(c->buf + c->num, 0, 64 - c->num);
        c->impl->compress(c->h, c->buf, 1);
        c->num = 0;
    }
    memset(c->buf + c->num, 0, 56 - c->num);
    ccf_store64_be(c->buf + 56, bits);
    c->impl->compress(c->h, c->buf, 1);
    for (i = 0; i < 8; i++)
        ccf_store32_be(out + 4 * i, c->h[i]);
    ccf_memzero(c, sizeof(*c));
}

/* see ccf_sm3.h */
void ccf_sm3(const uint8_t *data, size_t len, uint8_t out[32])
{
    ccf_sm3_ctx c;
    ccf_sm3_init(&c);
    ccf_sm3_update(&c, data, len);
    ccf_sm3_final(&c, out);
}
