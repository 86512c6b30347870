# Finding and masking card, ID, phone numbers and e-mail addresses in text over csrc/mask.
# The scanner reads CPython's str storage (1, 2 or 4 bytes a character) directly.
from cpython.unicode cimport (PyUnicode_Check, PyUnicode_GET_LENGTH, PyUnicode_KIND, PyUnicode_DATA,
                              PyUnicode_READ, PyUnicode_WRITE, PyUnicode_New, PyUnicode_1BYTE_KIND,
                              PyUnicode_2BYTE_KIND, PyUnicode_4BYTE_KIND)
from libc.stdint cimport uint8_t, uint32_t
from libc.string cimport memcpy, memset

from ccfast._mask cimport *
from ccfast._common cimport CCF_OK

cdef extern from "Python.h":
    Py_UCS4 PyUnicode_MAX_CHAR_VALUE(object o)
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)

ccf_mask_init()

# Texts at least this long are scanned with the GIL released.
DEF NOGIL_CHARS = 65536

cdef dict KIND_NAMES = {CCF_MASK_CARD: "card", CCF_MASK_ID_CN: "id_cn", CCF_MASK_PHONE_CN: "phone_cn",
                        CCF_MASK_EMAIL: "email"}
cdef dict KIND_CODES = {v: k for k, v in KIND_NAMES.items()}

# Chinese numerals written for a digit found as a Chinese numeral
cdef str CN_DIGITS = "〇一二三四五六七八九"


cdef inline int _cls(Py_UCS4 ch) noexcept:
    return ccf_mask_class(ch)


cdef class Match:
    """One finding of :func:`scan`: ``kind`` ("card", "id_cn", "phone_cn", "email"), the
    span ``start``..``end`` (str indices, ``text == source[start:end]``), the matched
    ``text`` and its ``value``: the digits in ASCII (an ID's check character as ``X``; a
    phone number without its country code) or the address.  ``repr()`` shows the value
    masked."""
    cdef readonly str kind
    cdef readonly Py_ssize_t start
    cdef readonly Py_ssize_t end
    cdef readonly str text
    cdef readonly str value
    cdef readonly int prefix

    def __init__(self, *args, **kwargs):
        raise TypeError("Match objects are made by ccfast.mask.scan()")

    def __repr__(self):
        return (f"Match(kind={self.kind!r}, start={self.start}, end={self.end}, "
                f"text={_mask_span(self.text, KIND_CODES[self.kind], self.prefix, '*')!r})")

    def __eq__(self, other):
        if not isinstance(other, Match):
            return NotImplemented
        o = <Match>other
        return (self.kind, self.start, self.end, self.text) == (o.kind, o.start, o.end, o.text)

    def __hash__(self):
        return hash((self.kind, self.start, self.end, self.text))

    def __reduce__(self):
        return (_match, (self.kind, self.start, self.end, self.text, self.value, self.prefix))


def _match(kind, start, end, text, value, prefix):
    cdef Match m = Match.__new__(Match)
    m.kind, m.start, m.end, m.text, m.value, m.prefix = kind, start, end, text, value, prefix
    return m


cdef str _value(str span, int kind, int prefix):
    """The digits of a number match in ASCII (X for a check character), or the address."""
    cdef Py_ssize_t i, n = len(span)
    cdef int c
    if kind == CCF_MASK_EMAIL:
        return span
    out = []
    for i in range(n):
        c = _cls(span[i])
        if c <= 9:
            out.append(chr(48 + c))
        elif c == CCF_MC_X:
            out.append("X")
    s = "".join(out)
    return s[prefix:] if kind == CCF_MASK_PHONE_CN else s


# ---- masking rules -------------------------------------------------------------------------

