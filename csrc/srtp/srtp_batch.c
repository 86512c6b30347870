/* SRTP protect/unprotect of many packets with the crypto computed ahead in the multi-buffer
 * kernels.  See ccf_srtp_batch.h for the scheme; the pieces, in order of use:
 *   look-ahead (plan_rx / plan_tx)  ->  kernels (run_kernels)  ->  answering tables (memo_*)
 *   around the per-packet functions (commit).
 * Packet indexes, IVs and lengths are public; the scratch memory (payloads computed ahead,
 * expected MACs and tags) is secret until authenticated and wiped before return. */
#include "ccf_srtp_batch.h"
#include "ccf_sha1_mb.h"
#include "ccf_aes_many.h"
#include "ccf_gcm_many.h"
#include "ghash_impls.h"

#include <stdlib.h>

#if defined(CCF_MSVC)
#  define THREAD_LOCAL __declspec(thread)
#else
#  define THREAD_LOCAL _Thread_local
#endif

#define CHUNK 64                    /* packets computed ahead at a time (scratch stays in L1/L2) */

/* What was computed ahead for one packet; a NULL key means "nothing of that kind". */
typedef struct entry {
    /* AES-CM (RFC 3711 4.1.1): the keystream of ctr_len bytes from iv (input-independent) */
    const ccf_aes_key *cm;
    uint8_t iv[16];
    uint8_t *ks;
    size_t ctr_len;
    /* HMAC-SHA1 (RFC 3711 4.2.1) over m1 || ROC, m1 a copy in scratch taken ahead (the
     * per-packet code may change a packet in place before it authenticates it) */
    const ccf_hmac_sha1_key *auth;
    const uint8_t *m1;
    size_t len1;
    uint8_t roc[4];
    const ccf_hmac_sha1_job *mac;
    size_t hdr;                        /* protect: where the payload starts in the copy */
    /* AES-GCM (RFC 7714): the job (nonce, AAD and input copied ahead, result and tag) */
    const ccf_aes_gcm *gcm;
    uint8_t j0[16];
    uint8_t aad[16];
    const ccf_aes_gcm_job *gj;
} entry;

typedef struct memo {
    entry *e;
    size_t cur;                         /* the item being committed */
    const ccf_aes_impl *aes;            /* the real implementations of the answered keys */
    const ccf_sha1_impl *sha1;
    const ccf_gcm_bulk *bulk;
} memo;

/* The batch running on this thread (its keys are the only ones pointing at the tables below). */
static THREAD_LOCAL memo *current;

/* ---- answering tables ------------------------------------------------------------------- */

/* Outside a batch no key points here; were a copy of an answered key ever used afterwards, the
 * implementations chosen for this CPU are the ones its schedule was made with. */
static const ccf_aes_impl *real_aes(void) { return current && current->aes ? current->aes : ccf_aes_best(); }
static const ccf_sha1_impl *real_sha1(void) { return current && current->sha1 ? current->sha1 : ccf_sha1_best(); }

static int memo_supported(void) { return 1; }

static void fwd_expand(ccf_aes_key *k, const uint8_t *key, size_t key_len) { real_aes()->expand(k, key, key_len); }
static void fwd_encrypt_blocks(const ccf_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    real_aes()->encrypt_blocks(k, in, out, nblocks);
}
static void fwd_ctr32(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    real_aes()->ctr32(k, ctr, in, out, len);
}

/* 128-bit big-endian ctr += n */
static void ctr_add(uint8_t ctr[16], uint64_t n)
{
    int i;
    for (i = 15; i >= 0 && n; i--) {
        n += ctr[i];
        ctr[i] = (uint8_t)n;
        n >>= 8;
    }
}

/* out = a XOR b, 8 bytes at a time; out may equal a (each word is read before it is written). */
static void xor_bytes(uint8_t *out, const uint8_t *a, const uint8_t *b, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        x ^= y;
        memcpy(out + i, &x, 8);
    }
    for (; i < len; i++)
        out[i] = (uint8_t)(a[i] ^ b[i]);
}

static void memo_ctr128(const ccf_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    memo *m = current;
    const entry *e = m ? &m->e[m->cur] : NULL;
    if (e && e->cm == k && e->ctr_len == len && memcmp(e->iv, ctr, 16) == 0) {
        xor_bytes(out, in, e->ks, len);          /* in may equal out */
        ctr_add(ctr, ((uint64_t)len + 15) / 16);
        return;
    }
    real_aes()->ctr128(k, ctr, in, out, len);
}

