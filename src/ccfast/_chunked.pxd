# Declarations of chunked encryption's key derivation and chunk loop (csrc/chunked).
from libc.stdint cimport uint8_t, uint64_t

cdef extern from "ccf_chunked.h" nogil:
    enum:
        CCF_CHUNKED_AES_GCM
        CCF_CHUNKED_SM4_GCM
        CCF_CHUNKED_SHA256
        CCF_CHUNKED_SHA512
        CCF_CHUNKED_SM3
    ctypedef struct ccf_chunked:
        pass
    int ccf_chunked_init(ccf_chunked *c, int aead, const uint8_t *key, size_t key_len, const uint8_t *base_nonce)
    const char *ccf_chunked_impl_name(const ccf_chunked *c)
    uint64_t ccf_chunked_sealed_length(uint64_t length, int final)
    int ccf_chunked_seal(const ccf_chunked *c, uint64_t first, const uint8_t *inp, size_t length, int final,
                         uint8_t *out, size_t *out_len)
    int ccf_chunked_open(const ccf_chunked *c, uint64_t first, const uint8_t *inp, size_t length, int final,
                         uint8_t *out, size_t *out_len, uint64_t *bad_chunk)
    void ccf_chunked_wipe(ccf_chunked *c)
    ctypedef struct ccf_chunked_job:
        pass
    int ccf_chunked_job_init(ccf_chunked_job *j, const ccf_chunked *c, uint64_t first,
                             const uint8_t *inp, size_t nchunks, uint8_t *out, size_t piece)
    int ccf_chunked_job_run(ccf_chunked_job *j)
    int ccf_chunked_job_wait(ccf_chunked_job *j)
    int ccf_chunked_derive(ccf_chunked *c, int aead, int hash, const uint8_t *key, size_t key_len,
                           const uint8_t *salt, const uint8_t *context, size_t context_len, uint8_t *commitment)
    int ccf_hkdf_expand(int hash, const uint8_t *prk, size_t prk_len,
                        const uint8_t *const *info, const size_t *info_lens, size_t n_info,
                        uint8_t *out, size_t out_len)
