# SM2 (GB/T 32918) over the csrc/sm2 kernels: keys, signatures, encryption, key-exchange core.
#
# The public face is ccfast.sm2; this module holds the key material in C memory (wiped on
# deallocation) and draws every nonce from the OS CSPRNG (os.urandom: getrandom(2) on Linux,
# BCryptGenRandom on Windows).
#
# TEST-ONLY hooks: _test_sign_digest_with_k, _test_encrypt_with_k and _test_kex_with_r take the
# nonce / ephemeral scalar from the caller so that the tests and the selftest can reproduce the
# worked examples of GB/T 32918 (fixed k).  They are deliberately not exported by ccfast.sm2 and
# must never be used to produce real signatures or ciphertexts: a repeated or predictable k
# reveals the private key.
import os

cimport cython
from cpython.bytes cimport PyBytes_AS_STRING
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from libc.stdint cimport uint8_t
from libc.string cimport memcpy, memmove, memset

from ccfast._sm2 cimport *
from ccfast._buffer cimport get_read_buffer, release_buffer, new_bytes
from ccfast._common cimport (ccf_cpu_init, ccf_memzero, ccf_status, CCF_OK, CCF_ERR_AUTH, CCF_ERR_PARAM,
                             CCF_ERR_POINT, CCF_ERR_DECRYPT, CCF_ERR_LENGTH)

from ccfast.exceptions import InvalidSignature, DecryptionError
from ccfast import _der

ccf_cpu_init()
ccf_sm2_init()

_urandom = os.urandom
DEFAULT_UID = b"1234567812345678"
# Attempts before giving up on a nonce (each fails with probability < 2^-32).
cdef int MAX_TRIES = 64
# Hashing of messages at least this long runs with the GIL released.  Point multiplications
# (10-60 us each) always release it: the release/re-acquire costs well under 1% of them.
cdef Py_ssize_t NOGIL_THRESHOLD = 4096


def _implementations():
    return {"sm2": ccf_sm2_impl_name().decode()}


def _available_implementations():
    cdef int i = 0, sup = 0
    cdef const char *name
    out = {}
    while True:
        name = ccf_sm2_impl_info(i, &sup)
        if name == NULL:
            break
        out[name.decode()] = bool(sup)
        i += 1
    return {"sm2": out}


def _select_implementation(name):
    """Force an implementation by name (selftest and tests; process-wide, not thread-safe).
    None restores the automatic choice."""
    cdef int i = 0, sup = 0
    cdef const char *n
    if name is None:
        ccf_sm2_impl_reset()
        return
    while True:
        n = ccf_sm2_impl_info(i, &sup)
        if n == NULL:
            raise ValueError(f"no SM2 implementation named {name!r}")
        if n.decode() == name:
            if ccf_sm2_impl_select(i) != CCF_OK:
                raise ValueError(f"SM2 implementation {name!r} is not supported on this CPU")
            return
        i += 1


cdef inline bytes _bytes32(object obj, str what):
    cdef Py_buffer v
    get_read_buffer(obj, &v, what)
    try:
        if v.len != 32:
            raise ValueError(f"{what} must be 32 bytes, not {v.len}")
        return (<const char *>v.buf)[:32]
    finally:
        release_buffer(&v)


def sm3(data):
    """SM3 digest (internal helper for Z values and key-exchange confirmations)."""
    cdef Py_buffer v
    cdef ccf_sm3_ctx ctx
    cdef bytes out = new_bytes(32)
    get_read_buffer(data, &v, "data")
    try:
        ccf_sm3_init(&ctx)
        ccf_sm3_update(&ctx, <const uint8_t *>v.buf, <size_t>v.len)
        ccf_sm3_final(&ctx, <uint8_t *>PyBytes_AS_STRING(out))
    finally:
        release_buffer(&v)
    return out


def kdf(z, Py_ssize_t length):
    """KDF of GB/T 32918.4 section 5.4.3 (SM3 counter mode)."""
    cdef Py_buffer v
    if length < 0:
        raise ValueError("length must be non-negative")
    if length > (<Py_ssize_t>1 << 32) * 32 // 2:
        raise OverflowError("KDF output too long")
    cdef bytes out = new_bytes(length)
    get_read_buffer(z, &v, "z")
    try:
        ccf_sm2_kdf(<const uint8_t *>v.buf, <size_t>v.len, <uint8_t *>PyBytes_AS_STRING(out), <size_t>length)
    finally:
        release_buffer(&v)
    return out


