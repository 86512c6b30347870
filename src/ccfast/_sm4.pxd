# Declarations of the SM4 kernels (csrc/sm4) and the GHASH implementations SM4-GCM uses.
from libc.stdint cimport uint8_t, uint32_t

cdef extern from "ccf_ghash.h" nogil:
    ctypedef struct ccf_ghash_impl:
        const char *name
        int (*supported)()
    const ccf_ghash_impl *const *ccf_ghash_impls()
    const ccf_ghash_impl *ccf_ghash_best()

cdef extern from "ccf_sm4.h" nogil:
    ctypedef struct ccf_sm4_impl:
        const char *name
        int (*supported)()
    ctypedef struct ccf_sm4_key:
        const ccf_sm4_impl *impl
    ctypedef struct ccf_sm4_gcm:
        ccf_sm4_key sm4
    const ccf_sm4_impl *const *ccf_sm4_impls()
    const ccf_sm4_impl *ccf_sm4_best()
    int ccf_sm4_init(ccf_sm4_key *k, const uint8_t *key, size_t key_len)
    int ccf_sm4_init_impl(ccf_sm4_key *k, const uint8_t *key, size_t key_len, const ccf_sm4_impl *impl)
    void ccf_sm4_wipe(ccf_sm4_key *k)
    void ccf_sm4_encrypt_blocks(const ccf_sm4_key *k, const uint8_t *inp, uint8_t *out, size_t nblocks)
    void ccf_sm4_decrypt_blocks(const ccf_sm4_key *k, const uint8_t *inp, uint8_t *out, size_t nblocks)
    int ccf_sm4_cbc_encrypt(const ccf_sm4_key *k, const uint8_t *iv, const uint8_t *inp, uint8_t *out, size_t length)
    int ccf_sm4_cbc_decrypt(const ccf_sm4_key *k, const uint8_t *iv, const uint8_t *inp, uint8_t *out, size_t length)
    void ccf_sm4_cbc_encrypt_pad(const ccf_sm4_key *k, const uint8_t *iv, const uint8_t *inp, size_t length, uint8_t *out)
    int ccf_sm4_pkcs7_unpad(const uint8_t *buf, size_t length, size_t *out_len)
    void ccf_sm4_ctr128(const ccf_sm4_key *k, uint8_t *ctr, const uint8_t *inp, uint8_t *out, size_t length)
    int ccf_sm4_ccm_encrypt(const ccf_sm4_key *k, const uint8_t *nonce, size_t nonce_len,
                            const uint8_t *aad, size_t aad_len, const uint8_t *inp, size_t length,
                            uint8_t *out, uint8_t *tag, size_t tag_len)
    int ccf_sm4_ccm_decrypt(const ccf_sm4_key *k, const uint8_t *nonce, size_t nonce_len,
                            const uint8_t *aad, size_t aad_len, const uint8_t *inp, size_t length,
                            const uint8_t *tag, size_t tag_len, uint8_t *out)
    int ccf_sm4_gcm_init(ccf_sm4_gcm *g, const uint8_t *key, size_t key_len)
    int ccf_sm4_gcm_init_impl(ccf_sm4_gcm *g, const uint8_t *key, size_t key_len,
                              const ccf_sm4_impl *sm4, const ccf_ghash_impl *ghash)
    int ccf_sm4_gcm_encrypt(const ccf_sm4_gcm *g, const uint8_t *nonce, size_t nonce_len,
                            const uint8_t *aad, size_t aad_len, const uint8_t *inp, size_t length,
                            uint8_t *out, uint8_t *tag)
    int ccf_sm4_gcm_decrypt(const ccf_sm4_gcm *g, const uint8_t *nonce, size_t nonce_len,
                            const uint8_t *aad, size_t aad_len, const uint8_t *inp, size_t length,
                            const uint8_t *tag, size_t tag_len, uint8_t *out)
    void ccf_sm4_gcm_wipe(ccf_sm4_gcm *g)
