"""Time-boxed fuzzing: each libFuzzer harness (fuzz/c, built with clang, ASan and UBSan) and
each atheris harness (fuzz/py) runs for a few seconds from its seed corpus (fuzz/corpus);
any crash, sanitizer report or failed invariant fails the test.  CCFAST_FUZZ_SECONDS sets the
time per harness (default 3); fuzz/README.md describes long runs.  Skipped, with the reason,
where clang's libFuzzer or atheris is missing, unless CCFAST_FUZZ_REQUIRED=1 (the CI fuzz job),
which makes a missing toolchain a failure.  fuzz/ ships in the sdist; where the tests run
without it (a copy of tests/ beside an installed wheel) the module says so and skips."""
import concurrent.futures
import importlib.util
import os
import pathlib
import runpy
import shutil
import subprocess
import sys
import tempfile
import threading

import pytest

from conftest import need_peer, skip_platform, skip_tool, tree_kind

pytestmark = pytest.mark.cpu_independent

ROOT = pathlib.Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"
SECONDS = int(os.environ.get("CCFAST_FUZZ_SECONDS", "3"))
REQUIRED = os.environ.get("CCFAST_FUZZ_REQUIRED") == "1"

if not FUZZ.is_dir():
    skip_platform(f"fuzz/ is not in this {tree_kind()} ({ROOT})", allow_module_level=True)

BUILD = runpy.run_path(str(FUZZ / "build.py"), run_name="ccfast_fuzz_build")
C_TARGETS = sorted(BUILD["TARGETS"])
PY_TARGETS = sorted(p.stem[5:] for p in (FUZZ / "py").glob("fuzz_*.py"))


def missing(kind, what, why):
    if REQUIRED:
        pytest.fail(f"{what} {why} (CCFAST_FUZZ_REQUIRED=1)")
    if kind == "tool":
        skip_tool(what, why)
    need_peer(what, why)


def run_fuzzer(cmd, corpus, tmp_path):
    # a fresh writable corpus first (libFuzzer adds to it), the committed seeds after
    work = tmp_path / "corpus"
    work.mkdir()
    r = subprocess.run(cmd + [f"-max_total_time={SECONDS}", "-print_final_stats=1",
                              f"-artifact_prefix={tmp_path}/", str(work), str(corpus)],
                       capture_output=True, text=True, timeout=SECONDS * 10 + 120)
    runs = [line.split(":")[-1].strip() for line in r.stderr.splitlines()
            if line.startswith("stat::number_of_executed_units")]
    assert r.returncode == 0, r.stderr[-6000:]
    assert runs and int(runs[0]) > 0, "the fuzzer executed nothing"
    print(f"{cmd[-1]}: {runs[0]} executions in {SECONDS} s")


_prebuilt = []      # (future, directory) of the build start_build() began


def start_build():
    """Begin building the harnesses in a background thread.  tests/conftest.py calls this once
    the session has collected test_libfuzzer_harness, so the build (minutes under ASan and UBSan)
    runs on the second core while the tests before this module run."""
    if _prebuilt:
        return
    out = tempfile.mkdtemp(prefix="ccfast-fuzzers-")
    future = concurrent.futures.Future()

    def work():
        try:
            cc = BUILD["clang"]()
            future.set_result(cc and BUILD["build_all"](C_TARGETS, out, cc, min(2, os.cpu_count() or 1)))
        except BaseException as exc:              # SystemExit from build_all: reported by the fixture
            future.set_exception(exc)

    threading.Thread(target=work, name="ccfast-fuzz-build", daemon=True).start()
    _prebuilt.append((future, out))


@pytest.fixture(scope="module")
def c_fuzzers():
    start_build()                                 # not begun yet when this module runs alone
    future, out = _prebuilt[0]
    exes = future.result()
    if not exes:
        missing("tool", "clang", "with libFuzzer (-fsanitize=fuzzer) is not installed")
    yield exes
    shutil.rmtree(out, ignore_errors=True)


@pytest.mark.parametrize("target", C_TARGETS)
def test_libfuzzer_harness(target, c_fuzzers, tmp_path):
    run_fuzzer([c_fuzzers[target]], FUZZ / "corpus" / target, tmp_path)


@pytest.mark.parametrize("target", PY_TARGETS)
def test_atheris_harness(target, tmp_path):
    if importlib.util.find_spec("atheris") is None:
        missing("peer", "atheris", "is not installed: python -m pip install '.[fuzz]'")
    run_fuzzer([sys.executable, str(FUZZ / "py" / f"fuzz_{target}.py")], FUZZ / "corpus" / f"py_{target}", tmp_path)
