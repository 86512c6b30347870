# Declarations of the format-preserving encryption kernels (csrc/fpe).
from libc.stdint cimport uint8_t, uint16_t, uint32_t

cdef extern from "ccf_fpe.h" nogil:
    enum:
        CCF_FPE_FF1
        CCF_FPE_FF3_1
        CCF_FPE_AES
        CCF_FPE_SM4
        CCF_FF1_MAXLEN
        CCF_FF1_MAX_TWEAK
    ctypedef struct ccf_fpe_ctx:
        uint32_t radix
        uint32_t minlen
        uint32_t maxlen
    int ccf_fpe_init(ccf_fpe_ctx *c, int algo, int cipher, const uint8_t *key, size_t key_len,
                     uint32_t radix, const void *impl)
    const char *ccf_fpe_impl_name(const ccf_fpe_ctx *c)
    void ccf_fpe_wipe(ccf_fpe_ctx *c)
    int ccf_fpe_crypt(const ccf_fpe_ctx *c, int decrypt, const uint8_t *tweak, size_t tweak_len,
                      const uint16_t *inp, uint16_t *out, size_t n)
    int ccf_fpe_crypt_many(const ccf_fpe_ctx *c, int decrypt, const uint8_t *tweak, size_t tweak_len,
                           const uint16_t *inp, uint16_t *out, const uint32_t *lens, size_t count,
                           size_t *bad)

cdef extern from "ccf_aes.h" nogil:
    ctypedef struct ccf_aes_impl:
        const char *name
        int (*supported)()
    const ccf_aes_impl *const *ccf_aes_impls()

cdef extern from "ccf_sm4.h" nogil:
    ctypedef struct ccf_sm4_impl:
        const char *name
        int (*supported)()
    const ccf_sm4_impl *const *ccf_sm4_impls()
