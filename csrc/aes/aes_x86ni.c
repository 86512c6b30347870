/* PLACEHOLDER until the x86 kernels land: reports unsupported so dispatch never picks it. */
#include "aes_impls.h"
#if defined(CCF_HAVE_X86_INTRIN)
static int unsupported(void) { return 0; }
const ccf_aes_impl ccf_aes_impl_aesni = { "aesni", unsupported };
#endif
