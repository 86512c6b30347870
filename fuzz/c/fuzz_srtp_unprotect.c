/*
 * SRTP and SRTCP unprotect on arbitrary packets, every profile, with and without MKI and key
 * derivation rate.  Invariants: no memory error; success never lengthens the packet; a failure
 * leaves the stream exactly as it was but for its failure counters.
 * Input: profile, flags (RTCP, MKI, kdr, in place), then the packet.
 */
#include "ccf_srtp.h"
#include "ccf_cpu.h"
#include "fuzz_common.h"
#include "fuzz_srtp_profiles.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ccf_srtp_ctx ctx;
    static ccf_srtp_epochs epochs;
    static uint8_t stream_mem[16384] __attribute__((aligned(64))), before[16384], pkt[4096], out[4096];
    static const uint8_t mk[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 };
    static const uint8_t ms[14] = { 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA };
    static const uint8_t mki[4] = { 0xDE, 0xAD, 0xBE, 0xEF };
    ccf_srtp_stream *s = (ccf_srtp_stream *)(void *)stream_mem;
    fuzz_in in = { data, size };
    int profile = PROFILES[fuzz_u8(&in) % 10];
    uint8_t flags = fuzz_u8(&in);
    size_t kl, sl, tl, n, out_len = 0, ssize = ccf_srtp_stream_size(64);
    uint32_t ssrc;
    int rc;
    ccf_cpu_init();
    ccf_srtp_profile_lengths(profile, &kl, &sl, &tl);
    if (ccf_srtp_init(&ctx, profile, mk, kl, ms, sl, (flags & 4) ? 16 : 0, mki, (flags & 2) ? 4 : 0) != CCF_OK)
        __builtin_trap();
    n = fuzz_bytes(&in, pkt, sizeof(pkt));
    ssrc = n >= 12 ? ((uint32_t)pkt[(flags & 1) ? 4 : 8] << 24 | (uint32_t)pkt[(flags & 1) ? 5 : 9] << 16 |
                      (uint32_t)pkt[(flags & 1) ? 6 : 10] << 8 | pkt[(flags & 1) ? 7 : 11]) : 0;
    ccf_srtp_stream_init(s, ssrc, 64);
    memset(&epochs, 0, sizeof(epochs));
    if (flags & 4)
        ccf_srtp_stream_set_epochs(s, &epochs);
    memcpy(before, stream_mem, ssize);
    if (flags & 8) {                                   /* in place */
        memcpy(out, pkt, n);
        rc = (flags & 1) ? ccf_srtcp_unprotect(&ctx, s, out, n, out, n, &out_len)
                         : ccf_srtp_unprotect(&ctx, s, out, n, out, n, &out_len);
    } else {
        rc = (flags & 1) ? ccf_srtcp_unprotect(&ctx, s, pkt, n, out, sizeof(out), &out_len)
                         : ccf_srtp_unprotect(&ctx, s, pkt, n, out, sizeof(out), &out_len);
    }
    if (rc == CCF_OK) {
        FUZZ_ASSERT(out_len <= n);
    } else {
        /* counters aside, the stream is as it was */
        s->auth_failures = ((ccf_srtp_stream *)(void *)before)->auth_failures;
        s->replays = ((ccf_srtp_stream *)(void *)before)->replays;
        FUZZ_ASSERT(memcmp(before, stream_mem, ssize) == 0);
    }
    ccf_srtp_wipe(&ctx);
    return 0;
}
