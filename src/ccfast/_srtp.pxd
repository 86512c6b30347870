# Declarations of the SHA-1 and SRTP kernels (csrc/sha1, csrc/srtp).
from libc.stdint cimport uint8_t, uint32_t, uint64_t, int64_t

cdef extern from "ccf_sha1.h" nogil:
    ctypedef struct ccf_sha1_impl:
        const char *name
        int (*supported)()
    ctypedef struct ccf_sha1_ctx:
        pass
    ctypedef struct ccf_hmac_sha1_key:
        pass
    const ccf_sha1_impl *const *ccf_sha1_impls()
    const ccf_sha1_impl *ccf_sha1_best()
    int ccf_sha1_init_impl(ccf_sha1_ctx *c, const ccf_sha1_impl *impl)
    void ccf_sha1_update(ccf_sha1_ctx *c, const uint8_t *data, size_t length)
    void ccf_sha1_final(ccf_sha1_ctx *c, uint8_t *out)
    int ccf_hmac_sha1_init_impl(ccf_hmac_sha1_key *k, const uint8_t *key, size_t key_len,
                                const ccf_sha1_impl *impl)
    void ccf_hmac_sha1(const ccf_hmac_sha1_key *k, const uint8_t *m1, size_t len1,
                       const uint8_t *m2, size_t len2, uint8_t *tag, size_t tag_len)
    void ccf_hmac_sha1_wipe(ccf_hmac_sha1_key *k)

