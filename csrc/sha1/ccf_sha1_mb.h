/*
 * ccf_sha1_mb.h - HMAC-SHA1 of many independent messages at once (SRTP batches).
 *
 * One SHA-1 compression depends on the one before it, so a single message runs at the
 * latency of the compression chain (an SRTP packet of 172 bytes is four dependent
 * compressions: two data blocks, the padding block, the outer block).  Independent messages
 * can share the machine instead: several chains in flight, or one message per vector lane.
 *
 * Multi-buffer implementations, best first (ccf_sha1_mb_impls()):
 *   "avx512"     16 messages in the 32-bit lanes of AVX-512 registers (VPROLD, VPTERNLOGD)
 *   "avx2"       8 messages in the 32-bit lanes of AVX2 registers
 *   "sha-ni-x4"  four SHA-NI compression chains interleaved (CPUs with SHA-NI but no AVX2)
 *   "armv8-x4"   four ARMv8 SHA1 compression chains interleaved
 *   "serial"     one message at a time through the single-stream kernel (ccf_sha1_best())
 * None has a data-dependent branch or address: keyed HMAC states are safe in every lane.
 * With a group HMAC ("avx512"), jobs run 16 at a time from inner key to MAC: runs of one shape
 * in place, others gathered by their number of blocks (lengths are public), a last few (or a
 * batch smaller than a group) either as a group with repeated lanes or single-stream,
 * whichever costs less.  Otherwise the scheduler hands a lane the next message as soon as its
 * lane finishes; a batch too small to keep enough lanes busy runs single-stream, and when only
 * a few lanes are still busy, they finish with the single-stream kernel.  These choices depend
 * only on the counts and lengths of the jobs (and on the CPU).
 */
#ifndef CCF_SHA1_MB_H
#define CCF_SHA1_MB_H

#include "ccf_sha1.h"

#define CCF_SHA1_MB_MAX_LANES 16

/* One HMAC of a batch: the MAC over m1 || m2 (len2 <= 64) under a precomputed key. */
typedef struct ccf_hmac_sha1_job {
    const ccf_hmac_sha1_key *key;
    const uint8_t *m1;
    size_t len1;
    const uint8_t *m2;
    size_t len2;
    uint8_t mac[20];           /* out: the full 20-byte MAC (truncate as needed) */
} ccf_hmac_sha1_job;

/*
 * A multi-buffer compression: `lanes` independent chaining values kept word-sliced,
 * state[5 * lanes]: word i of lane l at state[i * lanes + l]; blocks[l] points at lane l's next
 * nblocks contiguous 64-byte blocks (every lane advances by nblocks).
 */
typedef struct ccf_sha1_mb_impl {
    const char *name;
    int (*supported)(void);
    unsigned lanes;
    void (*compress)(uint32_t *state, const uint8_t *const *blocks, size_t nblocks);
    /* Optional (NULL: none): the MACs of `lanes` jobs (any lengths, len2 <= 64) in one call,
     * the state kept in registers from the inner key to the outer digest.  Returns 0 and does
     * nothing on a CPU without what it needs beyond `supported`. */
    int (*hmac_group)(ccf_hmac_sha1_job *jobs);
} ccf_sha1_mb_impl;

/* NULL-terminated list, best first (entries may be unsupported here; "serial" always is). */
const ccf_sha1_mb_impl *const *ccf_sha1_mb_impls(void);
/* The best supported entry (after CCFAST_CPU_DISABLE). */
const ccf_sha1_mb_impl *ccf_sha1_mb_best(void);

/*
 * Fill jobs[i].mac for i < n with the best implementation; the jobs may use different keys and
 * lengths.  CCF_ERR_PARAM (nothing written) if a job has len2 > 64.
 */
int ccf_hmac_sha1_many(ccf_hmac_sha1_job *jobs, size_t n);
/* Same with a given implementation (tests); CCF_ERR_PARAM if it is not supported. */
int ccf_hmac_sha1_many_impl(const ccf_sha1_mb_impl *impl, ccf_hmac_sha1_job *jobs, size_t n);

#endif /* CCF_SHA1_MB_H */
