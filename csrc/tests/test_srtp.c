/*
 * test_srtp.c - C driver for the SRTP protocol layer (csrc/srtp).
 *
 * Run twice: with every CPU feature, and with all masked off (portable AES, GHASH, SHA-1):
 *   - RFC 3711 Appendix B.2 AES-CM keystream and B.3 key derivation;
 *   - RFC 7714 16.1.1 AEAD_AES_128_GCM packet (session key and salt set directly);
 *   - protect/unprotect round trips for every profile with and without MKI, across the
 *     sequence-number wrap (ROC 0 -> 1), and SRTCP;
 *   - every single-byte change of a protected packet fails with CCF_ERR_AUTH (or PACKET/REPLAY
 *     where the header no longer parses or names another index) and leaves the stream as it was;
 *   - replay windows: duplicates, too old, out-of-order inside the window; index estimation.
 */
#include "ccf_test.h"
#include "ccf_srtp.h"

static ccf_srtp_stream *new_stream(uint32_t ssrc, uint32_t window)
{
    ccf_srtp_stream *s = malloc(ccf_srtp_stream_size(window));
    if (!s || ccf_srtp_stream_init(s, ssrc, window) != CCF_OK) { fprintf(stderr, "stream\n"); exit(2); }
    return s;
}

static void test_b2_b3(void)
{
    uint8_t mk[16], ms[14], want[64], got[64], iv[16], key[16], salt[14];
    ccf_aes_key k;
    /* B.3 */
    ccf_test_unhex("E1F97A0D3E018BE0D64FA32C06DE4139", mk, 16);
    ccf_test_unhex("0EC675AD498AFEEBB6960B3AABE6", ms, 14);
    ccf_srtp_kdf(mk, 16, ms, 0, got, 16);
    ccf_test_unhex("C61E7A93744F39EE10734AFE3FF7A087", want, 16);
    ccf_test_eq(got, want, 16, "RFC 3711 B.3 cipher key");
    ccf_srtp_kdf(mk, 16, ms, 2, got, 14);
    ccf_test_unhex("30CBBC08863D8C85D49DB34A9AE1", want, 14);
    ccf_test_eq(got, want, 14, "RFC 3711 B.3 cipher salt");
    ccf_srtp_kdf(mk, 16, ms, 1, got, 20);
    ccf_test_unhex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", want, 20);
    ccf_test_eq(got, want, 20, "RFC 3711 B.3 auth key");
    /* B.2: SSRC 0, index 0 */
    ccf_test_unhex("2B7E151628AED2A6ABF7158809CF4F3C", key, 16);
    ccf_test_unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD", salt, 14);
    ccf_srtp_cm_iv(salt, 0, 0, iv);
    ccf_test_unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000", want, 16);
    ccf_test_eq(iv, want, 16, "RFC 3711 B.2 IV");
    ccf_aes_init(&k, key, 16);
    memset(got, 0, 48);
    ccf_aes_ctr128(&k, iv, got, got, 48);
    ccf_test_unhex("E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB"
                   "41E95B3BB0A2E8DD477901E4FCA894C0", want, 48);
    ccf_test_eq(got, want, 48, "RFC 3711 B.2 keystream");
}

static void test_rfc7714(void)
{
    /* RFC 7714 16.1.1: session key/salt given directly, SSRC 5501a0b2, SEQ f17b, ROC 0 */
    static ccf_srtp_ctx c;
    ccf_srtp_stream *sp = new_stream(0x5501a0b2u, 128);
    uint8_t key[16], pkt[128], want[128], out[128], back[128];
    size_t n, wn, on, bn;
    memset(&c, 0, sizeof(c));
    c.aead = 1;
    c.tag_len = 16;
    ccf_test_unhex("000102030405060708090a0b0c0d0e0f", key, 16);
    ccf_aes_gcm_init(&c.rtp.gcm, key, 16);
    ccf_test_unhex("517569642070726f2071756f", c.rtp.salt, 12);
    n = ccf_test_unhex("8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573",
                       pkt, sizeof(pkt));
    wn = ccf_test_unhex("8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce",
                        want, sizeof(want));
    CCF_CHECK(ccf_srtp_protect(&c, sp, pkt, n, out, sizeof(out), &on, 0) == CCF_OK, "7714 protect");
    CCF_CHECK(on == wn, "7714 length %zu", on);
    ccf_test_eq(out, want, wn, "RFC 7714 16.1.1 SRTP packet");
    CCF_CHECK(ccf_srtp_unprotect(&c, sp, want, wn, back, sizeof(back), &bn) == CCF_OK && bn == n, "7714 unprotect");
    ccf_test_eq(back, pkt, n, "RFC 7714 16.1.2 decryption");
    ccf_srtp_wipe(&c);
    free(sp);
}

