/* AES-GCM over many messages: kernel choice and the single-message path.  See ccf_gcm_many.h. */
#include "ccf_gcm_many.h"
#include "ghash_impls.h"

#if defined(CCF_HAVE_X86_INTRIN)
extern const ccf_gcm_bulk ccf_gcm_bulk_vaes_avx512;                     /* gcm_x86_bulk.c */
/* Jobs all short, 12-byte nonce, AAD <= 16, keys of the VAES-512 kernel and the same rounds. */
void ccf_aes_gcm_vaes512_many(ccf_aes_gcm_job *jobs, size_t n);         /* gcm_many_x86.c */
#endif

static int fast(const ccf_aes_gcm_job *j)
{
#if defined(CCF_HAVE_X86_INTRIN)
    return j->key->bulk == &ccf_gcm_bulk_vaes_avx512 && j->nonce_len == 12 && j->aad_len <= 16 &&
           j->len <= CCF_GCM_MANY_SHORT_MAX;
#else
    (void)j;
    return 0;
#endif
}

/* see ccf_gcm_many.h */
const char *ccf_aes_gcm_many_name(const ccf_aes_gcm *key)
{
#if defined(CCF_HAVE_X86_INTRIN)
    if (key->bulk == &ccf_gcm_bulk_vaes_avx512)
        return "vaes-avx512-many";
#endif
    (void)key;
    return "serial";
}

/* see ccf_gcm_many.h */
const char *ccf_aes_gcm_many_best_name(void)
{
#if defined(CCF_HAVE_X86_INTRIN)
    const ccf_gcm_bulk *b = &ccf_gcm_bulk_vaes_avx512;
    if (b->supported() && ccf_aes_best() == b->aes && ccf_ghash_best() == b->ghash)
        return "vaes-avx512-many";
#endif
    return "serial";
}

CCF_INLINE void inc32(uint8_t ctr[16])
{
    ccf_store32_be(ctr + 12, ccf_load32_be(ctr + 12) + 1);
}

/* One job without verification (SP 800-38D 7.1 and 7.2 steps 1-6, the tag compared by the
 * caller): J0 from the nonce, GHASH over A || C || lengths, E_K(J0), then CTR from inc32(J0). */
static void one(ccf_aes_gcm_job *j)
{
    const ccf_aes_gcm *g = j->key;
    uint8_t j0[16], ctr[16], ek[16], y[16] = {0}, lens[16];
    int i;
    if (!j->decrypt) {
        j->rc = ccf_aes_gcm_encrypt(g, j->nonce, j->nonce_len, j->aad, j->aad_len, j->in, j->len,
                                    j->out, j->tag);
        return;
    }
    if (j->nonce_len == 0) {
        j->rc = CCF_ERR_NONCE;
        return;
    }
#if SIZE_MAX > 0xFFFFFFFFu
    if ((uint64_t)j->len > CCF_GCM_MAX_PLAINTEXT) {
        j->rc = CCF_ERR_LENGTH;
        return;
    }
#endif
    if (j->nonce_len == 12) {
        memcpy(j0, j->nonce, 12);
        j0[12] = 0; j0[13] = 0; j0[14] = 0; j0[15] = 1;
    } else {
        memset(j0, 0, 16);
        memset(lens, 0, 16);
        ccf_ghash_update(&g->ghash, j0, j->nonce, j->nonce_len);
        ccf_store64_be(lens + 8, (uint64_t)j->nonce_len * 8);
        ccf_ghash_update(&g->ghash, j0, lens, 16);
    }
    if (j->aad_len)
        ccf_ghash_update(&g->ghash, y, j->aad, j->aad_len);
    if (j->len)
        ccf_ghash_update(&g->ghash, y, j->in, j->len);
    ccf_store64_be(lens, (uint64_t)j->aad_len * 8);
    ccf_store64_be(lens + 8, (uint64_t)j->len * 8);
    ccf_ghash_update(&g->ghash, y, lens, 16);
    ccf_aes_encrypt_blocks(&g->aes, j0, ek, 1);
    for (i = 0; i < 16; i++)
        j->tag[i] = (uint8_t)(y[i] ^ ek[i]);
    memcpy(ctr, j0, 16);
    inc32(ctr);
    if (j->len)
        ccf_aes_ctr32(&g->aes, ctr, j->in, j->out, j->len);
    ccf_memzero(ek, sizeof(ek));
    ccf_memzero(y, sizeof(y));
    j->rc = CCF_OK;
}

/* see ccf_gcm_many.h */
int ccf_aes_gcm_crypt_many(ccf_aes_gcm_job *jobs, size_t n)
{
    size_t i = 0, j;
    int rc = CCF_OK;
    while (i < n) {
        if (!fast(&jobs[i])) {
            one(&jobs[i]);
            if (jobs[i].rc != CCF_OK && rc == CCF_OK)
                rc = jobs[i].rc;
            i++;
            continue;
        }
#if defined(CCF_HAVE_X86_INTRIN)
        for (j = i + 1; j < n && fast(&jobs[j]) && jobs[j].key->aes.rounds == jobs[i].key->aes.rounds; j++)
            ;
        ccf_aes_gcm_vaes512_many(jobs + i, j - i);
        i = j;
#else
        (void)j;
#endif
    }
    return rc;
}
