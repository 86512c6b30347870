"""SRTP/SRTCP (ccfast.srtp): RFC 3711 B.2/B.3, RFC 6188, RFC 7714 16-17 and libsrtp reference
packets (read from tests/vectors), interop with libsrtp through pylibsrtp in both
directions, replay/tamper/malformed handling, and SHA-1/HMAC-SHA1 through every implementation.
"""
import hashlib
import hmac
import os
import struct
import threading

import pytest
from hypothesis import given, settings, strategies as st

from ccfast import srtp, _srtp
from ccfast.srtp import Profile, Session
from ccfast.exceptions import SRTPError, AuthenticationError, ReplayError, PacketError

from conftest import require, vector_file

SHA1_IMPLS = [name for name, ok in _srtp._available_implementations()["sha1"].items() if ok]


def parse_vectors(name):
    """{section title: {key: hex value}} of a vector file ('key = value  # comment')."""
    sections, cur = {}, None
    for line in vector_file("srtp", name).read_text().splitlines():
        if line.startswith("##"):
            cur = sections.setdefault(line.lstrip("#").strip(), {})
        elif "=" in line and not line.startswith("#") and cur is not None:
            key, _, value = line.partition("=")
            value = value.split("#")[0].split()
            if value:
                cur[key.strip()] = value[0]
    return sections


def section(sections, prefix):
    return next(v for k, v in sections.items() if k.startswith(prefix))


def rtp(seq, ssrc=0x11223344, payload=b"\xab" * 160, ts=1000, pt=0, marker=0):
    return struct.pack("!BBHII", 0x80, (marker << 7) | pt, seq & 0xFFFF, ts, ssrc) + payload


