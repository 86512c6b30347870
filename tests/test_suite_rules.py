"""The suite's own rules (tests/conftest.py): which skips are allowed, that a missing test
dependency fails, that known answers are counted only for passing tests, and that
tests/run.py refuses a skip that claims a peer is absent when it is installed."""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

import conftest
from conftest import KnownAnswers, classify_skip

pytestmark = pytest.mark.cpu_independent

HERE = pathlib.Path(__file__).resolve().parent


def test_test_dependencies_match_the_test_extra():
    text = (HERE.parent / "pyproject.toml").read_text()
    block = re.search(r"^test = \[(.*?)^\]", text, re.M | re.S).group(1)
    dists = re.findall(r'^\s*"([A-Za-z0-9_.-]+)', block, re.M)
    assert {d.replace("-", "_").lower() for d in dists} == conftest.TEST_DEPENDENCIES


@pytest.mark.parametrize("reason,category", [
    ("[cpu] no VAES on this CPU", "[cpu]"),
    ("[tool absent] valgrind", "[tool absent]"),
    ("[platform] not a free-threaded build of CPython", "[platform]"),
    ("[peer absent] gmssl_pyx (GmSSL binding)", "[peer absent]"),
    ("could not import 'gmssl_pyx': No module named 'gmssl_pyx'", "[peer absent]"),
    ("Skipped: [tool absent] gcc", "[tool absent]"),
    # test dependencies may not be absent, whatever the reason says
    ("could not import 'cryptography_vectors': No module named 'cryptography_vectors'", None),
    ("[peer absent] numpy", None),
    # and a skip must say which allowed case it is
    ("section 5 not in sm2.txt", None),
    ("vector file not found", None),
    ("cpu: no avx", None),
])
def test_skip_reasons(reason, category):
    assert classify_skip(reason)[0] == category


def test_without_lets_a_target_lack_a_test_dependency(monkeypatch):
    monkeypatch.setenv("CCFAST_TEST_WITHOUT", "numpy, pylibsrtp")
    assert classify_skip("[peer absent] numpy (CCFAST_TEST_WITHOUT)")[0] == "[peer absent]"
    assert classify_skip("could not import 'pylibsrtp': No module named 'pylibsrtp'")[0] == "[peer absent]"
    assert classify_skip("[peer absent] cryptography")[0] is None


def test_known_answers_need_a_known_standard():
    rec = KnownAnswers()
    rec("RFC 3711", 3)
    rec("RFC 3711")
    assert rec.counts == {"RFC 3711": 4}
    with pytest.raises(ValueError, match="unknown standard"):
        rec("RFC 3771")
    with pytest.raises(ValueError):
        rec("RFC 3711", 0)


SAMPLE = '''
import sys
import pytest
from conftest import require, skip_tool


def test_counted(kat):
    kat("RFC 3711", 2)


def test_failing_is_not_counted(kat):
    kat("RFC 7714", 5)
    assert False


def test_allowed_skip():
    skip_tool("no-such-program-here")


def test_bare_skip():
    pytest.skip("just because")


def test_missing_test_dependency(monkeypatch):
    monkeypatch.setitem(sys.modules, "cryptography_vectors", None)     # import fails
    require("cryptography_vectors")
'''


def run_sample(tmp_path, env_extra=None):
    d = tmp_path / "suite"
    d.mkdir()
    shutil.copy(HERE / "conftest.py", d / "conftest.py")
    (d / "test_sample.py").write_text(SAMPLE)
    report = tmp_path / "report.json"
    env = dict(os.environ, CCFAST_TEST_REPORT=str(report), **(env_extra or {}))
    env.pop("CCFAST_TEST_WITHOUT", None)            # cryptography_vectors must count as required
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", str(d)],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    return r, json.loads(report.read_text())


def test_session_fails_on_a_bare_skip_and_a_missing_dependency(tmp_path):
    r, rep = run_sample(tmp_path)
    assert r.returncode != 0
    assert "test_missing_test_dependency" in r.stdout and "is a test dependency" in r.stdout
    assert "skipped for a reason that is not allowed" in r.stdout and "just because" in r.stdout
    cats = {s["nodeid"].split("::")[-1]: s["category"] for s in rep["skips"]}
    assert cats == {"test_allowed_skip": "[tool absent]", "test_bare_skip": None}
    assert rep["known_answers"] == {"RFC 3711": 2}          # the failing test's 5 are not counted
    assert "known-answer records checked" in r.stdout


def test_run_py_rechecks_absent_peers(tmp_path, capsys):
    sys.path.insert(0, str(HERE))
    try:
        import run
    finally:
        sys.path.remove(str(HERE))
    report = tmp_path / "r.json"
    report.write_text(json.dumps({"known_answers": {}, "skips": [
        {"nodeid": "t::a", "category": "[peer absent]", "reason": "[peer absent] json"},
        {"nodeid": "t::b", "category": "[peer absent]", "reason": "[peer absent] no_such_module_xyz"},
        {"nodeid": "t::c", "category": None, "reason": "because"},
    ]}))
    problems = run.check_report(str(report))
    assert len(problems) == 2
    assert "json" in problems[0] and "installed" in problems[0]
    assert "not allowed" in problems[1]
    assert run.check_report(str(tmp_path / "missing.json")) == [
        "pytest wrote no report (tests/conftest.py was not loaded, or the run crashed)"]
