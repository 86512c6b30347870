/* The stitched AES-GCM bulk kernels compiled in (see ghash_impls.h). */
#include "ghash_impls.h"

const ccf_gcm_bulk *const ccf_gcm_bulk_kernels[] = {
    NULL
};
