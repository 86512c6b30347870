/* Merkle tree hashing and proof verification of RFC 9162 2.1.  See ccf_tlog.h. */
#include <stdlib.h>

#include "ccf_tlog.h"
#include "ccf_sha256.h"
#include "ccf_sm3.h"

/* Records up to this length go through the multi-buffer kernel (copied behind their 0x00
 * prefix); longer ones are hashed in place.  Groups are bounded so the working buffer stays
 * small (at most GROUP * (SHORT + 1) bytes). */
#define SHORT 4096
#define GROUP 256

/* see ccf_tlog.h */
int ccf_tlog_leaf_hash(int alg, const uint8_t *data, size_t len, uint8_t out[32])
{
    static const uint8_t zero = 0x00;
    if (alg == CCF_TLOG_SM3) {
        ccf_sm3_ctx c;
        ccf_sm3_init(&c);
        ccf_sm3_update(&c, &zero, 1);
        ccf_sm3_update(&c, data, len);
        ccf_sm3_final(&c, out);
        return CCF_OK;
    }
    if (alg == CCF_TLOG_SHA256) {
        ccf_sha256_ctx c;
        ccf_sha256_init(&c);
        ccf_sha256_update(&c, &zero, 1);
        ccf_sha256_update(&c, data, len);
        ccf_sha256_final(&c, out);
        return CCF_OK;
    }
    return CCF_ERR_PARAM;
}

/* Initial values: GB/T 32905-2016 4.1 (SM3), FIPS 180-4 5.3.3 (SHA-256). */
static const uint32_t sm3_iv[8] = {
    0x7380166Fu, 0x4914B2B9u, 0x172442D7u, 0xDA8A0600u, 0xA96F30BCu, 0x163138AAu, 0xE38DEE4Du, 0xB0FB0E4Eu
};
static const uint32_t sha256_iv[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u
};

/* The compression function H(0x01 || left || right) runs on: both hashes pad a 65-byte message
 * the same way (0x80, zeros, the 64-bit big-endian bit length 520) into two blocks. */
typedef struct node_hasher {
    const uint32_t *iv;
    void (*compress)(uint32_t h[8], const uint8_t *blocks, size_t nblocks);
} node_hasher;

static int node_hasher_for(int alg, node_hasher *nh)
{
    if (alg == CCF_TLOG_SM3) {
        nh->iv = sm3_iv;
        nh->compress = ccf_sm3_best()->compress;
    } else if (alg == CCF_TLOG_SHA256) {
        nh->iv = sha256_iv;
        nh->compress = ccf_sha256_best()->compress;
    } else {
        return CCF_ERR_PARAM;
    }
    return CCF_OK;
}

static void node_hash(const node_hasher *nh, const uint8_t left[32], const uint8_t right[32], uint8_t out[32])
{
    uint8_t b[128];
    uint32_t h[8];
    int i;
    b[0] = 0x01;
    memcpy(b + 1, left, 32);
    memcpy(b + 33, right, 32);
    b[65] = 0x80;
    memset(b + 66, 0, 128 - 8 - 66);
    ccf_store64_be(b + 120, 65 * 8);
    memcpy(h, nh->iv, sizeof(h));
    nh->compress(h, b, 2);
    for (i = 0; i < 8; i++)
        ccf_store32_be(out + 4 * i, h[i]);
}

/* see ccf_tlog.h */
int ccf_tlog_node_hash(int alg, const uint8_t left[32], const uint8_t right[32], uint8_t out[32])
{
    node_hasher nh;
    if (node_hasher_for(alg, &nh) != CCF_OK)
        return CCF_ERR_PARAM;
    node_hash(&nh, left, right, out);
    return CCF_OK;
}

/* see ccf_tlog.h */
int ccf_tlog_leaf_hashes(int alg, const uint8_t *const *recs, const size_t *lens, size_t n,
                         uint8_t (*out)[32])
{
    const uint8_t *msgs[GROUP];
    size_t mlens[GROUP], idx[GROUP];
    uint8_t (*tmp)[32];
    uint8_t *buf;
    size_t i = 0, g, off;
    int rc = CCF_OK;
    if (alg == CCF_TLOG_SHA256) {
        for (i = 0; i < n; i++)
            (void)ccf_tlog_leaf_hash(alg, recs[i], lens[i], out[i]);
        return CCF_OK;
    }
    if (alg != CCF_TLOG_SM3)
        return CCF_ERR_PARAM;
    buf = (uint8_t *)malloc((size_t)GROUP * (SHORT + 1));
    tmp = (uint8_t (*)[32])malloc((size_t)GROUP * 32);
    if (!buf || !tmp) {
        free(buf);
        free(tmp);
        return CCF_ERR_NOMEM;
    }
    while (i < n) {
        /* gather up to GROUP short records; long ones met on the way are hashed in place */
        for (g = 0, off = 0; i < n && g < GROUP; i++) {
            if (lens[i] > SHORT) {
                (void)ccf_tlog_leaf_hash(alg, recs[i], lens[i], out[i]);
                continue;
            }
            buf[off] = 0x00;
            if (lens[i])
                memcpy(buf + off + 1, recs[i], lens[i]);
            msgs[g] = buf + off;
            mlens[g] = lens[i] + 1;
            idx[g] = i;
            off += lens[i] + 1;
            g++;
        }
        if (g) {
            rc = ccf_sm3_digest_many(msgs, mlens, g, tmp);
            if (rc != CCF_OK)
                break;
            while (g--)
                memcpy(out[idx[g]], tmp[g], 32);
        }
    }
    free(buf);
    free(tmp);
    return rc;
}

