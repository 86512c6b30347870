"""Turn one pytest-benchmark run into ratios against the peers and check the targets.

  python -m pytest benchmarks --benchmark-enable --benchmark-json=bench.json
  python benchmarks/ratios.py bench.json [--check]

Ratios are peer median time / ccfast median time from the same run (higher is better for
ccfast).  TARGETS come from every benchmarks/bench_*.py module:
  {"group", "peer", "min_ratio"}              ccfast at least min_ratio x faster than the peer
  {"group", "max_seconds", "per": N}          ccfast median / N at most max_seconds
  {"group", "min_bytes_per_second", "bytes"}  ccfast throughput at least this
With --check the exit status is 1 when a target is missed (or its group did not run).
"""
import collections
import importlib.util
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent


def load_targets():
    targets = []
    sys.path.insert(0, str(HERE))
    for path in sorted(HERE.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(mod)
        except Exception as exc:         # a peer missing at import time should not hide the rest
            print(f"(could not load targets of {path.name}: {exc})")
            continue
        targets += [dict(t, module=path.stem) for t in getattr(mod, "TARGETS", [])]
    return targets


def medians(report):
    groups = collections.defaultdict(dict)
    for b in report["benchmarks"]:
        impl = (b.get("params") or {}).get("impl") or (b.get("extra_info") or {}).get("impl") or "ccfast"
        groups[b["group"]][impl] = b["stats"]["median"]
    return groups


def main(argv):
    check = "--check" in argv
    files = [a for a in argv if not a.startswith("--")]
    if len(files) != 1:
        print(__doc__)
        return 2
    groups = medians(json.load(open(files[0])))
    print(f"{'group':46s} {'ccfast':>12s}  peers (ratio = peer / ccfast)")
    for g in sorted(groups):
        t = groups[g]
        ours = t.get("ccfast")
        peers = "  ".join(f"{p} x{v / ours:.2f}" for p, v in sorted(t.items()) if p != "ccfast" and ours)
        print(f"{g:46s} {ours * 1e6 if ours else float('nan'):10.3f}us  {peers}")
    missed = 0
    print("\ntargets:")
    for t in load_targets():
        got = groups.get(t["group"], {})
        ours = got.get("ccfast")
        if ours is None:
            print(f"  MISSING  {t['group']} (did not run)")
            missed += 1
            continue
        if "peer" in t:
            peer = got.get(t["peer"])
            if peer is None:
                print(f"  SKIPPED  {t['group']}: peer {t['peer']} did not run")
                continue
            ratio = peer / ours
            ok = ratio >= t["min_ratio"]
            print(f"  {'ok    ' if ok else 'MISSED'}   {t['group']}: x{ratio:.2f} vs {t['peer']} (goal x{t['min_ratio']})")
        elif "max_seconds" in t:
            per = ours / t.get("per", 1)
            ok = per <= t["max_seconds"]
            print(f"  {'ok    ' if ok else 'MISSED'}   {t['group']}: {per * 1e6:.3f} us (goal <= {t['max_seconds'] * 1e6:.3f} us)")
        else:
            rate = t["bytes"] / ours
            ok = rate >= t["min_bytes_per_second"]
            print(f"  {'ok    ' if ok else 'MISSED'}   {t['group']}: {rate / 1e6:.0f} MB/s (goal >= {t['min_bytes_per_second'] / 1e6:.0f} MB/s)")
        missed += not ok
    return 1 if (check and missed) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
