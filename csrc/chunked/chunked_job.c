/*
 * chunked_job.c - whole chunks sealed by several threads that take pieces in turn.
 *
 * Each thread calls ccf_chunked_job_run, which claims the next piece with one atomic add and
 * seals it, until none is left; the thread that must write the output calls it too, then
 * ccf_chunked_job_wait.  A thread that arrives late finds every piece claimed and returns at
 * once without touching the buffers, so a caller never waits for a thread that got no CPU.
 */
#include "ccf_chunked.h"

#if defined(_MSC_VER)
#  include <intrin.h>
#  define FETCH_ADD(p, v) _InterlockedExchangeAdd((p), (v))
#  define LOAD(p) _InterlockedCompareExchange((p), 0, 0)
#  define CAS(p, want, v) (_InterlockedCompareExchange((p), (v), (want)) == (want))
#else
#  define FETCH_ADD(p, v) __atomic_fetch_add((p), (v), __ATOMIC_ACQ_REL)
#  define LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#  define CAS(p, want, v) __extension__ ({ long e_ = (want); \
        __atomic_compare_exchange_n((p), &e_, (v), 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED); })
#endif
#if defined(_WIN32)
#  include <windows.h>
#  define YIELD() SwitchToThread()
#else
#  include <sched.h>
#  define YIELD() sched_yield()
#endif

/* see ccf_chunked.h */
int ccf_chunked_job_init(ccf_chunked_job *j, const ccf_chunked *c, uint64_t first,
                         const uint8_t *in, size_t nchunks, uint8_t *out, size_t piece)
{
    if (piece == 0 || nchunks == 0 || (nchunks + piece - 1) / piece > 0x7fffffffu)
        return CCF_ERR_PARAM;
    if (first >= CCF_CHUNKED_MAX_CHUNKS || nchunks > CCF_CHUNKED_MAX_CHUNKS - first)
        return CCF_ERR_LENGTH;
    j->c = c;
    j->in = in;
    j->out = out;
    j->first = first;
    j->nchunks = nchunks;
    j->piece = piece;
    j->npieces = (long)((nchunks + piece - 1) / piece);
    j->next = 0;
    j->done = 0;
    j->status = CCF_OK;
    return CCF_OK;
}

/* see ccf_chunked.h */
int ccf_chunked_job_run(ccf_chunked_job *j)
{
    int last = 0;
    for (;;) {
        long i = FETCH_ADD(&j->next, 1);
        size_t a, m;
        int rc;
        if (i >= j->npieces)
            return last;
        a = (size_t)i * j->piece;
        m = j->nchunks - a < j->piece ? j->nchunks - a : j->piece;
        rc = ccf_chunked_seal(j->c, j->first + a, j->in + a * CCF_CHUNKED_CHUNK, m * CCF_CHUNKED_CHUNK, 0,
                              j->out + a * CCF_CHUNKED_SEALED, NULL);
        if (rc != CCF_OK)
            (void)CAS(&j->status, CCF_OK, rc);     /* keep the first failure */
        if (FETCH_ADD(&j->done, 1) + 1 == j->npieces)
            last = 1;
    }
}

/* see ccf_chunked.h */
int ccf_chunked_job_wait(ccf_chunked_job *j)
{
    while (LOAD(&j->done) < j->npieces)
        YIELD();
    return (int)LOAD(&j->status);
}
