/* Multi-buffer HMAC-SHA1: implementation choice and the lane scheduler.  See ccf_sha1_mb.h. */
#include "ccf_sha1_mb.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_X86_INTRIN)
extern const ccf_sha1_mb_impl ccf_sha1_mb_impl_avx512;     /* sha1_mb_avx512.c */
extern const ccf_sha1_mb_impl ccf_sha1_mb_impl_shani;      /* sha1_mb_shani.c */
extern const ccf_sha1_mb_impl ccf_sha1_mb_impl_avx2;       /* sha1_mb_avx2.c */
#endif
#if defined(CCF_HAVE_ARM_INTRIN)
extern const ccf_sha1_mb_impl ccf_sha1_mb_impl_armv8;      /* sha1_mb_armv8.c */
#endif

static int serial_supported(void) { return 1; }

/* "serial" has no compression of its own: the scheduler below sends its jobs one by one
 * through ccf_hmac_sha1 (the single-stream kernel of each key, fused HMAC where it has one). */
static const ccf_sha1_mb_impl mb_serial = { "serial", serial_supported, 1, NULL, NULL };

/* Order measured on an Intel CPU with AVX-512 and SHA-NI (HMAC of 162 + 4 bytes, per message):
 * avx512 107 ns, avx2 171 ns, sha-ni-x4 287 ns, one SHA-NI HMAC at a time 279 ns - its SHA
 * unit is busy ~2.4 cycles per SHA instruction, so four chains do not overlap; CPUs whose SHA
 * unit is latency-bound (AMD) would gain from the chains, but none was there to measure. */
static const ccf_sha1_mb_impl *const mb_impls[] = {
#if defined(CCF_HAVE_X86_INTRIN)
    &ccf_sha1_mb_impl_avx512,
    &ccf_sha1_mb_impl_avx2,
    &ccf_sha1_mb_impl_shani,
#endif
#if defined(CCF_HAVE_ARM_INTRIN)
    &ccf_sha1_mb_impl_armv8,
#endif
    &mb_serial,
    NULL
};

/* see ccf_sha1_mb.h */
const ccf_sha1_mb_impl *const *ccf_sha1_mb_impls(void) { return mb_impls; }

/* see ccf_sha1_mb.h */
const ccf_sha1_mb_impl *ccf_sha1_mb_best(void)
{
    size_t i;
    for (i = 0; mb_impls[i]; i++)
        if (mb_impls[i]->supported())
            return mb_impls[i];
    return &mb_serial;
}

/*
 * A lane runs one HMAC as three segments of whole blocks (RFC 2104 with the key states
 * precomputed, so the key blocks are not hashed again):
 *   phase 0  the whole blocks of m1, read in place;
 *   phase 1  one to three tail blocks built here: the rest of m1, m2, the 0x80 byte, zeros and
 *            the bit length of ipad-block || m1 || m2 (FIPS 180-4 5.1.1);
 *   phase 2  the outer block: the inner digest, 0x80, zeros, the bit length (64 + 20) * 8,
 *            compressed from the outer key state.
 */
typedef struct hmac_lane {
    const uint8_t *p;          /* next block of the current segment */
    size_t left;               /* blocks left in the current segment */
    size_t job;
    int phase;                 /* 0, 1, 2 as above; 3: idle */
    size_t ntail;
    uint8_t tail[192];
    uint8_t outer[64];
} hmac_lane;

static void lane_start(hmac_lane *ln, const ccf_hmac_sha1_job *j, size_t job)
{
    size_t whole = j->len1 / 64, rest = j->len1 % 64, tl = rest + j->len2;
    ln->ntail = (tl + 9 + 63) / 64;
    if (rest)
        memcpy(ln->tail, j->m1 + 64 * whole, rest);
    if (j->len2)
        memcpy(ln->tail + rest, j->m2, j->len2);
    ln->tail[tl] = 0x80;
    memset(ln->tail + tl + 1, 0, 64 * ln->ntail - 8 - tl - 1);
    ccf_store64_be(ln->tail + 64 * ln->ntail - 8, (uint64_t)(64 + j->len1 + j->len2) * 8);
    ln->job = job;
    if (whole) {
        ln->p = j->m1; ln->left = whole; ln->phase = 0;
    } else {
        ln->p = ln->tail; ln->left = ln->ntail; ln->phase = 1;
    }
}

