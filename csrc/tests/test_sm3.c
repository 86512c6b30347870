/*
 * test_sm3.c - SM3 kernels without Python: the GB/T 32905-2016 Appendix A examples through
 * every single-stream implementation this CPU supports, every implementation against the
 * portable one on pseudo-random messages (0..2000 bytes, streamed in pieces), and every
 * multi-buffer implementation against single-stream digests on batches of mixed lengths.
 */
#include "ccf_test.h"
#include "ccf_sm3.h"

/* GB/T 32905-2016 Appendix A.1 ("abc") and A.2 ("abcd" x 16) */
static const char *const ex1 = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";
static const char *const ex2 = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732";

static void digest_with(const ccf_sm3_impl *impl, const uint8_t *m, size_t len, size_t piece, uint8_t out[32])
{
    ccf_sm3_ctx c;
    size_t i, n;
    if (ccf_sm3_init_impl(&c, impl) != CCF_OK) { CCF_CHECK(0, "init_impl %s", impl->name); return; }
    for (i = 0; i < len; i += n) {
        n = piece && len - i > piece ? piece : len - i;
        ccf_sm3_update(&c, m + i, n);
    }
    ccf_sm3_final(&c, out);
}

static void test_examples(const ccf_sm3_impl *impl)
{
    uint8_t m[64], want[32], got[32];
    int i;
    ccf_test_unhex(ex1, want, 32);
    digest_with(impl, (const uint8_t *)"abc", 3, 0, got);
    ccf_test_eq(got, want, 32, "GB/T 32905 A.1");
    for (i = 0; i < 64; i++) m[i] = (uint8_t)"abcd"[i % 4];
    ccf_test_unhex(ex2, want, 32);
    digest_with(impl, m, 64, 0, got);
    ccf_test_eq(got, want, 32, "GB/T 32905 A.2");
    digest_with(impl, m, 64, 1, got);
    ccf_test_eq(got, want, 32, "GB/T 32905 A.2 byte by byte");
}

#define MAXLEN 2000

static void test_differential(const ccf_sm3_impl *impl, const ccf_sm3_impl *ref)
{
    static uint8_t m[MAXLEN + 64 * 20];
    uint8_t a[32], b[32];
    uint32_t seed;
    int bad = 0;
    for (seed = 1; seed <= 300; seed++) {
        size_t len = seed <= 140 ? seed - 1 : (seed * 2654435761u) % (MAXLEN + 1);
        size_t piece = (seed * 40503u) % 150;
        ccf_test_fill(m, len, seed);
        digest_with(ref, m, len, 0, a);
        digest_with(impl, m, len, piece, b);
        if (memcmp(a, b, 32)) { bad++; printf("  %s differs at len %zu piece %zu\n", impl->name, len, piece); }
    }
    /* many blocks in one compress call */
    ccf_test_fill(m, sizeof(m), 77);
    digest_with(ref, m, sizeof(m), 0, a);
    digest_with(impl, m, sizeof(m), 0, b);
    if (memcmp(a, b, 32)) bad++;
    CCF_CHECK(bad == 0, "%s vs %s: %d differences", impl->name, ref->name, bad);
}

#define NMSG 100

static void test_many(const ccf_sm3_mb_impl *impl, unsigned pattern)
{
    static uint8_t store[NMSG][MAXLEN];
    const uint8_t *msgs[NMSG];
    size_t lens[NMSG];
    uint8_t out[NMSG][32], want[32];
    size_t i, n = pattern == 0 ? NMSG : pattern == 1 ? 3 : pattern == 2 ? 17 : 40;
    int bad = 0;
    for (i = 0; i < n; i++) {
        switch (pattern) {
        case 0: lens[i] = (i * 2654435761u + 7) % (MAXLEN + 1); break;   /* mixed */
        case 1: lens[i] = i * 700; break;                                   /* fewer than lanes */
        case 2: lens[i] = 1500; break;                                      /* equal */
        default: lens[i] = i == 5 ? MAXLEN : i % 4 == 0 ? 0 : 55 + i % 3;  /* one long, many tiny */
        }
        ccf_test_fill(store[i], lens[i], (uint32_t)(1000 + i + 100 * pattern));
        msgs[i] = store[i];
    }
    memset(out, 0xAA, sizeof(out));
    CCF_CHECK(ccf_sm3_digest_many_impl(impl, msgs, lens, n, out) == CCF_OK, "digest_many %s", impl->name);
    for (i = 0; i < n; i++) {
        ccf_sm3(msgs[i], lens[i], want);
        if (memcmp(out[i], want, 32)) { bad++; printf("  %s pattern %u message %zu (len %zu) differs\n", impl->name, pattern, i, lens[i]); }
    }
    CCF_CHECK(bad == 0, "multi-buffer %s pattern %u: %d wrong digests", impl->name, pattern, bad);
}

