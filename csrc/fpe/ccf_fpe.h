/*
 * ccf_fpe.h - format-preserving encryption: FF1 and FF3-1 of NIST SP 800-38G Rev. 1
 * (February 2019), on AES-128/192/256 (csrc/aes) or SM4 (csrc/sm4).
 *
 * Numeral strings are arrays of uint16_t numerals 0 .. radix-1 (radix 2 .. 65536); mapping
 * characters to numerals is the caller's business.  Every function takes the string, writes
 * the result to `out` (which may equal `in`) and returns a ccf_status.
 *
 * Limits, checked here (CCF_ERR_LENGTH / CCF_ERR_PARAM) and recorded in the context:
 *   minlen  the smallest n >= 2 with radix^n >= 1,000,000 (Rev. 1, sections 5.2 and 5.3);
 *   maxlen  FF1: CCF_FF1_MAXLEN (the spec allows up to 2^32; see below);
 *           FF3-1: 2 * floor(log_radix(2^96)) (Algorithm 9's precondition).
 *   tweak   FF1: 0 .. CCF_FF1_MAX_TWEAK bytes; FF3-1: exactly 7 bytes (56 bits).
 * FF1's bound: the rounds keep each half as an integer below radix^v; converting the input and
 * output costs O(n^2) word operations for a radix that is not a power of two (a power of two
 * is a bit field: linear), some 20 ms at n = 4096 and radix 65535.  Longer strings are
 * refused rather than made slow.
 *
 * SM4 variant: the same algorithms with SM4 (GB/T 32907, 128-bit block and key) as CIPH_K:
 * FF1's PRF is CBC-MAC with SM4 and S is extended with SM4; FF3-1 keys SM4 with REVB(K) and
 * computes S = REVB(SM4_REVB(K)(REVB(P))), exactly as with AES.  Only the forward cipher is used.
 *
 * Arithmetic: when radix^(larger half) < 2^64 (16-digit card numbers, 18-character IDs, ...)
 * the halves live in 64-bit words and each round costs one block encryption, a 128-by-64-bit
 * reduction with a precomputed reciprocal (two multiplications per word) and a modular add;
 * otherwise a constant-time bignum of 32-bit limbs is used.  No secret-dependent branch, table
 * index or division instruction in either path.  The halves are converted from numerals once
 * at the start and back once at the end (NUM_radix(STR_radix^m(c)) = c).
 */
#ifndef CCF_FPE_H
#define CCF_FPE_H

#include "ccf_common.h"
#include "ccf_aes.h"
#include "ccf_sm4.h"
#include "fpe_arith.h"

enum { CCF_FPE_FF1 = 1, CCF_FPE_FF3_1 = 2 };
enum { CCF_FPE_AES = 1, CCF_FPE_SM4 = 2 };

#define CCF_FF1_MAXLEN 4096u
#define CCF_FF1_MAX_TWEAK 4096u
#define CCF_FF3_1_TWEAK 7u
#define CCF_FPE_MAX_RADIX 65536u
/* FF1 strings up to this length with an empty tweak have CIPH_K(P) precomputed. */
#define CCF_FPE_FAST_N 128u

typedef struct ccf_fpe_ctx {
    union {
        ccf_aes_key aes;          /* FF3-1: keyed with REVB(K) */
        ccf_sm4_key sm4;
    } key;                        /* secret */
    /* AES for one block at a time (the rounds of a single string): the VAES kernels' wide
     * registers and key broadcasts cost more latency on one block than AES-NI, so when the
     * best kernel is a VAES one the schedule is also expanded for AES-NI (secret) */
    ccf_aes_key aes1;
    int has_aes1;
    int algo;                     /* CCF_FPE_FF1 / CCF_FPE_FF3_1 */
    int cipher;                   /* CCF_FPE_AES / CCF_FPE_SM4 */
    uint32_t radix;
    uint32_t minlen, maxlen;
    /* radix^m for m = 1 .. fast_m (the largest m with radix^m < 2^64), prepared for reduction */
    unsigned fast_m;
    fpe_divisor pow[65];
    uint8_t ff1_b[65];            /* FF1 byte length b of NUM(B) for v = index (fast path) */
    /* division of 64-bit values by the radix: Moller-Granlund for values >= 2^32, Lemire's
     * multiply-high (floor((2^64 - 1) / radix) + 1) below; lemire_digits = largest j with
     * radix^j <= 2^32 */
    fpe_divisor rdiv;
    uint64_t lemire;
    unsigned lemire_digits;
    /* bignum chunking: chunk_k numerals per 32-bit chunk, chunk = radix^chunk_k < 2^32 */
    unsigned chunk_k;
    fpe_divisor chunk;
    /* FF1, empty tweak, n <= CCF_FPE_FAST_N: CIPH_K(P) for each n (secret) */
    uint8_t ff1_p0[CCF_FPE_FAST_N + 1][16];
} ccf_fpe_ctx;

/* The implementation tables of the underlying ciphers are csrc/aes's and csrc/sm4's. */

/* Key a context: algo CCF_FPE_FF1 or CCF_FPE_FF3_1, cipher CCF_FPE_AES (16/24/32-byte key) or
 * CCF_FPE_SM4 (16 bytes), radix 2 .. 65536.  impl: a ccf_aes_impl / ccf_sm4_impl to use, or
 * NULL for the best this CPU supports.  CCF_ERR_KEY_LENGTH, CCF_ERR_PARAM (radix, algo,
 * cipher, unsupported impl). */
int ccf_fpe_init(ccf_fpe_ctx *c, int algo, int cipher, const uint8_t *key, size_t key_len,
                 uint32_t radix, const void *impl);
/* Name of the block-cipher implementation in use. */
const char *ccf_fpe_impl_name(const ccf_fpe_ctx *c);
void ccf_fpe_wipe(ccf_fpe_ctx *c);

/* One numeral string of length n; decrypt != 0 runs the inverse.  CCF_ERR_LENGTH (n outside
 * [minlen, maxlen]), CCF_ERR_PARAM (a numeral >= radix, tweak length), CCF_ERR_NOMEM. */
int ccf_fpe_crypt(const ccf_fpe_ctx *c, int decrypt, const uint8_t *tweak, size_t tweak_len,
                  const uint16_t *in, uint16_t *out, size_t n);

/* count strings stored back to back in `in` (lengths lens[0..count)), results in the same
 * layout in `out` (in == out allowed), all with one tweak.  Strings on the 64-bit path run
 * 64 at a time so that the block cipher works on many blocks per call.  On an error the
 * output is unspecified; *bad (if not NULL) receives the index of the offending string. */
int ccf_fpe_crypt_many(const ccf_fpe_ctx *c, int decrypt, const uint8_t *tweak, size_t tweak_len,
                       const uint16_t *in, uint16_t *out, const uint32_t *lens, size_t count,
                       size_t *bad);

#endif /* CCF_FPE_H */
