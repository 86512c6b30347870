"""python -m ccfast selftest: known answers through every implementation usable on this CPU.

Each kat_<area> module defines run() yielding (algorithm, implementation, ok, detail)."""
from . import area_modules


def run() -> int:
    failures = total = 0
    for area, mod in area_modules("kat_"):
        for alg, impl, ok, detail in mod.run():
            total += 1
            if not ok:
                failures += 1
            print(f"{'ok  ' if ok else 'FAIL'} {alg:14s} {impl:28s} {detail}")
    if total == 0:
        print("FAIL: no known-answer test ran")
        return 1
    print(f"{total - failures} passed, {failures} failed")
    return 1 if failures else 0
