/*
 * ccf_ghash.h - GHASH, the universal hash of GCM (NIST SP 800-38D 6.4), with run-time dispatch.
 *
 * Implementations, best first (ccf_ghash_impls()):
 *   "vpclmulqdq-avx512"  VPCLMULQDQ on 512-bit registers, 32 blocks aggregated per reduction
 *   "vpclmulqdq-avx2"    VPCLMULQDQ on 256-bit registers
 *   "pclmulqdq"          PCLMULQDQ, 16 blocks aggregated per reduction
 *   "armv8-pmull"        ARMv8 PMULL, 8 blocks aggregated per reduction
 *   "ct64"               portable constant-time carry-less multiply (no tables, BearSSL ctmul64 style)
 * Usable by any 128-bit block cipher's GCM (AES, SM4).
 */
#ifndef CCF_GHASH_H
#define CCF_GHASH_H

#include "ccf_common.h"

typedef struct ccf_ghash_impl ccf_ghash_impl;

typedef struct ccf_ghash_key {
    /* H and precomputed powers of H in the implementation's layout.  Secret. */
    CCF_ALIGN(64) uint8_t tbl[1024];
    const ccf_ghash_impl *impl;
} ccf_ghash_key;

struct ccf_ghash_impl {
    const char *name;
    int (*supported)(void);
    void (*init)(ccf_ghash_key *gk, const uint8_t h[16]);
    /* y <- GHASH_H(y, data): `len` may be any length; a final partial block is zero-padded */
    void (*update)(const ccf_ghash_key *gk, uint8_t y[16], const uint8_t *data, size_t len);
};

const ccf_ghash_impl *const *ccf_ghash_impls(void);
const ccf_ghash_impl *ccf_ghash_best(void);

/* Set up the hash key H (= E_K(0^128) in GCM) with the best / a given implementation. */
void ccf_ghash_init(ccf_ghash_key *gk, const uint8_t h[16]);
int ccf_ghash_init_impl(ccf_ghash_key *gk, const uint8_t h[16], const ccf_ghash_impl *impl);

/* y <- GHASH over data (zero-padded to a block multiple), continuing from y. */
void ccf_ghash_update(const ccf_ghash_key *gk, uint8_t y[16], const uint8_t *data, size_t len);

void ccf_ghash_wipe(ccf_ghash_key *gk);

#endif /* CCF_GHASH_H */
