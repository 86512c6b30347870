"""A catalogue of malformed inputs across the public API, each with the exception it must raise.

Every case is one test: it must raise exactly the expected type (not a subclass; never crash,
never succeed), with the expected words in its message where the case names them, and, for the
stateful objects (SRTP sessions, jitter buffers), run on a fresh object and leave it as it was:
the state probe is the same before and after, and a follow-up shows the object still works as if
the bad input had never come (next packets accepted with their ROC, old ones still replays, the
next frame plays).
"""
import array
import base64
import struct

import pytest

from ccfast import aead, jitter, sm2, sm3, sm4, srtp
from ccfast.exceptions import (AuthenticationError, DecryptionError, InvalidSignature, InvalidTag, KeyLimitError,
                               PaddingError, PacketError, ReplayError, SRTPError)

from conftest import require

pytestmark = pytest.mark.cpu_independent

K16 = bytes(range(16))
N12 = bytes(12)
CASES = []


class Stateful:
    """A stateful object for a case: make() builds a fresh one, snapshot(obj) is what a failed
    call must leave as it was, follow_up(obj) checks the object still works as if the bad input
    had never come (the next valid input is accepted, the old ones still rejected)."""

    def __init__(self, make, snapshot, follow_up):
        self.make, self.snapshot, self.follow_up = make, snapshot, follow_up


def case(id_, fn, exc, *, match=None, on=None):
    """fn() (fn(obj) with on=Stateful) must raise exactly exc (a type, or a tuple of allowed
    types), with match in its message when given, and leave the object's state unchanged."""
    CASES.append(pytest.param(fn, exc if isinstance(exc, tuple) else (exc,), match, on, id=id_))


# ---- AEADs: AESGCM, SM4GCM, SM4CCM --------------------------------------------------------

