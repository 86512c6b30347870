/*
 * test_gcm_many.c - C driver for AES-GCM over many messages (csrc/gcm/ccf_gcm_many.h).
 *
 * For every AES x GHASH pair this CPU supports (and the best pair, which has the VAES-512
 * many-message kernel where the CPU allows): batches mixing keys of 16, 24 and 32 bytes,
 * nonces of 12 bytes and of other lengths, AAD of 0..40 bytes and messages of 0..300 bytes
 * (the kernel takes <= 224 with AAD <= 16; the rest runs message by message), in place or
 * not.  Encrypting, out and tag must equal ccf_aes_gcm_encrypt's; decrypting, out must be the
 * plaintext and tag the tag of the ciphertext (so ccf_aes_gcm_decrypt accepts it), for
 * authentic and for altered ciphertexts alike (nothing is verified by the batch), and in
 * batches mixing both directions; no byte of out past the message may change.  Every batch
 * size 0..72 (passes of four, and a pass of one message left over, which runs through the
 * single-message kernel: ccf_aes_gcm_decrypt_unverified when decrypting).  A nonce of length 0 is refused in its job alone.  Known
 * answer: NIST SP 800-38D test case 4 (gcm-spec).
 */
#include "ccf_test.h"
#include "ccf_gcm_many.h"

static void run(const ccf_aes_impl *aes, const ccf_ghash_impl *gh, size_t n, uint32_t seed, int decrypt)
{
    static uint8_t in[80][320], out[80][320], ct[80][320], aad[80][40], nonce[80][20];
    uint8_t keys[3][32], r[8];
    ccf_aes_gcm g[3];
    ccf_aes_gcm_job jobs[80];
    size_t i, bad = 0;
    for (i = 0; i < 3; i++) {
        ccf_test_fill(keys[i], 32, seed + 17 * (uint32_t)i);
        if (aes)
            ccf_aes_gcm_init_impl(&g[i], keys[i], 16 + 8 * i, aes, gh);
        else
            ccf_aes_gcm_init(&g[i], keys[i], 16 + 8 * i);
    }
    for (i = 0; i < n; i++) {
        ccf_aes_gcm_job *j = &jobs[i];
        ccf_test_fill(r, sizeof(r), seed * 5 + 3 * (uint32_t)i);
        ccf_test_fill(in[i], 320, seed + 19 * (uint32_t)i);
        ccf_test_fill(aad[i], 40, seed + 23 * (uint32_t)i);
        ccf_test_fill(nonce[i], 20, seed + 29 * (uint32_t)i);
        j->key = &g[(seed % 3 == 0) ? 0 : i % 3];
        j->nonce = nonce[i];
        j->nonce_len = r[0] % 7 == 0 ? 1 + r[1] % 19 : 12;
        j->aad = aad[i];
        j->aad_len = r[2] % 5 == 0 ? (size_t)r[3] % 41 : (size_t)(r[3] % 2 ? 12 : 16);
        j->len = r[4] % 3 == 0 ? (size_t)(r[5] | r[6] << 8) % 301 : (size_t)(r[5] % 2 ? 160 : 172 - 12);
        j->decrypt = decrypt == 2 ? r[1] & 1 : decrypt;      /* 2: each job its own direction */
        if (j->decrypt) {
            uint8_t t[16];
            /* the ciphertext to decrypt: from encrypting in[i]; one in five altered */
            ccf_aes_gcm_encrypt(j->key, j->nonce, j->nonce_len, j->aad, j->aad_len, in[i], j->len, ct[i], t);
            if (r[7] % 5 == 0 && j->len)
                ct[i][r[6] % j->len] ^= 1;
        } else {
            memcpy(ct[i], in[i], 320);
        }
        if (r[7] % 2) {                         /* in place */
            memcpy(out[i], ct[i], 320);
            j->in = out[i];
        } else {
            memset(out[i], 0xA5, 320);
            j->in = ct[i];
        }
        j->out = out[i];
    }
    CCF_CHECK(ccf_aes_gcm_crypt_many(jobs, n) == CCF_OK, "crypt_many status");
    for (i = 0; i < n; i++) {
        ccf_aes_gcm_job *j = &jobs[i];
        uint8_t want[320], tag[16];
        size_t k;
        int ok;
        if (!j->decrypt) {
            ccf_aes_gcm_encrypt(j->key, j->nonce, j->nonce_len, j->aad, j->aad_len, in[i], j->len, want, tag);
            ok = memcmp(want, out[i], j->len) == 0 && memcmp(tag, j->tag, 16) == 0;
        } else {
            /* encrypting the plaintext found gives back the ciphertext and the same tag */
            ccf_aes_gcm_encrypt(j->key, j->nonce, j->nonce_len, j->aad, j->aad_len, out[i], j->len, want, tag);
            ok = memcmp(want, ct[i], j->len) == 0 && memcmp(tag, j->tag, 16) == 0;
            ok = ok && ccf_aes_gcm_decrypt(j->key, j->nonce, j->nonce_len, j->aad, j->aad_len, ct[i], j->len,
                                           j->tag, 16, want) == CCF_OK && memcmp(want, out[i], j->len) == 0;
        }
        ok = ok && j->rc == CCF_OK;
        for (k = j->len; k < 320; k++)           /* nothing written past the message */
            ok = ok && out[i][k] == (j->in == out[i] ? ct[i][k] : 0xA5);
        if (!ok && bad++ < 3)
            printf("job %zu: len %zu aad %zu nonce %zu decrypt %d wrong\n", i, j->len, j->aad_len, j->nonce_len, j->decrypt);
    }
    CCF_CHECK(bad == 0, "%s: %zu of %zu jobs wrong (decrypt %d)", ccf_aes_gcm_many_name(&g[0]), bad, n, decrypt);
    for (i = 0; i < 3; i++)
        ccf_aes_gcm_wipe(&g[i]);
}

