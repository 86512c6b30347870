/*
 * SRTP and SRTCP unprotect on arbitrary packets, every profile, with and without MKI and key
 * derivation rate, any replay window, RFC 6904 ids and cryptex, a second master key, a short
 * key lifetime, several packets on one stream (so packets that authenticate move the index and
 * the window for the ones after them).  Invariants: no memory error (the stream and its replay
 * rings are allocated to the exact size); the strict RTP header parse stays inside the packet;
 * a packet the header-extension rules refuse (ccf_srtp_hdrext_check) is refused as malformed;
 * success never lengthens a packet, gives a cryptex packet back unmarked, counts one packet
 * against its master key, and a replay of an accepted packet is refused; a failure leaves the
 * stream and the key counts exactly as they were but for the failure counters.
 * Input: profile, flags (2 MKI, 4 kdr, 8 in place, 16 header privacy, 32 second master key,
 * 64 lifetime), window (2 bytes), [hx byte: fuzz_hdr_params], [lifetime byte], then packets,
 * each a kind/length pair of bytes (bit 7 of the first: SRTCP; 11 bits of length) and the packet.
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
    static ccf_srtp_ctx ctx, ctx2;
    static ccf_srtp_epochs epochs;
    static const uint8_t mki2[4] = { 0xDE, 0xAD, 0xBE, 0xEE };
    static const uint8_t mk2[32] = { 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16 };
    ccf_srtp_params prm;
    uint8_t bm[32];
    uint64_t used[4];
    static uint8_t pkt[2048], out[2048];
    static const uint8_t mk[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 };
    static const uint8_t ms[14] = { 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA };
    static const uint8_t mki[4] = { 0xDE, 0xAD, 0xBE, 0xEF };
    fuzz_in in = { data, size };
    int profile = PROFILES[fuzz_u8(&in) % NPROFILES];
    uint8_t flags = fuzz_u8(&in);
    uint32_t window = 1 + (((uint32_t)fuzz_u8(&in) << 8 | fuzz_u8(&in)) % CCF_SRTP_MAX_WINDOW);
    uint8_t hx = (flags & 16) ? fuzz_u8(&in) : 0;
    uint64_t lifetime = (flags & 64) ? 1 + (uint64_t)fuzz_u8(&in) : 0;
    size_t kl, sl, tl, ssize = ccf_srtp_stream_size(window);
    ccf_srtp_stream *s;
    uint8_t *before;
    int first = 1;
    ccf_cpu_init();
    ccf_srtp_profile_lengths(profile, &kl, &sl, &tl);
    memset(&prm, 0, sizeof(prm));
    prm.profile = profile;
    prm.master_key = mk; prm.key_len = kl;
    prm.master_salt = ms; prm.salt_len = sl;
    prm.kdr = (flags & 4) ? 16 : 0;
    prm.mki = mki; prm.mki_len = (flags & 2) ? 4 : 0;
    prm.lifetime = lifetime;
    fuzz_hdr_params(&prm, bm, hx);
    if (ccf_srtp_init_params(&ctx, &prm) != CCF_OK)
        __builtin_trap();
    if ((flags & 34) == 34) {                          /* a second master key, told apart by MKI */
        prm.mki = mki2;
        prm.master_key = mk2;
        if (ccf_srtp_init_params(&ctx2, &prm) != CCF_OK)
            __builtin_trap();
        ctx.next = &ctx2;
    }
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
        used[0] = ctx.usage.rtp; used[1] = ctx.usage.rtcp; used[2] = ctx2.usage.rtp; used[3] = ctx2.usage.rtcp;
        if (flags & 8) {                               /* in place */
            memcpy(out, pkt, n);
            rc = rtcp ? ccf_srtcp_unprotect(&ctx, s, out, n, out, n, &out_len)
                      : ccf_srtp_unprotect(&ctx, s, out, n, out, n, &out_len);
        } else {
            rc = rtcp ? ccf_srtcp_unprotect(&ctx, s, pkt, n, out, sizeof(out), &out_len)
                      : ccf_srtp_unprotect(&ctx, s, pkt, n, out, sizeof(out), &out_len);
        }
        if (!rtcp && ccf_srtp_hdrext_check(&ctx, pkt, n, 1) != CCF_SRTP_EXT_OK)
            FUZZ_ASSERT(rc == CCF_ERR_PACKET);
        if (rc == CCF_OK) {
            FUZZ_ASSERT(out_len <= n);
            FUZZ_ASSERT(ctx.usage.rtp + ctx.usage.rtcp + ctx2.usage.rtp + ctx2.usage.rtcp ==
                        used[0] + used[1] + used[2] + used[3] + 1);
            if (!rtcp && (pkt[0] & 0x10)) {            /* a cryptex packet comes back unmarked */
                size_t at = 12 + 4 * (size_t)(pkt[0] & 0x0F);
                FUZZ_ASSERT(!(out[at] == 0xC0 && out[at + 1] == 0xDE) && !(out[at] == 0xC2 && out[at + 1] == 0xDE));
            }
            rc = rtcp ? ccf_srtcp_unprotect(&ctx, s, pkt, n, out, sizeof(out), &out_len)
                      : ccf_srtp_unprotect(&ctx, s, pkt, n, out, sizeof(out), &out_len);
            FUZZ_ASSERT(rc == CCF_ERR_REPLAY);
        } else {
            /* counters aside, the stream is as it was */
            s->auth_failures = ((ccf_srtp_stream *)(void *)before)->auth_failures;
            s->replays = ((ccf_srtp_stream *)(void *)before)->replays;
            FUZZ_ASSERT(memcmp(before, s, ssize) == 0);
            FUZZ_ASSERT(ctx.usage.rtp == used[0] && ctx.usage.rtcp == used[1] && ctx2.usage.rtp == used[2] &&
                        ctx2.usage.rtcp == used[3]);
        }
    }
    free(before);
    free(s);
    ccf_srtp_wipe(&ctx);
    ccf_srtp_wipe(&ctx2);
    return 0;
}
