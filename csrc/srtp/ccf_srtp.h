/*
 * ccf_srtp.h - SRTP and SRTCP packet protection (RFC 3711) over the AES, GCM and SHA-1 kernels.
 *
 * Profiles (numbers are the DTLS-SRTP protection-profile ids, RFC 5764 4.1.2 / RFC 7714 14.2,
 * where one is assigned):
 *   AES_CM_128_HMAC_SHA1_80/_32    RFC 3711 4.1.1 AES-CM + 4.2.1 HMAC-SHA1 (80- or 32-bit tag)
 *   NULL_HMAC_SHA1_80/_32          no encryption, HMAC-SHA1 only (RFC 3711 4.1.3)
 *   AEAD_AES_128_GCM/_256_GCM      RFC 7714 (16-byte tag, 12-byte salt)
 *   AES_192/256_CM_HMAC_SHA1_80/32 RFC 6188
 *   AEAD_SM4_GCM                   RFC 7714's construction with SM4 in place of AES (private
 *                                  number; the SM4-CTR PRF derives its keys, see srtp_sm4.c)
 *
 * Layers:
 *   - ccf_srtp_ctx: the session keys of one master key (both RTP and RTCP), derived with the
 *     AES-CM PRF of RFC 3711 4.3.1 (AES-192/256 PRF of RFC 6188 for those keys).  With a key
 *     derivation rate (kdr) of 0 they are derived once; with a non-zero kdr (a power of two up
 *     to 2^24) the keys of a packet depend on r = index DIV kdr, so each stream keeps the keys
 *     of its current r (ccf_srtp_epochs, attached by the caller) and the ctx keeps the master
 *     key and salt to derive new ones.
 *   - ccf_srtp_stream: the per-SSRC state: sender and receiver packet index (ROC and highest
 *     sequence number, RFC 3711 3.3.1), replay windows (3.3.2), SRTCP indexes and counters.
 *     The caller maps SSRCs to streams (the packet's SSRC must equal stream->ssrc).
 *
 * Packet functions read `len` bytes from `in` and write to `out`, which may equal `in` (in
 * place) and must have room for `cap` bytes; *out_len receives the output length.  A protected
 * packet is ccf_srtp_overhead() bytes longer (tag + MKI; SRTCP adds 4 for E||index).
 * Unprotect verifies the tag before anything else is written and leaves the stream's index and
 * replay state untouched unless the packet authenticates; on failure `out` holds no plaintext.
 * Errors: CCF_ERR_PACKET (malformed header, too short, or - after authentication - a padding
 * count of 0 or beyond the payload; the output is then wiped), CCF_ERR_AUTH (tag mismatch or wrong
 * MKI), CCF_ERR_REPLAY (index already seen or older than the window; for senders, a repeated
 * index unless allow_repeat_tx), CCF_ERR_LENGTH (cap too small), CCF_ERR_PARAM (wrong SSRC).
 */
#ifndef CCF_SRTP_H
#define CCF_SRTP_H

#include "ccf_common.h"
#include "ccf_aes.h"
#include "ccf_gcm.h"
#include "ccf_sha1.h"
#include "ccf_sm4.h"

typedef enum ccf_srtp_profile {
    CCF_SRTP_AES128_CM_SHA1_80 = 0x0001,
    CCF_SRTP_AES128_CM_SHA1_32 = 0x0002,
    CCF_SRTP_NULL_SHA1_80 = 0x0005,
    CCF_SRTP_NULL_SHA1_32 = 0x0006,
    CCF_SRTP_AEAD_AES_128_GCM = 0x0007,
    CCF_SRTP_AEAD_AES_256_GCM = 0x0008,
    /* RFC 6188 has no DTLS-SRTP ids: numbers private to ccfast */
    CCF_SRTP_AES192_CM_SHA1_80 = 0x10001,
    CCF_SRTP_AES192_CM_SHA1_32 = 0x10002,
    CCF_SRTP_AES256_CM_SHA1_80 = 0x10003,
    CCF_SRTP_AES256_CM_SHA1_32 = 0x10004,
    CCF_SRTP_AEAD_SM4_GCM = 0x10005      /* no standard assigns one: private to ccfast */
} ccf_srtp_profile;

/* SRTP status codes beside ccf_status (ccf_common.h). */
#define CCF_SRTP_ERR_KEY_LIMIT 32      /* the master key reached its lifetime or an RFC 3711 limit */
#define CCF_SRTP_ERR_MKI 33            /* the packet's MKI names no master key of the session */

