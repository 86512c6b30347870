/* SRTP protect/unprotect of many packets with the packets' crypto run together in the
 * multi-buffer kernels.  See ccf_srtp_batch.h for the scheme; a chunk of items goes through:
 *   unprotect: plan (index, MAC or GCM job from the stream state before the chunk) -> MACs and
 *              GCM tags of all -> commit in order (checks, tag compare, state) -> AES-CTR of
 *              the authentic payloads;
 *   protect:   commit in order (checks, state) -> AES-CTR (or GCM) of the accepted packets ->
 *              their MACs.
 * Packet indexes, IVs and lengths are public; expected MACs and tags and the GCM plaintexts of
 * packets not yet authenticated are secret and wiped before return. */
#include "ccf_srtp_batch.h"
#include "ccf_sha1_mb.h"
#include "ccf_aes_many.h"
#include "ccf_gcm_many.h"

#include <stdlib.h>

#define CHUNK 64                    /* items per pass (jobs and scratch stay in L1/L2) */

/* A direct item of a chunk (done in this file); the others run through the per-packet code. */
typedef struct slot {
    int direct;
    size_t hdr;                     /* RTP header length */
    uint16_t seq;
    int64_t idx;                    /* unprotect: the index planned before the chunk */
    uint8_t roc[4];                 /* HMAC-SHA1: the ROC the MAC covers (RFC 3711 4.2) */
    uint8_t iv[12];                 /* GCM: the nonce (RFC 7714 8.1) */
    size_t job;                     /* its MAC or GCM job */
    uint8_t *tag_at;                /* protect: where its tag goes */
} slot;

typedef struct work {
    slot sl[CHUNK];
    ccf_hmac_sha1_job hj[CHUNK];
    ccf_aes_ctr_job cj[CHUNK];
    ccf_aes_gcm_job gj[CHUNK];
    size_t nh, nc, ng;
} work;

/* Sessions whose packets are done here: an AES profile, keys of every packet the ctx's (kdr
 * 0), no MKI.  Others (SM4, kdr != 0, MKI) run per packet. */
static int direct_ctx(const ccf_srtp_ctx *c)
{
    return !c->rekey && c->mki_len == 0 && c->cipher == CCF_SRTP_CIPHER_AES;
}

/* Packets done here: a valid header of the stream's SSRC without extension or padding (their
 * rules run per packet), on receipt long enough for the tag, on sending not one that cryptex
 * extends.  Every check this passes is one the per-packet function passes too. */
static int direct_shape(const ccf_srtp_item *it, int rx, size_t *hdr)
{
    const ccf_srtp_ctx *c = it->ctx;
    if (ccf_srtp_rtp_header_len(it->in, it->len, hdr) != CCF_OK || (it->in[0] & 0x30))
        return 0;
    if (ccf_load32_be(it->in + 8) != it->s->ssrc)
        return 0;
    if (rx)
        return it->len >= *hdr + c->tag_len;
    return !(c->cryptex && (it->in[0] & 0x0F));
}

static uint16_t seq_of(const uint8_t *pkt) { return (uint16_t)((pkt[2] << 8) | pkt[3]); }

static size_t round64(size_t n) { return (n + 63) & ~(size_t)63; }

/* ---- unprotect ---------------------------------------------------------------------------- */

/* The MAC job (over the packet in place: nothing writes it before its commit) or the GCM job
 * (plaintext into scratch) of item it at the index the per-packet code would guess now. */
static size_t plan_rx(work *w, slot *sl, const ccf_srtp_item *it, uint8_t *scratch)
{
    const ccf_srtp_ctx *c = it->ctx;
    size_t plen = it->len - c->tag_len;
    uint32_t roc;
    sl->direct = direct_ctx(c) && direct_shape(it, 1, &sl->hdr);
    if (!sl->direct)
        return 0;
    sl->seq = seq_of(it->in);
    sl->idx = ccf_srtp_guess_index(&it->s->rtp_rx, sl->seq);
    if (sl->idx < 0) {                              /* refused per packet */
        sl->direct = 0;
        return 0;
    }
    roc = (uint32_t)((uint64_t)sl->idx >> 16);
    if (c->aead) {
        ccf_aes_gcm_job *j = &w->gj[sl->job = w->ng++];
        ccf_srtp_gcm_iv(c->rtp.salt, it->s->ssrc, roc, sl->seq, sl->iv);
        j->key = &c->rtp.gcm;
        j->nonce = sl->iv;
        j->nonce_len = 12;
        j->aad = it->in;                            /* RFC 7714 8.2: AAD = the header */
        j->aad_len = sl->hdr;
        j->in = it->in + sl->hdr;
        j->out = scratch;
        j->len = plen - sl->hdr;
        j->decrypt = 1;
        return round64(j->len);
    } else {
        ccf_hmac_sha1_job *j = &w->hj[sl->job = w->nh++];
        ccf_store32_be(sl->roc, roc);
        j->key = &c->rtp.auth;
        j->m1 = it->in;
        j->len1 = plen;
        j->m2 = sl->roc;
        j->len2 = 4;
        return 0;
    }
}

