/*
 * test_srtp_batch.c - C driver for SRTP batches (csrc/srtp/ccf_srtp_batch.h).
 *
 * A batch must give exactly what the per-packet functions give when called on its items one
 * after the other: statuses, output bytes and lengths, and stream state (indexes, replay
 * windows, counters).  For every profile, at the CPU's best level and with features masked
 * (AVX-512 and VAES off: the AES-NI and AVX2 kernels; everything off: the serial kernels),
 * batches of packets of two sessions and three streams each - consecutive packets across the
 * 16-bit sequence wrap, CSRCs and header extensions, padding, a session with kdr != 0, packets
 * altered in their tag or payload, truncated, replayed, of the wrong SSRC for their stream, of
 * a bad version, older than the replay window - are run through ccf_srtp_protect_many /
 * ccf_srtp_unprotect_many, in place and into separate buffers, and through the per-packet
 * functions on a copy of every stream; the results are compared item by item.  With
 * CCF_SRTP_BATCH_STOP, a sender stops at its first failure (later items -2, not attempted).
 */
#include "ccf_test.h"
#include "ccf_srtp_batch.h"

#include <stdlib.h>

static const int PROFILES[] = {
    CCF_SRTP_AES128_CM_SHA1_80, CCF_SRTP_AES128_CM_SHA1_32, CCF_SRTP_NULL_SHA1_80, CCF_SRTP_NULL_SHA1_32,
    CCF_SRTP_AEAD_AES_128_GCM, CCF_SRTP_AEAD_AES_256_GCM, CCF_SRTP_AES192_CM_SHA1_80,
    CCF_SRTP_AES256_CM_SHA1_32,
};

#define NS 3                 /* streams per session */
#define NP 150               /* packets per batch */
#define W 64                 /* replay window */

typedef struct world {
    ccf_srtp_ctx *ctx[2];
    ccf_srtp_stream *tx[2][NS], *rx[2][NS];
    ccf_srtp_epochs *ep[2][NS][2];
} world;

static ccf_srtp_stream *new_stream(uint32_t ssrc, ccf_srtp_ctx *c, ccf_srtp_epochs **ep)
{
    ccf_srtp_stream *s = (ccf_srtp_stream *)malloc(ccf_srtp_stream_size(W));
    ccf_srtp_stream_init(s, ssrc, W);
    *ep = NULL;
    if (c->rekey) {
        *ep = (ccf_srtp_epochs *)ccf_alloc_aligned(sizeof(ccf_srtp_epochs), 64);
        memset(*ep, 0, sizeof(**ep));
        ccf_srtp_stream_set_epochs(s, *ep);
    }
    return s;
}

static void make(world *w, int profile, uint32_t seed)
{
    int i, j;
    for (i = 0; i < 2; i++) {
        uint8_t key[46];
        size_t kl, sl, tl;
        ccf_srtp_profile_lengths(profile, &kl, &sl, &tl);
        ccf_test_fill(key, sizeof(key), seed + (uint32_t)i);
        w->ctx[i] = (ccf_srtp_ctx *)ccf_alloc_aligned(sizeof(ccf_srtp_ctx), 64);
        /* the second session re-derives its keys every 2^16 packets (kdr != 0: always per packet) */
        CCF_CHECK(ccf_srtp_init(w->ctx[i], profile, key, kl, key + kl, sl, i ? 65536 : 0, NULL, 0) == CCF_OK, "init");
        for (j = 0; j < NS; j++) {
            w->tx[i][j] = new_stream(0x1000u * (uint32_t)(i + 1) + (uint32_t)j, w->ctx[i], &w->ep[i][j][0]);
            w->rx[i][j] = new_stream(0x1000u * (uint32_t)(i + 1) + (uint32_t)j, w->ctx[i], &w->ep[i][j][1]);
        }
    }
}

static void drop(world *w)
{
    int i, j, k;
    for (i = 0; i < 2; i++) {
        for (j = 0; j < NS; j++) {
            free(w->tx[i][j]);
            free(w->rx[i][j]);
            for (k = 0; k < 2; k++)
                if (w->ep[i][j][k])
                    ccf_free_aligned(w->ep[i][j][k], sizeof(ccf_srtp_epochs));
        }
        ccf_srtp_wipe(w->ctx[i]);
        ccf_free_aligned(w->ctx[i], sizeof(ccf_srtp_ctx));
    }
}

/* A copy of a stream (and its key cache) for the reference run. */
static ccf_srtp_stream *clone(const ccf_srtp_stream *s, ccf_srtp_epochs **ep)
{
    ccf_srtp_stream *c = (ccf_srtp_stream *)malloc(ccf_srtp_stream_size(W));
    uint64_t *bits;
    ccf_srtp_stream_init(c, s->ssrc, W);
    bits = c->rtp_tx.bits;
    memcpy(c, s, ccf_srtp_stream_size(W));
    c->rtp_tx.bits = bits;
    c->rtp_rx.bits = bits + s->rtp_tx.words;
    c->rtcp_rx.bits = bits + 2 * s->rtp_tx.words;
    *ep = NULL;
    if (s->epochs) {
        *ep = (ccf_srtp_epochs *)ccf_alloc_aligned(sizeof(ccf_srtp_epochs), 64);
        memcpy(*ep, s->epochs, sizeof(**ep));
        c->epochs = *ep;
    }
    return c;
}

