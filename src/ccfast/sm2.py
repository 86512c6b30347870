"""SM2 public-key cryptography (GB/T 32918 / GM/T 0003) on the sm2p256v1 curve.

Signatures (with the Z_A user-ID prefix, default ID ``b"1234567812345678"``), public-key
encryption (C1C3C2 as in the 2016 standard, or the older C1C2C3; raw or GM/T 0009 DER), key
exchange (GB/T 32918.3) and key serialization in the forms OpenSSL 3 and GmSSL use.  Private
keys and nonces come from the OS CSPRNG; secret-dependent arithmetic is constant time.

    key = sm2.generate_private_key()
    sig = key.sign(b"message")
    key.public_key().verify(sig, b"message")          # raises InvalidSignature

Keys are immutable and safe to share between threads; the point multiplications run with the
GIL released.  A public key used for a second verification or encryption caches a small table
of its multiples (1 KiB), which makes later operations with it about 15% faster.
"""
from ccfast import _der
from ccfast import _sm2
from ccfast.exceptions import DecryptionError, InvalidSignature

__all__ = [
    "DEFAULT_UID", "generate_private_key", "SM2PrivateKey", "SM2PublicKey",
    "load_pem_private_key", "load_der_private_key", "load_pem_public_key", "load_der_public_key",
    "KeyExchange", "InvalidSignature", "DecryptionError",
]

DEFAULT_UID = _sm2.DEFAULT_UID

_MODES = {"C1C3C2": True, "C1C2C3": False}


def _mode(mode):
    try:
        return _MODES[mode.upper()]
    except (KeyError, AttributeError):
        raise ValueError(f"mode must be 'C1C3C2' or 'C1C2C3', not {mode!r}") from None


def _der_flag(encoding, what="encoding"):
    if encoding == "der":
        return True
    if encoding == "raw":
        return False
    raise ValueError(f"{what} must be 'der' or 'raw', not {encoding!r}")


def _decode_point(data):
    """X || Y from 04||X||Y, X||Y or 02/03||X."""
    try:
        b = bytes(memoryview(data).cast("B"))
    except TypeError:
        raise TypeError(f"public key must be a bytes-like object, not {type(data).__name__}") from None
    if len(b) == 65 and b[0] == 4:
        return b[1:]
    if len(b) == 64:
        return b
    if len(b) == 33 and b[0] in (2, 3):
        return _sm2.point_decompress(b[1:], b[0] == 3)
    raise ValueError("SM2 public key must be 65 bytes 04||X||Y, 64 bytes X||Y or 33 bytes 02/03||X")


class SM2PublicKey:
    """An SM2 public key (a validated curve point)."""

    __slots__ = ("_key",)

    def __init__(self, _key):
        if not isinstance(_key, _sm2.SM2Key):
            raise TypeError("use SM2PublicKey.from_bytes() or a load_* function")
        self._key = _key

    @classmethod
    def from_bytes(cls, data):
        """From 65-byte 04||X||Y, 64-byte X||Y or 33-byte compressed 02/03||X."""
        return cls(_sm2.key_from_public(_decode_point(data)))

    def public_bytes(self, encoding="raw", compressed=False):
        """'raw': 04||X||Y (or 02/03||X when compressed); 'der' / 'pem': SubjectPublicKeyInfo."""
        xy = self._key.public_point()
        point = bytes([2 | (xy[63] & 1)]) + xy[:32] if compressed else b"\x04" + xy
        if encoding == "raw":
            return point
        der = _der.encode_spki(point)
        if encoding == "der":
            return der
        if encoding == "pem":
            return _der.pem_encode("PUBLIC KEY", der)
        raise ValueError(f"encoding must be 'raw', 'der' or 'pem', not {encoding!r}")

    def verify(self, signature, data, uid=DEFAULT_UID, encoding="der"):
        """Check a signature of data under uid; raises InvalidSignature."""
        self._key.verify(signature, data, uid, _der_flag(encoding))

    def verify_digest(self, signature, digest, encoding="der"):
        """Check a signature of the 32-byte e = SM3(Z_A || M); raises InvalidSignature."""
        self._key.verify_digest(signature, digest, _der_flag(encoding))

    def encrypt(self, data, mode="C1C3C2", encoding="raw"):
        """GB/T 32918.4 encryption; raw output is 04||X||Y||C3||C2 (or ||C2||C3)."""
        return self._key.encrypt(data, _mode(mode), _der_flag(encoding))

    def z(self, uid=DEFAULT_UID):
        """Z_A for this key and user ID (GB/T 32918.2 section 5.5)."""
        return self._key.z(uid)

    def __eq__(self, other):
        if not isinstance(other, SM2PublicKey):
            return NotImplemented
        return self._key.public_point() == other._key.public_point()

    def __hash__(self):
        return hash(self._key.public_point())

    def __repr__(self):
        return f"<SM2PublicKey {self._key.public_point()[:8].hex()}...>"


