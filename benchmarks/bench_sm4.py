"""SM4 beside cryptography (OpenSSL), tongsuopy (Tongsuo), gmssl_pyx (GmSSL C) and gmssl (pure
Python), one run.

Groups "sm4-<op> <size>" for op in ecb, ctr, cbc-enc, cbc-dec, gcm, ccm (encryption; ECB/CBC
without padding); ratios.py checks TARGETS (peer time / ccfast time).  The issue's targets:
CTR, GCM, ECB and CBC-decrypt >= 2 GB/s at 1 MiB and >= 15x the best peer; CBC-encrypt (serial)
>= 2x; the portable constant-time path >= 100 MB/s."""
import os

import pytest

from ccfast.aead import SM4CCM, SM4GCM
from ccfast.sm4 import SM4

from conftest import peer_available, require_peer

MIB = 1 << 20
SIZES = [1500, 16384, MIB]
OPS = ["ecb", "ctr", "cbc-enc", "cbc-dec", "gcm", "ccm"]
IMPLS = ["ccfast", "cryptography", "tongsuopy", "gmssl_pyx", "gmssl"]
PEERS = [p for p in ("cryptography", "tongsuopy", "gmssl_pyx") if peer_available(p)]

# gmssl_pyx offers CTR, GCM and CBC encryption with padding only
OFFERS = {"ecb": ("cryptography", "tongsuopy"), "cbc-dec": ("cryptography", "tongsuopy")}

TARGETS = [
    *({"group": f"sm4-{op} {MIB}", "peer": p, "min_ratio": 15.0}
      for op in ("ctr", "gcm", "ecb", "cbc-dec") for p in PEERS if p in OFFERS.get(op, PEERS)),
    *({"group": f"sm4-{op} {MIB}", "min_bytes_per_second": 2e9, "bytes": MIB}
      for op in ("ctr", "gcm", "ecb", "cbc-dec")),
    *({"group": f"sm4-cbc-enc {MIB}", "peer": p, "min_ratio": 2.0} for p in PEERS),
    {"group": "sm4-ctr portable 16384", "min_bytes_per_second": 100e6, "bytes": 16384},
]

NONCE = b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b"


def ccfast_fn(op, key, iv):
    s = SM4(key)
    return {
        "ecb": s.encrypt_ecb,
        "ctr": lambda d: s.ctr(iv, d),
        "cbc-enc": lambda d: s.encrypt_cbc(iv, d, padding=False),
        "cbc-dec": lambda d: s.decrypt_cbc(iv, d, padding=False),
        "gcm": lambda d, g=SM4GCM(key): g.encrypt(NONCE, d, None),
        "ccm": lambda d, c=SM4CCM(key): c.encrypt(NONCE, d, None),
    }[op]


def cipher_fn(mod, op, key, iv):
    """cryptography and tongsuopy share the Cipher(algorithm, mode) interface."""
    C = mod.Cipher
    algorithms = __import__(mod.__name__ + ".algorithms", fromlist=["SM4"])
    modes = __import__(mod.__name__ + ".modes", fromlist=["CBC"])
    if op == "ccm":
        return None
    if op == "gcm":
        def gcm(d):
            e = C(algorithms.SM4(key), modes.GCM(NONCE)).encryptor()
            return e.update(d) + e.finalize() + e.tag
        return gcm
    mode = {"ecb": modes.ECB(), "ctr": modes.CTR(iv), "cbc-enc": modes.CBC(iv), "cbc-dec": modes.CBC(iv)}[op]

    def run(d):
        c = C(algorithms.SM4(key), mode)
        x = c.decryptor() if op == "cbc-dec" else c.encryptor()
        return x.update(d) + x.finalize()
    return run


def peer_fn(impl, op, key, iv, size):
    if impl == "cryptography":
        require_peer("cryptography")
        from cryptography.hazmat.primitives import ciphers
        return cipher_fn(ciphers, op, key, iv)
    if impl == "tongsuopy":
        require_peer("tongsuopy")
        if op == "ccm":
            from tongsuopy.crypto.ciphers.aead import SM4CCM as T
            t = T(key)
            return lambda d: t.encrypt(NONCE, d, None)
        from tongsuopy.crypto import ciphers
        return cipher_fn(ciphers, op, key, iv)
    if impl == "gmssl_pyx":
        require_peer("gmssl_pyx")
        import gmssl_pyx as g
        return {
            "ctr": lambda d: g.sm4_ctr_encrypt(key, iv, d),
            "cbc-enc": lambda d: g.sm4_cbc_padding_encrypt(key, iv, d),
            "gcm": lambda d: g.sm4_gcm_encrypt(key, NONCE, b"", d),
        }.get(op)
    require_peer("gmssl")
    if size > 1500:
        return None                                   # pure Python: seconds per MiB
    from gmssl import sm4 as g
    if op in ("ecb", "cbc-enc"):
        c = g.CryptSM4()
        c.set_key(key, g.SM4_ENCRYPT)
        return (lambda d: c.crypt_ecb(d)) if op == "ecb" else (lambda d: c.crypt_cbc(iv, d))
    return None


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("op", OPS)
def test_sm4(benchmark, impl, size, op):
    key, iv, data = os.urandom(16), os.urandom(16), os.urandom(size // 16 * 16)
    fn = ccfast_fn(op, key, iv) if impl == "ccfast" else peer_fn(impl, op, key, iv, size)
    if fn is None:
        pytest.skip(f"{impl} has no SM4-{op} at this size")
    benchmark.group = f"sm4-{op} {size}"
    benchmark(fn, data)


def test_portable(benchmark):
    s = SM4(os.urandom(16), _impl="ct64")
    iv, data = os.urandom(16), os.urandom(16384)
    benchmark.group = "sm4-ctr portable 16384"
    benchmark(s.ctr, iv, data)


SHORT = 160                                           # one 20 ms G.711 frame


@pytest.mark.parametrize("impl", ["ccfast", "cryptography", "ccfast-aes-128-gcm"])
def test_sm4_gcm_short(benchmark, impl):
    """SM4-GCM of a 160-byte message with a 12-byte nonce and 12 bytes of AAD (an RTP payload
    and header): ccfast's one-pass kernel beside OpenSSL's SM4-GCM and ccfast's AES-128-GCM."""
    key, data, aad = os.urandom(16), os.urandom(SHORT), os.urandom(12)
    if impl == "ccfast":
        g = SM4GCM(key)
        fn = lambda: g.encrypt(NONCE, data, aad)  # noqa: E731
    elif impl == "ccfast-aes-128-gcm":
        from ccfast.aead import AESGCM
        a = AESGCM(key)
        fn = lambda: a.encrypt(NONCE, data, aad)  # noqa: E731
    else:
        require_peer("cryptography")
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        def fn():
            e = Cipher(algorithms.SM4(key), modes.GCM(NONCE)).encryptor()
            e.authenticate_additional_data(aad)
            return e.update(data) + e.finalize() + e.tag
    benchmark.group = f"sm4-gcm short {SHORT}"
    benchmark(fn)
