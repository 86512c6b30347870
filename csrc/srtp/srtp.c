/* SRTP/SRTCP protect and unprotect (RFC 3711, RFC 7714, RFC 6188; header privacy of RFC 6904
 * and RFC 9335 through srtp_hdrext.c).  See ccf_srtp.h. */
#include "ccf_srtp.h"

typedef struct profile_info {
    int id;
    size_t key_len, salt_len, tag_len;
    int aead, null_cipher, cipher;
} profile_info;

static const profile_info PROFILES[] = {
    { CCF_SRTP_AES128_CM_SHA1_80, 16, 14, 10, 0, 0, CCF_SRTP_CIPHER_AES },
    { CCF_SRTP_AES128_CM_SHA1_32, 16, 14, 4, 0, 0, CCF_SRTP_CIPHER_AES },
    { CCF_SRTP_NULL_SHA1_80, 16, 14, 10, 0, 1, CCF_SRTP_CIPHER_AES },
    { CCF_SRTP_NULL_SHA1_32, 16, 14, 4, 0, 1, CCF_SRTP_CIPHER_AES },
    { CCF_SRTP_AEAD_AES_128_GCM, 16, 12, 16, 1, 0, CCF_SRTP_CIPHER_AES },
    { CCF_SRTP_AEAD_AES_256_GCM, 32, 12, 16, 1, 0, CCF_SRTP_CIPHER_AES },
    { CCF_SRTP_AES192_CM_SHA1_80, 24, 14, 10, 0, 0, CCF_SRTP_CIPHER_AES },
    { CCF_SRTP_AES192_CM_SHA1_32, 24, 14, 4, 0, 0, CCF_SRTP_CIPHER_AES },
    { CCF_SRTP_AES256_CM_SHA1_80, 32, 14, 10, 0, 0, CCF_SRTP_CIPHER_AES },
    { CCF_SRTP_AES256_CM_SHA1_32, 32, 14, 4, 0, 0, CCF_SRTP_CIPHER_AES },
    { CCF_SRTP_AEAD_SM4_GCM, 16, 12, 16, 1, 0, CCF_SRTP_CIPHER_SM4 },
};

static const profile_info *find_profile(int id)
{
    size_t i;
    for (i = 0; i < sizeof(PROFILES) / sizeof(PROFILES[0]); i++)
        if (PROFILES[i].id == id)
            return &PROFILES[i];
    return NULL;
}

/* SRTCP always carries an 80-bit HMAC-SHA1 tag, also with the _32 profiles (RFC 5764 4.1.2). */
static size_t rtcp_tag_len(const ccf_srtp_ctx *c) { return c->aead ? 16 : 10; }

/* see ccf_srtp.h */
int ccf_srtp_profile_lengths(int profile, size_t *key_len, size_t *salt_len, size_t *tag_len)
{
    const profile_info *p = find_profile(profile);
    if (!p)
        return CCF_ERR_PARAM;
    *key_len = p->key_len;
    *salt_len = p->salt_len;
    *tag_len = p->tag_len;
    return CCF_OK;
}

/* The profile's PRF: AES-CM (RFC 3711 4.3.1, RFC 6188) or SM4-CM (srtp_sm4.c). */
static int kdf(const profile_info *p, const uint8_t *mkey, const uint8_t salt14[14], uint8_t label,
               uint64_t r, uint8_t *out, size_t n)
{
    if (p->cipher == CCF_SRTP_CIPHER_SM4)
        return ccf_srtp_kdf_sm4_r(mkey, salt14, label, r, out, n);
    return ccf_srtp_kdf_r(mkey, p->key_len, salt14, label, r, out, n);
}

/* Session keys of one packet kind: labels base (k_e), base + 1 (k_a), base + 2 (k_s); with hdr,
 * the RFC 6904 header-extension keys too: labels 6 (k_he) and 7 (k_hs). */
