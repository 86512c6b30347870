# Format-preserving encryption (NIST SP 800-38G Rev. 1 FF1 and FF3-1) over csrc/fpe: the
# alphabet <-> numeral mapping and argument checks here, the rounds in C.
cimport cython
from cpython.bytes cimport PyBytes_CheckExact, PyBytes_GET_SIZE
from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.ref cimport Py_INCREF
from cpython.sequence cimport PySequence_Fast, PySequence_Fast_GET_SIZE, PySequence_Fast_ITEMS
from cpython.unicode cimport (PyUnicode_Check, PyUnicode_GET_LENGTH, PyUnicode_KIND, PyUnicode_DATA,
                              PyUnicode_READ, PyUnicode_WRITE, PyUnicode_New, PyUnicode_1BYTE_KIND)
from cpython.object cimport PyObject
from libc.stdint cimport uint8_t, uint16_t, uint32_t, int32_t
from libc.string cimport memset

from ccfast._fpe cimport *
from ccfast._buffer cimport get_read_buffer, release_buffer
from ccfast._impls cimport impl_named
from ccfast._common cimport (ccf_cpu_init, ccf_alloc_aligned, ccf_free_aligned, ccf_memzero,
                             CCF_OK, CCF_ERR_LENGTH, CCF_ERR_PARAM, CCF_ERR_NOMEM, CCF_ERR_KEY_LENGTH)

ccf_cpu_init()

# digits, then lowercase, then uppercase: the first 36 are the NIST samples' radix-36 alphabet
DEFAULT_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_RADIX = 65536
FF1_MAXLEN = CCF_FF1_MAXLEN
FF1_MAX_TWEAK = CCF_FF1_MAX_TWEAK
FF3_1_TWEAK = 7
# Strings up to this length are converted on the stack (no allocation per call).
DEF STACK_NUMERALS = 256
# Lists at least this long run with the GIL released.
DEF NOGIL_COUNT = 16


cdef str _describe(Py_UCS4 ch):
    return repr(chr(ch))


