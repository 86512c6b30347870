/*
 * test_aes_many.c - C driver for counter mode over many messages (csrc/aes/ccf_aes_many.h).
 *
 * For every AES implementation this CPU supports, batches of messages through
 * ccf_aes_ctr128_many against ccf_aes_ctr128 of the portable ct64 implementation, message by
 * message, in place or not, keystream only.  The batches cover the kernels' layouts: one key
 * for the whole batch (messages packed densely, blocks of two messages in one register), a key
 * per message or a few keys of one length in any order (each key change starts a fresh
 * register), runs of keys of one length and keys of 16, 24 and 32 bytes mixed; lengths 0..300,
 * 1..16 (several messages per register), 1..200, all 160 (SRTP), 1..1300 (on both sides of the
 * lengths past which a message goes through its key's own kernel), one length for the whole
 * batch with a few one byte longer (four messages of one length of 49..256 bytes go through
 * registers only, past the buffer); every batch size 0..72 (a batch of one message also goes
 * through it); more blocks and more messages than the kernels' buffer holds (several passes);
 * a message longer than the buffer; counters
 * whose low 32 bits carry within the message (the per-message fallback) and whose low 16 bits
 * start at zero (SRTP AES-CM); the jobs' counters are left unchanged.
 */
#include "ccf_test.h"
#include "ccf_aes_many.h"

#define MAXN 400
#define MAXLEN 1300
#define LONG (16 * 768 + 100)  /* longer than the kernels' buffer of 768 blocks */

static const ccf_aes_impl *named(const char *name)
{
    const ccf_aes_impl *const *l = ccf_aes_impls();
    size_t i;
    for (i = 0; l[i]; i++)
        if (strcmp(l[i]->name, name) == 0)
            return l[i];
    return NULL;
}

enum { KEYS_ONE, KEYS_EACH, KEYS_FEW, KEYS_RUNS, KEYS_MIXED, KEYS_MODES };
enum { LEN_ANY, LEN_SHORT, LEN_200, LEN_160, LEN_1200, LEN_SAME, LEN_MODES };

static const char *const key_mode[KEYS_MODES] = { "one key", "a key each", "three keys", "key length runs", "key lengths mixed" };
static const char *const len_mode[LEN_MODES] = { "0..300", "1..16", "1..200", "160", "1..1300",
                                                  "one length of 40..263, a few one byte longer" };

/* the job's key: index into 12 keys, keys 4k..4k+3 of 16 + 8k bytes */
static size_t key_of(int km, size_t i, const uint8_t r[8], uint32_t seed)
{
    switch (km) {
    case KEYS_ONE: return 4 * (seed % 3);
    case KEYS_EACH: return 4 * (seed % 3) + i % 4;
    case KEYS_FEW: return 4 * (seed % 3) + r[5] % 3;
    case KEYS_RUNS: return 4 * ((i / 9) % 3) + r[5] % 4;
    default: return r[5] % 12;
    }
}

