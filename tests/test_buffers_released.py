"""Every buffer the API takes is released when the call returns, on success and on failure.

Each argument is passed as a bytearray, a memoryview of one, or a numpy uint8 array; afterwards
resizing the bytearray, or releasing the memoryview, raises BufferError if an export is still
held, and every object's reference count is back to what the test itself holds (a buffer
export keeps a reference to its exporter: that is how an unreleased numpy export shows).
"""
import ctypes
import hmac
import struct
import sys

import pytest

from ccfast import aead, fpe, jitter, mask, sm2, sm3, sm4, srtp

from conftest import require

pytestmark = pytest.mark.cpu_independent

K16 = bytes(range(16))
N12 = bytes(12)
RTP = struct.pack("!BBHII", 0x80, 0, 7, 1120, 0x7777) + bytes(40)
RTCP = struct.pack("!BBHI", 0x80, 200, 6, 0x7777) + bytes(20)
SRTP_KEY = bytes(range(30))
_tx = srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, SRTP_KEY)
SRTP_PKT, SRTCP_PKT = _tx.protect(RTP), _tx.protect_rtcp(RTCP)
_KEY = sm2.SM2PrivateKey.from_bytes(bytes(range(1, 33)))
_PUB = _KEY.public_key()
SIG, CT = _KEY.sign(b"msg"), _PUB.encrypt(b"msg")
PEM, PUB_DER = _KEY.private_bytes(), _PUB.public_bytes("der")
DER, PUB_PEM = _KEY.private_bytes("der"), _PUB.public_bytes("pem")
GCM_CT = aead.AESGCM(K16).encrypt(N12, b"data", b"ad")
SM4GCM_CT = aead.SM4GCM(K16).encrypt(N12, b"data", b"ad")
SM4CCM_CT = aead.SM4CCM(K16).encrypt(N12, b"data", b"ad")

# (name, callable taking a wrapper w(bytes) -> buffer, whether the call is expected to fail)
CALLS = []


def call(name, fn, fails=False):
    CALLS.append((name, fn, fails))


for cls, ct in ((aead.AESGCM, GCM_CT), (aead.SM4GCM, SM4GCM_CT), (aead.SM4CCM, SM4CCM_CT)):
    n = cls.__name__
    call(f"{n}-init", lambda w, cls=cls: cls(w(K16)))
    call(f"{n}-init-bad-key", lambda w, cls=cls: cls(w(bytes(5))), True)
    call(f"{n}-encrypt", lambda w, cls=cls: cls(K16).encrypt(w(N12), w(b"data"), w(b"ad")))
    call(f"{n}-decrypt", lambda w, cls=cls, ct=ct: cls(K16).decrypt(w(N12), w(ct), w(b"ad")))
    call(f"{n}-decrypt-bad-tag", lambda w, cls=cls, ct=ct: cls(K16).decrypt(w(N12), w(ct[:-1] + b"\0"), w(b"ad")), True)
    call(f"{n}-decrypt-bad-nonce", lambda w, cls=cls, ct=ct: cls(K16).decrypt(w(b""), w(ct), w(b"ad")), True)
    call(f"{n}-encrypt_into", lambda w, cls=cls: cls(K16).encrypt_into(w(N12), w(b"data"), w(b"ad"), w(bytes(64))))
    call(f"{n}-encrypt_into-small", lambda w, cls=cls: cls(K16).encrypt_into(w(N12), w(b"data"), w(b"ad"), w(bytes(3))), True)
    call(f"{n}-decrypt_into", lambda w, cls=cls, ct=ct: cls(K16).decrypt_into(w(N12), w(ct), w(b"ad"), w(bytes(64))))
    call(f"{n}-decrypt_into-bad", lambda w, cls=cls, ct=ct: cls(K16).decrypt_into(w(N12), w(ct), w(b"xx"), w(bytes(64))), True)
    call(f"{n}-encrypt_batch", lambda w, cls=cls: cls(K16).encrypt_batch([w(N12), w(N12)], [w(b"a"), w(b"b")], [w(b""), None]))
    call(f"{n}-encrypt_batch-bad", lambda w, cls=cls: cls(K16).encrypt_batch([w(N12), w(b"")], [w(b"a"), w(b"b")]), True)