/* ccf_srtp_unprotect's checks and state changes, in its order, with the tag computed ahead;
 * an AES-CM payload is queued for decryption after the chunk's commits. */
static int commit_rx(work *w, const slot *sl, ccf_srtp_item *it)
{
    const ccf_srtp_ctx *c = it->ctx;
    ccf_srtp_stream *s = it->s;
    size_t plen = it->len - c->tag_len, hdr = sl->hdr;
    int rc;
    if (it->cap < plen)
        return CCF_ERR_LENGTH;
    if (ccf_srtp_replay_check(&s->rtp_rx, (uint64_t)sl->idx) != CCF_OK) {
        s->replays++;
        return CCF_ERR_REPLAY;
    }
    rc = ccf_srtp_usage_check(c, 0, s->ssrc);
    if (rc != CCF_OK)
        return rc;
    if (c->aead) {
        const ccf_aes_gcm_job *j = &w->gj[sl->job];
        if (ccf_ct_memcmp(j->tag, it->in + plen, 16) != 0) {
            s->auth_failures++;
            return CCF_ERR_AUTH;
        }
        memcpy(it->out + hdr, j->out, j->len);
        if (it->out != it->in)
            memcpy(it->out, it->in, hdr);
    } else {
        const uint8_t *mac = w->hj[sl->job].mac;
        /* the 80-bit tag's compare with its length known (the common profile) */
        if ((c->tag_len == 10 ? ccf_ct_memcmp(mac, it->in + plen, 10)
                              : ccf_ct_memcmp(mac, it->in + plen, c->tag_len)) != 0) {
            s->auth_failures++;
            return CCF_ERR_AUTH;
        }
        if (c->null_cipher) {
            if (it->out != it->in)
                memcpy(it->out, it->in, plen);
        } else {
            ccf_aes_ctr_job *j = &w->cj[w->nc++];
            if (it->out != it->in)
                memcpy(it->out, it->in, hdr);
            j->key = &c->rtp.cm;
            ccf_srtp_cm_iv(c->rtp.salt, s->ssrc, (uint64_t)sl->idx, j->ctr);
            j->in = it->in + hdr;
            j->out = it->out + hdr;
            j->len = plen - hdr;
        }
    }
    ccf_srtp_replay_add(&s->rtp_rx, (uint64_t)sl->idx);
    ccf_srtp_usage_count(c, 0, s->ssrc);
    s->authenticated_rtp++;
    it->len = plen;
    return CCF_OK;
}

/* ---- protect ------------------------------------------------------------------------------ */

/* ccf_srtp_protect's checks and state changes, in its order; the crypto is queued: the
 * header copied, the payload's AES-CTR (or GCM) job, the MAC job over the result. */
