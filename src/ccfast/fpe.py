"""Format-preserving encryption: FF1 and FF3-1 of NIST SP 800-38G Rev. 1.

``FF1(key)`` and ``FF3_1(key)`` encrypt strings of an alphabet (decimal digits by default) to
strings of the same length and alphabet, on AES-128/192/256 or SM4 (``cipher="sm4"``).
docs/fpe.md describes the parameters, limits and the SM4 variant.
"""
from ._fpe import DEFAULT_ALPHABET, FF1, FF1_MAX_TWEAK, FF1_MAXLEN, FF3_1

__all__ = ["FF1", "FF3_1", "DEFAULT_ALPHABET", "FF1_MAXLEN", "FF1_MAX_TWEAK"]
