/*
 * ccf_sm3.h - the SM3 hash (GB/T 32905-2016), streaming API with run-time dispatch of the
 * compression function, and multi-buffer hashing of many messages at once.
 *
 * Single-stream implementations, best first (ccf_sm3_impls()):
 *   "armv8"     ARMv8.2 SM3 instructions (SM3SS1, SM3TT1A/B, SM3TT2A/B, SM3PARTW1/2)
 *   "avx2-bmi2" x86-64: message expansion in SSE/AVX2 vectors, rounds with BMI2 RORX
 *   "portable"  plain C
 * Multi-buffer implementations, best first (ccf_sm3_mb_impls()):
 *   "avx512"    16 messages in the lanes of AVX-512 registers
 *   "avx2"      8 messages in the lanes of AVX2 registers
 *   "serial"    one message at a time through ccf_sm3_best()
 * SM3 has no key; no implementation has data-dependent branches or addresses, so hashing
 * secret data (HMAC keys, KDF inputs) is constant-time.
 */
#ifndef CCF_SM3_H
#define CCF_SM3_H

#include "ccf_common.h"

#define CCF_SM3_DIGEST_SIZE 32
#define CCF_SM3_BLOCK_SIZE 64

typedef struct ccf_sm3_impl {
    const char *name;
    int (*supported)(void);
    /* Compress nblocks 64-byte blocks into the chaining value h (GB/T 32905 5.3). */
    void (*compress)(uint32_t h[8], const uint8_t *blocks, size_t nblocks);
} ccf_sm3_impl;

/*
 * A multi-buffer compression: `lanes` independent chaining values kept word-sliced,
 * state[8 * lanes]: word i of lane l at state[i * lanes + l]; blocks[l] points at lane l's
 * next nblocks contiguous 64-byte blocks (every lane advances by nblocks).
 */
typedef struct ccf_sm3_mb_impl {
    const char *name;
    int (*supported)(void);
    unsigned lanes;
    void (*compress)(uint32_t *state, const uint8_t *const *blocks, size_t nblocks);
} ccf_sm3_mb_impl;

typedef struct ccf_sm3_ctx {
    uint32_t h[8];
    uint64_t nblocks;          /* whole blocks compressed so far */
    uint8_t buf[64];           /* pending bytes of an incomplete block */
    size_t num;                /* how many of buf are used */
    const ccf_sm3_impl *impl;
} ccf_sm3_ctx;

/* NULL-terminated tables, best first (entries may be unsupported on this CPU), and the best
 * supported entry (the last entries, "portable" and "serial", are always supported). */
const ccf_sm3_impl *const *ccf_sm3_impls(void);
const ccf_sm3_impl *ccf_sm3_best(void);
const ccf_sm3_mb_impl *const *ccf_sm3_mb_impls(void);
const ccf_sm3_mb_impl *ccf_sm3_mb_best(void);

void ccf_sm3_init(ccf_sm3_ctx *c);
/* Same with a given implementation (tests); CCF_ERR_PARAM if NULL or unsupported. */
int ccf_sm3_init_impl(ccf_sm3_ctx *c, const ccf_sm3_impl *impl);
void ccf_sm3_update(ccf_sm3_ctx *c, const uint8_t *data, size_t len);
/* Write the digest and wipe the context (buffered data included). */
void ccf_sm3_final(ccf_sm3_ctx *c, uint8_t out[32]);
/* One-shot digest. */
void ccf_sm3(const uint8_t *data, size_t len, uint8_t out[32]);

/* HMAC-SM3 (RFC 2104 with SM3, as GM/T 0042-2015): 32-byte tag; key of any length. */
void ccf_sm3_hmac(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len, uint8_t out[32]);

/*
 * The key derivation function of GB/T 32918.4-2016 5.4.3 (also used by SM2 key exchange and
 * encryption): out = SM3(Z || ct_1) || SM3(Z || ct_2) || ... truncated to out_len bytes, with
 * ct_i = i as 32-bit big-endian from 1.  CCF_ERR_LENGTH if out_len > (2^32 - 1) * 32.
 */
int ccf_sm3_kdf(const uint8_t *z, size_t z_len, uint8_t *out, size_t out_len);

/*
 * Digests of n messages (msgs[i], lens[i]) into out[i], with the best multi-buffer
 * implementation: messages are assigned to lanes, a lane whose message ends takes the next
 * one, and the last few messages finish single-stream.  Returns CCF_OK, or CCF_ERR_NOMEM
 * (out untouched) if the small working area cannot be allocated.
 */
int ccf_sm3_digest_many(const uint8_t *const *msgs, const size_t *lens, size_t n, uint8_t (*out)[32]);
/* Same with a given multi-buffer implementation (tests); CCF_ERR_PARAM if unsupported. */
int ccf_sm3_digest_many_impl(const ccf_sm3_mb_impl *impl, const uint8_t *const *msgs, const size_t *lens,
                             size_t n, uint8_t (*out)[32]);

#endif /* CCF_SM3_H */
