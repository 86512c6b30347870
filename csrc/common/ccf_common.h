/*
 * ccf_common.h - shared definitions for every ccfast kernel.
 *
 * Plain C99 (plus compiler intrinsics behind macros); nothing here knows about Python.
 * Status codes are explicit numbers so they can cross the Cython boundary unchanged.
 */
#ifndef CCF_COMMON_H
#define CCF_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum ccf_status {
    CCF_OK = 0,
    CCF_ERR_AUTH = 1,        /* tag / MAC / signature check failed */
    CCF_ERR_KEY_LENGTH = 2,  /* key of an unsupported length */
    CCF_ERR_NONCE = 3,       /* nonce / IV of an unsupported length */
    CCF_ERR_LENGTH = 4,      /* data length not allowed (too long, not a block multiple, ...) */
    CCF_ERR_PARAM = 5,       /* any other bad argument */
    CCF_ERR_PADDING = 6,     /* bad block-cipher padding */
    CCF_ERR_REPLAY = 7,      /* replayed or too old packet */
    CCF_ERR_PACKET = 8,      /* malformed packet */
    CCF_ERR_NOMEM = 9,       /* allocation failed */
    CCF_ERR_POINT = 10,      /* invalid elliptic-curve point */
    CCF_ERR_DECRYPT = 11     /* generic decryption failure (no oracle) */
} ccf_status;

/* ---- compiler portability ------------------------------------------------------------- */

#if defined(_MSC_VER) && !defined(__clang__)
#  define CCF_MSVC 1
#  define CCF_INLINE static __inline
#  define CCF_ALIGN(n) __declspec(align(n))
#  define CCF_NOINLINE __declspec(noinline)
#else
#  define CCF_INLINE static inline
#  define CCF_ALIGN(n) __attribute__((aligned(n)))
#  define CCF_NOINLINE __attribute__((noinline))
#endif

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#  define CCF_X86 1
#  if defined(__x86_64__) || defined(_M_X64)
#    define CCF_X86_64 1
#  endif
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
#  define CCF_ARM64 1
#endif

/*
 * CCF_TARGET("aes,pclmul") compiles one function for an instruction-set extension without
 * putting -maes on the whole extension: the wheel must run on any CPU of its architecture,
 * and run-time dispatch decides which function is called.  MSVC compiles intrinsics without
 * flags, so the macro is empty there.
 */
#if defined(CCF_MSVC)
#  define CCF_TARGET(s)
#else
#  define CCF_TARGET(s) __attribute__((target(s)))
#endif

/* Accelerated x86 code needs GCC >= 8, clang >= 8 or MSVC 2019 (VAES/VPCLMULQDQ/GFNI intrinsics). */
#if defined(CCF_X86_64) && !defined(CCF_NO_ASM) && \
    (defined(CCF_MSVC) || (defined(__clang__) && __clang_major__ >= 8) || \
     (!defined(__clang__) && defined(__GNUC__) && __GNUC__ >= 8))
#  define CCF_HAVE_X86_INTRIN 1
#endif
#if defined(CCF_ARM64) && !defined(CCF_NO_ASM)
#  define CCF_HAVE_ARM_INTRIN 1
#endif

/* Every implementation-table entry (ccf_aes_impl, ccf_ghash_impl, ccf_sm3_impl, ...) begins
 * with these two members, so generic code can list tables and pick entries by name. */
typedef struct ccf_impl_head {
    const char *name;
    int (*supported)(void);
} ccf_impl_head;

/* ---- byte order ----------------------------------------------------------------------- */

