/*
 * ccf_lock.h - a one-word lock for objects shared between threads (an SRTP session).
 *
 * Uncontended, taking and releasing it is one atomic compare-and-swap and one store: a
 * PyThread lock (a mutex and condition, or a semaphore) costs several times more, which
 * matters on a 100-nanosecond packet path.  A waiter yields the CPU between attempts; holders
 * keep it for at most one batch of packets, never across a blocking call.
 */
#ifndef CCF_LOCK_H
#define CCF_LOCK_H

#if defined(_MSC_VER)
#  include <intrin.h>
#  include <windows.h>
#else
#  include <sched.h>
#endif

typedef struct ccf_lock {
    volatile long held;
} ccf_lock;

/* 1 if taken (acquire ordering), 0 if another holder has it. */
static inline int ccf_lock_try(ccf_lock *l)
{
#if defined(_MSC_VER)
    return _InterlockedCompareExchange(&l->held, 1, 0) == 0;
#else
    long expected = 0;
    return __atomic_compare_exchange_n(&l->held, &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
#endif
}

/* Release (release ordering: everything written while holding it is visible to the next). */
static inline void ccf_lock_release(ccf_lock *l)
{
#if defined(_MSC_VER)
    _InterlockedExchange(&l->held, 0);
#else
    __atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
#endif
}

/* Wait until taken; call without the GIL so the holder can finish. */
static inline void ccf_lock_wait(ccf_lock *l)
{
    while (!ccf_lock_try(l)) {
#if defined(_MSC_VER)
        SwitchToThread();
#else
        sched_yield();
#endif
    }
}

#endif /* CCF_LOCK_H */