static const ccf_aes_impl memo_aes = {
    "srtp-batch", memo_supported, fwd_expand, fwd_encrypt_blocks, fwd_ctr32, memo_ctr128
};

static void fwd_compress(uint32_t h[5], const uint8_t *blocks, size_t nblocks)
{
    real_sha1()->compress(h, blocks, nblocks);
}

static void memo_hmac(const uint32_t inner[5], const uint32_t outer[5], const uint8_t *m1, size_t len1,
                      const uint8_t *m2, size_t len2, uint8_t mac[20])
{
    memo *m = current;
    const entry *e = m ? &m->e[m->cur] : NULL;
    const ccf_sha1_impl *real;
    if (e && e->auth && e->auth->inner == inner && e->len1 == len1 && len2 == 4 &&
        memcmp(m2, e->roc, 4) == 0 && memcmp(m1, e->m1, len1) == 0) {
        memcpy(mac, e->mac->mac, 20);
        return;
    }
    real = real_sha1();
    if (real->hmac && len2 <= 56) {              /* as sha1.c calls it */
        real->hmac(inner, outer, m1, len1, m2, len2, mac);
    } else {
        ccf_hmac_sha1_key t;
        memcpy(t.inner, inner, sizeof(t.inner));
        memcpy(t.outer, outer, sizeof(t.outer));
        t.impl = real;
        ccf_hmac_sha1(&t, m1, len1, m2, len2, mac, 20);
        ccf_memzero(&t, sizeof(t));
    }
}

static const ccf_sha1_impl memo_sha1 = { "srtp-batch", memo_supported, fwd_compress, memo_hmac };

/* The stitched kernel of a GCM key's AES and GHASH implementations (those are never replaced). */
static const ccf_gcm_bulk *real_bulk(const ccf_aes_key *k, const ccf_ghash_key *gk)
{
    size_t i;
    if (current && current->bulk)
        return current->bulk;
    for (i = 0; ccf_gcm_bulk_kernels[i]; i++)
        if (ccf_gcm_bulk_kernels[i]->aes == k->impl && ccf_gcm_bulk_kernels[i]->ghash == gk->impl)
            return ccf_gcm_bulk_kernels[i];
    return NULL;
}

static size_t fwd_bulk_encrypt(const ccf_aes_key *k, const ccf_ghash_key *gk, uint8_t ctr[16], uint8_t y[16],
                               const uint8_t *in, uint8_t *out, size_t len)
{
    const ccf_gcm_bulk *b = real_bulk(k, gk);
    return b ? b->encrypt(k, gk, ctr, y, in, out, len) : 0;
}

static size_t fwd_bulk_decrypt(const ccf_aes_key *k, const ccf_ghash_key *gk, uint8_t ctr[16], uint8_t y[16],
                               const uint8_t *in, uint8_t *out, size_t len)
{
    const ccf_gcm_bulk *b = real_bulk(k, gk);
    return b ? b->decrypt(k, gk, ctr, y, in, out, len) : 0;
}

static int memo_short(const ccf_aes_key *k, const ccf_ghash_key *gk, const uint8_t j0[16],
                      const uint8_t *aad, size_t aad_len, const uint8_t *in, uint8_t *out,
                      size_t len, uint8_t *tag, size_t tag_len, int decrypt)
{
    memo *m = current;
    const entry *e = m ? &m->e[m->cur] : NULL;
    const ccf_gcm_bulk *b;
    if (e && e->gcm && &e->gcm->aes == k && e->gj->decrypt == decrypt && e->gj->len == len &&
        e->gj->aad_len == aad_len && memcmp(e->j0, j0, 16) == 0 && memcmp(e->aad, aad, aad_len) == 0 &&
        memcmp(in, e->gj->in, len) == 0) {
        if (decrypt) {
            if (ccf_ct_memcmp(e->gj->tag, tag, tag_len) != 0)
                return CCF_ERR_AUTH;
        } else {
            memcpy(tag, e->gj->tag, 16);
        }
        if (len)
            memcpy(out, e->gj->out, len);
        return CCF_OK;
    }
    b = real_bulk(k, gk);
    return b->short_msg(k, gk, j0, aad, aad_len, in, out, len, tag, tag_len, decrypt);
}