def aead_cases(name, make, key_ok, bad_keys, nonce_ok, bad_nonces):
    ct = make(key_ok).encrypt(nonce_ok, b"hello world", b"aad")
    for k in bad_keys:
        case(f"{name}-key-len-{len(k)}", lambda k=k: make(k), ValueError, match="key must be 128")
    for k, e in (("str", TypeError), (None, TypeError), (12345, TypeError), (1.5, TypeError)):
        case(f"{name}-key-type-{type(k).__name__}", lambda k=k: make(k), e)
    obj = make(key_ok)
    for n in bad_nonces:
        case(f"{name}-nonce-len-{len(n)}-encrypt", lambda n=n: obj.encrypt(n, b"x", None), ValueError)
        case(f"{name}-nonce-len-{len(n)}-decrypt", lambda n=n: obj.decrypt(n, ct, b"aad"), ValueError)
    case(f"{name}-nonce-str", lambda: obj.encrypt("n" * len(nonce_ok), b"x", None), TypeError)
    case(f"{name}-nonce-none", lambda: obj.encrypt(None, b"x", None), TypeError)
    case(f"{name}-data-str", lambda: obj.encrypt(nonce_ok, "text", None), TypeError)
    case(f"{name}-data-int", lambda: obj.encrypt(nonce_ok, 7, None), TypeError)
    case(f"{name}-data-list", lambda: obj.encrypt(nonce_ok, [1, 2], None), TypeError)
    case(f"{name}-aad-str", lambda: obj.encrypt(nonce_ok, b"x", "aad"), TypeError)
    case(f"{name}-aad-int", lambda: obj.encrypt(nonce_ok, b"x", 5), TypeError)
    case(f"{name}-data-strided", lambda: obj.encrypt(nonce_ok, memoryview(bytes(32))[::2], None), TypeError)
    case(f"{name}-data-wide-items", lambda: obj.encrypt(nonce_ok, array.array("I", [1, 2]), None), TypeError)
    for cut in (0, 1, 15):
        case(f"{name}-ciphertext-truncated-{cut}", lambda cut=cut: obj.decrypt(nonce_ok, ct[:cut], b"aad"),
             InvalidTag)
    for pos in (0, len(ct) // 2, len(ct) - 1):
        bad = bytearray(ct)
        bad[pos] ^= 1
        case(f"{name}-tampered-byte-{pos}", lambda b=bytes(bad): obj.decrypt(nonce_ok, b, b"aad"), InvalidTag)
    case(f"{name}-wrong-aad", lambda: obj.decrypt(nonce_ok, ct, b"aaD"), InvalidTag)
    case(f"{name}-missing-aad", lambda: obj.decrypt(nonce_ok, ct, None), InvalidTag)
    case(f"{name}-wrong-nonce", lambda: obj.decrypt(bytes([1]) + nonce_ok[1:], ct, b"aad"), InvalidTag)
    case(f"{name}-wrong-key", lambda: make(bytes(len(key_ok))).decrypt(nonce_ok, ct, b"aad"), InvalidTag)
    case(f"{name}-encrypt_into-readonly-out",
         lambda: obj.encrypt_into(nonce_ok, b"abc", None, bytes(64)), TypeError)
    case(f"{name}-encrypt_into-out-too-small",
         lambda: obj.encrypt_into(nonce_ok, b"abc", None, bytearray(4)), ValueError, match="too small")
    case(f"{name}-encrypt_into-strided-out",
         lambda: obj.encrypt_into(nonce_ok, b"abc", None, memoryview(bytearray(128))[::2]), TypeError)
    case(f"{name}-decrypt_into-readonly-out", lambda: obj.decrypt_into(nonce_ok, ct, b"aad", bytes(64)), TypeError)
    case(f"{name}-decrypt_into-forged", lambda: obj.decrypt_into(nonce_ok, ct[:-1] + bytes([ct[-1] ^ 1]), b"aad",
                                                                 bytearray(64)), InvalidTag)
    case(f"{name}-nonce-strided", lambda: obj.encrypt(memoryview(bytes(2 * len(nonce_ok)))[::2], b"x"), TypeError)
    case(f"{name}-decrypt-data-none", lambda: obj.decrypt(nonce_ok, None, b"aad"), TypeError)
    case(f"{name}-key-wide-items", lambda: make(array.array("H", bytes(len(key_ok)))), TypeError)
    case(f"{name}-key-strided", lambda: make(memoryview(bytes(2 * len(key_ok)))[::2]), TypeError)
    case(f"{name}-decrypt_into-out-too-small",
         lambda: obj.decrypt_into(nonce_ok, ct, b"aad", bytearray(2)), ValueError)
    case(f"{name}-batch-length-mismatch",
         lambda: obj.encrypt_batch([nonce_ok, nonce_ok], [b"a"]), ValueError)
    case(f"{name}-batch-bad-nonce", lambda: obj.encrypt_batch([b""], [b"a"]), ValueError)
    case(f"{name}-batch-not-iterable", lambda: obj.encrypt_batch(5, [b"a"]), TypeError)
    case(f"{name}-batch-datas-none", lambda: obj.encrypt_batch([nonce_ok], None), TypeError)
    case(f"{name}-batch-nonce-str", lambda: obj.encrypt_batch(["n" * len(nonce_ok)], [b"a"]), TypeError)
    case(f"{name}-batch-aad-mismatch",
         lambda: obj.encrypt_batch([nonce_ok], [b"a"], [b"x", b"y"]), ValueError)


aead_cases("aesgcm", aead.AESGCM, K16, [b"", bytes(8), bytes(15), bytes(17), bytes(31), bytes(33), bytes(64)],
           N12, [b""])
aead_cases("sm4gcm", aead.SM4GCM, K16, [b"", bytes(8), bytes(15), bytes(17), bytes(24), bytes(32)],
           N12, [b""])
aead_cases("sm4ccm", aead.SM4CCM, K16, [b"", bytes(15), bytes(17), bytes(32)],
           N12, [b"", bytes(6), bytes(14), bytes(16)])
for t in (0, 2, 3, 5, 17, 32):
    case(f"sm4ccm-tag-length-{t}", lambda t=t: aead.SM4CCM(K16, tag_length=t), ValueError, match="tag_length")
case("sm4ccm-tag-length-str", lambda: aead.SM4CCM(K16, tag_length="16"), TypeError)
case("sm4ccm-tag-length-none", lambda: aead.SM4CCM(K16, tag_length=None), TypeError)
case("sm4ccm-data-too-long-for-13-byte-nonce", lambda: aead.SM4CCM(K16).encrypt(bytes(13), bytes(1 << 16)), ValueError,
     match="too long")
case("sm4ccm-truncated-tag-12", lambda: aead.SM4CCM(K16, tag_length=12).decrypt(N12, aead.SM4CCM(K16).encrypt(N12, b"x")),
     InvalidTag)
for bits in (0, 64, 100, 512):
    case(f"aesgcm-generate-key-{bits}", lambda b=bits: aead.AESGCM.generate_key(b), ValueError)
case("aesgcm-generate-key-str", lambda: aead.AESGCM.generate_key("128"), TypeError)
case("aesgcm-generate-key-none", lambda: aead.AESGCM.generate_key(None), TypeError)
case("aesgcm-generate-key-negative", lambda: aead.AESGCM.generate_key(-128), ValueError)
case("sm4gcm-generate-key-256", lambda: aead.SM4GCM.generate_key(256), ValueError)
case("sm4ccm-generate-key-256", lambda: aead.SM4CCM.generate_key(256), ValueError)


# ---- SM4 block modes -----------------------------------------------------------------------

_sm4 = sm4.SM4(K16)
_cbc = _sm4.encrypt_cbc(K16, b"attack at dawn")
for n in (0, 1, 15, 17, 32):
    case(f"sm4-key-len-{n}", lambda n=n: sm4.SM4(bytes(n)), ValueError) if n != 16 else None
for n in (1, 15, 17, 33):
    case(f"sm4-ecb-encrypt-len-{n}", lambda n=n: _sm4.encrypt_ecb(bytes(n)), ValueError)
    case(f"sm4-ecb-decrypt-len-{n}", lambda n=n: _sm4.decrypt_ecb(bytes(n)), ValueError)
    case(f"sm4-cbc-nopad-encrypt-len-{n}", lambda n=n: _sm4.encrypt_cbc(K16, bytes(n), padding=False), ValueError)
    case(f"sm4-cbc-decrypt-len-{n}", lambda n=n: _sm4.decrypt_cbc(K16, bytes(n)), ValueError)
for n in (0, 8, 15, 17, 32):
    case(f"sm4-cbc-iv-len-{n}", lambda n=n: _sm4.encrypt_cbc(bytes(n), bytes(16)), ValueError)
    case(f"sm4-ctr-iv-len-{n}", lambda n=n: _sm4.ctr(bytes(n), b"abc"), ValueError)
case("sm4-cbc-decrypt-empty", lambda: _sm4.decrypt_cbc(K16, b""), PaddingError)      # no block to hold the padding
for pad in (0, 17, 255):
    blk = _sm4.encrypt_cbc(K16, bytes(15) + bytes([pad]), padding=False)
    case(f"sm4-cbc-bad-padding-byte-{pad}", lambda b=blk: _sm4.decrypt_cbc(K16, b), PaddingError, match="invalid padding")
case("sm4-cbc-inconsistent-padding",
     lambda: _sm4.decrypt_cbc(K16, _sm4.encrypt_cbc(K16, bytes(13) + b"\x01\x03\x03", padding=False)), PaddingError)
case("sm4-cbc-wrong-iv-padding", lambda: _sm4.decrypt_cbc(bytes(16), _cbc) and
     _sm4.decrypt_cbc(bytes([0] * 15 + [0x55]), _cbc), PaddingError)
case("sm4-ecb-str", lambda: _sm4.encrypt_ecb("x" * 16), TypeError)
case("sm4-ctr-data-none", lambda: _sm4.ctr(K16, None), TypeError)
case("sm4-key-str", lambda: sm4.SM4("k" * 16), TypeError)
case("sm4-key-wide-items", lambda: sm4.SM4(array.array("H", bytes(16))), TypeError)
case("sm4-ctr-iv-none", lambda: _sm4.ctr(None, b"abc"), TypeError)
case("sm4-cbc-iv-str", lambda: _sm4.encrypt_cbc("i" * 16, b"abc"), TypeError)
case("sm4-ecb-strided", lambda: _sm4.encrypt_ecb(memoryview(bytes(64))[::2]), TypeError)
case("sm4-decrypt-cbc-data-int", lambda: _sm4.decrypt_cbc(K16, 16), TypeError)
case("sm4-key-len-message", lambda: sm4.SM4(bytes(15)), ValueError, match="16 bytes")


# ---- SM3 -----------------------------------------------------------------------------------

for bad, e in (("text", TypeError), (None, TypeError), (5, TypeError), ([1], TypeError),
               (memoryview(bytes(8))[::2], TypeError), (array.array("d", [1.0]), TypeError)):
    case(f"sm3-digest-{type(bad).__name__}", lambda b=bad: sm3.digest(b), e)
    case(f"sm3-update-{type(bad).__name__}", lambda b=bad: sm3.SM3().update(b), e)
case("sm3-ctor-str", lambda: sm3.SM3("abc"), TypeError)
case("sm3-hmac-key-str", lambda: sm3.hmac("key", b"data"), TypeError)
case("sm3-hmac-data-none", lambda: sm3.hmac(b"key", None), TypeError)
for n, e in ((-1, ValueError), ("16", TypeError), (1.5, TypeError), (1 << 40, OverflowError)):
    case(f"sm3-kdf-length-{n!r}", lambda n=n: sm3.kdf(b"z", n), e)
case("sm3-kdf-z-str", lambda: sm3.kdf("z", 16), TypeError)
case("sm3-digest-batch-not-iterable", lambda: sm3.digest_batch(5), TypeError)
case("sm3-digest-batch-bad-item", lambda: sm3.digest_batch([b"a", "b"]), TypeError)
case("sm3-digest-batch-none-item", lambda: sm3.digest_batch([None]), TypeError)
case("sm3-digest-batch-none", lambda: sm3.digest_batch(None), TypeError)
case("sm3-digest-batch-strided-item", lambda: sm3.digest_batch([b"a", memoryview(bytes(8))[::2]]), TypeError)
case("sm3-hmac-key-none", lambda: sm3.hmac(None, b"data"), TypeError)
case("sm3-hmac-key-strided", lambda: sm3.hmac(memoryview(bytes(8))[::2], b"data"), TypeError)
case("sm3-kdf-z-none", lambda: sm3.kdf(None, 16), TypeError)
case("sm3-kdf-too-long", lambda: sm3.kdf(b"z", (1 << 32) * 32), OverflowError, match="at most")


# ---- SM2 -----------------------------------------------------------------------------------

_key = sm2.SM2PrivateKey.from_bytes(bytes(range(1, 33)))
_pub = _key.public_key()
_sig = _key.sign(b"message")
_raw_sig = _key.sign(b"message", encoding="raw")
_ct = _pub.encrypt(b"secret")
_pem = _key.private_bytes()
_pub_pem = _pub.public_bytes("pem")
_pub_der = _pub.public_bytes("der")
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123

PRIME = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
for name, d in (("zero", bytes(32)), ("n", N.to_bytes(32, "big")), ("n+1", (N + 1).to_bytes(32, "big")),
                ("n-1", (N - 1).to_bytes(32, "big")), ("all-ff", b"\xff" * 32), ("31-bytes", bytes(31)),
                ("33-bytes", bytes(33)), ("empty", b"")):
    case(f"sm2-private-from-bytes-{name}", lambda d=d: sm2.SM2PrivateKey.from_bytes(d), ValueError)
for name, pub in (("zeros-65", bytes(65)), ("04-zero-point", b"\x04" + bytes(64)), ("off-curve", b"\x04" + b"\x01" * 64),
                  ("compressed-x-p", b"\x02" + PRIME.to_bytes(32, "big")), ("prefix-05", b"\x05" + bytes(64)),
                  ("x-beyond-p", b"\x04" + PRIME.to_bytes(32, "big") + _pub.public_bytes()[33:]),
                  ("truncated", _pub.public_bytes()[:-1]), ("extra-byte", _pub.public_bytes() + b"\x00"),
                  ("empty", b""), ("prefix-only", b"\x04")):
    case(f"sm2-public-from-bytes-{name}", lambda p=pub: sm2.SM2PublicKey.from_bytes(p), ValueError)
for name, sig in (("empty", b""), ("truncated", _sig[:-1]), ("extra", _sig + b"\x00"), ("garbage", b"\x30\x03\x02\x01"),
                  ("zero-r", b"\x30\x06\x02\x01\x00\x02\x01\x01"), ("flipped", _sig[:-1] + bytes([_sig[-1] ^ 1])),
                  ("raw-as-der", _raw_sig), ("negative-r", b"\x30\x06\x02\x01\x80\x02\x01\x01"),
                  ("indefinite-length", b"\x30\x80" + _sig[2:] + b"\x00\x00"),
                  ("non-minimal-r", b"\x30" + bytes([_sig[1] + 1]) + b"\x02" + bytes([_sig[3] + 1]) + b"\x00" + _sig[4:]),
                  ("set-not-sequence", b"\x31" + _sig[1:]),
                  ("s-equals-n", b"\x30\x26\x02\x01\x01\x02\x21\x00" + N.to_bytes(32, "big")),
                  ("length-beyond", _sig[:1] + bytes([_sig[1] + 5]) + _sig[2:])):
    case(f"sm2-verify-der-{name}", lambda s=sig: _pub.verify(s, b"message"), InvalidSignature)
for name, sig in (("short", _raw_sig[:-1]), ("long", _raw_sig + b"\x00"), ("zeros", bytes(64)),
                  ("n", N.to_bytes(32, "big") * 2), ("flipped", bytes([_raw_sig[0] ^ 1]) + _raw_sig[1:])):
    case(f"sm2-verify-raw-{name}", lambda s=sig: _pub.verify(s, b"message", encoding="raw"), InvalidSignature)
case("sm2-verify-wrong-message", lambda: _pub.verify(_sig, b"messagf"), InvalidSignature)
case("sm2-verify-wrong-uid", lambda: _pub.verify(_sig, b"message", uid=b"someone else"), InvalidSignature)
case("sm2-verify-bad-encoding", lambda: _pub.verify(_sig, b"message", encoding="ber"), ValueError)
case("sm2-sign-bad-encoding", lambda: _key.sign(b"m", encoding="base64"), ValueError)
case("sm2-sign-digest-short", lambda: _key.sign_digest(bytes(31)), ValueError)
case("sm2-verify-digest-long", lambda: _pub.verify_digest(_sig, bytes(33)), ValueError)
case("sm2-sign-data-str", lambda: _key.sign("message"), TypeError)
case("sm2-z-uid-str", lambda: _pub.z("alice"), TypeError)
case("sm2-z-uid-too-long", lambda: _pub.z(bytes(8192)), ValueError)
case("sm2-verify-digest-str", lambda: _pub.verify_digest(_sig, "d" * 32), TypeError)
case("sm2-verify-digest-wrong", lambda: _pub.verify_digest(_key.sign_digest(bytes(32)), bytes([1]) + bytes(31)),
     InvalidSignature)
case("sm2-sign-digest-bad-encoding", lambda: _key.sign_digest(bytes(32), encoding="pem"), ValueError)
case("sm2-load-pem-public-bad-base64",
     lambda: sm2.load_pem_public_key(b"-----BEGIN PUBLIC KEY-----\n@@@\n-----END PUBLIC KEY-----\n"), ValueError)
case("sm2-load-pem-public-none", lambda: sm2.load_pem_public_key(None), TypeError)
case("sm2-load-der-public-str", lambda: sm2.load_der_public_key("key"), TypeError)
case("sm2-sign-uid-str", lambda: _key.sign(b"m", uid="alice"), TypeError)
case("sm2-sign-uid-too-long", lambda: _key.sign(b"m", uid=bytes(8192)), ValueError, match="uid")
case("sm2-sign-digest-str", lambda: _key.sign_digest("d" * 32), TypeError)
case("sm2-verify-signature-none", lambda: _pub.verify(None, b"message"), TypeError)
case("sm2-verify-signature-str", lambda: _pub.verify("sig", b"message"), TypeError)
case("sm2-private-from-bytes-str", lambda: sm2.SM2PrivateKey.from_bytes("k" * 32), TypeError)
case("sm2-public-from-bytes-none", lambda: sm2.SM2PublicKey.from_bytes(None), TypeError)
case("sm2-public-from-bytes-64-zeros", lambda: sm2.SM2PublicKey.from_bytes(bytes(64)), ValueError, match="curve")
case("sm2-public-from-bytes-compressed-no-root",
     lambda: sm2.SM2PublicKey.from_bytes(b"\x02" + bytes(31) + b"\x05"), ValueError, match="curve")
for name, ct in (("empty", b""), ("short", _ct[:96]), ("c1-off-curve", b"\x04" + b"\x01" * 64 + _ct[65:]),
                 ("c1-bad-prefix", b"\x07" + _ct[1:]), ("c3-flipped", _ct[:70] + bytes([_ct[70] ^ 1]) + _ct[71:]),
                 ("c2-flipped", _ct[:-1] + bytes([_ct[-1] ^ 1])), ("c1-infinity", bytes(65) + _ct[65:])):
    case(f"sm2-decrypt-{name}", lambda c=ct: _key.decrypt(c), DecryptionError)
case("sm2-decrypt-wrong-mode", lambda: _key.decrypt(_ct, mode="C1C2C3"), DecryptionError)
case("sm2-decrypt-bad-mode-name", lambda: _key.decrypt(_ct, mode="C3C2C1"), ValueError)
case("sm2-encrypt-bad-mode-name", lambda: _pub.encrypt(b"x", mode="XYZ"), ValueError)
case("sm2-decrypt-der-garbage", lambda: _key.decrypt(b"\x30\x05\x02\x01\x01\x02\x00", encoding="der"),
     DecryptionError)
_ct_der = _pub.encrypt(b"secret", encoding="der")
for name, ct in (("truncated", _ct_der[:-1]), ("extra", _ct_der + b"\x00"), ("tag-31", b"\x31" + _ct_der[1:]),
                 ("raw-as-der", _ct), ("empty", b"")):
    case(f"sm2-decrypt-der-{name}", lambda c=ct: _key.decrypt(c, encoding="der"), DecryptionError)
case("sm2-decrypt-der-as-raw", lambda: _key.decrypt(_ct_der), DecryptionError)
case("sm2-decrypt-str", lambda: _key.decrypt("ciphertext"), TypeError)
case("sm2-decrypt-bad-encoding", lambda: _key.decrypt(_ct, encoding="pem"), ValueError, match="encoding")
case("sm2-encrypt-data-str", lambda: _pub.encrypt("secret"), TypeError)
case("sm2-encrypt-mode-none", lambda: _pub.encrypt(b"x", mode=None), ValueError, match="mode")
case("sm2-encrypt-bad-encoding", lambda: _pub.encrypt(b"x", encoding="pem"), ValueError)
for name, blob in (("empty", b""), ("garbage", b"not a key"), ("truncated", _pem[:-40]),
                   ("public-as-private", _pub_pem), ("bad-base64", _pem.replace(b"M", b"*", 3))):
    case(f"sm2-load-pem-private-{name}", lambda b=blob: sm2.load_pem_private_key(b), ValueError)
case("sm2-load-pem-private-password", lambda: sm2.load_pem_private_key(_pem, password=b"pw"), ValueError)
case("sm2-load-pem-private-end-label-mismatch",
     lambda: sm2.load_pem_private_key(_pem.replace(b"END PRIVATE", b"END PUBLIC")), ValueError)
case("sm2-load-pem-private-none", lambda: sm2.load_pem_private_key(None), TypeError)
_der_priv = _key.private_bytes("der")
_sec1 = _key.private_bytes("der", "sec1")
for name, blob in (("truncated", _der_priv[:-3]), ("sec1-truncated", _sec1[:-3]), ("empty", b""),
                   ("extra", _der_priv + b"\x00"), ("length-overflow", b"\x30\x84\xff\xff\xff\xff" + _der_priv[2:])):
    case(f"sm2-load-der-private-{name}", lambda b=blob: sm2.load_der_private_key(b), ValueError)
case("sm2-load-der-private-none", lambda: sm2.load_der_private_key(None), TypeError)
case("sm2-load-der-private-d-zero", lambda: sm2.load_der_private_key(_sec1.replace(_key.to_bytes(), bytes(32))), ValueError)
try:
    from cryptography.hazmat.primitives import serialization as _ser
    from cryptography.hazmat.primitives.asymmetric import ec as _ec
except ImportError:                                    # optional peer; its two cases drop out
    _ec = None
if _ec is not None:
    _p256 = _ec.derive_private_key(12345, _ec.SECP256R1())
    case("sm2-load-pem-private-p256", lambda: sm2.load_pem_private_key(_p256.private_bytes(
        _ser.Encoding.PEM, _ser.PrivateFormat.PKCS8, _ser.NoEncryption())), ValueError, match="not an SM2 key")
    case("sm2-load-der-public-p256", lambda: sm2.load_der_public_key(_p256.public_key().public_bytes(
        _ser.Encoding.DER, _ser.PublicFormat.SubjectPublicKeyInfo)), ValueError, match="not an SM2 key")
for name, blob in (("empty", b""), ("garbage", b"\x30\x82\xff\xff"), ("truncated", _pub_der[:-1]),
                   ("extra", _pub_der + b"\x00"), ("bit-flip-oid", _pub_der[:10] + bytes([_pub_der[10] ^ 1]) + _pub_der[11:])):
    case(f"sm2-load-der-public-{name}", lambda b=blob: sm2.load_der_public_key(b), ValueError)
case("sm2-load-pem-public-private-pem", lambda: sm2.load_pem_public_key(_pem), ValueError)
case("sm2-load-der-private-public-der", lambda: sm2.load_der_private_key(_pub_der), ValueError)
case("sm2-private-bytes-bad-format", lambda: _key.private_bytes("pem", "pkcs1"), ValueError)
case("sm2-public-bytes-bad-encoding", lambda: _pub.public_bytes("ssh"), ValueError)


def _kx():
    peer = sm2.SM2PrivateKey.from_bytes(bytes(range(2, 34)))
    return sm2.KeyExchange(_key, peer.public_key(), initiator=True)


case("sm2-kx-peer-ephemeral-short", lambda: _kx().derive(bytes(63)), ValueError)
case("sm2-kx-peer-ephemeral-off-curve", lambda: _kx().derive(b"\x04" + b"\x01" * 64), ValueError)
case("sm2-kx-key-length-zero", lambda: _kx().derive(_pub.public_bytes(), 0), ValueError)
case("sm2-kx-bad-peer-type", lambda: sm2.KeyExchange(_key, b"pub", initiator=True), TypeError)
case("sm2-kx-private-is-public", lambda: sm2.KeyExchange(_pub, _pub, initiator=True), TypeError)
case("sm2-kx-no-initiator", lambda: sm2.KeyExchange(_key, _pub), TypeError)
case("sm2-kx-uid-str", lambda: sm2.KeyExchange(_key, _pub, initiator=True, uid="alice"), TypeError)
case("sm2-kx-confirmation-before-derive", lambda: _kx().confirmation(), ValueError, match="derive")
case("sm2-kx-key-length-negative", lambda: _kx().derive(_pub.public_bytes(), -1), ValueError)


def _kx_derived():
    peer = sm2.SM2PrivateKey.from_bytes(bytes(range(2, 34)))
    kx = _kx()
    kx.derive(sm2.KeyExchange(peer, _pub, initiator=False).ephemeral)
    return kx


case("sm2-kx-confirmation-wrong", lambda: _kx_derived().verify_confirmation(bytes(32)), InvalidSignature)
case("sm2-kx-confirmation-short", lambda: _kx_derived().verify_confirmation(bytes(3)), InvalidSignature)


# ---- SRTP ----------------------------------------------------------------------------------

P = srtp.Profile
_srtp_key = bytes(range(30))
SSRC = 0x0A0B0C0D


def rtp(seq, ssrc=SSRC, payload=b"\x11" * 40, first=0x80):
    return struct.pack("!BBHII", first, 0, seq, 160 * seq, ssrc) + payload


def rtcp(n, ssrc=SSRC):
    return struct.pack("!BBHI", 0x80, 200, 6, ssrc) + struct.pack("!I", n) * 5


def _sender(profile, seqs):
    key = bytes(range(srtp.key_length(profile)))
    tx = srtp.Session(profile, key)
    return key, [tx.protect(rtp(s)) for s in seqs], [tx.protect_rtcp(rtcp(n)) for n in range(3)]


def _stats_without_failures(rx):
    return {ssrc: {k: v for k, v in st.items() if k not in ("auth_failures", "replays")}
            for ssrc, st in rx.stats.items()}


def srtp_receiver(profile, seqs=range(1, 6), delivered=3):
    """A receiver that has accepted the first `delivered` of the packets with seqs (and the first
    SRTCP packet).  After a failure the rest must still be accepted in order, with the ROC they
    belong to, and the delivered ones still rejected as replays."""
    key, sent, ctl = _sender(profile, seqs)
    seqs = list(seqs)

    def make():
        rx = srtp.Session(profile, key)
        for p in sent[:delivered]:
            rx.unprotect(p)
        rx.unprotect_rtcp(ctl[0])
        return rx

    def follow_up(rx):
        with pytest.raises(ReplayError):
            rx.unprotect(sent[delivered - 1])
        with pytest.raises(ReplayError):
            rx.unprotect_rtcp(ctl[0])
        for p, s in zip(sent[delivered:], seqs[delivered:]):
            assert rx.unprotect(p) == rtp(s)
        assert rx.unprotect_rtcp(ctl[1]) == rtcp(1)
        st = rx.stats[SSRC]
        assert st["authenticated"] == len(sent) and st["authenticated_rtcp"] == 2
        assert st["roc"] == sum(1 for a, b in zip(seqs, seqs[1:]) if b < a)
    return Stateful(make, _stats_without_failures, follow_up), sent, ctl


CM_RX, _sent, _ctl = srtp_receiver(P.AES_CM_128_HMAC_SHA1_80)
GCM_RX, _gsent, _gctl = srtp_receiver(P.AEAD_AES_128_GCM)
WRAP_RX, _wsent, _ = srtp_receiver(P.AES_CM_128_HMAC_SHA1_80, seqs=[65533, 65534, 65535, 0, 1], delivered=2)
_other = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, bytes(30))


