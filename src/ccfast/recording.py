"""Sealed call recordings: a documented container around c2sp.org/chunked-encryption.

A sealed recording is a header (magic, version, suite, metadata, one stanza per recipient
wrapping a fresh 32-byte file key, the plaintext length and a MAC keyed from the file key)
followed by a chunked-encryption payload whose `context` is the header's fixed part.  The
format is specified in the project's docs/recording.md.

    kek = recording.KEK(key32, "archive-2026")              # AES-256 (32 bytes) or SM4 (16 bytes)
    recording.seal("call.wav", "call.rec", [kek, escrow_sm2_public_key],
                   metadata={"call_id": "c-1", "codec": "L16", "sample_rate": 8000})
    with recording.open("call.rec", kek) as f:              # seekable; wave.open(f) works
        ...
    recording.rewrap("call.rec", kek, add=[new_kek], remove=[kek])   # header only
    recording.inspect("call.rec")                          # no key needed

Destroying a recipient's key (a KEK, an SM2 private key) makes the file unopenable for it;
once every recipient's key is destroyed the recording is gone (crypto-shredding).
"""
import datetime as _dt
import hashlib as _hashlib
import hmac as _hmac
import io as _io
import os as _os
import struct as _struct
import tempfile as _tempfile
from dataclasses import dataclass as _dataclass, field as _field
from types import MappingProxyType as _MappingProxyType
from typing import NamedTuple as _NamedTuple

from ccfast import _chunked as _chunked_native
from ccfast import chunked as _chunked
from ccfast import sm2 as _sm2
from ccfast import sm3 as _sm3
from ccfast._keywrap import KEK
from ccfast.exceptions import (
    CCFastError, HeaderTamperedError, IncompleteRecordingError, InvalidTag, NoRecipientError,
    NotSeekableError, PayloadTamperedError, RecordingError, RecordingFormatError,
    RecordingTruncatedError, TrailingDataError, TruncatedError, WrongKeyError,
)

__all__ = [
    "KEK", "Metadata", "RecipientInfo", "RecordingInfo", "RecordingReader",
    "seal", "unseal", "open", "rewrap", "inspect", "recipient_info",
    "RecordingError", "NoRecipientError", "WrongKeyError", "RecordingFormatError",
    "HeaderTamperedError", "IncompleteRecordingError", "RecordingTruncatedError",
    "TrailingDataError", "PayloadTamperedError", "NotSeekableError",
    "InvalidTag", "TruncatedError",
]

MAGIC = b"\x89CCFREC\n"
VERSION = 1
FILE_KEY_SIZE = 32
MAC_SIZE = 32
SEALING = 0xFFFFFFFFFFFFFFFF          # plaintext length while sealing has not finished

# suite byte -> (chunked suite name, HMAC/HKDF hash, payload input key length)
_SUITES = {
    1: ("AES_128_GCM_SHA256", "sha256", 16),
    2: ("AES_256_GCM_SHA512", "sha512", 32),
    3: ("SM4_GCM_SM3", "sm3", 16),
    4: ("AES_128_GCM_SHA512", "sha512", 16),
}
_SUITE_IDS = {name: i for i, (name, _, _) in _SUITES.items()}

# stanza types
T_KEK_AES256 = 0x01
T_KEK_SM4 = 0x02
T_SM2 = 0x03
_KEK_TYPES = {"aes-256": T_KEK_AES256, "sm4": T_KEK_SM4}
_KIND = {T_KEK_AES256: "aes-256", T_KEK_SM4: "sm4", T_SM2: "sm2"}
WRAPPED_SIZE = 40                     # RFC 5649 wrap of 32 bytes
SM2_CT_SIZE = 65 + 32 + 32            # C1 (04||X||Y) || C3 || C2, GB/T 32918.4 C1C3C2
SM2_ID_SIZE = 32                      # SM3(04 || X || Y)
MAX_STANZAS = 255

# metadata tags
M_CALL_ID, M_START, M_CODEC, M_RATE, M_RETENTION, M_EXTRA = 1, 2, 3, 4, 5, 6
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)

_INFO_PAYLOAD = b"ccfast.recording/v1 payload key"
_INFO_MAC = b"ccfast.recording/v1 header mac key"

_COPY = 1 << 20


def _checkpoint(step):
    """Called between the steps of seal and rewrap (a test hook for crash tests; does nothing)."""


# ---- metadata ----------------------------------------------------------------------------------

