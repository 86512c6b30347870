/*
 * test_chunked.c - C driver for chunked encryption (csrc/chunked) and the hashes its key
 * derivation uses (csrc/sha256, csrc/sha512, csrc/sm3).
 *
 *   - SHA-256 and SHA-512: FIPS 180-2 Appendix A/B/C examples ("abc", the two-block messages,
 *     one million 'a') and the empty message, whole and split at every position;
 *   - HKDF-Expand with SHA-256: RFC 5869 Appendix A.1-A.3 (PRK, info and L to OKM), with the info
 *     given in one piece and split in two;
 *   - c2sp.org/chunked-encryption: Wycheproof's Cobblestone-256 and Cobblestone-128 vectors 1, 2
 *     and 10 (testvectors_v1, the `ct` decompressed): the commitment matches, decryption gives a
 *     message whose SHA-512 is msgSha512, sealing with the vector's salt gives the ciphertext, and
 *     every flipped bit, every truncation and a wrong context fail;
 *   - the chunk loop: seal/open round trips of 0..3 chunks, lengths refused without writing,
 *     the 2^38-chunk limit, a failing chunk zeroing everything the call wrote; a sealing job
 *     in pieces equal to one call (and a late thread finding nothing to do);
 *   - the same with every CPU feature masked off (the portable AES/GHASH/SM4 paths).
 */
#include "ccf_test.h"
#include "ccf_chunked.h"
#include "ccf_sha256.h"
#include "ccf_sha512.h"

