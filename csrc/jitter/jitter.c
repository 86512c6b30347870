/*
 * jitter.c - adaptive RTP jitter buffer: ring, unwrapping, playout schedule (see ccf_jitter.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ccf_jitter.h"
#include "delay_estimator.h"

enum { ST_EMPTY = 0, ST_HAVE = 1, ST_PLAYED = 2, ST_MISSED = 3, ST_LATE = 4 };

typedef struct jb_slot {
    int64_t ext_seq;
    int64_t ext_ts;
    double arrival;
    uint8_t state;
    uint8_t flags;
} jb_slot;

/* Extended sequence numbers of a fresh stream start here (a multiple of 2^16), so a reordered
 * packet from before the first one still has a positive number. */
#define SEQ_BASE ((int64_t)1 << 20)
#ifndef DRIFT_WINDOWS
#define DRIFT_WINDOWS 16
#endif
#ifndef DRIFT_WINDOW_MS
#define DRIFT_WINDOW_MS 500.0
#endif
#define DRIFT_MIN_PACKETS 10
#define DRIFT_MAX 0.03
/* Default hold: one frame.  Waiting longer for a packet that is already overdue conceals as
 * much as declaring it late and leaves more delay to shed afterwards (measured with
 * benchmarks/jitter_quality.py); a spike grows the delay through the histogram instead, at
 * once, when its packets arrive. */
#define HOLD_FRAMES 1
#ifndef MIN_SAMPLE_WEIGHT
#define MIN_SAMPLE_WEIGHT 0.03
#endif
#ifndef RETARGET_EVERY
#define RETARGET_EVERY 8
#endif
#ifndef AUTO_TAIL
#define AUTO_TAIL 3.0
#endif
#ifndef AUTO_FORGET_MIN
#define AUTO_FORGET_MIN 0.995
#endif
/* The adaptive target's quantile is estimated from the samples the memory holds: about 1400
 * packets (28 s of 20 ms frames; NetEq forgets by 0.9993 too) keep its noise low, and rise
 * detection (below) keeps it quick to follow more jitter.  The fixed mode needs only the 1%
 * quantile and keeps the shorter memory. */
#ifndef ADAPTIVE_FORGET_MIN
#define ADAPTIVE_FORGET_MIN 0.9993
#endif
/* Rise detection: EWMA gain of the share of samples above the target, the share (RISE_K times
 * 1 - quantile, at least RISE_FLOOR) that means the jitter has risen, and the extra
 * forgetting per sample while it lasts. */
#ifndef RISE_K
#define RISE_K 4.0
#endif
#ifndef RISE_FLOOR
#define RISE_FLOOR 0.12
#endif
#ifndef RISE_ALPHA
#define RISE_ALPHA (1.0 / 32)
#endif
#ifndef RISE_FORGET
#define RISE_FORGET 0.98
#endif
/* A drift slope change that forgets the histogram (0.2%: 5.6 ms over the adaptive memory). */
#ifndef SLOPE_FLUSH
#define SLOPE_FLUSH 0.002
#endif
#ifndef AUTO_FORGET_MAX
#define AUTO_FORGET_MAX 0.9995
#endif
/* After a reset the old distribution weighs 1/RESET_REWEIGHT of the new leg's next sample (at
 * most about one packet's worth, with the longest memory): re-anchored on a single packet it is
 * off by that packet's jitter, and a heavier prior kept the new leg's high quantiles off for
 * long (b2bua scenario of benchmarks/jitter_quality.py). */
#ifndef RESET_REWEIGHT
#define RESET_REWEIGHT 2000.0
#endif
#ifndef GROW_AT_ONCE_FRAMES
#define GROW_AT_ONCE_FRAMES 0.25
#endif
/* Samples before the adaptive target trusts the histogram alone. */
#define WARMUP 50

struct ccf_jb {
    ccf_jb_config cfg;
    uint32_t cap, mask;
    jb_slot *ring;
    double ms_per_tick;      /* 1000 / clock_rate */
    int64_t frame_ts;        /* timestamp units per frame */
    double ts_tolerance;     /* timestamp vs arrival clock disagreement that resets, ms */

    int started;
    int have_ssrc;
    uint32_t ssrc;
    int64_t hi_seq, hi_ts;   /* highest extended sequence number seen and its timestamp */
    double hi_arrival;

    int64_t next_seq;        /* next frame to play */
    double stall;            /* how long the playout has waited past the next frame's due time */
    int64_t play_ts;
    double next_due;

