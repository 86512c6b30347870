"""Drop-in replacement for the pure-Python ``gmssl`` package (3.2.x): ``sm2.CryptSM2``,
``sm3.sm3_hash`` / ``sm3_kdf``, ``sm4.CryptSM4`` and the ``func`` helpers, backed by ccfast.

Switch with one import::

    from ccfast.compat.gmssl import sm2, sm3, sm4, func      # was: from gmssl import ...

Same names, arguments and return types (hex strings where gmssl uses them).  Where gmssl is
unsafe this layer is not, and says so in each docstring:

* every SM2 nonce comes from the OS CSPRNG -- the caller's ``K`` / ``random_hex_str`` is
  accepted for compatibility and ignored (gmssl draws k from ``random``, which is predictable,
  and a predictable k reveals the private key);
* SM2 decryption checks C3 (gmssl never does) and raises ``ccfast.exceptions.DecryptionError``
  on any failure instead of returning tampered plaintext;
* PKCS#7 unpadding is validated (``ccfast.exceptions.PaddingError``, a ValueError);
* public keys given as ``"04" + X + Y`` lose exactly the ``04`` prefix (gmssl's
  ``lstrip("04")`` also eats leading 0/4 digits of X);
* private keys are read as gmssl reads them (``int(private_key, 16)``: gmssl's own 66-digit
  example key with its leading ``00`` works), but must be valid SM2 keys (1 <= d <= n - 2),
  where gmssl computes with any integer;
* ``ecc_table`` must describe the SM2 curve (gmssl computes on any table given).

``scripts/upstream_tests.py`` runs gmssl's own tests against this layer; the differences above
are the only ones they may show.
"""
from . import func, sm2, sm3, sm4

__all__ = ["func", "sm2", "sm3", "sm4"]
