"""Chunked authenticated encryption of large messages: c2sp.org/chunked-encryption (v1).

A message is encrypted under a fresh key, base nonce and key commitment derived with
HKDF-Expand from the caller's input key, a random 24-byte salt and an optional context; it is
cut into 16 KiB chunks (the final chunk always shorter, possibly empty), each sealed with the
AEAD under nonce = base nonce XOR chunk number.  The ciphertext is salt || commitment || chunks:
56 + n + 16 * (n // 16384 + 1) bytes for an n-byte message.

``encrypt`` / ``decrypt`` handle whole messages in memory; ``Writer`` streams a message into a
file object (optionally sealing chunks on several threads) and ``Reader`` reads one back as a
seekable ``io.RawIOBase`` that never releases a byte of a chunk before it authenticated.
docs/chunked.md describes the format, suites and guarantees.
"""
import enum
import io
import operator
import os
import threading
import warnings

from . import _chunked
from .exceptions import InvalidTag, TruncatedError

__all__ = [
    "Suite",
    "encrypt",
    "decrypt",
    "Writer",
    "Reader",
    "ciphertext_length",
    "plaintext_length",
    "CHUNK_SIZE",
    "HEADER_SIZE",
    "InvalidTag",
    "TruncatedError",
]

CHUNK_SIZE = _chunked.CHUNK          # plaintext bytes of a full chunk (16384)
HEADER_SIZE = _chunked.HEADER        # salt (24) + commitment (32)
_TAG = _chunked.TAG
_SEALED = _chunked.SEALED
_MAX_CHUNKS = _chunked.MAX_CHUNKS
_MAX_PLAINTEXT = _MAX_CHUNKS * CHUNK_SIZE - 1
# Chunks sealed or opened per call in the streaming classes (1 MiB of plaintext): large enough
# that a thread hand-off costs little beside the work, small enough to bound memory.
_BATCH_CHUNKS = 64
_MAX_THREADS = 256


class Suite(enum.Enum):
    """An instantiation of the scheme: the AEAD (by its IANA name, which enters the key
    derivation) and the hash of HKDF-Expand."""

    #: AES-128-GCM with HKDF-SHA-256 (the spec's recommendation until July 2026).
    AES_128_GCM_SHA256 = "AES_128_GCM_SHA256"
    #: AES-256-GCM with HKDF-SHA-512: the spec's "Cobblestone-256" (Wycheproof vectors).
    AES_256_GCM_SHA512 = "AES_256_GCM_SHA512"
    #: SM4-GCM with HKDF-SM3, AEAD name "AEAD_SM4_GCM": this project's national-algorithm
    #: instantiation (GB/T 39786 deployments); not one the spec assigns.
    SM4_GCM_SM3 = "SM4_GCM_SM3"
    #: AES-128-GCM with HKDF-SHA-512: the spec's "Cobblestone-128", its current recommendation.
    AES_128_GCM_SHA512 = "AES_128_GCM_SHA512"

    @property
    def aead_name(self) -> str:
        """The AEAD's name as it enters the HKDF info, e.g. "AEAD_AES_256_GCM"."""
        return _SUITES[self][0]

    @property
    def key_size(self) -> int:
        """Bytes of the input key (the AEAD's key size)."""
        return _SUITES[self][1]

    @property
    def hash_name(self) -> str:
        """The HKDF-Expand hash: "sha256", "sha512" or "sm3"."""
        return _SUITES[self][3]


# suite -> (AEAD name, key size, C AEAD id, hash name, C hash id)
_SUITES = {
    Suite.AES_128_GCM_SHA256: ("AEAD_AES_128_GCM", 16, _chunked.AES_GCM, "sha256", _chunked.HASH_SHA256),
    Suite.AES_256_GCM_SHA512: ("AEAD_AES_256_GCM", 32, _chunked.AES_GCM, "sha512", _chunked.HASH_SHA512),
    Suite.SM4_GCM_SM3: ("AEAD_SM4_GCM", 16, _chunked.SM4_GCM, "sm3", _chunked.HASH_SM3),
    Suite.AES_128_GCM_SHA512: ("AEAD_AES_128_GCM", 16, _chunked.AES_GCM, "sha512", _chunked.HASH_SHA512),
}
_DEFAULT = Suite.AES_256_GCM_SHA512


