/*
 * test_gcm.c - C driver for GHASH, generic GCM and AES-GCM (csrc/gcm).
 *
 * For every (AES, GHASH) pair of implementations this CPU supports (so every stitched bulk
 * kernel too):
 *   - the 18 test cases of the GCM specification (McGrew & Viega, "The Galois/Counter Mode of
 *     Operation", revised, Appendix B: 128/192/256-bit keys, 96-bit, 64-bit and 480-bit IVs),
 *     sealed and opened, with truncated tags on open;
 *   - differential checks against ct64+ct64 on pseudo-random keys, nonces (1..64 bytes),
 *     AAD and lengths 0..~600 crossing every multi-block boundary, unaligned and in place;
 *   - tamper checks: flipping any byte of tag, ciphertext or AAD gives CCF_ERR_AUTH and a
 *     zeroed output.
 * GHASH implementations are also compared directly (split updates, partial final blocks), and
 * the generic ccf_gcm_seal/open is run over AES through a ccf_gcm_cipher.
 */
#include "ccf_test.h"
#include "ccf_gcm.h"

/*
 * Constant-time check (ctgrind style): under valgrind memcheck, bytes marked secret are
 * "undefined", so any branch or memory address computed from them is reported as an error
 * (the valgrind mode runs with --error-exitcode).  Outside valgrind these are no-ops.
 */
#if defined(__has_include)
#  if __has_include(<valgrind/memcheck.h>)
#    include <valgrind/memcheck.h>
#    define SECRET(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#    define PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#    define UNDER_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#  endif
#endif
#ifndef SECRET
#  define SECRET(p, n) ((void)(p), (void)(n))
#  define PUBLIC(p, n) ((void)(p), (void)(n))
#  define UNDER_VALGRIND() 0
#endif

/* GCM specification test cases 1-18 (Appendix B).  K, P, A, IV below are the shared values. */
#define K1 "feffe9928665731c6d6a8f9467308308"
#define P1 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
           "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define P64 P1 "1aafd255"
#define A1 "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define IV96 "cafebabefacedbaddecaf888"
#define IV64 "cafebabefacedbad"
#define IV480 "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728" \
              "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b"
#define Z16 "00000000000000000000000000000000"
#define Z24 "000000000000000000000000000000000000000000000000"
#define Z32 Z16 Z16

typedef struct { const char *key, *iv, *pt, *aad, *ct, *tag; } gcm_tv;

