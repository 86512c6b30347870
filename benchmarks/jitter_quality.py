"""Jitter-buffer quality: late-loss rate against mean buffering delay, per network scenario.

  python benchmarks/jitter_quality.py [--seconds S] [--png PATH] [--check] [scenario ...]

For every scenario of benchmarks/netsim.py (fixed seeds) the trace is played through
  * ccfast adaptive at several quantiles (its curve; the default quantile 0.97 is marked),
  * ccfast fixed at several delays,
  * aiortc's JitterBuffer (prefetch 1, 2, 4 = aiortc's audio default, 8), if installed;
and compared with the trace's optimal constant-delay bound: the least mean buffering delay any
playout with one constant end-to-end delay D achieves at a given late-loss rate, computed from
the packets' true network delays (late iff delay > D; buffering delay D - delay).

Definitions (all ccfast runs are driven event by event, each frame played at its due time):
  late-loss rate      frames concealed because of lateness / packets delivered (network
                      duplicates excluded): late packets + the frame times the adaptive playout
                      waited for awaited packets (stats["underruns"], each wait rounded up to
                      whole frames); for a constant delay, simply the share of late packets
  mean buffering delay  mean over played packets of (play time - arrival time), ms
Quality targets (--check fails if any is missed):
  1a. the default adaptive setting (quantile 0.97) has a lower mean delay than the fixed setting
     with the same late-loss rate: the least fixed delay_ms whose late loss is at most the
     adaptive's, found by bisection (to 0.01 ms; no interpolation, the fixed runs are real);
  1b. the adaptive curve (all quantiles) lies below every listed fixed point: each fixed point is
     compared with the adaptive curve interpolated (linearly in log rate) at its loss rate;
     fixed points whose loss rate lies outside the adaptive curve's range are not comparable
     and are listed;
  1c. the same without interpolation: for each comparable fixed point, the adaptive quantile
     whose late loss is at most the fixed point's (bisection over log(1 - quantile)) must have
     the lower mean delay (the chords of 1b lie above a convex curve and below a concave one);
  2. at 1% late loss, adaptive's mean delay is within 20% of the optimal bound.
Both modes share the same base (the 1% quantile of the delay histogram, drift-corrected, re-anchored
at resets), so "fixed" is a constant delay above the fastest packets, not above the first packet.
"""
import argparse
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netsim import SCENARIOS, simulate  # noqa: E402

from ccfast.jitter import FrameKind, JitterBuffer  # noqa: E402

QUANTILES = [0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999]
FIXED = [20, 30, 40, 60, 80, 100, 130, 160, 200, 300]
PREFETCH = [1, 2, 4, 8]


def unique_delivered(delivered):
    seen, out = set(), []
    for p in delivered:
        k = (p.ssrc, p.seq, p.timestamp)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


def run_ccfast(sc, delivered, **kw):
    """Play the trace through a JitterBuffer; (late rate, mean buffering delay ms, stats)."""
    jb = JitterBuffer(sc.clock_rate, sc.frame_ms, **kw)
    arrival = {}
    delays = []
    last_ts = None

    def take(frames):
        nonlocal last_ts
        for f in frames:
            if f.kind == FrameKind.AUDIO:
                delays.append(f.due_ms - f.arrival_ms)

    for p in delivered:
        while True:
            d = jb.next_due_ms
            if d is None or d > p.arrival_ms:
                break
            fr = jb.get_until(d)
            if not fr:
                break
            take(fr)
        jb.put(p.payload or p.index, p.seq, p.timestamp, p.arrival_ms, p.marker)
    end = delivered[-1].arrival_ms if delivered else 0
    take(jb.get_until(end + 5000))
    st = jb.stats
    n = len(unique_delivered(delivered))
    # concealed playout time: late frames, plus the time the playout waited for held packets
    return (st["late"] + st["underruns"]) / max(n, 1), (sum(delays) / len(delays) if delays else 0.0), st


def run_aiortc(sc, delivered, prefetch):
    """aiortc's JitterBuffer (capacity 16 as aiortc uses for audio): a frame leaves when
    `prefetch` newer frames are buffered; its play time is the arrival that released it."""
    from aiortc.jitterbuffer import JitterBuffer as AJB
    from aiortc.rtp import RtpPacket
    jb = AJB(capacity=16, prefetch=prefetch)
    arrivals = {}
    delays = []
    for p in delivered:
        arrivals.setdefault((p.ssrc, p.timestamp), p.arrival_ms)
        pkt = RtpPacket(payload_type=0, sequence_number=p.seq, timestamp=p.timestamp, payload=b"x")
        pkt._data = b"x"     # aiortc's receiver sets the depacketized payload here
        _, frame = jb.add(pkt)
        if frame is not None:
            delays.append(p.arrival_ms - arrivals.get((p.ssrc, frame.timestamp), p.arrival_ms))
    n = len(unique_delivered(delivered))
    return max(0, n - len(delays)) / max(n, 1), (sum(delays) / len(delays) if delays else 0.0)


