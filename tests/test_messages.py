"""Error messages say what was wrong: the SRTP profile in key-length errors, what is wrong with
an RTP/RTCP header, a repeated sequence number on the sending side (naming allow_repeat_tx),
the replay-window floor of RFC 3711 3.3.2, a message on InvalidTag, a hint when an SM2
ciphertext looks like the other encoding, and the name of a foreign key's curve."""
import os
import struct

import pytest

from ccfast import aead, sm2, srtp
from ccfast.exceptions import DecryptionError, InvalidTag, PacketError, ReplayError

from conftest import require

pytestmark = pytest.mark.cpu_independent

P = srtp.Profile


def rtp(seq=1, ssrc=0x11223344, payload=b"\xab" * 40, first=0x80):
    return struct.pack("!BBHII", first, 0, seq, 160 * seq, ssrc) + payload


# ---- SRTP ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", list(P))
def test_key_length_error_names_the_profile(profile):
    n = srtp.key_length(profile)
    with pytest.raises(ValueError, match=f"key must be {n} bytes .* for {profile.name}, not {n - 1}"):
        srtp.Session(profile, bytes(n - 1))
    with pytest.raises(ValueError, match=f"keying material must be {2 * n} bytes for {profile.name}, not 3"):
        srtp.keys_from_dtls(bytes(3), profile, True)


@pytest.mark.parametrize("packet,message", [
    (b"", "RTP packet shorter than the 12-byte header (0 bytes)"),
    (rtp()[:11], "RTP packet shorter than the 12-byte header (11 bytes)"),
    (rtp(first=0x40), "not an RTP packet: version 1, not 2"),
    (rtp(payload=b"")[:12] + bytes(7), "RTP packet of 19 bytes is shorter than its header with 2 CSRCs (20 bytes)"),
    (rtp(first=0x90, payload=b"\xbe\xde"), "ends inside its header extension"),
    (rtp(first=0x90, payload=b"\xbe\xde\x00\x05" + bytes(8)), "header extension of 20 bytes"),
])
def test_rtp_header_messages(packet, message):
    if message.startswith("RTP packet of 19"):
        packet = bytes([0x82]) + packet[1:]                   # two CSRCs announced, one and a bit there
    tx = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, bytes(30))
    for call in (tx.protect, tx.unprotect):
        with pytest.raises(PacketError, match=message.replace("(", r"\(").replace(")", r"\)")):
            call(packet)
    buf = bytearray(packet) + bytearray(64)
    with pytest.raises(PacketError, match="RTP|header"):
        tx.protect_into(buf, len(packet))
    errs = tx.unprotect_batch([packet])
    assert isinstance(errs[0], PacketError) and message.split("(")[0] in str(errs[0])
    with pytest.raises(PacketError, match="RTP|header"):
        tx.protect_batch([packet])


def test_rtcp_header_messages():
    s = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, bytes(30))
    with pytest.raises(PacketError, match=r"RTCP packet shorter than the 8-byte header \(7 bytes\)"):
        s.protect_rtcp(bytes([0x80, 200, 0, 1, 0, 0, 0]))
    with pytest.raises(PacketError, match="not an RTCP packet: version 0, not 2"):
        s.unprotect_rtcp(bytes(40))


def test_replay_on_the_sending_side_names_allow_repeat_tx():
    key = os.urandom(30)
    tx = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, key)
    tx.protect(rtp(5))
    for call in (lambda: tx.protect(rtp(5)), lambda: tx.protect_batch([rtp(5)]),
                 lambda: tx.protect_into(bytearray(rtp(5)) + bytearray(10), len(rtp(5)))):
        with pytest.raises(ReplayError, match="repeated sequence number on protect") as ei:
            call()
        assert "allow_repeat_tx" in str(ei.value)
    # the receiving side keeps its own message
    rx = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, key)
    p = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, key).protect(rtp(9))
    rx.unprotect(p)
    with pytest.raises(ReplayError, match="replayed or outside the replay window") as ei:
        rx.unprotect(p)
    assert "allow_repeat_tx" not in str(ei.value)
    assert isinstance(rx.unprotect_batch([p])[0], ReplayError)
    assert "protect" not in str(rx.unprotect_batch([p])[0])
    # and the flag does what the message says
    again = srtp.Session(P.AES_CM_128_HMAC_SHA1_80, key, allow_repeat_tx=True)
    assert again.protect(rtp(5)) == again.protect(rtp(5))