@_dataclass(frozen=True)
class Metadata:
    """What the header says about the call; every field optional.

    call_id: str (1..1024 UTF-8 bytes); start_time: timezone-aware datetime (stored to the
    microsecond, returned in UTC); codec: str (1..64 UTF-8 bytes, e.g. "PCMU", "L16", "opus");
    sample_rate: int Hz (1..2**32-1); retention_until: datetime.date (keep until the end of
    that day); extra: str -> str mapping (keys 1..255 bytes, values up to 65535 bytes).
    """
    call_id: "str | None" = None
    start_time: "_dt.datetime | None" = None
    codec: "str | None" = None
    sample_rate: "int | None" = None
    retention_until: "_dt.date | None" = None
    extra: "dict[str, str]" = _field(default_factory=dict)

    def __post_init__(self):
        _str_field("call_id", self.call_id, 1024)
        _str_field("codec", self.codec, 64)
        if self.start_time is not None:
            if not isinstance(self.start_time, _dt.datetime):
                raise TypeError("start_time must be a datetime")
            if self.start_time.tzinfo is None or self.start_time.utcoffset() is None:
                raise ValueError("start_time must be timezone-aware (a naive datetime is ambiguous)")
            object.__setattr__(self, "start_time", self.start_time.astimezone(_dt.timezone.utc))
        if self.sample_rate is not None:
            if isinstance(self.sample_rate, bool) or not isinstance(self.sample_rate, int):
                raise TypeError("sample_rate must be an int")
            if not 1 <= self.sample_rate <= 0xFFFFFFFF:
                raise ValueError(f"sample_rate must be 1 to 2**32-1 Hz, not {self.sample_rate}")
        if self.retention_until is not None:
            if isinstance(self.retention_until, _dt.datetime) or not isinstance(self.retention_until, _dt.date):
                raise TypeError("retention_until must be a datetime.date")
        if not isinstance(self.extra, (dict, _MappingProxyType)):
            raise TypeError("extra must be a dict of str to str")
        for k, v in self.extra.items():
            _str_field("extra key", k, 255)
            if not isinstance(v, str):
                raise TypeError("extra values must be str")
            if len(v.encode("utf-8")) > 0xFFFF:
                raise ValueError("extra values must be at most 65535 bytes of UTF-8")
        object.__setattr__(self, "extra", _MappingProxyType(dict(self.extra)))

    def __hash__(self):
        return hash((self.call_id, self.start_time, self.codec, self.sample_rate, self.retention_until,
                     tuple(sorted(self.extra.items()))))

    def __reduce__(self):
        return (Metadata, (self.call_id, self.start_time, self.codec, self.sample_rate, self.retention_until,
                           dict(self.extra)))


def _str_field(name, value, limit):
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    n = len(value.encode("utf-8"))
    if not 1 <= n <= limit:
        raise ValueError(f"{name} must be 1 to {limit} bytes of UTF-8, got {n}")


def _tlv(tag, value):
    return _struct.pack(">BH", tag, len(value)) + value


def _encode_metadata(m):
    out = []
    if m.call_id is not None:
        out.append(_tlv(M_CALL_ID, m.call_id.encode("utf-8")))
    if m.start_time is not None:
        delta = m.start_time - _EPOCH
        us = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
        out.append(_tlv(M_START, _struct.pack(">q", us)))
    if m.codec is not None:
        out.append(_tlv(M_CODEC, m.codec.encode("utf-8")))
    if m.sample_rate is not None:
        out.append(_tlv(M_RATE, _struct.pack(">I", m.sample_rate)))
    if m.retention_until is not None:
        out.append(_tlv(M_RETENTION, m.retention_until.isoformat().encode("ascii")))
    if m.extra:
        items = sorted((k.encode("utf-8"), v.encode("utf-8")) for k, v in m.extra.items())
        body = b"".join(_struct.pack(">B", len(k)) + k + _struct.pack(">H", len(v)) + v for k, v in items)
        if len(body) > 0xFFFF:
            raise ValueError("metadata extra entries exceed 65535 bytes")
        out.append(_tlv(M_EXTRA, body))
    raw = b"".join(out)
    if len(raw) > 0xFFFF:
        raise ValueError(f"metadata must encode to at most 65535 bytes, got {len(raw)}")
    return raw


def _utf8(b, what):
    try:
        s = b.decode("utf-8")
    except UnicodeDecodeError:
        raise RecordingFormatError(f"metadata {what} is not valid UTF-8") from None
    return s


def _decode_metadata(raw):
    fields = {}
    pos, last = 0, 0
    while pos < len(raw):
        if len(raw) - pos < 3:
            raise RecordingFormatError("metadata ends inside a field header")
        tag, n = _struct.unpack_from(">BH", raw, pos)
        pos += 3
        value = raw[pos:pos + n]
        if len(value) != n:
            raise RecordingFormatError("metadata field runs past the metadata block")
        pos += n
        if tag <= last:
            raise RecordingFormatError("metadata fields out of order or repeated")
        last = tag
        try:
            if tag == M_CALL_ID:
                fields["call_id"] = _utf8(value, "call_id")
            elif tag == M_START:
                if n != 8:
                    raise RecordingFormatError("metadata start_time must be 8 bytes")
                us = _struct.unpack(">q", value)[0]
                try:
                    fields["start_time"] = _EPOCH + _dt.timedelta(microseconds=us)
                except OverflowError:
                    raise RecordingFormatError("metadata start_time out of range") from None
            elif tag == M_CODEC:
                fields["codec"] = _utf8(value, "codec")
            elif tag == M_RATE:
                if n != 4:
                    raise RecordingFormatError("metadata sample_rate must be 4 bytes")
                fields["sample_rate"] = _struct.unpack(">I", value)[0]
            elif tag == M_RETENTION:
                try:
                    if n != 10:
                        raise ValueError
                    fields["retention_until"] = _dt.date.fromisoformat(value.decode("ascii"))
                except (ValueError, UnicodeDecodeError):
                    raise RecordingFormatError("metadata retention_until must be YYYY-MM-DD") from None
            elif tag == M_EXTRA:
                fields["extra"] = _decode_extra(value)
            else:
                raise RecordingFormatError(f"unknown metadata field {tag:#04x}")
        except (TypeError, ValueError) as e:
            if isinstance(e, RecordingFormatError):
                raise
            raise RecordingFormatError(f"invalid metadata: {e}") from None
    try:
        return Metadata(**fields)
    except (TypeError, ValueError) as e:
        raise RecordingFormatError(f"invalid metadata: {e}") from None


