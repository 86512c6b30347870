"""python -m ccfast info"""
import os
import platform

import ccfast


def run() -> int:
    print(f"ccfast {ccfast.__version__} on {platform.machine()} / Python {platform.python_version()}")
    disabled = os.environ.get("CCFAST_CPU_DISABLE")
    if disabled:
        print(f"CCFAST_CPU_DISABLE={disabled}")
    from ._cpu_report import feature_lines
    for line in feature_lines():
        print(line)
    print("implementations:")
    chosen = ccfast.implementations()
    for alg, impls in sorted(ccfast._available_implementations().items()):
        others = ", ".join(f"{n}{'' if ok else ' (unsupported)'}" for n, ok in impls.items() if n != chosen.get(alg))
        print(f"  {alg:8s} {chosen.get(alg, '-'):24s} others: {others or '-'}")
    return 0
