/*
 * fpe_ctx.c - FF1/FF3-1 contexts: keying, the length limits of SP 800-38G Rev. 1, the
 * per-radix tables, and the dispatch of ccf_fpe_crypt / ccf_fpe_crypt_many.  See ccf_fpe.h.
 */
#include "fpe_internal.h"

/* FF1's P block (Algorithm 7 step 5) for length n and tweak length t. */
void fpe_ff1_p_block(uint32_t radix, size_t n, size_t t, uint8_t p[16]);

void fpe_ff1_p_block(uint32_t radix, size_t n, size_t t, uint8_t p[16])
{
    p[0] = 1; p[1] = 2; p[2] = 1;
    p[3] = (uint8_t)(radix >> 16); p[4] = (uint8_t)(radix >> 8); p[5] = (uint8_t)radix;
    p[6] = 10;
    p[7] = (uint8_t)((n / 2) & 0xFF);
    ccf_store32_be(p + 8, (uint32_t)n);
    ccf_store32_be(p + 12, (uint32_t)t);
}

/* radix^k <= limit_hi * 2^64 + limit_lo for the largest k (128-bit arithmetic, public). */
static unsigned max_power_at_most(uint32_t radix, uint64_t limit_hi, uint64_t limit_lo)
{
    uint64_t hi = 0, lo = 1;
    unsigned k = 0;
    for (;;) {
        uint64_t h2, l2 = fpe_mul64(lo, radix, &h2);
        uint64_t nhi = hi * radix + h2;
        if (hi > (~(uint64_t)0) / radix || nhi < h2)
            return k;                                   /* overflowed 128 bits */
        if (nhi > limit_hi || (nhi == limit_hi && l2 > limit_lo))
            return k;
        hi = nhi;
        lo = l2;
        k++;
    }
}

static unsigned bitlen64(uint64_t x)
{
    unsigned b = 0;
    while (x) {
        b++;
        x >>= 1;
    }
    return b;
}

/* see ccf_fpe.h */
int ccf_fpe_init(ccf_fpe_ctx *c, int algo, int cipher, const uint8_t *key, size_t key_len,
                 uint32_t radix, const void *impl)
{
    uint8_t rkey[32];
    const uint8_t *k = key;
    size_t i;
    int rc;
    uint64_t pw;
    unsigned m;

    if (algo != CCF_FPE_FF1 && algo != CCF_FPE_FF3_1)
        return CCF_ERR_PARAM;
    if (radix < 2 || radix > CCF_FPE_MAX_RADIX)
        return CCF_ERR_PARAM;
    if (cipher == CCF_FPE_AES) {
        if (key_len != 16 && key_len != 24 && key_len != 32)
            return CCF_ERR_KEY_LENGTH;
    } else if (cipher == CCF_FPE_SM4) {
        if (key_len != 16)
            return CCF_ERR_KEY_LENGTH;
    } else {
        return CCF_ERR_PARAM;
    }
    memset(c, 0, sizeof(*c));
    if (algo == CCF_FPE_FF3_1) {                 /* FF3-1 runs CIPH under REVB(K) */
        for (i = 0; i < key_len; i++)
            rkey[i] = key[key_len - 1 - i];
        k = rkey;
    }
    if (cipher == CCF_FPE_AES) {
        const ccf_aes_impl *best = impl ? (const ccf_aes_impl *)impl : ccf_aes_best();
        rc = ccf_aes_init_impl(&c->key.aes, k, key_len, best);
        if (rc == CCF_OK && !impl && strncmp(best->name, "vaes", 4) == 0) {
            const ccf_aes_impl *const *t = ccf_aes_impls();
            for (i = 0; t[i]; i++)
                if (strcmp(t[i]->name, "aesni") == 0 && t[i]->supported())
                    c->has_aes1 = ccf_aes_init_impl(&c->aes1, k, key_len, t[i]) == CCF_OK;
        }
    } else
        rc = ccf_sm4_init_impl(&c->key.sm4, k, key_len,
                               impl ? (const ccf_sm4_impl *)impl : ccf_sm4_best());
    ccf_memzero(rkey, sizeof(rkey));
    if (rc != CCF_OK) {
        ccf_memzero(c, sizeof(*c));
        return rc;
    }
    c->algo = algo;
    c->cipher = cipher;
    c->radix = radix;

    /* radix^m < 2^64 for m <= fast_m */
    c->fast_m = max_power_at_most(radix, 0, ~(uint64_t)0);
    if (c->fast_m > 64)
        c->fast_m = 64;
    pw = 1;
    for (m = 1; m <= c->fast_m; m++) {
        pw *= radix;
        fpe_divisor_init(&c->pow[m], pw);
        /* b = ceil(ceil(m * log2(radix)) / 8) = ceil(bitlen(radix^m - 1) / 8) */
        c->ff1_b[m] = (uint8_t)((bitlen64(pw - 1) + 7) / 8);
    }
    fpe_divisor_init(&c->rdiv, radix);
    c->lemire = (~(uint64_t)0) / radix + 1;
    c->lemire_digits = max_power_at_most(radix, 0, (uint64_t)1 << 32);   /* radix^j <= 2^32 */
    c->chunk_k = max_power_at_most(radix, 0, 0xFFFFFFFFu);        /* radix^k < 2^32 */
    pw = 1;
    for (m = 0; m < c->chunk_k; m++)
        pw *= radix;
    fpe_divisor_init(&c->chunk, pw);

    /* Rev. 1: radix^minlen >= 1,000,000 and minlen >= 2 */
    c->minlen = max_power_at_most(radix, 0, 999999) + 1;
    if (c->minlen < 2)
        c->minlen = 2;
    if (algo == CCF_FPE_FF1)
        c->maxlen = CCF_FF1_MAXLEN;
    else
        c->maxlen = 2 * max_power_at_most(radix, (uint64_t)1 << 32, 0);  /* 2 floor(log_radix 2^96) */

    if (algo == CCF_FPE_FF1) {
        /* CIPH_K(P) for an empty tweak and each length the 64-bit path takes */
        size_t n, lo = c->minlen, hi = CCF_FPE_FAST_N;
        if (hi > 2 * (size_t)c->fast_m)
            hi = 2 * (size_t)c->fast_m;
        for (n = lo; n <= hi; n++)
            fpe_ff1_p_block(radix, n, 0, c->ff1_p0[n]);
        if (hi >= lo)
            fpe_ciph(c, c->ff1_p0[lo], c->ff1_p0[lo], hi - lo + 1);
    }
    return CCF_OK;
}

