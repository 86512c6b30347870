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
 *   - replay windows: duplicates, too old, out-of-order inside the window; index estimation;
 *   - header privacy: the RFC 6904 Appendix A packet, RFC 9335 Appendix A packets (AES-CM and
 *     AES-GCM, with CSRCs), strict RFC 8285 parsing (every refusal reason), RFC 6904 and cryptex
 *     round trips for every profile over random CSRC/extension layouts, every single-byte change
 *     refused with the stream unchanged;
 *   - AEAD_SM4_GCM: the SRTP SM4-GCM path equals the generic SM4-GCM for payloads of 0..600
 *     bytes, in place too, and refuses a changed tag without writing;
 *   - several master keys (selection by MKI, unknown MKI) and master-key limits (lifetime,
 *     events fired once, the stream left as it was).
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
    ccf_srtp_usage_init(&c.usage, 0);                     /* a ctx made by hand: RFC 3711 limits */
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
    CCF_SRTP_AEAD_SM4_GCM,
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

/* ---- header privacy ------------------------------------------------------------------------ */

static int init_ext(ccf_srtp_ctx *c, int profile, const uint8_t *mk, const uint8_t *ms, const int *ids,
                    size_t nids, int cryptex, const uint8_t *mki, size_t mki_len, uint64_t lifetime)
{
    ccf_srtp_params p;
    uint8_t bm[32];
    size_t kl, sl, tl, i;
    ccf_srtp_profile_lengths(profile, &kl, &sl, &tl);
    memset(bm, 0, sizeof(bm));
    for (i = 0; i < nids; i++)
        bm[ids[i] >> 3] |= (uint8_t)(1u << (ids[i] & 7));
    memset(&p, 0, sizeof(p));
    p.profile = profile;
    p.master_key = mk; p.key_len = kl;
    p.master_salt = ms; p.salt_len = sl;
    p.mki = mki; p.mki_len = mki_len;
    p.hdr_ids = nids ? bm : NULL;
    p.cryptex = cryptex;
    p.lifetime = lifetime;
    return ccf_srtp_init_params(c, &p);
}

