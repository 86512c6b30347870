/*
 * ccf_test.h - tiny harness for the C test drivers (csrc/tests/test_<area>.c).
 *
 * Each driver is a standalone program: it runs its known answers through every implementation
 * the CPU supports (ccf_*_impls() lists them) and prints "N passed, N failed".  The drivers run
 * natively, under valgrind, and cross-compiled for aarch64 under qemu (csrc/tests/run_driver.py).
 */
#ifndef CCF_TEST_H
#define CCF_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccf_common.h"
#include "ccf_cpu.h"

static int ccf_test_passed, ccf_test_failed;

#define CCF_CHECK(cond, ...) do {                                      \
        if (cond) { ccf_test_passed++; }                               \
        else { ccf_test_failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
               printf(__VA_ARGS__); printf("\n"); }                    \
    } while (0)

/* Decode hex (whitespace ignored) into out; returns the byte count. */
static size_t ccf_test_unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *hex; hex++) {
        int v;
        char c = *hex;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else continue;
        if (hi < 0) { hi = v; continue; }
        if (n >= cap) { fprintf(stderr, "hex too long\n"); exit(2); }
        out[n++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    return n;
}

static int ccf_test_eq(const uint8_t *a, const uint8_t *b, size_t n, const char *what)
{
    if (memcmp(a, b, n) == 0) { ccf_test_passed++; return 1; }
    ccf_test_failed++;
    printf("FAIL %s\n  got:  ", what);
    for (size_t i = 0; i < n; i++) printf("%02x", a[i]);
    printf("\n  want: ");
    for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
    printf("\n");
    return 0;
}

/* Deterministic pseudo-random bytes for differential checks between implementations. */
static void ccf_test_fill(uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; p[i] = (uint8_t)(x >> 3); }
}

static int ccf_test_finish(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, ccf_test_passed, ccf_test_failed);
    return ccf_test_failed ? 1 : 0;
}

#endif /* CCF_TEST_H */