call("SM4CCM-init-tag8", lambda w: aead.SM4CCM(w(K16), tag_length=8).encrypt(w(N12), w(b"data")))
call("SM4CCM-init-bad-tag", lambda w: aead.SM4CCM(w(K16), tag_length=5), True)

call("SM4-init", lambda w: sm4.SM4(w(K16)))
call("SM4-ecb", lambda w: sm4.SM4(K16).decrypt_ecb(w(sm4.SM4(K16).encrypt_ecb(w(bytes(32))))))
call("SM4-ecb-bad-length", lambda w: sm4.SM4(K16).encrypt_ecb(w(bytes(5))), True)
call("SM4-cbc", lambda w: sm4.SM4(K16).decrypt_cbc(w(K16), w(sm4.SM4(K16).encrypt_cbc(w(K16), w(b"abc")))))
call("SM4-cbc-bad-padding", lambda w: sm4.SM4(K16).decrypt_cbc(w(K16), w(sm4.SM4(K16).encrypt_cbc(
    K16, bytes(16), padding=False))), True)
call("SM4-ctr", lambda w: sm4.SM4(K16).ctr(w(K16), w(b"abc")))
call("SM4-cbc-bad-iv", lambda w: sm4.SM4(K16).encrypt_cbc(w(b"short"), w(b"abc")), True)
call("SM4-cbc-no-padding-bad-length", lambda w: sm4.SM4(K16).encrypt_cbc(w(K16), w(b"abc"), padding=False), True)
call("SM4-ctr-bad-iv", lambda w: sm4.SM4(K16).ctr(w(b"x"), w(b"abc")), True)

call("SM3-new-update", lambda w: sm3.SM3(w(b"a")).update(w(b"bc")))
call("SM3-copy", lambda w: sm3.SM3(w(b"a")).copy().update(w(b"b")))
call("SM3-update-text", lambda w: sm3.SM3(w(b"a")).update("text"), True)
call("SM3-hmac-module", lambda w: hmac.new(b"key", w(b"msg"), digestmod=sm3.SM3).copy().update(w(b"more")))
call("SM3-digest", lambda w: sm3.digest(w(b"abc")))
call("SM3-hmac", lambda w: sm3.hmac(w(b"k"), w(b"m")))
call("SM3-kdf", lambda w: sm3.kdf(w(b"z"), 40))
call("SM3-kdf-bad-length", lambda w: sm3.kdf(w(b"z"), -1), True)
call("SM3-digest_batch", lambda w: sm3.digest_batch([w(b"a"), w(b"bb"), w(bytes(100))]))
call("SM3-digest_batch-bad-item", lambda w: sm3.digest_batch([w(b"a"), "text"]), True)

call("SM2-private-from-bytes", lambda w: sm2.SM2PrivateKey.from_bytes(w(bytes(range(1, 33)))))
call("SM2-private-from-bytes-bad", lambda w: sm2.SM2PrivateKey.from_bytes(w(bytes(32))), True)
call("SM2-public-from-bytes", lambda w: sm2.SM2PublicKey.from_bytes(w(_PUB.public_bytes())))
call("SM2-public-from-bytes-bad", lambda w: sm2.SM2PublicKey.from_bytes(w(b"\x04" + bytes(64))), True)
call("SM2-sign", lambda w: _KEY.sign(w(b"msg"), uid=w(b"alice")))
call("SM2-sign_digest", lambda w: _KEY.sign_digest(w(bytes(32))))
call("SM2-sign-raw", lambda w: _KEY.sign(w(b"msg"), encoding="raw"))
call("SM2-sign_digest-bad-length", lambda w: _KEY.sign_digest(w(bytes(31))), True)
call("SM2-verify_digest", lambda w: _PUB.verify_digest(w(_KEY.sign_digest(w(bytes(32)))), w(bytes(32))))
call("SM2-verify_digest-bad", lambda w: _PUB.verify_digest(w(SIG), w(bytes(32))), True)
call("SM2-z", lambda w: _PUB.z(w(b"bob")))
call("SM2-verify", lambda w: _PUB.verify(w(SIG), w(b"msg")))
call("SM2-verify-bad", lambda w: _PUB.verify(w(SIG), w(b"other")), True)
call("SM2-verify-garbage-sig", lambda w: _PUB.verify(w(b"\x30\x02"), w(b"msg")), True)
call("SM2-encrypt", lambda w: _PUB.encrypt(w(b"msg")))
call("SM2-decrypt", lambda w: _KEY.decrypt(w(CT)))
call("SM2-decrypt-bad", lambda w: _KEY.decrypt(w(CT[:-1] + b"\0")), True)
call("SM2-encrypt-der-c1c2c3", lambda w: _KEY.decrypt(w(_PUB.encrypt(w(b"msg"), mode="C1C2C3", encoding="der")),
                                                      mode="C1C2C3", encoding="der"))