def point_check(point):
    """True when the 64-byte X || Y is a point of the curve."""
    cdef Py_buffer v
    get_read_buffer(point, &v, "point")
    try:
        if v.len != 64:
            return False
        return ccf_sm2_point_check(<const uint8_t *>v.buf) == CCF_OK
    finally:
        release_buffer(&v)


def point_decompress(x, bint y_odd):
    """X || Y from the x coordinate and the parity of y; ValueError if x is not on the curve."""
    cdef bytes xb = _bytes32(x, "x")
    cdef bytes out = new_bytes(64)
    if ccf_sm2_point_decompress(<const uint8_t *>PyBytes_AS_STRING(xb), y_odd,
                                <uint8_t *>PyBytes_AS_STRING(out)) != CCF_OK:
        raise ValueError("compressed point is not on the SM2 curve")
    return out


cdef class SM2Key:
    """An SM2 key pair or public key held in C memory (wiped when the object goes away)."""
    cdef ccf_sm2_key *k
    cdef object _zcache          # uid bytes -> Z_A (public values)
    cdef int _uses               # verifications / encryptions so far, until the table is built

    def __cinit__(self):
        self.k = <ccf_sm2_key *>PyMem_Malloc(sizeof(ccf_sm2_key))
        if self.k == NULL:
            raise MemoryError()
        memset(self.k, 0, sizeof(ccf_sm2_key))
        self._zcache = {}

    def __dealloc__(self):
        if self.k != NULL:
            ccf_sm2_key_wipe(self.k)
            PyMem_Free(self.k)
            self.k = NULL

    def __reduce__(self):
        raise TypeError("SM2 key objects cannot be pickled or copied (a private key must not be "
                        "serialised by accident: use private_bytes() or to_bytes() explicitly)")

    @property
    def has_private(self):
        return bool(self.k.has_private)

    def public_point(self):
        """X || Y (64 bytes)."""
        return (<const char *>self.k.pub)[:64]

    def private_bytes(self):
        if not self.k.has_private:
            raise ValueError("not a private key")
        cdef bytes out = new_bytes(32)
        ccf_sm2_key_private_bytes(self.k, <uint8_t *>PyBytes_AS_STRING(out))
        return out

    cdef bytes _z(self, object uid):
        cdef Py_buffer v
        cdef bytes z
        if type(uid) is bytes:
            z = self._zcache.get(uid)
            if z is not None:
                return z
        get_read_buffer(uid, &v, "uid")
        try:
            z = new_bytes(32)
            if ccf_sm2_compute_z(<const uint8_t *>v.buf, <size_t>v.len, self.k.pub,
                                 <uint8_t *>PyBytes_AS_STRING(z)) != CCF_OK:
                raise ValueError("uid longer than 8191 bytes")
        finally:
            release_buffer(&v)
        if type(uid) is bytes and len(self._zcache) < 8:
            self._zcache[uid] = z
        return z

    cdef void _public_op(self) noexcept:
        """Before a verification or encryption: from the second one on, cache the multiples of
        the public key (ccf_sm2_key_prepare_public).  The critical section orders the table
        writes before other threads' reads on free-threaded Python (no cost with the GIL)."""
        with cython.critical_section(self):
            if not self.k.has_ptab:
                self._uses += 1
                if self._uses >= 2:
                    ccf_sm2_key_prepare_public(self.k)

    def z(self, uid=DEFAULT_UID):
        """Z_A = SM3(ENTL || ID || a || b || G || P) (GB/T 32918.2 section 5.5)."""
        return self._z(uid)

    cdef void _digest(self, object data, object uid, uint8_t *e) except *:
        cdef Py_buffer v
        cdef bytes z = self._z(uid)
        cdef ccf_sm3_ctx ctx
        get_read_buffer(data, &v, "data")
        try:
            ccf_sm3_init(&ctx)
            ccf_sm3_update(&ctx, <const uint8_t *>PyBytes_AS_STRING(z), 32)
            if v.len > NOGIL_THRESHOLD:
                with nogil:
                    ccf_sm3_update(&ctx, <const uint8_t *>v.buf, <size_t>v.len)
            else:
                ccf_sm3_update(&ctx, <const uint8_t *>v.buf, <size_t>v.len)
            ccf_sm3_final(&ctx, e)
        finally:
            release_buffer(&v)

    def digest(self, data, uid=DEFAULT_UID):
        """e = SM3(Z_A || M) (GB/T 32918.2 section 6.1 A1-A2)."""
        cdef bytes e = new_bytes(32)
        self._digest(data, uid, <uint8_t *>PyBytes_AS_STRING(e))
        return e

    cdef bytes _sign_e(self, const uint8_t *e, object k_fixed):
        cdef uint8_t sig[64]
        cdef bytes kb
        cdef int tries = 0
        cdef ccf_status st
        cdef const uint8_t *pk
        if not self.k.has_private:
            raise ValueError("signing needs a private key")
        # the cached (1 + d)^-1 is written once; the critical section orders that write before
        # any other thread's read on free-threaded Python (no cost with the GIL)
        with cython.critical_section(self):
            ccf_sm2_key_prepare_sign(self.k)
        while True:
            kb = _urandom(32) if k_fixed is None else k_fixed
            pk = <const uint8_t *>PyBytes_AS_STRING(kb)
            with nogil:
                st = ccf_sm2_sign_digest(self.k, e, pk, sig)
            if st == CCF_OK:
                return (<const char *>sig)[:64]
            if k_fixed is not None:
                raise ValueError("this k cannot be used (out of range or r = 0 / r + k = n / s = 0)")
            tries += 1
            if tries >= MAX_TRIES:
                raise RuntimeError("SM2 signing: no usable nonce from the CSPRNG")

    def sign(self, data, uid=DEFAULT_UID, bint der=True):
        cdef uint8_t e[32]
        self._digest(data, uid, e)
        raw = self._sign_e(e, None)
        return _der.encode_signature(raw) if der else raw

    def sign_digest(self, e, bint der=True):
        cdef bytes eb = _bytes32(e, "digest")
        raw = self._sign_e(<const uint8_t *>PyBytes_AS_STRING(eb), None)
        return _der.encode_signature(raw) if der else raw

    cdef int _verify_e(self, const uint8_t *e, object signature, bint der) except -1:
        cdef Py_buffer v
        cdef bytes raw
        if der:
            try:
                raw = _der.decode_signature(signature)
            except ValueError:
                raise InvalidSignature("malformed DER signature") from None
        else:
            get_read_buffer(signature, &v, "signature")
            try:
                if v.len != 64:
                    raise InvalidSignature(f"raw signature must be 64 bytes (r || s), not {v.len}")
                raw = (<const char *>v.buf)[:64]
            finally:
                release_buffer(&v)
        cdef const uint8_t *ps = <const uint8_t *>PyBytes_AS_STRING(raw)
        cdef ccf_status st
        self._public_op()
        with nogil:
            st = ccf_sm2_verify_digest(self.k, e, ps)
        if st != CCF_OK:
            raise InvalidSignature("signature does not verify")
        return 0

    def verify(self, signature, data, uid=DEFAULT_UID, bint der=True):
        cdef uint8_t e[32]
        self._digest(data, uid, e)
        self._verify_e(e, signature, der)

    def verify_digest(self, signature, e, bint der=True):
        cdef bytes eb = _bytes32(e, "digest")
        self._verify_e(<const uint8_t *>PyBytes_AS_STRING(eb), signature, der)

    cdef bytes _encrypt(self, object data, bint c1c3c2, bint der, object k_fixed):
        cdef Py_buffer v
        cdef bytes out, kb
        cdef uint8_t *o
        cdef uint8_t c1[64]
        cdef uint8_t c3[32]
        cdef ccf_status st
        cdef int tries = 0
        cdef Py_ssize_t n
        cdef const uint8_t *pk
        self._public_op()
        get_read_buffer(data, &v, "data")
        try:
            n = v.len
            out = new_bytes(97 + n)
            o = <uint8_t *>PyBytes_AS_STRING(out)
            o[0] = 4
            while True:
                kb = _urandom(32) if k_fixed is None else k_fixed
                pk = <const uint8_t *>PyBytes_AS_STRING(kb)
                with nogil:
                    st = ccf_sm2_encrypt(self.k, pk, <const uint8_t *>v.buf, <size_t>n, c1, o + 97, c3)
                if st == CCF_OK:
                    break
                if st == CCF_ERR_POINT:
                    raise ValueError("public key is not a valid SM2 point")
                if k_fixed is not None:
                    raise ValueError("this k cannot be used (out of range or all-zero KDF output)")
                tries += 1
                if tries >= MAX_TRIES:
                    raise RuntimeError("SM2 encryption: no usable nonce from the CSPRNG")
        finally:
            release_buffer(&v)
        if der:
            c2 = out[97:]
            return _der.encode_ciphertext((<const char *>c1)[:64], (<const char *>c3)[:32], c2, c1c3c2)
        memcpy(o + 1, c1, 64)
        if c1c3c2:
            memcpy(o + 65, c3, 32)
            return out
        # C1 || C2 || C3: C2 moves down 32 bytes, onto itself when longer than that
        memmove(o + 65, o + 97, <size_t>n)
        memcpy(o + 65 + n, c3, 32)
        return out

    def encrypt(self, data, bint c1c3c2=True, bint der=False):
        return self._encrypt(data, c1c3c2, der, None)

    def decrypt(self, ciphertext, bint c1c3c2=True, bint der=False):
        cdef Py_buffer v
        cdef bytes c1, c2, c3, out
        cdef ccf_status st
        cdef Py_ssize_t n
        if not self.k.has_private:
            raise ValueError("decryption needs a private key")
        if der:
            try:
                c1, c3, c2 = _der.decode_ciphertext(ciphertext, c1c3c2)
            except ValueError:
                raise DecryptionError(_decrypt_failed(ciphertext, der)) from None
        else:
            get_read_buffer(ciphertext, &v, "ciphertext")
            try:
                n = v.len - 97
                if n < 0 or (<const uint8_t *>v.buf)[0] != 4:
                    raise DecryptionError(_decrypt_failed(ciphertext, der))
                c1 = (<const char *>v.buf)[1:65]
                if c1c3c2:
                    c3 = (<const char *>v.buf)[65:97]
                    c2 = (<const char *>v.buf)[97:97 + n]
                else:
                    c2 = (<const char *>v.buf)[65:65 + n]
                    c3 = (<const char *>v.buf)[65 + n:97 + n]
            finally:
                release_buffer(&v)
        n = len(c2)
        out = new_bytes(n)
        cdef const uint8_t *p1 = <const uint8_t *>PyBytes_AS_STRING(c1)
        cdef const uint8_t *p2 = <const uint8_t *>PyBytes_AS_STRING(c2)
        cdef const uint8_t *p3 = <const uint8_t *>PyBytes_AS_STRING(c3)
        cdef uint8_t *po = <uint8_t *>PyBytes_AS_STRING(out)
        with nogil:
            st = ccf_sm2_decrypt(self.k, p1, p2, <size_t>n, p3, po)
        if st != CCF_OK:
            raise DecryptionError(_decrypt_failed(ciphertext, der))
        return out