static int derive(ccf_srtp_keys *k, const profile_info *p, const uint8_t *mkey,
                  const uint8_t salt14[14], uint8_t base, uint64_t r, int hdr)
{
    uint8_t ke[32], ka[CCF_SRTP_AUTH_KEY_LEN];
    int rc;
    memset(k->salt, 0, sizeof(k->salt));
    rc = kdf(p, mkey, salt14, base, r, ke, p->key_len);
    if (rc == CCF_OK && !p->aead)
        rc = kdf(p, mkey, salt14, (uint8_t)(base + 1), r, ka, sizeof(ka));
    if (rc == CCF_OK)
        rc = kdf(p, mkey, salt14, (uint8_t)(base + 2), r, k->salt, p->salt_len);
    if (rc == CCF_OK) {
        if (p->aead && p->cipher == CCF_SRTP_CIPHER_SM4)
            rc = ccf_sm4_gcm_init(&k->sm4gcm, ke, p->key_len);
        else if (p->aead)
            rc = ccf_aes_gcm_init(&k->gcm, ke, p->key_len);
        else {
            if (!p->null_cipher)
                rc = ccf_aes_init(&k->cm, ke, p->key_len);
            ccf_hmac_sha1_init(&k->auth, ka, sizeof(ka));
        }
    }
    if (rc == CCF_OK && hdr) {                /* RFC 6904 4.3; RFC 7714 8.3 for AEAD profiles */
        memset(k->hdr_salt, 0, sizeof(k->hdr_salt));
        rc = kdf(p, mkey, salt14, 6, r, ke, p->key_len);
        if (rc == CCF_OK)
            rc = kdf(p, mkey, salt14, 7, r, k->hdr_salt, p->salt_len);
        if (rc == CCF_OK && p->cipher == CCF_SRTP_CIPHER_SM4)
            rc = ccf_sm4_init(&k->hdr_sm4, ke, p->key_len);
        else if (rc == CCF_OK && !p->null_cipher)
            rc = ccf_aes_init(&k->hdr_cm, ke, p->key_len);
    }
    ccf_memzero(ke, sizeof(ke));
    ccf_memzero(ka, sizeof(ka));
    return rc;
}

/* AEAD seal/open with the profile's block cipher (RFC 7714 with AES-GCM, or SM4-GCM). */
static int aead_seal(const ccf_srtp_ctx *c, const ccf_srtp_keys *k, const uint8_t iv[12], const uint8_t *aad,
                     size_t aad_len, const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
    if (c->cipher == CCF_SRTP_CIPHER_SM4)
        return ccf_srtp_sm4_gcm_seal(&k->sm4gcm, iv, aad, aad_len, in, len, out, tag);
    return ccf_aes_gcm_encrypt(&k->gcm, iv, 12, aad, aad_len, in, len, out, tag);
}

static int aead_open(const ccf_srtp_ctx *c, const ccf_srtp_keys *k, const uint8_t iv[12], const uint8_t *aad,
                     size_t aad_len, const uint8_t *in, size_t len, const uint8_t *tag, uint8_t *out)
{
    if (c->cipher == CCF_SRTP_CIPHER_SM4)
        return ccf_srtp_sm4_gcm_open(&k->sm4gcm, iv, aad, aad_len, in, len, tag, out);
    return ccf_aes_gcm_decrypt(&k->gcm, iv, 12, aad, aad_len, in, len, tag, 16, out);
}

/* Master keys get distinct ids (stream key caches tell them apart); a session may also set
 * its own. */
static uint64_t next_key_id = 1;

/* see ccf_srtp.h */
int ccf_srtp_init(ccf_srtp_ctx *c, int profile, const uint8_t *master_key, size_t key_len,
                  const uint8_t *master_salt, size_t salt_len, uint64_t kdr,
                  const uint8_t *mki, size_t mki_len)
{
    ccf_srtp_params p;
    memset(&p, 0, sizeof(p));
    p.profile = profile;
    p.master_key = master_key;
    p.key_len = key_len;
    p.master_salt = master_salt;
    p.salt_len = salt_len;
    p.kdr = kdr;
    p.mki = mki;
    p.mki_len = mki_len;
    return ccf_srtp_init_params(c, &p);
}

