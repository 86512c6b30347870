"""Run the test suite once per CPU implementation level this machine can run.

Usage: python tests/run.py [pytest args...]

Each level sets CCFAST_CPU_DISABLE; a level whose chosen implementations are identical to an
earlier level's is skipped as redundant, and implementations this CPU cannot run at all are
listed as skipped.  After each level it prints how many known-answer records were checked per
standard (the `kat` fixture of tests/conftest.py).  Exits non-zero if any run fails, if a run
collects no test, or if any test was skipped for a reason other than those tests/conftest.py
allows (a CPU feature, an optional peer or tool that is really absent, the platform); every
"[peer absent]" skip is re-checked here: that module must not be importable.
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

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
    kat_by_level = {}
    for name, disable, chosen in runs:
        desc = ", ".join(f"{a}={i}" for a, i in sorted(chosen.items()))
        print(f"\n[run.py] === level {name} (CCFAST_CPU_DISABLE={disable!r}): {desc}", flush=True)
        fd, report = tempfile.mkstemp(prefix=f"ccfast-{name}-", suffix=".json")
        os.close(fd)
        os.unlink(report)
        env = dict(os.environ, CCFAST_CPU_DISABLE=disable, CCFAST_TEST_LEVEL=name, CCFAST_TEST_REPORT=report)
        # Levels after the first skip tests that do not depend on the CPU path.
        extra = [] if name == "native" else ["-m", "not cpu_independent"]
        rc = subprocess.run([sys.executable, "-m", "pytest", *extra, *argv], env=env).returncode
        if rc == 5:
            print(f"[run.py] level {name}: no test ran — counted as a failure", flush=True)
        problems = check_report(report)
        for line in problems:
            print(f"[run.py] level {name}: {line}", flush=True)
        if rc != 0 or problems:
            failed.append(name)
        kat_by_level[name] = read_report(report).get("known_answers", {})
        try:
            os.unlink(report)
        except OSError:
            pass
        print("[run.py] level " + name + ": known-answer records checked: " +
              (", ".join(f"{s} {n:,}" for s, n in sorted(kat_by_level[name].items())) or "none"), flush=True)
    print_kat_table(kat_by_level)
    print(f"\n[run.py] levels run: {', '.join(n for n, _, _ in runs)}; failed: {', '.join(failed) or 'none'}")
    return 1 if failed else 0


def read_report(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def check_report(path):
    """Problems with a level's skips: reasons not allowed, or peers said absent that are here."""
    data = read_report(path)
    if not data:
        return ["pytest wrote no report (tests/conftest.py was not loaded, or the run crashed)"]
    problems = []
    for s in data.get("skips", []):
        if s["category"] is None:
            problems.append(f"skipped for a reason that is not allowed: {s['nodeid']}: {s['reason']}")
        elif s["category"] == "[peer absent]":
            module = s["reason"][len("[peer absent]"):].split()[0]
            if importlib.util.find_spec(module) is not None:
                problems.append(f"skipped as if {module} were absent, but it is installed: {s['nodeid']}: {s['reason']}")
    allowed = [s for s in data.get("skips", []) if s["category"] is not None]
    if allowed:
        by_reason = {}
        for s in allowed:
            by_reason.setdefault(s["reason"], 0)
            by_reason[s["reason"]] += 1
        for reason, n in sorted(by_reason.items()):
            print(f"[run.py]   skipped {n}: {reason}", flush=True)
    return problems


def print_kat_table(kat_by_level):
    levels = list(kat_by_level)
    standards = sorted({s for counts in kat_by_level.values() for s in counts})
    if not standards:
        print("\n[run.py] no known-answer records were checked", flush=True)
        return
    print(f"\n[run.py] known-answer records checked per standard ({' / '.join(levels)}):")
    for s in standards:
        print(f"[run.py]   {s:24s} " + " / ".join(f"{kat_by_level[lv].get(s, 0):,}" for lv in levels))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
