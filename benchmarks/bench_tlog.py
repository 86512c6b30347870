"""ccfast.tlog beside pymerkle (its SQLite tree) and an RFC 9162 log written here on hashlib +
sqlite3 the way an application would write it, one run.

Groups (records of 200 bytes; N = CCFAST_BENCH_TLOG_N, default 1,000,000):
  "tlog append_many <N>"        a fresh log of N records in one append_many, from opening a new
                                file to closing it durable: ccfast (SM3, the default),
                                ccfast-sha256, hashlib-sm3, hashlib-sha256, and sqlite-floor:
                                SQLite alone writing the rows ccfast writes (computed beforehand),
                                the floor under any log that stores the same bytes in WAL mode
  "tlog append_many 100000"     the same at 100,000 records with pymerkle's bulk append_entries
                                (pymerkle takes ~20 us a record: measured on the smaller count, the
                                ratio is per record either way)
  "tlog append 200 one by one"  the single-record APIs, each record its own durable commit:
                                Log.append beside pymerkle's append_entry
  "tlog append 10000 at size"   10,000 records appended to a log of N records (ccfast) and to a
                                log of 10,000 (ccfast-at-1e4): the ratio is the per-record cost at
                                10^4 over that at 10^6 (O(log n) appends keep it near 1)
  "tlog inclusion proof <N>"    one proof for a random index of the N-record log (1,000 per call)
  "tlog verify inclusion <N>"   verifying one such proof (1,000 per call)
ratios.py checks TARGETS: append_many >= 5x the hashlib logs and >= 20x pymerkle, the
per-record cost at 10^6 within 1.5x that at 10^4, a proof <= 100 us, a verification <= 20 us.

The hashlib log is not a strawman: WAL and synchronous=FULL as ccfast's default, one
transaction per append_many with executemany, one row per record and one row per complete
subtree (a WITHOUT ROWID table), the right border of the tree kept in memory during a batch,
proofs from the stored subtrees (PATH of RFC 9162 2.1.3.1).
"""
import hashlib
import os
import random
import shutil
import sqlite3
import tempfile

import pytest

from ccfast import tlog

from conftest import require_peer

N = int(os.environ.get("CCFAST_BENCH_TLOG_N", "1000000"))
SMALL = 100000
RECORD = 200
ORIGIN = "bench.example/log"

TARGETS = [
    {"group": f"tlog append_many {N}", "peer": "hashlib-sha256", "min_ratio": 5.0},
    {"group": f"tlog append_many {N}", "peer": "hashlib-sm3", "min_ratio": 5.0},
    {"group": f"tlog append_many {SMALL}", "peer": "pymerkle", "min_ratio": 20.0},
    {"group": "tlog append 10000 at size", "peer": "ccfast-at-1e4", "min_ratio": 1 / 1.5},
    {"group": f"tlog inclusion proof {N}", "max_seconds": 100e-6, "per": 1000},
    {"group": f"tlog verify inclusion {N}", "max_seconds": 20e-6, "per": 1000},
]


def records(n, seed=0):
    base = random.Random(seed).randbytes(RECORD - 8)
    return [base + i.to_bytes(8, "big") for i in range(n)]


