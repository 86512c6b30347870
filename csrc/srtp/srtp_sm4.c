/* AEAD_SM4_GCM key derivation: RFC 3711 4.3.1's PRF with SM4 in place of AES.  See
 * ccf_srtp_ext.h.
 *
 * The profile is RFC 7714's construction with SM4-GCM (RFC 8998) for AES-GCM: 16-byte master
 * key, 12-byte master salt, 16-byte tag, the IVs of RFC 7714 8.1 / 9.1, and this PRF:
 *   x  = (label || r) XOR (master salt zero-padded to 112 bits), label on byte 7, r on 8..13
 *   out = first n bytes of SM4-CTR keyed with the master key from the counter block x * 2^16
 *         (the 128-bit counter block incremented as a whole, as AES-CM)
 * giving k_e (label 0/3, 16 bytes), k_a (1/4, unused by an AEAD), k_s (2/5, 12 bytes), and for
 * RFC 6904 k_he (6, 16 bytes) and k_hs (7, 12 bytes). */
#include "ccf_srtp.h"

/* see ccf_srtp_ext.h */
int ccf_srtp_kdf_sm4_r(const uint8_t master_key[16], const uint8_t master_salt[14], uint8_t label,
                       uint64_t r, uint8_t *out, size_t n)
{
    ccf_sm4_key k;
    uint8_t iv[16];
    int i, rc = ccf_sm4_init(&k, master_key, 16);
    if (rc != CCF_OK)
        return rc;
    memcpy(iv, master_salt, 14);
    iv[14] = iv[15] = 0;
    iv[7] ^= label;
    for (i = 0; i < 6; i++)
        iv[8 + i] ^= (uint8_t)(r >> (40 - 8 * i));
    memset(out, 0, n);
    ccf_sm4_ctr128(&k, iv, out, out, n);
    ccf_sm4_wipe(&k);
    ccf_memzero(iv, sizeof(iv));
    return CCF_OK;
}

/*
 * SM4-GCM of one SRTP packet (NIST SP 800-38D, RFC 8998; the same result as
 * ccf_sm4_gcm_encrypt / _decrypt with a 12-byte IV).  Payloads up to CCF_SM4_GCM_SHORT_MAX
 * bytes take the one-pass kernel (ccf_sm4_gcm_short) where the CPU has it; otherwise, as SM4
 * is latency-bound (32 dependent rounds whatever the block count), one kernel call on
 * up to a register set of blocks costs about what one block does, so the pre-counter block J0
 * and the first 31 counter blocks go through the kernel in one call (the generic GCM makes
 * one call for E(J0) and more for the counter blocks).  Longer payloads continue with
 * ccf_sm4_ctr32.
 */
#define SM4_FIRST 32                  /* blocks of the first kernel call: J0 + 31 */

/* J0 = IV || 1 and the counter blocks after it (inc32) through the kernel in one call, in
 * whole register sets of 16 (the kernels run 8..15 blocks as two latency-bound passes).  Sets
 * *used to the keystream bytes computed (to wipe), next_ctr to the first counter not computed
 * in this call; returns the payload bytes the call covers. */
static size_t sm4_keystream(const ccf_sm4_gcm *g, const uint8_t iv[12], uint8_t ks[16 * SM4_FIRST],
                            size_t len, uint8_t next_ctr[16], size_t *used)
{
    size_t n = (len + 15) / 16, first = n + 1 < SM4_FIRST ? n + 1 : SM4_FIRST, calc, i;
    calc = (first + 15) & ~(size_t)15;
    for (i = 0; i < calc; i++) {
        memcpy(ks + 16 * i, iv, 12);
        ccf_store32_be(ks + 16 * i + 12, (uint32_t)(i + 1));
    }
    memcpy(next_ctr, iv, 12);
    ccf_store32_be(next_ctr + 12, (uint32_t)(first + 1));
    ccf_sm4_encrypt_blocks(&g->sm4, ks, ks, calc);
    *used = 16 * calc;
    return 16 * (first - 1);
}

/* out = in ^ ks over len bytes, 8 at a time */
static void xor_into(uint8_t *out, const uint8_t *in, const uint8_t *ks, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t a, b;
        memcpy(&a, in + i, 8);
        memcpy(&b, ks + i, 8);
        a ^= b;
        memcpy(out + i, &a, 8);
    }
    for (; i < len; i++)
        out[i] = (uint8_t)(in[i] ^ ks[i]);
}

static void ghash_lengths(const ccf_ghash_key *gh, uint8_t y[16], size_t aad_len, size_t len)
{
    uint8_t lens[16];
    ccf_store64_be(lens, (uint64_t)aad_len * 8);
    ccf_store64_be(lens + 8, (uint64_t)len * 8);
    ccf_ghash_update(gh, y, lens, 16);
}

/* see ccf_srtp_ext.h */
int ccf_srtp_sm4_gcm_seal(const ccf_sm4_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                          const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    uint8_t ks[16 * SM4_FIRST], ctr[16], y[16];
    size_t covered, head, used, i;
    if (ccf_sm4_gcm_short(g, iv, aad, aad_len, in, out, len, tag, 16, 0) == CCF_OK)
        return CCF_OK;                                      /* one pass, where the CPU has it */
    memset(y, 0, sizeof(y));
    ccf_ghash_update(&g->ghash, y, aad, aad_len);           /* independent of the SM4 chain */
    covered = sm4_keystream(g, iv, ks, len, ctr, &used);
    head = len < covered ? len : covered;
    xor_into(out, in, ks + 16, head);
    if (len > head)
        ccf_sm4_ctr32(&g->sm4, ctr, in + head, out + head, len - head);
    ccf_ghash_update(&g->ghash, y, out, len);               /* each piece zero-padded to a block */
    ghash_lengths(&g->ghash, y, aad_len, len);
    for (i = 0; i < 16; i++)
        tag[i] = (uint8_t)(y[i] ^ ks[i]);
    ccf_memzero(ks, used);
    ccf_memzero(y, sizeof(y));
    return CCF_OK;
}

/* see ccf_srtp_ext.h */
int ccf_srtp_sm4_gcm_open(const ccf_sm4_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                          const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out)
{
    uint8_t ks[16 * SM4_FIRST], ctr[16], y[16];
    size_t covered, head, used, i;
    int ok = ccf_sm4_gcm_short(g, iv, aad, aad_len, in, out, len, (uint8_t *)(uintptr_t)tag, 16, 1);
    if (ok != CCF_ERR_PARAM)
        return ok;                                          /* one pass: CCF_OK or CCF_ERR_AUTH */
    memset(y, 0, sizeof(y));
    ccf_ghash_update(&g->ghash, y, aad, aad_len);           /* overlaps the SM4 chain below */
    ccf_ghash_update(&g->ghash, y, in, len);
    ghash_lengths(&g->ghash, y, aad_len, len);
    covered = sm4_keystream(g, iv, ks, len, ctr, &used);
    for (i = 0; i < 16; i++)
        y[i] ^= ks[i];
    ok = ccf_ct_memcmp(y, tag, 16) == 0;
    if (ok) {                         /* nothing is written before the tag is checked */
        head = len < covered ? len : covered;
        xor_into(out, in, ks + 16, head);
        if (len > head)
            ccf_sm4_ctr32(&g->sm4, ctr, in + head, out + head, len - head);
    }
    ccf_memzero(ks, used);
    ccf_memzero(y, sizeof(y));
    return ok ? CCF_OK : CCF_ERR_AUTH;
}