/* The outer block from the inner digest h (phase 1 -> 2). */
static void lane_outer(hmac_lane *ln, const uint32_t h[5])
{
    int i;
    for (i = 0; i < 5; i++)
        ccf_store32_be(ln->outer + 4 * i, h[i]);
    ln->outer[20] = 0x80;
    memset(ln->outer + 21, 0, 64 - 21 - 8);
    ccf_store64_be(ln->outer + 56, (64 + 20) * 8);
    ln->p = ln->outer;
    ln->left = 1;
    ln->phase = 2;
}

/* After k blocks: 0 while the segment goes on or a data segment follows, 1 when the inner
 * hash is done (the caller starts the outer block), 2 when the MAC is done. */
static int lane_advance(hmac_lane *ln, size_t k)
{
    ln->p += 64 * k;
    ln->left -= k;
    if (ln->left)
        return 0;
    if (ln->phase == 0) {
        ln->p = ln->tail; ln->left = ln->ntail; ln->phase = 1;
        return 0;
    }
    return ln->phase == 1 ? 1 : 2;
}

/* The MAC from five state words h[0], h[stride], ... */
static void put_mac(uint8_t mac[20], const uint32_t *h, unsigned stride)
{
    int i;
    for (i = 0; i < 5; i++)
        ccf_store32_be(mac + 4 * i, h[i * stride]);
}

/*
 * The fewest busy lanes for which one multi-buffer step costs less than their blocks through the
 * single-stream kernel.  Measured on an Intel CPU with AVX-512 and SHA-NI (HMAC of 160 + 4
 * bytes): an eight-lane AVX2 step costs about five SHA-NI compressions and about two portable
 * ones; the interleaved SHA-NI chains gain nothing there over one chain; the ARMv8 chains could
 * not be measured (qemu) and keep running down to two busy lanes.
 */
static unsigned min_busy(const ccf_sha1_mb_impl *impl)
{
    if (impl->lanes == 8)                                   /* avx2 */
        return ccf_cpu_has(CCF_CPU_SHA_NI) ? 6 : 3;
    return impl->lanes / 4 + 1;
}