static void run(const ccf_aes_impl *impl, size_t n, uint32_t seed, int km, int lm, int with_long)
{
    static uint8_t in[MAXN][MAXLEN], out[MAXN][MAXLEN], want[MAXN][MAXLEN];
    static uint8_t lin[LONG], lout[LONG], lwant[LONG];
    uint8_t keys[12][32], r[8];
    ccf_aes_key k[12], kr[12];
    static ccf_aes_ctr_job jobs[MAXN];
    const ccf_aes_impl *ct64 = named("ct64");
    size_t i, bad = 0, lng = with_long ? n / 2 : n;
    for (i = 0; i < 12; i++) {
        ccf_test_fill(keys[i], 32, seed + (uint32_t)i);
        ccf_aes_init_impl(&k[i], keys[i], 16 + 8 * (i / 4), impl);
        ccf_aes_init_impl(&kr[i], keys[i], 16 + 8 * (i / 4), ct64);
    }
    for (i = 0; i < n; i++) {
        uint8_t ctr[16], *pin = in[i], *pout = out[i], *pwant = want[i];
        ccf_test_fill(r, sizeof(r), seed * 3 + 7 * (uint32_t)i);
        jobs[i].key = &k[key_of(km, i, r, seed)];
        ccf_test_fill(jobs[i].ctr, 16, seed + 13 * (uint32_t)i);
        switch (r[0] % 4) {
        case 0: jobs[i].ctr[14] = jobs[i].ctr[15] = 0; break;                 /* SRTP AES-CM */
        case 1: if (r[6] % 4 == 0) {                                          /* carries */
                    memset(jobs[i].ctr + 12, 0xFF, 4);
                    jobs[i].ctr[15] = (uint8_t)(0xF8 + r[3] % 8);
                }
                break;
        default: break;
        }
        switch (lm) {
        case LEN_ANY: jobs[i].len = (size_t)(r[1] | r[2] << 8) % 301; break;
        case LEN_SHORT: jobs[i].len = 1 + r[1] % 16; break;
        case LEN_200: jobs[i].len = 1 + (size_t)(r[1] | r[2] << 8) % 200; break;
        case LEN_1200: jobs[i].len = 1 + (size_t)(r[1] | r[2] << 8) % 1300; break;
        case LEN_SAME: jobs[i].len = 40 + seed % 224 + (r[7] % 11 == 0); break;
        default: jobs[i].len = 160; break;
        }
        if (i == lng) {                      /* longer than the buffer */
            pin = lin; pout = lout; pwant = lwant;
            jobs[i].len = LONG - (r[1] % 20);
        }
        ccf_test_fill(pin, i == lng ? LONG : MAXLEN, seed + 11 * (uint32_t)i);
        memcpy(pout, pin, i == lng ? LONG : MAXLEN);
        jobs[i].in = r[4] % 5 == 0 ? NULL : (r[4] % 5 == 1 ? pout : pin);   /* keystream / in place */
        jobs[i].out = pout;
        memcpy(ctr, jobs[i].ctr, 16);
        if (jobs[i].in == NULL)
            memset(pwant, 0, jobs[i].len);
        else
            memcpy(pwant, pin, jobs[i].len);
        ccf_aes_ctr128(&kr[jobs[i].key - k], ctr, pwant, pwant, jobs[i].len);
    }
    {
        static uint8_t saved[MAXN][16];
        for (i = 0; i < n; i++)
            memcpy(saved[i], jobs[i].ctr, 16);
        ccf_aes_ctr128_many(jobs, n);
        for (i = 0; i < n; i++) {
            const uint8_t *o = i == lng ? lout : out[i], *w = i == lng ? lwant : want[i];
            const uint8_t *p = i == lng ? lin : in[i];
            size_t cap = i == lng ? LONG : MAXLEN;
            if ((memcmp(o, w, jobs[i].len) != 0 || memcmp(o + jobs[i].len, p + jobs[i].len, cap - jobs[i].len) != 0)
                && bad++ < 3)
                ccf_test_eq(o, w, jobs[i].len, "multi-message CTR vs ct64");
            if (memcmp(saved[i], jobs[i].ctr, 16) != 0 && bad++ < 3)
                printf("job %zu counter changed\n", i);
        }
    }
    CCF_CHECK(bad == 0, "%s (%s), %s, lengths %s, n=%zu%s: %zu messages wrong", impl->name,
              ccf_aes_ctr128_many_name(impl), key_mode[km], len_mode[lm], n, with_long ? " with a long one" : "", bad);
}

int main(void)
{
    const ccf_aes_impl *const *impls = ccf_aes_impls();
    static const size_t big[] = { 150, 400 };  /* past the buffer's 768 blocks, past 256 messages */
    size_t i, n, b;
    int km, lm;
    ccf_cpu_init();
    CCF_CHECK(named("ct64") != NULL, "ct64 listed");
    for (i = 0; impls[i]; i++) {
        if (!impls[i]->supported()) {
            printf("skip %s (not supported on this CPU)\n", impls[i]->name);
            continue;
        }
        printf("impl %s: kernel %s\n", impls[i]->name, ccf_aes_ctr128_many_name(impls[i]));
        for (km = 0; km < KEYS_MODES; km++)
            for (lm = 0; lm < LEN_MODES; lm++) {
                for (n = 0; n <= 100; n += (n < 72 ? 1 : 11))
                    run(impls[i], n, (uint32_t)(n * 5 + i + 31 * (size_t)(km * LEN_MODES + lm)), km, lm, 0);
                for (b = 0; b < sizeof(big) / sizeof(big[0]); b++)
                    run(impls[i], big[b], (uint32_t)(b + 7 * i + 97 * (size_t)km + lm), km, lm, 0);
                run(impls[i], 40, (uint32_t)(3 * i + 11 * (size_t)km + lm), km, lm, 1);
            }
    }
    return ccf_test_finish("aes_many");
}
