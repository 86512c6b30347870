/*
 * test_aes.c - C driver for the AES kernels (csrc/aes).
 *
 * For every implementation in ccf_aes_impls() that this CPU supports:
 *   - FIPS 197 Appendix C.1-C.3 known answers (AES-128/192/256), single and multi-block;
 *   - NIST SP 800-38A F.5.1/F.5.3/F.5.5 CTR examples through ctr32 and ctr128, every prefix
 *     length 0..64 (partial final blocks, counter advanced by ceil(len/16));
 *   - counter wrap: ctr32 wraps bytes 12..15 only, ctr128 carries through the whole block;
 *   - differential checks against ct64 on pseudo-random keys, counters and lengths 0..600,
 *     unaligned and in-place buffers.
 * Dispatch: with the accelerated features masked off (ccf_cpu_set_disabled) the best
 * implementation is ct64 and the accelerated ones refuse to initialise.
 */
#include "ccf_test.h"
#include "ccf_aes.h"

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

/* FIPS 197 Appendix C: plaintext 00112233..ff, key 000102..(16/24/32 bytes). */
static const char *FIPS197_PT = "00112233445566778899aabbccddeeff";
static const char *FIPS197_CT[3] = {
    "69c4e0d86a7b0430d8cdb78070b4c55a",     /* C.1 AES-128 */
    "dda97ca4864cdfe06eaf70a0ec0d7191",     /* C.2 AES-192 */
    "8ea2b7ca516745bfeafc49904b496089",     /* C.3 AES-256 */
};

/* NIST SP 800-38A F.5: CTR-AES128/192/256.Encrypt, initial counter f0f1..ff. */
static const char *SP38A_PT =
    "6bc1bee22e409f96e93d7e117393172a" "ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef" "f69f2445df4f9b17ad2b417be66c3710";
static const char *SP38A_CTR = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
static const char *SP38A_KEY[3] = {
    "2b7e151628aed2a6abf7158809cf4f3c",                                   /* F.5.1 */
    "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",                   /* F.5.3 */
    "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",   /* F.5.5 */
};
static const char *SP38A_CT[3] = {
    "874d6191b620e3261bef6864990db6ce" "9806f66b7970fdff8617187bb9fffdff"
    "5ae4df3edbd5d35e5b4f09020db03eab" "1e031dda2fbe03d1792170a0f3009cee",
    "1abc932417521ca24f2b0459fe7e6e0b" "090339ec0aa6faefd5ccc2c6f4ce8e94"
    "1e36b26bd1ebc670d1bd1d665620abf7" "4f78a7f6d29809585a97daec58c6b050",
    "601ec313775789a5b7a7f504bbf3d228" "f443e3ca4d62b59aca84e990cacaf5c5"
    "2b0930daa23de94ce87017ba2d84988d" "dfc9c58db67aada613c2dd08457941a6",
};

#define MAXLEN 640

/* Reference counter arithmetic for the checks (plain byte loops). */
static void add_ctr(uint8_t c[16], unsigned n, int wide)
{
    while (n--) {
        int i;
        for (i = 15; i >= (wide ? 0 : 12); i--)
            if (++c[i] != 0)
                break;
    }
}

