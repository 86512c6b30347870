"""A slow, obviously-correct GCM (NIST SP 800-38D, Algorithms 4-5) for differential tests.

The block cipher comes from `cryptography` (AES-ECB) or any callable; GHASH is written from the
definition (section 6.3, right-shift multiplication).  It accepts every nonce length >= 1, which
`cryptography`'s AESGCM does not (8..128 bytes).
"""
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

R = 0xE1 << 120


def gf_mult(x: int, y: int) -> int:
    z, v = 0, y
    for i in range(127, -1, -1):
        if (x >> i) & 1:
            z ^= v
        v = (v >> 1) ^ R if v & 1 else v >> 1
    return z


def ghash(h: int, data: bytes) -> int:
    y = 0
    for i in range(0, len(data), 16):
        y = gf_mult(y ^ int.from_bytes(data[i:i + 16], "big"), h)
    return y


def _pad(b: bytes) -> bytes:
    return b + bytes(-len(b) % 16)


def aes_block_fn(key: bytes):
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return lambda block: enc.update(block)


def gcm_encrypt(block, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    """ciphertext || 16-byte tag, with `block` the forward block cipher."""
    h = int.from_bytes(block(bytes(16)), "big")
    if len(nonce) == 12:
        j0 = nonce + b"\x00\x00\x00\x01"
    else:
        s = _pad(nonce) + bytes(8) + (8 * len(nonce)).to_bytes(8, "big")
        j0 = ghash(h, s).to_bytes(16, "big")
    ctr = int.from_bytes(j0[12:], "big")
    out = bytearray()
    for i in range(0, len(data), 16):
        ctr = (ctr + 1) & 0xFFFFFFFF
        ks = block(j0[:12] + ctr.to_bytes(4, "big"))
        chunk = data[i:i + 16]
        out += bytes(a ^ b for a, b in zip(chunk, ks))
    lens = (8 * len(aad)).to_bytes(8, "big") + (8 * len(data)).to_bytes(8, "big")
    s = ghash(h, _pad(aad) + _pad(bytes(out)) + lens)
    tag = bytes(a ^ b for a, b in zip(s.to_bytes(16, "big"), block(j0)))
    return bytes(out) + tag
