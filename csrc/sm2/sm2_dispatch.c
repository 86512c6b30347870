/*
 * sm2_dispatch.c - choice of the SM2 field implementation (most capable supported first).
 */
#include "sm2_impls.h"
#include "ccf_cpu.h"

void ccf_sm2_build_comb(void);   /* sm2_portable.c */

static const sm2_impl *const sm2_all[] = {
#if defined(CCF_HAVE_X86_INTRIN)
    &ccf_sm2_impl_mulx,
#endif
    &ccf_sm2_impl_portable,
#if defined(SM2_HAVE_PORTABLE32_COPY)
    &ccf_sm2_impl_portable32,        /* tests only: ccf_sm2_impl_reset never gets this far */
#endif
};
#define SM2_NIMPL ((int)(sizeof(sm2_all) / sizeof(sm2_all[0])))

static const sm2_impl *sm2_current;
static int sm2_ready;

/* see ccf_sm2.h */
void ccf_sm2_impl_reset(void)
{
    int i;
    for (i = 0; i < SM2_NIMPL; i++) {
        if (sm2_all[i]->supported()) { sm2_current = sm2_all[i]; return; }
    }
    sm2_current = &ccf_sm2_impl_portable;
}

/* see ccf_sm2.h */
void ccf_sm2_init(void)
{
    if (sm2_ready) return;
    ccf_cpu_init();
    ccf_sm2_build_comb();
    ccf_sm2_impl_reset();
    sm2_ready = 1;
}

/* see sm2_impls.h */
const sm2_impl *ccf_sm2_impl(void) { return sm2_current; }

/* see ccf_sm2.h */
const char *ccf_sm2_impl_name(void) { return sm2_current ? sm2_current->name : "uninitialised"; }

/* see ccf_sm2.h */
const char *ccf_sm2_impl_info(int i, int *supported)
{
    if (i < 0 || i >= SM2_NIMPL) return NULL;
    if (supported) *supported = sm2_all[i]->supported();
    return sm2_all[i]->name;
}

/* see ccf_sm2.h */
ccf_status ccf_sm2_impl_select(int i)
{
    if (i < 0 || i >= SM2_NIMPL || !sm2_all[i]->supported()) return CCF_ERR_PARAM;
    sm2_current = sm2_all[i];
    return CCF_OK;
}
