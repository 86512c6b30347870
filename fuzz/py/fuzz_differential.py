"""atheris: differential AES-GCM, SM4 (ECB/CBC/CTR/GCM/CCM) and SM3 against `cryptography`
(OpenSSL) on arbitrary keys, nonces, data and ciphertexts.  Outputs must be equal; where one
side refuses (a forged tag, bad padding) the other must refuse too, and ccfast may raise only
ValueError or its own exceptions.  Keys and nonces of short inputs are zero-padded and
messages are stretched to the length the input asks for, so every input does real work at
every length (the kernels are C, invisible to the Python coverage that steers atheris)."""
import random
import sys

import atheris

from cryptography.exceptions import InvalidTag as RefInvalidTag
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM as RefAESGCM

with atheris.instrument_imports():
    from ccfast import aead, sm3, sm4
    from ccfast.exceptions import CCFastError, InvalidTag


def take(fdp, n):
    return fdp.ConsumeBytes(n).ljust(n, b"\0")


def take_msg(fdp):
    """A message of the length the input picks (up to 1100 bytes, so every bulk path runs):
    the input's bytes, then bytes seeded by them if the input ran out."""
    n = fdp.ConsumeIntInRange(0, 1100)
    body = fdp.ConsumeBytes(n)
    return body + random.Random(body).randbytes(n - len(body))


def ref_sm4(key, mode, data, encrypt=True):
    c = Cipher(algorithms.SM4(key), mode)
    c = c.encryptor() if encrypt else c.decryptor()
    return c.update(data) + c.finalize()


def ref_open(fn):
    try:
        return fn()
    except (RefInvalidTag, ValueError):
        return None


def ours_open(fn):
    try:
        return fn()
    except (InvalidTag, ValueError):
        return None


@atheris.instrument_func
def aes_gcm(fdp):
    key = take(fdp, fdp.PickValueInList([16, 24, 32]))
    nonce = take(fdp, fdp.PickValueInList([8, 12, 12, 16, 60]))
    aad = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 64))
    forge = fdp.ConsumeBool()
    msg = take_msg(fdp)
    ours, ref = aead.AESGCM(key), RefAESGCM(key)
    ct = ours.encrypt(nonce, msg, aad)
    assert ct == ref.encrypt(nonce, msg, aad)
    assert ours.decrypt(nonce, ct, aad) == msg
    if forge:                                  # the message bytes as a ciphertext: both refuse or agree
        assert ours_open(lambda: ours.decrypt(nonce, msg, aad)) == ref_open(lambda: ref.decrypt(nonce, msg, aad))


@atheris.instrument_func
def sm4_modes(fdp):
    key, iv = take(fdp, 16), take(fdp, 16)
    msg = take_msg(fdp)
    s = sm4.SM4(key)
    whole = msg[:len(msg) // 16 * 16]
    assert s.encrypt_ecb(whole) == ref_sm4(key, modes.ECB(), whole)
    assert s.decrypt_ecb(whole) == ref_sm4(key, modes.ECB(), whole, encrypt=False)
    assert s.encrypt_cbc(iv, whole, padding=False) == ref_sm4(key, modes.CBC(iv), whole)
    assert s.decrypt_cbc(iv, whole, padding=False) == ref_sm4(key, modes.CBC(iv), whole, encrypt=False)
    assert s.ctr(iv, msg) == ref_sm4(key, modes.CTR(iv), msg)
    assert s.decrypt_cbc(iv, s.encrypt_cbc(iv, msg)) == msg
    # arbitrary bytes as a padded CBC ciphertext: ccfast and cryptography's PKCS7 agree
    try:
        ours = s.decrypt_cbc(iv, whole)
    except ValueError:
        ours = None
    try:
        u = padding.PKCS7(128).unpadder()
        ref = u.update(ref_sm4(key, modes.CBC(iv), whole, encrypt=False)) + u.finalize() if whole else None
    except ValueError:
        ref = None
    assert ours == ref


@atheris.instrument_func
def sm4_aead(fdp):
    key, nonce = take(fdp, 16), take(fdp, 12)
    forge = fdp.ConsumeBool()
    tag_len = fdp.PickValueInList([4, 6, 8, 10, 12, 14, 16])
    msg = take_msg(fdp)
    g = aead.SM4GCM(key)
    ct = g.encrypt(nonce, msg, None)
    c = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    assert ct == c.update(msg) + c.finalize() + c.tag
    assert g.decrypt(nonce, ct, None) == msg
    if forge and len(msg) >= 16:               # the message bytes as ciphertext || tag
        def ref():
            d = Cipher(algorithms.SM4(key), modes.GCM(nonce, msg[-16:])).decryptor()
            return d.update(msg[:-16]) + d.finalize()
        assert ours_open(lambda: g.decrypt(nonce, msg, None)) == ref_open(ref)
    ccm = aead.SM4CCM(key, tag_len)
    sealed = ccm.encrypt(nonce, msg, b"ad")
    assert len(sealed) == len(msg) + tag_len
    assert sealed[:len(msg)] == s_ctr_ccm(key, nonce, msg)
    assert ccm.decrypt(nonce, sealed, b"ad") == msg
    if msg:
        bad = bytearray(sealed)
        bad[len(bad) // 2] ^= 1
        assert ours_open(lambda: ccm.decrypt(nonce, bytes(bad), b"ad")) is None


def s_ctr_ccm(key, nonce, msg):
    """CCM's payload is CTR from counter block 1 (flags L-1, nonce, counter): checked with
    cryptography's CTR, since cryptography has no SM4-CCM."""
    ctr1 = bytes([15 - len(nonce) - 1]) + nonce + (1).to_bytes(15 - len(nonce), "big")
    return ref_sm4(key, modes.CTR(ctr1), msg)


@atheris.instrument_func
def sm3_digest(fdp):
    cut = fdp.ConsumeIntInRange(0, 300)
    msg = take_msg(fdp)
    h = hashes.Hash(hashes.SM3())
    h.update(msg)
    ref = h.finalize()
    assert sm3.digest(msg) == ref
    o = sm3.SM3(msg[:cut])
    o.update(msg[cut:])
    assert o.digest() == ref


def TestOneInput(data):
    fdp = atheris.FuzzedDataProvider(data)
    what = fdp.ConsumeIntInRange(0, 3)
    try:
        (aes_gcm, sm4_modes, sm4_aead, sm3_digest)[what](fdp)
    except CCFastError:
        pass                                   # documented failures (asserts above catch wrong ones)


if __name__ == "__main__":
    # inputs of any length from the start: coverage alone would keep them short
    atheris.Setup(sys.argv + ["-len_control=0", "-max_len=2048"], TestOneInput)
    atheris.Fuzz()
