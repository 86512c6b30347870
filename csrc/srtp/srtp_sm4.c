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
