"""A slow, obviously-correct FF1 and FF3-1 (NIST SP 800-38G Rev. 1, Algorithms 7-10) for
differential tests.

Written from the specification's pseudocode with Python integers; the block cipher is any
callable on 16-byte blocks, normally AES-ECB or SM4-ECB from `cryptography`.  Numeral strings
are lists of ints.  No length or domain checks beyond what the algorithms need: the tests
compare ccfast's checks separately.
"""
import math

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def block_fn(key: bytes, cipher: str = "aes"):
    alg = algorithms.AES(key) if cipher == "aes" else algorithms.SM4(key)
    enc = Cipher(alg, modes.ECB()).encryptor()
    return lambda block: enc.update(block)


def num_radix(x, radix):
    n = 0
    for d in x:
        n = n * radix + d
    return n


def str_radix(n, radix, m):
    out = [0] * m
    for i in range(m - 1, -1, -1):
        n, out[i] = divmod(n, radix)
    return out


def _b_bytes(v, radix):
    # b = ceil(ceil(v * log2(radix)) / 8); ceil(log2(radix^v)) = bit length of radix^v - 1
    return ((radix ** v - 1).bit_length() + 7) // 8


class FF1:
    """Algorithms 7 (FF1.Encrypt) and 8 (FF1.Decrypt)."""

    def __init__(self, ciph, radix):
        self.ciph, self.radix = ciph, radix

    def _prf(self, data):
        y = bytes(16)
        for i in range(0, len(data), 16):
            y = self.ciph(bytes(a ^ b for a, b in zip(y, data[i:i + 16])))
        return y

    def _round_value(self, i, tweak, x_half, n, u, v):
        radix, t = self.radix, len(tweak)
        b = _b_bytes(v, radix)
        d = 4 * math.ceil(b / 4) + 4
        p = bytes([1, 2, 1]) + radix.to_bytes(3, "big") + bytes([10, u % 256]) + n.to_bytes(4, "big") + t.to_bytes(4, "big")
        q = tweak + bytes((-t - b - 1) % 16) + bytes([i]) + num_radix(x_half, radix).to_bytes(b, "big")
        r = self._prf(p + q)
        s = r
        j = 1
        while len(s) < d:
            s += self.ciph(bytes(a ^ b for a, b in zip(r, j.to_bytes(16, "big"))))
            j += 1
        return int.from_bytes(s[:d], "big")

    def encrypt(self, x, tweak=b""):
        n = len(x)
        u, v = n // 2, n - n // 2
        a, b = list(x[:u]), list(x[u:])
        for i in range(10):
            y = self._round_value(i, tweak, b, n, u, v)
            m = u if i % 2 == 0 else v
            c = (num_radix(a, self.radix) + y) % self.radix ** m
            a, b = b, str_radix(c, self.radix, m)
        return a + b

    def decrypt(self, x, tweak=b""):
        n = len(x)
        u, v = n // 2, n - n // 2
        a, b = list(x[:u]), list(x[u:])
        for i in range(9, -1, -1):
            y = self._round_value(i, tweak, a, n, u, v)
            m = u if i % 2 == 0 else v
            c = (num_radix(b, self.radix) - y) % self.radix ** m
            b, a = a, str_radix(c, self.radix, m)
        return a + b


class FF3_1:
    """Algorithms 9 (FF3-1.Encrypt) and 10 (FF3-1.Decrypt); ciph must be keyed with REVB(K)
    (see reversed_key_block_fn)."""

    def __init__(self, ciph_revkey, radix):
        self.ciph, self.radix = ciph_revkey, radix

    @staticmethod
    def _tweak_halves(t):
        tl = bytes([t[0], t[1], t[2], t[3] & 0xF0])
        tr = bytes([t[4], t[5], t[6], (t[3] & 0x0F) << 4])
        return tl, tr

    def _y(self, i, w, x_half):
        p = bytes(a ^ b for a, b in zip(w, i.to_bytes(4, "big")))
        p += num_radix(x_half[::-1], self.radix).to_bytes(12, "big")
        s = self.ciph(p[::-1])[::-1]
        return int.from_bytes(s, "big")

    def encrypt(self, x, tweak):
        n = len(x)
        u, v = -(-n // 2), n // 2
        a, b = list(x[:u]), list(x[u:])
        tl, tr = self._tweak_halves(tweak)
        for i in range(8):
            m, w = (u, tr) if i % 2 == 0 else (v, tl)
            y = self._y(i, w, b)
            c = (num_radix(a[::-1], self.radix) + y) % self.radix ** m
            a, b = b, str_radix(c, self.radix, m)[::-1]
        return a + b

    def decrypt(self, x, tweak):
        n = len(x)
        u, v = -(-n // 2), n // 2
        a, b = list(x[:u]), list(x[u:])
        tl, tr = self._tweak_halves(tweak)
        for i in range(7, -1, -1):
            m, w = (u, tr) if i % 2 == 0 else (v, tl)
            y = self._y(i, w, a)
            c = (num_radix(b[::-1], self.radix) - y) % self.radix ** m
            b, a = a, str_radix(c, self.radix, m)[::-1]
        return a + b


def ff1(key: bytes, radix: int, cipher: str = "aes") -> FF1:
    return FF1(block_fn(key, cipher), radix)


def ff3_1(key: bytes, radix: int, cipher: str = "aes") -> FF3_1:
    return FF3_1(block_fn(key[::-1], cipher), radix)
