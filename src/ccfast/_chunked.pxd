# Declarations of the chunked-encryption chunk loop (csrc/chunked) and the SM3 HMAC its SM3
# suite derives keys with (csrc/sm3).
from libc.stdint cimport uint8_t, uint64_t

cdef extern from "ccf_chunked.h" nogil:
    enum:
        CCF_CHUNKED_AES_GCM
        CCF_CHUNKED_SM4_GCM
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

cdef extern from "ccf_sm3.h" nogil:
    void ccf_sm3_hmac(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len, uint8_t *out)