static void test_rfc6904_and_cryptex_known_answers(void)
{
    static ccf_srtp_ctx c;
    static const int ids[] = { 1, 3, 4 };
    uint8_t mk[16], ms[14], pkt[128], want[128], out[128];
    size_t n, wn, on;
    ccf_srtp_stream *s;
    ccf_test_unhex("e1f97a0d3e018be0d64fa32c06de4139", mk, 16);
    ccf_test_unhex("0ec675ad498afeebb6960b3aabe6", ms, 14);
    /* RFC 6904 Appendix A (as libsrtp's srtp_validate_encrypted_extensions_headers) */
    CCF_CHECK(init_ext(&c, CCF_SRTP_AES128_CM_SHA1_80, mk, ms, ids, 3, 0, NULL, 0, 0) == CCF_OK, "6904 init");
    n = ccf_test_unhex("900f1234decafbadcafebabebede000617414273a475262748220000c8308e4655996386b395fb00"
                       "abababababababababababababababab", pkt, sizeof(pkt));
    wn = ccf_test_unhex("900f1234decafbadcafebabebede000617588a9270f4e15e1c220000c8309546a994f0bc54789700"
                        "4e55dc4ce79978d88ca4d215949d24025a46b3ca35c535a891c7", want, sizeof(want));
    s = new_stream(0xcafebabeu, 128);
    CCF_CHECK(ccf_srtp_protect(&c, s, pkt, n, out, sizeof(out), &on, 0) == CCF_OK && on == wn, "6904 protect");
    ccf_test_eq(out, want, wn, "RFC 6904 Appendix A packet");
    free(s);
    s = new_stream(0xcafebabeu, 128);
    CCF_CHECK(ccf_srtp_unprotect(&c, s, want, wn, out, sizeof(out), &on) == CCF_OK && on == n, "6904 unprotect");
    ccf_test_eq(out, pkt, n, "RFC 6904 Appendix A decryption");
    free(s);
    /* RFC 9335 A.1 with CSRCs and a one-byte block, A.2 (GCM) with CSRCs and a two-byte block */
    CCF_CHECK(init_ext(&c, CCF_SRTP_AES128_CM_SHA1_80, mk, ms, NULL, 0, 1, NULL, 0, 0) == CCF_OK, "cryptex init");
    n = ccf_test_unhex("920f1238decafbadcafebabe0001e2400000b26ebede000151000200abababababababababababababababab",
                       pkt, sizeof(pkt));
    wn = ccf_test_unhex("920f1238decafbadcafebabe8bb6e12b5cff16ddc0de000192838c8c09e58393e1de3a9a74734d6745671338"
                        "c3acf11da2df8423bee0", want, sizeof(want));
    s = new_stream(0xcafebabeu, 128);
    CCF_CHECK(ccf_srtp_protect(&c, s, pkt, n, out, sizeof(out), &on, 0) == CCF_OK && on == wn, "cryptex protect");
    ccf_test_eq(out, want, wn, "RFC 9335 A.1 CSRC + one-byte");
    free(s);
    s = new_stream(0xcafebabeu, 128);
    memcpy(out, want, wn);                                /* in place */
    CCF_CHECK(ccf_srtp_unprotect(&c, s, out, wn, out, wn, &on) == CCF_OK && on == n, "cryptex unprotect");
    ccf_test_eq(out, pkt, n, "RFC 9335 A.1 decryption");
    free(s);
    ccf_test_unhex("000102030405060708090a0b0c0d0e0f", mk, 16);
    ccf_test_unhex("a0a1a2a3a4a5a6a7a8a9aaab", ms, 12);
    CCF_CHECK(init_ext(&c, CCF_SRTP_AEAD_AES_128_GCM, mk, ms, NULL, 0, 1, NULL, 0, 0) == CCF_OK, "cryptex gcm init");
    n = ccf_test_unhex("920f1239decafbadcafebabe0001e2400000b26e1000000105020002abababababababababababababababab",
                       pkt, sizeof(pkt));
    wn = ccf_test_unhex("920f1239decafbadcafebabe3680524f8d312b00c2de0001c78d120038422bc111a7187a18246f980c059cc6"
                        "bc9df8b626394eca344e4b05d80fea83", want, sizeof(want));
    s = new_stream(0xcafebabeu, 128);
    CCF_CHECK(ccf_srtp_protect(&c, s, pkt, n, out, sizeof(out), &on, 0) == CCF_OK && on == wn, "cryptex gcm protect");
    ccf_test_eq(out, want, wn, "RFC 9335 A.2 CSRC + two-byte");
    free(s);
    s = new_stream(0xcafebabeu, 128);
    CCF_CHECK(ccf_srtp_unprotect(&c, s, want, wn, out, sizeof(out), &on) == CCF_OK && on == n, "cryptex gcm unprotect");
    ccf_test_eq(out, pkt, n, "RFC 9335 A.2 decryption");
    free(s);
    ccf_srtp_wipe(&c);
}