#define CCF_SRTP_MAX_MKI 16
#define CCF_SRTP_MAX_WINDOW 32768      /* largest replay window (packets) */
#define CCF_SRTP_AUTH_KEY_LEN 20       /* n_a for HMAC-SHA1 (RFC 3711 8.2) */

/* Lengths of a profile: master key, master salt, tag; CCF_ERR_PARAM for an unknown profile. */
int ccf_srtp_profile_lengths(int profile, size_t *key_len, size_t *salt_len, size_t *tag_len);

/* Keys of one packet kind (SRTP or SRTCP).  Secret; wiped by ccf_srtp_wipe(). */
typedef struct ccf_srtp_keys {
    union {
        ccf_aes_gcm gcm;               /* AEAD_AES_*_GCM */
        ccf_sm4_gcm sm4gcm;            /* AEAD_SM4_GCM */
    };
    ccf_aes_key cm;                    /* AES-CM profiles */
    ccf_hmac_sha1_key auth;            /* HMAC-SHA1 profiles */
    uint8_t salt[14];                  /* k_s: 14 bytes (AES-CM) or 12 (AEAD) */
    /* RFC 6904 header-extension keystream (SRTP keys of a ctx with encrypted ids only):
     * k_he (label 6) in the profile's counter mode, AES-CM or SM4-CM (RFC 7714 8.3: AEAD
     * profiles encrypt header extensions in counter mode), and k_hs (label 7, 14 bytes; the
     * 12 bytes of an AEAD profile zero-padded). */
    union {
        ccf_aes_key hdr_cm;
        ccf_sm4_key hdr_sm4;
    };
    uint8_t hdr_salt[14];
} ccf_srtp_keys;

/* Packet counts of one master key against its limits (RFC 3711 9.2: 2^48 SRTP and 2^31 SRTCP
 * packets; a smaller SDES lifetime, RFC 4568 6.1, lowers both).  Packets protected and packets
 * authenticated both count.  When a count reaches its soft threshold, or a packet is refused at
 * the limit, a bit of `fired` is set once and *notify (when not NULL) becomes non-zero: the
 * caller reports the event and clears `unreported`.  Not secret. */
typedef struct ccf_srtp_usage {
    uint64_t rtp, rtcp;                /* packets counted so far */
    uint64_t rtp_limit, rtcp_limit;    /* the packet that would make count > limit is refused */
    uint64_t rtp_soft, rtcp_soft;      /* event once count >= soft */
    unsigned fired, unreported;        /* CCF_SRTP_EV_* */
    uint32_t ssrc;                     /* the SSRC of the packet that fired the last event */
    unsigned *notify;
} ccf_srtp_usage;

#define CCF_SRTP_EV_SOFT_RTP 1u
#define CCF_SRTP_EV_SOFT_RTCP 2u
#define CCF_SRTP_EV_HARD_RTP 4u
#define CCF_SRTP_EV_HARD_RTCP 8u
#define CCF_SRTP_MAX_RTP_PACKETS ((uint64_t)1 << 48)
#define CCF_SRTP_MAX_RTCP_PACKETS ((uint64_t)1 << 31)

typedef struct ccf_srtp_ctx {
    ccf_srtp_keys rtp, rtcp;           /* kdr = 0: the keys of every packet */
    int profile;
    int rekey;                         /* kdr != 0 (a zeroed ctx has kdr = 0) */
    int kdr_shift;                     /* kdr = 2^kdr_shift when rekey */
    int rtcp_unencrypted;              /* send SRTCP with E = 0 (authenticated only) */
    size_t master_key_len;
    uint8_t master_key[32];            /* kept only when kdr != 0 (secret) */
    uint8_t master_salt[14];
    int aead;                          /* RFC 7714 profile */
    int null_cipher;                   /* NULL_HMAC_SHA1_* */
    size_t tag_len;
    size_t mki_len;
    uint8_t mki[CCF_SRTP_MAX_MKI];     /* not secret */
    /* header privacy, several master keys, key limits (not secret) */
    int cipher;                        /* CCF_SRTP_CIPHER_AES or _SM4 */
    int cryptex;                       /* RFC 9335: sent with CSRCs/extensions, accepted on receipt */
    int hdr_enc;                       /* RFC 6904: some extension ids are encrypted */
    uint8_t hdr_ids[32];               /* bit i: extension element id i is encrypted */
    uint64_t key_id;                   /* tells master keys apart in stream key caches */
    struct ccf_srtp_ctx *next;         /* further master keys accepted on receipt (by MKI) */
    ccf_srtp_usage usage;              /* counts of this master key: the packet functions update
                                        * them although they take the ctx as const (a ctx is
                                        * never a const object; one thread at a time, as the
                                        * streams) */
} ccf_srtp_ctx;

