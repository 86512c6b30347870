/*
 * ccf_md64.h - block buffering and padding of the Merkle-Damgard hashes with 64-byte blocks
 * and a 64-bit big-endian bit length (SHA-1 and SHA-256, FIPS 180-4 5.1.1; SM3, GB/T 32905
 * 5.2).  Each hash keeps its own context and compression function; these do the rest.
 */
#ifndef CCF_MD64_H
#define CCF_MD64_H

#include <string.h>
#include "ccf_common.h"

typedef void (*ccf_md64_compress_fn)(uint32_t *h, const uint8_t *blocks, size_t nblocks);

/* Feeds len bytes: completes the pending block in buf first, compresses whole blocks straight
 * from data, keeps the tail in buf.  *num is the pending byte count, *nblocks the blocks done. */
CCF_INLINE void ccf_md64_update(ccf_md64_compress_fn compress, uint32_t *h, uint8_t buf[64], size_t *num,
                                uint64_t *nblocks, const uint8_t *data, size_t len)
{
    size_t n;
    if (*num) {
        n = 64 - *num < len ? 64 - *num : len;
        memcpy(buf + *num, data, n);
        *num += n;
        data += n;
        len -= n;
        if (*num < 64)
            return;
        compress(h, buf, 1);
        (*nblocks)++;
        *num = 0;
    }
    n = len / 64;
    if (n) {
        compress(h, data, n);
        *nblocks += n;
        data += 64 * n;
        len -= 64 * n;
    }
    if (len) {
        memcpy(buf, data, len);
        *num = len;
    }
}

/* The final padding: a 1 bit, zeros to 448 mod 512, the 64-bit big-endian bit length of the
 * message; compresses the last one or two blocks into h.  buf is left holding message bytes:
 * the caller wipes its context. */
CCF_INLINE void ccf_md64_pad(ccf_md64_compress_fn compress, uint32_t *h, uint8_t buf[64], size_t num,
                             uint64_t nblocks)
{
    uint64_t bits = (nblocks * 64 + num) * 8;
    buf[num++] = 0x80;
    if (num > 56) {
        memset(buf + num, 0, 64 - num);
        compress(h, buf, 1);
        num = 0;
    }
    memset(buf + num, 0, 56 - num);
    ccf_store64_be(buf + 56, bits);
    compress(h, buf, 1);
}

#endif /* CCF_MD64_H */