/* see ccf_srtp.h */
int ccf_srtp_init_params(ccf_srtp_ctx *c, const ccf_srtp_params *prm)
{
    const profile_info *p = find_profile(prm->profile);
    uint8_t salt14[14];
    uint64_t kdr = prm->kdr;
    int rc, i;
    int shift = 0;
    memset(c, 0, sizeof(*c));
    if (kdr) {                                            /* a power of two, 2^0 .. 2^24 */
        if (kdr & (kdr - 1) || kdr > ((uint64_t)1 << 24))
            return CCF_ERR_PARAM;
        for (shift = 0; ((uint64_t)1 << shift) != kdr; shift++)
            ;
    }
    if (!p || prm->mki_len > CCF_SRTP_MAX_MKI)
        return CCF_ERR_PARAM;
    if (prm->key_len != p->key_len || prm->salt_len != p->salt_len)
        return CCF_ERR_KEY_LENGTH;
    /* a 96-bit AEAD master salt enters the PRF zero-padded to 112 bits (RFC 7714 11) */
    memset(salt14, 0, sizeof(salt14));
    memcpy(salt14, prm->master_salt, prm->salt_len);
    c->profile = prm->profile;
    c->aead = p->aead;
    c->null_cipher = p->null_cipher;
    c->cipher = p->cipher;
    c->tag_len = p->tag_len;
    c->rekey = kdr != 0;
    c->kdr_shift = shift;
    c->mki_len = prm->mki_len;
    if (prm->mki_len)
        memcpy(c->mki, prm->mki, prm->mki_len);
    c->cryptex = prm->cryptex != 0;
    if (prm->hdr_ids) {
        memcpy(c->hdr_ids, prm->hdr_ids, sizeof(c->hdr_ids));
        c->hdr_ids[0] &= 0xFE;                            /* id 0 is padding, never an element */
        for (i = 0; i < 32; i++)
            c->hdr_enc |= c->hdr_ids[i] != 0;
    }
    c->key_id = next_key_id++;
    ccf_srtp_usage_init(&c->usage, prm->lifetime);
    if (kdr) {                        /* keys per stream and r: keep what derives them */
        c->master_key_len = prm->key_len;
        memcpy(c->master_key, prm->master_key, prm->key_len);
        memcpy(c->master_salt, salt14, sizeof(salt14));
        if (p->cipher == CCF_SRTP_CIPHER_SM4) {            /* checks the key length */
            rc = ccf_sm4_init(&c->rtp.hdr_sm4, prm->master_key, prm->key_len);
            ccf_sm4_wipe(&c->rtp.hdr_sm4);
        } else {
            rc = ccf_aes_init(&c->rtp.cm, prm->master_key, prm->key_len);
            ccf_aes_wipe(&c->rtp.cm);
        }
    } else {
        rc = derive(&c->rtp, p, prm->master_key, salt14, 0, 0, c->hdr_enc);
        if (rc == CCF_OK)
            rc = derive(&c->rtcp, p, prm->master_key, salt14, 3, 0, 0);
    }
    ccf_memzero(salt14, sizeof(salt14));
    if (rc != CCF_OK)
        ccf_srtp_wipe(c);
    return rc;
}

/* see ccf_srtp.h */
int ccf_srtp_init_session_keys(ccf_srtp_ctx *c, int profile, const uint8_t *session_key,
                               size_t key_len, const uint8_t *session_salt, size_t salt_len,
                               const uint8_t auth_key[20])
{
    const profile_info *p = find_profile(profile);
    int rc = CCF_OK, i;
    memset(c, 0, sizeof(*c));
    if (!p)
        return CCF_ERR_PARAM;
    if (key_len != p->key_len || salt_len != p->salt_len)
        return CCF_ERR_KEY_LENGTH;
    c->profile = profile;
    c->aead = p->aead;
    c->null_cipher = p->null_cipher;
    c->cipher = p->cipher;
    c->tag_len = p->tag_len;
    c->key_id = next_key_id++;
    ccf_srtp_usage_init(&c->usage, 0);
    for (i = 0; i < 2 && rc == CCF_OK; i++) {
        ccf_srtp_keys *k = i ? &c->rtcp : &c->rtp;
        memcpy(k->salt, session_salt, salt_len);
        if (p->aead && p->cipher == CCF_SRTP_CIPHER_SM4)
            rc = ccf_sm4_gcm_init(&k->sm4gcm, session_key, key_len);
        else if (p->aead)
            rc = ccf_aes_gcm_init(&k->gcm, session_key, key_len);
        else {
            if (!p->null_cipher)
                rc = ccf_aes_init(&k->cm, session_key, key_len);
            ccf_hmac_sha1_init(&k->auth, auth_key, 20);
        }
    }
    if (rc != CCF_OK)
        ccf_srtp_wipe(c);
    return rc;
}

/* see ccf_srtp.h */
void ccf_srtp_wipe(ccf_srtp_ctx *c)
{
    ccf_memzero(c, sizeof(*c));
}

/* see ccf_srtp.h */
void ccf_srtp_set_rtcp_encrypt(ccf_srtp_ctx *c, int encrypt)
{
    c->rtcp_unencrypted = !encrypt;
}

/* see ccf_srtp.h */
void ccf_srtp_stream_set_epochs(ccf_srtp_stream *s, ccf_srtp_epochs *e)
{
    s->epochs = e;
}

/*
 * The keys of a packet with this index (SRTP) or SRTCP index.  kdr = 0: the ctx's.  Otherwise
 * the stream's cached keys when r = index DIV kdr matches them, else keys derived into tmp
 * (*fresh set): the caller adopts them with adopt_keys once the packet is done, so a packet
 * that fails (a forgery, say) leaves the cache as it was.  NULL: no key cache attached.
 */
static const ccf_srtp_keys *keys_for(const ccf_srtp_ctx *c, ccf_srtp_stream *s, int rtcp,
                                     uint64_t index, ccf_srtp_keys *tmp, int *fresh)
{
    const ccf_srtp_epoch *ep;
    uint64_t r;
    *fresh = 0;
    if (!c->rekey)
        return rtcp ? &c->rtcp : &c->rtp;
    if (!s->epochs)
        return NULL;
    ep = rtcp ? &s->epochs->rtcp : &s->epochs->rtp;
    r = index >> c->kdr_shift;
    if (ep->valid && ep->r == r && ep->key_id == c->key_id)
        return &ep->keys;
    if (derive(tmp, find_profile(c->profile), c->master_key, c->master_salt,
               (uint8_t)(rtcp ? 3 : 0), r, !rtcp && c->hdr_enc) != CCF_OK) {
        ccf_memzero(tmp, sizeof(*tmp));
        return NULL;
    }
    *fresh = 1;
    return tmp;
}

