/* The SRTP profiles the harnesses pick from (input byte mod NPROFILES); fuzz/make_corpus.py
 * writes its seeds in this order. */
#ifndef FUZZ_SRTP_PROFILES_H
#define FUZZ_SRTP_PROFILES_H

#include "ccf_srtp.h"

static const int PROFILES[] = {
    CCF_SRTP_AES128_CM_SHA1_80, CCF_SRTP_AES128_CM_SHA1_32, CCF_SRTP_NULL_SHA1_80, CCF_SRTP_NULL_SHA1_32,
    CCF_SRTP_AEAD_AES_128_GCM, CCF_SRTP_AEAD_AES_256_GCM, CCF_SRTP_AES192_CM_SHA1_80,
    CCF_SRTP_AES192_CM_SHA1_32, CCF_SRTP_AES256_CM_SHA1_80, CCF_SRTP_AES256_CM_SHA1_32,
    CCF_SRTP_AEAD_SM4_GCM
};
#define NPROFILES (sizeof(PROFILES) / sizeof(PROFILES[0]))

/* The header privacy a harness's input asks for: hx bit 0 cryptex, bit 1 ids {1, 3, 200},
 * bits 2..7 one more id (0: none). */
static void fuzz_hdr_params(ccf_srtp_params *p, uint8_t bm[32], uint8_t hx)
{
    unsigned extra = hx >> 2;
    memset(bm, 0, 32);
    if (hx & 2) {
        bm[0] |= 1 << 1 | 1 << 3;
        bm[200 >> 3] |= 1 << (200 & 7);
    }
    if (extra)
        bm[extra >> 3] |= (uint8_t)(1u << (extra & 7));
    p->hdr_ids = bm;
    p->cryptex = hx & 1;
}

#endif