    ccf_delay_estimator de;  /* samples: arrival - timestamp - drift correction, ms */
    /* Sender clock drift: minima of x per 1 s window of arrivals; slope by Theil-Sen. */
    double win_start, win_min;
    int win_count;
    double mins_t[DRIFT_WINDOWS], mins_x[DRIFT_WINDOWS];
    int n_mins, mins_pos;
    double slope;            /* d(arrival - timestamp)/d(arrival), clamped to +-DRIFT_MAX */
    double t_ref, corr0;     /* drift correction at t: corr0 + slope * (t - t_ref) */
    double last_arrival;
    double prev_arrival;
    int have_prev_arrival;
    int dirty;
    int since_target;        /* samples since the target was computed */
    double base, target, target_offset;
    double exceed;           /* recent share of samples above the target offset (EWMA) */

    double prev_transit;
    int have_transit;
    double jitter;

    /* RFC 3611 burst/gap state */
    uint64_t bg_run;                 /* received frames since the last loss */
    uint64_t bg_cur_frames, bg_cur_lost;   /* the open burst candidate (from its first loss) */
    uint64_t bg_burst_frames, bg_burst_lost, bg_bursts;
    uint64_t bg_gap_frames, bg_gap_lost;

    ccf_jb_stats st;
};

/* No libm: the drivers link without -lm. */
static double abs_d(double x) { return x < 0 ? -x : x; }
static uint64_t ceil_u64(double x)
{
    if (!(x > 0)) return 0;
    uint64_t i = (uint64_t)x;
    return (double)i < x ? i + 1 : i;
}

static double ts_ms(const ccf_jb *jb, int64_t ext_ts) { return (double)ext_ts * jb->ms_per_tick; }
static double drift_corr(const ccf_jb *jb, double t) { return jb->corr0 + jb->slope * (t - jb->t_ref); }

/* see ccf_jitter.h */
void ccf_jb_config_default(ccf_jb_config *cfg)
{
    cfg->mode = CCF_JB_ADAPTIVE;
    cfg->clock_rate = 8000;
    cfg->frame_ms = 20;
    cfg->delay_ms = -1;
    cfg->min_delay_ms = 0;
    cfg->max_delay_ms = 500;
    cfg->capacity = 1024;
    cfg->quantile = 0.97;
    cfg->forget = 0;
    cfg->compress = 0.25;
    cfg->hold_ms = -1;
}

/* Forgetting factor: the configured one, or (0) one whose memory holds about AUTO_TAIL samples
 * beyond the quantile - a high quantile needs a longer memory to be estimated at all. */
static double auto_forget(const ccf_jb_config *cfg)
{
    if (cfg->forget > 0)
        return cfg->forget;
    double f = 1.0 - (1.0 - cfg->quantile) / AUTO_TAIL;
    double lo = cfg->mode == CCF_JB_ADAPTIVE ? ADAPTIVE_FORGET_MIN : AUTO_FORGET_MIN;
    if (f < lo) f = lo;
    if (f > AUTO_FORGET_MAX) f = AUTO_FORGET_MAX;
    return f;
}

/* see ccf_jitter.h */
ccf_status ccf_jb_new(const ccf_jb_config *cfg, ccf_jb **out)
{
    *out = NULL;
    if (cfg->clock_rate == 0 || cfg->clock_rate > 1000000 || !(cfg->frame_ms > 0) || cfg->frame_ms > 1000 ||
        !(cfg->min_delay_ms >= 0) || !(cfg->max_delay_ms >= cfg->min_delay_ms) || cfg->max_delay_ms > 60000 ||
        cfg->capacity < 2 || cfg->capacity > CCF_JB_MAX_CAPACITY ||
        !(cfg->quantile > 0 && cfg->quantile < 1) || !(cfg->forget == 0 || (cfg->forget > 0.5 && cfg->forget <= 1)) ||
        !(cfg->compress >= 0 && cfg->compress <= 1) ||
        (cfg->mode != CCF_JB_ADAPTIVE && cfg->mode != CCF_JB_FIXED) ||
        (cfg->mode == CCF_JB_FIXED && !(cfg->delay_ms >= 0)) || cfg->delay_ms != cfg->delay_ms)
        return CCF_ERR_PARAM;
    int64_t frame_ts = (int64_t)(cfg->clock_rate * cfg->frame_ms / 1000.0 + 0.5);
    if (frame_ts < 1)
        return CCF_ERR_PARAM;
    ccf_jb *jb = (ccf_jb *)calloc(1, sizeof *jb);
    if (!jb)
        return CCF_ERR_NOMEM;
    jb->cfg = *cfg;
    uint32_t cap = 2;
    while (cap < cfg->capacity) cap <<= 1;
    jb->cap = cap;
    jb->mask = cap - 1;
    jb->ring = (jb_slot *)calloc(cap, sizeof *jb->ring);
    if (!jb->ring) {
        free(jb);
        return CCF_ERR_NOMEM;
    }
    jb->ms_per_tick = 1000.0 / cfg->clock_rate;
    jb->frame_ts = frame_ts;
    jb->ts_tolerance = 2 * cfg->max_delay_ms > 1000 ? 2 * cfg->max_delay_ms : 1000;
    /* 1 ms bins up to 768 ms above the anchor; wider bins for longer maximum delays. */
    double width = (cfg->max_delay_ms + 268) / (CCF_DE_BINS - CCF_DE_BELOW);
    ccf_de_init(&jb->de, width < 1 ? 1 : width, auto_forget(cfg));
    ccf_jb_reset(jb);
    *out = jb;
    return CCF_OK;
}

