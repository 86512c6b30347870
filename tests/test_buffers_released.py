"""Every buffer the API takes is released when the call returns, on success and on failure.

Each argument is passed as a bytearray (or a memoryview of one); afterwards resizing the
bytearray, or releasing the memoryview, raises BufferError if an export is still held.
"""
import struct

import pytest

from ccfast import aead, jitter, sm2, sm3, sm4, srtp

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

call("SM4-init", lambda w: sm4.SM4(w(K16)))
call("SM4-ecb", lambda w: sm4.SM4(K16).decrypt_ecb(w(sm4.SM4(K16).encrypt_ecb(w(bytes(32))))))
call("SM4-ecb-bad-length", lambda w: sm4.SM4(K16).encrypt_ecb(w(bytes(5))), True)
call("SM4-cbc", lambda w: sm4.SM4(K16).decrypt_cbc(w(K16), w(sm4.SM4(K16).encrypt_cbc(w(K16), w(b"abc")))))
call("SM4-cbc-bad-padding", lambda w: sm4.SM4(K16).decrypt_cbc(w(K16), w(sm4.SM4(K16).encrypt_cbc(
    K16, bytes(16), padding=False))), True)
call("SM4-ctr", lambda w: sm4.SM4(K16).ctr(w(K16), w(b"abc")))
call("SM4-ctr-bad-iv", lambda w: sm4.SM4(K16).ctr(w(b"x"), w(b"abc")), True)

call("SM3-new-update", lambda w: sm3.SM3(w(b"a")).update(w(b"bc")))
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
call("SM2-verify", lambda w: _PUB.verify(w(SIG), w(b"msg")))
call("SM2-verify-bad", lambda w: _PUB.verify(w(SIG), w(b"other")), True)
call("SM2-verify-garbage-sig", lambda w: _PUB.verify(w(b"\x30\x02"), w(b"msg")), True)
call("SM2-encrypt", lambda w: _PUB.encrypt(w(b"msg")))
call("SM2-decrypt", lambda w: _KEY.decrypt(w(CT)))
call("SM2-decrypt-bad", lambda w: _KEY.decrypt(w(CT[:-1] + b"\0")), True)
call("SM2-load-pem", lambda w: sm2.load_pem_private_key(w(PEM)))
call("SM2-load-pem-bad", lambda w: sm2.load_pem_private_key(w(PEM[:-30])), True)
call("SM2-load-der-public", lambda w: sm2.load_der_public_key(w(PUB_DER)))
call("SM2-load-der-public-bad", lambda w: sm2.load_der_public_key(w(PUB_DER[:-2])), True)
call("SM2-kx-derive", lambda w: sm2.KeyExchange(_KEY, _PUB, initiator=True, uid=w(b"a"), peer_uid=w(b"b")).derive(
    w(sm2.KeyExchange(_KEY, _PUB, initiator=False).ephemeral)))
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
call("SRTP-keys_from_dtls", lambda w: srtp.keys_from_dtls(w(bytes(60)), P, True))

call("jitter-put", lambda w: jitter.JitterBuffer().put(w(b"payload"), 1, 160, 0.0))
call("jitter-put_rtp", lambda w: jitter.JitterBuffer().put_rtp(w(RTP), 0.0))
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


@pytest.mark.parametrize("wrap", [bytearray_wrapper, memoryview_wrapper], ids=["bytearray", "memoryview"])
@pytest.mark.parametrize("name,fn,fails", CALLS, ids=[c[0] for c in CALLS])
def test_buffers_released(name, fn, fails, wrap):
    made = []
    w = wrap(made)
    if fails:
        with pytest.raises(Exception):
            fn(w)
    else:
        fn(w)
    assert made, "the call took no buffer"
    for b in made:
        if isinstance(b, bytearray):
            b.append(0)                      # BufferError if still exported
        else:
            b.release()                      # BufferError if still exported


def test_numpy_rows_released():
    np = pytest.importorskip("numpy")
    rows = np.zeros((2, 128), dtype=np.uint8)
    rows[0, :len(RTP)] = np.frombuffer(RTP, dtype=np.uint8)
    rows[1, :len(RTP)] = np.frombuffer(RTP[:3] + b"\x08" + RTP[4:], dtype=np.uint8)
    lengths = np.array([len(RTP), len(RTP)], dtype=np.int64)
    srtp.Session(P, SRTP_KEY).protect_batch_into(rows, lengths)
    rows.resize((4, 128), refcheck=False)    # ValueError if a buffer export were still held
    lengths.resize(4, refcheck=False)
