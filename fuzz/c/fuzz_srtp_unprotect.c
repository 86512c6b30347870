/*
 * SRTP and SRTCP unprotect on arbitrary packets, every profile, with and without MKI and key
 * derivation rate, any replay window, several packets on one stream (so packets that
 * authenticate move the index and the window for the ones after them).  Invariants: no memory
 * error (the stream and its replay rings are allocated to the exact size); the strict RTP
 * header parse stays inside the packet; success never lengthens a packet and a replay of an
 * accepted packet is refused; a failure leaves the stream exactly as it was but for its failure
 * counters.
 * Input: profile, flags (MKI, kdr, in place), window (2 bytes), then packets, each a kind/length
 * pair of bytes (bit 7 of the first: SRTCP; 11 bits of length) and the packet.
 */
#include "ccf_srtp.h"
#include "ccf_cpu.h"
#include "fuzz_common.h"
#include "fuzz_srtp_profiles.h"

static void check_header_len(const uint8_t *pkt, size_t n)
{
    size_t hdr = 0;
    if (ccf_srtp_rtp_header_len(pkt, n, &hdr) == CCF_OK) {
        size_t min = 12 + 4 * (size_t)(pkt[0] & 0x0F) + ((pkt[0] & 0x10) ? 4 : 0);
        FUZZ_ASSERT((pkt[0] >> 6) == 2);
        FUZZ_ASSERT(hdr >= min && hdr <= n && (hdr & 3) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ccf_srtp_ctx ctx;
    static ccf_srtp_epochs epochs;
    static uint8_t pkt[2048], out[2048];
    static const uint8_t mk[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 };
    static const uint8_t ms[14] = { 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA };
    static const uint8_t mki[4] = { 0xDE, 0xAD, 0xBE, 0xEF };
    fuzz_in in = { data, size };
    int profile = PROFILES[fuzz_u8(&in) % 10];
    uint8_t flags = fuzz_u8(&in);
    uint32_t window = 1 + (((uint32_t)fuzz_u8(&in) << 8 | fuzz_u8(&in)) % CCF_SRTP_MAX_WINDOW);
    size_t kl, sl, tl, ssize = ccf_srtp_stream_size(window);
    ccf_srtp_stream *s;
    uint8_t *before;
    int first = 1;
    ccf_cpu_init();
    ccf_srtp_profile_lengths(profile, &kl, &sl, &tl);
    if (ccf_srtp_init(&ctx, profile, mk, kl, ms, sl, (flags & 4) ? 16 : 0, mki, (flags & 2) ? 4 : 0) != CCF_OK)
        __builtin_trap();
    FUZZ_ASSERT(ssize > sizeof(ccf_srtp_stream));
    s = malloc(ssize);
    before = malloc(ssize);
    memset(&epochs, 0, sizeof(epochs));
    while (in.n >= 2) {
        uint8_t k0 = fuzz_u8(&in), k1 = fuzz_u8(&in);
        int rtcp = k0 >> 7;
        size_t n = fuzz_bytes(&in, pkt, (size_t)(k0 & 7) << 8 | k1), out_len = 0;
        int rc;
        check_header_len(pkt, n);
        if (first) {                                   /* the stream takes the first packet's SSRC */
            uint32_t ssrc = n >= 12 ? ccf_load32_be(pkt + (rtcp ? 4 : 8)) : 0;
            FUZZ_ASSERT(ccf_srtp_stream_init(s, ssrc, window) == CCF_OK);
            if (flags & 4)
                ccf_srtp_stream_set_epochs(s, &epochs);
            first = 0;
        }
        memcpy(before, s, ssize);
        if (flags & 8) {                               /* in place */
            memcpy(out, pkt, n);
            rc = rtcp ? ccf_srtcp_unprotect(&ctx, s, out, n, out, n, &out_len)
                      : ccf_srtp_unprotect(&ctx, s, out, n, out, n, &out_len);
        } else {
            rc = rtcp ? ccf_srtcp_unprotect(&ctx, s, pkt, n, out, sizeof(out), &out_len)
                      : ccf_srtp_unprotect(&ctx, s, pkt, n, out, sizeof(out), &out_len);
        }
        if (rc == CCF_OK) {
            FUZZ_ASSERT(out_len <= n);
            rc = rtcp ? ccf_srtcp_unprotect(&ctx, s, pkt, n, out, sizeof(out), &out_len)
                      : ccf_srtp_unprotect(&ctx, s, pkt, n, out, sizeof(out), &out_len);
            FUZZ_ASSERT(rc == CCF_ERR_REPLAY);
        } else {
            /* counters aside, the stream is as it was */
            s->auth_failures = ((ccf_srtp_stream *)(void *)before)->auth_failures;
            s->replays = ((ccf_srtp_stream *)(void *)before)->replays;
            FUZZ_ASSERT(memcmp(before, s, ssize) == 0);
        }
    }
    free(before);
    free(s);
    ccf_srtp_wipe(&ctx);
    return 0;
}
