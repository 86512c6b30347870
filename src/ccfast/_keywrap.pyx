# Key wrap with padding (RFC 5649) over csrc/keywrap, with AES (any AES key length) or SM4 as the
# block cipher, and the key-encryption key object of ccfast.recording.
#
# KEK keeps its key only as C schedules (forward AES from the best implementation, the portable
# constant-time inverse cipher, or SM4), allocated with ccf_alloc_aligned and wiped on
# deallocation; it never shows the key in repr() and refuses pickling.
cimport cython
import os

from libc.stdint cimport uint8_t
from libc.string cimport memcpy

from ccfast._buffer cimport get_buffer, get_read_buffer, release_buffer, new_bytes
from ccfast._common cimport ccf_cpu_init, ccf_alloc_aligned, ccf_free_aligned, CCF_OK, CCF_ERR_AUTH

from ccfast.exceptions import InvalidTag

ccf_cpu_init()


cdef extern from "ccf_aes.h" nogil:
    ctypedef struct ccf_aes_key:
        pass
    ctypedef struct ccf_aes_dec_key:
        pass
    int ccf_aes_init(ccf_aes_key *k, const uint8_t *key, size_t key_len)
    void ccf_aes_wipe(ccf_aes_key *k)
    int ccf_aes_dec_init(ccf_aes_dec_key *k, const uint8_t *key, size_t key_len)
    void ccf_aes_dec_wipe(ccf_aes_dec_key *k)
    void ccf_aes_decrypt_blocks(const ccf_aes_dec_key *k, const uint8_t *inp, uint8_t *out, size_t nblocks)

cdef extern from "ccf_sm4.h" nogil:
    ctypedef struct ccf_sm4_key:
        pass
    int ccf_sm4_init(ccf_sm4_key *k, const uint8_t *key, size_t key_len)
    void ccf_sm4_wipe(ccf_sm4_key *k)

cdef extern from "ccf_kwp.h" nogil:
    size_t CCF_KWP_MAX_INPUT
    size_t ccf_kwp_wrapped_len(size_t m)
    int ccf_kwp_aes_wrap(const ccf_aes_key *k, const uint8_t *inp, size_t length, uint8_t *out)
    int ccf_kwp_aes_unwrap(const ccf_aes_dec_key *k, const uint8_t *inp, size_t length, uint8_t *out, size_t *out_len)
    int ccf_kwp_sm4_wrap(const ccf_sm4_key *k, const uint8_t *inp, size_t length, uint8_t *out)
    int ccf_kwp_sm4_unwrap(const ccf_sm4_key *k, const uint8_t *inp, size_t length, uint8_t *out, size_t *out_len)


DEF AES = 1
DEF SM4 = 2

ALGORITHMS = ("aes-256", "sm4")
_KEY_LENGTHS = {"aes-256": 32, "sm4": 16}


cdef class _Schedules:
    """The C key schedules of one key-encryption key (AES: forward and inverse; SM4: one)."""
    cdef int alg
    cdef ccf_aes_key *aes_enc
    cdef ccf_aes_dec_key *aes_dec
    cdef ccf_sm4_key *sm4

    def __dealloc__(self):
        if self.aes_enc != NULL:
            ccf_aes_wipe(self.aes_enc)
            ccf_free_aligned(self.aes_enc, sizeof(ccf_aes_key))
            self.aes_enc = NULL
        if self.aes_dec != NULL:
            ccf_aes_dec_wipe(self.aes_dec)
            ccf_free_aligned(self.aes_dec, sizeof(ccf_aes_dec_key))
            self.aes_dec = NULL
        if self.sm4 != NULL:
            ccf_sm4_wipe(self.sm4)
            ccf_free_aligned(self.sm4, sizeof(ccf_sm4_key))
            self.sm4 = NULL

    def __reduce__(self):
        raise TypeError("key schedules cannot be pickled")


