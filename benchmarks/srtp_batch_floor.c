/*
 * srtp_batch_floor.c - what an SRTP batch of 64 packets of 172 bytes costs in C, piece by piece,
 * best of many rounds, in ns per packet (built and run by benchmarks/srtp_batch_floor.py):
 *   kernels   the multi-buffer kernels alone on the batch's shapes: HMAC-SHA1 over 172 + 4
 *             bytes (AES_CM_128_HMAC_SHA1_80), AES-CTR of 160 bytes, AES-128-GCM of 160 bytes
 *             with a 12-byte AAD;
 *   batch     ccf_srtp_unprotect_many / ccf_srtp_protect_many on the 64 packets in place
 *             (the kernels, the per-packet checks and stream state, no Python);
 *   serial    the same with CCF_SRTP_BATCH_SERIAL (the per-packet functions one by one).
 */
#include "ccf_srtp_batch.h"
#include "ccf_sha1_mb.h"
#include "ccf_aes_many.h"
#include "ccf_gcm_many.h"
#include "ccf_cpu.h"
#include "ccf_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NP 64
#define ROUNDS 3000

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static uint8_t pkts[NP][256], prot[NP][256];
static size_t prot_len[NP];

/* A sender's protected packets of one session (seq 0..63), kept in prot. */
static void make(int profile, const uint8_t *mk)
{
    ccf_srtp_ctx *c = (ccf_srtp_ctx *)ccf_alloc_aligned(sizeof(ccf_srtp_ctx), 64);
    ccf_srtp_stream *s = (ccf_srtp_stream *)malloc(ccf_srtp_stream_size(128));
    size_t kl, sl, tl, i;
    ccf_srtp_profile_lengths(profile, &kl, &sl, &tl);
    ccf_srtp_init(c, profile, mk, kl, mk + kl, sl, 0, NULL, 0);
    ccf_srtp_stream_init(s, 0x1234ABCD, 128);
    for (i = 0; i < NP; i++) {
        pkts[i][0] = 0x80;
        pkts[i][1] = 0;
        pkts[i][2] = 0;
        pkts[i][3] = (uint8_t)i;
        ccf_store32_be(pkts[i] + 4, (uint32_t)i * 160);
        ccf_store32_be(pkts[i] + 8, 0x1234ABCD);
        ccf_test_fill(pkts[i] + 12, 160, (uint32_t)i);
        ccf_srtp_protect(c, s, pkts[i], 172, prot[i], 256, &prot_len[i], 0);
    }
    ccf_srtp_wipe(c);
    ccf_free_aligned(c, sizeof(*c));
    free(s);
}

/* Best time per packet of unprotect_many (rx) or protect_many of the 64 packets, fresh
 * receiving/sending state every round (the copy back of the packets is outside the timing). */
static double time_many(int profile, const uint8_t *mk, int rx, int flags)
{
    ccf_srtp_ctx *c = (ccf_srtp_ctx *)ccf_alloc_aligned(sizeof(ccf_srtp_ctx), 64);
    ccf_srtp_stream *s = (ccf_srtp_stream *)malloc(ccf_srtp_stream_size(128));
    static uint8_t rows[NP][256];
    ccf_srtp_item it[NP];
    size_t kl, sl, tl, i;
    double best = 1e30;
    int r;
    ccf_srtp_profile_lengths(profile, &kl, &sl, &tl);
    ccf_srtp_init(c, profile, mk, kl, mk + kl, sl, 0, NULL, 0);
    for (r = 0; r < ROUNDS; r++) {
        double t;
        ccf_srtp_stream_init(s, 0x1234ABCD, 128);
        for (i = 0; i < NP; i++) {
            memcpy(rows[i], rx ? prot[i] : pkts[i], rx ? prot_len[i] : 172);
            it[i].ctx = c;
            it[i].s = s;
            it[i].in = it[i].out = rows[i];
            it[i].len = rx ? prot_len[i] : 172;
            it[i].cap = 256;
            it[i].allow_repeat_tx = 0;
            it[i].fresh = 0;
            it[i].rc = -1;
        }
        t = now_ns();
        if (rx)
            ccf_srtp_unprotect_many(it, NP, flags);
        else
            ccf_srtp_protect_many(it, NP, flags);
        t = now_ns() - t;
        for (i = 0; i < NP; i++)
            if (it[i].rc != CCF_OK) {
                fprintf(stderr, "item %zu failed: %d\n", i, it[i].rc);
                exit(1);
            }
        if (t < best)
            best = t;
    }
    ccf_srtp_wipe(c);
    ccf_free_aligned(c, sizeof(*c));
    free(s);
    return best / NP;
}