/* Keep keys derived by keys_for for the next packets (ok) and wipe the temporary copy. */
static void adopt_keys(const ccf_srtp_ctx *c, ccf_srtp_stream *s, int rtcp, uint64_t index,
                       ccf_srtp_keys *tmp, int fresh, int ok)
{
    if (!fresh)
        return;
    if (ok) {
        ccf_srtp_epoch *ep = rtcp ? &s->epochs->rtcp : &s->epochs->rtp;
        memcpy(&ep->keys, tmp, sizeof(*tmp));
        ep->r = index >> c->kdr_shift;
        ep->key_id = c->key_id;
        ep->valid = 1;
    }
    ccf_memzero(tmp, sizeof(*tmp));
}

/* see ccf_srtp.h */
size_t ccf_srtp_overhead(const ccf_srtp_ctx *c, int rtcp)
{
    return rtcp ? rtcp_tag_len(c) + c->mki_len + 4 : c->tag_len + c->mki_len;
}

static uint32_t ring_words(uint32_t window)
{
    uint32_t w = 1;
    while (64 * w < window)
        w *= 2;
    return w;
}

/* whole uint64_t words holding the struct, so the rings that follow are aligned */
#define STREAM_HEAD_WORDS ((sizeof(ccf_srtp_stream) + 7) / 8)

/* see ccf_srtp.h */
size_t ccf_srtp_stream_size(uint32_t window)
{
    if (window < 1 || window > CCF_SRTP_MAX_WINDOW)
        return 0;
    return 8 * (STREAM_HEAD_WORDS + 3 * (size_t)ring_words(window));
}

/* see ccf_srtp.h */
int ccf_srtp_stream_init(ccf_srtp_stream *s, uint32_t ssrc, uint32_t window)
{
    uint32_t w;
    uint64_t *ring;
    if (window < 1 || window > CCF_SRTP_MAX_WINDOW)
        return CCF_ERR_PARAM;
    memset(s, 0, ccf_srtp_stream_size(window));
    w = ring_words(window);
    ring = (uint64_t *)(void *)s + STREAM_HEAD_WORDS;
    s->ssrc = ssrc;
    s->rtp_tx.window = s->rtp_rx.window = s->rtcp_rx.window = window;
    s->rtp_tx.words = s->rtp_rx.words = s->rtcp_rx.words = w;
    s->rtp_tx.bits = ring;
    s->rtp_rx.bits = ring + w;
    s->rtcp_rx.bits = ring + 2 * w;
    return CCF_OK;
}

/* (RFC 7714 9.1: 00 00 || SSRC || 4 bytes || 2 bytes ... XOR salt) */
static void gcm_iv_rtcp(const uint8_t salt[12], uint32_t ssrc, uint32_t index, uint8_t iv[12])
{
    int i;
    iv[0] = iv[1] = 0;
    ccf_store32_be(iv + 2, ssrc);
    iv[6] = iv[7] = 0;
    ccf_store32_be(iv + 8, index & 0x7FFFFFFFu);
    for (i = 0; i < 12; i++)
        iv[i] ^= salt[i];
}

/* GCM tag with an empty plaintext over AAD = pkt[0:len] || eword (RFC 7714 9.3, SRTCP with
 * E = 0), the AAD taken in two pieces so the packet is not copied: GHASH the whole blocks of
 * pkt, then its tail with eword, then the length block; tag = GHASH ^ E_K(J0). */
static int gcm_tag_only(const ccf_srtp_ctx *c, const ccf_srtp_keys *k, const uint8_t iv[12],
                        const uint8_t *pkt, size_t len, const uint8_t eword[4], uint8_t tag[16])
{
    uint8_t y[16], tail[32], j0[16], ek[16];
    size_t whole = len & ~(size_t)15, rest = len - whole;
    const ccf_ghash_key *gh = c->cipher == CCF_SRTP_CIPHER_SM4 ? &k->sm4gcm.ghash : &k->gcm.ghash;
    int i;
    memset(y, 0, sizeof(y));
    ccf_ghash_update(gh, y, pkt, whole);
    memset(tail, 0, sizeof(tail));
    memcpy(tail, pkt + whole, rest);
    memcpy(tail + rest, eword, 4);
    ccf_ghash_update(gh, y, tail, rest + 4);              /* zero-padded to a block */
    memset(tail, 0, 16);
    ccf_store64_be(tail, (uint64_t)(len + 4) * 8);        /* len(A) in bits, len(C) = 0 */
    ccf_ghash_update(gh, y, tail, 16);
    memcpy(j0, iv, 12);
    j0[12] = j0[13] = j0[14] = 0;
    j0[15] = 1;
    if (c->cipher == CCF_SRTP_CIPHER_SM4)
        ccf_sm4_encrypt_blocks(&k->sm4gcm.sm4, j0, ek, 1);
    else
        ccf_aes_encrypt_blocks(&k->gcm.aes, j0, ek, 1);
    for (i = 0; i < 16; i++)
        tag[i] = (uint8_t)(y[i] ^ ek[i]);
    ccf_memzero(ek, sizeof(ek));
    ccf_memzero(y, sizeof(y));
    return CCF_OK;
}