def _decode_extra(value):
    out, pos, last = {}, 0, None
    while pos < len(value):
        kl = value[pos]
        key = value[pos + 1:pos + 1 + kl]
        pos += 1 + kl
        if len(key) != kl or len(value) - pos < 2:
            raise RecordingFormatError("metadata extra entry cut short")
        vl = _struct.unpack_from(">H", value, pos)[0]
        val = value[pos + 2:pos + 2 + vl]
        pos += 2 + vl
        if len(val) != vl:
            raise RecordingFormatError("metadata extra entry cut short")
        if last is not None and key <= last:
            raise RecordingFormatError("metadata extra keys out of order or repeated")
        last = key
        out[_utf8(key, "extra key")] = _utf8(val, "extra value")
    return out


# ---- recipients --------------------------------------------------------------------------------

class RecipientInfo(_NamedTuple):
    """One stanza: kind "aes-256" / "sm4" (KEK, id = its kid), "sm2" (id = hex SM3 of the
    uncompressed public key), or "unknown:0xNN" for a type this version does not know."""
    kind: str
    id: str


def _sm2_key_id(pub):
    return _sm3.digest(pub.public_bytes("raw"))


def recipient_info(recipient):
    """The RecipientInfo a KEK, SM2 public or private key is listed under in a header."""
    if isinstance(recipient, KEK):
        return RecipientInfo(recipient.algorithm, recipient.kid)
    if isinstance(recipient, _sm2.SM2PrivateKey):
        recipient = recipient.public_key()
    if isinstance(recipient, _sm2.SM2PublicKey):
        return RecipientInfo("sm2", _sm2_key_id(recipient).hex())
    raise TypeError(f"a recipient is a recording.KEK or an sm2.SM2PublicKey, not {type(recipient).__name__}")


class _Stanza:
    __slots__ = ("type", "body")

    def __init__(self, type_, body):
        self.type = type_
        self.body = bytes(body)

    def encode(self):
        return _struct.pack(">BH", self.type, len(self.body)) + self.body

    def info(self):
        if self.type in (T_KEK_AES256, T_KEK_SM4):
            return RecipientInfo(_KIND[self.type], self.body[1:1 + self.body[0]].decode("utf-8"))
        if self.type == T_SM2:
            return RecipientInfo("sm2", self.body[:SM2_ID_SIZE].hex())
        return RecipientInfo(f"unknown:{self.type:#04x}", self.body[:16].hex())


def _make_stanza(recipient, file_key):
    if isinstance(recipient, KEK):
        kid = recipient.kid.encode("utf-8")
        return _Stanza(_KEK_TYPES[recipient.algorithm], bytes([len(kid)]) + kid + recipient.wrap(file_key))
    if isinstance(recipient, _sm2.SM2PublicKey):
        return _Stanza(T_SM2, _sm2_key_id(recipient) + recipient.encrypt(file_key, "C1C3C2", "raw"))
    if isinstance(recipient, _sm2.SM2PrivateKey):
        raise TypeError("seal to the SM2 public key (private_key.public_key()), not the private key")
    raise TypeError(f"a recipient is a recording.KEK or an sm2.SM2PublicKey, not {type(recipient).__name__}")


def _check_stanza(type_, body):
    if type_ in (T_KEK_AES256, T_KEK_SM4):
        if len(body) < 1 or body[0] == 0 or len(body) != 1 + body[0] + WRAPPED_SIZE:
            raise RecordingFormatError("KEK stanza has a bad length")
        try:
            kid = body[1:1 + body[0]].decode("utf-8")
        except UnicodeDecodeError:
            raise RecordingFormatError("KEK stanza key id is not UTF-8") from None
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in kid):
            raise RecordingFormatError("KEK stanza key id contains control characters")
    elif type_ == T_SM2:
        if len(body) != SM2_ID_SIZE + SM2_CT_SIZE or body[SM2_ID_SIZE] != 0x04:
            raise RecordingFormatError("SM2 stanza has a bad length or point encoding")
    elif type_ == 0:
        raise RecordingFormatError("stanza type 0 is reserved")


# ---- header ------------------------------------------------------------------------------------

class _Header:
    __slots__ = ("suite_id", "metadata_raw", "metadata", "plaintext_len", "stanzas", "mac", "fixed", "size")

    def encode_body(self):
        """Everything the MAC covers."""
        return (self.fixed + _struct.pack(">QB", self.plaintext_len, len(self.stanzas))
                + b"".join(s.encode() for s in self.stanzas))

    @property
    def suite(self):
        try:
            return _chunked.Suite[_SUITES[self.suite_id][0]]
        except KeyError:
            raise RecordingFormatError(f"suite {_SUITES[self.suite_id][0]} is not available in this ccfast") from None

    def payload_len(self):
        return _chunked.ciphertext_length(self.plaintext_len, self.suite)


def _header_suite(suite_id):
    """The chunked.Suite of a suite byte."""
    h = _Header()
    h.suite_id = suite_id
    return h.suite


def _fixed(suite_id, metadata_raw):
    return MAGIC + _struct.pack(">BBH", VERSION, suite_id, len(metadata_raw)) + metadata_raw


