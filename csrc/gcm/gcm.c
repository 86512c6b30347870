/*
 * Galois/Counter Mode, NIST SP 800-38D.  See ccf_gcm.h.
 *
 * The generic functions take any 128-bit block cipher through ccf_gcm_cipher (SM4-GCM uses
 * them); AES-GCM adds the stitched bulk kernels of ghash_impls.h where the CPU has them.
 */
#include "ccf_gcm.h"
#include "ccf_gcm_many.h"
#include "ghash_impls.h"

/* SP 800-38D 5.2.1.1: len(P) <= 2^39 - 256 bits, len(A) <= 2^64 - 1 bits, len(IV) likewise. */
static int check_lengths(size_t nonce_len, size_t aad_len, size_t len)
{
    if (nonce_len == 0)
        return CCF_ERR_NONCE;
#if SIZE_MAX > 0xFFFFFFFFu
    if ((uint64_t)len > CCF_GCM_MAX_PLAINTEXT)
        return CCF_ERR_LENGTH;
#endif
#if SIZE_MAX > 0x1FFFFFFFFFFFFFFFu
    if ((uint64_t)aad_len >> 61 || (uint64_t)nonce_len >> 61)
        return CCF_ERR_LENGTH;
#else
    (void)aad_len;
#endif
    return CCF_OK;
}

/* Pre-counter block J0 (SP 800-38D 7.1 step 2). */
static void gcm_j0(const ccf_ghash_key *gh, const uint8_t *nonce, size_t nonce_len, uint8_t j0[16])
{
    if (nonce_len == 12) {
        memcpy(j0, nonce, 12);
        j0[12] = 0; j0[13] = 0; j0[14] = 0; j0[15] = 1;
    } else {
        uint8_t lens[16] = {0};
        memset(j0, 0, 16);
        ccf_ghash_update(gh, j0, nonce, nonce_len);          /* IV || 0^s, zero-padded */
        ccf_store64_be(lens + 8, (uint64_t)nonce_len * 8);   /* 0^64 || [len(IV)]64 */
        ccf_ghash_update(gh, j0, lens, 16);
    }
}

CCF_INLINE void inc32(uint8_t ctr[16])
{
    ccf_store32_be(ctr + 12, ccf_load32_be(ctr + 12) + 1);
}

/* Fold [len(A)]64 || [len(C)]64 into y and produce the tag T = GCTR(J0, S) (7.1 steps 5-6). */
static void gcm_finish(const ccf_ghash_key *gh, uint8_t y[16], size_t aad_len, size_t len,
                       const uint8_t ek_j0[16], uint8_t tag[16])
{
    uint8_t lens[16];
    int i;
    ccf_store64_be(lens, (uint64_t)aad_len * 8);
    ccf_store64_be(lens + 8, (uint64_t)len * 8);
    ccf_ghash_update(gh, y, lens, 16);
    for (i = 0; i < 16; i++)
        tag[i] = (uint8_t)(y[i] ^ ek_j0[i]);
}

static int tag_len_ok(size_t tag_len)
{
    return tag_len == 4 || tag_len == 8 || (tag_len >= 12 && tag_len <= 16);
}

/*
 * Small messages (RTP payloads): the fixed cost of each kernel call dominates, so E_K(J0) and
 * every keystream block come from one cipher call (CTR over zeros from J0, or ECB of the
 * counter blocks), and GHASH runs once over
 * A || 0* || C || 0* || [len(A)]64 || [len(C)]64 assembled on the stack (SP 800-38D 7.1 step 5).
 */
#define GCM_SMALL 256                       /* plaintext bytes */
#define GCM_SMALL_AAD 128                   /* RTP header with CSRCs and extensions */

/* y = GHASH(A || 0* || C || 0* || lengths) in one call. */
static void small_ghash(const ccf_ghash_key *gh, uint8_t y[16], const uint8_t *aad, size_t aad_len,
                        const uint8_t *c, size_t len)
{
    uint8_t buf[GCM_SMALL_AAD + GCM_SMALL + 16];
    size_t pa = (aad_len + 15) & ~(size_t)15, pc = (len + 15) & ~(size_t)15;
    if (aad_len) {
        memcpy(buf, aad, aad_len);
        memset(buf + aad_len, 0, pa - aad_len);
    }
    if (len) {
        memcpy(buf + pa, c, len);
        memset(buf + pa + len, 0, pc - len);
    }
    ccf_store64_be(buf + pa + pc, (uint64_t)aad_len * 8);
    ccf_store64_be(buf + pa + pc + 8, (uint64_t)len * 8);
    memset(y, 0, 16);
    ccf_ghash_update(gh, y, buf, pa + pc + 16);
}

