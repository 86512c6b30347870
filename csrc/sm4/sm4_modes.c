/* SM4 ECB, CBC, PKCS#7 and CTR over an implementation's multi-block function.  See ccf_sm4.h. */
#include "ccf_sm4.h"

/* Blocks per chunk of the parallel modes: 1 KiB of keystream stays in L1 and covers every
 * implementation's stride. */
#define CHUNK 64

/* see ccf_sm4.h */
void ccf_sm4_encrypt_blocks(const ccf_sm4_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    k->impl->encrypt_blocks(k->rk_enc, in, out, nblocks);
}

/* see ccf_sm4.h */
void ccf_sm4_decrypt_blocks(const ccf_sm4_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    k->impl->encrypt_blocks(k->rk_dec, in, out, nblocks);
}

CCF_INLINE void xor16(uint8_t *d, const uint8_t *a, const uint8_t *b)
{
    uint64_t x0, x1, y0, y1;
    memcpy(&x0, a, 8); memcpy(&x1, a + 8, 8);
    memcpy(&y0, b, 8); memcpy(&y1, b + 8, 8);
    x0 ^= y0; x1 ^= y1;
    memcpy(d, &x0, 8); memcpy(d + 8, &x1, 8);
}

/* see ccf_sm4.h */
int ccf_sm4_cbc_encrypt(const ccf_sm4_key *k, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len)
{
    uint8_t c[16];
    size_t i;
    if (len % 16)
        return CCF_ERR_LENGTH;
    memcpy(c, iv, 16);
    if (k->impl->cbc_encrypt) {
        k->impl->cbc_encrypt(k->rk_enc, c, in, out, len / 16);
        return CCF_OK;
    }
    for (i = 0; i < len; i += 16) {         /* SP 800-38A 6.2: C_i = E(P_i ^ C_{i-1}), serial */
        xor16(c, c, in + i);
        k->impl->encrypt_blocks(k->rk_enc, c, c, 1);
        memcpy(out + i, c, 16);
    }
    return CCF_OK;
}

/* see ccf_sm4.h */
void ccf_sm4_cbc_encrypt_pad(const ccf_sm4_key *k, const uint8_t iv[16], const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t last[16];
    size_t full = len & ~(size_t)15, r = len - full;
    uint8_t pad = (uint8_t)(16 - r);
    memcpy(last, in + full, r);
    memset(last + r, pad, 16 - r);
    ccf_sm4_cbc_encrypt(k, iv, in, out, full);
    ccf_sm4_cbc_encrypt(k, full ? out + full - 16 : iv, last, out + full, 16);
    ccf_memzero(last, sizeof(last));
}

/* see ccf_sm4.h */
int ccf_sm4_cbc_decrypt(const ccf_sm4_key *k, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len)
{
    uint8_t tmp[CHUNK * 16], prev[16], next[16];
    size_t nb, n, i;
    if (len % 16)
        return CCF_ERR_LENGTH;
    memcpy(prev, iv, 16);
    for (nb = len / 16; nb; nb -= n) {
        n = nb < CHUNK ? nb : CHUNK;
        k->impl->encrypt_blocks(k->rk_dec, in, tmp, n);
        memcpy(next, in + 16 * (n - 1), 16);
        /* backwards, so that in place the previous ciphertext block is still unread-over */
        for (i = n - 1; i > 0; i--)
            xor16(out + 16 * i, tmp + 16 * i, in + 16 * (i - 1));
        xor16(out, tmp, prev);
        memcpy(prev, next, 16);
        in += 16 * n;
        out += 16 * n;
    }
    ccf_memzero(tmp, sizeof(tmp));
    return CCF_OK;
}

/* The value x, hidden from the optimiser: without it GCC turns the mask arithmetic of the
 * padding check back into a loop bounded by the (secret) pad byte (found by ctgrind_sm4.c). */
CCF_INLINE uint32_t opaque32(uint32_t x)
{
#if defined(CCF_MSVC)
    volatile uint32_t v = x;
    return v;
#else
    __asm__("" : "+r"(x));
    return x;
#endif
}

/* see ccf_sm4.h */
int ccf_sm4_pkcs7_unpad(const uint8_t *buf, size_t len, size_t *out_len)
{
    /* Look at all 16 bytes of the last block whatever the pad byte says: byte i (counted
     * from the end, 1..16) must equal pad when i <= pad; pad must be in 1..16. */
    uint32_t pad, bad, i;
    *out_len = 0;
    if (len == 0 || len % 16)
        return CCF_ERR_PADDING;
    pad = opaque32(buf[len - 1]);
    bad = ccf_ct_is_zero32(pad) | ccf_ct_lt32(16, pad);
    for (i = 1; i <= 16; i++) {
        uint32_t in_pad = ~ccf_ct_lt32(pad, opaque32(i));   /* i <= pad */
        bad |= in_pad & ~ccf_ct_eq32(buf[len - i], pad);
    }
    bad = opaque32(bad);
    /* no branch here: the caller branches on the verdict, which padding oracles aside is
     * what the caller reports anyway (one undifferentiated error) */
    *out_len = (len - pad) & ~(size_t)(int32_t)bad;
    return (int)(CCF_ERR_PADDING & bad);
}

/* Big-endian 64-bit store as one byte-swapped word where the host is little-endian (the
 * counter blocks are written 64 at a time; byte-wise stores stall the load that follows). */
CCF_INLINE void put64_be(uint8_t *p, uint64_t v)
{
#if (defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) || defined(CCF_MSVC)
    v = ccf_bswap64(v);
    memcpy(p, &v, 8);
#else
    ccf_store64_be(p, v);
#endif
}

CCF_INLINE void ctr_run(const ccf_sm4_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out,
                        size_t len, int wide)
{
    uint8_t ks[CHUNK * 16];
    uint64_t hi = ccf_load64_be(ctr), lo = ccf_load64_be(ctr + 8);
    while (len) {
        size_t n = (len + 15) / 16, i, take;
        if (n > CHUNK)
            n = CHUNK;
        for (i = 0; i < n; i++) {
            put64_be(ks + 16 * i, hi);
            put64_be(ks + 16 * i + 8, lo);
            if (wide) {
                lo++;
                hi += (uint64_t)(lo == 0);
            } else {
                lo = (lo & 0xFFFFFFFF00000000ull) | (uint32_t)(lo + 1);
            }
        }
        k->impl->encrypt_blocks(k->rk_enc, ks, ks, n);
        take = len < 16 * n ? len : 16 * n;
        for (i = 0; i + 16 <= take; i += 16)
            xor16(out + i, in + i, ks + i);
        for (; i < take; i++)
            out[i] = in[i] ^ ks[i];
        in += take;
        out += take;
        len -= take;
    }
    ccf_store64_be(ctr, hi);
    ccf_store64_be(ctr + 8, lo);
    ccf_memzero(ks, sizeof(ks));
}

/* see ccf_sm4.h */
void ccf_sm4_ctr128(const ccf_sm4_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    ctr_run(k, ctr, in, out, len, 1);
}

/* see ccf_sm4.h */
void ccf_sm4_ctr32(const ccf_sm4_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    ctr_run(k, ctr, in, out, len, 0);
}
