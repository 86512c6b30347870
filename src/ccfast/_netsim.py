"""Deterministic network simulator for RTP voice streams (used by ``python -m ccfast demo`` and
benchmarks/jitter_quality.py).

A sender emits one packet per ``frame_ms`` (sequence number +1, timestamp + one frame of its
own clock).  The model, all driven by ``random.Random(seed)``:

* delay: ``base_ms`` + a Weibull or Pareto jitter sample per packet; the network is FIFO (a
  packet never overtakes the one before) except for explicit reordering events, in which a
  packet takes a detour of ``reorder_ms``;
* delay spikes (a queue that builds and drains): Poisson with ``spike_rate`` per second; a spike
  of height H adds max(0, H - (t - t0)) to packets sent at t >= t0, so they arrive in a burst;
* route changes: ``base_ms`` steps to a new value at the given times;
* bursty loss: a Gilbert-Elliott chain (good -> bad with p_gb, bad -> good with p_bg, loss
  probabilities loss_good / loss_bad);
* sender clock drift: the timestamp clock runs ``drift`` fast (+0.01 = 1% fast) relative to the
  receiver's clock;
* DTX: talkspurts and silences with exponential lengths; the first packet of a talkspurt has
  the marker bit; optionally one comfort-noise packet (``cn``) starts each silence;
* discontinuities at given times: a new call leg (random sequence number and timestamp) with an
  optional new SSRC.

Every packet records its true send time in the receiver's clock, so traces can be judged
(e.g. the best constant playout delay) independently of any jitter buffer.
"""
import math
import random
from dataclasses import dataclass, field


@dataclass
class Scenario:
    name: str
    seconds: float = 120.0
    seed: int = 1
    frame_ms: float = 20.0
    clock_rate: int = 8000
    base_ms: float = 40.0
    dist: str = "weibull"            # "weibull" | "pareto" | "none"
    scale_ms: float = 10.0           # Weibull scale / Pareto scale
    shape: float = 1.5               # Weibull shape k / Pareto alpha
    spike_rate: float = 0.0          # spikes per second
    spike_ms: tuple = (100.0, 300.0)  # spike height range
    route_changes: tuple = ()        # ((time_s, new_base_ms), ...)
    jitter_phases: tuple = ()        # ((time_s, new_scale_ms), ...): the jitter level changes
    reorder: float = 0.0             # probability of a detour
    reorder_ms: float = 40.0
    p_gb: float = 0.0                # Gilbert-Elliott transition probabilities per packet
    p_bg: float = 0.3
    loss_good: float = 0.0
    loss_bad: float = 0.5
    duplicate: float = 0.0           # probability that the network duplicates a packet
    drift: float = 0.0
    dtx: bool = False
    talk_s: float = 1.5              # mean talkspurt length
    silence_s: float = 0.8           # mean silence length
    cn: bool = False
    discontinuities: tuple = ()      # ((time_s, new_ssrc: bool), ...)
    description: str = ""


@dataclass
class Packet:
    seq: int
    timestamp: int
    ssrc: int
    marker: bool
    cn: bool
    send_ms: float        # true send time, receiver clock
    arrival_ms: float
    index: int            # position in the sender's stream (0, 1, ...)
    payload: bytes = field(default=b"", repr=False)


def _jitter(rng, sc, scale):
    if sc.dist == "weibull":
        return rng.weibullvariate(scale, sc.shape)
    if sc.dist == "pareto":
        return (rng.paretovariate(sc.shape) - 1.0) * scale
    return 0.0