def _suite(suite):
    if isinstance(suite, Suite):
        return suite
    if isinstance(suite, str):
        try:
            return Suite[suite]
        except KeyError:
            pass
        raise ValueError(f"unknown suite {suite!r}; one of {', '.join(s.name for s in Suite)}")
    raise TypeError(f"suite must be a chunked.Suite, not {type(suite).__name__}")


def _byte_length(obj, what):
    """len() of a bytes-like object in bytes; TypeError for anything else (str included)."""
    if isinstance(obj, (bytes, bytearray)):
        return len(obj)
    if isinstance(obj, str):
        raise TypeError(f"{what} must be a bytes-like object, not str")
    try:
        with memoryview(obj) as m:
            if not m.c_contiguous:
                raise TypeError(f"{what} must be a C-contiguous buffer")
            if m.itemsize != 1:
                raise TypeError(f"{what} must be a buffer of single bytes, not of {m.itemsize}-byte items")
            return m.nbytes
    except TypeError as exc:
        if "bytes-like" in str(exc) or "buffer" in str(exc):
            raise TypeError(f"{what} must be a bytes-like object, not {type(obj).__name__}") from None
        raise


def _params(key, context, suite):
    """Check the arguments every entry point shares: (suite, C arguments)."""
    suite = _suite(suite)
    name, size, aead, _, hash_id = _SUITES[suite]
    n = _byte_length(key, "key")
    if n != size:
        raise ValueError(f"key must be {size} bytes for {suite.name}, not {n}")
    _byte_length(context, "context")
    return suite, (aead, hash_id, name.encode())


def _length_arg(n, what):
    if isinstance(n, bool):
        raise TypeError(f"{what} must be an integer, not bool")
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"{what} must be an integer, not {type(n).__name__}") from None
    if n < 0:
        raise ValueError(f"{what} must not be negative")
    return n


def ciphertext_length(n, suite=_DEFAULT):
    """Bytes of the ciphertext of an n-byte message: 56 + n + 16 * (n // 16384 + 1) (every
    suite has a 16-byte tag).  OverflowError above the format's limit of 2**38 chunks."""
    _suite(suite)
    n = _length_arg(n, "n")
    if n > _MAX_PLAINTEXT:
        raise OverflowError("a chunked message is at most 2**38 * 16384 - 1 bytes (4 PiB - 1)")
    return _chunked.sealed_length(n)


def plaintext_length(n, suite=_DEFAULT):
    """Bytes of the message inside a ciphertext of n bytes.  TruncatedError when no message
    has that ciphertext length (shorter than the header, or the final chunk missing or cut
    inside its tag).  The length itself is only authenticated by decrypting the final chunk."""
    _suite(suite)
    n = _length_arg(n, "n")
    if n < HEADER_SIZE:
        raise TruncatedError(f"truncated: {n} bytes is shorter than the 56-byte header")
    full, rest = divmod(n - HEADER_SIZE, _SEALED)
    if rest < _TAG:
        raise TruncatedError(_chunked._truncation_message(full, rest))
    if full >= _MAX_CHUNKS:
        raise TruncatedError("the ciphertext runs past the 2**38-chunk limit")
    return full * CHUNK_SIZE + rest - _TAG


def encrypt(key, plaintext, *, context=b"", suite=_DEFAULT):
    """Encrypt a whole message: salt || commitment || sealed chunks.

    key: ``suite.key_size`` uniformly random bytes (32 for the default AES_256_GCM_SHA512);
    context: optional bytes bound into the key derivation (decrypt needs the same)."""
    _, args = _params(key, context, suite)
    return _chunked.encrypt(*args, key, plaintext, context)


def decrypt(key, ciphertext, *, context=b"", suite=_DEFAULT):
    """Decrypt a whole message.  The commitment is checked before any chunk; every chunk must
    authenticate and the length must be whole, or nothing is returned: InvalidTag (wrong key
    or context, a modified header or chunk, chunks swapped) or TruncatedError (cut short)."""
    _, args = _params(key, context, suite)
    return _chunked.decrypt(*args, key, ciphertext, context)