/* Any mix of jobs: a lane takes the next job as soon as its own is done. */
static void scheduled(const ccf_sha1_mb_impl *impl, ccf_hmac_sha1_job *jobs, size_t n)
{
    hmac_lane lanes[CCF_SHA1_MB_MAX_LANES];
    uint32_t state[5 * CCF_SHA1_MB_MAX_LANES];
    const uint8_t *ptrs[CCF_SHA1_MB_MAX_LANES];
    unsigned L, l, i, active = 0, busy = min_busy(impl);
    size_t next = 0;

    L = impl->lanes;
    for (l = 0; l < L; l++) {
        lanes[l].phase = 3;
        if (next < n) {
            lane_start(&lanes[l], &jobs[next], next);
            for (i = 0; i < 5; i++)
                state[i * L + l] = jobs[next].key->inner[i];
            next++;
            active++;
        }
    }
    /* Lanes run while enough of them are busy; the last few jobs finish single-stream, where
     * their work costs less than a whole pass of the vector or of the interleaved chains. */
    while (active >= busy) {
        size_t k = SIZE_MAX;
        const uint8_t *any = NULL;
        for (l = 0; l < L; l++)
            if (lanes[l].phase != 3 && lanes[l].left < k) {
                k = lanes[l].left;
                any = lanes[l].p;
            }
        /* idle lanes re-read a busy lane's blocks (valid memory); their results are unused */
        for (l = 0; l < L; l++)
            ptrs[l] = lanes[l].phase != 3 ? lanes[l].p : any;
        impl->compress(state, ptrs, k);
        for (l = 0; l < L; l++) {
            uint32_t h[5];
            int r;
            if (lanes[l].phase == 3 || (r = lane_advance(&lanes[l], k)) == 0)
                continue;
            for (i = 0; i < 5; i++)
                h[i] = state[i * L + l];
            if (r == 1) {                              /* inner hash done: outer block next */
                lane_outer(&lanes[l], h);
                for (i = 0; i < 5; i++)
                    state[i * L + l] = jobs[lanes[l].job].key->outer[i];
                continue;
            }
            put_mac(jobs[lanes[l].job].mac, h, 1);
            if (next < n) {
                lane_start(&lanes[l], &jobs[next], next);
                for (i = 0; i < 5; i++)
                    state[i * L + l] = jobs[next].key->inner[i];
                next++;
            } else {
                lanes[l].phase = 3;
                active--;
            }
        }
    }
    for (l = 0; l < L; l++) {
        uint32_t h[5];
        const ccf_hmac_sha1_key *key;
        int r;
        if (lanes[l].phase == 3)
            continue;
        key = jobs[lanes[l].job].key;
        for (i = 0; i < 5; i++)
            h[i] = state[i * L + l];
        for (;;) {
            key->impl->compress(h, lanes[l].p, lanes[l].left);
            r = lane_advance(&lanes[l], lanes[l].left);
            if (r == 1) {
                lane_outer(&lanes[l], h);
                memcpy(h, key->outer, sizeof(h));
            } else if (r == 2) {
                break;
            }
        }
        put_mac(jobs[lanes[l].job].mac, h, 1);
        ccf_memzero(h, sizeof(h));
    }
    /* the tails hold message bytes and the outer blocks inner digests: wiped */
    ccf_memzero(lanes, L * sizeof(lanes[0]));
    ccf_memzero(state, 5 * L * sizeof(state[0]));
}

/* Blocks of job j's segments: whole blocks of m1, tail blocks (a lane's shape). */
static size_t whole_of(const ccf_hmac_sha1_job *j) { return j->len1 / 64; }
static size_t ntail_of(const ccf_hmac_sha1_job *j) { return (j->len1 % 64 + j->len2 + 9 + 63) / 64; }

/*
 * L jobs of the same shape (an SRTP batch: packets of one length) in lockstep: the three
 * segments of every lane run as three calls with no per-block bookkeeping.  The padding of
 * the tail and outer blocks is the same in every lane: it is written once per call, and only
 * each lane's message bytes and digest per group.
 */
