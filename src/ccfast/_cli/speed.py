"""python -m ccfast speed: throughput of every kernel with its peers side by side.

Each speed_<area> module defines rows(measure) yielding Row objects; `measure(fn, nbytes)`
times fn() and returns (seconds per call, bytes per second)."""
import json
import time
from dataclasses import dataclass, field

from . import area_modules
from ._cpu_report import feature_lines


@dataclass
class Row:
    name: str                    # e.g. "AES-128-GCM encrypt 1500 B"
    ccfast: tuple                # (seconds per call, bytes per second) from measure()
    peers: dict = field(default_factory=dict)   # peer name -> (seconds per call, bytes per second)
    unit: str = "B"              # "B" for throughput rows, "op" for operations (signatures)


def make_measure(seconds):
    def measure(fn, nbytes):
        fn()                                   # warm up
        n = 1
        while True:                            # calibrate the loop to ~seconds/5
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            dt = time.perf_counter() - t0
            if dt > seconds / 5 or n > 1 << 24:
                break
            n *= 4
        best = dt / n
        reps = max(1, int(seconds / max(dt, 1e-9)))
        for _ in range(min(reps, 5)):          # best of a few runs resists noise
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            best = min(best, (time.perf_counter() - t0) / n)
        return best, (nbytes / best if nbytes else 0.0)
    return measure


def _fmt(m, unit):
    per_call, rate = m
    if unit == "op":
        return f"{1 / per_call:12,.0f}/s"
    return f"{rate / 1e6:9.1f} MB/s {per_call * 1e6:8.3f} us"


def run(areas, seconds, json_path) -> int:
    for line in feature_lines():
        print(line)
    measure = make_measure(seconds)
    results = []
    for area, mod in area_modules("speed_"):
        if areas and area not in areas:
            continue
        for row in mod.rows(measure):
            peers = "  ".join(
                f"{p}: {_fmt(m, row.unit)} (x{m[0] / row.ccfast[0]:.2f})" for p, m in row.peers.items()
            )
            print(f"{row.name:40s} {_fmt(row.ccfast, row.unit)}   {peers}", flush=True)
            results.append({"name": row.name, "unit": row.unit, "ccfast_s": row.ccfast[0],
                            "peers_s": {p: m[0] for p, m in row.peers.items()}})
    if json_path:
        with open(json_path, "w") as f:
            json.dump(results, f, indent=1)
    return 0