/* ---- generic block cipher ---------------------------------------------------------------- */

/* see ccf_gcm.h */
int ccf_gcm_seal(const ccf_gcm_cipher *c, const ccf_ghash_key *gh,
                 const uint8_t *nonce, size_t nonce_len, const uint8_t *aad, size_t aad_len,
                 const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    uint8_t j0[16], ctr[16], ek_j0[16], y[16] = {0};
    int rc = check_lengths(nonce_len, aad_len, len);
    if (rc != CCF_OK)
        return rc;
    gcm_j0(gh, nonce, nonce_len, j0);
    if (len <= GCM_SMALL && aad_len <= GCM_SMALL_AAD) {
        uint8_t sks[16 + GCM_SMALL];
        size_t i, n = 16 + ((len + 15) & ~(size_t)15);
        memset(sks, 0, n);
        c->ctr32(c->key, j0, sks, sks, n);              /* E_K(J0), then the keystream */
        for (i = 0; i < len; i++)
            out[i] = (uint8_t)(in[i] ^ sks[16 + i]);
        small_ghash(gh, y, aad, aad_len, out, len);
        for (i = 0; i < 16; i++)
            tag[i] = (uint8_t)(y[i] ^ sks[i]);
        ccf_memzero(sks, n);
        return CCF_OK;
    }
    memcpy(ctr, j0, 16);
    inc32(ctr);
    if (len)
        c->ctr32(c->key, ctr, in, out, len);
    if (aad_len)
        ccf_ghash_update(gh, y, aad, aad_len);
    if (len)
        ccf_ghash_update(gh, y, out, len);
    c->encrypt_block(c->key, j0, ek_j0);
    gcm_finish(gh, y, aad_len, len, ek_j0, tag);
    ccf_memzero(ek_j0, sizeof(ek_j0));
    return CCF_OK;
}

/* see ccf_gcm.h */
int ccf_gcm_open(const ccf_gcm_cipher *c, const ccf_ghash_key *gh,
                 const uint8_t *nonce, size_t nonce_len, const uint8_t *aad, size_t aad_len,
                 const uint8_t *in, size_t len, const uint8_t *tag, size_t tag_len, uint8_t *out)
{
    uint8_t j0[16], ctr[16], ek_j0[16], y[16] = {0}, want[16];
    int rc = check_lengths(nonce_len, aad_len, len);
    if (rc != CCF_OK)
        return rc;
    if (!tag_len_ok(tag_len))
        return CCF_ERR_PARAM;
    gcm_j0(gh, nonce, nonce_len, j0);
    if (len <= GCM_SMALL && aad_len <= GCM_SMALL_AAD) {
        uint8_t sks[16 + GCM_SMALL];
        size_t i, n = 16 + ((len + 15) & ~(size_t)15);
        small_ghash(gh, y, aad, aad_len, in, len);      /* authenticate first */
        memset(sks, 0, n);
        c->ctr32(c->key, j0, sks, sks, n);
        for (i = 0; i < 16; i++)
            want[i] = (uint8_t)(y[i] ^ sks[i]);
        rc = ccf_ct_memcmp(want, tag, tag_len) == 0 ? CCF_OK : CCF_ERR_AUTH;
        if (rc == CCF_OK) {
            for (i = 0; i < len; i++)
                out[i] = (uint8_t)(in[i] ^ sks[16 + i]);
        } else if (len) {
            ccf_memzero(out, len);
        }
        ccf_memzero(sks, n);
        ccf_memzero(want, sizeof(want));
        return rc;
    }
    /* Authenticate first: no plaintext exists before the tag is known to be right. */
    if (aad_len)
        ccf_ghash_update(gh, y, aad, aad_len);
    if (len)
        ccf_ghash_update(gh, y, in, len);
    c->encrypt_block(c->key, j0, ek_j0);
    gcm_finish(gh, y, aad_len, len, ek_j0, want);
    rc = ccf_ct_memcmp(want, tag, tag_len) == 0 ? CCF_OK : CCF_ERR_AUTH;
    ccf_memzero(ek_j0, sizeof(ek_j0));
    ccf_memzero(want, sizeof(want));
    if (rc != CCF_OK) {
        if (len)
            ccf_memzero(out, len);
        return rc;
    }
    memcpy(ctr, j0, 16);
    inc32(ctr);
    if (len)
        c->ctr32(c->key, ctr, in, out, len);
    return CCF_OK;
}