call("SM2-decrypt-short", lambda w: _KEY.decrypt(w(CT[:50])), True)
call("SM2-load-pem", lambda w: sm2.load_pem_private_key(w(PEM)))
call("SM2-load-pem-bad", lambda w: sm2.load_pem_private_key(w(PEM[:-30])), True)
call("SM2-load-der-public", lambda w: sm2.load_der_public_key(w(PUB_DER)))
call("SM2-load-der-public-bad", lambda w: sm2.load_der_public_key(w(PUB_DER[:-2])), True)
call("SM2-load-der-private", lambda w: sm2.load_der_private_key(w(DER)))
call("SM2-load-der-private-bad", lambda w: sm2.load_der_private_key(w(DER[:-3])), True)
call("SM2-load-pem-public", lambda w: sm2.load_pem_public_key(w(PUB_PEM)))
call("SM2-load-pem-public-bad", lambda w: sm2.load_pem_public_key(w(PUB_PEM[:40])), True)
call("FF1-key-tweak", lambda w: fpe.FF1(w(K16)).encrypt("0123456789", w(b"tweak")))
call("FF1-many-tweak", lambda w: fpe.FF1(w(K16)).encrypt_many(["0123456789", "1" * 50], w(b"tweak")))
call("FF1-bad-value", lambda w: fpe.FF1(w(K16)).encrypt("01234x6789", w(b"tweak")), True)
call("FF1-bad-key", lambda w: fpe.FF1(w(bytes(15))), True)
call("FF3-1-tweak", lambda w: fpe.FF3_1(w(K16)).decrypt("0123456789", w(bytes(7))))
call("FF3-1-bad-tweak", lambda w: fpe.FF3_1(w(K16)).encrypt("0123456789", w(bytes(6))), True)
call("FF3-1-many-bad-tweak", lambda w: fpe.FF3_1(w(K16)).encrypt_many(["0123456789"], w(bytes(8))), True)
call("Tokenizer-key", lambda w: mask.Tokenizer(w(K16)).card("6222020012345671"))
call("Tokenizer-bad-key", lambda w: mask.Tokenizer(w(bytes(24))), True)
call("SM2-kx-derive", lambda w: sm2.KeyExchange(_KEY, _PUB, initiator=True, uid=w(b"a"), peer_uid=w(b"b")).derive(
    w(sm2.KeyExchange(_KEY, _PUB, initiator=False).ephemeral)))


def confirm(w, good):
    a = sm2.KeyExchange(_KEY, _PUB, initiator=True)
    b = sm2.KeyExchange(_KEY, _PUB, initiator=False)
    a.derive(w(b.ephemeral))
    b.derive(w(a.ephemeral))
    a.verify_confirmation(w(b.confirmation if good else bytes(32)))


call("SM2-kx-confirmation", lambda w: confirm(w, True))
call("SM2-kx-confirmation-bad", lambda w: confirm(w, False), True)
call("SM2-kx-derive-bad", lambda w: sm2.KeyExchange(_KEY, _PUB, initiator=True).derive(w(bytes(65))), True)

