/*
 * ccf_aes.h - AES-128/192/256 block cipher kernels (FIPS 197) with run-time dispatch.
 *
 * Implementations, best first (ccf_aes_impls()):
 *   "vaes-avx512"  VAES on 512-bit registers (AVX-512F/VL + VAES)
 *   "vaes-avx2"    VAES on 256-bit registers (AVX2 + VAES, for CPUs without AVX-512)
 *   "aesni"        AES-NI, 8 blocks in flight
 *   "armv8-ce"     ARMv8 Crypto Extensions (AESE/AESMC)
 *   "ct64"         portable constant-time bitsliced code (no secret-indexed tables)
 * CTR, GCM and SRTP never run the inverse cipher; it exists only for key unwrapping (RFC 3394 /
 * RFC 5649), in portable constant-time code (ccf_aes_dec_*, aes_ct64_inv.c): a few dozen blocks
 * per unwrapped key, never a bulk path.
 *
 * Counter semantics: `ctr` is the counter block of the first block; after the call it holds the
 * counter of the next unused block (advanced by ceil(len / 16)).  A final partial block uses the
 * leading bytes of its keystream block.  `out` may equal `in` (in place); other overlaps are not
 * allowed.
 */
#ifndef CCF_AES_H
#define CCF_AES_H

#include "ccf_common.h"

typedef struct ccf_aes_impl ccf_aes_impl;

typedef struct ccf_aes_key {
    /* Round keys in the layout of the implementation that expanded them (AES-NI round keys,
     * bitsliced words, ...).  Secret: wiped by ccf_aes_wipe(). */
    CCF_ALIGN(64) uint64_t sched[160];
    unsigned rounds;                     /* 10, 12 or 14 */
    const ccf_aes_impl *impl;
} ccf_aes_key;

struct ccf_aes_impl {
    const char *name;
    int (*supported)(void);              /* CPU has what this implementation needs */
    void (*expand)(ccf_aes_key *k, const uint8_t *key, size_t key_len);
    /* ECB encryption of nblocks 16-byte blocks */
    void (*encrypt_blocks)(const ccf_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks);
    /* CTR with a 32-bit big-endian counter in bytes 12..15 (GCM, NIST SP 800-38D inc32) */
    void (*ctr32)(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len);
    /* CTR with the whole block as a 128-bit big-endian counter (SRTP AES-CM, RFC 3711 4.1.1) */
    void (*ctr128)(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len);
};

/* NULL-terminated list of every implementation compiled in, best first (supported or not). */
const ccf_aes_impl *const *ccf_aes_impls(void);

/* The best implementation this CPU supports (after CCFAST_CPU_DISABLE). */
const ccf_aes_impl *ccf_aes_best(void);

/* Expand a 16-, 24- or 32-byte key with the best implementation; CCF_ERR_KEY_LENGTH otherwise. */
int ccf_aes_init(ccf_aes_key *k, const uint8_t *key, size_t key_len);

/* Same with a given implementation (tests, C driver); CCF_ERR_PARAM if it is not supported. */
int ccf_aes_init_impl(ccf_aes_key *k, const uint8_t *key, size_t key_len, const ccf_aes_impl *impl);

void ccf_aes_encrypt_blocks(const ccf_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks);
void ccf_aes_ctr32(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len);
void ccf_aes_ctr128(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len);

/* Zero the schedule (call before freeing). */
void ccf_aes_wipe(ccf_aes_key *k);

/* The inverse cipher (FIPS 197 5.3), bitsliced and constant time on every CPU. */
typedef struct ccf_aes_dec_key {
    uint64_t sched[120];                 /* round keys as bitsliced planes; secret */
    unsigned rounds;                     /* 10, 12 or 14 */
} ccf_aes_dec_key;

/* Expand a 16-, 24- or 32-byte key; CCF_ERR_KEY_LENGTH otherwise. */
int ccf_aes_dec_init(ccf_aes_dec_key *k, const uint8_t *key, size_t key_len);
/* ECB decryption of nblocks 16-byte blocks; out may equal in. */
void ccf_aes_decrypt_blocks(const ccf_aes_dec_key *k, const uint8_t *in, uint8_t *out, size_t nblocks);
void ccf_aes_dec_wipe(ccf_aes_dec_key *k);

#endif /* CCF_AES_H */
