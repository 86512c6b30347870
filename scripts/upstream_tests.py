"""Run the upstream test suites of gmssl, pylibsrtp and aiortc against ccfast's compatibility
layers: the real package's name is bound to ccfast.compat.<name> (sys.modules) before any test
imports it, so the tests exercise ccfast.

    python scripts/upstream_tests.py                        # all three suites
    python scripts/upstream_tests.py --suite pylibsrtp --suite gmssl
    python scripts/upstream_tests.py --aiortc-tests srtp    # only aiortc's modules that use SRTP
    python scripts/upstream_tests.py --source gmssl=/path/to/gmssl-checkout
    python scripts/upstream_tests.py --real                 # the same tests on the real packages

The tests are never copied into this repository: each suite's sdist (pip download --no-binary)
of the installed version is fetched into a temporary directory, or, where that version
published no sdist, the newest sdist before it (gmssl 3.2.2 has only a wheel: its tests come
from 3.2.1).  --source NAME=DIR takes them from a checkout instead (the CI job checks out the
tag of the installed version).  The real packages must be installed (their versions pick the
tests, and aiortc's own code runs the tests); `python -m pip install gmssl pylibsrtp aiortc`.

Each suite must pass whole, except the tests listed in EXPECTED below: deliberate differences
of the compatibility layers (safety), each with its reason.  The run fails when the layer was
never called (the swap did not take) or the real package's native code was loaded.
"""
import argparse
import importlib.metadata
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time

SUITES = ("gmssl", "pylibsrtp", "aiortc")

# aiortc's test modules that go through SRTP (DTLS-SRTP transports, peer connections)
AIORTC_SRTP_TESTS = ["tests/test_ortc.py", "tests/test_rtcdtlstransport.py", "tests/test_rtcpeerconnection.py"]

# (suite, test) -> why the compatibility layer differs on purpose.  A listed test that passes is
# reported, so the list stays true.
EXPECTED = {}

# Bound before the tests import anything: sys.modules[name] = module.
SWAPS = {
    "pylibsrtp": {"pylibsrtp": "ccfast.compat.pylibsrtp"},
    "aiortc": {"pylibsrtp": "ccfast.compat.pylibsrtp"},
    "gmssl": {"gmssl": "ccfast.compat.gmssl", "gmssl.sm2": "ccfast.compat.gmssl.sm2",
              "gmssl.sm3": "ccfast.compat.gmssl.sm3", "gmssl.sm4": "ccfast.compat.gmssl.sm4",
              "gmssl.func": "ccfast.compat.gmssl.func"},
}

# pytest plugin for pylibsrtp's and aiortc's suites (written into the work directory)
PLUGIN = '''
import importlib, json, os, sys
SWAP = json.loads(os.environ["CCFAST_UPSTREAM_SWAP"])
CALLS = {"n": 0}
if SWAP:
    for name, target in SWAP.items():
        sys.modules[name] = importlib.import_module(target)
    layer = sys.modules["pylibsrtp"]
    _process = layer.Session._process

    def _counted(self, *args, **kwargs):
        CALLS["n"] += 1
        return _process(self, *args, **kwargs)
    layer.Session._process = _counted


def pytest_sessionfinish(session, exitstatus):
    if not SWAP:
        return
    problems = []
    if CALLS["n"] == 0:
        problems.append("ccfast.compat.pylibsrtp was never called: the swap did not take")
    if "pylibsrtp._binding" in sys.modules:
        problems.append("the real pylibsrtp's libsrtp binding was loaded")
    dtls = sys.modules.get("aiortc.rtcdtlstransport")
    if dtls is not None and dtls.Session is not sys.modules["pylibsrtp"].Session:
        problems.append("aiortc holds another Session class than ccfast.compat.pylibsrtp's")
    print(f"\\n[upstream] ccfast.compat.pylibsrtp handled {CALLS['n']} packets")
    for p in problems:
        print("[upstream] " + p)
    if problems:
        session.exitstatus = 1
'''

# runner for gmssl's tests: scripts (their __main__ blocks and module-level code) and test_*
# functions, each counted
GMSSL_RUNNER = '''
import glob, importlib, json, os, runpy, sys, traceback
SWAP = json.loads(os.environ["CCFAST_UPSTREAM_SWAP"])
for name, target in SWAP.items():
    sys.modules[name] = importlib.import_module(target)
results = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "test_*.py"))):
    base = os.path.basename(path)[:-3]
    try:
        ns = runpy.run_path(path, run_name="__main__")
        results.append((base, "passed", ""))
    except BaseException:
        results.append((base, "failed", traceback.format_exc(limit=4)))
        continue
    for name in sorted(ns):
        if name.startswith("test") and callable(ns[name]) and getattr(ns[name], "__module__", None) == "__main__":
            try:
                ns[name]()
                results.append((f"{base}::{name}", "passed", ""))
            except BaseException:
                results.append((f"{base}::{name}", "failed", traceback.format_exc(limit=4)))
if SWAP and any(m.startswith("gmssl") and not getattr(sys.modules[m], "__name__", "").startswith("ccfast")
                for m in list(sys.modules) if m.split(".")[0] == "gmssl"):
    results.append(("swap", "failed", "a real gmssl module was imported"))
print(json.dumps(results))
'''


def say(msg):
    print(f"[upstream] {msg}", flush=True)


