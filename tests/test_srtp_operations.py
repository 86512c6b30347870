"""SRTP sessions run for months (ccfast.srtp): Session.from_sdes, several master keys told apart
by MKI (rekeying without a gap), key lifetimes and the RFC 3711 limits (2^48 SRTP, 2^31 SRTCP
packets per master key, reached through the private test hook Session._set_key_usage), stream
management and the stream cap (a million forged SSRCs leave no state), events (on_event) and the
rate-limited `ccfast.srtp` logger."""
import base64
import gc
import logging
import os
import resource
import struct
import threading
import time

import pytest

from ccfast import _srtp, srtp
from ccfast.exceptions import AuthenticationError, KeyLimitError, PacketError, ReplayError, SRTPError
from ccfast.srtp import Profile, Session

pytestmark = pytest.mark.cpu_independent

CM = Profile.AES_CM_128_HMAC_SHA1_80
GCM = Profile.AEAD_AES_128_GCM
K1, K2 = bytes(range(30)), bytes(range(100, 130))


def rtp(seq, ssrc=0x11223344, payload=b"\xab" * 40):
    return struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF, seq * 160, ssrc) + payload


def rtcp(ssrc=0x11223344):
    return struct.pack("!BBHI", 0x80, 200, 6, ssrc) + bytes(20)


class Events(list):
    def __call__(self, event, ssrc, detail):
        self.append((event, ssrc, detail))

    def named(self, name):
        return [e for e in self if e[0] == name]


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    _srtp._log_limit.reset()
    yield
    _srtp._log_limit.reset()


# ---- Session.from_sdes ---------------------------------------------------------------------------

def test_from_sdes_takes_key_kdr_mki_lifetime():
    b64 = base64.b64encode(K1).decode()
    line = f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{b64}|2^4|7:2 KDR=2"
    tx, rx = Session.from_sdes(line), Session.from_sdes(srtp.parse_sdes(line))
    same = Session(CM, K1, kdr=4, mki=b"\x00\x07", lifetime=16)
    for seq in range(10):
        p = tx.protect(rtp(seq))
        assert p == same.protect(rtp(seq)) and p[-12:-10] == b"\x00\x07"
        assert rx.unprotect(p) == rtp(seq)
    assert tx.master_keys()[0]["rtp_limit"] == 16
    for seq in range(10, 16):
        tx.protect(rtp(seq))
    with pytest.raises(KeyLimitError):
        tx.protect(rtp(16))


def test_from_sdes_session_parameters():
    b64 = base64.b64encode(K1).decode()
    quiet = Session.from_sdes(f"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:{b64} UNENCRYPTED_SRTCP")
    p = quiet.protect_rtcp(rtcp())
    assert p[8:28] == rtcp()[8:28] and p[28] & 0x80 == 0                # E = 0: not encrypted
    assert Session(CM, K1).unprotect_rtcp(p) == rtcp()
    small = Session.from_sdes(f"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:{b64} WSH=64")
    big = Session.from_sdes(f"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:{b64} WSH=64", replay_window=1000)
    tx = Session(CM, K1)
    pkts = [tx.protect(rtp(s)) for s in range(200)]
    for rx in (small, big):
        rx.unprotect(pkts[199])
    with pytest.raises(ReplayError):
        small.unprotect(pkts[100])                   # 99 behind a 64-packet window
    assert big.unprotect(pkts[100]) == rtp(100)
    for bad, exc in (({"kdr": 0}, TypeError), ({"key": K1}, TypeError), ({"mki": b"1"}, TypeError),
                     ({"lifetime": 5}, TypeError), ({"rtcp_encrypt": True}, TypeError)):
        with pytest.raises(exc, match="comes from the crypto attribute"):
            Session.from_sdes(f"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:{b64}", **bad)
    for param in ("UNENCRYPTED_SRTP", "UNAUTHENTICATED_SRTP", "FEC_ORDER=FEC_SRTP", "WSH=10", "WSH=x"):
        with pytest.raises(ValueError):
            Session.from_sdes(f"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:{b64} {param}")
    with pytest.raises(TypeError):
        Session.from_sdes(b"a=crypto:1 ...")
    with pytest.raises(ValueError, match="lifetime of 0"):
        Session.from_sdes(f"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:{b64}|0")
    with pytest.raises(ValueError):
        Session.from_sdes(srtp.SdesCrypto(1, CM, K1, lifetime=0))
    assert isinstance(Session.from_sdes(f"crypto:3 AEAD_SM4_GCM inline:{base64.b64encode(bytes(28)).decode()}"), Session)