/* see ccf_jitter.h */
void ccf_jb_free(ccf_jb *jb)
{
    if (!jb)
        return;
    free(jb->ring);
    free(jb);
}

/* see ccf_jitter.h */
uint32_t ccf_jb_capacity(const ccf_jb *jb) { return jb->cap; }

static void clear_ring(ccf_jb *jb)
{
    memset(jb->ring, 0, (size_t)jb->cap * sizeof *jb->ring);
    jb->st.buffered = 0;
}

/* see ccf_jitter.h */
void ccf_jb_reset(ccf_jb *jb)
{
    clear_ring(jb);
    ccf_de_clear(&jb->de);
    memset(&jb->st, 0, sizeof jb->st);
    jb->started = 0;
    jb->have_ssrc = 0;
    jb->have_transit = 0;
    jb->jitter = 0;
    jb->stall = 0;
    jb->have_prev_arrival = 0;
    jb->dirty = 1;
    jb->base = jb->target = jb->target_offset = 0;
    jb->exceed = 0;
    jb->win_count = jb->n_mins = jb->mins_pos = 0;
    jb->slope = jb->t_ref = jb->corr0 = jb->last_arrival = 0;
    jb->bg_run = jb->bg_cur_frames = jb->bg_cur_lost = 0;
    jb->bg_burst_frames = jb->bg_burst_lost = jb->bg_bursts = jb->bg_gap_frames = jb->bg_gap_lost = 0;
}

/* Rises of the target larger than this are applied at once (a new frame is simply due later);
 * smaller ones by stretching, like shrinking. */
static double grow_at_once_ms(const ccf_jb *jb)
{
    return GROW_AT_ONCE_FRAMES * jb->cfg.frame_ms;
}

static double start_delay(const ccf_jb *jb)
{
    if (jb->cfg.delay_ms >= 0)
        return jb->cfg.delay_ms;
    return 3 * jb->cfg.frame_ms;
}

static double clamp_delay(const ccf_jb *jb, double d)
{
    if (d < jb->cfg.min_delay_ms) d = jb->cfg.min_delay_ms;
    if (d > jb->cfg.max_delay_ms) d = jb->cfg.max_delay_ms;
    return d;
}

/* base (1% quantile of arrival - timestamp) and the target delay above it. */
static void update_target(ccf_jb *jb)
{
    jb->dirty = 0;
    jb->since_target = 0;
    double base = ccf_de_quantile(&jb->de, 0.01);
    if (base != base)
        return;
    double corr = drift_corr(jb, jb->last_arrival);
    double t;
    if (jb->cfg.mode == CCF_JB_FIXED) {
        t = jb->cfg.delay_ms;
    } else {
        t = ccf_de_quantile(&jb->de, jb->cfg.quantile) - base;
        if (jb->de.count < WARMUP && t < start_delay(jb))
            t = start_delay(jb);
    }
    jb->base = base + corr;
    jb->target = clamp_delay(jb, t);
    jb->target_offset = jb->base + jb->target;
}

/* One more arrival sample: the delay histogram and the RFC 3550 s6.4.1 jitter estimate
 * J += (|D(i-1,i)| - J) / 16, with D the difference of successive transit times. */
/* k-th smallest of a[0..n) (Hoare's selection; reorders a). */
static double select_kth(double *a, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = a[(lo + hi) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                double t = a[i]; a[i] = a[j]; a[j] = t;
                i++; j--;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else break;
    }
    return a[k];
}

/* Slope of the window minima, robustly: the median of the slopes between windows half the
 * history apart (a Theil-Sen estimate restricted to the longest pairs, cheap enough to run at
 * every window), so a window spoilt by a spike does not tilt it. */
