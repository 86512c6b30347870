/* SRTP key derivation (RFC 3711 4.3.1, RFC 6188 6, RFC 7714 11).  See ccf_srtp.h. */
#include "ccf_srtp.h"

/* see ccf_srtp.h */
int ccf_srtp_kdf_r(const uint8_t *master_key, size_t key_len, const uint8_t master_salt[14],
                   uint8_t label, uint64_t r, uint8_t *out, size_t n)
{
    ccf_aes_key k;
    uint8_t iv[16];
    int i, rc = ccf_aes_init(&k, master_key, key_len);
    if (rc != CCF_OK)
        return rc;
    /* key_id = label || r (8 + 48 bits); x = key_id XOR master_salt (key_id aligned to the
     * right of the 112-bit salt: label on byte 7, r on bytes 8..13); the PRF is AES-CM keyed
     * with the master key over IV = x * 2^16. */
    memcpy(iv, master_salt, 14);
    iv[14] = iv[15] = 0;
    iv[7] ^= label;
    for (i = 0; i < 6; i++)
        iv[8 + i] ^= (uint8_t)(r >> (40 - 8 * i));
    memset(out, 0, n);
    ccf_aes_ctr128(&k, iv, out, out, n);
    ccf_aes_wipe(&k);
    ccf_memzero(iv, sizeof(iv));
    return CCF_OK;
}

/* see ccf_srtp.h */
int ccf_srtp_kdf(const uint8_t *master_key, size_t key_len, const uint8_t master_salt[14],
                 uint8_t label, uint8_t *out, size_t n)
{
    return ccf_srtp_kdf_r(master_key, key_len, master_salt, label, 0, out, n);
}