static const int PROFILES[] = {
    CCF_SRTP_AES128_CM_SHA1_80, CCF_SRTP_AES128_CM_SHA1_32, CCF_SRTP_NULL_SHA1_80, CCF_SRTP_NULL_SHA1_32,
    CCF_SRTP_AEAD_AES_128_GCM, CCF_SRTP_AEAD_AES_256_GCM, CCF_SRTP_AES192_CM_SHA1_80,
    CCF_SRTP_AES192_CM_SHA1_32, CCF_SRTP_AES256_CM_SHA1_80, CCF_SRTP_AES256_CM_SHA1_32,
};

static void test_roundtrip(int profile, size_t mki_len)
{
    static ccf_srtp_ctx c;
    ccf_srtp_stream *txp = new_stream(0xcafebabeu, 128), *rxp = new_stream(0xcafebabeu, 128);
    ccf_srtp_stream *saved = malloc(ccf_srtp_stream_size(128));
    size_t ssize = ccf_srtp_stream_size(128);
    uint8_t mk[32], ms[14], mki[4] = { 1, 2, 3, 4 }, pkt[300], prot[400], back[400];
    size_t kl, sl, tl, n, pn, bn, i;
    unsigned seq;
    ccf_srtp_profile_lengths(profile, &kl, &sl, &tl);
    ccf_test_fill(mk, kl, (uint32_t)profile);
    ccf_test_fill(ms, sl, (uint32_t)profile + 99);
    CCF_CHECK(ccf_srtp_init(&c, profile, mk, kl, ms, sl, 0, mki, mki_len) == CCF_OK, "init %d", profile);
    CCF_CHECK(ccf_srtp_init(&c, profile, mk, kl, ms, sl, 3, mki, mki_len) == CCF_ERR_PARAM, "kdr 3 accepted");
    CCF_CHECK(ccf_srtp_init(&c, profile, mk, kl, ms, sl, (uint64_t)1 << 25, mki, mki_len) == CCF_ERR_PARAM,
              "kdr 2^25 accepted");
    CCF_CHECK(ccf_srtp_init(&c, profile, mk, kl, ms, sl, 1, mki, mki_len) == CCF_OK, "kdr 1 refused");
    ccf_srtp_init(&c, profile, mk, kl, ms, sl, 0, mki, mki_len);
    for (seq = 65530; seq < 65540; seq++) {
        n = 12 + seq % 150;
        ccf_test_fill(pkt, n, seq);
        pkt[0] = 0x80; pkt[2] = (uint8_t)(seq >> 8); pkt[3] = (uint8_t)seq;
        ccf_store32_be(pkt + 8, 0xcafebabeu);
        CCF_CHECK(ccf_srtp_protect(&c, txp, pkt, n, prot, sizeof(prot), &pn, 0) == CCF_OK, "protect");
        CCF_CHECK(pn == n + ccf_srtp_overhead(&c, 0), "protected length");
        CCF_CHECK(ccf_srtp_protect(&c, txp, pkt, n, back, sizeof(back), &bn, 0) == CCF_ERR_REPLAY, "repeat tx");
        if (seq == 65531) {                     /* tampering: every byte, every failure */
            memcpy(saved, rxp, ssize);
            for (i = 0; i < pn; i++) {
                int rc;
                prot[i] ^= 0x40;
                rc = ccf_srtp_unprotect(&c, rxp, prot, pn, back, sizeof(back), &bn);
                CCF_CHECK(rc != CCF_OK, "profile %d: tampered byte %zu accepted", profile, i);
                prot[i] ^= 0x40;
            }
            rxp->auth_failures = saved->auth_failures; rxp->replays = saved->replays;
            CCF_CHECK(memcmp(rxp, saved, ssize) == 0, "stream changed by failures");
        }
        CCF_CHECK(ccf_srtp_unprotect(&c, rxp, prot, pn, back, sizeof(back), &bn) == CCF_OK && bn == n,
                  "profile %d unprotect seq %u", profile, seq);
        ccf_test_eq(back, pkt, n, "round trip");
        CCF_CHECK(ccf_srtp_unprotect(&c, rxp, prot, pn, back, sizeof(back), &bn) == CCF_ERR_REPLAY, "replay");
        /* in place */
    }
    CCF_CHECK((rxp->rtp_rx.top >> 16) == 1 && (txp->rtp_tx.top >> 16) == 1, "ROC after wrap");
    /* SRTCP */
    for (i = 0; i < 3; i++) {
        n = 8 + 4 * i + 20;
        ccf_test_fill(pkt, n, (uint32_t)i);
        pkt[0] = 0x81;
        ccf_store32_be(pkt + 4, 0xcafebabeu);
        CCF_CHECK(ccf_srtcp_protect(&c, txp, pkt, n, prot, sizeof(prot), &pn) == CCF_OK, "srtcp protect");
        CCF_CHECK(pn == n + ccf_srtp_overhead(&c, 1), "srtcp length");
        prot[9] ^= 1;
        CCF_CHECK(ccf_srtcp_unprotect(&c, rxp, prot, pn, back, sizeof(back), &bn) == CCF_ERR_AUTH, "srtcp tamper");
        prot[9] ^= 1;
        memcpy(back, prot, pn);                 /* in place */
        CCF_CHECK(ccf_srtcp_unprotect(&c, rxp, back, pn, back, pn, &bn) == CCF_OK && bn == n, "srtcp unprotect");
        ccf_test_eq(back, pkt, n, "srtcp round trip");
        CCF_CHECK(ccf_srtcp_unprotect(&c, rxp, prot, pn, back, sizeof(back), &bn) == CCF_ERR_REPLAY, "srtcp replay");
    }
    ccf_srtp_wipe(&c);
    free(txp); free(rxp); free(saved);
}