static const ccf_gcm_bulk memo_bulk = {
    "srtp-batch", memo_supported, NULL, NULL, fwd_bulk_encrypt, fwd_bulk_decrypt, memo_short
};

/* ---- which keys are answered -------------------------------------------------------------- */

typedef struct plan {
    memo m;
    int use_cm, use_mac, use_gcm;       /* kernels worth running ahead, for keys of m's impls */
    int gcm_on;                         /* CCF_SRTP_BATCH_GCM */
    ccf_srtp_ctx *patched[CHUNK];
    size_t npatched;
    /* job arrays of a chunk */
    ccf_aes_ctr_job cj[CHUNK];
    ccf_hmac_sha1_job hj[CHUNK];
    ccf_aes_gcm_job gj[CHUNK];
    size_t nc, nh, ng;
    entry e[CHUNK];
} plan;

static int is_many(const char *name) { return strcmp(name, "serial") != 0; }

/* First use of a session in the batch: record the real implementations if none are recorded
 * yet; a session whose keys use other implementations is simply not answered. */
/* AES keys only: an SM4 profile's keys share the union with the AES-GCM key (ccf_srtp_keys). */
static int eligible_cm(plan *p, const ccf_srtp_ctx *c)
{
    if (c->rekey || c->aead || c->null_cipher || c->cipher != CCF_SRTP_CIPHER_AES)
        return 0;
    if (!p->m.aes) {
        p->m.aes = c->rtp.cm.impl;
        p->use_cm = is_many(ccf_aes_ctr128_many_name(p->m.aes));
    }
    return c->rtp.cm.impl == p->m.aes;
}

static int eligible_mac(plan *p, const ccf_srtp_ctx *c)
{
    if (c->rekey || c->aead || c->cipher != CCF_SRTP_CIPHER_AES)
        return 0;
    if (!p->m.sha1) {
        p->m.sha1 = c->rtp.auth.impl;
        p->use_mac = ccf_sha1_mb_best()->compress != NULL;
    }
    return p->use_mac && c->rtp.auth.impl == p->m.sha1;
}

static int eligible_gcm(plan *p, const ccf_srtp_ctx *c)
{
    if (!p->gcm_on || c->rekey || !c->aead || c->cipher != CCF_SRTP_CIPHER_AES)
        return 0;
    if (!p->m.bulk) {
        p->m.bulk = c->rtp.gcm.bulk;
        p->use_gcm = p->m.bulk && p->m.bulk->short_msg && is_many(ccf_aes_gcm_many_name(&c->rtp.gcm));
    }
    return p->use_gcm && c->rtp.gcm.bulk == p->m.bulk;
}

/* Point a session's RTP keys at the answering tables (once per session and chunk). */
static void patch(plan *p, ccf_srtp_ctx *c)
{
    int done = 0;
    if (c->rtp.cm.impl == &memo_aes || c->rtp.auth.impl == &memo_sha1 || c->rtp.gcm.bulk == &memo_bulk)
        return;
    if (eligible_cm(p, c) && p->use_cm) {
        c->rtp.cm.impl = &memo_aes;
        done = 1;
    }
    if (eligible_mac(p, c)) {
        c->rtp.auth.impl = &memo_sha1;
        done = 1;
    }
    if (eligible_gcm(p, c)) {
        c->rtp.gcm.bulk = &memo_bulk;
        done = 1;
    }
    if (done)
        p->patched[p->npatched++] = c;
}

static void unpatch(plan *p)
{
    size_t i;
    for (i = 0; i < p->npatched; i++) {
        ccf_srtp_ctx *c = p->patched[i];
        if (c->rtp.cm.impl == &memo_aes)
            c->rtp.cm.impl = p->m.aes;
        if (c->rtp.auth.impl == &memo_sha1)
            c->rtp.auth.impl = p->m.sha1;
        if (c->rtp.gcm.bulk == &memo_bulk)
            c->rtp.gcm.bulk = p->m.bulk;
    }
    p->npatched = 0;
}

/* ---- look-ahead ------------------------------------------------------------------------- */

