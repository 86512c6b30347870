"""scripts/upstream_tests.py, offline: its gmssl runner binds gmssl to ccfast.compat.gmssl, runs
scripts' __main__ blocks and test_* functions, and reports failures; its pytest plugin binds
pylibsrtp to ccfast.compat.pylibsrtp and fails a session that never called the layer.  (The
real upstream suites, fetched from PyPI, run in .ci/run and in ci.yml's upstream job.)"""
import pathlib
import runpy
import subprocess
import sys

import pytest

pytestmark = pytest.mark.cpu_independent

ROOT = pathlib.Path(__file__).resolve().parent.parent
UPSTREAM = runpy.run_path(str(ROOT / "scripts" / "upstream_tests.py"), run_name="ccfast_upstream")


def test_gmssl_runner_uses_the_compat_layer(tmp_path):
    tests = tmp_path / "gmssl" / "tests"
    tests.mkdir(parents=True)
    (tests / "test_ok.py").write_text(
        "from gmssl import sm2, func\n"
        "import gmssl\n"
        "assert gmssl.__name__ == 'ccfast.compat.gmssl'\n"
        "def test_roundtrip():\n"
        "    c = sm2.CryptSM2(private_key='00' + 'B9AB0B828FF68872F21A837FC303668428DEA11DCD1B24429D0C99E24EED83D5'[2:], public_key='')\n"
        "    assert c.decrypt(c.encrypt(b'x')) == b'x'\n"
        "if __name__ == '__main__':\n"
        "    assert func.str_to_list('a') == [97]\n")
    (tests / "test_bad.py").write_text("def test_fails():\n    assert False\n")
    rc, failed, lines, _ = UPSTREAM["run_gmssl_suite"](tests.parent, tmp_path, False, 120)
    assert rc == 1 and failed == ["test_bad::test_fails"]
    assert "test_ok: passed" in lines and "test_ok::test_roundtrip: passed" in lines


def test_pytest_plugin_requires_the_layer_to_be_called(tmp_path):
    root = tmp_path / "pylibsrtp"
    (root / "tests").mkdir(parents=True)
    (root / "tests" / "test_a.py").write_text(
        "import pylibsrtp\n"
        "def test_swapped():\n"
        "    assert pylibsrtp.__name__ == 'ccfast.compat.pylibsrtp'\n")
    rc, failed, tail, _ = UPSTREAM["run_pytest_suite"]("pylibsrtp", root, ["tests"], tmp_path, False, 300)
    assert rc != 0 and any("never called" in line for line in tail)          # passed, but no packet
    (root / "tests" / "test_b.py").write_text(
        "import os, struct, pylibsrtp\n"
        "def test_packet():\n"
        "    s = pylibsrtp.Session(pylibsrtp.Policy(key=os.urandom(30), ssrc_type=pylibsrtp.Policy.SSRC_ANY_OUTBOUND))\n"
        "    s.protect(struct.pack('!BBHII', 0x80, 0, 1, 1, 5) + bytes(20))\n")
    rc, failed, tail, _ = UPSTREAM["run_pytest_suite"]("pylibsrtp", root, ["tests"], tmp_path, False, 300)
    assert rc == 0 and any("handled 1 packets" in line for line in tail), tail
