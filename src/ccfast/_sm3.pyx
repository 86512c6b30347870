# SM3 (GB/T 32905) over csrc/sm3: a hashlib-style object, HMAC, the GB/T 32918 KDF, batches.
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_CheckExact, PyBytes_GET_SIZE
from cpython.mem cimport PyMem_Calloc, PyMem_Free
from libc.stdint cimport uint8_t, uint32_t
from libc.string cimport memcpy, memset

from ccfast._sm3 cimport *
from ccfast._args cimport reject_keywords
from ccfast._buffer cimport get_read_buffer, release_buffer, new_bytes
from ccfast._impls cimport impl_table, impl_named
from ccfast._common cimport ccf_cpu_init, ccf_memzero, ccf_lock, ccf_lock_acquire, ccf_lock_release

ccf_cpu_init()

DEF DIGEST_SIZE = 32
DEF BLOCK_SIZE = 64
# Inputs at least this long are hashed with the GIL released: about 5 us of hashing at 400 MB/s
# against some 0.1 us to release and take back the GIL (the 2048 bytes blake3-py also uses).
DEF NOGIL_THRESHOLD = 2048


def _implementations():
    return {"sm3": ccf_sm3_best().name.decode(), "sm3-mb": ccf_sm3_mb_best().name.decode()}


def _available_implementations():
    return {"sm3": impl_table(ccf_sm3_impls()), "sm3-mb": impl_table(ccf_sm3_mb_impls())}


cdef inline void _update(ccf_sm3_ctx *c, Py_buffer *b) noexcept:
    if b.len >= NOGIL_THRESHOLD:
        with nogil:
            ccf_sm3_update(c, <const uint8_t *>b.buf, b.len)
    else:
        ccf_sm3_update(c, <const uint8_t *>b.buf, b.len)


cdef class SM3:
    """SM3(data=b'')\n--\n\nSM3 hash object with the hashlib interface (update, digest, hexdigest, copy).

    Works as ``hmac.new(key, msg, digestmod=ccfast.sm3.SM3)``.  May be shared between threads
    (as hashlib objects): update, digest and copy each hold the object's lock, so updates from
    several threads land whole, one after another (in no set order).
    """
    cdef ccf_sm3_ctx ctx
    # Held while the context is read or written.  Without it two updates at once (two threads
    # of a free-threaded build, or a long update hashing with the GIL released) corrupt the
    # buffered block count and write past the block buffer.
    cdef ccf_lock lock
    name = "sm3"
    digest_size = DIGEST_SIZE
    block_size = BLOCK_SIZE

    def __cinit__(self, data=b"", *, _impl=None, **kwargs):
        reject_keywords("SM3", kwargs)
        if _impl is None:
            ccf_sm3_init(&self.ctx)
        else:
            ccf_sm3_init_impl(&self.ctx, <const ccf_sm3_impl *>impl_named(ccf_sm3_impls(), "SM3", _impl))
        if data is not None and (not isinstance(data, bytes) or len(data)):
            self.update(data)

    def __dealloc__(self):
        ccf_memzero(&self.ctx, sizeof(ccf_sm3_ctx))

    def update(self, data):
        """Hash more data (any bytes-like object)."""
        cdef Py_buffer b
        get_read_buffer(data, &b, "data")
        ccf_lock_acquire(&self.lock)
        _update(&self.ctx, &b)
        ccf_lock_release(&self.lock)
        release_buffer(&b)

    def digest(self):
        """The digest of the data so far (the object can still be updated)."""
        cdef ccf_sm3_ctx tmp
        ccf_lock_acquire(&self.lock)
        tmp = self.ctx
        ccf_lock_release(&self.lock)
        out = new_bytes(DIGEST_SIZE)
        ccf_sm3_final(&tmp, <uint8_t *>PyBytes_AS_STRING(out))
        return out

    def hexdigest(self):
        return self.digest().hex()

    def copy(self):
        cdef SM3 other = SM3.__new__(SM3)
        ccf_lock_acquire(&self.lock)
        other.ctx = self.ctx
        ccf_lock_release(&self.lock)
        return other

    def __reduce__(self):
        raise TypeError("SM3 objects cannot be pickled")


def digest(data):
    """SM3 of data in one call."""
    cdef Py_buffer b
    cdef ccf_sm3_ctx c
    cdef bytes out
    if PyBytes_CheckExact(data) and PyBytes_GET_SIZE(data) < NOGIL_THRESHOLD:
        # short bytes (the per-call cost matters most): no buffer view, no try/finally
        out = new_bytes(DIGEST_SIZE)
        ccf_sm3(<const uint8_t *>PyBytes_AS_STRING(data), <size_t>PyBytes_GET_SIZE(data),
                <uint8_t *>PyBytes_AS_STRING(out))
        return out
    get_read_buffer(data, &b, "data")
    try:
        out = new_bytes(DIGEST_SIZE)
        ccf_sm3_init(&c)
        _update(&c, &b)
        ccf_sm3_final(&c, <uint8_t *>PyBytes_AS_STRING(out))
        return out
    finally:
        release_buffer(&b)


