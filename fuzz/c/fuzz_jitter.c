/*
 * RTP header parsing and the jitter buffer driven by arbitrary operations.  Invariants: a parsed
 * payload lies inside the packet; every stored packet is accounted for (played, late, dropped
 * or still buffered); played frames of one stream come out in increasing extended order.
 * Input: configuration byte, then operations of 9 bytes (kind, seq, timestamp, time step).
 */
#include "ccf_jitter.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    ccf_rtp_header h;
    ccf_jb_config cfg;
    ccf_jb *jb;
    ccf_jb_frame f;
    ccf_jb_stats st;
    uint64_t stored = 0, late_put = 0;
    int64_t last_ext = INT64_MIN;
    uint64_t last_resets = 0;
    double now = 0;
    uint8_t c = fuzz_u8(&in);
    /* the whole input is also an RTP packet */
    if (ccf_rtp_parse(data, size, &h) == CCF_RTP_OK)
        FUZZ_ASSERT(h.payload_offset <= size && h.payload_len <= size - h.payload_offset);
    ccf_jb_config_default(&cfg);
    cfg.mode = (c & 1) ? CCF_JB_FIXED : CCF_JB_ADAPTIVE;
    cfg.delay_ms = (c & 1) ? 20.0 * ((c >> 1) & 7) : -1;
    cfg.capacity = 2u << ((c >> 4) & 7);
    if (ccf_jb_new(&cfg, &jb) != CCF_OK)
        return 0;
    while (in.n >= 9) {
        uint8_t kind = fuzz_u8(&in);
        uint16_t seq = (uint16_t)(fuzz_u8(&in) << 8 | fuzz_u8(&in));
        uint32_t ts = fuzz_u32(&in);
        now += (double)(fuzz_u8(&in) % 64) - ((kind & 0x80) ? 8 : 0);   /* time may step back */
        if (kind & 1) {
            uint32_t slot;
            ccf_jb_put_result r = ccf_jb_put(jb, seq, ts, now, (kind & 2) ? 0x1234u : 0x1235u,
                                             (kind & 4) ? CCF_JB_MARKER : 0, &slot);
            if (r == CCF_JB_INSERTED || r == CCF_JB_RESET || r == CCF_JB_OVERFLOW) {
                FUZZ_ASSERT(slot < ccf_jb_capacity(jb));
                stored++;
            } else if (r == CCF_JB_LATE) {
                late_put++;
            }
        } else {
            while (ccf_jb_get(jb, now, &f)) {
                ccf_jb_get_stats(jb, &st);
                if (st.resets != last_resets) {      /* a reset starts a new order */
                    last_resets = st.resets;
                    last_ext = INT64_MIN;
                }
                if (f.kind == CCF_JB_AUDIO) {
                    FUZZ_ASSERT(f.ext_seq > last_ext);
                    last_ext = f.ext_seq;
                }
            }
        }
    }
    ccf_jb_get_stats(jb, &st);
    /* stored packets: played, found late once stored, dropped (overflow, reset) or still held */
    FUZZ_ASSERT(stored == st.played + (st.late - late_put) + st.dropped + st.buffered);
    ccf_jb_free(jb);
    return 0;
}