static void test_fips197(const ccf_aes_impl *impl)
{
    uint8_t key[32], pt[16], want[16], buf[16 * 21 + 1], out[16 * 21 + 1];
    ccf_aes_key k;
    int v;
    size_t i, n;
    char what[96];
    for (i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
    ccf_test_unhex(FIPS197_PT, pt, 16);
    for (v = 0; v < 3; v++) {
        size_t kl = 16 + 8 * (size_t)v;
        ccf_test_unhex(FIPS197_CT[v], want, 16);
        CCF_CHECK(ccf_aes_init_impl(&k, key, kl, impl) == CCF_OK, "%s init", impl->name);
        CCF_CHECK(k.rounds == 10 + 2 * (unsigned)v, "%s rounds", impl->name);
        snprintf(what, sizeof(what), "%s FIPS 197 C.%d", impl->name, v + 1);
        memset(out, 0, sizeof(out));
        ccf_aes_encrypt_blocks(&k, pt, out, 1);
        ccf_test_eq(out, want, 16, what);
        /* n identical blocks at an odd address: every lane of a multi-block batch */
        for (n = 0; n <= 21; n++) {
            for (i = 0; i < n; i++)
                memcpy(buf + 1 + 16 * i, pt, 16);
            memset(out, 0xAA, sizeof(out));
            ccf_aes_encrypt_blocks(&k, buf + 1, out + 1, n);
            for (i = 0; i < n; i++)
                if (memcmp(out + 1 + 16 * i, want, 16) != 0)
                    break;
            CCF_CHECK(i == n && out[0] == 0xAA && (n == 21 || out[1 + 16 * n] == 0xAA),
                      "%s %zu blocks", what, n);
            /* in place */
            ccf_aes_encrypt_blocks(&k, buf + 1, buf + 1, n);
            CCF_CHECK(n == 0 || memcmp(buf + 1, out + 1, 16 * n) == 0, "%s in place %zu", what, n);
        }
        ccf_aes_wipe(&k);
    }
    CCF_CHECK(ccf_aes_init_impl(&k, key, 20, impl) == CCF_ERR_KEY_LENGTH, "%s key 20", impl->name);
    CCF_CHECK(ccf_aes_init_impl(&k, key, 0, impl) == CCF_ERR_KEY_LENGTH, "%s key 0", impl->name);
}

static void test_sp800_38a(const ccf_aes_impl *impl)
{
    uint8_t key[32], pt[64], want[64], ctr0[16], ctr[16], expect_ctr[16], out[65];
    ccf_aes_key k;
    int v, wide;
    size_t kl, len;
    char what[96];
    ccf_test_unhex(SP38A_PT, pt, 64);
    ccf_test_unhex(SP38A_CTR, ctr0, 16);
    for (v = 0; v < 3; v++) {
        kl = ccf_test_unhex(SP38A_KEY[v], key, 32);
        ccf_test_unhex(SP38A_CT[v], want, 64);
        CCF_CHECK(ccf_aes_init_impl(&k, key, kl, impl) == CCF_OK, "%s init", impl->name);
        for (wide = 0; wide < 2; wide++) {
            for (len = 0; len <= 64; len++) {
                snprintf(what, sizeof(what), "%s SP 800-38A F.5.%d %s len %zu", impl->name, 2 * v + 1,
                         wide ? "ctr128" : "ctr32", len);
                memcpy(ctr, ctr0, 16);
                memset(out, 0x55, sizeof(out));
                if (wide)
                    ccf_aes_ctr128(&k, ctr, pt, out, len);
                else
                    ccf_aes_ctr32(&k, ctr, pt, out, len);
                if (len == 64 || len == 17 || len == 5)
                    ccf_test_eq(out, want, len, what);
                else
                    CCF_CHECK(memcmp(out, want, len) == 0, "%s", what);
                CCF_CHECK(out[len] == 0x55, "%s wrote past the end", what);
                memcpy(expect_ctr, ctr0, 16);
                add_ctr(expect_ctr, (unsigned)((len + 15) / 16), wide);
                CCF_CHECK(memcmp(ctr, expect_ctr, 16) == 0, "%s counter", what);
            }
        }
        ccf_aes_wipe(&k);
    }
}

/* Counter wrap: compare CTR output with ECB of explicitly built counter blocks. */
static void test_wrap(const ccf_aes_impl *impl)
{
    /* the last two: the 12 blocks end exactly at the low word's wrap (the next counter carries
     * into byte 11), and one block before it (no carry at all) */
    static const uint8_t starts[5][16] = {
        {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0xff, 0xff, 0xff, 0xfb},
        {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfd},
        {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe},
        {0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0xff, 0xff, 0xff, 0xf4},
        {0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0xff, 0xff, 0xff, 0xf3},
    };
    uint8_t key[16], blocks[16 * 12], ks[16 * 12], in[16 * 12], out[16 * 12], ctr[16], c[16];
    ccf_aes_key k;
    int s, wide;
    size_t i;
    ccf_test_fill(key, 16, 77);
    ccf_test_fill(in, sizeof(in), 78);
    ccf_aes_init_impl(&k, key, 16, impl);
    for (s = 0; s < 5; s++) {
        for (wide = 0; wide < 2; wide++) {
            memcpy(c, starts[s], 16);
            for (i = 0; i < 12; i++) {
                memcpy(blocks + 16 * i, c, 16);
                add_ctr(c, 1, wide);
            }
            ccf_aes_encrypt_blocks(&k, blocks, ks, 12);
            for (i = 0; i < sizeof(in); i++)
                ks[i] ^= in[i];
            memcpy(ctr, starts[s], 16);
            if (wide)
                ccf_aes_ctr128(&k, ctr, in, out, sizeof(in) - 7);
            else
                ccf_aes_ctr32(&k, ctr, in, out, sizeof(in) - 7);
            CCF_CHECK(memcmp(out, ks, sizeof(in) - 7) == 0, "%s wrap %d %s", impl->name, s,
                      wide ? "ctr128" : "ctr32");
            CCF_CHECK(memcmp(ctr, c, 16) == 0, "%s wrap %d counter", impl->name, s);
        }
    }
    ccf_aes_wipe(&k);
}

/* Differential check against ct64: random keys, counters, lengths, alignment, in place. */
static void test_differential(const ccf_aes_impl *impl, const ccf_aes_impl *ref, unsigned cases)
{
    static uint8_t in[MAXLEN + 16], a[MAXLEN + 16], b[MAXLEN + 16];
    uint8_t key[32], ctr0[16], c1[16], c2[16];
    ccf_aes_key ka, kb;
    unsigned t, bad = 0;
    for (t = 0; t < cases; t++) {
        size_t kl = 16 + 8 * (t % 3), len = t < 200 ? t : (size_t)(t * 2654435761u) % (MAXLEN - 8);
        size_t off = t % 7, nb = len / 16;
        int wide = (t >> 1) & 1;
        ccf_test_fill(key, 32, t);
        ccf_test_fill(ctr0, 16, t + 1000);
        if (t % 5 == 0)
            ctr0[12] = ctr0[13] = ctr0[14] = 0xff;        /* wrap inside the call */
        ccf_test_fill(in, len + off, t + 2000);
        ccf_aes_init_impl(&ka, key, kl, impl);
        ccf_aes_init_impl(&kb, key, kl, ref);
        /* ECB */
        ccf_aes_encrypt_blocks(&ka, in + off, a + off, nb);
        ccf_aes_encrypt_blocks(&kb, in + off, b, nb);
        if (memcmp(a + off, b, 16 * nb) != 0)
            bad++;
        /* CTR, out of place, unaligned */
        memcpy(c1, ctr0, 16);
        memcpy(c2, ctr0, 16);
        if (wide) {
            ccf_aes_ctr128(&ka, c1, in + off, a + off, len);
            ccf_aes_ctr128(&kb, c2, in + off, b, len);
        } else {
            ccf_aes_ctr32(&ka, c1, in + off, a + off, len);
            ccf_aes_ctr32(&kb, c2, in + off, b, len);
        }
        if (memcmp(a + off, b, len) != 0 || memcmp(c1, c2, 16) != 0)
            bad++;
        /* CTR in place, in two calls split at a block boundary */
        memcpy(c1, ctr0, 16);
        memcpy(a, in + off, len);
        {
            size_t first = 16 * ((t * 7) % (nb + 1));
            if (wide) {
                ccf_aes_ctr128(&ka, c1, a, a, first);
                ccf_aes_ctr128(&ka, c1, a + first, a + first, len - first);
            } else {
                ccf_aes_ctr32(&ka, c1, a, a, first);
                ccf_aes_ctr32(&ka, c1, a + first, a + first, len - first);
            }
        }
        if (memcmp(a, b, len) != 0 || memcmp(c1, c2, 16) != 0)
            bad++;
        ccf_aes_wipe(&ka);
        ccf_aes_wipe(&kb);
    }
    CCF_CHECK(bad == 0, "%s vs %s: %u of %u differential cases differ", impl->name, ref->name, bad, cases);
}

/* Long CTR runs (every stride of the wide kernels), counters about to carry. */
static void test_long(const ccf_aes_impl *impl, const ccf_aes_impl *ref)
{
    static const size_t lens[] = {1024, 1100, 4096 + 5, 16384 + 15};
    static uint8_t in[16400], a[16400], b[16400];
    uint8_t key[32], c1[16], c2[16];
    ccf_aes_key ka, kb;
    size_t li;
    unsigned bad = 0;
    for (li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
        int wide;
        ccf_test_fill(key, 32, (uint32_t)li + 50);
        ccf_test_fill(in, lens[li], (uint32_t)li + 60);
        ccf_aes_init_impl(&ka, key, 16 + 8 * (li % 3), impl);
        ccf_aes_init_impl(&kb, key, 16 + 8 * (li % 3), ref);
        for (wide = 0; wide < 2; wide++) {
            ccf_test_fill(c1, 16, (uint32_t)li + 70);
            c1[8] = c1[9] = c1[10] = c1[11] = c1[12] = c1[13] = 0xff;
            memcpy(c2, c1, 16);
            if (wide) {
                ccf_aes_ctr128(&ka, c1, in, a, lens[li]);
                ccf_aes_ctr128(&kb, c2, in, b, lens[li]);
            } else {
                ccf_aes_ctr32(&ka, c1, in, a, lens[li]);
                ccf_aes_ctr32(&kb, c2, in, b, lens[li]);
            }
            if (memcmp(a, b, lens[li]) != 0 || memcmp(c1, c2, 16) != 0)
                bad++;
        }
        ccf_aes_encrypt_blocks(&ka, in, a, lens[li] / 16);
        ccf_aes_encrypt_blocks(&kb, in, b, lens[li] / 16);
        if (memcmp(a, b, lens[li] / 16 * 16) != 0)
            bad++;
    }
    ccf_aes_wipe(&ka);
    ccf_aes_wipe(&kb);
    CCF_CHECK(bad == 0, "%s vs %s long runs: %u differ", impl->name, ref->name, bad);
}

/* Key, plaintext and counter secret: expansion, ECB and both CTR modes must not branch on them
 * or use them as addresses (reported by valgrind when run under it).  The counter is secret
 * only for ct64 and armv8-ce, whose carries are written branch-free (GCM derives J0 from H
 * for nonces other than 96 bits); for the others it is treated as public. */
static void test_constant_time(const ccf_aes_impl *impl)
{
    int ctr_secret = strcmp(impl->name, "ct64") == 0 || strcmp(impl->name, "armv8-ce") == 0;
    uint8_t key[32], in[100], out[100], ref[100], ctr[16], ctr0[16];
    ccf_aes_key k;
    size_t kl;
    for (kl = 16; kl <= 32; kl += 8) {
        ccf_test_fill(key, kl, (uint32_t)kl);
        ccf_test_fill(in, sizeof(in), 3);
        ccf_test_fill(ctr0, 16, 4);
        ccf_aes_init_impl(&k, key, kl, impl);
        memcpy(ctr, ctr0, 16);
        ccf_aes_ctr32(&k, ctr, in, ref, sizeof(in));
        ccf_aes_wipe(&k);
        SECRET(key, kl);
        SECRET(in, sizeof(in));
        ccf_aes_init_impl(&k, key, kl, impl);
        SECRET(k.sched, sizeof(k.sched));
        ccf_aes_encrypt_blocks(&k, in, out, 6);
        memcpy(ctr, ctr0, 16);
        if (ctr_secret)
            SECRET(ctr, 16);
        ccf_aes_ctr128(&k, ctr, in, out, sizeof(in));
        memcpy(ctr, ctr0, 16);
        if (ctr_secret)
            SECRET(ctr, 16);
        ccf_aes_ctr32(&k, ctr, in, out, sizeof(in));
        PUBLIC(out, sizeof(out));
        PUBLIC(key, kl);
        PUBLIC(in, sizeof(in));
        ccf_aes_wipe(&k);
        CCF_CHECK(memcmp(out, ref, sizeof(out)) == 0, "%s constant-time run output", impl->name);
    }
}

static void test_dispatch(void)
{
    const ccf_aes_impl *const *impls = ccf_aes_impls();
    uint8_t key[16] = {0};
    ccf_aes_key k;
    size_t i;
    ccf_cpu_set_disabled(0xFFFFFFFFu);
    CCF_CHECK(strcmp(ccf_aes_best()->name, "ct64") == 0, "best with all features off: %s", ccf_aes_best()->name);
    for (i = 0; impls[i]; i++)
        if (strcmp(impls[i]->name, "ct64") != 0)
            CCF_CHECK(ccf_aes_init_impl(&k, key, 16, impls[i]) == CCF_ERR_PARAM,
                      "%s initialises with its features disabled", impls[i]->name);
    CCF_CHECK(ccf_aes_init(&k, key, 16) == CCF_OK && strcmp(k.impl->name, "ct64") == 0, "init picks ct64");
    ccf_cpu_set_disabled(0);
    CCF_CHECK(ccf_aes_init(&k, key, 16) == CCF_OK && k.impl == ccf_aes_best(), "init picks best");
    printf("best AES implementation on this CPU: %s\n", ccf_aes_best()->name);
}

int main(void)
{
    const ccf_aes_impl *const *impls = ccf_aes_impls();
    const ccf_aes_impl *ct64 = NULL;
    size_t i;
    ccf_cpu_init();
    for (i = 0; impls[i]; i++)
        if (strcmp(impls[i]->name, "ct64") == 0)
            ct64 = impls[i];
    CCF_CHECK(ct64 != NULL, "ct64 in the implementation list");
    if (!ct64)
        return ccf_test_finish("aes");
    for (i = 0; impls[i]; i++) {
        const ccf_aes_impl *impl = impls[i];
        if (!impl->supported()) {
            printf("skipped %s: not supported on this CPU\n", impl->name);
            continue;
        }
        printf("testing %s\n", impl->name);
        test_fips197(impl);
        test_sp800_38a(impl);
        test_wrap(impl);
        test_constant_time(impl);
        if (impl != ct64) {
            test_differential(impl, ct64, 700);
            test_long(impl, ct64);
        }
    }
    test_dispatch();
    if (UNDER_VALGRIND())
        printf("constant-time checks ran under valgrind (secret key, data, counter)\n");
    return ccf_test_finish("aes");
}
