"""SM3, the Chinese national hash (GB/T 32905-2016).

``SM3(data)`` has the hashlib interface and works with the ``hmac`` module
(``hmac.new(key, msg, digestmod=ccfast.sm3.SM3)``); ``digest``, ``hmac``, ``kdf`` (the KDF of
GB/T 32918.4) and ``digest_batch`` are one-call helpers.
"""
from ._sm3 import SM3, digest, digest_batch, hmac, kdf

__all__ = ["SM3", "digest", "hmac", "kdf", "digest_batch"]