/* RFC 9335 marker of a block in the one-byte (form 1) or two-byte (form 2) layout, and back. */
static void cryptex_mark(uint8_t *pkt, const ccf_srtp_ext_plan *plan, int on)
{
    uint8_t *x = pkt + plan->ext_at;
    if (on) {
        x[0] = 0xC0 | (uint8_t)(plan->form == 2 ? 0x02 : 0x00);
        x[1] = 0xDE;
    } else if (plan->form == 2) {
        x[0] = 0x10;
        x[1] = 0x00;
    } else {
        x[0] = 0xBE;
        x[1] = 0xDE;
    }
}

/* see ccf_srtp.h */
int ccf_srtp_protect(const ccf_srtp_ctx *c, ccf_srtp_stream *s, const uint8_t *in, size_t len,
                     uint8_t *out, size_t cap, size_t *out_len, int allow_repeat_tx)
{
    size_t hdr, total, enc;
    uint32_t ssrc, roc;
    uint16_t seq;
    int64_t idx;
    int fresh;
    ccf_srtp_keys tmp;
    const ccf_srtp_keys *k;
    ccf_srtp_ext_plan plan;
    int rc = ccf_srtp_rtp_header_len(in, len, &hdr);
    if (rc != CCF_OK)
        return rc;
    plan.mode = plan.insert = 0;
    if ((in[0] & 0x10) || (c->cryptex && (in[0] & 0x0F))) {   /* extension rules apply */
        if (ccf_srtp_ext_plan_rtp(c, in, len, hdr, 0, &plan) != CCF_OK)
            return CCF_ERR_PACKET;
    }
    if (in[0] & 0x20) {                                   /* P: count in the last byte */
        size_t pad = in[len - 1];
        if (pad == 0 || pad > len - hdr)
            return CCF_ERR_PACKET;
    }
    ssrc = ccf_load32_be(in + 8);
    if (ssrc != s->ssrc)
        return CCF_ERR_PARAM;
    seq = (uint16_t)((in[2] << 8) | in[3]);
    idx = ccf_srtp_guess_index(&s->rtp_tx, seq);
    if (idx < 0 || (!allow_repeat_tx && ccf_srtp_replay_check(&s->rtp_tx, (uint64_t)idx) != CCF_OK))
        return CCF_ERR_REPLAY;
    rc = ccf_srtp_usage_check(c, 0, ssrc);
    if (rc != CCF_OK)
        return rc;
    total = len + (plan.insert ? 4 : 0) + c->tag_len + c->mki_len;
    if (cap < total)
        return CCF_ERR_LENGTH;
    k = keys_for(c, s, 0, (uint64_t)idx, &tmp, &fresh);
    if (!k)
        return CCF_ERR_PARAM;
    if (plan.insert) {                /* RFC 9335 4.1: an empty extension block after the CSRCs */
        memmove(out + plan.ext_at + 4, in + plan.ext_at, len - plan.ext_at);
        if (out != in)
            memcpy(out, in, plan.ext_at);
        memset(out + plan.ext_at, 0, 4);
        out[0] |= 0x10;
        len += 4;
        hdr += 4;
    } else if (out != in) {
        memcpy(out, in, len);
    }
    roc = (uint32_t)((uint64_t)idx >> 16);
    enc = hdr;                        /* encryption starts after the header ... */
    if (plan.mode == 1) {
        ccf_srtp_ext_xor_elements(c, k, &plan, out, ssrc, (uint64_t)idx);
    } else if (plan.mode == 2) {      /* ... or, for cryptex, after the block header moved in
                                       * front of the CSRCs (AAD = 12-byte header || block header) */
        cryptex_mark(out, &plan, 1);
        ccf_srtp_cryptex_rotate(out, out[0] & 0x0F, 1);
        enc = 16;
    }
    if (c->aead) {
        uint8_t iv[12];
        ccf_srtp_gcm_iv(k->salt, ssrc, roc, seq, iv);
        /* RFC 7714 8.2: AAD = the RTP header; the tag follows the ciphertext, then the MKI */
        rc = aead_seal(c, k, iv, out, enc, out + enc, len - enc, out + enc, out + len);
        if (plan.mode == 2)
            ccf_srtp_cryptex_rotate(out, out[0] & 0x0F, 0);
        if (rc != CCF_OK) {
            adopt_keys(c, s, 0, (uint64_t)idx, &tmp, fresh, 0);
            return rc;
        }
        if (c->mki_len)
            memcpy(out + len + 16, c->mki, c->mki_len);
    } else {
        uint8_t rocb[4];
        if (!c->null_cipher) {
            uint8_t iv[16];
            ccf_srtp_cm_iv(k->salt, ssrc, (uint64_t)idx, iv);
            ccf_aes_ctr128(&k->cm, iv, out + enc, out + enc, len - enc);
        }
        if (plan.mode == 2)
            ccf_srtp_cryptex_rotate(out, out[0] & 0x0F, 0);
        /* RFC 3711 4.2: tag over authenticated portion || ROC; the MKI sits before the tag */
        if (c->mki_len)
            memcpy(out + len, c->mki, c->mki_len);
        ccf_store32_be(rocb, roc);
        ccf_hmac_sha1(&k->auth, out, len, rocb, 4, out + len + c->mki_len, c->tag_len);
    }
    adopt_keys(c, s, 0, (uint64_t)idx, &tmp, fresh, 1);
    ccf_srtp_replay_add(&s->rtp_tx, (uint64_t)idx);
    ccf_srtp_usage_count(c, 0, ssrc);
    s->protected_rtp++;
    *out_len = total;
    return CCF_OK;
}

