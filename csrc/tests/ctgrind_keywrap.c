/*
 * Constant-time check of key wrap with padding (ctgrind method): the KEK schedules (AES forward
 * and inverse, SM4) and the data to wrap are marked undefined for valgrind memcheck, so any
 * branch or memory address that depends on them is reported as a use of uninitialised data.
 * Covers the bitsliced AES inverse cipher, wrapping and unwrapping with AES (run with
 * CCFAST_CPU_DISABLE=all for the portable forward cipher) and SM4, and the integrity checks of
 * unwrapping, whose verdict only is declassified (also on altered input).
 * Run: valgrind --error-exitcode=1 ./prog (built with -DCCF_CTGRIND).
 */
#include <valgrind/memcheck.h>

#include "ccf_test.h"
#include "ccf_aes.h"
#include "ccf_kwp.h"
#include "ccf_sm4.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

int main(void)
{
    static uint8_t key[32], p[40], w[48], back[48];
    static const size_t lens[] = { 1, 7, 8, 9, 20, 32, 33 };
    ccf_aes_key e;
    ccf_aes_dec_key d;
    ccf_sm4_key s;
    size_t i, n;
    int alg, rc;
    ccf_cpu_init();
    ccf_test_fill(key, sizeof key, 1);
    ccf_aes_init(&e, key, 32);
    ccf_aes_dec_init(&d, key, 32);
    ccf_sm4_init(&s, key, 16);
    SECRET(e.sched, sizeof(e.sched));
    SECRET(d.sched, sizeof(d.sched));
    SECRET(s.rk_enc, sizeof(s.rk_enc));
    SECRET(s.rk_dec, sizeof(s.rk_dec));
    for (alg = 0; alg < 2; alg++) {
        for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
            size_t m = lens[i], wl = ccf_kwp_wrapped_len(m);
            ccf_test_fill(p, m, (uint32_t)(m + 5));
            SECRET(p, m);
            rc = alg ? ccf_kwp_sm4_wrap(&s, p, m, w) : ccf_kwp_aes_wrap(&e, p, m, w);
            PUBLIC(w, wl);                                 /* the wrapped key is public */
            CCF_CHECK(rc == CCF_OK, "wrap");
            rc = alg ? ccf_kwp_sm4_unwrap(&s, w, wl, back, &n) : ccf_kwp_aes_unwrap(&d, w, wl, back, &n);
            PUBLIC(back, wl - 8);
            PUBLIC(p, m);
            CCF_CHECK(rc == CCF_OK && n == m && memcmp(back, p, m) == 0, "unwrap %u", (unsigned)m);
            w[wl - 1] ^= 1;                                /* altered: refused without a secret branch */
            rc = alg ? ccf_kwp_sm4_unwrap(&s, w, wl, back, &n) : ccf_kwp_aes_unwrap(&d, w, wl, back, &n);
            CCF_CHECK(rc == CCF_ERR_AUTH, "altered accepted");
        }
    }
    PUBLIC(e.sched, sizeof(e.sched));
    PUBLIC(d.sched, sizeof(d.sched));
    PUBLIC(s.rk_enc, sizeof(s.rk_enc));
    PUBLIC(s.rk_dec, sizeof(s.rk_dec));
    ccf_aes_wipe(&e);
    ccf_aes_dec_wipe(&d);
    ccf_sm4_wipe(&s);
    return ccf_test_finish("ctgrind keywrap");
}