@pytest.mark.parametrize("window", [0, 1, 32, 63])
def test_replay_window_below_64_is_refused_with_the_reason(window):
    with pytest.raises(ValueError, match=r"replay_window must be 64\.\.32768, not %d .*RFC 3711 3\.3\.2" % window):
        srtp.Session(P.AES_CM_128_HMAC_SHA1_80, bytes(30), replay_window=window)
    srtp.Session(P.AES_CM_128_HMAC_SHA1_80, bytes(30), replay_window=64)


# ---- AEAD ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [lambda: aead.AESGCM(bytes(16)), lambda: aead.SM4GCM(bytes(16)),
                                  lambda: aead.SM4CCM(bytes(16))])
def test_invalid_tag_has_a_message(make):
    g = make()
    ct = bytearray(g.encrypt(bytes(12), b"data", b"aad"))
    ct[-1] ^= 1
    with pytest.raises(InvalidTag) as ei:
        g.decrypt(bytes(12), bytes(ct), b"aad")
    assert "tag did not verify" in str(ei.value) and "no plaintext" in str(ei.value)
    assert str(InvalidTag("custom")) == "custom"


# ---- SM2 ----------------------------------------------------------------------------------------

def test_sm2_decrypt_hints_at_the_other_encoding():
    key = sm2.generate_private_key()
    pub = key.public_key()
    der, raw = pub.encrypt(b"secret", encoding="der"), pub.encrypt(b"secret")
    with pytest.raises(DecryptionError, match="encoding='der'") as ei:
        key.decrypt(der)
    bad = bytearray(der)
    bad[-1] ^= 1                                   # the hint depends on the first byte only
    with pytest.raises(DecryptionError) as ei2:
        key.decrypt(bytes(bad))
    assert str(ei.value) == str(ei2.value)
    with pytest.raises(DecryptionError, match="encoding='raw'"):
        key.decrypt(raw, encoding="der")
    tampered = bytearray(raw)
    tampered[70] ^= 1
    with pytest.raises(DecryptionError) as ei3:
        key.decrypt(bytes(tampered))
    assert "mode=" in str(ei3.value) and "0x30" not in str(ei3.value)


@pytest.fixture(scope="module")
def serialization():
    return require("cryptography.hazmat.primitives.serialization")


def _foreign_keys():
    ec = require("cryptography.hazmat.primitives.asymmetric.ec")
    ed25519 = require("cryptography.hazmat.primitives.asymmetric.ed25519")
    rsa = require("cryptography.hazmat.primitives.asymmetric.rsa")
    return [
        (ec.generate_private_key(ec.SECP256R1()), "NIST P-256 (prime256v1, secp256r1), OID 1.2.840.10045.3.1.7"),
        (ec.generate_private_key(ec.SECP384R1()), "NIST P-384 (secp384r1), OID 1.3.132.0.34"),
        (ec.generate_private_key(ec.SECP256K1()), "secp256k1, OID 1.3.132.0.10"),
        (ed25519.Ed25519PrivateKey.generate(), "Ed25519, OID 1.3.101.112"),
        (rsa.generate_private_key(65537, 1024), "RSA (rsaEncryption), OID 1.2.840.113549.1.1.1"),
    ]


def test_foreign_keys_name_their_curve(serialization):
    S = serialization
    for key, name in _foreign_keys():
        pkcs8 = key.private_bytes(S.Encoding.PEM, S.PrivateFormat.PKCS8, S.NoEncryption())
        spki = key.public_key().public_bytes(S.Encoding.PEM, S.PublicFormat.SubjectPublicKeyInfo)
        with pytest.raises(ValueError, match="not an SM2 key") as ei:
            sm2.load_pem_private_key(pkcs8)
        assert name in str(ei.value)
        with pytest.raises(ValueError, match="not an SM2 key") as ei:
            sm2.load_pem_public_key(spki)
        assert name in str(ei.value)
        if "OID 1.2.840.10045" in name or "OID 1.3.132" in name:      # SEC1 'EC PRIVATE KEY' too
            sec1 = key.private_bytes(S.Encoding.PEM, S.PrivateFormat.TraditionalOpenSSL, S.NoEncryption())
            with pytest.raises(ValueError, match="not an SM2 key") as ei:
                sm2.load_pem_private_key(sec1)
            assert name in str(ei.value)
