/*
 * Differential SM3: every single-stream implementation this CPU runs must give the portable
 * digest of an arbitrary message fed in arbitrary pieces, and every multi-buffer implementation
 * the portable digests of arbitrary batches of messages (lanes that end at different blocks).
 * Input: number of messages, then for each a length byte pair and its bytes; the rest of the
 * input is the single-stream message, cut into pieces at the lengths the first bytes give.
 */
#include "ccf_sm3.h"
#include "ccf_cpu.h"
#include "fuzz_common.h"

#define MAXN 40

static void digest_pieces(const ccf_sm3_impl *impl, const uint8_t *msg, size_t len, const uint8_t *cuts,
                          size_t ncuts, uint8_t out[32])
{
    ccf_sm3_ctx c;
    size_t at = 0, i = 0;
    FUZZ_ASSERT(ccf_sm3_init_impl(&c, impl) == CCF_OK);
    while (at < len) {
        size_t step = ncuts ? (size_t)cuts[i++ % ncuts] * 3 : len;   /* 0 feeds an empty piece */
        if (step > len - at)
            step = len - at;
        ccf_sm3_update(&c, msg + at, step);
        at += step;
        if (ncuts && i > 4 * len + 8)                  /* all cuts 0: finish in one piece */
            ncuts = 0;
    }
    ccf_sm3_final(&c, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t ref_many[MAXN][32], got_many[MAXN][32];
    const uint8_t *msgs[MAXN];
    size_t lens[MAXN], n, i, ncuts;
    uint8_t ref[32], got[32];
    const uint8_t *cuts;
    fuzz_in in = { data, size };
    const ccf_sm3_impl *const *impls = ccf_sm3_impls();
    const ccf_sm3_mb_impl *const *mb = ccf_sm3_mb_impls();
    const ccf_sm3_impl *portable = NULL;
    ccf_cpu_init();
    n = fuzz_u8(&in) % MAXN;
    for (i = 0; i < n; i++) {
        size_t want = (size_t)fuzz_u8(&in) << 2 | (fuzz_u8(&in) & 3);    /* 0..1023 */
        lens[i] = want < in.n ? want : in.n;
        msgs[i] = in.p;
        in.p += lens[i];
        in.n -= lens[i];
    }
    for (i = 0; impls[i]; i++)
        portable = impls[i];                           /* the last one: portable */
    FUZZ_ASSERT(strcmp(portable->name, "portable") == 0);
    for (i = 0; i < n; i++)
        digest_pieces(portable, msgs[i], lens[i], NULL, 0, ref_many[i]);
    for (i = 0; mb[i]; i++) {
        if (!mb[i]->supported())
            continue;
        memset(got_many, 0, sizeof(got_many));
        FUZZ_ASSERT(ccf_sm3_digest_many_impl(mb[i], msgs, lens, n, got_many) == CCF_OK);
        FUZZ_ASSERT(memcmp(got_many, ref_many, n * 32) == 0);
    }
    if (n) {
        FUZZ_ASSERT(ccf_sm3_digest_many(msgs, lens, n, got_many) == CCF_OK);
        FUZZ_ASSERT(memcmp(got_many, ref_many, n * 32) == 0);
    }
    /* the rest: cut lengths (first 8 bytes) and a message fed in those pieces */
    ncuts = in.n < 8 ? in.n : 8;
    cuts = in.p;
    ccf_sm3(in.p, in.n, ref);
    digest_pieces(portable, in.p, in.n, NULL, 0, got);
    FUZZ_ASSERT(memcmp(got, ref, 32) == 0);
    for (i = 0; impls[i]; i++) {
        if (!impls[i]->supported())
            continue;
        digest_pieces(impls[i], in.p, in.n, cuts, ncuts, got);
        FUZZ_ASSERT(memcmp(got, ref, 32) == 0);
    }
    return 0;
}
