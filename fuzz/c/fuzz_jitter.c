/*
 * RTP header parsing and the jitter buffer driven by arbitrary operations.
 * Invariants: a parsed header gives the packet's fields and a payload inside the packet;
 * every stored packet is accounted for (played, late, dropped or still buffered: nothing
 * vanishes), checked at the end and before every reset; a frame is never returned before it is
 * due (by the latest clock the buffer has seen: the clock may step back a little); between resets frames come out in increasing extended sequence order and, while every
 * timestamp follows its sequence number (a regular 20 ms sender), in increasing timestamp order.
 * Input: configuration byte, then operations of 8 bytes: kind, two sequence bytes, four
 * timestamp bytes (used by raw-timestamp puts), time step.
 */
#include <math.h>

#include "ccf_jitter.h"
#include "fuzz_common.h"

enum {
    OP_PUT = 1, OP_OTHER_SSRC = 2, OP_MARKER = 4, OP_CN = 8, OP_SSRC = 16, OP_RAW_TS = 32,
    OP_SPECIAL = 64,         /* put: a big sequence jump; get: ccf_jb_reset first */
    OP_BACK = 128            /* the clock steps back a little */
};

static void check_parse(const uint8_t *p, size_t n)
{
    ccf_rtp_header h;
    if (ccf_rtp_parse(p, n, &h) != CCF_RTP_OK)
        return;
    FUZZ_ASSERT(n >= 12 && (p[0] >> 6) == 2);
    FUZZ_ASSERT(h.seq == (p[2] << 8 | p[3]) && h.ssrc == ccf_load32_be(p + 8) && h.timestamp == ccf_load32_be(p + 4));
    FUZZ_ASSERT(h.marker == (p[1] >> 7) && h.payload_type == (p[1] & 0x7F));
    FUZZ_ASSERT(h.payload_offset >= 12 + 4 * (size_t)(p[0] & 0x0F) + ((p[0] & 0x10) ? 4 : 0));
    FUZZ_ASSERT(h.payload_offset <= n && h.payload_len <= n - h.payload_offset);
    FUZZ_ASSERT(h.payload_offset + h.payload_len == ((p[0] & 0x20) ? n - p[n - 1] : n));
}

typedef struct {
    uint64_t stored, late_put, cn_played;   /* cn_played: comfort-noise packets returned as SILENCE */
} tally;

static void check_accounting(const ccf_jb *jb, const tally *t)
{
    ccf_jb_stats st;
    ccf_jb_get_stats(jb, &st);
    /* stored packets: played (audio or comfort noise), found late once stored, dropped
     * (overflow, reset) or still held */
    FUZZ_ASSERT(st.late >= t->late_put);
    FUZZ_ASSERT(t->stored == st.played + t->cn_played + (st.late - t->late_put) + st.dropped + st.buffered);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    ccf_jb_config cfg;
    ccf_jb *jb;
    ccf_jb_frame f;
    ccf_jb_stats st;
    tally t = { 0, 0, 0 };
    int64_t last_ext = INT64_MIN, last_ts = INT64_MIN, v = 1000;    /* v: the sender's unwrapped seq */
    uint64_t last_resets = 0;
    int raw_ts = 0;
    double now = 0, latest = 0;
    uint8_t c = fuzz_u8(&in);
    check_parse(data, size);                           /* the whole input is also an RTP packet */
    ccf_jb_config_default(&cfg);
    cfg.mode = (c & 1) ? CCF_JB_FIXED : CCF_JB_ADAPTIVE;
    cfg.delay_ms = (c & 1) ? 20.0 * ((c >> 1) & 7) : -1;
    cfg.capacity = 2u << ((c >> 4) & 7);
    if (c & 0x80)
        cfg.hold_ms = 0;
    if (ccf_jb_new(&cfg, &jb) != CCF_OK)
        return 0;
    while (in.n >= 8) {
        uint8_t kind = fuzz_u8(&in), s0 = fuzz_u8(&in), s1 = fuzz_u8(&in);
        uint32_t raw = fuzz_u32(&in);
        now += (double)(fuzz_u8(&in) % 64) - ((kind & OP_BACK) ? 8 : 0);
        if (now > latest)
            latest = now;
        if (kind & OP_PUT) {
            uint32_t slot = UINT32_MAX;
            unsigned flags = ((kind & OP_MARKER) ? CCF_JB_MARKER : 0) | ((kind & OP_CN) ? CCF_JB_CN : 0) |
                             ((kind & OP_SSRC) ? CCF_JB_SSRC : 0);
            ccf_jb_put_result r;
            v += (kind & OP_SPECIAL) ? (int16_t)(s0 << 8 | s1) : (int8_t)s1 % 24;
            if (kind & OP_RAW_TS)
                raw_ts = 1;
            r = ccf_jb_put(jb, (uint16_t)v, (kind & OP_RAW_TS) ? raw : (uint32_t)(160 * v), now,
                           (kind & OP_OTHER_SSRC) ? 0x1234u : 0x1235u, flags, &slot);
            if (r == CCF_JB_INSERTED || r == CCF_JB_RESET || r == CCF_JB_OVERFLOW) {
                FUZZ_ASSERT(slot < ccf_jb_capacity(jb));
                t.stored++;
            } else if (r == CCF_JB_LATE) {
                t.late_put++;
            } else {
                FUZZ_ASSERT(r == CCF_JB_DUPLICATE);
            }
            continue;
        }
        if (kind & OP_SPECIAL) {                       /* forget everything: counters start again */
            check_accounting(jb, &t);
            ccf_jb_reset(jb);
            t.stored = t.late_put = t.cn_played = 0;
            last_resets = 0;
            last_ext = last_ts = INT64_MIN;
        }
        while (ccf_jb_get(jb, now, &f)) {
            FUZZ_ASSERT(f.due_ms <= latest);
            if (f.kind == CCF_JB_SILENCE && f.slot != UINT32_MAX)
                t.cn_played++;
            ccf_jb_get_stats(jb, &st);
            if (st.resets != last_resets) {            /* a reset starts a new order */
                last_resets = st.resets;
                last_ext = last_ts = INT64_MIN;
            }
            if (f.kind == CCF_JB_AUDIO || f.kind == CCF_JB_LOST) {
                FUZZ_ASSERT(f.ext_seq > last_ext);
                last_ext = f.ext_seq;
            }
            if (!raw_ts) {
                FUZZ_ASSERT(f.ext_ts > last_ts);
                last_ts = f.ext_ts;
            }
        }
    }
    check_accounting(jb, &t);
    ccf_jb_free(jb);
    return 0;
}
