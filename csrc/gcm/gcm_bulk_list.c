/* The stitched AES-GCM bulk kernels compiled in (see ghash_impls.h). */
#include "ghash_impls.h"

#if defined(CCF_HAVE_X86_INTRIN)
extern const ccf_gcm_bulk ccf_gcm_bulk_vaes_avx512;    /* gcm_x86_bulk.c */
extern const ccf_gcm_bulk ccf_gcm_bulk_vaes_avx2;      /* gcm_x86_bulk.c */
extern const ccf_gcm_bulk ccf_gcm_bulk_aesni;          /* gcm_x86_bulk.c */
#endif

const ccf_gcm_bulk *const ccf_gcm_bulk_kernels[] = {
#if defined(CCF_HAVE_X86_INTRIN)
    &ccf_gcm_bulk_vaes_avx512,
    &ccf_gcm_bulk_vaes_avx2,
    &ccf_gcm_bulk_aesni,
#endif
    NULL
};