class SM2PrivateKey:
    """An SM2 private key (held in C memory and wiped when the object is freed)."""

    __slots__ = ("_key", "_pub")

    def __init__(self, _key):
        if not isinstance(_key, _sm2.SM2Key) or not _key.has_private:
            raise TypeError("use generate_private_key(), SM2PrivateKey.from_bytes() or a load_* function")
        self._key = _key
        self._pub = None

    @classmethod
    def from_bytes(cls, data):
        """From the 32-byte big-endian d, 1 <= d <= n - 2."""
        return cls(_sm2.key_from_private(data))

    def to_bytes(self):
        return self._key.private_bytes()

    def public_key(self):
        """The public key (one object per private key, so its cached tables are reused)."""
        pub = self._pub
        if pub is None:
            pub = self._pub = SM2PublicKey(_sm2.key_from_public(self._key.public_point()))
        return pub

    def sign(self, data, uid=DEFAULT_UID, encoding="der"):
        """Signature of SM3(Z_A || data) with a fresh nonce; DER or raw r || s (64 bytes)."""
        return self._key.sign(data, uid, _der_flag(encoding))

    def sign_digest(self, digest, encoding="der"):
        """Signature of a 32-byte e = SM3(Z_A || M) computed by the caller."""
        return self._key.sign_digest(digest, _der_flag(encoding))

    def decrypt(self, ciphertext, mode="C1C3C2", encoding="raw"):
        """GB/T 32918.4 decryption; any failure raises DecryptionError."""
        return self._key.decrypt(ciphertext, _mode(mode), _der_flag(encoding))

    def private_bytes(self, encoding="pem", format="pkcs8"):
        """PKCS#8 (as `openssl genpkey` writes) or SEC1 ('EC PRIVATE KEY'), PEM or DER."""
        d, xy = self._key.private_bytes(), b"\x04" + self._key.public_point()
        if format == "pkcs8":
            der, label = _der.encode_pkcs8(d, xy), "PRIVATE KEY"
        elif format == "sec1":
            der, label = _der.encode_sec1(d, xy), "EC PRIVATE KEY"
        else:
            raise ValueError(f"format must be 'pkcs8' or 'sec1', not {format!r}")
        if encoding == "der":
            return der
        if encoding == "pem":
            return _der.pem_encode(label, der)
        raise ValueError(f"encoding must be 'pem' or 'der', not {encoding!r}")

    def __repr__(self):
        return "<SM2PrivateKey>"

    def __reduce_ex__(self, protocol):
        raise TypeError("SM2PrivateKey objects cannot be pickled or copied (a private key must not be "
                        "serialised by accident: use private_bytes() explicitly)")


def generate_private_key():
    """A new key pair from the OS CSPRNG."""
    return SM2PrivateKey(_sm2.generate())


def load_der_private_key(data, password=None):
    """PKCS#8 PrivateKeyInfo or SEC1 ECPrivateKey (DER).  Encrypted keys are not supported."""
    if password is not None:
        raise ValueError("encrypted private keys are not supported")
    d, point = _der.decode_private_key(data)
    key = SM2PrivateKey(_sm2.key_from_private(d))
    if point is not None and _decode_point(point) != key._key.public_point():
        raise ValueError("the public key stored with the private key does not match it")
    return key


def load_pem_private_key(data, password=None):
    """'PRIVATE KEY' (PKCS#8) or SEC1 PEM ('EC PRIVATE KEY', or 'SM2 PRIVATE KEY' as `openssl ec` writes)."""
    if password is not None:
        raise ValueError("encrypted private keys are not supported")
    _, der = _der.pem_decode(data, ("PRIVATE KEY", "EC PRIVATE KEY", "SM2 PRIVATE KEY"))
    return load_der_private_key(der)