cdef str _mask_number(str s, int prefix, int keep_first, int keep_last, str mc):
    """Replace the digits of s with char except the first keep_first and the last keep_last
    (counted after `prefix` country-code digits, which are kept); everything else kept."""
    cdef Py_ssize_t i, n = len(s), k = 0, total = 0, j
    cdef int c
    for i in range(n):
        c = _cls(s[i])
        if c <= 9 or c == CCF_MC_X:
            total += 1
    total -= prefix
    out = list(s)
    for i in range(n):
        c = _cls(s[i])
        if c <= 9 or c == CCF_MC_X:
            j = k - prefix
            if j >= keep_first and j < total - keep_last:
                out[i] = mc
            k += 1
    return "".join(out)


cdef str _mask_email(str s, str mc):
    at = s.rfind("@")
    if at <= 0:
        return s
    return s[0] + mc * (at - 1) + s[at:]


cdef str _mask_span(str s, int kind, int prefix, str mc):
    """The default display mask of a match: card first 6 / last 4, ID region and check
    character, phone first 3 / last 4 (country code kept), e-mail first character."""
    if kind == CCF_MASK_CARD:
        return _mask_number(s, 0, 6, 4, mc)
    if kind == CCF_MASK_ID_CN:
        return _mask_number(s, 0, 6, 1, mc)
    if kind == CCF_MASK_PHONE_CN:
        return _mask_number(s, prefix, 3, 4, mc)
    return _mask_email(s, mc)


# ---- scan and redact -----------------------------------------------------------------------

cdef int _scan(str text, ccf_mask_matches *m) except -1:
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef unsigned cs = PyUnicode_KIND(text)
    cdef const void *data = PyUnicode_DATA(text)
    cdef int rc
    if n >= NOGIL_CHARS:
        with nogil:
            rc = ccf_mask_scan(data, cs, n, m)
    else:
        rc = ccf_mask_scan(data, cs, n, m)
    if rc != CCF_OK:
        raise MemoryError()
    return 0


def scan(text):
    """Every card number, Chinese resident ID number, mainland mobile number and e-mail
    address in text, as a list of :class:`Match` in order of position (docs/mask.md)."""
    cdef ccf_mask_matches m
    cdef size_t i, nv
    cdef Match x
    cdef char buf[40]
    cdef const void *data
    cdef unsigned cs
    cdef list out
    if not PyUnicode_Check(text):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    memset(&m, 0, sizeof(m))
    try:
        _scan(text, &m)
        out = []
        data = PyUnicode_DATA(text)
        cs = PyUnicode_KIND(text)
        names = [None, "card", "id_cn", "phone_cn", "email"]
        for i in range(m.n):
            x = Match.__new__(Match)
            x.kind = names[m.m[i].kind]
            x.start = m.m[i].start
            x.end = m.m[i].end
            x.text = text[x.start:x.end]
            x.prefix = m.m[i].prefix
            if m.m[i].kind == CCF_MASK_EMAIL:
                x.value = x.text
            else:
                nv = ccf_mask_value(data, cs, &m.m[i], buf, sizeof(buf))
                x.value = buf[:nv].decode("ascii")
            out.append(x)
        return out
    finally:
        ccf_mask_matches_free(&m)


cdef Py_UCS4 _max_char(str s):
    cdef Py_UCS4 mx = 0, ch
    for ch in s:
        if ch > mx:
            mx = ch
    return mx


cdef Py_UCS4 _kind_floor(str text):
    """Characters at or above this need the text's storage kind (canonical-form check)."""
    cdef Py_UCS4 top = PyUnicode_MAX_CHAR_VALUE(text)
    if top == 0x7F:
        return 0x110000         # ASCII: nothing replaced can be wider than the result
    if top == 0xFF:
        return 0x80
    if top == 0xFFFF:
        return 0x100
    return 0x10000


