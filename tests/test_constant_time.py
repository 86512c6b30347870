"""ctgrind-style constant-time checks of the portable kernels: secrets are marked undefined for
valgrind memcheck, which then reports every branch or address that depends on them."""
import pathlib
import shutil
import subprocess

import pytest

from conftest import skip_platform, skip_tool, tree_kind

ROOT = pathlib.Path(__file__).resolve().parent.parent
TESTS = ROOT / "csrc" / "tests"

pytestmark = pytest.mark.cpu_independent


def build(name, dirs, tmp_path):
    if not (TESTS / f"{name}.c").exists():
        skip_platform(f"the C sources are not in this {tree_kind()}")
    if not shutil.which("valgrind") or not pathlib.Path("/usr/include/valgrind/memcheck.h").exists():
        skip_tool("valgrind", "with its headers (Debian: valgrind)")
    if not shutil.which("gcc"):
        skip_tool("gcc")
    srcs = [str(p) for d in dirs for p in sorted((ROOT / "csrc" / d).glob("*.c"))]
    incs = [f"-I{ROOT / 'csrc' / d}" for d in dirs] + [f"-I{TESTS}"]
    exe = tmp_path / name
    # -O2 like the real build: the check must hold for the code the compiler actually emits
    subprocess.run(["gcc", "-O2", "-g", "-std=gnu11", "-DCCF_CTGRIND", *incs, str(TESTS / f"{name}.c"), *srcs, "-o", str(exe)],
                   check=True, capture_output=True, text=True)
    return exe


def test_portable_aes_ghash_gcm_have_no_secret_dependent_branches_or_addresses(tmp_path):
    exe = build("ctgrind_gcm", ["common", "aes", "gcm"], tmp_path)
    r = subprocess.run(["valgrind", "--error-exitcode=9", "-q", str(exe)], capture_output=True, text=True,
                       timeout=1200, env={"CCFAST_CPU_DISABLE": "all"})
    assert r.returncode == 0, r.stdout + r.stderr[-6000:]
    assert "0 failed" in r.stdout
    assert "uninitialised" not in r.stderr


def test_srtp_hmac_and_tag_compares_have_no_secret_dependent_branches_or_addresses(tmp_path):
    exe = build("ctgrind_srtp", ["common", "aes", "gcm", "sha1", "sm4", "srtp"], tmp_path)
    r = subprocess.run(["valgrind", "--error-exitcode=9", "-q", str(exe)], capture_output=True, text=True,
                       timeout=1200, env={"CCFAST_CPU_DISABLE": "all"})
    assert r.returncode == 0, r.stdout + r.stderr[-6000:]
    assert "0 failed" in r.stdout and " passed" in r.stdout
    assert "uninitialised" not in r.stderr