def simulate(sc: Scenario):
    """(sent, delivered): every packet the sender emitted, and the delivered ones in arrival order."""
    rng = random.Random(sc.seed)
    frame_ts = int(round(sc.clock_rate * sc.frame_ms / 1000))
    seq = rng.randrange(65536)
    ts = rng.randrange(1 << 32)
    ssrc = rng.randrange(1 << 32)
    n = int(sc.seconds * 1000 / sc.frame_ms)
    spikes = []
    t = 0.0
    while sc.spike_rate > 0:
        t += rng.expovariate(sc.spike_rate) * 1000
        if t >= sc.seconds * 1000:
            break
        spikes.append((t, rng.uniform(*sc.spike_ms)))
    disc = sorted(sc.discontinuities)
    routes = sorted(sc.route_changes)
    phases = sorted(sc.jitter_phases)
    base, scale = sc.base_ms, sc.scale_ms
    bad = False
    talking, state_left = True, rng.expovariate(1 / sc.talk_s) * 1000 if sc.dtx else math.inf
    marker_next = True
    sent, delivered = [], []
    last_arrival = -math.inf
    sp = 0
    for i in range(n):
        # the sender's clock runs (1 + drift) fast: a frame of its clock is shorter in ours
        send = i * sc.frame_ms / (1 + sc.drift)
        while disc and disc[0][0] * 1000 <= send:
            _, new_ssrc = disc.pop(0)
            seq = rng.randrange(65536)
            ts = rng.randrange(1 << 32)
            if new_ssrc:
                ssrc = rng.randrange(1 << 32)
            marker_next = True
        while routes and routes[0][0] * 1000 <= send:
            base = routes.pop(0)[1]
        while phases and phases[0][0] * 1000 <= send:
            scale = phases.pop(0)[1]
        cn_packet = False
        if sc.dtx:
            state_left -= sc.frame_ms
            if state_left <= 0:
                talking = not talking
                state_left = rng.expovariate(1 / (sc.talk_s if talking else sc.silence_s)) * 1000
                if talking:
                    marker_next = True
                elif sc.cn:
                    cn_packet = True
            if not talking and not cn_packet:
                ts = (ts + frame_ts) & 0xFFFFFFFF
                continue
        pkt = Packet(seq, ts, ssrc, marker_next and not cn_packet, cn_packet, send, 0.0, i)
        marker_next = False if not cn_packet else marker_next
        seq = (seq + 1) & 0xFFFF
        ts = (ts + frame_ts) & 0xFFFFFFFF
        sent.append(pkt)
        # Gilbert-Elliott loss
        bad = (rng.random() >= sc.p_bg) if bad else (rng.random() < sc.p_gb)
        if rng.random() < (sc.loss_bad if bad else sc.loss_good):
            continue
        d = base + _jitter(rng, sc, scale)
        while sp < len(spikes) and spikes[sp][0] + spikes[sp][1] < send:
            sp += 1
        for t0, h in spikes[sp:sp + 2]:
            if t0 <= send:
                d += max(0.0, h - (send - t0))
        arrival = send + d
        if sc.reorder and rng.random() < sc.reorder:
            arrival += sc.reorder_ms * rng.random()
        else:
            arrival = max(arrival, last_arrival)       # FIFO
            last_arrival = arrival
        pkt.arrival_ms = arrival
        delivered.append(pkt)
        if sc.duplicate and rng.random() < sc.duplicate:
            dup = Packet(**{**pkt.__dict__})
            dup.arrival_ms = arrival + rng.uniform(0, 30)
            delivered.append(dup)
    delivered.sort(key=lambda p: p.arrival_ms)
    return sent, delivered


def rtp_packet(p: Packet, payload: bytes, payload_type: int = 0) -> bytes:
    """RFC 3550 s5.1 header (version 2, no CSRC, no extension) + payload."""
    pt = 13 if p.cn else payload_type
    return bytes([0x80, (0x80 if p.marker else 0) | pt]) + p.seq.to_bytes(2, "big") + \
        p.timestamp.to_bytes(4, "big") + p.ssrc.to_bytes(4, "big") + payload


SCENARIOS = [
    Scenario("steady", description="Weibull jitter (k=1.5, 12 ms), light random loss",
             dist="weibull", scale_ms=12, shape=1.5, p_gb=0.01, p_bg=0.5, loss_bad=0.5),
    Scenario("heavy-tail", seed=2, description="Pareto jitter (alpha 2.5, 8 ms scale)",
             dist="pareto", scale_ms=8, shape=2.5),
    Scenario("spikes", seed=3, description="Weibull jitter + delay spikes (every ~8 s, 100-400 ms)",
             dist="weibull", scale_ms=8, shape=1.5, spike_rate=0.12, spike_ms=(100, 400)),
    Scenario("bursty-loss", seed=4, description="Gilbert-Elliott bursts (mean 4 packets, ~5% loss) + Weibull",
             dist="weibull", scale_ms=10, shape=1.5, p_gb=0.012, p_bg=0.25, loss_bad=0.9),
    Scenario("wifi", seed=5, description="jitter level alternating 4 ms / 30 ms every 20 s, reordering",
             dist="weibull", scale_ms=4, shape=1.2, reorder=0.01,
             jitter_phases=tuple((t, 30 if (t // 20) % 2 else 4) for t in range(20, 120, 20))),
    Scenario("drift-slow", seed=6, description="sender clock 1% slow + Weibull jitter",
             dist="weibull", scale_ms=10, shape=1.5, drift=-0.01),
    Scenario("drift-fast", seed=7, description="sender clock 1% fast + Weibull jitter",
             dist="weibull", scale_ms=10, shape=1.5, drift=0.01),
    Scenario("dtx", seed=8, description="talkspurts/silence with marker bits, Weibull jitter, route change",
             dist="weibull", scale_ms=12, shape=1.5, dtx=True, route_changes=((60, 90.0),)),
    Scenario("b2bua", seed=9, description="new call legs (sequence/timestamp jumps, SSRC change), route changes",
             dist="weibull", scale_ms=10, shape=1.5, discontinuities=((30, False), (70, True)),
             route_changes=((30, 70.0), (70, 30.0)), duplicate=0.005),
]
