"""Run the test suite once per CPU implementation level this machine can run.

Usage: python tests/run.py [pytest args...]

Each level sets CCFAST_CPU_DISABLE; a level whose chosen implementations are identical to an
earlier level's is skipped as redundant, and implementations this CPU cannot run at all are
listed as skipped.  Exits non-zero if any run fails or if a run collects no test.
"""
import json
import os
import subprocess
import sys

# Most to least capable.  Each level should reach at least one implementation no other level does.
LEVELS = [
    ("native", ""),
    ("no-avx512", "avx512f"),
    ("vaes-no-gfni", "avx512f,gfni"),
    ("aesni-avx2", "avx512f,vaes,vpclmulqdq,gfni"),
    ("sse-only", "avx512f,vaes,vpclmulqdq,gfni,avx,avx2,bmi2,adx,sha_ni"),
    ("portable", "all"),
]

PROBE = "import ccfast, json; print(json.dumps([ccfast.implementations(), ccfast._available_implementations()]))"


def probe(disable):
    env = dict(os.environ, CCFAST_CPU_DISABLE=disable)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main(argv):
    # Name the test directory unless the caller named paths: the command may run elsewhere
    # (cibuildwheel runs it from a temporary directory against the installed wheel).
    if not any(os.path.exists(a.split("::")[0]) for a in argv if not a.startswith("-")):
        argv = [*argv, os.path.dirname(os.path.abspath(__file__))]
    seen = {}          # frozenset of chosen implementations -> level name
    exercised = set()
    available = {}
    runs = []
    for name, disable in LEVELS:
        chosen, avail = probe(disable)
        available = avail if not disable else available
        key = frozenset(chosen.items())
        if key in seen:
            print(f"[run.py] level {name}: same implementations as {seen[key]}, skipped", flush=True)
            continue
        seen[key] = name
        exercised |= set(chosen.items())
        runs.append((name, disable, chosen))

    unsupported = sorted(f"{alg}:{impl}" for alg, impls in available.items()
                         for impl, ok in impls.items() if not ok)
    unselected = sorted(f"{alg}:{impl}" for alg, impls in available.items()
                        for impl, ok in impls.items() if ok and (alg, impl) not in exercised)
    if unsupported:
        print("[run.py] implementations this CPU cannot run, skipped here "
              "(ARM ones are covered by the C drivers under qemu): " + ", ".join(unsupported), flush=True)
    if unselected:
        print("[run.py] implementations no level selects (tests that can pick an implementation "
              "run them directly): " + ", ".join(unselected), flush=True)

    failed = []
    for name, disable, chosen in runs:
        desc = ", ".join(f"{a}={i}" for a, i in sorted(chosen.items()))
        print(f"\n[run.py] === level {name} (CCFAST_CPU_DISABLE={disable!r}): {desc}", flush=True)
        env = dict(os.environ, CCFAST_CPU_DISABLE=disable, CCFAST_TEST_LEVEL=name)
        # Levels after the first skip tests that do not depend on the CPU path.
        extra = [] if name == "native" else ["-m", "not cpu_independent"]
        rc = subprocess.run([sys.executable, "-m", "pytest", *extra, *argv], env=env).returncode
        if rc == 5:
            print(f"[run.py] level {name}: no test ran — counted as a failure", flush=True)
        if rc != 0:
            failed.append(name)
    print(f"\n[run.py] levels run: {', '.join(n for n, _, _ in runs)}; failed: {', '.join(failed) or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
