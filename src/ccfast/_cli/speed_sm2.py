"""`python -m ccfast speed` rows for SM2 (operations per second), beside the peers that are
installed: tongsuopy (Tongsuo / OpenSSL-derived C), gmssl_pyx (GmSSL C binding) and gmssl
(pure Python).  pyca/cryptography has no SM2."""
import os

from .speed import Row

# import name -> distribution (python -m ccfast speed names the missing ones)
PEERS = {"tongsuopy": "tongsuopy", "gmssl_pyx": "gmssl_pyx", "gmssl": "gmssl"}

MSG = bytes(range(64))


def _peers():
    """name -> dict of op -> zero-argument callable."""
    peers = {}
    try:
        from tongsuopy.crypto import hashes, serialization  # noqa: F401
        from tongsuopy.crypto.asymciphers import ec as tec
        tk = tec.generate_private_key(tec.SM2())
        tpub = tk.public_key()
        tsig = tk.sign(MSG, tec.ECDSA(hashes.SM3()))
        ops = {
            "keygen": lambda: tec.generate_private_key(tec.SM2()),
            "sign": lambda: tk.sign(MSG, tec.ECDSA(hashes.SM3())),
            "verify": lambda: tpub.verify(tsig, MSG, tec.ECDSA(hashes.SM3())),
        }
        peers["tongsuopy"] = ops
    except Exception:
        pass
    try:
        from gmssl_pyx import sm2_key_generate, sm2_sign, sm2_verify, sm2_encrypt, sm2_decrypt
        pub, priv = sm2_key_generate()
        gsig = sm2_sign(priv, pub, MSG)
        gct = sm2_encrypt(pub, MSG)
        peers["gmssl_pyx"] = {
            "keygen": sm2_key_generate,
            "sign": lambda: sm2_sign(priv, pub, MSG),
            "verify": lambda: sm2_verify(pub, MSG, gsig),
            "encrypt": lambda: sm2_encrypt(pub, MSG),
            "decrypt": lambda: sm2_decrypt(priv, gct),
        }
    except Exception:
        pass
    try:
        from gmssl import sm2 as gsm2
        from .. import sm2 as ours
        k = ours.generate_private_key()
        g = gsm2.CryptSM2(private_key=k.to_bytes().hex(), public_key=k.public_key().public_bytes()[1:].hex(), mode=1)
        gs = g.sign_with_sm3(MSG, os.urandom(32).hex())
        gc = g.encrypt(MSG)
        peers["gmssl (pure Python)"] = {
            "sign": lambda: g.sign_with_sm3(MSG, os.urandom(32).hex()),
            "verify": lambda: g.verify_with_sm3(gs, MSG),
            "encrypt": lambda: g.encrypt(MSG),
            "decrypt": lambda: g.decrypt(gc),
        }
    except Exception:
        pass
    return peers


def rows(measure):
    from .. import sm2
    key = sm2.generate_private_key()
    pub = key.public_key()
    sig = key.sign(MSG)
    ct = pub.encrypt(MSG)
    ours = {
        "keygen": sm2.generate_private_key,
        "sign": lambda: key.sign(MSG),
        "verify": lambda: pub.verify(sig, MSG),
        "encrypt": lambda: pub.encrypt(MSG),
        "decrypt": lambda: key.decrypt(ct),
    }
    names = {"keygen": "SM2 keygen", "sign": "SM2 sign 64 B", "verify": "SM2 verify 64 B",
             "encrypt": "SM2 encrypt 64 B", "decrypt": "SM2 decrypt 64 B"}
    peers = _peers()
    for op, fn in ours.items():
        r = Row(names[op], measure(fn, 0), unit="op")
        for p, ops in peers.items():
            if op in ops:
                r.peers[p] = measure(ops[op], 0)
        yield r
