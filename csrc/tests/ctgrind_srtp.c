/*
 * Constant-time check of SRTP's keyed paths on the portable kernels (ctgrind method): the
 * master key, the packets' payloads and the received tags are marked undefined for valgrind
 * memcheck, so a branch or address depending on them is reported.  Covers the key derivation,
 * HMAC-SHA1 (precomputed states, tag, full-length verify), AES-CM, AES-GCM and SM4-GCM protect
 * and unprotect, with good and forged tags (only the verdict is declassified), and the header
 * privacy paths: RFC 6904 element data and RFC 9335 CSRCs / extension data as secrets (the
 * element ids and lengths, which travel in the clear, stay public).
 * Run: CCFAST_CPU_DISABLE=all valgrind --error-exitcode=1 ./prog
 */
#include <valgrind/memcheck.h>

#include "ccf_test.h"
#include "ccf_srtp.h"
#include "ccf_cpu.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static int verdict(int rc)
{
    PUBLIC(&rc, sizeof rc);
    return rc;
}

int main(void)
{
    static ccf_srtp_ctx c;
    static uint8_t tx_mem[4096] __attribute__((aligned(64))), rx_mem[4096] __attribute__((aligned(64)));
    static const int profiles[] = { CCF_SRTP_AES128_CM_SHA1_80, CCF_SRTP_AES256_CM_SHA1_32,
                                    CCF_SRTP_AEAD_AES_128_GCM, CCF_SRTP_AEAD_AES_256_GCM,
                                    CCF_SRTP_AEAD_SM4_GCM };
    uint8_t mk[32], ms[14], pkt[200], prot[240], back[240], tag[20], key[20], msg[100];
    size_t kl, sl, tl, pn, bn, i;
    ccf_hmac_sha1_key hk;
    ccf_srtp_stream *tx = (ccf_srtp_stream *)(void *)tx_mem, *rx = (ccf_srtp_stream *)(void *)rx_mem;
    ccf_cpu_init();
    /* HMAC-SHA1 alone: secret key, message and tag */
    ccf_test_fill(key, sizeof key, 1);
    ccf_test_fill(msg, sizeof msg, 2);
    SECRET(key, sizeof key);
    SECRET(msg, sizeof msg);
    ccf_hmac_sha1_init(&hk, key, sizeof key);
    ccf_hmac_sha1(&hk, msg, sizeof msg, msg, 4, tag, 10);
    CCF_CHECK(verdict(ccf_hmac_sha1_verify(&hk, msg, sizeof msg, msg, 4, tag, 10)) == CCF_OK, "hmac verify");
    tag[9] ^= 1;
    CCF_CHECK(verdict(ccf_hmac_sha1_verify(&hk, msg, sizeof msg, msg, 4, tag, 10)) == CCF_ERR_AUTH, "hmac forged");
    ccf_hmac_sha1_wipe(&hk);
    for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
        int p = profiles[i];
        ccf_srtp_profile_lengths(p, &kl, &sl, &tl);
        ccf_test_fill(mk, kl, 3);
        ccf_test_fill(ms, sl, 4);
        ccf_test_fill(pkt, sizeof pkt, 5);
        pkt[0] = 0x80; pkt[1] = 0; pkt[2] = 0; pkt[3] = 9;
        ccf_store32_be(pkt + 8, 0x5EC12E7u);
        SECRET(mk, kl);
        SECRET(pkt + 12, sizeof pkt - 12);                 /* the header is public */
        CCF_CHECK(ccf_srtp_init(&c, p, mk, kl, ms, sl, 0, NULL, 0) == CCF_OK, "init %d", p);
        ccf_srtp_stream_init(tx, 0x5EC12E7u, 64);
        ccf_srtp_stream_init(rx, 0x5EC12E7u, 64);
        CCF_CHECK(ccf_srtp_protect(&c, tx, pkt, sizeof pkt, prot, sizeof prot, &pn, 0) == CCF_OK, "protect %d", p);
        PUBLIC(prot, 12);                                  /* sent: header and length are public */
        SECRET(prot + 12, pn - 12);                        /* the received tag is checked as a secret */
        CCF_CHECK(verdict(ccf_srtp_unprotect(&c, rx, prot, pn, back, sizeof back, &bn)) == CCF_OK, "unprotect %d", p);
        prot[pn - 1] ^= 0x40;
        prot[2] = 0; prot[3] = 10;                         /* a fresh index, so the tag is what fails */
        CCF_CHECK(verdict(ccf_srtp_unprotect(&c, rx, prot, pn, back, sizeof back, &bn)) == CCF_ERR_AUTH,
                  "forged %d", p);
        ccf_srtp_wipe(&c);
    }
    /* header privacy: RFC 6904 (mode 0) and cryptex (mode 1) */
    for (i = 0; i < 2 * 3; i++) {
        static const int hp[] = { CCF_SRTP_AES128_CM_SHA1_80, CCF_SRTP_AEAD_AES_128_GCM, CCF_SRTP_AEAD_SM4_GCM };
        int p = hp[i % 3], cryptex = (int)(i / 3);
        uint8_t bm[32];
        ccf_srtp_params prm;
        size_t n = 16 + 4 + 8 + 40, ext_at = 16;              /* one CSRC, an 8-byte one-byte block */
        ccf_srtp_profile_lengths(p, &kl, &sl, &tl);
        ccf_test_fill(mk, kl, 6);
        ccf_test_fill(ms, sl, 7);
        ccf_test_fill(pkt, n, 8);
        pkt[0] = 0x91; pkt[1] = 0; pkt[2] = 0; pkt[3] = 9;
        ccf_store32_be(pkt + 8, 0x5EC12E7u);
        memcpy(pkt + ext_at, "\xbe\xde\x00\x02\x13", 5);     /* id 1, 4 bytes of data */
        pkt[ext_at + 9] = 0x20;                               /* id 2, 1 byte (not encrypted) */
        pkt[ext_at + 11] = 0;                                 /* padding */
        memset(bm, 0, sizeof bm);
        bm[0] = 2;                                            /* id 1 */
        memset(&prm, 0, sizeof prm);
        prm.profile = p; prm.master_key = mk; prm.key_len = kl; prm.master_salt = ms; prm.salt_len = sl;
        prm.hdr_ids = bm; prm.cryptex = cryptex;
        SECRET(mk, kl);
        SECRET(pkt + 12, 4);                                  /* the CSRC */
        SECRET(pkt + ext_at + 5, 4);                          /* element 1's data */
        SECRET(pkt + ext_at + 10, 1);                         /* element 2's data */
        SECRET(pkt + ext_at + 12, n - ext_at - 12);           /* the payload */
        CCF_CHECK(ccf_srtp_init_params(&c, &prm) == CCF_OK, "init %d/%d", p, cryptex);
        ccf_srtp_stream_init(tx, 0x5EC12E7u, 64);
        ccf_srtp_stream_init(rx, 0x5EC12E7u, 64);
        CCF_CHECK(ccf_srtp_protect(&c, tx, pkt, n, prot, sizeof prot, &pn, 0) == CCF_OK, "protect %d/%d", p, cryptex);
        SECRET(prot, pn);
        PUBLIC(prot, 12);                                     /* the fixed header */
        PUBLIC(prot + ext_at, 4);                             /* the block header */
        if (!cryptex) {                                       /* RFC 6904: element headers in the clear */
            PUBLIC(prot + ext_at + 4, 1);
            PUBLIC(prot + ext_at + 9, 1);
            PUBLIC(prot + ext_at + 11, 1);
        }
        CCF_CHECK(verdict(ccf_srtp_unprotect(&c, rx, prot, pn, back, sizeof back, &bn)) == CCF_OK,
                  "unprotect %d/%d", p, cryptex);
        prot[pn - 1] ^= 0x40;
        prot[2] = 0; prot[3] = 10;
        CCF_CHECK(verdict(ccf_srtp_unprotect(&c, rx, prot, pn, back, sizeof back, &bn)) == CCF_ERR_AUTH,
                  "forged %d/%d", p, cryptex);
        ccf_srtp_wipe(&c);
    }
    return ccf_test_finish("ctgrind srtp");
}
