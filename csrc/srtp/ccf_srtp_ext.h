/*
 * ccf_srtp_ext.h - header privacy and key management pieces of the SRTP layer (included by
 * ccf_srtp.h): RFC 8285 header-extension parsing, RFC 6904 encryption of chosen extension
 * elements, RFC 9335 cryptex, several master keys told apart by MKI, and master-key limits.
 *
 * RFC 6904 (srtp_hdrext.c).  The data of each element whose id is in the ctx's set is XORed
 * with the keystream bytes at the same offset of the extension data (the bytes after the
 * 4-byte block header): keystream = the profile's counter mode (AES-CM; SM4-CM for
 * AEAD_SM4_GCM; AES-CM for AES-GCM, RFC 7714 8.3) under k_he from IV = (k_hs * 2^16) XOR
 * (SSRC * 2^64) XOR (index * 2^16), as the RFC 3711 4.1.1 payload IV.  Element headers,
 * padding and other elements stay clear.  The sender encrypts before the packet is
 * authenticated (so the tag, or the GCM AAD, covers the encrypted form); the receiver decrypts
 * after authentication.  NULL profiles encrypt nothing (their keystream is zero).
 *
 * RFC 9335 (srtp_hdrext.c).  A cryptex sender gives every RTP packet with CSRCs or RFC 8285
 * extensions the 0xC0DE (one-byte form) or 0xC2DE (two-byte form) block profile, adding an
 * empty 0xC0DE block to a packet with CSRCs and no extension (a packet with neither CSRCs nor
 * extension data goes as plain SRTP, an empty block unmarked), and encrypts the CSRC list, the
 * extension data and the payload as one keystream (AES-CM/SM4-CM) or one GCM plaintext whose
 * AAD is the 12-byte fixed header || the 4-byte block header.  The receiver decrypts such a
 * packet and gives it back with 0xBEDE / 0x1000.
 *
 * Strict RFC 8285 parsing (ccf_srtp_hdrext_check): a block whose profile is 0xBEDE (one-byte
 * form) or 0x100X (two-byte form) is a sequence of elements and zero padding bytes that must
 * end inside the block: an element's data may not run past it; in the one-byte form id 15 is
 * refused (reserved, RFC 8285 4.2) and so is a byte with id 0 and a non-zero length nibble
 * (padding is a whole zero byte); in the two-byte form an element header may not be cut after
 * its id byte.  Packets are parsed this way only where the ctx encrypts ids (RFC 6904);
 * a cryptex block's contents are opaque.
 */
#ifndef CCF_SRTP_EXT_H
#define CCF_SRTP_EXT_H

/* Reasons ccf_srtp_hdrext_check gives (0: well formed). */
enum ccf_srtp_ext_reason {
    CCF_SRTP_EXT_OK = 0,
    CCF_SRTP_EXT_HEADER = 1,           /* no valid RTP header (ccf_srtp_rtp_header_len fails) */
    CCF_SRTP_EXT_ELEMENT_PAST_END = 2, /* an element's data runs past the extension block */
    CCF_SRTP_EXT_ID15 = 3,             /* one-byte form element with the reserved id 15 */
    CCF_SRTP_EXT_CUT_HEADER = 4,       /* two-byte form: an id byte with no length byte after it */
    CCF_SRTP_EXT_NOT_8285 = 5,         /* profile neither 0xBEDE nor 0x100X (RFC 6904/9335 need them) */
    CCF_SRTP_EXT_CRYPTEX_EMPTY = 6,    /* cryptex marker with no CSRC and no extension data */
    CCF_SRTP_EXT_CRYPTEX_OFF = 7,      /* cryptex marker on a ctx made without cryptex */
    CCF_SRTP_EXT_MARKED = 8,           /* a packet to protect already carries a cryptex marker */
    CCF_SRTP_EXT_APPBITS = 9,          /* cryptex cannot carry the two-byte form's app bits */
    CCF_SRTP_EXT_BAD_PADDING = 10      /* one-byte form: id 0 with a non-zero length nibble */
};

/* Why an RTP packet is refused by the header-extension rules of ctx c for protect (rx = 0) or
 * unprotect (rx = 1): a ccf_srtp_ext_reason, CCF_SRTP_EXT_OK when they accept it.  For
 * unprotect, len is the whole SRTP packet.  The packet functions return CCF_ERR_PACKET in
 * each of these cases; this says which. */
int ccf_srtp_hdrext_check(const ccf_srtp_ctx *c, const uint8_t *pkt, size_t len, int rx);

/* Length of the SRTP packet protect makes of an RTP packet of len bytes (len + overhead, + 4
 * when cryptex adds an empty extension block); 0 when the header does not parse. */
size_t ccf_srtp_protected_len(const ccf_srtp_ctx *c, const uint8_t *pkt, size_t len);

/* RFC 8285 walk of the extension data ext[0..n) in the one-byte (form 1) or two-byte (form 2)
 * layout: calls fn(arg, id, offset, length) for each element (offset of its data in ext);
 * returns a ccf_srtp_ext_reason (the walk stops at the first fault). */
int ccf_srtp_hdrext_walk(const uint8_t *ext, size_t n, int form,
                         void (*fn)(void *arg, unsigned id, size_t off, size_t len), void *arg);

/* ---- used by the packet functions (srtp.c) ------------------------------------------- */

