/* Implementation objects of the SM4 kernels (private to csrc/sm4). */
#ifndef CCF_SM4_IMPLS_H
#define CCF_SM4_IMPLS_H

#include "ccf_sm4.h"

#if defined(CCF_HAVE_X86_INTRIN)
extern const ccf_sm4_impl ccf_sm4_impl_gfni_avx512;   /* sm4_gfni_avx512.c */
extern const ccf_sm4_impl ccf_sm4_impl_gfni_avx2;     /* sm4_gfni_avx512.c */
extern const ccf_sm4_impl ccf_sm4_impl_vaes_avx2;     /* sm4_aesni_avx2.c */
extern const ccf_sm4_impl ccf_sm4_impl_aesni_avx2;    /* sm4_aesni_avx2.c */
/* sm4_gcm_gfni_avx512.c: the one-pass short-message SM4-GCM kernel (ccf_sm4_gcm_short_fn),
 * and whether it applies to keys of this pair of implementations on this CPU. */
int ccf_sm4_gcm_short_gfni512(const ccf_sm4_gcm *g, const uint8_t iv[12], const uint8_t *aad,
                              size_t aad_len, const uint8_t *in, uint8_t *out, size_t len,
                              uint8_t *tag, size_t tag_len, int decrypt);
int ccf_sm4_gcm_short_usable(const ccf_sm4_impl *sm4, const ccf_ghash_impl *ghash);
#endif
#if defined(CCF_HAVE_ARM_INTRIN)
extern const ccf_sm4_impl ccf_sm4_impl_armv8;         /* sm4_armv8.c */
/* Key schedule by SM4EKEY (only when ccf_sm4_impl_armv8 is supported). */
void ccf_sm4_armv8_key_schedule(const uint8_t key[16], uint32_t rk[32]);
#endif
extern const ccf_sm4_impl ccf_sm4_impl_ct64;          /* sm4_ct.c */

#endif