# ---- several master keys (MKI) ------------------------------------------------------------------

@pytest.mark.parametrize("profile,kdr", [(CM, 0), (GCM, 0), (CM, 16), (Profile.AEAD_SM4_GCM, 4)])
def test_rekey_without_gap(profile, kdr):
    n = srtp.key_length(profile)
    k1, k2 = K1[:n] if n <= 30 else os.urandom(n), bytes(reversed(K1[:n]))
    tx = Session(profile, k1, mki=b"\x00\x01", kdr=kdr)
    rx = Session(profile, k1, mki=b"\x00\x01", kdr=kdr)
    sent = [(s, tx.protect(rtp(s))) for s in range(65530, 65536)]          # old key, ROC 0
    tx.add_master_key(k2, b"\x00\x02")
    rx.add_master_key(k2, b"\x00\x02")
    sent += [(s, tx.protect(rtp(s))) for s in range(0, 4)]                  # still the old key
    tx.use_master_key(b"\x00\x02")
    fresh = [(s, tx.protect(rtp(s))) for s in range(4, 20)]                  # the new key, ROC 1
    assert all(p[-(2 + (16 if profile != CM else 10)):][:2] == b"\x00\x02" for _, p in fresh) if profile == CM \
        else all(p[-2:] == b"\x00\x02" for _, p in fresh)
    # some new-key packets arrive before the last old-key ones (late, inside the window)
    for s, p in sent[:6] + fresh[:8] + sent[6:] + fresh[8:]:
        assert rx.unprotect(p) == rtp(s)
    assert rx.stats[0x11223344]["roc"] == 1
    ctl_old = tx.protect_rtcp(rtcp())
    assert rx.unprotect_rtcp(ctl_old) == rtcp()
    rx.remove_master_key(b"\x00\x01")
    late = Session(profile, k1, mki=b"\x00\x01", kdr=kdr)
    with pytest.raises(AuthenticationError, match="MKI"):
        rx.unprotect(late.protect(rtp(30)))
    assert rx.stats[0x11223344]["authenticated"] == 26
    assert [(k["mki"], k["sending"]) for k in rx.master_keys()] == [(b"\x00\x02", True)]
    assert [k["mki"] for k in tx.master_keys()] == [b"\x00\x02", b"\x00\x01"]
    assert tx.master_keys()[0]["sending"] and tx.master_keys()[0]["rtp_packets"] == 16


def test_rekeyed_packets_equal_a_fresh_session():
    tx = Session(GCM, K1[:28], mki=b"\x09")
    tx.add_master_key(K2[:28], b"\x0a", lifetime=1000)
    tx.use_master_key(b"\x0a")
    assert tx.protect(rtp(5)) == Session(GCM, K2[:28], mki=b"\x0a").protect(rtp(5))
    assert tx.master_keys()[0]["rtp_limit"] == 1000


def test_master_key_errors():
    s = Session(CM, K1, mki=b"\x01\x02")
    for call, exc, match in ((lambda: Session(CM, K1).add_master_key(K2, b"\x01"), ValueError, "without an MKI"),
                             (lambda: s.add_master_key(K2, b"\x01"), ValueError, "2 bytes"),
                             (lambda: s.add_master_key(K2, b"\x01\x02"), ValueError, "already"),
                             (lambda: s.add_master_key(K2[:29], b"\x01\x03"), ValueError, "30 bytes"),
                             (lambda: s.add_master_key("k" * 30, b"\x01\x03"), TypeError, None),
                             (lambda: s.add_master_key(K2, "ab"), TypeError, None),
                             (lambda: s.add_master_key(K2, None), TypeError, None),
                             (lambda: s.add_master_key(K2, b"\x01\x03", lifetime=0), ValueError, None),
                             (lambda: s.use_master_key(b"\x09\x09"), ValueError, "no master key"),
                             (lambda: s.remove_master_key(b"\x01\x02"), ValueError, "only master key"),
                             (lambda: s.remove_master_key(b"\x09\x09"), ValueError, "no master key")):
        with pytest.raises(exc, match=match):
            call()
    assert [k["mki"] for k in s.master_keys()] == [b"\x01\x02"]
    assert s.protect(rtp(1))


# ---- lifetimes and the RFC 3711 limits ------------------------------------------------------------

