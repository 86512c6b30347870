#!/usr/bin/env bash
# The pytest suite against extensions built with AddressSanitizer + UndefinedBehaviorSanitizer,
# LeakSanitizer on.  The build happens in a copy of the tree (the in-place build in src/ is left
# alone); the suite runs at the native CPU level and with every feature masked (portable paths).
#
#   scripts/sanitize_suite.sh [pytest args...]        e.g. -x -q tests/test_srtp.py
#
# (Built one extension at a time: extensions share kernel sources, and parallel builds would
# write the same object files.)  UBSan stops at the first report.  Leaks: LeakSanitizer reports every unreachable block at
# exit, the interpreter's own included; a report fails the run only if a frame of its stack is in
# ccfast (an extension module or csrc/), and the others are counted and listed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ccfast-sanitize.XXXXXX")
[ -n "${CCFAST_SANITIZE_KEEP:-}" ] && echo "sanitized copy kept in $WORK" || trap 'rm -rf "$WORK"' EXIT

# the copy is elsewhere: point the tests at the shared vectors beside this checkout
export CCFAST_VECTORS=${CCFAST_VECTORS:-$(cd "$ROOT/.." && pwd)/shared/vectors}
cd "$ROOT"
git ls-files -co --exclude-standard -z | grep -zv '\.so$' | xargs -0 cp --parents -t "$WORK"
cd "$WORK"
CCFAST_SANITIZE=1 CC=${CC:-gcc} "$PY" setup.py -q build_ext --inplace >build.log 2>&1 || { cat build.log; exit 1; }

ASAN_LIB=$(${CC:-gcc} -print-file-name=libasan.so)
UBSAN_LIB=$(${CC:-gcc} -print-file-name=libubsan.so)
status=0
for level in native portable; do
    disable=""; [ "$level" = portable ] && disable=all
    rm -rf lsan && mkdir lsan
    echo "== sanitized suite, level $level"
    set +e
    env CCFAST_CPU_DISABLE="$disable" PYTHONPATH="$WORK/src" PYTHONMALLOC=malloc \
        LD_PRELOAD="$ASAN_LIB:$UBSAN_LIB" \
        ASAN_OPTIONS="detect_leaks=1:log_path=$WORK/lsan/report:exitcode=0:abort_on_error=0:detect_stack_use_after_return=0" \
        UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$WORK/lsan/ubsan" \
        "$PY" -m pytest -p no:cacheprovider -q "${@:-tests}" --ignore=tests/test_c_drivers.py
    rc=$?
    set -e
    # ASan errors (not leaks) also land in the log files: any report but a leak fails the run.
    "$PY" - "$WORK/lsan" "$level" <<'PYEOF' || rc=1
import pathlib, re, sys
reports = []
for f in sorted(pathlib.Path(sys.argv[1]).glob("*")):        # ASan/LSan and UBSan logs
    reports += re.split(r"\n(?=(?:Direct|Indirect) leak of |==\d+==ERROR)", f.read_text())
errors = [r for r in reports if "ERROR: AddressSanitizer" in r or "runtime error" in r]
leaks = [r for r in reports if re.match(r"(Direct|Indirect) leak of", r)]
ours = [r for r in leaks if re.search(r"ccfast|/csrc/|_(aead|srtp|sm2|sm3|sm4|jitter|cpu)\.cpython", r)]
print(f"[sanitize {sys.argv[2]}] {len(errors)} sanitizer errors, {len(leaks)} leak reports, "
      f"{len(ours)} with a ccfast frame")
for r in errors + ours:
    print(r[:4000])
sys.exit(1 if errors or ours else 0)
PYEOF
    [ $rc -eq 0 ] || status=1
done
exit $status