static void update_slope(ccf_jb *jb)
{
    double sl[DRIFT_WINDOWS];
    int n = 0, h = jb->n_mins / 2;
    if (h < 3)
        return;
    for (int i = 0; i < h; i++) {
        /* the ring holds windows in time order starting at mins_pos once full */
        int a = (jb->n_mins < DRIFT_WINDOWS) ? i : (jb->mins_pos + i) % DRIFT_WINDOWS;
        int b = (jb->n_mins < DRIFT_WINDOWS) ? i + h : (jb->mins_pos + i + h) % DRIFT_WINDOWS;
        double dt = jb->mins_t[b] - jb->mins_t[a];
        if (dt > 0)
            sl[n++] = (jb->mins_x[b] - jb->mins_x[a]) / dt;
    }
    if (n < 3)
        return;
    double m = select_kth(sl, n, n / 2);
    if (!(n & 1))
        m = 0.5 * (m + select_kth(sl, n, n / 2 - 1));
    if (m > DRIFT_MAX) m = DRIFT_MAX;
    if (m < -DRIFT_MAX) m = -DRIFT_MAX;
    /* The correction stays continuous: it bends at the current time. */
    double now = jb->last_arrival;
    jb->corr0 = drift_corr(jb, now);
    jb->t_ref = now;
    /* The histogram's samples were corrected with the old slope: after a large change (the
     * first estimate of a real drift) they would smear the distribution for as long as the
     * memory lasts, so they are forgotten. */
    if (abs_d(m - jb->slope) > SLOPE_FLUSH)
        jb->de.inc *= 1000.0;
    jb->slope = m;
}

static void track_drift(ccf_jb *jb, double x, double arrival)
{
    if (jb->win_count == 0 || arrival - jb->win_start >= DRIFT_WINDOW_MS || arrival < jb->win_start) {
        if (jb->win_count >= DRIFT_MIN_PACKETS) {
            jb->mins_t[jb->mins_pos] = jb->win_start + DRIFT_WINDOW_MS / 2;
            jb->mins_x[jb->mins_pos] = jb->win_min;
            jb->mins_pos = (jb->mins_pos + 1) % DRIFT_WINDOWS;
            if (jb->n_mins < DRIFT_WINDOWS)
                jb->n_mins++;
            update_slope(jb);
        }
        jb->win_start = arrival;
        jb->win_min = x;
        jb->win_count = 0;
    }
    if (x < jb->win_min)
        jb->win_min = x;
    jb->win_count++;
}

static void add_sample(ccf_jb *jb, int64_t ext_ts, double arrival)
{
    double x = arrival - ts_ms(jb, ext_ts);
    /* The drift correction moves with time: keep the cached base and target offset current
     * between recomputations (under 1% drift they would lag by up to a few frames' worth). */
    if (arrival > jb->last_arrival) {
        double dc = jb->slope * (arrival - jb->last_arrival);
        jb->base += dc;
        jb->target_offset += dc;
    }
    jb->last_arrival = arrival;
    track_drift(jb, x, arrival);
    /* A sample weighs the arrival time it stands for, relative to a frame (at least
     * MIN_SAMPLE_WEIGHT): the burst of packets a delay spike releases when its queue drains is one
     * event, not many independent delays, and must not hold the target up for long after. */
    double w = 1.0;
    if (jb->have_prev_arrival) {
        w = (arrival - jb->prev_arrival) / jb->cfg.frame_ms;
        if (!(w >= MIN_SAMPLE_WEIGHT)) w = MIN_SAMPLE_WEIGHT;
        if (w > 1) w = 1;
    }
    jb->prev_arrival = arrival;
    jb->have_prev_arrival = 1;
    double v = x - drift_corr(jb, arrival);
    /* Rise detection: with the long memory a jump in jitter would take many lost frames to
     * reach the quantile.  When the recent share of samples above the target (packets of
     * ordinary spacing only - a spike's burst is one event) is several times what the quantile
     * allows, the histogram forgets faster until the target has caught up. */
    if (jb->cfg.mode == CCF_JB_ADAPTIVE && w >= 0.5) {
        double over = x > jb->target_offset ? 1.0 : 0.0;
        jb->exceed += (over - jb->exceed) * RISE_ALPHA;
        double lim = RISE_K * (1 - jb->cfg.quantile);
        if (jb->exceed > (lim > RISE_FLOOR ? lim : RISE_FLOOR))
            jb->de.inc /= RISE_FORGET;
    }
    ccf_de_add_weighted(&jb->de, v, w);
    /* The quantiles move with every sample, but slowly unless it lands outside [base, target]:
     * recompute at once then (growth at once), otherwise every few samples. */
    double c = drift_corr(jb, arrival);
    if (v + c > jb->target_offset || v + c < jb->base || ++jb->since_target >= RETARGET_EVERY)
        jb->dirty = 1;
    if (jb->have_transit) {
        double d = abs_d(x - jb->prev_transit);
        jb->jitter += (d - jb->jitter) / 16.0;
    }
    jb->prev_transit = x;
    jb->have_transit = 1;
}

