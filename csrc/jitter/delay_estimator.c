/*
 * delay_estimator.c - forgetting histogram + Fenwick-tree quantiles (see delay_estimator.h).
 */
#include <math.h>
#include <string.h>

#include "delay_estimator.h"

#define RESCALE_AT 1e150

/* see delay_estimator.h */
void ccf_de_init(ccf_delay_estimator *de, double width_ms, double forget)
{
    memset(de, 0, sizeof *de);
    de->width = width_ms > 0 ? width_ms : 1.0;
    de->forget = (forget > 0 && forget <= 1) ? forget : 0.998;
    de->inc = 1.0;
}

/* see delay_estimator.h */
void ccf_de_clear(ccf_delay_estimator *de)
{
    ccf_de_init(de, de->width, de->forget);
}

static void tree_add(ccf_delay_estimator *de, int i, double w)
{
    for (i++; i <= CCF_DE_BINS; i += i & -i)
        de->tree[i] += w;
}

static void tree_rebuild(ccf_delay_estimator *de)
{
    /* O(n) Fenwick construction: each node passes its sum to its parent. */
    for (int i = 1; i <= CCF_DE_BINS; i++)
        de->tree[i] = de->bin[i - 1];
    for (int i = 1; i <= CCF_DE_BINS; i++) {
        int p = i + (i & -i);
        if (p <= CCF_DE_BINS)
            de->tree[p] += de->tree[i];
    }
}

static void rescale(ccf_delay_estimator *de, double s)
{
    for (int i = 0; i < CCF_DE_BINS; i++) {
        double v = de->bin[i] * s;
        de->bin[i] = v < 1e-250 ? 0.0 : v;
        de->sum[i] = v < 1e-250 ? 0.0 : de->sum[i] * s;
    }
    de->total *= s;
    de->inc *= s;
    tree_rebuild(de);
}

/* Move the bins by k (positive: contents go to higher bins); the ends absorb what falls off. */
static void shift_bins(ccf_delay_estimator *de, int k)
{
    double tmp[CCF_DE_BINS], tsum[CCF_DE_BINS];
    memset(tmp, 0, sizeof tmp);
    memset(tsum, 0, sizeof tsum);
    for (int i = 0; i < CCF_DE_BINS; i++) {
        int j = i + k;
        if (j < 0) j = 0;
        if (j >= CCF_DE_BINS) j = CCF_DE_BINS - 1;
        tmp[j] += de->bin[i];
        tsum[j] += de->sum[i];
    }
    de->anchor -= k * de->width;   /* same values, new bin numbers */
    for (int j = 0; j < CCF_DE_BINS; j++)
        tsum[j] += k * de->width * tmp[j];   /* sums are relative to the anchor */
    memcpy(de->bin, tmp, sizeof tmp);
    memcpy(de->sum, tsum, sizeof tsum);
    tree_rebuild(de);
}

static int bin_of(const ccf_delay_estimator *de, double v)
{
    double b = (v - de->anchor) / de->width + CCF_DE_BELOW;   /* floor, without libm */
    if (!(b >= 0)) return 0;                     /* also NaN */
    if (b >= CCF_DE_BINS) return CCF_DE_BINS - 1;
    return (int)b;
}

/* see delay_estimator.h */
void ccf_de_add(ccf_delay_estimator *de, double v)
{
    ccf_de_add_weighted(de, v, 1.0);
}

/* see delay_estimator.h */
void ccf_de_add_weighted(ccf_delay_estimator *de, double v, double weight)
{
    if (v != v)
        return;
    if (de->count == 0)
        de->anchor = v;
    int b = bin_of(de, v);
    /* Keep the bulk away from the ends: the data drift (clock drift) is followed by shifting. */
    if (b < CCF_DE_BELOW / 8 || b >= CCF_DE_BINS - CCF_DE_BELOW / 8) {
        double lo = ccf_de_quantile(de, 0.01);
        int target = CCF_DE_BELOW;
        int cur = lo == lo ? bin_of(de, lo) : b;
        if (b < cur) cur = b;                    /* new data below everything: follow it */
        if (cur != target && de->count > 0)
            shift_bins(de, target - cur);
        b = bin_of(de, v);
    }
    double w = de->inc * weight;
    de->bin[b] += w;
    de->sum[b] += w * (v - de->anchor);
    tree_add(de, b, w);
    de->total += w;
    de->count++;
    de->inc /= de->forget;
    if (de->inc > RESCALE_AT)
        rescale(de, 1.0 / RESCALE_AT);
}

/* see delay_estimator.h */
double ccf_de_quantile(const ccf_delay_estimator *de, double q)
{
    if (de->count == 0 || !(de->total > 0))
        return NAN;
    if (q < 0) q = 0;
    if (q > 1) q = 1;
    double want = q * de->total;
    /* Binary lifting: largest pos with prefix(pos) < want; the answer is bin pos (0-based). */
    int pos = 0;
    double acc = 0;
    /* Starting at half the (power-of-two) bin count keeps pos + step <= CCF_DE_BINS - 1 + 1. */
    for (int step = CCF_DE_BINS / 2; step; step >>= 1) {
        int n = pos + step;
        double t = acc + de->tree[n];
        int take = t < want;           /* written for conditional moves: no unpredictable branch */
        pos = take ? n : pos;
        acc = take ? t : acc;
    }
    double w = de->bin[pos];
    if (!(w > 0))
        return de->anchor + (pos - CCF_DE_BELOW + 1) * de->width;
    /* The bin's weighted mean stands for its samples: exact when they are all equal. */
    return de->anchor + de->sum[pos] / w;
}

/* see delay_estimator.h */
void ccf_de_shift(ccf_delay_estimator *de, double delta_ms)
{
    de->anchor += delta_ms;   /* sum[] holds values relative to the anchor: they move with it */
}