def test_lifetime_event_then_refusal():
    ev = Events()
    tx = Session(CM, K1, lifetime=16, on_event=ev)
    for seq in range(16):
        tx.protect(rtp(seq))
    soft = ev.named("key_limit")
    assert len(soft) == 1 and soft[0][2]["expired"] is False and soft[0][2]["used"] == 15
    assert soft[0][2]["limit"] == 16 and soft[0][2]["remaining"] == 1 and soft[0][1] == 0x11223344
    before = tx.stats
    for _ in range(3):
        with pytest.raises(KeyLimitError, match="switch to a new master key"):
            tx.protect(rtp(16))
        with pytest.raises(KeyLimitError):
            tx.protect_rtcp(rtcp())                  # the key is spent for SRTCP too
    assert tx.stats == before
    hard = [e for e in ev.named("key_limit") if e[2]["expired"]]
    assert len(hard) == 1 and hard[0][2]["kind"] == "rtp"
    rx = Session(CM, K1, lifetime=4)
    src = Session(CM, K1)
    pkts = [src.protect(rtp(s)) for s in range(6)]
    for p in pkts[:4]:
        rx.unprotect(p)
    with pytest.raises(KeyLimitError):
        rx.unprotect(pkts[4])
    assert rx.stats[0x11223344]["authenticated"] == 4


def test_spent_key_replaced_by_a_new_one():
    tx = Session(CM, K1, mki=b"\x01", lifetime=2)
    tx.protect(rtp(1))
    tx.protect(rtp(2))
    with pytest.raises(KeyLimitError):
        tx.protect(rtp(3))
    tx.add_master_key(K2, b"\x02")
    tx.use_master_key(b"\x02")
    rx = Session(CM, K2, mki=b"\x02")
    assert rx.unprotect(tx.protect(rtp(3))) == rtp(3)


def test_rfc3711_limits():
    ev = Events()
    tx = Session(GCM, K1[:28], on_event=ev)
    tx._set_key_usage(rtp=(1 << 48) - 2)
    tx.protect(rtp(1))
    tx.protect(rtp(2))
    assert [e[2]["used"] for e in ev.named("key_limit")] == [(1 << 48) - 1]
    with pytest.raises(KeyLimitError):
        tx.protect(rtp(3))
    assert tx.master_keys()[0]["rtp_packets"] == 1 << 48 and tx.master_keys()[0]["rtp_limit"] == 1 << 48
    ctl = Session(CM, K1, on_event=ev)
    ctl._set_key_usage(rtcp=(1 << 31) - 1)
    ctl.protect_rtcp(rtcp())
    with pytest.raises(KeyLimitError):
        ctl.protect_rtcp(rtcp())
    with pytest.raises(KeyLimitError):
        ctl.protect(rtp(1))
    assert ctl.master_keys()[0]["rtcp_limit"] == 1 << 31
    assert [e[2]["kind"] for e in ev.named("key_limit")][-2:] == ["rtcp", "rtcp"]
    # a lifetime above the RFC limits leaves them in force
    big = Session(CM, K1, lifetime=1 << 60)
    assert big.master_keys()[0]["rtp_limit"] == 1 << 48 and big.master_keys()[0]["rtcp_limit"] == 1 << 31


@pytest.mark.parametrize("bad,exc", [(0, ValueError), (-5, ValueError), (1.5, TypeError), (True, TypeError),
                                     ("16", TypeError)])
def test_lifetime_argument(bad, exc):
    with pytest.raises(exc):
        Session(CM, K1, lifetime=bad)


# ---- streams ---------------------------------------------------------------------------------------

def test_streams_and_remove_stream():
    tx, rx = Session(CM, K1), Session(CM, K1)
    for ssrc in (30, 10, 20):
        rx.unprotect(tx.protect(rtp(5, ssrc)))
    assert rx.streams() == [10, 20, 30] and tx.streams() == [10, 20, 30]
    old = tx.protect(rtp(6, 20))
    rx.unprotect(old)
    rx.remove_stream(20)
    assert rx.streams() == [10, 30] and 20 not in rx.stats
    assert rx.unprotect(old) == rtp(6, 20)             # a new stream: its history went with it
    with pytest.raises(ValueError, match="no stream"):
        rx.remove_stream(99)
    for bad in ("20", 2.0, None):
        with pytest.raises(TypeError):
            rx.remove_stream(bad)