static void test_hdrext_parse(void)
{
    static ccf_srtp_ctx enc, cx, plain;
    static const int ids[] = { 1 };
    uint8_t mk[16] = { 1 }, ms[14] = { 2 }, p[64];
    struct { const char *hex; int rx, want; const char *what; } cases[] = {
        { "9000000100000000000000aabede00011f aabbcc", 0, CCF_SRTP_EXT_ELEMENT_PAST_END, "element past block" },
        { "9000000100000000000000aabede0001f0aa0000", 0, CCF_SRTP_EXT_ID15, "id 15" },
        { "9000000100000000000000aabede000103aabbcc", 0, CCF_SRTP_EXT_BAD_PADDING, "id 0 with a length" },
        { "9000000100000000000000aa100000010109aabb", 0, CCF_SRTP_EXT_ELEMENT_PAST_END, "two-byte past block" },
        { "9000000100000000000000aa1000000101000007", 0, CCF_SRTP_EXT_CUT_HEADER, "two-byte cut header" },
        { "9000000100000000000000aa123400011100aa00", 0, CCF_SRTP_EXT_NOT_8285, "not RFC 8285" },
        { "9000000100000000000000aabede000110aa0000", 0, CCF_SRTP_EXT_OK, "good one-byte" },
        { "9000000100000000000000aa100f00010102aabb", 0, CCF_SRTP_EXT_OK, "good two-byte with app bits" },
        { "9000000100000000000000aa000000001000aa00", 1, CCF_SRTP_EXT_NOT_8285, "rx not RFC 8285" },
        { "9000000100000000000000aac0de00001000aa00", 0, CCF_SRTP_EXT_MARKED, "marked on protect" },
    };
    size_t i, n;
    init_ext(&enc, CCF_SRTP_AES128_CM_SHA1_80, mk, ms, ids, 1, 0, NULL, 0, 0);
    init_ext(&cx, CCF_SRTP_AES128_CM_SHA1_80, mk, ms, NULL, 0, 1, NULL, 0, 0);
    init_ext(&plain, CCF_SRTP_AES128_CM_SHA1_80, mk, ms, NULL, 0, 0, NULL, 0, 0);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        n = ccf_test_unhex(cases[i].hex, p, sizeof(p));
        CCF_CHECK(ccf_srtp_hdrext_check(&enc, p, n, cases[i].rx) == cases[i].want, "%s: reason %d", cases[i].what,
                  ccf_srtp_hdrext_check(&enc, p, n, cases[i].rx));
    }
    n = ccf_test_unhex("9000000100000000000000aac0de0000", p, sizeof(p));
    CCF_CHECK(ccf_srtp_hdrext_check(&cx, p, n, 1) == CCF_SRTP_EXT_CRYPTEX_EMPTY, "cryptex marker, nothing in it");
    CCF_CHECK(ccf_srtp_hdrext_check(&plain, p, n, 1) == CCF_SRTP_EXT_CRYPTEX_OFF, "cryptex on a plain ctx");
    CCF_CHECK(ccf_srtp_hdrext_check(&plain, p, n, 0) == CCF_SRTP_EXT_MARKED, "marked on a plain ctx");
    n = ccf_test_unhex("9000000100000000000000aa100100010101aa00", p, sizeof(p));
    CCF_CHECK(ccf_srtp_hdrext_check(&cx, p, n, 0) == CCF_SRTP_EXT_APPBITS, "cryptex app bits");
    n = ccf_test_unhex("9000000100000000000000aa12340001ffffffff", p, sizeof(p));
    CCF_CHECK(ccf_srtp_hdrext_check(&plain, p, n, 0) == CCF_SRTP_EXT_OK, "a plain ctx takes any block");
    n = ccf_test_unhex("8100000100000000000000aa00000007", p, sizeof(p));       /* CSRC, no block */
    CCF_CHECK(ccf_srtp_protected_len(&cx, p, n) == n + 4 + 10 && ccf_srtp_protected_len(&plain, p, n) == n + 10,
              "cryptex adds an empty block");
    ccf_srtp_wipe(&enc); ccf_srtp_wipe(&cx); ccf_srtp_wipe(&plain);
}

/* A random RTP packet: CSRCs, a one- or two-byte block (padding between elements), payload. */
static size_t random_packet(uint8_t *p, uint32_t seed, unsigned seq, uint32_t ssrc, int form)
{
    uint8_t r[600];
    size_t n, cc, i, e = 0, blk;
    ccf_test_fill(r, sizeof(r), seed);
    cc = r[0] % 4;
    p[0] = (uint8_t)(0x80 | (form ? 0x10 : 0) | cc);
    p[1] = 96;
    p[2] = (uint8_t)(seq >> 8); p[3] = (uint8_t)seq;
    memcpy(p + 4, r + 1, 4);
    ccf_store32_be(p + 8, ssrc);
    memcpy(p + 12, r + 5, 4 * cc);
    n = 12 + 4 * cc;
    if (form) {
        blk = n;
        p[n] = form == 1 ? 0xBE : 0x10; p[n + 1] = form == 1 ? 0xDE : 0x00;
        n += 4;
        for (i = 0; i < (size_t)(r[30] % 5); i++) {
            uint8_t id = (uint8_t)(1 + r[31 + i] % (form == 1 ? 14 : 30));
            size_t l = form == 1 ? 1 + r[40 + i] % 16 : r[40 + i] % 24;
            if (r[50 + i] & 1)
                p[n + e++] = 0;                          /* padding between elements */
            if (form == 1) {
                p[n + e++] = (uint8_t)(id << 4 | (l - 1));
            } else {
                p[n + e++] = id;
                p[n + e++] = (uint8_t)l;
            }
            memcpy(p + n + e, r + 100 + 20 * i, l);
            e += l;
        }
        while (e % 4)
            p[n + e++] = 0;
        p[blk + 2] = (uint8_t)(e / 4 >> 8); p[blk + 3] = (uint8_t)(e / 4);
        n += e;
    }
    i = r[60] % 120;
    memcpy(p + n, r + 300, i);
    return n + i;
}

