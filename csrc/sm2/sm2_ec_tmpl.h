/*
 * sm2_ec_tmpl.h - SM2 point arithmetic, compiled once per field implementation.
 *
 * The including file defines, before including this header:
 *   SM2_FN(name)  the function name for this implementation (e.g. sm2_mulx_##name)
 *   SM2_ATTR      attributes for every function here (static, CCF_TARGET(...))
 *   SM2_MUL(r, a, b), SM2_SQR(r, a)  Montgomery multiplication / squaring mod p
 *
 * Curve (GB/T 32918.1 section 3.2.2 / GB/T 32918.5): y^2 = x^3 + a x + b over GF(p), a = -3.
 * Jacobian coordinates: (X, Y, Z) is (X/Z^2, Y/Z^3); infinity is Z = 0.
 * Formulas: doubling "dbl-2001-b" and addition "add-1998-cmo-2" / "madd-2007-bl"
 * (Explicit-Formulas Database, hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-3.html).
 */

/* r = a^(2^n) * b */
SM2_ATTR void SM2_FN(fe_sqrn_mul)(sm2_fe r, const sm2_fe a, int n, const sm2_fe b)
{
    sm2_fe t;
    int i;
    SM2_SQR(t, a);
    for (i = 1; i < n; i++) SM2_SQR(t, t);
    SM2_MUL(r, t, b);
}

/*
 * r = a^(p-2) = a^-1 (Fermat), constant time: a fixed addition chain of 256 squarings and 15
 * multiplications.  With x_k = a^(2^k - 1), p - 2 in binary (most significant bit first) is
 * 31 ones, 0, 128 ones, 32 zeros, 62 ones, 0, 1.
 */
SM2_ATTR void SM2_FN(fe_inv)(sm2_fe r, const sm2_fe a)
{
    sm2_fe x2, x3, x6, x12, x24, x30, x31, x32, acc;
    SM2_FN(fe_sqrn_mul)(x2, a, 1, a);
    SM2_FN(fe_sqrn_mul)(x3, x2, 1, a);
    SM2_FN(fe_sqrn_mul)(x6, x3, 3, x3);
    SM2_FN(fe_sqrn_mul)(x12, x6, 6, x6);
    SM2_FN(fe_sqrn_mul)(x24, x12, 12, x12);
    SM2_FN(fe_sqrn_mul)(x30, x24, 6, x6);
    SM2_FN(fe_sqrn_mul)(x31, x30, 1, a);
    SM2_FN(fe_sqrn_mul)(x32, x31, 1, a);
    SM2_SQR(acc, x31);                                   /* 31 ones, 0 */
    SM2_FN(fe_sqrn_mul)(acc, acc, 32, x32);              /* 128 ones */
    SM2_FN(fe_sqrn_mul)(acc, acc, 32, x32);
    SM2_FN(fe_sqrn_mul)(acc, acc, 32, x32);
    SM2_FN(fe_sqrn_mul)(acc, acc, 32, x32);
    SM2_FN(fe_sqrn_mul)(acc, acc, 32, ccf_sm2_one);      /* 32 zeros (the multiply by 1 keeps it uniform) */
    SM2_FN(fe_sqrn_mul)(acc, acc, 31, x31);              /* 62 ones */
    SM2_FN(fe_sqrn_mul)(acc, acc, 31, x31);
    SM2_FN(fe_sqrn_mul)(r, acc, 2, a);                   /* 0, 1 */
    ccf_memzero(x2, sizeof(x2)); ccf_memzero(x30, sizeof(x30));
}