cdef str _redact_masked(str text, ccf_mask_matches *m):
    """A copy of text with the default mask over every match (all in C, GIL released for
    long texts)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef unsigned kind = PyUnicode_KIND(text)
    cdef Py_UCS4 floor = _kind_floor(text)
    cdef int wide = 0
    cdef size_t i
    cdef void *data
    cdef const void *src = PyUnicode_DATA(text)
    out = PyUnicode_New(n, PyUnicode_MAX_CHAR_VALUE(text))
    data = PyUnicode_DATA(out)
    if n >= NOGIL_CHARS:
        with nogil:
            memcpy(data, src, n * kind)
            for i in range(m.n):
                wide |= ccf_mask_apply(data, kind, &m.m[i], 42, floor)
    else:
        memcpy(data, src, n * kind)
        for i in range(m.n):
            wide |= ccf_mask_apply(data, kind, &m.m[i], 42, floor)
    if wide:
        # the only characters that needed this storage kind may be gone: CPython strings must
        # use the narrowest kind, which PyUnicode_FromKindAndData works out
        return PyUnicode_FromKindAndData(kind, data, n)
    return out


def redact(text, *, tokenizer=None):
    """text with every match of :func:`scan` masked (cards first 6 / last 4, IDs region and
    check character, phone numbers first 3 / last 4, e-mail first character) or, with a
    :class:`Tokenizer`, numbers replaced by their tokens (addresses are masked).  Every other
    character is returned unchanged; the result has the same length."""
    cdef ccf_mask_matches m
    cdef size_t i
    cdef Py_ssize_t n, start, end, j
    cdef unsigned kind
    cdef Py_UCS4 floor, mx = 0, ch
    cdef bint wide_removed = False
    cdef void *data
    if not PyUnicode_Check(text):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if tokenizer is not None and not hasattr(tokenizer, "_replace"):
        raise TypeError(f"tokenizer must be a ccfast.mask.Tokenizer, not {type(tokenizer).__name__}")
    memset(&m, 0, sizeof(m))
    try:
        _scan(text, &m)
        if m.n == 0:
            return text
        if tokenizer is None:
            return _redact_masked(text, &m)
        repl = []
        for i in range(m.n):
            span = text[m.m[i].start:m.m[i].end]
            if tokenizer is not None and m.m[i].kind != CCF_MASK_EMAIL:
                r = tokenizer._replace(KIND_NAMES[m.m[i].kind], span)
            else:
                r = _mask_span(span, m.m[i].kind, m.m[i].prefix, "*")
            repl.append(r)
            ch = _max_char(r)
            if ch > mx:
                mx = ch
        n = PyUnicode_GET_LENGTH(text)
        if mx > PyUnicode_MAX_CHAR_VALUE(text):
            # a replacement wider than the text: let join widen it
            pieces = []
            prev = 0
            for i in range(m.n):
                pieces.append(text[prev:m.m[i].start])
                pieces.append(repl[i])
                prev = m.m[i].end
            pieces.append(text[prev:])
            return "".join(pieces)
        out = PyUnicode_New(n, PyUnicode_MAX_CHAR_VALUE(text))
        kind = PyUnicode_KIND(text)
        data = PyUnicode_DATA(out)
        memcpy(data, PyUnicode_DATA(text), n * kind)
        floor = _kind_floor(text)
        for i in range(m.n):
            start = m.m[i].start
            end = m.m[i].end
            r = repl[i]
            for j in range(end - start):
                ch = PyUnicode_READ(kind, data, start + j)
                if ch >= floor and (<str>r)[j] != ch:
                    wide_removed = True
                PyUnicode_WRITE(kind, data, start + j, (<str>r)[j])
        if wide_removed:
            # the only characters that needed this storage kind may be gone: CPython strings
            # must use the narrowest kind, which PyUnicode_FromKindAndData works out
            return PyUnicode_FromKindAndData(kind, data, n)
        return out
    finally:
        ccf_mask_matches_free(&m)


# ---- whole values ----------------------------------------------------------------------------

cdef tuple _parse(object s, int kind, str what):
    """(digits, positions, prefix) of s read as one valid number of kind, or None."""
    cdef uint8_t d[32]
    cdef size_t pos[32]
    cdef size_t nd = 0, prefix = 0
    cdef int ok
    if not PyUnicode_Check(s):
        raise TypeError(f"{what} must be str, not {type(s).__name__}")
    ok = ccf_mask_parse_number(PyUnicode_DATA(s), PyUnicode_KIND(s), PyUnicode_GET_LENGTH(s), kind,
                               d, pos, &nd, &prefix)
    if not ok:
        return None
    return bytes([d[i] for i in range(nd)]), [pos[i] for i in range(nd)], prefix


def _parse_strict(s, kind, what):
    return _parse(s, KIND_CODES[kind], what)


def valid_card(pan):
    """True if pan is a bank card number: 12 to 19 digits, the first not 0, passing the Luhn
    check; single spaces or hyphens may separate digits."""
    return _parse(pan, CCF_MASK_CARD, "pan") is not None


def valid_id_cn(number):
    """True if number is a Chinese resident ID number (GB 11643): 17 digits and a check
    character (0-9 or X), a known province code, a birth date from 1900 to 2099 and the
    ISO 7064 MOD 11-2 check."""
    return _parse(number, CCF_MASK_ID_CN, "number") is not None


def valid_phone_cn(number):
    """True if number is a mainland mobile number: 11 digits 1[3-9]..., optionally after
    +86, 86 or 0086; single spaces or hyphens may separate digits."""
    return _parse(number, CCF_MASK_PHONE_CN, "number") is not None


def valid_email(address):
    """True if address is one e-mail address by the scanner's rules (docs/mask.md)."""
    if not PyUnicode_Check(address):
        raise TypeError(f"address must be str, not {type(address).__name__}")
    return bool(ccf_mask_valid_email(PyUnicode_DATA(address), PyUnicode_KIND(address),
                                     PyUnicode_GET_LENGTH(address)))


