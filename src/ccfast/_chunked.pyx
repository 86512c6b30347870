# c2sp.org/chunked-encryption: key derivation, commitment and the chunk loop (csrc/chunked).
#
# The public face is ccfast/chunked.py (suites, argument checks, Writer and Reader); this module
# holds what must be fast or must keep secrets off the Python heap: the key derivation (HKDF in
# C: nothing derived ever becomes a Python object), the per-message AEAD context (wiped on close
# and on deallocation) and the chunk loops, which run with the GIL released.
import os

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.memoryview cimport PyMemoryView_FromMemory
from cpython.buffer cimport PyBUF_READ, PyBUF_WRITE
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.pythread cimport (PyThread_type_lock, PyThread_allocate_lock, PyThread_free_lock,
                               PyThread_acquire_lock, PyThread_release_lock, WAIT_LOCK, NOWAIT_LOCK)
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
HASH_SHA256 = CCF_CHUNKED_SHA256
HASH_SHA512 = CCF_CHUNKED_SHA512
HASH_SM3 = CCF_CHUNKED_SM3

# Below this many bytes a chunk loop keeps the GIL (release and re-acquire cost more).
DEF NOGIL_THRESHOLD = 4096


def _hkdf_expand(int hash_id, prk, info, Py_ssize_t length):
    """HKDF-Expand (RFC 5869 2.3) of the C code, as bytes (for tests)."""
    if length < 0:
        raise ValueError("length must not be negative")
    out = bytearray(length)
    _hkdf_expand_into(hash_id, prk, info, out)
    return bytes(out)


def _hkdf_expand_into(int hash_id, prk, info, out):
    """HKDF-Expand (RFC 5869 2.3) of the C code into the writable buffer out (all of it), so a
    derived key can live in a bytearray its owner wipes (ccfast.recording's header and payload
    keys)."""
    cdef Py_buffer pb, ib, ob
    cdef const uint8_t *seg[1]
    cdef size_t seglen[1]
    cdef int rc
    memset(&pb, 0, sizeof(Py_buffer)); memset(&ib, 0, sizeof(Py_buffer)); memset(&ob, 0, sizeof(Py_buffer))
    try:
        get_read_buffer(prk, &pb, "prk")
        get_read_buffer(info, &ib, "info")
        get_buffer(out, &ob, True, "out")
        seg[0] = <const uint8_t *>ib.buf
        seglen[0] = ib.len
        rc = ccf_hkdf_expand(hash_id, <const uint8_t *>pb.buf, pb.len, seg, seglen, 1,
                             <uint8_t *>ob.buf, ob.len)
        if rc != CCF_OK:
            raise ValueError(f"HKDF-Expand refused (status {rc})")
    finally:
        release_buffer(&pb); release_buffer(&ib); release_buffer(&ob)


cdef class Cipher:
    """The per-message state of one chunked message: the AEAD key and base nonce derived from
    (input key, salt, context), and the salt and commitment that form the 56-byte header.

    Cipher(aead, hash_id, key, salt, context): aead is AES_GCM or SM4_GCM, hash_id one of
    HASH_*; key, salt (24 bytes) and context are bytes-like.  The caller has checked the key
    length against the suite.  The context is
    read-only once made, so threads may seal or open disjoint chunk ranges at once."""
    cdef ccf_chunked *ctx
    cdef uint8_t _salt[24]
    cdef uint8_t _commitment[32]

    def __cinit__(self, int aead, int hash_id, key, salt, context):
        cdef Py_buffer kb, sb, cb
        cdef int rc
        memset(&kb, 0, sizeof(Py_buffer)); memset(&sb, 0, sizeof(Py_buffer)); memset(&cb, 0, sizeof(Py_buffer))
        try:
            get_read_buffer(key, &kb, "key")
            get_read_buffer(salt, &sb, "salt")
            get_read_buffer(context, &cb, "context")
            if sb.len != _SALT:
                raise ValueError(f"salt must be {_SALT} bytes, not {sb.len}")
            memcpy(self._salt, sb.buf, _SALT)
            self.ctx = <ccf_chunked *>ccf_alloc_aligned(sizeof(ccf_chunked), 64)
            if self.ctx == NULL:
                raise MemoryError()
            rc = ccf_chunked_derive(self.ctx, aead, hash_id, <const uint8_t *>kb.buf, kb.len, self._salt,
                                    <const uint8_t *>cb.buf, cb.len, self._commitment)
            if rc != CCF_OK:
                ccf_free_aligned(self.ctx, sizeof(ccf_chunked))
                self.ctx = NULL
                raise ValueError(f"chunked key derivation refused the key of {kb.len} bytes (status {rc})")
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


