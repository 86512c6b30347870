/*
 * test_jitter.c - C driver for the jitter buffer core (csrc/jitter): scripted scenarios with
 * exact expected playout, RTP header parsing on malformed input, and a randomised
 * conservation check (every packet put is played, reported late, dropped or a duplicate).
 * Runs natively, under valgrind / sanitizers, on aarch64 (qemu), mingw and -m32.
 */
#include <math.h>

#include "ccf_test.h"
#include "ccf_jitter.h"

#define FT 160u   /* 20 ms at 8 kHz */

static ccf_jb *make(ccf_jb_mode mode, double delay, uint32_t cap)
{
    ccf_jb_config c;
    ccf_jb_config_default(&c);
    c.mode = mode;
    c.delay_ms = delay;
    c.capacity = cap;
    ccf_jb *jb = NULL;
    if (ccf_jb_new(&c, &jb) != CCF_OK) {
        printf("ccf_jb_new failed\n");
        exit(2);
    }
    return jb;
}

/* Collect every frame due at `now` into kinds[]/seqs[]; returns how many. */
static int drain(ccf_jb *jb, double now, int *kinds, int *seqs, int cap)
{
    ccf_jb_frame f;
    int n = 0;
    while (ccf_jb_get(jb, now, &f)) {
        if (n < cap) {
            kinds[n] = (int)f.kind;
            seqs[n] = f.seq;
        }
        n++;
    }
    return n;
}

static void test_in_order_and_wrap(void)
{
    ccf_jb *jb = make(CCF_JB_FIXED, 40, 64);
    uint32_t slot;
    int kinds[64], seqs[64], n = 0;
    uint32_t ts0 = 0xFFFFFFFFu - 3 * FT;
    for (int i = 0; i < 10; i++) {
        uint16_t seq = (uint16_t)(65532 + i);
        double t = 1000 + 20.0 * i;
        int r = ccf_jb_put(jb, seq, ts0 + (uint32_t)i * FT, t, 0, 0, &slot);
        CCF_CHECK(r == CCF_JB_INSERTED, "put %d: %d", i, r);
        CCF_CHECK(slot == ((uint32_t)(i + 65532 + (1 << 20)) & 63u), "slot %u", slot);
        n += drain(jb, t, kinds + n, seqs + n, 64 - n);
    }
    n += drain(jb, 2000, kinds + n, seqs + n, 64 - n);
    CCF_CHECK(n == 10, "frames %d", n);
    for (int i = 0; i < n && i < 10; i++)
        CCF_CHECK(kinds[i] == CCF_JB_AUDIO && seqs[i] == (uint16_t)(65532 + i), "frame %d: %d %d", i, kinds[i], seqs[i]);
    ccf_jb_stats st;
    ccf_jb_get_stats(jb, &st);
    CCF_CHECK(st.played == 10 && st.lost == 0 && st.resets == 0, "stats %llu %llu %llu",
              (unsigned long long)st.played, (unsigned long long)st.lost, (unsigned long long)st.resets);
    CCF_CHECK(fabs(st.current_delay_ms - 40) < 0.01, "delay %f", st.current_delay_ms);
    ccf_jb_free(jb);
}