def _decrypt_failed(ciphertext, bint der):
    """The DecryptionError message: what may be wrong, judged only from the ciphertext's public
    first byte (never from which check failed, so it reveals nothing about the key)."""
    try:
        first = memoryview(ciphertext).cast("B")[0] if len(memoryview(ciphertext)) else None
    except (TypeError, ValueError):
        first = None
    if not der and first == 0x30:
        return ("decryption failed: the ciphertext starts with a DER SEQUENCE (0x30): if it is GM/T "
                "0009 DER (as OpenSSL's pkeyutl writes it), pass encoding='der'")
    if der and first == 0x04:
        return ("decryption failed: the ciphertext starts with 0x04 (a raw C1 point): if it is raw "
                "04||C1||C3||C2, pass encoding='raw' (the default)")
    return ("decryption failed: wrong key, a corrupted ciphertext, or another layout (check mode="
            "'C1C3C2'/'C1C2C3' and encoding='raw'/'der')")


def key_from_private(d):
    """SM2Key from the 32-byte big-endian private key d, 1 <= d <= n - 2."""
    cdef bytes db = _bytes32(d, "private key")
    cdef SM2Key key = SM2Key.__new__(SM2Key)
    cdef const uint8_t *pd = <const uint8_t *>PyBytes_AS_STRING(db)
    cdef ccf_status st
    with nogil:
        st = ccf_sm2_key_set_private(key.k, pd)
    if st != CCF_OK:
        raise ValueError("private key out of range [1, n-2]")
    return key


