# Declarations of the AES, GHASH and GCM kernels (csrc/aes, csrc/gcm).
from libc.stdint cimport uint8_t

cdef extern from "ccf_aes.h" nogil:
    ctypedef struct ccf_aes_impl:
        const char *name
        int (*supported)()
    ctypedef struct ccf_aes_key:
        pass
    const ccf_aes_impl *const *ccf_aes_impls()
    const ccf_aes_impl *ccf_aes_best()

cdef extern from "ccf_ghash.h" nogil:
    ctypedef struct ccf_ghash_impl:
        const char *name
        int (*supported)()
    const ccf_ghash_impl *const *ccf_ghash_impls()
    const ccf_ghash_impl *ccf_ghash_best()

cdef extern from "ccf_gcm.h" nogil:
    ctypedef struct ccf_aes_gcm:
        pass
    int ccf_aes_gcm_init(ccf_aes_gcm *g, const uint8_t *key, size_t key_len)
    int ccf_aes_gcm_init_impl(ccf_aes_gcm *g, const uint8_t *key, size_t key_len,
                              const ccf_aes_impl *aes, const ccf_ghash_impl *ghash)
    int ccf_aes_gcm_encrypt(const ccf_aes_gcm *g, const uint8_t *nonce, size_t nonce_len,
                            const uint8_t *aad, size_t aad_len,
                            const uint8_t *inp, size_t length, uint8_t *out, uint8_t *tag)
    int ccf_aes_gcm_decrypt(const ccf_aes_gcm *g, const uint8_t *nonce, size_t nonce_len,
                            const uint8_t *aad, size_t aad_len,
                            const uint8_t *inp, size_t length, const uint8_t *tag, size_t tag_len,
                            uint8_t *out)
    const char *ccf_aes_gcm_impl_name(const ccf_aes_gcm *g)
    void ccf_aes_gcm_wipe(ccf_aes_gcm *g)

cdef extern from "ccf_gcm_many.h" nogil:
    ctypedef struct ccf_aes_gcm_job:
        const ccf_aes_gcm *key
        const uint8_t *nonce
        size_t nonce_len
        const uint8_t *aad
        size_t aad_len
        const uint8_t *inp "in"
        uint8_t *out
        size_t length "len"
        int decrypt
        uint8_t tag[16]
        int rc
    int ccf_aes_gcm_crypt_many(ccf_aes_gcm_job *jobs, size_t n)
    const char *ccf_aes_gcm_many_name(const ccf_aes_gcm *key)
