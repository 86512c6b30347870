/*
 * SM2 on arbitrary public inputs: points (uncompressed and compressed), signatures over a
 * digest, and ciphertexts for a fixed private key.  Invariants: no memory error; a point
 * accepted by the check decompresses to itself; verification and decryption answer the same
 * way twice (no state leaks between calls), and a decryption that fails writes nothing.
 */
#include "ccf_sm2.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    static ccf_sm2_key key;
    static uint8_t msg[1024];
    uint8_t pt[64], dec[64], sig[64], e[32], c1[64], c3[32];
    fuzz_in in = { data, size };
    uint8_t what = fuzz_u8(&in);
    size_t n;
    if (!ready) {
        uint8_t d[32];
        int i;
        for (i = 0; i < 32; i++)
            d[i] = (uint8_t)(i + 1);
        ccf_sm2_init();
        if (ccf_sm2_key_set_private(&key, d) != CCF_OK)
            __builtin_trap();
        ccf_sm2_key_prepare_sign(&key);
        ready = 1;
    }
    switch (what % 3) {
    case 0:
        memset(pt, 0, sizeof(pt));
        fuzz_bytes(&in, pt, 64);
        if (ccf_sm2_point_check(pt) == CCF_OK) {
            FUZZ_ASSERT(ccf_sm2_point_decompress(pt, pt[63] & 1, dec) == CCF_OK);
            FUZZ_ASSERT(memcmp(dec, pt, 64) == 0);
        }
        (void)ccf_sm2_point_decompress(pt, what >> 7, dec);
        break;
    case 1:
        memset(sig, 0, sizeof(sig));
        memset(e, 0, sizeof(e));
        fuzz_bytes(&in, e, 32);
        fuzz_bytes(&in, sig, 64);
        FUZZ_ASSERT(ccf_sm2_verify_digest(&key, e, sig) == ccf_sm2_verify_digest(&key, e, sig));
        break;
    default:
        memset(c1, 0, sizeof(c1));
        memset(c3, 0, sizeof(c3));
        fuzz_bytes(&in, c1, 64);
        fuzz_bytes(&in, c3, 32);
        n = fuzz_bytes(&in, msg, sizeof(msg) / 2);
        memset(msg + sizeof(msg) / 2, 0xEE, n);
        if (ccf_sm2_decrypt(&key, c1, msg, n, c3, msg + sizeof(msg) / 2) != CCF_OK) {
            size_t i;
            for (i = 0; i < n; i++)
                FUZZ_ASSERT(msg[sizeof(msg) / 2 + i] == 0xEE || msg[sizeof(msg) / 2 + i] == 0);
        }
        break;
    }
    return 0;
}