/* r = 2p (dbl-2001-b, a = -3); infinity stays infinity (Z3 = 2 Y1 Z1 = 0). */
SM2_ATTR void SM2_FN(dbl)(sm2_jac *r, const sm2_jac *p)
{
    sm2_fe delta, gamma, beta, alpha, t0, t1;
    SM2_SQR(delta, p->z);
    SM2_SQR(gamma, p->y);
    SM2_MUL(beta, p->x, gamma);
    sm2_fe_sub(t0, p->x, delta);
    sm2_fe_add(t1, p->x, delta);
    SM2_MUL(alpha, t0, t1);
    sm2_fe_add(t0, alpha, alpha);
    sm2_fe_add(alpha, alpha, t0);                 /* alpha = 3 (X - delta)(X + delta) */
    sm2_fe_add(t0, p->y, p->z);
    SM2_SQR(t0, t0);
    sm2_fe_sub(t0, t0, gamma);
    sm2_fe_sub(r->z, t0, delta);                  /* Z3 = (Y + Z)^2 - gamma - delta */
    sm2_fe_add(beta, beta, beta);
    sm2_fe_add(beta, beta, beta);                 /* 4 beta */
    SM2_SQR(t0, alpha);
    sm2_fe_add(t1, beta, beta);
    sm2_fe_sub(r->x, t0, t1);                     /* X3 = alpha^2 - 8 beta */
    sm2_fe_sub(t0, beta, r->x);
    SM2_SQR(gamma, gamma);
    sm2_fe_add(gamma, gamma, gamma);
    sm2_fe_add(gamma, gamma, gamma);
    sm2_fe_add(gamma, gamma, gamma);              /* 8 gamma^2 */
    SM2_MUL(t0, alpha, t0);
    sm2_fe_sub(r->y, t0, gamma);                  /* Y3 = alpha (4 beta - X3) - 8 gamma^2 */
}

/*
 * r = a + b (add-1998-cmo-2), generic case only.  Writes H == 0 && R == 0 (a == b, both finite:
 * the doubling case) to *same as a mask; H == 0, R != 0 (a == -b) gives Z3 = 0, infinity.
 */
SM2_ATTR void SM2_FN(add_raw)(sm2_jac *r, const sm2_jac *a, const sm2_jac *b, uint64_t *same)
{
    sm2_fe z1z1, z2z2, u1, u2, s1, s2, h, rr, hh, hhh, v, t;
    SM2_SQR(z1z1, a->z);
    SM2_SQR(z2z2, b->z);
    SM2_MUL(u1, a->x, z2z2);
    SM2_MUL(u2, b->x, z1z1);
    SM2_MUL(s1, a->y, b->z);
    SM2_MUL(s1, s1, z2z2);
    SM2_MUL(s2, b->y, a->z);
    SM2_MUL(s2, s2, z1z1);
    sm2_fe_sub(h, u2, u1);
    sm2_fe_sub(rr, s2, s1);
    *same = sm2_is_zero(h) & sm2_is_zero(rr);
    SM2_SQR(hh, h);
    SM2_MUL(hhh, h, hh);
    SM2_MUL(v, u1, hh);
    SM2_MUL(t, a->z, b->z);
    SM2_MUL(r->z, t, h);
    SM2_SQR(t, rr);
    sm2_fe_sub(t, t, hhh);
    sm2_fe_sub(t, t, v);
    sm2_fe_sub(r->x, t, v);
    sm2_fe_sub(t, v, r->x);
    SM2_MUL(t, rr, t);
    SM2_MUL(s1, s1, hhh);
    sm2_fe_sub(r->y, t, s1);
}

CCF_INLINE void SM2_FN(jac_cmov)(sm2_jac *r, const sm2_jac *a, uint64_t mask)
{
    sm2_cmov(r->x, a->x, mask); sm2_cmov(r->y, a->y, mask); sm2_cmov(r->z, a->z, mask);
}

