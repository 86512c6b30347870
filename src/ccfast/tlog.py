"""Tamper-evident logs: an append-only Merkle tree log (RFC 9162 section 2.1) in SQLite,
with SM2-signed checkpoints (C2SP tlog-checkpoint in a C2SP signed note) and a static
export in the C2SP tlog-tiles layout that an auditor verifies without the database.

``Log(path, origin=..., signer=...)`` opens or creates the log; ``append`` and
``append_many`` add records (at most 65,535 bytes each), ``inclusion_proof`` and
``consistency_proof`` prove them, ``checkpoint`` signs the tree head, ``verify`` recomputes
every stored hash, ``redact`` deletes a record's data when its retention ends (the leaf hash
stays), ``export`` writes the tiles.  The verifiers (``verify_inclusion``,
``verify_consistency``, ``verify_checkpoint``, ``verify_tiles``) need nothing but the
standard library and ccfast.  The formats are specified in docs/tlog.md.
"""
import base64
import dataclasses
import datetime
import hashlib
import json
import os
import re
import sqlite3
import threading
from itertools import islice

from . import _tlog
from .exceptions import ProofError, RedactedError, TamperedError, TlogError

__all__ = [
    "Log",
    "Checkpoint",
    "TileAudit",
    "HASHES",
    "SIGNATURE_TYPE",
    "leaf_hash",
    "verify_inclusion",
    "verify_inclusion_hash",
    "verify_consistency",
    "verify_checkpoint",
    "verify_tiles",
    "key_id",
    "file_record",
    "check_file",
    "TlogError",
    "ProofError",
    "TamperedError",
    "RedactedError",
]

HASHES = ("sm3", "sha256")

# signed-note assigns SM2 no signature type byte: 0xff ("signature types without an
# identifier byte assigned by this specification"), followed by this identifier.
SIGNATURE_TYPE = b"\xff" + b"ccfast/sm2-sm3/v1"

HASH_SIZE = 32
MAX_RECORD = 65535          # a tlog-tiles entry bundle stores 16-bit lengths
BUNDLE = 256                # records per entry bundle, hashes per tile (C2SP tlog-tiles)
# A stored tile (L, N) holds the complete subtree of height 8 over the level-8L nodes
# 256N .. 256N+255: region r (0..7) holds the 256 >> r nodes of level 8L + r, from hash
# 512 - (512 >> r) on; 511 hashes, zeros where a partial tile's nodes are not complete yet.
_TILE_HASHES = 511
_TILE_BYTES = _TILE_HASHES * HASH_SIZE
_GROUP_SHIFT = 48           # tiles.id = L << 48 | N
MAX_SIZE = 1 << 56          # tile numbers of level 0 stay below 2**48
_CHUNK = 65536              # records packed and hashed per step of append_many
_MAX_NOTE = 1 << 20         # bytes; far above 16 signatures of any kind
_MAX_SIGNATURES = 64
_TILE_CACHE = 64            # full stored tiles kept for proofs (1 MiB)

_APP_ID = 0x63637446        # PRAGMA application_id: "ccfF"
_SCHEMA_VERSION = 1         # PRAGMA user_version
_PAGE_SIZE = 8192           # the smallest file: bundles and tiles overflow into whole pages

def _alg(hash):
    if not isinstance(hash, str):
        raise TypeError(f"hash must be a str, not {type(hash).__name__}")
    try:
        return _tlog.HASHES[hash]
    except KeyError:
        raise ValueError(f"unknown hash {hash!r}: use one of {', '.join(HASHES)}") from None


def _empty_root(hash):
    if hash == "sm3":
        from . import sm3
        return sm3.digest(b"")
    return hashlib.sha256(b"").digest()


def _int(value, what):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{what} must not be negative (got {value})")
    return value


def _hash_bytes(value, what):
    """A 32-byte hash from untrusted input: ProofError if it has another length."""
    if type(value) is bytes and len(value) == HASH_SIZE:
        return value
    if isinstance(value, str):
        raise TypeError(f"{what} must be a bytes-like object, not str")
    try:
        b = bytes(memoryview(value))
    except TypeError:
        raise TypeError(f"{what} must be a bytes-like object, not {type(value).__name__}") from None
    if len(b) != HASH_SIZE:
        raise ProofError(f"{what} is {len(b)} bytes; hashes are {HASH_SIZE} bytes")
    return b


# ---- tree arithmetic (RFC 9162 2.1) ---------------------------------------------------------

def _split(n):
    """The largest power of two smaller than n (n >= 2): RFC 9162's k."""
    return 1 << ((n - 1).bit_length() - 1)


def _decompose(lo, hi):
    """The perfect subtrees (level, index) that make up D[lo:hi], left to right; lo is aligned
    as the RFC's recursion leaves it, so MTH(D[lo:hi]) folds them from the right."""
    out = []
    while lo < hi:
        p = (hi - lo).bit_length() - 1
        out.append((p, lo >> p))
        lo += 1 << p
    return out


def _inclusion_ranges(index, size):
    """PATH(index, D[0:size]) of RFC 9162 2.1.3.1 as ranges [lo, hi), deepest first."""
    out = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo += k
    out.reverse()
    return out


def _consistency_ranges(m, n):
    """PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true) of RFC 9162 2.1.4.1 as ranges, 0 < m < n."""
    out = []
    lo, hi, whole = 0, n, True
    while True:
        if m == hi - lo:
            if not whole:
                out.append((lo, hi))
            break
        k = _split(hi - lo)
        if m <= k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            m -= k
            lo += k
            whole = False
    out.reverse()
    return out


def _fold(alg, hashes):
    """MTH of consecutive perfect subtrees (largest first): H(h0 || H(h1 || ...))."""
    h = hashes[-1]
    for x in reversed(hashes[:-1]):
        h = _tlog.node_hash(alg, x, h)
    return h


def _resolve(alg, ranges, nodes):
    """The hashes of ranges from a {(level, index): hash} map of their perfect subtrees."""
    return [_fold(alg, [nodes[x] for x in _decompose(lo, hi)]) for lo, hi in ranges]


def _range_nodes(ranges):
    need = []
    seen = set()
    for lo, hi in ranges:
        for x in _decompose(lo, hi):
            if x not in seen:
                seen.add(x)
                need.append(x)
    return need


# ---- public hashing and verification ---------------------------------------------------------

def leaf_hash(data, hash="sm3"):
    """The RFC 9162 leaf hash H(0x00 || data) of a record."""
    return _tlog.leaf_hash(_alg(hash), data)


def verify_inclusion(data, index, size, proof, root, hash="sm3"):
    """Check that `data` is record `index` of the tree of `size` records whose root is `root`
    (RFC 9162 2.1.3.2).  Raises ProofError if it is not."""
    verify_inclusion_hash(_tlog.leaf_hash(_alg(hash), data), index, size, proof, root, hash)


def _inclusion_length(index, size):
    inner = (index ^ (size - 1)).bit_length()
    return inner + bin(index >> inner).count("1")


