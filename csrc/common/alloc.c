/* Aligned, wiping allocation for key structures.  See ccf_common.h. */
#include "ccf_common.h"

#include <stdlib.h>
#if defined(_WIN32)
#  include <malloc.h>
#endif

/* see ccf_common.h */
void *ccf_alloc_aligned(size_t n, size_t align)
{
    void *p = NULL;
    if (n == 0)
        n = 1;
#if defined(_WIN32)
    p = _aligned_malloc(n, align);
#else
    if (posix_memalign(&p, align < sizeof(void *) ? sizeof(void *) : align, n) != 0)
        p = NULL;
#endif
    if (p)
        memset(p, 0, n);
    return p;
}

/* see ccf_common.h */
void ccf_free_aligned(void *p, size_t n)
{
    if (!p)
        return;
    ccf_memzero(p, n);
#if defined(_WIN32)
    _aligned_free(p);
#else
    free(p);
#endif
}