def oracle_curve(delivered, rates):
    """Least mean buffering delay of a constant end-to-end delay D at each late-loss rate."""
    d = sorted(p.arrival_ms - p.send_ms for p in unique_delivered(delivered))
    n = len(d)
    prefix = [0.0]
    for v in d:
        prefix.append(prefix[-1] + v)
    out = []
    for r in rates:
        k = n - int(r * n)            # on-time packets: the k smallest delays
        k = max(1, min(n, k))
        D = d[k - 1]
        out.append((r, D - prefix[k] / k))
    return out


def fixed_at_rate(sc, delivered, rate):
    """The least fixed delay_ms whose late loss is at most `rate` (bisection; late loss falls as
    the delay grows): (delay_ms, late rate, mean buffering delay ms), or None beyond 1 s."""
    cache = {}

    def run(d):
        if d not in cache:
            cache[d] = run_ccfast(sc, delivered, mode="fixed", delay_ms=d)[:2]
        return cache[d]
    lo, hi = 0.0, 20.0
    while run(hi)[0] > rate:
        lo, hi = hi, 2 * hi
        if hi > 1000:
            return None
    while hi - lo > 0.01:
        mid = (lo + hi) / 2
        if run(mid)[0] <= rate:
            hi = mid
        else:
            lo = mid
    return (hi,) + run(hi)


def adaptive_at_rate(sc, delivered, rate, q_lo, q_hi):
    """The least adaptive quantile in [q_lo, q_hi] whose late loss is at most `rate`
    (bisection over -log10(1 - q)): (quantile, late rate, mean buffering delay ms), or None."""
    cache = {}

    def run(u):
        if u not in cache:
            cache[u] = run_ccfast(sc, delivered, quantile=1 - 10 ** -u)[:2]
        return cache[u]
    lo, hi = -math.log10(1 - q_lo), -math.log10(1 - q_hi)
    if run(hi)[0] > rate:
        return None
    for _ in range(14):
        mid = (lo + hi) / 2
        if run(mid)[0] <= rate:
            hi = mid
        else:
            lo = mid
    return (1 - 10 ** -hi,) + run(hi)


def interp(curve, rate):
    """Delay at `rate` on a (rate, delay) curve (linear in log rate); None outside its range."""
    import math
    pts = sorted(curve)
    for (r0, d0), (r1, d1) in zip(pts, pts[1:]):
        if r0 <= rate <= r1:
            if r1 == r0:
                return min(d0, d1)
            f = (math.log(max(rate, 1e-6)) - math.log(max(r0, 1e-6))) / \
                (math.log(max(r1, 1e-6)) - math.log(max(r0, 1e-6)))
            return d0 + f * (d1 - d0)
    if pts and rate == pts[0][0]:
        return pts[0][1]
    return None