def _read_exact(f, n, what):
    data = b""
    while len(data) < n:
        chunk = f.read(n - len(data))
        if not chunk:
            if not data and what == "magic":
                raise RecordingFormatError("not a sealed recording (empty file)")
            raise RecordingTruncatedError(f"recording cut off inside the header ({what})")
        data += chunk
    return data


def _read_header(f):
    """Parse a header from the file's current position, strictly; no key needed."""
    magic = _read_exact(f, len(MAGIC), "magic")
    if magic != MAGIC:
        raise RecordingFormatError("not a sealed recording (bad magic)")
    version, suite_id, mlen = _struct.unpack(">BBH", _read_exact(f, 4, "version"))
    if version != VERSION:
        raise RecordingFormatError(f"unsupported recording version {version} (this reader knows {VERSION})")
    if suite_id not in _SUITES:
        raise RecordingFormatError(f"unknown suite {suite_id:#04x}")
    h = _Header()
    h.suite_id = suite_id
    h.metadata_raw = _read_exact(f, mlen, "metadata")
    h.metadata = _decode_metadata(h.metadata_raw)
    h.fixed = _fixed(suite_id, h.metadata_raw)
    h.plaintext_len, count = _struct.unpack(">QB", _read_exact(f, 9, "length"))
    if count == 0:
        raise RecordingFormatError("recording has no recipient stanza")
    h.stanzas = []
    for _ in range(count):
        type_, blen = _struct.unpack(">BH", _read_exact(f, 3, "stanza"))
        body = _read_exact(f, blen, "stanza")
        _check_stanza(type_, body)
        h.stanzas.append(_Stanza(type_, body))
    h.mac = _read_exact(f, MAC_SIZE, "mac")
    h.size = len(h.fixed) + 9 + sum(3 + len(s.body) for s in h.stanzas) + MAC_SIZE
    if h.plaintext_len == SEALING:
        raise IncompleteRecordingError("recording is incomplete: sealing did not finish (the writer stopped or crashed)")
    if h.plaintext_len >= _chunked_limit():
        raise RecordingFormatError("recording length field is out of range")
    return h


def _chunked_limit():
    return (1 << 38) * 16384


# ---- key schedule ------------------------------------------------------------------------------

def _hmac_new(hash_name, key, data=b""):
    if hash_name == "sm3":
        return _hmac.new(key, data, digestmod=_sm3.SM3)
    return _hmac.new(key, data, digestmod=getattr(_hashlib, hash_name))


_HKDF_HASH = {"sha256": _chunked_native.HASH_SHA256, "sha512": _chunked_native.HASH_SHA512,
              "sm3": _chunked_native.HASH_SM3}


def _hkdf_expand(hash_name, prk, info, length):
    """HKDF-Expand (RFC 5869 2.3) in C, into a bytearray the caller wipes."""
    out = bytearray(length)
    _chunked_native._hkdf_expand_into(_HKDF_HASH[hash_name], prk, info, out)
    return out


class _Keys:
    """The payload input key and the header MAC key derived from a file key (bytearrays, wiped)."""

    def __init__(self, suite_id, file_key):
        _, self.hash, klen = _SUITES[suite_id]
        self.payload = _hkdf_expand(self.hash, file_key, _INFO_PAYLOAD, klen)
        self.mac = _hkdf_expand(self.hash, file_key, _INFO_MAC, 32)

    def header_mac(self, body):
        return _hmac_new(self.hash, self.mac, body).digest()[:MAC_SIZE]

    def wipe(self):
        _wipe(self.payload)
        _wipe(self.mac)

    __del__ = wipe                              # wiped when freed, even on an error path

    def __reduce__(self):
        raise TypeError("_Keys objects hold keys and cannot be pickled or copied")


def _wipe(buf):
    if isinstance(buf, bytearray):
        buf[:] = bytes(len(buf))


def _new_file_key():
    return bytearray(_os.urandom(FILE_KEY_SIZE))


# ---- opening the header with an identity -------------------------------------------------------

def _unwrap_file_key(h, identity):
    """The 32-byte file key (a bytearray) from the stanza matching identity, header MAC checked."""
    if isinstance(identity, KEK):
        want = RecipientInfo(identity.algorithm, identity.kid)
    elif isinstance(identity, _sm2.SM2PrivateKey):
        want = RecipientInfo("sm2", _sm2_key_id(identity.public_key()).hex())
    elif isinstance(identity, _sm2.SM2PublicKey):
        raise TypeError("opening needs the SM2 private key, not the public key")
    else:
        raise TypeError(f"identity must be a recording.KEK or an sm2.SM2PrivateKey, not {type(identity).__name__}")
    matches = [s for s in h.stanzas if s.type in _KIND and s.info() == want]
    if not matches:
        listed = ", ".join(f"{r.kind}:{r.id}" for r in (s.info() for s in h.stanzas))
        raise NoRecipientError(f"no recipient stanza for {want.kind} key {want.id!r} (recipients: {listed})")
    stanza = matches[0]
    fk = bytearray(FILE_KEY_SIZE + 8)
    try:
        if isinstance(identity, KEK):
            kl = stanza.body[0]
            try:
                n = identity.unwrap_into(stanza.body[1 + kl:], fk)
            except InvalidTag:
                raise WrongKeyError(f"KEK {identity.kid!r} does not unwrap the file key: wrong key for this key id, "
                                    "or the stanza was altered") from None
        else:
            try:
                pt = identity.decrypt(stanza.body[SM2_ID_SIZE:], "C1C3C2", "raw")
            except CCFastError:
                raise WrongKeyError("the SM2 key does not decrypt its stanza: the stanza was altered") from None
            n = len(pt)
            fk[:n] = pt
        if n != FILE_KEY_SIZE:
            raise HeaderTamperedError("the unwrapped file key has the wrong length")
        del fk[FILE_KEY_SIZE:]
        keys = _Keys(h.suite_id, fk)
        if not _hmac.compare_digest(keys.header_mac(h.encode_body()), h.mac):
            keys.wipe()
            raise HeaderTamperedError("header authentication failed: the header, its metadata or a stanza was altered")
        return fk, keys
    except BaseException:
        _wipe(fk)
        raise