cdef _Schedules _schedules(int alg, const uint8_t *key, size_t n):
    cdef _Schedules s = _Schedules.__new__(_Schedules)
    s.alg = alg
    if alg == AES:
        s.aes_enc = <ccf_aes_key *>ccf_alloc_aligned(sizeof(ccf_aes_key), 64)
        s.aes_dec = <ccf_aes_dec_key *>ccf_alloc_aligned(sizeof(ccf_aes_dec_key), 64)
        if s.aes_enc == NULL or s.aes_dec == NULL:
            raise MemoryError()
        if ccf_aes_init(s.aes_enc, key, n) != CCF_OK or ccf_aes_dec_init(s.aes_dec, key, n) != CCF_OK:
            raise ValueError(f"AES key-encryption key must be 16, 24 or 32 bytes, got {n} bytes")
    else:
        if n != 16:
            raise ValueError(f"SM4 key-encryption key must be 16 bytes, got {n} bytes")
        s.sm4 = <ccf_sm4_key *>ccf_alloc_aligned(sizeof(ccf_sm4_key), 64)
        if s.sm4 == NULL:
            raise MemoryError()
        ccf_sm4_init(s.sm4, key, n)
    return s


cdef bytes _wrap(_Schedules s, object data):
    cdef Py_buffer db
    cdef bytes out
    cdef size_t wlen
    cdef int rc
    get_read_buffer(data, &db, "data")
    try:
        wlen = ccf_kwp_wrapped_len(<size_t>db.len)
        if wlen == 0:
            raise ValueError(f"key wrap input must be 1 to {CCF_KWP_MAX_INPUT} bytes, got {db.len}")
        out = new_bytes(<Py_ssize_t>wlen)
        if s.alg == AES:
            rc = ccf_kwp_aes_wrap(s.aes_enc, <const uint8_t *>db.buf, <size_t>db.len, <uint8_t *><char *>out)
        else:
            rc = ccf_kwp_sm4_wrap(s.sm4, <const uint8_t *>db.buf, <size_t>db.len, <uint8_t *><char *>out)
        if rc != CCF_OK:
            raise ValueError("key wrap failed")
        return out
    finally:
        release_buffer(&db)


cdef Py_ssize_t _unwrap_into(_Schedules s, object wrapped, object out) except -1:
    """Unwrap into the writable buffer out (at least len(wrapped) - 8 bytes); the length."""
    cdef Py_buffer wb, ob
    cdef size_t n = 0
    cdef int rc
    get_read_buffer(wrapped, &wb, "wrapped")
    try:
        if wb.len < 16 or wb.len % 8 != 0 or <size_t>(wb.len - 8) > CCF_KWP_MAX_INPUT + 7:
            raise ValueError(f"wrapped key must be a multiple of 8 bytes, 16 to {CCF_KWP_MAX_INPUT + 15}, got {wb.len}")
        get_buffer(out, &ob, True, "out")
        try:
            if ob.len < wb.len - 8:
                raise ValueError(f"out must have room for {wb.len - 8} bytes, has {ob.len}")
            if s.alg == AES:
                rc = ccf_kwp_aes_unwrap(s.aes_dec, <const uint8_t *>wb.buf, <size_t>wb.len, <uint8_t *>ob.buf, &n)
            else:
                rc = ccf_kwp_sm4_unwrap(s.sm4, <const uint8_t *>wb.buf, <size_t>wb.len, <uint8_t *>ob.buf, &n)
        finally:
            release_buffer(&ob)
        if rc == CCF_ERR_AUTH:
            raise InvalidTag("key unwrap failed: wrong key-encryption key, or the wrapped key was altered")
        if rc != CCF_OK:
            raise ValueError("key unwrap failed: bad length")
        return <Py_ssize_t>n
    finally:
        release_buffer(&wb)


cdef bytes _unwrap(_Schedules s, object wrapped):
    cdef Py_buffer wb
    get_read_buffer(wrapped, &wb, "wrapped")
    cdef Py_ssize_t room = wb.len - 8 if wb.len >= 16 else 8
    release_buffer(&wb)
    buf = bytearray(room)
    try:
        n = _unwrap_into(s, wrapped, buf)
        return bytes(buf[:n])
    finally:
        for i in range(len(buf)):
            buf[i] = 0


cdef _Schedules _from_key(object key, int alg):
    cdef Py_buffer kb
    get_read_buffer(key, &kb, "key")
    try:
        return _schedules(alg, <const uint8_t *>kb.buf, <size_t>kb.len)
    finally:
        release_buffer(&kb)


def aes_wrap(kek, data):
    """RFC 5649 wrap of data (1 byte or more) under an AES key of 16, 24 or 32 bytes."""
    return _wrap(_from_key(kek, AES), data)


def aes_unwrap(kek, wrapped):
    """RFC 5649 unwrap under an AES key; raises InvalidTag when the integrity checks fail."""
    return _unwrap(_from_key(kek, AES), wrapped)