def lower_envelope(points):
    """Points no other point beats in both rate and delay (the achievable curve)."""
    pts = sorted(points)
    out = []
    for r, d in pts:
        if not out or d < out[-1][1]:
            out.append((r, d))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="*")
    ap.add_argument("--seconds", type=float, default=300.0)
    ap.add_argument("--png", default=None, help="write the curves here (needs matplotlib)")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args(argv)
    try:
        import aiortc  # noqa: F401
        have_aiortc = True
    except ImportError:
        have_aiortc = False
        print("aiortc not installed: its curve is skipped (pip install aiortc)")
    results = []
    failures = []
    t_start = time.perf_counter()
    for sc in SCENARIOS:
        if a.scenarios and sc.name not in a.scenarios:
            continue
        sc.seconds = a.seconds
        sent, delivered = simulate(sc)
        adaptive = []
        for q in QUANTILES:
            lr, md, st = run_ccfast(sc, delivered, quantile=q)
            adaptive.append((q, lr, md, st))
        fixed = []
        for dms in FIXED:
            lr, md, st = run_ccfast(sc, delivered, mode="fixed", delay_ms=dms)
            fixed.append((dms, lr, md, st))
        peers = []
        if have_aiortc:
            for pf in PREFETCH:
                lr, md = run_aiortc(sc, delivered, pf)
                peers.append((pf, lr, md))
        acurve = lower_envelope([(lr, md) for _, lr, md, _ in adaptive])
        rates = sorted({lr for _, lr, _, _ in adaptive} | {lr for _, lr, _, _ in fixed} | {0.01})
        ocurve = oracle_curve(delivered, rates)
        oracle_1 = dict(ocurve)[0.01]
        a1 = interp(acurve, 0.01)
        default = next(x for x in adaptive if x[0] == 0.97)
        print(f"\n== {sc.name}: {sc.description}  ({len(sent)} sent, {len(unique_delivered(delivered))} delivered,"
              f" {sc.seconds:.0f} s)")
        print(f"   {'setting':24s} {'late %':>8s} {'delay ms':>9s} {'oracle@rate':>11s}")
        for q, lr, md, st in adaptive:
            o = interp(ocurve, lr)
            mark = " (default)" if q == 0.97 else ""
            print(f"   adaptive q={q:<13}{lr * 100:8.3f} {md:9.1f} {o if o is not None else float('nan'):11.1f}"
                  f"  lost={st['lost']} resets={st['resets']}{mark}")
        beaten = []
        for dms, lr, md, st in fixed:
            ad = interp(acurve, lr)
            verdict = "n/a (outside adaptive range)" if ad is None else (
                f"adaptive {ad:.1f} ms {'<' if ad < md else '>='} fixed")
            if ad is not None and ad >= md:
                beaten.append(dms)
            print(f"   fixed {dms:<4d} ms{'':12s}{lr * 100:8.3f} {md:9.1f} {'':11s}  {verdict}")
        exact = []
        for dms, lr, md, st in fixed:
            if interp(acurve, lr) is None:
                continue
            r = adaptive_at_rate(sc, delivered, lr, QUANTILES[0], QUANTILES[-1])
            if r is None:
                continue
            exact.append(f"{dms} ms: {(md - r[2]) / md * 100:+.1f}% (q={r[0]:.4f})")
            if r[2] >= md:
                failures.append(f"{sc.name}: fixed {dms} ms not beaten without interpolation "
                                f"({r[2]:.2f} >= {md:.2f} ms)")
        print("   adaptive at each fixed setting's late loss (bisection), margin:", ", ".join(exact))
        for pf, lr, md in peers:
            ad = interp(acurve, lr)
            print(f"   aiortc prefetch={pf:<8d}{lr * 100:8.3f} {md:9.1f} {'':11s}"
                  f"  adaptive at that rate: {'n/a' if ad is None else f'{ad:.1f} ms'}")
        _, dlr, dmd, _ = default
        eq = fixed_at_rate(sc, delivered, dlr)
        if eq is None:
            failures.append(f"{sc.name}: no fixed setting reaches {dlr * 100:.3f}% late loss")
            print("   default vs fixed at equal late loss: no fixed setting up to 1 s reaches it")
        else:
            margin = (eq[2] - dmd) / eq[2]
            print(f"   default vs fixed at equal late loss: adaptive {dlr * 100:.3f}% {dmd:.2f} ms,"
                  f" fixed {eq[0]:.2f} ms {eq[1] * 100:.3f}% {eq[2]:.2f} ms, margin {margin * 100:+.1f}%")
            if dmd >= eq[2]:
                failures.append(f"{sc.name}: default {dmd:.2f} ms >= fixed {eq[2]:.2f} ms at equal loss")
        ratio = (a1 / oracle_1) if (a1 is not None and oracle_1 > 0) else None
        print(f"   at 1% late loss: adaptive {a1 if a1 is not None else float('nan'):.1f} ms,"
              f" optimal constant-delay bound {oracle_1:.1f} ms, ratio {ratio if ratio else float('nan'):.3f}")
        ok1 = not beaten
        ok2 = ratio is not None and ratio <= 1.2
        if not ok1:
            failures.append(f"{sc.name}: fixed {beaten} ms not beaten")
        if not ok2:
            failures.append(f"{sc.name}: 1% ratio {ratio}")
        results.append((sc, adaptive, fixed, peers, ocurve, a1, oracle_1, default, eq))
    print(f"\n({time.perf_counter() - t_start:.1f} s)")
    print("targets:", "all met" if not failures else "MISSED: " + "; ".join(failures))
    if a.png:
        write_png(results, a.png)
    return 1 if (a.check and failures) else 0


def write_png(results, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no PNG")
        return
    n = len(results)
    cols = 3
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    for ax, (sc, adaptive, fixed, peers, ocurve, a1, o1, default, eq) in zip(axes.flat, results):
        ax.plot([max(lr, 1e-4) * 100 for _, lr, _, _ in adaptive], [md for _, _, md, _ in adaptive],
                "o-", label="ccfast adaptive", ms=3)
        ax.plot([max(lr, 1e-4) * 100 for _, lr, _, _ in fixed], [md for _, _, md, _ in fixed],
                "s--", label="ccfast fixed", ms=3)
        if peers:
            ax.plot([max(lr, 1e-4) * 100 for _, lr, _ in peers], [md for _, _, md in peers],
                    "^:", label="aiortc", ms=3)
        ax.plot([max(r, 1e-4) * 100 for r, _ in ocurve], [d for _, d in ocurve], "k-", lw=0.8,
                label="optimal constant delay")
        ax.plot([max(default[1], 1e-4) * 100], [default[2]], "*", color="C0", ms=9,
                label="adaptive default (q=0.97)")
        if eq is not None:
            ax.plot([max(eq[1], 1e-4) * 100], [eq[2]], "x", color="C1", ms=7,
                    label="fixed at the same late loss")
        ax.set_xscale("log")
        ax.set_title(sc.name, fontsize=9)
        ax.set_xlabel("late loss %", fontsize=8)
        ax.set_ylabel("mean buffering delay ms", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.tight_layout()
    if os.path.dirname(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=70)
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
