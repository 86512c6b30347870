/*
 * SM2 on arbitrary public inputs: points (uncompressed and compressed), public keys,
 * signatures over a digest, ciphertexts for a fixed private key, and key-exchange peer points.
 * Invariants: no memory error; a point is accepted as a public key exactly when the point check
 * accepts it, and an accepted point decompresses to itself; verification with and without the
 * cached key table agrees; decryption that fails writes nothing but zeros and key exchange
 * refuses bad peer points; every SM2 implementation this CPU runs gives the same answers and
 * outputs as the first one (with bit 6 of the selector byte).
 * Input: selector byte, then the operation's bytes (point 64, digest 32 + signature 64,
 * C1 64 + C3 32 + C2, public key 64 + digest 32 + signature 64, or two peer points 64 + 64).
 */
#include "ccf_sm2.h"
#include "fuzz_common.h"

#define MAXC2 512

typedef struct {
    ccf_status rc, rc2;
    uint8_t out[MAXC2];
    size_t out_len;
} sm2_result;

static void make_key(ccf_sm2_key *key)
{
    uint8_t d[32];
    int i;
    for (i = 0; i < 32; i++)
        d[i] = (uint8_t)(i + 1);
    if (ccf_sm2_key_set_private(key, d) != CCF_OK)
        __builtin_trap();
    ccf_sm2_key_prepare_sign(key);
}

static void run(int what, uint8_t sel, const uint8_t *b, size_t n, sm2_result *r)
{
    static ccf_sm2_key key, pub;
    static const uint8_t r_eph[32] = { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 1 };
    uint8_t buf[64 + 32 + 64], dec[64], own_R[64];
    memset(buf, 0, sizeof(buf));
    memcpy(buf, b, n < sizeof(buf) ? n : sizeof(buf));
    memset(r, 0, sizeof(*r));
    make_key(&key);                                    /* per implementation: tables are its own */
    switch (what) {
    case 0:                                            /* point: check, decompress, as a key */
        r->rc = ccf_sm2_point_check(buf);
        FUZZ_ASSERT(ccf_sm2_key_set_public(&pub, buf) == r->rc);
        if (r->rc == CCF_OK) {
            FUZZ_ASSERT(ccf_sm2_point_decompress(buf, buf[63] & 1, dec) == CCF_OK);
            FUZZ_ASSERT(memcmp(dec, buf, 64) == 0);
        }
        r->rc2 = ccf_sm2_point_decompress(buf, sel >> 7, r->out);
        if (r->rc2 == CCF_OK) {
            FUZZ_ASSERT(ccf_sm2_point_check(r->out) == CCF_OK && memcmp(r->out, buf, 32) == 0);
            FUZZ_ASSERT((r->out[63] & 1) == (sel >> 7));
        }
        r->out_len = r->rc2 == CCF_OK ? 64 : 0;
        break;
    case 1:                                            /* digest || signature, fixed key */
        r->rc = ccf_sm2_verify_digest(&key, buf, buf + 32);
        FUZZ_ASSERT(ccf_sm2_verify_digest(&key, buf, buf + 32) == r->rc);
        break;
    case 2: {                                          /* C1 || C3 || C2 for the fixed key */
        size_t len = n > 96 ? n - 96 : 0;
        if (len > MAXC2)
            len = MAXC2;
        memset(r->out, 0xEE, len);
        r->rc = ccf_sm2_decrypt(&key, buf, b + 96 * (n > 96), len, buf + 64, r->out);
        if (r->rc != CCF_OK) {
            size_t i;
            FUZZ_ASSERT(r->rc == CCF_ERR_DECRYPT);
            for (i = 0; i < len; i++)
                FUZZ_ASSERT(r->out[i] == 0xEE || r->out[i] == 0);
            memset(r->out, 0, len);
        }
        r->out_len = len;
        break;
    }
    case 3:                                            /* public key || digest || signature */
        r->rc = ccf_sm2_key_set_public(&pub, buf);
        if (r->rc == CCF_OK) {
            r->rc2 = ccf_sm2_verify_digest(&pub, buf + 64, buf + 96);
            ccf_sm2_key_prepare_public(&pub);
            FUZZ_ASSERT(ccf_sm2_verify_digest(&pub, buf + 64, buf + 96) == r->rc2);
        }
        break;
    default:                                           /* key exchange: peer static and ephemeral */
        FUZZ_ASSERT(ccf_sm2_mul_base(r_eph, own_R) == CCF_OK);
        r->rc = ccf_sm2_kex_point(&key, r_eph, own_R, buf, buf + 64, r->out);
        if (r->rc == CCF_OK) {
            FUZZ_ASSERT(ccf_sm2_point_check(buf) == CCF_OK && ccf_sm2_point_check(buf + 64) == CCF_OK);
            FUZZ_ASSERT(ccf_sm2_point_check(r->out) == CCF_OK);
            r->out_len = 64;
        } else {
            FUZZ_ASSERT(r->rc == CCF_ERR_POINT);
        }
        break;
    }
    ccf_sm2_key_wipe(&key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    static sm2_result first, other;
    fuzz_in in = { data, size };
    uint8_t sel = fuzz_u8(&in);
    int what = (sel & 0x3F) % 5, i, supported;
    if (!ready) {
        ccf_sm2_init();
        ready = 1;
    }
    ccf_sm2_impl_reset();
    run(what, sel, in.p, in.n, &first);
    if (sel & 0x40) {                                  /* every implementation gives the same */
        for (i = 0; ccf_sm2_impl_info(i, &supported); i++) {
            if (!supported)
                continue;
            FUZZ_ASSERT(ccf_sm2_impl_select(i) == CCF_OK);
            run(what, sel, in.p, in.n, &other);
            FUZZ_ASSERT(other.rc == first.rc && other.rc2 == first.rc2 && other.out_len == first.out_len);
            FUZZ_ASSERT(memcmp(other.out, first.out, first.out_len) == 0);
        }
        ccf_sm2_impl_reset();
    }
    return 0;
}
