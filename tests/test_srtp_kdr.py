"""SRTP key derivation rates (RFC 3711 4.3.1, kdr != 0) and unencrypted SRTCP (E = 0, RFC 3711
3.4, RFC 7714 9.3), checked against a reference written here from the RFCs' definitions on top
of `cryptography` (AES-CTR, AES-GCM, HMAC-SHA1)."""
import hashlib
import hmac
import os
import struct

import pytest

from ccfast import _srtp
from ccfast.srtp import Profile, Session, key_length, parse_sdes
from ccfast.exceptions import AuthenticationError, PacketError, ReplayError

from conftest import require

aead = require("cryptography.hazmat.primitives.ciphers.aead")
ciphers = require("cryptography.hazmat.primitives.ciphers")

CM = {Profile.AES_CM_128_HMAC_SHA1_80: (16, 10), Profile.AES_CM_128_HMAC_SHA1_32: (16, 4),
      Profile.AES_192_CM_HMAC_SHA1_80: (24, 10), Profile.AES_256_CM_HMAC_SHA1_32: (32, 4),
      Profile.NULL_HMAC_SHA1_80: (16, 10), Profile.NULL_HMAC_SHA1_32: (16, 4)}
NULL = (Profile.NULL_HMAC_SHA1_80, Profile.NULL_HMAC_SHA1_32)
GCM = {Profile.AEAD_AES_128_GCM: 16, Profile.AEAD_AES_256_GCM: 32}


def aes_ctr(key, iv16, data):
    enc = ciphers.Cipher(ciphers.algorithms.AES(key), ciphers.modes.CTR(iv16)).encryptor()
    return enc.update(data) + enc.finalize()


def prf(master_key, master_salt, label, r, n):
    """RFC 3711 4.3.1: x = (label || r) XOR master_salt, AES-CM keystream from x * 2^16."""
    salt = int.from_bytes(master_salt.ljust(14, b"\0"), "big")
    x = salt ^ ((label << 48) | r)
    return aes_ctr(master_key, (x << 16).to_bytes(16, "big"), bytes(n))


class Reference:
    """One sender (or receiver) of one SSRC with its own packet counter."""

    def __init__(self, profile, key, kdr):
        self.profile, self.kdr = profile, kdr
        self.klen = CM[profile][0] if profile in CM else GCM[profile]
        self.mk, self.ms = key[:self.klen], key[self.klen:]

    def keys(self, base, index):
        r = index // self.kdr if self.kdr else 0
        salt_len = 12 if self.profile in GCM else 14
        return (prf(self.mk, self.ms, base, r, self.klen), prf(self.mk, self.ms, base + 1, r, 20),
                prf(self.mk, self.ms, base + 2, r, salt_len))

    def protect(self, pkt, index):
        ke, ka, ks = self.keys(0, index)
        hdr, payload = pkt[:12], pkt[12:]
        ssrc = struct.unpack("!I", pkt[8:12])[0]
        if self.profile in GCM:
            iv = (int.from_bytes(ks, "big") ^ ((ssrc << 48) | index)).to_bytes(12, "big")
            return hdr + aead.AESGCM(ke).encrypt(iv, payload, hdr)
        iv = ((int.from_bytes(ks, "big") << 16) ^ (ssrc << 64) ^ (index << 16)).to_bytes(16, "big")
        out = hdr + (payload if self.profile in NULL else aes_ctr(ke, iv, payload))
        tag = hmac.new(ka, out + struct.pack("!I", index >> 16), hashlib.sha1).digest()
        return out + tag[:CM[self.profile][1]]

    def protect_rtcp(self, pkt, index, encrypt=True):
        ke, ka, ks = self.keys(3, index)
        ssrc = struct.unpack("!I", pkt[4:8])[0]
        eword = struct.pack("!I", (0x80000000 if encrypt else 0) | index)
        if self.profile in GCM:
            iv = (int.from_bytes(ks, "big") ^ ((ssrc << 48) | index)).to_bytes(12, "big")
            if encrypt:
                return pkt[:8] + aead.AESGCM(ke).encrypt(iv, pkt[8:], pkt[:8] + eword) + eword
            return pkt + aead.AESGCM(ke).encrypt(iv, b"", pkt + eword) + eword
        body = pkt[8:]
        if encrypt and self.profile not in NULL:
            iv = ((int.from_bytes(ks, "big") << 16) ^ (ssrc << 64) ^ (index << 16)).to_bytes(16, "big")
            body = aes_ctr(ke, iv, body)
        out = pkt[:8] + body + eword
        return out + hmac.new(ka, out, hashlib.sha1).digest()[:10]


def rtp(seq, ssrc=0x5EED0001, payload=None):
    payload = payload if payload is not None else bytes(range(seq % 7, seq % 7 + 40))
    return struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF, 160 * seq, ssrc) + payload


