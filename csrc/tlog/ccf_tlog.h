/*
 * ccf_tlog.h - the Merkle tree hashing of RFC 9162 section 2.1 (as RFC 6962) in batches, for
 * ccfast.tlog: leaf hashes H(0x00 || d), interior node hashes H(0x01 || left || right), and the
 * verifiers of inclusion (2.1.3.2) and consistency (2.1.4.2) proofs.
 *
 * H is SM3 (GB/T 32905; the default of ccfast.tlog) or SHA-256 (Certificate Transparency).
 * Batches of SM3 hashes go through the multi-buffer kernel (ccf_sm3_digest_many: 8 or 16
 * messages side by side on AVX2 / AVX-512); SHA-256 runs one message at a time on the best
 * single-stream compression (SHA-NI, ARMv8 CE, portable).  Nothing here is secret.
 */
#ifndef CCF_TLOG_H
#define CCF_TLOG_H

#include "ccf_common.h"

#define CCF_TLOG_HASH_SIZE 32

typedef enum ccf_tlog_alg {
    CCF_TLOG_SM3 = 0,
    CCF_TLOG_SHA256 = 1
} ccf_tlog_alg;

/* H(0x00 || data).  CCF_ERR_PARAM for an unknown algorithm. */
int ccf_tlog_leaf_hash(int alg, const uint8_t *data, size_t len, uint8_t out[32]);

/* H(0x01 || left || right).  CCF_ERR_PARAM for an unknown algorithm. */
int ccf_tlog_node_hash(int alg, const uint8_t left[32], const uint8_t right[32], uint8_t out[32]);

/*
 * out[i] = H(0x00 || recs[i]) for i < n.  Short records are copied behind a 0x00 byte in a
 * working buffer and hashed side by side; long ones are hashed in place, one at a time.
 * CCF_OK, CCF_ERR_PARAM (unknown algorithm) or CCF_ERR_NOMEM (out untouched).
 */
int ccf_tlog_leaf_hashes(int alg, const uint8_t *const *recs, const size_t *lens, size_t n,
                         uint8_t (*out)[32]);

/*
 * out[i] = H(0x01 || in[2i] || in[2i+1]) for i < n: the parents of 2n adjacent nodes of one
 * level.  out may be in (each group of inputs is copied before its outputs are written).
 * CCF_OK, CCF_ERR_PARAM or CCF_ERR_NOMEM.
 */
int ccf_tlog_node_hashes(int alg, const uint8_t (*in)[32], size_t n, uint8_t (*out)[32]);

/*
 * RFC 9162 2.1.3.2: check that `leaf` is the leaf hash at `index` of the tree of `size` leaves
 * whose root is `root`, from the inclusion path proof[0..plen).  CCF_OK, CCF_ERR_AUTH (the
 * proof does not verify: index >= size, a path too long or too short, another root) or
 * CCF_ERR_PARAM.
 */
int ccf_tlog_verify_inclusion(int alg, uint64_t index, uint64_t size, const uint8_t leaf[32],
                              const uint8_t (*proof)[32], size_t plen, const uint8_t root[32]);

/*
 * RFC 9162 2.1.4.2: check that the tree of `first` leaves with root `first_root` is a prefix
 * of the tree of `second` leaves with root `second_root`, from the consistency path
 * proof[0..plen).  As RFC 9162 and the transparency-dev verifier: 0 < first <= second; when
 * first == second the path must be empty and the roots equal.  CCF_OK, CCF_ERR_AUTH or
 * CCF_ERR_PARAM.
 */
int ccf_tlog_verify_consistency(int alg, uint64_t first, uint64_t second, const uint8_t (*proof)[32],
                                size_t plen, const uint8_t first_root[32], const uint8_t second_root[32]);

#endif /* CCF_TLOG_H */