P = srtp.Profile.AES_CM_128_HMAC_SHA1_80
call("SRTP-session", lambda w: srtp.Session(P, w(SRTP_KEY), mki=w(b"\x01")))
call("SRTP-session-bad-key", lambda w: srtp.Session(P, w(bytes(3))), True)
call("SRTP-protect", lambda w: srtp.Session(P, SRTP_KEY).protect(w(RTP)))
call("SRTP-protect-bad", lambda w: srtp.Session(P, SRTP_KEY).protect(w(RTP[:5])), True)
call("SRTP-unprotect", lambda w: srtp.Session(P, SRTP_KEY).unprotect(w(SRTP_PKT)))
call("SRTP-unprotect-bad", lambda w: srtp.Session(P, SRTP_KEY).unprotect(w(SRTP_PKT[:-1] + b"\0")), True)
call("SRTP-rtcp", lambda w: srtp.Session(P, SRTP_KEY).unprotect_rtcp(w(srtp.Session(P, SRTP_KEY).protect_rtcp(w(RTCP)))))
call("SRTP-rtcp-bad", lambda w: srtp.Session(P, SRTP_KEY).unprotect_rtcp(w(SRTCP_PKT[:-1] + b"\0")), True)
call("SRTP-protect_into", lambda w: srtp.Session(P, SRTP_KEY).protect_into(w(RTP + bytes(10)), len(RTP)))
call("SRTP-protect_into-small", lambda w: srtp.Session(P, SRTP_KEY).protect_into(w(RTP), len(RTP)), True)
call("SRTP-unprotect_into", lambda w: srtp.Session(P, SRTP_KEY).unprotect_into(w(SRTP_PKT), len(SRTP_PKT)))
call("SRTP-unprotect_into-bad", lambda w: srtp.Session(P, SRTP_KEY).unprotect_into(w(SRTP_PKT[:-1] + b"\0"),
                                                                                   len(SRTP_PKT)), True)
call("SRTP-protect_batch", lambda w: srtp.Session(P, SRTP_KEY).protect_batch([w(RTP), w(RTP[:3] + b"\x08" + RTP[4:])]))
call("SRTP-protect_batch-bad", lambda w: srtp.Session(P, SRTP_KEY).protect_batch([w(RTP), w(b"xx")]), True)
call("SRTP-unprotect_batch", lambda w: srtp.Session(P, SRTP_KEY).unprotect_batch([w(SRTP_PKT), w(b"bad")]))
call("SRTP-protect_rtcp-bad", lambda w: srtp.Session(P, SRTP_KEY).protect_rtcp(w(RTCP[:4])), True)
call("SRTP-unprotect_batch-all-bad", lambda w: srtp.Session(P, SRTP_KEY).unprotect_batch([w(SRTP_PKT[:-1] + b"\0")]))
call("SRTP-keys_from_dtls-bad", lambda w: srtp.keys_from_dtls(w(bytes(5)), P, True), True)
call("SRTP-keys_from_dtls", lambda w: srtp.keys_from_dtls(w(bytes(60)), P, True))

call("jitter-put", lambda w: jitter.JitterBuffer().put(w(b"payload"), 1, 160, 0.0))
call("jitter-put_rtp", lambda w: jitter.JitterBuffer().put_rtp(w(RTP), 0.0))
call("jitter-put_batch", lambda w: jitter.JitterBuffer().put_batch([w(b"a"), w(b"b")], [1, 2], [160, 320], [0.0, 20.0]))
call("jitter-put_batch-bad", lambda w: jitter.JitterBuffer().put_batch([w(b"a"), w(b"b")], [1, 2], [160, 320], [0.0]),
     True)
call("jitter-put_rtp-bad", lambda w: jitter.JitterBuffer().put_rtp(w(RTP[:7]), 0.0), True)


def bytearray_wrapper(made):
    def w(b):
        ba = bytearray(b)
        made.append(ba)
        return ba
    return w


def memoryview_wrapper(made):
    def w(b):
        mv = memoryview(bytearray(b))
        made.append(mv)
        return mv
    return w