def verify_inclusion_hash(leaf_hash, index, size, proof, root, hash="sm3"):
    """verify_inclusion from the record's leaf hash (for a redacted record, or a CT leaf)."""
    alg = _alg(hash)
    index = _int(index, "index")
    size = _int(size, "size")
    leaf = _hash_bytes(leaf_hash, "leaf hash")
    root = _hash_bytes(root, "root")
    if size >= 1 << 64:
        raise ProofError(f"tree size {size} is beyond 2**64 - 1")
    if index >= size:
        raise ProofError(f"index {index} is not in a tree of size {size}")
    try:
        ok = _tlog.verify_inclusion(alg, index, size, leaf, proof, root)
    except ValueError as exc:
        raise ProofError(str(exc)) from None
    if not ok:
        want = _inclusion_length(index, size)
        if len(proof) != want:
            raise ProofError(f"an inclusion proof of index {index} in a tree of size {size} has {want} hashes, "
                             f"not {len(proof)}")
        raise ProofError(f"the inclusion proof of index {index} in a tree of size {size} does not lead to the root")


def verify_consistency(old_size, new_size, proof, old_root, new_root, hash="sm3"):
    """Check that the tree of old_size records with root old_root is a prefix of the tree of
    new_size records with root new_root (RFC 9162 2.1.4.2).  Raises ProofError if not: the
    log rewrote its history (a fork) or the proof is wrong."""
    alg = _alg(hash)
    old_size = _int(old_size, "old_size")
    new_size = _int(new_size, "new_size")
    r1 = _hash_bytes(old_root, "old root")
    r2 = _hash_bytes(new_root, "new root")
    if new_size >= 1 << 64:
        raise ProofError(f"tree size {new_size} is beyond 2**64 - 1")
    if old_size > new_size:
        raise ProofError(f"old size {old_size} is larger than new size {new_size}")
    if old_size == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing (old size 0)")
    try:
        ok = _tlog.verify_consistency(alg, old_size, new_size, proof, r1, r2)
    except ValueError as exc:
        raise ProofError(str(exc)) from None
    if ok:
        return
    if old_size == new_size:
        if len(proof):
            raise ProofError(f"the proof between two trees of size {old_size} must be empty, not {len(proof)} hashes")
        raise ProofError(f"two different roots for the same tree size {old_size}: the log forked")
    want = len(_consistency_ranges(old_size, new_size))
    if len(proof) != want:
        raise ProofError(f"a consistency proof from size {old_size} to {new_size} has {want} hashes, not {len(proof)}")
    raise ProofError(f"the tree of size {old_size} is not a prefix of the tree of size {new_size} "
                     "(consistency proof fails: the log forked or the proof is wrong)")


# ---- signed notes and checkpoints ------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """A verified tree head: the log's origin, its size and its root hash."""
    origin: str
    size: int
    root: bytes
    extensions: tuple = ()


def _check_key_name(name, what="origin"):
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a str, not {type(name).__name__}")
    if not name:
        raise ValueError(f"{what} must not be empty")
    for ch in name:
        if ch.isspace() or ch == "+" or ord(ch) < 0x20 or ord(ch) == 0x7F:
            raise ValueError(f"{what} {name!r} must not contain spaces, '+' or control characters "
                             "(it is the signed-note key name)")
    return name


def _public_key(key):
    from . import sm2
    if isinstance(key, sm2.SM2PrivateKey):
        key = key.public_key()
    if not isinstance(key, sm2.SM2PublicKey):
        raise TypeError(f"public_key must be an sm2.SM2PublicKey, not {type(key).__name__}")
    return key


def key_id(name, public_key):
    """The signed-note key ID of an SM2 key under a key name: the first four bytes, big-endian,
    of SHA-256(name || 0x0A || SIGNATURE_TYPE || 65-byte uncompressed public key)."""
    _check_key_name(name, "key name")
    pub = _public_key(public_key).public_bytes("raw", compressed=False)
    return int.from_bytes(hashlib.sha256(name.encode() + b"\n" + SIGNATURE_TYPE + pub).digest()[:4], "big")


def _checkpoint_text(origin, size, root):
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


def _sign_note(text, name, private_key):
    """A signed note (C2SP signed-note) of text by an SM2 key: the signature line carries
    base64(key ID || r || s) of the SM2 signature (GB/T 32918.2, default user ID) of the text."""
    sig = private_key.sign(text.encode(), encoding="raw")
    blob = key_id(name, private_key.public_key()).to_bytes(4, "big") + sig
    return f"{text}\n\u2014 {name} {base64.b64encode(blob).decode()}\n"


def _strict_b64(s, what):
    try:
        raw = base64.b64decode(s, validate=True)
    except (ValueError, TypeError):
        raise ProofError(f"{what} is not valid base64") from None
    if base64.b64encode(raw).decode() != s:
        raise ProofError(f"{what} is not canonical base64")
    return raw