#define CCF_SRTP_CIPHER_AES 0
#define CCF_SRTP_CIPHER_SM4 1

/* Everything a master key's context is made from (ccf_srtp_init_params).  Fields a caller does
 * not set are zero: kdr 0, no MKI, no encrypted header extensions, no cryptex, lifetime 0
 * (only the RFC 3711 limits). */
typedef struct ccf_srtp_params {
    int profile;
    const uint8_t *master_key;
    size_t key_len;
    const uint8_t *master_salt;
    size_t salt_len;
    uint64_t kdr;
    const uint8_t *mki;
    size_t mki_len;
    const uint8_t *hdr_ids;            /* NULL or a 32-byte bitmap of ids 1..255 (RFC 6904) */
    int cryptex;                       /* RFC 9335 */
    uint64_t lifetime;                 /* SDES key lifetime in packets; 0: none */
} ccf_srtp_params;

/* Replay window over packet indexes (RFC 3711 3.3.2): `top` is the highest index accepted;
 * index i with top - window < i <= top is remembered in bit i mod (64 * words) of a ring of
 * `words` 64-bit words (a power of two with 64 * words >= window). */
typedef struct ccf_srtp_replay {
    uint64_t top;
    uint32_t window;
    uint32_t words;
    int started;
    uint64_t *bits;
} ccf_srtp_replay;

/* Keys of one packet kind for one value of r = index DIV kdr (kdr != 0 only). */
typedef struct ccf_srtp_epoch {
    ccf_srtp_keys keys;
    uint64_t r;
    int valid;
    uint64_t key_id;                   /* the master key (ctx->key_id) they were derived from */
} ccf_srtp_epoch;

/* Per-stream key cache for kdr != 0; secret: wipe before freeing. */
typedef struct ccf_srtp_epochs {
    ccf_srtp_epoch rtp, rtcp;
} ccf_srtp_epochs;

typedef struct ccf_srtp_stream {
    uint32_t ssrc;
    ccf_srtp_epochs *epochs;           /* required when the ctx has kdr != 0, else NULL */
    ccf_srtp_replay rtp_tx, rtp_rx;    /* 48-bit SRTP indexes ROC || SEQ */
    ccf_srtp_replay rtcp_rx;           /* 31-bit SRTCP indexes */
    uint32_t rtcp_tx_index;            /* last SRTCP index sent (0: none yet) */
    /* counters (not secret) */
    uint64_t protected_rtp, protected_rtcp;
    uint64_t authenticated_rtp, authenticated_rtcp;
    uint64_t auth_failures, replays;
} ccf_srtp_stream;

/*
 * Derive the session keys from master key and salt (lengths as ccf_srtp_profile_lengths gives;
 * CCF_ERR_KEY_LENGTH otherwise).  kdr is 0 or a power of two up to 2^24 (RFC 3711 4.3.1;
 * CCF_ERR_PARAM otherwise); with kdr != 0 every stream needs ccf_srtp_stream_set_epochs.
 * mki may be NULL with mki_len 0; at most CCF_SRTP_MAX_MKI bytes.
 */
int ccf_srtp_init(ccf_srtp_ctx *c, int profile, const uint8_t *master_key, size_t key_len,
                  const uint8_t *master_salt, size_t salt_len, uint64_t kdr,
                  const uint8_t *mki, size_t mki_len);
/* The same from a parameter block, with RFC 6904 header-extension ids (bit 0 and ids the form
 * cannot carry are ignored), RFC 9335 cryptex and an SDES lifetime (0: none).  The ctx gets a
 * fresh key_id, usage counters at 0 and next = NULL. */
int ccf_srtp_init_params(ccf_srtp_ctx *c, const ccf_srtp_params *p);
void ccf_srtp_wipe(ccf_srtp_ctx *c);