def flip(p, i):
    return p[:i] + bytes([p[i] ^ 1]) + p[i + 1:]


def rtp_shapes(good):
    """Malformed and forged variants of one SRTP packet -> the exact exception each must raise."""
    return {
        "empty": (b"", PacketError), "short-header": (good[:11], PacketError),
        "version-0": (bytes([good[0] & 0x3F]) + good[1:], PacketError),
        "version-1": (bytes([good[0] & 0x3F | 0x40]) + good[1:], PacketError),
        "version-3": (bytes([good[0] | 0xC0]) + good[1:], PacketError),
        "cc-beyond-end": (bytes([0x8F]) + good[1:20], PacketError),
        "ext-header-cut": (bytes([0x90]) + good[1:14], PacketError),
        "ext-length-beyond": (bytes([0x90]) + good[1:12] + b"\xbe\xde\xff\xff" + good[16:], PacketError),
        "header-only": (good[:12], PacketError),
        "tag-truncated": (good[:-1], AuthenticationError),
        "tag-missing": (good[:-10], AuthenticationError),
        "tag-flipped": (flip(good, len(good) - 1), AuthenticationError),
        "payload-flipped": (flip(good, 20), AuthenticationError),
        "pt-flipped": (flip(good, 1), AuthenticationError),
        "seq-flipped": (flip(good, 3), AuthenticationError),
        "ssrc-flipped": (flip(good, 11), AuthenticationError),
        "padding-bit-set": (bytes([good[0] | 0x20]) + good[1:], AuthenticationError),
        "extra-byte": (good + b"\x00", AuthenticationError),
    }