ctypedef struct job_ctl:
    ccf_chunked_job job
    PyThread_type_lock done      # held until the thread finishing the last piece releases it


cdef inline void _run_job(job_ctl *ctl) noexcept nogil:
    if ccf_chunked_job_run(&ctl.job):
        PyThread_release_lock(ctl.done)


cdef class SealJob:
    """Whole chunks of one range sealed by every thread that runs it (pieces taken in turn,
    without the GIL): SealPool workers and the owner, whose finish() takes pieces too, then
    blocks (without the GIL, without spinning) until the pieces others took are sealed,
    releases the buffers and raises on a failure.  A worker that starts after every piece was
    taken returns at once, so the owner never waits for a thread that got no CPU.

    SealJob(cipher, first, src, src_start, nchunks, dst, piece): chunks first.. from
    src[src_start:] into dst[0:] (16400 bytes per chunk)."""
    cdef job_ctl ctl
    cdef Py_buffer sb, db
    cdef bint held
    cdef Cipher cipher

    def __cinit__(self, Cipher cipher, uint64_t first, src, Py_ssize_t src_start, Py_ssize_t nchunks, dst,
                  Py_ssize_t piece):
        cdef int rc
        cipher._ready()
        memset(&self.sb, 0, sizeof(Py_buffer)); memset(&self.db, 0, sizeof(Py_buffer))
        self.ctl.done = PyThread_allocate_lock()
        if self.ctl.done == NULL:
            raise MemoryError()
        PyThread_acquire_lock(self.ctl.done, WAIT_LOCK)
        get_read_buffer(src, &self.sb, "data")
        try:
            get_buffer(dst, &self.db, True, "out")
            if nchunks <= 0 or piece <= 0 or src_start < 0 or src_start + nchunks * _CHUNK > self.sb.len \
                    or nchunks * _SEALED > self.db.len:
                raise ValueError("job range out of bounds")
            rc = ccf_chunked_job_init(&self.ctl.job, cipher.ctx, first, <const uint8_t *>self.sb.buf + src_start,
                                      nchunks, <uint8_t *>self.db.buf, piece)
            if rc == CCF_ERR_LENGTH:
                raise OverflowError("a chunked message is limited to 2**38 chunks (4 PiB)")
            if rc != CCF_OK:
                raise ValueError(f"chunk job refused (status {rc})")
        except BaseException:
            release_buffer(&self.sb); release_buffer(&self.db)
            raise
        self.cipher = cipher       # the context stays alive while any thread may run
        self.held = True

    def __dealloc__(self):
        if self.held:
            release_buffer(&self.sb); release_buffer(&self.db)
        if self.ctl.done != NULL:
            PyThread_free_lock(self.ctl.done)

    def run(self):
        with nogil:
            _run_job(&self.ctl)

    def finish(self):
        """Take the pieces left, wait for the others, release the buffers; ValueError if a
        piece failed."""
        cdef int rc
        with nogil:
            _run_job(&self.ctl)
            PyThread_acquire_lock(self.ctl.done, WAIT_LOCK)
            rc = ccf_chunked_job_wait(&self.ctl.job)
        if self.held:
            self.held = False
            release_buffer(&self.sb); release_buffer(&self.db)
        if rc != CCF_OK:
            raise ValueError(f"chunk sealing failed (status {rc})")