# ---- file helpers ------------------------------------------------------------------------------

def _is_path(x):
    return isinstance(x, (str, bytes, _os.PathLike))


class _Window(_io.RawIOBase):
    """[start, start + length) of a binary file as its own file; counts the bytes read through it."""

    def __init__(self, f, start, length):
        super().__init__()
        self._f, self._start, self._len, self._pos = f, start, length, 0
        self._seekable = _seekable(f)
        self.reads = []                        # (offset, length) of every read, for tests
        self.record = False

    def readable(self):
        return True

    def seekable(self):
        return self._seekable

    def readinto(self, b):
        n = min(len(b), self._len - self._pos)
        if n <= 0:
            return 0
        if self._seekable:
            self._f.seek(self._start + self._pos)
        mv = memoryview(b).cast("B")
        got = self._f.readinto(mv[:n]) if hasattr(self._f, "readinto") else _read_into(self._f, mv[:n])
        if got:
            if self.record:
                self.reads.append((self._pos, got))
            self._pos += got
        return got

    def seek(self, offset, whence=_io.SEEK_SET):
        if not self._seekable:
            raise _io.UnsupportedOperation("seek")
        base = {_io.SEEK_SET: 0, _io.SEEK_CUR: self._pos, _io.SEEK_END: self._len}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def tell(self):
        return self._pos

    def close(self):
        super().close()                        # the underlying file stays open


def _read_into(f, mv):
    data = f.read(len(mv))
    mv[:len(data)] = data
    return len(data)


class _NoClose(_io.RawIOBase):
    """A write-only view of a file that the chunked Writer may close without closing the file."""

    def __init__(self, f):
        super().__init__()
        self._f = f
        self.written = 0

    def writable(self):
        return True

    def write(self, b):
        n = self._f.write(b)
        n = len(b) if n is None else n
        self.written += n
        return n

    def flush(self):
        self._f.flush()


def _seekable(f):
    try:
        return bool(f.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def _fsync_dir(path):
    d = _os.path.dirname(_os.path.abspath(path))
    try:
        fd = _os.open(d, _os.O_RDONLY | getattr(_os, "O_DIRECTORY", 0))
    except OSError:
        return                                  # Windows: directories cannot be opened
    try:
        _os.fsync(fd)
    except OSError:
        pass
    finally:
        _os.close(fd)


class _AtomicFile:
    """A temporary file beside path (mode 0600) that replaces path on commit: fsync, os.replace,
    fsync of the directory.  Abandoned (deleted) on any error."""

    def __init__(self, path, mode=0o600):
        path = _os.fspath(path)
        if isinstance(path, bytes):
            path = _os.fsdecode(path)
        self.path = path
        d, base = _os.path.split(_os.path.abspath(path))
        fd, self.tmp = _tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=d)   # mode 0600
        self.f = _os.fdopen(fd, "w+b")
        if mode != 0o600:
            try:
                _os.chmod(self.tmp, mode)
            except OSError:
                pass

    def commit(self):
        self.f.flush()
        _checkpoint("fsync")
        _os.fsync(self.f.fileno())
        self.f.close()
        _checkpoint("replace")
        _os.replace(self.tmp, self.path)
        _checkpoint("fsync-dir")
        _fsync_dir(self.path)
        _checkpoint("done")

    def abandon(self):
        try:
            self.f.close()
        finally:
            try:
                _os.unlink(self.tmp)
            except OSError:
                pass


def _same_file(a, b):
    try:
        return _os.path.samefile(a, b)
    except OSError:
        return False


# ---- results -----------------------------------------------------------------------------------

@_dataclass(frozen=True)
class RecordingInfo:
    """What a header says.  authenticated is False for inspect() (read without a key: every
    field may have been altered) and True where the header MAC was checked with a key."""
    version: int
    suite: "_chunked.Suite"
    size: int                                  # plaintext bytes
    header_size: int
    payload_size: int                          # chunked ciphertext bytes
    recipients: "tuple[RecipientInfo, ...]"
    metadata: Metadata
    authenticated: bool


def _info(h, authenticated):
    return RecordingInfo(VERSION, h.suite, h.plaintext_len, h.size, h.payload_len(),
                         tuple(s.info() for s in h.stanzas), h.metadata, authenticated)


# ---- seal --------------------------------------------------------------------------------------

def _recipients(recipients, file_key):
    if isinstance(recipients, (KEK, _sm2.SM2PublicKey, _sm2.SM2PrivateKey)):
        recipients = [recipients]
    try:
        recipients = list(recipients)
    except TypeError:
        raise TypeError("recipients must be a KEK, an SM2PublicKey or an iterable of them") from None
    if not recipients:
        raise ValueError("at least one recipient is needed")
    stanzas = [_make_stanza(r, file_key) for r in recipients]
    _no_duplicates(stanzas)
    return stanzas