static void test_loss_reorder_dup_late(void)
{
    ccf_jb *jb = make(CCF_JB_FIXED, 40, 64);
    uint32_t slot;
    /* arrivals: 0, 1, 3, 2 (reordered), 3 again (duplicate), 5 (4 lost) */
    static const int order[] = {0, 1, 3, 2, 3, 5, 6};
    static const int want_res[] = {CCF_JB_INSERTED, CCF_JB_INSERTED, CCF_JB_INSERTED, CCF_JB_INSERTED,
                                   CCF_JB_DUPLICATE, CCF_JB_INSERTED, CCF_JB_INSERTED};
    for (int i = 0; i < 7; i++) {
        int s = order[i];
        int r = ccf_jb_put(jb, (uint16_t)(100 + s), (uint32_t)s * FT, 1000 + 20.0 * s + (i == 3 ? 25 : 0), 0, 0, &slot);
        CCF_CHECK(r == want_res[i], "put #%d: %d", i, r);
    }
    int kinds[16], seqs[16];
    int n = drain(jb, 1000 + 6 * 20 + 40, kinds, seqs, 16);
    static const int wk[] = {CCF_JB_AUDIO, CCF_JB_AUDIO, CCF_JB_AUDIO, CCF_JB_AUDIO, CCF_JB_LOST, CCF_JB_AUDIO, CCF_JB_AUDIO};
    CCF_CHECK(n == 7, "frames %d", n);
    for (int i = 0; i < 7 && i < n; i++)
        CCF_CHECK(kinds[i] == wk[i] && seqs[i] == 100 + i, "frame %d: %d %d", i, kinds[i], seqs[i]);
    CCF_CHECK(ccf_jb_put(jb, 104, 4 * FT, 1200, 0, 0, &slot) == CCF_JB_LATE, "late");
    CCF_CHECK(ccf_jb_put(jb, 104, 4 * FT, 1201, 0, 0, &slot) == CCF_JB_DUPLICATE, "late twice");
    CCF_CHECK(ccf_jb_put(jb, 101, 1 * FT, 1202, 0, 0, &slot) == CCF_JB_DUPLICATE, "played twice");
    ccf_jb_stats st;
    ccf_jb_get_stats(jb, &st);
    CCF_CHECK(st.reordered == 1 && st.duplicates == 3 && st.late == 1 && st.lost == 1 && st.played == 6,
              "stats r%llu d%llu l%llu", (unsigned long long)st.reordered, (unsigned long long)st.duplicates,
              (unsigned long long)st.late);
    ccf_jb_free(jb);
}

static void test_dtx_and_resets(void)
{
    ccf_jb *jb = make(CCF_JB_FIXED, 300, 64);
    uint32_t slot;
    for (int i = 0; i < 5; i++)
        ccf_jb_put(jb, (uint16_t)i, (uint32_t)i * FT, 1000 + 20.0 * i, 0, 0, &slot);
    /* talkspurt 2 after 5 frames of silence, marker bit */
    for (int i = 0; i < 3; i++)
        ccf_jb_put(jb, (uint16_t)(5 + i), (uint32_t)(10 + i) * FT, 1000 + 20.0 * (10 + i), 0, i == 0 ? CCF_JB_MARKER : 0, &slot);
    int kinds[32], seqs[32], n = 0;
    for (double now = 1000; now < 2000; now += 1)    /* polled in time: silence frames come out */
        n += drain(jb, now, kinds + n, seqs + n, 32 - n);
    CCF_CHECK(n == 13, "dtx frames %d", n);
    for (int i = 0; i < 13 && i < n; i++) {
        int want = (i >= 5 && i < 10) ? CCF_JB_SILENCE : CCF_JB_AUDIO;
        CCF_CHECK(kinds[i] == want, "dtx frame %d: %d", i, kinds[i]);
    }
    ccf_jb_stats st;
    ccf_jb_get_stats(jb, &st);
    CCF_CHECK(st.lost == 0 && st.silence == 5, "dtx stats");

    /* a sequence jump forward, backward, a timestamp jump, an SSRC change: each resets */
    ccf_jb_reset(jb);
    ccf_jb_put(jb, 1000, 5000, 0, 7, CCF_JB_SSRC, &slot);
    CCF_CHECK(ccf_jb_put(jb, 1001, 5000 + FT, 20, 7, CCF_JB_SSRC, &slot) == CCF_JB_INSERTED, "normal");
    CCF_CHECK(ccf_jb_put(jb, 3000, 9, 40, 7, CCF_JB_SSRC, &slot) == CCF_JB_RESET, "seq forward");
    CCF_CHECK(ccf_jb_put(jb, 2000, 9 + FT, 60, 7, CCF_JB_SSRC, &slot) == CCF_JB_RESET, "seq backward");
    CCF_CHECK(ccf_jb_put(jb, 2001, 9 + FT + 8000 * 60, 80, 7, CCF_JB_SSRC, &slot) == CCF_JB_RESET, "ts jump");
    CCF_CHECK(ccf_jb_put(jb, 2002, 9 + 2 * FT + 8000 * 60, 100, 8, CCF_JB_SSRC, &slot) == CCF_JB_RESET, "ssrc");
    CCF_CHECK(ccf_jb_put(jb, 2003, 9 + 3 * FT + 8000 * 60, 120, 8, CCF_JB_SSRC, &slot) == CCF_JB_INSERTED, "after");
    ccf_jb_get_stats(jb, &st);
    CCF_CHECK(st.resets == 4 && st.dropped == 5, "resets %llu dropped %llu",
              (unsigned long long)st.resets, (unsigned long long)st.dropped);
    ccf_jb_frame f;
    CCF_CHECK(ccf_jb_get(jb, 100 + 300 + 0.5, &f) == 1 && f.seq == 2002 && f.kind == CCF_JB_AUDIO,
              "new stream plays at once");
    ccf_jb_free(jb);
}

