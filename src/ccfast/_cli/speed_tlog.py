"""`python -m ccfast speed` rows for the tamper-evident log: append_many of 200-byte records
into a fresh SQLite log beside an RFC 9162 log on hashlib + sqlite3 (as an application would
write it) and pymerkle's SQLite tree when installed; an inclusion proof and its verification."""
import os
import random
import shutil
import tempfile

from .speed import Row

N = 20000


def rows(measure):
    from .. import tlog
    d = tempfile.mkdtemp(prefix="ccfast_speed_tlog_")
    try:
        base = os.urandom(192)
        recs = [base + i.to_bytes(8, "big") for i in range(N)]
        counter = [0]

        def fresh():
            counter[0] += 1
            return os.path.join(d, f"{counter[0]}.db")

        def ccfast_append(hash="sm3"):
            with tlog.Log(fresh(), origin="speed.example/log", hash=hash) as log:
                log.append_many(recs)

        def hashlib_append(hash):
            import sys
            here = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__))))), "benchmarks")
            if here not in sys.path:
                sys.path.insert(0, here)
            from bench_tlog import HashlibLog       # only in a source checkout
            log = HashlibLog(fresh(), hash)
            log.append_many(recs)
            log.db.close()

        r = Row(f"tlog append_many {N} x 200 B", measure(ccfast_append, N * 200))
        r.peers["ccfast sha256"] = measure(lambda: ccfast_append("sha256"), N * 200)
        try:
            r.peers["hashlib+sqlite3 sm3"] = measure(lambda: hashlib_append("sm3"), N * 200)
            r.peers["hashlib+sqlite3 sha256"] = measure(lambda: hashlib_append("sha256"), N * 200)
        except ImportError:
            pass
        try:
            import pymerkle

            def pm():
                t = pymerkle.SqliteTree(fresh())
                t.append_entries(recs)
                t.close()
            r.peers["pymerkle"] = measure(pm, N * 200)
        except ImportError:
            pass
        yield r
        path = fresh()
        with tlog.Log(path, origin="speed.example/log") as log:
            log.append_many(recs)
            root = log.root()
            idx = [random.randrange(N) for _ in range(256)]
            k = [0]

            def prove():
                k[0] += 1
                return log.inclusion_proof(idx[k[0] & 255])
            yield Row(f"tlog inclusion proof ({N} records)", measure(prove, 0), unit="op")
            proofs = [(i, log.inclusion_proof(i)) for i in idx]

            def verify():
                k[0] += 1
                i, p = proofs[k[0] & 255]
                tlog.verify_inclusion(recs[i], i, N, p, root)
            yield Row(f"tlog verify inclusion ({N} records)", measure(verify, 0), unit="op")
    finally:
        shutil.rmtree(d, ignore_errors=True)
