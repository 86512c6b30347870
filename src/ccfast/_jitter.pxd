# Declarations of the jitter-buffer core (csrc/jitter).
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t, int64_t

cdef extern from "ccf_jitter.h" nogil:
    ctypedef enum ccf_jb_mode:
        CCF_JB_ADAPTIVE
        CCF_JB_FIXED
    ctypedef enum ccf_jb_put_result:
        CCF_JB_INSERTED
        CCF_JB_DUPLICATE
        CCF_JB_LATE
        CCF_JB_RESET
        CCF_JB_OVERFLOW
    ctypedef enum ccf_jb_kind:
        CCF_JB_AUDIO
        CCF_JB_LOST
        CCF_JB_SILENCE
    unsigned CCF_JB_MARKER
    unsigned CCF_JB_CN
    unsigned CCF_JB_SSRC

    ctypedef struct ccf_jb_config:
        ccf_jb_mode mode
        uint32_t clock_rate
        double frame_ms
        double delay_ms
        double min_delay_ms
        double max_delay_ms
        uint32_t capacity
        double quantile
        double forget
        double compress
        double hold_ms

    ctypedef struct ccf_jb_frame:
        ccf_jb_kind kind
        uint16_t seq
        uint32_t timestamp
        int64_t ext_seq
        int64_t ext_ts
        double due_ms
        double arrival_ms
        uint32_t slot
        unsigned flags

    ctypedef struct ccf_jb_stats:
        uint64_t received
        uint64_t played
        uint64_t lost
        uint64_t late
        uint64_t duplicates
        uint64_t reordered
        uint64_t resets
        uint64_t dropped
        uint64_t silence
        uint64_t buffered
        uint64_t underruns
        double underrun_ms
        double jitter_ms
        double current_delay_ms
        double target_delay_ms
        double burst_density
        double gap_density
        double burst_duration_ms
        double gap_duration_ms

    ctypedef struct ccf_jb:
        pass

    void ccf_jb_config_default(ccf_jb_config *cfg)
    int ccf_jb_new(const ccf_jb_config *cfg, ccf_jb **out)
    void ccf_jb_free(ccf_jb *jb)
    void ccf_jb_reset(ccf_jb *jb)
    uint32_t ccf_jb_capacity(const ccf_jb *jb)
    ccf_jb_put_result ccf_jb_put(ccf_jb *jb, uint16_t seq, uint32_t timestamp, double arrival_ms,
                                 uint32_t ssrc, unsigned flags, uint32_t *slot)
    int ccf_jb_get(ccf_jb *jb, double now_ms, ccf_jb_frame *out)
    double ccf_jb_next_due(const ccf_jb *jb)
    void ccf_jb_get_stats(const ccf_jb *jb, ccf_jb_stats *st)

    ctypedef struct ccf_rtp_header:
        uint8_t marker
        uint8_t payload_type
        uint16_t seq
        uint32_t timestamp
        uint32_t ssrc
        size_t payload_offset
        size_t payload_len
    ctypedef enum ccf_rtp_error:
        CCF_RTP_OK
        CCF_RTP_SHORT
        CCF_RTP_VERSION
        CCF_RTP_CSRC
        CCF_RTP_EXTENSION
        CCF_RTP_PADDING
    ccf_rtp_error ccf_rtp_parse(const uint8_t *p, size_t len, ccf_rtp_header *h)