/* What the header-extension rules do to one RTP packet (filled by ccf_srtp_ext_plan). */
typedef struct ccf_srtp_ext_plan {
    int mode;                          /* 0 nothing, 1 RFC 6904 elements, 2 cryptex */
    int insert;                        /* cryptex: add an empty 0xC0DE block (protect only) */
    size_t ext_at;                     /* offset of the 4-byte extension block header */
    size_t ext_len;                    /* bytes of extension data after it */
    int form;                          /* 1 one-byte, 2 two-byte */
} ccf_srtp_ext_plan;

/* Plan for an RTP packet whose header (hdr bytes) parsed; rx as ccf_srtp_hdrext_check.
 * CCF_ERR_PACKET for a packet the rules refuse. */
int ccf_srtp_ext_plan_rtp(const ccf_srtp_ctx *c, const uint8_t *pkt, size_t len, size_t hdr, int rx,
                          ccf_srtp_ext_plan *plan);

/* RFC 6904: XOR the keystream into the data of the encrypted elements of the block planned
 * (pkt is the packet being built, plan->mode == 1). */
void ccf_srtp_ext_xor_elements(const ccf_srtp_ctx *c, const ccf_srtp_keys *k, const ccf_srtp_ext_plan *plan,
                               uint8_t *pkt, uint32_t ssrc, uint64_t index);

/* RFC 9335: move the 4-byte block header in front of the CSRC list (rotate = 1) or back
 * (rotate = 0), so that CSRCs, extension data and payload are one region from byte 16. */
void ccf_srtp_cryptex_rotate(uint8_t *pkt, size_t csrc_count, int to_front);

/* Counter-mode keystream of the profile (AES-CM or SM4-CM) with the given key and IV XORed
 * into data[0..len) starting `offset` bytes into the keystream. */
void ccf_srtp_hdr_ctr(const ccf_srtp_ctx *c, const ccf_srtp_keys *k, const uint8_t iv[16], size_t offset,
                      uint8_t *data, size_t len);

/* ---- master-key limits (srtp_limits.c) --------------------------------------------- */

/* Set the limits of a usage block: lifetime 0 means the RFC 3711 limits only. */
void ccf_srtp_usage_init(ccf_srtp_usage *u, uint64_t lifetime);
/* The slow paths of the two below: fire an event (once) or refuse at the limit. */
int ccf_srtp_usage_limit(const ccf_srtp_ctx *c, uint32_t ssrc);
void ccf_srtp_usage_fire(const ccf_srtp_ctx *c, unsigned ev, uint32_t ssrc);

/* May the master key process one more packet?  CCF_SRTP_ERR_KEY_LIMIT once either count has
 * reached its limit (RFC 3711 9.2: "whichever occurs first"), firing the hard event once.
 * Inline: two compares on every packet. */
CCF_INLINE int ccf_srtp_usage_check(const ccf_srtp_ctx *c, int rtcp, uint32_t ssrc)
{
    (void)rtcp;
    if (c->usage.rtp >= c->usage.rtp_limit || c->usage.rtcp >= c->usage.rtcp_limit)
        return ccf_srtp_usage_limit(c, ssrc);
    return CCF_OK;
}

/* Count one packet (after success), firing the soft event once at its threshold.  The packet
 * functions take the ctx as const; its usage block is the one mutable part (a ctx is never
 * defined const, so the cast is well defined). */
CCF_INLINE void ccf_srtp_usage_count(const ccf_srtp_ctx *c, int rtcp, uint32_t ssrc)
{
    ccf_srtp_usage *u = &((ccf_srtp_ctx *)c)->usage;
    if (rtcp) {
        if (++u->rtcp >= u->rtcp_soft && !(u->fired & CCF_SRTP_EV_SOFT_RTCP))
            ccf_srtp_usage_fire(c, CCF_SRTP_EV_SOFT_RTCP, ssrc);
    } else if (++u->rtp >= u->rtp_soft && !(u->fired & CCF_SRTP_EV_SOFT_RTP)) {
        ccf_srtp_usage_fire(c, CCF_SRTP_EV_SOFT_RTP, ssrc);
    }
}

/* ---- several master keys ------------------------------------------------------------ */

/* The master key of c's list (c, c->next, ...) whose MKI the packet carries at mki_at; c itself
 * when the ctx has no MKI; NULL when none matches.  The MKI is public. */
const ccf_srtp_ctx *ccf_srtp_key_by_mki(const ccf_srtp_ctx *c, const uint8_t *mki);

/* SM4 PRF of the AEAD_SM4_GCM profile (srtp_sm4.c): the RFC 3711 4.3.1 PRF with SM4-CM in
 * place of AES-CM (16-byte master key, 12-byte master salt zero-padded to 14). */
int ccf_srtp_kdf_sm4_r(const uint8_t master_key[16], const uint8_t master_salt[14], uint8_t label,
                       uint64_t r, uint8_t *out, size_t n);

/* SM4-GCM (12-byte IV, 16-byte tag) of one SRTP packet: the result of ccf_sm4_gcm_encrypt /
 * _decrypt, with the pre-counter block and the first counter blocks in one SM4 kernel call
 * (srtp_sm4.c).  in == out is allowed.  Open checks the tag in constant time before writing
 * anything to out; CCF_ERR_AUTH when it does not match. */
int ccf_srtp_sm4_gcm_seal(const ccf_sm4_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                          const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16]);
int ccf_srtp_sm4_gcm_open(const ccf_sm4_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                          const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out);

#endif /* CCF_SRTP_EXT_H */