def test_stream_cap():
    ev = Events()
    tx = Session(CM, K1)
    rx = Session(CM, K1, max_streams=3, on_event=ev)
    pkts = {ssrc: tx.protect(rtp(1, ssrc)) for ssrc in range(1, 6)}
    for ssrc in (1, 2, 3):
        rx.unprotect(pkts[ssrc])
    with pytest.raises(SRTPError, match="max_streams=3"):
        rx.unprotect(pkts[4])
    assert ev.named("stream_limit") == [("stream_limit", 4, {"max_streams": 3})]
    assert [e[1] for e in ev.named("new_stream")] == [1, 2, 3]
    res = rx.unprotect_batch([pkts[4], pkts[5]])
    assert all(type(r) is SRTPError for r in res)
    rx.remove_stream(2)
    assert rx.unprotect(pkts[4]) == rtp(1, 4)
    assert rx.streams() == [1, 3, 4]
    small_tx = Session(CM, K1, max_streams=1)
    small_tx.protect(rtp(1, 1))
    with pytest.raises(SRTPError, match="stream limit"):
        small_tx.protect(rtp(1, 2))
    for bad, exc in ((0, ValueError), (1.0, TypeError), (1 << 50, OverflowError)):
        with pytest.raises(exc):
            Session(CM, K1, max_streams=bad)


def test_million_forged_ssrcs_leave_no_state():
    """Forged packets of a million SSRCs: refused, no stream, memory flat."""
    np = pytest.importorskip("numpy")
    rx = Session(CM, K1, max_streams=1000)
    legit = Session(CM, K1).protect(rtp(1, 0xABC))
    tmpl = bytearray(legit)
    tmpl[-1] ^= 1                                  # every forged packet fails its tag
    chunk = 10000
    rows = np.tile(np.frombuffer(bytes(tmpl), np.uint8), (chunk, 1))
    lengths = np.zeros(chunk, np.int32)

    def flood(first, count):
        refused = 0
        for start in range(first, first + count, chunk):
            rows[:, 8:12] = np.arange(start, start + chunk, dtype=">u4").view(np.uint8).reshape(chunk, 4)
            lengths[:] = len(tmpl)
            refused += sum(type(e) is AuthenticationError for e in rx.unprotect_batch_into(rows, lengths))
        return refused

    flood(1 << 28, 2 * chunk)                      # warm up the allocator's pools
    gc.collect()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    objects0 = len(gc.get_objects())
    assert flood(1, 1_000_000) == 1_000_000
    gc.collect()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert rx.streams() == [] and rx.stats == {}
    assert len(gc.get_objects()) - objects0 < 100
    assert rss1 - rss0 < 16 * 1024, (rss0, rss1)   # KiB (peak RSS): nothing per forged SSRC stays
    assert rx.unprotect(legit) == rtp(1, 0xABC)      # and the session still works


# ---- events and logging -------------------------------------------------------------------------

def test_events():
    ev = Events()
    key = K1[:28]
    tx = Session(GCM, key, mki=b"\x05", on_event=ev)
    rx = Session(GCM, key, mki=b"\x05")
    rx.on_event = ev
    assert rx.on_event is ev
    p1 = tx.protect(rtp(1))
    assert ev == [("new_stream", 0x11223344, {"direction": "outbound"})]
    rx.unprotect(p1)
    assert ev[-1] == ("new_stream", 0x11223344, {"direction": "inbound"})
    with pytest.raises(ReplayError):
        rx.unprotect(p1)
    assert ev[-1] == ("replay", 0x11223344, {"kind": "rtp", "direction": "inbound"})
    bad = bytearray(tx.protect(rtp(2)))
    bad[20] ^= 1
    with pytest.raises(AuthenticationError):
        rx.unprotect(bytes(bad))
    assert ev[-1] == ("auth_failure", 0x11223344, {"kind": "rtp", "reason": "tag"})
    bad[-1] ^= 1                                    # MKI 0x04
    with pytest.raises(AuthenticationError):
        rx.unprotect(bytes(bad))
    assert ev[-1] == ("auth_failure", 0x11223344, {"kind": "rtp", "reason": "unknown_mki"})
    with pytest.raises(PacketError):
        rx.unprotect(rtp(3)[:5])
    assert ev[-1][0] == "malformed"
    with pytest.raises(ReplayError):
        tx.protect(rtp(1))
    assert ev[-1] == ("replay", 0x11223344, {"kind": "rtp", "direction": "outbound"})
    c = tx.protect_rtcp(rtcp())
    rx.unprotect_rtcp(c)
    with pytest.raises(ReplayError):
        rx.unprotect_rtcp(c)
    assert ev[-1] == ("replay", 0x11223344, {"kind": "rtcp", "direction": "inbound"})
    # batches report each failure
    n = len(ev)
    res = rx.unprotect_batch([bytes(bad), p1, b"\x80\x00"])
    assert [type(r) for r in res] == [AuthenticationError, ReplayError, PacketError]
    assert [e[0] for e in ev[n:]] == ["auth_failure", "replay"]
    rx.on_event = None
    rx.unprotect_batch([bytes(bad)])
    assert len(ev) == n + 2
    with pytest.raises(TypeError):
        rx.on_event = 5
    with pytest.raises(TypeError):
        Session(GCM, key, on_event="print")


