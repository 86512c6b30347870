/*
 * ccf_sm2.h - SM2 public-key cryptography (GB/T 32918.1-5-2016/2017, GM/T 0003-2012) on the
 * recommended curve sm2p256v1 (GB/T 32918.5): signatures, public-key encryption, key exchange.
 *
 * Conventions
 *   - Integers (private keys, nonces, r, s, digests) are 32-byte big-endian.
 *   - Points are 64 bytes X || Y (big-endian affine coordinates, no 04 prefix).
 *   - Randomness is supplied by the caller (the Python layer reads the OS CSPRNG); functions
 *     that consume a nonce return CCF_ERR_PARAM when that nonce is unusable (out of [1, n-1], or
 *     it yields r = 0, r + k = n, s = 0, or an all-zero KDF output), and the caller retries with
 *     a fresh one.
 *   - Secret-dependent work (keys, nonces, shared points) is constant time: fixed-base comb and
 *     variable-base Booth ladders read their tables in full with masks.  Only verification uses
 *     variable-time double-scalar multiplication, on public data.
 *   - ccf_sm2_init() must have returned before any other call (it builds the 88 KiB fixed-base
 *     table once; call it from module initialisation; idempotent, not thread-safe on first call).
 */
#ifndef CCF_SM2_H
#define CCF_SM2_H

#include <stddef.h>
#include <stdint.h>
#include "ccf_common.h"

/* Build tables and pick the implementation (from CPU features; see ccf_cpu.h). */
void ccf_sm2_init(void);

/* Name of the implementation in use: "x86_64-mulx", "portable64" or "portable32". */
const char *ccf_sm2_impl_name(void);
/* Implementations compiled in: name of the i-th (NULL past the end) and whether this CPU runs it. */
const char *ccf_sm2_impl_info(int i, int *supported);
/* Force the i-th implementation (tests); CCF_ERR_PARAM if absent or unsupported. */
ccf_status ccf_sm2_impl_select(int i);
/* Re-pick the best supported implementation (after ccf_cpu_set_disabled in tests). */
void ccf_sm2_impl_reset(void);

/*
 * A key.  has_private = 1: d is set; has_dinv = 1: dinv = (1 + d)^-1 mod n is cached for
 * signing (GB/T 32918.2 section 6.1 A6; ccf_sm2_key_prepare_sign).  pub is always set.
 * Wipe with ccf_sm2_key_wipe.
 */
typedef struct ccf_sm2_key {
    uint64_t d[4];
    uint64_t dinv[4];
    uint8_t pub[64];
    int has_private;
    int has_dinv;
    int has_ptab;
    uint64_t ptab[16 * 8];     /* (j+1) P for j < 16, affine Montgomery x, y (public values) */
} ccf_sm2_key;

/* Private key d in [1, n-2] (GB/T 32918.1 section 6.1); computes P = dG.  CCF_ERR_PARAM otherwise. */
ccf_status ccf_sm2_key_set_private(ccf_sm2_key *key, const uint8_t d[32]);
/* Cache (1 + d)^-1 mod n (one inversion) so that signatures skip it; signing works without it. */
void ccf_sm2_key_prepare_sign(ccf_sm2_key *key);
/*
 * Cache the multiples P..16P of the public key (1 KiB, about one verification's worth of work)
 * so that later verifications and encryptions to this key use mixed additions and skip the
 * table build.  Worth it for keys used more than once; everything works without it.
 */
void ccf_sm2_key_prepare_public(ccf_sm2_key *key);
/* Public key X || Y: coordinates < p, on the curve (not infinity by encoding).  CCF_ERR_POINT otherwise. */
ccf_status ccf_sm2_key_set_public(ccf_sm2_key *key, const uint8_t pub[64]);
void ccf_sm2_key_wipe(ccf_sm2_key *key);
/* d as 32 bytes (key must have the private part). */
void ccf_sm2_key_private_bytes(const ccf_sm2_key *key, uint8_t d[32]);

/* Validate a point X || Y (CCF_OK or CCF_ERR_POINT). */
ccf_status ccf_sm2_point_check(const uint8_t pt[64]);
/* Decompress (GB/T 32918.1 section 4.2.10 / Annex A.5): x (32 bytes) and the parity of y. */
ccf_status ccf_sm2_point_decompress(const uint8_t x[32], int y_odd, uint8_t pt[64]);

/*
 * Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A) (GB/T 32918.2 section 5.5).
 * id_len * 8 must fit in 16 bits (id_len <= 8191), else CCF_ERR_LENGTH.
 */
ccf_status ccf_sm2_compute_z(const uint8_t *id, size_t id_len, const uint8_t pub[64], uint8_t z[32]);

/*
 * Signature of the digest e = SM3(Z_A || M) (GB/T 32918.2 section 6.1, steps A3-A7) with the
 * nonce k: sig = r || s.  CCF_ERR_PARAM: retry with a fresh k.
 */
ccf_status ccf_sm2_sign_digest(const ccf_sm2_key *key, const uint8_t e[32], const uint8_t k[32], uint8_t sig[64]);

/* Verify r || s on e (section 7.1, B1-B7): CCF_OK or CCF_ERR_AUTH (also for r, s out of range). */
ccf_status ccf_sm2_verify_digest(const ccf_sm2_key *key, const uint8_t e[32], const uint8_t sig[64]);

/*
 * Encryption (GB/T 32918.4 section 6.1) of msg[0..len) with the nonce k: c1 = kG (X || Y),
 * c2 = msg XOR KDF(x2 || y2, len), c3 = SM3(x2 || msg || y2).  c2 may alias msg.
 * len == 0 is allowed (c2 empty).  CCF_ERR_PARAM: retry with a fresh k.
 */
ccf_status ccf_sm2_encrypt(const ccf_sm2_key *key, const uint8_t k[32], const uint8_t *msg, size_t len,
                           uint8_t c1[64], uint8_t *c2, uint8_t c3[32]);

/*
 * Decryption (section 7.1): CCF_OK, or CCF_ERR_DECRYPT for every failure (C1 not on the curve,
 * all-zero KDF output, C3 mismatch -- compared in constant time); out is wiped on failure.
 * out may alias c2.
 */
ccf_status ccf_sm2_decrypt(const ccf_sm2_key *key, const uint8_t c1[64], const uint8_t *c2, size_t len,
                           const uint8_t c3[32], uint8_t *out);

/* KDF of GB/T 32918.4 section 5.4.3 (SM3 in counter mode, counter from 1, big-endian). */
void ccf_sm2_kdf(const uint8_t *z, size_t zlen, uint8_t *out, size_t outlen);

/*
 * Key exchange core (GB/T 32918.3 section 6.1, A4-A8 / B3-B7): with own static key (private),
 * own ephemeral r and R = rG, and the peer's static P and ephemeral R' (both validated here):
 *   t = (d + x~ * r) mod n,  U = t (P' + x~' R')   with x~ = 2^127 + (x mod 2^127).
 * Writes U as X || Y.  CCF_ERR_POINT for a bad peer point or U at infinity; CCF_ERR_PARAM if
 * r is out of range.
 */
ccf_status ccf_sm2_kex_point(const ccf_sm2_key *key, const uint8_t r[32], const uint8_t own_R[64],
                             const uint8_t peer_pub[64], const uint8_t peer_R[64], uint8_t u[64]);

/* R = r G for an ephemeral r in [1, n-1] (CCF_ERR_PARAM otherwise). */
ccf_status ccf_sm2_mul_base(const uint8_t r[32], uint8_t pt[64]);

#endif /* CCF_SM2_H */
