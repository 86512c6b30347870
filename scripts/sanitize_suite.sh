#!/usr/bin/env bash
# The pytest suite against extensions built with AddressSanitizer + UndefinedBehaviorSanitizer,
# LeakSanitizer on.  The build happens in a throwaway copy of the tree (the in-place build in
# src/ccfast is left alone).
#
#   scripts/sanitize_suite.sh [pytest args...]        e.g. -x tests/test_srtp.py
#   CC=clang scripts/sanitize_suite.sh                 clang's runtime instead of gcc's
#   SANITIZE_RUNS="native leaks" scripts/sanitize_suite.sh      a subset of the runs below
#
# Runs:
#   native    the whole suite (or the named tests) at the native CPU level;
#   portable  the same with CCFAST_CPU_DISABLE=all, CPU-independent tests left out;
#   leaks     the API sweeps (every object's create/use/destroy cycle with its error paths,
#             every buffer-taking call, the bad-input catalogue) with full allocation stacks.
# ASan memory errors and UBSan reports fail any run (UBSan stops at the first).  Leaks: the
# interpreter is built without frame pointers, so in the fast runs a Python object's allocation
# stack stops inside the interpreter and cannot say who asked for it; the leaks run unwinds
# every allocation fully (about 20x slower, hence only the sweeps).  There, and in the fast runs
# for C-level allocations, a leak report with a ccfast frame (an extension module, csrc/, ccf_*)
# fails; the interpreter's and third-party modules' own allocations are suppressed by
# scripts/lsan-python.supp or, when no narrow pattern exists, counted and listed as not ours.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python}
CC=${CC:-gcc}
SUPP="$ROOT/scripts/lsan-python.supp"
OURS='ccfast|/csrc/|ccf_[a-z0-9_]+|_(aead|srtp|sm2|sm3|sm4|jitter|cpu)\.cpython'
LEAK_SWEEPS=(tests/test_lifetimes.py tests/test_buffers_released.py tests/test_bad_inputs.py)

# a suppression that could hide one of our frames defeats the point of the leak check
if grep -v '^#' "$SUPP" | grep -Eq "$OURS|leak:(Py|_Py|PyMem|PyObject|malloc|calloc|realloc)"; then
    echo "scripts/lsan-python.supp has a pattern that can match ccfast's frames or every allocation" >&2
    exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ccfast-sanitize.XXXXXX")
if [ -n "${CCFAST_SANITIZE_KEEP:-}" ]; then echo "sanitized copy kept in $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi

cd "$ROOT"
# (the work tree as it is: tracked files deleted in it are left out)
git ls-files -co --exclude-standard -z | grep -zv '\.so$' |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done | xargs -0 cp --parents -t "$WORK"
cd "$WORK"
# (one extension at a time: extensions share kernel sources, parallel builds would race)
echo "== building the extensions with -fsanitize=address,undefined ($CC)"
CCFAST_SANITIZE=1 CC="$CC" "$PY" setup.py -q build_ext --inplace >build.log 2>&1 || { cat build.log; exit 1; }

case "$CC" in
    *clang*) PRELOAD=$("$CC" -print-file-name="libclang_rt.asan-$(uname -m).so")       # UBSan included
             [ -f "$PRELOAD" ] || PRELOAD=$("$CC" -print-file-name=libclang_rt.asan.so) ;;  # per-target layout
    *)       PRELOAD="$("$CC" -print-file-name=libasan.so):$("$CC" -print-file-name=libubsan.so)" ;;
esac
for lib in ${PRELOAD//:/ }; do
    [ -f "$lib" ] || { echo "sanitizer runtime $lib not found for $CC" >&2; exit 2; }
done

status=0
run() {       # run NAME FAST_UNWIND CPU_DISABLE pytest-args...
    local name=$1 fast=$2 disable=$3 rc
    shift 3
    rm -rf "$WORK/logs" && mkdir "$WORK/logs"
    echo "== sanitized run: $name (CCFAST_CPU_DISABLE='$disable', fast_unwind_on_malloc=$fast)"
    set +e
    # PYTHONMALLOC=malloc: every object through malloc, so ASan sees each one.  pycryptodome
    # dlopens with RTLD_DEEPBIND, which the sanitizer runtime refuses.  Left out: the C drivers
    # (run_driver.py --mode sanitize covers them) and the fuzz harnesses (sanitizer builds of
    # their own, with clang's runtime; atheris refuses a preloaded one).
    env CCFAST_CPU_DISABLE="$disable" PYTHONPATH="$WORK/src" PYTHONMALLOC=malloc \
        PYCRYPTODOME_DISABLE_DEEPBIND=1 LD_PRELOAD="$PRELOAD" \
        ASAN_OPTIONS="detect_leaks=1:log_path=$WORK/logs/asan:exitcode=0:abort_on_error=0:detect_stack_use_after_return=0:fast_unwind_on_malloc=$fast" \
        LSAN_OPTIONS="suppressions=$SUPP:print_suppressions=0" \
        UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$WORK/logs/ubsan" \
        "$PY" -m pytest -p no:cacheprovider -q "$@" --ignore=tests/test_c_drivers.py --ignore=tests/test_fuzz.py \
        2>&1 | tee "$WORK/logs/pytest.out"
    rc=${PIPESTATUS[0]}
    set -e
    "$PY" - "$WORK/logs" "$name" "$OURS" <<'PYEOF' || rc=1
import pathlib, re, sys
logs, name, ours_re = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
reports = []
for f in sorted(logs.glob("[au][sb]san*")):                    # ASan/LSan and UBSan logs, every process
    reports += re.split(r"\n(?=(?:Direct|Indirect) leak of |==\d+==ERROR)", f.read_text())
errors = [r for r in reports if "ERROR: AddressSanitizer" in r or "runtime error" in r]
leaks = [r for r in reports if re.match(r"(Direct|Indirect) leak of", r)]
ours = [r for r in leaks if re.search(ours_re, r)]
out = (logs / "pytest.out").read_text()
m = re.findall(r"^=*\s*(.*(?:passed|failed|error).*?) in [\d.]+s", out, re.M)
print(f"[sanitize {name}] pytest: {m[-1] if m else 'no summary'}; {len(errors)} sanitizer errors, "
      f"{len(leaks)} unsuppressed leak reports, {len(ours)} with a ccfast frame")
for r in errors + ours:
    print(r[:6000])
for r in leaks:
    if r not in ours:                                          # the interpreter's, listed in brief
        frames = re.findall(r"#\d+ 0x[0-9a-f]+ in (\S+)", r)[1:5]
        print("  not ours:", r.splitlines()[0].split(" allocated")[0], "<-", " <- ".join(frames))
sys.exit(1 if errors or ours else 0)
PYEOF
    [ "$rc" -eq 0 ] || status=1
}

for which in ${SANITIZE_RUNS:-native portable leaks}; do
    case "$which" in
        native)   run native 1 "" "$@" ;;
        portable) run portable 1 all -m "not cpu_independent" "$@" ;;
        leaks)    run leaks 0 "" "$@" "${LEAK_SWEEPS[@]}" ;;
        *) echo "unknown run '$which' (native, portable, leaks)" >&2; exit 2 ;;
    esac
done
[ $status -eq 0 ] && echo "== sanitized suite: clean" || echo "== sanitized suite: FAILED"
exit $status
