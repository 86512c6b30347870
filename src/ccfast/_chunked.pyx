# c2sp.org/chunked-encryption: key derivation, commitment and the chunk loop (csrc/chunked).
#
# The public face is ccfast/chunked.py (suites, argument checks, Writer and Reader); this module
# holds what must be fast or must keep secrets off the Python heap: HKDF-Expand into a C buffer
# that is wiped, the per-message AEAD context (wiped on close and on deallocation) and the chunk
# loops, which run with the GIL released.
import hmac as _hmac
import os

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.memoryview cimport PyMemoryView_FromMemory
from cpython.buffer cimport PyBUF_READ
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from libc.stdint cimport uint8_t, uint64_t
from libc.string cimport memcpy, memset

from ccfast._chunked cimport *
from ccfast._buffer cimport get_buffer, get_read_buffer, release_buffer, new_bytes
from ccfast._common cimport (ccf_cpu_init, ccf_alloc_aligned, ccf_free_aligned, ccf_memzero, ccf_ct_memcmp,
                             CCF_OK, CCF_ERR_AUTH, CCF_ERR_LENGTH)

from ccfast.exceptions import InvalidTag, TruncatedError

ccf_cpu_init()

cdef enum:
    _CHUNK = 16384
    _TAG = 16
    _SEALED = 16400
    _SALT = 24
    _COMMITMENT = 32
    _HEADER = 56
    _NONCE = 12
cdef uint64_t _MAX_CHUNKS = (<uint64_t>1) << 38

CHUNK = _CHUNK
TAG = _TAG
SEALED = _SEALED
SALT = _SALT
COMMITMENT = _COMMITMENT
HEADER = _HEADER
NONCE = _NONCE
MAX_CHUNKS = _MAX_CHUNKS
AES_GCM = CCF_CHUNKED_AES_GCM
SM4_GCM = CCF_CHUNKED_SM4_GCM
HASH_SHA256 = 1
HASH_SHA512 = 2
HASH_SM3 = 3

DEF PREFIX = b"c2sp.org/chunked-encryption@v1+"
DEF MAX_OKM = 32 + 12 + 32
# Below this many bytes a chunk loop keeps the GIL (release and re-acquire cost more).
DEF NOGIL_THRESHOLD = 4096

cdef dict _HASH_NAMES = {HASH_SHA256: "sha256", HASH_SHA512: "sha512"}


cdef int _hkdf_expand(int hash_id, Py_buffer *prk, bytes info, uint8_t *okm, size_t okm_len) except -1:
    """HKDF-Expand (RFC 5869 2.3) with HMAC-SHA-256, HMAC-SHA-512 (hashlib) or HMAC-SM3 (ccfast)
    into okm; every intermediate block is wiped."""
    cdef size_t hl = 32 if hash_id != HASH_SHA512 else 64
    cdef size_t info_len = <size_t>PyBytes_GET_SIZE(info)
    cdef size_t msg_len = hl + info_len + 1
    cdef size_t done = 0, n
    cdef unsigned counter = 1
    cdef uint8_t t[64]
    cdef uint8_t *msg = <uint8_t *>PyMem_Malloc(msg_len)
    cdef bytes block
    cdef object name = _HASH_NAMES.get(hash_id)
    cdef object key_view = None
    if msg == NULL:
        raise MemoryError()
    try:
        # msg = T(i-1) || info || i; T(0) is empty, so block 1 hashes msg[hl:]
        memcpy(msg + hl, PyBytes_AS_STRING(info), info_len)
        if hash_id != HASH_SM3:
            key_view = PyMemoryView_FromMemory(<char *>prk.buf, prk.len, PyBUF_READ)
        while done < okm_len:
            msg[msg_len - 1] = <uint8_t>counter
            if hash_id == HASH_SM3:
                if counter == 1:
                    ccf_sm3_hmac(<const uint8_t *>prk.buf, prk.len, msg + hl, msg_len - hl, t)
                else:
                    ccf_sm3_hmac(<const uint8_t *>prk.buf, prk.len, msg, msg_len, t)
            else:
                view = PyMemoryView_FromMemory(<char *>(msg + (hl if counter == 1 else 0)),
                                               msg_len - (hl if counter == 1 else 0), PyBUF_READ)
                block = _hmac.digest(key_view, view, name)
                view.release()
                memcpy(t, PyBytes_AS_STRING(block), hl)
                # the digest object is ours alone (fresh, never hashed or shared): wipe its bytes
                ccf_memzero(PyBytes_AS_STRING(block), hl)
                block = None
            n = okm_len - done if okm_len - done < hl else hl
            memcpy(okm + done, t, n)
            memcpy(msg, t, hl)
            done += n
            counter += 1
    finally:
        if key_view is not None:
            key_view.release()
        ccf_memzero(t, sizeof(t))
        ccf_memzero(msg, msg_len)
        PyMem_Free(msg)
    return 0


