"""The jitter-buffer command-line pieces: demo and speed rows run and report sensible numbers."""
import pytest

pytestmark = pytest.mark.cpu_independent


def test_demo_runs(capsys):
    from ccfast._cli.demo import run
    assert run(6.0, 2) == 0
    out = capsys.readouterr().out
    assert "played:" in out and "buffering delay" in out and "cost per packet" in out
    assert "SRTP" in out
    played = int(out.split("played: ")[1].split(" audio")[0])
    assert 250 < played <= 300


def test_demo_deterministic(capsys):
    from ccfast._cli.demo import run
    run(3.0, 5)
    a = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("cost")]
    run(3.0, 5)
    b = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("cost")]
    assert a == b


def test_speed_rows():
    from ccfast._cli import speed_jitter

    def measure(fn, nbytes):
        fn()
        return (1e-3, 0.0)
    rows = list(speed_jitter.rows(measure))
    assert [r.name for r in rows] == ["jitter put+get per packet", "jitter put_batch+get_until per packet"]
    assert rows[0].ccfast[0] == pytest.approx(1e-6)


def test_netsim_deterministic():
    from ccfast._netsim import SCENARIOS, simulate
    for sc in SCENARIOS:
        sc2 = type(sc)(**{**sc.__dict__, "seconds": 10.0})
        a = simulate(sc2)[1]
        b = simulate(sc2)[1]
        assert [(p.seq, p.arrival_ms) for p in a] == [(p.seq, p.arrival_ms) for p in b]
        assert all(p.arrival_ms >= p.send_ms for p in a)


def test_demo_with_srtp_session(monkeypatch, capsys):
    # The SRTP branch, exercised with a stand-in that has ccfast.srtp's shape (protect appends a
    # 10-byte tag, unprotect checks and strips it and refuses replays), so the demo is ready for
    # the real module.
    import enum
    import sys
    import types

    class Profile(enum.IntEnum):
        AES_CM_128_HMAC_SHA1_80 = 1

    class Session:
        def __init__(self, profile, key):
            assert profile == Profile.AES_CM_128_HMAC_SHA1_80 and len(key) == 30
            self.seen = set()

        def protect(self, rtp):
            return rtp + b"T" * 10

        def unprotect(self, pkt):
            if pkt[-10:] != b"T" * 10:
                raise ValueError("auth")
            if pkt[:12] in self.seen:
                raise ValueError("replay")
            self.seen.add(pkt[:12])
            return pkt[:-10]

    fake = types.ModuleType("ccfast.srtp")
    fake.Profile, fake.Session = Profile, Session
    monkeypatch.setitem(sys.modules, "ccfast.srtp", fake)
    import ccfast
    monkeypatch.setattr(ccfast, "srtp", fake, raising=False)
    from ccfast._cli.demo import run
    assert run(5.0, 3) == 0
    out = capsys.readouterr().out
    assert "SRTP: AES_CM_128_HMAC_SHA1_80" in out and "SRTP unprotect:" in out and "protect" in out