/* r = a + b for all inputs (infinity, a == b, a == -b), constant time. */
SM2_ATTR void SM2_FN(add_ct)(sm2_jac *r, const sm2_jac *a, const sm2_jac *b)
{
    sm2_jac s, d;
    uint64_t same, ainf = sm2_is_zero(a->z), binf = sm2_is_zero(b->z);
    SM2_FN(add_raw)(&s, a, b, &same);
    SM2_FN(dbl)(&d, a);
    SM2_FN(jac_cmov)(&s, &d, same & ~ainf & ~binf);
    SM2_FN(jac_cmov)(&s, b, ainf);
    SM2_FN(jac_cmov)(&s, a, binf);
    *r = s;
}

/*
 * r = p + q, q affine (madd-2007-bl style), constant time.  qzero: all-ones when q stands for
 * infinity (a zero Booth digit).  Returns all-ones in the doubling case (p == q finite), which
 * the caller handles; p == -q gives infinity correctly.
 */
SM2_ATTR uint64_t SM2_FN(madd_ct)(sm2_jac *r, const sm2_jac *p, const sm2_aff *q, uint64_t qzero)
{
    sm2_fe z1z1, u2, s2, h, rr, hh, hhh, v, t;
    sm2_jac o;
    uint64_t pinf = sm2_is_zero(p->z), same;
    SM2_SQR(z1z1, p->z);
    SM2_MUL(u2, q->x, z1z1);
    SM2_MUL(s2, q->y, p->z);
    SM2_MUL(s2, s2, z1z1);
    sm2_fe_sub(h, u2, p->x);
    sm2_fe_sub(rr, s2, p->y);
    same = sm2_is_zero(h) & sm2_is_zero(rr) & ~pinf & ~qzero;
    SM2_SQR(hh, h);
    SM2_MUL(hhh, h, hh);
    SM2_MUL(v, p->x, hh);
    SM2_MUL(o.z, p->z, h);
    SM2_SQR(t, rr);
    sm2_fe_sub(t, t, hhh);
    sm2_fe_sub(t, t, v);
    sm2_fe_sub(o.x, t, v);
    sm2_fe_sub(t, v, o.x);
    SM2_MUL(t, rr, t);
    SM2_MUL(hh, p->y, hhh);
    sm2_fe_sub(o.y, t, hh);
    /* p at infinity: result is q (Z = 1) */
    sm2_cmov(o.x, q->x, pinf); sm2_cmov(o.y, q->y, pinf); sm2_cmov(o.z, ccf_sm2_one, pinf);
    /* q "infinity": result is p */
    SM2_FN(jac_cmov)(&o, p, qzero);
    *r = o;
    return same;
}

/* Affine conversion; returns all-ones (and zeros r) when p is infinity. */
SM2_ATTR uint64_t SM2_FN(to_affine)(sm2_aff *r, const sm2_jac *p)
{
    sm2_fe zi, zi2;
    uint64_t inf = sm2_is_zero(p->z);
    SM2_FN(fe_inv)(zi, p->z);
    SM2_SQR(zi2, zi);
    SM2_MUL(r->x, p->x, zi2);
    SM2_MUL(zi2, zi2, zi);
    SM2_MUL(r->y, p->y, zi2);
    return inf;
}

/* Bits [pos, pos + w) of the 256-bit k, zero outside [0, 256).  pos and w are public. */
CCF_INLINE unsigned SM2_FN(bits)(const uint64_t k[4], int pos, int w)
{
    uint64_t v = 0;
    int li, sh;
    if (pos < 0) return (unsigned)((k[0] << (-pos)) & ((1u << w) - 1));
    li = pos >> 6; sh = pos & 63;
    if (li < 4) v = k[li] >> sh;
    if (sh && li + 1 < 4) v |= k[li + 1] << (64 - sh);
    return (unsigned)(v & ((1u << w) - 1));
}

/*
 * Booth (signed-window) digit of width w from the w+1 bits v = k[pos-1 .. pos+w-1]:
 * d = b[pos-1] + sum_{j<w-1} 2^j b[pos+j] - 2^(w-1) b[pos+w-1], in [-2^(w-1), 2^(w-1)].
 * Returns |d|, *neg = all-ones when d < 0.  Branch-free.
 */
