"""atheris: SM2 keys, signatures and ciphertexts in DER/PEM/raw from arbitrary bytes: only the
documented exceptions, and a key that loads writes back to the same bytes."""
import sys

import atheris

with atheris.instrument_imports():
    from ccfast import sm2
    from ccfast.exceptions import DecryptionError, InvalidSignature

KEY = sm2.SM2PrivateKey.from_bytes(bytes(range(1, 33)))
PUB = KEY.public_key()


def TestOneInput(data):
    fdp = atheris.FuzzedDataProvider(data)
    what = fdp.ConsumeIntInRange(0, 6)
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
            sm2.load_pem_public_key(blob)
        elif what == 4:
            PUB.verify(blob, b"message")
        elif what == 5:
            KEY.decrypt(blob, encoding="der")
        else:
            KEY.decrypt(blob)
    except (ValueError, InvalidSignature, DecryptionError):
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