def numpy_wrapper(made):
    np = require("numpy")

    def w(b):
        arr = np.frombuffer(bytes(b), dtype=np.uint8).copy()
        made.append(arr)
        return arr
    return w


def run(fn, w):
    """Call fn(w); return whether it raised (the exception and its traceback are dropped here,
    so frames in the traceback hold no argument afterwards)."""
    try:
        fn(w)
    except Exception:
        return True
    return False


def assert_released(made):
    # one reference from `made`, one from getrefcount's argument: more means an export is held
    counts = [sys.getrefcount(made[i]) for i in range(len(made))]
    assert counts == [2] * len(made), f"references still held: {counts}"
    for b in made:
        if isinstance(b, bytearray):
            b.append(0)                      # BufferError if still exported
        elif isinstance(b, memoryview):
            b.release()                      # BufferError if still exported


@pytest.mark.parametrize("wrap", [bytearray_wrapper, memoryview_wrapper, numpy_wrapper],
                         ids=["bytearray", "memoryview", "numpy"])
@pytest.mark.parametrize("name,fn,fails", CALLS, ids=[c[0] for c in CALLS])
def test_buffers_released(name, fn, fails, wrap):
    made = []
    w = wrap(made)
    assert run(fn, w) == fails, "expected the call to fail" if fails else "the call failed"
    assert made, "the call took no buffer"
    assert_released(made)


def packet_rows(np):
    rows = np.zeros((2, 128), dtype=np.uint8)
    rows[0, :len(RTP)] = np.frombuffer(RTP, dtype=np.uint8)
    rows[1, :len(RTP)] = np.frombuffer(RTP[:3] + b"\x08" + RTP[4:], dtype=np.uint8)
    return rows, np.array([len(RTP), len(RTP)], dtype=np.int64)


# (name, call on (numpy, session, rows, lengths), fails)
ROW_CALLS = [
    ("protect_batch_into", lambda np, s, rows, lengths: s.protect_batch_into(rows, lengths), False),
    ("unprotect_batch_into-forged", lambda np, s, rows, lengths: s.unprotect_batch_into(rows, lengths), False),
    ("protect_batch_into-lengths-mismatch", lambda np, s, rows, lengths: s.protect_batch_into(rows, lengths[:1]), True),
    ("protect_batch_into-no-room", lambda np, s, rows, lengths: s.protect_batch_into(
        rows, np.array([128, 128], dtype=np.int64)), True),
]


@pytest.mark.parametrize("name,fn,fails", ROW_CALLS, ids=[c[0] for c in ROW_CALLS])
def test_row_batches_released(name, fn, fails):
    np = require("numpy")
    made = list(packet_rows(np))
    assert run(lambda _: fn(np, srtp.Session(P, SRTP_KEY), made[0], made[1]), None) == fails
    assert_released(made)


def test_jitter_put_batch_arrays_released():
    np = require("numpy")
    made = [np.array([1, 2], dtype=np.uint16), np.array([160, 320], dtype=np.uint32),
            np.array([0.0, 20.0], dtype=np.float64)]
    jitter.JitterBuffer().put_batch([b"a", b"b"], made[0], made[1], made[2])
    assert_released(made)
    # arrivals that cannot be converted: fails after the first two arrays were taken
    assert run(lambda _: jitter.JitterBuffer().put_batch([b"a", b"b"], made[0], made[1], ["x", "y"]), None)
    assert_released(made)


@pytest.mark.parametrize("wrap", [bytearray_wrapper, memoryview_wrapper, numpy_wrapper],
                         ids=["bytearray", "memoryview", "numpy"])
def test_check_sees_a_held_export(wrap):
    made = []
    if wrap is memoryview_wrapper:
        held = jitter.JitterBuffer()                # keeps a reference to the payload it is given
        held.put(wrap(made)(b"data"), 1, 160, 0.0)
    else:
        held = (ctypes.c_char * 4).from_buffer(wrap(made)(b"data"))    # an export that outlives its call
    with pytest.raises((AssertionError, BufferError)):
        assert_released(made)
    del held
    assert_released(made)