cdef class _FPE:
    cdef ccf_fpe_ctx *ctx
    cdef int algo
    cdef readonly int radix
    cdef readonly str alphabet
    cdef readonly str cipher
    cdef readonly int minlen
    cdef readonly int maxlen
    cdef int32_t *lut            # code point -> numeral, -1 outside the alphabet
    cdef Py_ssize_t lut_size     # covers code points < lut_size (>= 256)
    cdef dict wide               # code points >= lut_size -> numeral
    cdef Py_UCS4 *chars          # numeral -> code point
    cdef uint8_t *chars8         # numeral -> byte, when every character is ASCII
    cdef Py_UCS4 maxchar
    cdef str name

    def __cinit__(self, *args, **kwargs):
        self.ctx = NULL
        self.lut = NULL
        self.chars = NULL
        self.chars8 = NULL

    def __dealloc__(self):
        if self.ctx != NULL:
            ccf_fpe_wipe(self.ctx)
            ccf_free_aligned(self.ctx, sizeof(ccf_fpe_ctx))
            self.ctx = NULL
        PyMem_Free(self.lut)
        PyMem_Free(self.chars)
        PyMem_Free(self.chars8)

    cdef int _setup(self, int algo, str name, object key, object radix, object alphabet, object cipher,
                    object impl) except -1:
        cdef Py_buffer kb
        cdef int c_cipher, rc
        cdef Py_ssize_t i, r
        cdef Py_UCS4 ch, mx = 0
        cdef const void *im = NULL
        cdef Py_ssize_t klen = 0
        if self.ctx != NULL:
            raise TypeError(f"{name} objects cannot be initialised twice")
        self.algo = algo
        self.name = name
        if not isinstance(cipher, str):
            raise TypeError(f"cipher must be 'aes' or 'sm4', not {type(cipher).__name__}")
        cipher_l = cipher.lower()
        if cipher_l == "aes":
            c_cipher = CCF_FPE_AES
        elif cipher_l == "sm4":
            c_cipher = CCF_FPE_SM4
        else:
            raise ValueError(f"cipher must be 'aes' or 'sm4', got {cipher!r}")
        # alphabet and radix
        if alphabet is not None and not isinstance(alphabet, str):
            raise TypeError(f"alphabet must be a str, not {type(alphabet).__name__}")
        if radix is not None and (isinstance(radix, bool) or not isinstance(radix, int)):
            raise TypeError(f"radix must be an int, not {type(radix).__name__}")
        if alphabet is None:
            if radix is None:
                radix = 10
            if radix < 2 or radix > MAX_RADIX:
                raise ValueError(f"radix must be 2 .. 65536, got {radix}")
            if radix > len(DEFAULT_ALPHABET):
                raise ValueError(f"radix {radix} needs an alphabet (the default covers radix <= 62)")
            alphabet = DEFAULT_ALPHABET[:radix]
        else:
            if len(alphabet) < 2:
                raise ValueError("alphabet must have at least 2 characters")
            if radix is None:
                radix = len(alphabet)
            if radix < 2 or radix > MAX_RADIX:
                raise ValueError(f"radix must be 2 .. 65536, got {radix}")
            if radix > len(alphabet):
                raise ValueError(f"radix {radix} is larger than the alphabet ({len(alphabet)} characters)")
            alphabet = alphabet[:radix]
            if len(set(alphabet)) != radix:
                dup = next(c for i_, c in enumerate(alphabet) if c in alphabet[:i_])
                raise ValueError(f"alphabet repeats the character {dup!r}")
        r = radix
        self.radix = radix
        self.alphabet = alphabet
        # lookup tables
        for ch in alphabet:
            if ch > mx:
                mx = ch
        self.maxchar = mx
        self.lut_size = min(<Py_ssize_t>mx, 0xFFFF) + 1
        if self.lut_size < 256:
            self.lut_size = 256
        self.lut = <int32_t *>PyMem_Malloc(self.lut_size * sizeof(int32_t))
        self.chars = <Py_UCS4 *>PyMem_Malloc(r * sizeof(Py_UCS4))
        if self.lut == NULL or self.chars == NULL:
            raise MemoryError()
        for i in range(self.lut_size):
            self.lut[i] = -1
        self.wide = {}
        for i in range(r):
            ch = alphabet[i]
            self.chars[i] = ch
            if ch < <Py_UCS4>self.lut_size:
                self.lut[ch] = <int32_t>i
            else:
                self.wide[ch] = i
        if mx < 128:
            self.chars8 = <uint8_t *>PyMem_Malloc(r)
            if self.chars8 == NULL:
                raise MemoryError()
            for i in range(r):
                self.chars8[i] = <uint8_t>self.chars[i]
        # key
        if impl is not None:
            if c_cipher == CCF_FPE_AES:
                im = impl_named(ccf_aes_impls(), "AES", impl)
            else:
                im = impl_named(ccf_sm4_impls(), "SM4", impl)
        get_read_buffer(key, &kb, "key")
        try:
            klen = kb.len
            if c_cipher == CCF_FPE_AES and kb.len not in (16, 24, 32):
                raise ValueError(f"{name} AES key must be 16, 24 or 32 bytes, got {kb.len}")
            if c_cipher == CCF_FPE_SM4 and kb.len != 16:
                raise ValueError(f"{name} SM4 key must be 16 bytes, got {kb.len}")
            self.ctx = <ccf_fpe_ctx *>ccf_alloc_aligned(sizeof(ccf_fpe_ctx), 64)
            if self.ctx == NULL:
                raise MemoryError()
            rc = ccf_fpe_init(self.ctx, algo, c_cipher, <const uint8_t *>kb.buf, kb.len, <uint32_t>r, im)
        finally:
            release_buffer(&kb)
        if rc != CCF_OK:
            ccf_free_aligned(self.ctx, sizeof(ccf_fpe_ctx))
            self.ctx = NULL
            raise ValueError(f"{name} could not be keyed (status {rc})")
        self.minlen = self.ctx.minlen
        self.maxlen = self.ctx.maxlen
        self.cipher = ("AES-%d" % (8 * klen)) if c_cipher == CCF_FPE_AES else "SM4"
        return 0

    def __reduce__(self):
        raise TypeError(f"{type(self).__name__} objects hold a key and cannot be pickled")

    def __repr__(self):
        if self.ctx == NULL:
            return f"<{type(self).__name__}, not initialised>"
        a = self.alphabet if len(self.alphabet) <= 64 else self.alphabet[:61] + "..."
        return f"{self.name}(cipher={self.cipher!r}, radix={self.radix}, alphabet={a!r})"

    @property
    def _implementation(self):
        if self.ctx == NULL:
            raise TypeError("this object was not initialised")
        return ccf_fpe_impl_name(self.ctx).decode()

    # ---- conversions ---------------------------------------------------------------------

    cdef int _check_length(self, Py_ssize_t n, Py_ssize_t index) except -1:
        if n < self.minlen or n > self.maxlen:
            where = "" if index < 0 else f"values[{index}]: "
            raise ValueError(f"{where}{self.name} input must be {self.minlen} to {self.maxlen} characters "
                             f"for radix {self.radix}, got {n}")
        return 0

    cdef int _to_numerals(self, object value, uint16_t *out, Py_ssize_t n, Py_ssize_t index) except -1:
        cdef unsigned int kind = PyUnicode_KIND(value)
        cdef void *data = PyUnicode_DATA(value)
        cdef const uint8_t *d8
        cdef Py_ssize_t i
        cdef int32_t v, bad = 0
        cdef Py_UCS4 ch
        if kind == PyUnicode_1BYTE_KIND:
            d8 = <const uint8_t *>data
            for i in range(n):
                v = self.lut[d8[i]]
                bad |= v
                out[i] = <uint16_t>v
            if bad >= 0:
                return 0
        else:
            for i in range(n):
                ch = PyUnicode_READ(kind, data, i)
                if ch < <Py_UCS4>self.lut_size:
                    v = self.lut[ch]
                else:
                    v = self.wide.get(ch, -1)
                bad |= v
                out[i] = <uint16_t>v
            if bad >= 0:
                return 0
        for i in range(n):
            ch = PyUnicode_READ(kind, data, i)
            if (self.lut[ch] if ch < <Py_UCS4>self.lut_size else self.wide.get(ch, -1)) < 0:
                where = "" if index < 0 else f"values[{index}]: "
                raise ValueError(f"{where}character {_describe(ch)} at position {i} is not in the "
                                 f"{self.name} alphabet {self.alphabet if len(self.alphabet) <= 64 else '(radix %d)' % self.radix!r}")
        return 0

    cdef str _from_numerals(self, const uint16_t *x, Py_ssize_t n):
        cdef str s
        cdef uint8_t *d8
        cdef void *data
        cdef unsigned int kind
        cdef Py_ssize_t i
        cdef Py_UCS4 mx
        if self.chars8 != NULL:
            s = PyUnicode_New(n, 127)
            d8 = <uint8_t *>PyUnicode_DATA(s)
            for i in range(n):
                d8[i] = self.chars8[x[i]]
            return s
        # CPython strings must use the narrowest kind their characters allow (equality and
        # hashing assume it), so the largest character of this output decides, not the alphabet's
        mx = 0
        for i in range(n):
            if self.chars[x[i]] > mx:
                mx = self.chars[x[i]]
        s = PyUnicode_New(n, mx)
        kind = PyUnicode_KIND(s)
        data = PyUnicode_DATA(s)
        for i in range(n):
            PyUnicode_WRITE(kind, data, i, self.chars[x[i]])
        return s

    cdef int _tweak(self, object tweak, Py_buffer *tb) except -1:
        if isinstance(tweak, str):
            raise TypeError("tweak must be a bytes-like object, not str")
        get_read_buffer(tweak, tb, "tweak")
        if self.algo == CCF_FPE_FF3_1:
            if tb.len != FF3_1_TWEAK:
                n = tb.len
                release_buffer(tb)
                raise ValueError(f"FF3-1 tweak must be 7 bytes (56 bits), got {n}")
        elif tb.len > FF1_MAX_TWEAK:
            n = tb.len
            release_buffer(tb)
            raise ValueError(f"FF1 tweak must be at most {FF1_MAX_TWEAK} bytes, got {n}")
        return 0

    cdef int _status(self, int rc) except -1:
        if rc == CCF_OK:
            return 0
        if rc == CCF_ERR_NOMEM:
            raise MemoryError()
        raise ValueError(f"{self.name} refused the input (status {rc})")

    # ---- one value ------------------------------------------------------------------------

    cdef str _one(self, object value, object tweak, int decrypt):
        cdef uint16_t stack[STACK_NUMERALS]
        cdef uint16_t *buf = stack
        cdef Py_ssize_t n, used = 0
        cdef Py_buffer tb
        cdef int rc
        cdef str out
        if self.ctx == NULL:
            raise TypeError("this object was not initialised (call FF1(key, ...) or FF3_1(key, ...))")
        if not PyUnicode_Check(value):
            raise TypeError(f"{self.name} value must be str, not {type(value).__name__}")
        n = PyUnicode_GET_LENGTH(value)
        self._check_length(n, -1)
        self._tweak(tweak, &tb)
        try:
            if n > STACK_NUMERALS:
                buf = <uint16_t *>PyMem_Malloc(n * sizeof(uint16_t))
                if buf == NULL:
                    raise MemoryError()
            used = n
            self._to_numerals(value, buf, n, -1)
            if n > STACK_NUMERALS:
                with nogil:
                    rc = ccf_fpe_crypt(self.ctx, decrypt, <const uint8_t *>tb.buf, tb.len, buf, buf, n)
            else:
                rc = ccf_fpe_crypt(self.ctx, decrypt, <const uint8_t *>tb.buf, tb.len, buf, buf, n)
            self._status(rc)
            out = self._from_numerals(buf, n)
        finally:
            release_buffer(&tb)
            ccf_memzero(buf, used * sizeof(uint16_t))
            if buf != stack:
                PyMem_Free(buf)
        return out

    # ---- many values ----------------------------------------------------------------------

    cdef list _many(self, object values, object tweak, int decrypt):
        cdef Py_ssize_t count, i, n, total = 0, off
        cdef PyObject **items
        cdef uint16_t *buf = NULL
        cdef uint32_t *lens = NULL
        cdef Py_buffer tb
        cdef size_t bad = 0
        cdef int rc
        cdef list out
        if self.ctx == NULL:
            raise TypeError("this object was not initialised (call FF1(key, ...) or FF3_1(key, ...))")
        if isinstance(values, (str, bytes)):
            raise TypeError(f"values must be an iterable of str, not a single {type(values).__name__}")
        seq = PySequence_Fast(values, "values must be an iterable of str")
        count = PySequence_Fast_GET_SIZE(seq)
        items = PySequence_Fast_ITEMS(seq)
        for i in range(count):
            v = <object>items[i]
            if not PyUnicode_Check(v):
                raise TypeError(f"values[{i}] must be str, not {type(v).__name__}")
            n = PyUnicode_GET_LENGTH(v)
            self._check_length(n, i)
            total += n
        self._tweak(tweak, &tb)
        try:
            buf = <uint16_t *>PyMem_Malloc((total + 1) * sizeof(uint16_t))
            lens = <uint32_t *>PyMem_Malloc((count + 1) * sizeof(uint32_t))
            if buf == NULL or lens == NULL:
                raise MemoryError()
            off = 0
            for i in range(count):
                v = <object>items[i]
                n = PyUnicode_GET_LENGTH(v)
                self._to_numerals(v, buf + off, n, i)
                lens[i] = <uint32_t>n
                off += n
            if count >= NOGIL_COUNT:
                with nogil:
                    rc = ccf_fpe_crypt_many(self.ctx, decrypt, <const uint8_t *>tb.buf, tb.len,
                                            buf, buf, lens, count, &bad)
            else:
                rc = ccf_fpe_crypt_many(self.ctx, decrypt, <const uint8_t *>tb.buf, tb.len,
                                        buf, buf, lens, count, &bad)
            self._status(rc)
            out = PyList_New(count)
            off = 0
            for i in range(count):
                s = self._from_numerals(buf + off, lens[i])
                Py_INCREF(s)
                PyList_SET_ITEM(out, i, s)
                off += lens[i]
            return out
        finally:
            release_buffer(&tb)
            if buf != NULL:
                ccf_memzero(buf, (total + 1) * sizeof(uint16_t))
            PyMem_Free(buf)
            PyMem_Free(lens)