def key_from_public(point):
    """SM2Key (public only) from X || Y (64 bytes); ValueError when not on the curve."""
    cdef Py_buffer v
    cdef SM2Key key = SM2Key.__new__(SM2Key)
    get_read_buffer(point, &v, "public key")
    try:
        if v.len != 64:
            raise ValueError(f"public point must be 64 bytes X || Y here, not {v.len}")
        if ccf_sm2_key_set_public(key.k, <const uint8_t *>v.buf) != CCF_OK:
            raise ValueError("public key is not a point of the SM2 curve")
    finally:
        release_buffer(&v)
    return key


def generate():
    """A fresh key pair, d uniform in [1, n-2] by rejection sampling from the OS CSPRNG."""
    cdef SM2Key key = SM2Key.__new__(SM2Key)
    cdef bytes db
    cdef int tries
    cdef const uint8_t *pd
    cdef ccf_status st
    for tries in range(MAX_TRIES):
        db = _urandom(32)
        pd = <const uint8_t *>PyBytes_AS_STRING(db)
        with nogil:
            st = ccf_sm2_key_set_private(key.k, pd)
        if st == CCF_OK:
            return key
    raise RuntimeError("SM2 key generation: no usable value from the CSPRNG")


cdef class KexContext:
    """Own side of a GB/T 32918.3 key exchange: static key and ephemeral r (wiped on free)."""
    cdef SM2Key key
    cdef uint8_t r[32]
    cdef uint8_t R[64]

    def __cinit__(self, SM2Key key not None, r=None):
        cdef bytes rb
        cdef int tries
        if not key.k.has_private:
            raise ValueError("key exchange needs a private key")
        self.key = key
        if r is not None:                     # test-only path, see _test_kex_with_r
            rb = _bytes32(r, "r")
            if ccf_sm2_mul_base(<const uint8_t *>PyBytes_AS_STRING(rb), self.R) != CCF_OK:
                raise ValueError("r out of range [1, n-1]")
            memcpy(self.r, PyBytes_AS_STRING(rb), 32)
            return
        for tries in range(MAX_TRIES):
            rb = _urandom(32)
            if ccf_sm2_mul_base(<const uint8_t *>PyBytes_AS_STRING(rb), self.R) == CCF_OK:
                memcpy(self.r, PyBytes_AS_STRING(rb), 32)
                return
        raise RuntimeError("SM2 key exchange: no usable value from the CSPRNG")

    def __dealloc__(self):
        ccf_memzero(self.r, 32)

    def __reduce__(self):
        raise TypeError("KexContext objects hold an ephemeral private key and cannot be pickled or copied")

    def ephemeral(self):
        """R = rG as X || Y."""
        return (<const char *>self.R)[:64]

    def shared_point(self, SM2Key peer not None, peer_R):
        """U = [t](P' + [x~'] R') as X || Y (section 6.1 A4-A7 / B3-B6)."""
        cdef Py_buffer v
        cdef uint8_t u[64]
        cdef ccf_status st
        get_read_buffer(peer_R, &v, "peer ephemeral")
        try:
            if v.len != 64:
                raise ValueError("peer ephemeral point must be 64 bytes X || Y here")
            with nogil:
                st = ccf_sm2_kex_point(self.key.k, self.r, self.R, peer.k.pub, <const uint8_t *>v.buf, u)
        finally:
            release_buffer(&v)
        if st != CCF_OK:
            raise ValueError("key exchange failed: peer point invalid or shared point at infinity")
        out = (<const char *>u)[:64]
        ccf_memzero(u, 64)
        return out


# ---- TEST-ONLY hooks (see the module comment) -------------------------------------------------

def _test_sign_digest_with_k(SM2Key key not None, e, k):
    """TEST ONLY: raw r || s of digest e with the caller's nonce k (worked examples)."""
    cdef bytes eb = _bytes32(e, "digest")
    return key._sign_e(<const uint8_t *>PyBytes_AS_STRING(eb), _bytes32(k, "k"))


def _test_encrypt_with_k(SM2Key key not None, data, k, bint c1c3c2=True, bint der=False):
    """TEST ONLY: encryption with the caller's nonce k (worked examples)."""
    return key._encrypt(data, c1c3c2, der, _bytes32(k, "k"))


def _test_kex_with_r(SM2Key key not None, r):
    """TEST ONLY: key-exchange context with the caller's ephemeral r (worked examples)."""
    return KexContext(key, r)
