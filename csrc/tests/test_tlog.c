/*
 * test_tlog.c - C driver for SHA-256 (csrc/sha256) and the Merkle tree helpers (csrc/tlog).
 *
 * For every SHA-256 implementation this CPU supports: the FIPS 180-2 Appendix B examples
 * ("abc", the 448-bit message, one million 'a'), the empty message, and a differential check
 * against "portable" on pseudo-random messages of 0..300 bytes fed in uneven pieces.
 * For the tree helpers, with SHA-256: the RFC 6962 reference tree of the Certificate
 * Transparency test suites (leaves, every root of sizes 1..8, inclusion and consistency proofs,
 * as vendored in tests/vectors/tlog/rfc6962_reference_tree.json), verified by
 * ccf_tlog_verify_inclusion / ccf_tlog_verify_consistency and refused when one bit of a proof
 * changes; batches of leaf and node hashes (SM3 through the multi-buffer kernel, SHA-256)
 * against one-at-a-time hashes.
 * Dispatch: with SHA-NI / ARMv8 SHA2 masked off the best SHA-256 is portable, and the batches
 * are rerun with every CPU feature masked.
 */
#include "ccf_test.h"
#include "ccf_sha256.h"
#include "ccf_sm3.h"
#include "ccf_tlog.h"

static const struct { const char *msg; size_t repeat; const char *digest; } FIPS[] = {
    { "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },              /* B.1 */
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },                        /* B.2 */
    { "a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },         /* B.3 */
    { "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },                /* empty */
};

/* The RFC 6962 reference tree (transparency-dev/merkle testonly/constants.go, cmd/proofgen). */
static const char *LEAVES[8] = {
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"
};
static const char *ROOTS[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};
static const struct { unsigned a, b, n; const char *proof[3]; } INCLUSION[] = {   /* leaf index from 1 */
    { 1, 1, 0, { 0 } },
    { 1, 8, 3, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                 "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
    { 6, 8, 3, { "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                 "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                 "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
    { 3, 3, 1, { "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" } },
    { 2, 5, 3, { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                 "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
};
static const struct { unsigned a, b, n; const char *proof[3]; } CONSISTENCY[] = {
    { 1, 1, 0, { 0 } },
    { 1, 8, 3, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                 "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
    { 6, 8, 3, { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                 "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                 "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
    { 2, 5, 2, { "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
    { 6, 7, 3, { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                 "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                 "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
};

extern const ccf_sha256_impl ccf_sha256_impl_portable;

static void test_sha256(const ccf_sha256_impl *impl)
{
    size_t v, r, len;
    uint8_t msg[300], a[32], b[32];
    for (v = 0; v < sizeof(FIPS) / sizeof(FIPS[0]); v++) {
        uint8_t want[32], got[32];
        ccf_sha256_ctx c;
        ccf_test_unhex(FIPS[v].digest, want, sizeof(want));
        CCF_CHECK(ccf_sha256_init_impl(&c, impl) == CCF_OK, "%s init", impl->name);
        for (r = 0; r < FIPS[v].repeat; r++)
            ccf_sha256_update(&c, (const uint8_t *)FIPS[v].msg, strlen(FIPS[v].msg));
        ccf_sha256_final(&c, got);
        ccf_test_eq(got, want, 32, "FIPS 180-2 example");
    }
    for (len = 0; len <= sizeof(msg); len += 7) {
        ccf_sha256_ctx c1, c2;
        size_t off = 0, step = 1;
        ccf_test_fill(msg, len, (uint32_t)len + 77);
        ccf_sha256_init_impl(&c1, impl);
        ccf_sha256_init_impl(&c2, &ccf_sha256_impl_portable);
        while (off < len) {                                     /* uneven pieces */
            size_t n = len - off < step ? len - off : step;
            ccf_sha256_update(&c1, msg + off, n);
            off += n;
            step = step * 3 + 1;
        }
        ccf_sha256_update(&c2, msg, len);
        ccf_sha256_final(&c1, a);
        ccf_sha256_final(&c2, b);
        ccf_test_eq(a, b, 32, "SHA-256 differential vs portable");
    }
}

static void test_reference_tree(void)
{
    uint8_t leaf[8][32], root[8][32], node[32], proof[3][32], bad[3][32], buf[16];
    const uint8_t *recs[8];
    size_t lens[8], i, j, v;
    uint8_t batch[8][32];
    for (i = 0; i < 8; i++) {
        static uint8_t data[8][16];
        lens[i] = ccf_test_unhex(LEAVES[i], data[i], sizeof(data[i]));
        recs[i] = data[i];
        ccf_tlog_leaf_hash(CCF_TLOG_SHA256, data[i], lens[i], leaf[i]);
        ccf_test_unhex(ROOTS[i], root[i], 32);
    }
    (void)buf;
    CCF_CHECK(ccf_tlog_leaf_hashes(CCF_TLOG_SHA256, recs, lens, 8, batch) == CCF_OK, "leaf batch");
    ccf_test_eq(batch[0], leaf[0], 8 * 32, "leaf hashes in a batch");
    ccf_test_eq(leaf[0], root[0], 32, "root of size 1");
    ccf_tlog_node_hash(CCF_TLOG_SHA256, leaf[0], leaf[1], node);
    ccf_test_eq(node, root[1], 32, "root of size 2");
    /* root of 8 from the node batches: 8 leaves -> 4 -> 2 -> 1 */
    ccf_tlog_node_hashes(CCF_TLOG_SHA256, (const uint8_t (*)[32])batch, 4, batch);
    ccf_tlog_node_hashes(CCF_TLOG_SHA256, (const uint8_t (*)[32])batch, 2, batch);
    ccf_tlog_node_hashes(CCF_TLOG_SHA256, (const uint8_t (*)[32])batch, 1, batch);
    ccf_test_eq(batch[0], root[7], 32, "root of size 8 from node batches (in place)");
    for (v = 0; v < sizeof(INCLUSION) / sizeof(INCLUSION[0]); v++) {
        unsigned idx = INCLUSION[v].a - 1, size = INCLUSION[v].b, n = INCLUSION[v].n;
        for (j = 0; j < n; j++)
            ccf_test_unhex(INCLUSION[v].proof[j], proof[j], 32);
        CCF_CHECK(ccf_tlog_verify_inclusion(CCF_TLOG_SHA256, idx, size, leaf[idx], (const uint8_t (*)[32])proof, n,
                                            root[size - 1]) == CCF_OK, "inclusion %u in %u", idx, size);
        CCF_CHECK(ccf_tlog_verify_inclusion(CCF_TLOG_SHA256, idx, size, leaf[idx], (const uint8_t (*)[32])proof, n,
                                            root[size == 1 ? 1 : size - 2]) == CCF_ERR_AUTH, "another root");
        CCF_CHECK(ccf_tlog_verify_inclusion(CCF_TLOG_SHA256, size, size, leaf[idx], (const uint8_t (*)[32])proof, n,
                                            root[size - 1]) == CCF_ERR_AUTH, "index = size");
        for (j = 0; j < n * 256; j++) {
            memcpy(bad, proof, sizeof(proof));
            bad[j / 256][(j % 256) / 8] ^= (uint8_t)(1 << (j % 8));
            CCF_CHECK(ccf_tlog_verify_inclusion(CCF_TLOG_SHA256, idx, size, leaf[idx], (const uint8_t (*)[32])bad, n,
                                                root[size - 1]) == CCF_ERR_AUTH, "bit %zu", j);
        }
        if (n)
            CCF_CHECK(ccf_tlog_verify_inclusion(CCF_TLOG_SHA256, idx, size, leaf[idx], (const uint8_t (*)[32])proof,
                                                n - 1, root[size - 1]) == CCF_ERR_AUTH, "a hash short");
    }
    for (v = 0; v < sizeof(CONSISTENCY) / sizeof(CONSISTENCY[0]); v++) {
        unsigned m = CONSISTENCY[v].a, size = CONSISTENCY[v].b, n = CONSISTENCY[v].n;
        for (j = 0; j < n; j++)
            ccf_test_unhex(CONSISTENCY[v].proof[j], proof[j], 32);
        CCF_CHECK(ccf_tlog_verify_consistency(CCF_TLOG_SHA256, m, size, (const uint8_t (*)[32])proof, n, root[m - 1],
                                              root[size - 1]) == CCF_OK, "consistency %u to %u", m, size);
        CCF_CHECK(ccf_tlog_verify_consistency(CCF_TLOG_SHA256, 0, size, (const uint8_t (*)[32])proof, n, root[m - 1],
                                              root[size - 1]) == CCF_ERR_AUTH, "from size 0");
        for (j = 0; j < n * 256; j++) {
            memcpy(bad, proof, sizeof(proof));
            bad[j / 256][(j % 256) / 8] ^= (uint8_t)(1 << (j % 8));
            CCF_CHECK(ccf_tlog_verify_consistency(CCF_TLOG_SHA256, m, size, (const uint8_t (*)[32])bad, n, root[m - 1],
                                                  root[size - 1]) == CCF_ERR_AUTH, "bit %zu", j);
        }
    }
}

/* Batches against one-at-a-time hashes, for both algorithms, over records of 0..5000 bytes
 * (the long ones take the in-place path). */
static void test_batches(const char *label)
{
    static uint8_t data[300][5001];
    static uint8_t got[300][32], want[300][32], pairs[600][32];
    const uint8_t *recs[300];
    size_t lens[300], i;
    int alg;
    for (i = 0; i < 300; i++) {
        lens[i] = (i * 37) % 260 + (i % 50 == 7 ? 4800 : 0);
        ccf_test_fill(data[i], lens[i], (uint32_t)i + 5);
        recs[i] = data[i];
    }
    ccf_test_fill(pairs[0], sizeof(pairs), 99);
    for (alg = CCF_TLOG_SM3; alg <= CCF_TLOG_SHA256; alg++) {
        CCF_CHECK(ccf_tlog_leaf_hashes(alg, recs, lens, 300, got) == CCF_OK, "%s leaf batch", label);
        for (i = 0; i < 300; i++)
            ccf_tlog_leaf_hash(alg, recs[i], lens[i], want[i]);
        ccf_test_eq(got[0], want[0], sizeof(got), label);
        CCF_CHECK(ccf_tlog_node_hashes(alg, (const uint8_t (*)[32])pairs, 300, got) == CCF_OK, "%s node batch", label);
        for (i = 0; i < 300; i++)
            ccf_tlog_node_hash(alg, pairs[2 * i], pairs[2 * i + 1], want[i]);
        ccf_test_eq(got[0], want[0], sizeof(got), label);
    }
    CCF_CHECK(ccf_tlog_leaf_hashes(7, recs, lens, 3, got) == CCF_ERR_PARAM, "unknown algorithm");
}

int main(void)
{
    const ccf_sha256_impl *const *impls = ccf_sha256_impls();
    size_t i;
    int tested = 0;
    ccf_cpu_init();
    for (i = 0; impls[i]; i++) {
        if (!impls[i]->supported()) {
            printf("skip %s (not supported on this CPU)\n", impls[i]->name);
            continue;
        }
        printf("impl %s\n", impls[i]->name);
        tested++;
        test_sha256(impls[i]);
    }
    CCF_CHECK(tested >= 1, "no implementation ran");
    printf("sm3 multi-buffer %s, sha256 %s\n", ccf_sm3_mb_best()->name, ccf_sha256_best()->name);
    test_reference_tree();
    test_batches("batches (best kernels)");
    ccf_cpu_set_disabled(0xFFFFFFFFu);
    CCF_CHECK(strcmp(ccf_sha256_best()->name, "portable") == 0, "best with every feature disabled is %s",
              ccf_sha256_best()->name);
    test_reference_tree();
    test_batches("batches (portable)");
    ccf_cpu_set_disabled(0);
    return ccf_test_finish("tlog");
}