static void test_overflow(void)
{
    ccf_jb *jb = make(CCF_JB_ADAPTIVE, -1, 8);
    uint32_t slot;
    int inserted = 0, overflow = 0;
    for (int i = 0; i < 20; i++) {
        int r = ccf_jb_put(jb, (uint16_t)i, (uint32_t)i * FT, i, 0, 0, &slot);
        inserted += r == CCF_JB_INSERTED;
        overflow += r == CCF_JB_OVERFLOW;
        CCF_CHECK(slot < 8, "slot %u", slot);
    }
    CCF_CHECK(inserted == 8 && overflow == 12, "overflow %d %d", inserted, overflow);
    int kinds[32], seqs[32];
    int n = drain(jb, 1e6, kinds, seqs, 32);
    CCF_CHECK(n == 8 && seqs[0] == 12 && seqs[7] == 19, "after overflow %d frames, first %d", n, seqs[0]);
    ccf_jb_free(jb);
}

static void test_adaptive_spike(void)
{
    ccf_jb *jb = make(CCF_JB_ADAPTIVE, -1, 1024);
    uint32_t slot;
    ccf_jb_frame f;
    int audio = 0, lost = 0;
    double last_due = -1;
    for (int i = 0; i < 300; i++) {
        double extra = i >= 150 ? 90.0 - (i - 150) * 20.0 : 0;
        double t = 1000 + 20.0 * i + (extra > 0 ? extra : 0);
        ccf_jb_put(jb, (uint16_t)i, (uint32_t)i * FT, t, 0, 0, &slot);
        for (double now = t; now < t + 20; now += 1) {
            while (ccf_jb_get(jb, now, &f)) {
                audio += f.kind == CCF_JB_AUDIO;
                lost += f.kind == CCF_JB_LOST;
                CCF_CHECK(f.due_ms >= last_due, "due goes back");
                last_due = f.due_ms;
            }
        }
    }
    while (ccf_jb_get(jb, 1e9, &f))
        audio += f.kind == CCF_JB_AUDIO;
    ccf_jb_stats st;
    ccf_jb_get_stats(jb, &st);
    /* the playout waits one frame for an overdue packet: 100..103 are late, the rest plays */
    CCF_CHECK(audio == 296 && lost == 4 && st.late == 4, "spike: audio %d lost %d", audio, lost);
    CCF_CHECK(st.underruns == 1, "underruns %llu", (unsigned long long)st.underruns);
    CCF_CHECK(st.current_delay_ms < 5, "delay shrank back: %f", st.current_delay_ms);
    ccf_jb_free(jb);
}

/* xorshift */
static uint32_t rnd(uint32_t *s) { *s ^= *s << 13; *s ^= *s >> 17; *s ^= *s << 5; return *s; }