static int same_replay(const ccf_srtp_replay *a, const ccf_srtp_replay *b)
{
    return a->top == b->top && a->started == b->started && a->window == b->window &&
           (!a->started || memcmp(a->bits, b->bits, 8 * (size_t)a->words) == 0);
}

static int same_stream(const ccf_srtp_stream *a, const ccf_srtp_stream *b)
{
    return same_replay(&a->rtp_tx, &b->rtp_tx) && same_replay(&a->rtp_rx, &b->rtp_rx) &&
           a->protected_rtp == b->protected_rtp && a->authenticated_rtp == b->authenticated_rtp &&
           a->auth_failures == b->auth_failures && a->replays == b->replays;
}

/* An RTP packet of stream (i, j) with sequence number seq: CSRCs, an extension or padding now
 * and then. */
static size_t rtp(uint8_t *p, uint32_t ssrc, uint16_t seq, uint32_t r)
{
    size_t h = 12, len;
    p[0] = 0x80;
    p[1] = 96;
    p[2] = (uint8_t)(seq >> 8);
    p[3] = (uint8_t)seq;
    ccf_store32_be(p + 4, seq * 160u);
    ccf_store32_be(p + 8, ssrc);
    if (r % 7 == 1) {                         /* two CSRCs */
        p[0] |= 2;
        h += 8;
    }
    if (r % 5 == 2) {                         /* a one-word header extension */
        p[0] |= 0x10;
        p[h] = 0xBE; p[h + 1] = 0xDE; p[h + 2] = 0; p[h + 3] = 1;
        h += 8;
    }
    len = h + (r % 3 == 0 ? 160 : (r >> 3) % 180);
    ccf_test_fill(p + h, len - h, r);
    if (r % 11 == 3 && len > h) {             /* padding: the count in the last byte */
        p[0] |= 0x20;
        p[len - 1] = (uint8_t)(1 + (len - h - 1) % 4);
    }
    return len;
}

static uint8_t pkts[NP][512], prot[NP][512], outb[NP][512], outr[NP][512];
static size_t plen[NP], prlen[NP];

