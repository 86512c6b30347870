"""`python -m ccfast speed fpe`: FF1 and FF3-1 on 16-digit strings, one call and per value of
encrypt_many, beside fastfpe (Rust), cyphera (FF1) and ff3 (FF3-1) where they are installed."""
from .speed import Row

KEY = bytes.fromhex("2B7E151628AED2A6ABF7158809CF4F3C")
TWEAK = bytes.fromhex("CBD09280979564")
DIGITS = "0123456789"
ONE = "6222020012345678"
N = 10_000


def _peers(alg):
    out = {}
    try:
        import fastfpe
        mod = fastfpe.ff1 if alg == "FF1" else fastfpe.ff3_1
        out["fastfpe"] = lambda v, m=mod: m.encrypt(KEY.hex(), TWEAK.hex(), DIGITS, v)
    except ImportError:
        pass
    try:
        if alg == "FF1":
            from cyphera.ff1 import FF1 as C
            out["cyphera"] = C(KEY, TWEAK, DIGITS).encrypt
        else:
            from ff3 import FF3Cipher
            out["ff3"] = FF3Cipher(KEY.hex(), TWEAK.hex(), 10).encrypt
    except ImportError:
        pass
    return out


def rows(measure):
    from ..fpe import FF1, FF3_1
    values = [f"{(i * 6364136223846793005 + 1442695040888963407) % 10 ** 16:016d}" for i in range(N)]
    for alg, cls in (("FF1", FF1), ("FF3-1", FF3_1)):
        for cipher in ("aes", "sm4"):
            c = cls(KEY, cipher=cipher)
            name = f"{alg}-{'AES-128' if cipher == 'aes' else 'SM4'}"
            peers = _peers(alg) if cipher == "aes" else {}
            row = Row(f"{name} encrypt 16 digits", measure(lambda: c.encrypt(ONE, TWEAK), 0), unit="op")
            for p, fn in peers.items():
                row.peers[p] = measure(lambda fn=fn: fn(ONE), 0)
            yield row
            m = measure(lambda: c.encrypt_many(values, TWEAK), 0)
            row = Row(f"{name} encrypt_many per value", (m[0] / N, 0.0), unit="op")
            if "fastfpe" in peers:
                row.peers["fastfpe (loop)"] = row.peers.get("fastfpe") or measure(lambda: peers["fastfpe"](ONE), 0)
            yield row
