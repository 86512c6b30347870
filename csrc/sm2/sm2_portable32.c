/*
 * sm2_portable32.c - the portable SM2 arithmetic built WITHOUT a 64x64->128 multiply (each
 * 64-bit product from four 32x32->64 products), as 32-bit targets and compilers without
 * unsigned __int128 / _umul128 run it.  On those targets sm2_portable.c already is this code
 * (named "portable32"); on 64-bit targets this second copy exists so that the 32-bit-multiply
 * path is exercised by the tests on the build machine too.  Never chosen automatically there.
 */
#if (defined(__SIZEOF_INT128__) || (defined(_MSC_VER) && defined(_M_X64))) && !defined(CCF_SM2_NO_INT128)
#define CCF_SM2_NO_INT128 1
#include "sm2_impls.h"

#define SM2_FN(name) sm2_portable32_##name
#define SM2_ATTR static
#define SM2_MUL(r, a, b) SM2_PORTABLE_MUL(r, a, b)
#define SM2_SQR(r, a) SM2_PORTABLE_SQR(r, a)
#include "sm2_ec_tmpl.h"

static void sm2_portable32_fe_mul(sm2_fe r, const sm2_fe a, const sm2_fe b) { SM2_PORTABLE_MUL(r, a, b); }
static void sm2_portable32_fe_sqr(sm2_fe r, const sm2_fe a) { SM2_PORTABLE_SQR(r, a); }
static int sm2_portable32_supported(void) { return 1; }

const sm2_impl ccf_sm2_impl_portable32 = {
    SM2_PORTABLE_NAME, sm2_portable32_supported, sm2_portable32_fe_mul, sm2_portable32_fe_sqr,
    sm2_portable32_fe_inv, sm2_portable32_mul_base, sm2_portable32_mul_var, sm2_portable32_mul_double_vartime,
    sm2_portable32_to_affine, sm2_portable32_add_vartime,
    sm2_portable32_build_ptab, sm2_portable32_mul_var_ptab, sm2_portable32_mul_double_vartime_ptab,
};
#else
typedef int ccf_sm2_portable32_unused;   /* ISO C forbids an empty translation unit */
#endif
