/* PLACEHOLDER until the x86 kernels land: reports unsupported so dispatch never picks it. */
#include "ghash_impls.h"
#if defined(CCF_HAVE_X86_INTRIN)
static int unsupported(void) { return 0; }
const ccf_ghash_impl ccf_ghash_impl_vpclmul_avx512 = { "vpclmul-avx512", unsupported };
const ccf_ghash_impl ccf_ghash_impl_vpclmul_avx2 = { "vpclmul-avx2", unsupported };
#endif
