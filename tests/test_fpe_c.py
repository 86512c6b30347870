"""FF1/FF3-1 C checks beyond the driver: the ctgrind-style constant-time check
(csrc/tests/ctgrind_fpe.c: the key and the numeral strings are marked undefined for valgrind
memcheck, which then reports every branch or memory address that depends on them, in the 64-bit
and the bignum arithmetic, over the portable AES and SM4), and the known answers with the
arithmetic MSVC and 32-bit targets compile (no unsigned __int128)."""
import pathlib
import shutil
import subprocess

import pytest

from conftest import build_c, skip_platform, skip_tool, tree_kind

ROOT = pathlib.Path(__file__).resolve().parent.parent
TESTS = ROOT / "csrc" / "tests"
DIRS = ("common", "aes", "gcm", "sm4", "fpe")


def build(tmp_path, main, *flags, opt="-O3"):
    if not (TESTS / main).exists():
        skip_platform(f"the C sources are not in this {tree_kind()}")
    if not shutil.which("gcc"):
        skip_tool("gcc")
    # -O3 like setup.py: the checks must hold for the code the compiler actually emits
    return build_c(tmp_path / main[:-2], main, DIRS, [opt, "-g", "-std=gnu11", *flags])

pytestmark = pytest.mark.cpu_independent


def test_fpe_has_no_secret_dependent_branches_or_addresses(tmp_path):
    if not shutil.which("valgrind") or not pathlib.Path("/usr/include/valgrind/memcheck.h").exists():
        skip_tool("valgrind", "with its headers (Debian: valgrind)")
    exe = build(tmp_path, "ctgrind_fpe.c", "-DCCF_CTGRIND")
    r = subprocess.run(["valgrind", "--error-exitcode=9", "-q", str(exe)], capture_output=True, text=True,
                       timeout=1200, env={"CCFAST_CPU_DISABLE": "all"})
    assert r.returncode == 0, r.stdout + r.stderr[-6000:]
    assert " 0 failed" in r.stdout
    assert "uninitialised" not in r.stderr


def test_known_answers_without_int128(tmp_path):
    exe = build(tmp_path, "test_fpe.c", "-DCCF_FPE_NO_INT128", opt="-O1")    # correctness only
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0 and " 0 failed" in r.stdout, r.stdout[-4000:]
