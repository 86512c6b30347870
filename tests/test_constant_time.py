"""ctgrind-style constant-time checks of the portable kernels: secrets are marked undefined for
valgrind memcheck, which then reports every branch or address that depends on them."""
import pathlib
import shutil
import subprocess

import pytest

from conftest import build_c, skip_platform, skip_tool, tree_kind

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
    # -O2 like the real build: the check must hold for the code the compiler actually emits
    return build_c(tmp_path / name, f"{name}.c", dirs, ["-O2", "-g", "-std=gnu11", "-DCCF_CTGRIND"])


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


def test_chunked_key_derivation_and_chunk_loop_have_no_secret_dependent_branches_or_addresses(tmp_path):
    exe = build("ctgrind_chunked", ["common", "aes", "gcm", "sm4", "sm3", "sha256", "sha512", "chunked"], tmp_path)
    r = subprocess.run(["valgrind", "--error-exitcode=9", "-q", str(exe)], capture_output=True, text=True,
                       timeout=1200, env={"CCFAST_CPU_DISABLE": "all"})
    assert r.returncode == 0, r.stdout + r.stderr[-6000:]
    assert "0 failed" in r.stdout and " passed" in r.stdout
    assert "uninitialised" not in r.stderr
