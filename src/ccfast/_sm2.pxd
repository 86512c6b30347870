# Declarations of csrc/sm2 (ccf_sm2.h) and the SM3 calls the SM2 module makes (ccf_sm3.h).
from libc.stdint cimport uint8_t, uint64_t
from ccfast._common cimport ccf_status

cdef extern from "ccf_sm3.h" nogil:
    ctypedef struct ccf_sm3_ctx:
        pass
    void ccf_sm3_init(ccf_sm3_ctx *ctx)
    void ccf_sm3_update(ccf_sm3_ctx *ctx, const uint8_t *data, size_t len)
    void ccf_sm3_final(ccf_sm3_ctx *ctx, uint8_t *out)

cdef extern from "ccf_sm2.h" nogil:
    ctypedef struct ccf_sm2_key:
        uint8_t pub[64]
        int has_private
        int has_ptab
    void ccf_sm2_init()
    const char *ccf_sm2_impl_name()
    const char *ccf_sm2_impl_info(int i, int *supported)
    ccf_status ccf_sm2_impl_select(int i)
    void ccf_sm2_impl_reset()
    ccf_status ccf_sm2_key_set_private(ccf_sm2_key *key, const uint8_t *d)
    void ccf_sm2_key_prepare_sign(ccf_sm2_key *key)
    void ccf_sm2_key_prepare_public(ccf_sm2_key *key)
    ccf_status ccf_sm2_key_set_public(ccf_sm2_key *key, const uint8_t *pub)
    void ccf_sm2_key_wipe(ccf_sm2_key *key)
    void ccf_sm2_key_private_bytes(const ccf_sm2_key *key, uint8_t *d)
    ccf_status ccf_sm2_point_check(const uint8_t *pt)
    ccf_status ccf_sm2_point_decompress(const uint8_t *x, int y_odd, uint8_t *pt)
    ccf_status ccf_sm2_compute_z(const uint8_t *id, size_t id_len, const uint8_t *pub, uint8_t *z)
    ccf_status ccf_sm2_sign_digest(const ccf_sm2_key *key, const uint8_t *e, const uint8_t *k, uint8_t *sig)
    ccf_status ccf_sm2_verify_digest(const ccf_sm2_key *key, const uint8_t *e, const uint8_t *sig)
    ccf_status ccf_sm2_encrypt(const ccf_sm2_key *key, const uint8_t *k, const uint8_t *msg, size_t len,
                               uint8_t *c1, uint8_t *c2, uint8_t *c3)
    ccf_status ccf_sm2_decrypt(const ccf_sm2_key *key, const uint8_t *c1, const uint8_t *c2, size_t len,
                               const uint8_t *c3, uint8_t *out)
    void ccf_sm2_kdf(const uint8_t *z, size_t zlen, uint8_t *out, size_t outlen)
    ccf_status ccf_sm2_kex_point(const ccf_sm2_key *key, const uint8_t *r, const uint8_t *own_R,
                                 const uint8_t *peer_pub, const uint8_t *peer_R, uint8_t *u)
    ccf_status ccf_sm2_mul_base(const uint8_t *r, uint8_t *pt)
