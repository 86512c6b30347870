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

/* see ccf_gcm_many.h */
void ccf_aes_gcm_many_one(ccf_aes_gcm_job *j)
{
    if (j->decrypt)
        j->rc = ccf_aes_gcm_decrypt_unverified(j->key, j->nonce, j->nonce_len, j->aad, j->aad_len, j->in,
                                               j->len, j->out, j->tag);
    else
        j->rc = ccf_aes_gcm_encrypt(j->key, j->nonce, j->nonce_len, j->aad, j->aad_len, j->in, j->len,
                                    j->out, j->tag);
}

/* see ccf_gcm_many.h */
int ccf_aes_gcm_crypt_many(ccf_aes_gcm_job *jobs, size_t n)
{
    size_t i = 0, j;
    int rc = CCF_OK;
    if (n == 1) {                        /* every kernel runs a lone job as a single message */
        ccf_aes_gcm_many_one(&jobs[0]);
        return jobs[0].rc;
    }
    while (i < n) {
        if (!fast(&jobs[i])) {
            ccf_aes_gcm_many_one(&jobs[i]);
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
