"""Masking and format-preserving tokenization of bank card numbers, Chinese resident ID numbers,
mainland mobile numbers and e-mail addresses, and finding them in text.

``scan(text)`` lists what it finds (ASCII, full-width and Chinese-numeral digits, separators
inside numbers, checksums cutting false positives); ``redact(text)`` masks every finding and
leaves every other character as it was; ``Tokenizer(key)`` replaces numbers by reversible
tokens of the same format (FF1 on SM4 or AES).  docs/mask.md has the rules.
"""
import datetime

from ._mask import (Match, _digits, _id_check, _luhn, _mask_address, _mask_card, _mask_id_cn, _mask_phone_cn,
                    _parse_strict, _render, redact, scan, valid_card, valid_email, valid_id_cn, valid_phone_cn)
from .fpe import FF1 as _FF1

__all__ = [
    "Match", "Tokenizer", "scan", "redact",
    "valid_card", "valid_id_cn", "valid_phone_cn", "valid_email",
    "card", "id_cn", "phone_cn", "email",
]



def card(pan, *, keep_first=6, keep_last=4, char="*"):
    """pan with its digits replaced by char except the first keep_first and the last keep_last
    (PCI DSS: at most the first six and last four); separators kept.  12 to 19 digits; the Luhn
    check is not required (a mistyped number is masked all the same)."""
    return _mask_card(pan, keep_first, keep_last, char)


def id_cn(number, *, keep_region=True, keep_check=True, char="*"):
    """number (17 digits and a check character) with the birth date and sequence digits replaced
    by char; the region code (first six) and the check character are kept unless keep_region /
    keep_check is False."""
    return _mask_id_cn(number, keep_region, keep_check, char)


def phone_cn(number, *, keep_first=3, keep_last=4, char="*"):
    """number (11 digits, optionally after +86 / 86 / 0086) with its digits replaced by char
    except the first keep_first and last keep_last of the national number; the country code
    and separators are kept."""
    return _mask_phone_cn(number, keep_first, keep_last, char)


def email(address, *, char="*"):
    """address with its local part replaced by char except the first character; the domain is
    kept."""
    return _mask_address(address, char)


_KINDS = ("card", "id_cn", "phone_cn")


def _why_not(kind, s):
    """A ValueError saying why s is not a valid number of kind."""
    what = "pan" if kind == "card" else "number"
    vals, _, plus = _digits(s, what, kind == "phone_cn", kind == "id_cn")   # raises for stray characters
    n = len(vals)
    if kind == "card":
        if not 12 <= n <= 19:
            return ValueError(f"a card number has 12 to 19 digits, got {n}")
        if vals[0] == 0:
            return ValueError("a card number does not start with 0")
        return ValueError("card number fails the Luhn check")
    if kind == "id_cn":
        if n != 18:
            return ValueError(f"a resident ID number has 18 characters, got {n}")
        if 10 in vals[:17]:
            return ValueError("X may only be the check character of an ID number")
        if not (11 <= vals[0] * 10 + vals[1] <= 83):
            return ValueError("ID number has no valid province code")
        y, m, d = (int("".join(map(str, vals[a:b]))) for a, b in ((6, 10), (10, 12), (12, 14)))
        try:
            ok = datetime.date(y, m, d) and 1900 <= y <= 2099
        except ValueError:
            ok = False
        if not ok:
            return ValueError("ID number has no valid birth date (1900-01-01 to 2099-12-31)")
        if _id_check(vals[:17]) != vals[17]:
            return ValueError("ID number fails its check character (ISO 7064 MOD 11-2)")
        return ValueError("ID number has no valid province code")
    return ValueError(f"not a mainland mobile number: 11 digits 1[3-9]..., optionally after +86, 86 or 0086 "
                      f"({n} digits{', with +' if plus else ''})")