def load_der_public_key(data):
    """SubjectPublicKeyInfo (DER), uncompressed or compressed point."""
    return SM2PublicKey.from_bytes(_der.decode_spki(data))


def load_pem_public_key(data):
    """'PUBLIC KEY' PEM (SubjectPublicKeyInfo)."""
    _, der = _der.pem_decode(data, ("PUBLIC KEY",))
    return load_der_public_key(der)


class KeyExchange:
    """GB/T 32918.3 key exchange for one party.

        a = KeyExchange(key_a, pub_b, initiator=True)           # uid / peer_uid default to DEFAULT_UID
        b = KeyExchange(key_b, pub_a, initiator=False)
        ka = a.derive(b.ephemeral, 16)                           # both send .ephemeral (65 bytes)
        kb = b.derive(a.ephemeral, 16)                           # ka == kb
        a.verify_confirmation(b.confirmation)                    # optional: S_B checked by A
        b.verify_confirmation(a.confirmation)                    # optional: S_A checked by B

    Z_A is always the initiator's and Z_B the responder's, as in the standard.  A fresh
    ephemeral key comes from the OS CSPRNG for every instance; use one instance per exchange.
    """

    def __init__(self, private_key, peer_public_key, *, initiator, uid=DEFAULT_UID, peer_uid=DEFAULT_UID,
                 _context=None):
        if not isinstance(private_key, SM2PrivateKey):
            raise TypeError("private_key must be an SM2PrivateKey")
        if not isinstance(peer_public_key, SM2PublicKey):
            raise TypeError("peer_public_key must be an SM2PublicKey")
        self._priv = private_key
        self._peer = peer_public_key
        self._initiator = bool(initiator)
        self._ctx = _context if _context is not None else _sm2.KexContext(private_key._key)
        own_z = private_key._key.z(uid)
        peer_z = peer_public_key._key.z(peer_uid)
        self._za, self._zb = (own_z, peer_z) if self._initiator else (peer_z, own_z)
        self._inner = None
        self._yu = None

    def __repr__(self):
        return f"<KeyExchange {'initiator' if self._initiator else 'responder'}>"

    def __reduce_ex__(self, protocol):
        raise TypeError("KeyExchange objects hold a private key and an ephemeral key and cannot be "
                        "pickled or copied")

    @property
    def ephemeral(self):
        """This party's R = rG, 65 bytes 04||X||Y, to send to the peer."""
        return b"\x04" + self._ctx.ephemeral()

    def derive(self, peer_ephemeral, key_length=16):
        """The shared key K of key_length bytes; ValueError for an invalid peer point."""
        if not isinstance(key_length, int) or key_length <= 0:
            raise ValueError("key_length must be a positive number of bytes")
        peer_r = _decode_point(peer_ephemeral)
        u = self._ctx.shared_point(self._peer._key, peer_r)
        own_r = self._ctx.ephemeral()
        r1, r2 = (own_r, peer_r) if self._initiator else (peer_r, own_r)
        key = _sm2.kdf(u + self._za + self._zb, key_length)
        # Hash(x_U || Z_A || Z_B || x1 || y1 || x2 || y2), section 6.1 A9 / B8
        self._inner = _sm2.sm3(u[:32] + self._za + self._zb + r1 + r2)
        self._yu = u[32:]
        return key

    def _s(self, tag):
        if self._inner is None:
            raise ValueError("call derive() first")
        return _sm2.sm3(bytes([tag]) + self._yu + self._inner)

    @property
    def confirmation(self):
        """The confirmation value this party sends: S_B (responder, tag 0x02) or S_A (initiator, 0x03)."""
        return self._s(0x03 if self._initiator else 0x02)

    def verify_confirmation(self, value):
        """Check the peer's S_B (at the initiator) or S_A (at the responder); raises InvalidSignature."""
        import hmac
        expected = self._s(0x02 if self._initiator else 0x03)
        if not hmac.compare_digest(expected, bytes(value)):
            raise InvalidSignature("key confirmation value does not match")
