"""The C test drivers (csrc/tests/test_<area>.c): the kernels' known answers without Python,
natively and, where the cross toolchain is installed, for aarch64 under qemu (every ARM path:
-cpu max has AES/PMULL/SHA1/SM3/SM4 instructions, -cpu cortex-a53 lacks SM3/SM4)."""
import pathlib
import shutil
import subprocess
import sys

import pytest

from conftest import skip_platform, skip_tool, tree_kind

ROOT = pathlib.Path(__file__).resolve().parent.parent
DRIVER = ROOT / "csrc" / "tests" / "run_driver.py"
AREAS = sorted(p.stem[5:] for p in (ROOT / "csrc" / "tests").glob("test_*.c"))

pytestmark = pytest.mark.cpu_independent


def run(mode, area):
    if not DRIVER.exists():
        skip_platform(f"the C sources are not in this {tree_kind()}")
    r = subprocess.run([sys.executable, str(DRIVER), "--mode", mode, area], capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stdout + r.stderr
    if ": skipped: needs" in r.stdout:          # a kernel directory missing from the tree
        pytest.fail(r.stdout.strip().splitlines()[-1], pytrace=False)
    assert " passed, 0 failed" in r.stdout, r.stdout
    return r.stdout


@pytest.mark.parametrize("area", AREAS)
def test_native(area):
    if not shutil.which("gcc"):
        skip_tool("gcc")
    run("native", area)


@pytest.mark.parametrize("area", AREAS)
def test_aarch64_qemu(area):
    if not (shutil.which("aarch64-linux-gnu-gcc") and shutil.which("qemu-aarch64")):
        skip_tool("aarch64-linux-gnu-gcc/qemu-aarch64", "Debian: gcc-aarch64-linux-gnu qemu-user")
    out = run("aarch64", area)
    assert "-cpu max" in out and "-cpu cortex-a53" in out
