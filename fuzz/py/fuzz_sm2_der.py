"""atheris: SM2 keys, signatures, ciphertexts and key-exchange points in DER/PEM/raw from
arbitrary bytes: only the documented exceptions (ValueError, InvalidSignature,
DecryptionError), and a key that loads writes back to the same key."""
import sys

import atheris

with atheris.instrument_imports():
    from ccfast import sm2
    from ccfast.exceptions import DecryptionError, InvalidSignature

KEY = sm2.SM2PrivateKey.from_bytes(bytes(range(1, 33)))
PUB = KEY.public_key()
PEER = sm2.SM2PrivateKey.from_bytes(bytes(range(2, 34))).public_key()


@atheris.instrument_func
def TestOneInput(data):
    fdp = atheris.FuzzedDataProvider(data)
    what = fdp.ConsumeIntInRange(0, 12)
    blob = fdp.ConsumeBytes(fdp.remaining_bytes())
    try:
        if what == 0:
            k = sm2.load_der_private_key(blob)
            assert sm2.load_der_private_key(k.private_bytes("der")).to_bytes() == k.to_bytes()
        elif what == 1:
            k = sm2.load_pem_private_key(blob)
            assert sm2.load_pem_private_key(k.private_bytes()).to_bytes() == k.to_bytes()
        elif what == 2:
            p = sm2.load_der_public_key(blob)
            assert sm2.load_der_public_key(p.public_bytes("der")) == p
        elif what == 3:
            p = sm2.load_pem_public_key(blob)
            assert sm2.load_pem_public_key(p.public_bytes("pem")) == p
        elif what == 4:
            PUB.verify(blob, b"message")
        elif what == 5:
            KEY.decrypt(blob, encoding="der")
        elif what == 6:
            KEY.decrypt(blob)
        elif what == 7:
            KEY.decrypt(blob, mode="C1C2C3")
        elif what == 8:
            p = sm2.SM2PublicKey.from_bytes(blob)          # 04||X||Y or 02/03||X
            assert sm2.SM2PublicKey.from_bytes(p.public_bytes(compressed=True)) == p
        elif what == 9:
            k = sm2.SM2PrivateKey.from_bytes(blob)
            assert k.to_bytes() == blob
        elif what == 10:
            PUB.verify_digest(blob[:64], blob[64:96].ljust(32, b"\0"), encoding="raw")
        elif what == 11:
            PUB.verify_digest(blob, bytes(32))
        else:
            kex = sm2.KeyExchange(KEY, PEER, initiator=bool(len(blob) & 1))
            kex.derive(blob, 16)
    except (ValueError, InvalidSignature, DecryptionError):
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
