/* Implementation objects of GHASH and the stitched AES-GCM bulk kernels (private). */
#ifndef CCF_GHASH_IMPLS_H
#define CCF_GHASH_IMPLS_H

#include "ccf_aes.h"
#include "ccf_ghash.h"

#if defined(CCF_HAVE_X86_INTRIN)
extern const ccf_ghash_impl ccf_ghash_impl_vpclmul_avx512;  /* ghash_vpclmul.c */
extern const ccf_ghash_impl ccf_ghash_impl_vpclmul_avx2;    /* ghash_vpclmul.c */
extern const ccf_ghash_impl ccf_ghash_impl_pclmul;          /* ghash_pclmul.c */
#endif
#if defined(CCF_HAVE_ARM_INTRIN)
extern const ccf_ghash_impl ccf_ghash_impl_pmull;           /* ghash_pmull.c */
#endif
extern const ccf_ghash_impl ccf_ghash_impl_ct64;            /* ghash_ct64.c */

/*
 * A stitched AES-GCM bulk kernel: CTR encryption (inc32) interleaved with GHASH of the
 * ciphertext, for one particular (AES implementation, GHASH implementation) pair whose key
 * layouts it knows.  It processes a prefix of the data it likes (e.g. a multiple of 16 blocks)
 * and returns how many bytes it consumed; gcm.c finishes the rest with the generic path.
 * `ctr` and `y` (the running GHASH value) are updated.
 */
typedef struct ccf_gcm_bulk {
    const char *name;
    int (*supported)(void);              /* any CPU feature the kernel needs beyond the pair's */
    const ccf_aes_impl *aes;
    const ccf_ghash_impl *ghash;
    size_t (*encrypt)(const ccf_aes_key *k, const ccf_ghash_key *gk, uint8_t ctr[16], uint8_t y[16],
                      const uint8_t *in, uint8_t *out, size_t len);
    size_t (*decrypt)(const ccf_aes_key *k, const ccf_ghash_key *gk, uint8_t ctr[16], uint8_t y[16],
                      const uint8_t *in, uint8_t *out, size_t len);
    /* Optional (NULL if none): a whole short message in one call, J0 given (96-bit nonce),
     * len <= CCF_GCM_SHORT_MAX, aad_len <= 16.  Encrypt writes out and the 16-byte tag;
     * decrypt compares tag_len bytes in constant time and writes out only if they match
     * (CCF_OK), else leaves out untouched (CCF_ERR_AUTH); decrypt with tag_len 0 verifies
     * nothing: it writes out and the tag of the ciphertext into tag (ccf_gcm_many.h). */
    int (*short_msg)(const ccf_aes_key *k, const ccf_ghash_key *gk, const uint8_t j0[16],
                     const uint8_t *aad, size_t aad_len, const uint8_t *in, uint8_t *out,
                     size_t len, uint8_t *tag, size_t tag_len, int decrypt);
} ccf_gcm_bulk;

/* A, 14 blocks of message and L: 16 GHASH blocks, four 512-bit registers */
#define CCF_GCM_SHORT_MAX 224

/* NULL-terminated list of stitched kernels; gcm.c uses the one matching the key's pair. */
extern const ccf_gcm_bulk *const ccf_gcm_bulk_kernels[];

#endif