cdef tuple _digits_loose(object s, str what, bint allow_plus, bint allow_x):
    """Digit values and positions of s, which may hold only digits (any script the scanner
    knows), single separators between them, a leading '+' (allow_plus) and a final X
    (allow_x); ValueError naming the first character that does not fit."""
    cdef Py_ssize_t i = 0, n
    cdef int c
    if not PyUnicode_Check(s):
        raise TypeError(f"{what} must be str, not {type(s).__name__}")
    n = len(s)
    vals, pos = [], []
    plus = False
    if allow_plus and n and _cls(s[0]) == CCF_MC_PLUS:
        plus = True
        i = 1
        if i < n and _cls(s[i]) == CCF_MC_SEP:
            i += 1
    while i < n:
        c = _cls(s[i])
        if c <= 9 or (c == CCF_MC_X and allow_x and i == n - 1):
            vals.append(c if c <= 9 else 10)
            pos.append(i)
        elif not (c == CCF_MC_SEP and vals and i + 1 < n and _cls(s[i + 1]) != CCF_MC_SEP):
            raise ValueError(f"{what}: character {s[i]!r} at position {i} is not a digit or a single separator")
        i += 1
    return vals, pos, plus


cdef str _check_char(object mc):
    if not isinstance(mc, str) or len(mc) != 1:
        raise TypeError("char must be a one-character str")
    return mc


cdef int _check_keep(object v, str name) except -1:
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"{name} must be an int")
    if v < 0:
        raise ValueError(f"{name} must be >= 0, got {v}")
    return 0


def _mask_card(pan, keep_first, keep_last, mc):
    """pan with its digits replaced by char except the first keep_first and the last
    keep_last (PCI DSS: at most the first six and last four); separators kept.  The number
    must have 12 to 19 digits; the Luhn check is not required (a mistyped number is masked)."""
    _check_keep(keep_first, "keep_first")
    _check_keep(keep_last, "keep_last")
    mc = _check_char(mc)
    vals, pos, _ = _digits_loose(pan, "pan", False, False)
    if not 12 <= len(vals) <= 19:
        raise ValueError(f"pan must have 12 to 19 digits, got {len(vals)}")
    if keep_first + keep_last >= len(vals):
        raise ValueError(f"keep_first + keep_last ({keep_first + keep_last}) leaves none of the {len(vals)} digits masked")
    return _mask_number(pan, 0, keep_first, keep_last, mc)