@cython.embedsignature(False)      # the docstring's first line is the signature
cdef class FF1(_FPE):
    """FF1(key, *, radix=None, alphabet=None, cipher="aes")\n--\n\nFF1 (NIST SP 800-38G Rev. 1) on AES-128/192/256 or SM4.

    ``FF1(key, radix=10)`` encrypts strings of ``radix`` characters; without an ``alphabet``
    the characters are ``0-9``, then ``a-z``, then ``A-Z`` (radix up to 62); with one, its first
    ``radix`` characters (radix defaults to ``len(alphabet)``; up to 65536).  ``cipher`` is
    ``"aes"`` (key of 16, 24 or 32 bytes) or ``"sm4"`` (16 bytes).  Strings must be ``minlen``
    (radix^minlen >= 1,000,000) to ``maxlen`` (4096) characters; the tweak is 0 to 4096 bytes.
    Objects are immutable and may be shared between threads.
    """

    def __init__(self, key, *, radix=None, alphabet=None, cipher="aes", _impl=None):
        self._setup(CCF_FPE_FF1, "FF1", key, radix, alphabet, cipher, _impl)

    def encrypt(self, value, tweak=b""):
        """Encrypt one string of the alphabet; the result has the same length and alphabet."""
        return self._one(value, tweak, 0)

    def decrypt(self, value, tweak=b""):
        """Decrypt one string (the inverse of encrypt with the same tweak)."""
        return self._one(value, tweak, 1)

    def encrypt_many(self, values, tweak=b""):
        """Encrypt every string of an iterable with one tweak; returns a list (GIL released)."""
        return self._many(values, tweak, 0)

    def decrypt_many(self, values, tweak=b""):
        """Decrypt every string of an iterable with one tweak; returns a list (GIL released)."""
        return self._many(values, tweak, 1)


