"""A catalogue of malformed inputs across the public API, each with the exception it must raise.

Every case is one test: it must raise exactly the expected type (never crash, never succeed),
and, for the stateful objects (SRTP sessions, jitter buffers), leave the object as it was: the
state probe of the object is the same before and after.
"""
import array
import os
import struct

import pytest

from ccfast import aead, jitter, sm2, sm3, sm4, srtp
from ccfast.exceptions import (AuthenticationError, DecryptionError, InvalidSignature, InvalidTag,
                               PacketError, ReplayError, SRTPError)

pytestmark = pytest.mark.cpu_independent

K16, K24, K32 = bytes(range(16)), bytes(range(24)), bytes(range(32))
N12 = bytes(12)
CASES = []


def case(id_, fn, exc, *, state=None):
    """fn() must raise exc; state (a callable returning a snapshot) must not change."""
    CASES.append(pytest.param(fn, exc, state, id=id_))


# ---- AEADs: AESGCM, SM4GCM, SM4CCM --------------------------------------------------------

def aead_cases(name, make, key_ok, bad_keys, nonce_ok, bad_nonces):
    ct = make(key_ok).encrypt(nonce_ok, b"hello world", b"aad")
    for k in bad_keys:
        case(f"{name}-key-len-{len(k)}", lambda k=k: make(k), ValueError)
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
             (InvalidTag, ValueError))
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
         lambda: obj.encrypt_into(nonce_ok, b"abc", None, bytearray(4)), ValueError)
    case(f"{name}-decrypt_into-out-too-small",
         lambda: obj.decrypt_into(nonce_ok, ct, b"aad", bytearray(2)), ValueError)
    case(f"{name}-batch-length-mismatch",
         lambda: obj.encrypt_batch([nonce_ok, nonce_ok], [b"a"]), ValueError)
    case(f"{name}-batch-bad-nonce", lambda: obj.encrypt_batch([b""], [b"a"]), ValueError)
    case(f"{name}-batch-not-iterable", lambda: obj.encrypt_batch(5, [b"a"]), TypeError)
    case(f"{name}-batch-aad-mismatch",
         lambda: obj.encrypt_batch([nonce_ok], [b"a"], [b"x", b"y"]), ValueError)


aead_cases("aesgcm", aead.AESGCM, K16, [b"", bytes(8), bytes(15), bytes(17), bytes(31), bytes(33), bytes(64)],
           N12, [b""])
aead_cases("sm4gcm", aead.SM4GCM, K16, [b"", bytes(8), bytes(15), bytes(17), bytes(24), bytes(32)],
           N12, [b""])
aead_cases("sm4ccm", aead.SM4CCM, K16, [b"", bytes(15), bytes(17), bytes(32)],
           N12, [b"", bytes(6), bytes(14), bytes(16)])
for t in (0, 2, 3, 5, 17, 32):
    case(f"sm4ccm-tag-length-{t}", lambda t=t: aead.SM4CCM(K16, tag_length=t), ValueError)
for bits in (0, 64, 100, 512):
    case(f"aesgcm-generate-key-{bits}", lambda b=bits: aead.AESGCM.generate_key(b), ValueError)
case("aesgcm-generate-key-str", lambda: aead.AESGCM.generate_key("128"), TypeError)


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
case("sm4-cbc-decrypt-empty", lambda: _sm4.decrypt_cbc(K16, b""), ValueError)
for pad in (0, 17, 255):
    blk = _sm4.encrypt_cbc(K16, bytes(15) + bytes([pad]), padding=False)
    case(f"sm4-cbc-bad-padding-byte-{pad}", lambda b=blk: _sm4.decrypt_cbc(K16, b), ValueError)
case("sm4-cbc-inconsistent-padding",
     lambda: _sm4.decrypt_cbc(K16, _sm4.encrypt_cbc(K16, bytes(13) + b"\x01\x03\x03", padding=False)), ValueError)
