/*
 * ccf_aes_many.h - AES counter mode over many short independent messages in one pass.
 *
 * An SRTP payload of 160 bytes is ten AES blocks: one message fills two and a half 512-bit
 * VAES registers, too few to hide the latency of the rounds.  Here the blocks of several
 * messages (each with its own key and counter) share the pass: with one key the messages'
 * blocks are laid end to end, so a register may hold blocks of two messages (a 160-byte payload
 * is two and a half VAES-512 registers); with several keys a register holds blocks of one
 * message (aes_many_x86.c describes both).  AES-NI keys (the "aesni" and "vaes-avx2"
 * implementations, which share the round-key layout) run eight blocks at a time.  Other
 * implementations ("ct64", "armv8-ce") take the messages one by one through ccf_aes_ctr128.
 *
 * Counter semantics are those of ccf_aes_ctr128 (RFC 3711 AES-CM: the whole block is a 128-bit
 * big-endian counter); a message whose counter would carry out of its low 32 bits also goes
 * through ccf_aes_ctr128, and so do the messages for which the key's own kernel costs less than
 * the pass (measured; the choice depends only on counts, lengths and which jobs share a key):
 * a batch of one message, messages longer than 256 or 512 bytes, and with several keys in a
 * batch, messages longer than four blocks (AES-NI) or than 128 or 256 bytes (VAES-512).
 */
#ifndef CCF_AES_MANY_H
#define CCF_AES_MANY_H

#include "ccf_aes.h"

typedef struct ccf_aes_ctr_job {
    const ccf_aes_key *key;
    uint8_t ctr[16];           /* counter block of the message's first block */
    const uint8_t *in;         /* NULL: out receives the keystream itself */
    uint8_t *out;              /* may equal in */
    size_t len;
} ccf_aes_ctr_job;

/* out = in XOR keystream (or the keystream) for each job; the jobs' counters are not updated. */
void ccf_aes_ctr128_many(const ccf_aes_ctr_job *jobs, size_t n);

/* The kernel ccf_aes_ctr128_many uses for keys of implementation `impl`: "vaes-avx512-many",
 * "aesni-many" or "serial" (tests and implementations()). */
const char *ccf_aes_ctr128_many_name(const ccf_aes_impl *impl);

#endif /* CCF_AES_MANY_H */
