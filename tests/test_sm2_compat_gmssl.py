"""ccfast.compat.gmssl against the real pure-Python gmssl: same names and conventions, results
interchangeable in both directions, and the documented safety differences."""
import os

import pytest

from ccfast import sm2 as csm2
from ccfast.compat.gmssl import func, sm2, sm3, sm4
from ccfast.exceptions import DecryptionError, PaddingError

from conftest import require

gm_sm2 = require("gmssl.sm2")
gm_sm3 = require("gmssl.sm3")
gm_sm4 = require("gmssl.sm4")
gm_func = require("gmssl.func")

pytestmark = pytest.mark.cpu_independent


def keypair():
    k = csm2.generate_private_key()
    return k.to_bytes().hex(), k.public_key().public_bytes()[1:].hex()


@pytest.mark.parametrize("mode", [0, 1])
def test_encrypt_decrypt_interchangeable(mode):
    priv, pub = keypair()
    ours = sm2.CryptSM2(private_key=priv, public_key=pub, mode=mode)
    theirs = gm_sm2.CryptSM2(private_key=priv, public_key=pub, mode=mode)
    for n in (1, 32, 100):
        msg = os.urandom(n)
        ct = ours.encrypt(msg)
        assert len(ct) == 64 + 32 + n
        assert theirs.decrypt(ct) == msg
        assert ours.decrypt(theirs.encrypt(msg)) == msg


def test_default_mode_is_c1c2c3():
    priv, pub = keypair()
    ct = sm2.CryptSM2(priv, pub).encrypt(b"abc")
    key = csm2.SM2PrivateKey.from_bytes(bytes.fromhex(priv))
    assert key.decrypt(b"\x04" + ct, mode="C1C2C3") == b"abc"


@pytest.mark.parametrize("asn1", [False, True])
def test_signatures_interchangeable(asn1):
    priv, pub = keypair()
    ours = sm2.CryptSM2(private_key=priv, public_key=pub, asn1=asn1)
    theirs = gm_sm2.CryptSM2(private_key=priv, public_key=pub, asn1=asn1)
    msg = os.urandom(40)
    k = func.random_hex(64)
    assert theirs.verify_with_sm3(ours.sign_with_sm3(msg, k), msg)
    assert ours.verify_with_sm3(theirs.sign_with_sm3(msg, k), msg)
    e = os.urandom(32)
    assert theirs.verify(ours.sign(e, k), e)
    assert ours.verify(theirs.sign(e, k), e)
    assert not ours.verify(theirs.sign(e, k), e[:-1] + bytes([e[-1] ^ 1]))
    assert ours._sm3_z(msg) == theirs._sm3_z(msg)


def test_caller_nonce_ignored_and_c3_checked():
    priv, pub = keypair()
    ours = sm2.CryptSM2(priv, pub)
    e = os.urandom(32)
    assert ours.sign(e, "1" * 64) != ours.sign(e, "1" * 64)        # k from the CSPRNG
    ct = bytearray(ours.encrypt(b"attack at dawn"))
    ct[-1] ^= 1                                                    # C3 (mode 0: last 32 bytes)
    with pytest.raises(DecryptionError):
        ours.decrypt(bytes(ct))


def test_public_key_prefix_handling():
    # a key whose X starts with hex digits 0 or 4 (gmssl's lstrip("04") mangles those)
    while True:
        priv, pub = keypair()
        if pub[0] in "04":
            break
    ours = sm2.CryptSM2(priv, "04" + pub)
    assert ours.public_key == pub
    assert ours.verify_with_sm3(ours.sign_with_sm3(b"m"), b"m")


def test_verify_only_and_bad_input():
    priv, pub = keypair()
    v = sm2.CryptSM2(None, pub)
    s = sm2.CryptSM2(priv, pub).sign_with_sm3(b"m")
    assert v.verify_with_sm3(s, b"m")
    assert not v.verify_with_sm3("zz", b"m")
    assert not v.verify_with_sm3(s[:-2], b"m")
    with pytest.raises(ValueError):
        v.sign_with_sm3(b"m")
    with pytest.raises(ValueError):
        sm2.CryptSM2(priv, "00" * 64)                               # not on the curve


@pytest.mark.parametrize("n", [0, 1, 55, 56, 64, 100])
def test_sm3_hash_and_kdf(n):
    data = list(os.urandom(n))
    assert sm3.sm3_hash(list(data)) == gm_sm3.sm3_hash(list(data))
    z = os.urandom(64).hex().encode()
    assert sm3.sm3_kdf(z, 50) == gm_sm3.sm3_kdf(z, 50)


