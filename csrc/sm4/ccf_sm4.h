/*
 * ccf_sm4.h - SM4 block cipher (GB/T 32907-2016, GM/T 0002-2012) and its modes: ECB, CBC,
 * CTR (128-bit and 32-bit big-endian counters), CCM (NIST SP 800-38C, RFC 8998) and GCM
 * (NIST SP 800-38D over csrc/gcm, RFC 8998).
 *
 * Implementations (one file each, chosen at run time by ccf_sm4_best()):
 *   gfni-avx512  sm4_gfni_avx512.c  S-box by GF2P8AFFINEQB + GF2P8AFFINEINVQB, 16 blocks per zmm set
 *   gfni-avx2    sm4_gfni_avx512.c  the same on ymm registers, 8 blocks per set
 *   vaes-avx2    sm4_aesni_avx2.c   S-box by VAESENCLAST on ymm between affine isomorphisms
 *   aesni-avx2   sm4_aesni_avx2.c   S-box by AESENCLAST on xmm halves
 *   armv8-sm4    sm4_armv8.c        SM4E / SM4EKEY instructions (ARMv8.2 SM4)
 *   ct64         sm4_ct.c           portable, constant time: 64 blocks bitsliced in uint64_t,
 *                                   the S-box computed as a Boolean circuit (no table)
 * Every implementation processes any number of blocks; in == out is allowed everywhere
 * (other overlaps are not).
 *
 * The key schedule (GB/T 32907 7.3) always runs in constant time (ct64's S-box circuit, or
 * SM4EKEY).  Keys and schedules are wiped by ccf_sm4_wipe().
 */
#ifndef CCF_SM4_H
#define CCF_SM4_H

#include "ccf_common.h"
#include "ccf_ghash.h"

#define CCF_SM4_BLOCK 16
#define CCF_SM4_KEY 16

/* One implementation: encrypt_blocks runs the 32 rounds with the given round keys (rk_enc for
 * encryption, rk_dec for decryption) over nblocks independent 16-byte blocks. */
typedef struct ccf_sm4_impl {
    const char *name;
    int (*supported)(void);
    void (*encrypt_blocks)(const uint32_t rk[32], const uint8_t *in, uint8_t *out, size_t nblocks);
    size_t stride;            /* blocks per iteration of the widest loop (tests cross it) */
    /* Optional (may be NULL): CBC encryption of nblocks with the chaining value kept in
     * registers (the serial mode is latency-bound); iv[16] is updated to the last block. */
    void (*cbc_encrypt)(const uint32_t rk[32], uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t nblocks);
} ccf_sm4_impl;

typedef struct ccf_sm4_key {
    uint32_t rk_enc[32];      /* rk_0 .. rk_31 (GB/T 32907 7.3) */
    uint32_t rk_dec[32];      /* the same, reversed (7.2: decryption uses rk_31 .. rk_0) */
    const ccf_sm4_impl *impl;
} ccf_sm4_key;

/* NULL-terminated table of the compiled implementations (ccf_impl_head layout). */
const ccf_sm4_impl *const *ccf_sm4_impls(void);
/* The fastest implementation this CPU supports (ct64 at worst). */
const ccf_sm4_impl *ccf_sm4_best(void);

/* Key of 16 bytes (else CCF_ERR_KEY_LENGTH); best implementation. */
int ccf_sm4_init(ccf_sm4_key *k, const uint8_t *key, size_t key_len);
/* A given implementation; CCF_ERR_PARAM if this CPU cannot run it. */
int ccf_sm4_init_impl(ccf_sm4_key *k, const uint8_t *key, size_t key_len, const ccf_sm4_impl *impl);
void ccf_sm4_wipe(ccf_sm4_key *k);

/* GB/T 32907 7.3 key expansion in constant time (bitsliced S-box); rk[32] out. */
void ccf_sm4_ct_key_schedule(const uint8_t key[16], uint32_t rk[32]);

/* ---- ECB ------------------------------------------------------------------------------- */
void ccf_sm4_encrypt_blocks(const ccf_sm4_key *k, const uint8_t *in, uint8_t *out, size_t nblocks);
void ccf_sm4_decrypt_blocks(const ccf_sm4_key *k, const uint8_t *in, uint8_t *out, size_t nblocks);

/* ---- CBC (GB/T 17964 / SP 800-38A 6.2) ------------------------------------------------- */
/* len a multiple of 16 (else CCF_ERR_LENGTH); iv is not modified.  Decryption runs the
 * blocks in parallel. */
int ccf_sm4_cbc_encrypt(const ccf_sm4_key *k, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len);
int ccf_sm4_cbc_decrypt(const ccf_sm4_key *k, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len);
/* CBC with PKCS#7 padding (RFC 5652 6.3): out holds (len / 16 + 1) * 16 bytes. */
void ccf_sm4_cbc_encrypt_pad(const ccf_sm4_key *k, const uint8_t iv[16], const uint8_t *in, size_t len, uint8_t *out);
/* Checks PKCS#7 padding of buf[0..len) (len a positive multiple of 16) in constant time over
 * the last block: *out_len = len - pad on success, CCF_ERR_PADDING otherwise (*out_len = 0). */