/* Send SRTCP unencrypted (E = 0, RFC 3711 3.4 / RFC 7714 9.2): authenticated only. */
void ccf_srtp_set_rtcp_encrypt(ccf_srtp_ctx *c, int encrypt);

/* Set session keys directly, the same for SRTP and SRTCP, without key derivation (known-answer
 * tests: RFC 7714 publishes session keys only).  auth_key (20 bytes) is ignored by AEAD
 * profiles; session_salt is 14 bytes (AES-CM) or 12 (AEAD). */
int ccf_srtp_init_session_keys(ccf_srtp_ctx *c, int profile, const uint8_t *session_key,
                               size_t key_len, const uint8_t *session_salt, size_t salt_len,
                               const uint8_t auth_key[20]);

/* Bytes added by protect: tag + MKI (+ 4 for the SRTCP E||index word when rtcp is non-zero).
 * A cryptex ctx adds 4 more to an RTP packet with CSRCs and no header extension (the empty
 * extension block RFC 9335 4.1 requires): ccf_srtp_protected_len (ccf_srtp_ext.h) says. */
size_t ccf_srtp_overhead(const ccf_srtp_ctx *c, int rtcp);

/* Bytes a stream with replay windows of `window` packets occupies: the struct followed by its
 * three replay rings (allocate this much, suitably for uint64_t; 0 for a window out of range). */
size_t ccf_srtp_stream_size(uint32_t window);
/* A fresh stream for ssrc with replay windows of `window` packets (1..CCF_SRTP_MAX_WINDOW,
 * CCF_ERR_PARAM otherwise) in ccf_srtp_stream_size(window) bytes at s. */
int ccf_srtp_stream_init(ccf_srtp_stream *s, uint32_t ssrc, uint32_t window);
/* Attach (zeroed, 16-byte aligned) key cache memory to a stream of a kdr != 0 ctx. */
void ccf_srtp_stream_set_epochs(ccf_srtp_stream *s, ccf_srtp_epochs *e);

/* ccf_srtp_rtp_header_len: see ccf_srtp_packet.h (inline). */

int ccf_srtp_protect(const ccf_srtp_ctx *c, ccf_srtp_stream *s, const uint8_t *in, size_t len,
                     uint8_t *out, size_t cap, size_t *out_len, int allow_repeat_tx);
int ccf_srtp_unprotect(const ccf_srtp_ctx *c, ccf_srtp_stream *s, const uint8_t *in, size_t len,
                       uint8_t *out, size_t cap, size_t *out_len);
/* SRTCP (RFC 3711 3.4; RFC 7714 9): the whole payload after the first 8 bytes is encrypted
 * (E = 1) unless ccf_srtp_set_rtcp_encrypt(c, 0); the receiver takes either E.  The sender's
 * index counts from 1 per stream (as libsrtp). */
int ccf_srtcp_protect(const ccf_srtp_ctx *c, ccf_srtp_stream *s, const uint8_t *in, size_t len,
                      uint8_t *out, size_t cap, size_t *out_len);
int ccf_srtcp_unprotect(const ccf_srtp_ctx *c, ccf_srtp_stream *s, const uint8_t *in, size_t len,
                        uint8_t *out, size_t cap, size_t *out_len);

/* ---- pieces exposed for known-answer tests ------------------------------------------------- */

/* RFC 3711 4.3.1 / RFC 6188 PRF: n bytes of key material for `label` and r = index DIV kdr
 * (48 bits; 0 when kdr = 0) from the master key (16/24/32 bytes) and the 14-byte master salt
 * (a 12-byte AEAD salt is zero-padded). */
int ccf_srtp_kdf_r(const uint8_t *master_key, size_t key_len, const uint8_t master_salt[14],
                   uint8_t label, uint64_t r, uint8_t *out, size_t n);
/* The same with r = 0 (kdr = 0). */
int ccf_srtp_kdf(const uint8_t *master_key, size_t key_len, const uint8_t master_salt[14],
                 uint8_t label, uint8_t *out, size_t n);
/* The AES-CM and AEAD IVs (ccf_srtp_cm_iv, ccf_srtp_gcm_iv): see ccf_srtp_packet.h. */

/* Replay windows and index estimation: ccf_srtp_replay_check, ccf_srtp_replay_add,
 * ccf_srtp_guess_index (inline). */
#include "ccf_srtp_replay.h"
#include "ccf_srtp_packet.h"
#include "ccf_srtp_ext.h"

#endif /* CCF_SRTP_H */
