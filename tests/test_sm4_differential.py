"""SM4 differential tests with hypothesis against cryptography (OpenSSL SM4 ECB/CBC/CTR/GCM)
and gmssl (pure-Python SM4 ECB/CBC with PKCS#7)."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccfast.aead import SM4GCM, InvalidTag
from ccfast.sm4 import SM4

from conftest import require

ciphers = require("cryptography.hazmat.primitives.ciphers")
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402

keys = st.binary(min_size=16, max_size=16)
blocks = st.integers(0, 80).map(lambda n: n * 16).flatmap(lambda n: st.binary(min_size=n, max_size=n))


def c_run(key, mode, data, encrypt=True):
    c = Cipher(algorithms.SM4(key), mode)
    x = c.encryptor() if encrypt else c.decryptor()
    return x.update(data) + x.finalize()


@settings(max_examples=60, deadline=None)
@given(key=keys, data=blocks)
def test_ecb_vs_cryptography(key, data):
    s = SM4(key)
    assert s.encrypt_ecb(data) == c_run(key, modes.ECB(), data)
    assert s.decrypt_ecb(data) == c_run(key, modes.ECB(), data, False)


@settings(max_examples=60, deadline=None)
@given(key=keys, iv=keys, data=blocks)
def test_cbc_vs_cryptography(key, iv, data):
    s = SM4(key)
    assert s.encrypt_cbc(iv, data, padding=False) == c_run(key, modes.CBC(iv), data)
    assert s.decrypt_cbc(iv, data, padding=False) == c_run(key, modes.CBC(iv), data, False)


@settings(max_examples=60, deadline=None)
@given(key=keys, iv=keys, data=st.binary(max_size=1500))
def test_ctr_vs_cryptography(key, iv, data):
    assert SM4(key).ctr(iv, data) == c_run(key, modes.CTR(iv), data)


@settings(max_examples=60, deadline=None)
@given(key=keys, nonce=st.binary(min_size=12, max_size=12) | st.binary(min_size=1, max_size=40),
       data=st.binary(max_size=1200), aad=st.binary(max_size=100))
def test_gcm_vs_cryptography(key, nonce, data, aad):
    if len(nonce) < 8:
        return                                   # OpenSSL refuses IVs shorter than 64 bits
    e = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    e.authenticate_additional_data(aad)
    want = e.update(data) + e.finalize() + e.tag
    g = SM4GCM(key)
    assert g.encrypt(nonce, data, aad) == want
    assert g.decrypt(nonce, want, aad) == data


gmssl_sm4 = require("gmssl.sm4")


def gm(key, mode, fn, data, iv=None):
    c = gmssl_sm4.CryptSM4()
    c.set_key(key, gmssl_sm4.SM4_ENCRYPT if mode == "enc" else gmssl_sm4.SM4_DECRYPT)
    if fn == "ecb":
        return bytes(c.crypt_ecb(data))
    return bytes(c.crypt_cbc(iv, data))


@settings(max_examples=40, deadline=None)
@given(key=keys, iv=keys, data=st.binary(max_size=300))
def test_cbc_pkcs7_vs_gmssl(key, iv, data):
    s = SM4(key)
    ct = s.encrypt_cbc(iv, data)
    assert ct == gm(key, "enc", "cbc", data, iv)
    assert s.decrypt_cbc(iv, ct) == data == gm(key, "dec", "cbc", ct, iv)


@settings(max_examples=40, deadline=None)
@given(key=keys, data=st.binary(max_size=300))
def test_ecb_pkcs7_vs_gmssl(key, data):
    # gmssl pads ECB with PKCS#7 too: compare against ECB of the padded input
    pad = 16 - len(data) % 16
    assert SM4(key).encrypt_ecb(data + bytes([pad]) * pad) == gm(key, "enc", "ecb", data)


def test_gcm_short_messages_vs_cryptography():
    """Every length 0..240 with a 12-byte nonce (the one-pass kernel takes up to 224 bytes) and
    AAD of 0..40 bytes (one block or less, and longer); decryption in place and with truncated
    tags; a changed byte of the tag is refused."""
    import random
    rng = random.Random(8998)
    key = rng.randbytes(16)
    g = SM4GCM(key)
    for n in range(0, 241):
        for a in (0, 12, 16, 17, 40):
            nonce, data, aad = rng.randbytes(12), rng.randbytes(n), rng.randbytes(a)
            e = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
            e.authenticate_additional_data(aad)
            want = e.update(data) + e.finalize() + e.tag
            assert g.encrypt(nonce, data, aad) == want, (n, a)
            buf = bytearray(want)
            assert g.decrypt_into(nonce, buf, aad, buf) == n and buf[:n] == data
            bad = bytearray(want)
            bad[-1 - n % 16] ^= 0x40
            with pytest.raises(InvalidTag):
                g.decrypt(nonce, bytes(bad), aad)