/* FIPS 180-2 Appendix B (SHA-256) and C (SHA-512) examples, and the empty message */
static const struct { const char *msg; size_t repeat; const char *sha256, *sha512; } FIPS[] = {
    { "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", NULL },
    { "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
      "mnopqrstnopqrstu", 1, NULL,
      "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
      "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
    { "a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
      "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
      "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b" },
    { "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
      "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
};

/* RFC 5869 Appendix A.1-A.3 (SHA-256): PRK, info, L, OKM */
static const struct { const char *prk, *info; size_t len; const char *okm; } RFC5869[] = {
    { "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", "f0f1f2f3f4f5f6f7f8f9", 42,
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865" },
    { "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
      "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
      "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", 82,
      "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09"
      "da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87" },
    { "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04", "", 42,
      "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8" },
};

/* Wycheproof testvectors_v1 c2sp_chunked_encryption_aes_{256,128}_gcm_test.json (HEAD dac1dd47),
 * tcId 1, 2 and 10, with `ct` zlib-decompressed; the message is known by its SHA-512 only. */
static const struct { int tc; const char *key, *ctx, *ct, *msg_sha512; size_t msg_len; } COBBLESTONE[] = {
    { 1, "59454c4c4f57205355424d4152494e452059454c4c4f57205355424d4152494e", "",
      "43a2e39431cbae0389d3fc86adf46f7c3a24de88d9311617e53f3164cc1d5dc738a66b97f0bf786565c31799c2f463d5"
      "0a7e10046011dc6fc3c939e3a5db7affb6191551669554fb",
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
      "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e", 0 },
    { 2, "59454c4c4f57205355424d4152494e452059454c4c4f57205355424d4152494e", "",
      "a1a1b56f6db58cd1ede0c5c9db62aef20d3f96a6c594bb9252bb38122de91236502b42a1d7fcab820ffa292940d2f86a"
      "dd212cfa42c38df19d3cc9139ee61a5990d3db57433514229beea49a8a72bd",
      "e85f32a85f1d4f7c9b2d36d20eca8435d81253e7075e9dea069eb1b6da48daf9"
      "2ef1797367b520d8a46c4f72cecb85b1daff8887fcb41721d39943d1952fc180", 7 },
    { 10, "59454c4c4f57205355424d4152494e452059454c4c4f57205355424d4152494e", "7465737400636f6e74657874",
      "12ede102c3ef730da4f3d4dbfaf11003683238315befe73b21ebb2246ac19f3a7d50abd2a5a365f7652bda670814dbc8"
      "83ce618256d2d513bd238c2c0dded7614d52bef77bc04273656df97a294323",
      "e85f32a85f1d4f7c9b2d36d20eca8435d81253e7075e9dea069eb1b6da48daf9"
      "2ef1797367b520d8a46c4f72cecb85b1daff8887fcb41721d39943d1952fc180", 7 },
    { 1, "59454c4c4f57205355424d4152494e45", "",
      "187cab8e8e163c24b527dc7cb554eca847e5d7dc592714ea7d7b5967607c6a68302fb25b26e0b032a6d39a239914ea2d"
      "c86aa17ec6d0beb1fdb011c7ad45ed1089aeffe3465fdf59",
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
      "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e", 0 },
    { 2, "59454c4c4f57205355424d4152494e45", "",
      "99ef5b6b98795b7b37a41d6321d8dd472347c76185f40027e921542dd7e4305bb67a175e5088a8a4db92ef4d3419bda9"
      "17dd5099085be2f35cf32165613d4fe58db45dd4619b454586232f2661a2bf",
      "e85f32a85f1d4f7c9b2d36d20eca8435d81253e7075e9dea069eb1b6da48daf9"
      "2ef1797367b520d8a46c4f72cecb85b1daff8887fcb41721d39943d1952fc180", 7 },
};

static uint8_t big[3 * CCF_CHUNKED_SEALED + 64], big2[3 * CCF_CHUNKED_SEALED + 64], big3[3 * CCF_CHUNKED_SEALED];

static void sha256_of(const uint8_t *p, size_t n, size_t split, uint8_t out[32])
{
    ccf_sha256_ctx c;
    ccf_sha256_init(&c);
    ccf_sha256_update(&c, p, split);
    ccf_sha256_update(&c, p + split, n - split);
    ccf_sha256_final(&c, out);
}

static void sha512_of(const uint8_t *p, size_t n, size_t split, uint8_t out[64])
{
    ccf_sha512_ctx c;
    ccf_sha512_init(&c);
    ccf_sha512_update(&c, p, split);
    ccf_sha512_update(&c, p + split, n - split);
    ccf_sha512_final(&c, out);
}

static void test_sha2(void)
{
    uint8_t want[64], got[64];
    size_t i, split, r;
    for (i = 0; i < sizeof(FIPS) / sizeof(FIPS[0]); i++) {
        size_t n = strlen(FIPS[i].msg);
        if (FIPS[i].repeat > 1) {                        /* one million 'a' in pieces of 1000 */
            static uint8_t block[1000];
            ccf_sha256_ctx a;
            ccf_sha512_ctx b;
            memset(block, 'a', sizeof(block));
            ccf_sha256_init(&a);
            ccf_sha512_init(&b);
            for (r = 0; r < FIPS[i].repeat / sizeof(block); r++) {
                ccf_sha256_update(&a, block, sizeof(block));
                ccf_sha512_update(&b, block, sizeof(block));
            }
            ccf_sha256_final(&a, got);
            ccf_test_unhex(FIPS[i].sha256, want, 32);
            ccf_test_eq(got, want, 32, "SHA-256 one million a");
            ccf_sha512_final(&b, got);
            ccf_test_unhex(FIPS[i].sha512, want, 64);
            ccf_test_eq(got, want, 64, "SHA-512 one million a");
            continue;
        }
        for (split = 0; split <= n; split++) {
            if (FIPS[i].sha256) {
                sha256_of((const uint8_t *)FIPS[i].msg, n, split, got);
                ccf_test_unhex(FIPS[i].sha256, want, 32);
                ccf_test_eq(got, want, 32, "SHA-256 FIPS example");
            }
            if (FIPS[i].sha512) {
                sha512_of((const uint8_t *)FIPS[i].msg, n, split, got);
                ccf_test_unhex(FIPS[i].sha512, want, 64);
                ccf_test_eq(got, want, 64, "SHA-512 FIPS example");
            }
        }
    }
}

static void test_hkdf(void)
{
    uint8_t prk[32], info[80], want[82], got[82];
    size_t i, n_info, split;
    for (i = 0; i < sizeof(RFC5869) / sizeof(RFC5869[0]); i++) {
        ccf_test_unhex(RFC5869[i].prk, prk, sizeof(prk));
        n_info = ccf_test_unhex(RFC5869[i].info, info, sizeof(info));
        ccf_test_unhex(RFC5869[i].okm, want, sizeof(want));
        for (split = 0; split <= n_info; split += n_info ? 7 : 1) {
            const uint8_t *seg[2] = { info, info + split };
            size_t lens[2] = { split, n_info - split };
            memset(got, 0, sizeof(got));
            CCF_CHECK(ccf_hkdf_expand(CCF_CHUNKED_SHA256, prk, 32, seg, lens, 2, got, RFC5869[i].len) == CCF_OK,
                      "RFC 5869 A.%u", (unsigned)i + 1);
            ccf_test_eq(got, want, RFC5869[i].len, "RFC 5869 HKDF-Expand OKM");
        }
    }
    CCF_CHECK(ccf_hkdf_expand(CCF_CHUNKED_SHA256, prk, 32, NULL, NULL, 0, got, 255 * 32 + 1) == CCF_ERR_LENGTH,
              "L > 255 * HashLen refused");
    CCF_CHECK(ccf_hkdf_expand(9, prk, 32, NULL, NULL, 0, got, 16) == CCF_ERR_PARAM, "unknown hash refused");
}

static void test_cobblestone(void)
{
    static ccf_chunked c;
    uint8_t key[32], ctx[32], ct[128], msg[64], commitment[32], digest[64], want[64], out[128];
    size_t i, key_len, ctx_len, ct_len, w, bit, cut;
    for (i = 0; i < sizeof(COBBLESTONE) / sizeof(COBBLESTONE[0]); i++) {
        key_len = ccf_test_unhex(COBBLESTONE[i].key, key, sizeof(key));
        ctx_len = ccf_test_unhex(COBBLESTONE[i].ctx, ctx, sizeof(ctx));
        ct_len = ccf_test_unhex(COBBLESTONE[i].ct, ct, sizeof(ct));
        CCF_CHECK(ccf_chunked_derive(&c, CCF_CHUNKED_AES_GCM, CCF_CHUNKED_SHA512, key, key_len, ct, ctx, ctx_len,
                                     commitment) == CCF_OK, "derive tc%d", COBBLESTONE[i].tc);
        ccf_test_eq(commitment, ct + CCF_CHUNKED_SALT, 32, "Cobblestone commitment");
        w = 99;
        CCF_CHECK(ccf_chunked_open(&c, 0, ct + 56, ct_len - 56, 1, msg, &w, NULL) == CCF_OK && w == COBBLESTONE[i].msg_len,
                  "Cobblestone tc%d opens (%u bytes)", COBBLESTONE[i].tc, (unsigned)w);
        sha512_of(msg, w, 0, digest);
        ccf_test_unhex(COBBLESTONE[i].msg_sha512, want, 64);
        ccf_test_eq(digest, want, 64, "Cobblestone message SHA-512");
        memcpy(out, ct, 56);
        CCF_CHECK(ccf_chunked_seal(&c, 0, msg, w, 1, out + 56, &w) == CCF_OK && w + 56 == ct_len, "reseal length");
        ccf_test_eq(out, ct, ct_len, "Cobblestone resealed with the vector's salt");
        for (bit = 0; bit < 8 * (ct_len - 56); bit++) {
            uint64_t bad = 7;
            ct[56 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
            memset(msg, 0xAA, sizeof(msg));
            CCF_CHECK(ccf_chunked_open(&c, 0, ct + 56, ct_len - 56, 1, msg, NULL, &bad) == CCF_ERR_AUTH && bad == 0,
                      "flipped bit %u of the body rejected", (unsigned)bit);
            CCF_CHECK(COBBLESTONE[i].msg_len == 0 || msg[0] == 0, "a failing chunk is zeroed");
            ct[56 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
        for (cut = 0; cut < ct_len - 56; cut++) {
            int rc = ccf_chunked_open(&c, 0, ct + 56, cut, 1, msg, NULL, NULL);
            CCF_CHECK(rc == (cut < CCF_CHUNKED_TAG ? CCF_ERR_LENGTH : CCF_ERR_AUTH), "truncated to %u rejected", (unsigned)cut);
        }
        ccf_chunked_wipe(&c);
        if (ctx_len) {                                   /* the same ciphertext under another context */
            CCF_CHECK(ccf_chunked_derive(&c, CCF_CHUNKED_AES_GCM, CCF_CHUNKED_SHA512, key, key_len, ct, ctx,
                                         ctx_len - 1, commitment) == CCF_OK, "derive");
            CCF_CHECK(memcmp(commitment, ct + 24, 32) != 0, "another context, another commitment");
            ccf_chunked_wipe(&c);
        }
    }
    CCF_CHECK(ccf_chunked_derive(&c, CCF_CHUNKED_AES_GCM, CCF_CHUNKED_SHA512, key, 24, ct, NULL, 0, commitment) ==
              CCF_ERR_KEY_LENGTH, "AES-192 key refused");
    CCF_CHECK(ccf_chunked_derive(&c, CCF_CHUNKED_SM4_GCM, CCF_CHUNKED_SM3, key, 32, ct, NULL, 0, commitment) ==
              CCF_ERR_KEY_LENGTH, "32-byte SM4 key refused");
    CCF_CHECK(ccf_chunked_derive(&c, 7, CCF_CHUNKED_SHA512, key, 16, ct, NULL, 0, commitment) == CCF_ERR_PARAM,
              "unknown AEAD refused");
    CCF_CHECK(ccf_chunked_derive(&c, CCF_CHUNKED_AES_GCM, 0, key, 16, ct, NULL, 0, commitment) == CCF_ERR_PARAM,
              "unknown hash refused");
}

static void test_loop(int aead, int hash, size_t key_len)
{
    static ccf_chunked c;
    uint8_t key[32], salt[24], commitment[32];
    size_t lens[] = { 0, 1, CCF_CHUNKED_CHUNK - 1, CCF_CHUNKED_CHUNK, CCF_CHUNKED_CHUNK + 5,
                      2 * CCF_CHUNKED_CHUNK, 2 * CCF_CHUNKED_CHUNK + 100 };
    size_t i, w, sealed;
    uint64_t bad;
    ccf_test_fill(key, sizeof(key), 1);
    ccf_test_fill(salt, sizeof(salt), 2);
    ccf_test_fill(big3, sizeof(big3), 3);
    CCF_CHECK(ccf_chunked_derive(&c, aead, hash, key, key_len, salt, (const uint8_t *)"ctx", 3, commitment) == CCF_OK,
              "derive aead %d hash %d", aead, hash);
    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        size_t n = lens[i];
        sealed = (size_t)ccf_chunked_sealed_length(n, 1);
        CCF_CHECK(ccf_chunked_seal(&c, 5, big3, n, 1, big, &w) == CCF_OK && w == sealed, "seal %u", (unsigned)n);
        memset(big2, 0xAA, sizeof(big2));
        CCF_CHECK(ccf_chunked_open(&c, 5, big, w, 1, big2, &w, NULL) == CCF_OK && w == n, "open %u", (unsigned)n);
        CCF_CHECK(memcmp(big2, big3, n) == 0, "round trip %u", (unsigned)n);
        CCF_CHECK(ccf_chunked_open(&c, 6, big, sealed, 1, big2, NULL, NULL) == CCF_ERR_AUTH, "wrong first chunk");
        if (n >= CCF_CHUNKED_CHUNK) {                    /* the last chunk fails: nothing released */
            big[sealed - 1] ^= 1;
            memset(big2, 0xAA, sizeof(big2));
            bad = 0;
            CCF_CHECK(ccf_chunked_open(&c, 5, big, sealed, 1, big2, NULL, &bad) == CCF_ERR_AUTH &&
                      bad == 5 + n / CCF_CHUNKED_CHUNK, "bad final chunk %u", (unsigned)bad);
            for (w = 0; w < n && big2[w] == 0; w++) {}
            CCF_CHECK(w == n, "every chunk this call wrote is zeroed (%u of %u)", (unsigned)w, (unsigned)n);
            big[sealed - 1] ^= 1;
        }
    }
    /* a job of whole chunks in pieces equals one seal call */
    {
        static ccf_chunked_job job;
        size_t piece;
        CCF_CHECK(ccf_chunked_seal(&c, 9, big3, 3 * CCF_CHUNKED_CHUNK, 0, big, &w) == CCF_OK, "seal 3 chunks");
        for (piece = 1; piece <= 4; piece++) {
            memset(big2, 0, sizeof(big2));
            CCF_CHECK(ccf_chunked_job_init(&job, &c, 9, big3, 3, big2, piece) == CCF_OK, "job init");
            ccf_chunked_job_run(&job);
            ccf_chunked_job_run(&job);                  /* a late thread: nothing left, returns */
            CCF_CHECK(ccf_chunked_job_wait(&job) == CCF_OK, "job done");
            CCF_CHECK(memcmp(big, big2, w) == 0, "job output, pieces of %u chunks", (unsigned)piece);
        }
        CCF_CHECK(ccf_chunked_job_init(&job, &c, 0, big3, 0, big2, 1) == CCF_ERR_PARAM, "empty job refused");
        CCF_CHECK(ccf_chunked_job_init(&job, &c, 0, big3, 1, big2, 0) == CCF_ERR_PARAM, "zero piece refused");
        CCF_CHECK(ccf_chunked_job_init(&job, &c, CCF_CHUNKED_MAX_CHUNKS - 1, big3, 2, big2, 1) == CCF_ERR_LENGTH,
                  "a job past the chunk limit refused");
    }
    /* lengths refused before anything is written */
    memset(big, 0x55, 32);
    CCF_CHECK(ccf_chunked_seal(&c, 0, big3, 100, 0, big, NULL) == CCF_ERR_LENGTH && big[0] == 0x55,
              "a non-final range must be whole chunks");
    CCF_CHECK(ccf_chunked_open(&c, 0, big3, CCF_CHUNKED_SEALED + 3, 1, big, NULL, NULL) == CCF_ERR_LENGTH,
              "a final chunk shorter than its tag");
    CCF_CHECK(ccf_chunked_open(&c, 0, big3, CCF_CHUNKED_SEALED, 1, big, NULL, NULL) == CCF_ERR_LENGTH,
              "the final chunk missing");
    CCF_CHECK(ccf_chunked_open(&c, 0, big3, CCF_CHUNKED_SEALED - 1, 0, big, NULL, NULL) == CCF_ERR_LENGTH,
              "a non-final range must be whole sealed chunks");
    /* the 2^38-chunk limit: chunk 2^38 - 1 is the last one */
    CCF_CHECK(ccf_chunked_seal(&c, CCF_CHUNKED_MAX_CHUNKS - 1, big3, 10, 1, big, &w) == CCF_OK, "last chunk number");
    CCF_CHECK(ccf_chunked_open(&c, CCF_CHUNKED_MAX_CHUNKS - 1, big, w, 1, big2, NULL, NULL) == CCF_OK, "open it");
    CCF_CHECK(ccf_chunked_seal(&c, CCF_CHUNKED_MAX_CHUNKS - 1, big3, CCF_CHUNKED_CHUNK, 1, big, NULL) == CCF_ERR_LENGTH,
              "a chunk numbered 2^38 refused");
    CCF_CHECK(ccf_chunked_seal(&c, CCF_CHUNKED_MAX_CHUNKS, big3, 0, 1, big, NULL) == CCF_ERR_LENGTH, "first beyond");
    CCF_CHECK(ccf_chunked_open(&c, CCF_CHUNKED_MAX_CHUNKS, big, 16, 1, big2, NULL, NULL) == CCF_ERR_LENGTH, "open beyond");
    ccf_chunked_wipe(&c);
}

static void run_all(void)
{
    test_sha2();
    test_hkdf();
    test_cobblestone();
    test_loop(CCF_CHUNKED_AES_GCM, CCF_CHUNKED_SHA512, 32);
    test_loop(CCF_CHUNKED_AES_GCM, CCF_CHUNKED_SHA256, 16);
    test_loop(CCF_CHUNKED_SM4_GCM, CCF_CHUNKED_SM3, 16);
}

int main(void)
{
    ccf_cpu_init();
    printf("  best implementations\n");
    run_all();
    ccf_cpu_set_disabled(~0u);
    printf("  every CPU feature disabled\n");
    run_all();
    ccf_cpu_set_disabled(0);
    return ccf_test_finish("chunked");
}
