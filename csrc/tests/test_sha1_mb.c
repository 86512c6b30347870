/*
 * test_sha1_mb.c - C driver for multi-buffer HMAC-SHA1 (csrc/sha1/ccf_sha1_mb.h).
 *
 * For every multi-buffer implementation this CPU supports ("avx512", "avx2", "sha-ni-x4",
 * "armv8-x4", "serial"):
 *   - RFC 2202 section 3 HMAC-SHA1 test cases 1-7 as one batch (keys of every length, including
 *     longer than a block), each message split at several points between m1 and m2;
 *   - batches of same-shaped jobs (the lockstep path and the AVX-512 group HMAC: SRTP packets
 *     of one length, one key or several; m1 ending anywhere in a block, m2 of 0..64 bytes, each
 *     in a buffer of its exact length), and groups of mixed shapes in exact-length buffers
 *     and of mixed shapes (the lane scheduler: len1 0..300, len2 0..64, keys 0..100 bytes),
 *     against single-stream HMAC through the portable implementation, for every batch size
 *     0..72 (so both sides of each choice between the lanes and the single-stream kernel for
 *     a small batch or a last few jobs), with SHA-NI present and masked (the choice depends on
 *     it) and with AVX512BW masked (no group HMAC);
 *   - len2 > 64 refused with nothing written.
 * Also: the single-stream HMAC of every implementation with a second part of 57..64 bytes after
 * a first part ending 63 bytes into a block (the fused SHA-NI path once overran its tail
 * there); dispatch: with SHA-NI, AVX2, AVX-512 and ARMv8 SHA1 masked, the best is "serial".
 */
#include "ccf_test.h"
#include "ccf_sha1_mb.h"

extern const ccf_sha1_impl ccf_sha1_impl_portable;

static const struct { const char *key, *data, *mac; } RFC2202[] = {
    { "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
      "b617318655057264e28bc0b6fb378c8ef146be00" },
    { "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
      "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
      "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
    { "0102030405060708090a0b0c0d0e0f10111213141516171819",
      "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
      "4c9007f4026250c6bc8414f9bf50c86c2d7235da" },
    { "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e",
      "4c1a03424b55e07fe7f27be1" },
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
      "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b657920616e64204c6172676572205468616e204f6e6520426c6f636b2d53697a652044617461",
      "e8e99d0f45237d786d6bbaa7965c7808bbff1a91" },
};
#define NV (sizeof(RFC2202) / sizeof(RFC2202[0]))

static void test_rfc2202(const ccf_sha1_mb_impl *impl)
{
    static uint8_t key[NV][100], data[NV][100], want[NV][20];
    ccf_hmac_sha1_key k[NV];
    ccf_hmac_sha1_job jobs[4 * NV];
    size_t kl[NV], dl[NV], ml[NV], v, s;
    for (v = 0; v < NV; v++) {
        kl[v] = ccf_test_unhex(RFC2202[v].key, key[v], sizeof(key[v]));
        dl[v] = ccf_test_unhex(RFC2202[v].data, data[v], sizeof(data[v]));
        ml[v] = ccf_test_unhex(RFC2202[v].mac, want[v], sizeof(want[v]));
        ccf_hmac_sha1_init_impl(&k[v], key[v], kl[v], &ccf_sha1_impl_portable);
    }
    /* four copies of each case, m1 || m2 split at 0, 1, half and the whole message (m2 <= 64) */
    for (s = 0; s < 4; s++)
        for (v = 0; v < NV; v++) {
            ccf_hmac_sha1_job *j = &jobs[s * NV + v];
            size_t cut = s == 0 ? dl[v] : s == 1 ? dl[v] - 1 : s == 2 ? dl[v] / 2 : 0;
            if (dl[v] - cut > 64)
                cut = dl[v] - 64;
            j->key = &k[v];
            j->m1 = data[v];
            j->len1 = cut;
            j->m2 = data[v] + cut;
            j->len2 = dl[v] - cut;
            memset(j->mac, 0, 20);
        }
    CCF_CHECK(ccf_hmac_sha1_many_impl(impl, jobs, 4 * NV) == CCF_OK, "%s RFC 2202 batch", impl->name);
    for (s = 0; s < 4 * NV; s++)
        ccf_test_eq(jobs[s].mac, want[s % NV], ml[s % NV], "RFC 2202 HMAC-SHA1 in a batch");
}

