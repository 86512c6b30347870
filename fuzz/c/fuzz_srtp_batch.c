/*
 * SRTP batches against the per-packet functions on arbitrary packets: the input of
 * fuzz_srtp_unprotect (profile, flags, window, packets) gives up to 80 packets; they run
 * through ccf_srtp_unprotect_many on one stream, and through ccf_srtp_unprotect one by one on a
 * copy of it, and then, as RTP to protect, through ccf_srtp_protect_many and ccf_srtp_protect.
 * Invariants: no memory error; every item's status, output length and bytes, and the streams'
 * whole state (indexes, replay rings, counters) are the same both ways.  Packets with the SRTCP
 * bit are given to the other half of the batch as RTP (they are only bytes here).
 * Flags: bit 0 RFC 6904 encryption of extension ids 1 and 2 and RFC 9335 cryptex, bit 1 MKI,
 * bit 2 kdr 16, bit 3 in place, bit 4 a second stream (packets alternate), bit 5 stop at the
 * first failure (senders), bit 6 per-packet functions only (CCF_SRTP_BATCH_SERIAL), bit 7 unused.
 */
#include "ccf_srtp_batch.h"
#include "ccf_cpu.h"
#include "fuzz_common.h"
#include "fuzz_srtp_profiles.h"

#define MAXP 80
#define CAP 2100

typedef struct half {
    ccf_srtp_stream *s[2];
    ccf_srtp_epochs ep[2];
} half;

static void make(half *h, size_t ssize, uint32_t window, const uint32_t ssrc[2], int kdr)
{
    int i;
    for (i = 0; i < 2; i++) {
        h->s[i] = malloc(ssize);
        FUZZ_ASSERT(ccf_srtp_stream_init(h->s[i], ssrc[i], window) == CCF_OK);
        memset(&h->ep[i], 0, sizeof(h->ep[i]));
        if (kdr)
            ccf_srtp_stream_set_epochs(h->s[i], &h->ep[i]);
    }
}

static int same(const ccf_srtp_stream *a, const ccf_srtp_stream *b, size_t ssize)
{
    /* the rings follow the struct; the pointers inside differ */
    size_t head = (sizeof(ccf_srtp_stream) + 7) / 8 * 8;
    return a->rtp_tx.top == b->rtp_tx.top && a->rtp_tx.started == b->rtp_tx.started &&
           a->rtp_rx.top == b->rtp_rx.top && a->rtp_rx.started == b->rtp_rx.started &&
           a->protected_rtp == b->protected_rtp && a->authenticated_rtp == b->authenticated_rtp &&
           a->auth_failures == b->auth_failures && a->replays == b->replays &&
           memcmp((const uint8_t *)a + head, (const uint8_t *)b + head, ssize - head) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ccf_srtp_ctx ctx;
    static uint8_t pkt[MAXP][CAP], outb[MAXP][CAP], outr[MAXP][CAP];
    static size_t len[MAXP];
    static ccf_srtp_item items[MAXP];
    static const uint8_t mk[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 };
    static const uint8_t ms[14] = { 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA };
    static const uint8_t mki[4] = { 0xDE, 0xAD, 0xBE, 0xEF };
    fuzz_in in = { data, size };
    int profile = PROFILES[fuzz_u8(&in) % 10];
    uint8_t flags = fuzz_u8(&in);
    uint32_t window = 1 + (((uint32_t)fuzz_u8(&in) << 8 | fuzz_u8(&in)) % CCF_SRTP_MAX_WINDOW);
    size_t kl, sl, tl, ssize = ccf_srtp_stream_size(window), n = 0, i;
    uint32_t ssrc[2] = { 0, 0x12345678 };
    int rx, bflags = ((flags & 32) ? CCF_SRTP_BATCH_STOP : 0) | ((flags & 64) ? CCF_SRTP_BATCH_SERIAL : 0);
    ccf_cpu_init();
    ccf_srtp_profile_lengths(profile, &kl, &sl, &tl);
    {
        static uint8_t ids[32];
        ccf_srtp_params prm;
        memset(&prm, 0, sizeof(prm));
        ids[0] = 0x06;                                /* ids 1 and 2 */
        prm.profile = profile;
        prm.master_key = mk;
        prm.key_len = kl;
        prm.master_salt = ms;
        prm.salt_len = sl;
        prm.kdr = (flags & 4) ? 16 : 0;
        prm.mki = mki;
        prm.mki_len = (flags & 2) ? 4 : 0;
        prm.hdr_ids = (flags & 1) ? ids : NULL;
        prm.cryptex = flags & 1;
        if (ccf_srtp_init_params(&ctx, &prm) != CCF_OK)
            __builtin_trap();
    }
    while (in.n >= 2 && n < MAXP) {
        uint8_t k0 = fuzz_u8(&in), k1 = fuzz_u8(&in);
        len[n] = fuzz_bytes(&in, pkt[n], (size_t)(k0 & 7) << 8 | k1);
        if (n == 0 && len[0] >= 12)
            ssrc[0] = ccf_load32_be(pkt[0] + 8);
        n++;
    }
    for (rx = 1; rx >= 0; rx--) {
        half b, r;
        int stopped = 0;
        make(&b, ssize, window, ssrc, flags & 4);
        make(&r, ssize, window, ssrc, flags & 4);
        for (i = 0; i < n; i++) {
            ccf_srtp_item *it = &items[i];
            memcpy(outb[i], pkt[i], len[i]);
            it->ctx = &ctx;
            it->s = b.s[(flags & 16) ? i % 2 : 0];
            it->in = (flags & 8) ? outb[i] : pkt[i];
            it->len = len[i];
            it->out = outb[i];
            it->cap = (flags & 8) ? len[i] + (rx ? 0 : 30) : CAP;
            it->allow_repeat_tx = 0;
            it->fresh = 0;
            it->rc = -1;
        }
        if (rx)
            ccf_srtp_unprotect_many(items, n, bflags);
        else
            ccf_srtp_protect_many(items, n, bflags);
        for (i = 0; i < n; i++) {
            size_t out_len = 0, cap = (flags & 8) ? len[i] + (rx ? 0 : 30) : CAP;
            ccf_srtp_stream *s = r.s[(flags & 16) ? i % 2 : 0];
            int rc;
            if (stopped) {
                FUZZ_ASSERT(items[i].rc == -2);
                continue;
            }
            memcpy(outr[i], pkt[i], len[i]);
            rc = rx ? ccf_srtp_unprotect(&ctx, s, (flags & 8) ? outr[i] : pkt[i], len[i], outr[i], cap, &out_len)
                    : ccf_srtp_protect(&ctx, s, (flags & 8) ? outr[i] : pkt[i], len[i], outr[i], cap, &out_len, 0);
            FUZZ_ASSERT(items[i].rc == rc);
            if (rc == CCF_OK)
                FUZZ_ASSERT(items[i].len == out_len && memcmp(outb[i], outr[i], out_len) == 0);
            else if (bflags & CCF_SRTP_BATCH_STOP)
                stopped = 1;
        }
        for (i = 0; i < 2; i++) {
            FUZZ_ASSERT(same(b.s[i], r.s[i], ssize));
            free(b.s[i]);
            free(r.s[i]);
        }
    }
    ccf_srtp_wipe(&ctx);
    return 0;
}
