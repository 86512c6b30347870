"""Where the time of an SRTP batch goes, and how far the batch goals are from its kernels, one run.

  PYTHONPATH=src python benchmarks/srtp_batch_floor.py [rounds]

Builds benchmarks/srtp_batch_floor.c with gcc, linked with the kernel directories of
ccfast._srtp (as the C test drivers are), and prints, per packet of a 64 x 172-byte batch:
the multi-buffer kernels alone, the C batch call (kernels, checks, stream state), and the C
per-packet functions.  Then times, in this process and alternating, the per-call Python
methods and the batch methods (rows in place, lists) of both profiles, and prints each batch
as a fraction of the per-call time beside the kernel-only fraction: the kernels' share is a
floor for the batch, which no work around them can go below.  Last, the row batch's time per
packet by batch size, from 1 to 4096 rows (a batch's fixed cost, and whether big ones stay fast).

The C parts are built with the extension's optimisation (-O3, setup.py).  On x86 with AVX-512,
benchmarks/x86_unit_rates.c first measures how fast the CPU issues the kernels' instructions,
and each kernel is printed beside its instruction floor: the time its instructions need on the
busiest unit (per packet: HMAC-SHA1 four 16-lane compressions of 757 vector operations, 224 of
them rotates, which only one unit runs; AES-CTR 2.5 registers of 10 AES rounds; AES-GCM 2.75
registers of 10 rounds beside 11 carry-less multiplies, on another unit).
"""
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run_c():
    sys.path.insert(0, os.path.join(ROOT, "csrc", "tests"))
    import run_driver
    srcs, incs = run_driver.sources("srtp_batch")
    common = [s for s in srcs if os.path.basename(s) == "cpu.c"]
    out = ""
    with tempfile.TemporaryDirectory() as d:
        for name, sources in (("x86_unit_rates", common), ("srtp_batch_floor", srcs)):
            exe = os.path.join(d, name)
            subprocess.run(["gcc", "-O3", "-std=gnu11", *incs, os.path.join(HERE, name + ".c"), *sources,
                            "-o", exe], check=True)
            out += subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    print(out, end="")
    return out


def instruction_floors(out):
    """ns per packet each kernel's instructions need on its busiest unit, from the measured rates."""
    rate = {m.group(1): float(m.group(2)) for m in re.finditer(r"rate (\S+) ([\d.]+)", out)}
    if "vaesenc" not in rate:
        return {}
    sha1_block = max(757 * rate["vpaddd"], 224 * rate["vprold"]) / 16     # one lane-block
    return {"HMAC-SHA1": 4 * sha1_block, "AES-CTR": 2.5 * 10 * rate["vaesenc"],
            "AES-GCM": max(2.75 * 10 * rate["vaesenc"], 11 * rate["vpclmulqdq"])}


def packets():
    """4096 RTP packets of one SSRC with 160-byte payloads, sequence numbers 0..4095."""
    return [struct.pack("!BBHII", 0x80, 0, s, s * 160, 0x1234ABCD) + os.urandom(160) for s in range(4096)]


def as_rows(packets):
    """The packets as rows of a (n, 256) uint8 array, and their lengths (int32)."""
    import numpy as np
    rows = np.zeros((len(packets), 256), np.uint8)
    for i, p in enumerate(packets):
        rows[i, :len(p)] = np.frombuffer(p, np.uint8)
    return rows, np.array([len(p) for p in packets], np.int32)


