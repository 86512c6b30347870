"""Known answers for AES-GCM through every AES x GHASH implementation pair this CPU supports.

Test cases 1-3, 13 and 14 of "The Galois/Counter Mode of Operation (GCM)" (McGrew & Viega,
the specification submitted to NIST), plus a cross-check of non-96-bit nonces against the
portable implementation."""
import ccfast

# (key, iv, plaintext, aad, ciphertext, tag), hex
GCM_SPEC_CASES = [
    ("00000000000000000000000000000000", "000000000000000000000000", "", "", "",
     "58e2fccefa7e3061367f1d57a4e7455a"),
    ("00000000000000000000000000000000", "000000000000000000000000",
     "00000000000000000000000000000000", "", "0388dace60b6a392f328c2b971b2fe78",
     "ab6e47d42cec13bdf53a67b21257bddf"),
    ("feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255", "",
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"),
    ("0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
     "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"),
    ("0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
     "00000000000000000000000000000000", "", "cea7403d4d606b6e074ec5d3baf39d18",
     "d0d1c8a799996bf0265b98b5d48ab919"),
]


def run():
    from ..aead import AESGCM
    avail = ccfast._available_implementations()
    pairs = [(a, g) for a, ok in avail["aes"].items() if ok for g, okg in avail["ghash"].items() if okg]
    for a, g in pairs:
        ok, why = True, f"{len(GCM_SPEC_CASES)} GCM spec cases"
        for k, iv, p, aad, c, t in GCM_SPEC_CASES:
            obj = AESGCM(bytes.fromhex(k), _aes=a, _ghash=g)
            out = obj.encrypt(bytes.fromhex(iv), bytes.fromhex(p), bytes.fromhex(aad))
            if out != bytes.fromhex(c + t) or obj.decrypt(bytes.fromhex(iv), out, bytes.fromhex(aad)) != bytes.fromhex(p):
                ok, why = False, f"mismatch on key {k[:8]}... iv {iv[:8]}..."
                break
        if ok:   # odd nonce lengths and multi-block lengths against the portable path
            ref = AESGCM(bytes(range(32)), _aes="ct64", _ghash="ct64")
            obj = AESGCM(bytes(range(32)), _aes=a, _ghash=g)
            for n in (1, 8, 13, 60):
                for m in (0, 17, 255, 4099):
                    nonce, msg = bytes(range(n)), bytes(i & 0xFF for i in range(m))
                    if obj.encrypt(nonce, msg, b"aad") != ref.encrypt(nonce, msg, b"aad"):
                        ok, why = False, f"differs from ct64 at nonce {n} B, data {m} B"
            why += ", odd nonces vs ct64" if ok else ""
        yield "aes-gcm", f"{a}+{g}", ok, why