/* see ccf_srtp.h */
int ccf_srtp_unprotect(const ccf_srtp_ctx *c, ccf_srtp_stream *s, const uint8_t *in, size_t len,
                       uint8_t *out, size_t cap, size_t *out_len)
{
    size_t hdr, plen, mki_at, enc, wipe_from;
    uint32_t ssrc, roc;
    uint16_t seq;
    int64_t idx;
    int fresh;
    ccf_srtp_keys tmp;
    const ccf_srtp_keys *k;
    ccf_srtp_ext_plan plan;
    int rc = ccf_srtp_rtp_header_len(in, len, &hdr);
    if (rc != CCF_OK)
        return rc;
    if (len < hdr + c->tag_len + c->mki_len)
        return CCF_ERR_PACKET;
    plan.mode = 0;
    if (in[0] & 0x10) {                                   /* extension rules apply */
        if (ccf_srtp_ext_plan_rtp(c, in, len, hdr, 1, &plan) != CCF_OK)
            return CCF_ERR_PACKET;
    }
    ssrc = ccf_load32_be(in + 8);
    if (ssrc != s->ssrc)
        return CCF_ERR_PARAM;
    plen = len - c->tag_len - c->mki_len;
    if (cap < plen)
        return CCF_ERR_LENGTH;
    seq = (uint16_t)((in[2] << 8) | in[3]);
    idx = ccf_srtp_guess_index(&s->rtp_rx, seq);
    if (idx < 0 || ccf_srtp_replay_check(&s->rtp_rx, (uint64_t)idx) != CCF_OK) {
        s->replays++;
        return CCF_ERR_REPLAY;
    }
    mki_at = c->aead ? plen + c->tag_len : plen;
    if (c->mki_len) {                                     /* MKI is public */
        const ccf_srtp_ctx *byk = ccf_srtp_key_by_mki(c, in + mki_at);
        if (!byk) {
            s->auth_failures++;
            return CCF_SRTP_ERR_MKI;
        }
        c = byk;
    }
    rc = ccf_srtp_usage_check(c, 0, ssrc);
    if (rc != CCF_OK)
        return rc;
    k = keys_for(c, s, 0, (uint64_t)idx, &tmp, &fresh);
    if (!k)
        return CCF_ERR_PARAM;
    roc = (uint32_t)((uint64_t)idx >> 16);
    enc = plan.mode == 2 ? 16 : hdr;
    wipe_from = plan.mode == 2 ? 12 : hdr;
    if (c->aead) {
        uint8_t iv[12];
        ccf_srtp_gcm_iv(k->salt, ssrc, roc, seq, iv);
        if (plan.mode == 2) {         /* cryptex: decrypt in out, block header moved in front */
            if (out != in)
                memcpy(out, in, plen);
            ccf_srtp_cryptex_rotate(out, out[0] & 0x0F, 1);
            rc = aead_open(c, k, iv, out, enc, out + enc, plen - enc, in + plen, out + enc);
            ccf_srtp_cryptex_rotate(out, out[0] & 0x0F, 0);
        } else {
            rc = aead_open(c, k, iv, in, hdr, in + hdr, plen - hdr, in + plen, out + hdr);
        }
        if (rc != CCF_OK) {
            adopt_keys(c, s, 0, (uint64_t)idx, &tmp, fresh, 0);
            s->auth_failures++;
            return CCF_ERR_AUTH;
        }
        if (out != in && plan.mode != 2)
            memcpy(out, in, hdr);
    } else {
        uint8_t rocb[4];
        ccf_store32_be(rocb, roc);
        if (ccf_hmac_sha1_verify(&k->auth, in, plen, rocb, 4, in + plen + c->mki_len,
                                 c->tag_len) != CCF_OK) {
            adopt_keys(c, s, 0, (uint64_t)idx, &tmp, fresh, 0);
            s->auth_failures++;
            return CCF_ERR_AUTH;
        }
        if (out != in)
            memcpy(out, in, plen);
        if (plan.mode == 2)
            ccf_srtp_cryptex_rotate(out, out[0] & 0x0F, 1);
        if (!c->null_cipher) {
            uint8_t iv[16];
            ccf_srtp_cm_iv(k->salt, ssrc, (uint64_t)idx, iv);
            ccf_aes_ctr128(&k->cm, iv, out + enc, out + enc, plen - enc);
        }
        if (plan.mode == 2)
            ccf_srtp_cryptex_rotate(out, out[0] & 0x0F, 0);
    }
    /* authentic from here: the keys are worth keeping even if the padding is bad */
    adopt_keys(c, s, 0, (uint64_t)idx, &tmp, fresh, 1);
    if (fresh)
        k = &s->epochs->rtp.keys;                         /* tmp is wiped; the cache holds them */
    if (out[0] & 0x20) {                                  /* P: the decrypted count must fit */
        size_t pad = out[plen - 1];
        if (plen == hdr || pad == 0 || pad > plen - hdr) {
            ccf_memzero(out + wipe_from, plen - wipe_from);
            return CCF_ERR_PACKET;                        /* stream state left as it was */
        }
    }
    if (plan.mode == 1)
        ccf_srtp_ext_xor_elements(c, k, &plan, out, ssrc, (uint64_t)idx);
    else if (plan.mode == 2)
        cryptex_mark(out, &plan, 0);
    ccf_srtp_replay_add(&s->rtp_rx, (uint64_t)idx);
    ccf_srtp_usage_count(c, 0, ssrc);
    s->authenticated_rtp++;
    *out_len = plen;
    return CCF_OK;
}