/* ---- AES-GCM ----------------------------------------------------------------------------- */

static const ccf_gcm_bulk *find_bulk(const ccf_aes_impl *aes, const ccf_ghash_impl *gh)
{
    size_t i;
    for (i = 0; ccf_gcm_bulk_kernels[i]; i++)
        if (ccf_gcm_bulk_kernels[i]->aes == aes && ccf_gcm_bulk_kernels[i]->ghash == gh &&
            ccf_gcm_bulk_kernels[i]->supported())
            return ccf_gcm_bulk_kernels[i];
    return NULL;
}

/* dst = a, or a "+" b when b is not empty (truncated to fit). */
static void set_name(char *dst, size_t cap, const char *a, const char *b)
{
    size_t n = 0;
    while (*a && n + 1 < cap)
        dst[n++] = *a++;
    if (*b && n + 1 < cap)
        dst[n++] = '+';
    while (*b && n + 1 < cap)
        dst[n++] = *b++;
    dst[n] = 0;
}

/* see ccf_gcm.h */
int ccf_aes_gcm_init_impl(ccf_aes_gcm *g, const uint8_t *key, size_t key_len,
                          const ccf_aes_impl *aes, const ccf_ghash_impl *ghash)
{
    uint8_t h[16] = {0};
    int rc = ccf_aes_init_impl(&g->aes, key, key_len, aes);
    if (rc != CCF_OK)
        return rc;
    ccf_aes_encrypt_blocks(&g->aes, h, h, 1);              /* H = E_K(0^128) */
    rc = ccf_ghash_init_impl(&g->ghash, h, ghash);
    ccf_memzero(h, sizeof(h));
    if (rc != CCF_OK) {
        ccf_aes_wipe(&g->aes);
        return rc;
    }
    g->bulk = find_bulk(aes, ghash);
    if (g->bulk)
        set_name(g->name, sizeof(g->name), g->bulk->name, "");
    else
        set_name(g->name, sizeof(g->name), aes->name, ghash->name);
    return CCF_OK;
}

/* see ccf_gcm.h */
int ccf_aes_gcm_init(ccf_aes_gcm *g, const uint8_t *key, size_t key_len)
{
    return ccf_aes_gcm_init_impl(g, key, key_len, ccf_aes_best(), ccf_ghash_best());
}

/* Bulk data goes through CTR and GHASH in chunks small enough to stay in L1 between the two
 * passes; a multiple of 256 keeps the GHASH kernels on their 16-block stride. */
#define GCM_CHUNK 4096

/*
 * Without a stitched kernel, E_K(J0) and the first keystream blocks (up to 3) are computed in
 * one encrypt_blocks call: the portable code encrypts four blocks at the price of one, so a
 * 172-byte RTP payload costs three four-block passes instead of four.  Returns the number of
 * leading bytes of `in` the keystream in ks[16..64) covers.
 */
static size_t first_blocks(const ccf_aes_gcm *g, const uint8_t j0[16], uint8_t ctr[16], size_t len,
                           uint8_t ks[64])
{
    size_t first = len < 48 ? len : 48, nb = (first + 15) / 16, i;
    memcpy(ks, j0, 16);
    for (i = 1; i <= nb; i++) {
        memcpy(ks + 16 * i, ctr, 16);
        inc32(ctr);
    }
    g->aes.impl->encrypt_blocks(&g->aes, ks, ks, 1 + nb);
    return first;
}

/* ks[0..16) = E_K(J0), ks[16..16 + len) = keystream from inc32(J0). */
static void small_keystream(const ccf_aes_gcm *g, const uint8_t j0[16], size_t len,
                            uint8_t ks[16 + GCM_SMALL])
{
    size_t nb = (len + 15) / 16, i;
    uint32_t c = ccf_load32_be(j0 + 12);
    memcpy(ks, j0, 16);
    for (i = 1; i <= nb; i++) {
        memcpy(ks + 16 * i, j0, 12);
        ccf_store32_be(ks + 16 * i + 12, c + (uint32_t)i);
    }
    g->aes.impl->encrypt_blocks(&g->aes, ks, ks, 1 + nb);
}