case("sm4-cbc-wrong-iv-padding", lambda: _sm4.decrypt_cbc(bytes(16), _cbc) and
     _sm4.decrypt_cbc(bytes([0] * 15 + [0x55]), _cbc), ValueError)
case("sm4-ecb-str", lambda: _sm4.encrypt_ecb("x" * 16), TypeError)
case("sm4-ctr-data-none", lambda: _sm4.ctr(K16, None), TypeError)
case("sm4-key-str", lambda: sm4.SM4("k" * 16), TypeError)


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
                  ("raw-as-der", _raw_sig)):
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
for name, ct in (("empty", b""), ("short", _ct[:96]), ("c1-off-curve", b"\x04" + b"\x01" * 64 + _ct[65:]),
                 ("c1-bad-prefix", b"\x07" + _ct[1:]), ("c3-flipped", _ct[:70] + bytes([_ct[70] ^ 1]) + _ct[71:]),
                 ("c2-flipped", _ct[:-1] + bytes([_ct[-1] ^ 1])), ("c1-infinity", bytes(65) + _ct[65:])):
    case(f"sm2-decrypt-{name}", lambda c=ct: _key.decrypt(c), (DecryptionError, ValueError))
case("sm2-decrypt-wrong-mode", lambda: _key.decrypt(_ct, mode="C1C2C3"), DecryptionError)
case("sm2-decrypt-bad-mode-name", lambda: _key.decrypt(_ct, mode="C3C2C1"), ValueError)
case("sm2-encrypt-bad-mode-name", lambda: _pub.encrypt(b"x", mode="XYZ"), ValueError)
case("sm2-decrypt-der-garbage", lambda: _key.decrypt(b"\x30\x05\x02\x01\x01\x02\x00", encoding="der"),
     (DecryptionError, ValueError))
for name, blob in (("empty", b""), ("garbage", b"not a key"), ("truncated", _pem[:-40]),
                   ("public-as-private", _pub_pem), ("bad-base64", _pem.replace(b"M", b"*", 3))):
    case(f"sm2-load-pem-private-{name}", lambda b=blob: sm2.load_pem_private_key(b), ValueError)
case("sm2-load-pem-private-password", lambda: sm2.load_pem_private_key(_pem, password=b"pw"), (ValueError, TypeError))
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


# ---- SRTP ----------------------------------------------------------------------------------

P = srtp.Profile
_srtp_key = bytes(range(30))


def rtp(seq, ssrc=0x0A0B0C0D, payload=b"\x11" * 40, first=0x80):
    return struct.pack("!BBHII", first, 0, seq, 160 * seq, ssrc) + payload


def make_rx():
    tx = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key)
    rx = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key)
    sent = [tx.protect(rtp(s)) for s in range(1, 6)]
    for p in sent[:3]:
        rx.unprotect(p)
    return rx, sent


_rx, _sent = make_rx()


def rx_state():
    """Replay window and ROC as observable: which of the sent packets are still accepted."""
    st = {k: v for k, v in _rx.stats[0x0A0B0C0D].items() if k not in ("auth_failures", "replays")}
    probe = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key)      # unchanged reference for the copy
    del probe
    return st