def test_func_helpers():
    d = list(os.urandom(20))
    assert func.pkcs7_padding(d) == gm_func.pkcs7_padding(d)
    assert func.zero_padding(d) == gm_func.zero_padding(d)
    assert func.pkcs7_unpadding(func.pkcs7_padding(d)) == d
    with pytest.raises(PaddingError):
        func.pkcs7_unpadding(d[:15] + [3])
    assert func.rotl(0x80000001, 1) == gm_func.rotl(0x80000001, 1)
    assert func.put_uint32_be(0x01020304) == gm_func.put_uint32_be(0x01020304)
    assert func.get_uint32_be([1, 2, 3, 4]) == gm_func.get_uint32_be([1, 2, 3, 4])
    assert len(func.random_hex(64)) == 64


def test_sm4_against_gmssl():
    key, iv = os.urandom(16), os.urandom(16)
    for n in (0, 5, 16, 33):
        data = os.urandom(n)
        ours, theirs = sm4.CryptSM4(), gm_sm4.CryptSM4()
        ours.set_key(key, sm4.SM4_ENCRYPT)
        theirs.set_key(key, gm_sm4.SM4_ENCRYPT)
        ct = ours.crypt_ecb(data)
        assert ct == theirs.crypt_ecb(data)
        cbc = ours.crypt_cbc(iv, data)
        assert cbc == theirs.crypt_cbc(iv, data)
        ours.set_key(key, sm4.SM4_DECRYPT)
        assert ours.crypt_ecb(ct) == data
        assert ours.crypt_cbc(iv, cbc) == data


README_PRIVATE = "00B9AB0B828FF68872F21A837FC303668428DEA11DCD1B24429D0C99E24EED83D5"   # gmssl's README and tests
README_PUBLIC = ("B9C9A6E04E9C91F7BA880429273747D7EF5DDEB0BB2FF6317EB00BEF331A83081A6994B8993F3F5D6E"
                 "ADDDB81872266C87C018FB4162F5AF347B483E24620207")


def test_private_keys_parse_as_gmssl_parses_them():
    """gmssl reads a private key with int(hex, 16): its own 66-digit example with a leading 00,
    odd-length hex, either case.  The compat layer derives the same public key and its
    signatures verify with gmssl holding the same strings."""
    d = int(README_PRIVATE, 16)
    forms = [README_PRIVATE, README_PRIVATE.lower(), README_PRIVATE[2:], README_PRIVATE[1:],   # 65 digits
             "0000" + README_PRIVATE, "0x" + README_PRIVATE[2:], " " + README_PRIVATE + "\n"]
    for form in forms:
        ours = sm2.CryptSM2(private_key=form, public_key=README_PUBLIC)
        assert ours._priv.to_bytes() == d.to_bytes(32, "big")
        assert sm2.CryptSM2(private_key=form, public_key="").public_key == README_PUBLIC.lower()
        theirs = gm_sm2.CryptSM2(private_key=form, public_key=README_PUBLIC)
        assert ours.verify(theirs.sign(b"111", func.random_hex(64)), b"111") or \
            ours.verify(theirs.sign(b"111", func.random_hex(64)), b"111")    # gmssl's k*G fails ~1 in 200
    odd = format(0xABC, "x")                                                  # 3 hex digits
    assert sm2.CryptSM2(private_key=odd, public_key="")._priv.to_bytes() == (0xABC).to_bytes(32, "big")


@pytest.mark.parametrize("bad", ["xyz", "12 34", "1" * 65, "0", format(csm2_N := 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123, "x")])
def test_private_keys_gmssl_would_misuse_are_refused(bad):
    # not hex at all, over 256 bits, zero or the order n: gmssl computes with any integer
    with pytest.raises(ValueError):
        sm2.CryptSM2(private_key=bad, public_key="")


def test_old_gmssl_helper_names():
    assert func.str_to_list("abc") == [97, 98, 99] and func.list_to_str([97, 98, 99]) == "abc"
    assert sm3.sm3_hash(func.str_to_list("abc")) == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert func.padding([1, 2, 3]) == gm_func.pkcs7_padding([1, 2, 3])
    assert func.unpadding(func.padding([1, 2, 3])) == [1, 2, 3]