def _mask_id_cn(number, keep_region, keep_check, mc):
    """number (18 characters: 17 digits and a check character) with the birth date and
    sequence digits replaced by char; the region code (first six) and the check character
    are kept unless keep_region / keep_check is False."""
    mc = _check_char(mc)
    vals, pos, _ = _digits_loose(number, "number", False, True)
    if len(vals) != 18:
        raise ValueError(f"a resident ID number has 18 characters, got {len(vals)}")
    return _mask_number(number, 0, 6 if keep_region else 0, 1 if keep_check else 0, mc)


def _mask_phone_cn(number, keep_first, keep_last, mc):
    """number (11 digits, optionally after +86 / 86 / 0086) with the national digits replaced
    by char except the first keep_first and last keep_last; the country code and separators
    are kept."""
    _check_keep(keep_first, "keep_first")
    _check_keep(keep_last, "keep_last")
    mc = _check_char(mc)
    vals, pos, plus = _digits_loose(number, "number", True, False)
    prefix = len(vals) - 11
    if prefix not in (0, 2, 4) or (prefix == 2 and vals[:2] != [8, 6]) or (prefix == 4 and vals[:4] != [0, 0, 8, 6]) \
            or (plus and prefix == 0):
        raise ValueError(f"number must be 11 digits, optionally after +86, 86 or 0086, got {len(vals)} digits")
    if keep_first + keep_last >= 11:
        raise ValueError(f"keep_first + keep_last ({keep_first + keep_last}) leaves none of the 11 digits masked")
    return _mask_number(number, prefix, keep_first, keep_last, mc)


def _mask_address(address, mc):
    """address with its local part replaced by char except its first character; the domain
    is kept."""
    mc = _check_char(mc)
    if not PyUnicode_Check(address):
        raise TypeError(f"address must be str, not {type(address).__name__}")
    at = address.rfind("@")
    if at <= 0 or at == len(address) - 1:
        raise ValueError("address must be local@domain with both parts non-empty")
    return _mask_email(address, mc)


def _render(str s, list positions, list values):
    """s with the digit characters at positions replaced by values (0-9, 10 for X), each
    written in the script of the character it replaces: ASCII, full-width, or the standard
    Chinese numerals 〇一二三四五六七八九 (the spoken forms 零 and 幺 are not kept)."""
    out = list(s)
    for p, v in zip(positions, values):
        ch = s[p]
        if ch in "XxＸｘ" and p > 0:
            # a check character has no script of its own: take the digit before it
            k = p - 1
            while k > 0 and _cls(s[k]) > 9:
                k -= 1
            script = s[k] if _cls(s[k]) <= 9 else ch
        else:
            script = ch
        o = ord(script)
        if v == 10:
            out[p] = "x" if ch == "x" else ("ｘ" if ch == "ｘ" else ("Ｘ" if 0xFF10 <= o <= 0xFF5A else "X"))
        elif 0x30 <= o <= 0x39 or script in "Xx":
            out[p] = chr(0x30 + v)
        elif 0xFF10 <= o <= 0xFF5A:
            out[p] = chr(0xFF10 + v)
        else:
            out[p] = CN_DIGITS[v]
    return "".join(out)


def _digits(s, what, allow_plus, allow_x):
    return _digits_loose(s, what, allow_plus, allow_x)


def _id_check(digits17):
    """GB 11643 check character value (10 = X) of 17 digit values."""
    cdef uint8_t d[17]
    cdef int i
    for i in range(17):
        d[i] = digits17[i]
    return ccf_mask_id_check(d)


def _luhn(digits):
    """Luhn check of a str of ASCII digits."""
    cdef int total = 0, v, i = 0
    cdef Py_UCS4 ch
    for ch in reversed(digits):
        v = <int>ch - 48
        if i & 1:
            v *= 2
            if v > 9:
                v -= 9
        total += v
        i += 1
    return total % 10 == 0
