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
Sources are compiled one object at a time, --jobs at once (default: up to 2), and an object that
compiled without a message is kept in out/obj under a hash of the compiler, its version, the
flags, the source and every header: areas that link the same kernels (sha1, sha1_mb, srtp and
srtp_batch link one set) compile them once.  An object whose compiler printed anything is not
kept, so its warnings are printed, and judged, on every build.
"""
import argparse
import concurrent.futures
import glob
import hashlib
import os
import runpy
import shutil
import subprocess
import sys
import threading

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


def _headers_digest():
    h = hashlib.sha256()
    for path in sorted(glob.glob(os.path.join(ROOT, "csrc", "**", "*.h"), recursive=True)):
        with open(path, "rb") as f:
            h.update(path.encode() + b"\0" + f.read())
    return h.hexdigest()


_versions = {}


def _compiler_version(cc):
    if cc not in _versions:
        r = subprocess.run([cc, "--version"], capture_output=True, text=True)
        _versions[cc] = r.stdout
    return _versions[cc]


def _compile_one(cmd, src, obj_dir, headers):
    """(object path or None, compiler messages) for one source compiled with cmd (compiler and flags)."""
    with open(src, "rb") as f:
        key = hashlib.sha256("\0".join([*cmd, _compiler_version(cmd[0]), src, headers]).encode() + f.read()).hexdigest()[:20]
    obj = os.path.join(obj_dir, f"{os.path.basename(src)[:-2]}-{key}.o")
    if os.path.exists(obj):
        return obj, ""
    tmp = f"{obj}.{os.getpid()}.{threading.get_ident()}.tmp"
    r = subprocess.run([*cmd, "-c", src, "-o", tmp], capture_output=True, text=True)
    if r.returncode:
        return None, r.stderr
    if r.stderr.strip():
        final = f"{obj}.{os.getpid()}.{threading.get_ident()}.msg.o"     # not kept: built again next time
    else:
        final = obj
    os.replace(tmp, final)
    return final, r.stderr


def compile_objects(cmd, srcs, obj_dir, jobs=None):
    """Compile srcs with cmd (compiler, flags, include paths) into obj_dir, jobs at a time, reusing
    kept objects.  Returns (objects in the order of srcs, or None if one failed; messages)."""
    os.makedirs(obj_dir, exist_ok=True)
    headers = _headers_digest()
    jobs = jobs or min(2, os.cpu_count() or 1)
    with concurrent.futures.ThreadPoolExecutor(max(1, jobs)) as pool:
        results = list(pool.map(lambda s: _compile_one(cmd, s, obj_dir, headers), srcs))
    messages = "".join(m for _, m in results)
    objs = [o for o, _ in results]
    return (None if None in objs else objs), messages


def build(cc, incs, srcs, exe, libs=(), jobs=None):
    """Compile and link srcs into exe; returns (returncode, compiler and linker messages)."""
    obj_dir = os.path.join(OUT, "obj")
    objs, messages = compile_objects(cc + incs, srcs, obj_dir, jobs)
    if objs is None:
        return 1, messages
    r = subprocess.run(cc + objs + ["-o", exe, *libs], capture_output=True, text=True)
    for o in objs:
        if o.endswith(".msg.o"):
            os.unlink(o)
    return r.returncode, messages + r.stderr


def run_mode(mode, areas, werror=False, jobs=None):
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
        libs = WINDOWS_LIBS.get(area, []) if mode == "mingw" else []
        rc, stderr = build(cc, incs, [os.path.join(HERE, f"test_{area}.c")] + srcs, exe, libs, jobs)
        if rc != 0 or (stderr.strip() and "-Werror" not in cc and "warning" in stderr):
            print(f"[{mode}] {area}: build {'FAILED' if rc else 'warnings'}\n{stderr}")
            ok = ok and rc == 0 and mode not in ("native",) and not werror
            if rc:
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
    ap.add_argument("--jobs", type=int, help="compilers run at once (default: up to 2)")
    ap.add_argument("areas", nargs="*")
    a = ap.parse_args()
    areas = a.areas or sorted(f[5:-2] for f in os.listdir(HERE) if f.startswith("test_") and f.endswith(".c"))
    ok = True
    for mode in a.mode or ["native"]:
        ok = run_mode(mode, areas, a.werror, a.jobs) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
