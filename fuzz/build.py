"""Build the libFuzzer harnesses (fuzz/c/fuzz_<target>.c) with clang, ASan and UBSan.

  python fuzz/build.py [--out DIR] [target ...]      prints the path of each binary

Each harness links the kernel directories of its area, as the C test drivers do
(csrc/tests/run_driver.py).  Exit status 2 when clang cannot build a fuzzer here.
"""
import argparse
import os
import runpy
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DRIVER = runpy.run_path(os.path.join(ROOT, "csrc", "tests", "run_driver.py"), run_name="ccfast_fuzz")
# harness -> area whose kernels it links (run_driver.AREA_MODULE names the areas)
TARGETS = {"srtp_unprotect": "srtp", "srtp_roundtrip": "srtp", "jitter": "jitter", "sm2": "sm2",
           "aead_diff": "gcm"}
FLAGS = ["-O1", "-g", "-std=gnu11", "-fsanitize=fuzzer,address,undefined", "-fno-sanitize-recover=undefined",
         "-fno-omit-frame-pointer"]


def clang():
    cc = os.environ.get("CLANG") or shutil.which("clang")
    if not cc:
        return None
    probe = os.path.join(HERE, ".probe.c")
    with open(probe, "w") as f:
        f.write("#include <stddef.h>\n#include <stdint.h>\n"
                "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }\n")
    try:
        r = subprocess.run([cc, "-fsanitize=fuzzer", probe, "-o", os.devnull], capture_output=True)
    finally:
        os.remove(probe)
    return cc if r.returncode == 0 else None


def build(target, out_dir, cc):
    srcs, incs = DRIVER["sources"](TARGETS[target])
    exe = os.path.join(out_dir, f"fuzz_{target}")
    cmd = [cc, *FLAGS, *incs, "-I" + os.path.join(HERE, "c"), os.path.join(HERE, "c", f"fuzz_{target}.c"), *srcs,
           "-o", exe]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"building {target} failed:\n{r.stderr}")
    return exe


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "fuzz"))
    ap.add_argument("targets", nargs="*", choices=[[], *TARGETS], default=[])
    a = ap.parse_args()
    cc = clang()
    if not cc:
        print("clang with libFuzzer (-fsanitize=fuzzer) is not available", file=sys.stderr)
        return 2
    os.makedirs(a.out, exist_ok=True)
    for t in a.targets or TARGETS:
        print(build(t, a.out, cc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