_good = _sent[3]
_bad_packets = {
    "empty": b"",
    "short-header": _good[:11],
    "version-0": bytes([0x00]) + _good[1:],
    "version-1": bytes([0x40]) + _good[1:],
    "version-3": bytes([0xC0]) + _good[1:],
    "cc-beyond-end": bytes([0x8F]) + _good[1:20],
    "ext-header-cut": bytes([0x90]) + _good[1:14],
    "ext-length-beyond": bytes([0x90]) + _good[1:12] + b"\xbe\xde\xff\xff" + _good[16:],
    "tag-truncated": _good[:-1],
    "only-header-and-tag": _good[:12] + _good[-10:-1],
    "tag-flipped": _good[:-1] + bytes([_good[-1] ^ 1]),
    "payload-flipped": _good[:20] + bytes([_good[20] ^ 1]) + _good[21:],
    "header-flipped": _good[:1] + bytes([_good[1] ^ 1]) + _good[2:],
    "replayed": _sent[0],
    "replayed-last": _sent[2],
    "wrong-key": srtp.Session(P.AES_CM_128_HMAC_SHA1_80, bytes(30)).protect(rtp(4)),
}
_expect = {"empty": PacketError, "short-header": PacketError, "version-0": PacketError, "version-1": PacketError,
           "version-3": PacketError, "cc-beyond-end": PacketError, "ext-header-cut": PacketError,
           "ext-length-beyond": PacketError, "tag-truncated": AuthenticationError,
           "only-header-and-tag": (PacketError, AuthenticationError), "tag-flipped": AuthenticationError,
           "payload-flipped": AuthenticationError, "header-flipped": AuthenticationError,
           "replayed": ReplayError, "replayed-last": ReplayError, "wrong-key": AuthenticationError}
for name, pkt in _bad_packets.items():
    case(f"srtp-unprotect-{name}", lambda p=pkt: _rx.unprotect(p), _expect[name], state=rx_state)
    if name not in ("replayed", "replayed-last"):
        case(f"srtp-unprotect_into-{name}", lambda p=pkt: _rx.unprotect_into(bytearray(p), len(p)),
             _expect[name], state=rx_state)
for name in ("empty", "short-header", "version-0", "cc-beyond-end", "ext-length-beyond"):
    case(f"srtp-protect-{name}", lambda p=_bad_packets[name]: srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key).protect(p),
         PacketError)
_padded = bytearray(rtp(7, first=0xA0))
_padded[-1] = 0
case("srtp-protect-padding-count-zero", lambda: srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key).protect(bytes(_padded)),
     PacketError)
_padded[-1] = 200
case("srtp-protect-padding-beyond-payload",
     lambda: srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key).protect(bytes(_padded)), PacketError)
for name, pkt, e in (("empty", b"", PacketError), ("7-bytes", bytes(7), PacketError),
                     ("version-0", bytes(8 + 4 + 10), PacketError),
                     ("tag-flipped", None, AuthenticationError), ("truncated", None, PacketError)):
    if pkt is None:
        good = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key).protect_rtcp(
            struct.pack("!BBHI", 0x80, 200, 6, 0x0A0B0C0D) + bytes(20))
        pkt = good[:-1] + bytes([good[-1] ^ 1]) if name == "tag-flipped" else good[:12]
    case(f"srtcp-unprotect-{name}", lambda p=pkt: _rx.unprotect_rtcp(p), e, state=rx_state)
for name, args, e in (("profile-unknown", (0x99, _srtp_key), ValueError), ("profile-str", ("AES", _srtp_key), TypeError),
                      ("profile-none", (None, _srtp_key), TypeError), ("key-short", (P.AES_CM_128_HMAC_SHA1_80, bytes(29)), ValueError),
                      ("key-long", (P.AES_CM_128_HMAC_SHA1_80, bytes(31)), ValueError),
                      ("key-gcm-as-cm", (P.AEAD_AES_128_GCM, bytes(30)), ValueError),
                      ("key-str", (P.AES_CM_128_HMAC_SHA1_80, "k" * 30), TypeError),
                      ("key-none", (P.AES_CM_128_HMAC_SHA1_80, None), TypeError)):
    case(f"srtp-session-{name}", lambda a=args: srtp.Session(*a), e)
for name, kw, e in (("window-0", {"replay_window": 0}, ValueError), ("window-huge", {"replay_window": 1 << 20}, ValueError),
                    ("kdr-3", {"kdr": 3}, ValueError), ("kdr-negative", {"kdr": -2}, ValueError),
                    ("kdr-2^25", {"kdr": 1 << 25}, ValueError), ("kdr-float", {"kdr": 2.0}, TypeError),
                    ("mki-too-long", {"mki": bytes(17)}, ValueError), ("ssrc-negative", {"ssrc": -1}, ValueError),
                    ("ssrc-too-big", {"ssrc": 1 << 32}, ValueError), ("unknown-kwarg", {"colour": 1}, TypeError)):
    case(f"srtp-session-{name}", lambda kw=kw: srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key, **kw), e)