def test_event_handler_may_call_the_session_and_may_fail(caplog):
    key = K1
    tx = Session(CM, key)
    seen = []

    def handler(event, ssrc, detail):
        seen.append((event, rx.streams()))           # outside the lock: no deadlock
        if event == "new_stream":
            raise RuntimeError("operator bug")

    rx = Session(CM, key, on_event=handler)
    with caplog.at_level(logging.ERROR, logger="ccfast.srtp"):
        assert rx.unprotect(tx.protect(rtp(1))) == rtp(1)
    assert seen == [("new_stream", [0x11223344])]
    assert any("on_event callback raised" in r.getMessage() for r in caplog.records)


def test_log_flood_is_rate_limited(caplog):
    rx = Session(CM, K1)
    forged = bytearray(Session(CM, K1).protect(rtp(1)))
    forged[-1] ^= 1
    with caplog.at_level(logging.INFO, logger="ccfast.srtp"):
        t0 = time.monotonic()
        for _ in range(20):
            rx.unprotect_batch([bytes(forged)] * 2500)          # 50,000 forged packets
        for _ in range(200):
            with pytest.raises(AuthenticationError):
                rx.unprotect(bytes(forged))
        elapsed = time.monotonic() - t0
    records = [r for r in caplog.records if "auth_failure" in r.getMessage()]
    assert 10 <= len(records) <= 10 + int(elapsed) + 2, (len(records), elapsed)
    assert all(r.levelno == logging.WARNING for r in records)
    assert "SSRC 0x11223344" in records[0].getMessage() and K1.hex() not in records[0].getMessage()
    time.sleep(1.1)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="ccfast.srtp"):
        with pytest.raises(AuthenticationError):
            rx.unprotect(bytes(forged))
    msgs = [r.getMessage() for r in caplog.records]
    assert len(msgs) == 1 and "more auth_failure events suppressed" in msgs[0]


def test_logging_levels(caplog):
    tx, rx = Session(CM, K1, lifetime=2), Session(CM, K1)
    with caplog.at_level(logging.INFO, logger="ccfast.srtp"):
        p = tx.protect(rtp(1))
        rx.unprotect(p)
        with pytest.raises(ReplayError):
            rx.unprotect(p)
        tx.protect(rtp(2))
        with pytest.raises(KeyLimitError):
            tx.protect(rtp(3))
    levels = {r.getMessage().split(":")[0]: r.levelno for r in caplog.records}
    assert levels["SRTP new_stream"] == logging.INFO and levels["SRTP replay"] == logging.INFO
    assert any(r.levelno == logging.ERROR and "expired=True" in r.getMessage() for r in caplog.records)
    assert logging.getLogger("ccfast.srtp").handlers     # a NullHandler: silent unless configured


def test_events_across_threads():
    ev = Events()
    lock = threading.Lock()

    def handler(*a):
        with lock:
            ev(*a)

    tx = Session(CM, K1)
    rx = Session(CM, K1, on_event=handler)
    pkts = {ssrc: [tx.protect(rtp(s, ssrc)) for s in range(50)] for ssrc in range(1, 9)}

    def work(ssrc):
        for p in pkts[ssrc]:
            rx.unprotect(p)
            with pytest.raises(ReplayError):
                rx.unprotect(p)

    ts = [threading.Thread(target=work, args=(s,)) for s in pkts]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert sorted(e[1] for e in ev.named("new_stream")) == list(range(1, 9))
    assert len(ev.named("replay")) == 400
