# SM4 (GB/T 32907) over csrc/sm4: the block cipher with ECB/CBC/CTR, and the SM4-GCM and
# SM4-CCM AEADs of RFC 8998 with the AESGCM surface.
import os

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_CheckExact, PyBytes_GET_SIZE
from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.mem cimport PyMem_Calloc, PyMem_Free
from cpython.ref cimport Py_INCREF
from libc.stdint cimport uint8_t, uint64_t
from libc.string cimport memcpy, memset

from ccfast._sm4 cimport *
from ccfast._args cimport reject_keywords, require
from ccfast._buffer cimport get_buffer, get_read_buffer, release_buffer, new_bytes
from ccfast._impls cimport impl_table, impl_named
from ccfast._common cimport (ccf_cpu_init, ccf_alloc_aligned, ccf_free_aligned, ccf_memzero,
                             CCF_OK, CCF_ERR_AUTH)

from ccfast.exceptions import InvalidTag, PaddingError

ccf_cpu_init()

DEF BLOCK = 16
DEF GCM_TAG = 16
# Inputs at least this long run with the GIL released (as the AES-GCM wrapper).
DEF NOGIL_THRESHOLD = 4096
# NIST SP 800-38D 5.2.1.1: plaintext at most 2^39 - 256 bits.
cdef uint64_t GCM_MAX_DATA = (<uint64_t>1 << 36) - 32
# Default of required constructor parameters (see _args.pxd).
cdef object REQUIRED = object()


def _implementations():
    return {"sm4": ccf_sm4_best().name.decode()}


def _available_implementations():
    return {"sm4": impl_table(ccf_sm4_impls())}


cdef const ccf_sm4_impl *_pick(object name) except NULL:
    if name is None:
        return ccf_sm4_best()
    return <const ccf_sm4_impl *>impl_named(ccf_sm4_impls(), "SM4", name)


cdef ccf_sm4_key *_new_key(object key, object impl, str who) except NULL:
    cdef Py_buffer kb
    cdef ccf_sm4_key *k
    cdef const ccf_sm4_impl *im = _pick(impl)
    get_read_buffer(key, &kb, "key")
    try:
        if kb.len != 16:
            raise ValueError(f"{who} key must be 128 bits (16 bytes), got {kb.len} bytes")
        k = <ccf_sm4_key *>ccf_alloc_aligned(sizeof(ccf_sm4_key), 64)
        if k == NULL:
            raise MemoryError()
        ccf_sm4_init_impl(k, <const uint8_t *>kb.buf, 16, im)
        return k
    finally:
        release_buffer(&kb)


