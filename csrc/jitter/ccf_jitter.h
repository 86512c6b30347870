/*
 * ccf_jitter.h - adaptive RTP jitter buffer (plain C, no Python, no crypto).
 *
 * Model
 * -----
 * Packets are put with their 16-bit RTP sequence number, 32-bit RTP timestamp and arrival time
 * (milliseconds, any epoch, as a double).  Sequence numbers and timestamps are unwrapped into
 * 64-bit "extended" values (RFC 3550 A.1) relative to the highest sequence number seen, so
 * wraparound at 65535 and at 2^32 is invisible.  A ring of `capacity` slots (a power of two)
 * indexed by extended sequence number holds the packets: put and get are O(1).
 *
 * Playout is a schedule: the next frame to play (extended sequence number `next_seq`, extended
 * timestamp `play_ts`) has a due time `next_due` (ms).  get(now) returns nothing before the due
 * time; at the due time it returns
 *   AUDIO    the packet, if present;
 *   LOST     if it is missing and a later packet has already arrived (a gap: conceal it);
 *   SILENCE  for the timestamp gap before a packet whose sequence number follows on but whose
 *            timestamp jumps (DTX), and for comfort-noise packets (flag CCF_JB_CN);
 *   nothing  if it is missing and nothing later has arrived: the buffer *holds* (a delay spike,
 *            a loss burst or a pause cannot be told apart yet).  When packets come again the
 *            decision is made from what arrives: a later sequence number makes the gap LOST
 *            (back-dated to its original due times, so a loss burst does not add delay); the
 *            awaited packet itself plays if it is at most hold_ms (one frame) overdue - the
 *            delay grows by that much - and is LATE otherwise (fixed mode: whenever overdue).
 *            The samples of packets that arrive together (the burst a delay spike releases
 *            when its queue drains) weigh little: one spike is one event, and the delay is not
 *            held up by a rare spike; recurring spikes raise the target like any delay.
 * A packet whose sequence number is behind the playout point is LATE (or DUPLICATE if it was
 * played).  Every accepted packet is eventually played, reported late, or counted as dropped
 * (overflow beyond capacity, flushed by a reset): nothing vanishes.
 *
 * Delay
 * -----
 * For every packet x = arrival - timestamp (in ms) is entered in a forgetting histogram (each
 * new sample weighs 1/forget times the previous one, as WebRTC NetEq's delay manager forgets
 * old inter-arrival statistics; adaptive mode remembers about 1400 packets, as NetEq does, so
 * the quantile is estimated with little noise).  When several times more samples than the
 * quantile allows land above the target, the jitter has risen: the histogram then forgets
 * faster until the target has caught up.  The base is the histogram's 1% quantile (the fastest
 * packets); the adaptive target delay is quantile(q) - base, clamped to [min_delay_ms,
 * max_delay_ms]; the fixed mode's target is delay_ms.  The playout offset (next_due - play_ts in ms) is steered to
 * base + target:
 *   - it grows at once (the next frame is simply due later);
 *   - in silence (a DTX gap or the start of a talkspurt, marker bit) it is re-timed at once,
 *     shrinking or growing by dropping or adding silence frames;
 *   - in speech it shrinks gradually: consecutive due times are at most `compress` of a frame
 *     closer than frame_ms (the caller time-compresses, as NetEq's accelerate).
 * Sender clock drift (the timestamp clock running +-1% fast or slow) makes x slide; the slope
 * is estimated (the median slope between minima of x in 0.5 s windows 4 s apart, over the
 * last 8 s, clamped to +-3%) and taken out of the samples before they enter the histogram and put back into the
 * base, so the distribution stays sharp and the delay bounded; when the estimate moves by more
 * than 0.2% the samples corrected with the old one are forgotten.
 *
 * Discontinuities
 * ---------------
 * An SSRC change, a sequence jump of more than CCF_JB_MAX_SEQ_JUMP either way, or a timestamp
 * that disagrees with the arrival clock by more than max(1000 ms, 2 max_delay_ms) (a new call
 * leg, hold/resume, park) reset the stream: buffered packets are dropped (counted), the new
 * packet starts the playout at once (result CCF_JB_RESET), and the delay statistics are kept
 * as a light prior (re-anchored on the new packet, weighing at most about one packet) so
 * the new leg starts at the learnt delay and soon follows its own path.
 */
