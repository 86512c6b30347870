/* Counter mode over many messages: kernel choice per key implementation.  See ccf_aes_many.h. */
#include "ccf_aes_many.h"
#include "aes_impls.h"

typedef void (*ctr_many_fn)(const ccf_aes_ctr_job *jobs, size_t n);

#if defined(CCF_HAVE_X86_INTRIN)
void ccf_aes_vaes512_ctr128_many(const ccf_aes_ctr_job *jobs, size_t n);   /* aes_many_x86.c */
void ccf_aes_aesni_ctr128_many(const ccf_aes_ctr_job *jobs, size_t n);     /* aes_many_x86.c */
#endif

static ctr_many_fn kernel_for(const ccf_aes_impl *impl, const char **name)
{
#if defined(CCF_HAVE_X86_INTRIN)
    if (impl == &ccf_aes_impl_vaes_avx512) {
        *name = "vaes-avx512-many";
        return ccf_aes_vaes512_ctr128_many;
    }
    if (impl == &ccf_aes_impl_aesni || impl == &ccf_aes_impl_vaes_avx2) {
        *name = "aesni-many";
        return ccf_aes_aesni_ctr128_many;
    }
#endif
    (void)impl;
    *name = "serial";
    return NULL;
}

/* see ccf_aes_many.h */
const char *ccf_aes_ctr128_many_name(const ccf_aes_impl *impl)
{
    const char *name;
    (void)kernel_for(impl, &name);
    return name;
}

/* One job through the key's own ctr128 (the counter copied: jobs are not updated). */
static void one(const ccf_aes_ctr_job *j)
{
    uint8_t ctr[16];
    memcpy(ctr, j->ctr, 16);
    if (!j->in) {
        memset(j->out, 0, j->len);
        ccf_aes_ctr128(j->key, ctr, j->out, j->out, j->len);
    } else {
        ccf_aes_ctr128(j->key, ctr, j->in, j->out, j->len);
    }
}

/* see ccf_aes_many.h */
void ccf_aes_ctr128_many(const ccf_aes_ctr_job *jobs, size_t n)
{
    size_t i = 0, j;
    if (n == 1) {                        /* no pass for one message */
        one(&jobs[0]);
        return;
    }
    while (i < n) {
        const char *name;
        ctr_many_fn k = kernel_for(jobs[i].key->impl, &name);
        if (!k) {
            one(&jobs[i++]);
            continue;
        }
        for (j = i + 1; j < n && jobs[j].key->impl == jobs[i].key->impl; j++)
            ;
        k(jobs + i, j - i);
        i = j;
    }
}

/* Used by the kernels for a job whose counter would carry out of its low 32 bits. */
void ccf_aes_ctr128_one(const ccf_aes_ctr_job *j);
void ccf_aes_ctr128_one(const ccf_aes_ctr_job *j)
{
    one(j);
}
