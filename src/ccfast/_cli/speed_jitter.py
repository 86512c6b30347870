"""`python -m ccfast speed jitter`: jitter-buffer operations per packet, aiortc's add beside."""
import array

from .speed import Row

# import name -> distribution (python -m ccfast speed names the missing ones)
PEERS = {"aiortc": "aiortc"}

N = 1000
PAYLOAD = b"\xd5" * 160


def _trace(start):
    return [((start + i) & 0xFFFF, ((start + i) * 160) & 0xFFFFFFFF, (start + i) * 20.0 + (i * 7919 % 31))
            for i in range(N)]


def rows(measure):
    from ..jitter import JitterBuffer
    traces = [_trace(i * N) for i in range(64)]
    state = {"k": 0, "jb": JitterBuffer()}

    def put_get():
        k = state["k"]
        if k and k % 64 == 0:
            state["jb"] = JitterBuffer()
        state["k"] = k + 1
        jb = state["jb"]
        put, get = jb.put, jb.get
        for s, t, a in traces[k % 64]:
            put(PAYLOAD, s, t, a)
            get(a)

    m = measure(put_get, 0)
    row = Row("jitter put+get per packet", (m[0] / N, 0.0), unit="op")
    try:
        from aiortc.jitterbuffer import JitterBuffer as AJB
        from aiortc.rtp import RtpPacket
        packets = []
        for s, t, a in traces[0]:
            p = RtpPacket(payload_type=0, sequence_number=s, timestamp=t, payload=PAYLOAD)
            p._data = PAYLOAD
            packets.append(p)

        def aiortc_add():
            add = AJB(capacity=16, prefetch=4).add
            for p in packets:
                add(p)
        pm = measure(aiortc_add, 0)
        row.peers["aiortc add"] = (pm[0] / N, 0.0)
    except ImportError:
        pass
    yield row

    batches = [([PAYLOAD] * N, array.array("H", [p[0] for p in tr]), array.array("I", [p[1] for p in tr]),
                array.array("d", [p[2] for p in tr])) for tr in traces]
    bstate = {"k": 0, "jb": JitterBuffer(capacity=2048)}

    def batch():
        k = bstate["k"]
        if k and k % 64 == 0:
            bstate["jb"] = JitterBuffer(capacity=2048)
        bstate["k"] = k + 1
        pl, s, t, a = batches[k % 64]
        jb = bstate["jb"]
        jb.put_batch(pl, s, t, a)
        jb.get_until(a[N - 1])

    m = measure(batch, 0)
    yield Row("jitter put_batch+get_until per packet", (m[0] / N, 0.0), unit="op")