/* HMAC-SM3 and the KDF against their definitions (RFC 2104 2; GB/T 32918.4 5.4.3) built here
 * from one-shot digests; the Python tests check both against published vectors. */
static void test_hmac_kdf(void)
{
    static uint8_t key[200], msg[300], buf[64 + 300 + 32], out[1000], want[1000];
    uint8_t k0[64], inner[32], tag[32], exp[32];
    size_t klen, mlen, i, n;
    int bad = 0;
    for (klen = 0; klen <= 200; klen += 25) {
        for (mlen = 0; mlen <= 300; mlen += 60) {
            ccf_test_fill(key, klen, (uint32_t)(klen + 1));
            ccf_test_fill(msg, mlen, (uint32_t)(mlen + 7));
            memset(k0, 0, 64);
            if (klen > 64) ccf_sm3(key, klen, k0); else memcpy(k0, key, klen);
            for (i = 0; i < 64; i++) buf[i] = k0[i] ^ 0x36;
            memcpy(buf + 64, msg, mlen);
            ccf_sm3(buf, 64 + mlen, inner);
            for (i = 0; i < 64; i++) buf[i] = k0[i] ^ 0x5C;
            memcpy(buf + 64, inner, 32);
            ccf_sm3(buf, 96, exp);
            ccf_sm3_hmac(key, klen, msg, mlen, tag);
            if (memcmp(tag, exp, 32)) bad++;
        }
    }
    CCF_CHECK(bad == 0, "HMAC-SM3 vs its definition: %d differences", bad);
    bad = 0;
    for (n = 0; n <= 1000; n += 37) {
        size_t zlen = n % 130, done = 0;
        uint32_t ct = 1;
        ccf_test_fill(buf, zlen, (uint32_t)n);
        while (done < n) {
            uint8_t d[32];
            ccf_store32_be(buf + zlen, ct++);
            ccf_sm3(buf, zlen + 4, d);
            memcpy(want + done, d, n - done < 32 ? n - done : 32);
            done += n - done < 32 ? n - done : 32;
        }
        ccf_test_fill(buf, zlen, (uint32_t)n);
        CCF_CHECK(ccf_sm3_kdf(buf, zlen, out, n) == CCF_OK, "kdf status");
        if (memcmp(out, want, n)) bad++;
    }
    CCF_CHECK(bad == 0, "KDF vs its definition: %d differences", bad);
}

int main(void)
{
    const ccf_sm3_impl *const *impls = ccf_sm3_impls();
    const ccf_sm3_mb_impl *const *mb = ccf_sm3_mb_impls();
    const ccf_sm3_impl *portable = NULL;
    uint8_t m[64], want[32], got[32];
    size_t i;
    unsigned p;

    ccf_cpu_init();
    for (i = 0; impls[i]; i++)
        if (!strcmp(impls[i]->name, "portable")) portable = impls[i];
    CCF_CHECK(portable != NULL, "portable implementation listed");
    for (i = 0; impls[i]; i++) {
        if (!impls[i]->supported()) { printf("  %s: not supported on this CPU, skipped\n", impls[i]->name); continue; }
        printf("  single-stream %s\n", impls[i]->name);
        test_examples(impls[i]);
        if (portable) test_differential(impls[i], portable);
    }
    for (i = 0; mb[i]; i++) {
        if (!mb[i]->supported()) { printf("  multi-buffer %s: not supported, skipped\n", mb[i]->name); continue; }
        printf("  multi-buffer %s (%u lanes)\n", mb[i]->name, mb[i]->lanes);
        for (p = 0; p < 4; p++)
            test_many(mb[i], p);
    }
    test_hmac_kdf();
    /* the default paths, and the dispatch with every feature masked off */
    for (i = 0; i < 64; i++) m[i] = (uint8_t)"abcd"[i % 4];
    ccf_test_unhex(ex2, want, 32);
    ccf_sm3(m, 64, got);
    ccf_test_eq(got, want, 32, "ccf_sm3 default");
    CCF_CHECK(ccf_sm3_digest_many(NULL, NULL, 0, NULL) == CCF_OK, "empty batch");
    ccf_cpu_set_disabled(~0u);
    CCF_CHECK(!strcmp(ccf_sm3_best()->name, "portable"), "all disabled -> portable (%s)", ccf_sm3_best()->name);
    CCF_CHECK(!strcmp(ccf_sm3_mb_best()->name, "serial"), "all disabled -> serial (%s)", ccf_sm3_mb_best()->name);
    ccf_sm3(m, 64, got);
    ccf_test_eq(got, want, 32, "ccf_sm3 with every feature disabled");
    test_many(ccf_sm3_mb_best(), 0);
    ccf_cpu_set_disabled(0);
    return ccf_test_finish("sm3");
}
