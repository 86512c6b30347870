/* PLACEHOLDER until the x86 kernels land: reports unsupported so dispatch never picks it. */
#include "ghash_impls.h"
#if defined(CCF_HAVE_X86_INTRIN)
static int unsupported(void) { return 0; }
const ccf_ghash_impl ccf_ghash_impl_pclmul = { "pclmul", unsupported };
#endif
