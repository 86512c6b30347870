"""ccfast.compat.pylibsrtp beside the real pylibsrtp: the same script gives the same packets and
the same kinds of errors, and each side unprotects what the other protected."""
import os
import struct

import pytest

from ccfast.compat import pylibsrtp as compat

from conftest import require

real = require("pylibsrtp")

PROFILES = ["SRTP_PROFILE_AES128_CM_SHA1_80", "SRTP_PROFILE_AES128_CM_SHA1_32",
            "SRTP_PROFILE_AEAD_AES_128_GCM", "SRTP_PROFILE_AEAD_AES_256_GCM"]


def rtp(seq, ssrc=0x1234):
    return struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF, seq * 160, ssrc) + bytes(range(100))


def rtcp(ssrc=0x1234):
    return struct.pack("!BBHI", 0x80, 200, 6, ssrc) + bytes(20)


def test_constants_match():
    for name in PROFILES + ["SSRC_UNDEFINED", "SSRC_SPECIFIC", "SSRC_ANY_INBOUND", "SSRC_ANY_OUTBOUND"]:
        assert getattr(compat.Policy, name) == getattr(real.Policy, name), name


@pytest.mark.parametrize("profile", PROFILES)
def test_same_script_same_packets(profile):
    prof = getattr(real.Policy, profile)
    key = os.urandom(46)               # longer than needed: both use the leading bytes
    sessions = {}
    for mod in (compat, real):
        tx = mod.Session(mod.Policy(key=key, ssrc_type=mod.Policy.SSRC_ANY_OUTBOUND, srtp_profile=prof))
        rx = mod.Session(mod.Policy(key=key, ssrc_type=mod.Policy.SSRC_ANY_INBOUND, srtp_profile=prof))
        sessions[mod] = (tx, rx)
    for seq in list(range(65530, 65536)) + list(range(0, 6)):
        a = sessions[compat][0].protect(rtp(seq))
        b = sessions[real][0].protect(rtp(seq))
        assert a == b
        assert sessions[real][1].unprotect(a) == rtp(seq)
        assert sessions[compat][1].unprotect(b) == rtp(seq)
    a, b = sessions[compat][0].protect_rtcp(rtcp()), sessions[real][0].protect_rtcp(rtcp())
    assert a == b and sessions[compat][1].unprotect_rtcp(b) == rtcp()
    # the same errors: replay, tamper, short packets
    for mod in (compat, real):
        rx = sessions[mod][1]
        with pytest.raises(mod.Error):
            rx.unprotect(b"\x80" * 8)
    for mod, seq in ((compat, 100), (real, 200)):
        rx = sessions[mod][1]
        p = sessions[real][0].protect(rtp(seq))
        rx.unprotect(p)
        with pytest.raises(mod.Error, match="replay"):
            rx.unprotect(p)
        bad = bytearray(sessions[real][0].protect(rtp(seq + 1)))
        bad[-1] ^= 1
        with pytest.raises(mod.Error, match="auth"):
            rx.unprotect(bytes(bad))


def test_policy_and_streams_like_pylibsrtp():
    for mod in (compat, real):
        pol = mod.Policy()
        assert pol.key is None and pol.allow_repeat_tx is False and pol.window_size == 0
        with pytest.raises(TypeError):
            pol.key = "x" * 30
        with pytest.raises(ValueError):
            pol.key = bytes(29)
        key = os.urandom(30)
        s = mod.Session()
        with pytest.raises(mod.Error):
            s.protect(rtp(1))                  # no stream
        s.add_stream(mod.Policy(key=key, ssrc_type=mod.Policy.SSRC_SPECIFIC, ssrc_value=0x1234))
        out = s.protect(rtp(1))
        with pytest.raises(mod.Error):
            s.protect(rtp(1, ssrc=99))
        s.remove_stream(0x1234)
        with pytest.raises(mod.Error):
            s.protect(rtp(2))
        with pytest.raises(TypeError):
            s.protect(bytearray(rtp(1)))
        with pytest.raises(ValueError):
            s.protect(bytes(1500))
        r = real.Session(real.Policy(key=key, ssrc_type=real.Policy.SSRC_ANY_INBOUND))
        assert r.unprotect(bytes(out)) == rtp(1)
