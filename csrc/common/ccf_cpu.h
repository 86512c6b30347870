/*
 * ccf_cpu.h - run-time CPU feature detection, done once, with a mask for tests.
 *
 * ccf_cpu_init() detects the features (x86: CPUID leaves 1 and 7, trusting AVX / AVX-512 only
 * when OSXSAVE is set and XGETBV shows the OS saves their register state; aarch64: getauxval on
 * Linux, sysctlbyname on macOS, IsProcessorFeaturePresent on Windows) and removes those named in
 * the environment variable CCFAST_CPU_DISABLE (comma-separated names, or "all").
 *
 * Every accelerated implementation has a *_supported() check built on ccf_cpu_has(); the
 * dispatchers walk from the most to the least capable implementation.
 */
#ifndef CCF_CPU_H
#define CCF_CPU_H

#include <stdint.h>

enum {
    /* x86 */
    CCF_CPU_SSE2 = 1u << 0,
    CCF_CPU_SSSE3 = 1u << 1,
    CCF_CPU_SSE41 = 1u << 2,
    CCF_CPU_AESNI = 1u << 3,
    CCF_CPU_PCLMULQDQ = 1u << 4,
    CCF_CPU_AVX = 1u << 5,
    CCF_CPU_AVX2 = 1u << 6,
    CCF_CPU_BMI2 = 1u << 7,
    CCF_CPU_ADX = 1u << 8,
    CCF_CPU_AVX512F = 1u << 9,
    CCF_CPU_AVX512VL = 1u << 10,
    CCF_CPU_AVX512BW = 1u << 11,
    CCF_CPU_VAES = 1u << 12,
    CCF_CPU_VPCLMULQDQ = 1u << 13,
    CCF_CPU_GFNI = 1u << 14,
    CCF_CPU_SHA_NI = 1u << 15,
    /* aarch64 */
    CCF_CPU_NEON = 1u << 20,
    CCF_CPU_ARM_AES = 1u << 21,
    CCF_CPU_ARM_PMULL = 1u << 22,
    CCF_CPU_ARM_SHA1 = 1u << 23,
    CCF_CPU_ARM_SHA2 = 1u << 24,
    CCF_CPU_ARM_SM3 = 1u << 25,
    CCF_CPU_ARM_SM4 = 1u << 26
};

/* Detect once (idempotent) and apply CCFAST_CPU_DISABLE.  Not thread-safe on first call:
 * call it from module initialisation. */
void ccf_cpu_init(void);

/* Features after masking; calls ccf_cpu_init() if needed. */
uint32_t ccf_cpu_features(void);

/* Features the hardware has, before masking. */
uint32_t ccf_cpu_features_detected(void);

/* Non-zero when every feature bit in `need` is present (after masking). */
int ccf_cpu_has(uint32_t need);

/* Replace the mask at run time (for the C test driver): features in `disabled` are treated as
 * absent.  Dispatchers read features when a key is set up, so re-initialise keys afterwards. */
void ccf_cpu_set_disabled(uint32_t disabled);

/* Parse a CCFAST_CPU_DISABLE-style list ("all", "avx512f,vaes", ...).  Returns the mask of
 * named features; unknown names are ignored and counted in *unknown (if not NULL). */
uint32_t ccf_cpu_parse_list(const char *list, int *unknown);

/* Name table: ccf_cpu_feature_name(i) for i = 0..31, NULL where no feature has that bit. */
const char *ccf_cpu_feature_name(unsigned bit);

#endif /* CCF_CPU_H */