static void test_header_privacy_roundtrip(int profile, int cryptex, uint64_t kdr)
{
    static ccf_srtp_ctx c;
    ccf_srtp_epochs *etx = ccf_alloc_aligned(sizeof(ccf_srtp_epochs), 64);
    ccf_srtp_epochs *erx = ccf_alloc_aligned(sizeof(ccf_srtp_epochs), 64);
    static const int ids[] = { 1, 2, 5, 9, 14, 20 };
    size_t kl, sl, tl, ssize = ccf_srtp_stream_size(64), n, pn, bn, i;
    uint8_t mk[32], ms[14], pkt[800], prot[900], back[900];
    ccf_srtp_stream *tx = new_stream(0x5eed, 64), *rx = new_stream(0x5eed, 64), *saved = malloc(ssize);
    unsigned seq;
    ccf_srtp_profile_lengths(profile, &kl, &sl, &tl);
    ccf_test_fill(mk, kl, 3);
    ccf_test_fill(ms, sl, 4);
    CCF_CHECK(init_ext(&c, profile, mk, ms, ids, 6, cryptex, NULL, 0, 0) == CCF_OK, "privacy init %x", profile);
    if (kdr) {                        /* the header keys change with the period, as the others */
        ccf_srtp_params p;
        uint8_t bm[32];
        memset(bm, 0, sizeof(bm));
        for (i = 0; i < 6; i++)
            bm[ids[i] >> 3] |= (uint8_t)(1u << (ids[i] & 7));
        memset(&p, 0, sizeof(p));
        p.profile = profile; p.master_key = mk; p.key_len = kl; p.master_salt = ms; p.salt_len = sl;
        p.kdr = kdr; p.hdr_ids = bm; p.cryptex = cryptex;
        CCF_CHECK(ccf_srtp_init_params(&c, &p) == CCF_OK, "privacy kdr init");
        memset(etx, 0, sizeof(*etx));
        memset(erx, 0, sizeof(*erx));
        ccf_srtp_stream_set_epochs(tx, etx);
        ccf_srtp_stream_set_epochs(rx, erx);
    }
    for (seq = 0; seq < 24; seq++) {
        int rc;
        n = random_packet(pkt, seq * 31 + (uint32_t)profile, seq, 0x5eed, (int)(seq % 3));
        rc = ccf_srtp_protect(&c, tx, pkt, n, prot, sizeof(prot), &pn, 0);
        CCF_CHECK(rc == CCF_OK, "profile %x cryptex %d seq %u protect: %d", profile, cryptex, seq, rc);
        CCF_CHECK(pn == ccf_srtp_protected_len(&c, pkt, n), "protected length");
        if (seq == 5) {                                   /* every byte changed: refused, state kept */
            memcpy(saved, rx, ssize);
            for (i = 0; i < pn; i++) {
                prot[i] ^= 0x08;
                CCF_CHECK(ccf_srtp_unprotect(&c, rx, prot, pn, back, sizeof(back), &bn) != CCF_OK,
                          "profile %x byte %zu changed and accepted", profile, i);
                prot[i] ^= 0x08;
            }
            rx->auth_failures = saved->auth_failures; rx->replays = saved->replays;
            CCF_CHECK(memcmp(rx, saved, ssize) == 0, "stream changed by refused packets");
        }
        rc = ccf_srtp_unprotect(&c, rx, prot, pn, back, sizeof(back), &bn);
        CCF_CHECK(rc == CCF_OK, "profile %x seq %u unprotect: %d", profile, seq, rc);
        if (cryptex && (pkt[0] & 0x0F) && !(pkt[0] & 0x10)) {   /* the empty block stays */
            CCF_CHECK(bn == n + 4 && back[12 + 4 * (pkt[0] & 0x0F)] == 0xBE, "cryptex empty block");
        } else {
            CCF_CHECK(bn == n, "length back");
            ccf_test_eq(back, pkt, n, "header privacy round trip");
        }
        memcpy(back, prot, pn);                           /* in place */
        CCF_CHECK(ccf_srtp_unprotect(&c, rx, back, pn, back, pn, &bn) == CCF_ERR_REPLAY, "replay");
    }
    ccf_srtp_wipe(&c);
    free(tx); free(rx); free(saved);
    ccf_free_aligned(etx, sizeof(*etx));
    ccf_free_aligned(erx, sizeof(*erx));
}