static void start_stream(ccf_jb *jb, uint16_t seq, uint32_t ts, double arrival, uint32_t ssrc, unsigned flags)
{
    jb->started = 1;
    jb->stall = 0;
    jb->have_ssrc = (flags & CCF_JB_SSRC) != 0;
    jb->ssrc = ssrc;
    jb->hi_seq = SEQ_BASE + seq;
    jb->hi_ts = ts;
    jb->hi_arrival = arrival;
    jb->next_seq = jb->hi_seq;
    jb->play_ts = jb->hi_ts;
    add_sample(jb, jb->hi_ts, arrival);
    update_target(jb);
    jb->next_due = ts_ms(jb, jb->play_ts) + jb->target_offset;
    if (jb->next_due < arrival)
        jb->next_due = arrival;
}

static uint32_t store(ccf_jb *jb, int64_t ext, int64_t ext_ts, double arrival, unsigned flags)
{
    uint32_t i = (uint32_t)((uint64_t)ext & jb->mask);
    jb_slot *s = &jb->ring[i];
    if (s->state == ST_HAVE)
        jb->st.buffered--;
    s->ext_seq = ext;
    s->ext_ts = ext_ts;
    s->arrival = arrival;
    s->flags = (uint8_t)flags;
    s->state = ST_HAVE;
    jb->st.buffered++;
    return i;
}

/* Move the playout point forward to new_next (an overflow): buffered frames passed are dropped,
 * missing ones counted lost. */
static void advance_to(ccf_jb *jb, int64_t new_next)
{
    for (int64_t e = jb->next_seq; e < new_next; e++) {
        jb_slot *s = &jb->ring[(uint64_t)e & jb->mask];
        if (s->ext_seq == e && s->state == ST_HAVE) {
            s->state = ST_EMPTY;
            jb->st.buffered--;
            jb->st.dropped++;
            jb->play_ts = s->ext_ts + jb->frame_ts;
        } else {
            if (!(s->ext_seq == e && s->state != ST_EMPTY)) {
                s->ext_seq = e;
                s->state = ST_MISSED;
            }
            jb->st.lost++;
            jb->play_ts += jb->frame_ts;
        }
        jb->next_due += jb->cfg.frame_ms;
    }
    jb->next_seq = new_next;
    jb_slot *s = &jb->ring[(uint64_t)new_next & jb->mask];
    if (s->ext_seq == new_next && s->state == ST_HAVE && s->ext_ts > jb->play_ts)
        jb->play_ts = s->ext_ts;
}