/* see ccf_srtp.h */
int ccf_srtcp_protect(const ccf_srtp_ctx *c, ccf_srtp_stream *s, const uint8_t *in, size_t len,
                      uint8_t *out, size_t cap, size_t *out_len)
{
    size_t tag_len = rtcp_tag_len(c), total;
    uint32_t ssrc, idx = s->rtcp_tx_index + 1, eword;
    int rc, fresh, encrypt = !c->rtcp_unencrypted;
    ccf_srtp_keys tmp;
    const ccf_srtp_keys *k;
    if (len < 8 || (in[0] >> 6) != 2)
        return CCF_ERR_PACKET;
    ssrc = ccf_load32_be(in + 4);
    if (ssrc != s->ssrc)
        return CCF_ERR_PARAM;
    if (idx > 0x7FFFFFFFu)
        return CCF_ERR_REPLAY;                            /* SRTCP index space used up: rekey */
    rc = ccf_srtp_usage_check(c, 1, ssrc);
    if (rc != CCF_OK)
        return rc;
    total = len + 4 + tag_len + c->mki_len;
    if (cap < total)
        return CCF_ERR_LENGTH;
    k = keys_for(c, s, 1, idx, &tmp, &fresh);
    if (!k)
        return CCF_ERR_PARAM;
    if (out != in)
        memcpy(out, in, len);
    eword = (encrypt ? 0x80000000u : 0) | idx;            /* E: payload encrypted or not */
    if (c->aead) {
        uint8_t iv[12], aad[12];
        gcm_iv_rtcp(k->salt, ssrc, idx, iv);
        if (encrypt) {
            /* RFC 7714 9.2: AAD = first 8 octets || E||index; wire: ct || tag || E||index */
            memcpy(aad, out, 8);
            ccf_store32_be(aad + 8, eword);
            rc = aead_seal(c, k, iv, aad, 12, out + 8, len - 8, out + 8, out + len);
        } else {
            /* RFC 7714 9.3: AAD = the whole packet || E||index, nothing encrypted */
            ccf_store32_be(out + len + 16, eword);        /* staged where it goes, read as AAD */
            memcpy(aad, out + len + 16, 4);
            rc = gcm_tag_only(c, k, iv, out, len, aad, out + len);
        }
        if (rc != CCF_OK) {
            adopt_keys(c, s, 1, idx, &tmp, fresh, 0);
            return rc;
        }
        ccf_store32_be(out + len + 16, eword);
        if (c->mki_len)
            memcpy(out + len + 20, c->mki, c->mki_len);
    } else {
        if (!c->null_cipher && encrypt) {
            uint8_t iv[16];
            ccf_srtp_cm_iv(k->salt, ssrc, idx, iv);
            ccf_aes_ctr128(&k->cm, iv, out + 8, out + 8, len - 8);
        }
        /* RFC 3711 3.4: authenticated portion = packet || E||index; then MKI, then the tag */
        ccf_store32_be(out + len, eword);
        if (c->mki_len)
            memcpy(out + len + 4, c->mki, c->mki_len);
        ccf_hmac_sha1(&k->auth, out, len + 4, NULL, 0, out + len + 4 + c->mki_len, tag_len);
    }
    adopt_keys(c, s, 1, idx, &tmp, fresh, 1);
    s->rtcp_tx_index = idx;
    ccf_srtp_usage_count(c, 1, ssrc);
    s->protected_rtcp++;
    *out_len = total;
    return CCF_OK;
}

