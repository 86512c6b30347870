"""The latency floor of AEAD_SM4_GCM beside AEAD_AES_128_GCM per SRTP packet, one run.

  PYTHONPATH=src python benchmarks/sm4_floor.py [rounds]

Builds benchmarks/sm4_floor.c with the C compiler (x86-64 with AVX-512 and GFNI only), prints
its chains in core cycles (the floor of 32 dependent SM4 rounds against 10 AES rounds), then
times protect and unprotect of 172-byte packets for both profiles in this process, alternating,
and prints the measured ratio beside the floor ratio: an AES-GCM packet with its 10 rounds
replaced by 32 SM4 rounds at the chain floor, everything else the same.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_floor():
    import ccfast
    feats = ccfast.cpu_features()
    if not all(feats.get(f) for f in ("avx512f", "avx512bw", "gfni", "vaes")):
        sys.exit("sm4_floor: needs an x86-64 CPU with AVX-512, GFNI and VAES")
    cc = os.environ.get("CC") or shutil.which("gcc") or shutil.which("clang") or shutil.which("cc")
    if not cc:
        sys.exit("sm4_floor: no C compiler (set CC)")
    with tempfile.TemporaryDirectory() as d:
        exe = os.path.join(d, "sm4_floor")
        subprocess.run([cc, "-O2", os.path.join(HERE, "sm4_floor.c"), "-o", exe], check=True)
        out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    print(out, end="")
    ns = {k: float(v) for k, v in re.findall(r"(floor: SM4|floor: AES-128|kernel: SM4)[^\n]*?([\d.]+) ns", out)}
    return ns


def per_packet(rounds):
    from ccfast.srtp import Profile, Session, key_length
    pk = [struct.pack("!BBHII", 0x80, 0, s, s * 160, 0x1234ABCD) + os.urandom(160) for s in range(2048)]
    best = {}
    for _ in range(rounds):
        for prof in (Profile.AEAD_AES_128_GCM, Profile.AEAD_SM4_GCM):
            key = os.urandom(key_length(prof))
            prot = Session(prof, key).protect_batch(pk)
            for op, src in (("protect", pk), ("unprotect", prot)):
                f = getattr(Session(prof, key), op)
                t = time.perf_counter()
                for p in src:
                    f(p)
                dt = (time.perf_counter() - t) / len(src) * 1e9
                best[(prof.name, op)] = min(best.get((prof.name, op), 1e30), dt)
    return best


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    ns = run_floor()
    best = per_packet(rounds)
    print()
    for op in ("protect", "unprotect"):
        aes, sm4 = best[("AEAD_AES_128_GCM", op)], best[("AEAD_SM4_GCM", op)]
        floor = (aes - ns["floor: AES-128"] + ns["floor: SM4"]) / aes
        print(f"{op:10s} AES-128-GCM {aes:6.1f} ns  SM4-GCM {sm4:6.1f} ns  measured {sm4 / aes:.2f}x"
              f"  floor {floor:.2f}x")


if __name__ == "__main__":
    main()
