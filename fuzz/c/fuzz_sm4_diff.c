/*
 * Differential SM4: every SM4 implementation this CPU runs (and, for GCM, every GHASH one)
 * must equal the constant-time ct64 on arbitrary keys, IVs, nonces, AAD and messages in ECB,
 * CBC, CTR (128- and 32-bit counters), GCM and CCM, decrypt its own output, and refuse a
 * changed tag.  Block counts up to 128 cross every implementation's widest stride.
 * Input: key (16), IV (16), GCM nonce length, CCM nonce length and tag length, AAD length,
 * then nonce, AAD and message bytes.
 */
#include "ccf_sm4.h"
#include "ccf_cpu.h"
#include "fuzz_common.h"

#define MAXMSG 2048

typedef struct {
    uint8_t ecb[MAXMSG], cbc[MAXMSG], ctr128[MAXMSG], ctr32[MAXMSG], gcm[MAXMSG], ccm[MAXMSG];
    uint8_t gcm_tag[16], ccm_tag[16];
    int ccm_rc;
} sm4_outputs;

static void run_impl(const ccf_sm4_impl *impl, const ccf_ghash_impl *gh, const uint8_t key[16],
                     const uint8_t iv[16], const uint8_t *nonce, size_t gnl, size_t cnl, size_t tl,
                     const uint8_t *aad, size_t al, const uint8_t *msg, size_t ml, sm4_outputs *o)
{
    static ccf_sm4_key k;
    static ccf_sm4_gcm g;
    static uint8_t back[MAXMSG];
    size_t whole = ml / 16 * 16;
    uint8_t ctr[16];
    FUZZ_ASSERT(ccf_sm4_init_impl(&k, key, 16, impl) == CCF_OK);
    ccf_sm4_encrypt_blocks(&k, msg, o->ecb, whole / 16);
    ccf_sm4_decrypt_blocks(&k, o->ecb, back, whole / 16);
    FUZZ_ASSERT(memcmp(back, msg, whole) == 0);
    FUZZ_ASSERT(ccf_sm4_cbc_encrypt(&k, iv, msg, o->cbc, whole) == CCF_OK);
    FUZZ_ASSERT(ccf_sm4_cbc_decrypt(&k, iv, o->cbc, back, whole) == CCF_OK);
    FUZZ_ASSERT(memcmp(back, msg, whole) == 0);
    memcpy(ctr, iv, 16);
    ccf_sm4_ctr128(&k, ctr, msg, o->ctr128, ml);
    memcpy(ctr, iv, 16);
    ccf_sm4_ctr32(&k, ctr, msg, o->ctr32, ml);
    o->ccm_rc = ccf_sm4_ccm_encrypt(&k, nonce, cnl, aad, al, msg, ml, o->ccm, o->ccm_tag, tl);
    if (o->ccm_rc == CCF_OK) {
        FUZZ_ASSERT(ccf_sm4_ccm_decrypt(&k, nonce, cnl, aad, al, o->ccm, ml, o->ccm_tag, tl, back) == CCF_OK);
        FUZZ_ASSERT(memcmp(back, msg, ml) == 0);
        o->ccm_tag[0] ^= 0x80;
        FUZZ_ASSERT(ccf_sm4_ccm_decrypt(&k, nonce, cnl, aad, al, o->ccm, ml, o->ccm_tag, tl, back) == CCF_ERR_AUTH);
        o->ccm_tag[0] ^= 0x80;
    }
    if (ccf_sm4_gcm_init_impl(&g, key, 16, impl, gh) != CCF_OK)
        __builtin_trap();
    FUZZ_ASSERT(ccf_sm4_gcm_encrypt(&g, nonce, gnl, aad, al, msg, ml, o->gcm, o->gcm_tag) == CCF_OK);
    FUZZ_ASSERT(ccf_sm4_gcm_decrypt(&g, nonce, gnl, aad, al, o->gcm, ml, o->gcm_tag, 16, back) == CCF_OK);
    FUZZ_ASSERT(memcmp(back, msg, ml) == 0);
    o->gcm_tag[15] ^= 1;
    FUZZ_ASSERT(ccf_sm4_gcm_decrypt(&g, nonce, gnl, aad, al, o->gcm, ml, o->gcm_tag, 16, back) == CCF_ERR_AUTH);
    o->gcm_tag[15] ^= 1;
    ccf_sm4_gcm_wipe(&g);
    ccf_sm4_wipe(&k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t msg[MAXMSG], aad[256];
    static sm4_outputs ref, got;
    uint8_t key[16], iv[16], nonce[64];
    fuzz_in in = { data, size };
    const ccf_sm4_impl *const *impls = ccf_sm4_impls();
    const ccf_ghash_impl *const *gh = ccf_ghash_impls();
    const ccf_sm4_impl *ct = NULL;
    const ccf_ghash_impl *gh_portable = NULL;
    size_t gnl, cnl, tl, al, ml, whole;
    int i, j;
    ccf_cpu_init();
    memset(key, 0, sizeof(key));
    memset(iv, 0, sizeof(iv));
    memset(nonce, 0, sizeof(nonce));
    fuzz_bytes(&in, key, 16);
    fuzz_bytes(&in, iv, 16);
    gnl = 1 + fuzz_u8(&in) % 64;
    cnl = 6 + fuzz_u8(&in) % 9;                        /* 6..14: both ends out of range once */
    tl = 2 + fuzz_u8(&in) % 16;                        /* 2..17: odd and out-of-range lengths too */
    al = fuzz_u8(&in);
    fuzz_bytes(&in, nonce, gnl > cnl ? gnl : cnl);
    al = fuzz_bytes(&in, aad, al);
    ml = fuzz_bytes(&in, msg, sizeof(msg));
    whole = ml / 16 * 16;
    for (i = 0; impls[i]; i++)
        if (strcmp(impls[i]->name, "ct64") == 0)
            ct = impls[i];
    for (j = 0; gh[j]; j++)
        gh_portable = gh[j];                           /* the last one: portable */
    FUZZ_ASSERT(ct != NULL);
    run_impl(ct, gh_portable, key, iv, nonce, gnl, cnl, tl, aad, al, msg, ml, &ref);
    /* CCM takes nonces of 7..13 bytes and even tags of 4..16 (every message here is short enough) */
    FUZZ_ASSERT((ref.ccm_rc == CCF_OK) == (cnl >= 7 && cnl <= 13 && tl >= 4 && tl <= 16 && !(tl & 1)));
    for (i = 0; impls[i]; i++) {
        if (!impls[i]->supported())
            continue;
        for (j = 0; gh[j]; j++) {
            if (!gh[j]->supported())
                continue;
            run_impl(impls[i], gh[j], key, iv, nonce, gnl, cnl, tl, aad, al, msg, ml, &got);
            FUZZ_ASSERT(memcmp(got.ecb, ref.ecb, whole) == 0);
            FUZZ_ASSERT(memcmp(got.cbc, ref.cbc, whole) == 0);
            FUZZ_ASSERT(memcmp(got.ctr128, ref.ctr128, ml) == 0);
            FUZZ_ASSERT(memcmp(got.ctr32, ref.ctr32, ml) == 0);
            FUZZ_ASSERT(memcmp(got.gcm, ref.gcm, ml) == 0 && memcmp(got.gcm_tag, ref.gcm_tag, 16) == 0);
            FUZZ_ASSERT(got.ccm_rc == ref.ccm_rc);
            if (ref.ccm_rc == CCF_OK)
                FUZZ_ASSERT(memcmp(got.ccm, ref.ccm, ml) == 0 && memcmp(got.ccm_tag, ref.ccm_tag, tl) == 0);
        }
    }
    return 0;
}