_cm_shapes = rtp_shapes(_sent[3])
_cm_shapes.update({"only-header-and-tag": (_sent[3][:12] + _sent[3][-10:-1], PacketError),
                   "replayed-first": (_sent[0], ReplayError), "replayed-last": (_sent[2], ReplayError),
                   "wrong-key": (_other.protect(rtp(4)), AuthenticationError)})


def _first_error(results):
    """unprotect_batch reports failures in its list: raise the first one."""
    for r in results:
        if isinstance(r, Exception):
            raise r
    return results


for name, (pkt, e) in _cm_shapes.items():
    case(f"srtp-unprotect-{name}", lambda rx, p=pkt: rx.unprotect(p), e, on=CM_RX)
    case(f"srtp-unprotect_batch-{name}", lambda rx, p=pkt: _first_error(rx.unprotect_batch([p])), e, on=CM_RX)
    if not name.startswith("replayed"):
        case(f"srtp-unprotect_into-{name}", lambda rx, p=pkt: rx.unprotect_into(bytearray(p), len(p)), e, on=CM_RX)
for name, (pkt, e) in rtp_shapes(_gsent[3]).items():
    case(f"srtp-gcm-unprotect-{name}", lambda rx, p=pkt: rx.unprotect(p), e, on=GCM_RX)
case("srtp-gcm-unprotect-replayed", lambda rx: rx.unprotect(_gsent[1]), ReplayError, on=GCM_RX)
case("srtp-gcm-unprotect-cm-packet", lambda rx: rx.unprotect(_sent[3]), AuthenticationError, on=GCM_RX)
# near the sequence wrap: a forged packet that would move the ROC on must leave it where it was
for name, pkt in (("tag-flipped-after-wrap", flip(_wsent[3], len(_wsent[3]) - 1)),
                  ("tag-flipped-before-wrap", flip(_wsent[2], len(_wsent[2]) - 1)),
                  ("payload-flipped-after-wrap", flip(_wsent[4], 20))):
    case(f"srtp-wrap-unprotect-{name}", lambda rx, p=pkt: rx.unprotect(p), AuthenticationError, on=WRAP_RX)
case("srtp-wrap-unprotect-replayed", lambda rx: rx.unprotect(_wsent[0]), ReplayError, on=WRAP_RX)

_good_rtcp = _ctl[1]
for name, pkt, e in (("empty", b"", PacketError), ("7-bytes", _good_rtcp[:7], PacketError),
                     ("version-0", bytes([_good_rtcp[0] & 0x3F]) + _good_rtcp[1:], PacketError),
                     ("version-1", bytes([_good_rtcp[0] & 0x3F | 0x40]) + _good_rtcp[1:], PacketError),
                     ("truncated", _good_rtcp[:12], PacketError),
                     ("tag-flipped", flip(_good_rtcp, len(_good_rtcp) - 1), AuthenticationError),
                     ("tag-truncated", _good_rtcp[:-1], AuthenticationError),
                     ("index-only", _good_rtcp[:-10], AuthenticationError),
                     ("e-flag-flipped", flip(_good_rtcp, len(_good_rtcp) - 14), AuthenticationError),
                     ("index-flipped", flip(_good_rtcp, len(_good_rtcp) - 11), AuthenticationError),
                     ("ssrc-flipped", flip(_good_rtcp, 7), AuthenticationError),
                     ("replayed", _ctl[0], ReplayError),
                     ("wrong-key", [_other.protect_rtcp(rtcp(n)) for n in range(3)][2], AuthenticationError)):
    case(f"srtcp-unprotect-{name}", lambda rx, p=pkt: rx.unprotect_rtcp(p), e, on=CM_RX)
case("srtcp-gcm-unprotect-tag-flipped", lambda rx: rx.unprotect_rtcp(flip(_gctl[1], len(_gctl[1]) - 5)),
     AuthenticationError, on=GCM_RX)
case("srtcp-gcm-unprotect-replayed", lambda rx: rx.unprotect_rtcp(_gctl[0]), ReplayError, on=GCM_RX)

