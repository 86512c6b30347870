/*
 * aes_ct64_tmpl.h - the bitsliced AES round functions of aes_ct64.c, written once for the
 * plane type CT_T and included once per type: uint64_t (four blocks) and, where the compiler
 * has generic vectors, a pair of uint64_t lanes (eight blocks).  Not a public header.
 *
 * Before including, define CT_T (plane type), CT_SPLAT(x) (a uint64_t constant in every lane)
 * and CT_FN(name) (the name with the type's suffix).  See aes_ct64.c for the layout.
 */

/* ---- S-box ---------------------------------------------------------------------------------- */

/*
 * SubBytes on every byte of the planes.  Inputs U0..U7 are bits 7..0 of the byte (U0 most
 * significant); top linear layer, shared non-linear middle (inversion in GF(2^4)^2 form),
 * bottom linear layer with the affine constant 0x63 folded into the XNORs.
 */
static void CT_FN(sbox)(CT_T q[8])
{
    CT_T x0, x1, x2, x3, x4, x5, x6, x7;
    CT_T y1, y2, y3, y4, y5, y6, y7, y8, y9, y10, y11, y12, y13, y14, y15, y16, y17, y18, y19;
    CT_T y20, y21;
    CT_T z0, z1, z2, z3, z4, z5, z6, z7, z8, z9, z10, z11, z12, z13, z14, z15, z16, z17;
    CT_T t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15, t16, t17, t18;
    CT_T t19, t20, t21, t22, t23, t24, t25, t26, t27, t28, t29, t30, t31, t32, t33, t34, t35;
    CT_T t36, t37, t38, t39, t40, t41, t42, t43, t44, t45, t46, t47, t48, t49, t50, t51, t52;
    CT_T t53, t54, t55, t56, t57, t58, t59, t60, t61, t62, t63, t64, t65, t66, t67;
    CT_T s0, s1, s2, s3, s4, s5, s6, s7;

    x0 = q[7]; x1 = q[6]; x2 = q[5]; x3 = q[4];
    x4 = q[3]; x5 = q[2]; x6 = q[1]; x7 = q[0];

    /* top linear transformation */
    y14 = x3 ^ x5;
    y13 = x0 ^ x6;
    y9 = x0 ^ x3;
    y8 = x0 ^ x5;
    t0 = x1 ^ x2;
    y1 = t0 ^ x7;
    y4 = y1 ^ x3;
    y12 = y13 ^ y14;
    y2 = y1 ^ x0;
    y5 = y1 ^ x6;
    y3 = y5 ^ y8;
    t1 = x4 ^ y12;
    y15 = t1 ^ x5;
    y20 = t1 ^ x1;
    y6 = y15 ^ x7;
    y10 = y15 ^ t0;
    y11 = y20 ^ y9;
    y7 = x7 ^ y11;
    y17 = y10 ^ y11;
    y19 = y10 ^ y8;
    y16 = t0 ^ y11;
    y21 = y13 ^ y16;
    y18 = x0 ^ y16;

    /* non-linear middle */
    t2 = y12 & y15;
    t3 = y3 & y6;
    t4 = t3 ^ t2;
    t5 = y4 & x7;
    t6 = t5 ^ t2;
    t7 = y13 & y16;
    t8 = y5 & y1;
    t9 = t8 ^ t7;
    t10 = y2 & y7;
    t11 = t10 ^ t7;
    t12 = y9 & y11;
    t13 = y14 & y17;
    t14 = t13 ^ t12;
    t15 = y8 & y10;
    t16 = t15 ^ t12;
    t17 = t4 ^ t14;
    t18 = t6 ^ t16;
    t19 = t9 ^ t14;
    t20 = t11 ^ t16;
    t21 = t17 ^ y20;
    t22 = t18 ^ y19;
    t23 = t19 ^ y21;
    t24 = t20 ^ y18;

    t25 = t21 ^ t22;
    t26 = t21 & t23;
    t27 = t24 ^ t26;
    t28 = t25 & t27;
    t29 = t28 ^ t22;
    t30 = t23 ^ t24;
    t31 = t22 ^ t26;
    t32 = t31 & t30;
    t33 = t32 ^ t24;
    t34 = t23 ^ t33;
    t35 = t27 ^ t33;
    t36 = t24 & t35;
    t37 = t36 ^ t34;
    t38 = t27 ^ t36;
    t39 = t29 & t38;
    t40 = t25 ^ t39;

    t41 = t40 ^ t37;
    t42 = t29 ^ t33;
    t43 = t29 ^ t40;
    t44 = t33 ^ t37;
    t45 = t42 ^ t41;
    z0 = t44 & y15;
    z1 = t37 & y6;
    z2 = t33 & x7;
    z3 = t43 & y16;
    z4 = t40 & y1;
    z5 = t29 & y7;
    z6 = t42 & y11;
    z7 = t45 & y17;
    z8 = t41 & y10;
    z9 = t44 & y12;
    z10 = t37 & y3;
    z11 = t33 & y4;
    z12 = t43 & y13;
    z13 = t40 & y5;
    z14 = t29 & y2;
    z15 = t42 & y9;
    z16 = t45 & y14;
    z17 = t41 & y8;

    /* bottom linear transformation */
    t46 = z15 ^ z16;
    t47 = z10 ^ z11;
    t48 = z5 ^ z13;
    t49 = z9 ^ z10;
    t50 = z2 ^ z12;
    t51 = z2 ^ z5;
    t52 = z7 ^ z8;
    t53 = z0 ^ z3;
    t54 = z6 ^ z7;
    t55 = z16 ^ z17;
    t56 = z12 ^ t48;
    t57 = t50 ^ t53;
    t58 = z4 ^ t46;
    t59 = z3 ^ t54;
    t60 = t46 ^ t57;
    t61 = z14 ^ t57;
    t62 = t52 ^ t58;
    t63 = t49 ^ t58;
    t64 = z4 ^ t59;
    t65 = t61 ^ t62;
    t66 = z1 ^ t63;
    s0 = t59 ^ t63;
    s6 = t56 ^ ~t62;
    s7 = t48 ^ ~t60;
    t67 = t64 ^ t65;
    s3 = t53 ^ t66;
    s4 = t51 ^ t66;
    s5 = t47 ^ t65;
    s1 = t64 ^ ~s3;
    s2 = t55 ^ ~t67;

    q[7] = s0; q[6] = s1; q[5] = s2; q[4] = s3;
    q[3] = s4; q[2] = s5; q[1] = s6; q[0] = s7;
}