static int commit_tx(work *w, slot *sl, ccf_srtp_item *it)
{
    const ccf_srtp_ctx *c = it->ctx;
    ccf_srtp_stream *s = it->s;
    size_t len = it->len, hdr = sl->hdr, total = len + c->tag_len;
    uint16_t seq = seq_of(it->in);
    int64_t idx = ccf_srtp_guess_index(&s->rtp_tx, seq);
    uint32_t roc;
    int rc;
    if (idx < 0 || (!it->allow_repeat_tx && ccf_srtp_replay_check(&s->rtp_tx, (uint64_t)idx) != CCF_OK))
        return CCF_ERR_REPLAY;
    rc = ccf_srtp_usage_check(c, 0, s->ssrc);
    if (rc != CCF_OK)
        return rc;
    if (it->cap < total)
        return CCF_ERR_LENGTH;
    roc = (uint32_t)((uint64_t)idx >> 16);
    if (it->out != it->in)
        memcpy(it->out, it->in, c->null_cipher ? len : hdr);
    sl->tag_at = it->out + len;
    if (c->aead) {
        ccf_aes_gcm_job *j = &w->gj[sl->job = w->ng++];
        ccf_srtp_gcm_iv(c->rtp.salt, s->ssrc, roc, seq, sl->iv);
        j->key = &c->rtp.gcm;
        j->nonce = sl->iv;
        j->nonce_len = 12;
        j->aad = it->out;
        j->aad_len = hdr;
        j->in = it->in + hdr;
        j->out = it->out + hdr;
        j->len = len - hdr;
        j->decrypt = 0;
    } else {
        ccf_hmac_sha1_job *j = &w->hj[sl->job = w->nh++];
        if (!c->null_cipher) {
            ccf_aes_ctr_job *k = &w->cj[w->nc++];
            k->key = &c->rtp.cm;
            ccf_srtp_cm_iv(c->rtp.salt, s->ssrc, (uint64_t)idx, k->ctr);
            k->in = it->in + hdr;
            k->out = it->out + hdr;
            k->len = len - hdr;
        }
        ccf_store32_be(sl->roc, roc);
        j->key = &c->rtp.auth;
        j->m1 = it->out;                            /* the MAC covers the ciphertext */
        j->len1 = len;
        j->m2 = sl->roc;
        j->len2 = 4;
    }
    sl->direct = 1;
    ccf_srtp_replay_add(&s->rtp_tx, (uint64_t)idx);
    ccf_srtp_usage_count(c, 0, s->ssrc);
    s->protected_rtp++;
    it->len = total;
    return CCF_OK;
}

/* ---- the batch ---------------------------------------------------------------------------- */

/* After an item's status: the fresh-stream rule of the caller, and STOP (later items -2). */
static int settle(ccf_srtp_item *items, size_t i, size_t n, int rx, int flags)
{
    ccf_srtp_item *it = &items[i];
    size_t j;
    if (it->rc == CCF_OK)
        return 0;
    if (rx && it->fresh && it->s->authenticated_rtp == 0) {
        it->s->auth_failures = 0;                   /* as a stream made for this packet alone */
        it->s->replays = 0;
    }
    if (!(flags & CCF_SRTP_BATCH_STOP))
        return 0;
    for (j = i + 1; j < n; j++)
        if (items[j].rc == -1)
            items[j].rc = -2;
    return 1;
}

static int per_packet(ccf_srtp_item *it, int rx)
{
    size_t out_len = 0;
    int rc = rx ? ccf_srtp_unprotect(it->ctx, it->s, it->in, it->len, it->out, it->cap, &out_len)
                : ccf_srtp_protect(it->ctx, it->s, it->in, it->len, it->out, it->cap, &out_len,
                                   it->allow_repeat_tx);
    if (rc == CCF_OK)
        it->len = out_len;
    return rc;
}

static int unprotect_chunk(work *w, ccf_srtp_item *items, size_t n, int flags, uint8_t *scratch)
{
    size_t i, off = 0;
    int stop = 0;
    w->nh = w->nc = w->ng = 0;
    for (i = 0; i < n; i++) {
        w->sl[i].direct = 0;
        if (items[i].rc == -1)
            off += plan_rx(w, &w->sl[i], &items[i], scratch ? scratch + off : NULL);
    }
    if (w->nh)
        (void)ccf_hmac_sha1_many(w->hj, w->nh);     /* len2 = 4: cannot fail */
    if (w->ng)
        (void)ccf_aes_gcm_crypt_many(w->gj, w->ng); /* 12-byte nonces: cannot fail */
    for (i = 0; i < n && !stop; i++) {
        ccf_srtp_item *it = &items[i];
        const slot *sl = &w->sl[i];
        if (it->rc != -1)
            continue;
        /* the planned index is the one the per-packet code guesses now, unless an earlier
         * packet of the chunk moved the stream far enough: then per packet */
        if (sl->direct && (!it->ctx->aead || w->gj[sl->job].rc == CCF_OK) &&
            ccf_srtp_guess_index(&it->s->rtp_rx, sl->seq) == sl->idx)
            it->rc = commit_rx(w, sl, it);
        else
            it->rc = per_packet(it, 1);
        stop = settle(items, i, n, 1, flags);
    }
    if (w->nc)
        ccf_aes_ctr128_many(w->cj, w->nc);
    /* expected MACs and tags, plaintexts of packets that did not authenticate */
    ccf_memzero(w->hj, w->nh * sizeof(w->hj[0]));
    ccf_memzero(w->gj, w->ng * sizeof(w->gj[0]));
    ccf_memzero(scratch, off);
    return stop;
}

