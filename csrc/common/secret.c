/* Secret-handling helpers: wiping and constant-time selection (the comparison is inline in
 * ccf_common.h).  See ccf_common.h. */
#include "ccf_common.h"

#if defined(_WIN32)
#  include <windows.h>
#endif

/* see ccf_common.h */
void ccf_memzero(void *p, size_t n)
{
#if defined(_WIN32)
    SecureZeroMemory(p, n);
#else
    /* A volatile function pointer hides memset from dead-store elimination, and the empty asm
     * with a memory clobber tells the compiler the zeros are observed. */
    static void *(*const volatile memset_v)(void *, int, size_t) = memset;
    memset_v(p, 0, n);
#  if defined(__GNUC__) || defined(__clang__)
    __asm__ __volatile__("" : : "r"(p) : "memory");
#  endif
#endif
}

/* see ccf_common.h */
void ccf_ct_cmov(void *dst, const void *src, size_t n, uint32_t mask)
{
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    uint8_t m = (uint8_t)mask;
    size_t i;
    for (i = 0; i < n; i++)
        d[i] ^= (uint8_t)(m & (d[i] ^ s[i]));
}