static const gcm_tv SPEC[18] = {
    /* 1 */ {Z16, "000000000000000000000000", "", "", "", "58e2fccefa7e3061367f1d57a4e7455a"},
    /* 2 */ {Z16, "000000000000000000000000", Z16, "", "0388dace60b6a392f328c2b971b2fe78",
             "ab6e47d42cec13bdf53a67b21257bddf"},
    /* 3 */ {K1, IV96, P64, "",
             "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
             "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
             "4d5c2af327cd64a62cf35abd2ba6fab4"},
    /* 4 */ {K1, IV96, P1, A1,
             "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
             "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
             "5bc94fbc3221a5db94fae95ae7121a47"},
    /* 5 */ {K1, IV64, P1, A1,
             "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423"
             "73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598",
             "3612d2e79e3b0785561be14aaca2fccb"},
    /* 6 */ {K1, IV480, P1, A1,
             "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca7"
             "01e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5",
             "619cc5aefffe0bfa462af43c1699d050"},
    /* 7 */ {Z24, "000000000000000000000000", "", "", "", "cd33b28ac773f74ba00ed1f312572435"},
    /* 8 */ {Z24, "000000000000000000000000", Z16, "", "98e7247c07f0fe411c267e4384b0f600",
             "2ff58d80033927ab8ef4d4587514f0fb"},
    /* 9 */ {K1 "feffe9928665731c", IV96, P64, "",
             "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c"
             "7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710acade256",
             "9924a7c8587336bfb118024db8674a14"},
    /* 10 */ {K1 "feffe9928665731c", IV96, P1, A1,
              "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c"
              "7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710",
              "2519498e80f1478f37ba55bd6d27618c"},
    /* 11 */ {K1 "feffe9928665731c", IV64, P1, A1,
              "0f10f599ae14a154ed24b36e25324db8c566632ef2bbb34f8347280fc4507057"
              "fddc29df9a471f75c66541d4d4dad1c9e93a19a58e8b473fa0f062f7",
              "65dcc57fcf623a24094fcca40d3533f8"},
    /* 12 */ {K1 "feffe9928665731c", IV480, P1, A1,
              "d27e88681ce3243c4830165a8fdcf9ff1de9a1d8e6b447ef6ef7b79828666e45"
              "81e79012af34ddd9e2f037589b292db3e67c036745fa22e7e9b7373b",
              "dcf566ff291c25bbb8568fc3d376a6d9"},
    /* 13 */ {Z32, "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    /* 14 */ {Z32, "000000000000000000000000", Z16, "", "cea7403d4d606b6e074ec5d3baf39d18",
              "d0d1c8a799996bf0265b98b5d48ab919"},
    /* 15 */ {K1 K1, IV96, P64, "",
              "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
              "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
              "b094dac5d93471bdec1a502270e3cc6c"},
    /* 16 */ {K1 K1, IV96, P1, A1,
              "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
              "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
              "76fc6ece0f4e1768cddf8853bb2d551b"},
    /* 17 */ {K1 K1, IV64, P1, A1,
              "c3762df1ca787d32ae47c13bf19844cbaf1ae14d0b976afac52ff7d79bba9de0"
              "feb582d33934a4f0954cc2363bc73f7862ac430e64abe499f47c9b1f",
              "3a337dbf46a792c45e454913fe2ea8f2"},
    /* 18 */ {K1 K1, IV480, P1, A1,
              "5a8def2f0c9e53f1f75d7853659e2a20eeb2b22aafde6419a058ab4f6f746bf4"
              "0fc0c3b780f244452da3ebf1c5d82cdea2418997200ef82e44ae7e3f",
              "a44a8266ee1c8eb0c8b5d4cf5ae9f19a"},
};

#define MAXLEN 700

/* Long messages: across the 4 KiB chunking of gcm.c and the 16-block strides of the kernels. */
static const size_t LONG_LENS[] = {1024, 1500, 4095, 4096, 4097, 8192 + 48, 20000 + 3};
#define LONGMAX 20003

static const ccf_aes_impl *aes_named(const char *name)
{
    const ccf_aes_impl *const *l = ccf_aes_impls();
    size_t i;
    for (i = 0; l[i]; i++)
        if (strcmp(l[i]->name, name) == 0)
            return l[i];
    return NULL;
}

