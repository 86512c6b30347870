"""``gmssl.sm3`` names over ccfast's SM3: sm3_hash(list of ints) -> hex, sm3_kdf(hex bytes, klen) -> hex."""
try:
    from ccfast.sm3 import digest as _digest
except ImportError:                       # SM3 public module not built: the SM2 module's SM3
    from ccfast._sm2 import sm3 as _digest

__all__ = ["sm3_hash", "sm3_kdf"]


def sm3_hash(msg):
    """SM3 of a list of byte values (or any bytes-like), as 64 lowercase hex digits.  Unlike
    gmssl's, the caller's list is not modified."""
    return _digest(bytes(msg)).hex()


def sm3_kdf(z, klen):
    """GB/T 32918.4 KDF: z is the hex string of the input as bytes (gmssl convention), klen in
    bytes; returns klen*2 hex digits."""
    from ccfast._sm2 import kdf
    if isinstance(z, str):
        z = z.encode()
    return kdf(bytes.fromhex(z.decode("utf8")), int(klen)).hex()
