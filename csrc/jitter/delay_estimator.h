/*
 * delay_estimator.h - forgetting histogram of arrival delays with O(log n) quantiles
 * (internal to csrc/jitter/).
 *
 * Samples are values in ms relative to an anchor (any real number).  Bins of width `width` ms
 * cover [anchor - CCF_DE_BELOW * width, anchor + (CCF_DE_BINS - CCF_DE_BELOW) * width); values
 * outside are clamped into the end bins.  Forgetting: the k-th sample weighs forget^-k, so a
 * sample's share decays by `forget` with every newer one (an exponentially weighted
 * distribution, the idea of WebRTC NetEq's delay histogram) without touching old bins; weights
 * are rescaled before they overflow.  Prefix sums live in a Fenwick tree, so add and quantile
 * are O(log bins).  When the data drifts towards an end, the bins are shifted (O(bins), rare).
 */
#ifndef CCF_DELAY_ESTIMATOR_H
#define CCF_DELAY_ESTIMATOR_H

#include <stdint.h>

#define CCF_DE_BINS 1024   /* a power of two (the Fenwick descent relies on it) */
#define CCF_DE_BELOW 256

typedef struct ccf_delay_estimator {
    double anchor;          /* ms value of the lower edge of bin CCF_DE_BELOW */
    double width;           /* ms per bin */
    double forget;
    double inc;             /* weight of the next sample */
    double total;
    uint64_t count;
    double bin[CCF_DE_BINS];
    double sum[CCF_DE_BINS];       /* weighted sum of (value - anchor) per bin */
    double tree[CCF_DE_BINS + 1];  /* Fenwick tree over bin[] (1-based) */
} ccf_delay_estimator;

void ccf_de_init(ccf_delay_estimator *de, double width_ms, double forget);
/* Forget every sample; the next add() anchors the bins at its value. */
void ccf_de_clear(ccf_delay_estimator *de);
void ccf_de_add(ccf_delay_estimator *de, double value_ms);
/* A sample counting `weight` (0..1) times as much as a full one (forgetting is unchanged). */
void ccf_de_add_weighted(ccf_delay_estimator *de, double value_ms, double weight);
/* The q-quantile: the weighted mean of the samples in the bin where the cumulative weight
 * reaches q (bin resolution; exact when the bin's samples are equal); NaN when empty. */
double ccf_de_quantile(const ccf_delay_estimator *de, double q);
/* Move every sample by delta ms (re-anchoring after a discontinuity). */
void ccf_de_shift(ccf_delay_estimator *de, double delta_ms);

#endif
