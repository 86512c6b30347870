# Declarations of the SM3 kernel (csrc/sm3/ccf_sm3.h).
from libc.stdint cimport uint8_t, uint32_t, uint64_t

cdef extern from "ccf_sm3.h" nogil:
    ctypedef struct ccf_sm3_impl:
        const char *name
        int (*supported)()
    ctypedef struct ccf_sm3_mb_impl:
        const char *name
        int (*supported)()
        unsigned lanes
    ctypedef struct ccf_sm3_ctx:
        pass
    const ccf_sm3_impl *const *ccf_sm3_impls()
    const ccf_sm3_impl *ccf_sm3_best()
    const ccf_sm3_mb_impl *const *ccf_sm3_mb_impls()
    const ccf_sm3_mb_impl *ccf_sm3_mb_best()
    void ccf_sm3_init(ccf_sm3_ctx *c)
    int ccf_sm3_init_impl(ccf_sm3_ctx *c, const ccf_sm3_impl *impl)
    void ccf_sm3_update(ccf_sm3_ctx *c, const uint8_t *data, size_t length)
    void ccf_sm3_final(ccf_sm3_ctx *c, uint8_t *out)
    void ccf_sm3(const uint8_t *data, size_t length, uint8_t *out)
    void ccf_sm3_hmac(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len, uint8_t *out)
    int ccf_sm3_kdf(const uint8_t *z, size_t z_len, uint8_t *out, size_t out_len)
    int ccf_sm3_digest_many(const uint8_t *const *msgs, const size_t *lens, size_t n, uint8_t (*out)[32])
    int ccf_sm3_digest_many_impl(const ccf_sm3_mb_impl *impl, const uint8_t *const *msgs,
                                 const size_t *lens, size_t n, uint8_t (*out)[32])
