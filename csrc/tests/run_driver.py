"""Build and run the C test drivers (csrc/tests/test_<area>.c) without Python in the loop.

  python csrc/tests/run_driver.py [--mode MODE ...] [area ...]

Modes:
  native       gcc, run                          (default)
  valgrind     gcc -O1 -g, run under valgrind memcheck
  sanitize     clang/gcc with ASan + UBSan
  clang        clang -Werror build, run
  aarch64      aarch64-linux-gnu-gcc -static, run under qemu-aarch64 -cpu max and -cpu cortex-a53
               (the second has no SM3/SM4 instructions, so both dispatch branches run), and under
               -cpu max with CCFAST_CPU_DISABLE=all (every ARM feature masked: portable paths)
  mingw        x86_64-w64-mingw32-gcc -Werror compile + link (run under wine64 if installed)
  m32          gcc -m32 compile + link + run (32-bit x86: portable paths only)
Every driver links the kernel directories setup.py's COMPONENTS gives its area.  A mode whose
toolchain is missing is reported as skipped; exit status is non-zero if any build or run failed.
--werror makes a compiler warning a failure in every mode (clang and mingw always are).
"""
import argparse
import os
import runpy
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "out")
WARN = ["-Wall", "-Wextra", "-Wno-unused-function", "-Wno-unused-parameter"]

# area of test_<area>.c -> Cython module whose kernel directories it links
AREA_MODULE = {"aes": "ccfast._aead", "gcm": "ccfast._aead", "sm3": "ccfast._sm3", "sm4": "ccfast._sm4",
               "sm2": "ccfast._sm2", "sha1": "ccfast._srtp", "srtp": "ccfast._srtp", "jitter": "ccfast._jitter",
               "chunked": "ccfast._chunked",
               "fpe": "ccfast._fpe", "mask": "ccfast._mask", "tlog": "ccfast._tlog",
               "keywrap": "ccfast._keywrap"}
AREA_MODULE.update({"sha1_mb": "ccfast._srtp", "aes_many": "ccfast._aead", "gcm_many": "ccfast._aead",
                    "srtp_batch": "ccfast._srtp", "net": "ccfast._net"})
# system libraries an area links on Windows (mingw)
WINDOWS_LIBS = {"net": ["-lws2_32"]}
# areas that need the OS's socket headers (32-bit Debian/Ubuntu x86 has them only with
# gcc-multilib, which conflicts with the aarch64 cross compiler)
SOCKET_AREAS = {"net"}


def have_socket_headers(cc):
    r = subprocess.run(cc + ["-x", "c", "-c", "-o", os.devnull, "-"], input="#include <sys/socket.h>\n",
                       capture_output=True, text=True)
    return r.returncode == 0


def components():
    return runpy.run_path(os.path.join(ROOT, "setup.py"), run_name="ccfast_setup")["COMPONENTS"]


def missing_dirs(area):
    """Kernel directories the area links that are not in this tree (a component not landed)."""
    return [d for d in components()[AREA_MODULE[area]] if not os.path.isdir(os.path.join(ROOT, "csrc", d))]


def sources(area):
    dirs = components()[AREA_MODULE[area]]
    files = []
    for d in dirs:
        p = os.path.join(ROOT, "csrc", d)
        files += sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith(".c"))
    return files, ["-I" + os.path.join(ROOT, "csrc", d) for d in sorted({d for v in components().values() for d in v})] + ["-I" + HERE]


MODES = {
    "native": (["gcc", "-O2", "-std=gnu11", *WARN], [[]]),
    "valgrind": (["gcc", "-O1", "-g", "-std=gnu11", *WARN], [["valgrind", "-q", "--error-exitcode=9", "--track-origins=yes"]]),
    "sanitize": (["gcc", "-O1", "-g", "-std=gnu11", "-fsanitize=address,undefined", "-fno-sanitize-recover=all", *WARN], [[]]),
    "clang": (["clang", "-O2", "-std=gnu11", "-Werror", *WARN], [[]]),
    "aarch64": (["aarch64-linux-gnu-gcc", "-O2", "-static", "-std=gnu11", *WARN],
                [["qemu-aarch64", "-cpu", "max"], ["qemu-aarch64", "-cpu", "cortex-a53"],
                 ["env", "CCFAST_CPU_DISABLE=all", "qemu-aarch64", "-cpu", "max"]]),
    "mingw": (["x86_64-w64-mingw32-gcc", "-O2", "-std=gnu11", "-Werror", *WARN], [["wine64"]]),
    "m32": (["gcc", "-m32", "-O2", "-std=gnu11", *WARN], [[]]),
}


def run_mode(mode, areas, werror=False):
    cc, runners = MODES[mode]
    if not shutil.which(cc[0]):
        print(f"[{mode}] skipped: {cc[0]} not installed")
        return True
    ok = True
    os.makedirs(OUT, exist_ok=True)
    for area in areas:
        missing = missing_dirs(area)
        if missing:
            print(f"[{mode}] {area}: skipped: needs csrc/{', csrc/'.join(missing)}, not in this tree")
            continue
        if area in SOCKET_AREAS and mode != "mingw" and not have_socket_headers(cc):
            print(f"[{mode}] {area}: skipped: {cc[0]} {' '.join(cc[1:2])} has no socket headers here")
            continue
        srcs, incs = sources(area)
        exe = os.path.join(OUT, f"test_{area}_{mode}" + (".exe" if mode == "mingw" else ""))
        cmd = cc + incs + [os.path.join(HERE, f"test_{area}.c")] + srcs + ["-o", exe]
        if mode == "mingw":
            cmd += WINDOWS_LIBS.get(area, [])
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0 or (r.stderr.strip() and "-Werror" not in cc and "warning" in r.stderr):
            print(f"[{mode}] {area}: build {'FAILED' if r.returncode else 'warnings'}\n{r.stderr}")
            ok = ok and r.returncode == 0 and mode not in ("native",) and not werror
            if r.returncode:
                continue
        for runner in runners:
            tools = [w for w in runner if w.startswith(("qemu", "wine", "valgrind"))]
            if any(not shutil.which(w) for w in tools):
                print(f"[{mode}] {area}: built; run skipped ({', '.join(tools)} not installed)")
                continue
            r = subprocess.run(runner + [exe], capture_output=True, text=True, timeout=1800)
            last = (r.stdout.strip().splitlines() or ["(no output)"])[-1]
            label = " ".join(runner[1:] if runner else []) or "native"
            print(f"[{mode}] {area} ({label}): {last}" + ("" if r.returncode == 0 else f"  [exit {r.returncode}]"))
            if r.returncode != 0:
                print(r.stdout[-4000:], r.stderr[-4000:])
                ok = False
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", action="append", choices=sorted(MODES), help="default: native")
    ap.add_argument("--werror", action="store_true", help="a compiler warning fails the build in every mode")
    ap.add_argument("areas", nargs="*")
    a = ap.parse_args()
    areas = a.areas or sorted(f[5:-2] for f in os.listdir(HERE) if f.startswith("test_") and f.endswith(".c"))
    ok = True
    for mode in a.mode or ["native"]:
        ok = run_mode(mode, areas, a.werror) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