static void test_random_conservation(void)
{
    for (uint32_t seed = 1; seed <= 40; seed++) {
        uint32_t r = seed * 2654435761u;
        ccf_jb *jb = make(seed & 1 ? CCF_JB_ADAPTIVE : CCF_JB_FIXED, 60, seed % 3 == 0 ? 16 : 256);
        enum { N = 400 };
        double arr[N];
        int order[N], n = 0;
        uint16_t seq0 = (uint16_t)rnd(&r);
        uint32_t ts0 = rnd(&r);
        for (int i = 0; i < N; i++) {
            if (rnd(&r) % 10 == 0) continue;
            arr[n] = 20.0 * i + (rnd(&r) % 15000) / 100.0;
            order[n++] = i;
        }
        for (int a = 1; a < n; a++)          /* insertion sort by arrival */
            for (int b = a; b > 0 && arr[b] < arr[b - 1]; b--) {
                double t = arr[b]; arr[b] = arr[b - 1]; arr[b - 1] = t;
                int o = order[b]; order[b] = order[b - 1]; order[b - 1] = o;
            }
        int inserted = 0, late_put = 0, audio = 0;
        uint32_t slot;
        ccf_jb_frame f;
        int64_t last_ts = INT64_MIN;
        double now = 0;
        for (int k = 0; k < n; k++) {
            while (now < arr[k]) {
                while (ccf_jb_get(jb, now, &f)) {
                    audio += f.kind == CCF_JB_AUDIO;
                    CCF_CHECK(f.ext_ts > last_ts, "timestamps increase");
                    last_ts = f.ext_ts;
                }
                now += 7;
            }
            int res = ccf_jb_put(jb, (uint16_t)(seq0 + order[k]), ts0 + (uint32_t)order[k] * FT, arr[k], 0, 0, &slot);
            inserted += res == CCF_JB_INSERTED || res == CCF_JB_OVERFLOW;
            late_put += res == CCF_JB_LATE;
        }
        while (ccf_jb_get(jb, 1e12, &f)) {
            audio += f.kind == CCF_JB_AUDIO;
            CCF_CHECK(f.ext_ts > last_ts, "timestamps increase");
            last_ts = f.ext_ts;
        }
        ccf_jb_stats st;
        ccf_jb_get_stats(jb, &st);
        CCF_CHECK((uint64_t)inserted == st.played + (st.late - (uint64_t)late_put) + st.dropped,
                  "seed %u: inserted %d = played %llu + late %llu - %d + dropped %llu", seed, inserted,
                  (unsigned long long)st.played, (unsigned long long)st.late, late_put, (unsigned long long)st.dropped);
        CCF_CHECK((uint64_t)audio == st.played && st.buffered == 0 && st.resets == 0, "seed %u accounting", seed);
        ccf_jb_free(jb);
    }
}

