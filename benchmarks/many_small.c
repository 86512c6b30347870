/*
 * many_small.c - the multi-message kernels against the single-message kernels for small batches
 * (built and run by benchmarks/many_small.py, once per CPU level).
 *
 * For n messages of len bytes (one key, as one SRTP session's packets; or, up to 160 bytes, a
 * key per message, as a relay's packets of many calls) each line gives the best time per message, in ns, of
 *   HMAC-SHA1  ccf_hmac_sha1_many over len + 4 bytes (m1 || ROC)  vs  n calls of ccf_hmac_sha1
 *   AES-CTR    ccf_aes_ctr128_many                                 vs  n calls of ccf_aes_ctr128
 *   GCM-enc    ccf_aes_gcm_crypt_many (12-byte nonce and AAD)      vs  n calls of ccf_aes_gcm_encrypt
 *   GCM-dec    the same decrypting (tags out)                      vs  n calls of ccf_aes_gcm_decrypt
 * A sample times a loop of calls covering at least 64 messages; the many and single loops
 * alternate within each round, so the machine's load falls on both alike.
 *
 *   many_small [rounds]     prints "<kernel> keys=<1|n> len=<len> n=<n> many=<ns> single=<ns>"
 */
#include "ccf_sha1_mb.h"
#include "ccf_aes_many.h"
#include "ccf_gcm_many.h"
#include "ccf_cpu.h"
#include "ccf_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NMAX 64
#define LMAX 1200

static const size_t NS[] = { 1, 2, 3, 4, 5, 8, 12, 16, 17, 32, 64 };
static const size_t LENS[] = { 20, 60, 160, 1200 };

static uint8_t msg[NMAX][LMAX + 16], ct[NMAX][LMAX + 16], out[NMAX][LMAX + 16], aad[NMAX][12], nonce[NMAX][12];
static uint8_t tags[NMAX][16], roc[4];
static ccf_hmac_sha1_key hk[NMAX];
static ccf_aes_key ak[NMAX];
static ccf_aes_gcm gk[NMAX];
static ccf_hmac_sha1_job hj[NMAX];
static ccf_aes_ctr_job cj[NMAX];
static ccf_aes_gcm_job gj[NMAX];

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

enum { K_SHA1, K_CTR, K_GCM_ENC, K_GCM_DEC, K_COUNT };
static const char *const KNAME[K_COUNT] = { "HMAC-SHA1", "AES-CTR", "GCM-enc", "GCM-dec" };

static void setup(size_t n, size_t len, int keys)
{
    size_t i;
    for (i = 0; i < n; i++) {
        size_t k = keys ? i : 0;
        hj[i].key = &hk[k];
        hj[i].m1 = msg[i];
        hj[i].len1 = len;
        hj[i].m2 = roc;
        hj[i].len2 = 4;
        cj[i].key = &ak[k];
        memset(cj[i].ctr, 0, 16);
        ccf_test_fill(cj[i].ctr, 14, (uint32_t)i + 5);    /* SRTP: the low 16 bits start at 0 */
        cj[i].in = msg[i];
        cj[i].out = out[i];
        cj[i].len = len;
        gj[i].key = &gk[k];
        gj[i].nonce = nonce[i];
        gj[i].nonce_len = 12;
        gj[i].aad = aad[i];
        gj[i].aad_len = 12;
        gj[i].len = len;
        ccf_aes_gcm_encrypt(gj[i].key, nonce[i], 12, aad[i], 12, msg[i], len, ct[i], tags[i]);
    }
}

static void set_dir(size_t n, int dec)
{
    size_t i;
    for (i = 0; i < n; i++) {
        gj[i].decrypt = dec;
        gj[i].in = dec ? ct[i] : msg[i];
        gj[i].out = out[i];
    }
}

