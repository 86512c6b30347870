/*
 * test_aes_many.c - C driver for counter mode over many messages (csrc/aes/ccf_aes_many.h).
 *
 * For every AES implementation this CPU supports, batches of messages (lengths 0..300, keys of
 * 16, 24 and 32 bytes mixed in one batch, in place or not, keystream only) through
 * ccf_aes_ctr128_many against ccf_aes_ctr128 of the portable ct64 implementation, message by
 * message; counters whose low 32 bits carry within the message (the per-message fallback) and
 * whose low 16 bits start at zero (SRTP AES-CM); the jobs' counters are left unchanged.
 */
#include "ccf_test.h"
#include "ccf_aes_many.h"

static const ccf_aes_impl *named(const char *name)
{
    const ccf_aes_impl *const *l = ccf_aes_impls();
    size_t i;
    for (i = 0; l[i]; i++)
        if (strcmp(l[i]->name, name) == 0)
            return l[i];
    return NULL;
}

static void run(const ccf_aes_impl *impl, size_t n, uint32_t seed)
{
    static uint8_t in[100][320], out[100][320], want[100][320];
    uint8_t keys[3][32], r[8];
    ccf_aes_key k[3], kr[3];
    ccf_aes_ctr_job jobs[100];
    const ccf_aes_impl *ct64 = named("ct64");
    size_t i, bad = 0;
    for (i = 0; i < 3; i++) {
        ccf_test_fill(keys[i], 32, seed + (uint32_t)i);
        ccf_aes_init_impl(&k[i], keys[i], 16 + 8 * i, impl);
        ccf_aes_init_impl(&kr[i], keys[i], 16 + 8 * i, ct64);
    }
    for (i = 0; i < n; i++) {
        uint8_t ctr[16];
        ccf_test_fill(r, sizeof(r), seed * 3 + 7 * (uint32_t)i);
        ccf_test_fill(in[i], 320, seed + 11 * (uint32_t)i);
        memcpy(out[i], in[i], 320);
        jobs[i].key = &k[(seed % 2) ? i % 3 : 0];
        ccf_test_fill(jobs[i].ctr, 16, seed + 13 * (uint32_t)i);
        switch (r[0] % 4) {
        case 0: jobs[i].ctr[14] = jobs[i].ctr[15] = 0; break;                 /* SRTP AES-CM */
        case 1: memset(jobs[i].ctr + 12, 0xFF, 4); jobs[i].ctr[15] = (uint8_t)(0xF8 + r[3] % 8); break;  /* carries */
        default: break;
        }
        jobs[i].len = (size_t)(r[1] | r[2] << 8) % 301;
        jobs[i].in = r[4] % 5 == 0 ? NULL : (r[4] % 5 == 1 ? out[i] : in[i]);   /* keystream / in place */
        jobs[i].out = out[i];
        memcpy(ctr, jobs[i].ctr, 16);
        if (jobs[i].in == NULL)
            memset(want[i], 0, jobs[i].len);
        else
            memcpy(want[i], in[i], jobs[i].len);
        ccf_aes_ctr128(&kr[jobs[i].key - k], ctr, want[i], want[i], jobs[i].len);
    }
    {
        uint8_t saved[100][16];
        for (i = 0; i < n; i++)
            memcpy(saved[i], jobs[i].ctr, 16);
        ccf_aes_ctr128_many(jobs, n);
        for (i = 0; i < n; i++) {
            if ((memcmp(out[i], want[i], jobs[i].len) != 0 || memcmp(out[i] + jobs[i].len, in[i] + jobs[i].len, 320 - jobs[i].len) != 0)
                && bad++ < 3)
                ccf_test_eq(out[i], want[i], jobs[i].len, "multi-message CTR vs ct64");
            if (memcmp(saved[i], jobs[i].ctr, 16) != 0 && bad++ < 3)
                printf("job %zu counter changed\n", i);
        }
    }
    CCF_CHECK(bad == 0, "%s (%s): %zu of %zu messages wrong", impl->name, ccf_aes_ctr128_many_name(impl), bad, n);
}

int main(void)
{
    const ccf_aes_impl *const *impls = ccf_aes_impls();
    size_t i, n;
    ccf_cpu_init();
    CCF_CHECK(named("ct64") != NULL, "ct64 listed");
    for (i = 0; impls[i]; i++) {
        if (!impls[i]->supported()) {
            printf("skip %s (not supported on this CPU)\n", impls[i]->name);
            continue;
        }
        printf("impl %s: kernel %s\n", impls[i]->name, ccf_aes_ctr128_many_name(impls[i]));
        for (n = 0; n <= 100; n += (n < 12 ? 1 : 11)) {
            run(impls[i], n, (uint32_t)(n * 5 + i));
            run(impls[i], n, (uint32_t)(n * 5 + i + 1));
        }
    }
    return ccf_test_finish("aes_many");
}
