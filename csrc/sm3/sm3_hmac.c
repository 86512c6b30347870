/* HMAC-SM3 (RFC 2104 / GM/T 0042-2015 with SM3) and the SM3 KDF (GB/T 32918.4-2016 5.4.3).
 * See ccf_sm3.h. */
#include "ccf_sm3.h"

/* see ccf_sm3.h */
void ccf_sm3_hmac(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len, uint8_t out[32])
{
    uint8_t k0[64], pad[64], inner[32];
    ccf_sm3_ctx c;
    size_t i;
    memset(k0, 0, sizeof(k0));
    if (key_len > 64)                         /* keys longer than a block are hashed first */
        ccf_sm3(key, key_len, k0);
    else if (key_len)
        memcpy(k0, key, key_len);
    for (i = 0; i < 64; i++)
        pad[i] = (uint8_t)(k0[i] ^ 0x36);
    ccf_sm3_init(&c);
    ccf_sm3_update(&c, pad, 64);
    ccf_sm3_update(&c, msg, msg_len);
    ccf_sm3_final(&c, inner);
    for (i = 0; i < 64; i++)
        pad[i] = (uint8_t)(k0[i] ^ 0x5C);
    ccf_sm3_init(&c);
    ccf_sm3_update(&c, pad, 64);
    ccf_sm3_update(&c, inner, 32);
    ccf_sm3_final(&c, out);
    ccf_memzero(k0, sizeof(k0));
    ccf_memzero(pad, sizeof(pad));
    ccf_memzero(inner, sizeof(inner));
}

/* see ccf_sm3.h */
int ccf_sm3_kdf(const uint8_t *z, size_t z_len, uint8_t *out, size_t out_len)
{
    uint8_t ct[4], block[32];
    uint32_t i = 1;
    ccf_sm3_ctx base, c;
    uint64_t nblocks = ((uint64_t)out_len + 31) / 32;
    if (nblocks > 0xFFFFFFFFu)                /* the counter is 32 bits */
        return CCF_ERR_LENGTH;
    ccf_sm3_init(&base);
    ccf_sm3_update(&base, z, z_len);          /* Z's whole blocks are hashed once */
    while (out_len) {
        size_t n = out_len < 32 ? out_len : 32;
        ccf_store32_be(ct, i++);
        c = base;
        ccf_sm3_update(&c, ct, 4);
        ccf_sm3_final(&c, block);
        memcpy(out, block, n);
        out += n;
        out_len -= n;
    }
    ccf_memzero(&base, sizeof(base));
    ccf_memzero(block, sizeof(block));
    return CCF_OK;
}