static void test_rtp_parse(void)
{
    uint8_t p[64];
    ccf_rtp_header h;
    /* v2, P, X, CC=1, M, PT=0, seq 0x1234, ts 0x01020304, ssrc 0xAABBCCDD, CSRC, ext 1 word */
    size_t n = ccf_test_unhex("b1 80 1234 01020304 aabbccdd 00000001 bede0001 10ff0000 "
                              "68656c6c6f 000003", p, sizeof p);
    CCF_CHECK(ccf_rtp_parse(p, n, &h) == CCF_RTP_OK, "parse");
    CCF_CHECK(h.marker == 1 && h.payload_type == 0 && h.seq == 0x1234 && h.timestamp == 0x01020304 &&
              h.ssrc == 0xAABBCCDDu && h.payload_offset == 24 && h.payload_len == 5, "fields");
    CCF_CHECK(ccf_rtp_parse(p, 11, &h) == CCF_RTP_SHORT, "short");
    uint8_t q[64];
    memcpy(q, p, n);
    q[0] = 0x71;
    CCF_CHECK(ccf_rtp_parse(q, n, &h) == CCF_RTP_VERSION, "version");
    q[0] = 0x8f;                          /* 15 CSRCs: past the end */
    CCF_CHECK(ccf_rtp_parse(q, n, &h) == CCF_RTP_CSRC, "csrc");
    q[0] = 0x91;
    q[18] = 0xff;                         /* extension length 0xff01 words */
    CCF_CHECK(ccf_rtp_parse(q, n, &h) == CCF_RTP_EXTENSION, "extension");
    CCF_CHECK(ccf_rtp_parse(p, 18, &h) == CCF_RTP_EXTENSION, "extension header cut");
    memcpy(q, p, n);
    q[n - 1] = 0;
    CCF_CHECK(ccf_rtp_parse(q, n, &h) == CCF_RTP_PADDING, "padding 0");
    q[n - 1] = 9;
    CCF_CHECK(ccf_rtp_parse(q, n, &h) == CCF_RTP_PADDING, "padding too long");
    q[n - 1] = 8;                         /* exactly the whole payload */
    CCF_CHECK(ccf_rtp_parse(q, n, &h) == CCF_RTP_OK && h.payload_len == 0, "padding = payload");
    /* every prefix of every byte pattern: never reads past len (valgrind / ASan watch) */
    uint32_t r = 99;
    for (int it = 0; it < 20000; it++) {
        size_t len = rnd(&r) % 40;
        uint8_t *buf = (uint8_t *)malloc(len ? len : 1);
        for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)rnd(&r);
        if (len) buf[0] = (uint8_t)((buf[0] & 0x3f) | 0x80);
        if (ccf_rtp_parse(buf, len, &h) == CCF_RTP_OK)
            CCF_CHECK(h.payload_offset + h.payload_len <= len, "bounds");
        free(buf);
    }
}

static void test_burst_gap(void)
{
    /* RFC 3611 s4.7.2 with Gmin 16: isolated loss at 10 (gap), losses 50, 52, 55 (a burst) */
    ccf_jb *jb = make(CCF_JB_FIXED, 40, 256);
    uint32_t slot;
    ccf_jb_frame f;
    for (int i = 0; i < 100; i++)
        if (i != 10 && i != 50 && i != 52 && i != 55)
            ccf_jb_put(jb, (uint16_t)i, (uint32_t)i * FT, 20.0 * i, 0, 0, &slot);
    while (ccf_jb_get(jb, 1e9, &f)) {}
    ccf_jb_stats st;
    ccf_jb_get_stats(jb, &st);
    CCF_CHECK(fabs(st.burst_density - 0.5) < 1e-12 && fabs(st.burst_duration_ms - 120) < 1e-9 &&
              fabs(st.gap_density - 1.0 / 94) < 1e-12 && fabs(st.gap_duration_ms - 940) < 1e-9,
              "burst/gap %f %f %f %f", st.burst_density, st.burst_duration_ms, st.gap_density, st.gap_duration_ms);
    ccf_jb_free(jb);
}

static void test_config(void)
{
    ccf_jb_config c;
    ccf_jb *jb;
    ccf_jb_config_default(&c);
    c.capacity = 1;
    CCF_CHECK(ccf_jb_new(&c, &jb) == CCF_ERR_PARAM && jb == NULL, "capacity 1");
    ccf_jb_config_default(&c);
    c.mode = CCF_JB_FIXED;
    CCF_CHECK(ccf_jb_new(&c, &jb) == CCF_ERR_PARAM, "fixed without delay");
    ccf_jb_config_default(&c);
    c.quantile = 1.5;
    CCF_CHECK(ccf_jb_new(&c, &jb) == CCF_ERR_PARAM, "quantile");
    ccf_jb_config_default(&c);
    c.capacity = 100;
    CCF_CHECK(ccf_jb_new(&c, &jb) == CCF_OK && ccf_jb_capacity(jb) == 128, "rounded capacity");
    ccf_jb_free(jb);
}

int main(void)
{
    test_in_order_and_wrap();
    test_loss_reorder_dup_late();
    test_dtx_and_resets();
    test_overflow();
    test_adaptive_spike();
    test_random_conservation();
    test_rtp_parse();
    test_burst_gap();
    test_config();
    return ccf_test_finish("jitter");
}
