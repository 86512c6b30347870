"""SM2 operations beside tongsuopy (Tongsuo C), gmssl_pyx (GmSSL C binding) and gmssl (pure
Python), one run.  pyca/cryptography has no SM2.

Groups "sm2 <op>" (64-byte messages); ratios.py checks TARGETS: the issue's absolute rates
(sign >= 30,000/s, verify >= 10,000/s, keygen >= 40,000/s, encrypt/decrypt 64 B >= 10,000/s)
and ratios (sign >= 10x tongsuopy, verify >= 3x tongsuopy)."""
import os

import pytest

from ccfast import sm2

from conftest import require_peer

MSG = bytes(range(64))
IMPLS = ["ccfast", "tongsuopy", "gmssl_pyx", "gmssl"]

TARGETS = [
    {"group": "sm2 sign", "max_seconds": 1 / 30000},
    {"group": "sm2 verify", "max_seconds": 1 / 10000},
    {"group": "sm2 keygen", "max_seconds": 1 / 40000},
    {"group": "sm2 encrypt 64", "max_seconds": 1 / 10000},
    {"group": "sm2 decrypt 64", "max_seconds": 1 / 10000},
    {"group": "sm2 sign", "peer": "tongsuopy", "min_ratio": 10.0},
    {"group": "sm2 verify", "peer": "tongsuopy", "min_ratio": 3.0},
]


def ops(impl):
    """op -> (callable, check) for one implementation; check(result) validates one output."""
    if impl == "ccfast":
        key = sm2.generate_private_key()
        pub = key.public_key()
        sig, ct = key.sign(MSG), pub.encrypt(MSG)
        return {
            "keygen": (sm2.generate_private_key, lambda r: isinstance(r, sm2.SM2PrivateKey)),
            "sign": (lambda: key.sign(MSG), lambda r: pub.verify(r, MSG) is None),
            "verify": (lambda: pub.verify(sig, MSG), lambda r: r is None),
            "encrypt 64": (lambda: pub.encrypt(MSG), lambda r: key.decrypt(r) == MSG),
            "decrypt 64": (lambda: key.decrypt(ct), lambda r: r == MSG),
        }
    if impl == "tongsuopy":
        require_peer("tongsuopy")
        from tongsuopy.crypto import hashes
        from tongsuopy.crypto.asymciphers import ec
        k = ec.generate_private_key(ec.SM2())
        pub = k.public_key()
        sig = k.sign(MSG, ec.ECDSA(hashes.SM3()))
        return {
            "keygen": (lambda: ec.generate_private_key(ec.SM2()), lambda r: r is not None),
            "sign": (lambda: k.sign(MSG, ec.ECDSA(hashes.SM3())),
                     lambda r: pub.verify(r, MSG, ec.ECDSA(hashes.SM3())) is None),
            "verify": (lambda: pub.verify(sig, MSG, ec.ECDSA(hashes.SM3())), lambda r: r is None),
        }
    if impl == "gmssl_pyx":
        require_peer("gmssl_pyx")
        import gmssl_pyx as g
        pub, priv = g.sm2_key_generate()
        sig, ct = g.sm2_sign(priv, pub, MSG), g.sm2_encrypt(pub, MSG)
        return {
            "keygen": (g.sm2_key_generate, lambda r: len(r) == 2),
            "sign": (lambda: g.sm2_sign(priv, pub, MSG), lambda r: g.sm2_verify(pub, MSG, r)),
            "verify": (lambda: g.sm2_verify(pub, MSG, sig), lambda r: r is True),
            "encrypt 64": (lambda: g.sm2_encrypt(pub, MSG), lambda r: g.sm2_decrypt(priv, r) == MSG),
            "decrypt 64": (lambda: g.sm2_decrypt(priv, ct), lambda r: r == MSG),
        }
    require_peer("gmssl")
    from gmssl import sm2 as gsm2
    key = sm2.generate_private_key()
    g = gsm2.CryptSM2(private_key=key.to_bytes().hex(), public_key=key.public_key().public_bytes()[1:].hex(), mode=1)
    sig, ct = g.sign_with_sm3(MSG, os.urandom(32).hex()), g.encrypt(MSG)
    return {
        "sign": (lambda: g.sign_with_sm3(MSG, os.urandom(32).hex()), lambda r: g.verify_with_sm3(r, MSG)),
        "verify": (lambda: g.verify_with_sm3(sig, MSG), lambda r: r is True),
        "encrypt 64": (lambda: g.encrypt(MSG), lambda r: g.decrypt(r) == MSG),
        "decrypt 64": (lambda: g.decrypt(ct), lambda r: r == MSG),
    }


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("op", ["keygen", "sign", "verify", "encrypt 64", "decrypt 64"])
def test_sm2(benchmark, impl, op):
    table = ops(impl)
    if op not in table:
        pytest.skip(f"{impl} has no {op} here")
    fn, check = table[op]
    benchmark.group = f"sm2 {op}"
    if impl == "gmssl":                       # pure Python: a few rounds are enough
        result = benchmark.pedantic(fn, rounds=5, iterations=1)
    else:
        result = benchmark(fn)
    assert check(result)
