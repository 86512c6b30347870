"""`python -m ccfast speed` rows for SM4 (ECB, CTR, CBC encrypt/decrypt, GCM, CCM), beside
cryptography (OpenSSL), tongsuopy, gmssl_pyx and gmssl where they offer the mode."""
import os

from .speed import Row

# import name -> distribution (python -m ccfast speed names the missing ones)
PEERS = {"cryptography": "cryptography", "tongsuopy": "tongsuopy", "gmssl_pyx": "gmssl_pyx"}

NONCE = bytes(range(12))


def _peers(op, key, iv):
    out = {}
    for name, modname in (("cryptography", "cryptography.hazmat.primitives.ciphers"),
                          ("tongsuopy", "tongsuopy.crypto.ciphers")):
        try:
            mod = __import__(modname, fromlist=["Cipher"])
        except ImportError:
            continue
        C = mod.Cipher
        alg = __import__(modname + ".algorithms", fromlist=["SM4"])
        modes = __import__(modname + ".modes", fromlist=["CBC"])
        if op == "GCM":
            def gcm(d, C=C, alg=alg, modes=modes):
                e = C(alg.SM4(key), modes.GCM(NONCE)).encryptor()
                return e.update(d) + e.finalize() + e.tag
            out[name] = gcm
        elif op != "CCM":
            mode = {"ECB": modes.ECB(), "CTR": modes.CTR(iv), "CBC-enc": modes.CBC(iv),
                    "CBC-dec": modes.CBC(iv)}[op]

            def run(d, C=C, alg=alg, mode=mode):
                c = C(alg.SM4(key), mode)
                x = c.decryptor() if op == "CBC-dec" else c.encryptor()
                return x.update(d) + x.finalize()
            out[name] = run
        elif name == "tongsuopy":
            from tongsuopy.crypto.ciphers.aead import SM4CCM as T
            t = T(key)
            out[name] = lambda d: t.encrypt(NONCE, d, None)
    try:
        import gmssl_pyx as g
        fn = {"CTR": lambda d: g.sm4_ctr_encrypt(key, iv, d),
              "CBC-enc": lambda d: g.sm4_cbc_padding_encrypt(key, iv, d),
              "GCM": lambda d: g.sm4_gcm_encrypt(key, NONCE, b"", d)}.get(op)
        if fn:
            out["gmssl_pyx"] = fn
    except ImportError:
        pass
    return out


def rows(measure):
    from ..aead import SM4CCM, SM4GCM
    from ..sm4 import SM4
    key, iv = os.urandom(16), os.urandom(16)
    s, g, c = SM4(key), SM4GCM(key), SM4CCM(key)
    ours = {
        "ECB": s.encrypt_ecb,
        "CTR": lambda d: s.ctr(iv, d),
        "CBC-enc": lambda d: s.encrypt_cbc(iv, d, padding=False),
        "CBC-dec": lambda d: s.decrypt_cbc(iv, d, padding=False),
        "GCM": lambda d: g.encrypt(NONCE, d, None),
        "CCM": lambda d: c.encrypt(NONCE, d, None),
    }
    for op, fn in ours.items():
        peers = _peers(op, key, iv)
        for size in (1504, 16384, 1 << 20):
            data = os.urandom(size)
            r = Row(f"SM4-{op} {size} B", measure(lambda: fn(data), size))
            for p, pf in peers.items():
                r.peers[p] = measure(lambda: pf(data), size)
            yield r
    ct = SM4(key, _impl="ct64")
    data = os.urandom(16384)
    yield Row("SM4-CTR portable ct64 16384 B", measure(lambda: ct.ctr(iv, data), 16384))