#ifndef CCF_JITTER_H
#define CCF_JITTER_H

#include <stddef.h>
#include <stdint.h>

#include "ccf_common.h"

#define CCF_JB_MAX_SEQ_JUMP 100    /* larger sequence jumps (either way) reset the stream */
#define CCF_JB_MAX_CAPACITY 65536  /* ring slots, at most (half the sequence space would do) */

typedef enum ccf_jb_mode { CCF_JB_ADAPTIVE = 0, CCF_JB_FIXED = 1 } ccf_jb_mode;

/* Result of ccf_jb_put. */
typedef enum ccf_jb_put_result {
    CCF_JB_INSERTED = 0,   /* stored; *slot says where */
    CCF_JB_DUPLICATE = 1,  /* already buffered or already played: dropped, counted */
    CCF_JB_LATE = 2,       /* behind the playout point (its frame was played as LOST): counted */
    CCF_JB_RESET = 3,      /* a discontinuity: old packets dropped, this one starts a new stream */
    CCF_JB_OVERFLOW = 4    /* stored, but the oldest frames were dropped to make room */
} ccf_jb_put_result;

/* Kinds of frames ccf_jb_get returns. */
typedef enum ccf_jb_kind { CCF_JB_AUDIO = 0, CCF_JB_LOST = 1, CCF_JB_SILENCE = 2 } ccf_jb_kind;

/* Flags of ccf_jb_put. */
#define CCF_JB_MARKER 1u   /* RTP marker bit: first packet of a talkspurt (RFC 3551 s4.1) */
#define CCF_JB_CN 2u       /* comfort noise (RFC 3389): played as SILENCE */
#define CCF_JB_SSRC 4u     /* the ssrc argument is meaningful (compare with the stream's) */

typedef struct ccf_jb_config {
    ccf_jb_mode mode;
    uint32_t clock_rate;    /* RTP timestamp units per second, e.g. 8000 */
    double frame_ms;        /* duration of one packet, e.g. 20 */
    double delay_ms;        /* fixed mode: the delay; adaptive mode: the start delay (<0: default) */
    double min_delay_ms;
    double max_delay_ms;
    uint32_t capacity;      /* ring slots; rounded up to a power of two, 2..CCF_JB_MAX_CAPACITY */
    double quantile;        /* adaptive: share of packets that should arrive in time, e.g. 0.97 */
    double forget;          /* histogram forgetting factor per packet; 0 (default): from the
                               quantile, 1 - (1 - quantile) / 3 within [0.9993, 0.9995]
                               (fixed mode: [0.995, 0.9995]), so the
                               memory holds enough samples beyond the quantile */
    double compress;        /* most a speech frame's spacing may shrink, share of a frame (0.25) */
    double hold_ms;         /* adaptive: longest wait for an overdue packet that still plays it
                               (growing the delay); < 0: one frame */
} ccf_jb_config;

/* Fill cfg with the defaults (adaptive, 8000 Hz, 20 ms, 0..500 ms, 1024 slots). */
void ccf_jb_config_default(ccf_jb_config *cfg);

typedef struct ccf_jb_frame {
    ccf_jb_kind kind;
    uint16_t seq;           /* RTP sequence number (LOST: the missing one; SILENCE: next packet's - 1) */
    uint32_t timestamp;     /* RTP timestamp of the frame */
    int64_t ext_seq;        /* extended (unwrapped) sequence number */
    int64_t ext_ts;         /* extended (unwrapped) timestamp */
    double due_ms;          /* when it is meant to play */
    double arrival_ms;      /* AUDIO / CN: when it arrived; otherwise 0 */
    uint32_t slot;          /* AUDIO / CN: ring slot the payload was put in; otherwise UINT32_MAX */
    unsigned flags;         /* AUDIO / CN: the flags it was put with */
} ccf_jb_frame;