/* see ccf_gcm.h */
int ccf_aes_gcm_encrypt(const ccf_aes_gcm *g, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *aad, size_t aad_len,
                        const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    uint8_t j0[16], ctr[16], ks[64], y[16] = {0};
    size_t done = 0, i;
    int rc = check_lengths(nonce_len, aad_len, len);
    if (rc != CCF_OK)
        return rc;
    gcm_j0(&g->ghash, nonce, nonce_len, j0);
    if (g->bulk && g->bulk->short_msg && len <= CCF_GCM_SHORT_MAX && aad_len <= 16)
        return g->bulk->short_msg(&g->aes, &g->ghash, j0, aad, aad_len, in, out, len, tag, 16, 0);
    if (len <= GCM_SMALL && aad_len <= GCM_SMALL_AAD) {
        /* buf = A || 0* || Z || P || 0* || lengths, Z a zero block: one CTR call from J0 over
         * Z || P leaves E_K(J0) in Z and the ciphertext in place, ready to hash. */
        uint8_t buf[GCM_SMALL_AAD + 16 + GCM_SMALL + 16];
        size_t pa = (aad_len + 15) & ~(size_t)15, pc = (len + 15) & ~(size_t)15;
        uint8_t *z = buf + pa, *c = z + 16;
        if (aad_len) {
            memcpy(buf, aad, aad_len);
            memset(buf + aad_len, 0, pa - aad_len);
        }
        memset(z, 0, 16);
        if (len)
            memcpy(c, in, len);
        memset(c + len, 0, pc - len);
        memcpy(ctr, j0, 16);
        g->aes.impl->ctr32(&g->aes, ctr, z, z, 16 + len);
        if (len)
            memcpy(out, c, len);
        ccf_store64_be(c + pc, (uint64_t)aad_len * 8);
        ccf_store64_be(c + pc + 8, (uint64_t)len * 8);
        if (pa)
            ccf_ghash_update(&g->ghash, y, buf, pa);
        ccf_ghash_update(&g->ghash, y, c, pc + 16);
        for (i = 0; i < 16; i++)
            tag[i] = (uint8_t)(y[i] ^ z[i]);
        ccf_memzero(z, 16);
        return CCF_OK;
    }
    memcpy(ctr, j0, 16);
    inc32(ctr);
    if (aad_len)
        ccf_ghash_update(&g->ghash, y, aad, aad_len);
    if (g->bulk) {
        if (len >= 256)
            done = g->bulk->encrypt(&g->aes, &g->ghash, ctr, y, in, out, len);
        g->aes.impl->encrypt_blocks(&g->aes, j0, ks, 1);
    } else {
        done = first_blocks(g, j0, ctr, len, ks);
        for (i = 0; i < done; i++)
            out[i] = (uint8_t)(in[i] ^ ks[16 + i]);
        if (done)                                   /* 48 bytes, or all of a short message */
            ccf_ghash_update(&g->ghash, y, out, done);
    }
    while (done < len) {
        size_t n = len - done < GCM_CHUNK ? len - done : GCM_CHUNK;
        g->aes.impl->ctr32(&g->aes, ctr, in + done, out + done, n);
        ccf_ghash_update(&g->ghash, y, out + done, n);
        done += n;
    }
    gcm_finish(&g->ghash, y, aad_len, len, ks, tag);
    ccf_memzero(ks, sizeof(ks));
    return CCF_OK;
}

/* Decryption past the short paths: each chunk is hashed before it is decrypted (so in == out
 * works); out receives the plaintext and want the tag of the ciphertext, nothing verified. */
static void decrypt_long(const ccf_aes_gcm *g, const uint8_t j0[16], const uint8_t *aad, size_t aad_len,
                         const uint8_t *in, size_t len, uint8_t *out, uint8_t want[16])
{
    uint8_t ctr[16], ks[64], y[16] = {0};
    size_t done = 0, i;
    memcpy(ctr, j0, 16);
    inc32(ctr);
    if (aad_len)
        ccf_ghash_update(&g->ghash, y, aad, aad_len);
    if (g->bulk) {
        if (len >= 256)
            done = g->bulk->decrypt(&g->aes, &g->ghash, ctr, y, in, out, len);
        g->aes.impl->encrypt_blocks(&g->aes, j0, ks, 1);
    } else {
        done = first_blocks(g, j0, ctr, len, ks);
        if (done)
            ccf_ghash_update(&g->ghash, y, in, done);
        for (i = 0; i < done; i++)
            out[i] = (uint8_t)(in[i] ^ ks[16 + i]);
    }
    while (done < len) {
        size_t n = len - done < GCM_CHUNK ? len - done : GCM_CHUNK;
        ccf_ghash_update(&g->ghash, y, in + done, n);
        g->aes.impl->ctr32(&g->aes, ctr, in + done, out + done, n);
        done += n;
    }
    gcm_finish(&g->ghash, y, aad_len, len, ks, want);
    ccf_memzero(ks, sizeof(ks));
    ccf_memzero(y, sizeof(y));
}