/* RFC 7714 8.1 IV as ccf_srtp_protect forms it, and J0 = IV || 0^31 || 1 (SP 800-38D 7.1). */
static void gcm_j0(const uint8_t salt[12], uint32_t ssrc, uint32_t roc, uint16_t seq, uint8_t j0[16])
{
    int i;
    j0[0] = j0[1] = 0;
    ccf_store32_be(j0 + 2, ssrc);
    ccf_store32_be(j0 + 6, roc);
    j0[10] = (uint8_t)(seq >> 8);
    j0[11] = (uint8_t)seq;
    for (i = 0; i < 12; i++)
        j0[i] ^= salt[i];
    j0[12] = j0[13] = j0[14] = 0;
    j0[15] = 1;
}

/* RFC 3711 4.1.1 IV, (k_s * 2^16) ^ (SSRC * 2^64) ^ (index * 2^16), as ccf_srtp_cm_iv forms it
 * (the per-packet code calls that; a difference would only make the answer unused). */
static void cm_iv(const uint8_t salt[14], uint32_t ssrc, uint64_t index, uint8_t iv[16])
{
    uint64_t lo = ((uint64_t)ccf_load32_be(salt + 8) << 32) | ((uint64_t)salt[12] << 24) | ((uint64_t)salt[13] << 16);
    ccf_store64_be(iv, ccf_load64_be(salt) ^ ssrc);
    ccf_store64_be(iv + 8, lo ^ (index << 16));
}

/* Header, SSRC and index of an item as the per-packet code will find them (0 if it will
 * fail before any crypto, or the look-ahead does not model it). */
static int head(const ccf_srtp_item *it, int rx, size_t *hdr, uint16_t *seq, int64_t *idx)
{
    const ccf_srtp_ctx *c = it->ctx;
    if (it->rc != -1 || c->rekey || ccf_srtp_rtp_header_len(it->in, it->len, hdr) != CCF_OK)
        return 0;
    if (ccf_load32_be(it->in + 8) != it->s->ssrc)
        return 0;
    if (rx && it->len < *hdr + c->tag_len + c->mki_len)
        return 0;
    *seq = (uint16_t)((it->in[2] << 8) | it->in[3]);
    *idx = ccf_srtp_guess_index(rx ? &it->s->rtp_rx : &it->s->rtp_tx, *seq);
    return *idx >= 0;
}

static void gcm_job(plan *p, entry *e, const ccf_aes_gcm *g, const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, uint8_t *out, size_t len, int decrypt)
{
    ccf_aes_gcm_job *j = &p->gj[p->ng++];
    memcpy(e->aad, aad, aad_len);
    e->gcm = g;
    e->gj = j;
    j->key = g;
    j->nonce = e->j0;
    j->nonce_len = 12;
    j->aad = e->aad;
    j->aad_len = aad_len;
    j->in = in;
    j->out = out;
    j->len = len;
    j->decrypt = decrypt;
}

static void mac_job(plan *p, entry *e, const ccf_hmac_sha1_key *k, const uint8_t *m1, size_t len1, uint32_t roc)
{
    ccf_hmac_sha1_job *j = &p->hj[p->nh++];
    ccf_store32_be(e->roc, roc);
    e->auth = k;
    e->m1 = m1;
    e->len1 = len1;
    e->mac = j;
    j->key = k;
    j->m1 = m1;
    j->len1 = len1;
    j->m2 = e->roc;
    j->len2 = 4;
}

/* The keystream of len bytes from e->iv into ks (the job's input NULL). */
static void ctr_job(plan *p, entry *e, const ccf_aes_key *k, uint8_t *ks, size_t len)
{
    ccf_aes_ctr_job *j = &p->cj[p->nc++];
    e->ks = ks;
    e->ctr_len = len;
    j->key = k;
    memcpy(j->ctr, e->iv, 16);
    j->in = NULL;
    j->out = ks;
    j->len = len;
}

/* Unprotect: a copy of the authenticated portion and its MAC, the payload's keystream (RFC 3711
 * 3.3); or a copy of the AEAD input, its tag and plaintext (RFC 7714 8.2).  Scratch: 2 * len. */
