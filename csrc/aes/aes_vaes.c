/* PLACEHOLDER until the x86 kernels land: reports unsupported so dispatch never picks it. */
#include "aes_impls.h"
#if defined(CCF_HAVE_X86_INTRIN)
static int unsupported(void) { return 0; }
const ccf_aes_impl ccf_aes_impl_vaes_avx512 = { "vaes-avx512", unsupported };
const ccf_aes_impl ccf_aes_impl_vaes_avx2 = { "vaes-avx2", unsupported };
#endif
