"""python -m ccfast speed: throughput of every kernel with its peers side by side.

Each speed_<area> module defines rows(measure) yielding Row objects; `measure(fn, nbytes)`
times fn() and returns (seconds per call, bytes per second).  A module may also define
PEERS = {import name: distribution name} for the peer libraries its rows compare against;
those that are not installed are named at the end, with the extra that installs them."""
import importlib.util
import json
import platform
import sys
import textwrap
import time
from dataclasses import dataclass, field

from . import area_modules
from ._cpu_report import feature_lines

WIDTH = 100                  # no output line is longer
NAME = 46                    # width of the operation column

HEADER = [
    "Each row is one ccfast operation; the indented rows under it are its peers on the same input.",
    "Columns: throughput (MB/s, or operations per second), time per call, and ratio = peer time /",
    "ccfast time (x2.00: ccfast takes half the peer's time; below x1.00 the peer is faster).",
    "Times are the best of several runs in this process: compare ratios, not absolute times.",
]


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


def _rate(m, unit):
    per_call, rate = m
    if unit == "op":
        return f"{1 / per_call:,.0f}/s"
    return f"{rate / 1e6:,.1f} MB/s"


def _time(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds:.3f} s"


def _line(name, m, unit, ratio=""):
    cells = f" {_rate(m, unit):>14} {_time(m[0]):>12} {ratio:>10}".rstrip()
    if len(name) > NAME:                       # a long name gets a line of its own
        return [name[:WIDTH], " " * NAME + cells]
    return [f"{name:<{NAME}}{cells}"]


def format_row(row):
    """The lines of one row and its peers, each at most WIDTH columns."""
    lines = _line(row.name, row.ccfast, row.unit)
    for p, m in row.peers.items():
        lines += _line(f"  {p}", m, row.unit, f"x{m[0] / row.ccfast[0]:.2f}")
    return lines


def missing_peers(modules):
    """Distributions of the peers the given speed modules name that are not installed."""
    missing = set()
    for mod in modules:
        for import_name, dist in getattr(mod, "PEERS", {}).items():
            if importlib.util.find_spec(import_name) is None:
                missing.add(dist)
    return sorted(missing)


def _emit(lines, out):
    for line in lines:
        print(line, file=out, flush=True)


def run(areas, seconds, json_path) -> int:
    import ccfast
    # `--json` alone (or `--json -`) puts the JSON on standard output and the table on stderr
    table = sys.stderr if json_path == "-" else sys.stdout
    modules = [(area, mod) for area, mod in area_modules("speed_") if not areas or area in areas]
    unknown = sorted(set(areas or ()) - {a for a, _ in area_modules("speed_")})
    if unknown:
        print(f"unknown area(s): {', '.join(unknown)}; known: "
              f"{', '.join(a for a, _ in area_modules('speed_'))}", file=sys.stderr)
        return 2
    _emit([f"ccfast {ccfast.__version__} speed on {platform.machine()}, Python {platform.python_version()}, "
           f"about {seconds:g} s per measurement"[:WIDTH]] + HEADER, table)
    _emit(textwrap.wrap(" ".join(feature_lines()), WIDTH, subsequent_indent="  "), table)
    _emit(["", f"{'operation':<{NAME}} {'throughput':>14} {'time/call':>12} {'ratio':>10}",
           "-" * (NAME + 39)], table)
    measure = make_measure(seconds)
    results = []
    for area, mod in modules:
        for row in mod.rows(measure):
            _emit(format_row(row), table)
            entry = {"area": area, "name": row.name, "unit": row.unit,
                     "ccfast": _json_measure(row.ccfast, row.unit), "peers": {}}
            for p, m in row.peers.items():
                entry["peers"][p] = dict(_json_measure(m, row.unit), ratio=m[0] / row.ccfast[0])
            results.append(entry)
    missing = missing_peers(mod for _, mod in modules)
    if missing:
        _emit([""] + textwrap.wrap(
            f"Peers not installed, so their rows and ratios are missing: {', '.join(missing)}. "
            "python -m pip install 'ccfast[bench]' installs them (the `bench` extra; tongsuopy "
            "and gmssl_pyx have wheels for Linux x86-64 only).", WIDTH), table)
    if json_path:
        doc = {"ccfast": ccfast.__version__, "python": platform.python_version(), "machine": platform.machine(),
               "cpu_features": sorted(n for n, v in ccfast.cpu_features().items() if v),
               "implementations": ccfast.implementations(), "seconds_per_measurement": seconds,
               "ratio": "peer seconds per call / ccfast seconds per call", "missing_peers": missing,
               "rows": results}
        if json_path == "-":
            json.dump(doc, sys.stdout, indent=1)
            print()
        else:
            with open(json_path, "w") as f:
                json.dump(doc, f, indent=1)
    return 0


def _json_measure(m, unit):
    per_call, rate = m
    out = {"seconds_per_call": per_call}
    if unit == "op":
        out["operations_per_second"] = 1 / per_call
    else:
        out["bytes_per_second"] = rate
    return out