@cython.embedsignature(False)      # the docstring's first line is the signature
cdef class FF3_1(_FPE):
    """FF3_1(key, *, radix=None, alphabet=None, cipher="aes")\n--\n\nFF3-1 (NIST SP 800-38G Rev. 1) on AES-128/192/256 or SM4, with a 7-byte (56-bit) tweak.

    Same alphabet rules as :class:`FF1`.  Strings must be ``minlen`` (radix^minlen >=
    1,000,000) to ``maxlen`` = 2 * floor(log_radix(2^96)) characters (56 for decimal digits).
    The tweak is required: FF3-1 is defined for 56-bit tweaks only.
    """

    def __init__(self, key, *, radix=None, alphabet=None, cipher="aes", _impl=None):
        self._setup(CCF_FPE_FF3_1, "FF3-1", key, radix, alphabet, cipher, _impl)

    def encrypt(self, value, tweak):
        """Encrypt one string of the alphabet under a 7-byte tweak."""
        return self._one(value, tweak, 0)

    def decrypt(self, value, tweak):
        """Decrypt one string (the inverse of encrypt with the same tweak)."""
        return self._one(value, tweak, 1)

    def encrypt_many(self, values, tweak):
        """Encrypt every string of an iterable under one 7-byte tweak; returns a list."""
        return self._many(values, tweak, 0)

    def decrypt_many(self, values, tweak):
        """Decrypt every string of an iterable under one 7-byte tweak; returns a list."""
        return self._many(values, tweak, 1)