cdef bytes _info(bytes aead_name, const uint8_t *salt, Py_buffer *context):
    """info = "c2sp.org/chunked-encryption@v1+" || aead name || 0x00 || salt || context."""
    cdef Py_ssize_t p = len(PREFIX), a = PyBytes_GET_SIZE(aead_name)
    cdef bytes info = new_bytes(p + a + 1 + _SALT + context.len)
    cdef char *o = PyBytes_AS_STRING(info)
    memcpy(o, <const char *>PREFIX, p)
    memcpy(o + p, PyBytes_AS_STRING(aead_name), a)
    o[p + a] = 0
    memcpy(o + p + a + 1, salt, _SALT)
    memcpy(o + p + a + 1 + _SALT, context.buf, context.len)
    return info


cdef class Cipher:
    """The per-message state of one chunked message: the AEAD key and base nonce derived from
    (input key, salt, context), and the salt and commitment that form the 56-byte header.

    Cipher(aead, hash_id, aead_name, key, salt, context): aead is AES_GCM or SM4_GCM, hash_id
    one of HASH_*, aead_name the IANA name (bytes); key, salt (24 bytes) and context are
    bytes-like.  The caller has checked the key length against the suite.  The context is
    read-only once made, so threads may seal or open disjoint chunk ranges at once."""
    cdef ccf_chunked *ctx
    cdef uint8_t _salt[24]
    cdef uint8_t _commitment[32]

    def __cinit__(self, int aead, int hash_id, bytes aead_name, key, salt, context):
        cdef Py_buffer kb, sb, cb
        cdef uint8_t okm[MAX_OKM]
        cdef size_t key_len, okm_len
        cdef int rc
        memset(&kb, 0, sizeof(Py_buffer)); memset(&sb, 0, sizeof(Py_buffer)); memset(&cb, 0, sizeof(Py_buffer))
        try:
            get_read_buffer(key, &kb, "key")
            get_read_buffer(salt, &sb, "salt")
            get_read_buffer(context, &cb, "context")
            if sb.len != _SALT:
                raise ValueError(f"salt must be {_SALT} bytes, not {sb.len}")
            key_len = <size_t>kb.len
            if key_len not in (16, 32):
                raise ValueError(f"key must be 16 or 32 bytes, not {kb.len}")
            okm_len = key_len + _NONCE + _COMMITMENT
            memcpy(self._salt, sb.buf, _SALT)
            _hkdf_expand(hash_id, &kb, _info(aead_name, self._salt, &cb), okm, okm_len)
            try:
                self.ctx = <ccf_chunked *>ccf_alloc_aligned(sizeof(ccf_chunked), 64)
                if self.ctx == NULL:
                    raise MemoryError()
                rc = ccf_chunked_init(self.ctx, aead, okm, key_len, okm + key_len)
                if rc != CCF_OK:
                    raise ValueError(f"chunked cipher set-up failed (status {rc})")
                memcpy(self._commitment, okm + key_len + _NONCE, _COMMITMENT)
            finally:
                ccf_memzero(okm, sizeof(okm))
        finally:
            release_buffer(&kb); release_buffer(&sb); release_buffer(&cb)

    def __dealloc__(self):
        self._wipe()

    cdef void _wipe(self) noexcept:
        if self.ctx != NULL:
            ccf_chunked_wipe(self.ctx)
            ccf_free_aligned(self.ctx, sizeof(ccf_chunked))
            self.ctx = NULL

    def __reduce__(self):
        raise TypeError("chunked cipher objects hold a key and cannot be pickled")

    def __repr__(self):
        return f"<ccfast._chunked.Cipher {'wiped' if self.ctx == NULL else 'ready'}>"

    def wipe(self):
        """Zero and free the key material; later calls raise ValueError."""
        self._wipe()

    cdef inline int _ready(self) except -1:
        if self.ctx == NULL:
            raise ValueError("I/O operation on closed file (the key has been wiped)")
        return 0

    @property
    def _implementation(self):
        self._ready()
        return ccf_chunked_impl_name(self.ctx).decode()

    def header(self):
        """salt || commitment: the 56 bytes that begin the message."""
        cdef bytes out = new_bytes(_HEADER)
        memcpy(PyBytes_AS_STRING(out), self._salt, _SALT)
        memcpy(PyBytes_AS_STRING(out) + _SALT, self._commitment, _COMMITMENT)
        return out

    def check_commitment(self, commitment):
        """True when `commitment` (32 bytes) equals the derived one (constant-time compare)."""
        cdef Py_buffer b
        get_read_buffer(commitment, &b, "commitment")
        try:
            return b.len == _COMMITMENT and ccf_ct_memcmp(b.buf, self._commitment, _COMMITMENT) == 0
        finally:
            release_buffer(&b)

    def seal_into(self, uint64_t first, src, Py_ssize_t start, Py_ssize_t length, bint final, dst,
                  Py_ssize_t dst_start):
        """Seal src[start:start + length] as chunks first, first + 1, ... (the message's last
        chunks when final) into dst[dst_start:]; returns the bytes written.  The GIL is released."""
        cdef Py_buffer sb, db
        cdef size_t w = 0
        cdef uint64_t need
        cdef int rc
        cdef const uint8_t *s
        cdef uint8_t *d
        self._ready()
        memset(&sb, 0, sizeof(Py_buffer)); memset(&db, 0, sizeof(Py_buffer))
        try:
            get_read_buffer(src, &sb, "data")
            get_buffer(dst, &db, True, "out")
            if start < 0 or length < 0 or start + length > sb.len:
                raise ValueError("source range out of bounds")
            if not final and length % _CHUNK:
                raise ValueError("a range that does not end the message must be whole chunks")
            need = ccf_chunked_sealed_length(<uint64_t>length, final)
            if dst_start < 0 or <uint64_t>dst_start + need > <uint64_t>db.len:
                raise ValueError(f"out is too small: need {need} bytes at offset {dst_start}")
            s = <const uint8_t *>sb.buf + start
            d = <uint8_t *>db.buf + dst_start
            if length >= NOGIL_THRESHOLD:
                with nogil:
                    rc = ccf_chunked_seal(self.ctx, first, s, <size_t>length, final, d, &w)
            else:
                rc = ccf_chunked_seal(self.ctx, first, s, <size_t>length, final, d, &w)
            if rc == CCF_ERR_LENGTH:
                raise OverflowError("a chunked message is limited to 2**38 chunks (4 PiB)")
            if rc != CCF_OK:
                raise ValueError(f"chunk sealing failed (status {rc})")
            return w
        finally:
            release_buffer(&sb); release_buffer(&db)

    def open_into(self, uint64_t first, src, Py_ssize_t start, Py_ssize_t length, bint final, dst,
                  Py_ssize_t dst_start):
        """Open sealed chunks src[start:start + length] numbered from `first` into
        dst[dst_start:]; returns the plaintext bytes written.  final: the range ends the message
        (its last chunk is the short final chunk).  TruncatedError when the length shows a cut
        message, InvalidTag when a chunk fails authentication (what this call wrote is zeroed)."""
        cdef Py_buffer sb, db
        cdef size_t w = 0
        cdef uint64_t bad = 0, full, rest, need
        cdef int rc
        cdef const uint8_t *s
        cdef uint8_t *d
        self._ready()
        memset(&sb, 0, sizeof(Py_buffer)); memset(&db, 0, sizeof(Py_buffer))
        try:
            get_read_buffer(src, &sb, "data")
            get_buffer(dst, &db, True, "out")
            if start < 0 or length < 0 or start + length > sb.len:
                raise ValueError("source range out of bounds")
            full = <uint64_t>length // _SEALED
            rest = <uint64_t>length % _SEALED
            if final and rest < _TAG:
                raise TruncatedError(_truncation_message(first + full, rest))
            if not final and rest:
                raise ValueError("a range that does not end the message must be whole chunks")
            need = full * _CHUNK + (rest - _TAG if final else 0)
            if dst_start < 0 or <uint64_t>dst_start + need > <uint64_t>db.len:
                raise ValueError(f"out is too small: need {need} bytes at offset {dst_start}")
            s = <const uint8_t *>sb.buf + start
            d = <uint8_t *>db.buf + dst_start
            if length >= NOGIL_THRESHOLD:
                with nogil:
                    rc = ccf_chunked_open(self.ctx, first, s, <size_t>length, final, d, &w, &bad)
            else:
                rc = ccf_chunked_open(self.ctx, first, s, <size_t>length, final, d, &w, &bad)
            if rc == CCF_ERR_AUTH:
                raise InvalidTag(f"chunk {bad} failed authentication (tampered, reordered, or cut inside)")
            if rc == CCF_ERR_LENGTH:
                raise TruncatedError("the ciphertext runs past the 2**38-chunk limit")
            if rc != CCF_OK:
                raise ValueError(f"chunk opening failed (status {rc})")
            return w
        finally:
            release_buffer(&sb); release_buffer(&db)


