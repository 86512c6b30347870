/* AES implementation choice.  See ccf_aes.h. */
#include "aes_impls.h"
#include "ccf_cpu.h"

static const ccf_aes_impl *const impls[] = {
#if defined(CCF_HAVE_X86_INTRIN)
    &ccf_aes_impl_vaes_avx512,
    &ccf_aes_impl_vaes_avx2,
    &ccf_aes_impl_aesni,
#endif
#if defined(CCF_HAVE_ARM_INTRIN)
    &ccf_aes_impl_armv8,
#endif
    &ccf_aes_impl_ct64,
    NULL
};

/* see ccf_aes.h */
const ccf_aes_impl *const *ccf_aes_impls(void) { return impls; }

/* see ccf_aes.h */
const ccf_aes_impl *ccf_aes_best(void)
{
    size_t i;
    for (i = 0; impls[i]; i++)
        if (impls[i]->supported())
            return impls[i];
    return &ccf_aes_impl_ct64;
}

/* see ccf_aes.h */
int ccf_aes_init_impl(ccf_aes_key *k, const uint8_t *key, size_t key_len, const ccf_aes_impl *impl)
{
    if (key_len != 16 && key_len != 24 && key_len != 32)
        return CCF_ERR_KEY_LENGTH;
    if (!impl || !impl->supported())
        return CCF_ERR_PARAM;
    k->rounds = (unsigned)(key_len / 4 + 6);
    k->impl = impl;
    impl->expand(k, key, key_len);
    return CCF_OK;
}

/* see ccf_aes.h */
int ccf_aes_init(ccf_aes_key *k, const uint8_t *key, size_t key_len)
{
    return ccf_aes_init_impl(k, key, key_len, ccf_aes_best());
}

/* see ccf_aes.h */
void ccf_aes_encrypt_blocks(const ccf_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    k->impl->encrypt_blocks(k, in, out, nblocks);
}

/* see ccf_aes.h */
void ccf_aes_ctr32(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    k->impl->ctr32(k, ctr, in, out, len);
}

/* see ccf_aes.h */
void ccf_aes_ctr128(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    /* RFC 3711 AES-CM counts with the whole block; a message that never carries out of the low
     * word (every SRTP packet but about one in 2^16) takes the implementation's ctr32 kernel,
     * the widest it has */
    if (ccf_aes_ctr_low_end(ctr, len) < ((uint64_t)1 << 32))
        k->impl->ctr32(k, ctr, in, out, len);
    else
        k->impl->ctr128(k, ctr, in, out, len);
}

/* see ccf_aes.h */
void ccf_aes_wipe(ccf_aes_key *k)
{
    ccf_memzero(k, sizeof(*k));
}
