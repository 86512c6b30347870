/* SHA-256 streaming API and implementation choice.  See ccf_sha256.h. */
#include "ccf_sha256.h"
#include "ccf_md64.h"

extern const ccf_sha256_impl ccf_sha256_impl_portable;     /* sha256_portable.c */
#if defined(CCF_HAVE_X86_INTRIN)
extern const ccf_sha256_impl ccf_sha256_impl_shani;        /* sha256_shani.c */
#endif
#if defined(CCF_HAVE_ARM_INTRIN)
extern const ccf_sha256_impl ccf_sha256_impl_armv8;        /* sha256_armv8.c */
#endif

static const ccf_sha256_impl *const impls[] = {
#if defined(CCF_HAVE_X86_INTRIN)
    &ccf_sha256_impl_shani,
#endif
#if defined(CCF_HAVE_ARM_INTRIN)
    &ccf_sha256_impl_armv8,
#endif
    &ccf_sha256_impl_portable, NULL
};

/* FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first
 * 64 primes. */
const uint32_t ccf_sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u
};

/* FIPS 180-4 5.3.3 initial hash value */
static const uint32_t sha256_iv[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u
};

/* see ccf_sha256.h */
const ccf_sha256_impl *const *ccf_sha256_impls(void) { return impls; }

/* see ccf_sha256.h */
const ccf_sha256_impl *ccf_sha256_best(void)
{
    size_t i;
    for (i = 0; impls[i]; i++)
        if (impls[i]->supported())
            return impls[i];
    return &ccf_sha256_impl_portable;
}

/* see ccf_sha256.h */
int ccf_sha256_init_impl(ccf_sha256_ctx *c, const ccf_sha256_impl *impl)
{
    if (!impl || !impl->supported())
        return CCF_ERR_PARAM;
    memcpy(c->h, sha256_iv, sizeof(sha256_iv));
    c->nblocks = 0;
    c->num = 0;
    c->impl = impl;
    return CCF_OK;
}

/* see ccf_sha256.h */
void ccf_sha256_init(ccf_sha256_ctx *c)
{
    (void)ccf_sha256_init_impl(c, ccf_sha256_best());
}

/* see ccf_sha256.h */
void ccf_sha256_update(ccf_sha256_ctx *c, const uint8_t *data, size_t len)
{
    ccf_md64_update(c->impl->compress, c->h, c->buf, &c->num, &c->nblocks, data, len);
}

/* see ccf_sha256.h; FIPS 180-4 5.1.1 padding: a 1 bit, zeros to 448 mod 512, the 64-bit
 * big-endian bit length. */
void ccf_sha256_final(ccf_sha256_ctx *c, uint8_t out[32])
{
    int i;
    ccf_md64_pad(c->impl->compress, c->h, c->buf, c->num, c->nblocks);
    for (i = 0; i < 8; i++)
        ccf_store32_be(out + 4 * i, c->h[i]);
    ccf_memzero(c, sizeof(*c));
}

/* see ccf_sha256.h */
void ccf_sha256(const uint8_t *data, size_t len, uint8_t out[32])
{
    ccf_sha256_ctx c;
    ccf_sha256_init(&c);
    ccf_sha256_update(&c, data, len);
    ccf_sha256_final(&c, out);
}
