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

/* see ccf_tlog.h */
int ccf_tlog_node_hash(int alg, const uint8_t left[32], const uint8_t right[32], uint8_t out[32])
{
    uint8_t m[65];
    m[0] = 0x01;
    memcpy(m + 1, left, 32);
    memcpy(m + 33, right, 32);
    if (alg == CCF_TLOG_SM3)
        ccf_sm3(m, sizeof(m), out);
    else if (alg == CCF_TLOG_SHA256)
        ccf_sha256(m, sizeof(m), out);
    else
        return CCF_ERR_PARAM;
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
            for (k = 0; k < g; k++)
                ccf_sha256(buf + 65 * k, 65, out[i + k]);
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
    if (alg != CCF_TLOG_SM3 && alg != CCF_TLOG_SHA256)
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
            (void)ccf_tlog_node_hash(alg, proof[i], r, r);
            if (!(fn & 1))
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            (void)ccf_tlog_node_hash(alg, r, proof[i], r);
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
    if (alg != CCF_TLOG_SM3 && alg != CCF_TLOG_SHA256)
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
            (void)ccf_tlog_node_hash(alg, c, fr, fr);
            (void)ccf_tlog_node_hash(alg, c, sr, sr);
            if (!(fn & 1))
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            (void)ccf_tlog_node_hash(alg, sr, c, sr);
        }
        fn >>= 1;                                           /* 6c */
        sn >>= 1;
    }
    /* 7 */
    if (sn != 0 || memcmp(fr, first_root, 32) != 0 || memcmp(sr, second_root, 32) != 0)
        return CCF_ERR_AUTH;
    return CCF_OK;
}
