# Declarations of csrc/common: status codes, secret helpers, CPU features.
from libc.stdint cimport uint8_t, uint32_t

cdef extern from "ccf_common.h" nogil:
    ctypedef enum ccf_status:
        CCF_OK
        CCF_ERR_AUTH
        CCF_ERR_KEY_LENGTH
        CCF_ERR_NONCE
        CCF_ERR_LENGTH
        CCF_ERR_PARAM
        CCF_ERR_PADDING
        CCF_ERR_REPLAY
        CCF_ERR_PACKET
        CCF_ERR_NOMEM
        CCF_ERR_POINT
        CCF_ERR_DECRYPT
    void ccf_memzero(void *p, size_t n)
    int ccf_ct_memcmp(const void *a, const void *b, size_t n)
    void *ccf_alloc_aligned(size_t n, size_t align)
    void ccf_free_aligned(void *p, size_t n)

cdef extern from "ccf_cpu.h" nogil:
    void ccf_cpu_init()
    uint32_t ccf_cpu_features()
    uint32_t ccf_cpu_features_detected()
    int ccf_cpu_has(uint32_t need)
    uint32_t ccf_cpu_parse_list(const char *lst, int *unknown)
    const char *ccf_cpu_feature_name(unsigned bit)

cdef extern from "ccf_lock.h" nogil:
    ctypedef struct ccf_lock:
        pass
    int ccf_lock_try(ccf_lock *l)
    void ccf_lock_release(ccf_lock *l)
    void ccf_lock_wait(ccf_lock *l)


cdef inline void ccf_lock_acquire(ccf_lock *l) noexcept:
    # Uncontended: taken at once, the GIL kept.  Contended: waited for with the GIL released,
    # so the holder (which may need the GIL to finish) can run.
    if not ccf_lock_try(l):
        with nogil:
            ccf_lock_wait(l)
