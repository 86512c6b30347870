"""ctgrind-style constant-time check of the SM2 kernels (csrc/tests/ctgrind_sm2.c): private keys,
nonces, ephemeral scalars and plaintexts are marked undefined for valgrind memcheck, which then
reports every branch or address that depends on them; values the algorithm publishes are
declassified inside the kernels (SM2_DECLASSIFY, compiled in with -DCCF_CTGRIND)."""
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import build_c, skip_platform, skip_tool, tree_kind

ROOT = pathlib.Path(__file__).resolve().parent.parent
TESTS = ROOT / "csrc" / "tests"

pytestmark = pytest.mark.cpu_independent


def test_sm2_has_no_secret_dependent_branches_or_addresses(tmp_path):
    if not (TESTS / "ctgrind_sm2.c").exists():
        skip_platform(f"the C sources are not in this {tree_kind()}")
    if not shutil.which("valgrind") or not pathlib.Path("/usr/include/valgrind/memcheck.h").exists():
        skip_tool("valgrind", "with its headers (Debian: valgrind)")
    if not shutil.which("gcc"):
        skip_tool("gcc")
    dirs = ("common", "sm3", "sm2")
    # -O2 like the real build: the check must hold for the code the compiler actually emits
    exe = build_c(tmp_path / "ctgrind_sm2", "ctgrind_sm2.c", dirs, ["-O2", "-g", "-std=gnu11", "-DCCF_CTGRIND"])
    # the driver alone under valgrind (not a sanitizer runtime preloaded for the test process)
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    r = subprocess.run(["valgrind", "--error-exitcode=9", "-q", str(exe)], capture_output=True, text=True,
                       timeout=1200, env=env)
    assert r.returncode == 0, r.stdout + r.stderr[-6000:]
    assert "0 failed" in r.stdout and " passed" in r.stdout
    assert "uninitialised" not in r.stderr