static void test_replay(void)
{
    ccf_srtp_replay r;
    uint64_t ring[16];
    ccf_srtp_stream *big;
    uint64_t i;
#define RESET(w) do { memset(&r, 0, sizeof(r)); memset(ring, 0, sizeof(ring)); r.window = (w); r.words = 16; r.bits = ring; } while (0)
    RESET(64);
    CCF_CHECK(ccf_srtp_guess_index(&r, 7) == 7, "first guess");
    ccf_srtp_replay_add(&r, 1000);
    CCF_CHECK(ccf_srtp_replay_check(&r, 1000) == CCF_ERR_REPLAY, "dup");
    CCF_CHECK(ccf_srtp_replay_check(&r, 999) == CCF_OK, "in window");
    CCF_CHECK(ccf_srtp_replay_check(&r, 1000 - 64) == CCF_ERR_REPLAY, "too old");
    CCF_CHECK(ccf_srtp_replay_check(&r, 1000 - 63) == CCF_OK, "oldest in window");
    ccf_srtp_replay_add(&r, 990);
    CCF_CHECK(ccf_srtp_replay_check(&r, 990) == CCF_ERR_REPLAY, "dup old");
    ccf_srtp_replay_add(&r, 1000 + 1024 + 5);
    CCF_CHECK(ccf_srtp_replay_check(&r, 1000 + 1024) == CCF_OK, "after jump");
    CCF_CHECK(ccf_srtp_replay_check(&r, 1000 + 1024 + 5) == CCF_ERR_REPLAY, "after jump dup");
    /* Appendix A: s_l = 65535 (ROC 0): seq 0 is ROC 1; s_l = 5 (ROC 1): seq 65534 is ROC 0 */
    RESET(64);
    ccf_srtp_replay_add(&r, 65535);
    CCF_CHECK(ccf_srtp_guess_index(&r, 0) == 65536, "wrap forward");
    CCF_CHECK(ccf_srtp_guess_index(&r, 40000) == 40000, "same roc");
    ccf_srtp_replay_add(&r, 65536 + 5);
    CCF_CHECK(ccf_srtp_guess_index(&r, 65534) == 65534, "wrap backward");
    RESET(64);
    ccf_srtp_replay_add(&r, 5);
    CCF_CHECK(ccf_srtp_guess_index(&r, 65534) == -1, "before index 0");
    /* the largest window: 32767 behind is accepted once, 32768 behind is too old */
    big = new_stream(1, CCF_SRTP_MAX_WINDOW);
    CCF_CHECK(big->rtp_rx.words == CCF_SRTP_MAX_WINDOW / 64, "ring size");
    ccf_srtp_replay_add(&big->rtp_rx, 100000);
    CCF_CHECK(ccf_srtp_replay_check(&big->rtp_rx, 100000 - 32767) == CCF_OK, "32767 behind");
    CCF_CHECK(ccf_srtp_replay_check(&big->rtp_rx, 100000 - 32768) == CCF_ERR_REPLAY, "32768 behind");
    for (i = 100000 - 32767; i < 100000; i += 3)
        ccf_srtp_replay_add(&big->rtp_rx, i);
    for (i = 100000 - 32767; i < 100000; i++)
        if ((ccf_srtp_replay_check(&big->rtp_rx, i) == CCF_OK) != ((i - (100000 - 32767)) % 3 != 0))
            break;
    CCF_CHECK(i == 100000, "ring contents at %llu", (unsigned long long)i);
    CCF_CHECK(ccf_srtp_stream_size(0) == 0 && ccf_srtp_stream_size(CCF_SRTP_MAX_WINDOW + 1) == 0, "size bounds");
    free(big);
}