static const ccf_ghash_impl *ghash_named(const char *name)
{
    const ccf_ghash_impl *const *l = ccf_ghash_impls();
    size_t i;
    for (i = 0; l[i]; i++)
        if (strcmp(l[i]->name, name) == 0)
            return l[i];
    return NULL;
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    size_t i;
    for (i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

/* ---- GCM through the generic ccf_gcm_cipher interface --------------------------------------- */

static void aes_block(const void *key, const uint8_t in[16], uint8_t out[16])
{
    ccf_aes_encrypt_blocks((const ccf_aes_key *)key, in, out, 1);
}

static void aes_ctr32(const void *key, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len)
{
    ccf_aes_ctr32((const ccf_aes_key *)key, ctr, in, out, len);
}

/* ---- known answers ------------------------------------------------------------------------- */

static void test_spec(const ccf_aes_impl *ai, const ccf_ghash_impl *gi, const char *label)
{
    static uint8_t key[32], iv[64], pt[64], aad[32], ct[64], tag[16], out[80], got_tag[16], buf[80];
    ccf_aes_gcm g;
    int t;
    char what[128];
    for (t = 0; t < 18; t++) {
        const gcm_tv *v = &SPEC[t];
        size_t kl = ccf_test_unhex(v->key, key, sizeof(key)), ivl = ccf_test_unhex(v->iv, iv, sizeof(iv));
        size_t pl = ccf_test_unhex(v->pt, pt, sizeof(pt)), al = ccf_test_unhex(v->aad, aad, sizeof(aad));
        size_t tl;
        ccf_test_unhex(v->ct, ct, sizeof(ct));
        ccf_test_unhex(v->tag, tag, sizeof(tag));
        snprintf(what, sizeof(what), "%s GCM spec test case %d", label, t + 1);
        CCF_CHECK(ccf_aes_gcm_init_impl(&g, key, kl, ai, gi) == CCF_OK, "%s init", what);
        memset(out, 0xEE, sizeof(out));
        CCF_CHECK(ccf_aes_gcm_encrypt(&g, iv, ivl, aad, al, pt, pl, out, got_tag) == CCF_OK, "%s seal", what);
        ccf_test_eq(out, ct, pl, what);
        ccf_test_eq(got_tag, tag, 16, what);
        CCF_CHECK(out[pl] == 0xEE, "%s wrote past the end", what);
        /* in place, unaligned */
        memcpy(buf + 3, pt, pl);
        ccf_aes_gcm_encrypt(&g, iv, ivl, aad, al, buf + 3, pl, buf + 3, got_tag);
        CCF_CHECK(memcmp(buf + 3, ct, pl) == 0 && memcmp(got_tag, tag, 16) == 0, "%s in place", what);
        /* open with every allowed tag length; reject the others */
        for (tl = 0; tl <= 17; tl++) {
            int ok = tl == 4 || tl == 8 || (tl >= 12 && tl <= 16);
            int rc;
            memset(out, 0xEE, sizeof(out));
            rc = ccf_aes_gcm_decrypt(&g, iv, ivl, aad, al, ct, pl, tag, tl, out);
            if (ok)
                CCF_CHECK(rc == CCF_OK && memcmp(out, pt, pl) == 0, "%s open tag_len %zu", what, tl);
            else
                CCF_CHECK(rc == CCF_ERR_PARAM, "%s open accepts tag_len %zu", what, tl);
        }
        memcpy(buf + 5, ct, pl);
        CCF_CHECK(ccf_aes_gcm_decrypt(&g, iv, ivl, aad, al, buf + 5, pl, tag, 16, buf + 5) == CCF_OK &&
                  memcmp(buf + 5, pt, pl) == 0, "%s open in place", what);
        ccf_aes_gcm_wipe(&g);
        CCF_CHECK(all_zero((const uint8_t *)&g, sizeof(g)), "%s wipe", what);

        /* generic GCM over the same AES and GHASH implementations */
        {
            ccf_aes_key ak;
            ccf_ghash_key gk;
            ccf_gcm_cipher c;
            uint8_t h[16] = {0};
            ccf_aes_init_impl(&ak, key, kl, ai);
            ccf_aes_encrypt_blocks(&ak, h, h, 1);
            ccf_ghash_init_impl(&gk, h, gi);
            c.key = &ak;
            c.encrypt_block = aes_block;
            c.ctr32 = aes_ctr32;
            memset(out, 0xEE, sizeof(out));
            CCF_CHECK(ccf_gcm_seal(&c, &gk, iv, ivl, aad, al, pt, pl, out, got_tag) == CCF_OK &&
                      memcmp(out, ct, pl) == 0 && memcmp(got_tag, tag, 16) == 0, "%s generic seal", what);
            CCF_CHECK(ccf_gcm_open(&c, &gk, iv, ivl, aad, al, ct, pl, tag, 16, out) == CCF_OK &&
                      memcmp(out, pt, pl) == 0, "%s generic open", what);
            got_tag[0] ^= 1;
            memset(out, 0xEE, sizeof(out));
            CCF_CHECK(ccf_gcm_open(&c, &gk, iv, ivl, aad, al, ct, pl, got_tag, 16, out) == CCF_ERR_AUTH &&
                      all_zero(out, pl), "%s generic open, bad tag", what);
            ccf_aes_wipe(&ak);
            ccf_ghash_wipe(&gk);
        }
    }
}

/* Limits and parameter errors (no data is touched before the checks). */
static void test_limits(const ccf_aes_impl *ai, const ccf_ghash_impl *gi, const char *label)
{
    uint8_t key[16] = {0}, iv[12] = {0}, buf[32] = {0}, tag[16] = {0};
    ccf_aes_gcm g;
    ccf_aes_gcm_init_impl(&g, key, 16, ai, gi);
    CCF_CHECK(ccf_aes_gcm_encrypt(&g, iv, 0, NULL, 0, buf, 16, buf, tag) == CCF_ERR_NONCE, "%s empty nonce", label);
    CCF_CHECK(ccf_aes_gcm_decrypt(&g, iv, 0, NULL, 0, buf, 16, tag, 16, buf) == CCF_ERR_NONCE, "%s empty nonce (open)", label);
#if SIZE_MAX > 0xFFFFFFFFu
    CCF_CHECK(ccf_aes_gcm_encrypt(&g, iv, 12, NULL, 0, buf, (size_t)CCF_GCM_MAX_PLAINTEXT + 1, buf, tag) == CCF_ERR_LENGTH,
              "%s plaintext too long", label);
    CCF_CHECK(ccf_aes_gcm_decrypt(&g, iv, 12, NULL, 0, buf, (size_t)CCF_GCM_MAX_PLAINTEXT + 1, tag, 16, buf) == CCF_ERR_LENGTH,
              "%s ciphertext too long", label);
#endif
    /* empty message and AAD given as NULL pointers (Python passes empty buffers this way) */
    CCF_CHECK(ccf_aes_gcm_encrypt(&g, iv, 12, NULL, 0, NULL, 0, NULL, tag) == CCF_OK, "%s NULL, 0 seal", label);
    CCF_CHECK(ccf_aes_gcm_decrypt(&g, iv, 12, NULL, 0, NULL, 0, tag, 16, NULL) == CCF_OK, "%s NULL, 0 open", label);
    tag[0] ^= 1;
    CCF_CHECK(ccf_aes_gcm_decrypt(&g, iv, 12, NULL, 0, NULL, 0, tag, 16, NULL) == CCF_ERR_AUTH, "%s NULL, 0 forged", label);
    CCF_CHECK(ccf_aes_gcm_init_impl(&g, key, 17, ai, gi) == CCF_ERR_KEY_LENGTH, "%s key 17", label);
    ccf_aes_gcm_wipe(&g);
}

/* ---- differential and tamper checks ------------------------------------------------------------- */

static void test_differential(const ccf_aes_impl *ai, const ccf_ghash_impl *gi, const char *label,
                              unsigned cases)
{
    static uint8_t key[32], iv[64], aad[160], pt[MAXLEN + 8], a[MAXLEN + 8], b[MAXLEN + 8];
    uint8_t ta[16], tb[16];
    ccf_aes_gcm ga, gb;
    unsigned t, bad = 0;
    const ccf_aes_impl *rai = aes_named("ct64");
    const ccf_ghash_impl *rgi = ghash_named("ct64");
    for (t = 0; t < cases; t++) {
        size_t kl = 16 + 8 * (t % 3);
        size_t ivl = (t % 4) ? 12 : 1 + (t * 13) % 64;
        size_t al = (t % 3 == 0) ? 0 : (t * 11) % 160;     /* both sides of GCM_SMALL_AAD */
        size_t len = t < 300 ? t * 2 + (t & 1) : (size_t)(t * 2654435761u) % MAXLEN;
        size_t off = t % 5;
        ccf_test_fill(key, kl, t);
        ccf_test_fill(iv, ivl, t + 100000);
        ccf_test_fill(aad, al, t + 200000);
        ccf_test_fill(pt, len + off, t + 300000);
        ccf_aes_gcm_init_impl(&ga, key, kl, ai, gi);
        ccf_aes_gcm_init_impl(&gb, key, kl, rai, rgi);
        /* reference */
        ccf_aes_gcm_encrypt(&gb, iv, ivl, aad, al, pt + off, len, b, tb);
        /* tested pair: out of place (unaligned) or in place */
        if (t & 1) {
            memcpy(a + off, pt + off, len);
            ccf_aes_gcm_encrypt(&ga, iv, ivl, aad, al, a + off, len, a + off, ta);
        } else {
            ccf_aes_gcm_encrypt(&ga, iv, ivl, aad, al, pt + off, len, a + off, ta);
        }
        if (memcmp(a + off, b, len) != 0 || memcmp(ta, tb, 16) != 0) {
            if (bad < 3)
                printf("  %s differs: key %zu, iv %zu, aad %zu, len %zu\n", label, kl, ivl, al, len);
            bad++;
        }
        /* decrypt (in place for odd t) */
        if (t & 1) {
            if (ccf_aes_gcm_decrypt(&ga, iv, ivl, aad, al, a + off, len, tb, 16, a + off) != CCF_OK ||
                memcmp(a + off, pt + off, len) != 0)
                bad++;
        } else {
            if (ccf_aes_gcm_decrypt(&ga, iv, ivl, aad, al, b, len, tb, 16, a + off) != CCF_OK ||
                memcmp(a + off, pt + off, len) != 0)
                bad++;
        }
        /* the generic GCM over the same AES and GHASH implementations (SM4-GCM's path) */
        {
            ccf_gcm_cipher c;
            uint8_t tg[16];
            c.key = &ga.aes;
            c.encrypt_block = aes_block;
            c.ctr32 = aes_ctr32;
            ccf_gcm_seal(&c, &ga.ghash, iv, ivl, aad, al, pt + off, len, a + off, tg);
            if (memcmp(a + off, b, len) != 0 || memcmp(tg, tb, 16) != 0)
                bad++;
            if (ccf_gcm_open(&c, &ga.ghash, iv, ivl, aad, al, b, len, tb, 16, a) != CCF_OK ||
                memcmp(a, pt + off, len) != 0)
                bad++;
            tb[t % 16] ^= 2;
            if (ccf_gcm_open(&c, &ga.ghash, iv, ivl, aad, al, b, len, tb, 16, a) != CCF_ERR_AUTH ||
                !all_zero(a, len))
                bad++;
        }
        ccf_aes_gcm_wipe(&ga);
        ccf_aes_gcm_wipe(&gb);
    }
    CCF_CHECK(bad == 0, "%s vs ct64+ct64: %u of %u differential cases differ", label, bad, cases);
}

/* Flip each byte of tag, ciphertext and AAD in turn: open must fail and zero its output. */
static void test_tamper(const ccf_aes_impl *ai, const ccf_ghash_impl *gi, const char *label)
{
    static const size_t lens[] = {0, 1, 16, 31, 172, 300};
    uint8_t key[16], iv[12], aad[20], pt[300], ct[300], out[300], tag[16];
    ccf_aes_gcm g;
    size_t li, i;
    unsigned bad = 0, runs = 0;
    ccf_test_fill(key, 16, 5);
    ccf_test_fill(iv, 12, 6);
    ccf_test_fill(aad, 20, 7);
    ccf_test_fill(pt, sizeof(pt), 8);
    ccf_aes_gcm_init_impl(&g, key, 16, ai, gi);
    for (li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
        size_t len = lens[li], step = len > 40 ? 7 : 1;
        ccf_aes_gcm_encrypt(&g, iv, 12, aad, 20, pt, len, ct, tag);
        for (i = 0; i < 16; i++) {                    /* tag */
            tag[i] ^= 0x80;
            memset(out, 0x5A, sizeof(out));
            if (ccf_aes_gcm_decrypt(&g, iv, 12, aad, 20, ct, len, tag, 16, out) != CCF_ERR_AUTH ||
                !all_zero(out, len))
                bad++;
            runs++;
            tag[i] ^= 0x80;
        }
        for (i = 0; i < len; i += step) {             /* ciphertext */
            ct[i] ^= 1;
            memset(out, 0x5A, sizeof(out));
            if (ccf_aes_gcm_decrypt(&g, iv, 12, aad, 20, ct, len, tag, 16, out) != CCF_ERR_AUTH ||
                !all_zero(out, len))
                bad++;
            runs++;
            ct[i] ^= 1;
        }
        for (i = 0; i < 20; i++) {                    /* AAD */
            aad[i] ^= 0x10;
            memset(out, 0x5A, sizeof(out));
            if (ccf_aes_gcm_decrypt(&g, iv, 12, aad, 20, ct, len, tag, 16, out) != CCF_ERR_AUTH ||
                !all_zero(out, len))
                bad++;
            runs++;
            aad[i] ^= 0x10;
        }
        /* wrong length of AAD (a shorter prefix), then in place with a bad tag */
        if (ccf_aes_gcm_decrypt(&g, iv, 12, aad, 19, ct, len, tag, 16, out) != CCF_ERR_AUTH)
            bad++;
        tag[15] ^= 1;
        memcpy(out, ct, len);
        if (ccf_aes_gcm_decrypt(&g, iv, 12, aad, 20, out, len, tag, 16, out) != CCF_ERR_AUTH || !all_zero(out, len))
            bad++;
        tag[15] ^= 1;
        runs += 2;
        /* and still opens when untouched */
        if (ccf_aes_gcm_decrypt(&g, iv, 12, aad, 20, ct, len, tag, 16, out) != CCF_OK || memcmp(out, pt, len) != 0)
            bad++;
        runs++;
    }
    ccf_aes_gcm_wipe(&g);
    CCF_CHECK(bad == 0, "%s tamper: %u of %u checks failed", label, bad, runs);
}

/* GHASH implementations against ct64: random H, lengths 0..600, updates split anywhere on a
 * block boundary (a partial block only at the end of each update, zero-padded). */
static void test_ghash(const ccf_ghash_impl *gi, const ccf_ghash_impl *ref)
{
    static uint8_t data[MAXLEN];
    uint8_t h[16], ya[16], yb[16];
    ccf_ghash_key ka, kb;
    unsigned t, bad = 0;
    for (t = 0; t < 400; t++) {
        size_t len = t < 300 ? t * 2 : (size_t)(t * 2654435761u) % MAXLEN;
        size_t split = 16 * ((t * 5) % (len / 16 + 1));
        ccf_test_fill(h, 16, t);
        ccf_test_fill(ya, 16, t + 9);
        memcpy(yb, ya, 16);
        ccf_test_fill(data, len, t + 99);
        ccf_ghash_init_impl(&ka, h, gi);
        ccf_ghash_init_impl(&kb, h, ref);
        ccf_ghash_update(&ka, ya, data, split);
        ccf_ghash_update(&ka, ya, data + split, len - split);
        ccf_ghash_update(&kb, yb, data, len);
        if (memcmp(ya, yb, 16) != 0)
            bad++;
        ccf_ghash_wipe(&ka);
        ccf_ghash_wipe(&kb);
    }
    CCF_CHECK(bad == 0, "GHASH %s vs %s: %u differ", gi->name, ref->name, bad);
}

/* GHASH known answer: GCM spec test case 2, H = 66e94bd4ef8a2c3b884cfa59ca342b2e,
 * GHASH(H, {}, C) = f38cbb1ad69223dcc3457ae5b6b0f885. */
static void test_ghash_kat(const ccf_ghash_impl *gi)
{
    uint8_t h[16], c[16], lens[16] = {0}, y[16] = {0}, want[16];
    ccf_ghash_key k;
    char what[64];
    ccf_test_unhex("66e94bd4ef8a2c3b884cfa59ca342b2e", h, 16);
    ccf_test_unhex("0388dace60b6a392f328c2b971b2fe78", c, 16);
    ccf_test_unhex("f38cbb1ad69223dcc3457ae5b6b0f885", want, 16);
    lens[15] = 0x80;
    ccf_ghash_init_impl(&k, h, gi);
    ccf_ghash_update(&k, y, c, 16);
    ccf_ghash_update(&k, y, lens, 16);
    snprintf(what, sizeof(what), "GHASH %s test case 2", gi->name);
    ccf_test_eq(y, want, 16, what);
    ccf_ghash_wipe(&k);
}

static void test_long(const ccf_aes_impl *ai, const ccf_ghash_impl *gi, const char *label)
{
    static uint8_t pt[LONGMAX + 8], a[LONGMAX + 8], b[LONGMAX + 8];
    uint8_t key[32], iv[16], aad[40], ta[16], tb[16];
    ccf_aes_gcm ga, gb;
    size_t li;
    unsigned bad = 0;
    for (li = 0; li < sizeof(LONG_LENS) / sizeof(LONG_LENS[0]); li++) {
        size_t len = LONG_LENS[li], kl = 16 + 8 * (li % 3), ivl = li == 2 ? 16 : 12, al = (li * 7) % 40;
        ccf_test_fill(key, kl, (uint32_t)li + 400000);
        ccf_test_fill(iv, ivl, (uint32_t)li + 500000);
        ccf_test_fill(aad, al, (uint32_t)li + 600000);
        ccf_test_fill(pt, len + 1, (uint32_t)li + 700000);
        ccf_aes_gcm_init_impl(&ga, key, kl, ai, gi);
        ccf_aes_gcm_init_impl(&gb, key, kl, aes_named("ct64"), ghash_named("ct64"));
        ccf_aes_gcm_encrypt(&gb, iv, ivl, aad, al, pt + 1, len, b, tb);
        ccf_aes_gcm_encrypt(&ga, iv, ivl, aad, al, pt + 1, len, a + 1, ta);
        if (memcmp(a + 1, b, len) != 0 || memcmp(ta, tb, 16) != 0)
            bad++;
        if (ccf_aes_gcm_decrypt(&ga, iv, ivl, aad, al, a + 1, len, ta, 16, a + 1) != CCF_OK ||
            memcmp(a + 1, pt + 1, len) != 0)
            bad++;
        b[len - 1] ^= 4;                                  /* last byte of a long message */
        if (ccf_aes_gcm_decrypt(&ga, iv, ivl, aad, al, b, len, tb, 16, a) != CCF_ERR_AUTH || !all_zero(a, len))
            bad++;
        ccf_aes_gcm_wipe(&ga);
        ccf_aes_gcm_wipe(&gb);
    }
    CCF_CHECK(bad == 0, "%s long messages: %u checks failed", label, bad);
}

/* Secret key, H, plaintext and AAD: GHASH and sealing must not branch on them or use them as
 * addresses (valgrind reports it when the driver runs under it).  Open is not included: its
 * accept/reject decision is meant to depend on the secret tag comparison.  A 13-byte nonce
 * (J0 derived from H, so a secret counter) only with the AES implementations whose counter
 * arithmetic is checked that way (see test_aes.c). */
static void test_constant_time(const ccf_aes_impl *ai, const ccf_ghash_impl *gi, const char *label)
{
    int ctr_secret = strcmp(ai->name, "ct64") == 0 || strcmp(ai->name, "armv8-ce") == 0;
    static const size_t lens[] = {0, 5, 48, 172, 300};
    uint8_t key[32], iv[13], aad[24], pt[300], out[300], ref[300], tag[16], rtag[16], h[16], y[16];
    ccf_aes_gcm g;
    ccf_ghash_key gk;
    size_t li;
    unsigned bad = 0;
    for (li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
        size_t len = lens[li], ivl = li == 3 && ctr_secret ? 13 : 12;
        ccf_test_fill(key, 32, (uint32_t)li + 11);
        ccf_test_fill(iv, ivl, (uint32_t)li + 12);
        ccf_test_fill(aad, sizeof(aad), (uint32_t)li + 13);
        ccf_test_fill(pt, len, (uint32_t)li + 14);
        ccf_aes_gcm_init_impl(&g, key, 16 + 8 * (li % 3), ai, gi);
        ccf_aes_gcm_encrypt(&g, iv, ivl, aad, sizeof(aad), pt, len, ref, rtag);
        ccf_aes_gcm_wipe(&g);
        SECRET(key, sizeof(key));
        SECRET(pt, len);
        SECRET(aad, sizeof(aad));
        ccf_aes_gcm_init_impl(&g, key, 16 + 8 * (li % 3), ai, gi);
        SECRET(&g.aes.sched, sizeof(g.aes.sched));
        SECRET(g.ghash.tbl, sizeof(g.ghash.tbl));
        ccf_aes_gcm_encrypt(&g, iv, ivl, aad, sizeof(aad), pt, len, out, tag);
        /* GHASH alone, secret H and data */
        ccf_test_fill(h, 16, (uint32_t)li + 15);
        SECRET(h, 16);
        memset(y, 0, 16);
        ccf_ghash_init_impl(&gk, h, gi);
        ccf_ghash_update(&gk, y, pt, len);
        PUBLIC(out, len);
        PUBLIC(tag, 16);
        PUBLIC(key, sizeof(key));
        PUBLIC(pt, len);
        PUBLIC(aad, sizeof(aad));
        if (memcmp(out, ref, len) != 0 || memcmp(tag, rtag, 16) != 0)
            bad++;
        ccf_aes_gcm_wipe(&g);
        ccf_ghash_wipe(&gk);
    }
    CCF_CHECK(bad == 0, "%s constant-time runs: %u differ", label, bad);
}

static void run_all(int differential_cases)
{
    const ccf_aes_impl *const *al = ccf_aes_impls();
    const ccf_ghash_impl *const *gl = ccf_ghash_impls();
    size_t i, j;
    for (j = 0; gl[j]; j++) {
        if (!gl[j]->supported()) {
            printf("skipped GHASH %s: not supported on this CPU\n", gl[j]->name);
            continue;
        }
        printf("testing GHASH %s\n", gl[j]->name);
        test_ghash_kat(gl[j]);
        if (strcmp(gl[j]->name, "ct64") != 0)
            test_ghash(gl[j], ghash_named("ct64"));
    }
    for (i = 0; al[i]; i++) {
        if (!al[i]->supported())
            continue;
        for (j = 0; gl[j]; j++) {
            ccf_aes_gcm g;
            char label[96];
            uint8_t key[16] = {0};
            if (!gl[j]->supported())
                continue;
            ccf_aes_gcm_init_impl(&g, key, 16, al[i], gl[j]);
            if (!g.bulk) {
                char want[96];
                snprintf(want, sizeof(want), "%s+%s", al[i]->name, gl[j]->name);
                CCF_CHECK(strcmp(ccf_aes_gcm_impl_name(&g), want) == 0, "name %s", ccf_aes_gcm_impl_name(&g));
            }
            snprintf(label, sizeof(label), "%s/%s [%s]", al[i]->name, gl[j]->name, ccf_aes_gcm_impl_name(&g));
            ccf_aes_gcm_wipe(&g);
            printf("testing AES-GCM %s\n", label);
            test_spec(al[i], gl[j], label);
            test_limits(al[i], gl[j], label);
            test_tamper(al[i], gl[j], label);
            /* ct64+ct64 against itself still checks the generic GCM, decrypt and in place */
            if (strcmp(al[i]->name, "ct64") != 0 || strcmp(gl[j]->name, "ct64") != 0)
                test_differential(al[i], gl[j], label, (unsigned)differential_cases);
            else
                test_differential(al[i], gl[j], label, 320);
            test_long(al[i], gl[j], label);
            test_constant_time(al[i], gl[j], label);
        }
    }
}

int main(void)
{
    const ccf_aes_impl *const *al = ccf_aes_impls();
    const ccf_ghash_impl *const *gl = ccf_ghash_impls();
    uint8_t key[16] = {0};
    ccf_aes_gcm g;
    size_t i;
    ccf_cpu_init();
    CCF_CHECK(aes_named("ct64") && ghash_named("ct64"), "ct64 implementations listed");
    for (i = 0; al[i]; i++)
        if (!al[i]->supported())
            printf("skipped AES %s: not supported on this CPU\n", al[i]->name);
    run_all(500);

    /* The best choice, and with every accelerated feature masked off: the portable pair. */
    ccf_aes_gcm_init(&g, key, 16);
    printf("AES-GCM default on this CPU: %s\n", ccf_aes_gcm_impl_name(&g));
    ccf_cpu_set_disabled(0xFFFFFFFFu);
    ccf_aes_gcm_init(&g, key, 16);
    CCF_CHECK(strcmp(g.aes.impl->name, "ct64") == 0 && strcmp(g.ghash.impl->name, "ct64") == 0,
              "all features off: %s", ccf_aes_gcm_impl_name(&g));
    for (i = 0; al[i]; i++)
        if (strcmp(al[i]->name, "ct64") != 0)
            CCF_CHECK(ccf_aes_gcm_init_impl(&g, key, 16, al[i], ghash_named("ct64")) == CCF_ERR_PARAM,
                      "%s initialises with its features disabled", al[i]->name);
    for (i = 0; gl[i]; i++)
        if (strcmp(gl[i]->name, "ct64") != 0)
            CCF_CHECK(ccf_aes_gcm_init_impl(&g, key, 16, aes_named("ct64"), gl[i]) == CCF_ERR_PARAM,
                      "GHASH %s initialises with its features disabled", gl[i]->name);
    ccf_cpu_set_disabled(0);
    ccf_aes_gcm_wipe(&g);
    if (UNDER_VALGRIND())
        printf("constant-time checks ran under valgrind (secret key, H, plaintext, AAD)\n");
    return ccf_test_finish("gcm");
}