static void check(int profile, uint32_t seed, int rx, int inplace, int flags)
{
    world w;
    ccf_srtp_item items[NP];
    ccf_srtp_stream *ref[2][NS];
    ccf_srtp_epochs *rep[2][NS];
    int sess[NP], str[NP];
    size_t i, bad = 0;
    int a, b, stopped = 0;
    uint16_t seq[2][NS];
    make(&w, profile, seed);
    for (a = 0; a < 2; a++)
        for (b = 0; b < NS; b++)
            seq[a][b] = (uint16_t)(65500 + 7 * b + (int)(seed % 13));
    /* packets (protected for the receiving side by the per-packet function on its own stream) */
    for (i = 0; i < NP; i++) {
        uint32_t r = seed * 2654435761u + (uint32_t)i * 40503u;
        a = (int)(r >> 7) % 2;
        b = (int)(r >> 9) % NS;
        sess[i] = a;
        str[i] = b;
        plen[i] = rtp(pkts[i], w.tx[a][b]->ssrc, seq[a][b]++, r);
        if (rx) {
            int rc = ccf_srtp_protect(w.ctx[a], w.tx[a][b], pkts[i], plen[i], prot[i], 512, &prlen[i], 0);
            CCF_CHECK(rc == CCF_OK || (pkts[i][0] & 0x20), "setup protect %d", rc);
            if (rc != CCF_OK)
                prlen[i] = 5;                 /* a runt */
            switch ((r >> 12) % 17) {
            case 0: prot[i][prlen[i] - 1] ^= 0x40; break;                 /* tag */
            case 1: prot[i][14] ^= 1; break;                               /* payload */
            case 2: prlen[i] = (r >> 4) % 20; break;                       /* truncated */
            case 3: if (i) { memcpy(prot[i], prot[i - 1], prlen[i - 1]); prlen[i] = prlen[i - 1];
                             sess[i] = sess[i - 1]; str[i] = str[i - 1]; } break;   /* replay */
            case 4: str[i] = (str[i] + 1) % NS; break;                     /* wrong stream */
            case 5: prot[i][0] ^= 0xC0; break;                             /* version 1 */
            default: break;
            }
        } else {
            memcpy(prot[i], pkts[i], plen[i]);
            prlen[i] = plen[i];
            if ((r >> 12) % 23 == 0)
                prlen[i] = (r >> 4) % 12;                                  /* runt */
            if ((r >> 12) % 29 == 1)
                str[i] = (str[i] + 1) % NS;                                /* wrong stream */
        }
    }
    /* the old packet: far behind its stream's window, for the receiver */
    if (rx && NP > 140) {
        memcpy(prot[140], prot[2], prlen[2]);
        prlen[140] = prlen[2];
        sess[140] = sess[2];
        str[140] = str[2];
    }
    for (a = 0; a < 2; a++)
        for (b = 0; b < NS; b++)
            ref[a][b] = clone(rx ? w.rx[a][b] : w.tx[a][b], &rep[a][b]);
    /* the batch */
    for (i = 0; i < NP; i++) {
        items[i].ctx = w.ctx[sess[i]];
        items[i].s = rx ? w.rx[sess[i]][str[i]] : w.tx[sess[i]][str[i]];
        memcpy(outb[i], prot[i], prlen[i]);
        items[i].in = inplace ? outb[i] : prot[i];
        items[i].out = outb[i];
        items[i].len = prlen[i];
        items[i].cap = i % 31 == 30 ? prlen[i] : 512;      /* now and then no room */
        items[i].allow_repeat_tx = 0;
        items[i].fresh = 0;
        items[i].rc = i % 37 == 36 ? CCF_ERR_PACKET : -1;  /* skipped by the caller */
    }
    if (rx)
        ccf_srtp_unprotect_many(items, NP, flags);
    else
        ccf_srtp_protect_many(items, NP, flags);
    /* the reference */
    for (i = 0; i < NP; i++) {
        size_t out_len = 0;
        int rc;
        if (i % 37 == 36) {
            CCF_CHECK(items[i].rc == CCF_ERR_PACKET, "skipped item %zu changed to %d", i, items[i].rc);
            continue;
        }
        if (stopped) {
            if (items[i].rc != -2 && bad++ < 5)
                printf("item %zu after a stop: rc %d\n", i, items[i].rc);
            continue;
        }
        memcpy(outr[i], prot[i], prlen[i]);
        if (rx)
            rc = ccf_srtp_unprotect(w.ctx[sess[i]], ref[sess[i]][str[i]], inplace ? outr[i] : prot[i], prlen[i],
                                    outr[i], i % 31 == 30 ? prlen[i] : 512, &out_len);
        else
            rc = ccf_srtp_protect(w.ctx[sess[i]], ref[sess[i]][str[i]], inplace ? outr[i] : prot[i], prlen[i],
                                  outr[i], i % 31 == 30 ? prlen[i] : 512, &out_len, 0);
        if (items[i].rc != rc || (rc == CCF_OK && (items[i].len != out_len || memcmp(outb[i], outr[i], out_len) != 0))) {
            if (bad++ < 5)
                printf("profile %#x item %zu: batch rc %d len %zu, per packet rc %d len %zu (rx %d, in place %d, flags %d)\n",
                       profile, i, items[i].rc, items[i].len, rc, out_len, rx, inplace, flags);
        }
        if (rc != CCF_OK && (flags & CCF_SRTP_BATCH_STOP))
            stopped = 1;
    }
    for (a = 0; a < 2; a++)
        for (b = 0; b < NS; b++) {
            if (!same_stream(rx ? w.rx[a][b] : w.tx[a][b], ref[a][b]) && bad++ < 5)
                printf("profile %#x stream %d/%d state differs\n", profile, a, b);
            free(ref[a][b]);
            if (rep[a][b])
                ccf_free_aligned(rep[a][b], sizeof(ccf_srtp_epochs));
        }
    CCF_CHECK(bad == 0, "profile %#x seed %u rx %d in place %d flags %d: %zu differences", profile, seed, rx, inplace, flags, bad);
    drop(&w);
}

int main(void)
{
    static const uint32_t masks[3] = { 0, CCF_CPU_AVX512F | CCF_CPU_VAES, 0xFFFFFFFFu };
    size_t p;
    int m, rx, inplace;
    uint32_t seed;
    ccf_cpu_init();
    for (m = 0; m < 3; m++) {
        ccf_cpu_set_disabled(masks[m]);
        printf("level %d: sha1 %s, aes-ctr %s, gcm %s\n", m, ccf_srtp_batch_kernel("sha1"),
               ccf_srtp_batch_kernel("aes-ctr"), ccf_srtp_batch_kernel("gcm"));
        for (p = 0; p < sizeof(PROFILES) / sizeof(PROFILES[0]); p++)
            for (seed = 1; seed <= 3; seed++)
                for (rx = 0; rx < 2; rx++)
                    for (inplace = 0; inplace < 2; inplace++) {
                        check(PROFILES[p], seed + 10 * (uint32_t)p, rx, inplace, 0);
                        if (seed == 1) {
                            check(PROFILES[p], seed, rx, inplace, CCF_SRTP_BATCH_SERIAL);
                            check(PROFILES[p], seed + 100, rx, inplace, CCF_SRTP_BATCH_STOP);
                        }
                    }
    }
    ccf_cpu_set_disabled(0);
    return ccf_test_finish("srtp_batch");
}
