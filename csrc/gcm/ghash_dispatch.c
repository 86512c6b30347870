/* GHASH implementation choice.  See ccf_ghash.h. */
#include "ghash_impls.h"
#include "ccf_cpu.h"

static const ccf_ghash_impl *const impls[] = {
#if defined(CCF_HAVE_X86_INTRIN)
    &ccf_ghash_impl_vpclmul_avx512,
    &ccf_ghash_impl_vpclmul_avx2,
    &ccf_ghash_impl_pclmul,
#endif
#if defined(CCF_HAVE_ARM_INTRIN)
    &ccf_ghash_impl_pmull,
#endif
    &ccf_ghash_impl_ct64,
    NULL
};

/* see ccf_ghash.h */
const ccf_ghash_impl *const *ccf_ghash_impls(void) { return impls; }

/* see ccf_ghash.h */
const ccf_ghash_impl *ccf_ghash_best(void)
{
    size_t i;
    for (i = 0; impls[i]; i++)
        if (impls[i]->supported())
            return impls[i];
    return &ccf_ghash_impl_ct64;
}

/* see ccf_ghash.h */
int ccf_ghash_init_impl(ccf_ghash_key *gk, const uint8_t h[16], const ccf_ghash_impl *impl)
{
    if (!impl || !impl->supported())
        return CCF_ERR_PARAM;
    gk->impl = impl;
    impl->init(gk, h);
    return CCF_OK;
}

/* see ccf_ghash.h */
void ccf_ghash_init(ccf_ghash_key *gk, const uint8_t h[16])
{
    (void)ccf_ghash_init_impl(gk, h, ccf_ghash_best());
}

/* see ccf_ghash.h */
void ccf_ghash_update(const ccf_ghash_key *gk, uint8_t y[16], const uint8_t *data, size_t len)
{
    gk->impl->update(gk, y, data, len);
}

/* see ccf_ghash.h */
void ccf_ghash_wipe(ccf_ghash_key *gk)
{
    ccf_memzero(gk, sizeof(*gk));
}