static void plan_rx(plan *p, entry *e, const ccf_srtp_item *it, uint8_t *scratch)
{
    const ccf_srtp_ctx *c = it->ctx;
    size_t hdr, plen;
    uint16_t seq;
    int64_t idx;
    uint32_t ssrc, roc;
    if (!head(it, 1, &hdr, &seq, &idx))
        return;
    ssrc = it->s->ssrc;
    roc = (uint32_t)((uint64_t)idx >> 16);
    plen = it->len - c->tag_len - c->mki_len;
    if (c->aead) {
        if (eligible_gcm(p, c) && hdr <= 16 && plen - hdr <= CCF_GCM_MANY_SHORT_MAX) {
            memcpy(scratch, it->in + hdr, plen - hdr);
            gcm_j0(c->rtp.salt, ssrc, roc, seq, e->j0);
            gcm_job(p, e, &c->rtp.gcm, it->in, hdr, scratch, scratch + it->len, plen - hdr, 1);
        }
        return;
    }
    if (eligible_mac(p, c)) {
        memcpy(scratch, it->in, plen);
        mac_job(p, e, &c->rtp.auth, scratch, plen, roc);
    }
    if (eligible_cm(p, c) && p->use_cm) {
        e->cm = &c->rtp.cm;
        cm_iv(c->rtp.salt, ssrc, (uint64_t)idx, e->iv);
        ctr_job(p, e, e->cm, scratch + it->len, plen - hdr);
    }
}

/* Protect: the payload's keystream, and the packet as it will be authenticated (header copied,
 * payload XOR keystream) with its MAC; or a copy of the AEAD input with its ciphertext and tag.
 * Scratch: 2 * len. */
static void plan_tx(plan *p, entry *e, const ccf_srtp_item *it, uint8_t *scratch)
{
    const ccf_srtp_ctx *c = it->ctx;
    size_t hdr;
    uint16_t seq;
    int64_t idx;
    uint32_t ssrc, roc;
    int mac, cm;
    if (!head(it, 0, &hdr, &seq, &idx))
        return;
    ssrc = it->s->ssrc;
    roc = (uint32_t)((uint64_t)idx >> 16);
    if (c->aead) {
        if (eligible_gcm(p, c) && hdr <= 16 && it->len - hdr <= CCF_GCM_MANY_SHORT_MAX) {
            memcpy(scratch, it->in + hdr, it->len - hdr);
            gcm_j0(c->rtp.salt, ssrc, roc, seq, e->j0);
            gcm_job(p, e, &c->rtp.gcm, it->in, hdr, scratch, scratch + it->len, it->len - hdr, 0);
        }
        return;
    }
    mac = eligible_mac(p, c);
    cm = eligible_cm(p, c);
    if (c->null_cipher) {
        if (mac) {
            memcpy(scratch, it->in, it->len);
            mac_job(p, e, &c->rtp.auth, scratch, it->len, roc);
        }
        return;
    }
    if (!mac && !(cm && p->use_cm))
        return;
    /* the MAC covers the ciphertext: the keystream is run ahead whenever the MAC is, and the
     * packet to authenticate built from it once the kernels have run (finish_tx) */
    cm_iv(c->rtp.salt, ssrc, (uint64_t)idx, e->iv);
    ctr_job(p, e, &c->rtp.cm, scratch + it->len, it->len - hdr);
    if (cm && p->use_cm)
        e->cm = &c->rtp.cm;
    if (mac) {
        memcpy(scratch, it->in, it->len);
        e->hdr = hdr;
        mac_job(p, e, &c->rtp.auth, scratch, it->len, roc);
    }
}

/* Protect, after the CTR kernel: the payload in the copy XOR its keystream (the ciphertext the
 * MAC covers). */
static void finish_tx(entry *e)
{
    uint8_t *pkt = (uint8_t *)(uintptr_t)e->m1 + e->hdr;
    xor_bytes(pkt, pkt, e->ks, e->ctr_len);
}

/* ---- the batch ---------------------------------------------------------------------------- */

/* The per-packet functions in order; with p, the kernels on the session keys answered from
 * what p computed ahead. */