def _encrypt_with_salt(key, plaintext, salt, *, context=b"", suite=_DEFAULT):
    """encrypt() with a given salt: only for known-answer tests (a salt must never repeat
    under one key)."""
    _, args = _params(key, context, suite)
    return _chunked.encrypt(*args, key, plaintext, context, salt)


def _threads_arg(threads):
    if not isinstance(threads, int) or isinstance(threads, bool):
        raise TypeError(f"threads must be an integer, not {type(threads).__name__}")
    if not 1 <= threads <= _MAX_THREADS:
        raise ValueError(f"threads must be between 1 and {_MAX_THREADS}, not {threads}")
    return threads


def _write_all(fileobj, data):
    """Write all of data (a bytes-like object), looping over short writes."""
    view = memoryview(data)
    done, total = 0, view.nbytes
    while done < total:
        n = fileobj.write(view[done:] if done else view)
        if n is None:                  # a sink that says nothing took it all
            return
        if n <= 0:
            raise OSError(f"the file object wrote {n} bytes")
        done += n


def _readinto_exact(fileobj, view):
    """Fill view from fileobj until it is full or the stream ends; returns the bytes read."""
    got, want = 0, len(view)
    readinto = getattr(fileobj, "readinto", None)
    while got < want:
        if readinto is not None:
            n = readinto(view[got:])
        else:
            data = fileobj.read(want - got)
            n = None if data is None else len(data)
            if n:
                view[got:got + n] = data
        if n is None:
            raise BlockingIOError("the source file object has no data available (non-blocking)")
        if n == 0:
            break
        got += n
    return got


def _closed_error():
    return ValueError("I/O operation on closed file")


