/*
 * sm2_portable.c - SM2 point arithmetic over the portable Montgomery multiplication
 * ("portable64" with a 64x64->128 multiply: unsigned __int128 or MSVC _umul128;
 * "portable32" elsewhere, building each 64-bit product from four 32x32 products).
 * Constant time; no table look-up indexed by secrets.  Also builds the fixed-base comb table.
 */
#include "sm2_impls.h"

/* Montgomery multiplication mod p: SM2_PORTABLE_MUL in sm2_impls.h. */
static void sm2_portable_fe_mul(sm2_fe r, const sm2_fe a, const sm2_fe b) { SM2_PORTABLE_MUL(r, a, b); }
static void sm2_portable_fe_sqr(sm2_fe r, const sm2_fe a) { SM2_PORTABLE_SQR(r, a); }

#define SM2_FN(name) sm2_portable_##name
#define SM2_ATTR static
#define SM2_MUL(r, a, b) SM2_PORTABLE_MUL(r, a, b)
#define SM2_SQR(r, a) SM2_PORTABLE_SQR(r, a)
#include "sm2_ec_tmpl.h"

static int sm2_portable_supported(void) { return 1; }

const sm2_impl ccf_sm2_impl_portable = {
    SM2_PORTABLE_NAME, sm2_portable_supported, sm2_portable_fe_mul, sm2_portable_fe_sqr,
    sm2_portable_fe_inv, sm2_portable_mul_base, sm2_portable_mul_var, sm2_portable_mul_double_vartime,
    sm2_portable_to_affine, sm2_portable_add_vartime,
    sm2_portable_build_ptab, sm2_portable_mul_var_ptab, sm2_portable_mul_double_vartime_ptab,
};

sm2_aff ccf_sm2_comb[SM2_COMB_WINDOWS][SM2_COMB_ENTRIES];

/*
 * Fill ccf_sm2_comb: row i holds (j+1) * 2^(6i) * G for j < 32, affine.  G and its multiples are
 * public.  The Z coordinates of each row are inverted together (Montgomery's batch trick).
 */
void ccf_sm2_build_comb(void)
{
    sm2_jac base, row[SM2_COMB_ENTRIES];
    sm2_fe pre[SM2_COMB_ENTRIES], inv, t;
    int i, j;
    memcpy(base.x, ccf_sm2_g_mont.x, sizeof(sm2_fe));
    memcpy(base.y, ccf_sm2_g_mont.y, sizeof(sm2_fe));
    memcpy(base.z, ccf_sm2_one, sizeof(sm2_fe));
    for (i = 0; i < SM2_COMB_WINDOWS; i++) {
        row[0] = base;
        sm2_portable_dbl(&row[1], &base);
        for (j = 2; j < SM2_COMB_ENTRIES; j++) sm2_portable_add_ct(&row[j], &row[j - 1], &base);
        memcpy(pre[0], row[0].z, sizeof(sm2_fe));
        for (j = 1; j < SM2_COMB_ENTRIES; j++) sm2_portable_fe_mul(pre[j], pre[j - 1], row[j].z);
        sm2_portable_fe_inv(inv, pre[SM2_COMB_ENTRIES - 1]);
        for (j = SM2_COMB_ENTRIES - 1; j >= 0; j--) {
            sm2_fe zi, zi2;
            if (j > 0) { sm2_portable_fe_mul(zi, inv, pre[j - 1]); sm2_portable_fe_mul(inv, inv, row[j].z); }
            else memcpy(zi, inv, sizeof(sm2_fe));
            sm2_portable_fe_sqr(zi2, zi);
            sm2_portable_fe_mul(ccf_sm2_comb[i][j].x, row[j].x, zi2);
            sm2_portable_fe_mul(t, zi2, zi);
            sm2_portable_fe_mul(ccf_sm2_comb[i][j].y, row[j].y, t);
        }
        /* next base: 2^6 * base */
        for (j = 0; j < SM2_COMB_W; j++) sm2_portable_dbl(&base, &base);
    }
}
