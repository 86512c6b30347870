/*
 * Constant-time check of chunked encryption's key derivation and chunk loop (ctgrind method):
 * the input key and the plaintext are marked undefined for valgrind memcheck, so any branch or
 * memory address that depends on them (in HKDF over SHA-256, SHA-512 and SM3, the AEAD key
 * set-up, sealing and opening) is reported as a use of uninitialised data.  Only the one-bit
 * verdicts of tag comparisons are declassified (inside ccf_ct_memcmp), and results before the
 * test compares them.  Run with CCFAST_CPU_DISABLE=all: valgrind --error-exitcode=1 ./prog
 */
#include <valgrind/memcheck.h>

#include "ccf_test.h"
#include "ccf_chunked.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static ccf_chunked c;
static uint8_t pt[2 * CCF_CHUNKED_CHUNK + 100], ct[2 * CCF_CHUNKED_SEALED + 200], back[sizeof pt];

int main(void)
{
    static const struct { int aead, hash; size_t key_len; } SUITES[] = {
        { CCF_CHUNKED_AES_GCM, CCF_CHUNKED_SHA256, 16 }, { CCF_CHUNKED_AES_GCM, CCF_CHUNKED_SHA512, 32 },
        { CCF_CHUNKED_SM4_GCM, CCF_CHUNKED_SM3, 16 },
    };
    uint8_t key[200], salt[24], commitment[32];
    size_t i, w = 0, n;
    int rc;
    ccf_cpu_init();
    ccf_test_fill(salt, sizeof salt, 2);
    ccf_test_fill(pt, sizeof pt, 3);
    for (i = 0; i < sizeof SUITES / sizeof SUITES[0]; i++) {
        ccf_test_fill(key, sizeof key, 1);
        SECRET(key, sizeof key);
        SECRET(pt, sizeof pt);
        rc = ccf_chunked_derive(&c, SUITES[i].aead, SUITES[i].hash, key, SUITES[i].key_len, salt,
                                (const uint8_t *)"public context", 14, commitment);
        CCF_CHECK(rc == CCF_OK, "derive");
        rc = ccf_chunked_seal(&c, 0, pt, sizeof pt, 1, ct, &w);
        CCF_CHECK(rc == CCF_OK && w == sizeof ct - 84, "seal");
        PUBLIC(ct, sizeof ct);                      /* ciphertext and tags are published */
        rc = ccf_chunked_open(&c, 0, ct, w, 1, back, &n, NULL);
        CCF_CHECK(rc == CCF_OK && n == sizeof pt, "open");
        ct[w - 1] ^= 1;
        rc = ccf_chunked_open(&c, 0, ct, w, 1, back, &n, NULL);
        CCF_CHECK(rc == CCF_ERR_AUTH, "a bad tag fails");
        PUBLIC(back, sizeof back);
        PUBLIC(pt, sizeof pt);
        CCF_CHECK(back[0] == 0, "what a failed open wrote is zeroed");
        ccf_chunked_wipe(&c);
        /* HKDF-Expand alone with long secret PRKs (hashed first) and secret info */
        {
            uint8_t out[100];
            const uint8_t *seg[1] = { pt };
            size_t len[1] = { 300 };
            rc = ccf_hkdf_expand(SUITES[i].hash, key, sizeof key, seg, len, 1, out, sizeof out);
            CCF_CHECK(rc == CCF_OK, "HKDF-Expand with a 200-byte PRK");
        }
        PUBLIC(key, sizeof key);
    }
    return ccf_test_finish("ctgrind chunked");
}
