"""python -m ccfast log {append,checkpoint,prove,verify,export}: the tamper-evident log
(ccfast.tlog) from the command line.

Exit status: 0 when the operation (or the verification) succeeded, 1 when a verification
failed (the message begins with FAILED), 2 for bad arguments."""
import base64
import json
import sys

DESCRIPTION = "the tamper-evident log (ccfast.tlog): append, checkpoint, prove, verify, export"


def add_parser(sub):
    p = sub.add_parser("log", help=DESCRIPTION, description=__doc__)
    cmd = p.add_subparsers(dest="log_command", required=True)

    def db_args(q, key_help=None):
        q.add_argument("--db", required=True, help="the log's SQLite file")
        q.add_argument("--origin", required=True, help="the log's origin (its checkpoints' first line)")
        q.add_argument("--hash", default="sm3", choices=("sm3", "sha256"), help="Merkle tree hash (default sm3)")
        if key_help:
            q.add_argument("--key", help=key_help)

    a = cmd.add_parser("append", help="append records: text, files' contents, file records, stdin lines")
    db_args(a)
    a.add_argument("--data", action="append", default=[], metavar="TEXT", help="a record (UTF-8 text); repeatable")
    a.add_argument("--record-file", action="append", default=[], metavar="PATH",
                   help="a record holding this file's bytes (at most 65,535); repeatable")
    a.add_argument("--file", action="append", default=[], metavar="PATH",
                   help="a file record: the file's SM3 digest, size, name (and a sealed recording's header); repeatable")
    a.add_argument("--metadata", metavar="JSON", help="a JSON object added to each --file record")
    a.add_argument("--stdin", action="store_true", help="one record per line of standard input (without the newline)")

    c = cmd.add_parser("checkpoint", help="sign and print a checkpoint of the log")
    db_args(c, "the signing key: SM2 private key, PEM (PKCS#8 or SEC1)")
    c.add_argument("--out", metavar="FILE", help="also write the checkpoint to FILE")

    r = cmd.add_parser("prove", help="print an inclusion proof (--index) or a consistency proof (--old-size) as JSON")
    db_args(r)
    r.add_argument("--index", type=int, help="the record to prove")
    r.add_argument("--old-size", type=int, help="prove that the tree of this size is a prefix")
    r.add_argument("--size", type=int, help="the tree size to prove against (default: the whole log)")

    v = cmd.add_parser("verify", help="verify a log database, an exported log (tiles) or a proof")
    v.add_argument("--db", help="recompute every hash of this log database")
    v.add_argument("--tiles", metavar="DIR", help="verify a log exported by `log export` (tlog-tiles layout)")
    v.add_argument("--proof", metavar="FILE", help="verify an inclusion proof printed by `log prove`")
    v.add_argument("--checkpoint", metavar="FILE", help="with --proof: the signed checkpoint to check it against")
    v.add_argument("--origin", required=True, help="the log's origin")
    v.add_argument("--key", help="the log's SM2 public key, PEM (required with --tiles and --proof)")
    v.add_argument("--hash", default="sm3", choices=("sm3", "sha256"), help="Merkle tree hash (default sm3)")
    v.add_argument("--index", type=int, help="with --tiles: check only this record's inclusion")
    v.add_argument("--record", metavar="FILE", help="the record's bytes to check (instead of the stored ones)")
    v.add_argument("--since", metavar="FILE", help="with --tiles: an earlier checkpoint the log must extend")

    e = cmd.add_parser("export", help="write the log as static files in the C2SP tlog-tiles layout")
    db_args(e, "SM2 private key (PEM) to sign a fresh checkpoint (default: the latest stored one)")
    e.add_argument("--out", required=True, metavar="DIR", help="the directory to write")
    e.add_argument("--checkpoint", metavar="FILE", help="export the tree of this signed checkpoint")


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _private_key(path):
    from .. import sm2
    return sm2.load_pem_private_key(_read(path))


def _public_key(path):
    from .. import sm2
    data = _read(path)
    if b"PRIVATE KEY" in data:
        return sm2.load_pem_private_key(data).public_key()
    return sm2.load_pem_public_key(data)


def _b64(b):
    return base64.b64encode(b).decode()


def _open(args, key=None):
    from .. import tlog
    return tlog.Log(args.db, origin=args.origin, hash=args.hash, signer=key)


def _append(args):
    recs = [d.encode() for d in args.data]
    recs += [_read(p) for p in args.record_file]
    meta = json.loads(args.metadata) if args.metadata else None
    from .. import tlog
    recs += [tlog.file_record(p, metadata=meta) for p in args.file]
    if args.stdin:
        recs += [line.rstrip(b"\r\n") for line in sys.stdin.buffer]
    if not recs:
        print("nothing to append: give --data, --record-file, --file or --stdin", file=sys.stderr)
        return 2
    with _open(args) as log:
        r = log.append_many(recs)
    for i in r:
        print(i)
    return 0