/* ---- round functions (ShiftRows, MixColumns, AddRoundKey, the cipher) ---------------------------------------------------------------------- */

/* ShiftRows (FIPS 197 5.1.2): in row r, column c takes column c + r, i.e. the 16-bit row
 * group r is rotated right by 4r bits. */
static void CT_FN(shift_rows)(CT_T q[8])
{
    int i;
    for (i = 0; i < 8; i++) {
        CT_T x = q[i];
        q[i] = (x & CT_SPLAT(0x000000000000FFFFu))
             | ((x & CT_SPLAT(0x00000000FFF00000u)) >> 4) | ((x & CT_SPLAT(0x00000000000F0000u)) << 12)
             | ((x & CT_SPLAT(0x0000FF0000000000u)) >> 8) | ((x & CT_SPLAT(0x000000FF00000000u)) << 8)
             | ((x & CT_SPLAT(0xF000000000000000u)) >> 12) | ((x & CT_SPLAT(0x0FFF000000000000u)) << 4);
    }
}

CCF_INLINE CT_T CT_FN(rotr64)(CT_T x, unsigned n) { return (x >> n) | (x << (64 - n)); }

/* Column rotation: every 16-bit row group rotated right by 4n bits, so column c takes column
 * c + n in every row (n = 1, 2 or 3). */
CCF_INLINE CT_T CT_FN(rot_cols)(CT_T x, unsigned n)
{
    const uint64_t lo = (0xFFFFu >> (4 * n)) * 0x0001000100010001u;
    return ((x >> (4 * n)) & CT_SPLAT(lo)) | ((x << (16 - 4 * n)) & CT_SPLAT(~lo));
}

