"""The multi-message kernels against the single-message kernels for small batches, one run.

  python benchmarks/many_small.py [--rounds R] [--levels native,no-avx512,...] [--tree DIR ...]

Builds benchmarks/many_small.c with gcc -O3 (the extension's optimisation), linked with the
kernel directories of ccfast._srtp and ccfast._aead as the C test drivers are, and runs it at
each CPU level (CCFAST_CPU_DISABLE as tests/run.py sets it; --levels no-sha-ni,avx2-no-sha-ni
for CPUs with AVX-512 or AVX2 and no SHA-NI).  For n = 1 .. 64 messages of 20,
60, 160 and 1200 bytes under one key (and up to 160 bytes under a key per message) it prints, in
ns per message, each multi-message entry point (ccf_hmac_sha1_many, ccf_aes_ctr128_many,
ccf_aes_gcm_crypt_many) beside n calls of the single-message kernel, and their ratio.

--tree DIR (repeatable) builds the same program against another source tree too (a checkout
of an earlier commit) and runs the builds alternately at each level, so that their ratios come
from one run on the same machine load.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

LEVELS = {
    "native": "",
    "no-avx512": "avx512f",
    "aesni-avx2": "avx512f,vaes,vpclmulqdq,gfni",
    "sse-only": "avx512f,vaes,vpclmulqdq,gfni,avx,avx2,bmi2,adx,sha_ni",
    "portable": "all",
    # not levels of tests/run.py: CPUs with AVX-512 or AVX2 but no SHA-NI
    "no-sha-ni": "sha_ni",
    "avx2-no-sha-ni": "avx512f,sha_ni",
}
KERNELS = ("HMAC-SHA1", "AES-CTR", "GCM-enc", "GCM-dec")
LINE = re.compile(r"(\S+) keys=(\S+) len=(\d+) n=(\d+) many=([\d.]+) single=([\d.]+)")


def build(tree, exe):
    sys.path.insert(0, os.path.join(tree, "csrc", "tests"))
    try:
        import run_driver
        srcs = []
        for area in ("srtp_batch", "gcm_many"):
            s, incs = run_driver.sources(area)
            srcs += [f for f in s if f not in srcs]
    finally:
        sys.path.pop(0)
        sys.modules.pop("run_driver", None)
    incs += ["-I" + os.path.join(ROOT, "csrc", "tests")]
    subprocess.run(["gcc", "-O3", "-std=gnu11", *incs, os.path.join(HERE, "many_small.c"), *srcs, "-o", exe],
                   check=True)


def parse(out):
    res = {}
    for m in LINE.finditer(out):
        k, keys, ln, n, many, single = m.groups()
        res[(k, keys, int(ln), int(n))] = (float(many), float(single))
    return res


def table(results, names, level, keys, ln):
    ns = sorted({k[3] for r in results for k in r if k[1] == keys and k[2] == ln})
    if not ns:
        return
    head = "   n"
    for k in KERNELS:
        head += f" | {k:>9} many single " + " ".join(f"{nm:>6}" for nm in names)
    print(f"\n[{level}] {ln}-byte messages, {'one key' if keys == '1' else 'a key per message'} "
          f"(ns per message; ratio = many / single)")
    print(head)
    for n in ns:
        row = f"{n:4d}"
        for k in KERNELS:
            m, s = results[-1][(k, keys, ln, n)]
            row += f" | {'':>9} {m:4.0f} {s:6.0f} " + " ".join(f"{r[(k, keys, ln, n)][0] / r[(k, keys, ln, n)][1]:6.2f}"
                                                          for r in results)
        print(row)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--levels", default="native,no-avx512,aesni-avx2,sse-only,portable")
    ap.add_argument("--tree", action="append", default=[], help="another source tree, built and run alongside")
    a = ap.parse_args()
    trees = [os.path.abspath(t) for t in a.tree] + [ROOT]
    names = [os.path.basename(t.rstrip("/")) or t for t in a.tree] + ["this"]
    with tempfile.TemporaryDirectory() as d:
        exes = []
        for i, t in enumerate(trees):
            exes.append(os.path.join(d, f"many_small_{i}"))
            build(t, exes[-1])
        for level in a.levels.split(","):
            env = dict(os.environ, CCFAST_CPU_DISABLE=LEVELS[level])
            outs = [subprocess.run([exe, str(a.rounds)], env=env, check=True, capture_output=True, text=True).stdout
                    for exe in exes]
            print(f"\n=== {level} (CCFAST_CPU_DISABLE={LEVELS[level]!r}): {outs[-1].splitlines()[0]}")
            results = [parse(o) for o in outs]
            for keys, ln in (("1", 160), ("n", 160), ("1", 20), ("n", 20), ("1", 60), ("n", 60), ("1", 1200)):
                table(results, names, level, keys, ln)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
