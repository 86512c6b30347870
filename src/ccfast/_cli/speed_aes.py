"""`python -m ccfast speed` rows for AES-GCM, beside cryptography and pycryptodome."""
import os

from .speed import Row

# import name -> distribution (python -m ccfast speed names the missing ones)
PEERS = {"cryptography": "cryptography", "Crypto": "pycryptodome"}

SIZES = [64, 172, 1500, 16384, 1 << 20]


def _peers(key):
    peers = {}
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM as CAESGCM
        c = CAESGCM(key)
        peers["cryptography"] = (c.encrypt, c.decrypt)
    except ImportError:
        pass
    try:
        from Crypto.Cipher import AES
        def enc(n, d, a):
            x = AES.new(key, AES.MODE_GCM, nonce=n)
            x.update(a)
            ct, tag = x.encrypt_and_digest(d)
            return ct + tag
        def dec(n, d, a):
            x = AES.new(key, AES.MODE_GCM, nonce=n)
            x.update(a)
            return x.decrypt_and_verify(d[:-16], d[-16:])
        peers["pycryptodome"] = (enc, dec)
    except ImportError:
        pass
    return peers


def rows(measure):
    from ..aead import AESGCM
    nonce, aad = os.urandom(12), b""
    for bits in (128, 256):
        key = os.urandom(bits // 8)
        ours = AESGCM(key)
        peers = _peers(key)
        for size in SIZES:
            data = os.urandom(size)
            ct = ours.encrypt(nonce, data, aad)
            for op, fn, arg in (("encrypt", ours.encrypt, data), ("decrypt", ours.decrypt, ct)):
                if op == "decrypt" and size not in (172, 16384, 1 << 20):
                    continue
                r = Row(f"AES-{bits}-GCM {op} {size} B", measure(lambda: fn(nonce, arg, aad), size))
                for p, (penc, pdec) in peers.items():
                    pf = penc if op == "encrypt" else pdec
                    r.peers[p] = measure(lambda: pf(nonce, arg, aad), size)
                yield r
        nonces = [os.urandom(12) for _ in range(64)]
        datas = [os.urandom(172) for _ in range(64)]
        per = measure(lambda: ours.encrypt_batch(nonces, datas), 64 * 172)
        r = Row(f"AES-{bits}-GCM encrypt_batch 64x172 B (per msg)", (per[0] / 64, per[1]))
        if "cryptography" in peers:
            penc = peers["cryptography"][0]
            pm = measure(lambda: [penc(n, d, None) for n, d in zip(nonces, datas)], 64 * 172)
            r.peers["cryptography loop"] = (pm[0] / 64, pm[1])
        yield r
    portable = AESGCM(os.urandom(16), _aes="ct64", _ghash="ct64")
    data = os.urandom(16384)
    yield Row("AES-128-GCM portable ct64 16384 B", measure(lambda: portable.encrypt(nonce, data, aad), 16384))