def _truncation_message(uint64_t index, uint64_t rest):
    if rest == 0 and index == 0:
        return "truncated: the ciphertext ends after its header (even an empty message has a final chunk)"
    if rest == 0:
        return (f"truncated: the message ends after a full chunk, chunk {index} (the short final "
                f"chunk) is missing")
    return f"truncated: final chunk {index} is {rest} bytes, shorter than its 16-byte tag"


def sealed_length(n):
    """Ciphertext length of an n-byte message (header included)."""
    return _HEADER + n + (n // _CHUNK + 1) * _TAG


def encrypt(int aead, int hash_id, bytes aead_name, key, plaintext, context, salt=None):
    """One message: salt || commitment || sealed chunks, written straight into the result."""
    cdef Py_buffer pb
    cdef Cipher c
    cdef bytes out
    cdef uint8_t *o
    cdef size_t w = 0
    cdef int rc
    cdef uint64_t n
    if salt is None:
        salt = os.urandom(_SALT)
    get_read_buffer(plaintext, &pb, "plaintext")
    try:
        n = <uint64_t>pb.len
        if n // _CHUNK + 1 > _MAX_CHUNKS:
            raise OverflowError("a chunked message is limited to 2**38 chunks (4 PiB - 1 byte)")
        c = Cipher(aead, hash_id, aead_name, key, salt, context)
        try:
            out = new_bytes(sealed_length(pb.len))
            o = <uint8_t *>PyBytes_AS_STRING(out)
            memcpy(o, c._salt, _SALT)
            memcpy(o + _SALT, c._commitment, _COMMITMENT)
            if pb.len >= NOGIL_THRESHOLD:
                with nogil:
                    rc = ccf_chunked_seal(c.ctx, 0, <const uint8_t *>pb.buf, pb.len, 1, o + _HEADER, &w)
            else:
                rc = ccf_chunked_seal(c.ctx, 0, <const uint8_t *>pb.buf, pb.len, 1, o + _HEADER, &w)
            if rc != CCF_OK:
                raise ValueError(f"chunk sealing failed (status {rc})")
            return out
        finally:
            c._wipe()
    finally:
        release_buffer(&pb)


def decrypt(int aead, int hash_id, bytes aead_name, key, ciphertext, context):
    """Check the header, then open every chunk; nothing is returned unless all authenticate."""
    cdef Py_buffer cb
    cdef Cipher c
    cdef bytes out
    cdef uint8_t *o
    cdef const uint8_t *s
    cdef size_t w = 0
    cdef uint64_t bad = 0, body, full, rest
    cdef int rc
    get_read_buffer(ciphertext, &cb, "ciphertext")
    try:
        s = <const uint8_t *>cb.buf
        if cb.len < _HEADER:
            raise TruncatedError(f"truncated: the ciphertext is {cb.len} bytes, shorter than the "
                                 f"56-byte header (salt and commitment)")
        c = Cipher(aead, hash_id, aead_name, key, PyMemoryView_FromMemory(<char *>s, _SALT, PyBUF_READ), context)
        try:
            if ccf_ct_memcmp(s + _SALT, c._commitment, _COMMITMENT) != 0:
                raise InvalidTag("the key commitment does not match: wrong key or context, or a modified header")
            body = <uint64_t>(cb.len - _HEADER)
            full = body // _SEALED
            rest = body % _SEALED
            if rest < _TAG:
                raise TruncatedError(_truncation_message(full, rest))
            if full + 1 > _MAX_CHUNKS:
                raise TruncatedError("the ciphertext runs past the 2**38-chunk limit")
            out = new_bytes(full * _CHUNK + rest - _TAG)
            o = <uint8_t *>PyBytes_AS_STRING(out)
            if body >= NOGIL_THRESHOLD:
                with nogil:
                    rc = ccf_chunked_open(c.ctx, 0, s + _HEADER, body, 1, o, &w, &bad)
            else:
                rc = ccf_chunked_open(c.ctx, 0, s + _HEADER, body, 1, o, &w, &bad)
            if rc == CCF_ERR_AUTH:
                ccf_memzero(o, PyBytes_GET_SIZE(out))
                raise InvalidTag(f"chunk {bad} failed authentication (tampered, reordered, or cut inside)")
            if rc != CCF_OK:
                raise ValueError(f"chunk opening failed (status {rc})")
            return out
        finally:
            c._wipe()
    finally:
        release_buffer(&cb)
