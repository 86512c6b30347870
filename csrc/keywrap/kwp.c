/*
 * Key wrap with padding, RFC 5649 (NIST SP 800-38F KWP-AE / KWP-AD), over a 128-bit block cipher.
 *
 * Wrap (RFC 5649 4.1): AIV = A6 59 59 A6 || MLI, MLI the input length as a 32-bit big-endian
 * integer; the input is zero-padded to n = ceil(m / 8) semiblocks.  If n = 1, the single block
 * AIV || P is encrypted.  Otherwise the RFC 3394 wrapping process W runs with AIV as the initial
 * value: six passes over R[1..n], B = E(A || R[i]), A = MSB64(B) ^ t, R[i] = LSB64(B) with
 * t = n * j + i (j = 0..5) as a 64-bit big-endian integer.
 *
 * Unwrap (RFC 5649 4.2): the inverse (one block, or W^-1 over six passes backwards), then the
 * checks of section 3: A[0..3] = A65959A6, 8 * (n - 1) < MLI <= 8 * n, and the 8 * n - MLI
 * padding bytes are zero.  The three checks are combined into one mask without branches on
 * secret data, and only the verdict is branched on (it is public: the caller reports it).
 */
#include "ccf_kwp.h"

static const uint8_t AIV_CONST[4] = {0xA6, 0x59, 0x59, 0xA6};

/* An opaque copy of a secret word: keeps the compiler from turning the masks built from it
 * back into comparisons and branches. */
static uint32_t value_barrier(uint32_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    __asm__("" : "+r"(x));
    return x;
#else
    volatile uint32_t v = x;
    return v;
#endif
}

/* see ccf_kwp.h */
size_t ccf_kwp_wrapped_len(size_t m)
{
    if (m == 0 || m > CCF_KWP_MAX_INPUT)
        return 0;
    return 8 * ((m + 7) / 8 + 1);
}

/* A ^= t, t a 64-bit big-endian integer. */
static void xor_t(uint8_t a[8], uint64_t t)
{
    int k;
    for (k = 7; k >= 0; k--) {
        a[k] ^= (uint8_t)t;
        t >>= 8;
    }
}

/* see ccf_kwp.h */
int ccf_kwp_wrap(ccf_block_fn enc, const void *key, const uint8_t *in, size_t len, uint8_t *out)
{
    size_t n, i, wlen = ccf_kwp_wrapped_len(len);
    uint8_t b[16];
    unsigned j;
    if (wlen == 0)
        return CCF_ERR_LENGTH;
    n = wlen / 8 - 1;
    /* out = AIV || P || zero padding */
    memcpy(out, AIV_CONST, 4);
    out[4] = (uint8_t)(len >> 24);
    out[5] = (uint8_t)(len >> 16);
    out[6] = (uint8_t)(len >> 8);
    out[7] = (uint8_t)len;
    memset(out + 8, 0, 8 * n);
    memmove(out + 8, in, len);
    if (n == 1) {
        enc(key, out, out);
        return CCF_OK;
    }
    for (j = 0; j < 6; j++) {
        for (i = 1; i <= n; i++) {
            memcpy(b, out, 8);
            memcpy(b + 8, out + 8 * i, 8);
            enc(key, b, b);
            xor_t(b, (uint64_t)n * j + i);
            memcpy(out, b, 8);
            memcpy(out + 8 * i, b + 8, 8);
        }
    }
    ccf_memzero(b, sizeof(b));
    return CCF_OK;
}