static size_t lockstep(const ccf_sha1_mb_impl *impl, ccf_hmac_sha1_job *jobs, size_t n)
{
    uint8_t tails[CCF_SHA1_MB_MAX_LANES][192], outer[CCF_SHA1_MB_MAX_LANES][64];
    uint32_t state[5 * CCF_SHA1_MB_MAX_LANES];
    const uint8_t *ptrs[CCF_SHA1_MB_MAX_LANES];
    const unsigned L = impl->lanes;
    size_t done = 0, len1 = 0, len2 = 0, whole = 0, ntail = 0, rest = 0, g;
    unsigned l, i;
    int ready = 0;
    while (n - done >= L) {
        ccf_hmac_sha1_job *j = jobs + done;
        for (l = 1; l < L; l++)
            if (j[l].len1 != j[0].len1 || j[l].len2 != j[0].len2)
                break;
        if (l < L)
            break;
        if (!ready || j[0].len1 != len1 || j[0].len2 != len2) {
            len1 = j[0].len1;
            len2 = j[0].len2;
            whole = whole_of(&j[0]);
            ntail = ntail_of(&j[0]);
            rest = len1 % 64;
            for (l = 0; l < L; l++) {
                memset(tails[l], 0, 64 * ntail);
                tails[l][rest + len2] = 0x80;
                ccf_store64_be(tails[l] + 64 * ntail - 8, (uint64_t)(64 + len1 + len2) * 8);
                memset(outer[l], 0, 64);
                outer[l][20] = 0x80;
                ccf_store64_be(outer[l] + 56, (64 + 20) * 8);
            }
            ready = 1;
        }
        for (l = 0; l < L; l++) {
            for (i = 0; i < 5; i++)
                state[i * L + l] = j[l].key->inner[i];
            if (rest)
                memcpy(tails[l], j[l].m1 + 64 * whole, rest);
            if (len2)
                memcpy(tails[l] + rest, j[l].m2, len2);
            ptrs[l] = j[l].m1;
        }
        if (whole)
            impl->compress(state, ptrs, whole);
        for (l = 0; l < L; l++)
            ptrs[l] = tails[l];
        impl->compress(state, ptrs, ntail);
        for (l = 0; l < L; l++) {
            for (i = 0; i < 5; i++) {
                ccf_store32_be(outer[l] + 4 * i, state[i * L + l]);
                state[i * L + l] = j[l].key->outer[i];
            }
            ptrs[l] = outer[l];
        }
        impl->compress(state, ptrs, 1);
        for (l = 0; l < L; l++)
            put_mac(j[l].mac, state + l, L);
        done += L;
    }
    if (ready) {
        /* message bytes and inner digests: wiped */
        for (g = 0; g < L; g++) {
            ccf_memzero(tails[g], 64 * ntail);
            ccf_memzero(outer[g], 20);
        }
        ccf_memzero(state, 5 * L * sizeof(state[0]));
    }
    return done;
}

/*
 * Implementations with a group HMAC (AVX-512).  A run of `lanes` consecutive jobs of one shape
 * (an SRTP batch of one packet length) is a group in place.  Other jobs are gathered by their
 * count of inner blocks (lengths are public), since a group runs as many blocks as its longest
 * job: each count has a bucket, a group when full; the rest, shortest first, `lanes` at a
 * time.  Gathered jobs run as copies in one array (the group reads its jobs in place faster
 * than through pointers) and their MACs are copied back; a last group of a few jobs repeats
 * one of them in the idle lanes unless the single-stream kernel costs less.
 * Returns 0 (nothing written) if the group cannot run here.
 */
#define MB_BUCKETS 25     /* inner-block counts 1..24 (1.5 KB); longer jobs share the last */

/* The f (1..lanes) jobs g[] as one group of copies; 0 if the group cannot run here. */
static int group_copies(const ccf_sha1_mb_impl *impl, ccf_hmac_sha1_job *const *g, unsigned f)
{
    ccf_hmac_sha1_job c[CCF_SHA1_MB_MAX_LANES];
    unsigned l;
    int ok;
    for (l = 0; l < impl->lanes; l++)
        c[l] = *g[l < f ? l : f - 1];
    ok = impl->hmac_group(c);
    if (ok)
        for (l = 0; l < f; l++)
            memcpy(g[l]->mac, c[l].mac, 20);
    ccf_memzero(c, sizeof(c));     /* MACs (expected tags when verifying) */
    return ok;
}

/* Compressions of job j through the single-stream kernel (the outer block included). */
static size_t blocks_of(const ccf_hmac_sha1_job *j) { return whole_of(j) + ntail_of(j) + 1; }

/* A group whose jobs need `single` single-stream compressions in all and `longest` for the
 * longest job costs more than the jobs one by one: a vector block costs about three
 * single-stream SHA-NI compressions and 1.7 portable ones (16 lanes of AVX-512, measured), so
 * without SHA-NI the group wins from two jobs. */
static int group_loses(size_t single, size_t longest)
{
    return single <= (ccf_cpu_has(CCF_CPU_SHA_NI) ? 3 : 1) * longest;
}

/* Jobs one by one through the single-stream kernel of each key (fused HMAC where it has one). */
static void serial(ccf_hmac_sha1_job *jobs, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        ccf_hmac_sha1(jobs[i].key, jobs[i].m1, jobs[i].len1, jobs[i].m2, jobs[i].len2, jobs[i].mac, 20);
}

