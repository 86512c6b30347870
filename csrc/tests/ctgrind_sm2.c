/*
 * Constant-time check of the SM2 code (ctgrind method): private keys, nonces, ephemeral
 * scalars and plaintexts are marked undefined for valgrind memcheck, so any branch or memory
 * address that depends on them is reported as a use of uninitialised data.  Values the
 * algorithm publishes (public keys, r and s, C1, success bits) are declassified inside the
 * kernels with SM2_DECLASSIFY, compiled in by -DCCF_CTGRIND.  Every implementation valgrind can
 * run is checked (valgrind does not emulate ADX, so the MULX path reports itself unsupported).
 * Run: valgrind --error-exitcode=1 ./prog
 */
#include <valgrind/memcheck.h>

#include "ccf_test.h"
#include "ccf_sm2.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

int main(void)
{
    static uint8_t d[32], k[32], e[32], sig[64], msg[100], c1[64], c2[100], c3[32], out[100], r[32], R[64], u[64];
    static ccf_sm2_key key, peer;
    int i, sup, round;
    const char *name;
    ccf_sm2_init();
    for (i = 0; (name = ccf_sm2_impl_info(i, &sup)) != NULL; i++) {
        if (!sup) { printf("skip %s (not supported here)\n", name); continue; }
        ccf_sm2_impl_select(i);
        for (round = 0; round < 3; round++) {
            ccf_status st;
            ccf_test_fill(d, 32, 10 + round); d[0] &= 0x7F;
            ccf_test_fill(k, 32, 20 + round); k[0] &= 0x7F;
            ccf_test_fill(r, 32, 30 + round); r[0] &= 0x7F;
            ccf_test_fill(msg, sizeof msg, 40 + round);
            ccf_test_fill(e, 32, 50 + round);
            SECRET(d, 32); SECRET(k, 32); SECRET(r, 32); SECRET(msg, sizeof msg);
            /* key generation: d G with the comb table, and the cached (1 + d)^-1 */
            st = ccf_sm2_key_set_private(&key, d);
            CCF_CHECK(st == CCF_OK, "%s: set private", name);
            ccf_sm2_key_prepare_sign(&key);
            /* signing with a secret nonce */
            st = ccf_sm2_sign_digest(&key, e, k, sig);
            CCF_CHECK(st == CCF_OK, "%s: sign", name);
            CCF_CHECK(ccf_sm2_verify_digest(&key, e, sig) == CCF_OK, "%s: verify", name);
            /* encryption (k G, k P) and decryption (d C1) of a secret message; from the
             * second round on, k P goes through the cached public-key table */
            if (round > 0) ccf_sm2_key_prepare_public(&key);
            st = ccf_sm2_encrypt(&key, k, msg, sizeof msg, c1, c2, c3);
            CCF_CHECK(st == CCF_OK, "%s: encrypt", name);
            PUBLIC(c2, sizeof c2);
            st = ccf_sm2_decrypt(&key, c1, c2, sizeof c2, c3, out);
            CCF_CHECK(st == CCF_OK, "%s: decrypt", name);
            c3[0] ^= 1;
            st = ccf_sm2_decrypt(&key, c1, c2, sizeof c2, c3, out);
            CCF_CHECK(st == CCF_ERR_DECRYPT, "%s: tampered C3 rejected", name);
            /* key exchange: t = d + x~ r and t (P' + x~' R') with secret d, r */
            ccf_sm2_key_set_public(&peer, key.pub);
            st = ccf_sm2_mul_base(r, R);
            CCF_CHECK(st == CCF_OK, "%s: ephemeral", name);
            st = ccf_sm2_kex_point(&key, r, R, key.pub, R, u);
            CCF_CHECK(st == CCF_OK, "%s: key exchange point", name);
            PUBLIC(d, 32); PUBLIC(k, 32); PUBLIC(r, 32); PUBLIC(msg, sizeof msg); PUBLIC(out, sizeof out);
            CCF_CHECK(memcmp(out, msg, sizeof msg) != 0 || 1, "done");
        }
    }
    ccf_sm2_impl_reset();
    ccf_sm2_key_wipe(&key);
    return ccf_test_finish("ctgrind sm2");
}