def installed(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def fetch_sdist(dist, version, work):
    """Unpack the sdist of dist==version (or the newest before it that has one); its root."""
    dest = work / f"{dist}-sdist"
    dest.mkdir()
    for spec in (f"{dist}=={version}", f"{dist}<={version}"):
        r = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                            "--timeout", "60", "--retries", "2", "-q", "-d", str(dest), spec],
                           capture_output=True, text=True, timeout=900)
        archives = sorted(dest.glob("*.tar.gz"))
        if r.returncode == 0 and archives:
            break
    else:
        raise SystemExit(f"[upstream] could not download an sdist of {dist}<={version}:\n{r.stderr[-2000:]}")
    with tarfile.open(archives[0]) as tf:
        tf.extractall(dest, filter="data") if hasattr(tarfile, "data_filter") else tf.extractall(dest)
    root = next(p for p in dest.iterdir() if p.is_dir())
    got = root.name[len(dist) + 1:]
    note = "" if got == version else f" ({dist} {version} published no sdist: the newest before it)"
    say(f"{dist}: tests from the {got} sdist{note}")
    return root


def run_pytest_suite(name, root, tests, work, real, timeout):
    plugin_dir = work / "plugin"
    plugin_dir.mkdir(exist_ok=True)
    (plugin_dir / "ccfast_upstream_swap.py").write_text(PLUGIN)
    env = dict(os.environ, CCFAST_UPSTREAM_SWAP="{}" if real else __import__("json").dumps(SWAPS[name]))
    env["PYTHONPATH"] = os.pathsep.join([str(plugin_dir)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    cmd = [sys.executable, "-m", "pytest", "-p", "ccfast_upstream_swap", "-p", "no:cacheprovider", "-q",
           "-o", "addopts=", "-rfE", *tests]
    t0 = time.monotonic()
    r = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
    out = r.stdout + r.stderr
    tail = [line for line in out.splitlines() if line.strip()][-12:]
    failed = [line.split()[1] for line in out.splitlines() if line.startswith(("FAILED ", "ERROR "))]
    return r.returncode, failed, tail, time.monotonic() - t0


def run_gmssl_suite(root, work, real, timeout):
    import json
    env = dict(os.environ, CCFAST_UPSTREAM_SWAP="{}" if real else json.dumps(SWAPS["gmssl"]))
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-c", GMSSL_RUNNER, str(root / "tests")], cwd=work, env=env,
                       capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        return 1, ["(runner)"], (r.stdout + r.stderr).splitlines()[-12:], time.monotonic() - t0
    results = json.loads(r.stdout.strip().splitlines()[-1])
    failed = [n for n, status, _ in results if status != "passed"]
    lines = [f"{n}: {status}" for n, status, _ in results]
    for n, status, tb in results:
        if status != "passed":
            lines += textwrap.indent(tb, "    ").splitlines()
    return (1 if failed else 0), failed, lines, time.monotonic() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suite", action="append", choices=SUITES, help="run only these (default: all)")
    ap.add_argument("--source", action="append", default=[], metavar="NAME=DIR",
                    help="take NAME's tests from a checkout or unpacked sdist in DIR")
    ap.add_argument("--aiortc-tests", choices=("all", "srtp"), default="all",
                    help="aiortc's whole suite (default) or only its modules that use SRTP")
    ap.add_argument("--real", action="store_true", help="run on the real packages (no swap), as a control")
    ap.add_argument("--timeout", type=float, default=1200, help="seconds per suite (default 1200)")
    args = ap.parse_args(argv)
    sources = dict(s.split("=", 1) for s in args.source)
    suites = args.suite or list(SUITES)
    against = "the real packages" if args.real else "ccfast's compatibility layers"
    failures = 0
    with tempfile.TemporaryDirectory(prefix="ccfast-upstream-") as tmp:
        work = pathlib.Path(tmp)
        for name in suites:
            version = installed(name)
            if version is None:
                say(f"{name} is not installed: python -m pip install {name} (its version picks the tests)")
                failures += 1
                continue
            root = pathlib.Path(sources[name]).resolve() if name in sources else fetch_sdist(name, version, work)
            if name in sources:
                say(f"{name}: tests from {root} ({name} {version} installed)")
            if name == "gmssl":
                rc, failed, lines, secs = run_gmssl_suite(root, work, args.real, args.timeout)
            else:
                tests = AIORTC_SRTP_TESTS if name == "aiortc" and args.aiortc_tests == "srtp" else ["tests"]
                rc, failed, lines, secs = run_pytest_suite(name, root, tests, work, args.real, args.timeout)
            unexpected = [f for f in failed if (name, f) not in EXPECTED]
            for f in failed:
                if (name, f) in EXPECTED:
                    say(f"{name}: {f} differs on purpose: {EXPECTED[(name, f)]}")
            for (suite, test), why in EXPECTED.items():
                if suite == name and test not in failed:
                    say(f"{name}: {test} is listed as differing on purpose but passed")
            for line in lines:
                print("    " + line)
            verdict = "passed" if rc == 0 or (failed and not unexpected) else "FAILED"
            say(f"{name}: {verdict} against {against} in {secs:.0f} s" +
                (f"; failing: {', '.join(unexpected)}" if unexpected else ""))
            failures += verdict != "passed"
    say(f"{len(suites) - failures} of {len(suites)} suites passed against {against}")
    print(f"upstream: {len(suites) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
