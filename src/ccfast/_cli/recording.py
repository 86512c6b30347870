"""python -m ccfast seal | unseal | rewrap | inspect: sealed recordings from the command line.

Key files are recognised by their content:
  - a KEK file (text, UTF-8):  first line "ccfast-kek v1", then "kid: <id>", "key: <hex>" and
    optionally "algorithm: aes-256|sm4" (otherwise 64 hex digits is AES-256, 32 is SM4);
    blank lines and lines starting with "#" are ignored;
  - an SM2 key in PEM: "PUBLIC KEY" (recipient only), "PRIVATE KEY" / "EC PRIVATE KEY" /
    "SM2 PRIVATE KEY" (a private key also serves as a recipient: its public key is used).
Outputs are written atomically with mode 0600, never over the input, and not over an existing
file unless --force is given.  Errors are one line on stderr; the exit status is 1 (2 for usage).
"""
import datetime
import json
import os
import stat
import sys

KEK_MAGIC = "ccfast-kek v1"


class CLIError(Exception):
    pass


def add_parsers(sub):
    p = sub.add_parser("seal", help="encrypt a recording to one or more recipients")
    p.add_argument("input", help="plaintext file ('-' for standard input when the output is a file)")
    p.add_argument("-o", "--output", required=True, help="sealed recording to write ('-' for standard output)")
    p.add_argument("-r", "--to", dest="recipients", action="append", required=True, metavar="KEYFILE",
                   help="recipient: KEK file or SM2 PEM key (repeat for several)")
    p.add_argument("--suite", default="SM4_GCM_SM3",
                   help="SM4_GCM_SM3 (default), AES_256_GCM_SHA512, AES_128_GCM_SHA256 or AES_128_GCM_SHA512")
    p.add_argument("--call-id")
    p.add_argument("--start-time", help="ISO 8601 with a UTC offset, e.g. 2026-11-22T09:30:00+08:00")
    p.add_argument("--codec")
    p.add_argument("--sample-rate", type=int)
    p.add_argument("--retention-until", help="YYYY-MM-DD")
    p.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE", help="extra metadata (repeatable)")
    p.add_argument("-f", "--force", action="store_true", help="replace an existing output file")

    p = sub.add_parser("unseal", help="decrypt a sealed recording")
    p.add_argument("input", help="sealed recording ('-' for standard input)")
    p.add_argument("-o", "--output", required=True, help="plaintext file to write ('-' for standard output)")
    p.add_argument("-k", "--key", required=True, metavar="KEYFILE", help="KEK file or SM2 private key (PEM)")
    p.add_argument("-f", "--force", action="store_true", help="replace an existing output file")

    p = sub.add_parser("rewrap", help="add or remove recipients, rewriting the header only")
    p.add_argument("input", help="sealed recording")
    dest = p.add_mutually_exclusive_group(required=True)
    dest.add_argument("-o", "--output", help="write the rewrapped recording here")
    dest.add_argument("--in-place", action="store_true", help="replace the input atomically")
    p.add_argument("-k", "--key", required=True, metavar="KEYFILE", help="KEK file or SM2 private key that opens it")
    p.add_argument("--add", action="append", default=[], metavar="KEYFILE", help="recipient to add (repeatable)")
    p.add_argument("--remove", action="append", default=[], metavar="ID|KEYFILE",
                   help="recipient to remove: a key id (as inspect lists it) or a key file (repeatable)")
    p.add_argument("-f", "--force", action="store_true", help="replace an existing output file")

    p = sub.add_parser("inspect", help="show a sealed recording's header (no key needed, not authenticated)")
    p.add_argument("input", help="sealed recording ('-' for standard input)")
    p.add_argument("--json", action="store_true", help="print JSON")