CCF_INLINE unsigned SM2_FN(booth)(unsigned v, int w, uint64_t *neg)
{
    unsigned u = (v + 1) >> 1;
    unsigned s = (v >> w) & 1;
    unsigned full = 1u << w;
    unsigned mag = u ^ ((u ^ (full - u)) & (0u - s));
    *neg = (uint64_t)0 - s;
    return mag;
}

SM2_ATTR void SM2_FN(mul_var)(sm2_jac *r, const sm2_aff *p, const uint64_t k[4]);

/*
 * r = k*G with the comb table: 43 Booth windows of 6 bits, one mixed addition each and no
 * doublings.  Every window reads the whole 32-entry row with masks (no secret-dependent
 * address).  The sum of the lower windows is smaller in absolute value than the next window's
 * multiple, so the doubling case can only arise through reduction mod n for rare scalars; it is
 * detected with a mask and, in that case only, the result is recomputed with the complete
 * variable-base ladder (a branch taken with probability about 2^-250 for random k).
 */
SM2_ATTR void SM2_FN(mul_base)(sm2_jac *r, const uint64_t k[4])
{
    sm2_jac acc;
    sm2_aff sel;
    uint64_t flag = 0;
    int i, j;
    memset(&acc, 0, sizeof(acc));
    for (i = 0; i < SM2_COMB_WINDOWS; i++) {
        uint64_t neg, mzero;
        unsigned mag = SM2_FN(booth)(SM2_FN(bits)(k, SM2_COMB_W * i - 1, SM2_COMB_W + 1), SM2_COMB_W, &neg);
        sm2_fe ny;
        memset(&sel, 0, sizeof(sel));
        for (j = 0; j < SM2_COMB_ENTRIES; j++) {
            uint64_t m = (uint64_t)ccf_ct_eq32((uint32_t)(j + 1), mag);
            m |= m << 32;
            sm2_cmov(sel.x, ccf_sm2_comb[i][j].x, m);
            sm2_cmov(sel.y, ccf_sm2_comb[i][j].y, m);
        }
        sm2_fe_neg(ny, sel.y);
        sm2_cmov(sel.y, ny, neg);
        mzero = (uint64_t)ccf_ct_is_zero32(mag);
        mzero |= mzero << 32;
        flag |= SM2_FN(madd_ct)(&acc, &acc, &sel, mzero);
    }
    SM2_DECLASSIFY(&flag, sizeof(flag));
    if (flag) {                       /* negligible-probability exceptional case, see above */
        SM2_FN(mul_var)(&acc, &ccf_sm2_g_mont, k);
    }
    *r = acc;
    ccf_memzero(&sel, sizeof(sel));
    ccf_memzero(&acc, sizeof(acc));
}

/*
 * r = a + b handling infinity on either side (masks), constant time; returns all-ones in the
 * doubling case (a == b finite), which this function does not compute.
 */
SM2_ATTR uint64_t SM2_FN(add_noinf)(sm2_jac *r, const sm2_jac *a, const sm2_jac *b)
{
    sm2_jac s;
    uint64_t same, ainf = sm2_is_zero(a->z), binf = sm2_is_zero(b->z);
    SM2_FN(add_raw)(&s, a, b, &same);
    SM2_FN(jac_cmov)(&s, b, ainf);
    SM2_FN(jac_cmov)(&s, a, binf);
    *r = s;
    return same & ~ainf & ~binf;
}

/*
 * r = k*P, constant time in k: Booth windows of 5 bits (52 windows), a 16-entry table of
 * Jacobian multiples read in full with masks, five doublings and one addition per window.
 * The doubling case inside an addition needs a scalar with a special relation to n (as in
 * mul_base); it is flagged with masks and only then is the ladder rerun with complete additions.
 */