def _no_duplicates(stanzas):
    seen = set()
    for s in stanzas:
        i = s.info()
        if i.kind in ("aes-256", "sm4", "sm2") and i in seen:
            raise ValueError(f"recipient {i.kind}:{i.id} is listed twice")
        seen.add(i)
    if len(stanzas) > MAX_STANZAS:
        raise ValueError(f"at most {MAX_STANZAS} recipients per recording")


def _suite_id(suite):
    if isinstance(suite, str):
        name = suite
    else:
        name = getattr(suite, "name", None)
    if name not in _SUITE_IDS:
        raise ValueError(f"suite must be a chunked.Suite, not {suite!r}")
    return _SUITE_IDS[name]


def _metadata(metadata):
    if metadata is None:
        return Metadata()
    if isinstance(metadata, Metadata):
        return metadata
    if isinstance(metadata, dict):
        return Metadata(**metadata)
    raise TypeError(f"metadata must be a recording.Metadata or a dict, not {type(metadata).__name__}")


def _source_length(f):
    """Bytes left in a seekable source, or None."""
    if not _seekable(f):
        return None
    try:
        here = f.tell()
        end = f.seek(0, _io.SEEK_END)
        f.seek(here)
        return end - here
    except (OSError, ValueError):
        return None


def seal(src, dst, recipients, *, suite=_chunked.Suite.SM4_GCM_SM3, metadata=None, threads=1):
    """Encrypt src (path or readable binary file) to dst (path or writable binary file) for
    recipients (KEK and/or sm2.SM2PublicKey objects, at least one).

    A dst path is written atomically (a temporary file in the same directory, fsync, rename,
    fsync of the directory) with mode 0600, and must not be src.  A dst file object is written
    from its current position; if it cannot seek, src must be a seekable file or a path (the
    plaintext length goes in the header before the payload).  Returns the RecordingInfo.
    """
    suite_id = _suite_id(suite)
    meta = _metadata(metadata)
    meta_raw = _encode_metadata(meta)
    file_key = _new_file_key()
    keys = None
    try:
        stanzas = _recipients(recipients, file_key)
        keys = _Keys(suite_id, file_key)
        if _is_path(src):
            if _is_path(dst) and _same_file(src, dst):
                raise ValueError("dst is the same file as src: sealing never overwrites its input")
            with _io.open(src, "rb") as f:
                return _seal_to(f, dst, stanzas, keys, suite_id, meta_raw, threads)
        return _seal_to(src, dst, stanzas, keys, suite_id, meta_raw, threads)
    finally:
        _wipe(file_key)
        if keys is not None:
            keys.wipe()


def _seal_to(src, dst, stanzas, keys, suite_id, meta_raw, threads):
    if _is_path(dst):
        out = _AtomicFile(dst)
        try:
            h = _seal_stream(src, out.f, stanzas, keys, suite_id, meta_raw, threads, known=None)
            out.commit()
        except BaseException:
            out.abandon()
            raise
        return _info(h, True)
    known = None
    if not _seekable(dst):
        known = _source_length(src)
        if known is None:
            raise ValueError("sealing to a stream that cannot seek needs a source of known length (a path or a seekable file)")
    h = _seal_stream(src, dst, stanzas, keys, suite_id, meta_raw, threads, known=known)
    dst.flush()
    return _info(h, True)


def _seal_stream(src, dst, stanzas, keys, suite_id, meta_raw, threads, known):
    h = _Header()
    h.suite_id, h.metadata_raw, h.stanzas = suite_id, meta_raw, stanzas
    h.fixed = _fixed(suite_id, meta_raw)
    h.metadata = _decode_metadata(meta_raw)
    h.plaintext_len = SEALING if known is None else known
    h.mac = bytes(MAC_SIZE) if known is None else keys.header_mac(h.encode_body())
    start = dst.tell() if known is None else None
    body = h.encode_body()
    dst.write(body + h.mac)
    h.size = len(body) + MAC_SIZE
    _checkpoint("header")
    sink = _NoClose(dst)
    total = 0
    w = _chunked.Writer(sink, keys.payload, context=h.fixed, suite=h.suite, threads=threads)
    try:
        buf = bytearray(_COPY)
        mv = memoryview(buf)
        while True:
            n = src.readinto(buf) if hasattr(src, "readinto") else _read_into(src, mv)
            if not n:
                break
            w.write(mv[:n])
            total += n
            _checkpoint("payload")
        w.close()
    except BaseException:
        w.abort()                              # no final chunk: the payload reads as truncated
        raise
    if known is not None:
        if total != known:
            raise ValueError(f"source length changed while sealing ({total} bytes read, {known} expected)")
        return h
    h.plaintext_len = total
    h.mac = keys.header_mac(h.encode_body())
    end = dst.tell()
    dst.seek(start)
    _checkpoint("rewrite-header")
    dst.write(h.encode_body() + h.mac)
    dst.seek(end)
    return h


# ---- open / unseal -----------------------------------------------------------------------------

