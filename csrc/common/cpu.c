/* Run-time CPU feature detection.  See ccf_cpu.h. */
#include "ccf_cpu.h"
#include "ccf_common.h"

#include <stdlib.h>
#include <string.h>

#if defined(CCF_X86)
#  if defined(CCF_MSVC)
#    include <intrin.h>
#  else
#    include <cpuid.h>
#  endif
#endif
#if defined(CCF_ARM64)
#  if defined(__linux__)
#    include <sys/auxv.h>
#  elif defined(__APPLE__)
#    include <sys/sysctl.h>
#  elif defined(_WIN32)
#    include <windows.h>
#  endif
#endif

static uint32_t detected;
static uint32_t disabled;
static int initialised;

static const char *const feature_names[32] = {
    "sse2", "ssse3", "sse4_1", "aesni", "pclmulqdq", "avx", "avx2", "bmi2",
    "adx", "avx512f", "avx512vl", "avx512bw", "vaes", "vpclmulqdq", "gfni", "sha_ni",
    NULL, NULL, NULL, NULL,
    "neon", "arm_aes", "arm_pmull", "arm_sha1", "arm_sha2", "arm_sm3", "arm_sm4",
    NULL, NULL, NULL, NULL, NULL
};

#if defined(CCF_X86)
static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
#  if defined(CCF_MSVC)
    int v[4];
    __cpuidex(v, (int)leaf, (int)sub);
    r[0] = (uint32_t)v[0]; r[1] = (uint32_t)v[1]; r[2] = (uint32_t)v[2]; r[3] = (uint32_t)v[3];
#  else
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
#  endif
}