SM2_ATTR void SM2_FN(mul_var_ladder)(sm2_jac *r, const sm2_aff *p, const uint64_t k[4], int complete)
{
    sm2_jac tab[16], acc, sel;
    uint64_t flag = 0;
    int i, j;
    memcpy(tab[0].x, p->x, sizeof(sm2_fe));
    memcpy(tab[0].y, p->y, sizeof(sm2_fe));
    memcpy(tab[0].z, ccf_sm2_one, sizeof(sm2_fe));
    SM2_FN(dbl)(&tab[1], &tab[0]);
    /* i P + P with 1 <= i < 16: never infinity nor the doubling case (P has prime order n) */
    for (i = 2; i < 16; i++) { uint64_t same; SM2_FN(add_raw)(&tab[i], &tab[i - 1], &tab[0], &same); }
    memset(&acc, 0, sizeof(acc));
    for (i = 51; i >= 0; i--) {
        uint64_t neg;
        unsigned mag;
        sm2_fe ny;
        if (i != 51) {
            SM2_FN(dbl)(&acc, &acc); SM2_FN(dbl)(&acc, &acc); SM2_FN(dbl)(&acc, &acc);
            SM2_FN(dbl)(&acc, &acc); SM2_FN(dbl)(&acc, &acc);
        }
        mag = SM2_FN(booth)(SM2_FN(bits)(k, 5 * i - 1, 6), 5, &neg);
        memset(&sel, 0, sizeof(sel));
        for (j = 0; j < 16; j++) {
            uint64_t m = (uint64_t)ccf_ct_eq32((uint32_t)(j + 1), mag);
            m |= m << 32;
            SM2_FN(jac_cmov)(&sel, &tab[j], m);
        }
        sm2_fe_neg(ny, sel.y);
        sm2_cmov(sel.y, ny, neg);
        if (complete) SM2_FN(add_ct)(&acc, &acc, &sel);
        else flag |= SM2_FN(add_noinf)(&acc, &acc, &sel);
    }
    SM2_DECLASSIFY(&flag, sizeof(flag));
    if (flag) SM2_FN(mul_var_ladder)(&acc, p, k, 1);   /* negligible-probability case, see above */
    *r = acc;
    ccf_memzero(tab, sizeof(tab));
    ccf_memzero(&sel, sizeof(sel));
    ccf_memzero(&acc, sizeof(acc));
}

SM2_ATTR void SM2_FN(mul_var)(sm2_jac *r, const sm2_aff *p, const uint64_t k[4])
{
    SM2_FN(mul_var_ladder)(r, p, k, 0);
}

/* r = a + b, variable time (public points only). */
SM2_ATTR void SM2_FN(add_vartime)(sm2_jac *r, const sm2_jac *a, const sm2_jac *b)
{
    uint64_t same;
    sm2_jac s;
    if (sm2_is_zero(a->z)) { *r = *b; return; }
    if (sm2_is_zero(b->z)) { *r = *a; return; }
    SM2_FN(add_raw)(&s, a, b, &same);
    if (same) { SM2_FN(dbl)(r, a); return; }
    *r = s;
}

/* u*G from the comb table, VARIABLE TIME (u public). */
SM2_ATTR void SM2_FN(comb_vartime)(sm2_jac *acc, const uint64_t u[4])
{
    sm2_jac t;
    int i;
    memset(acc, 0, sizeof(*acc));
    for (i = 0; i < SM2_COMB_WINDOWS; i++) {
        uint64_t neg;
        unsigned mag = SM2_FN(booth)(SM2_FN(bits)(u, SM2_COMB_W * i - 1, SM2_COMB_W + 1), SM2_COMB_W, &neg);
        if (!mag) continue;
        memcpy(t.x, ccf_sm2_comb[i][mag - 1].x, sizeof(sm2_fe));
        memcpy(t.y, ccf_sm2_comb[i][mag - 1].y, sizeof(sm2_fe));
        memcpy(t.z, ccf_sm2_one, sizeof(sm2_fe));
        if (neg) sm2_fe_neg(t.y, t.y);
        SM2_FN(add_vartime)(acc, acc, &t);
    }
}