/* see ccf_jitter.h */
ccf_jb_put_result ccf_jb_put(ccf_jb *jb, uint16_t seq, uint32_t timestamp, double arrival,
                             uint32_t ssrc, unsigned flags, uint32_t *slot)
{
    jb->st.received++;
    if (!(arrival > -1e15 && arrival < 1e15))   /* NaN or infinite: as documented, 0 */
        arrival = 0;
    flags &= CCF_JB_MARKER | CCF_JB_CN | CCF_JB_SSRC;
    if (!jb->started) {
        start_stream(jb, seq, timestamp, arrival, ssrc, flags);
        *slot = store(jb, jb->hi_seq, jb->hi_ts, arrival, flags);
        return CCF_JB_INSERTED;
    }
    /* RFC 3550 A.1: unwrap relative to the highest sequence number seen. */
    int32_t sd = (int16_t)(uint16_t)(seq - (uint16_t)jb->hi_seq);
    int64_t ext = jb->hi_seq + sd;
    int64_t td = (int32_t)(uint32_t)(timestamp - (uint32_t)jb->hi_ts);
    int64_t ext_ts = jb->hi_ts + td;
    double clock_gap = (double)td * jb->ms_per_tick - (arrival - jb->hi_arrival);
    int new_ssrc = (flags & CCF_JB_SSRC) && jb->have_ssrc && ssrc != jb->ssrc;
    if (new_ssrc || sd > CCF_JB_MAX_SEQ_JUMP || sd < -CCF_JB_MAX_SEQ_JUMP || abs_d(clock_gap) > jb->ts_tolerance) {
        /* Discontinuity: drop the old stream, keep the learnt delay (re-anchored so the new
         * packet sits at the median of the old distribution), play the new stream at once. */
        jb->st.dropped += jb->st.buffered;
        clear_ring(jb);
        double x_new = arrival - ts_ms(jb, timestamp) - drift_corr(jb, arrival);
        jb->win_count = jb->n_mins = jb->mins_pos = 0;
        double med = ccf_de_quantile(&jb->de, 0.5);
        if (med == med)
            ccf_de_shift(&jb->de, x_new - med);
        /* The new leg may take another path, and its first packet may not be typical: the
         * old distribution is kept as a prior but weighs as little as a few packets. */
        jb->de.inc *= RESET_REWEIGHT;
        jb->have_transit = 0;
        jb->st.resets++;
        start_stream(jb, seq, timestamp, arrival, ssrc, flags);
        *slot = store(jb, jb->hi_seq, jb->hi_ts, arrival, flags);
        return CCF_JB_RESET;
    }
    if ((flags & CCF_JB_SSRC) && !jb->have_ssrc) {
        jb->have_ssrc = 1;
        jb->ssrc = ssrc;
    }
    if (ext < jb->next_seq) {
        jb_slot *s = &jb->ring[(uint64_t)ext & jb->mask];
        if (s->ext_seq == ext && (s->state == ST_PLAYED || s->state == ST_LATE)) {
            jb->st.duplicates++;
            return CCF_JB_DUPLICATE;
        }
        if (s->ext_seq == ext && s->state == ST_MISSED)
            s->state = ST_LATE;
        jb->st.late++;
        add_sample(jb, ext_ts, arrival);
        return CCF_JB_LATE;
    }
    ccf_jb_put_result res = CCF_JB_INSERTED;
    if (ext >= jb->next_seq + (int64_t)jb->cap) {
        advance_to(jb, ext - jb->cap + 1);
        res = CCF_JB_OVERFLOW;
    }
    jb_slot *s = &jb->ring[(uint64_t)ext & jb->mask];
    if (s->ext_seq == ext && s->state == ST_HAVE) {
        jb->st.duplicates++;
        return CCF_JB_DUPLICATE;
    }
    *slot = store(jb, ext, ext_ts, arrival, flags);
    if (ext < jb->hi_seq) {
        jb->st.reordered++;
    } else if (ext > jb->hi_seq) {
        jb->hi_seq = ext;
        jb->hi_ts = ext_ts;
        jb->hi_arrival = arrival;
    }
    add_sample(jb, ext_ts, arrival);
    return res;
}

#define GMIN 16

/* Close the open burst candidate: a burst if it has two losses or more, else gap. */
static void bg_close(ccf_jb *jb)
{
    if (jb->bg_cur_lost >= 2) {
        jb->bg_burst_frames += jb->bg_cur_frames;
        jb->bg_burst_lost += jb->bg_cur_lost;
        jb->bg_bursts++;
    } else {
        jb->bg_gap_frames += jb->bg_cur_frames;
        jb->bg_gap_lost += jb->bg_cur_lost;
    }
    jb->bg_cur_frames = jb->bg_cur_lost = 0;
}

/* One played frame for the RFC 3611 s4.7.2 burst/gap metrics. */
static void bg_frame(ccf_jb *jb, int lost)
{
    if (!lost) {
        jb->bg_run++;
        return;
    }
    if (jb->bg_cur_lost && jb->bg_run < GMIN) {
        jb->bg_cur_frames += jb->bg_run + 1;     /* the burst goes on */
        jb->bg_cur_lost++;
    } else {
        bg_close(jb);
        jb->bg_gap_frames += jb->bg_run;
        jb->bg_cur_frames = jb->bg_cur_lost = 1;
    }
    jb->bg_run = 0;
}

/* After a frame: shrink the offset towards the target by at most `compress` of a frame. */
static void after_frame(ccf_jb *jb)
{
    double excess = jb->next_due - ts_ms(jb, jb->play_ts) - jb->target_offset;
    double c = jb->cfg.compress * jb->cfg.frame_ms;
    if (excess > 0)
        jb->next_due -= excess < c ? excess : c;
    else if (excess < 0)   /* a small rise of the target: stretch gradually too */
        jb->next_due += -excess < c ? -excess : c;
}

static void emit(ccf_jb *jb, ccf_jb_frame *out, ccf_jb_kind kind, int64_t ext, int64_t ext_ts, double due,
                 const jb_slot *s, uint32_t slot)
{
    out->kind = kind;
    out->ext_seq = ext;
    out->seq = (uint16_t)ext;
    out->ext_ts = ext_ts;
    out->timestamp = (uint32_t)ext_ts;
    out->due_ms = due;
    out->arrival_ms = s ? s->arrival : 0;
    out->slot = s ? slot : UINT32_MAX;
    out->flags = s ? s->flags : 0;
}