cdef class SealPool:
    """Worker threads for SealJobs that wait and work without the GIL.  assign(job) hands the
    job to every idle worker (one lock release each); a worker still asleep on an earlier job
    is skipped, and keeps that job alive until it wakes, finds nothing left and is idle again.
    close() stops and joins the workers."""
    cdef int n
    cdef bint stop
    cdef PyThread_type_lock *wake     # held: worker i sleeps; released: it has a job (or must stop)
    cdef PyThread_type_lock *idle     # released: worker i is idle; held: it has a job to look at
    cdef job_ctl **slot
    cdef list jobs                    # the SealJob each worker was given (kept alive for it)
    cdef list threads

    def __cinit__(self, int n):
        cdef int i
        if n < 1:
            raise ValueError("a pool needs at least one worker")
        self.n = n
        self.wake = <PyThread_type_lock *>PyMem_Malloc(n * sizeof(PyThread_type_lock))
        self.idle = <PyThread_type_lock *>PyMem_Malloc(n * sizeof(PyThread_type_lock))
        self.slot = <job_ctl **>PyMem_Malloc(n * sizeof(job_ctl *))
        if self.wake == NULL or self.idle == NULL or self.slot == NULL:
            raise MemoryError()
        for i in range(n):
            self.wake[i] = self.idle[i] = NULL
            self.slot[i] = NULL
        for i in range(n):
            self.wake[i] = PyThread_allocate_lock()
            self.idle[i] = PyThread_allocate_lock()
            if self.wake[i] == NULL or self.idle[i] == NULL:
                raise MemoryError()
            PyThread_acquire_lock(self.wake[i], WAIT_LOCK)
        self.jobs = [None] * n
        self.threads = []

    def start(self):
        import threading
        for i in range(self.n):
            t = threading.Thread(target=self._serve, args=(i,), name=f"ccfast-chunked-{i}", daemon=True)
            t.start()
            self.threads.append(t)

    def _serve(self, int i):
        cdef job_ctl *ctl
        with nogil:
            while True:
                PyThread_acquire_lock(self.wake[i], WAIT_LOCK)
                if self.stop:
                    break
                ctl = self.slot[i]
                if ctl != NULL:
                    _run_job(ctl)
                PyThread_release_lock(self.idle[i])

    def assign(self, SealJob job, int workers):
        """Give job to up to `workers` idle workers; returns how many took it."""
        cdef int i, given = 0
        for i in range(self.n):
            if given >= workers:
                break
            if PyThread_acquire_lock(self.idle[i], NOWAIT_LOCK):
                self.jobs[i] = job
                self.slot[i] = &job.ctl
                PyThread_release_lock(self.wake[i])
                given += 1
        return given

    def close(self):
        cdef int i
        if self.stop or not self.threads:
            self.stop = True
            return
        for i in range(self.n):
            with nogil:
                PyThread_acquire_lock(self.idle[i], WAIT_LOCK)   # it finishes what it was given
        self.stop = True
        for i in range(self.n):
            PyThread_release_lock(self.wake[i])
        for t in self.threads:
            t.join()
        for i in range(self.n):
            PyThread_release_lock(self.idle[i])       # (each wake lock stays held by its stopped worker)
        self.jobs = [None] * self.n

    def __dealloc__(self):
        cdef int i
        if self.wake != NULL:
            for i in range(self.n):
                if self.wake[i] != NULL:
                    PyThread_release_lock(self.wake[i])
                    PyThread_free_lock(self.wake[i])
            PyMem_Free(self.wake)
        if self.idle != NULL:
            for i in range(self.n):
                if self.idle[i] != NULL:
                    PyThread_free_lock(self.idle[i])
            PyMem_Free(self.idle)
        PyMem_Free(self.slot)


def fresh_bytes(Py_ssize_t n):
    """(a new bytes object of n bytes, a writable memoryview of its storage): the view is for
    filling the object before it is handed out, and must be released first.  It holds no
    reference to the bytes object: keep both alive together."""
    cdef bytes b = new_bytes(n)
    return b, PyMemoryView_FromMemory(PyBytes_AS_STRING(b), n, PyBUF_WRITE)


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


cdef int _seal_message(Cipher c, Py_buffer *pb, uint8_t *o) except -1:
    """salt || commitment || sealed chunks of pb into o (sealed_length(pb.len) bytes)."""
    cdef size_t w = 0
    cdef int rc
    memcpy(o, c._salt, _SALT)
    memcpy(o + _SALT, c._commitment, _COMMITMENT)
    if pb.len >= NOGIL_THRESHOLD:
        with nogil:
            rc = ccf_chunked_seal(c.ctx, 0, <const uint8_t *>pb.buf, pb.len, 1, o + _HEADER, &w)
    else:
        rc = ccf_chunked_seal(c.ctx, 0, <const uint8_t *>pb.buf, pb.len, 1, o + _HEADER, &w)
    if rc != CCF_OK:
        raise ValueError(f"chunk sealing failed (status {rc})")
    return 0


cdef Cipher _open_header(int aead, int hash_id, key, Py_buffer *cb, context, uint64_t *plain_len):
    """Check a whole message's length and commitment: its Cipher, and the plaintext length."""
    cdef const uint8_t *s = <const uint8_t *>cb.buf
    cdef uint64_t body, full, rest
    cdef Cipher c
    if cb.len < _HEADER:
        raise TruncatedError(f"truncated: the ciphertext is {cb.len} bytes, shorter than the "
                             f"56-byte header (salt and commitment)")
    c = Cipher(aead, hash_id, key, PyMemoryView_FromMemory(<char *>s, _SALT, PyBUF_READ), context)
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
        plain_len[0] = full * _CHUNK + rest - _TAG
        return c
    except BaseException:
        c._wipe()
        raise