_pinned = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key, ssrc=0x0A0B0C0D)
case("srtp-protect-other-ssrc-pinned", lambda: _pinned.protect(rtp(1, ssrc=5)), SRTPError)
case("srtp-protect-str", lambda: _rx.protect("packet"), TypeError)
case("srtp-unprotect-none", lambda: _rx.unprotect(None), TypeError, state=rx_state)
case("srtp-unprotect-int", lambda: _rx.unprotect(12), TypeError, state=rx_state)
case("srtp-protect_into-readonly", lambda: _rx.protect_into(rtp(9), 52), TypeError, state=rx_state)
case("srtp-protect_into-no-room", lambda: srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key).protect_into(
    bytearray(rtp(9)), 52), ValueError)
case("srtp-protect_into-length-beyond", lambda: _rx.protect_into(bytearray(20), 40), ValueError, state=rx_state)
case("srtp-protect_into-length-negative", lambda: _rx.protect_into(bytearray(20), -1), ValueError, state=rx_state)
case("srtp-protect_batch-not-iterable", lambda: _rx.protect_batch(7), TypeError, state=rx_state)
case("srtp-protect_batch-bad-item", lambda: srtp.Session(P.AES_CM_128_HMAC_SHA1_80, _srtp_key).protect_batch([rtp(1), b"x"]),
     PacketError)
case("srtp-key-length-bad-profile", lambda: srtp.key_length(0x77), ValueError)
case("srtp-key-length-str", lambda: srtp.key_length("AES"), TypeError)
for name, km, e in (("short", bytes(59), ValueError), ("long", bytes(61), ValueError), ("str", "x" * 60, TypeError)):
    case(f"srtp-keys-from-dtls-{name}", lambda km=km: srtp.keys_from_dtls(km, P.AES_CM_128_HMAC_SHA1_80, True), e)
