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


def _report(out):
    """The demo's report lines, continuation lines joined, the timing line left out."""
    lines = []
    for line in out.splitlines():
        if line.startswith("    ") and lines:
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    return [line for line in lines if not line.startswith("cost")]


def test_demo_deterministic(capsys):
    from ccfast._cli.demo import run
    run(3.0, 5)
    a = _report(capsys.readouterr().out)
    run(3.0, 5)
    b = _report(capsys.readouterr().out)
    assert a == b


@pytest.mark.parametrize("seconds,seed", [(30.0, 4), (10.0, 1)])
def test_demo_counts_late_packets_once(capsys, seconds, seed):
    import re
    from ccfast._cli.demo import run
    assert run(seconds, seed) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 100
    rep = {line.split(":")[0]: line for line in _report(out)}
    assert "late" not in rep["put results"]                 # one late count, in the late line
    m = re.search(r"late: (\d+) packets .*\((\d+) arrived after .*, (\d+) while", rep["late"])
    late, on_arrival, waited = map(int, m.groups())
    assert late == on_arrival + waited
    net = re.search(r"network: (\d+) of \d+ packets lost, (\d+) delivered \((.*)\)", rep["network"])
    lost, delivered, dup_text = int(net.group(1)), int(net.group(2)), net.group(3)
    dups = 0 if dup_text == "no duplicates" else int(dup_text.split()[0])
    srtp = re.search(r"SRTP unprotect: (\d+) ok, (\d+) refused", rep["SRTP unprotect"])
    assert int(srtp.group(1)) + int(srtp.group(2)) == delivered and int(srtp.group(2)) == dups
    concealed = int(re.search(r"(\d+) concealed", rep["played"]).group(1))
    assert concealed >= late and concealed >= lost
    if seconds == 30.0:
        assert dups == 1 and "(1 of them a duplicate)" in rep["network"] and late > 0


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

    class ReplayError(Exception):
        pass

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
                raise ReplayError("replay")
            self.seen.add(pkt[:12])
            return pkt[:-10]

    fake = types.ModuleType("ccfast.srtp")
    fake.Profile, fake.Session, fake.ReplayError = Profile, Session, ReplayError
    monkeypatch.setitem(sys.modules, "ccfast.srtp", fake)
    import ccfast
    monkeypatch.setattr(ccfast, "srtp", fake, raising=False)
    from ccfast._cli.demo import run
    assert run(5.0, 3) == 0
    out = capsys.readouterr().out
    assert "SRTP: AES_CM_128_HMAC_SHA1_80" in out and "SRTP unprotect:" in out and "protect" in out


def test_demo_lets_other_srtp_errors_through(monkeypatch):
    # only ReplayError (the network's duplicates) is expected; any other failure is a bug to see
    import enum
    import sys
    import types
    from ccfast import srtp

    class Broken(srtp.Session):
        def unprotect(self, pkt):
            raise srtp.AuthenticationError("forged")

    fake = types.ModuleType("ccfast.srtp")
    fake.Profile, fake.ReplayError = srtp.Profile, srtp.ReplayError
    fake.Session = Broken
    monkeypatch.setitem(sys.modules, "ccfast.srtp", fake)
    import ccfast
    monkeypatch.setattr(ccfast, "srtp", fake, raising=False)
    from ccfast._cli.demo import run
    with pytest.raises(srtp.AuthenticationError):
        run(2.0, 1)