static void many(int kern, size_t n)
{
    if (kern == K_SHA1)
        ccf_hmac_sha1_many(hj, n);
    else if (kern == K_CTR)
        ccf_aes_ctr128_many(cj, n);
    else
        ccf_aes_gcm_crypt_many(gj, n);
}

static void single(int kern, size_t n)
{
    size_t i;
    uint8_t ctr[16], tag[16];
    for (i = 0; i < n; i++) {
        if (kern == K_SHA1) {
            ccf_hmac_sha1(hj[i].key, hj[i].m1, hj[i].len1, hj[i].m2, hj[i].len2, tag, 20);
        } else if (kern == K_CTR) {
            memcpy(ctr, cj[i].ctr, 16);
            ccf_aes_ctr128(cj[i].key, ctr, cj[i].in, cj[i].out, cj[i].len);
        } else if (kern == K_GCM_ENC) {
            ccf_aes_gcm_encrypt(gj[i].key, gj[i].nonce, 12, gj[i].aad, 12, gj[i].in, gj[i].len, gj[i].out, tag);
        } else if (ccf_aes_gcm_decrypt(gj[i].key, gj[i].nonce, 12, gj[i].aad, 12, gj[i].in, gj[i].len,
                                       tags[i], 16, gj[i].out) != CCF_OK) {
            fprintf(stderr, "decrypt failed\n");
            exit(1);
        }
    }
}

static void measure(int kern, size_t n, size_t len, int keys, int rounds)
{
    size_t reps = (NMAX + n - 1) / n, r;
    double best_m = 1e30, best_s = 1e30, t;
    int round;
    if (kern == K_GCM_ENC || kern == K_GCM_DEC)
        set_dir(n, kern == K_GCM_DEC);
    for (round = 0; round < rounds; round++) {
        t = now_ns();
        for (r = 0; r < reps; r++)
            many(kern, n);
        t = now_ns() - t;
        if (t < best_m)
            best_m = t;
        t = now_ns();
        for (r = 0; r < reps; r++)
            single(kern, n);
        t = now_ns() - t;
        if (t < best_s)
            best_s = t;
    }
    printf("%s keys=%s len=%zu n=%zu many=%.1f single=%.1f\n", KNAME[kern], keys ? "n" : "1", len, n,
           best_m / (double)(reps * n), best_s / (double)(reps * n));
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 300, kern, keys;
    size_t i, li, ni;
    uint8_t key[32];
    ccf_cpu_init();
    for (i = 0; i < NMAX; i++) {
        ccf_test_fill(key, sizeof(key), (uint32_t)i + 1);
        ccf_hmac_sha1_init(&hk[i], key, 20);
        ccf_aes_init(&ak[i], key, 16);
        ccf_aes_gcm_init(&gk[i], key, 16);
        ccf_test_fill(msg[i], LMAX, (uint32_t)i + 100);
        ccf_test_fill(aad[i], 12, (uint32_t)i + 200);
        ccf_test_fill(nonce[i], 12, (uint32_t)i + 300);
    }
    printf("kernels: sha1-mb %s, sha1 %s, aes-ctr-many %s, aes %s, gcm-many %s, gcm %s\n",
           ccf_sha1_mb_best()->name, ccf_sha1_best()->name, ccf_aes_ctr128_many_name(ak[0].impl),
           ak[0].impl->name, ccf_aes_gcm_many_name(&gk[0]), ccf_aes_gcm_impl_name(&gk[0]));
    for (keys = 0; keys < 2; keys++)
        for (li = 0; li < sizeof(LENS) / sizeof(LENS[0]); li++) {
            if (keys && LENS[li] > 200)
                continue;
            for (ni = 0; ni < sizeof(NS) / sizeof(NS[0]); ni++) {
                setup(NS[ni], LENS[li], keys);
                for (kern = 0; kern < K_COUNT; kern++)
                    measure(kern, NS[ni], LENS[li], keys, LENS[li] > 200 ? rounds / 3 + 1 : rounds);
            }
        }
    return 0;
}
