"""AES-GCM beside cryptography (OpenSSL) and pycryptodome, one run.

Groups "aes-<bits>-gcm <op> <size>"; ratios.py checks TARGETS (peer time / ccfast time)."""
import os

import pytest

from ccfast.aead import AESGCM

from conftest import require_peer

SIZES = [64, 172, 1500, 16384, 1 << 20]
IMPLS = ["ccfast", "cryptography", "pycryptodome"]

TARGETS = [
    *({"group": f"aes-{b}-gcm {op} {s}", "peer": "cryptography", "min_ratio": 1.0}
      for b in (128, 256) for op in ("encrypt", "decrypt") for s in (16384, 1 << 20)),
    *({"group": f"aes-{b}-gcm {op} 172", "peer": "cryptography", "min_ratio": 2.0}
      for b in (128, 256) for op in ("encrypt", "decrypt")),
    {"group": "aes-128-gcm encrypt_batch 64x172", "max_seconds": 0.1e-6, "per": 64},
    {"group": "aes-128-gcm encrypt_batch 64x172", "peer": "cryptography", "min_ratio": 4.0},   # <= 0.25x per call
    {"group": "aes-128-gcm portable 16384", "min_bytes_per_second": 150e6, "bytes": 16384},
]


def make(impl, key):
    if impl == "ccfast":
        g = AESGCM(key)
        return g.encrypt, g.decrypt
    if impl == "cryptography":
        require_peer("cryptography")
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM as C
        c = C(key)
        return c.encrypt, c.decrypt
    require_peer("Crypto")
    from Crypto.Cipher import AES

    def enc(n, d, a):
        x = AES.new(key, AES.MODE_GCM, nonce=n)
        x.update(a or b"")
        ct, tag = x.encrypt_and_digest(d)
        return ct + tag

    def dec(n, d, a):
        x = AES.new(key, AES.MODE_GCM, nonce=n)
        x.update(a or b"")
        return x.decrypt_and_verify(d[:-16], d[-16:])
    return enc, dec


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("op", ["encrypt", "decrypt"])
@pytest.mark.parametrize("bits", [128, 256])
def test_gcm(benchmark, impl, size, op, bits):
    key, nonce, data = os.urandom(bits // 8), os.urandom(12), os.urandom(size)
    enc, dec = make(impl, key)
    benchmark.group = f"aes-{bits}-gcm {op} {size}"
    if op == "encrypt":
        assert benchmark(enc, nonce, data, b"") == AESGCM(key).encrypt(nonce, data, b"")
    else:
        ct = AESGCM(key).encrypt(nonce, data, b"")
        assert benchmark(dec, nonce, ct, b"") == data


@pytest.mark.parametrize("impl", ["ccfast", "cryptography"])
def test_encrypt_batch(benchmark, impl):
    key = os.urandom(16)
    nonces = [os.urandom(12) for _ in range(64)]
    datas = [os.urandom(172) for _ in range(64)]
    benchmark.group = "aes-128-gcm encrypt_batch 64x172"
    if impl == "ccfast":
        g = AESGCM(key)
        benchmark(g.encrypt_batch, nonces, datas)
    else:
        enc, _ = make(impl, key)
        benchmark(lambda: [enc(n, d, None) for n, d in zip(nonces, datas)])


def test_portable(benchmark):
    g = AESGCM(os.urandom(16), _aes="ct64", _ghash="ct64")
    nonce, data = os.urandom(12), os.urandom(16384)
    benchmark.group = "aes-128-gcm portable 16384"
    benchmark.extra_info["impl"] = "ccfast"
    benchmark(g.encrypt, nonce, data, b"")
