/* Implementation objects of the AES kernels (private to csrc/aes and csrc/gcm). */
#ifndef CCF_AES_IMPLS_H
#define CCF_AES_IMPLS_H

#include "ccf_aes.h"

/* The low 32-bit word of a counter block plus the number of blocks in len bytes.  Below 2^32,
 * the 128-bit count over those blocks (and the count after them) never carries out of that
 * word: it is the 32-bit count. */
CCF_INLINE uint64_t ccf_aes_ctr_low_end(const uint8_t ctr[16], size_t len)
{
    return (uint64_t)ccf_load32_be(ctr + 12) + ((uint64_t)len + 15) / 16;
}

#if defined(CCF_HAVE_X86_INTRIN)
extern const ccf_aes_impl ccf_aes_impl_vaes_avx512;   /* aes_vaes.c */
extern const ccf_aes_impl ccf_aes_impl_vaes_avx2;     /* aes_vaes.c */
extern const ccf_aes_impl ccf_aes_impl_aesni;         /* aes_x86ni.c */
/* The bitsliced layout of aes_ct64.c, shared with its inverse cipher (aes_ct64_inv.c): four
 * 16-byte blocks into eight planes, and back (q is clobbered). */
void ccf_aes_ct64_pack(uint64_t q[8], const uint8_t in[64]);
void ccf_aes_ct64_unpack(uint8_t out[64], uint64_t q[8]);

#endif
#if defined(CCF_HAVE_ARM_INTRIN)
extern const ccf_aes_impl ccf_aes_impl_armv8;         /* aes_armv8.c */
/* The bitsliced layout of aes_ct64.c, shared with its inverse cipher (aes_ct64_inv.c): four
 * 16-byte blocks into eight planes, and back (q is clobbered). */
void ccf_aes_ct64_pack(uint64_t q[8], const uint8_t in[64]);
void ccf_aes_ct64_unpack(uint8_t out[64], uint64_t q[8]);

#endif
extern const ccf_aes_impl ccf_aes_impl_ct64;          /* aes_ct64.c */

/* FIPS 197 5.2 key expansion in constant time (SubWord through the bitsliced S-box, no table):
 * 4 * (rounds + 1) round-key words written as bytes, rk[16 * r + i] = byte i of round key r
 * (up to 240 bytes).  Shared by implementations that expand keys in C (aes_armv8.c). */
void ccf_aes_ct_key_schedule(const uint8_t *key, size_t key_len, uint8_t *rk);

/* The bitsliced layout of aes_ct64.c, shared with its inverse cipher (aes_ct64_inv.c): four
 * 16-byte blocks into eight planes, and back (q is clobbered). */
void ccf_aes_ct64_pack(uint64_t q[8], const uint8_t in[64]);
void ccf_aes_ct64_unpack(uint8_t out[64], uint64_t q[8]);

#endif