/*
 * MixColumns (FIPS 197 5.1.3) in "fixsliced" form (Adomnicai and Peyrin, "Fixslicing AES-like
 * ciphers", TCHES 2021/1).  ShiftRows is not applied in every round: after round i the state is
 * kept as SR^-i(x), so the linear layer of round i becomes MC_j = SR^-j . MC . SR^j, j = i mod 4,
 * and the round keys are stored as SR^-i(k_i).  MC_j mixes the diagonals
 *     s'(r, c) = {02} s(r, c) ^ {03} s(r+1, c+j) ^ s(r+2, c+2j) ^ s(r+3, c+3j).
 * With a = the state moved up one row (a 16-bit rotation of each plane) and j columns left,
 * t = s ^ a, this is {02} t ^ a ^ (t moved up two rows and 2j columns).  Multiplication by {02}
 * moves plane b to plane b + 1 and folds plane 7 into planes 0, 1, 3, 4 (x^8 = x^4+x^3+x+1).
 * The j = 0 case is plain MixColumns.  Compared with a ShiftRows in every round this saves
 * about a quarter of the encryption time.
 */
CCF_INLINE void CT_FN(mix_columns_j)(CT_T q[8], unsigned j)
{
    CT_T a[8], t[8], u[8];
    int i;
    for (i = 0; i < 8; i++) {
        a[i] = CT_FN(rotr64)(q[i], 16);
        if (j)
            a[i] = CT_FN(rot_cols)(a[i], j);
        t[i] = q[i] ^ a[i];
        u[i] = CT_FN(rotr64)(t[i], 32);
        if (j & 1)
            u[i] = CT_FN(rot_cols)(u[i], 2);
    }
    q[0] = t[7] ^ a[0] ^ u[0];
    q[1] = t[0] ^ t[7] ^ a[1] ^ u[1];
    q[2] = t[1] ^ a[2] ^ u[2];
    q[3] = t[2] ^ t[7] ^ a[3] ^ u[3];
    q[4] = t[3] ^ t[7] ^ a[4] ^ u[4];
    q[5] = t[4] ^ a[5] ^ u[5];
    q[6] = t[5] ^ a[6] ^ u[6];
    q[7] = t[6] ^ a[7] ^ u[7];
}

CCF_INLINE void CT_FN(add_round_key)(CT_T q[8], const uint64_t *rk)
{
    q[0] ^= CT_SPLAT(rk[0]); q[1] ^= CT_SPLAT(rk[1]); q[2] ^= CT_SPLAT(rk[2]); q[3] ^= CT_SPLAT(rk[3]);
    q[4] ^= CT_SPLAT(rk[4]); q[5] ^= CT_SPLAT(rk[5]); q[6] ^= CT_SPLAT(rk[6]); q[7] ^= CT_SPLAT(rk[7]);
}

/*
 * The cipher (FIPS 197 5.1) on the planes of four blocks, fixsliced: round i applies SubBytes,
 * MC_(i mod 4) and the stored key SR^-i(k_i); after the last round (no MixColumns) the state is
 * SR^-Nr(x), so SR^(Nr mod 4) = SR^2 (AES-128/256) or nothing (AES-192) restores it.
 */
static void CT_FN(encrypt_planes)(const ccf_aes_key *k, CT_T q[8])
{
    unsigned r;
    CT_FN(add_round_key)(q, k->sched);
    for (r = 1; r < k->rounds; r++) {
        CT_FN(sbox)(q);
        switch (r & 3) {                       /* the round number is public */
        case 0: CT_FN(mix_columns_j)(q, 0); break;
        case 1: CT_FN(mix_columns_j)(q, 1); break;
        case 2: CT_FN(mix_columns_j)(q, 2); break;
        default: CT_FN(mix_columns_j)(q, 3); break;
        }
        CT_FN(add_round_key)(q, k->sched + 8 * r);
    }
    CT_FN(sbox)(q);
    CT_FN(add_round_key)(q, k->sched + 8 * k->rounds);
    if (k->rounds & 2) {
        CT_FN(shift_rows)(q);
        CT_FN(shift_rows)(q);
    }
}

