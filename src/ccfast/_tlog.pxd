# Declarations of the SHA-256 kernel (csrc/sha256/ccf_sha256.h) and the Merkle tree helpers
# of ccfast.tlog (csrc/tlog/ccf_tlog.h).
from libc.stdint cimport uint8_t, uint32_t, uint64_t

cdef extern from "ccf_sha256.h" nogil:
    ctypedef struct ccf_sha256_impl:
        const char *name
        int (*supported)()
    ctypedef struct ccf_sha256_ctx:
        pass
    const ccf_sha256_impl *const *ccf_sha256_impls()
    const ccf_sha256_impl *ccf_sha256_best()
    int ccf_sha256_init_impl(ccf_sha256_ctx *c, const ccf_sha256_impl *impl)
    void ccf_sha256_update(ccf_sha256_ctx *c, const uint8_t *data, size_t length)
    void ccf_sha256_final(ccf_sha256_ctx *c, uint8_t *out)

cdef extern from "ccf_tlog.h" nogil:
    enum:
        CCF_TLOG_SM3
        CCF_TLOG_SHA256
    int ccf_tlog_leaf_hash(int alg, const uint8_t *data, size_t length, uint8_t *out)
    int ccf_tlog_node_hash(int alg, const uint8_t *left, const uint8_t *right, uint8_t *out)
    int ccf_tlog_leaf_hashes(int alg, const uint8_t *const *recs, const size_t *lens, size_t n,
                             uint8_t (*out)[32])
    int ccf_tlog_node_hashes(int alg, const uint8_t (*inp)[32], size_t n, uint8_t (*out)[32])
    int ccf_tlog_verify_inclusion(int alg, uint64_t index, uint64_t size, const uint8_t *leaf,
                                  const uint8_t (*proof)[32], size_t plen, const uint8_t *root)
    int ccf_tlog_verify_consistency(int alg, uint64_t first, uint64_t second, const uint8_t (*proof)[32],
                                    size_t plen, const uint8_t *first_root, const uint8_t *second_root)