/* n jobs against the portable single-stream HMAC; `same` gives every job one shape. */
static void check_batch(const ccf_sha1_mb_impl *impl, size_t n, int same, uint32_t seed)
{
    static uint8_t msgs[80][400], keys[5][100];
    ccf_hmac_sha1_key k[5], kp[5];
    static ccf_hmac_sha1_job jobs[80];
    size_t i, bad = 0;
    uint8_t r[8];
    for (i = 0; i < 5; i++) {
        size_t kl = (seed + 37 * i) % 100;
        ccf_test_fill(keys[i], kl, seed * 7 + (uint32_t)i);
        ccf_hmac_sha1_init(&k[i], keys[i], kl);
        ccf_hmac_sha1_init_impl(&kp[i], keys[i], kl, &ccf_sha1_impl_portable);
    }
    for (i = 0; i < n; i++) {
        ccf_test_fill(r, sizeof(r), seed + 1000 * (uint32_t)i);
        ccf_test_fill(msgs[i], 400, seed + 31 * (uint32_t)i);
        jobs[i].key = &k[i % 5];
        jobs[i].len1 = same ? 162 + seed % 70 : (size_t)(r[0] | r[1] << 8) % 301;
        jobs[i].len2 = same ? 4 : r[2] % 65;
        jobs[i].m1 = msgs[i];
        jobs[i].m2 = msgs[i] + 320;
        memset(jobs[i].mac, 0xEE, 20);
    }
    CCF_CHECK(ccf_hmac_sha1_many_impl(impl, jobs, n) == CCF_OK, "%s batch of %zu", impl->name, n);
    for (i = 0; i < n; i++) {
        uint8_t want[20];
        ccf_hmac_sha1(&kp[i % 5], jobs[i].m1, jobs[i].len1, jobs[i].m2, jobs[i].len2, want, 20);
        if (memcmp(want, jobs[i].mac, 20) != 0 && bad++ < 3)
            ccf_test_eq(jobs[i].mac, want, 20, "multi-buffer HMAC vs portable");
    }
    CCF_CHECK(bad == 0, "%s: %zu of %zu MACs differ (n=%zu, same=%d)", impl->name, bad, n, n, same);
}

/* Groups of one shape for every split of the tail: m1 ending anywhere in a block, m2 of 0..64
 * bytes (the padding in the same block or the next), one key or several; then groups of mixed
 * shapes (each job's lengths further along the tables: the AVX-512 group with a tail per lane
 * and lanes that finish early); each message in a buffer of its exact length (no byte past
 * m1 + len1 or m2 + len2 may be read). */
static void check_groups(const ccf_sha1_mb_impl *impl)
{
    static const size_t L1[] = { 0, 1, 20, 55, 56, 63, 64, 65, 100, 119, 120, 127, 128, 160, 162, 172, 191 };
    static const size_t L2[] = { 0, 1, 4, 8, 20, 45, 55, 56, 63, 64 };
    const size_t N1 = sizeof(L1) / sizeof(L1[0]), N2 = sizeof(L2) / sizeof(L2[0]);
    uint8_t *m1[32], *m2[32], key[3][20];
    ccf_hmac_sha1_key k[3], kp[3];
    ccf_hmac_sha1_job jobs[32];
    size_t a, b, i, l1[32], l2[32], bad = 0;
    int keys, mixed;
    for (i = 0; i < 3; i++) {
        ccf_test_fill(key[i], 20, 900 + (uint32_t)i);
        ccf_hmac_sha1_init(&k[i], key[i], 20);
        ccf_hmac_sha1_init_impl(&kp[i], key[i], 20, &ccf_sha1_impl_portable);
    }
    for (mixed = 0; mixed <= 1; mixed++)
        for (a = 0; a < N1; a++)
            for (b = 0; b < N2; b++)
                for (keys = 1; keys <= 3; keys += 2) {
                    for (i = 0; i < 32; i++) {
                        l1[i] = mixed ? L1[(a + i) % N1] : L1[a];
                        l2[i] = mixed ? L2[(b + 3 * i) % N2] : L2[b];
                        m1[i] = (uint8_t *)malloc(l1[i] ? l1[i] : 1);
                        m2[i] = (uint8_t *)malloc(l2[i] ? l2[i] : 1);
                        ccf_test_fill(m1[i], l1[i], (uint32_t)(a * 1000 + b * 40 + i));
                        ccf_test_fill(m2[i], l2[i], (uint32_t)(a * 1000 + b * 40 + i + 77));
                        jobs[i].key = &k[i % (size_t)keys];
                        jobs[i].m1 = m1[i];
                        jobs[i].len1 = l1[i];
                        jobs[i].m2 = m2[i];
                        jobs[i].len2 = l2[i];
                    }
                    CCF_CHECK(ccf_hmac_sha1_many_impl(impl, jobs, 32) == CCF_OK, "%s group", impl->name);
                    for (i = 0; i < 32; i++) {
                        uint8_t want[20];
                        ccf_hmac_sha1(&kp[i % (size_t)keys], m1[i], l1[i], m2[i], l2[i], want, 20);
                        if (memcmp(want, jobs[i].mac, 20) != 0 && bad++ < 3)
                            printf("%s: group len1 %zu len2 %zu keys %d mixed %d lane %zu differs\n", impl->name, l1[i],
                                   l2[i], keys, mixed, i);
                        free(m1[i]);
                        free(m2[i]);
                    }
                }
    CCF_CHECK(bad == 0, "%s: %zu MACs of groups differ", impl->name, bad);
}

