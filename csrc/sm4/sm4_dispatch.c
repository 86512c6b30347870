/* SM4 implementation choice and key set-up.  See ccf_sm4.h. */
#include "sm4_impls.h"
#include "ccf_cpu.h"

static const ccf_sm4_impl *const impls[] = {
#if defined(CCF_HAVE_X86_INTRIN)
    &ccf_sm4_impl_gfni_avx512,
    &ccf_sm4_impl_gfni_avx2,
    &ccf_sm4_impl_vaes_avx2,
    &ccf_sm4_impl_aesni_avx2,
#endif
#if defined(CCF_HAVE_ARM_INTRIN)
    &ccf_sm4_impl_armv8,
#endif
    &ccf_sm4_impl_ct64,
    NULL
};

/* see ccf_sm4.h */
const ccf_sm4_impl *const *ccf_sm4_impls(void) { return impls; }

/* see ccf_sm4.h */
const ccf_sm4_impl *ccf_sm4_best(void)
{
    size_t i;
    for (i = 0; impls[i]; i++)
        if (impls[i]->supported())
            return impls[i];
    return &ccf_sm4_impl_ct64;
}

/* see ccf_sm4.h */
int ccf_sm4_init_impl(ccf_sm4_key *k, const uint8_t *key, size_t key_len, const ccf_sm4_impl *impl)
{
    int i;
    if (key_len != CCF_SM4_KEY)
        return CCF_ERR_KEY_LENGTH;
    if (!impl || !impl->supported())
        return CCF_ERR_PARAM;
#if defined(CCF_HAVE_ARM_INTRIN)
    if (impl == &ccf_sm4_impl_armv8)
        ccf_sm4_armv8_key_schedule(key, k->rk_enc);
    else
#endif
        ccf_sm4_ct_key_schedule(key, k->rk_enc);
    for (i = 0; i < 32; i++)
        k->rk_dec[i] = k->rk_enc[31 - i];
    k->impl = impl;
    return CCF_OK;
}

/* see ccf_sm4.h */
int ccf_sm4_init(ccf_sm4_key *k, const uint8_t *key, size_t key_len)
{
    return ccf_sm4_init_impl(k, key, key_len, ccf_sm4_best());
}

/* see ccf_sm4.h */
void ccf_sm4_wipe(ccf_sm4_key *k)
{
    ccf_memzero(k, sizeof(*k));
}
