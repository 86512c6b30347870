/*
 * Protect then unprotect arbitrary RTP/RTCP packets (the version made valid from the input;
 * RTP packets keep their CSRC count and extension bit): the receiver must get back exactly what
 * was sent (a cryptex sender's added empty extension block aside), for every profile, MKI,
 * kdr, RFC 6904 ids and cryptex, and a one-bit change of the protected packet must be refused.
 * Protect refuses a packet only where the header-extension rules (ccf_srtp_hdrext_check) do,
 * and then writes nothing.  Streams are allocated to the exact size of the replay window the
 * input picks.
 * Input: profile, flags (1 RTCP, 2 MKI, 4 kdr, 8 flip, 16 SRTCP E = 0, 32 header privacy),
 * bit to flip, window, [kdr], [hx byte: fuzz_hdr_params], master key, then the packet.
 */
#include "ccf_srtp.h"
#include "ccf_cpu.h"
#include "fuzz_common.h"
#include "fuzz_srtp_profiles.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ccf_srtp_ctx ctx;
    ccf_srtp_params prm;
    uint8_t bm[32], hx;
    static ccf_srtp_epochs etx, erx;
    static uint8_t pkt[2048], prot[2200], back[2200];
    uint8_t mk[32], ms[14];
    ccf_srtp_stream *tx = NULL, *rx = NULL;
    fuzz_in in = { data, size };
    int profile = PROFILES[fuzz_u8(&in) % NPROFILES];
    uint8_t flags = fuzz_u8(&in), flip = fuzz_u8(&in);
    uint32_t window = 1 + (uint32_t)fuzz_u8(&in) * 128;        /* 1 .. 32641 */
    uint64_t kdr = (flags & 4) ? ((uint64_t)1 << (fuzz_u8(&in) % 25)) : 0;
    int inserted = 0;
    size_t kl, sl, tl, n, pn = 0, bn = 0;
    int rtcp = flags & 1, rc;
    ccf_cpu_init();
    ccf_srtp_profile_lengths(profile, &kl, &sl, &tl);
    memset(mk, 0x5A, sizeof(mk));
    memset(ms, 0xC3, sizeof(ms));
    hx = (flags & 32) ? fuzz_u8(&in) : 0;
    fuzz_bytes(&in, mk, kl);
    memset(&prm, 0, sizeof(prm));
    prm.profile = profile;
    prm.master_key = mk; prm.key_len = kl;
    prm.master_salt = ms; prm.salt_len = sl;
    prm.kdr = kdr;
    prm.mki = (const uint8_t *)"\x01\x02\x03"; prm.mki_len = (flags & 2) ? 3 : 0;
    fuzz_hdr_params(&prm, bm, hx);
    if (ccf_srtp_init_params(&ctx, &prm) != CCF_OK)
        __builtin_trap();
    ccf_srtp_set_rtcp_encrypt(&ctx, !(flags & 16));
    n = fuzz_bytes(&in, pkt, sizeof(pkt));
    if (n < 12)
        return 0;
    pkt[0] = (uint8_t)(0x80 | (pkt[0] & 0x1F));                   /* version 2; no P for RTP */
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
    memset(prot, 0xEE, sizeof(prot));
    rc = rtcp ? ccf_srtcp_protect(&ctx, tx, pkt, n, prot, sizeof(prot), &pn)
              : ccf_srtp_protect(&ctx, tx, pkt, n, prot, sizeof(prot), &pn, 0);
    if (!rtcp && ccf_srtp_hdrext_check(&ctx, pkt, n, 0) != CCF_SRTP_EXT_OK) {
        size_t i;
        FUZZ_ASSERT(rc == CCF_ERR_PACKET && tx->protected_rtp == 0);
        for (i = 0; i < sizeof(prot); i++)
            FUZZ_ASSERT(prot[i] == 0xEE);
        goto done;
    }
    FUZZ_ASSERT(rc == CCF_OK);
    inserted = !rtcp && ctx.cryptex && (pkt[0] & 0x0F) && !(pkt[0] & 0x10);
    FUZZ_ASSERT(pn == n + (inserted ? 4 : 0) + ccf_srtp_overhead(&ctx, rtcp));
    FUZZ_ASSERT(rtcp || pn == ccf_srtp_protected_len(&ctx, pkt, n));
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
    if (rc == CCF_OK && inserted) {                    /* the empty block the sender added stays */
        size_t at = 12 + 4 * (size_t)(pkt[0] & 0x0F);
        FUZZ_ASSERT(bn == n + 4 && back[0] == (pkt[0] | 0x10) && memcmp(back + 1, pkt + 1, at - 1) == 0);
        FUZZ_ASSERT(memcmp(back + at, "\xbe\xde\x00\x00", 4) == 0 && memcmp(back + at + 4, pkt + at, n - at) == 0);
    } else if (rc == CCF_OK) {
        FUZZ_ASSERT(bn == n && memcmp(back, pkt, n) == 0);
    }
    if (rc == CCF_OK) {
        rc = rtcp ? ccf_srtcp_unprotect(&ctx, rx, prot, pn, back, sizeof(back), &bn)
                  : ccf_srtp_unprotect(&ctx, rx, prot, pn, back, sizeof(back), &bn);
        FUZZ_ASSERT(rc == CCF_ERR_REPLAY);
    }
done:
    free(tx);
    free(rx);
    ccf_srtp_wipe(&ctx);
    return 0;
}