/* see ccf_fpe.h */
const char *ccf_fpe_impl_name(const ccf_fpe_ctx *c)
{
    return c->cipher == CCF_FPE_AES ? c->key.aes.impl->name : c->key.sm4.impl->name;
}

/* see ccf_fpe.h */
void ccf_fpe_wipe(ccf_fpe_ctx *c)
{
    ccf_memzero(c, sizeof(*c));
}

static int check_common(const ccf_fpe_ctx *c, size_t tweak_len)
{
    if (c->algo == CCF_FPE_FF1)
        return tweak_len <= CCF_FF1_MAX_TWEAK ? CCF_OK : CCF_ERR_PARAM;
    return tweak_len == CCF_FF3_1_TWEAK ? CCF_OK : CCF_ERR_PARAM;
}

/* see ccf_fpe.h */
int ccf_fpe_crypt(const ccf_fpe_ctx *c, int decrypt, const uint8_t *tweak, size_t tweak_len,
                  const uint16_t *in, uint16_t *out, size_t n)
{
    int ok, rc = check_common(c, tweak_len);
    if (rc != CCF_OK)
        return rc;
    if (n < c->minlen || n > c->maxlen)
        return CCF_ERR_LENGTH;
    ok = fpe_numerals_ok(c, in, n);
    CCF_DECLASSIFY(&ok, sizeof(ok));                 /* the verdict is public */
    if (!ok)
        return CCF_ERR_PARAM;
    if (c->algo == CCF_FPE_FF1)
        return ccf_ff1_crypt(c, decrypt, tweak, tweak_len, in, out, n);
    return ccf_ff3_1_crypt(c, decrypt, tweak, in, out, n);
}

/* see ccf_fpe.h */
int ccf_fpe_crypt_many(const ccf_fpe_ctx *c, int decrypt, const uint8_t *tweak, size_t tweak_len,
                       const uint16_t *in, uint16_t *out, const uint32_t *lens, size_t count,
                       size_t *bad)
{
    size_t i, off = 0;
    int rc = check_common(c, tweak_len);
    if (rc != CCF_OK)
        return rc;
    for (i = 0; i < count; i++) {
        int ok = lens[i] >= c->minlen && lens[i] <= c->maxlen;
        if (ok) {
            ok = fpe_numerals_ok(c, in + off, lens[i]);
            CCF_DECLASSIFY(&ok, sizeof(ok));         /* the verdict is public */
        }
        if (!ok) {
            if (bad)
                *bad = i;
            return lens[i] < c->minlen || lens[i] > c->maxlen ? CCF_ERR_LENGTH : CCF_ERR_PARAM;
        }
        off += lens[i];
    }
    if (c->algo == CCF_FPE_FF1)
        return ccf_ff1_crypt_many(c, decrypt, tweak, tweak_len, in, out, lens, count, bad);
    return ccf_ff3_1_crypt_many(c, decrypt, tweak, in, out, lens, count, bad);
}