int main(void)
{
    static uint8_t mk[46];
    static uint8_t out[NP][256];
    ccf_hmac_sha1_key hk;
    ccf_aes_key ak;
    ccf_aes_gcm gk;
    ccf_hmac_sha1_job hj[NP];
    ccf_aes_ctr_job cj[NP];
    ccf_aes_gcm_job gj[NP];
    uint8_t roc[4] = { 0 }, nonce[NP][12];
    double t, best_h = 1e30, best_c = 1e30, best_g = 1e30;
    size_t i;
    int r;
    ccf_cpu_init();
    ccf_test_fill(mk, sizeof(mk), 7);
    make(CCF_SRTP_AES128_CM_SHA1_80, mk);
    ccf_hmac_sha1_init(&hk, mk, 20);
    ccf_aes_init(&ak, mk, 16);
    ccf_aes_gcm_init(&gk, mk, 16);
    for (i = 0; i < NP; i++) {
        hj[i].key = &hk;
        hj[i].m1 = prot[i];
        hj[i].len1 = 172;
        hj[i].m2 = roc;
        hj[i].len2 = 4;
        cj[i].key = &ak;
        memset(cj[i].ctr, 0, 16);
        cj[i].ctr[0] = (uint8_t)i;
        cj[i].in = prot[i] + 12;
        cj[i].out = out[i] + 12;
        cj[i].len = 160;
        ccf_test_fill(nonce[i], 12, (uint32_t)i + 99);
        gj[i].key = &gk;
        gj[i].nonce = nonce[i];
        gj[i].nonce_len = 12;
        gj[i].aad = pkts[i];
        gj[i].aad_len = 12;
        gj[i].in = pkts[i] + 12;
        gj[i].out = out[i] + 12;
        gj[i].len = 160;
        gj[i].decrypt = 0;
    }
    for (r = 0; r < ROUNDS; r++) {
        t = now_ns();
        ccf_hmac_sha1_many(hj, NP);
        t = now_ns() - t;
        if (t < best_h)
            best_h = t;
        t = now_ns();
        ccf_aes_ctr128_many(cj, NP);
        t = now_ns() - t;
        if (t < best_c)
            best_c = t;
        t = now_ns();
        ccf_aes_gcm_crypt_many(gj, NP);
        t = now_ns() - t;
        if (t < best_g)
            best_g = t;
    }
    printf("kernels: HMAC-SHA1 %s %.1f ns, AES-CTR %s %.1f ns, AES-GCM %s %.1f ns per packet\n",
           ccf_srtp_batch_kernel("sha1"), best_h / NP, ccf_srtp_batch_kernel("aes-ctr"), best_c / NP,
           ccf_srtp_batch_kernel("gcm"), best_g / NP);
    printf("batch: AES_CM_128_HMAC_SHA1_80 unprotect %.1f ns, protect %.1f ns per packet\n",
           time_many(CCF_SRTP_AES128_CM_SHA1_80, mk, 1, 0), time_many(CCF_SRTP_AES128_CM_SHA1_80, mk, 0, 0));
    printf("serial: AES_CM_128_HMAC_SHA1_80 unprotect %.1f ns, protect %.1f ns per packet\n",
           time_many(CCF_SRTP_AES128_CM_SHA1_80, mk, 1, CCF_SRTP_BATCH_SERIAL),
           time_many(CCF_SRTP_AES128_CM_SHA1_80, mk, 0, CCF_SRTP_BATCH_SERIAL));
    make(CCF_SRTP_AEAD_AES_128_GCM, mk);
    printf("batch: AEAD_AES_128_GCM unprotect %.1f ns, protect %.1f ns per packet\n",
           time_many(CCF_SRTP_AEAD_AES_128_GCM, mk, 1, 0), time_many(CCF_SRTP_AEAD_AES_128_GCM, mk, 0, 0));
    printf("serial: AEAD_AES_128_GCM unprotect %.1f ns, protect %.1f ns per packet\n",
           time_many(CCF_SRTP_AEAD_AES_128_GCM, mk, 1, CCF_SRTP_BATCH_SERIAL),
           time_many(CCF_SRTP_AEAD_AES_128_GCM, mk, 0, CCF_SRTP_BATCH_SERIAL));
    return 0;
}