CCF_INLINE uint32_t ccf_load32_be(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
CCF_INLINE void ccf_store32_be(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
CCF_INLINE uint32_t ccf_load32_le(const uint8_t *p) {
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}
CCF_INLINE void ccf_store32_le(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
CCF_INLINE uint64_t ccf_load64_be(const uint8_t *p) {
    return ((uint64_t)ccf_load32_be(p) << 32) | ccf_load32_be(p + 4);
}
CCF_INLINE void ccf_store64_be(uint8_t *p, uint64_t v) {
    ccf_store32_be(p, (uint32_t)(v >> 32)); ccf_store32_be(p + 4, (uint32_t)v);
}
CCF_INLINE uint64_t ccf_load64_le(const uint8_t *p) {
    return ((uint64_t)ccf_load32_le(p + 4) << 32) | ccf_load32_le(p);
}
CCF_INLINE void ccf_store64_le(uint8_t *p, uint64_t v) {
    ccf_store32_le(p, (uint32_t)v); ccf_store32_le(p + 4, (uint32_t)(v >> 32));
}
#if defined(CCF_MSVC)
#  include <stdlib.h>
#  define ccf_bswap32(x) _byteswap_ulong(x)
#  define ccf_bswap64(x) _byteswap_uint64(x)
#else
#  define ccf_bswap32(x) __builtin_bswap32(x)
#  define ccf_bswap64(x) __builtin_bswap64(x)
#endif

CCF_INLINE uint32_t ccf_rotl32(uint32_t x, unsigned n) { return (x << (n & 31)) | (x >> ((32 - n) & 31)); }

/* ---- secrets ---------------------------------------------------------------------------- */

/* Zero n bytes in a way the compiler cannot remove (keys, schedules, plaintext on failure). */
void ccf_memzero(void *p, size_t n);

/*
 * Branch-free helpers for secret data (no secret-dependent branches or addresses).
 * Masks are all-ones (true) or all-zeros (false).
 */
CCF_INLINE uint32_t ccf_ct_is_zero32(uint32_t x) {           /* 0xFFFFFFFF if x == 0 */
    return (uint32_t)0 - (uint32_t)(1 ^ ((x | (0u - x)) >> 31));
}
CCF_INLINE uint32_t ccf_ct_eq32(uint32_t a, uint32_t b) { return ccf_ct_is_zero32(a ^ b); }
CCF_INLINE uint32_t ccf_ct_select32(uint32_t mask, uint32_t a, uint32_t b) { return b ^ (mask & (a ^ b)); }
CCF_INLINE uint64_t ccf_ct_select64(uint64_t mask, uint64_t a, uint64_t b) { return b ^ (mask & (a ^ b)); }
CCF_INLINE uint32_t ccf_ct_lt32(uint32_t a, uint32_t b) {     /* 0xFFFFFFFF if a < b (unsigned) */
    return (uint32_t)0 - (uint32_t)((((uint64_t)a - (uint64_t)b) >> 63) & 1);
}

/*
 * CCF_DECLASSIFY(p, n): marks a value computed from secrets as public where the algorithm
 * publishes it anyway (a tag comparison's verdict, an output).  A no-op except in the ctgrind
 * builds (-DCCF_CTGRIND, csrc/tests/ctgrind_*.c), where valgrind memcheck treats secrets as
 * undefined and reports every branch or address that depends on them.
 */
#if defined(CCF_CTGRIND)
#  include <valgrind/memcheck.h>
#  define CCF_DECLASSIFY(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#else
#  define CCF_DECLASSIFY(p, n) ((void)0)
#endif

/*
 * Compare n bytes in constant time over the full length.  Returns 0 when equal, -1 otherwise
 * (libsodium convention), never stopping at the first difference.  The verdict is public.
 * Inline: every packet's tag check calls it, and a tag's length is usually a constant.
 */
CCF_INLINE int ccf_ct_memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
    uint64_t d = 0, u, v;
    size_t i = 0;
    int r;
    /* eight bytes at a time, then the rest; every byte is read whatever the differences */
    for (; i + 8 <= n; i += 8) {
        memcpy(&u, x + i, 8);
        memcpy(&v, y + i, 8);
        d |= u ^ v;
    }
    for (; i < n; i++)
        d |= (uint64_t)(x[i] ^ y[i]);
    /* (d | -d) has its top bit set exactly when d != 0 */
    r = -(int)((d | ((uint64_t)0 - d)) >> 63);
    CCF_DECLASSIFY(&r, sizeof r);
    return r;
}

/*
 * Aligned allocation for key structures (CCF_ALIGN(64) members): Python objects are only
 * 16-byte aligned, so wrappers keep their contexts here.  ccf_free_aligned wipes n bytes first.
 */
void *ccf_alloc_aligned(size_t n, size_t align);
void ccf_free_aligned(void *p, size_t n);

/* Copy src to dst where mask is all-ones, leave dst where mask is zero; branch-free. */
void ccf_ct_cmov(void *dst, const void *src, size_t n, uint32_t mask);

#endif /* CCF_COMMON_H */
