/* Shared helpers of the libFuzzer harnesses: a byte reader over the fuzz input. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct { const uint8_t *p; size_t n; } fuzz_in;

static inline uint8_t fuzz_u8(fuzz_in *in)
{
    uint8_t v = 0;
    if (in->n) { v = in->p[0]; in->p++; in->n--; }
    return v;
}

static inline uint32_t fuzz_u32(fuzz_in *in)
{
    uint32_t v = 0;
    int i;
    for (i = 0; i < 4; i++)
        v = (v << 8) | fuzz_u8(in);
    return v;
}

/* Up to max bytes (fewer if the input runs out); returns how many. */
static inline size_t fuzz_bytes(fuzz_in *in, uint8_t *out, size_t max)
{
    size_t k = in->n < max ? in->n : max;
    memcpy(out, in->p, k);
    in->p += k;
    in->n -= k;
    return k;
}

#define FUZZ_ASSERT(c) do { if (!(c)) { __builtin_trap(); } } while (0)

#endif