typedef struct ccf_jb_stats {
    uint64_t received;      /* packets put (all results) */
    uint64_t played;        /* AUDIO frames returned */
    uint64_t lost;          /* LOST frames returned + missing frames skipped by an overflow */
    uint64_t late;          /* packets behind the playout point, or beyond max_delay_ms */
    uint64_t duplicates;
    uint64_t reordered;     /* inserted with a sequence number below the highest seen */
    uint64_t resets;
    uint64_t dropped;       /* buffered packets discarded unplayed (overflow, reset) */
    uint64_t silence;       /* SILENCE frames returned */
    uint64_t buffered;      /* packets in the ring now */
    uint64_t underruns;     /* adaptive: frame times the playout waited for held packets
                               (each wait rounded up to whole frames) */
    double underrun_ms;     /* ... the total time it waited */
    double jitter_ms;       /* RFC 3550 s6.4.1 interarrival jitter, in ms */
    double current_delay_ms;/* playout offset above the base (the fastest packets) */
    double target_delay_ms;
    /* RFC 3611 s4.7.2 burst/gap metrics over the frames played (AUDIO received, LOST lost or
     * discarded; SILENCE not counted), Gmin = 16: a burst is a run starting and ending with a
     * loss, with fewer than Gmin received frames between its losses, and at least 2 losses;
     * everything else is gap (an isolated loss belongs to the gap). */
    double burst_density;     /* lost / frames, inside bursts (0..1) */
    double gap_density;       /* lost / frames, inside gaps (0..1) */
    double burst_duration_ms; /* mean */
    double gap_duration_ms;   /* mean */
} ccf_jb_stats;

typedef struct ccf_jb ccf_jb;

/* Allocate a buffer.  CCF_ERR_PARAM for an invalid configuration, CCF_ERR_NOMEM. */
ccf_status ccf_jb_new(const ccf_jb_config *cfg, ccf_jb **out);
void ccf_jb_free(ccf_jb *jb);

/* Forget every packet, the playout state, the delay statistics and the counters. */
void ccf_jb_reset(ccf_jb *jb);

/* Ring size (a power of two); slot numbers are below it. */
uint32_t ccf_jb_capacity(const ccf_jb *jb);

/*
 * Offer a packet.  On CCF_JB_INSERTED, CCF_JB_RESET and CCF_JB_OVERFLOW the packet is stored in
 * *slot (the caller keeps its payload there; whatever was there before is no longer referenced
 * by the buffer).  arrival_ms must not go backwards by much; NaN or infinity count as 0.
 */
ccf_jb_put_result ccf_jb_put(ccf_jb *jb, uint16_t seq, uint32_t timestamp, double arrival_ms,
                             uint32_t ssrc, unsigned flags, uint32_t *slot);

/* Next frame due at now_ms into *out: 1, or 0 if none is due (or the buffer holds, or now_ms
 * is NaN). */
int ccf_jb_get(ccf_jb *jb, double now_ms, ccf_jb_frame *out);

/* Due time of the next frame if it is known (a packet or a decision is waiting), else NaN. */
double ccf_jb_next_due(const ccf_jb *jb);

void ccf_jb_get_stats(const ccf_jb *jb, ccf_jb_stats *st);

/* ---- RTP header (RFC 3550 s5.1, s5.3.1) ---------------------------------------------------- */

typedef struct ccf_rtp_header {
    uint8_t marker;
    uint8_t payload_type;
    uint16_t seq;
    uint32_t timestamp;
    uint32_t ssrc;
    size_t payload_offset;  /* after CSRCs and the header extension */
    size_t payload_len;     /* without padding */
} ccf_rtp_header;

/* Why ccf_rtp_parse refused a packet (CCF_OK = 0 when it did not). */
typedef enum ccf_rtp_error {
    CCF_RTP_OK = 0,
    CCF_RTP_SHORT = 1,        /* fewer than 12 bytes */
    CCF_RTP_VERSION = 2,      /* version is not 2 */
    CCF_RTP_CSRC = 3,         /* CSRC list runs past the end */
    CCF_RTP_EXTENSION = 4,    /* header extension runs past the end */
    CCF_RTP_PADDING = 5       /* padding count 0 or larger than what is left */
} ccf_rtp_error;

/* Parse and bounds-check an RTP header; reads only p[0..len). */
ccf_rtp_error ccf_rtp_parse(const uint8_t *p, size_t len, ccf_rtp_header *h);

#endif /* CCF_JITTER_H */