static void test_header(void)
{
    uint8_t p[40];
    size_t h;
    memset(p, 0, sizeof(p));
    p[0] = 0x80;
    CCF_CHECK(ccf_srtp_rtp_header_len(p, 12, &h) == CCF_OK && h == 12, "plain header");
    CCF_CHECK(ccf_srtp_rtp_header_len(p, 11, &h) == CCF_ERR_PACKET, "short");
    p[0] = 0x40;
    CCF_CHECK(ccf_srtp_rtp_header_len(p, 12, &h) == CCF_ERR_PACKET, "version 1");
    p[0] = 0x82;
    CCF_CHECK(ccf_srtp_rtp_header_len(p, 19, &h) == CCF_ERR_PACKET, "csrc beyond end");
    CCF_CHECK(ccf_srtp_rtp_header_len(p, 20, &h) == CCF_OK && h == 20, "2 csrc");
    p[0] = 0x90; p[14] = 0; p[15] = 2;
    CCF_CHECK(ccf_srtp_rtp_header_len(p, 23, &h) == CCF_ERR_PACKET, "ext beyond end");
    CCF_CHECK(ccf_srtp_rtp_header_len(p, 24, &h) == CCF_OK && h == 24, "ext");
    CCF_CHECK(ccf_srtp_rtp_header_len(p, 15, &h) == CCF_ERR_PACKET, "ext header cut");
}

/* kdr = 2: keys change every two packets; streams need their key cache; a packet of an older
 * key period after a newer one still verifies; SRTCP both encrypted and not. */
