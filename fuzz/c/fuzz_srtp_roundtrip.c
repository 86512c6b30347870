/*
 * Protect then unprotect arbitrary RTP/RTCP packets (the header made valid from the input):
 * the receiver must get back exactly what was sent, for every profile, MKI and kdr, and a
 * one-bit change of the protected packet must be refused.  Streams are allocated to the exact
 * size of the replay window the input picks.
 * Input: profile, flags, bit to flip, window, [kdr], master key, then the packet.
 */
#include "ccf_srtp.h"
#include "ccf_cpu.h"
#include "fuzz_common.h"
#include "fuzz_srtp_profiles.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ccf_srtp_ctx ctx;
    static ccf_srtp_epochs etx, erx;
    static uint8_t pkt[2048], prot[2200], back[2200];
    uint8_t mk[32], ms[14];
    ccf_srtp_stream *tx = NULL, *rx = NULL;
    fuzz_in in = { data, size };
    int profile = PROFILES[fuzz_u8(&in) % 10];
    uint8_t flags = fuzz_u8(&in), flip = fuzz_u8(&in);
    uint32_t window = 1 + (uint32_t)fuzz_u8(&in) * 128;        /* 1 .. 32641 */
    uint64_t kdr = (flags & 4) ? ((uint64_t)1 << (fuzz_u8(&in) % 25)) : 0;
    size_t kl, sl, tl, n, pn = 0, bn = 0;
    int rtcp = flags & 1, rc;
    ccf_cpu_init();
    ccf_srtp_profile_lengths(profile, &kl, &sl, &tl);
    memset(mk, 0x5A, sizeof(mk));
    memset(ms, 0xC3, sizeof(ms));
    fuzz_bytes(&in, mk, kl);
    if (ccf_srtp_init(&ctx, profile, mk, kl, ms, sl, kdr, (const uint8_t *)"\x01\x02\x03", (flags & 2) ? 3 : 0) != CCF_OK)
        __builtin_trap();
    ccf_srtp_set_rtcp_encrypt(&ctx, !(flags & 16));
    n = fuzz_bytes(&in, pkt, sizeof(pkt));
    if (n < 12)
        return 0;
    pkt[0] = (uint8_t)(0x80 | (pkt[0] & (rtcp ? 0x1F : 0x0F)));   /* version 2; no X/P for RTP */
    {
        size_t ssrc_at = rtcp ? 4 : 8;
        uint32_t ssrc = ccf_load32_be(pkt + ssrc_at);
        size_t hdr;
        if (!rtcp && ccf_srtp_rtp_header_len(pkt, n, &hdr) != CCF_OK)
            return 0;
        tx = malloc(ccf_srtp_stream_size(window));
        rx = malloc(ccf_srtp_stream_size(window));
        FUZZ_ASSERT(ccf_srtp_stream_init(tx, ssrc, window) == CCF_OK);
        FUZZ_ASSERT(ccf_srtp_stream_init(rx, ssrc, window) == CCF_OK);
    }
    memset(&etx, 0, sizeof(etx));
    memset(&erx, 0, sizeof(erx));
    if (kdr) {
        ccf_srtp_stream_set_epochs(tx, &etx);
        ccf_srtp_stream_set_epochs(rx, &erx);
    }
    rc = rtcp ? ccf_srtcp_protect(&ctx, tx, pkt, n, prot, sizeof(prot), &pn)
              : ccf_srtp_protect(&ctx, tx, pkt, n, prot, sizeof(prot), &pn, 0);
    FUZZ_ASSERT(rc == CCF_OK);
    FUZZ_ASSERT(pn == n + ccf_srtp_overhead(&ctx, rtcp));
    if (flags & 8) {                                   /* a one-bit change must not pass */
        size_t at = flip % pn;                         /* header, payload, MKI, tag: all covered */
        prot[at] ^= (uint8_t)(1u << (flip % 8));
        rc = rtcp ? ccf_srtcp_unprotect(&ctx, rx, prot, pn, back, sizeof(back), &bn)
                  : ccf_srtp_unprotect(&ctx, rx, prot, pn, back, sizeof(back), &bn);
        FUZZ_ASSERT(rc != CCF_OK);
        prot[at] ^= (uint8_t)(1u << (flip % 8));
    }
    rc = rtcp ? ccf_srtcp_unprotect(&ctx, rx, prot, pn, back, sizeof(back), &bn)
              : ccf_srtp_unprotect(&ctx, rx, prot, pn, back, sizeof(back), &bn);
    FUZZ_ASSERT(rc == CCF_OK || (!rtcp && rc == CCF_ERR_PACKET && (pkt[0] & 0x20)));
    if (rc == CCF_OK) {
        FUZZ_ASSERT(bn == n && memcmp(back, pkt, n) == 0);
        rc = rtcp ? ccf_srtcp_unprotect(&ctx, rx, prot, pn, back, sizeof(back), &bn)
                  : ccf_srtp_unprotect(&ctx, rx, prot, pn, back, sizeof(back), &bn);
        FUZZ_ASSERT(rc == CCF_ERR_REPLAY);
    }
    free(tx);
    free(rx);
    ccf_srtp_wipe(&ctx);
    return 0;
}
