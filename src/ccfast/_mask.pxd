# Declarations of the text scanner and the number checks (csrc/mask).
from libc.stdint cimport uint8_t, uint32_t

cdef extern from "ccf_mask.h" nogil:
    enum:
        CCF_MASK_CARD
        CCF_MASK_ID_CN
        CCF_MASK_PHONE_CN
        CCF_MASK_EMAIL
        CCF_MC_PLUS
        CCF_MC_AT
        CCF_MC_X
        CCF_MC_SEP
        CCF_MC_WORD
        CCF_MC_POINT
        CCF_MC_OTHER
    ctypedef struct ccf_mask_match:
        size_t start
        size_t end
        uint32_t kind
        uint32_t prefix
    ctypedef struct ccf_mask_matches:
        ccf_mask_match *m
        size_t n
        size_t cap
    void ccf_mask_init()
    int ccf_mask_class(uint32_t ch)
    int ccf_mask_scan(const void *text, unsigned char_size, size_t n, ccf_mask_matches *out)
    void ccf_mask_matches_free(ccf_mask_matches *m)
    int ccf_mask_parse_number(const void *text, unsigned char_size, size_t n, int kind,
                              uint8_t *digits, size_t *pos, size_t *nd, size_t *prefix)
    size_t ccf_mask_value(const void *text, unsigned char_size, const ccf_mask_match *m, char *out, size_t cap)
    int ccf_mask_apply(void *text, unsigned char_size, const ccf_mask_match *m, uint32_t mask_char, uint32_t floor)
    int ccf_mask_valid_email(const void *text, unsigned char_size, size_t n)
    int ccf_mask_luhn_ok(const uint8_t *d, size_t n)
    int ccf_mask_id_ok(const uint8_t *d, size_t n)
    uint8_t ccf_mask_id_check(const uint8_t *d)
    int ccf_mask_date_ok(unsigned y, unsigned m, unsigned d)