def hmac(key, data):
    """HMAC-SM3 (RFC 2104 with SM3, GM/T 0042): 32-byte tag."""
    cdef Py_buffer kb, db
    cdef uint8_t *o
    memset(&kb, 0, sizeof(Py_buffer)); memset(&db, 0, sizeof(Py_buffer))
    try:
        get_read_buffer(key, &kb, "key")
        get_read_buffer(data, &db, "data")
        out = new_bytes(DIGEST_SIZE)
        o = <uint8_t *>PyBytes_AS_STRING(out)
        if db.len >= NOGIL_THRESHOLD:
            with nogil:
                ccf_sm3_hmac(<const uint8_t *>kb.buf, kb.len, <const uint8_t *>db.buf, db.len, o)
        else:
            ccf_sm3_hmac(<const uint8_t *>kb.buf, kb.len, <const uint8_t *>db.buf, db.len, o)
        return out
    finally:
        release_buffer(&kb); release_buffer(&db)


def kdf(z, length):
    """The key derivation function of GB/T 32918.4 5.4.3: SM3(Z || ct) for ct = 1, 2, ...
    (32-bit big-endian), concatenated and truncated to `length` bytes (0 <= length <=
    (2**32 - 1) * 32)."""
    cdef Py_buffer zb
    cdef Py_ssize_t n
    cdef uint8_t *o
    if not isinstance(length, int) or isinstance(length, bool):
        raise TypeError(f"length must be an integer, not {type(length).__name__}")
    if length < 0:
        raise ValueError("length must not be negative")
    if length > (2 ** 32 - 1) * DIGEST_SIZE:
        raise OverflowError("length must be at most (2**32 - 1) * 32 bytes (GB/T 32918.4 5.4.3)")
    n = length
    get_read_buffer(z, &zb, "z")
    try:
        out = new_bytes(n)
        o = <uint8_t *>PyBytes_AS_STRING(out)
        if n + zb.len >= NOGIL_THRESHOLD:
            with nogil:
                ccf_sm3_kdf(<const uint8_t *>zb.buf, zb.len, o, n)
        else:
            ccf_sm3_kdf(<const uint8_t *>zb.buf, zb.len, o, n)
        return out
    finally:
        release_buffer(&zb)


def digest_batch(messages, *, _impl=None):
    """SM3 of every message in one call (any iterable of bytes-like objects), with the GIL
    released; the CPU's multi-buffer kernel hashes up to 16 messages side by side.
    (`_impl` names a multi-buffer implementation, for the self-test.)"""
    cdef Py_ssize_t n, i
    cdef Py_buffer *views = NULL
    cdef const uint8_t **ptrs = NULL
    cdef size_t *lens = NULL
    cdef uint8_t (*outs)[32]
    cdef const ccf_sm3_mb_impl *impl = ccf_sm3_mb_best()
    cdef int rc = 0
    cdef char *o
    if _impl is not None:
        impl = <const ccf_sm3_mb_impl *>impl_named(ccf_sm3_mb_impls(), "SM3 multi-buffer", _impl)
    msgs = messages if isinstance(messages, (list, tuple)) else list(messages)
    n = len(msgs)
    if n == 0:
        return []
    views = <Py_buffer *>PyMem_Calloc(n, sizeof(Py_buffer))
    ptrs = <const uint8_t **>PyMem_Calloc(n, sizeof(uint8_t *))
    lens = <size_t *>PyMem_Calloc(n, sizeof(size_t))
    outs = <uint8_t (*)[32]>PyMem_Calloc(n, 32)
    try:
        if views == NULL or ptrs == NULL or lens == NULL or outs == NULL:
            raise MemoryError()
        for i in range(n):
            get_read_buffer(msgs[i], &views[i], "message")
            ptrs[i] = <const uint8_t *>views[i].buf
            lens[i] = <size_t>views[i].len
        with nogil:
            rc = ccf_sm3_digest_many_impl(impl, ptrs, lens, <size_t>n, outs)
        if rc != 0:
            raise MemoryError()
        o = <char *>outs
        return [o[32 * i:32 * i + 32] for i in range(n)]
    finally:
        if views != NULL:
            for i in range(n):
                release_buffer(&views[i])
        PyMem_Free(views)
        PyMem_Free(ptrs)
        PyMem_Free(lens)
        PyMem_Free(outs)