/* see ccf_srtp.h */
int ccf_srtcp_unprotect(const ccf_srtp_ctx *c, ccf_srtp_stream *s, const uint8_t *in, size_t len,
                        uint8_t *out, size_t cap, size_t *out_len)
{
    size_t tag_len = rtcp_tag_len(c), e_at, plen;
    uint32_t ssrc, eword, idx;
    int rc, fresh, encrypted;
    ccf_srtp_keys tmp;
    const ccf_srtp_keys *k;
    if (len < 8 + 4 + tag_len + c->mki_len || (in[0] >> 6) != 2)
        return CCF_ERR_PACKET;
    ssrc = ccf_load32_be(in + 4);
    if (ssrc != s->ssrc)
        return CCF_ERR_PARAM;
    if (c->aead) {
        e_at = len - c->mki_len - 4;
        plen = e_at - 16;
    } else {
        e_at = len - c->mki_len - tag_len - 4;
        plen = e_at;
    }
    eword = ccf_load32_be(in + e_at);
    idx = eword & 0x7FFFFFFFu;
    encrypted = (eword & 0x80000000u) != 0;
    if (cap < plen)
        return CCF_ERR_LENGTH;
    if (ccf_srtp_replay_check(&s->rtcp_rx, idx) != CCF_OK) {
        s->replays++;
        return CCF_ERR_REPLAY;
    }
    if (c->mki_len) {
        const ccf_srtp_ctx *byk = ccf_srtp_key_by_mki(c, in + e_at + 4);
        if (!byk) {
            s->auth_failures++;
            return CCF_SRTP_ERR_MKI;
        }
        c = byk;
    }
    rc = ccf_srtp_usage_check(c, 1, ssrc);
    if (rc != CCF_OK)
        return rc;
    k = keys_for(c, s, 1, idx, &tmp, &fresh);
    if (!k)
        return CCF_ERR_PARAM;
    if (c->aead) {
        uint8_t iv[12], aad[12], tag[16];
        int ok;
        gcm_iv_rtcp(k->salt, ssrc, idx, iv);
        if (encrypted) {
            memcpy(aad, in, 8);
            ccf_store32_be(aad + 8, eword);
            ok = aead_open(c, k, iv, aad, 12, in + 8, plen - 8, in + plen, out + 8) == CCF_OK;
        } else {
            ok = gcm_tag_only(c, k, iv, in, plen, in + e_at, tag) == CCF_OK &&
                 ccf_ct_memcmp(tag, in + plen, 16) == 0;
            ccf_memzero(tag, sizeof(tag));
            if (ok && out != in)
                memmove(out + 8, in + 8, plen - 8);
        }
        if (!ok) {
            adopt_keys(c, s, 1, idx, &tmp, fresh, 0);
            s->auth_failures++;
            return CCF_ERR_AUTH;
        }
        if (out != in)
            memmove(out, in, 8);
    } else {
        if (ccf_hmac_sha1_verify(&k->auth, in, e_at + 4, NULL, 0, in + len - tag_len,
                                 tag_len) != CCF_OK) {
            adopt_keys(c, s, 1, idx, &tmp, fresh, 0);
            s->auth_failures++;
            return CCF_ERR_AUTH;
        }
        if (out != in)
            memmove(out, in, plen);
        if (!c->null_cipher && encrypted) {
            uint8_t iv[16];
            ccf_srtp_cm_iv(k->salt, ssrc, idx, iv);
            ccf_aes_ctr128(&k->cm, iv, out + 8, out + 8, plen - 8);
        }
    }
    adopt_keys(c, s, 1, idx, &tmp, fresh, 1);
    ccf_srtp_replay_add(&s->rtcp_rx, idx);
    ccf_srtp_usage_count(c, 1, ssrc);
    s->authenticated_rtcp++;
    *out_len = plen;
    return CCF_OK;
}