static int protect_chunk(work *w, ccf_srtp_item *items, size_t n, int flags)
{
    size_t i;
    int stop = 0;
    w->nh = w->nc = w->ng = 0;
    for (i = 0; i < n && !stop; i++) {
        ccf_srtp_item *it = &items[i];
        slot *sl = &w->sl[i];
        sl->direct = 0;
        if (it->rc != -1)
            continue;
        if (direct_ctx(it->ctx) && direct_shape(it, 0, &sl->hdr))
            it->rc = commit_tx(w, sl, it);
        else
            it->rc = per_packet(it, 0);
        stop = settle(items, i, n, 0, flags);
    }
    for (; i < n; i++)
        w->sl[i].direct = 0;
    if (w->nc)
        ccf_aes_ctr128_many(w->cj, w->nc);
    if (w->ng)
        (void)ccf_aes_gcm_crypt_many(w->gj, w->ng);
    if (w->nh)
        (void)ccf_hmac_sha1_many(w->hj, w->nh);
    for (i = 0; i < n; i++) {
        const slot *sl = &w->sl[i];
        if (!sl->direct)
            continue;
        if (items[i].ctx->aead)
            memcpy(sl->tag_at, w->gj[sl->job].tag, 16);
        else
            memcpy(sl->tag_at, w->hj[sl->job].mac, items[i].ctx->tag_len);
    }
    ccf_memzero(w->hj, w->nh * sizeof(w->hj[0]));   /* inner digests' traces, tags */
    ccf_memzero(w->gj, w->ng * sizeof(w->gj[0]));
    return stop;
}

static void run_many(ccf_srtp_item *items, size_t n, int flags, int rx)
{
    work w;                         /* 17 KB: on the stack, no allocation per call */
    uint8_t *scratch = NULL;
    size_t cap = 0, base, i, stop = 0;
    int chunked = !(flags & CCF_SRTP_BATCH_SERIAL) && n > 1;    /* one packet: nothing to share */
    if (chunked && rx) {            /* GCM plaintexts of the largest chunk */
        for (base = 0; base < n; base += CHUNK) {
            size_t sz = 0, end = base + CHUNK < n ? base + CHUNK : n;
            for (i = base; i < end; i++)
                if (items[i].rc == -1 && items[i].ctx->aead)
                    sz += round64(items[i].len);
            if (sz > cap)
                cap = sz;
        }
        if (cap && !(scratch = (uint8_t *)malloc(cap)))
            chunked = 0;            /* per packet: still correct, only slower */
    }
    for (base = 0; base < n && !stop; base += CHUNK) {
        size_t end = base + CHUNK < n ? base + CHUNK : n;
        if (chunked) {
            stop = rx ? unprotect_chunk(&w, items + base, end - base, flags, scratch)
                      : protect_chunk(&w, items + base, end - base, flags);
            continue;
        }
        for (i = base; i < end && !stop; i++)
            if (items[i].rc == -1) {
                items[i].rc = per_packet(&items[i], rx);
                stop = settle(items, i, end, rx, flags);
            }
    }
    if (stop)                 /* the chunks after the one that stopped: not attempted either */
        for (i = base; i < n; i++)
            if (items[i].rc == -1)
                items[i].rc = -2;
    free(scratch);            /* wiped by the chunks, as the jobs in w */
}

/* see ccf_srtp_batch.h */
void ccf_srtp_protect_many(ccf_srtp_item *items, size_t n, int flags)
{
    run_many(items, n, flags, 0);
}

/* see ccf_srtp_batch.h */
void ccf_srtp_unprotect_many(ccf_srtp_item *items, size_t n, int flags)
{
    run_many(items, n, flags, 1);
}

/* see ccf_srtp_batch.h */
const char *ccf_srtp_batch_kernel(const char *what)
{
    if (strcmp(what, "sha1") == 0)
        return ccf_sha1_mb_best()->name;
    if (strcmp(what, "aes-ctr") == 0)
        return ccf_aes_ctr128_many_name(ccf_aes_best());
    if (strcmp(what, "gcm") == 0)
        return ccf_aes_gcm_many_best_name();
    return "";
}