/* The last f (1..lanes - 1) jobs: one group with repeated lanes, unless single-stream costs less. */
static void few(const ccf_sha1_mb_impl *impl, ccf_hmac_sha1_job *const *g, unsigned f)
{
    size_t single = 0, longest = 0, b;
    unsigned l;
    for (l = 0; l < f; l++) {
        b = blocks_of(g[l]);
        single += b;
        longest = b > longest ? b : longest;
    }
    if (!group_loses(single, longest) && group_copies(impl, g, f))
        return;
    for (l = 0; l < f; l++)
        serial(g[l], 1);
}

static int grouped(const ccf_sha1_mb_impl *impl, ccf_hmac_sha1_job *jobs, size_t n)
{
    ccf_hmac_sha1_job *bucket[MB_BUCKETS][CCF_SHA1_MB_MAX_LANES], *g[CCF_SHA1_MB_MAX_LANES];
    unsigned cnt[MB_BUCKETS] = { 0 }, L = impl->lanes, f = 0, l;
    size_t i, b, bmin = MB_BUCKETS, bmax = 0;
    if (n < L) {                       /* a batch smaller than a group: one group or none */
        for (i = 0; i < n; i++)
            g[i] = &jobs[i];
        few(impl, g, (unsigned)n);
        return 1;
    }
    for (i = 0; i < n; i++) {
        for (l = 1; i + L <= n && l < L && jobs[i + l].len1 == jobs[i].len1 && jobs[i + l].len2 == jobs[i].len2; l++)
            ;
        if (i + L <= n && l == L) {
            if (!impl->hmac_group(jobs + i))
                return 0;
            i += L - 1;
            continue;
        }
        b = whole_of(&jobs[i]) + ntail_of(&jobs[i]);
        b = b < MB_BUCKETS ? b : MB_BUCKETS - 1;
        bmin = b < bmin ? b : bmin;
        bmax = b > bmax ? b : bmax;
        bucket[b][cnt[b]++] = &jobs[i];
        if (cnt[b] == L) {
            if (!group_copies(impl, bucket[b], L))
                return 0;
            cnt[b] = 0;
        }
    }
    for (b = bmin; b <= bmax; b++)
        for (l = 0; l < cnt[b]; l++) {
            g[f++] = bucket[b][l];
            if (f == L) {
                if (!group_copies(impl, g, L))
                    return 0;
                f = 0;
            }
        }
    if (f)
        few(impl, g, f);
    return 1;
}

/* see ccf_sha1_mb.h */
int ccf_hmac_sha1_many_impl(const ccf_sha1_mb_impl *impl, ccf_hmac_sha1_job *jobs, size_t n)
{
    size_t i, done;
    if (!impl || !impl->supported() || impl->lanes == 0 || impl->lanes > CCF_SHA1_MB_MAX_LANES)
        return CCF_ERR_PARAM;
    for (i = 0; i < n; i++)
        if (jobs[i].len2 > 64)
            return CCF_ERR_PARAM;
    if (!impl->compress) {
        serial(jobs, n);
        return CCF_OK;
    }
    if (impl->hmac_group && grouped(impl, jobs, n))
        return CCF_OK;
    done = lockstep(impl, jobs, n);
    if (n - done >= min_busy(impl))
        scheduled(impl, jobs + done, n - done);
    else
        serial(jobs + done, n - done);   /* too few to fill the lanes (the counts are public) */
    return CCF_OK;
}

/* see ccf_sha1_mb.h */
int ccf_hmac_sha1_many(ccf_hmac_sha1_job *jobs, size_t n)
{
    if (n == 1 && jobs[0].len2 <= 64) {  /* every implementation runs a lone job single-stream */
        serial(jobs, 1);
        return CCF_OK;
    }
    return ccf_hmac_sha1_many_impl(ccf_sha1_mb_best(), jobs, n);
}
