"""A loopback SRTP relay (ccfast._cli.relay_bench, also `python -m ccfast relay-bench`):
N calls with their own SSRCs and keys, leg A AES_CM_128_HMAC_SHA1_80 in, leg B AEAD_AES_256_GCM
out, 160-byte payloads, a generator in another process that checks every packet relayed.

Group "relay cpu ...": the relay's CPU time (process time of this process: the generator is
another one) for ROUND_PACKETS packets - per core, the rate is its inverse - for
  ccfast            batches over ccfast.net, one thread (mode c)
  ccfast-asyncio    asyncio datagram protocol, ccfast per packet (mode b)
  pylibsrtp-asyncio asyncio datagram protocol, pylibsrtp per packet (mode a)
Group "relay wall 2 threads": wall time for the same packets with 2 relay threads (mode d,
"ccfast") and with one ("ccfast-1-thread").  Every round must relay every packet, in order,
authentic; the wall group needs two free cores besides the generator's to mean anything.
Group "relay cpu ..., c with UDP GSO": the same, mode c sending with UDP GSO.
Goals: c >= 10x a and >= 4x b per core; d >= 1.7x c in wall rate."""
import time

import pytest

from ccfast._cli import relay_bench

from conftest import require_peer

CALLS = 100
PER_CALL = 200
ROUND_PACKETS = CALLS * PER_CALL

TARGETS = [
    {"group": "relay cpu 20000 packets", "peer": "pylibsrtp-asyncio", "min_ratio": 10.0},
    {"group": "relay cpu 20000 packets", "peer": "ccfast-asyncio", "min_ratio": 4.0},
    {"group": "relay wall 2 threads 20000 packets", "peer": "ccfast-1-thread", "min_ratio": 1.7},
    {"group": "relay cpu 20000 packets, c with UDP GSO", "peer": "pylibsrtp-asyncio", "min_ratio": 10.0},
    {"group": "relay cpu 20000 packets, c with UDP GSO", "peer": "ccfast-asyncio", "min_ratio": 4.0},
]

_spent = {"cpu": 0.0, "wall": 0.0}


def _cpu_timer():
    return _spent["cpu"]


def _wall_timer():
    return _spent["wall"]


def _round(mode, benchmark, gso=False):
    r = relay_bench.run_mode(mode, calls=CALLS, packets_per_call=PER_CALL, seconds=30.0, window=2048, gso=gso)
    assert r["relayed"] == ROUND_PACKETS and r["lost"] == 0 and r["reordered"] == 0 and r["bad"] == 0, r
    _spent["cpu"] += r["cpu_s"]
    _spent["wall"] += r["wall_s"]
    for k in ("pps", "cpu_us_per_packet", "pps_per_core", "packets_per_batch"):
        benchmark.extra_info.setdefault(k, []).append(round(r[k], 3))


MODES = {"ccfast": "c", "ccfast-asyncio": "b", "pylibsrtp-asyncio": "a"}


@pytest.mark.benchmark(timer=_cpu_timer)
@pytest.mark.parametrize("impl", list(MODES))
def test_relay_cpu(benchmark, impl):
    if impl == "pylibsrtp-asyncio":
        require_peer("pylibsrtp")
    benchmark.group = f"relay cpu {ROUND_PACKETS} packets"
    benchmark.pedantic(_round, args=(MODES[impl], benchmark), rounds=3, iterations=1)


@pytest.mark.benchmark(timer=_cpu_timer)
@pytest.mark.parametrize("impl", list(MODES))
def test_relay_cpu_gso(benchmark, impl):
    """The same with mode c sending each batch as one UDP GSO send (every row goes to the one
    sink here; a relay whose rows go to many peers gets less from it)."""
    if impl == "pylibsrtp-asyncio":
        require_peer("pylibsrtp")
    benchmark.group = f"relay cpu {ROUND_PACKETS} packets, c with UDP GSO"
    benchmark.pedantic(_round, args=(MODES[impl], benchmark, impl == "ccfast"), rounds=3, iterations=1)


@pytest.mark.benchmark(timer=_wall_timer)
@pytest.mark.parametrize("impl", ["ccfast", "ccfast-1-thread"])
def test_relay_wall_threads(benchmark, impl):
    benchmark.group = f"relay wall 2 threads {ROUND_PACKETS} packets"
    benchmark.pedantic(_round, args=("d" if impl == "ccfast" else "c", benchmark), rounds=3, iterations=1)


def test_timers_move():
    """The custom timers read what the rounds add (a sanity check of this file's method)."""
    a = _cpu_timer()
    _spent["cpu"] += 1.0
    assert _cpu_timer() - a == pytest.approx(1.0) and time.monotonic() > 0