def python_side(rounds):
    from ccfast.srtp import Profile, Session, key_length
    pk = packets()
    best = {}

    def keep(k, dt):
        best[k] = min(best.get(k, 1e30), dt / len(pk) * 1e9)

    for _ in range(rounds):
        for prof in (Profile.AES_CM_128_HMAC_SHA1_80, Profile.AEAD_AES_128_GCM):
            key = os.urandom(key_length(prof))
            prot = Session(prof, key).protect_batch(pk)
            rows, lens = as_rows(prot)
            f = Session(prof, key).unprotect
            t = time.perf_counter()
            for p in prot:
                f(p)
            keep((prof.name, "per call"), time.perf_counter() - t)
            f = Session(prof, key).unprotect_batch_into
            t = time.perf_counter()
            for i in range(0, len(prot), 64):
                f(rows[i:i + 64], lens[i:i + 64])
            keep((prof.name, "unprotect_batch_into"), time.perf_counter() - t)
            f = Session(prof, key).unprotect_batch
            chunks = [prot[i:i + 64] for i in range(0, len(prot), 64)]
            t = time.perf_counter()
            for c in chunks:
                f(c)
            keep((prof.name, "unprotect_batch"), time.perf_counter() - t)
    return best


def batch_sizes(rounds):
    """ns per packet of unprotect_batch_into over 4096 packets of a new stream in batches of B rows,
    best of `rounds` (a new session each time: the first batch meets the stream as new)."""
    from ccfast.srtp import Profile, Session, key_length
    pk = packets()
    out = {}
    for prof in (Profile.AES_CM_128_HMAC_SHA1_80, Profile.AEAD_AES_128_GCM):
        key = os.urandom(key_length(prof))
        prot = Session(prof, key).protect_batch(pk)
        template, tlens = as_rows(prot)
        rows, lens = template.copy(), tlens.copy()
        for b in (1, 2, 4, 8, 16, 64, 256, 1024, 4096):
            best = 1e30
            for _ in range(rounds):
                rows[:] = template
                lens[:] = tlens
                f = Session(prof, key).unprotect_batch_into
                views = [(rows[i:i + b], lens[i:i + b]) for i in range(0, len(prot), b)]
                t = time.perf_counter()
                for r, n in views:
                    f(r, n)
                best = min(best, (time.perf_counter() - t) / len(prot) * 1e9)
            out[(prof.name, b)] = best
    return out


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    out = run_c()
    k = {name: float(v) for name, v in re.findall(r"(HMAC-SHA1|AES-CTR|AES-GCM) \S+ ([\d.]+) ns", out)}
    c_batch = {m.group(1): float(m.group(2)) for m in
               re.finditer(r"batch: (\S+) unprotect ([\d.]+) ns", out)}
    kernels = {"AES_CM_128_HMAC_SHA1_80": k["HMAC-SHA1"] + k["AES-CTR"], "AEAD_AES_128_GCM": k["AES-GCM"]}
    floor = instruction_floors(out)
    if floor:
        print("instruction floors: " + ", ".join(f"{name} {floor[name]:.1f} ns (kernel {k[name] / floor[name]:.1f}x)"
                                                 for name in ("HMAC-SHA1", "AES-CTR", "AES-GCM")) + " per packet")
    best = python_side(rounds)
    print(f"\nunprotect, 64 x 172 B, best of {rounds} rounds of 4096 packets (ns per packet; "
          "fractions of the per-call time):")
    for prof in ("AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"):
        call = best[(prof, "per call")]
        print(f"  {prof}: per call {call:.0f}; kernels alone {kernels[prof]:.0f} ({kernels[prof] / call:.2f}x); "
              f"C batch {c_batch[prof]:.0f} ({c_batch[prof] / call:.2f}x); "
              f"rows {best[(prof, 'unprotect_batch_into')]:.0f} ({best[(prof, 'unprotect_batch_into')] / call:.2f}x); "
              f"list {best[(prof, 'unprotect_batch')]:.0f} ({best[(prof, 'unprotect_batch')] / call:.2f}x)")
    sizes = batch_sizes(max(3, rounds // 4))
    print("\nunprotect_batch_into by batch size, ns per packet (4096 packets of a new stream, best of "
          f"{max(3, rounds // 4)}):")
    for prof in ("AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"):
        print(f"  {prof}: " + ", ".join(f"{b}: {sizes[(prof, b)]:.0f}" for p, b in sizes if p == prof))


if __name__ == "__main__":
    main()