static void test_sm4_gcm_path(void)
{
    static ccf_sm4_gcm g;
    uint8_t key[16], iv[12], aad[40], in[700], a[700], b[700], ta[16], tb[16];
    size_t len, i;
    ccf_test_fill(key, 16, 11);
    ccf_sm4_gcm_init(&g, key, 16);
    for (len = 0; len <= 600; len += (len < 40 ? 1 : 37)) {
        ccf_test_fill(iv, 12, (uint32_t)len);
        ccf_test_fill(aad, 40, (uint32_t)len + 1);
        ccf_test_fill(in, len, (uint32_t)len + 2);
        ccf_sm4_gcm_encrypt(&g, iv, 12, aad, 12 + len % 28, in, len, a, ta);
        CCF_CHECK(ccf_srtp_sm4_gcm_seal(&g, iv, aad, 12 + len % 28, in, len, b, tb) == CCF_OK, "sm4 seal");
        CCF_CHECK(memcmp(a, b, len) == 0 && memcmp(ta, tb, 16) == 0, "sm4 seal = generic, len %zu", len);
        memcpy(b, in, len);                               /* in place */
        ccf_srtp_sm4_gcm_seal(&g, iv, aad, 12 + len % 28, b, len, b, tb);
        CCF_CHECK(memcmp(a, b, len) == 0 && memcmp(ta, tb, 16) == 0, "sm4 seal in place, len %zu", len);
        CCF_CHECK(ccf_srtp_sm4_gcm_open(&g, iv, aad, 12 + len % 28, a, len, ta, b) == CCF_OK &&
                  memcmp(b, in, len) == 0, "sm4 open, len %zu", len);
        ta[len % 16] ^= 1;
        memset(b, 0x5A, len);
        CCF_CHECK(ccf_srtp_sm4_gcm_open(&g, iv, aad, 12 + len % 28, a, len, ta, b) == CCF_ERR_AUTH, "sm4 bad tag");
        for (i = 0; i < len && b[i] == 0x5A; i++)
            ;
        CCF_CHECK(i == len, "sm4 open wrote before the tag was checked");
    }
    ccf_sm4_gcm_wipe(&g);
}