for name, arg, e in (("none", None, TypeError), ("int", 12, TypeError), ("str", "packet", TypeError),
                     ("float", 1.5, TypeError), ("strided", memoryview(_sent[3] * 2)[::2], TypeError),
                     ("wide-items", array.array("H", _sent[3][:len(_sent[3]) // 2 * 2]), TypeError)):
    case(f"srtp-unprotect-type-{name}", lambda rx, a=arg: rx.unprotect(a), e, on=CM_RX)
    case(f"srtcp-unprotect-type-{name}", lambda rx, a=arg: rx.unprotect_rtcp(a), e, on=CM_RX)
case("srtp-unprotect_into-readonly", lambda rx: rx.unprotect_into(_sent[3], len(_sent[3])), TypeError, on=CM_RX,
     match="writable")
case("srtp-unprotect_into-strided", lambda rx: rx.unprotect_into(memoryview(bytearray(_sent[3] * 2))[::2], 20),
     TypeError, on=CM_RX)
case("srtp-unprotect_into-length-beyond", lambda rx: rx.unprotect_into(bytearray(_sent[3]), len(_sent[3]) + 1),
     ValueError, on=CM_RX)
case("srtp-unprotect_into-length-negative", lambda rx: rx.unprotect_into(bytearray(_sent[3]), -1), ValueError, on=CM_RX)
case("srtp-unprotect_into-length-str", lambda rx: rx.unprotect_into(bytearray(_sent[3]), "9"), TypeError, on=CM_RX)
case("srtp-unprotect_batch-not-iterable", lambda rx: rx.unprotect_batch(None), TypeError, on=CM_RX)
case("srtp-unprotect_batch-str-item", lambda rx: rx.unprotect_batch([_sent[3], "x"]), TypeError, on=CM_RX)
case("srtp-protect_batch-not-iterable", lambda rx: rx.protect_batch(7), TypeError, on=CM_RX)
case("srtp-protect-str", lambda rx: rx.protect("packet"), TypeError, on=CM_RX)
case("srtp-protect_into-readonly", lambda rx: rx.protect_into(rtp(9), 52), TypeError, on=CM_RX)
case("srtp-protect_into-length-beyond", lambda rx: rx.protect_into(bytearray(20), 40), ValueError, on=CM_RX)
case("srtp-protect_into-length-negative", lambda rx: rx.protect_into(bytearray(20), -1), ValueError, on=CM_RX)
case("srtp-protect_rtcp-str", lambda rx: rx.protect_rtcp("packet"), TypeError, on=CM_RX)
try:
    import numpy as np
except ImportError:                                    # optional; the batch_into cases drop out
    np = None
if np is not None:
    _ro_rows = np.zeros((2, 100), np.uint8)
    _ro_rows.flags.writeable = False
    for name, rows, lengths, e in (
            ("rows-1d", lambda: np.zeros(100, np.uint8), lambda: np.zeros(1, np.int32), TypeError),
            ("rows-readonly", lambda: _ro_rows, lambda: np.zeros(2, np.int32), TypeError),
            ("rows-bytes", lambda: bytes(200), lambda: np.zeros(2, np.int32), TypeError),
            ("rows-uint16", lambda: np.zeros((2, 100), np.uint16), lambda: np.zeros(2, np.int32), TypeError),
            ("rows-fortran-order", lambda: np.zeros((100, 2), np.uint8).T, lambda: np.zeros(2, np.int32), TypeError),
            ("lengths-count", lambda: np.zeros((2, 100), np.uint8), lambda: np.zeros(3, np.int32), ValueError),
            ("lengths-float", lambda: np.zeros((2, 100), np.uint8), lambda: np.zeros(2, np.float64), TypeError),
            ("lengths-2d", lambda: np.zeros((2, 100), np.uint8), lambda: np.zeros((2, 1), np.int32), TypeError),
            ("lengths-readonly", lambda: np.zeros((2, 100), np.uint8), lambda: bytes(8), TypeError)):
        case(f"srtp-unprotect_batch_into-{name}", lambda rx, r=rows, ln=lengths: rx.unprotect_batch_into(r(), ln()), e,
             on=CM_RX)
        case(f"srtp-protect_batch_into-{name}", lambda rx, r=rows, ln=lengths: rx.protect_batch_into(r(), ln()), e,
             on=CM_RX)
    case("srtp-protect_batch_into-length-beyond-row", lambda rx: rx.protect_batch_into(
        np.zeros((2, 100), np.uint8), np.array([200, 5], np.int32)), ValueError, on=CM_RX, match="row width")


def _fresh_tx():
    return srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key)


for name, (pkt, e) in rtp_shapes(rtp(7)).items():
    if e is PacketError and name != "header-only":
        case(f"srtp-protect-{name}", lambda p=pkt: _fresh_tx().protect(p), PacketError)
        case(f"srtp-protect_into-{name}", lambda p=pkt: _fresh_tx().protect_into(bytearray(p) + bytearray(16), len(p)),
             PacketError)
_padded = bytearray(rtp(7, first=0xA0))
_padded[-1] = 0
case("srtp-protect-padding-count-zero", lambda p=bytes(_padded): _fresh_tx().protect(p), PacketError)
_padded[-1] = 200
case("srtp-protect-padding-beyond-payload", lambda p=bytes(_padded): _fresh_tx().protect(p), PacketError)
for name, pkt in (("empty", b""), ("7-bytes", rtcp(1)[:7]), ("version-0", bytes([0x00]) + rtcp(1)[1:]),
                  ("version-1", bytes([0x40]) + rtcp(1)[1:]), ("version-3", bytes([0xC0]) + rtcp(1)[1:])):
    case(f"srtcp-protect-{name}", lambda p=pkt: _fresh_tx().protect_rtcp(p), PacketError)
case("srtp-protect_into-no-room", lambda: _fresh_tx().protect_into(bytearray(rtp(9)), 52), ValueError)
case("srtp-protect_batch-bad-item", lambda: _fresh_tx().protect_batch([rtp(1), b"x"]), PacketError)
case("srtp-protect-repeated-seq", lambda: (lambda tx: (tx.protect(rtp(1)), tx.protect(rtp(1))))(_fresh_tx()),
     ReplayError)

for name, args, e in (("profile-unknown", (0x99, _srtp_key), ValueError), ("profile-str", ("AES", _srtp_key), TypeError),
                      ("profile-none", (None, _srtp_key), TypeError), ("profile-float", (1.0, _srtp_key), TypeError),
                      ("profile-negative", (-1, _srtp_key), ValueError),
                      ("profile-huge", (1 << 40, _srtp_key), OverflowError),
                      ("key-short", (P.AES_CM_128_HMAC_SHA1_80, bytes(29)), ValueError),
                      ("key-long", (P.AES_CM_128_HMAC_SHA1_80, bytes(31)), ValueError),
                      ("key-gcm-as-cm", (P.AEAD_AES_128_GCM, bytes(30)), ValueError),
                      ("key-256-short", (P.AES_256_CM_HMAC_SHA1_80, bytes(30)), ValueError),
                      ("key-str", (P.AES_CM_128_HMAC_SHA1_80, "k" * 30), TypeError),
                      ("key-none", (P.AES_CM_128_HMAC_SHA1_80, None), TypeError),
                      ("key-strided", (P.AES_CM_128_HMAC_SHA1_80, memoryview(bytes(60))[::2]), TypeError)):
    case(f"srtp-session-{name}", lambda a=args: srtp.Session(*a), e)
case("srtp-session-key-message", lambda: srtp.Session(P.AES_CM_128_HMAC_SHA1_80, bytes(29)), ValueError,
     match="master key 16 + master salt 14")
for name, kw, e in (("window-0", {"replay_window": 0}, ValueError), ("window-huge", {"replay_window": 1 << 20}, ValueError),
                    ("window-63", {"replay_window": 63}, ValueError),
                    ("window-str", {"replay_window": "64"}, TypeError),
                    ("kdr-3", {"kdr": 3}, ValueError), ("kdr-negative", {"kdr": -2}, ValueError),
                    ("kdr-2^25", {"kdr": 1 << 25}, ValueError), ("kdr-float", {"kdr": 2.0}, TypeError),
                    ("kdr-bool", {"kdr": True}, TypeError),
                    ("mki-too-long", {"mki": bytes(17)}, ValueError), ("mki-int", {"mki": 5}, TypeError),
                    ("mki-str", {"mki": "ab"}, TypeError),
                    ("ssrc-negative", {"ssrc": -1}, ValueError), ("ssrc-too-big", {"ssrc": 1 << 32}, ValueError),
                    ("ssrc-float", {"ssrc": 1.5}, TypeError), ("ssrc-str", {"ssrc": "1"}, TypeError),
                    ("ssrc-bool", {"ssrc": True}, TypeError), ("unknown-kwarg", {"colour": 1}, TypeError)):
    case(f"srtp-session-{name}", lambda kw=kw: srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key, **kw), e)
_pinned = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key, ssrc=SSRC)
case("srtp-protect-other-ssrc-pinned", lambda: _pinned.protect(rtp(1, ssrc=5)), SRTPError, match="no stream")
case("srtp-key-length-bad-profile", lambda: srtp.key_length(0x77), ValueError)
case("srtp-key-length-str", lambda: srtp.key_length("AES"), TypeError)
case("srtp-key-length-none", lambda: srtp.key_length(None), TypeError)
for name, km, prof, e in (("short", bytes(59), P.AES_CM_128_HMAC_SHA1_80, ValueError),
                          ("long", bytes(61), P.AES_CM_128_HMAC_SHA1_80, ValueError),
                          ("gcm-length", bytes(60), P.AEAD_AES_128_GCM, ValueError),
                          ("bad-profile", bytes(60), 0x99, ValueError),
                          ("str", "x" * 60, P.AES_CM_128_HMAC_SHA1_80, TypeError)):
    case(f"srtp-keys-from-dtls-{name}", lambda km=km, pr=prof: srtp.keys_from_dtls(km, pr, True), e)
_b64 = base64.b64encode(bytes(30)).decode()
for name, line in (("empty", ""), ("no-crypto", "a=rtpmap:0 PCMU/8000"), ("no-key", "a=crypto:1 AES_CM_128_HMAC_SHA1_80"),
                   ("bad-tag", f"a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:{_b64}"),
                   ("negative-tag", f"a=crypto:-1 AES_CM_128_HMAC_SHA1_80 inline:{_b64}"),
                   ("long-tag", f"a=crypto:1234567890 AES_CM_128_HMAC_SHA1_80 inline:{_b64}"),
                   ("unknown-suite", f"a=crypto:1 F8_128_HMAC_SHA1_80 inline:{_b64}"),
                   ("lowercase-suite", f"a=crypto:1 aes_cm_128_hmac_sha1_80 inline:{_b64}"),
                   ("not-inline", f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 uri:{_b64}"),
                   ("bad-base64", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:@@@@"),
                   ("base64-cut", f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{_b64[:-2]}"),
                   ("short-key", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + base64.b64encode(bytes(29)).decode()),
                   ("key-for-other-suite", f"a=crypto:1 AEAD_AES_128_GCM inline:{_b64}"),
                   ("bad-lifetime", f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{_b64}|2^x"),
                   ("lifetime-2^65", f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{_b64}|2^65"),
                   ("bad-mki", f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{_b64}|1:0"),
                   ("mki-length-129", f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{_b64}|2^20|1:129"),
                   ("mki-too-big", f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{_b64}|256:1"),
                   ("three-fields", f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{_b64}|2^20|1:4|9"),
                   ("bad-kdr", f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{_b64} KDR=99")):
    case(f"sdes-{name}", lambda line=line: srtp.parse_sdes(line), ValueError)
case("sdes-bad-base64-message", lambda: srtp.parse_sdes("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:@@@@"), ValueError,
     match="bad key parameters")
case("sdes-bytes", lambda: srtp.parse_sdes(b"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"), TypeError)
case("sdes-none", lambda: srtp.parse_sdes(None), TypeError)
case("sdes-to-attribute-short-key", lambda: srtp.SdesCrypto(1, P.AES_CM_128_HMAC_SHA1_80, b"x").to_attribute(), ValueError)


# ---- SRTP header privacy, keys, limits, streams ---------------------------------------------

def ext_rtp(seq, block, csrcs=b"", ssrc=SSRC, payload=b"\x22" * 20):
    """An RTP packet with an extension block (profile, length, data) after csrcs."""
    return struct.pack("!BBHII", 0x90 | (len(csrcs) // 4), 0, seq, 160 * seq, ssrc) + csrcs + block + payload


_ONE = b"\xbe\xde\x00\x02" + b"\x11\xaa\xbb" + b"\x20\xcc" + b"\x00\x00\x00"      # ids 1 (2 bytes), 2 (1 byte)
_TWO = b"\x10\x00\x00\x02" + b"\x01\x02\xaa\xbb" + b"\xc8\x01\xcc" + b"\x00"       # ids 1, 200
_BAD_BLOCKS = {
    "element-past-block": b"\xbe\xde\x00\x01" + b"\x1f\xaa\xbb\xcc",          # id 1 says 16 bytes, 3 left
    "one-byte-id-15": b"\xbe\xde\x00\x01" + b"\xf0\xaa\x00\x00",
    "one-byte-padding-with-length": b"\xbe\xde\x00\x01" + b"\x03\xaa\xbb\xcc",  # id 0, L = 3
    "two-byte-element-past-block": b"\x10\x00\x00\x01" + b"\x01\x09\xaa\xbb",
    "two-byte-cut-element-header": b"\x10\x00\x00\x01" + b"\x01\x00\x00\x07",    # id 7, no length byte
    "not-rfc8285": b"\x12\x34\x00\x01" + b"\x11\xaa\x00\x00",
}


def ext_receiver(profile, **kw):
    """A receiver encrypting ids 1 and 200 (and cryptex with cryptex=True) that accepted the first
    three of five packets with one- and two-byte blocks, CSRCs, and an SRTCP packet."""
    key = bytes(range(srtp.key_length(profile)))
    tx = srtp.Session(profile, key, encrypted_header_ids=[1, 200], **kw)
    plain = [ext_rtp(s, _ONE if s % 2 else _TWO, csrcs=b"\x00\x00\x00\x07" * (s % 3)) for s in range(1, 6)]
    sent = [tx.protect(p) for p in plain]
    ctl = [tx.protect_rtcp(rtcp(n)) for n in range(2)]

    def make():
        rx = srtp.Session(profile, key, encrypted_header_ids=[1, 200], **kw)
        for p in sent[:3]:
            rx.unprotect(p)
        rx.unprotect_rtcp(ctl[0])
        return rx

    def follow_up(rx):
        with pytest.raises(ReplayError):
            rx.unprotect(sent[2])
        for p, q in zip(sent[3:], plain[3:]):
            assert rx.unprotect(p) == q
        assert rx.unprotect_rtcp(ctl[1]) == rtcp(1)
        assert rx.stats[SSRC]["authenticated"] == 5
    return Stateful(make, _stats_without_failures, follow_up), sent, key


HX_RX, _hsent, _hkey = ext_receiver(P.AES_CM_128_HMAC_SHA1_80)
HXG_RX, _hgsent, _ = ext_receiver(P.AEAD_AES_128_GCM)
CX_RX, _csent, _ckey = ext_receiver(P.AEAD_SM4_GCM, cryptex=True)
for name, block in _BAD_BLOCKS.items():
    msg = {"not-rfc8285": "neither the one-byte", "one-byte-id-15": "reserved id 15",
           "two-byte-cut-element-header": "cut after its id byte",
           "one-byte-padding-with-length": "id 0 and a non-zero length"}.get(name, "runs past the end")
    wire = ext_rtp(4, block) + bytes(10)                       # a tag's room: refused before it is read
    case(f"srtp-hdrext-unprotect-{name}", lambda rx, p=wire: rx.unprotect(p), PacketError, match=msg, on=HX_RX)
    case(f"srtp-hdrext-gcm-unprotect-{name}", lambda rx, p=ext_rtp(4, block) + bytes(16): rx.unprotect(p),
         PacketError, match=msg, on=HXG_RX)
    case(f"srtp-hdrext-unprotect_into-{name}", lambda rx, p=wire: rx.unprotect_into(bytearray(p), len(p)),
         PacketError, match=msg, on=HX_RX)
    case(f"srtp-hdrext-unprotect_batch-{name}", lambda rx, p=wire: _first_error(rx.unprotect_batch([p])),
         PacketError, match=msg, on=HX_RX)
    case(f"srtp-hdrext-protect-{name}", lambda p=ext_rtp(4, block): srtp.Session(
        P.AES_CM_128_HMAC_SHA1_80, _srtp_key, encrypted_header_ids=[1]).protect(p), PacketError, match=msg)
    case(f"srtp-hdrext-protect_batch-{name}", lambda p=ext_rtp(4, block): srtp.Session(
        P.AEAD_AES_128_GCM, bytes(28), encrypted_header_ids=[1]).protect_batch([p]), PacketError, match=msg)
case("srtp-hdrext-tag-flipped", lambda rx: rx.unprotect(flip(_hsent[3], len(_hsent[3]) - 1)), AuthenticationError,
     on=HX_RX)
case("srtp-hdrext-encrypted-element-flipped", lambda rx: rx.unprotect(flip(_hsent[3], 22)), AuthenticationError,
     on=HX_RX)
case("srtp-hdrext-gcm-encrypted-element-flipped", lambda rx: rx.unprotect(flip(_hgsent[3], 22)),
     AuthenticationError, on=HXG_RX)
case("srtp-hdrext-replayed", lambda rx: rx.unprotect(_hsent[1]), ReplayError, on=HX_RX)

# cryptex
_cx_marked = ext_rtp(4, b"\xc0\xde\x00\x00")                 # marker, no CSRC, no extension data
case("srtp-cryptex-marker-without-extensions", lambda rx: rx.unprotect(_cx_marked + bytes(16)), PacketError,
     match="without CSRCs or header extension data", on=CX_RX)
case("srtp-cryptex-marker-two-byte-without-extensions",
     lambda rx: rx.unprotect(ext_rtp(4, b"\xc2\xde\x00\x00") + bytes(16)), PacketError, on=CX_RX)
case("srtp-cryptex-packet-on-plain-session", lambda rx: rx.unprotect(_csent[3]), PacketError,
     match="without cryptex=True", on=GCM_RX)
case("srtp-cryptex-payload-flipped", lambda rx: rx.unprotect(flip(_csent[3], len(_csent[3]) - 20)),
     AuthenticationError, on=CX_RX)
case("srtp-cryptex-csrc-flipped", lambda rx: rx.unprotect(flip(_csent[4], 13)), AuthenticationError, on=CX_RX)
case("srtp-cryptex-marker-flipped", lambda rx: rx.unprotect(_csent[3][:12] + b"\xbe\xde" + _csent[3][14:]),
     AuthenticationError, on=CX_RX)
for name, pkt in (("marked-plain-session", ext_rtp(4, b"\xc0\xde\x00\x01\x10\x01\x00\x00")),
                  ("marked-two-byte", ext_rtp(4, b"\xc2\xde\x00\x01\x01\x01\x01\x00"))):
    case(f"srtp-cryptex-protect-{name}", lambda p=pkt: _fresh_tx().protect(p), PacketError,
         match="already carries a cryptex marker")
case("srtp-cryptex-protect-app-bits", lambda: srtp.Session(P.AEAD_AES_128_GCM, bytes(28), cryptex=True).protect(
    ext_rtp(4, b"\x10\x03\x00\x01\x01\x01\x01\x00")), PacketError, match="app bits")
case("srtp-cryptex-protect-not-rfc8285", lambda: srtp.Session(P.AEAD_AES_128_GCM, bytes(28), cryptex=True).protect(
    ext_rtp(4, b"\x12\x34\x00\x01\x01\x01\x01\x00")), PacketError, match="neither the one-byte")
case("srtp-cryptex-protect_into-no-room-for-empty-block", lambda: srtp.Session(
    P.AEAD_AES_128_GCM, bytes(28), cryptex=True).protect_into(
        bytearray(struct.pack("!BBHII", 0x81, 0, 1, 0, 5) + b"\x00" * 4 + b"p" * 10 + bytes(16)), 26), ValueError,
    match="too small")

# several master keys, limits
_mk_key = bytes(range(30))
_mk_tx = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _mk_key, mki=b"\x00\x01")
_mk_sent = [_mk_tx.protect(rtp(s)) for s in range(1, 6)]


def _mk_make():
    rx = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _mk_key, mki=b"\x00\x01")
    rx.add_master_key(bytes(range(40, 70)), b"\x00\x02")
    for p in _mk_sent[:3]:
        rx.unprotect(p)
    return rx


def _mk_follow_up(rx):
    with pytest.raises(ReplayError):
        rx.unprotect(_mk_sent[2])
    for p, s in zip(_mk_sent[3:], (4, 5)):
        assert rx.unprotect(p) == rtp(s)
    assert [k["mki"] for k in rx.master_keys()] == [b"\x00\x01", b"\x00\x02"]


MK_RX = Stateful(_mk_make, lambda rx: (_stats_without_failures(rx), rx.master_keys()), _mk_follow_up)
_unknown_mki = _mk_sent[3][:-12] + b"\x00\x09" + _mk_sent[3][-10:]
case("srtp-mki-unknown", lambda rx: rx.unprotect(_unknown_mki), AuthenticationError, match="MKI", on=MK_RX)
case("srtp-mki-unknown-batch", lambda rx: _first_error(rx.unprotect_batch([_unknown_mki])), AuthenticationError,
     match="MKI", on=MK_RX)
case("srtp-mki-of-the-other-key", lambda rx: rx.unprotect(_mk_sent[3][:-12] + b"\x00\x02" + _mk_sent[3][-10:]),
     AuthenticationError, on=MK_RX)
for name, call, e, m in (
        ("add-wrong-length", lambda rx: rx.add_master_key(bytes(30), b"\x03"), ValueError, "2 bytes"),
        ("add-duplicate", lambda rx: rx.add_master_key(bytes(30), b"\x00\x02"), ValueError, "already"),
        ("add-short-key", lambda rx: rx.add_master_key(bytes(29), b"\x00\x03"), ValueError, "30 bytes"),
        ("add-lifetime-0", lambda rx: rx.add_master_key(bytes(30), b"\x00\x03", lifetime=0), ValueError, "lifetime"),
        ("add-mki-str", lambda rx: rx.add_master_key(bytes(30), "ab"), TypeError, None),
        ("use-unknown", lambda rx: rx.use_master_key(b"\x00\x09"), ValueError, "no master key"),
        ("remove-unknown", lambda rx: rx.remove_master_key(b"\x00\x09"), ValueError, "no master key"),
        ("remove-mki-none", lambda rx: rx.remove_master_key(None), TypeError, None)):
    case(f"srtp-master-key-{name}", call, e, match=m, on=MK_RX)
case("srtp-master-key-without-mki", lambda: _fresh_tx().add_master_key(bytes(30), b"\x01"), ValueError,
     match="without an MKI")
case("srtp-master-key-remove-last", lambda: srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key, mki=b"\x01")
     .remove_master_key(b"\x01"), ValueError, match="only master key")


def _spent_make():
    tx = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key, lifetime=3)
    for s in (1, 2, 3):
        tx.protect(rtp(s))
    return tx


def _spent_follow_up(tx):
    with pytest.raises(KeyLimitError):
        tx.protect(rtp(5))
    assert tx.stats[SSRC]["protected"] == 3


SPENT_TX = Stateful(_spent_make, lambda tx: (tx.stats, tx.master_keys()), _spent_follow_up)
case("srtp-key-limit-protect", lambda tx: tx.protect(rtp(4)), KeyLimitError, match="new master key", on=SPENT_TX)
case("srtp-key-limit-protect_rtcp", lambda tx: tx.protect_rtcp(rtcp(1)), KeyLimitError, on=SPENT_TX)
case("srtp-key-limit-protect_batch", lambda tx: tx.protect_batch([rtp(4)]), KeyLimitError, on=SPENT_TX)

# session arguments, SDES, streams
for name, kw, e in (("lifetime-0", {"lifetime": 0}, ValueError), ("lifetime-negative", {"lifetime": -1}, ValueError),
                    ("lifetime-float", {"lifetime": 2.0}, TypeError), ("lifetime-str", {"lifetime": "2^20"}, TypeError),
                    ("header-id-0", {"encrypted_header_ids": [0]}, ValueError),
                    ("header-id-256", {"encrypted_header_ids": [256]}, ValueError),
                    ("header-ids-str", {"encrypted_header_ids": "1,2"}, TypeError),
                    ("header-ids-int", {"encrypted_header_ids": 3}, TypeError),
                    ("header-id-float", {"encrypted_header_ids": [1.0]}, TypeError),
                    ("max-streams-0", {"max_streams": 0}, ValueError),
                    ("max-streams-huge", {"max_streams": 1 << 50}, OverflowError),
                    ("max-streams-float", {"max_streams": 10.0}, TypeError),
                    ("on-event-not-callable", {"on_event": 5}, TypeError)):
    case(f"srtp-session-{name}", lambda kw=kw: srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key, **kw), e)
case("srtp-session-lifetime-0-message", lambda: srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key, lifetime=0),
     ValueError, match="lifetime must be at least 1")
_sdes_line = f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{base64.b64encode(_srtp_key).decode()}"
for name, call, e in (("lifetime-0", lambda: srtp.Session.from_sdes(_sdes_line + "|0"), ValueError),
                      ("kdr-given", lambda: srtp.Session.from_sdes(_sdes_line, kdr=4), TypeError),
                      ("mki-given", lambda: srtp.Session.from_sdes(_sdes_line, mki=b"\x01"), TypeError),
                      ("unencrypted-srtp", lambda: srtp.Session.from_sdes(_sdes_line + " UNENCRYPTED_SRTP"), ValueError),
                      ("wsh-too-small", lambda: srtp.Session.from_sdes(_sdes_line + " WSH=8"), ValueError),
                      ("bytes", lambda: srtp.Session.from_sdes(_sdes_line.encode()), TypeError),
                      ("lifetime-0-object", lambda: srtp.Session.from_sdes(
                          srtp.SdesCrypto(1, P.AES_CM_128_HMAC_SHA1_80, _srtp_key, lifetime=0)), ValueError)):
    case(f"srtp-from-sdes-{name}", call, e)
case("sdes-lifetime-0", lambda: srtp.parse_sdes(_sdes_line + "|0"), ValueError, match="lifetime of 0")
case("srtp-remove-stream-unknown", lambda rx: rx.remove_stream(0x0BADBEEF), ValueError, match="no stream", on=CM_RX)
case("srtp-remove-stream-str", lambda rx: rx.remove_stream("1"), TypeError, on=CM_RX)
case("srtp-on-event-not-callable", lambda rx: setattr(rx, "on_event", "print"), TypeError, on=CM_RX)


def _capped_make():
    rx = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key, max_streams=1)
    rx.unprotect(_capped_pkts[0])
    return rx


def _capped_follow_up(rx):
    assert rx.unprotect(_capped_pkts[1]) == rtp(2)
    assert rx.streams() == [SSRC]


_capped_tx = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key)
_capped_pkts = [_capped_tx.protect(rtp(1)), _capped_tx.protect(rtp(2)), _capped_tx.protect(rtp(1, ssrc=77))]
CAPPED_RX = Stateful(_capped_make, lambda rx: (_stats_without_failures(rx), rx.streams()), _capped_follow_up)
case("srtp-stream-limit", lambda rx: rx.unprotect(_capped_pkts[2]), SRTPError, match="max_streams=1", on=CAPPED_RX)


# ---- jitter buffer ---------------------------------------------------------------------------

def _jb_make():
    jb = jitter.JitterBuffer()
    for s in range(5):
        jb.put(b"p%d" % s, 100 + s, 160 * s, 20.0 * s)
    return jb


def _jb_snapshot(jb):
    st = jb.stats
    return {k: st[k] for k in ("received", "played", "lost", "late", "duplicates", "reordered", "resets",
                               "buffered", "jitter_ms", "target_delay_ms")}, jb.next_due_ms


def _jb_follow_up(jb):
    assert jb.put(b"p5", 105, 800, 100.0) == jitter.PutResult.INSERTED
    frames = jb.get_until(1000.0)
    assert [(f.seq, f.payload) for f in frames[:6]] == [(100 + s, b"p%d" % s) for s in range(6)]
    assert jb.stats["received"] == 6


JB = Stateful(_jb_make, _jb_snapshot, _jb_follow_up)

for name, kw, e in (("clock-rate-zero", {"clock_rate": 0}, ValueError), ("clock-rate-negative", {"clock_rate": -8000}, ValueError),
                    ("clock-rate-huge", {"clock_rate": 1 << 40}, OverflowError),
                    ("frame-ms-zero", {"frame_ms": 0}, ValueError), ("frame-ms-negative", {"frame_ms": -20}, ValueError),
                    ("frame-ms-nan", {"frame_ms": float("nan")}, ValueError), ("frame-ms-huge", {"frame_ms": 1e9}, ValueError),
                    ("mode-unknown", {"mode": "magic"}, ValueError), ("mode-none", {"mode": None}, ValueError),
                    ("fixed-without-delay", {"mode": "fixed"}, ValueError),
                    ("delay-negative", {"mode": "fixed", "delay_ms": -5}, ValueError),
                    ("delay-nan", {"mode": "fixed", "delay_ms": float("nan")}, ValueError),
                    ("delay-above-max", {"mode": "fixed", "delay_ms": 1e12}, ValueError),
                    ("min-above-max", {"min_delay_ms": 300, "max_delay_ms": 100}, ValueError),
                    ("min-negative", {"min_delay_ms": -1}, ValueError), ("max-inf", {"max_delay_ms": float("inf")}, ValueError),
                    ("capacity-zero", {"capacity": 0}, ValueError), ("capacity-negative", {"capacity": -1}, ValueError),
                    ("capacity-huge", {"capacity": 1 << 40}, OverflowError),
                    ("quantile-zero", {"quantile": 0.0}, ValueError), ("quantile-one", {"quantile": 1.0}, ValueError),
                    ("quantile-nan", {"quantile": float("nan")}, ValueError), ("quantile-str", {"quantile": "x"}, TypeError),
                    ("cn-payload-type-range", {"cn_payload_types": [200]}, ValueError),
                    ("cn-payload-types-int", {"cn_payload_types": 5}, TypeError),
                    ("clock-rate-str", {"clock_rate": "8000"}, TypeError)):
    case(f"jitter-config-{name}", lambda kw=kw: jitter.JitterBuffer(**kw), e)
case("jitter-config-capacity-message", lambda: jitter.JitterBuffer(capacity=0), ValueError, match="capacity")
for name, args, e in (("seq-negative", (b"p", -1, 0, 200.0), OverflowError),
                      ("seq-17-bit", (b"p", 1 << 16, 0, 200.0), OverflowError),
                      ("ts-negative", (b"p", 1, -1, 200.0), OverflowError), ("ts-33-bit", (b"p", 1, 1 << 32, 200.0), OverflowError),
                      ("seq-str", (b"p", "1", 0, 200.0), TypeError), ("seq-none", (b"p", None, 0, 200.0), TypeError),
                      ("ts-str", (b"p", 1, "0", 200.0), TypeError), ("arrival-str", (b"p", 1, 0, "now"), TypeError),
                      ("arrival-none", (b"p", 1, 0, None), TypeError)):
    case(f"jitter-put-{name}", lambda jb, a=args: jb.put(*a), e, on=JB)
case("jitter-put-seq-message", lambda jb: jb.put(b"p", 1 << 16, 0, 200.0), OverflowError, on=JB, match="sequence number")
_rtp_ok = rtp(7)
for name, pkt, msg in (("empty", b"", "shorter"), ("short", _rtp_ok[:11], "shorter"),
                       ("version-0", bytes([0x00]) + _rtp_ok[1:], "version"),
                       ("version-1", bytes([0x40]) + _rtp_ok[1:], "version"),
                       ("version-3", bytes([0xC0]) + _rtp_ok[1:], "version"),
                       ("cc-beyond-end", bytes([0x8F]) + _rtp_ok[1:20], "CSRC"),
                       ("ext-header-cut", bytes([0x90]) + _rtp_ok[1:14], "extension"),
                       ("ext-beyond", bytes([0x90]) + _rtp_ok[1:12] + b"\x00\x00\xff\xff", "extension"),
                       ("padding-zero", bytes([0xA0]) + _rtp_ok[1:-1] + b"\x00", "padding"),
                       ("padding-beyond", bytes([0xA0]) + _rtp_ok[1:-1] + b"\xff", "padding"),
                       ("padding-header-only", bytes([0xA0]) + _rtp_ok[1:12], "padding")):
    case(f"jitter-put_rtp-{name}", lambda jb, p=pkt: jb.put_rtp(p, 200.0), PacketError, on=JB, match=msg)
case("jitter-put_rtp-str", lambda jb: jb.put_rtp("packet", 200.0), TypeError, on=JB)
case("jitter-put_rtp-none", lambda jb: jb.put_rtp(None, 200.0), TypeError, on=JB)
case("jitter-put_rtp-strided", lambda jb: jb.put_rtp(memoryview(_rtp_ok * 2)[::2], 200.0), TypeError, on=JB)
case("jitter-put_rtp-arrival-str", lambda jb: jb.put_rtp(_rtp_ok, "now"), TypeError, on=JB)
case("jitter-get-str", lambda jb: jb.get("now"), TypeError, on=JB)
case("jitter-get-none", lambda jb: jb.get(None), TypeError, on=JB)
case("jitter-get_until-str", lambda jb: jb.get_until("now"), TypeError, on=JB)
case("jitter-put_batch-length-mismatch", lambda jb: jb.put_batch([b"a", b"b"], [1], [0, 160], [1.0, 2.0]), ValueError,
     on=JB, match="different lengths")
case("jitter-put_batch-markers-mismatch", lambda jb: jb.put_batch([b"a"], [1], [0], [1.0], [True, False]), ValueError,
     on=JB)
case("jitter-put_batch-payloads-none", lambda jb: jb.put_batch(None, [1], [0], [1.0]), TypeError, on=JB)
case("jitter-put_batch-bad-seq", lambda jb: jb.put_batch([b"a"], [1 << 20], [0], [1.0]), OverflowError, on=JB)
case("jitter-put_batch-ts-negative", lambda jb: jb.put_batch([b"a"], [200], [-1], [1.0]), OverflowError, on=JB)
case("jitter-frame-made-directly", lambda: jitter.Frame(), TypeError, match="JitterBuffer.get")
case("jitter-reset-argument", lambda jb: jb.reset(1), TypeError, on=JB)
case("jitter-put-result-unknown", lambda: jitter.PutResult(99), ValueError)
case("jitter-put_batch-arrival-str", lambda jb: jb.put_batch([b"a"], [200], [0], ["now"]), TypeError, on=JB)


def test_sdes_mki_without_lifetime():
    # RFC 4568 9.2: the lifetime is optional before an MKI ("|1:4" is an MKI, not a lifetime)
    c = srtp.parse_sdes(f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{_b64}|1:4")
    assert (c.lifetime, c.mki) == (None, b"\x00\x00\x00\x01")


@pytest.mark.parametrize("fn,exc,match,on", CASES)
def test_bad_input(fn, exc, match, on):
    obj = on.make() if on else None
    before = on.snapshot(obj) if on else None
    with pytest.raises(exc) as info:
        fn(obj) if on else fn()
    assert type(info.value) in exc, f"{type(info.value).__name__} is not exactly one of {exc}"
    if match is not None:
        assert match in str(info.value), str(info.value)
    if on:
        assert on.snapshot(obj) == before, "a failed call changed the object's state"
        on.follow_up(obj)


def test_catalogue_size_and_ids():
    ids = [p.id for p in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(ids) >= 200, len(ids)


def test_session_ssrc_accepts_integer_types():
    # the ssrc check refuses floats and bools, not integer types such as numpy's
    np = require("numpy")
    tx = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key, ssrc=np.uint32(SSRC))
    assert srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key).unprotect(tx.protect(rtp(1))) == rtp(1)