static void test_kdr(int profile)
{
    static ccf_srtp_ctx c, c0;
    ccf_srtp_stream *txp = new_stream(0x0badf00du, 64), *rxp = new_stream(0x0badf00du, 64);
    ccf_srtp_epochs *etx = ccf_alloc_aligned(sizeof(ccf_srtp_epochs), 64);
    ccf_srtp_epochs *erx = ccf_alloc_aligned(sizeof(ccf_srtp_epochs), 64);
    uint8_t mk[32], ms[14], pkt[8][64], prot[8][128], back[128];
    size_t kl, sl, tl, pn[8], bn, i;
    const size_t order[8] = { 0, 1, 4, 2, 3, 7, 5, 6 };
    ccf_srtp_profile_lengths(profile, &kl, &sl, &tl);
    ccf_test_fill(mk, kl, 7);
    ccf_test_fill(ms, sl, 8);
    memset(etx, 0, sizeof(*etx));
    memset(erx, 0, sizeof(*erx));
    CCF_CHECK(ccf_srtp_init(&c, profile, mk, kl, ms, sl, 2, NULL, 0) == CCF_OK, "kdr init");
    CCF_CHECK(ccf_srtp_init(&c0, profile, mk, kl, ms, sl, 0, NULL, 0) == CCF_OK, "kdr 0 init");
    for (i = 0; i < 8; i++) {
        ccf_test_fill(pkt[i], 64, (uint32_t)i);
        pkt[i][0] = 0x80; pkt[i][2] = 0; pkt[i][3] = (uint8_t)i;
        ccf_store32_be(pkt[i] + 8, 0x0badf00du);
    }
    CCF_CHECK(ccf_srtp_protect(&c, txp, pkt[0], 64, prot[0], 128, &pn[0], 0) == CCF_ERR_PARAM,
              "kdr stream without key cache");
    ccf_srtp_stream_set_epochs(txp, etx);
    ccf_srtp_stream_set_epochs(rxp, erx);
    for (i = 0; i < 8; i++)
        CCF_CHECK(ccf_srtp_protect(&c, txp, pkt[i], 64, prot[i], 128, &pn[i], 0) == CCF_OK, "kdr protect");
    for (i = 0; i < 8; i++) {
        size_t j = order[i];
        CCF_CHECK(ccf_srtp_unprotect(&c, rxp, prot[j], pn[j], back, 128, &bn) == CCF_OK && bn == 64 &&
                  memcmp(back, pkt[j], 64) == 0, "kdr unprotect %zu", j);
    }
    {   /* r = 0 keys are the kdr = 0 keys; r = 1 keys are not */
        ccf_srtp_stream *r0 = new_stream(0x0badf00du, 64);
        CCF_CHECK(ccf_srtp_unprotect(&c0, r0, prot[1], pn[1], back, 128, &bn) == CCF_OK, "kdr r=0");
        CCF_CHECK(ccf_srtp_unprotect(&c0, r0, prot[2], pn[2], back, 128, &bn) == CCF_ERR_AUTH, "kdr r=1");
        free(r0);
    }
    for (i = 0; i < 2; i++) {
        ccf_store32_be(pkt[i] + 4, 0x0badf00du);          /* RTCP: SSRC after 4 bytes */
        ccf_srtp_set_rtcp_encrypt(&c, (int)i);
        CCF_CHECK(ccf_srtcp_protect(&c, txp, pkt[i], 40, prot[i], 128, &pn[i]) == CCF_OK, "kdr srtcp protect");
        CCF_CHECK(ccf_srtcp_unprotect(&c, rxp, prot[i], pn[i], back, 128, &bn) == CCF_OK && bn == 40 &&
                  memcmp(back, pkt[i], 40) == 0, "kdr srtcp unprotect E=%zu", i);
        CCF_CHECK((memcmp(prot[i] + 8, pkt[i] + 8, 32) == 0) ==
                  (i == 0 || profile == CCF_SRTP_NULL_SHA1_80 || profile == CCF_SRTP_NULL_SHA1_32),
                  "srtcp E=%zu payload", i);
    }
    ccf_srtp_wipe(&c);
    ccf_srtp_wipe(&c0);
    free(txp); free(rxp);
    ccf_free_aligned(etx, sizeof(*etx));
    ccf_free_aligned(erx, sizeof(*erx));
}

int main(void)
{
    int pass;
    size_t i;
    ccf_cpu_init();
    for (pass = 0; pass < 2; pass++) {
        if (pass)
            ccf_cpu_set_disabled(0xFFFFFFFFu);
        printf("pass %s: aes %s, sha1 %s\n", pass ? "portable" : "native", ccf_aes_best()->name, ccf_sha1_best()->name);
        test_b2_b3();
        test_rfc7714();
        for (i = 0; i < sizeof(PROFILES) / sizeof(PROFILES[0]); i++) {
            test_roundtrip(PROFILES[i], 0);
            test_roundtrip(PROFILES[i], 4);
            test_kdr(PROFILES[i]);
        }
    }
    ccf_cpu_set_disabled(0);
    test_replay();
    test_header();
    return ccf_test_finish("srtp");
}