class Tokenizer:
    """Reversible, deterministic tokens of the same format, with FF1 (NIST SP 800-38G Rev. 1)
    on SM4 (default) or AES:

    - ``card(pan)``: keeps the first six digits (fewer for PANs under 16 digits, so that at
      least six are encrypted) and the last four; the token passes the Luhn check
      (cycle-walking);
    - ``id_cn(number)``: keeps the region code and the sex digit's parity; the birth date and
      sequence number are encrypted together to another valid date within ``birth_years``
      (default 1900-2099; dates outside raise ValueError) and sequence; the check character is
      recomputed;
    - ``phone_cn(number)``: keeps the country code and the first three digits (the carrier
      prefix), encrypts the last eight.

    The kept parts are bound into the tweak.  Separators, country-code forms and the script of
    each digit (ASCII, full-width, Chinese numerals) are kept.  A number that fails its checks
    raises ValueError.  ``detokenize(kind, token)`` gives the original back.
    """

    __slots__ = ("_ff1", "_first", "_days", "_id_values", "_id_digits", "_id_tweak")

    def __init__(self, key, *, cipher="sm4", birth_years=(1900, 2099)):
        self._ff1 = _FF1(key, cipher=cipher)
        try:
            y0, y1 = birth_years
        except (TypeError, ValueError):
            raise TypeError("birth_years must be a pair of years (first, last)") from None
        if any(isinstance(y, bool) or not isinstance(y, int) for y in (y0, y1)):
            raise TypeError("birth_years must be a pair of int years")
        if not 1900 <= y0 <= y1 <= 2099 or y1 - y0 < 5:
            raise ValueError(f"birth_years must lie within 1900..2099 and span at least 6 years "
                             f"(a domain of at least 1,000,000 date and sequence values), got {birth_years!r}")
        self._first = datetime.date(y0, 1, 1)
        self._days = (datetime.date(y1, 12, 31) - self._first).days + 1
        self._id_values = self._days * 500               # dates x 500 sequence numbers of one parity
        self._id_digits = len(str(self._id_values - 1))  # FF1 over this many digits, then cycle-walking
        self._id_tweak = b"ccfast.mask id_cn" + f"{y0}{y1}".encode()

    @property
    def cipher(self):
        return self._ff1.cipher

    def __repr__(self):
        return (f"Tokenizer(cipher={self._ff1.cipher!r}, "
                f"birth_years=({self._first.year}, {(self._first + datetime.timedelta(self._days - 1)).year}))")

    def __reduce__(self):
        raise TypeError("Tokenizer objects hold a key and cannot be pickled")

    def __reduce_ex__(self, protocol):
        raise TypeError("Tokenizer objects hold a key and cannot be pickled")

    # ---- the three kinds ----------------------------------------------------------------------

    def _card(self, pan, decrypt):
        parsed = _parse_strict(pan, "card", "pan")
        if parsed is None:
            raise _why_not("card", pan)
        d, pos, _ = parsed
        n = len(d)
        head = min(6, n - 10)
        digits = "".join(map(str, d))
        h, mid, t = digits[:head], digits[head:n - 4], digits[n - 4:]
        tweak = b"ccfast.mask card" + bytes([n]) + h.encode() + t.encode()
        step = self._ff1.decrypt if decrypt else self._ff1.encrypt
        x = mid
        while True:                      # cycle-walk to the next Luhn-valid number
            x = step(x, tweak)
            if _luhn(h + x + t):
                break
        return _render(pan, pos[head:n - 4], [int(c) for c in x])

    def _id_cn(self, number, decrypt):
        parsed = _parse_strict(number, "id_cn", "number")
        if parsed is None:
            raise _why_not("id_cn", number)
        d, pos, _ = parsed
        d = list(d)
        born = datetime.date(int("".join(map(str, d[6:10]))), int("".join(map(str, d[10:12]))),
                             int("".join(map(str, d[12:14]))))
        seq = d[14] * 100 + d[15] * 10 + d[16]
        sex = seq & 1
        day = (born - self._first).days
        if not 0 <= day < self._days:
            raise ValueError(f"the birth date {born.isoformat()} is outside this tokenizer's birth_years")
        tweak = self._id_tweak + bytes(d[:6]) + bytes([sex])
        x = f"{day * 500 + seq // 2:0{self._id_digits}d}"
        step = self._ff1.decrypt if decrypt else self._ff1.encrypt
        while True:                      # cycle-walk into [0, days * 500)
            x = step(x, tweak)
            if int(x) < self._id_values:
                break
        day, half = divmod(int(x), 500)
        new17 = d[:6] + [int(c) for c in (self._first + datetime.timedelta(days=day)).strftime("%Y%m%d")] + \
            [int(c) for c in f"{2 * half + sex:03d}"]
        return _render(number, pos[6:], new17[6:] + [_id_check(new17)])

    def _phone_cn(self, number, decrypt):
        parsed = _parse_strict(number, "phone_cn", "number")
        if parsed is None:
            raise _why_not("phone_cn", number)
        d, pos, prefix = parsed
        nat = "".join(map(str, d[prefix:]))
        tweak = b"ccfast.mask phone_cn" + nat[:3].encode()
        x = (self._ff1.decrypt if decrypt else self._ff1.encrypt)(nat[3:], tweak)
        return _render(number, pos[prefix + 3:], [int(c) for c in x])

    def card(self, pan):
        """Token of a bank card number (same length, BIN and last four, Luhn-valid)."""
        return self._card(pan, False)

    def id_cn(self, number):
        """Token of a resident ID number (same region, sex parity; valid date and check)."""
        return self._id_cn(number, False)

    def phone_cn(self, number):
        """Token of a mainland mobile number (same country code and first three digits)."""
        return self._phone_cn(number, False)

    def detokenize(self, kind, token):
        """The original of a token made by card / id_cn / phone_cn (kind names which)."""
        if kind not in _KINDS:
            raise ValueError(f"kind must be one of {', '.join(_KINDS)}, got {kind!r}")
        return getattr(self, "_" + kind)(token, True)

    def _replace(self, kind, text):
        return getattr(self, "_" + kind)(text, False)