class HashlibLog:
    """An RFC 9162 log on hashlib + sqlite3, as an application would write it."""

    def __init__(self, path, hash):
        self.H = (lambda b: hashlib.sha256(b).digest()) if hash == "sha256" else (lambda b: hashlib.new(hash, b).digest())
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS records(idx INTEGER PRIMARY KEY, data BLOB NOT NULL)")
        self.db.execute("CREATE TABLE IF NOT EXISTS nodes(level INTEGER, idx INTEGER, hash BLOB NOT NULL, "
                        "PRIMARY KEY (level, idx)) WITHOUT ROWID")

    def size(self):
        return self.db.execute("SELECT count(*) FROM records").fetchone()[0]

    def node(self, level, idx):
        return self.db.execute("SELECT hash FROM nodes WHERE level = ? AND idx = ?", (level, idx)).fetchone()[0]

    def append_many(self, recs):
        H = self.H
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        n = self.size()
        stack = [self.node(k, (n >> k) - 1) for k in reversed(range(n.bit_length())) if (n >> k) & 1]
        rows, nodes = [], []
        for i, r in enumerate(recs, n):
            h = H(b"\x00" + r)
            rows.append((i, r))
            nodes.append((0, i, h))
            level, j = 0, i
            while j & 1:
                h = H(b"\x01" + stack.pop() + h)
                level += 1
                j >>= 1
                nodes.append((level, j, h))
            stack.append(h)
        db.executemany("INSERT INTO records(idx, data) VALUES (?, ?)", rows)
        db.executemany("INSERT INTO nodes(level, idx, hash) VALUES (?, ?, ?)", nodes)
        db.execute("COMMIT")

    def mth(self, lo, hi):
        size = hi - lo
        if size & (size - 1) == 0:
            return self.node(size.bit_length() - 1, lo // size)
        k = 1 << ((size - 1).bit_length() - 1)
        return self.H(b"\x01" + self.mth(lo, lo + k) + self.mth(lo + k, hi))

    def inclusion_proof(self, m, n):
        out = []
        lo, hi = 0, n
        while hi - lo > 1:
            k = 1 << ((hi - lo - 1).bit_length() - 1)
            if m < lo + k:
                out.append(self.mth(lo + k, hi))
                hi = lo + k
            else:
                out.append(self.mth(lo, lo + k))
                lo += k
        return out[::-1]


def hashlib_verify_inclusion(H, leaf, index, size, proof, root):
    """RFC 9162 2.1.3.2 in Python."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, H(b"\x00" + leaf)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = H(b"\x01" + p + r)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            r = H(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


@pytest.fixture(scope="module")
def tmpdir_():
    d = tempfile.mkdtemp(prefix="bench_tlog_", dir=os.environ.get("CCFAST_BENCH_TMP"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def fresh(tmpdir_, name):
    path = os.path.join(tmpdir_, name)
    for ext in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + ext):
            os.remove(path + ext)
    return path


def floor_blobs(recs):
    """The rows ccfast writes for recs (entry bundles and stored tiles), computed beforehand,
    so that "sqlite-floor" times SQLite alone storing them."""
    from ccfast import _tlog
    bundles, leaves = _tlog.pack(0, recs, b"", 0)
    lv = _tlog.levels(0, 0, [], leaves)
    return list(enumerate(bundles)), _tlog.fill_tiles(0, len(recs), lv, {})


def appender(impl, path, floor=None):
    """(open, append(records), close) of an implementation; the timed run is all three, so the
    cost of making the file durable and closing it (SQLite's WAL checkpoint) is counted."""
    if impl in ("ccfast", "ccfast-sha256"):
        h = "sha256" if impl == "ccfast-sha256" else "sm3"
        return lambda: tlog.Log(path, origin=ORIGIN, hash=h), lambda log, r: log.append_many(r), lambda log: log.close()
    if impl == "sqlite-floor":
        def open_():
            log = tlog.Log(path, origin=ORIGIN)        # the same file, pragmas and schema
            return log

        def write(log, r):
            db = log._db
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT INTO bundles(id, data) VALUES (?, ?)", floor[0])
            db.executemany("INSERT INTO tiles(id, data) VALUES (?, ?)", floor[1])
            db.execute("UPDATE tree SET size = ? WHERE id = 0", (len(r),))
            db.execute("COMMIT")
        return open_, write, lambda log: log.close()
    if impl.startswith("hashlib-"):
        return (lambda: HashlibLog(path, impl[len("hashlib-"):]), lambda log, r: log.append_many(r),
                lambda log: log.db.close())
    require_peer("pymerkle")
    import pymerkle
    return lambda: pymerkle.SqliteTree(path), lambda t, r: t.append_entries(r), lambda t: t.close()


def _append_bench(benchmark, tmpdir_, impl, n, rounds):
    recs = records(n)
    floor = floor_blobs(recs) if impl == "sqlite-floor" else None
    open_, append, close = appender(impl, fresh(tmpdir_, f"append-{impl}.db"), floor)

    def setup():
        fresh(tmpdir_, f"append-{impl}.db")
        return (recs,), {}

    def run(r):
        log = open_()
        append(log, r)
        close(log)
    benchmark.extra_info.update(impl=impl, records=n)
    benchmark.pedantic(run, setup=setup, rounds=rounds, iterations=1)


@pytest.mark.parametrize("impl", ["ccfast", "ccfast-sha256", "hashlib-sm3", "hashlib-sha256", "sqlite-floor"])
def test_append_many(benchmark, tmpdir_, impl):
    benchmark.group = f"tlog append_many {N}"
    _append_bench(benchmark, tmpdir_, impl, N, 3 if N <= 1000000 else 1)


@pytest.mark.parametrize("impl", ["ccfast", "hashlib-sm3", "hashlib-sha256", "pymerkle", "sqlite-floor"])
def test_append_many_small(benchmark, tmpdir_, impl):
    benchmark.group = f"tlog append_many {SMALL}"
    _append_bench(benchmark, tmpdir_, impl, SMALL, 3)


@pytest.mark.parametrize("impl", ["ccfast", "pymerkle"])
def test_append_one_by_one(benchmark, tmpdir_, impl):
    # the single-record APIs, each record its own durable commit: Log.append and
    # pymerkle's append_entry
    benchmark.group = "tlog append 200 one by one"
    recs = records(200, 3)
    state = {}

    def setup():
        if "close" in state:
            state.pop("close")()
        path = fresh(tmpdir_, f"one-{impl}.db")
        if impl == "ccfast":
            log = tlog.Log(path, origin=ORIGIN)
            state["fn"], state["close"] = log.append, log.close
        else:
            require_peer("pymerkle")
            import pymerkle
            tree = pymerkle.SqliteTree(path)
            state["fn"], state["close"] = tree.append_entry, tree.close
        return (), {}

    def run():
        fn = state["fn"]
        for r in recs:
            fn(r)
    benchmark.extra_info.update(impl=impl)
    benchmark.pedantic(run, setup=setup, rounds=1, iterations=1)
    state.pop("close")()


@pytest.fixture(scope="module")
def big_logs(tmpdir_):
    """The N-record logs (ccfast and hashlib-sm3) for the proof and scaling groups."""
    recs = records(N)
    path = fresh(tmpdir_, "big.db")
    with tlog.Log(path, origin=ORIGIN) as log:
        log.append_many(recs)
        root = log.root()
    hpath = fresh(tmpdir_, "big-hashlib.db")
    HashlibLog(hpath, "sm3").append_many(recs)
    small = fresh(tmpdir_, "small.db")
    with tlog.Log(small, origin=ORIGIN) as log:
        log.append_many(records(10000, 1))
    return {"path": path, "root": root, "recs": recs, "hashlib": hpath, "small": small}


@pytest.mark.parametrize("impl", ["ccfast", "ccfast-at-1e4"])
def test_append_at_size(benchmark, tmpdir_, big_logs, impl):
    benchmark.group = "tlog append 10000 at size"
    recs = records(10000, 2)
    state = {}

    def setup():
        if "log" in state:
            state.pop("log").close()
        if impl == "ccfast":
            path = big_logs["path"]                        # grows by 1% a round
        else:
            path = fresh(tmpdir_, "small-copy.db")
            shutil.copy(big_logs["small"], path)
        state["log"] = tlog.Log(path, origin=ORIGIN)
        return (recs,), {}
    benchmark.extra_info.update(impl=impl)
    benchmark.pedantic(lambda r: state["log"].append_many(r), setup=setup, rounds=5, iterations=1)
    state.pop("log").close()


@pytest.mark.parametrize("impl", ["ccfast", "hashlib-sm3"])
def test_inclusion_proof(benchmark, big_logs, impl):
    benchmark.group = f"tlog inclusion proof {N}"
    rnd = random.Random(5)
    idx = [rnd.randrange(N) for _ in range(1000)]
    if impl == "ccfast":
        log = tlog.Log(big_logs["path"], origin=ORIGIN)
    else:
        log = HashlibLog(big_logs["hashlib"], "sm3")

    def run():
        for i in idx:
            log.inclusion_proof(i, N)
    tlog.verify_inclusion(big_logs["recs"][idx[0]], idx[0], N, log.inclusion_proof(idx[0], N), big_logs["root"])
    benchmark.extra_info.update(impl=impl, per=1000)
    benchmark.pedantic(run, rounds=5, iterations=1)


@pytest.mark.parametrize("impl", ["ccfast", "hashlib-sm3", "pymerkle"])
def test_verify_inclusion(benchmark, tmpdir_, big_logs, impl):
    benchmark.group = f"tlog verify inclusion {N}"
    rnd = random.Random(6)
    idx = [rnd.randrange(N) for _ in range(1000)]
    recs = big_logs["recs"]
    with tlog.Log(big_logs["path"], origin=ORIGIN) as log:
        proofs = [log.inclusion_proof(i, N) for i in idx]
    root = big_logs["root"]
    if impl == "ccfast":
        def run():
            for i, p in zip(idx, proofs):
                tlog.verify_inclusion(recs[i], i, N, p, root)
    elif impl == "hashlib-sm3":
        H = lambda b: hashlib.new("sm3", b).digest()       # noqa: E731
        assert hashlib_verify_inclusion(H, recs[idx[0]], idx[0], N, proofs[0], root)

        def run():
            for i, p in zip(idx, proofs):
                if not hashlib_verify_inclusion(H, recs[i], i, N, p, root):
                    raise AssertionError
    else:
        require_peer("pymerkle")
        import pymerkle
        # pymerkle's own proofs of the same records (SHA-256, its tree): proofs from a tree of
        # SMALL records (building N with pymerkle takes minutes), verified 1,000 per call
        path = fresh(tmpdir_, "pm-verify.db")
        tree = pymerkle.SqliteTree(path)
        m = min(SMALL, N)
        tree.append_entries(recs[:m])
        ids = [rnd.randrange(m) for _ in range(20)]
        state = tree.get_state()
        pms = [(tree.hash_buff(recs[i]), tree.prove_inclusion(i + 1)) for i in ids]
        tree.close()
        pms = (pms * 50)[:1000]

        def run():
            for base, p in pms:
                pymerkle.verify_inclusion(base, state, p)
    benchmark.extra_info.update(impl=impl, per=1000)
    benchmark.pedantic(run, rounds=5, iterations=1)
