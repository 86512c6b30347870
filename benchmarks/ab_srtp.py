"""Per-call cost of two builds of ccfast._srtp side by side in one process.

  PYTHONPATH=src python benchmarks/ab_srtp.py OLD.so NEW.so [rounds]

OLD.so and NEW.so are copies of _srtp*.so from two trees (say main's and a branch's).  Both are
loaded under the module name ccfast._srtp, and each round times one packet per call (2048
172-byte packets) through each build's Session, the order alternating, for AEAD_AES_128_GCM and
AES_CM_128_HMAC_SHA1_80, protect and unprotect; the minimum over the rounds is printed.  Two
builds timed in one process share the machine's load, which separate pytest-benchmark runs on a
busy machine do not; compare a build with a copy of itself to see the noise."""
import importlib.machinery, importlib.util, os, struct, sys, time
import ccfast.exceptions  # noqa

def load(path):
    loader = importlib.machinery.ExtensionFileLoader("ccfast._srtp", path)
    spec = importlib.util.spec_from_file_location("ccfast._srtp", path, loader=loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    sys.modules.pop("ccfast._srtp", None)
    return mod

A, B = load(sys.argv[1]), load(sys.argv[2])
assert A is not B and A.Session is not B.Session
PK = [struct.pack("!BBHII", 0x80, 0, s, s * 160, 0x1234ABCD) + os.urandom(160) for s in range(2048)]
cases = {"gcm128": (7, os.urandom(28)), "cm80": (1, os.urandom(30))}
best = {}
for rnd in range(int(sys.argv[3]) if len(sys.argv) > 3 else 12):
    order = (("a", A), ("b", B)) if rnd % 2 == 0 else (("b", B), ("a", A))
    for name, (prof, key) in cases.items():
        prot = A.Session(prof, key).protect_batch(PK)
        for op, src in (("protect", PK), ("unprotect", prot)):
            for tag, mod in order:
                f = getattr(mod.Session(prof, key), op)
                t = time.perf_counter()
                for p in src:
                    f(p)
                dt = (time.perf_counter() - t) / len(src) * 1e9
                k = (name, op, tag)
                best[k] = min(best.get(k, 1e9), dt)
for name in cases:
    for op in ("protect", "unprotect"):
        a, b = best[(name, op, "a")], best[(name, op, "b")]
        print(f"{name:7s} {op:10s} before {a:6.1f} ns  after {b:6.1f} ns  after/before {b / a:.3f}")
