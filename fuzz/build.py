"""Build the libFuzzer harnesses (fuzz/c/fuzz_<target>.c) with clang, ASan and UBSan.

  python fuzz/build.py [--out DIR] [--jobs N] [target ...]     prints the path of each binary

Each harness links the kernel directories of its area, as the C test drivers do (the source
list and include paths come from csrc/tests/run_driver.py).  Objects are compiled once and
kept in DIR/obj under a hash of the flags, the source and every header, so harnesses that
share kernels, and later builds of unchanged sources, reuse them.  Exit status 2 when clang
cannot build a fuzzer here.
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
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DRIVER = runpy.run_path(os.path.join(ROOT, "csrc", "tests", "run_driver.py"), run_name="ccfast_fuzz")
# harness -> area whose kernels it links (run_driver.AREA_MODULE names the areas)
TARGETS = {"srtp_unprotect": "srtp", "srtp_roundtrip": "srtp", "jitter": "jitter", "sm2": "sm2",
           "aead_diff": "gcm", "sm4_diff": "sm4", "sm3_diff": "sm3"}
TARGETS["srtp_batch"] = "srtp_batch"
FLAGS = ["-O1", "-g", "-std=gnu11", "-fsanitize=fuzzer,address,undefined", "-fno-sanitize-recover=undefined",
         "-fno-omit-frame-pointer"]


def clang():
    cc = os.environ.get("CLANG") or shutil.which("clang")
    if not cc:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        probe = os.path.join(tmp, "probe.c")
        with open(probe, "w") as f:
            f.write("#include <stddef.h>\n#include <stdint.h>\n"
                    "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }\n")
        r = subprocess.run([cc, "-fsanitize=fuzzer", probe, "-o", os.path.join(tmp, "probe")], capture_output=True)
    return cc if r.returncode == 0 else None


def _headers_digest():
    h = hashlib.sha256()
    for path in sorted(glob.glob(os.path.join(ROOT, "csrc", "**", "*.h"), recursive=True) +
                       glob.glob(os.path.join(HERE, "c", "*.h"))):
        with open(path, "rb") as f:
            h.update(path.encode() + b"\0" + f.read())
    return h.hexdigest()


def _compile(cc, src, incs, obj_dir, headers):
    with open(src, "rb") as f:
        key = hashlib.sha256("\0".join([cc, *FLAGS, *incs, src, headers]).encode() + f.read()).hexdigest()[:20]
    obj = os.path.join(obj_dir, f"{os.path.basename(src)[:-2]}-{key}.o")
    if not os.path.exists(obj):
        tmp = f"{obj}.{os.getpid()}.{threading.get_ident()}.tmp"     # harnesses share sources
        r = subprocess.run([cc, *FLAGS, *incs, "-c", src, "-o", tmp], capture_output=True, text=True)
        if r.returncode:
            raise SystemExit(f"compiling {src} failed:\n{r.stderr}")
        os.replace(tmp, obj)
    return obj


def _slow(src):
    """The many-lane kernels' long register-unrolled functions: minutes each under ASan and UBSan."""
    name = os.path.basename(src)
    return any(k in name for k in ("_mb_", "_many_", "avx512"))


def build_all(targets, out_dir, cc, jobs=2):
    """Build the given harnesses into out_dir; returns {target: path}."""
    obj_dir = os.path.join(out_dir, "obj")
    os.makedirs(obj_dir, exist_ok=True)
    headers = _headers_digest()
    plan = {}
    for t in targets:
        srcs, incs = DRIVER["sources"](TARGETS[t])
        plan[t] = ([os.path.join(HERE, "c", f"fuzz_{t}.c"), *srcs], incs + ["-I" + os.path.join(HERE, "c")])
    # each source once (harnesses share kernels: two threads must not compile one file together),
    # the slowest first so the other thread takes the rest meanwhile
    unique = {(s, tuple(incs)) for srcs, incs in plan.values() for s in srcs}
    with concurrent.futures.ThreadPoolExecutor(max(1, jobs)) as pool:
        done = {u: pool.submit(_compile, cc, u[0], list(u[1]), obj_dir, headers)
                for u in sorted(unique, key=lambda u: (not _slow(u[0]), u))}
        objs = {t: [done[(s, tuple(incs))].result() for s in srcs] for t, (srcs, incs) in plan.items()}
    exes = {}
    for t in targets:
        exe = os.path.join(out_dir, f"fuzz_{t}")
        r = subprocess.run([cc, *FLAGS, *objs[t], "-o", exe], capture_output=True, text=True)
        if r.returncode:
            raise SystemExit(f"linking {t} failed:\n{r.stderr}")
        exes[t] = exe
    return exes


def build(target, out_dir, cc):
    return build_all([target], out_dir, cc)[target]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "fuzz"))
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("targets", nargs="*", choices=[[], *TARGETS], default=[])
    a = ap.parse_args()
    cc = clang()
    if not cc:
        print("clang with libFuzzer (-fsanitize=fuzzer) is not available", file=sys.stderr)
        return 2
    for exe in build_all(a.targets or list(TARGETS), a.out, cc, a.jobs).values():
        print(exe)
    return 0


if __name__ == "__main__":
    sys.exit(main())