/* see ccf_jitter.h */
int ccf_jb_get(ccf_jb *jb, double now, ccf_jb_frame *out)
{
    if (!jb->started || now != now)
        return 0;
    if (jb->dirty)
        update_target(jb);
    const double fm = jb->cfg.frame_ms;
    for (;;) {
        uint32_t idx = (uint32_t)((uint64_t)jb->next_seq & jb->mask);
        jb_slot *s = &jb->ring[idx];
        int have = s->ext_seq == jb->next_seq && s->state == ST_HAVE;
        /* Grow at once: the next frame is never due before base + target.  Growth while the
         * frame is already overdue (the playout is waiting) is a stall, counted below. */
        double want = ts_ms(jb, jb->play_ts) + jb->target_offset;
        if (jb->next_due < want - grow_at_once_ms(jb)) {
            /* holding for a missing packet, or for one that came after its due time */
            if (now > jb->next_due && (!have || s->arrival > jb->next_due))
                jb->stall += (want < now ? want : now) - jb->next_due;
            jb->next_due = want;
        }
        if (have && s->ext_ts >= jb->play_ts + jb->frame_ts) {
            jb->stall = 0;    /* it was silence, not a stall */
            /* A timestamp gap before the next packet: silence (DTX).  Re-time the talkspurt:
             * its first packet is due at base + target, and silence frames fill the time up to
             * it; frames already more than a frame in the past are skipped, not returned. */
            double d = ts_ms(jb, s->ext_ts) + jb->target_offset;
            if (d < jb->next_due)
                d = jb->next_due;
            if (d < s->arrival)
                d = s->arrival;   /* a talkspurt starts when its first packet is there */
            if (jb->next_due + fm <= d && jb->play_ts + jb->frame_ts <= s->ext_ts) {
                if (jb->next_due + fm <= now) {
                    jb->play_ts += jb->frame_ts;
                    jb->next_due += fm;
                    continue;
                }
                if (now < jb->next_due)
                    return 0;
                emit(jb, out, CCF_JB_SILENCE, jb->next_seq - 1, jb->play_ts, jb->next_due, NULL, 0);
                jb->st.silence++;
                jb->play_ts += jb->frame_ts;
                jb->next_due += fm;
                return 1;
            }
            jb->play_ts = s->ext_ts;
            jb->next_due = d;
            continue;
        }
        if (now < jb->next_due)
            return 0;
        if (have) {
            double due = jb->next_due;
            if (s->arrival > due || jb->stall > 0) {
                /* It was awaited (the buffer held): adaptive mode plays it now, which grows the
                 * delay by exactly the spike; fixed mode, or beyond max_delay_ms, it is late. */
                double delay = s->arrival - ts_ms(jb, jb->play_ts) - jb->base;
                double hold = jb->cfg.hold_ms < 0 ? HOLD_FRAMES * fm : jb->cfg.hold_ms;
                double wait = jb->stall + (s->arrival > due ? s->arrival - due : 0);
                jb->stall = 0;
                int fixed = jb->cfg.mode == CCF_JB_FIXED;
                if ((fixed && s->arrival > due) || (!fixed && (delay > jb->cfg.max_delay_ms + fm || wait > hold))) {
                    emit(jb, out, CCF_JB_LOST, jb->next_seq, s->ext_ts, due, NULL, 0);
                    s->state = ST_LATE;
                    jb->st.buffered--;
                    jb->st.late++;
                    jb->st.lost++;
                    bg_frame(jb, 1);
                    jb->next_seq++;
                    jb->play_ts = s->ext_ts + jb->frame_ts;
                    jb->next_due = due + fm;
                    after_frame(jb);
                    return 1;
                }
                if (!fixed) {
                    jb->st.underruns += ceil_u64(wait / fm);
                    jb->st.underrun_ms += wait;
                }
                if (s->arrival > due)
                    due = s->arrival;
            }
            int cn = (s->flags & CCF_JB_CN) != 0;
            emit(jb, out, cn ? CCF_JB_SILENCE : CCF_JB_AUDIO, jb->next_seq, s->ext_ts, due, s, idx);
            s->state = ST_PLAYED;
            jb->st.buffered--;
            if (cn) {
                jb->st.silence++;
            } else {
                jb->st.played++;
                bg_frame(jb, 0);
            }
            jb->next_seq++;
            jb->play_ts = s->ext_ts + jb->frame_ts;
            jb->next_due = due + fm;
            after_frame(jb);
            return 1;
        }
        if (jb->hi_seq <= jb->next_seq)
            return 0;   /* nothing later has arrived: hold */
        jb->stall = 0;        /* the wait concealed this lost frame */
        emit(jb, out, CCF_JB_LOST, jb->next_seq, jb->play_ts, jb->next_due, NULL, 0);
        s->ext_seq = jb->next_seq;
        s->state = ST_MISSED;
        jb->st.lost++;
        bg_frame(jb, 1);
        jb->next_seq++;
        jb->play_ts += jb->frame_ts;
        jb->next_due += fm;
        after_frame(jb);
        return 1;
    }
}

