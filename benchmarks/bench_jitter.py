"""Jitter buffer: put + get per packet from Python beside aiortc's JitterBuffer.add, and the
batch interface (put_batch + get_until), one run.

Groups "jitter put+get" (per packet; aiortc: add alone, as its receiver uses it) and
"jitter batch 1000" (per 1000 packets); ratios.py checks TARGETS."""
import array

import pytest

from ccfast.jitter import JitterBuffer

from conftest import require_peer

N = 1000
PAYLOAD = b"\xd5" * 160          # 20 ms of G.711

TARGETS = [
    {"group": "jitter put+get", "max_seconds": 0.25e-6, "per": N},
    {"group": "jitter batch 1000", "max_seconds": 0.05e-6, "per": N},
    {"group": "jitter put+get", "peer": "aiortc", "min_ratio": 4.0},
]


def trace(start):
    """N in-order packets with 0..30 ms of deterministic jitter, starting at packet `start`."""
    return [((start + i) & 0xFFFF, ((start + i) * 160) & 0xFFFFFFFF, (start + i) * 20.0 + (i * 7919 % 31))
            for i in range(N)]


@pytest.mark.parametrize("impl", ["ccfast", "aiortc"])
def test_put_get(benchmark, impl):
    benchmark.group = "jitter put+get"
    benchmark.extra_info["per"] = N
    if impl == "ccfast":
        traces = [trace(i * N) for i in range(64)]
        # time must keep moving forward: after the 64 cached traces, start a fresh buffer
        state = {"k": 0, "jb": JitterBuffer()}

        def run():
            k = state["k"]
            if k and k % 64 == 0:
                state["jb"] = JitterBuffer()
            state["k"] = k + 1
            jb = state["jb"]
            put, get = jb.put, jb.get
            for s, t, a in traces[k % 64]:
                put(PAYLOAD, s, t, a)
                get(a)

        benchmark(run)
        assert state["jb"].stats["played"] > 0
    else:
        require_peer("aiortc")
        from aiortc.jitterbuffer import JitterBuffer as AJB
        from aiortc.rtp import RtpPacket
        packets = []
        for s, t, a in trace(0):
            p = RtpPacket(payload_type=0, sequence_number=s, timestamp=t, payload=PAYLOAD)
            p._data = PAYLOAD              # what aiortc's receiver sets before add()
            packets.append(p)
        holder = {}

        def run():
            jb = AJB(capacity=16, prefetch=4)   # aiortc's audio receiver settings
            add = jb.add
            for p in packets:
                add(p)
            holder["jb"] = jb
        benchmark(run)


def test_batch(benchmark):
    benchmark.group = "jitter batch 1000"
    benchmark.extra_info["per"] = N
    batches = []
    for b in range(64):
        tr = trace(b * N)
        batches.append(([PAYLOAD] * N, array.array("H", [p[0] for p in tr]), array.array("I", [p[1] for p in tr]),
                        array.array("d", [p[2] for p in tr])))
    state = {"k": 0, "jb": JitterBuffer(capacity=2048)}

    def run():
        k = state["k"]
        if k and k % 64 == 0:
            state["jb"] = JitterBuffer(capacity=2048)
        state["k"] = k + 1
        pl, s, t, a = batches[k % 64]
        jb = state["jb"]
        jb.put_batch(pl, s, t, a)
        return jb.get_until(a[N - 1])

    out = benchmark(run)
    assert len(out) > N // 2
