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
NULL_SHA1_80 = 5         # libsrtp's srtp_profile_null_sha1_80 (pylibsrtp names no constant for it)


def rtp(seq, ssrc=0x1234):
    return struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF, seq * 160, ssrc) + bytes(range(100))


def rtcp(ssrc=0x1234):
    return struct.pack("!BBHI", 0x80, 200, 6, ssrc) + bytes(20)


def test_constants_match():
    for name in PROFILES + ["SSRC_UNDEFINED", "SSRC_SPECIFIC", "SSRC_ANY_INBOUND", "SSRC_ANY_OUTBOUND"]:
        assert getattr(compat.Policy, name) == getattr(real.Policy, name), name


@pytest.mark.parametrize("profile", PROFILES + [NULL_SHA1_80])
def test_same_script_same_packets(profile):
    prof = profile if isinstance(profile, int) else getattr(real.Policy, profile)
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


def test_version():
    assert isinstance(compat.__version__, str) and "__version__" in compat.__all__
    assert compat.__version__.split(".")[0] == real.__version__.split(".")[0]


def _outcome(call):
    try:
        r = call()
    except Exception as exc:           # the kind of failure, and libsrtp's text for Error
        return type(exc).__name__ + (f": {exc}" if type(exc).__name__ == "Error" else "")
    return "ok" if r is None else r


@pytest.mark.parametrize("profile", [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x10001, 1 << 32, 1.0, "1", None])
def test_profiles_accepted_as_pylibsrtp_accepts_them(profile):
    got = [_outcome(lambda mod=mod: mod.Policy(srtp_profile=profile).srtp_profile) for mod in (compat, real)]
    assert got[0] == got[1]


FIELD_VALUES = [0, 1, 63, 64, 12345, 0x7FFF, 0x8000, (1 << 32) - 1, 1 << 32, (1 << 64) - 1, 1 << 64,
                -1, 1.5, "7", None, True]


@pytest.mark.parametrize("field", ["ssrc_value", "ssrc_type", "window_size"])
def test_out_of_range_fields_raise_at_once_as_pylibsrtp_does(field):
    for value in FIELD_VALUES:
        got = []
        for mod in (compat, real):
            pol = mod.Policy()
            got.append(_outcome(lambda: setattr(pol, field, value)))
            if got[-1] == "ok":
                got[-1] = getattr(pol, field)
        assert got[0] == got[1], (field, value, got)
    if field != "window_size":                       # the constructor checks the same way
        for value in (-5, 1 << 33, "x", 1.5):
            got = [_outcome(lambda mod=mod: mod.Policy(**{field: value}) and None) for mod in (compat, real)]
            assert got[0] == got[1] != "ok", (field, value, got)


@pytest.mark.parametrize("window", [0, 1, 63, 64, 0x7FFF, 0x8000, 1 << 32])
@pytest.mark.parametrize("ssrc_type", [0, 1, 2, 3, 4])
def test_sessions_refuse_what_libsrtp_refuses(window, ssrc_type):
    key = os.urandom(30)
    got = []
    for mod in (compat, real):
        pol = mod.Policy(key=key, ssrc_type=ssrc_type, ssrc_value=7)
        pol.window_size = window
        got.append(_outcome(lambda: mod.Session(pol) and None))
    assert got[0] == got[1]


def test_remove_stream_an_any_ssrc_policy_made():
    key = os.urandom(30)
    log = {}
    for mod in (compat, real):
        out = log[mod] = []
        tx = mod.Session(mod.Policy(key=key, ssrc_type=mod.Policy.SSRC_ANY_OUTBOUND))
        rx = mod.Session(mod.Policy(key=key, ssrc_type=mod.Policy.SSRC_ANY_INBOUND))
        p1 = tx.protect(rtp(1))
        out.append(_outcome(lambda: rx.remove_stream(0x1234)))      # nothing authenticated yet
        out.append(rx.unprotect(p1) == rtp(1))
        out.append(_outcome(lambda: rx.unprotect(p1)))              # a replay ...
        out.append(_outcome(lambda: rx.remove_stream(0x1234)))      # ... until the stream goes
        out.append(rx.unprotect(p1) == rtp(1))                      # a fresh stream from the template
        out.append(_outcome(lambda: rx.remove_stream(0x1234)))
        out.append(_outcome(lambda: rx.remove_stream(0x1234)))      # gone
        out.append(_outcome(lambda: tx.remove_stream(0x1234)))
        out.append(tx.protect(rtp(1)) == p1)                        # the sender starts afresh too
        out.append(_outcome(lambda: tx.remove_stream(-1)))
        out.append(_outcome(lambda: tx.remove_stream(1 << 32)))
        out.append(_outcome(lambda: tx.remove_stream("1")))
    assert log[compat] == log[real]
    assert log[compat][:4] == ["Error: no appropriate context found", True,
                               "Error: replay check failed (bad index)", "ok"]


def test_null_profile_interoperates():
    key = os.urandom(30)
    c = compat.Session(compat.Policy(key=key, ssrc_type=compat.Policy.SSRC_ANY_OUTBOUND, srtp_profile=5))
    r = real.Session(real.Policy(key=key, ssrc_type=real.Policy.SSRC_ANY_INBOUND, srtp_profile=5))
    p = c.protect(rtp(3))
    assert p[12:-10] == rtp(3)[12:] and r.unprotect(p) == rtp(3)     # authenticated, not encrypted
    assert r.unprotect_rtcp(c.protect_rtcp(rtcp())) == rtcp()


def test_duplicate_specific_stream_is_refused_on_purpose():
    # libsrtp keeps both streams of one SSRC and uses one of them; this layer refuses the second
    key = os.urandom(30)
    s = compat.Session(compat.Policy(key=key, ssrc_type=compat.Policy.SSRC_SPECIFIC, ssrc_value=5))
    with pytest.raises(compat.Error, match="unsupported parameter"):
        s.add_stream(compat.Policy(key=os.urandom(30), ssrc_type=compat.Policy.SSRC_SPECIFIC, ssrc_value=5))