/* see ccf_jitter.h */
double ccf_jb_next_due(const ccf_jb *jb)
{
    if (!jb->started)
        return NAN;
    ccf_jb *m = (ccf_jb *)jb;   /* the cached target is refreshed, nothing else changes */
    if (m->dirty)
        update_target(m);
    const jb_slot *s = &jb->ring[(uint64_t)jb->next_seq & jb->mask];
    int have = s->ext_seq == jb->next_seq && s->state == ST_HAVE;
    if (!have && jb->hi_seq <= jb->next_seq)
        return NAN;
    double due = ts_ms(jb, jb->play_ts) + jb->target_offset;
    if (due < jb->next_due)
        due = jb->next_due;
    if (have && s->ext_ts >= jb->play_ts + jb->frame_ts) {   /* mirrors ccf_jb_get's silence case */
        double d = ts_ms(jb, s->ext_ts) + jb->target_offset;
        if (d < due)
            d = due;
        if (d < s->arrival)
            d = s->arrival;
        if (due + jb->cfg.frame_ms <= d && jb->play_ts + jb->frame_ts <= s->ext_ts)
            return due;
        return d;
    }
    return due;
}

/* see ccf_jitter.h */
void ccf_jb_get_stats(const ccf_jb *jb, ccf_jb_stats *st)
{
    *st = jb->st;
    st->jitter_ms = jb->jitter;
    /* burst/gap so far, with the open candidate and the trailing received run closed */
    uint64_t bf = jb->bg_burst_frames, bl = jb->bg_burst_lost, nb = jb->bg_bursts;
    uint64_t gf = jb->bg_gap_frames + jb->bg_run, gl = jb->bg_gap_lost;
    if (jb->bg_cur_lost >= 2) {
        bf += jb->bg_cur_frames;
        bl += jb->bg_cur_lost;
        nb++;
    } else {
        gf += jb->bg_cur_frames;
        gl += jb->bg_cur_lost;
    }
    st->burst_density = bf ? (double)bl / (double)bf : 0;
    st->gap_density = gf ? (double)gl / (double)gf : 0;
    st->burst_duration_ms = nb ? (double)bf / (double)nb * jb->cfg.frame_ms : 0;
    st->gap_duration_ms = gf ? (double)gf / (double)(nb + 1) * jb->cfg.frame_ms : 0;
    if (jb->started) {
        ccf_jb *m = (ccf_jb *)jb;
        if (m->dirty)
            update_target(m);
        st->current_delay_ms = jb->next_due - ts_ms(jb, jb->play_ts) - jb->base;
        st->target_delay_ms = jb->target;
    } else {
        st->current_delay_ms = 0;
        st->target_delay_ms = jb->cfg.mode == CCF_JB_FIXED ? jb->cfg.delay_ms : start_delay(jb);
    }
}

/* see ccf_jitter.h */
ccf_rtp_error ccf_rtp_parse(const uint8_t *p, size_t len, ccf_rtp_header *h)
{
    if (len < 12)
        return CCF_RTP_SHORT;
    if ((p[0] >> 6) != 2)
        return CCF_RTP_VERSION;
    size_t off = 12 + 4 * (size_t)(p[0] & 0x0f);
    if (off > len)
        return CCF_RTP_CSRC;
    if (p[0] & 0x10) {            /* RFC 3550 s5.3.1: 16-bit profile, 16-bit length in words */
        if (off + 4 > len)
            return CCF_RTP_EXTENSION;
        size_t words = ((size_t)p[off + 2] << 8) | p[off + 3];
        off += 4 + 4 * words;
        if (off > len)
            return CCF_RTP_EXTENSION;
    }
    size_t end = len;
    if (p[0] & 0x20) {            /* s5.1: the last octet counts the padding, itself included */
        size_t pad = p[len - 1];
        if (pad == 0 || pad > len - off)
            return CCF_RTP_PADDING;
        end = len - pad;
    }
    h->marker = p[1] >> 7;
    h->payload_type = p[1] & 0x7f;
    h->seq = (uint16_t)((p[2] << 8) | p[3]);
    h->timestamp = ccf_load32_be(p + 4);
    h->ssrc = ccf_load32_be(p + 8);
    h->payload_offset = off;
    h->payload_len = end - off;
    return CCF_RTP_OK;
}