class RecordingReader(_io.RawIOBase):
    """The plaintext of a sealed recording as a readable, seekable binary file (io.RawIOBase).

    Returned by recording.open(); `info` holds the authenticated RecordingInfo.  Reads decrypt
    only the chunks they cover (16 KiB each), each authenticated before any of its bytes is
    returned.  A read that meets a forged or misplaced chunk raises PayloadTamperedError and
    the reader stays failed.
    """

    def __init__(self, *args, **kwargs):
        raise TypeError("use recording.open() to get a RecordingReader")

    @classmethod
    def _make(cls, f, owns, window, reader, info):
        self = cls.__new__(cls)
        _io.RawIOBase.__init__(self)
        self._f, self._owns, self._window, self._reader, self.info = f, owns, window, reader, info
        return self

    def readable(self):
        return True

    def seekable(self):
        return True

    def readinto(self, b):
        self._check_open()
        mv = memoryview(b).cast("B")
        done = 0
        try:
            while done < len(mv):
                n = self._reader.readinto(mv[done:])
                if not n:
                    break
                done += n
        except InvalidTag as e:
            raise PayloadTamperedError(f"payload chunk failed authentication (altered, reordered or taken from "
                                       f"another recording): {e}") from None
        except TruncatedError as e:
            raise RecordingTruncatedError(f"payload cut short: {e}") from None
        return done

    def seek(self, offset, whence=_io.SEEK_SET):
        self._check_open()
        try:
            return self._reader.seek(offset, whence)
        except InvalidTag as e:
            raise PayloadTamperedError(f"final chunk failed authentication: {e}") from None
        except TruncatedError as e:
            raise RecordingTruncatedError(f"payload cut short: {e}") from None

    def tell(self):
        self._check_open()
        return self._reader.tell()

    def _check_open(self):
        if self.closed:
            raise ValueError("I/O operation on closed recording")

    def close(self):
        if not self.closed:
            try:
                self._reader.close()
                self._window.close()
                if self._owns:
                    self._f.close()
            finally:
                super().close()

    def __reduce__(self):
        raise TypeError("RecordingReader objects hold a key and cannot be pickled")

    def __repr__(self):
        return f"<RecordingReader size={self.info.size} suite={self.info.suite.name}>"


def _open_payload(f, identity, need_seek):
    """Parse and authenticate the header of the file at its current position, check the
    payload length against the file, and make a chunked Reader over the payload."""
    start = f.tell() if _seekable(f) else 0
    h = _read_header(f)
    fk, keys = _unwrap_file_key(h, identity)
    _wipe(fk)
    try:
        plen = h.payload_len()
        pstart = start + h.size
        if _seekable(f):
            end = f.seek(0, _io.SEEK_END)
            have = end - pstart
            if have < plen:
                raise RecordingTruncatedError(f"recording cut off: {have} of {plen} payload bytes present")
            if have > plen:
                raise TrailingDataError(f"{have - plen} bytes of unexpected data after the end of the recording")
            f.seek(pstart)
        elif need_seek:
            raise NotSeekableError("recording.open needs a seekable source (use unseal to stream)")
        window = _Window(f, pstart, plen)
        try:
            reader = _chunked.Reader(window, keys.payload, context=h.fixed, suite=h.suite)
        except InvalidTag as e:
            raise PayloadTamperedError(f"payload does not belong to this header (commitment mismatch): {e}") from None
        except TruncatedError as e:
            raise RecordingTruncatedError(f"payload cut short: {e}") from None
        return h, window, reader
    finally:
        keys.wipe()


def open(src, identity):  # noqa: A001 (the module's API name, like io.open)
    """A RecordingReader over the plaintext of src (a path or a seekable binary file), opened
    with identity (a KEK or an sm2.SM2PrivateKey).  Nothing before a read position is decrypted:
    wave.open(recording.open(path, key)) plays from any offset."""
    if _is_path(src):
        f = _io.open(src, "rb")
        owns = True
    else:
        f, owns = src, False
        if not _seekable(f):
            raise NotSeekableError("recording.open needs a seekable source (use unseal to stream)")
    try:
        h, window, reader = _open_payload(f, identity, need_seek=True)
    except BaseException:
        if owns:
            f.close()
        raise
    return RecordingReader._make(f, owns, window, reader, _info(h, True))


def unseal(src, dst, identity):
    """Decrypt src (path or readable binary file) to dst (path or writable binary file).

    A dst path is written atomically (mode 0600) and only appears once every chunk has been
    authenticated; a dst file object receives authenticated chunks as they are decrypted (on
    an error it may hold a prefix of the plaintext, never an unauthenticated byte)."""
    if _is_path(src):
        if _is_path(dst) and _same_file(src, dst):
            raise ValueError("dst is the same file as src: unsealing never overwrites its input")
        with _io.open(src, "rb") as f:
            return _unseal_from(f, dst, identity)
    return _unseal_from(src, dst, identity)


def _unseal_from(f, dst, identity):
    h, window, reader = _open_payload(f, identity, need_seek=False)
    rr = RecordingReader._make(f, False, window, reader, _info(h, True))
    with rr:
        if _is_path(dst):
            out = _AtomicFile(dst)
            try:
                _copy_plain(rr, out.f, window, h)
                out.commit()
            except BaseException:
                out.abandon()
                raise
        else:
            _copy_plain(rr, dst, window, h)
            dst.flush()
    return rr.info


