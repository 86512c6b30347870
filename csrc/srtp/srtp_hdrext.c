/* RTP header extensions in SRTP: strict RFC 8285 parsing, RFC 6904 encryption of chosen
 * elements, RFC 9335 cryptex.  See ccf_srtp_ext.h.  Element ids, lengths and offsets are
 * public (they travel in the clear); only the keystream is secret. */
#include "ccf_srtp.h"

#define PROFILE_ONE_BYTE 0xBEDEu
#define PROFILE_TWO_BYTE 0x1000u       /* with 4 app bits: 0x1000..0x100F */
#define PROFILE_CRYPTEX_ONE 0xC0DEu
#define PROFILE_CRYPTEX_TWO 0xC2DEu

static int form_of(unsigned profile)
{
    if (profile == PROFILE_ONE_BYTE)
        return 1;
    if ((profile & 0xFFF0u) == PROFILE_TWO_BYTE)
        return 2;
    return 0;
}

/* see ccf_srtp_ext.h */
int ccf_srtp_hdrext_walk(const uint8_t *ext, size_t n, int form,
                         void (*fn)(void *arg, unsigned id, size_t off, size_t len), void *arg)
{
    size_t i = 0;
    while (i < n) {
        unsigned id;
        size_t l;
        if (ext[i] == 0) {                                 /* padding (either form) */
            i++;
            continue;
        }
        if (form == 1) {
            id = ext[i] >> 4;
            l = (size_t)(ext[i] & 0x0F) + 1;
            if (id == 15)
                return CCF_SRTP_EXT_ID15;
            if (id == 0)
                return CCF_SRTP_EXT_BAD_PADDING;
            i += 1;
        } else {
            if (i + 1 >= n)
                return CCF_SRTP_EXT_CUT_HEADER;
            id = ext[i];
            l = ext[i + 1];
            i += 2;
        }
        if (l > n - i)
            return CCF_SRTP_EXT_ELEMENT_PAST_END;
        if (fn)
            fn(arg, id, i, l);
        i += l;
    }
    return CCF_SRTP_EXT_OK;
}

/* see ccf_srtp_ext.h */
int ccf_srtp_ext_plan_rtp(const ccf_srtp_ctx *c, const uint8_t *pkt, size_t len, size_t hdr, int rx,
                          ccf_srtp_ext_plan *plan)
{
    size_t cc = pkt[0] & 0x0F;
    unsigned profile;
    memset(plan, 0, sizeof(*plan));
    (void)len;
    if (!(pkt[0] & 0x10)) {                               /* no extension block */
        if (!rx && c->cryptex && cc) {
            plan->mode = 2;                               /* RFC 9335 4.1: an empty 0xC0DE block */
            plan->insert = 1;
            plan->ext_at = 12 + 4 * cc;
            plan->form = 1;
        }
        return CCF_OK;
    }
    plan->ext_at = 12 + 4 * cc;
    plan->ext_len = hdr - plan->ext_at - 4;
    profile = ((unsigned)pkt[plan->ext_at] << 8) | pkt[plan->ext_at + 1];
    if (profile == PROFILE_CRYPTEX_ONE || profile == PROFILE_CRYPTEX_TWO) {
        if (!rx)
            return CCF_SRTP_EXT_MARKED;
        if (!c->cryptex)
            return CCF_SRTP_EXT_CRYPTEX_OFF;
        if (cc == 0 && plan->ext_len == 0)
            return CCF_SRTP_EXT_CRYPTEX_EMPTY;
        plan->mode = 2;
        plan->form = profile == PROFILE_CRYPTEX_ONE ? 1 : 2;
        return CCF_OK;
    }
    /* a packet with neither CSRCs nor extension data has nothing for cryptex to encrypt: it
     * goes as plain SRTP, under the rules below like any other */
    if (!rx && c->cryptex && (cc != 0 || plan->ext_len != 0)) {
        plan->form = form_of(profile);
        if (!plan->form)
            return CCF_SRTP_EXT_NOT_8285;
        if (profile & 0x000Fu && plan->form == 2)
            return CCF_SRTP_EXT_APPBITS;
        plan->mode = 2;
        return CCF_OK;
    }
    if (c->hdr_enc) {
        int r;
        plan->form = form_of(profile);
        if (!plan->form)
            return CCF_SRTP_EXT_NOT_8285;
        r = ccf_srtp_hdrext_walk(pkt + plan->ext_at + 4, plan->ext_len, plan->form, NULL, NULL);
        if (r != CCF_SRTP_EXT_OK)
            return r;
        plan->mode = 1;
    }
    return CCF_OK;
}

/* see ccf_srtp_ext.h */
int ccf_srtp_hdrext_check(const ccf_srtp_ctx *c, const uint8_t *pkt, size_t len, int rx)
{
    size_t hdr;
    ccf_srtp_ext_plan plan;
    if (ccf_srtp_rtp_header_len(pkt, len, &hdr) != CCF_OK)
        return CCF_SRTP_EXT_HEADER;
    return ccf_srtp_ext_plan_rtp(c, pkt, len, hdr, rx, &plan);
}