/* see ccf_kwp.h */
int ccf_kwp_unwrap(ccf_block_fn dec, const void *key, const uint8_t *in, size_t len,
                   uint8_t *out, size_t *out_len)
{
    size_t n, i, k;
    uint8_t a[8], b[16];
    uint32_t mli, ok, d, padnz = 0;
    unsigned j;
    if (len < 16 || len % 8 != 0 || len - 8 > CCF_KWP_MAX_INPUT + 7)
        return CCF_ERR_LENGTH;
    n = len / 8 - 1;
    if (n == 1) {
        dec(key, in, b);
        memcpy(a, b, 8);
        memcpy(out, b + 8, 8);
    } else {
        memcpy(a, in, 8);
        memmove(out, in + 8, 8 * n);
        for (j = 6; j-- > 0;) {
            for (i = n; i >= 1; i--) {
                memcpy(b, a, 8);
                xor_t(b, (uint64_t)n * j + i);
                memcpy(b + 8, out + 8 * (i - 1), 8);
                dec(key, b, b);
                memcpy(a, b, 8);
                memcpy(out + 8 * (i - 1), b + 8, 8);
            }
        }
    }
    /* A[0..3] = A65959A6 */
    ok = ccf_ct_eq32(((uint32_t)a[0] << 24) | ((uint32_t)a[1] << 16) | ((uint32_t)a[2] << 8) | a[3],
                     0xA65959A6u);
    /* 8(n - 1) < MLI <= 8n, i.e. 8n - MLI in [0, 7] (n <= 2^17 + 1, so no overflow) */
    mli = ((uint32_t)a[4] << 24) | ((uint32_t)a[5] << 16) | ((uint32_t)a[6] << 8) | a[7];
    ok &= ccf_ct_lt32((uint32_t)(8 * n) - mli, 8) & ~ccf_ct_lt32((uint32_t)(8 * n), mli);
    /* the last d = 8n - MLI bytes are zero: byte j of the last semiblock is padding when
     * j + d >= 8 (bit 3 of j + d while d <= 7; for other d, ok is already false) */
    d = value_barrier((uint32_t)(8 * n) - mli);
    for (k = 0; k < 8; k++)
        padnz |= (uint32_t)out[8 * (n - 1) + k] & (0u - (((uint32_t)k + d) >> 3 & 1u));
    ok &= ccf_ct_is_zero32(padnz);
    ccf_memzero(b, sizeof(b));
    CCF_DECLASSIFY(&ok, sizeof(ok));
    if (!ok) {
        ccf_memzero(out, 8 * n);
        ccf_memzero(a, sizeof(a));
        return CCF_ERR_AUTH;
    }
    CCF_DECLASSIFY(&mli, sizeof(mli));
    *out_len = mli;
    ccf_memzero(a, sizeof(a));
    return CCF_OK;
}

static void aes_enc1(const void *key, const uint8_t in[16], uint8_t out[16])
{
    ccf_aes_encrypt_blocks((const ccf_aes_key *)key, in, out, 1);
}

static void aes_dec1(const void *key, const uint8_t in[16], uint8_t out[16])
{
    ccf_aes_decrypt_blocks((const ccf_aes_dec_key *)key, in, out, 1);
}

static void sm4_enc1(const void *key, const uint8_t in[16], uint8_t out[16])
{
    ccf_sm4_encrypt_blocks((const ccf_sm4_key *)key, in, out, 1);
}

static void sm4_dec1(const void *key, const uint8_t in[16], uint8_t out[16])
{
    ccf_sm4_decrypt_blocks((const ccf_sm4_key *)key, in, out, 1);
}

/* see ccf_kwp.h */
int ccf_kwp_aes_wrap(const ccf_aes_key *k, const uint8_t *in, size_t len, uint8_t *out)
{
    return ccf_kwp_wrap(aes_enc1, k, in, len, out);
}

/* see ccf_kwp.h */
int ccf_kwp_aes_unwrap(const ccf_aes_dec_key *k, const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
    return ccf_kwp_unwrap(aes_dec1, k, in, len, out, out_len);
}

/* see ccf_kwp.h */
int ccf_kwp_sm4_wrap(const ccf_sm4_key *k, const uint8_t *in, size_t len, uint8_t *out)
{
    return ccf_kwp_wrap(sm4_enc1, k, in, len, out);
}

/* see ccf_kwp.h */
int ccf_kwp_sm4_unwrap(const ccf_sm4_key *k, const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
    return ccf_kwp_unwrap(sm4_dec1, k, in, len, out, out_len);
}