def _copy_plain(rr, out, window, h):
    buf = bytearray(_COPY)
    total = 0
    try:
        while True:
            n = rr.readinto(buf)
            if not n:
                break
            out.write(memoryview(buf)[:n])
            total += n
        if total != h.plaintext_len:
            raise RecordingTruncatedError(f"payload ended after {total} of {h.plaintext_len} bytes")
        if not window.seekable():
            extra = window._f.read(1)
            if extra:
                raise TrailingDataError("unexpected data after the end of the recording")
    finally:
        _wipe(buf)


# ---- inspect -----------------------------------------------------------------------------------

def inspect(src):
    """The header of src (path or binary file) without a key: RecordingInfo with
    authenticated=False.  Raises on a malformed or incomplete header, never on the payload
    (its length is checked against the file when src can seek)."""
    if _is_path(src):
        with _io.open(src, "rb") as f:
            return _inspect(f)
    return _inspect(src)


def _inspect(f):
    start = f.tell() if _seekable(f) else 0
    h = _read_header(f)
    if _seekable(f):
        have = f.seek(0, _io.SEEK_END) - start - h.size
        f.seek(start + h.size)
        if have < h.payload_len():
            raise RecordingTruncatedError(f"recording cut off: {have} of {h.payload_len()} payload bytes present")
        if have > h.payload_len():
            raise TrailingDataError(f"{have - h.payload_len()} bytes of unexpected data after the end of the recording")
    return _info(h, False)


# ---- rewrap ------------------------------------------------------------------------------------

def _matches(stanza, what):
    info = stanza.info()
    if isinstance(what, RecipientInfo):
        return info == what
    if isinstance(what, str):
        return info.id == what
    return info == recipient_info(what)


def rewrap(path, identity, *, add=(), remove=(), dst=None):
    """Add or remove recipients (and so rotate KEKs) by rewriting the header only.

    identity (KEK or sm2.SM2PrivateKey) opens the file key; add holds new recipients (KEK,
    sm2.SM2PublicKey); remove holds recipients to drop, given as KEK, SM2 key, RecipientInfo
    or id string.  The new file (path itself, or dst) is written atomically: a temporary file in
    the same directory with the new header and the payload bytes copied unchanged, fsync,
    os.replace, fsync of the directory.  The file's mode is kept.  Returns the new RecordingInfo.
    """
    if not _is_path(path):
        raise TypeError("rewrap works on a path (the file is replaced atomically)")
    if isinstance(add, (KEK, _sm2.SM2PublicKey)):
        add = [add]
    if isinstance(remove, (KEK, _sm2.SM2PublicKey, _sm2.SM2PrivateKey, RecipientInfo, str)):
        remove = [remove]
    add, remove = list(add), list(remove)
    target = path if dst is None else dst
    if dst is not None and _same_file(path, dst):
        raise ValueError("dst is the same file as path; omit dst to rewrap in place")
    with _io.open(path, "rb") as f:
        st = _os.fstat(f.fileno())
        h = _read_header(f)
        fk, keys = _unwrap_file_key(h, identity)
        try:
            stanzas = list(h.stanzas)
            for r in remove:
                hit = [s for s in stanzas if _matches(s, r)]
                if not hit:
                    raise ValueError(f"no recipient {r!r} to remove")
                stanzas = [s for s in stanzas if s not in hit]
            stanzas += [_make_stanza(r, fk) for r in add]
            if not stanzas:
                raise ValueError("a recording needs at least one recipient (to destroy it, destroy its keys)")
            _no_duplicates(stanzas)
            # the payload must be whole and belong to this header before anything is written
            plen = h.payload_len()
            have = st.st_size - h.size
            if have < plen:
                raise RecordingTruncatedError(f"recording cut off: {have} of {plen} payload bytes present")
            if have > plen:
                raise TrailingDataError(f"{have - plen} bytes of unexpected data after the end of the recording")
            f.seek(h.size)
            try:
                _chunked.Reader(_Window(f, h.size, plen), keys.payload, context=h.fixed, suite=h.suite).close()
            except InvalidTag as e:
                raise PayloadTamperedError(f"payload does not belong to this header (commitment mismatch): {e}") from None
            new = _Header()
            new.suite_id, new.metadata_raw, new.metadata, new.fixed = h.suite_id, h.metadata_raw, h.metadata, h.fixed
            new.plaintext_len, new.stanzas = h.plaintext_len, stanzas
            body = new.encode_body()
            new.mac = keys.header_mac(body)
            new.size = len(body) + MAC_SIZE
        finally:
            _wipe(fk)
            keys.wipe()
        out = _AtomicFile(target, mode=(st.st_mode & 0o777) if dst is None else 0o600)
        try:
            out.f.write(body + new.mac)
            _checkpoint("header")
            f.seek(h.size)
            _copy_bytes(f, out.f, plen)
        except BaseException:
            out.abandon()
            raise
    # the source is closed before the rename (Windows cannot replace an open file)
    try:
        if dst is None:
            now = _os.stat(path)
            if (now.st_ino, now.st_size, now.st_mtime_ns) != (st.st_ino, st.st_size, st.st_mtime_ns):
                raise RecordingError("the recording changed while it was being rewrapped; nothing was replaced")
        out.commit()
    except BaseException:
        out.abandon()
        raise
    return _info(new, True)


def _copy_bytes(src, dst, n):
    left = n
    while left:
        block = src.read(min(_COPY, left))
        if not block:
            raise RecordingTruncatedError("recording shrank while it was being rewrapped")
        dst.write(block)
        left -= len(block)
        _checkpoint("payload")