def read_kek_file(path, text):
    from ccfast.recording import KEK
    lines = text.splitlines()
    if not lines or lines[0].strip() != KEK_MAGIC:
        raise CLIError(f"{path}: not a KEK file (first line must be '{KEK_MAGIC}')")
    fields = {}
    for n, line in enumerate(lines[1:], 2):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition(":")
        name = name.strip().lower()
        if not sep or name not in ("kid", "key", "algorithm") or name in fields:
            raise CLIError(f"{path}:{n}: expected 'kid: ...', 'key: ...' or 'algorithm: ...' once each")
        fields[name] = value.strip()
    if "kid" not in fields or "key" not in fields:
        raise CLIError(f"{path}: a KEK file needs 'kid:' and 'key:' lines")
    try:
        key = bytearray(bytes.fromhex(fields["key"]))
    except ValueError:
        raise CLIError(f"{path}: key is not hexadecimal") from None
    try:
        return KEK(key, fields["kid"], algorithm=fields.get("algorithm"))
    except (TypeError, ValueError) as e:
        raise CLIError(f"{path}: {e}") from None
    finally:
        key[:] = bytes(len(key))


def load_key(path, want):
    """A KEK, an SM2 public key (want == 'recipient') or an SM2 private key (want == 'identity')."""
    from ccfast import sm2
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            raw = f.read(1 << 20)
    except OSError as e:
        raise CLIError(f"cannot read key file {path}: {e.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CLIError(f"{path}: not a KEK file or a PEM key") from None
    if text.lstrip().startswith("ccfast-kek"):
        if os.name == "posix" and st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            print(f"warning: KEK file {path} is readable by other users (chmod 600 it)", file=sys.stderr)
        return read_kek_file(path, text)
    if "-----BEGIN PUBLIC KEY-----" in text:
        if want == "identity":
            raise CLIError(f"{path}: opening needs the SM2 private key, not the public key")
        try:
            return sm2.load_pem_public_key(text)
        except (ValueError, TypeError) as e:
            raise CLIError(f"{path}: {e}") from None
    if "PRIVATE KEY-----" in text:
        try:
            key = sm2.load_pem_private_key(text)
        except (ValueError, TypeError) as e:
            raise CLIError(f"{path}: {e}") from None
        return key if want == "identity" else key.public_key()
    raise CLIError(f"{path}: not a KEK file or a PEM key")


def _is_stdio(name):
    return name == "-"


def _check_output(args, inputs=()):
    out = args.output
    if out is None or _is_stdio(out):
        return
    for i in inputs:
        if i and not _is_stdio(i) and os.path.exists(out) and os.path.samefile(i, out):
            raise CLIError(f"output {out} is the input: never overwritten")
    if os.path.exists(out) and not args.force:
        raise CLIError(f"output {out} exists (use --force to replace it)")
    if os.path.isdir(out):
        raise CLIError(f"output {out} is a directory")


def _metadata(args):
    meta = {}
    if args.call_id is not None:
        meta["call_id"] = args.call_id
    if args.codec is not None:
        meta["codec"] = args.codec
    if args.sample_rate is not None:
        meta["sample_rate"] = args.sample_rate
    if args.start_time is not None:
        try:
            t = datetime.datetime.fromisoformat(args.start_time.replace("Z", "+00:00"))
        except ValueError:
            raise CLIError(f"--start-time {args.start_time!r} is not ISO 8601") from None
        if t.tzinfo is None:
            raise CLIError("--start-time needs a UTC offset (e.g. +08:00 or Z)")
        meta["start_time"] = t
    if args.retention_until is not None:
        try:
            meta["retention_until"] = datetime.date.fromisoformat(args.retention_until)
        except ValueError:
            raise CLIError(f"--retention-until {args.retention_until!r} is not YYYY-MM-DD") from None
    extra = {}
    for item in args.meta:
        k, sep, v = item.partition("=")
        if not sep or not k:
            raise CLIError(f"--meta {item!r} is not KEY=VALUE")
        extra[k] = v
    if extra:
        meta["extra"] = extra
    return meta


def _describe(info):
    m = info.metadata
    lines = [f"sealed recording v{info.version}, suite {info.suite.name}",
             f"size: {info.size} bytes (header {info.header_size}, payload {info.payload_size})"]
    for r in info.recipients:
        lines.append(f"recipient: {r.kind} {r.id}")
    for name in ("call_id", "start_time", "codec", "sample_rate", "retention_until"):
        v = getattr(m, name)
        if v is not None:
            lines.append(f"{name}: {v.isoformat() if hasattr(v, 'isoformat') else v}")
    for k, v in sorted(m.extra.items()):
        lines.append(f"extra {k}: {v}")
    if not info.authenticated:
        lines.append("(header not authenticated: open with a key to verify)")
    return "\n".join(lines)


def _json(info):
    m = info.metadata
    return json.dumps({
        "version": info.version, "suite": info.suite.name, "size": info.size,
        "header_size": info.header_size, "payload_size": info.payload_size,
        "recipients": [{"kind": r.kind, "id": r.id} for r in info.recipients],
        "metadata": {"call_id": m.call_id, "start_time": m.start_time.isoformat() if m.start_time else None,
                     "codec": m.codec, "sample_rate": m.sample_rate,
                     "retention_until": m.retention_until.isoformat() if m.retention_until else None,
                     "extra": dict(m.extra)},
        "authenticated": info.authenticated}, indent=2)


def _run(args):
    from ccfast import recording
    if args.command == "seal":
        _check_output(args, [args.input])
        recipients = [load_key(p, "recipient") for p in args.recipients]
        src = sys.stdin.buffer if _is_stdio(args.input) else args.input
        dst = sys.stdout.buffer if _is_stdio(args.output) else args.output
        if _is_stdio(args.input) and _is_stdio(args.output):
            raise CLIError("sealing standard input needs a file output (the header carries the length)")
        info = recording.seal(src, dst, recipients, suite=args.suite, metadata=_metadata(args))
        if not _is_stdio(args.output):
            print(f"sealed {info.size} bytes to {args.output} for {len(info.recipients)} recipient(s)", file=sys.stderr)
        return 0
    if args.command == "unseal":
        _check_output(args, [args.input])
        identity = load_key(args.key, "identity")
        src = sys.stdin.buffer if _is_stdio(args.input) else args.input
        dst = sys.stdout.buffer if _is_stdio(args.output) else args.output
        recording.unseal(src, dst, identity)
        return 0
    if args.command == "rewrap":
        if not args.in_place:
            _check_output(args, [args.input])
            if _is_stdio(args.output):
                raise CLIError("rewrap writes a file (give a path, or --in-place)")
        if _is_stdio(args.input):
            raise CLIError("rewrap needs a file input")
        identity = load_key(args.key, "identity")
        add = [load_key(p, "recipient") for p in args.add]
        remove = [load_key(r, "recipient") if os.path.isfile(r) else r for r in args.remove]
        if not add and not remove:
            raise CLIError("nothing to do: give --add and/or --remove")
        info = recording.rewrap(args.input, identity, add=add, remove=remove,
                                dst=None if args.in_place else args.output)
        print(f"rewrapped: {', '.join(f'{r.kind}:{r.id}' for r in info.recipients)}", file=sys.stderr)
        return 0
    src = sys.stdin.buffer if _is_stdio(args.input) else args.input
    info = recording.inspect(src)
    print(_json(info) if args.json else _describe(info))
    return 0


def run(args):
    from ccfast.exceptions import CCFastError
    try:
        return _run(args)
    except CLIError as e:
        msg = str(e)
    except CCFastError as e:
        msg = f"{type(e).__name__}: {e}"
    except (ValueError, TypeError) as e:
        msg = str(e)
    except FileNotFoundError as e:
        msg = f"{e.filename}: no such file"
    except OSError as e:
        msg = f"{e.filename or ''}{': ' if e.filename else ''}{e.strerror or e}"
    except KeyboardInterrupt:
        msg = "interrupted"
    print(f"ccfast {args.command}: error: {msg}".replace("\n", " "), file=sys.stderr)
    return 1