static uint64_t xgetbv0(void)
{
#  if defined(CCF_MSVC)
    return _xgetbv(0);
#  else
    uint32_t lo, hi;
    __asm__ __volatile__(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
#  endif
}

static uint32_t detect(void)
{
    uint32_t r[4], max_leaf, f = 0;
    int os_avx = 0, os_avx512 = 0;

    cpuid(0, 0, r);
    max_leaf = r[0];
    if (max_leaf < 1)
        return 0;
    cpuid(1, 0, r);
    if (r[3] & (1u << 26)) f |= CCF_CPU_SSE2;
    if (r[2] & (1u << 9)) f |= CCF_CPU_SSSE3;
    if (r[2] & (1u << 19)) f |= CCF_CPU_SSE41;
    if (r[2] & (1u << 25)) f |= CCF_CPU_AESNI;
    if (r[2] & (1u << 1)) f |= CCF_CPU_PCLMULQDQ;
    /* AVX state is usable only if the OS enabled XSAVE (OSXSAVE) and saves XMM|YMM (XCR0 bits 1,2);
     * AVX-512 additionally needs opmask, ZMM_Hi256 and Hi16_ZMM state (XCR0 bits 5,6,7). */
    if ((r[2] & (1u << 27)) && (r[2] & (1u << 28))) {
        uint64_t xcr0 = xgetbv0();
        os_avx = (xcr0 & 0x6) == 0x6;
        os_avx512 = os_avx && (xcr0 & 0xE0) == 0xE0;
    }
    if (os_avx) f |= CCF_CPU_AVX;
    if (max_leaf >= 7) {
        cpuid(7, 0, r);
        if (os_avx && (r[1] & (1u << 5))) f |= CCF_CPU_AVX2;
        if (r[1] & (1u << 8)) f |= CCF_CPU_BMI2;
        if (r[1] & (1u << 19)) f |= CCF_CPU_ADX;
        if (r[1] & (1u << 29)) f |= CCF_CPU_SHA_NI;
        if (os_avx512 && (r[1] & (1u << 16))) f |= CCF_CPU_AVX512F;
        if (os_avx512 && (r[1] & (1u << 31))) f |= CCF_CPU_AVX512VL;
        if (os_avx512 && (r[1] & (1u << 30))) f |= CCF_CPU_AVX512BW;
        if (os_avx && (r[2] & (1u << 9))) f |= CCF_CPU_VAES;
        if (os_avx && (r[2] & (1u << 10))) f |= CCF_CPU_VPCLMULQDQ;
        if (r[2] & (1u << 8)) f |= CCF_CPU_GFNI;
    }
    return f;
}
#elif defined(CCF_ARM64)
#  if defined(__linux__)
#    ifndef HWCAP_AES
#      define HWCAP_AES (1 << 3)
#    endif
#    ifndef HWCAP_PMULL
#      define HWCAP_PMULL (1 << 4)
#    endif
#    ifndef HWCAP_SHA1
#      define HWCAP_SHA1 (1 << 5)
#    endif
#    ifndef HWCAP_SHA2
#      define HWCAP_SHA2 (1 << 6)
#    endif
#    ifndef HWCAP_SM3
#      define HWCAP_SM3 (1 << 18)
#    endif
#    ifndef HWCAP_SM4
#      define HWCAP_SM4 (1 << 19)
#    endif
static uint32_t detect(void)
{
    unsigned long hw = getauxval(AT_HWCAP);
    uint32_t f = CCF_CPU_NEON;
    if (hw & HWCAP_AES) f |= CCF_CPU_ARM_AES;
    if (hw & HWCAP_PMULL) f |= CCF_CPU_ARM_PMULL;
    if (hw & HWCAP_SHA1) f |= CCF_CPU_ARM_SHA1;
    if (hw & HWCAP_SHA2) f |= CCF_CPU_ARM_SHA2;
    if (hw & HWCAP_SM3) f |= CCF_CPU_ARM_SM3;
    if (hw & HWCAP_SM4) f |= CCF_CPU_ARM_SM4;
    return f;
}
#  elif defined(__APPLE__)
static int sysctl_flag(const char *name)
{
    int v = 0;
    size_t len = sizeof(v);
    return sysctlbyname(name, &v, &len, NULL, 0) == 0 && v != 0;
}
static uint32_t detect(void)
{
    uint32_t f = CCF_CPU_NEON;
    if (sysctl_flag("hw.optional.arm.FEAT_AES")) f |= CCF_CPU_ARM_AES;
    if (sysctl_flag("hw.optional.arm.FEAT_PMULL")) f |= CCF_CPU_ARM_PMULL;
    if (sysctl_flag("hw.optional.arm.FEAT_SHA1")) f |= CCF_CPU_ARM_SHA1;
    if (sysctl_flag("hw.optional.arm.FEAT_SHA256")) f |= CCF_CPU_ARM_SHA2;
    /* Apple cores have no SM3/SM4 instructions. */
    return f;
}
#  elif defined(_WIN32)
static uint32_t detect(void)
{
    uint32_t f = CCF_CPU_NEON;
    /* PF_ARM_V8_CRYPTO_INSTRUCTIONS_AVAILABLE = 30 covers AES, PMULL, SHA1 and SHA2. */
    if (IsProcessorFeaturePresent(30))
        f |= CCF_CPU_ARM_AES | CCF_CPU_ARM_PMULL | CCF_CPU_ARM_SHA1 | CCF_CPU_ARM_SHA2;
    return f;
}
#  else
static uint32_t detect(void) { return CCF_CPU_NEON; }
#  endif
#else
static uint32_t detect(void) { return 0; }
#endif

/* see ccf_cpu.h */
const char *ccf_cpu_feature_name(unsigned bit)
{
    return bit < 32 ? feature_names[bit] : NULL;
}

/* see ccf_cpu.h */
uint32_t ccf_cpu_parse_list(const char *list, int *unknown)
{
    uint32_t mask = 0;
    int bad = 0;
    const char *p = list;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        /* trim blanks */
        while (len && (*p == ' ' || *p == '\t')) { p++; len--; }
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
        if (len) {
            unsigned i;
            int found = 0;
            if (len == 3 && (memcmp(p, "all", 3) == 0 || memcmp(p, "ALL", 3) == 0)) {
                mask = 0xFFFFFFFFu;
                found = 1;
            }
            for (i = 0; i < 32 && !found; i++) {
                const char *n = feature_names[i];
                if (n && strlen(n) == len && memcmp(n, p, len) == 0) {
                    mask |= 1u << i;
                    found = 1;
                }
            }
            if (!found)
                bad++;
        }
        p = end ? end + 1 : NULL;
    }
    if (unknown)
        *unknown = bad;
    return mask;
}

/* see ccf_cpu.h */
void ccf_cpu_init(void)
{
    const char *env;
    if (initialised)
        return;
    detected = detect();
    env = getenv("CCFAST_CPU_DISABLE");
    disabled = env ? ccf_cpu_parse_list(env, NULL) : 0;
    initialised = 1;
}

/* see ccf_cpu.h */
uint32_t ccf_cpu_features(void)
{
    ccf_cpu_init();
    return detected & ~disabled;
}

/* see ccf_cpu.h */
uint32_t ccf_cpu_features_detected(void)
{
    ccf_cpu_init();
    return detected;
}

/* see ccf_cpu.h */
int ccf_cpu_has(uint32_t need)
{
    return (ccf_cpu_features() & need) == need;
}

/* see ccf_cpu.h */
void ccf_cpu_set_disabled(uint32_t mask)
{
    ccf_cpu_init();
    disabled = mask;
}