/* see ccf_gcm.h */
int ccf_aes_gcm_decrypt(const ccf_aes_gcm *g, const uint8_t *nonce, size_t nonce_len,
                        const uint8_t *aad, size_t aad_len,
                        const uint8_t *in, size_t len, const uint8_t *tag, size_t tag_len,
                        uint8_t *out)
{
    uint8_t j0[16], y[16] = {0}, want[16];
    size_t i;
    int rc = check_lengths(nonce_len, aad_len, len);
    if (rc != CCF_OK)
        return rc;
    if (!tag_len_ok(tag_len))
        return CCF_ERR_PARAM;
    gcm_j0(&g->ghash, nonce, nonce_len, j0);
    if (g->bulk && g->bulk->short_msg && len <= CCF_GCM_SHORT_MAX && aad_len <= 16) {
        rc = g->bulk->short_msg(&g->aes, &g->ghash, j0, aad, aad_len, in, out, len,
                                (uint8_t *)(uintptr_t)tag, tag_len, 1);
        if (rc != CCF_OK && len)
            ccf_memzero(out, len);                  /* as the other paths leave it */
        return rc;
    }
    if (len <= GCM_SMALL && aad_len <= GCM_SMALL_AAD) {
        /* Authenticate first (in may equal out), then decrypt only if the tag is right. */
        uint8_t sks[16 + GCM_SMALL];
        small_ghash(&g->ghash, y, aad, aad_len, in, len);
        small_keystream(g, j0, len, sks);
        for (i = 0; i < 16; i++)
            want[i] = (uint8_t)(y[i] ^ sks[i]);
        rc = ccf_ct_memcmp(want, tag, tag_len) == 0 ? CCF_OK : CCF_ERR_AUTH;
        if (rc == CCF_OK) {
            for (i = 0; i < len; i++)
                out[i] = (uint8_t)(in[i] ^ sks[16 + i]);
        } else if (len) {
            ccf_memzero(out, len);
        }
        ccf_memzero(sks, 16 + ((len + 15) & ~(size_t)15));
        ccf_memzero(want, sizeof(want));
        return rc;
    }
    /* If the tag turns out wrong, everything written is wiped: unauthenticated plaintext never
     * leaves. */
    decrypt_long(g, j0, aad, aad_len, in, len, out, want);
    rc = ccf_ct_memcmp(want, tag, tag_len) == 0 ? CCF_OK : CCF_ERR_AUTH;
    ccf_memzero(want, sizeof(want));
    if (rc != CCF_OK && len)
        ccf_memzero(out, len);
    return rc;
}

/* see ccf_gcm_many.h */
int ccf_aes_gcm_decrypt_unverified(const ccf_aes_gcm *g, const uint8_t *nonce, size_t nonce_len,
                                   const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                                   uint8_t *out, uint8_t tag[16])
{
    uint8_t j0[16], y[16];
    size_t i;
    int rc = check_lengths(nonce_len, aad_len, len);
    if (rc != CCF_OK)
        return rc;
    gcm_j0(&g->ghash, nonce, nonce_len, j0);
    if (g->bulk && g->bulk->short_msg && len <= CCF_GCM_SHORT_MAX && aad_len <= 16)
        return g->bulk->short_msg(&g->aes, &g->ghash, j0, aad, aad_len, in, out, len, tag, 0, 1);
    if (len <= GCM_SMALL && aad_len <= GCM_SMALL_AAD) {
        uint8_t sks[16 + GCM_SMALL];
        small_ghash(&g->ghash, y, aad, aad_len, in, len);      /* before out is written */
        small_keystream(g, j0, len, sks);
        for (i = 0; i < 16; i++)
            tag[i] = (uint8_t)(y[i] ^ sks[i]);
        for (i = 0; i < len; i++)
            out[i] = (uint8_t)(in[i] ^ sks[16 + i]);
        ccf_memzero(sks, 16 + ((len + 15) & ~(size_t)15));
        ccf_memzero(y, sizeof(y));
        return CCF_OK;
    }
    decrypt_long(g, j0, aad, aad_len, in, len, out, tag);
    return CCF_OK;
}

/* see ccf_gcm.h */
const char *ccf_aes_gcm_impl_name(const ccf_aes_gcm *g)
{
    return g->name;
}

/* see ccf_gcm.h */
void ccf_aes_gcm_wipe(ccf_aes_gcm *g)
{
    ccf_memzero(g, sizeof(*g));
}