cdef class SM4:
    """SM4(key)\n--\n\nThe SM4 block cipher (GB/T 32907-2016) with a 16-byte key.

    ``encrypt_ecb``/``decrypt_ecb`` take a multiple of 16 bytes; ``encrypt_cbc``/``decrypt_cbc``
    take a 16-byte IV and apply/remove PKCS#7 padding unless ``padding=False`` (then the data
    must be a multiple of 16 bytes); ``ctr`` XORs the keystream of a 128-bit big-endian counter
    starting at ``iv`` (encryption and decryption are the same operation).  Bad padding raises
    :class:`ccfast.exceptions.PaddingError` (a ValueError) without saying which byte failed.
    """
    cdef ccf_sm4_key *k

    def __cinit__(self, key=REQUIRED, *, _impl=None, **kwargs):
        reject_keywords("SM4", kwargs)
        require("SM4", "key", key, REQUIRED)
        self.k = _new_key(key, _impl, "SM4")

    def __dealloc__(self):
        if self.k != NULL:
            ccf_sm4_wipe(self.k)
            ccf_free_aligned(self.k, sizeof(ccf_sm4_key))
            self.k = NULL

    def __reduce__(self):
        raise TypeError("SM4 objects hold a key and cannot be pickled")

    @property
    def _implementation(self):
        return self.k.impl.name.decode()

    def _ecb(self, data, bint decrypt):
        cdef Py_buffer db
        cdef bytes out
        cdef uint8_t *o
        cdef size_t nb
        get_read_buffer(data, &db, "data")
        try:
            if db.len % BLOCK:
                raise ValueError("data length must be a multiple of 16 bytes for SM4-ECB")
            out = new_bytes(db.len)
            o = <uint8_t *>PyBytes_AS_STRING(out)
            nb = db.len // BLOCK
            if db.len >= NOGIL_THRESHOLD:
                with nogil:
                    if decrypt:
                        ccf_sm4_decrypt_blocks(self.k, <const uint8_t *>db.buf, o, nb)
                    else:
                        ccf_sm4_encrypt_blocks(self.k, <const uint8_t *>db.buf, o, nb)
            elif decrypt:
                ccf_sm4_decrypt_blocks(self.k, <const uint8_t *>db.buf, o, nb)
            else:
                ccf_sm4_encrypt_blocks(self.k, <const uint8_t *>db.buf, o, nb)
            return out
        finally:
            release_buffer(&db)

    def encrypt_ecb(self, data):
        """ECB encryption of a multiple of 16 bytes."""
        return self._ecb(data, False)

    def decrypt_ecb(self, data):
        """ECB decryption of a multiple of 16 bytes."""
        return self._ecb(data, True)

    def encrypt_cbc(self, iv, data, padding=True):
        """CBC encryption with a 16-byte IV; PKCS#7 padding unless padding=False."""
        cdef Py_buffer ib, db
        cdef bytes out
        cdef uint8_t *o
        cdef Py_ssize_t n
        cdef bint pad = bool(padding)
        memset(&ib, 0, sizeof(Py_buffer)); memset(&db, 0, sizeof(Py_buffer))
        try:
            get_read_buffer(iv, &ib, "iv")
            get_read_buffer(data, &db, "data")
            if ib.len != BLOCK:
                raise ValueError(f"SM4-CBC IV must be 16 bytes, got {ib.len}")
            if not pad and db.len % BLOCK:
                raise ValueError("data length must be a multiple of 16 bytes for SM4-CBC without padding")
            n = (db.len // BLOCK + 1) * BLOCK if pad else db.len
            out = new_bytes(n)
            o = <uint8_t *>PyBytes_AS_STRING(out)
            with nogil:
                if pad:
                    ccf_sm4_cbc_encrypt_pad(self.k, <const uint8_t *>ib.buf, <const uint8_t *>db.buf, db.len, o)
                else:
                    ccf_sm4_cbc_encrypt(self.k, <const uint8_t *>ib.buf, <const uint8_t *>db.buf, o, db.len)
            return out
        finally:
            release_buffer(&ib); release_buffer(&db)

    def decrypt_cbc(self, iv, data, padding=True):
        """CBC decryption with a 16-byte IV; checks and strips PKCS#7 padding unless
        padding=False (PaddingError on bad padding)."""
        cdef Py_buffer ib, db
        cdef bytes out
        cdef uint8_t *o
        cdef size_t keep = 0
        cdef int rc
        cdef bint pad = bool(padding)
        memset(&ib, 0, sizeof(Py_buffer)); memset(&db, 0, sizeof(Py_buffer))
        try:
            get_read_buffer(iv, &ib, "iv")
            get_read_buffer(data, &db, "data")
            if ib.len != BLOCK:
                raise ValueError(f"SM4-CBC IV must be 16 bytes, got {ib.len}")
            if db.len % BLOCK:
                raise ValueError("data length must be a multiple of 16 bytes for SM4-CBC")
            if pad and db.len == 0:
                raise PaddingError("invalid padding")
            out = new_bytes(db.len)
            o = <uint8_t *>PyBytes_AS_STRING(out)
            if db.len >= NOGIL_THRESHOLD:
                with nogil:
                    ccf_sm4_cbc_decrypt(self.k, <const uint8_t *>ib.buf, <const uint8_t *>db.buf, o, db.len)
            else:
                ccf_sm4_cbc_decrypt(self.k, <const uint8_t *>ib.buf, <const uint8_t *>db.buf, o, db.len)
            if not pad:
                return out
            rc = ccf_sm4_pkcs7_unpad(o, db.len, &keep)
            if rc != CCF_OK:
                ccf_memzero(o, db.len)
                raise PaddingError("invalid padding")
            if keep == <size_t>db.len:
                return out
            res = o[:keep]
            ccf_memzero(o, db.len)
            return res
        finally:
            release_buffer(&ib); release_buffer(&db)

    def ctr(self, iv, data):
        """CTR keystream XOR with a 16-byte initial counter block (128-bit big-endian counter)."""
        cdef Py_buffer ib, db
        cdef bytes out
        cdef uint8_t ctr[16]
        cdef uint8_t *o
        memset(&ib, 0, sizeof(Py_buffer)); memset(&db, 0, sizeof(Py_buffer))
        try:
            get_read_buffer(iv, &ib, "iv")
            get_read_buffer(data, &db, "data")
            if ib.len != BLOCK:
                raise ValueError(f"SM4-CTR initial counter block must be 16 bytes, got {ib.len}")
            memcpy(ctr, ib.buf, 16)
            out = new_bytes(db.len)
            o = <uint8_t *>PyBytes_AS_STRING(out)
            if db.len >= NOGIL_THRESHOLD:
                with nogil:
                    ccf_sm4_ctr128(self.k, ctr, <const uint8_t *>db.buf, o, db.len)
            else:
                ccf_sm4_ctr128(self.k, ctr, <const uint8_t *>db.buf, o, db.len)
            return out
        finally:
            release_buffer(&ib); release_buffer(&db)


cdef inline bint _overlaps_partially(const void *a, Py_ssize_t alen, const void *b, Py_ssize_t blen) noexcept:
    # In-place (same start) is allowed; any other overlap would corrupt the CTR stream.
    cdef size_t pa = <size_t>a, pb = <size_t>b
    return pa != pb and pa < pb + <size_t>blen and pb < pa + <size_t>alen


cdef struct _Msg:
    const uint8_t *nonce
    const uint8_t *data
    const uint8_t *aad
    uint8_t *out
    Py_ssize_t nonce_len, data_len, aad_len


cdef inline int _borrow(object obj, Py_buffer *view, const uint8_t **p, Py_ssize_t *n, str what) except -1:
    """Pointer and length of obj's bytes: in place for exact bytes, else through `view`."""
    if PyBytes_CheckExact(obj):
        p[0] = <const uint8_t *>PyBytes_AS_STRING(obj)
        n[0] = PyBytes_GET_SIZE(obj)
        return 0
    get_buffer(obj, view, False, what)
    p[0] = <const uint8_t *>view.buf
    n[0] = view.len
    return 0


cdef class _SM4AEAD:
    """Common surface of SM4GCM and SM4CCM (the AESGCM surface of ccfast.aead)."""
    cdef size_t tag_len

    cdef int _check(self, Py_ssize_t nonce_len, Py_ssize_t data_len) except -1:
        return 0

    cdef int _seal(self, const uint8_t *n, size_t nl, const uint8_t *a, size_t al,
                   const uint8_t *d, size_t dl, uint8_t *out) noexcept nogil:
        return -1

    cdef int _open(self, const uint8_t *n, size_t nl, const uint8_t *a, size_t al,
                   const uint8_t *d, size_t dl, uint8_t *out) noexcept nogil:
        return -1

    def __reduce__(self):
        raise TypeError(f"{type(self).__name__} objects hold a key and cannot be pickled")

    @classmethod
    def generate_key(cls, bit_length=128):
        """A fresh random 128-bit key from the OS CSPRNG (SM4 has only 128-bit keys)."""
        if not isinstance(bit_length, int) or isinstance(bit_length, bool):
            raise TypeError("bit_length must be an integer")
        if bit_length != 128:
            raise ValueError("bit_length must be 128")
        return os.urandom(16)

    def encrypt(self, nonce, data, associated_data=None):
        """Encrypt and authenticate: returns ciphertext || tag."""
        cdef Py_buffer nb, db, ab
        cdef bytes out
        cdef uint8_t *o
        memset(&nb, 0, sizeof(Py_buffer)); memset(&db, 0, sizeof(Py_buffer)); memset(&ab, 0, sizeof(Py_buffer))
        try:
            get_read_buffer(nonce, &nb, "nonce")
            get_read_buffer(data, &db, "data")
            get_read_buffer(b"" if associated_data is None else associated_data, &ab, "associated_data")
            self._check(nb.len, db.len)
            out = new_bytes(db.len + self.tag_len)
            o = <uint8_t *>PyBytes_AS_STRING(out)
            if db.len + ab.len >= NOGIL_THRESHOLD:
                with nogil:
                    self._seal(<const uint8_t *>nb.buf, nb.len, <const uint8_t *>ab.buf, ab.len,
                               <const uint8_t *>db.buf, db.len, o)
            else:
                self._seal(<const uint8_t *>nb.buf, nb.len, <const uint8_t *>ab.buf, ab.len,
                           <const uint8_t *>db.buf, db.len, o)
            return out
        finally:
            release_buffer(&nb); release_buffer(&db); release_buffer(&ab)

    def decrypt(self, nonce, data, associated_data=None):
        """Verify and decrypt ciphertext || tag; raises InvalidTag without releasing plaintext."""
        cdef Py_buffer nb, db, ab
        cdef bytes out
        cdef Py_ssize_t n
        cdef int rc
        cdef uint8_t *o
        memset(&nb, 0, sizeof(Py_buffer)); memset(&db, 0, sizeof(Py_buffer)); memset(&ab, 0, sizeof(Py_buffer))
        try:
            get_read_buffer(nonce, &nb, "nonce")
            get_read_buffer(data, &db, "data")
            get_read_buffer(b"" if associated_data is None else associated_data, &ab, "associated_data")
            self._check(nb.len, 0)
            if db.len < <Py_ssize_t>self.tag_len:
                raise InvalidTag()
            n = db.len - self.tag_len
            self._check(nb.len, n)
            out = new_bytes(n)
            o = <uint8_t *>PyBytes_AS_STRING(out)
            if db.len + ab.len >= NOGIL_THRESHOLD:
                with nogil:
                    rc = self._open(<const uint8_t *>nb.buf, nb.len, <const uint8_t *>ab.buf, ab.len,
                                    <const uint8_t *>db.buf, n, o)
            else:
                rc = self._open(<const uint8_t *>nb.buf, nb.len, <const uint8_t *>ab.buf, ab.len,
                                <const uint8_t *>db.buf, n, o)
            if rc != CCF_OK:
                raise InvalidTag()
            return out
        finally:
            release_buffer(&nb); release_buffer(&db); release_buffer(&ab)

    def encrypt_into(self, nonce, data, associated_data, out):
        """Encrypt into the writable buffer `out` (at least len(data) + tag length bytes):
        ciphertext then tag.  `out` may be `data` itself (in place); a partial overlap is
        refused.  Returns the number of bytes written."""
        cdef Py_buffer nb, db, ab, ob
        memset(&nb, 0, sizeof(Py_buffer)); memset(&db, 0, sizeof(Py_buffer)); memset(&ab, 0, sizeof(Py_buffer)); memset(&ob, 0, sizeof(Py_buffer))
        try:
            get_read_buffer(nonce, &nb, "nonce")
            get_read_buffer(data, &db, "data")
            get_read_buffer(b"" if associated_data is None else associated_data, &ab, "associated_data")
            get_buffer(out, &ob, True, "out")
            self._check(nb.len, db.len)
            if ob.len < db.len + <Py_ssize_t>self.tag_len:
                raise ValueError(f"out is too small: {ob.len} bytes, need {db.len + self.tag_len}")
            if _overlaps_partially(db.buf, db.len, ob.buf, ob.len):
                raise ValueError("out overlaps data other than exactly in place")
            with nogil:
                self._seal(<const uint8_t *>nb.buf, nb.len, <const uint8_t *>ab.buf, ab.len,
                           <const uint8_t *>db.buf, db.len, <uint8_t *>ob.buf)
            return db.len + self.tag_len
        finally:
            release_buffer(&nb); release_buffer(&db); release_buffer(&ab); release_buffer(&ob)

    def decrypt_into(self, nonce, data, associated_data, out):
        """Verify and decrypt ciphertext || tag into `out` (at least len(data) - tag length
        bytes).  On InvalidTag those bytes of `out` are zeroed.  Returns the bytes written."""
        cdef Py_buffer nb, db, ab, ob
        cdef Py_ssize_t n
        cdef int rc
        memset(&nb, 0, sizeof(Py_buffer)); memset(&db, 0, sizeof(Py_buffer)); memset(&ab, 0, sizeof(Py_buffer)); memset(&ob, 0, sizeof(Py_buffer))
        try:
            get_read_buffer(nonce, &nb, "nonce")
            get_read_buffer(data, &db, "data")
            get_read_buffer(b"" if associated_data is None else associated_data, &ab, "associated_data")
            get_buffer(out, &ob, True, "out")
            self._check(nb.len, 0)
            if db.len < <Py_ssize_t>self.tag_len:
                raise InvalidTag()
            n = db.len - self.tag_len
            self._check(nb.len, n)
            if ob.len < n:
                raise ValueError(f"out is too small: {ob.len} bytes, need {n}")
            if _overlaps_partially(db.buf, db.len, ob.buf, ob.len):
                raise ValueError("out overlaps data other than exactly in place")
            with nogil:
                rc = self._open(<const uint8_t *>nb.buf, nb.len, <const uint8_t *>ab.buf, ab.len,
                                <const uint8_t *>db.buf, n, <uint8_t *>ob.buf)
            if rc != CCF_OK:
                raise InvalidTag()
            return n
        finally:
            release_buffer(&nb); release_buffer(&db); release_buffer(&ab); release_buffer(&ob)

    def encrypt_batch(self, nonces, datas, associated_datas=None):
        """Encrypt many messages in one call: returns [ciphertext || tag, ...].  All arguments
        are checked before anything is encrypted; the kernels then run without the GIL."""
        cdef Py_ssize_t n, i, k, total = 0
        cdef _Msg *msgs = NULL
        cdef Py_buffer *views = NULL
        cdef int with_aad
        nonces = nonces if isinstance(nonces, (list, tuple)) else list(nonces)
        datas = datas if isinstance(datas, (list, tuple)) else list(datas)
        n = len(nonces)
        if len(datas) != n:
            raise ValueError(f"nonces and datas differ in length ({n} and {len(datas)})")
        with_aad = associated_datas is not None
        if with_aad:
            associated_datas = (associated_datas if isinstance(associated_datas, (list, tuple))
                                else list(associated_datas))
            if len(associated_datas) != n:
                raise ValueError(f"nonces and associated_datas differ in length ({n} and {len(associated_datas)})")
        result = PyList_New(n)
        if n == 0:
            return result
        msgs = <_Msg *>PyMem_Calloc(n, sizeof(_Msg))
        views = <Py_buffer *>PyMem_Calloc(3 * n, sizeof(Py_buffer))
        if msgs == NULL or views == NULL:
            PyMem_Free(msgs); PyMem_Free(views)
            raise MemoryError()
        try:
            for i in range(n):
                _borrow(nonces[i], &views[3 * i], &msgs[i].nonce, &msgs[i].nonce_len, "nonce")
                _borrow(datas[i], &views[3 * i + 1], &msgs[i].data, &msgs[i].data_len, "data")
                if with_aad and associated_datas[i] is not None:
                    _borrow(associated_datas[i], &views[3 * i + 2], &msgs[i].aad, &msgs[i].aad_len, "associated_data")
                self._check(msgs[i].nonce_len, msgs[i].data_len)
                ct = new_bytes(msgs[i].data_len + self.tag_len)
                Py_INCREF(ct)
                PyList_SET_ITEM(result, i, ct)
                msgs[i].out = <uint8_t *>PyBytes_AS_STRING(ct)
                total += msgs[i].data_len
            if total >= NOGIL_THRESHOLD or n >= 16:
                with nogil:
                    for i in range(n):
                        self._seal(msgs[i].nonce, msgs[i].nonce_len, msgs[i].aad, msgs[i].aad_len,
                                   msgs[i].data, msgs[i].data_len, msgs[i].out)
            else:
                for i in range(n):
                    self._seal(msgs[i].nonce, msgs[i].nonce_len, msgs[i].aad, msgs[i].aad_len,
                               msgs[i].data, msgs[i].data_len, msgs[i].out)
            return result
        finally:
            for k in range(3 * n):
                release_buffer(&views[k])
            PyMem_Free(views)
            PyMem_Free(msgs)


cdef class SM4GCM(_SM4AEAD):
    """SM4GCM(key)\n--\n\nSM4-GCM (RFC 8998, NIST SP 800-38D) with a 16-byte key and a 16-byte tag.

    Same surface as :class:`ccfast.aead.AESGCM`: nonces of 1 byte or more (12 recommended),
    ``None`` associated data equals ``b""``, ``decrypt`` raises InvalidTag and releases no
    plaintext on failure.  Objects are immutable and may be shared between threads.
    """
    cdef ccf_sm4_gcm *ctx

    def __cinit__(self, key=REQUIRED, *, _impl=None, _ghash=None, **kwargs):
        cdef Py_buffer kb
        cdef int rc
        cdef const ccf_sm4_impl *im
        cdef const ccf_ghash_impl *gh = ccf_ghash_best()
        reject_keywords("SM4GCM", kwargs)
        require("SM4GCM", "key", key, REQUIRED)
        im = _pick(_impl)
        if _ghash is not None:
            gh = <const ccf_ghash_impl *>impl_named(ccf_ghash_impls(), "GHASH", _ghash)
        self.tag_len = GCM_TAG
        get_read_buffer(key, &kb, "key")
        try:
            if kb.len != 16:
                raise ValueError(f"SM4GCM key must be 128 bits (16 bytes), got {kb.len} bytes")
            self.ctx = <ccf_sm4_gcm *>ccf_alloc_aligned(sizeof(ccf_sm4_gcm), 64)
            if self.ctx == NULL:
                raise MemoryError()
            rc = ccf_sm4_gcm_init_impl(self.ctx, <const uint8_t *>kb.buf, 16, im, gh)
            if rc != CCF_OK:
                raise ValueError(f"SM4-GCM key set-up failed (status {rc})")
        finally:
            release_buffer(&kb)

    def __dealloc__(self):
        if self.ctx != NULL:
            ccf_sm4_gcm_wipe(self.ctx)
            ccf_free_aligned(self.ctx, sizeof(ccf_sm4_gcm))
            self.ctx = NULL

    @property
    def _implementation(self):
        return self.ctx.sm4.impl.name.decode()

    cdef int _check(self, Py_ssize_t nonce_len, Py_ssize_t data_len) except -1:
        if nonce_len < 1:
            raise ValueError("nonce must be at least 1 byte (12 bytes recommended)")
        if <uint64_t>data_len > GCM_MAX_DATA:
            raise OverflowError("data must be at most 2**36 - 32 bytes for SM4-GCM")
        return 0

    cdef int _seal(self, const uint8_t *n, size_t nl, const uint8_t *a, size_t al,
                   const uint8_t *d, size_t dl, uint8_t *out) noexcept nogil:
        return ccf_sm4_gcm_encrypt(self.ctx, n, nl, a, al, d, dl, out, out + dl)

    cdef int _open(self, const uint8_t *n, size_t nl, const uint8_t *a, size_t al,
                   const uint8_t *d, size_t dl, uint8_t *out) noexcept nogil:
        return ccf_sm4_gcm_decrypt(self.ctx, n, nl, a, al, d, dl, d + dl, GCM_TAG, out)


cdef class SM4CCM(_SM4AEAD):
    """SM4CCM(key, tag_length=16)\n--\n\nSM4-CCM (RFC 8998, NIST SP 800-38C) with a 16-byte key.

    ``tag_length`` is 4, 6, 8, 10, 12, 14 or 16 (default 16); nonces are 7 to 13 bytes (12 in
    TLS); a nonce of L = 15 - len(nonce) bytes limits the message to 2**(8 L) - 1 bytes.
    Otherwise the surface of :class:`ccfast.aead.AESGCM`.
    """
    cdef ccf_sm4_key *k

    def __cinit__(self, key=REQUIRED, tag_length=16, *, _impl=None, **kwargs):
        reject_keywords("SM4CCM", kwargs)
        require("SM4CCM", "key", key, REQUIRED)
        if not isinstance(tag_length, int) or isinstance(tag_length, bool):
            raise TypeError("tag_length must be an integer")
        if tag_length not in (4, 6, 8, 10, 12, 14, 16):
            raise ValueError("tag_length must be 4, 6, 8, 10, 12, 14 or 16")
        self.tag_len = tag_length
        self.k = _new_key(key, _impl, "SM4CCM")

    def __dealloc__(self):
        if self.k != NULL:
            ccf_sm4_wipe(self.k)
            ccf_free_aligned(self.k, sizeof(ccf_sm4_key))
            self.k = NULL

    @property
    def _implementation(self):
        return self.k.impl.name.decode()

    cdef int _check(self, Py_ssize_t nonce_len, Py_ssize_t data_len) except -1:
        cdef Py_ssize_t q
        if nonce_len < 7 or nonce_len > 13:
            raise ValueError("nonce must be between 7 and 13 bytes")
        q = 15 - nonce_len
        if q < 8 and <uint64_t>data_len >= (<uint64_t>1 << (8 * q)):
            raise ValueError(f"data too long for a {nonce_len}-byte nonce (at most 2**{8 * q} - 1 bytes)")
        return 0

    cdef int _seal(self, const uint8_t *n, size_t nl, const uint8_t *a, size_t al,
                   const uint8_t *d, size_t dl, uint8_t *out) noexcept nogil:
        return ccf_sm4_ccm_encrypt(self.k, n, nl, a, al, d, dl, out, out + dl, self.tag_len)

    cdef int _open(self, const uint8_t *n, size_t nl, const uint8_t *a, size_t al,
                   const uint8_t *d, size_t dl, uint8_t *out) noexcept nogil:
        return ccf_sm4_ccm_decrypt(self.k, n, nl, a, al, d, dl, d + dl, self.tag_len, out)