def sm4_wrap(kek, data):
    """RFC 5649's construction with SM4 as the block cipher (16-byte key)."""
    return _wrap(_from_key(kek, SM4), data)


def sm4_unwrap(kek, wrapped):
    """Inverse of sm4_wrap; raises InvalidTag when the integrity checks fail."""
    return _unwrap(_from_key(kek, SM4), wrapped)


def _check_kid(kid):
    if not isinstance(kid, str):
        raise TypeError(f"kid must be a str, not {type(kid).__name__}")
    raw = kid.encode("utf-8", "strict")
    if not 1 <= len(raw) <= 255:
        raise ValueError(f"kid must be 1 to 255 bytes of UTF-8, got {len(raw)}")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in kid):
        raise ValueError("kid must not contain control characters")
    return raw


@cython.embedsignature(False)      # the docstring's first line is the signature
cdef class KEK:
    """KEK(key, kid, *, algorithm=None)\n--\n\nA symmetric key-encryption key with its key id.

    KEK(key, kid, *, algorithm=None): a 32-byte key is an AES-256 key, a 16-byte key an SM4 key
    (RFC 5649 key wrap with padding on that cipher); algorithm ("aes-256" or "sm4") may be given
    to insist on one.  kid is a str of 1 to 255 UTF-8 bytes without control characters: it is
    written in each stanza the key wraps and is how stanzas are matched when opening.  The key is
    held only in C memory, wiped when the object is freed; repr() shows the kid and algorithm
    only, and KEK objects cannot be pickled.
    """
    cdef _Schedules _s
    cdef readonly str kid
    cdef readonly str algorithm
    cdef bytes _kid_bytes

    def __init__(self, key, kid, *, algorithm=None):
        cdef Py_buffer kb
        kid_bytes = _check_kid(kid)
        get_read_buffer(key, &kb, "key")
        try:
            if algorithm is None:
                if kb.len == 32:
                    algorithm = "aes-256"
                elif kb.len == 16:
                    algorithm = "sm4"
                else:
                    raise ValueError(f"KEK key must be 32 bytes (AES-256) or 16 bytes (SM4), got {kb.len} bytes")
            elif algorithm not in _KEY_LENGTHS:
                raise ValueError(f"algorithm must be 'aes-256' or 'sm4', not {algorithm!r}")
            elif kb.len != _KEY_LENGTHS[algorithm]:
                raise ValueError(f"{algorithm} KEK key must be {_KEY_LENGTHS[algorithm]} bytes, got {kb.len} bytes")
            self._s = _schedules(AES if algorithm == "aes-256" else SM4, <const uint8_t *>kb.buf, <size_t>kb.len)
        finally:
            release_buffer(&kb)
        self.kid = kid
        self._kid_bytes = kid_bytes
        self.algorithm = algorithm

    @staticmethod
    def generate(kid, algorithm="aes-256"):
        """A new KEK with a key from the OS CSPRNG (the key bytes are not kept in Python)."""
        if algorithm not in _KEY_LENGTHS:
            raise ValueError(f"algorithm must be 'aes-256' or 'sm4', not {algorithm!r}")
        buf = bytearray(os.urandom(_KEY_LENGTHS[algorithm]))
        try:
            return KEK(buf, kid, algorithm=algorithm)
        finally:
            for i in range(len(buf)):
                buf[i] = 0

    @property
    def _kid_raw(self):
        return self._kid_bytes

    def wrap(self, data):
        """RFC 5649 wrap of data under this key (len(data) + 8 bytes, rounded up to 8)."""
        return _wrap(self._s, data)

    def unwrap(self, wrapped):
        """RFC 5649 unwrap; raises InvalidTag when the integrity checks fail."""
        return _unwrap(self._s, wrapped)

    def unwrap_into(self, wrapped, out):
        """Unwrap into a writable buffer of at least len(wrapped) - 8 bytes; the unwrapped length.
        On failure (InvalidTag) the buffer holds zeros where the key would have been."""
        return _unwrap_into(self._s, wrapped, out)

    def __repr__(self):
        return f"<KEK kid={self.kid!r} algorithm={self.algorithm!r}>"

    def __reduce__(self):
        raise TypeError("KEK objects hold a secret key and cannot be pickled")

    def __copy__(self):
        raise TypeError("KEK objects hold a secret key and cannot be copied")

    def __deepcopy__(self, memo):
        raise TypeError("KEK objects hold a secret key and cannot be copied")