/* gcm-spec test case 4: AES-128, 60-byte plaintext, 20-byte AAD (through the generic path). */
static void test_kat(void)
{
    uint8_t key[16], iv[12], p[64], a[20], c[64], t[16], out[64];
    ccf_aes_gcm g;
    ccf_aes_gcm_job j, bad;
    ccf_test_unhex("feffe9928665731c6d6a8f9467308308", key, 16);
    ccf_test_unhex("cafebabefacedbaddecaf888", iv, 12);
    ccf_test_unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", p, 60);
    ccf_test_unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", a, 20);
    ccf_test_unhex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091", c, 60);
    ccf_test_unhex("5bc94fbc3221a5db94fae95ae7121a47", t, 16);
    ccf_aes_gcm_init(&g, key, 16);
    memset(&j, 0, sizeof(j));
    j.key = &g; j.nonce = iv; j.nonce_len = 12; j.aad = a; j.aad_len = 20; j.in = p; j.out = out; j.len = 60;
    bad = j;
    bad.nonce_len = 0;
    {
        ccf_aes_gcm_job two[2];
        two[0] = bad;
        two[1] = j;
        CCF_CHECK(ccf_aes_gcm_crypt_many(two, 2) == CCF_ERR_NONCE, "empty nonce accepted");
        CCF_CHECK(two[0].rc == CCF_ERR_NONCE && two[1].rc == CCF_OK, "empty nonce: rc %d / %d", two[0].rc, two[1].rc);
        ccf_test_eq(out, c, 60, "gcm-spec case 4 ciphertext");
        ccf_test_eq(two[1].tag, t, 16, "gcm-spec case 4 tag");
    }
    ccf_aes_gcm_wipe(&g);
}

int main(void)
{
    const ccf_aes_impl *const *al = ccf_aes_impls();
    const ccf_ghash_impl *const *gl = ccf_ghash_impls();
    size_t a, h, n;
    int d;
    ccf_cpu_init();
    test_kat();
    for (a = 0; al[a]; a++)
        for (h = 0; gl[h]; h++) {
            if (!al[a]->supported() || !gl[h]->supported())
                continue;
            for (d = 0; d < 3; d++)
                for (n = 0; n <= 80; n += (n < 72 ? 1 : 8))
                    run(al[a], gl[h], n, (uint32_t)(a * 1000 + h * 100 + n), d);
        }
    {
        uint8_t key[16] = {0};
        ccf_aes_gcm g;
        ccf_aes_gcm_init(&g, key, 16);
        printf("best pair %s: many-message kernel %s\n", ccf_aes_gcm_impl_name(&g), ccf_aes_gcm_many_name(&g));
        CCF_CHECK(strcmp(ccf_aes_gcm_many_name(&g), ccf_aes_gcm_many_best_name()) == 0, "best kernel name");
        ccf_aes_gcm_wipe(&g);
    }
    for (d = 0; d < 3; d++)
        for (n = 0; n <= 80; n += 7)
            run(NULL, NULL, n, (uint32_t)(n + 7 * d), d);
    return ccf_test_finish("gcm_many");
}