def rtcp(ssrc=0x5EED0001, n=0):
    body = struct.pack("!IIII", n, 2 * n, 3 * n, 4 * n) + b"\x55" * 8
    return struct.pack("!BBHI", 0x80, 200, (len(body) + 4) // 4, ssrc) + body


def test_prf_with_r_matches_reference():
    mk, ms = os.urandom(16), os.urandom(14)
    for label in range(6):
        for r in (0, 1, 0x123456789ABC, 2 ** 48 - 1):
            assert _srtp._kdf(mk, ms, label, 30, r) == prf(mk, ms, label, r, 30)


@pytest.mark.parametrize("profile", list(CM) + list(GCM))
@pytest.mark.parametrize("kdr", [1, 4, 2 ** 24])
def test_kdr_protect_matches_reference(profile, kdr):
    key = os.urandom(key_length(profile))
    ref = Reference(profile, key, kdr)
    tx = Session(profile, key, kdr=kdr)
    rx = Session(profile, key, kdr=kdr)
    start = 65530                                 # across the ROC rollover too
    for i in range(14):
        seq = (start + i) & 0xFFFF
        index = start + i
        pkt = rtp(seq)
        out = tx.protect(pkt)
        assert out == ref.protect(pkt, index), (i, kdr)
        assert rx.unprotect(out) == pkt
    for n in range(1, 10):                       # SRTCP indexes count from 1
        pkt = rtcp(n=n)
        out = tx.protect_rtcp(pkt)
        assert out == ref.protect_rtcp(pkt, n)
        assert rx.unprotect_rtcp(out) == pkt


def test_kdr_reordered_late_and_forged_packets():
    """Packets of an earlier or later key period than the cached one still verify; a forged
    packet of a new period changes nothing."""
    profile, kdr = Profile.AES_CM_128_HMAC_SHA1_80, 4
    key = os.urandom(30)
    tx = Session(profile, key, kdr=kdr)
    protected = [tx.protect(rtp(s)) for s in range(40)]
    rx = Session(profile, key, kdr=kdr, replay_window=64)
    order = [0, 1, 9, 2, 3, 12, 4, 13, 5, 30, 6, 7, 8, 10, 11] + list(range(14, 30)) + list(range(31, 40))
    forged = bytearray(protected[20])
    forged[-1] ^= 1
    for k, i in enumerate(order):
        if k == 6:
            with pytest.raises(AuthenticationError):
                rx.unprotect(bytes(forged))
        assert rx.unprotect(protected[i]) == rtp(i)
    with pytest.raises(ReplayError):
        rx.unprotect(protected[13])
    st = rx.stats[0x5EED0001]
    assert st["authenticated"] == 40 and st["auth_failures"] == 1


def test_kdr_mismatch_fails_authentication():
    key = os.urandom(30)
    out = [Session(Profile.AES_CM_128_HMAC_SHA1_80, key, kdr=2).protect(rtp(s)) for s in range(4)]
    rx = Session(Profile.AES_CM_128_HMAC_SHA1_80, key)            # kdr = 0
    assert rx.unprotect(out[0]) == rtp(0)                          # r = 0 for both
    with pytest.raises(AuthenticationError):
        rx.unprotect(out[2])                                      # r = 1 with kdr = 2


def test_kdr_batch_and_into():
    profile = Profile.AEAD_AES_128_GCM
    key = os.urandom(key_length(profile))
    ref = Reference(profile, key, 8)
    tx = Session(profile, key, kdr=8)
    pkts = [rtp(s) for s in range(30)]
    outs = tx.protect_batch(pkts)
    assert outs == [ref.protect(p, s) for s, p in enumerate(pkts)]
    rx = Session(profile, key, kdr=8)
    assert rx.unprotect_batch(outs[::-1][:16]) == pkts[::-1][:16]
    buf = bytearray(outs[5])                     # an older key period than the cached one
    assert rx.unprotect_into(buf, len(buf)) == len(pkts[5])
    assert bytes(buf[:len(pkts[5])]) == pkts[5]


@pytest.mark.parametrize("profile", [Profile.AES_CM_128_HMAC_SHA1_80, Profile.NULL_HMAC_SHA1_32,
                                     Profile.AEAD_AES_128_GCM, Profile.AEAD_AES_256_GCM])
def test_unencrypted_srtcp(profile):
    key = os.urandom(key_length(profile))
    ref = Reference(profile, key, 0)
    tx = Session(profile, key, rtcp_encrypt=False)
    rx = Session(profile, key)
    for n in range(1, 5):
        pkt = rtcp(n=n)
        out = tx.protect_rtcp(pkt)
        assert out == ref.protect_rtcp(pkt, n, encrypt=False)
        assert out[8:len(pkt)] == pkt[8:]                       # sent in the clear
        assert rx.unprotect_rtcp(out) == pkt
        # the E flag is authenticated: claiming encryption must fail
        bad = bytearray(out)
        e_at = len(pkt) + (16 if profile in GCM else 0)
        bad[e_at] |= 0x80
        with pytest.raises(AuthenticationError):
            Session(profile, key).unprotect_rtcp(bytes(bad))
    # and encrypted SRTCP from the same key still works on the same receiver
    enc = Session(profile, key, ssrc=0x5EED0002).protect_rtcp(rtcp(ssrc=0x5EED0002))
    assert rx.unprotect_rtcp(enc) == rtcp(ssrc=0x5EED0002)


def test_sdes_kdr_parameter():
    attr = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + \
        __import__("base64").b64encode(bytes(30)).decode() + " KDR=10"
    c = parse_sdes(attr)
    assert c.kdr == 2 ** 10
    Session(c.profile, c.key, kdr=c.kdr)
    assert parse_sdes(attr.replace(" KDR=10", "")).kdr == 0
    for bad in (" KDR=25", " KDR=x", " KDR=-1"):
        with pytest.raises(ValueError):
            parse_sdes(attr.replace(" KDR=10", bad))


# ---- in-place batches over a 2-D byte buffer with a lengths array ----------------------------

@pytest.mark.parametrize("profile", [Profile.AES_CM_128_HMAC_SHA1_80, Profile.AEAD_AES_256_GCM])
@pytest.mark.parametrize("dtype", ["uint16", "int32", "int64", "uint64"])
def test_batch_into_numpy_rows(profile, dtype):
    np = require("numpy")
    key = os.urandom(key_length(profile))
    pkts = [rtp(s, ssrc=0x5EED0001 + s % 3, payload=os.urandom(20 + 7 * s)) for s in range(24)]
    arr = np.zeros((len(pkts), 256), dtype=np.uint8)
    for i, p in enumerate(pkts):
        arr[i, :len(p)] = np.frombuffer(p, dtype=np.uint8)
    lengths = np.array([len(p) for p in pkts], dtype=dtype)
    want = Session(profile, key).protect_batch(pkts)
    assert Session(profile, key).protect_batch_into(arr, lengths) == [None] * len(pkts)
    assert [int(n) for n in lengths] == [len(w) for w in want]
    assert [arr[i, :lengths[i]].tobytes() for i in range(len(pkts))] == want
    # tamper with one row, replay another: the rest come back, failures reported in place
    arr[5, 12] ^= 1
    rx = Session(profile, key)
    rx.unprotect(want[7])
    errs = rx.unprotect_batch_into(arr, lengths)
    assert isinstance(errs[5], AuthenticationError) and isinstance(errs[7], ReplayError)
    assert int(lengths[5]) == 0 and int(lengths[7]) == 0
    for i, p in enumerate(pkts):
        if i not in (5, 7):
            assert errs[i] is None and arr[i, :lengths[i]].tobytes() == p


def test_batch_into_rejects_bad_buffers():
    np = require("numpy")
    s = Session(Profile.AES_CM_128_HMAC_SHA1_80, os.urandom(30))
    arr = np.zeros((4, 64), dtype=np.uint8)
    ok_len = np.full(4, 40, dtype=np.int32)
    with pytest.raises(TypeError):
        s.protect_batch_into(np.zeros(64, dtype=np.uint8), ok_len)          # 1-D
    with pytest.raises(TypeError):
        s.protect_batch_into(np.zeros((4, 64), dtype=np.uint16), ok_len)    # not bytes
    with pytest.raises(TypeError):
        s.protect_batch_into(np.zeros((64, 4), dtype=np.uint8).T, ok_len)   # strided rows
    with pytest.raises(TypeError):
        s.protect_batch_into(arr, np.full(4, 40.0))                          # float lengths
    with pytest.raises(TypeError):
        s.protect_batch_into(bytes(256), ok_len)                             # read-only
    with pytest.raises(ValueError):
        s.protect_batch_into(arr, np.full(3, 40, dtype=np.int32))            # count mismatch
    ro = arr.copy()
    ro.flags.writeable = False
    with pytest.raises(TypeError):
        s.protect_batch_into(ro, ok_len)
    bad = np.array([40, 70, 40, 40], dtype=np.int32)                        # beyond the row
    for i in range(4):
        arr[i, :12] = np.frombuffer(rtp(i)[:12], dtype=np.uint8)
    with pytest.raises(ValueError):
        s.protect_batch_into(arr, bad)
    assert int(bad[0]) == 50 and int(bad[2]) == 40                          # row 0 done, 2 untouched
    assert s.unprotect_batch_into(arr, np.full(4, 5, dtype=np.int64))[0].__class__ is PacketError


def test_batch_into_memoryview_without_numpy():
    key = os.urandom(30)
    pkts = [rtp(i, payload=bytes(40)) for i in range(2)]
    raw = bytearray(2 * 80)
    for i, p in enumerate(pkts):
        raw[80 * i:80 * i + len(p)] = p
    lengths = __import__("array").array("H", [52, 52])
    Session(Profile.AES_CM_128_HMAC_SHA1_80, key).protect_batch_into(memoryview(raw).cast("B", (2, 80)), lengths)
    assert list(lengths) == [62, 62]
    want = Session(Profile.AES_CM_128_HMAC_SHA1_80, key).protect_batch(pkts)
    assert [bytes(raw[80 * i:80 * i + 62]) for i in range(2)] == want
    raw.append(0)                                 # every buffer export was released
