"""``gmssl.sm2.CryptSM2`` over ccfast.sm2: hex-string keys, mode 0 = C1C2C3 / 1 = C1C3C2 with C1
as X || Y without the 04 prefix, signatures as hex r || s (or DER hex with asn1=True).

Safer than gmssl (see the package docstring): nonces from the OS CSPRNG (``K`` and
``random_hex_str`` are accepted and ignored), C3 checked on decryption (DecryptionError),
r and s range-checked on verification."""
from ccfast import sm2 as _sm2
from ccfast import _der
from ccfast.exceptions import InvalidSignature

__all__ = ["CryptSM2", "default_ecc_table"]

default_ecc_table = {
    'n': 'FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123',
    'p': 'FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF',
    'g': '32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7'
         'bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0',
    'a': 'FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC',
    'b': '28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93',
}
_N = int(default_ecc_table['n'], 16)


def _private_bytes(private_key):
    """The 32-byte d of a private key given as gmssl takes it: any string int(hex, 16) reads (gmssl
    computes int(private_key, 16)), so a leading 00 as in gmssl's own example key (66 digits),
    odd-length hex and upper or lower case all work.  ValueError for anything int() refuses or a
    value of more than 256 bits; SM2PrivateKey then checks 1 <= d <= n - 2."""
    try:
        d = int(private_key, 16)
    except (TypeError, ValueError):
        raise ValueError("private_key must be a hex string (gmssl reads it with int(private_key, 16))") from None
    if not 0 <= d < 1 << 256:
        raise ValueError("private_key is out of range for SM2 (more than 256 bits)")
    return d.to_bytes(32, "big")


def _same_table(t):
    return all(int(t[k], 16) == int(default_ecc_table[k], 16) for k in ('n', 'p', 'a', 'b')) and \
        t['g'].lower() == default_ecc_table['g'].lower()


class CryptSM2(object):
    def __init__(self, private_key, public_key, ecc_table=default_ecc_table, mode=0, asn1=False):
        """mode: 0 - C1C2C3, 1 - C1C3C2 (gmssl's default 0 is the pre-2012 order).  private_key is
        hex read as gmssl reads it (int(private_key, 16)); public_key is hex X || Y, with or
        without the 04 prefix."""
        assert mode in (0, 1), 'mode must be one of (0, 1)'
        if ecc_table is not default_ecc_table and not _same_table(ecc_table):
            raise ValueError("only the SM2 recommended curve (sm2p256v1) is supported")
        self.ecc_table = ecc_table
        self.para_len = len(ecc_table['n'])
        self.mode = mode
        self.asn1 = asn1
        self.private_key = private_key
        self._priv = None
        if private_key:
            self._priv = _sm2.SM2PrivateKey.from_bytes(_private_bytes(private_key))
        self._pub = None
        if public_key:
            pk = public_key[2:] if len(public_key) == 130 and public_key[:2] == "04" else public_key
            self._pub = _sm2.SM2PublicKey.from_bytes(bytes.fromhex(pk))
            self.public_key = pk
        elif self._priv is not None:
            self._pub = self._priv.public_key()
            self.public_key = self._pub.public_bytes()[1:].hex()
        else:
            self.public_key = public_key

    def __repr__(self):
        return f"<ccfast.compat.gmssl.sm2.CryptSM2 mode={self.mode}{' with private key' if self._priv else ''}>"

    def __reduce_ex__(self, protocol):
        raise TypeError("CryptSM2 objects hold a private key and cannot be pickled or copied")

    def _need_priv(self):
        if self._priv is None:
            raise ValueError("this operation needs the private key")
        return self._priv

    def _need_pub(self):
        if self._pub is None:
            raise ValueError("this operation needs the public key")
        return self._pub

    @staticmethod
    def _e(data):
        """gmssl treats the data given to sign/verify as the integer e (any length)."""
        e = int.from_bytes(bytes(data), "big") % _N if data else 0
        return e.to_bytes(32, "big")

    def sign(self, data, K=None):
        """Signature of the digest e = data (bytes).  K is ignored: k comes from the OS CSPRNG."""
        raw = self._need_priv().sign_digest(self._e(data), encoding="raw")
        if self.asn1:
            return _der.encode_signature(raw).hex()
        return raw.hex()

    def verify(self, Sign, data):
        """True when Sign (hex r || s, or DER hex with asn1) signs the digest e = data."""
        try:
            sig = bytes.fromhex(Sign)
            self._need_pub().verify_digest(sig, self._e(data), encoding="der" if self.asn1 else "raw")
            return True
        except (InvalidSignature, ValueError, TypeError):
            return False

    def encrypt(self, data):
        """C1 (X || Y, no 04) || C2 || C3 (mode 0) or C1 || C3 || C2 (mode 1); k from the CSPRNG."""
        ct = self._need_pub().encrypt(bytes(data), mode="C1C3C2" if self.mode else "C1C2C3")
        return ct[1:]

    def decrypt(self, data):
        """Plaintext of a ciphertext in this object's mode; C3 is checked: DecryptionError on any
        failure (gmssl returns unchecked plaintext)."""
        return self._need_priv().decrypt(b"\x04" + bytes(data), mode="C1C3C2" if self.mode else "C1C2C3")

    def _sm3_z(self, data):
        """Hex of e = SM3(Z_A || data) with the default ID (gmssl's helper of the same name)."""
        return self._need_pub()._key.digest(bytes(data)).hex()

    def sign_with_sm3(self, data, random_hex_str=None):
        """SM3withSM2 signature (default ID) as hex; random_hex_str is ignored (CSPRNG nonce)."""
        raw = self._need_priv().sign(bytes(data), encoding="raw")
        if self.asn1:
            return _der.encode_signature(raw).hex()
        return raw.hex()

    def verify_with_sm3(self, sign, data):
        try:
            self._need_pub().verify(bytes.fromhex(sign), bytes(data), encoding="der" if self.asn1 else "raw")
            return True
        except (InvalidSignature, ValueError, TypeError):
            return False
