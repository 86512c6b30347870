/*
 * ccf_sha512.h - SHA-512 (FIPS 180-4), portable C.
 *
 * For key derivation (HKDF in csrc/chunked), where each message hashes a few hundred bytes:
 * plain C with no data-dependent branches or table look-ups (hashing secrets is constant-time),
 * no CPU dispatch.  Streaming init / update / final; final wipes the context.  (SHA-256, with
 * SHA-NI and ARMv8 paths, is csrc/sha256.)
 */
#ifndef CCF_SHA512_H
#define CCF_SHA512_H

#include "ccf_common.h"

#define CCF_SHA512_DIGEST_SIZE 64
#define CCF_SHA512_BLOCK_SIZE 128

typedef struct ccf_sha512_ctx {
    uint64_t h[8];
    uint64_t nbytes;           /* message bytes so far (messages below 2^64 bytes) */
    uint8_t buf[128];
    size_t num;
} ccf_sha512_ctx;

void ccf_sha512_init(ccf_sha512_ctx *c);
void ccf_sha512_update(ccf_sha512_ctx *c, const uint8_t *data, size_t len);
void ccf_sha512_final(ccf_sha512_ctx *c, uint8_t out[64]);

#endif /* CCF_SHA512_H */
