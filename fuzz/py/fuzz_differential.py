"""atheris: differential AES-GCM, SM4 (ECB/CBC/CTR/GCM/CCM) and SM3 against `cryptography` on
arbitrary keys, nonces and data."""
import sys

import atheris

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM as RefAESGCM

with atheris.instrument_imports():
    from ccfast import aead, sm3, sm4


def ref_sm4(key, mode, data):
    c = Cipher(algorithms.SM4(key), mode).encryptor()
    return c.update(data) + c.finalize()


def TestOneInput(data):
    fdp = atheris.FuzzedDataProvider(data)
    what = fdp.ConsumeIntInRange(0, 3)
    if what == 0:
        key = fdp.ConsumeBytes(fdp.PickValueInList([16, 24, 32]))
        nonce = fdp.ConsumeBytes(fdp.PickValueInList([8, 12, 16, 60]))
        aad = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 64))
        msg = fdp.ConsumeBytes(fdp.remaining_bytes())
        if len(key) not in (16, 24, 32) or len(nonce) < 8:
            return
        ct = aead.AESGCM(key).encrypt(nonce, msg, aad)
        assert ct == RefAESGCM(key).encrypt(nonce, msg, aad)
        assert aead.AESGCM(key).decrypt(nonce, ct, aad) == msg
    elif what == 1:
        key, iv = fdp.ConsumeBytes(16), fdp.ConsumeBytes(16)
        msg = fdp.ConsumeBytes(fdp.remaining_bytes())
        if len(key) != 16 or len(iv) != 16:
            return
        s = sm4.SM4(key)
        whole = msg[:len(msg) // 16 * 16]
        assert s.encrypt_ecb(whole) == ref_sm4(key, modes.ECB(), whole)
        assert s.encrypt_cbc(iv, whole, padding=False) == ref_sm4(key, modes.CBC(iv), whole)
        assert s.ctr(iv, msg) == ref_sm4(key, modes.CTR(iv), msg)
        assert s.decrypt_cbc(iv, s.encrypt_cbc(iv, msg)) == msg
    elif what == 2:
        key, nonce = fdp.ConsumeBytes(16), fdp.ConsumeBytes(12)
        msg = fdp.ConsumeBytes(fdp.remaining_bytes())
        if len(key) != 16 or len(nonce) != 12:
            return
        g = aead.SM4GCM(key)
        ct = g.encrypt(nonce, msg, None)
        c = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        assert ct == c.update(msg) + c.finalize() + c.tag
        assert g.decrypt(nonce, ct, None) == msg
        ccm = aead.SM4CCM(key)
        assert ccm.decrypt(nonce, ccm.encrypt(nonce, msg, b"ad"), b"ad") == msg
    else:
        msg = fdp.ConsumeBytes(fdp.remaining_bytes())
        h = hashes.Hash(hashes.SM3())
        h.update(msg)
        assert sm3.digest(msg) == h.finalize()
        cut = len(msg) // 3
        o = sm3.SM3(msg[:cut])
        o.update(msg[cut:])
        assert o.digest() == sm3.digest(msg)


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