/* see ccf_srtp_ext.h */
size_t ccf_srtp_protected_len(const ccf_srtp_ctx *c, const uint8_t *pkt, size_t len)
{
    size_t hdr;
    if (ccf_srtp_rtp_header_len(pkt, len, &hdr) != CCF_OK)
        return 0;
    return len + ccf_srtp_overhead(c, 0) + ((c->cryptex && (pkt[0] & 0x1F) && !(pkt[0] & 0x10)) ? 4 : 0);
}

/* Add a block count to a 128-bit big-endian counter. */
static void ctr_add(uint8_t ctr[16], uint64_t blocks)
{
    int i;
    for (i = 15; i >= 0 && blocks; i--) {
        uint64_t s = (uint64_t)ctr[i] + (blocks & 0xFF);
        ctr[i] = (uint8_t)s;
        blocks = (blocks >> 8) + (s >> 8);
    }
}

/* see ccf_srtp_ext.h */
void ccf_srtp_hdr_ctr(const ccf_srtp_ctx *c, const ccf_srtp_keys *k, const uint8_t iv[16], size_t offset,
                      uint8_t *data, size_t len)
{
    uint8_t ctr[16], ks[16];
    size_t skip = offset % 16, i, n;
    if (c->null_cipher || len == 0)
        return;
    memcpy(ctr, iv, 16);
    ctr_add(ctr, offset / 16);
    if (skip) {                                            /* a partial first block */
        memset(ks, 0, 16);
        if (c->cipher == CCF_SRTP_CIPHER_SM4)
            ccf_sm4_ctr128(&k->hdr_sm4, ctr, ks, ks, 16);
        else
            ccf_aes_ctr128(&k->hdr_cm, ctr, ks, ks, 16);
        n = 16 - skip < len ? 16 - skip : len;
        for (i = 0; i < n; i++)
            data[i] ^= ks[skip + i];
        data += n;
        len -= n;
        ccf_memzero(ks, sizeof(ks));
    }
    if (len) {
        if (c->cipher == CCF_SRTP_CIPHER_SM4)
            ccf_sm4_ctr128(&k->hdr_sm4, ctr, data, data, len);
        else
            ccf_aes_ctr128(&k->hdr_cm, ctr, data, data, len);
    }
}

typedef struct xor_state {
    const ccf_srtp_ctx *c;
    const ccf_srtp_keys *k;
    uint8_t *ext;
    uint8_t iv[16];
} xor_state;

static void xor_element(void *arg, unsigned id, size_t off, size_t len)
{
    xor_state *st = (xor_state *)arg;
    if (st->c->hdr_ids[id >> 3] >> (id & 7) & 1)
        ccf_srtp_hdr_ctr(st->c, st->k, st->iv, off, st->ext + off, len);
}

/* see ccf_srtp_ext.h */
void ccf_srtp_ext_xor_elements(const ccf_srtp_ctx *c, const ccf_srtp_keys *k, const ccf_srtp_ext_plan *plan,
                               uint8_t *pkt, uint32_t ssrc, uint64_t index)
{
    xor_state st;
    st.c = c;
    st.k = k;
    st.ext = pkt + plan->ext_at + 4;
    ccf_srtp_cm_iv(k->hdr_salt, ssrc, index, st.iv);      /* RFC 6904 4.1 with k_hs */
    ccf_srtp_hdrext_walk(st.ext, plan->ext_len, plan->form, xor_element, &st);
    ccf_memzero(st.iv, sizeof(st.iv));
}

/* see ccf_srtp_ext.h */
void ccf_srtp_cryptex_rotate(uint8_t *pkt, size_t csrc_count, int to_front)
{
    uint8_t h[4];
    size_t n = 4 * csrc_count;
    if (!n)
        return;
    if (to_front) {                   /* [12][CSRC n][X 4] -> [12][X 4][CSRC n] */
        memcpy(h, pkt + 12 + n, 4);
        memmove(pkt + 16, pkt + 12, n);
        memcpy(pkt + 12, h, 4);
    } else {                          /* [12][X 4][CSRC n] -> [12][CSRC n][X 4] */
        memcpy(h, pkt + 12, 4);
        memmove(pkt + 12, pkt + 16, n);
        memcpy(pkt + 12 + n, h, 4);
    }
}

/* see ccf_srtp_ext.h */
const ccf_srtp_ctx *ccf_srtp_key_by_mki(const ccf_srtp_ctx *c, const uint8_t *mki)
{
    if (!c->mki_len)
        return c;
    for (; c; c = c->next)
        if (memcmp(mki, c->mki, c->mki_len) == 0)          /* MKI is public */
            return c;
    return NULL;
}