cdef int _open_message(Cipher c, Py_buffer *cb, uint8_t *o, uint64_t plain_len) except -1:
    """Open every chunk of a checked message into o; on failure o is zeroed and InvalidTag raised."""
    cdef const uint8_t *s = <const uint8_t *>cb.buf + _HEADER
    cdef size_t body = <size_t>(cb.len - _HEADER), w = 0
    cdef uint64_t bad = 0
    cdef int rc
    if body >= NOGIL_THRESHOLD:
        with nogil:
            rc = ccf_chunked_open(c.ctx, 0, s, body, 1, o, &w, &bad)
    else:
        rc = ccf_chunked_open(c.ctx, 0, s, body, 1, o, &w, &bad)
    if rc != CCF_OK:
        ccf_memzero(o, plain_len)
        if rc == CCF_ERR_AUTH:
            raise InvalidTag(f"chunk {bad} failed authentication (tampered, reordered, or cut inside)")
        raise ValueError(f"chunk opening failed (status {rc})")
    return 0


cdef inline int _check_message_length(Py_ssize_t n) except -1:
    if <uint64_t>n // _CHUNK + 1 > _MAX_CHUNKS:
        raise OverflowError("a chunked message is limited to 2**38 chunks (4 PiB - 1 byte)")
    return 0


cdef inline int _check_out(Py_buffer *ob, uint64_t need, Py_buffer *src) except -1:
    cdef size_t a = <size_t>ob.buf, b = <size_t>src.buf
    if <uint64_t>ob.len < need:
        raise ValueError(f"out is too small: {ob.len} bytes, need {need}")
    if need and src.len and a < b + <size_t>src.len and b < a + <size_t>need:
        raise ValueError("out must not overlap the input")
    return 0


def encrypt(int aead, int hash_id, key, plaintext, context, salt=None):
    """One message: salt || commitment || sealed chunks, written straight into the result."""
    cdef Py_buffer pb
    cdef Cipher c
    cdef bytes out
    get_read_buffer(plaintext, &pb, "plaintext")
    try:
        _check_message_length(pb.len)
        c = Cipher(aead, hash_id, key, os.urandom(_SALT) if salt is None else salt, context)
        try:
            out = new_bytes(sealed_length(pb.len))
            _seal_message(c, &pb, <uint8_t *>PyBytes_AS_STRING(out))
            return out
        finally:
            c._wipe()
    finally:
        release_buffer(&pb)


def encrypt_into(int aead, int hash_id, key, plaintext, out, context):
    """encrypt() into the writable buffer `out`; returns the bytes written."""
    cdef Py_buffer pb, ob
    cdef Cipher c
    cdef uint64_t need
    memset(&pb, 0, sizeof(Py_buffer)); memset(&ob, 0, sizeof(Py_buffer))
    try:
        get_read_buffer(plaintext, &pb, "plaintext")
        get_buffer(out, &ob, True, "out")
        _check_message_length(pb.len)
        need = sealed_length(pb.len)
        _check_out(&ob, need, &pb)
        c = Cipher(aead, hash_id, key, os.urandom(_SALT), context)
        try:
            _seal_message(c, &pb, <uint8_t *>ob.buf)
            return need
        finally:
            c._wipe()
    finally:
        release_buffer(&pb); release_buffer(&ob)


def decrypt(int aead, int hash_id, key, ciphertext, context):
    """Check the header, then open every chunk; nothing is returned unless all authenticate."""
    cdef Py_buffer cb
    cdef Cipher c
    cdef bytes out
    cdef uint64_t n = 0
    get_read_buffer(ciphertext, &cb, "ciphertext")
    try:
        c = _open_header(aead, hash_id, key, &cb, context, &n)
        try:
            out = new_bytes(n)
            _open_message(c, &cb, <uint8_t *>PyBytes_AS_STRING(out), n)
            return out
        finally:
            c._wipe()
    finally:
        release_buffer(&cb)


def decrypt_into(int aead, int hash_id, key, ciphertext, out, context):
    """decrypt() into the writable buffer `out`; returns the plaintext length.  On failure the
    bytes it wrote are zeroed."""
    cdef Py_buffer cb, ob
    cdef Cipher c
    cdef uint64_t n = 0
    memset(&cb, 0, sizeof(Py_buffer)); memset(&ob, 0, sizeof(Py_buffer))
    try:
        get_read_buffer(ciphertext, &cb, "ciphertext")
        get_buffer(out, &ob, True, "out")
        c = _open_header(aead, hash_id, key, &cb, context, &n)
        try:
            _check_out(&ob, n, &cb)
            _open_message(c, &cb, <uint8_t *>ob.buf, n)
            return n
        finally:
            c._wipe()
    finally:
        release_buffer(&cb); release_buffer(&ob)