class Writer(io.RawIOBase):
    """Streams one chunked message into a binary file object.

    ``Writer(fileobj, key, *, context=b"", suite=Suite.AES_256_GCM_SHA512, threads=1)`` writes
    the 56-byte header at once, then sealed chunks as they fill: at most one incomplete chunk
    of plaintext is held.  ``close()`` seals the final (short, possibly empty) chunk, flushes
    ``fileobj`` and wipes the key; until then the output reads as truncated.  Leaving a
    ``with`` block by an exception, ``abort()`` or garbage collection without ``close()``
    never writes the final chunk, so an interrupted message cannot pass for a whole one.
    ``threads=N`` seals chunks on N threads (the calling one and N - 1 workers, each
    running the chunk loop without the GIL); the output is identical for every N.
    ``fileobj`` is not closed unless ``close_fileobj=True``.  Methods may be called from
    several threads: each call is atomic."""

    def __init__(self, fileobj, key, *, context=b"", suite=_DEFAULT, threads=1, close_fileobj=False, _salt=None):
        self._cipher = None
        self._lock = threading.RLock()
        self._close_fileobj = False
        self._pending = bytearray(CHUNK_SIZE)     # plaintext of the incomplete chunk
        self._scratch = None                      # sealed batches, made on the first whole chunk
        self._pool = None
        super().__init__()
        suite, args = _params(key, context, suite)
        threads = _threads_arg(threads)
        if not callable(getattr(fileobj, "write", None)):
            raise TypeError(f"fileobj must be a binary file object with write(), not {type(fileobj).__name__}")
        self.suite = suite
        self._fileobj = fileobj
        self._threads = threads
        self._npending = 0
        self._next_chunk = 0                      # number of the next chunk to seal
        self._consumed = 0                        # plaintext bytes taken so far
        self._finished = False
        # _salt: known-answer tests only (a salt must never repeat under one key)
        self._cipher = _chunked.Cipher(*args, key, os.urandom(_chunked.SALT) if _salt is None else _salt, context)
        try:
            _write_all(fileobj, self._cipher.header())
        except BaseException:
            self._cipher.wipe()
            super().close()
            raise
        self._close_fileobj = bool(close_fileobj)

    def __repr__(self):
        state = "closed" if self.closed else f"{self._consumed} bytes written"
        return f"<ccfast.chunked.Writer {self.suite.name} threads={self._threads} {state}>"

    def __reduce__(self):
        raise TypeError("chunked.Writer objects hold a key and cannot be pickled")

    def writable(self):
        return True

    def tell(self):
        """Plaintext bytes written so far."""
        return self._consumed

    def _check_open(self):
        if self.closed or self._finished:
            raise _closed_error()

    def _seal_whole(self, view, nchunks):
        """Seal nchunks whole chunks from view (a byte memoryview) and write them out, in
        batches of _BATCH_CHUNKS per thread."""
        per_round = _BATCH_CHUNKS * self._threads
        need = min(nchunks, per_round) * _SEALED
        if self._scratch is None or len(self._scratch) < need:
            self._scratch = bytearray(need)
        scratch, cipher = self._scratch, self._cipher
        done = 0
        while done < nchunks:
            n = min(nchunks - done, per_round)
            first = self._next_chunk
            if first + n > _MAX_CHUNKS:
                raise OverflowError("a chunked message is limited to 2**38 chunks (4 PiB)")
            src = done * CHUNK_SIZE
            if self._threads > 1 and n >= 2 * 4:
                self._seal_parallel(view, src, first, n)
            else:
                cipher.seal_into(first, view, src, n * CHUNK_SIZE, False, scratch, 0)
            _write_all(self._fileobj, memoryview(scratch)[:n * _SEALED])
            self._next_chunk = first + n
            done += n

    def _seal_parallel(self, view, src, first, n):
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor
            self._pool = ThreadPoolExecutor(max_workers=self._threads - 1, thread_name_prefix="ccfast-chunked")
        cipher, scratch = self._cipher, self._scratch
        parts = min(self._threads, n)
        bounds = [n * i // parts for i in range(parts + 1)]
        futures = [
            self._pool.submit(cipher.seal_into, first + a, view, src + a * CHUNK_SIZE, (b - a) * CHUNK_SIZE,
                              False, scratch, a * _SEALED)
            for a, b in zip(bounds[1:-1], bounds[2:])
        ]
        try:
            cipher.seal_into(first, view, src, bounds[1] * CHUNK_SIZE, False, scratch, 0)
        finally:
            for f in futures:
                f.result()

    def write(self, b):
        """Take all of b (any bytes-like object); returns len(b) in bytes."""
        with self._lock:
            self._check_open()
            if isinstance(b, str):
                raise TypeError("data must be a bytes-like object, not str")
            try:
                outer = memoryview(b)
            except TypeError:
                raise TypeError(f"data must be a bytes-like object, not {type(b).__name__}") from None
            with outer:
                if not outer.c_contiguous:
                    raise TypeError("data must be a C-contiguous buffer")
                if outer.itemsize != 1:
                    raise TypeError(f"data must be a buffer of single bytes, not of {outer.itemsize}-byte items")
                if self._consumed + outer.nbytes > _MAX_PLAINTEXT:
                    raise OverflowError("a chunked message is at most 2**38 * 16384 - 1 bytes (4 PiB - 1)")
                with (outer.cast("B") if outer.format != "B" or outer.ndim != 1 else outer) as view:
                    try:
                        return self._write(view)
                    except BaseException:
                        # the output may hold part of this write: stop here, without the final chunk
                        self._dispose()
                        raise

    def _write(self, view):
        total = len(view)
        pos = 0
        if self._npending:
            take = min(CHUNK_SIZE - self._npending, total)
            self._pending[self._npending:self._npending + take] = view[:take]
            self._npending += take
            pos = take
            if self._npending == CHUNK_SIZE:
                self._seal_whole(memoryview(self._pending), 1)
                self._npending = 0
        whole = (total - pos) // CHUNK_SIZE
        if whole:
            self._seal_whole(view[pos:pos + whole * CHUNK_SIZE], whole)
            pos += whole * CHUNK_SIZE
        rest = total - pos
        if rest:
            self._pending[:rest] = view[pos:]
            self._npending = rest
        self._consumed += total
        return total

    def flush(self):
        """Flush ``fileobj``.  Whole chunks are already written; the incomplete chunk stays
        buffered (sealing it early would end the message)."""
        with self._lock:
            if self.closed:
                raise _closed_error()
            if self._finished:
                return                    # closing: _finish() flushed already
            flush = getattr(self._fileobj, "flush", None)
            if flush is not None:
                flush()

    def close(self):
        """Seal the final chunk, flush ``fileobj`` and wipe the key.  Idempotent."""
        with self._lock:
            if self.closed:
                return
            try:
                if not self._finished:
                    self._finish()
            finally:
                self._dispose()

    def _finish(self):
        if self._next_chunk >= _MAX_CHUNKS:
            raise OverflowError("a chunked message is limited to 2**38 chunks (4 PiB)")
        out = bytearray(self._npending + _TAG)
        self._cipher.seal_into(self._next_chunk, self._pending, 0, self._npending, True, out, 0)
        _write_all(self._fileobj, out)
        self._finished = True
        flush = getattr(self._fileobj, "flush", None)
        if flush is not None:
            flush()

    def abort(self):
        """Stop without the final chunk (the output then reads as truncated) and wipe the key."""
        with self._lock:
            if not self.closed:
                self._dispose()

    def _dispose(self):
        self._finished = True
        try:
            if self._cipher is not None:
                self._cipher.wipe()
            self._pending[:] = bytes(len(self._pending))
            self._npending = 0
            if self._scratch is not None:
                self._scratch[:] = bytes(len(self._scratch))
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
        finally:
            super().close()
            if self._close_fileobj:
                self._fileobj.close()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.abort()
        else:
            self.close()

    def __del__(self):
        if self._cipher is not None and not self.closed:
            warnings.warn("chunked.Writer deleted without close(): the message was left without its "
                          "final chunk and reads as truncated", ResourceWarning, source=self)
            try:
                self.abort()
            except Exception:
                pass


class Reader(io.RawIOBase):
    """Reads one chunked message from a binary file object, as a read-only ``io.RawIOBase``.

    ``Reader(fileobj, key, *, context=b"", suite=Suite.AES_256_GCM_SHA512)`` reads the 56-byte
    header and checks the commitment at once (InvalidTag for a wrong key or context,
    TruncatedError when the header is cut).  The message starts at ``fileobj``'s position
    when the Reader is made and runs to its end.  ``readinto``/``read`` decrypt whole chunks
    and return bytes only from chunks that authenticated; ``seek`` (when ``fileobj`` is
    seekable) moves to any offset and only the chunks read are decrypted; ``seek(n,
    SEEK_END)`` first authenticates the final chunk.  After InvalidTag or TruncatedError
    every later read or seek raises again.  ``fileobj`` is not closed unless
    ``close_fileobj=True``.  Methods may be called from several threads: each call is atomic."""

    def __init__(self, fileobj, key, *, context=b"", suite=_DEFAULT, close_fileobj=False):
        self._cipher = None
        self._lock = threading.RLock()
        self._close_fileobj = False
        self._cache = bytearray(CHUNK_SIZE)
        self._scratch = None
        super().__init__()
        suite, args = _params(key, context, suite)
        if not (callable(getattr(fileobj, "readinto", None)) or callable(getattr(fileobj, "read", None))):
            raise TypeError(f"fileobj must be a binary file object with read(), not {type(fileobj).__name__}")
        self.suite = suite
        self._fileobj = fileobj
        seekable = getattr(fileobj, "seekable", None)
        self._seekable = bool(seekable()) if callable(seekable) else False
        self._origin = fileobj.tell() if self._seekable else 0
        self._pos = 0                     # plaintext position
        self._length = None               # plaintext length, once the final chunk authenticated
        self._stream_chunk = 0            # non-seekable source: number of the next chunk in the stream
        self._cache_index = -1
        self._cache_len = 0
        self._delivered = 0               # bytes the running readinto has delivered
        self._error = None
        header = bytearray(HEADER_SIZE)
        got = _readinto_exact(fileobj, memoryview(header))
        if got < HEADER_SIZE:
            raise TruncatedError(f"truncated: the ciphertext is {got} bytes, shorter than the 56-byte header "
                                 f"(salt and commitment)")
        cipher = _chunked.Cipher(*args, key, bytes(header[:_chunked.SALT]), context)
        if not cipher.check_commitment(header[_chunked.SALT:]):
            cipher.wipe()
            raise InvalidTag("the key commitment does not match: wrong key or context, or a modified header")
        self._cipher = cipher
        self._close_fileobj = bool(close_fileobj)

    def __repr__(self):
        state = "closed" if self.closed else f"position {self._pos}"
        return f"<ccfast.chunked.Reader {self.suite.name} {state}>"

    def __reduce__(self):
        raise TypeError("chunked.Reader objects hold a key and cannot be pickled")

    def readable(self):
        return True

    def seekable(self):
        return self._seekable

    def tell(self):
        """The plaintext position."""
        return self._pos

    def _check_usable(self):
        if self.closed:
            raise _closed_error()
        if self._error is not None:
            kind, message = self._error
            raise kind(f"{message} (this Reader failed earlier and stays failed)")

    def _guard(self, fn, *args):
        with self._lock:
            self._check_usable()
            try:
                return fn(*args)
            except (InvalidTag, TruncatedError) as exc:
                self._error = (type(exc), str(exc))
                self._forget()
                raise

    def _forget(self):
        self._cache_index = -1
        self._cache[:] = bytes(CHUNK_SIZE)

    # -- chunk access -----------------------------------------------------------------------

    def _read_sealed(self, k, m):
        """Read up to m sealed chunks from chunk k into the scratch buffer: bytes read."""
        if self._scratch is None or len(self._scratch) < m * _SEALED:
            self._scratch = bytearray(max(m, 1) * _SEALED)
        if self._seekable:
            self._fileobj.seek(self._origin + HEADER_SIZE + k * _SEALED)
        elif k != self._stream_chunk:
            raise io.UnsupportedOperation("the source is not seekable: chunks can only be read in order")
        n = _readinto_exact(self._fileobj, memoryview(self._scratch)[:m * _SEALED])
        if not self._seekable:
            self._stream_chunk = k + m
        return n

    def _decrypt_chunks(self, k, m, dst, dst_off):
        """Decrypt chunks k..k+m-1 (fewer if the message ends) into dst[dst_off:]: plaintext
        bytes written, 0 at the end of the message."""
        if k >= _MAX_CHUNKS:
            return self._end_reached(k)
        n = self._read_sealed(k, m)
        full, rest = divmod(n, _SEALED)
        if n == m * _SEALED:
            return self._cipher.open_into(k, self._scratch, 0, n, False, dst, dst_off)
        if n == 0:
            return self._end_reached(k)
        if rest < _TAG:
            raise TruncatedError(_chunked._truncation_message(k + full, rest))
        got = self._cipher.open_into(k, self._scratch, 0, n, True, dst, dst_off)
        self._length = (k + full) * CHUNK_SIZE + rest - _TAG
        return got

    def _end_reached(self, k):
        """The source ended where chunk k should begin: past the end of the message (then its
        length is authenticated, and this returns 0) or a truncated message (TruncatedError)."""
        if not self._seekable:
            raise TruncatedError(_chunked._truncation_message(k, 0))
        self._authenticate_end()
        return 0

    def _authenticate_end(self):
        """Decrypt the final chunk (found from the source's size) to learn the length."""
        if self._length is not None:
            return self._length
        size = self._fileobj.seek(0, io.SEEK_END) - self._origin
        if size < HEADER_SIZE:
            raise TruncatedError(f"truncated: the ciphertext is {max(size, 0)} bytes, shorter than the 56-byte header")
        full, rest = divmod(size - HEADER_SIZE, _SEALED)
        if rest < _TAG:
            raise TruncatedError(_chunked._truncation_message(full, rest))
        if full >= _MAX_CHUNKS:
            raise TruncatedError("the ciphertext runs past the 2**38-chunk limit")
        self._cache_index = -1
        n = self._read_sealed(full, 1)
        if n != rest:
            raise TruncatedError(f"truncated: the source changed size while being read ({n} of {rest} bytes)")
        got = self._cipher.open_into(full, self._scratch, 0, n, True, self._cache, 0)
        self._cache_index, self._cache_len = full, got
        self._length = full * CHUNK_SIZE + got
        return self._length

    def _readinto(self, b):
        with memoryview(b) as outer:
            if outer.readonly:
                raise TypeError("readinto() needs a writable buffer")
            view = outer.cast("B") if (outer.format != "B" or outer.ndim != 1) else outer
            try:
                return self._fill(view)
            finally:
                if view is not outer:
                    view.release()

    def _fill(self, view):
        """Decrypt into view from the position on.  An error after some bytes were delivered
        ends the call short; it is raised by the next call (the Reader stays failed)."""
        try:
            return self._fill_loop(view, len(view))
        except (InvalidTag, TruncatedError) as exc:
            if not self._delivered:
                raise
            self._error = (type(exc), str(exc))
            self._forget()
            return self._delivered

    def _fill_loop(self, view, want):
        got = self._delivered = 0
        while got < want:
            pos = self._pos
            if self._length is not None and pos >= self._length:
                break
            k, off = divmod(pos, CHUNK_SIZE)
            if k == self._cache_index:
                n = min(self._cache_len - off, want - got)
                if n <= 0:
                    break                     # past the end of the (final) cached chunk
                view[got:got + n] = self._cache[off:off + n]
            elif off == 0 and want - got >= CHUNK_SIZE:
                m = min((want - got) // CHUNK_SIZE, _BATCH_CHUNKS)
                n = self._decrypt_chunks(k, m, view, got)
                if n == 0:
                    break
            else:
                self._cache_index = -1
                n = self._decrypt_chunks(k, 1, self._cache, 0)
                if n == 0:
                    break
                self._cache_index, self._cache_len = k, n
                continue
            got += n
            self._pos = pos + n
            self._delivered = got
        return got

    # -- io.RawIOBase -----------------------------------------------------------------------

    def readinto(self, b):
        """Fill b with plaintext from the current position (as much as the message has);
        returns the bytes written, 0 at the end of the message."""
        return self._guard(self._readinto, b)

    def read(self, size=-1):
        """Up to size bytes from the current position (all the rest when size < 0)."""
        if size is None or size < 0:
            return self.readall()
        size = _length_arg(size, "size")
        buf = bytearray(size)
        n = self.readinto(buf)
        del buf[n:]
        return bytes(buf)

    def readall(self):
        """The rest of the message."""
        def run():
            if self._seekable:
                length = self._authenticate_end()
                buf = bytearray(max(length - self._pos, 0))
                n = self._fill_loop(memoryview(buf), len(buf))
                del buf[n:]
                return bytes(buf)
            parts = []
            while True:
                buf = bytearray(_BATCH_CHUNKS * CHUNK_SIZE)
                n = self._fill_loop(memoryview(buf), len(buf))
                if n == 0:
                    return b"".join(parts)
                del buf[n:]
                parts.append(bytes(buf))
        return self._guard(run)

    def seek(self, offset, whence=io.SEEK_SET):
        """Move to a plaintext offset; SEEK_END authenticates the final chunk first.
        Returns the new position.  Positions past the end are allowed (reads give b"")."""
        try:
            offset = operator.index(offset)
        except TypeError:
            raise TypeError(f"offset must be an integer, not {type(offset).__name__}") from None
        if whence not in (io.SEEK_SET, io.SEEK_CUR, io.SEEK_END):
            raise ValueError(f"invalid whence ({whence!r}: use SEEK_SET, SEEK_CUR or SEEK_END)")

        def run():
            if not self._seekable:
                raise io.UnsupportedOperation("the source file object is not seekable")
            base = 0 if whence == io.SEEK_SET else self._pos if whence == io.SEEK_CUR else self._authenticate_end()
            new = base + offset
            if new < 0:
                raise ValueError(f"negative seek position {new}")
            self._pos = new
            return new
        return self._guard(run)

    @property
    def length(self):
        """The message's plaintext length, authenticated (the final chunk is decrypted the
        first time; needs a seekable source)."""
        def run():
            if not self._seekable:
                raise io.UnsupportedOperation("the length of a non-seekable source is known only at its end")
            return self._authenticate_end()
        return self._guard(run)

    def close(self):
        """Wipe the key and buffers.  Idempotent."""
        with self._lock:
            if self.closed:
                return
            try:
                if self._cipher is not None:
                    self._cipher.wipe()
                self._cache[:] = bytes(CHUNK_SIZE)
                self._cache_index = -1
                if self._scratch is not None:
                    self._scratch[:] = bytes(len(self._scratch))
            finally:
                super().close()
                if self._close_fileobj:
                    self._fileobj.close()