/* see ccf_tlog.h */
int ccf_tlog_node_hashes(int alg, const uint8_t (*in)[32], size_t n, uint8_t (*out)[32])
{
    const uint8_t *msgs[GROUP];
    size_t mlens[GROUP];
    uint8_t *buf;
    size_t i, g, k;
    int rc = CCF_OK;
    if (alg != CCF_TLOG_SM3 && alg != CCF_TLOG_SHA256)
        return CCF_ERR_PARAM;
    buf = (uint8_t *)malloc((size_t)GROUP * 65);
    if (!buf)
        return CCF_ERR_NOMEM;
    for (k = 0; k < GROUP; k++) {
        msgs[k] = buf + 65 * k;
        mlens[k] = 65;
    }
    for (i = 0; i < n; i += g) {
        g = n - i < GROUP ? n - i : GROUP;
        for (k = 0; k < g; k++) {
            buf[65 * k] = 0x01;
            memcpy(buf + 65 * k + 1, in[2 * (i + k)], 64);
        }
        if (alg == CCF_TLOG_SM3) {
            rc = ccf_sm3_digest_many(msgs, mlens, g, out + i);
            if (rc != CCF_OK)
                break;
        } else {
            node_hasher nh;
            (void)node_hasher_for(alg, &nh);
            for (k = 0; k < g; k++)
                node_hash(&nh, buf + 65 * k + 1, buf + 65 * k + 33, out[i + k]);
        }
    }
    free(buf);
    return rc;
}

/* see ccf_tlog.h; the steps are numbered as in RFC 9162 2.1.3.2. */
int ccf_tlog_verify_inclusion(int alg, uint64_t index, uint64_t size, const uint8_t leaf[32],
                              const uint8_t (*proof)[32], size_t plen, const uint8_t root[32])
{
    uint64_t fn, sn;
    uint8_t r[32];
    size_t i;
    node_hasher nh;
    if (node_hasher_for(alg, &nh) != CCF_OK)
        return CCF_ERR_PARAM;
    if (index >= size)                                      /* 1 */
        return CCF_ERR_AUTH;
    fn = index;                                             /* 2 */
    sn = size - 1;
    memcpy(r, leaf, 32);                                    /* 3 */
    for (i = 0; i < plen; i++) {                            /* 4 */
        if (sn == 0)                                        /* 4a */
            return CCF_ERR_AUTH;
        if ((fn & 1) || fn == sn) {                         /* 4b */
            node_hash(&nh, proof[i], r, r);
            if (!(fn & 1))
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            node_hash(&nh, r, proof[i], r);
        }
        fn >>= 1;                                           /* 4c */
        sn >>= 1;
    }
    if (sn != 0 || memcmp(r, root, 32) != 0)                /* 5 */
        return CCF_ERR_AUTH;
    return CCF_OK;
}

/* see ccf_tlog.h; the steps are numbered as in RFC 9162 2.1.4.2. */
int ccf_tlog_verify_consistency(int alg, uint64_t first, uint64_t second, const uint8_t (*proof)[32],
                                size_t plen, const uint8_t first_root[32], const uint8_t second_root[32])
{
    uint64_t fn, sn;
    uint8_t fr[32], sr[32];
    const uint8_t *c;
    size_t i, start;
    node_hasher nh;
    if (node_hasher_for(alg, &nh) != CCF_OK)
        return CCF_ERR_PARAM;
    if (first == 0 || first > second)
        return CCF_ERR_AUTH;
    if (first == second)                                    /* the same tree: nothing to prove */
        return (plen == 0 && memcmp(first_root, second_root, 32) == 0) ? CCF_OK : CCF_ERR_AUTH;
    if (plen == 0)                                          /* 1 */
        return CCF_ERR_AUTH;
    /* 2: when first is a power of 2, first_root is the path's implicit first element */
    start = ((first & (first - 1)) == 0) ? 1 : 0;
    fn = first - 1;                                         /* 3 */
    sn = second - 1;
    while (fn & 1) {                                        /* 4 */
        fn >>= 1;
        sn >>= 1;
    }
    c = start ? first_root : proof[0];                      /* 5 */
    memcpy(fr, c, 32);
    memcpy(sr, c, 32);
    for (i = 1 - start; i < plen; i++) {                    /* 6 */
        c = proof[i];
        if (sn == 0)                                        /* 6a */
            return CCF_ERR_AUTH;
        if ((fn & 1) || fn == sn) {                         /* 6b */
            node_hash(&nh, c, fr, fr);
            node_hash(&nh, c, sr, sr);
            if (!(fn & 1))
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            node_hash(&nh, sr, c, sr);
        }
        fn >>= 1;                                           /* 6c */
        sn >>= 1;
    }
    /* 7 */
    if (sn != 0 || memcmp(fr, first_root, 32) != 0 || memcmp(sr, second_root, 32) != 0)
        return CCF_ERR_AUTH;
    return CCF_OK;
}