/* Width-5 NAF of v (public): digits odd in [-15, 15]; returns the top index or -1. */
CCF_INLINE int SM2_FN(wnaf5)(signed char naf[260], const uint64_t v[4])
{
    uint64_t k[5];
    int i, top = -1;
    memcpy(k, v, 4 * sizeof(uint64_t));
    k[4] = 0;
    memset(naf, 0, 260);
    for (i = 0; i < 258 && (k[0] | k[1] | k[2] | k[3] | k[4]); i++) {
        if (k[0] & 1) {
            int d = (int)(k[0] & 31);
            uint64_t c = 0;
            int j;
            if (d >= 16) d -= 32;
            naf[i] = (signed char)d;
            if (d > 0) { uint64_t br = (uint64_t)d; for (j = 0; j < 5; j++) { uint64_t x = k[j]; k[j] = x - br; br = x < br; } }
            else { c = (uint64_t)(-d); for (j = 0; j < 5; j++) { k[j] += c; c = k[j] < c; } }
            top = i;
        }
        k[0] = (k[0] >> 1) | (k[1] << 63); k[1] = (k[1] >> 1) | (k[2] << 63);
        k[2] = (k[2] >> 1) | (k[3] << 63); k[3] = (k[3] >> 1) | (k[4] << 63); k[4] >>= 1;
    }
    return top;
}

/*
 * r = u*G + v*P, VARIABLE TIME: for signature verification only, where u, v and P are public.
 * u*G reads the comb table directly; v*P uses width-5 NAF with the odd multiples P..15P.
 */
SM2_ATTR void SM2_FN(mul_double_vartime)(sm2_jac *r, const uint64_t u[4], const sm2_aff *p, const uint64_t v[4])
{
    sm2_jac acc, odd[8], p2, t;
    signed char naf[260];
    int i, top;
    SM2_FN(comb_vartime)(&acc, u);
    top = SM2_FN(wnaf5)(naf, v);
    memcpy(odd[0].x, p->x, sizeof(sm2_fe));
    memcpy(odd[0].y, p->y, sizeof(sm2_fe));
    memcpy(odd[0].z, ccf_sm2_one, sizeof(sm2_fe));
    SM2_FN(dbl)(&p2, &odd[0]);
    for (i = 1; i < 8; i++) SM2_FN(add_vartime)(&odd[i], &odd[i - 1], &p2);
    memset(&t, 0, sizeof(t));
    for (i = top; i >= 0; i--) {
        SM2_FN(dbl)(&t, &t);
        if (naf[i]) {
            int d = naf[i];
            if (d > 0) SM2_FN(add_vartime)(&t, &t, &odd[d >> 1]);
            else {
                sm2_jac m = odd[(-d) >> 1];
                sm2_fe_neg(m.y, m.y);
                SM2_FN(add_vartime)(&t, &t, &m);
            }
        }
    }
    SM2_FN(add_vartime)(r, &acc, &t);
}

/* ---- public-key tables: tab[j] = (j+1) P, affine, for keys used more than once ---------- */