int ccf_sm4_pkcs7_unpad(const uint8_t *buf, size_t len, size_t *out_len);

/* ---- CTR --------------------------------------------------------------------------------- */
/* Keystream E(ctr), E(ctr+1), ... XORed into in; any len.  ctr128 increments the whole block
 * as a 128-bit big-endian integer; ctr32 only its last 32 bits (GCM inc32).  On return ctr
 * holds the next unused counter (a partial final block consumes its counter). */
void ccf_sm4_ctr128(const ccf_sm4_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len);
void ccf_sm4_ctr32(const ccf_sm4_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len);

/* ---- CCM (NIST SP 800-38C, RFC 8998 SM4-CCM) --------------------------------------------- */
/* nonce 7..13 bytes (CCF_ERR_NONCE), tag_len 4, 6, ..., 16 (CCF_ERR_PARAM); data at most
 * 2^(8 * (15 - nonce_len)) - 1 bytes (CCF_ERR_LENGTH).  Decrypt checks the tag in constant
 * time over tag_len bytes and on failure zeroes out[0..len) and returns CCF_ERR_AUTH. */
int ccf_sm4_ccm_encrypt(const ccf_sm4_key *k, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                        uint8_t *out, uint8_t *tag, size_t tag_len);
int ccf_sm4_ccm_decrypt(const ccf_sm4_key *k, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                        const uint8_t *tag, size_t tag_len, uint8_t *out);

/* ---- GCM (SP 800-38D over ccf_gcm.h) ---------------------------------------------------- */
/* The largest message of the one-pass kernel: A, 14 blocks and L make 16 GHASH blocks. */
#define CCF_SM4_GCM_SHORT_MAX 224

typedef struct ccf_sm4_gcm ccf_sm4_gcm;
typedef int (*ccf_sm4_gcm_short_fn)(const ccf_sm4_gcm *g, const uint8_t iv[12], const uint8_t *aad,
                                    size_t aad_len, const uint8_t *in, uint8_t *out, size_t len,
                                    uint8_t *tag, size_t tag_len, int decrypt);

struct ccf_sm4_gcm {
    ccf_ghash_key ghash;      /* H = SM4_K(0^128) and its powers */
    ccf_sm4_key sm4;
    /* One-pass kernel for short messages with a 12-byte IV (sm4_gcm_gfni_avx512.c), NULL when
     * the pair of implementations has none; fold[] holds its per-key round constants (secret,
     * derived from the round keys by ccf_sm4_gcm_fold_init). */
    ccf_sm4_gcm_short_fn short_msg;
    uint32_t fold[32];
};

int ccf_sm4_gcm_init(ccf_sm4_gcm *g, const uint8_t *key, size_t key_len);
/* Given implementations (tests); CCF_ERR_PARAM if either is not supported. */
int ccf_sm4_gcm_init_impl(ccf_sm4_gcm *g, const uint8_t *key, size_t key_len,
                          const ccf_sm4_impl *sm4, const ccf_ghash_impl *ghash);
/* Nonce >= 1 byte; rules, limits and tag check as ccf_gcm_seal/ccf_gcm_open (ccf_gcm.h). */
int ccf_sm4_gcm_encrypt(const ccf_sm4_gcm *g, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                        uint8_t *out, uint8_t tag[16]);
int ccf_sm4_gcm_decrypt(const ccf_sm4_gcm *g, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                        const uint8_t *tag, size_t tag_len, uint8_t *out);
void ccf_sm4_gcm_wipe(ccf_sm4_gcm *g);

/* A whole message with a 12-byte IV in one kernel call, when the key has the one-pass kernel
 * and len <= CCF_SM4_GCM_SHORT_MAX (aad of any length): encrypt (decrypt = 0) writes out and
 * the 16-byte tag; decrypt compares tag_len bytes of tag in constant time and writes out only
 * if they match (CCF_OK), else returns CCF_ERR_AUTH with out untouched.  in == out is allowed.
 * CCF_ERR_PARAM (nothing done) when the kernel does not apply: the caller takes another path. */
int ccf_sm4_gcm_short(const ccf_sm4_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                      const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag, size_t tag_len, int decrypt);

/* The per-key constants of the folded SM4 rounds (sm4_gcm_gfni_avx512.c) from the round keys
 * rk_0..rk_31: fold[i] = A_in rk_i + c_in (byte-wise GF(2) affine map of the GFNI S-box) plus
 * A_in L(c_out) for each of rounds i + 1..i + 3 whose index div 4 is odd.  Constant time. */
void ccf_sm4_gcm_fold_init(const uint32_t rk[32], uint32_t fold[32]);

#endif /* CCF_SM4_H */