static void commit(plan *p, ccf_srtp_item *items, size_t n, int rx, int flags, size_t *stop)
{
    size_t i, j;
    if (p) {
        for (i = 0; i < n; i++)
            if (items[i].rc == -1)
                patch(p, items[i].ctx);
        p->m.e = p->e;
        current = &p->m;
    }
    for (i = 0; i < n; i++) {
        ccf_srtp_item *it = &items[i];
        size_t out_len = 0;
        if (it->rc != -1)
            continue;
        if (p)
            p->m.cur = i;
        if (rx)
            it->rc = ccf_srtp_unprotect(it->ctx, it->s, it->in, it->len, it->out, it->cap, &out_len);
        else
            it->rc = ccf_srtp_protect(it->ctx, it->s, it->in, it->len, it->out, it->cap, &out_len,
                                      it->allow_repeat_tx);
        if (it->rc == CCF_OK) {
            it->len = out_len;
        } else if (rx && it->fresh && it->s->authenticated_rtp == 0) {
            it->s->auth_failures = 0;             /* as a stream made for this packet alone */
            it->s->replays = 0;
        }
        if (it->rc != CCF_OK && (flags & CCF_SRTP_BATCH_STOP)) {
            for (j = i + 1; j < n; j++)
                if (items[j].rc == -1)
                    items[j].rc = -2;
            *stop = 1;
            break;
        }
    }
    if (p) {
        current = NULL;
        unpatch(p);
    }
}

static size_t round64(size_t n) { return (n + 63) & ~(size_t)63; }

static void run_many(ccf_srtp_item *items, size_t n, int flags, int rx)
{
    plan *p = NULL;
    uint8_t *scratch = NULL;
    size_t cap = 0, base, i, stop = 0;
    if (!(flags & CCF_SRTP_BATCH_SERIAL) && n > 1) {
        /* scratch for the largest chunk */
        for (base = 0; base < n; base += CHUNK) {
            size_t sz = 0, end = base + CHUNK < n ? base + CHUNK : n;
            for (i = base; i < end; i++)
                if (items[i].rc == -1)
                    sz += 2 * round64(items[i].len);
            if (sz > cap)
                cap = sz;
        }
        p = (plan *)malloc(sizeof(plan));
        scratch = (uint8_t *)malloc(cap ? cap : 1);
        if (!p || !scratch) {                     /* no look-ahead: still correct, only slower */
            free(p);
            free(scratch);
            p = NULL;
            scratch = NULL;
        } else {
            memset(&p->m, 0, sizeof(p->m));
            p->use_cm = p->use_mac = p->use_gcm = 0;
            p->gcm_on = (flags & CCF_SRTP_BATCH_GCM) != 0;
            p->npatched = 0;
        }
    }
    for (base = 0; base < n && !stop; base += CHUNK) {
        size_t end = base + CHUNK < n ? base + CHUNK : n, off = 0;
        int ahead;
        if (!p) {
            commit(NULL, items + base, end - base, rx, flags, &stop);
            continue;
        }
        p->nc = p->nh = p->ng = 0;
        for (i = base; i < end; i++) {
            entry *e = &p->e[i - base];
            e->cm = NULL;
            e->auth = NULL;
            e->gcm = NULL;
            e->ks = NULL;
            e->ctr_len = 0;
            if (items[i].rc != -1)
                continue;
            if (rx)
                plan_rx(p, e, &items[i], scratch + off);
            else
                plan_tx(p, e, &items[i], scratch + off);
            off += 2 * round64(items[i].len);
        }
        ahead = p->nc + p->nh + p->ng > 0;
        if (p->nc)
            ccf_aes_ctr128_many(p->cj, p->nc);
        if (!rx)                                        /* the MACs of protect need the ciphertext */
            for (i = base; i < end; i++) {
                entry *e = &p->e[i - base];
                if (e->auth && e->ks && e->ctr_len)
                    finish_tx(e);
            }
        if (p->nh)
            (void)ccf_hmac_sha1_many(p->hj, p->nh);     /* len2 = 4: cannot fail */
        if (p->ng)
            (void)ccf_aes_gcm_crypt_many(p->gj, p->ng); /* 12-byte nonces: cannot fail */
        commit(ahead ? p : NULL, items + base, end - base, rx, flags, &stop);
        if (ahead) {
            /* payloads decrypted before authentication, expected MACs and tags */
            ccf_memzero(scratch, off);
            ccf_memzero(p->hj, p->nh * sizeof(p->hj[0]));
            ccf_memzero(p->gj, p->ng * sizeof(p->gj[0]));
        }
    }
    if (stop)                 /* the chunks after the one that stopped: not attempted either */
        for (i = base; i < n; i++)
            if (items[i].rc == -1)
                items[i].rc = -2;
    free(p);                  /* what is left there (pointers, IVs, AAD) is public */
    free(scratch);
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