cdef extern from "ccf_srtp.h" nogil:
    ctypedef struct ccf_srtp_usage:
        uint64_t rtp
        uint64_t rtcp
        uint64_t rtp_limit
        uint64_t rtcp_limit
        uint64_t rtp_soft
        uint64_t rtcp_soft
        unsigned fired
        unsigned unreported
        uint32_t ssrc
        unsigned *notify
    ctypedef struct ccf_srtp_ctx:
        int profile
        int rekey
        int aead
        size_t tag_len
        size_t mki_len
        uint8_t mki[16]
        int cipher
        int cryptex
        int hdr_enc
        uint64_t key_id
        ccf_srtp_ctx *next
        ccf_srtp_usage usage
    ctypedef struct ccf_srtp_params:
        int profile
        const uint8_t *master_key
        size_t key_len
        const uint8_t *master_salt
        size_t salt_len
        uint64_t kdr
        const uint8_t *mki
        size_t mki_len
        const uint8_t *hdr_ids
        int cryptex
        uint64_t lifetime
    int CCF_SRTP_ERR_KEY_LIMIT
    int CCF_SRTP_ERR_MKI
    unsigned CCF_SRTP_EV_SOFT_RTP
    unsigned CCF_SRTP_EV_SOFT_RTCP
    unsigned CCF_SRTP_EV_HARD_RTP
    unsigned CCF_SRTP_EV_HARD_RTCP
    int ccf_srtp_init_params(ccf_srtp_ctx *c, const ccf_srtp_params *p)
    int ccf_srtp_hdrext_check(const ccf_srtp_ctx *c, const uint8_t *pkt, size_t length, int rx)
    size_t ccf_srtp_protected_len(const ccf_srtp_ctx *c, const uint8_t *pkt, size_t length)
    void ccf_srtp_usage_init(ccf_srtp_usage *u, uint64_t lifetime)
    int ccf_srtp_kdf_sm4_r(const uint8_t *master_key, const uint8_t *master_salt, uint8_t label,
                           uint64_t r, uint8_t *out, size_t n)
    ctypedef struct ccf_srtp_replay:
        uint64_t top
        uint32_t window
        int started
    ctypedef struct ccf_srtp_epochs:
        pass
    ctypedef struct ccf_srtp_stream:
        uint32_t ssrc
        ccf_srtp_epochs *epochs
        ccf_srtp_replay rtp_tx
        ccf_srtp_replay rtp_rx
        ccf_srtp_replay rtcp_rx
        uint32_t rtcp_tx_index
        uint64_t protected_rtp
        uint64_t protected_rtcp
        uint64_t authenticated_rtp
        uint64_t authenticated_rtcp
        uint64_t auth_failures
        uint64_t replays
    int CCF_SRTP_MAX_WINDOW
    int CCF_SRTP_MAX_MKI
    int ccf_srtp_profile_lengths(int profile, size_t *key_len, size_t *salt_len, size_t *tag_len)
    int ccf_srtp_init(ccf_srtp_ctx *c, int profile, const uint8_t *master_key, size_t key_len,
                      const uint8_t *master_salt, size_t salt_len, uint64_t kdr,
                      const uint8_t *mki, size_t mki_len)
    int ccf_srtp_init_session_keys(ccf_srtp_ctx *c, int profile, const uint8_t *session_key,
                                   size_t key_len, const uint8_t *session_salt, size_t salt_len,
                                   const uint8_t *auth_key)
    void ccf_srtp_wipe(ccf_srtp_ctx *c)
    void ccf_srtp_set_rtcp_encrypt(ccf_srtp_ctx *c, int encrypt)
    void ccf_srtp_stream_set_epochs(ccf_srtp_stream *s, ccf_srtp_epochs *e)
    size_t ccf_srtp_overhead(const ccf_srtp_ctx *c, int rtcp)
    size_t ccf_srtp_stream_size(uint32_t window)
    int ccf_srtp_stream_init(ccf_srtp_stream *s, uint32_t ssrc, uint32_t window)
    int ccf_srtp_rtp_header_len(const uint8_t *pkt, size_t length, size_t *hdr_len)
    int ccf_srtp_protect(const ccf_srtp_ctx *c, ccf_srtp_stream *s, const uint8_t *inp, size_t length,
                         uint8_t *out, size_t cap, size_t *out_len, int allow_repeat_tx)
    int ccf_srtp_unprotect(const ccf_srtp_ctx *c, ccf_srtp_stream *s, const uint8_t *inp, size_t length,
                           uint8_t *out, size_t cap, size_t *out_len)
    int ccf_srtcp_protect(const ccf_srtp_ctx *c, ccf_srtp_stream *s, const uint8_t *inp, size_t length,
                          uint8_t *out, size_t cap, size_t *out_len)
    int ccf_srtcp_unprotect(const ccf_srtp_ctx *c, ccf_srtp_stream *s, const uint8_t *inp, size_t length,
                            uint8_t *out, size_t cap, size_t *out_len)
    int ccf_srtp_kdf_r(const uint8_t *master_key, size_t key_len, const uint8_t *master_salt,
                       uint8_t label, uint64_t r, uint8_t *out, size_t n)
    void ccf_srtp_cm_iv(const uint8_t *salt, uint32_t ssrc, uint64_t index, uint8_t *iv)

cdef extern from "ccf_sha1_mb.h" nogil:
    ctypedef struct ccf_sha1_mb_impl:
        const char *name
        int (*supported)()
        unsigned lanes
    ctypedef struct ccf_hmac_sha1_job:
        const ccf_hmac_sha1_key *key
        const uint8_t *m1
        size_t len1
        const uint8_t *m2
        size_t len2
        uint8_t mac[20]
    const ccf_sha1_mb_impl *const *ccf_sha1_mb_impls()
    const ccf_sha1_mb_impl *ccf_sha1_mb_best()
    int ccf_hmac_sha1_many_impl(const ccf_sha1_mb_impl *impl, ccf_hmac_sha1_job *jobs, size_t n)

cdef extern from "ccf_srtp_batch.h" nogil:
    ctypedef struct ccf_srtp_item:
        ccf_srtp_ctx *ctx
        ccf_srtp_stream *s
        const uint8_t *inp "in"
        size_t length "len"
        uint8_t *out
        size_t cap
        int allow_repeat_tx
        int fresh
        int rc
    int CCF_SRTP_BATCH_STOP
    int CCF_SRTP_BATCH_SERIAL
    void ccf_srtp_protect_many(ccf_srtp_item *items, size_t n, int flags)
    void ccf_srtp_unprotect_many(ccf_srtp_item *items, size_t n, int flags)
    const char *ccf_srtp_batch_kernel(const char *what)
