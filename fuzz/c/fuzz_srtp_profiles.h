/* The SRTP profiles the harnesses pick from (input byte mod 10); fuzz/make_corpus.py writes
 * its seeds in this order. */
#ifndef FUZZ_SRTP_PROFILES_H
#define FUZZ_SRTP_PROFILES_H

#include "ccf_srtp.h"

static const int PROFILES[] = {
    CCF_SRTP_AES128_CM_SHA1_80, CCF_SRTP_AES128_CM_SHA1_32, CCF_SRTP_NULL_SHA1_80, CCF_SRTP_NULL_SHA1_32,
    CCF_SRTP_AEAD_AES_128_GCM, CCF_SRTP_AEAD_AES_256_GCM, CCF_SRTP_AES192_CM_SHA1_80,
    CCF_SRTP_AES192_CM_SHA1_32, CCF_SRTP_AES256_CM_SHA1_80, CCF_SRTP_AES256_CM_SHA1_32
};

#endif