def rtcp(ssrc=0x11223344, body=b"\x01" * 20):
    return struct.pack("!BBHI", 0x80, 200, (len(body) + 4) // 4, ssrc) + body


# ---- SHA-1 / HMAC-SHA1 through every implementation -------------------------------------------

@pytest.mark.parametrize("impl", SHA1_IMPLS)
def test_sha1_fips180(impl, kat):
    # FIPS 180-2 Appendix A.1 and A.2
    assert _srtp._sha1(b"abc", impl).hex() == "a9993e364706816aba3e25717850c26c9cd0d89d"
    assert _srtp._sha1(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", impl).hex() == \
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
    kat("FIPS 180", 2)


@pytest.mark.parametrize("impl", SHA1_IMPLS)
@settings(max_examples=60, deadline=None)
@given(key=st.binary(max_size=150), data=st.binary(max_size=400), tag_len=st.integers(1, 20))
def test_sha1_hmac_vs_hashlib(impl, key, data, tag_len):
    assert _srtp._sha1(data, impl) == hashlib.sha1(data).digest()
    assert _srtp._hmac_sha1(key, data, impl, tag_len) == hmac.new(key, data, "sha1").digest()[:tag_len]


def test_sha1_implementation_reported():
    import ccfast
    assert ccfast.implementations()["sha1"] in SHA1_IMPLS
    assert "portable" in SHA1_IMPLS


# ---- known answers ----------------------------------------------------------------------------

def test_rfc3711_b3_key_derivation(kat):
    v = section(parse_vectors("rfc3711_appendixB.txt"), "B.3")
    mk, ms = bytes.fromhex(v["master_key"]), bytes.fromhex(v["master_salt"])
    assert _srtp._kdf(mk, ms, 0, 16).hex() == v["cipher_key"].lower()
    assert _srtp._kdf(mk, ms, 2, 14).hex() == v["cipher_salt"].lower()
    assert _srtp._kdf(mk, ms, 1, 94).hex() == v["auth_key_94"].lower()
    # SRTCP labels (same master key) from the libsrtp/RFC 6904 file
    w = section(parse_vectors("rfc6904_and_libsrtp_packets.txt"), "Master key")
    assert w["master_key"] == v["master_key"].lower()
    assert _srtp._kdf(mk, ms, 3, 16).hex() == w["srtcp_k_e"]
    assert _srtp._kdf(mk, ms, 4, 20).hex() == w["srtcp_k_a"]
    assert _srtp._kdf(mk, ms, 5, 14).hex() == w["srtcp_k_s"]
    kat("RFC 3711", 3)


def _keystream_via_session(profile, key, salt, nblocks):
    """Encrypt zeros as the payload of SSRC 0, SEQ 0, ROC 0: the SRTP payload is the keystream."""
    s = Session(profile, None, _session_keys=(key, salt, bytes(20)))
    hdr = bytes([0x80, 0, 0, 0]) + bytes(8)
    out = s.protect(hdr + bytes(16 * nblocks))
    return out[12:12 + 16 * nblocks]


def test_rfc3711_b2_keystream(kat):
    v = section(parse_vectors("rfc3711_appendixB.txt"), "B.2")
    key = bytes.fromhex(v["Session_Key"])
    salt = bytes.fromhex(v["Session_Salt"])[:14]
    assert _srtp._cm_iv(salt, 0, 0).hex() == v["Offset"].lower()
    ks = _keystream_via_session(Profile.AES_CM_128_HMAC_SHA1_80, key, salt, 65282)
    rows = [line.split() for line in vector_file("srtp", "rfc3711_appendixB.txt").read_text().splitlines()
            if line.upper().startswith(v["Offset"][:28].upper()) and len(line.split()) == 2]
    assert len(rows) == 6
    for counter, block in rows:
        i = int(counter[28:], 16)
        assert ks[16 * i:16 * i + 16].hex() == block.lower()
    kat("RFC 3711", 1 + len(rows))              # the IV and each keystream block


@pytest.mark.parametrize("sec,profile", [("7.1", Profile.AES_256_CM_HMAC_SHA1_80),
                                         ("7.3", Profile.AES_192_CM_HMAC_SHA1_80)])
def test_rfc6188_keystream(sec, profile, kat):
    v = section(parse_vectors("rfc6188_aes192_256.txt"), sec)
    ks = _keystream_via_session(profile, bytes.fromhex(v["session_key"]), bytes.fromhex(v["session_salt"]), 65282)
    n = 0
    for name, block in v.items():
        if name.startswith("keystream_"):
            i = int(name[10:], 16)
            assert ks[16 * i:16 * i + 16].hex() == block
            n += 1
    assert n == 6
    kat("RFC 6188", n)


@pytest.mark.parametrize("sec", ["7.2", "7.4"])
def test_rfc6188_prf(sec, kat):
    v = section(parse_vectors("rfc6188_aes192_256.txt"), sec)
    mk, ms = bytes.fromhex(v["master_key"]), bytes.fromhex(v["master_salt"])
    assert _srtp._kdf(mk, ms, 0, len(mk)).hex() == v["cipher_key"]
    assert _srtp._kdf(mk, ms, 2, 14).hex() == v["cipher_salt"]
    assert _srtp._kdf(mk, ms, 1, 20).hex() == v["auth_key_20"]
    kat("RFC 6188", 3)


@pytest.mark.parametrize("sec,profile,key", [("16.1.1", Profile.AEAD_AES_128_GCM, "key_128"),
                                             ("16.2.1", Profile.AEAD_AES_256_GCM, "key_256")])
def test_rfc7714_rtp(sec, profile, key, kat):
    vs = parse_vectors("rfc7714_sec16_17_aes_gcm.txt")
    common, sec16, v = section(vs, "Common"), section(vs, "Section 16"), section(vs, sec)
    keys = (bytes.fromhex(common[key]), bytes.fromhex(common["salt"]), b"")
    plain, want = bytes.fromhex(sec16["rtp_packet"]), bytes.fromhex(v["srtp_packet"])
    assert Session(profile, None, _session_keys=keys).protect(plain) == want
    rx = Session(profile, None, _session_keys=keys)
    assert rx.unprotect(want) == plain
    with pytest.raises(ReplayError):
        rx.unprotect(want)
    bad = bytearray(want)
    bad[-1] ^= 1
    with pytest.raises(AuthenticationError):
        Session(profile, None, _session_keys=keys).unprotect(bytes(bad))
    kat("RFC 7714")


@pytest.mark.parametrize("sec,profile,key", [("17.1", Profile.AEAD_AES_128_GCM, "key_128"),
                                             ("17.2", Profile.AEAD_AES_256_GCM, "key_256"),
                                             ("17.3", Profile.AEAD_AES_128_GCM, "key_128"),
                                             ("17.4", Profile.AEAD_AES_256_GCM, "key_256")])
def test_rfc7714_rtcp(sec, profile, key, kat):
    vs = parse_vectors("rfc7714_sec16_17_aes_gcm.txt")
    common, sec17, v = section(vs, "Common"), section(vs, "Section 17"), section(vs, sec)
    keys = (bytes.fromhex(common[key]), bytes.fromhex(common["salt"]), b"")
    rx = Session(profile, None, _session_keys=keys)
    assert rx.unprotect_rtcp(bytes.fromhex(v["srtcp_packet"])) == bytes.fromhex(sec17["rtcp_packet"])
    with pytest.raises(ReplayError):
        rx.unprotect_rtcp(bytes.fromhex(v["srtcp_packet"]))
    for flip in (0, 20, -17, -4, -1):            # header, body, tag, E flag, index
        bad = bytearray.fromhex(v["srtcp_packet"])
        bad[flip] ^= 0x80 if flip == -4 else 1
        with pytest.raises((AuthenticationError, PacketError)):
            Session(profile, None, _session_keys=keys).unprotect_rtcp(bytes(bad))
    kat("RFC 7714")


def test_libsrtp_reference_packets(kat):
    vs = parse_vectors("rfc6904_and_libsrtp_packets.txt")
    m, v = section(vs, "Master key"), section(vs, "(b)")
    key = bytes.fromhex(m["master_key"] + m["master_salt"])
    tx = Session(Profile.AES_CM_128_HMAC_SHA1_80, key)
    assert tx.protect(bytes.fromhex(v["rtp_plain"])).hex() == v["srtp_cipher"]
    assert tx.protect_rtcp(bytes.fromhex(v["rtcp_plain"])).hex() == v["srtcp_cipher"]
    rx = Session(Profile.AES_CM_128_HMAC_SHA1_80, key)
    assert rx.unprotect(bytes.fromhex(v["srtp_cipher"])).hex() == v["rtp_plain"]
    assert rx.unprotect_rtcp(bytes.fromhex(v["srtcp_cipher"])).hex() == v["rtcp_plain"]
    kat("libsrtp", 2)


# ---- interop with libsrtp (pylibsrtp) ----------------------------------------------------------

# pylibsrtp is imported by the tests that use it, not by the module: a target without it (the
# free-threaded build: pylibsrtp has abi3 wheels only) still runs every other test here.
INTEROP = {
    Profile.AES_CM_128_HMAC_SHA1_80: "SRTP_PROFILE_AES128_CM_SHA1_80",
    Profile.AES_CM_128_HMAC_SHA1_32: "SRTP_PROFILE_AES128_CM_SHA1_32",
    Profile.AEAD_AES_128_GCM: "SRTP_PROFILE_AEAD_AES_128_GCM",
    Profile.AEAD_AES_256_GCM: "SRTP_PROFILE_AEAD_AES_256_GCM",
}


def libsrtp_session(profile, key, outbound):
    pylibsrtp = require("pylibsrtp")
    t = pylibsrtp.Policy.SSRC_ANY_OUTBOUND if outbound else pylibsrtp.Policy.SSRC_ANY_INBOUND
    return pylibsrtp.Session(pylibsrtp.Policy(key=key, ssrc_type=t,
                                              srtp_profile=getattr(pylibsrtp.Policy, INTEROP[profile])))


@pytest.mark.parametrize("profile", list(INTEROP))
def test_interop_pylibsrtp(profile):
    key = os.urandom(srtp.key_length(profile))
    ours_tx, ours_rx = Session(profile, key), Session(profile, key)
    lib_tx, lib_rx = libsrtp_session(profile, key, True), libsrtp_session(profile, key, False)
    # across the sequence-number wrap (ROC 0 -> 1), two SSRCs, varied sizes
    for i, seq in enumerate(list(range(65500, 65536)) + list(range(0, 40))):
        for ssrc in (0x11223344, 0xCAFEBABE):
            pkt = rtp(seq, ssrc, payload=os.urandom(i % 200 + 1), ts=seq * 160)
            a = ours_tx.protect(pkt)
            assert a == lib_tx.protect(pkt)
            assert lib_rx.unprotect(a) == pkt
            assert ours_rx.unprotect(a) == pkt
    for ssrc in (0x11223344, 0xCAFEBABE):
        assert ours_rx.stats[ssrc]["roc"] == 1 and ours_rx.stats[ssrc]["authenticated"] == 76
        assert ours_tx.stats[ssrc]["protected"] == 76
    # RTCP both ways (libsrtp numbers SRTCP from 1 as we do)
    for n in range(5):
        pkt = rtcp(body=os.urandom(4 * n + 8))
        a = ours_tx.protect_rtcp(pkt)
        assert a == lib_tx.protect_rtcp(pkt)
        assert lib_rx.unprotect_rtcp(a) == pkt
        assert ours_rx.unprotect_rtcp(a) == pkt


@pytest.mark.parametrize("profile", list(INTEROP))
def test_interop_reordered_from_libsrtp(profile):
    key = os.urandom(srtp.key_length(profile))
    lib_tx, ours_rx = libsrtp_session(profile, key, True), Session(profile, key)
    pkts = [(seq, lib_tx.protect(rtp(seq))) for seq in list(range(65520, 65536)) + list(range(0, 16))]
    order = pkts[::2] + pkts[1::2]              # second half arrives late, inside the window
    for seq, p in order:
        assert ours_rx.unprotect(p) == rtp(seq)
    for seq, p in pkts:
        with pytest.raises(ReplayError):
            ours_rx.unprotect(p)


# ---- failures leave state unchanged --------------------------------------------------------

ALL_PROFILES = list(Profile)


@pytest.mark.parametrize("profile", ALL_PROFILES)
def test_tamper_replay_malformed(profile):
    key = os.urandom(srtp.key_length(profile))
    tx, rx = Session(profile, key), Session(profile, key)
    good = tx.protect(rtp(10))
    assert rx.unprotect(good) == rtp(10)
    before = rx.stats
    nxt = tx.protect(rtp(11))
    for i in range(len(nxt)):
        bad = bytearray(nxt)
        bad[i] ^= 0x01
        with pytest.raises(SRTPError):
            rx.unprotect(bytes(bad))
    for bad in (b"", nxt[:11], b"\x40" + nxt[1:], nxt[:12 + 2], bytes([0x8F]) + nxt[1:20]):
        with pytest.raises(PacketError):
            rx.unprotect(bad)
    with pytest.raises(ReplayError):
        rx.unprotect(good)
    after = rx.stats[0x11223344]
    assert after["authenticated"] == before[0x11223344]["authenticated"]
    assert after["roc"] == before[0x11223344]["roc"]
    assert after["auth_failures"] > 0 and after["replays"] >= 1
    assert rx.unprotect(nxt) == rtp(11)         # the untouched packet still authenticates


def test_failed_first_packet_makes_no_stream():
    key = os.urandom(30)
    p = bytearray(Session(Profile.AES_CM_128_HMAC_SHA1_80, key).protect(rtp(5)))
    p[-1] ^= 1
    rx = Session(Profile.AES_CM_128_HMAC_SHA1_80, key)
    with pytest.raises(AuthenticationError):
        rx.unprotect(bytes(p))
    assert rx.stats == {}


def test_protect_rejects_malformed_and_repeats():
    s = Session(Profile.AES_CM_128_HMAC_SHA1_80, bytes(30))
    for bad in (b"", rtp(1)[:11], bytes([0x90]) + rtp(1)[1:12] + b"\x00\x00\x00\x09",
                bytes([0xA0]) + rtp(1)[1:12] + b"\x01\x02\x00"):    # X beyond end; padding 0
        with pytest.raises(PacketError):
            s.protect(bad)
    s.protect(rtp(1))
    with pytest.raises(ReplayError):
        s.protect(rtp(1))
    t = Session(Profile.AES_CM_128_HMAC_SHA1_80, bytes(30), allow_repeat_tx=True)
    assert t.protect(rtp(1)) == t.protect(rtp(1))


def test_header_extension_csrc_padding_roundtrip():
    key = os.urandom(30)
    tx, rx = Session(Profile.AES_CM_128_HMAC_SHA1_80, key), Session(Profile.AES_CM_128_HMAC_SHA1_80, key)
    lib = libsrtp_session(Profile.AES_CM_128_HMAC_SHA1_80, key, False)
    hdr = struct.pack("!BBHII", 0xB2, 96, 7, 1, 0x1234) + b"\x00\x00\x00\x01\x00\x00\x00\x02"
    ext = b"\xbe\xde\x00\x01\x10\xff\x00\x00"
    pkt = hdr + ext + b"payload!" + b"\x00\x00\x00\x04"
    p = tx.protect(pkt)
    assert p[:len(hdr) + len(ext)] == hdr + ext      # header and extension stay clear
    assert lib.unprotect(p) == pkt
    assert rx.unprotect(p) == pkt


def test_replay_window_size():
    key = os.urandom(30)
    tx = Session(Profile.AES_CM_128_HMAC_SHA1_80, key)
    pkts = [tx.protect(rtp(s)) for s in range(300)]
    rx = Session(Profile.AES_CM_128_HMAC_SHA1_80, key, replay_window=64)
    rx.unprotect(pkts[200])
    rx.unprotect(pkts[137])                      # 63 behind: inside
    with pytest.raises(ReplayError):
        rx.unprotect(pkts[136])                  # 64 behind: outside
    big = Session(Profile.AES_CM_128_HMAC_SHA1_80, key, replay_window=1024)
    big.unprotect(pkts[299])
    assert big.unprotect(pkts[0]) == rtp(0)
    huge = Session(Profile.AES_CM_128_HMAC_SHA1_80, key, replay_window=32768)
    far = [tx.protect(rtp(s)) for s in range(300, 33100)]
    huge.unprotect(far[-1])                      # index 33099
    assert huge.unprotect(far[332 - 300]) == rtp(332)  # 32767 behind: inside
    with pytest.raises(ReplayError):
        huge.unprotect(far[331 - 300])           # 32768 behind: outside
    for bad in (0, 1, 63, 32769):                 # RFC 3711 3.3.2: at least 64
        with pytest.raises(ValueError, match="64..32768"):
            Session(Profile.AES_CM_128_HMAC_SHA1_80, key, replay_window=bad)


def test_ssrc_restriction_and_errors():
    key = os.urandom(30)
    s = Session(Profile.AES_CM_128_HMAC_SHA1_80, key, ssrc=0x11223344)
    s.protect(rtp(1))
    with pytest.raises(SRTPError):
        s.protect(rtp(1, ssrc=5))
    with pytest.raises(ValueError):
        Session(Profile.AES_CM_128_HMAC_SHA1_80, key[:29])
    for bad_kdr in (3, 2 ** 25, -1, 2 ** 24 + 2 ** 23):
        with pytest.raises(ValueError):
            Session(Profile.AES_CM_128_HMAC_SHA1_80, key, kdr=bad_kdr)
    with pytest.raises(TypeError):
        Session(Profile.AES_CM_128_HMAC_SHA1_80, key, kdr=1.0)
    with pytest.raises(ValueError):
        Session(0x99, key)
    with pytest.raises(TypeError):
        Session(Profile.AES_CM_128_HMAC_SHA1_80, "x" * 30)
    with pytest.raises(TypeError):
        pickle_it = __import__("pickle").dumps
        pickle_it(s)


def test_mki_roundtrip():
    key = os.urandom(30)
    tx = Session(Profile.AES_CM_128_HMAC_SHA1_80, key, mki=b"\x00\x01")
    rx = Session(Profile.AES_CM_128_HMAC_SHA1_80, key, mki=b"\x00\x01")
    other = Session(Profile.AES_CM_128_HMAC_SHA1_80, key, mki=b"\x00\x02")
    p = tx.protect(rtp(3))
    assert len(p) == len(rtp(3)) + 2 + 10 and p[-12:-10] == b"\x00\x01"
    with pytest.raises(AuthenticationError):
        other.unprotect(p)
    assert rx.unprotect(p) == rtp(3)


def test_into_and_batches():
    key = os.urandom(28)
    tx, rx = Session(Profile.AEAD_AES_128_GCM, key), Session(Profile.AEAD_AES_128_GCM, key)
    ref = Session(Profile.AEAD_AES_128_GCM, key)
    buf = bytearray(rtp(9) + bytes(16))
    n = tx.protect_into(buf, len(rtp(9)))
    assert bytes(buf[:n]) == ref.protect(rtp(9))
    assert rx.unprotect_into(buf, n) == len(rtp(9)) and bytes(buf[:len(rtp(9))]) == rtp(9)
    prot = tx.protect_batch([rtp(s) for s in range(10, 20)])
    res = rx.unprotect_batch(prot + [prot[0], b"junk"])
    assert res[:10] == [rtp(s) for s in range(10, 20)]
    assert isinstance(res[10], ReplayError) and isinstance(res[11], PacketError)


def test_keys_from_dtls():
    km = bytes(range(60))
    c, s = srtp.keys_from_dtls(km, Profile.AES_CM_128_HMAC_SHA1_80, True)
    assert c == km[0:16] + km[32:46] and s == km[16:32] + km[46:60]
    assert srtp.keys_from_dtls(km, Profile.AES_CM_128_HMAC_SHA1_80, False) == (s, c)
    assert srtp.key_length(Profile.AEAD_AES_256_GCM) == 44
    with pytest.raises(ValueError):
        srtp.keys_from_dtls(km[:59], Profile.AES_CM_128_HMAC_SHA1_80, True)


def test_threads_share_a_session():
    key = os.urandom(30)
    tx = Session(Profile.AES_CM_128_HMAC_SHA1_80, key)
    ref = Session(Profile.AES_CM_128_HMAC_SHA1_80, key)
    results = {}

    def work(ssrc):
        results[ssrc] = [tx.protect(rtp(s, ssrc)) for s in range(200)]

    ts = [threading.Thread(target=work, args=(ssrc,)) for ssrc in range(1, 5)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for ssrc in range(1, 5):
        assert results[ssrc] == [ref.protect(rtp(s, ssrc)) for s in range(200)]


def test_sdes_parse_and_render():
    # RFC 4568 9.1 example attribute
    line = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32"
    with pytest.raises(ValueError):               # an MKI length of 0 is refused
        srtp.parse_sdes(line.replace("|1:32", "|1:0"))
    c = srtp.parse_sdes(line)
    assert c.tag == 1 and c.profile is Profile.AES_CM_128_HMAC_SHA1_80
    assert c.key == __import__("base64").b64decode("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz")
    assert c.lifetime == 1 << 20 and c.mki == (1).to_bytes(32, "big")
    assert "a=" + c.to_attribute() == line
    plain = srtp.SdesCrypto(2, Profile.AEAD_AES_256_GCM, bytes(44))
    assert srtp.parse_sdes(plain.to_attribute()) == plain
    for bad in ("crypto:1 AES_CM_128_HMAC_SHA1_80", "crypto:x AES_CM_128_HMAC_SHA1_80 inline:AAAA",
                "crypto:1 F8_128_HMAC_SHA1_80 inline:" + "A" * 40,
                "crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA",          # key too short
                "crypto:1 AES_CM_128_HMAC_SHA1_80 inline:!!!!", "rtpmap:0 PCMU/8000"):
        with pytest.raises(ValueError):
            srtp.parse_sdes(bad)
    # a parsed key drives a session that interoperates with libsrtp
    s = Session(c.profile, c.key)
    assert libsrtp_session(c.profile, c.key, False).unprotect(s.protect(rtp(1))) == rtp(1)


def test_batches_state_and_errors():
    key = os.urandom(30)
    prof = Profile.AES_CM_128_HMAC_SHA1_80
    tx, ref = Session(prof, key), Session(prof, key)
    pk = [rtp(s, ssrc) for s in range(5) for ssrc in (1, 2)]
    out = tx.protect_batch(pk)
    assert out == [ref.protect(p) for p in pk]
    # a sender's batch stops at the first bad packet, after protecting those before it
    with pytest.raises(PacketError):
        tx.protect_batch([rtp(10, 1), b"\x00" * 5, rtp(11, 1)])
    assert tx.stats[1]["protected"] == 6
    with pytest.raises(ReplayError):
        tx.protect_batch([rtp(12, 1), rtp(12, 1)])
    # receiving: a new SSRC whose first packet is forged is kept only once one authenticates
    rx = Session(prof, key)
    forged = bytearray(out[0])
    forged[-1] ^= 1
    res = rx.unprotect_batch([bytes(forged), out[0], out[2], out[0], b"\x80", bytes(forged[:20])])
    assert isinstance(res[0], AuthenticationError)
    assert res[1:3] == [pk[0], pk[2]]
    assert isinstance(res[3], ReplayError) and isinstance(res[4], PacketError)
    assert isinstance(res[5], PacketError)
    assert set(rx.stats) == {1}
    rx2 = Session(prof, key)
    assert isinstance(rx2.unprotect_batch([bytes(forged)])[0], AuthenticationError)
    assert rx2.stats == {} and rx2.unprotect_batch([]) == []
    only = Session(prof, key, ssrc=2)
    res = only.unprotect_batch([out[0], out[1]])
    assert type(res[0]) is SRTPError and res[1] == pk[1]


@pytest.mark.parametrize("profile", list(INTEROP))
def test_bad_padding_after_decryption(profile):
    """libsrtp protects whatever it is given; a padding count of 0 or beyond the payload is
    refused once decrypted, and the stream is left as it was."""
    key = os.urandom(srtp.key_length(profile))
    lib_tx, rx = libsrtp_session(profile, key, True), Session(profile, key)
    good = rtp(1, payload=b"abc\x01")
    assert rx.unprotect(lib_tx.protect(good)) == good
    for seq, tail in ((2, b"abc\x00"), (3, b"abc\x09")):
        pkt = bytes([0xA0]) + rtp(seq, payload=tail)[1:]
        with pytest.raises(PacketError):
            rx.unprotect(lib_tx.protect(pkt))
    st = rx.stats[0x11223344]
    assert st["authenticated"] == 1
    ok = bytes([0xA0]) + rtp(4, payload=b"abc\x04")[1:]
    assert rx.unprotect(lib_tx.protect(ok)) == ok


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=120), profile=st.sampled_from(ALL_PROFILES), first=st.sampled_from([0x80, 0x90, 0xA0, 0xB3, 0x8F, 0x40, 0x00]))
def test_arbitrary_input_never_crashes(data, profile, first):
    """Any bytes: a result or an SRTPError, and a receiver whose every packet failed keeps no state."""
    key = bytes(srtp.key_length(profile))
    pkt = bytes([first]) + data
    rx = Session(profile, key)
    for fn in (rx.unprotect, rx.unprotect_rtcp):
        with pytest.raises(SRTPError):
            fn(pkt)
    assert rx.stats == {}
    assert all(isinstance(r, SRTPError) for r in rx.unprotect_batch([pkt, data]))
    tx = Session(profile, key, allow_repeat_tx=True)
    for fn in (tx.protect, tx.protect_rtcp):
        try:
            out = fn(pkt)
        except SRTPError:
            continue
        back = (Session(profile, key).unprotect if fn == tx.protect else Session(profile, key).unprotect_rtcp)(out)
        assert back == pkt
    buf = bytearray(pkt + bytes(40))
    try:
        n = tx.protect_into(buf, len(pkt))
        assert Session(profile, key).unprotect_into(buf, n) == len(pkt) and bytes(buf[:len(pkt)]) == pkt
    except SRTPError:
        pass


def test_threads_batches_and_single_calls_together():
    key = os.urandom(28)
    prof = Profile.AEAD_AES_128_GCM
    tx, rx = Session(prof, key), Session(prof, key)
    errors = []

    def work(ssrc):
        try:
            for start in range(0, 640, 64):
                pk = [rtp(s, ssrc) for s in range(start, start + 64)]
                if ssrc % 2:
                    prot = tx.protect_batch(pk)
                else:
                    prot = [tx.protect(p) for p in pk]
                back = rx.unprotect_batch(prot) if ssrc % 3 else [rx.unprotect(p) for p in prot]
                assert back == pk
        except Exception as exc:            # reported below
            errors.append(exc)

    ts = [threading.Thread(target=work, args=(ssrc,)) for ssrc in range(1, 7)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []
    assert all(rx.stats[s]["authenticated"] == 640 and tx.stats[s]["protected"] == 640 for s in range(1, 7))