def _checkpoint(args):
    if not args.key:
        print("checkpoint needs --key (the SM2 private key, PEM)", file=sys.stderr)
        return 2
    with _open(args, _private_key(args.key)) as log:
        note = log.checkpoint()
    sys.stdout.write(note)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="\n") as f:
            f.write(note)
    return 0


def _prove(args):
    from .. import tlog
    with _open(args) as log:
        size = log.size if args.size is None else args.size
        if (args.index is None) == (args.old_size is None):
            print("prove needs exactly one of --index and --old-size", file=sys.stderr)
            return 2
        if args.index is not None:
            out = {"origin": args.origin, "hash": args.hash, "index": args.index, "size": size,
                   "leaf_hash": _b64(log.leaf_hash(args.index)),
                   "proof": [_b64(h) for h in log.inclusion_proof(args.index, size)],
                   "root": _b64(log.root(size))}
            try:
                out["record"] = _b64(log.record(args.index))
            except tlog.RedactedError:
                out["redacted"] = True
        else:
            out = {"origin": args.origin, "hash": args.hash, "old_size": args.old_size, "new_size": size,
                   "proof": [_b64(h) for h in log.consistency_proof(args.old_size, size)],
                   "old_root": _b64(log.root(args.old_size)), "new_root": _b64(log.root(size))}
    print(json.dumps(out, indent=1))
    return 0


def _verify(args):
    from .. import tlog
    modes = [m for m in (args.db, args.tiles, args.proof) if m]
    if len(modes) != 1:
        print("verify needs exactly one of --db, --tiles and --proof", file=sys.stderr)
        return 2
    if args.db:
        key = _public_key(args.key) if args.key else None
        with tlog.Log(args.db, origin=args.origin, hash=args.hash) as log:
            log.verify()
            size = log.size
            if key is not None:
                note = log._latest_checkpoint()
                if note is not None:
                    tlog.verify_checkpoint(note, key, args.origin)
            red = len(log.redactions())
        print(f"OK: {args.db}: {size} records, every hash recomputed, {red} redacted")
        return 0
    if not args.key:
        print("--tiles and --proof need --key (the log's SM2 public key)", file=sys.stderr)
        return 2
    key = _public_key(args.key)
    record = _read(args.record) if args.record else None
    if args.tiles:
        since = _read(args.since) if args.since else None
        audit = tlog.verify_tiles(args.tiles, key, args.origin, hash=args.hash, index=args.index,
                                  record=record, since=since)
        cp = audit.checkpoint
        if args.index is None:
            print(f"OK: {args.tiles}: checkpoint of {cp.size} records signed by {args.origin}; "
                  f"{audit.records_checked} records hash to their leaves, {len(audit.redacted)} redacted"
                  + ("; consistent with the earlier checkpoint" if since else ""))
        else:
            what = "redacted (leaf hash proven)" if audit.redacted else f"{len(audit.record)} bytes"
            print(f"OK: record {args.index} is in the tree of {cp.size} records signed by {args.origin}: {what}")
        return 0
    if not args.checkpoint:
        print("--proof needs --checkpoint (the signed checkpoint to check against)", file=sys.stderr)
        return 2
    cp = tlog.verify_checkpoint(_read(args.checkpoint), key, args.origin)
    try:
        p = json.loads(_read(args.proof))
        index, size = p["index"], p["size"]
        proof = [base64.b64decode(h, validate=True) for h in p["proof"]]
        if record is None and "record" in p:
            record = base64.b64decode(p["record"], validate=True)
        leaf = base64.b64decode(p["leaf_hash"], validate=True)
    except (ValueError, KeyError, TypeError) as exc:
        raise tlog.ProofError(f"{args.proof} is not a proof printed by `log prove` ({exc})") from None
    if size != cp.size:
        raise tlog.ProofError(f"the proof is for a tree of {size} records, the checkpoint for {cp.size}")
    if record is not None:
        tlog.verify_inclusion(record, index, size, proof, cp.root, hash=args.hash)
        what = f"the record ({len(record)} bytes)"
    else:
        tlog.verify_inclusion_hash(leaf, index, size, proof, cp.root, hash=args.hash)
        what = "its leaf hash (the record is redacted)"
    print(f"OK: {what} is record {index} of the tree of {size} records signed by {args.origin}")
    return 0


def _export(args):
    key = _private_key(args.key) if args.key else None
    note = _read(args.checkpoint).decode() if args.checkpoint else None
    with _open(args, key) as log:
        size = log.export(args.out, checkpoint=note)
    print(f"exported {size} records to {args.out}")
    return 0


def run(args):
    from .. import tlog
    fn = {"append": _append, "checkpoint": _checkpoint, "prove": _prove, "verify": _verify,
          "export": _export}[args.log_command]
    try:
        return fn(args)
    except (tlog.ProofError, tlog.TamperedError) as exc:
        print(f"FAILED: {exc}")
        return 1
    except (ValueError, TypeError, OSError, tlog.TlogError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