def _parse_note(note):
    """(text, [(name, key_id, signature)]) of a signed note; ProofError if malformed."""
    if isinstance(note, (bytes, bytearray, memoryview)):
        try:
            note = bytes(note).decode("utf-8")
        except UnicodeDecodeError:
            raise ProofError("the signed note is not valid UTF-8") from None
    elif not isinstance(note, str):
        raise TypeError(f"note must be a str or bytes, not {type(note).__name__}")
    if len(note) > _MAX_NOTE:
        raise ProofError(f"the signed note is longer than {_MAX_NOTE} characters")
    for i, ch in enumerate(note):
        if (ord(ch) < 0x20 and ch != "\n") or ch == "\x7f":
            raise ProofError(f"the signed note contains a control character (U+{ord(ch):04X} at {i})")
    try:
        note.encode("utf-8")
    except UnicodeEncodeError:
        raise ProofError("the signed note is not valid UTF-8 (a lone surrogate)") from None
    if not note.endswith("\n"):
        raise ProofError("the signed note does not end with a newline")
    cut = note.rfind("\n\n")
    if cut < 0:
        raise ProofError("the signed note has no blank line between its text and its signatures")
    text, sigs = note[:cut + 1], note[cut + 2:]
    if not sigs:
        raise ProofError("the signed note has no signature line")
    lines = sigs[:-1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise ProofError(f"the signed note has more than {_MAX_SIGNATURES} signatures")
    out = []
    for n, line in enumerate(lines):
        if not line.startswith("\u2014 "):
            raise ProofError(f"signature line {n + 1} does not begin with an em dash and a space")
        parts = line[2:].split(" ")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise ProofError(f"signature line {n + 1} is not '\u2014 <key name> <base64 signature>'")
        name, b64 = parts
        if any(ch.isspace() or ch == "+" for ch in name):
            raise ProofError(f"signature line {n + 1}: the key name contains a space or '+'")
        raw = _strict_b64(b64, f"signature line {n + 1}")
        if len(raw) < 5:
            raise ProofError(f"signature line {n + 1}: {len(raw)} bytes, shorter than a key ID and a signature")
        out.append((name, int.from_bytes(raw[:4], "big"), raw[4:]))
    return text, out


def verify_checkpoint(note, public_key, origin):
    """Verify a signed checkpoint: its signature by public_key under the key name `origin`
    (signatures by other keys are ignored, as signed-note requires), then its text (origin
    line equal to `origin`, decimal size, base64 root).  Returns the Checkpoint; raises
    ProofError for an unknown key, a bad signature or a malformed note."""
    from .exceptions import InvalidSignature
    _check_key_name(origin)
    pub = _public_key(public_key)
    kid = key_id(origin, pub)
    text, sigs = _parse_note(note)
    known = [s for name, k, s in sigs if name == origin and k == kid]
    if not known:
        raise ProofError(f"the note carries no signature by the key for {origin!r} (key ID {kid:08x})")
    for sig in known:
        if len(sig) != 64:
            raise ProofError(f"the signature by {origin!r} is {len(sig)} bytes, not 64 (r || s)")
        try:
            pub.verify(sig, text.encode(), encoding="raw")
        except InvalidSignature:
            raise ProofError(f"the signature by {origin!r} does not verify: the note was altered or "
                             "signed by another key") from None
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise ProofError("a checkpoint has at least three lines (origin, size, root)")
    if lines[0] != origin:
        raise ProofError(f"the checkpoint's origin is {lines[0]!r}, not {origin!r}")
    if not re.fullmatch(r"0|[1-9][0-9]{0,19}", lines[1]):
        raise ProofError(f"the checkpoint's size line {lines[1][:40]!r} is not a decimal number without leading zeros")
    size = int(lines[1])
    if size >= 1 << 64:
        raise ProofError(f"the checkpoint's size {size} is beyond 2**64 - 1")
    root = _strict_b64(lines[2], "the checkpoint's root line")
    if len(root) != HASH_SIZE:
        raise ProofError(f"the checkpoint's root is {len(root)} bytes, not {HASH_SIZE}")
    ext = tuple(lines[3:])
    if any(not e for e in ext):
        raise ProofError("a checkpoint's extension lines must not be empty")
    return Checkpoint(origin, size, root, ext)


def _parse_checkpoint_unverified(note):
    text, _ = _parse_note(note)
    lines = text[:-1].split("\n")
    return int(lines[1]), base64.b64decode(lines[2])


# ---- files and sealed recordings -------------------------------------------------------------

def _jsonable(v):
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {f.name: _jsonable(getattr(v, f.name)) for f in dataclasses.fields(v)}
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if hasattr(v, "name") and hasattr(v, "value") and not isinstance(v, (str, bytes)):
        return v.name                       # an Enum
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def _recording_info(path):
    """What ccfast.recording.inspect says of a sealed recording (None for any other file)."""
    try:
        from . import recording
    except ImportError:
        return None
    from .exceptions import CCFastError
    try:
        info = recording.inspect(path)
    except (CCFastError, ValueError, OSError):
        return None
    out = {}
    for name in ("suite", "size", "recipients", "metadata"):
        if hasattr(info, name):
            out[name] = _jsonable(getattr(info, name))
    return out


def file_record(path, *, name=None, metadata=None):
    """The log record of a file: canonical JSON (sorted keys, no spaces, UTF-8) with its SM3
    digest, its size and its name, the caller's metadata, and for a sealed recording
    (ccfast.recording) what its header says.  Logging the record makes the file provable:
    check_file later shows it is unaltered."""
    from . import sm3
    h = sm3.SM3()
    size = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            h.update(chunk)
            size += len(chunk)
    rec = {"type": "ccfast.tlog/file/v1", "name": name if name is not None else os.path.basename(os.fspath(path)),
           "size": size, "sm3": h.hexdigest()}
    if not isinstance(rec["name"], str):
        raise TypeError(f"name must be a str, not {type(rec['name']).__name__}")
    info = _recording_info(path)
    if info is not None:
        rec["recording"] = info
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise TypeError(f"metadata must be a dict, not {type(metadata).__name__}")
        rec["metadata"] = metadata
    try:
        out = json.dumps(rec, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"metadata must be JSON-serialisable: {exc}") from None
    if len(out) > MAX_RECORD:
        raise ValueError(f"the file record is {len(out)} bytes; at most {MAX_RECORD} (make the metadata smaller)")
    return out


def check_file(path, record):
    """Check that the file at path is the one a file record (from file_record) describes: same
    size and SM3 digest.  Returns the record as a dict; raises ProofError if the file differs."""
    try:
        rec = json.loads(bytes(record).decode("utf-8"))
    except (TypeError, ValueError):
        raise ProofError("the record is not a ccfast.tlog file record (not JSON)") from None
    if not isinstance(rec, dict) or rec.get("type") != "ccfast.tlog/file/v1":
        raise ProofError("the record is not a ccfast.tlog file record")
    from . import sm3
    h = sm3.SM3()
    size = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            h.update(chunk)
            size += len(chunk)
    if size != rec.get("size") or h.hexdigest() != rec.get("sm3"):
        raise ProofError(f"{os.fspath(path)} is not the file the record describes "
                         f"(size {size} vs {rec.get('size')}, SM3 {h.hexdigest()} vs {rec.get('sm3')})")
    return rec


# ---- the log ---------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tree(id INTEGER PRIMARY KEY CHECK (id = 0), size INTEGER NOT NULL);
CREATE TABLE bundles(id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE tiles(id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE redactions(record INTEGER PRIMARY KEY, at TEXT NOT NULL, reason TEXT NOT NULL);
CREATE TABLE checkpoints(size INTEGER PRIMARY KEY, note TEXT NOT NULL);
INSERT INTO tree(id, size) VALUES (0, 0);
"""


def _tid(group, n):
    return (group << _GROUP_SHIFT) | n


def _region(r):
    """Hash offset of region r (level 8L + r) in a stored tile."""
    return 512 - (512 >> r)


def _node_place(level, index):
    """(tile id, byte offset) of the node (level, index)."""
    g, r = level >> 3, level & 7
    n = index >> (8 - r)
    return _tid(g, n), (_region(r) + index - (n << (8 - r))) * HASH_SIZE


class Log:
    """An append-only Merkle tree log in an SQLite file.

    path: the database file (created if absent).  origin: the log's identity, the first line
    of its checkpoints and its signing key's name (no spaces or '+').  hash: "sm3" (default)
    or "sha256" (Certificate Transparency).  signer: an sm2.SM2PrivateKey to sign checkpoints.
    timeout: seconds to wait for another process's write.  synchronous: "full" (default; a
    committed append survives power loss) or "normal" (survives a crash of the process, may
    be lost with the machine's power).

    Several processes (and threads) may append to one file at once: each append takes the
    write lock (BEGIN IMMEDIATE), so indices stay unique and contiguous.
    """

    def __init__(self, path, *, origin, hash="sm3", signer=None, timeout=30.0, synchronous="full"):
        self._alg = _alg(hash)
        self.hash = hash
        self.origin = _check_key_name(origin)
        if signer is not None:
            from . import sm2
            if not isinstance(signer, sm2.SM2PrivateKey):
                raise TypeError(f"signer must be an sm2.SM2PrivateKey, not {type(signer).__name__}")
        self._signer = signer
        if synchronous not in ("full", "normal"):
            raise ValueError(f"synchronous must be 'full' or 'normal', not {synchronous!r}")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0:
            raise ValueError("timeout must be a non-negative number of seconds")
        self.path = os.fspath(path)
        self._lock = threading.RLock()
        self._sql_cache = {}
        self._tile_cache = {}          # insertion-ordered: the least recently used first
        self._partial = set()
        self._partial_size = -1
        self._folded = {}
        self._db = sqlite3.connect(self.path, timeout=float(timeout), isolation_level=None,
                                   check_same_thread=False)
        try:
            self._open(synchronous)
        except BaseException:
            self._db.close()
            raise

    # -- opening ------------------------------------------------------------------------------

    def _ids(self):
        db = self._db
        return db.execute("PRAGMA application_id").fetchone()[0], db.execute("PRAGMA user_version").fetchone()[0]

    def _check_ids(self, app, ver):
        if app != _APP_ID:
            raise ValueError(f"{self.path} is an SQLite database but not a ccfast tlog")
        if ver > _SCHEMA_VERSION:
            raise ValueError(f"{self.path} has tlog schema version {ver}; this ccfast reads version {_SCHEMA_VERSION}")

    def _open(self, synchronous):
        db = self._db
        app, ver = self._ids()
        if (app, ver) != (0, 0):
            self._check_ids(app, ver)
        else:
            db.execute(f"PRAGMA page_size = {_PAGE_SIZE}")     # only takes effect in an empty file
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal" and self.path != ":memory:":
            raise TlogError(f"SQLite cannot use WAL mode on {self.path} (journal mode {mode!r})")
        db.execute(f"PRAGMA synchronous = {synchronous.upper()}")
        db.execute("PRAGMA journal_size_limit = 67108864")
        db.execute("PRAGMA cache_size = -16384")
        db.execute("PRAGMA mmap_size = 268435456")     # reads of random tiles without a copy per page
        if (app, ver) == (0, 0):
            # Create under the write lock; another process may have created it meanwhile.
            db.execute("BEGIN IMMEDIATE")
            try:
                app, ver = self._ids()
                if (app, ver) == (0, 0):
                    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                        raise ValueError(f"{self.path} is an SQLite database but not a ccfast tlog")
                    for stmt in _SCHEMA.strip().split(";\n"):
                        db.execute(stmt)
                    db.executemany("INSERT INTO meta(name, value) VALUES (?, ?)",
                                   [("origin", self.origin), ("hash", self.hash), ("tile_width", str(BUNDLE))])
                    db.execute(f"PRAGMA application_id = {_APP_ID}")
                    db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self._check_ids(*self._ids())
        meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
        if meta.get("origin") != self.origin:
            raise ValueError(f"{self.path} is the log of origin {meta.get('origin')!r}, not {self.origin!r}")
        if meta.get("hash") != self.hash:
            raise ValueError(f"{self.path} hashes with {meta.get('hash')!r}, not {self.hash!r}")

    def close(self):
        """Close the database connection (the Log is unusable afterwards)."""
        with self._lock:
            self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<ccfast.tlog.Log {self.path!r} origin={self.origin!r} hash={self.hash!r}>"

    def __reduce__(self):
        raise TypeError("Log objects cannot be pickled (they hold a database connection and may hold a key)")

    # -- reading -----------------------------------------------------------------------------

    def _size(self):
        row = self._db.execute("SELECT size FROM tree WHERE id = 0").fetchone()
        if row is None or type(row[0]) is not int or not 0 <= row[0] <= MAX_SIZE:
            raise TamperedError(f"{self.path}: the stored tree size is missing or damaged")
        return row[0]

    @property
    def size(self):
        """The number of records."""
        with self._lock:
            return self._size()

    def _fetch(self, nodes):
        """{(level, index): hash} of stored complete subtrees, from the few tiles they lie in."""
        if not nodes:
            return {}
        places = [_node_place(*x) for x in nodes]
        tiles = self._tiles(sorted({t for t, _ in places}))
        out = {}
        for (level, index), (t, off) in zip(nodes, places):
            data = tiles.get(t)
            h = data[off:off + HASH_SIZE] if data is not None and len(data) == _TILE_BYTES else b""
            if len(h) != HASH_SIZE:
                raise TamperedError(f"the tile holding the hash of level {level} node {index} is missing or cut "
                                    f"in {self.path}", index << level)
            out[(level, index)] = h
        return out

    def _tiles(self, ids, size=None):
        """{id: data} of stored tiles, from the cache or the database (see _cache_tile)."""
        if size is None:
            size = self._size()
        self._sync_cache(size)
        cache = self._tile_cache
        out = {}
        missing = []
        for t in ids:
            d = cache.get(t)
            if d is None:
                missing.append(t)
            else:
                out[t] = d
        if missing:
            for t, d in self._db.execute(f"SELECT id, data FROM tiles WHERE id IN ({','.join('?' * len(missing))})",
                                         missing):
                if isinstance(d, bytes) and len(d) == _TILE_BYTES:
                    out[t] = d
                    self._cache_tile(t, d, size)
        return out

    def _sync_cache(self, size):
        """Forget the partial tiles read at another tree size."""
        if self._partial_size != size:
            for t in self._partial:
                self._tile_cache.pop(t, None)
            self._partial.clear()
            self._partial_size = size

    def _cache_tile(self, t, d, size):
        """Keep a tile read from the database: full tiles never change (the most recently read
        _TILE_CACHE are kept, 16 KB each); partial ones are kept while the log has `size`
        records."""
        g, n = t >> _GROUP_SHIFT, t & ((1 << _GROUP_SHIFT) - 1)
        cache = self._tile_cache
        cache.pop(t, None)
        cache[t] = d
        if (n + 1) << 8 > size >> (8 * g):
            self._partial.add(t)
            return
        while len(cache) > _TILE_CACHE + len(self._partial):
            for old in cache:
                if old not in self._partial:
                    del cache[old]
                    break

    def _proof(self, kind, a, b, current=None):
        """A proof from the stored tiles (kind 0 inclusion of a in b, 1 consistency a to b,
        2 the root of b as a one-element list), in at most one query; the folds of ranges
        that are not perfect subtrees (the right border, shared by most proofs) are kept."""
        if current is None:
            current = self._size()
        if len(self._folded) > 4096:
            self._folded.clear()
        tiles = self._tiles(_tlog.proof_tiles(kind, a, b, self._folded), current)
        try:
            return _tlog.proof_assemble(self._alg, kind, a, b, tiles, self._folded)
        except LookupError as exc:
            raise TamperedError(f"the tile holding the hash of {exc.args[0]} is missing or cut in {self.path}") from None

    def _root(self, size, current=None):
        if size == 0:
            return _empty_root(self.hash)
        return self._proof(2, 0, size, current)[0]

    def _check_size_arg(self, size, current, what="size"):
        if size is None:
            return current
        size = _int(size, what)
        if size > current:
            raise ValueError(f"{what} {size} is larger than the log ({current} records)")
        return size

    def root(self, size=None):
        """The Merkle tree hash of the first `size` records (default: all)."""
        with self._lock:
            current = self._size()
            return self._root(self._check_size_arg(size, current), current)

    def record(self, index):
        """Record `index`.  RedactedError if its data was deleted (redact)."""
        index = _int(index, "index")
        with self._lock:
            size = self._size()
            if index >= size:
                raise ValueError(f"index {index} is not in the log ({size} records)")
            row = self._db.execute("SELECT data FROM bundles WHERE id = ?", (index >> 8,)).fetchone()
            if row is None:
                raise TamperedError(f"entry bundle {index >> 8} is missing from {self.path}", index)
            try:
                data = _tlog.bundle_entry(row[0], index & 255)
            except (ValueError, TypeError):
                raise TamperedError(f"entry bundle {index >> 8} is damaged", (index >> 8) << 8) from None
            if not data and self._db.execute("SELECT 1 FROM redactions WHERE record = ?", (index,)).fetchone():
                raise RedactedError(f"record {index} was redacted: its data is deleted; its leaf hash "
                                    "(leaf_hash) still proves where it stood", index)
            return data

    def leaf_hash(self, index):
        """The stored leaf hash of record `index` (also of a redacted record)."""
        index = _int(index, "index")
        with self._lock:
            size = self._size()
            if index >= size:
                raise ValueError(f"index {index} is not in the log ({size} records)")
            return self._fetch([(0, index)])[(0, index)]

    def inclusion_proof(self, index, size=None):
        """The RFC 9162 inclusion proof of record `index` in the tree of `size` records
        (default: all), deepest hash first."""
        index = _int(index, "index")
        with self._lock:
            current = self._size()
            size = self._check_size_arg(size, current)
            if index >= size:
                raise ValueError(f"index {index} is not in a tree of size {size}")
            return self._proof(0, index, size, current)

    def consistency_proof(self, old_size, new_size=None):
        """The RFC 9162 consistency proof from the tree of old_size records to the tree of
        new_size records (default: all); empty when the sizes are equal."""
        old_size = _int(old_size, "old_size")
        with self._lock:
            current = self._size()
            new_size = self._check_size_arg(new_size, current, "new_size")
            if old_size == 0:
                raise ValueError("old_size must be at least 1 (every tree extends the empty tree)")
            if old_size > new_size:
                raise ValueError(f"old_size {old_size} is larger than new_size {new_size}")
            if old_size == new_size:
                return []
            return self._proof(1, old_size, new_size, current)

    # -- appending ---------------------------------------------------------------------------

    def _begin_write(self):
        self._db.execute("BEGIN IMMEDIATE")

    def _tail(self, size):
        """What appending after `size` records needs: the partial entry bundle (bytes, count)
        and the partial tile of each level group {L: bytearray}."""
        head, count = b"", size & 255
        if count:
            row = self._db.execute("SELECT data FROM bundles WHERE id = ?", (size >> 8,)).fetchone()
            if row is None:
                raise TamperedError(f"entry bundle {size >> 8} is missing from {self.path}", (size >> 8) << 8)
            head = row[0]
            if not isinstance(head, bytes):
                raise TamperedError(f"entry bundle {size >> 8} is damaged in {self.path}", (size >> 8) << 8)
        want = {}
        g = 0
        while size >> (8 * g):
            c = size >> (8 * g)
            if c & 255:
                want[_tid(g, c >> 8)] = g
            g += 1
        partial = {}
        if want:
            q = ",".join("?" * len(want))
            for tid, data in self._db.execute(f"SELECT id, data FROM tiles WHERE id IN ({q})", list(want)):
                if isinstance(data, bytes):
                    partial[want[tid]] = bytearray(data)
        for tid, g in want.items():
            if len(partial.get(g, b"")) != _TILE_BYTES:
                raise TamperedError(f"the last tile of level {8 * g} is missing or cut in {self.path}",
                                    ((size >> (8 * g)) & ~255) << (8 * g))
        return [head, count, partial]

    def _append_chunk(self, records, size, tail):
        head, count, partial = tail
        bundles, leaves = _tlog.pack(self._alg, records, head, count)
        new_size = size + len(records)
        if new_size > MAX_SIZE:
            raise OverflowError("a log holds at most 2**56 records")
        frontier = []
        for k in range(size.bit_length()):
            if (size >> k) & 1:
                tid, off = _node_place(k, (size >> k) - 1)
                frontier.append(bytes(partial[k >> 3][off:off + HASH_SIZE]))
            else:
                frontier.append(None)
        lv = _tlog.levels(self._alg, size, frontier, leaves)
        rows = _tlog.fill_tiles(size, new_size, lv, partial)
        db = self._db
        db.executemany("INSERT OR REPLACE INTO bundles(id, data) VALUES (?, ?)",
                       [((size >> 8) + i, b) for i, b in enumerate(bundles)])
        db.executemany("INSERT OR REPLACE INTO tiles(id, data) VALUES (?, ?)", rows)
        if new_size & 255:
            tail[0], tail[1] = bundles[-1], new_size & 255
        else:
            tail[0], tail[1] = b"", 0
        return new_size

    def append_many(self, records):
        """Append records (an iterable of bytes-like objects, each at most 65,535 bytes) in one
        transaction; returns the range of their indices.  All or nothing: a failure (or a
        crash) leaves the log as it was."""
        if isinstance(records, (bytes, bytearray, memoryview, str)):
            raise TypeError("append_many takes an iterable of records; use append for one record")
        it = iter(records)
        with self._lock:
            first = list(islice(it, _CHUNK))
            if not first:
                size = self._size()
                return range(size, size)
            self._begin_write()
            try:
                size = start = self._size()
                tail = self._tail(size)
                chunk = first
                while chunk:
                    size = self._append_chunk(chunk, size, tail)
                    if len(chunk) < _CHUNK:
                        break
                    chunk = list(islice(it, _CHUNK))
                if size != start:
                    self._db.execute("UPDATE tree SET size = ? WHERE id = 0", (size,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return range(start, size)

    def append(self, record):
        """Append one record (bytes-like, at most 65,535 bytes); returns its index."""
        return self.append_many([record]).start

    def append_file(self, path, *, name=None, metadata=None):
        """Append file_record(path, name=..., metadata=...): the file's SM3 digest, size, name
        and metadata (and, for a sealed recording, its header's description); returns the
        record's index."""
        return self.append(file_record(path, name=name, metadata=metadata))

    # -- redaction ---------------------------------------------------------------------------

    def redact(self, index, *, reason=""):
        """Delete record `index`'s data (its retention ended) while its leaf hash stays: the
        tree, its roots and every proof are unchanged, record(index) raises RedactedError.
        The bytes are overwritten in the database file (secure_delete) and the write-ahead log
        is checkpointed so no copy of the old page stays in it."""
        index = _int(index, "index")
        if not isinstance(reason, str):
            raise TypeError(f"reason must be a str, not {type(reason).__name__}")
        with self._lock:
            db = self._db
            db.execute("PRAGMA secure_delete = ON")
            try:
                self._begin_write()
                try:
                    size = self._size()
                    if index >= size:
                        raise ValueError(f"index {index} is not in the log ({size} records)")
                    row = db.execute("SELECT data FROM bundles WHERE id = ?", (index >> 8,)).fetchone()
                    if row is None:
                        raise TamperedError(f"entry bundle {index >> 8} is missing", index)
                    try:
                        entries = _tlog.parse_bundle(row[0])
                    except (ValueError, TypeError):
                        raise TamperedError(f"entry bundle {index >> 8} is damaged", (index >> 8) << 8) from None
                    entries[index & 255] = b""
                    blob = b"".join(len(e).to_bytes(2, "big") + e for e in entries)
                    db.execute("UPDATE bundles SET data = ? WHERE id = ?", (blob, index >> 8))
                    at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
                    db.execute("INSERT OR IGNORE INTO redactions(record, at, reason) VALUES (?, ?, ?)",
                               (index, at, reason))
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            finally:
                db.execute("PRAGMA secure_delete = OFF")
            try:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except sqlite3.OperationalError:
                pass

    def redactions(self):
        """{index: (time, reason)} of the redacted records."""
        with self._lock:
            return {r: (at, reason) for r, at, reason in
                    self._db.execute("SELECT record, at, reason FROM redactions ORDER BY record")}

    # -- checkpoints -------------------------------------------------------------------------

    def checkpoint(self):
        """A signed checkpoint of the current tree (C2SP tlog-checkpoint in a signed note,
        SM2 signature), also kept in the database (verify checks it later)."""
        if self._signer is None:
            raise ValueError("checkpoint needs a signer: Log(..., signer=sm2.SM2PrivateKey)")
        with self._lock:
            size = self._size()
            note = _sign_note(_checkpoint_text(self.origin, size, self._root(size)), self.origin, self._signer)
            self._begin_write()
            try:
                self._db.execute("INSERT OR REPLACE INTO checkpoints(size, note) VALUES (?, ?)", (size, note))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            return note

    def _latest_checkpoint(self, size=None):
        if size is None:
            row = self._db.execute("SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1").fetchone()
        else:
            row = self._db.execute("SELECT note FROM checkpoints WHERE size = ?", (size,)).fetchone()
        return row[0] if row else None

    # -- verification ------------------------------------------------------------------------

    def verify(self):
        """Recompute every stored hash from the records up: leaf hashes from the records,
        each interior hash from its children, and the root of every stored checkpoint (its
        signature too, when the Log has the signer).  Raises TamperedError naming the first
        record index whose data or hashes disagree."""
        with self._lock:
            db = self._db
            self._tile_cache.clear()
            self._partial.clear()
            self._partial_size = -1
            self._folded.clear()
            db.execute("BEGIN")
            try:
                self._verify(db)
            finally:
                db.execute("COMMIT")

    def _verify(self, db):
        alg = self._alg
        size = self._size()
        bad = []            # (index, message) of missing or broken rows
        fails = set()       # (level, node) whose stored hash differs from what its inputs give

        def found(index, message):
            bad.append((index, message))

        redacted = {r for (r,) in db.execute("SELECT record FROM redactions")}
        g = 0
        while size >> (8 * g):
            cnt = size >> (8 * g)
            for n in range((cnt + BUNDLE - 1) // BUNDLE):
                w = min(BUNDLE, cnt - n * BUNDLE)
                first = (n * BUNDLE) << (8 * g)
                row = db.execute("SELECT data FROM tiles WHERE id = ?", (_tid(g, n),)).fetchone()
                if row is None or not isinstance(row[0], bytes) or len(row[0]) != _TILE_BYTES:
                    found(first, f"the tile of level {8 * g} over records {first}.. is missing or cut")
                    continue
                tile = row[0]
                if g == 0:
                    self._verify_bundle(db, n, w, tile[:w * HASH_SIZE], redacted, found, fails)
                else:
                    lo, hi = _tid(g - 1, n * BUNDLE), _tid(g - 1, n * BUNDLE + w - 1)
                    tops = {t: h for t, h in db.execute(
                        "SELECT id, substr(data, ?, 64) FROM tiles WHERE id BETWEEN ? AND ?",
                        (_region(7) * HASH_SIZE + 1, lo, hi)) if isinstance(h, bytes) and len(h) == 2 * HASH_SIZE}
                    # (a missing or cut tile below is reported where its own level group is checked)
                    have = [t - lo for t in range(lo, hi + 1) if t in tops]
                    got = _tlog.node_hashes(alg, b"".join(tops[lo + t] for t in have))
                    for k, t in enumerate(have):
                        if got[k * HASH_SIZE:(k + 1) * HASH_SIZE] != tile[t * HASH_SIZE:(t + 1) * HASH_SIZE]:
                            fails.add((8 * g, (n << 8) + t))
                for r in range(1, 8):
                    c = w >> r
                    if not c:
                        break
                    below = tile[_region(r - 1) * HASH_SIZE:(_region(r - 1) + 2 * c) * HASH_SIZE]
                    stored = tile[_region(r) * HASH_SIZE:(_region(r) + c) * HASH_SIZE]
                    self._verify_region(8 * g + r, n << (8 - r), _tlog.node_hashes(alg, below), stored, fails)
            g += 1
        # A changed stored hash breaks its own check and its parent's; a changed record only its
        # leaf's.  A failure is a cause unless a child of the node failed too.
        for level, node in fails:
            if level and ((level - 1, 2 * node) in fails or (level - 1, 2 * node + 1) in fails):
                continue
            lo = node << level
            if level == 0:
                if (1, node >> 1) in fails:
                    message = f"the stored leaf hash of record {lo} was changed"
                else:
                    message = f"record {lo} was changed (it does not hash to its stored leaf hash)"
            else:
                message = (f"the stored hash of records {lo}..{lo + (1 << level) - 1} (level {level} node {node}) "
                           "was changed (it differs from the hash of its children)")
            bad.append((lo, message))
        if bad:
            index, message = min(bad)
            raise TamperedError(f"{self.path}: {message}", index)
        # stored checkpoints against the (now self-consistent) tree
        pub = self._signer.public_key() if self._signer is not None else None
        for csize, note in db.execute("SELECT size, note FROM checkpoints ORDER BY size").fetchall():
            if csize > size:
                raise TamperedError(f"{self.path}: a checkpoint of size {csize} is stored but the log "
                                    f"has {size} records", size)
            try:
                if pub is not None:
                    cp = verify_checkpoint(note, pub, self.origin)
                    cs, croot = cp.size, cp.root
                else:
                    cs, croot = _parse_checkpoint_unverified(note)
            except (ProofError, ValueError, IndexError) as exc:
                raise TamperedError(f"{self.path}: the stored checkpoint of size {csize} is damaged ({exc})") from None
            if cs != csize or croot != self._root(csize):
                raise TamperedError(f"{self.path}: the tree of size {csize} no longer has the root its signed "
                                    "checkpoint gives: the history was rewritten")

    @staticmethod
    def _verify_region(level, first_node, computed, stored, fails):
        if computed != stored:
            for j in range(len(stored) // HASH_SIZE):
                if computed[j * HASH_SIZE:(j + 1) * HASH_SIZE] != stored[j * HASH_SIZE:(j + 1) * HASH_SIZE]:
                    fails.add((level, first_node + j))

    def _verify_bundle(self, db, n, w, stored, redacted, found, fails):
        lo = n * BUNDLE
        row = db.execute("SELECT data FROM bundles WHERE id = ?", (n,)).fetchone()
        if row is None:
            found(lo, f"entry bundle {n} (records {lo}..{lo + w - 1}) is missing")
            return
        try:
            entries = _tlog.parse_bundle(row[0])
        except (ValueError, TypeError) as exc:
            found(lo, f"entry bundle {n} is damaged ({exc})")
            return
        if len(entries) != w:
            found(lo, f"entry bundle {n} holds {len(entries)} records, not {w}")
            return
        got = _tlog.leaf_hashes(self._alg, entries)
        if got != stored:
            for j in range(w):
                a, b = got[j * HASH_SIZE:(j + 1) * HASH_SIZE], stored[j * HASH_SIZE:(j + 1) * HASH_SIZE]
                if a != b and not (lo + j in redacted and not entries[j]):
                    fails.add((0, lo + j))

    # -- export ------------------------------------------------------------------------------

    def export(self, directory, *, checkpoint=None):
        """Write the log as static files in the C2SP tlog-tiles layout: `checkpoint`, hash
        tiles `tile/<L>/<N>[.p/<W>]` and entry bundles `tile/entries/<N>[.p/<W>]`, for the
        tree of the checkpoint's size.  The checkpoint is the given signed note, else a new one
        (with the signer), else the latest stored one.  Entry bundles holding a redacted record
        go to `ccfast/entries/...` instead, beside the list `ccfast/redacted`.  Every file is
        written atomically, the checkpoint last.  Returns the checkpoint's size."""
        with self._lock:
            if checkpoint is None:
                if self._signer is not None:
                    checkpoint = self.checkpoint()
                else:
                    checkpoint = self._latest_checkpoint()
                    if checkpoint is None:
                        raise ValueError("export needs a checkpoint: give one, or open the Log with a signer")
            try:
                size, root = _parse_checkpoint_unverified(checkpoint)
            except (ProofError, ValueError, IndexError):
                raise ValueError("checkpoint is not a signed checkpoint note") from None
            if self._signer is not None:
                verify_checkpoint(checkpoint, self._signer.public_key(), self.origin)
            if size > self._size():
                raise ValueError(f"the checkpoint's size {size} is larger than the log")
            if root != self._root(size):
                raise ValueError("the checkpoint's root is not this log's root at its size")
            return _Exporter(self._db, os.fspath(directory)).run(size, checkpoint)


def _tile_path(n):
    s = f"{n % 1000:03d}"
    n //= 1000
    while n:
        s = f"x{n % 1000:03d}/{s}"
        n //= 1000
    return s


def _tile_name(kind, n, width):
    p = f"tile/{kind}/{_tile_path(n)}"
    return p if width == BUNDLE else f"{p}.p/{width}"


class _Exporter:
    """Writes one export (Log.export) from the log's database connection."""

    def __init__(self, db, directory):
        self.db = db
        self.dir = directory
        self.dirs = set()

    def _write(self, rel, data, *, immutable):
        path = os.path.join(self.dir, *rel.split("/"))
        if immutable and os.path.isfile(path) and os.path.getsize(path) == len(data):
            with open(path, "rb") as f:
                if f.read() == data:
                    return
        d = os.path.dirname(path)
        os.makedirs(d, exist_ok=True)
        tmp = os.path.join(d, f".{os.path.basename(path)}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        self.dirs.add(d)

    def _remove(self, rel):
        path = os.path.join(self.dir, *rel.split("/"))
        if os.path.exists(path):
            os.remove(path)
            self.dirs.add(os.path.dirname(path))

    def run(self, size, checkpoint):
        db = self.db
        os.makedirs(self.dir, exist_ok=True)
        redacted = sorted(r for (r,) in db.execute("SELECT record FROM redactions WHERE record < ?", (size,)))
        rset = set(redacted)
        level = 0
        while True:
            cnt = size >> (8 * level)
            if cnt == 0:
                break
            for n in range((cnt + BUNDLE - 1) // BUNDLE):
                w = min(BUNDLE, cnt - n * BUNDLE)
                row = db.execute("SELECT data FROM tiles WHERE id = ?", (_tid(level, n),)).fetchone()
                if row is None or not isinstance(row[0], bytes) or len(row[0]) != _TILE_BYTES:
                    raise TamperedError(f"tile {level}/{n}: hashes missing from the database", (n * BUNDLE) << (8 * level))
                self._write(_tile_name(str(level), n, w), row[0][:w * HASH_SIZE], immutable=w == BUNDLE)
            level += 1
        for n in range((size + BUNDLE - 1) // BUNDLE):
            w = min(BUNDLE, size - n * BUNDLE)
            row = db.execute("SELECT data FROM bundles WHERE id = ?", (n,)).fetchone()
            if row is None:
                raise TamperedError(f"entry bundle {n} is missing from the database", n * BUNDLE)
            try:
                entries = _tlog.parse_bundle(row[0])[:w]
            except (ValueError, TypeError):
                raise TamperedError(f"entry bundle {n} is damaged in the database", n * BUNDLE) from None
            blob = b"".join(len(e).to_bytes(2, "big") + e for e in entries)
            std = _tile_name("entries", n, w)
            ext = "ccfast/" + std[len("tile/"):]
            if any(i in rset for i in range(n * BUNDLE, n * BUNDLE + w)):
                self._write(ext, blob, immutable=False)
                self._remove(std)
            else:
                self._write(std, blob, immutable=w == BUNDLE)
                self._remove(ext)
        self._write("ccfast/redacted", "".join(f"{r}\n" for r in redacted).encode(), immutable=False)
        self._write("checkpoint", checkpoint.encode(), immutable=False)
        if hasattr(os, "O_DIRECTORY"):
            for d in sorted(self.dirs | {self.dir}):
                fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        return size


# ---- verifying an exported log ---------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class TileAudit:
    """What verify_tiles checked: the verified checkpoint, how many records hash to their
    leaves, which ones are redacted, and (for index=...) the record itself (None if
    redacted)."""
    checkpoint: Checkpoint
    records_checked: int
    redacted: tuple
    record: "bytes | None" = None


class _Tiles:
    """Reads tiles of an exported log and serves complete-subtree hashes from them."""

    def __init__(self, directory, size, alg):
        self.dir = directory
        self.size = size
        self.alg = alg
        self.cache = {}

    def _read(self, rel):
        path = os.path.join(self.dir, *rel.split("/"))
        try:
            with open(path, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def tile(self, level, n):
        key = (level, n)
        t = self.cache.get(key)
        if t is None:
            cnt = self.size >> (8 * level)
            if n * BUNDLE >= cnt:
                raise ProofError(f"tile {level}/{n} is beyond the tree of size {self.size}")
            w = min(BUNDLE, cnt - n * BUNDLE)
            rel = _tile_name(str(level), n, w)
            t = self._read(rel)
            if t is None and w < BUNDLE:
                t = self._read(_tile_name(str(level), n, BUNDLE))     # a full tile serves a partial one
                t = t[:w * HASH_SIZE] if t is not None and len(t) == BUNDLE * HASH_SIZE else None
            if t is None:
                raise ProofError(f"{rel} is missing")
            if len(t) != w * HASH_SIZE:
                raise ProofError(f"{rel} is {len(t)} bytes, not {w * HASH_SIZE}")
            if len(self.cache) > 4096:
                self.cache.clear()
            self.cache[key] = t
        return t

    def node(self, level, index):
        """The hash of the perfect subtree (level, index), from the tile holding its
        level-8L descendants (hashed up inside the tile when level is not a multiple of 8)."""
        L, r = divmod(level, 8)
        first = index << r                      # first descendant at level 8L
        t = self.tile(L, first >> 8)
        off = (first & 255) * HASH_SIZE
        h = t[off:off + (HASH_SIZE << r)]
        for _ in range(r):
            h = _tlog.node_hashes(self.alg, h)
        return h

    def nodes(self, need):
        return {x: self.node(*x) for x in need}

    def root(self, size):
        need = _decompose(0, size)
        got = self.nodes(need)
        return _fold(self.alg, [got[x] for x in need])


def verify_tiles(directory, public_key, origin, *, hash="sm3", index=None, record=None, since=None):
    """Verify a log exported by Log.export (the C2SP tlog-tiles layout), without its database.

    The checkpoint must carry a valid signature by public_key for origin.  Without index:
    every tile is checked against the tiles above it, the root against the checkpoint, and
    every record against its leaf hash (redacted records listed in ccfast/redacted have no
    data).  With index: only that record's inclusion in the checkpoint's tree, from the
    record in its entry bundle or from `record` (bytes) if given.  since: an earlier signed
    checkpoint of the same log, which must be a prefix of this one (a fork fails).
    Returns a TileAudit; raises ProofError for anything that does not verify."""
    alg = _alg(hash)
    directory = os.fspath(directory)
    try:
        with open(os.path.join(directory, "checkpoint"), "rb") as f:
            note = f.read()
    except FileNotFoundError:
        raise ProofError(f"{directory} has no checkpoint file") from None
    cp = verify_checkpoint(note, public_key, origin)
    tiles = _Tiles(directory, cp.size, alg)
    redacted = ()
    rfile = tiles._read("ccfast/redacted")
    if rfile:
        try:
            redacted = tuple(int(x) for x in rfile.decode("ascii").split())
        except ValueError:
            raise ProofError("ccfast/redacted is not a list of record indices") from None
    rset = set(redacted)

    if since is not None:
        old = verify_checkpoint(since, public_key, origin)
        if old.size > cp.size:
            raise ProofError(f"the earlier checkpoint (size {old.size}) is larger than the exported one ({cp.size})")
        if old.size:
            ranges = _consistency_ranges(old.size, cp.size) if old.size < cp.size else []
            proof = _resolve(alg, ranges, tiles.nodes(_range_nodes(ranges)))
            verify_consistency(old.size, cp.size, proof, old.root, cp.root, hash)

    if cp.size == 0:
        if cp.root != _empty_root(hash):
            raise ProofError("the checkpoint of the empty tree has a root other than the empty hash")
        if index is not None:
            raise ProofError(f"index {index} is not in the empty tree")
        return TileAudit(cp, 0, ())

    def bundle(n):
        w = min(BUNDLE, cp.size - n * BUNDLE)
        std = _tile_name("entries", n, w)
        data = tiles._read(std)
        if data is None and w < BUNDLE:
            full = tiles._read(_tile_name("entries", n, BUNDLE))
            if full is not None:
                data = b"".join(len(e).to_bytes(2, "big") + e for e in _tlog.parse_bundle(full)[:w])
        if data is None:
            data = tiles._read("ccfast/" + std[len("tile/"):])
        if data is None:
            raise ProofError(f"entry bundle {std} is missing")
        try:
            entries = _tlog.parse_bundle(data)
        except ValueError as exc:
            raise ProofError(f"entry bundle {std} is malformed ({exc})") from None
        if len(entries) != w:
            raise ProofError(f"entry bundle {std} holds {len(entries)} entries, not {w}")
        return entries

    if index is not None:
        index = _int(index, "index")
        if index >= cp.size:
            raise ProofError(f"index {index} is not in the tree of size {cp.size}")
        leaf = tiles.node(0, index)
        if record is not None:
            data = bytes(record)
        else:
            data = bundle(index >> 8)[index & 255]
            if not data and index in rset:
                data = None
        ranges = _inclusion_ranges(index, cp.size)
        proof = _resolve(alg, ranges, tiles.nodes(_range_nodes(ranges)))
        if data is not None:
            verify_inclusion(data, index, cp.size, proof, cp.root, hash)
        else:
            verify_inclusion_hash(leaf, index, cp.size, proof, cp.root, hash)
        return TileAudit(cp, 1 if data is not None else 0, tuple(r for r in redacted if r == index), data)

    # the whole log: each full tile hashes to its entry in the level above, the root from the tiles
    level = 1
    while cp.size >> (8 * level):
        cnt = cp.size >> (8 * level)
        for n in range((cnt + BUNDLE - 1) // BUNDLE):
            upper = tiles.tile(level, n)
            for j in range(len(upper) // HASH_SIZE):
                h = tiles.tile(level - 1, n * BUNDLE + j)
                for _ in range(8):
                    h = _tlog.node_hashes(alg, h)
                if h != upper[j * HASH_SIZE:(j + 1) * HASH_SIZE]:
                    raise ProofError(f"tile {level - 1}/{n * BUNDLE + j} does not hash to entry {j} of tile {level}/{n}")
        level += 1
    if tiles.root(cp.size) != cp.root:
        raise ProofError("the tiles do not hash to the checkpoint's root")
    checked = 0
    for n in range((cp.size + BUNDLE - 1) // BUNDLE):
        entries = bundle(n)
        leaves = tiles.tile(0, n)
        got = _tlog.leaf_hashes(alg, entries)
        for j, e in enumerate(entries):
            i = n * BUNDLE + j
            if got[j * HASH_SIZE:(j + 1) * HASH_SIZE] == leaves[j * HASH_SIZE:(j + 1) * HASH_SIZE]:
                checked += 1
            elif not (i in rset and not e):
                raise ProofError(f"record {i} does not hash to its leaf in tile 0/{n}")
        tiles.cache.clear()
    return TileAudit(cp, checked, tuple(r for r in redacted if r < cp.size))