static void test_refused(const ccf_sha1_mb_impl *impl)
{
    uint8_t m[100] = {0}, key[20] = {1};
    ccf_hmac_sha1_key k;
    ccf_hmac_sha1_job jobs[2];
    ccf_hmac_sha1_init(&k, key, sizeof(key));
    jobs[0].key = jobs[1].key = &k;
    jobs[0].m1 = jobs[1].m1 = m;
    jobs[0].len1 = jobs[1].len1 = 10;
    jobs[0].m2 = jobs[1].m2 = m;
    jobs[0].len2 = 4;
    jobs[1].len2 = 65;
    memset(jobs[0].mac, 0xAB, 20);
    CCF_CHECK(ccf_hmac_sha1_many_impl(impl, jobs, 2) == CCF_ERR_PARAM, "%s len2 65 accepted", impl->name);
    CCF_CHECK(jobs[0].mac[0] == 0xAB && jobs[0].mac[19] == 0xAB, "%s wrote a MAC of a refused batch", impl->name);
}

/* The single-stream HMAC with a long second part (m1 ending 63 bytes into a block). */
static void test_long_m2(void)
{
    const ccf_sha1_impl *const *impls = ccf_sha1_impls();
    uint8_t m[200], key[20], want[20], got[20];
    size_t i, len2, len1;
    ccf_test_fill(m, sizeof(m), 99);
    ccf_test_fill(key, sizeof(key), 98);
    for (i = 0; impls[i]; i++) {
        ccf_hmac_sha1_key k, kp;
        if (!impls[i]->supported())
            continue;
        ccf_hmac_sha1_init_impl(&k, key, sizeof(key), impls[i]);
        ccf_hmac_sha1_init_impl(&kp, key, sizeof(key), &ccf_sha1_impl_portable);
        for (len1 = 55; len1 <= 127; len1 += 8)
            for (len2 = 50; len2 <= 64; len2++) {
                ccf_hmac_sha1(&k, m, len1, m + 130, len2, got, 20);
                ccf_hmac_sha1(&kp, m, len1, m + 130, len2, want, 20);
                ccf_test_eq(got, want, 20, "HMAC-SHA1 with a second part of 50..64 bytes");
            }
    }
}

int main(void)
{
    const ccf_sha1_mb_impl *const *impls = ccf_sha1_mb_impls();
    static const uint32_t masks[] = { 0, CCF_CPU_SHA_NI, CCF_CPU_AVX512BW };
    size_t i, n, m;
    uint32_t level;                    /* what CCFAST_CPU_DISABLE masks: kept under the masks */
    int tested = 0;
    ccf_cpu_init();
    level = ccf_cpu_features_detected() & ~ccf_cpu_features();
    printf("best multi-buffer implementation: %s\n", ccf_sha1_mb_best()->name);
    for (i = 0; impls[i]; i++) {
        if (!impls[i]->supported()) {
            printf("skip %s (not supported on this CPU)\n", impls[i]->name);
            continue;
        }
        printf("impl %s (%u lanes)\n", impls[i]->name, impls[i]->lanes);
        tested++;
        test_rfc2202(impls[i]);
        /* every batch size on both sides of each choice between the lanes and the single-stream
         * kernel (it depends on the counts, the lengths and on SHA-NI being there) */
        for (m = 0; m < sizeof(masks) / sizeof(masks[0]); m++) {
            ccf_cpu_set_disabled(level | masks[m]);
            for (n = 0; n <= 72 && impls[i]->supported(); n++) {
                check_batch(impls[i], n, 1, (uint32_t)(n * 13 + i + 101 * m));
                check_batch(impls[i], n, 0, (uint32_t)(n * 17 + i + 5 + 101 * m));
            }
            ccf_cpu_set_disabled(level);
        }
        check_groups(impls[i]);
        if (impls[i]->hmac_group) {         /* without AVX512BW: the generic lockstep */
            ccf_cpu_set_disabled(level | CCF_CPU_AVX512BW);
            check_groups(impls[i]);
            check_batch(impls[i], 64, 1, 3);
            ccf_cpu_set_disabled(level);
        }
        test_refused(impls[i]);
    }
    CCF_CHECK(tested >= 1 && strcmp(impls[i - 1]->name, "serial") == 0, "serial is not the last implementation");
    test_long_m2();
    ccf_cpu_set_disabled(CCF_CPU_SHA_NI | CCF_CPU_AVX2 | CCF_CPU_AVX512F | CCF_CPU_ARM_SHA1);
    CCF_CHECK(strcmp(ccf_sha1_mb_best()->name, "serial") == 0, "best with SHA-NI, AVX2, AVX-512 and ARM SHA1 masked is %s",
              ccf_sha1_mb_best()->name);
    for (i = 0; impls[i]; i++)
        if (strcmp(impls[i]->name, "serial") != 0)
            CCF_CHECK(ccf_hmac_sha1_many_impl(impls[i], NULL, 0) == CCF_ERR_PARAM, "%s usable while masked", impls[i]->name);
    check_batch(ccf_sha1_mb_best(), 33, 0, 7);
    ccf_cpu_set_disabled(0);
    return ccf_test_finish("sha1_mb");
}