static void test_keys_and_limits(void)
{
    static ccf_srtp_ctx t1, t2, r1, r2;
    unsigned notify = 0;
    uint8_t mk[16] = { 9 }, mk2[16] = { 8 }, ms[14] = { 7 }, pkt[64], prot[10][128], back[128];
    uint8_t mki1[2] = { 0, 1 }, mki2[2] = { 0, 2 };
    size_t ssize = ccf_srtp_stream_size(64), pn[10], bn, i;
    ccf_srtp_stream *tx = new_stream(0x42, 64), *rx = new_stream(0x42, 64), *saved = malloc(ssize);
    int rc;
    init_ext(&t1, CCF_SRTP_AES128_CM_SHA1_80, mk, ms, NULL, 0, 0, mki1, 2, 0);
    init_ext(&t2, CCF_SRTP_AES128_CM_SHA1_80, mk2, ms, NULL, 0, 0, mki2, 2, 0);
    init_ext(&r1, CCF_SRTP_AES128_CM_SHA1_80, mk, ms, NULL, 0, 0, mki1, 2, 5);     /* lifetime 5 */
    init_ext(&r2, CCF_SRTP_AES128_CM_SHA1_80, mk2, ms, NULL, 0, 0, mki2, 2, 0);
    r1.usage.notify = &notify;
    r2.next = &r1;                                        /* the receiver takes both keys */
    memset(pkt, 0x33, sizeof(pkt));
    pkt[0] = 0x80;
    ccf_store32_be(pkt + 8, 0x42);
    for (i = 0; i < 10; i++) {                            /* 0..3 and 8, 9: key 1; 4..7: key 2 */
        pkt[3] = (uint8_t)i;
        CCF_CHECK(ccf_srtp_protect(i < 4 || i > 7 ? &t1 : &t2, tx, pkt, 64, prot[i], 128, &pn[i], 0) == CCF_OK,
                  "mki protect");
    }
    CCF_CHECK(t1.usage.rtp == 6 && t2.usage.rtp == 4, "usage counted");
    for (i = 0; i < 8; i++) {
        size_t j = (i * 3) % 8;                           /* the keys interleaved */
        rc = ccf_srtp_unprotect(&r2, rx, prot[j], pn[j], back, 128, &bn);
        CCF_CHECK(rc == CCF_OK && bn == 64 && back[3] == j, "mki packet %zu: %d", j, rc);
    }
    CCF_CHECK(r1.usage.rtp == 4 && r2.usage.rtp == 4, "receiver usage");
    CCF_CHECK((r1.usage.fired & CCF_SRTP_EV_SOFT_RTP) && r1.usage.ssrc == 0x42 && notify, "soft event at 5 - 1");
    memcpy(back, prot[8], pn[8]);
    back[64] = 0; back[65] = 9;                           /* MKI 0x0009 */
    memcpy(saved, rx, ssize);
    CCF_CHECK(ccf_srtp_unprotect(&r2, rx, back, pn[8], back, 128, &bn) == CCF_SRTP_ERR_MKI, "unknown MKI");
    rx->auth_failures = saved->auth_failures;
    CCF_CHECK(memcmp(rx, saved, ssize) == 0, "unknown MKI changed the stream");
    CCF_CHECK(ccf_srtp_unprotect(&r2, rx, prot[8], pn[8], back, 128, &bn) == CCF_OK, "the lifetime's last packet");
    memcpy(saved, rx, ssize);
    CCF_CHECK(ccf_srtp_unprotect(&r2, rx, prot[9], pn[9], back, 128, &bn) == CCF_SRTP_ERR_KEY_LIMIT, "lifetime");
    CCF_CHECK(memcmp(rx, saved, ssize) == 0, "a spent key changed the stream");
    CCF_CHECK((r1.usage.fired & CCF_SRTP_EV_HARD_RTP) && (r1.usage.unreported & CCF_SRTP_EV_HARD_RTP), "hard event");
    r1.usage.unreported = 0;
    ccf_store32_be(pkt + 4, 0x42);                        /* as RTCP: the SSRC after 4 bytes */
    CCF_CHECK(ccf_srtcp_protect(&r1, tx, pkt, 40, back, 128, &bn) == CCF_SRTP_ERR_KEY_LIMIT && !r1.usage.unreported,
              "spent for SRTCP too, the event once");
    CCF_CHECK(t2.usage.rtp_limit == CCF_SRTP_MAX_RTP_PACKETS && t2.usage.rtcp_limit == CCF_SRTP_MAX_RTCP_PACKETS &&
              t2.usage.rtp_soft == CCF_SRTP_MAX_RTP_PACKETS - 65536, "RFC 3711 limits");
    t2.usage.rtcp = CCF_SRTP_MAX_RTCP_PACKETS - 1;
    rc = ccf_srtcp_protect(&t2, tx, pkt, 40, back, 128, &bn);
    CCF_CHECK(rc == CCF_OK, "the last SRTCP packet: %d", rc);
    CCF_CHECK(ccf_srtcp_protect(&t2, tx, pkt, 40, back, 128, &bn) == CCF_SRTP_ERR_KEY_LIMIT, "2^31 SRTCP");
    t2.usage.rtp = CCF_SRTP_MAX_RTP_PACKETS - 1;          /* spent by SRTCP: SRTP refused as well */
    CCF_CHECK(ccf_srtp_protect(&t2, tx, pkt, 64, back, 128, &bn, 1) == CCF_SRTP_ERR_KEY_LIMIT, "whichever first");
    ccf_srtp_wipe(&t1); ccf_srtp_wipe(&t2); ccf_srtp_wipe(&r1); ccf_srtp_wipe(&r2);
    free(tx); free(rx); free(saved);
}

int main(void)
{
    int pass;
    size_t i;
    ccf_cpu_init();
    for (pass = 0; pass < 2; pass++) {
        if (pass)
            ccf_cpu_set_disabled(0xFFFFFFFFu);
        printf("pass %s: aes %s, sha1 %s, sm4 %s\n", pass ? "portable" : "native", ccf_aes_best()->name,
               ccf_sha1_best()->name, ccf_sm4_best()->name);
        test_b2_b3();
        test_rfc7714();
        for (i = 0; i < sizeof(PROFILES) / sizeof(PROFILES[0]); i++) {
            test_roundtrip(PROFILES[i], 0);
            test_roundtrip(PROFILES[i], 4);
            test_kdr(PROFILES[i]);
            test_header_privacy_roundtrip(PROFILES[i], 0, 0);
            test_header_privacy_roundtrip(PROFILES[i], 1, 0);
            test_header_privacy_roundtrip(PROFILES[i], 0, 2);
            test_header_privacy_roundtrip(PROFILES[i], 1, 4);
        }
        test_rfc6904_and_cryptex_known_answers();
        test_sm4_gcm_path();
        test_keys_and_limits();
    }
    ccf_cpu_set_disabled(0);
    test_replay();
    test_header();
    test_hdrext_parse();
    return ccf_test_finish("srtp");
}