/* Build the table (P public); one inversion for all sixteen Z (Montgomery's batch trick). */
SM2_ATTR void SM2_FN(build_ptab)(sm2_aff tab[16], const sm2_aff *p)
{
    sm2_jac row[16];
    sm2_fe pre[16], inv, t;
    int j;
    memcpy(row[0].x, p->x, sizeof(sm2_fe));
    memcpy(row[0].y, p->y, sizeof(sm2_fe));
    memcpy(row[0].z, ccf_sm2_one, sizeof(sm2_fe));
    SM2_FN(dbl)(&row[1], &row[0]);
    for (j = 2; j < 16; j++) { uint64_t same; SM2_FN(add_raw)(&row[j], &row[j - 1], &row[0], &same); }
    memcpy(pre[0], row[0].z, sizeof(sm2_fe));
    for (j = 1; j < 16; j++) SM2_MUL(pre[j], pre[j - 1], row[j].z);
    SM2_FN(fe_inv)(inv, pre[15]);
    for (j = 15; j >= 0; j--) {
        sm2_fe zi, zi2;
        if (j > 0) { SM2_MUL(zi, inv, pre[j - 1]); SM2_MUL(inv, inv, row[j].z); }
        else memcpy(zi, inv, sizeof(sm2_fe));
        SM2_SQR(zi2, zi);
        SM2_MUL(tab[j].x, row[j].x, zi2);
        SM2_MUL(t, zi2, zi);
        SM2_MUL(tab[j].y, row[j].y, t);
    }
}

/*
 * r = k*P with the affine table of P, constant time in k: the same Booth ladder as mul_var with
 * mixed additions (the whole table read with masks every window); the doubling case falls
 * back to the complete ladder, as there.
 */
SM2_ATTR void SM2_FN(mul_var_ptab)(sm2_jac *r, const sm2_aff tab[16], const uint64_t k[4])
{
    sm2_jac acc;
    sm2_aff sel;
    uint64_t flag = 0;
    int i, j;
    memset(&acc, 0, sizeof(acc));
    for (i = 51; i >= 0; i--) {
        uint64_t neg, mzero;
        unsigned mag;
        sm2_fe ny;
        if (i != 51) {
            SM2_FN(dbl)(&acc, &acc); SM2_FN(dbl)(&acc, &acc); SM2_FN(dbl)(&acc, &acc);
            SM2_FN(dbl)(&acc, &acc); SM2_FN(dbl)(&acc, &acc);
        }
        mag = SM2_FN(booth)(SM2_FN(bits)(k, 5 * i - 1, 6), 5, &neg);
        memset(&sel, 0, sizeof(sel));
        for (j = 0; j < 16; j++) {
            uint64_t m = (uint64_t)ccf_ct_eq32((uint32_t)(j + 1), mag);
            m |= m << 32;
            sm2_cmov(sel.x, tab[j].x, m);
            sm2_cmov(sel.y, tab[j].y, m);
        }
        sm2_fe_neg(ny, sel.y);
        sm2_cmov(sel.y, ny, neg);
        mzero = (uint64_t)ccf_ct_is_zero32(mag);
        mzero |= mzero << 32;
        flag |= SM2_FN(madd_ct)(&acc, &acc, &sel, mzero);
    }
    SM2_DECLASSIFY(&flag, sizeof(flag));
    if (flag) SM2_FN(mul_var_ladder)(&acc, &tab[0], k, 1);   /* negligible-probability case */
    *r = acc;
    ccf_memzero(&sel, sizeof(sel));
    ccf_memzero(&acc, sizeof(acc));
}

/* r = u*G + v*P with the affine table of P, VARIABLE TIME (verification only). */
SM2_ATTR void SM2_FN(mul_double_vartime_ptab)(sm2_jac *r, const uint64_t u[4], const sm2_aff tab[16], const uint64_t v[4])
{
    sm2_jac acc, t, prev;
    signed char naf[260];
    int i, top;
    SM2_FN(comb_vartime)(&acc, u);
    top = SM2_FN(wnaf5)(naf, v);
    memset(&t, 0, sizeof(t));
    for (i = top; i >= 0; i--) {
        SM2_FN(dbl)(&t, &t);
        if (naf[i]) {
            int d = naf[i];
            sm2_aff q = tab[(d > 0 ? d : -d) - 1];
            if (d < 0) sm2_fe_neg(q.y, q.y);
            prev = t;
            if (SM2_FN(madd_ct)(&t, &prev, &q, 0)) SM2_FN(dbl)(&t, &prev);
        }
    }
    SM2_FN(add_vartime)(r, &acc, &t);
}