_b64 = __import__("base64").b64encode(bytes(30)).decode()
for name, line in (("empty", ""), ("no-crypto", "a=rtpmap:0 PCMU/8000"), ("no-key", "a=crypto:1 AES_CM_128_HMAC_SHA1_80"),
                   ("bad-tag", f"a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:{_b64}"),
                   ("long-tag", f"a=crypto:1234567890 AES_CM_128_HMAC_SHA1_80 inline:{_b64}"),
                   ("unknown-suite", f"a=crypto:1 F8_128_HMAC_SHA1_80 inline:{_b64}"),
                   ("not-inline", f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 uri:{_b64}"),
                   ("bad-base64", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:@@@@"),
                   ("short-key", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + __import__("base64").b64encode(bytes(29)).decode()),
                   ("key-for-other-suite", f"a=crypto:1 AEAD_AES_128_GCM inline:{_b64}"),
                   ("bad-lifetime", f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{_b64}|2^x"),
                   ("bad-mki", f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{_b64}|1:0"),
                   ("mki-too-big", f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{_b64}|256:1"),
                   ("bad-kdr", f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{_b64} KDR=99")):
    case(f"sdes-{name}", lambda line=line: srtp.parse_sdes(line), ValueError)
case("sdes-bytes", lambda: srtp.parse_sdes(b"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"), TypeError)
case("sdes-none", lambda: srtp.parse_sdes(None), TypeError)


# ---- jitter buffer ---------------------------------------------------------------------------

_jb = jitter.JitterBuffer()
for s in range(5):
    _jb.put(b"p", 100 + s, 160 * s, 20.0 * s)


def jb_state():
    st = _jb.stats
    return {k: st[k] for k in ("received", "played", "lost", "late", "duplicates", "reordered", "resets")}, _jb.next_due_ms


for name, kw, e in (("clock-rate-zero", {"clock_rate": 0}, ValueError), ("clock-rate-negative", {"clock_rate": -8000}, ValueError),
                    ("frame-ms-zero", {"frame_ms": 0}, ValueError), ("frame-ms-negative", {"frame_ms": -20}, ValueError),
                    ("mode-unknown", {"mode": "magic"}, ValueError), ("fixed-without-delay", {"mode": "fixed"}, ValueError),
                    ("delay-negative", {"mode": "fixed", "delay_ms": -5}, ValueError),
                    ("min-above-max", {"min_delay_ms": 300, "max_delay_ms": 100}, ValueError),
                    ("capacity-zero", {"capacity": 0}, ValueError), ("capacity-huge", {"capacity": 1 << 40}, (ValueError, OverflowError)),
                    ("quantile-zero", {"quantile": 0.0}, ValueError), ("quantile-one", {"quantile": 1.0}, ValueError),
                    ("quantile-nan", {"quantile": float("nan")}, ValueError),
                    ("cn-payload-type-range", {"cn_payload_types": [200]}, ValueError),
                    ("clock-rate-str", {"clock_rate": "8000"}, TypeError)):
    case(f"jitter-config-{name}", lambda kw=kw: jitter.JitterBuffer(**kw), e)
RANGE = (ValueError, OverflowError)            # integers out of range: OverflowError, as int.to_bytes
for name, args, e in (("seq-negative", (b"p", -1, 0, 200.0), RANGE), ("seq-17-bit", (b"p", 1 << 16, 0, 200.0), RANGE),
                      ("ts-negative", (b"p", 1, -1, 200.0), RANGE), ("ts-33-bit", (b"p", 1, 1 << 32, 200.0), RANGE),
                      ("seq-str", (b"p", "1", 0, 200.0), TypeError), ("arrival-str", (b"p", 1, 0, "now"), TypeError)):
    case(f"jitter-put-{name}", lambda a=args: _jb.put(*a), e, state=jb_state)
_rtp_ok = rtp(7)
for name, pkt in (("empty", b""), ("short", _rtp_ok[:11]), ("version-1", bytes([0x40]) + _rtp_ok[1:]),
                  ("cc-beyond-end", bytes([0x8F]) + _rtp_ok[1:20]), ("ext-beyond", bytes([0x90]) + _rtp_ok[1:12] + b"\x00\x00\xff\xff"),
                  ("padding-zero", bytes([0xA0]) + _rtp_ok[1:-1] + b"\x00"),
                  ("padding-beyond", bytes([0xA0]) + _rtp_ok[1:-1] + b"\xff")):
    case(f"jitter-put_rtp-{name}", lambda p=pkt: _jb.put_rtp(p, 200.0), ValueError, state=jb_state)
case("jitter-put_rtp-str", lambda: _jb.put_rtp("packet", 200.0), TypeError, state=jb_state)
case("jitter-get-str", lambda: _jb.get("now"), TypeError, state=jb_state)
case("jitter-put_batch-length-mismatch", lambda: _jb.put_batch([b"a", b"b"], [1], [0, 160], [1.0, 2.0]), ValueError,
     state=jb_state)
case("jitter-put_batch-bad-seq", lambda: _jb.put_batch([b"a"], [1 << 20], [0], [1.0]), RANGE, state=jb_state)
case("jitter-put_batch-arrival-str", lambda: _jb.put_batch([b"a"], [200], [0], ["now"]), (TypeError, ValueError),
     state=jb_state)


@pytest.mark.parametrize("fn,exc,state", CASES)
def test_bad_input(fn, exc, state):
    before = state() if state else None
    with pytest.raises(exc):
        fn()
    if state:
        assert state() == before, "a failed call changed the object's state"


def test_catalogue_size_and_ids():
    ids = [p.id for p in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(ids) >= 200, len(ids)
