"""ccfast.net: datagrams in batches over real UDP sockets on the loopback interface.

Both paths run here: recvmmsg/sendmmsg (Linux) and the one-call-per-datagram loop every other
OS uses (forced with ccfast._net._set_fallback), over IPv4 and IPv6.  Datagrams of every
length up to past the row size, truncation flags, source and destination addresses, rows
skipped, UDP GSO, waits with and without the GIL, closed and wrong sockets, absurd batch sizes,
garbage datagrams through the SRTP row batches, and the asyncio reader.
"""
import asyncio
import os
import random
import socket
import threading
import time

import pytest

from conftest import require, skip_platform

from ccfast import _net, net, srtp
from ccfast.srtp import PacketError, Profile, Session

pytestmark = pytest.mark.cpu_independent

FAMILIES = [(socket.AF_INET, "127.0.0.1")]
try:
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as _s:
        _s.bind(("::1", 0))
    FAMILIES.append((socket.AF_INET6, "::1"))
except OSError:                                  # no IPv6 loopback here
    pass


@pytest.fixture(params=[False, True], ids=["batched", "fallback"])
def path(request):
    if not request.param and not _net._capabilities()["mmsg"]:
        skip_platform("recvmmsg/sendmmsg not available on this OS")
    _net._set_fallback(request.param)
    yield request.param
    _net._set_fallback(False)


@pytest.fixture(params=FAMILIES, ids=lambda f: "ipv6" if f[0] == socket.AF_INET6 else "ipv4")
def pair(request):
    fam, host = request.param
    socks = []
    for _ in range(2):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((host, 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.setblocking(False)
        socks.append(s)
    yield socks
    for s in socks:
        s.close()


def row(batch, i, n=None):
    """Row i's first n bytes (default: its length) - without numpy, which some platforms lack."""
    flat = memoryview(batch.rows).cast("B")
    n = batch.lengths[i] if n is None else n
    return flat[i * batch.mtu:i * batch.mtu + n].tobytes()


def put(batch, i, data):
    flat = memoryview(batch.rows).cast("B")
    flat[i * batch.mtu:i * batch.mtu + len(data)] = data
    batch.lengths[i] = len(data)


def drain(sock, batch, want, timeout=10.0):
    """Receive until `want` datagrams came: [(bytes, truncated, address), ...]."""
    out = []
    end = time.monotonic() + timeout
    while len(out) < want and time.monotonic() < end:
        k = net.recv_batch(sock, batch, timeout_ms=50)
        out += [(row(batch, i), batch.truncated[i], batch.address(i)) for i in range(k)]
    return out


def test_numpy_shares_rows():
    np = require("numpy")
    b = net.Batch(3, 16)
    a = np.asarray(b.rows)
    assert a.shape == (3, 16) and a.dtype == np.uint8
    a[1, :4] = [1, 2, 3, 4]
    assert row(b, 1, 4) == b"\x01\x02\x03\x04"
    lens = np.asarray(b.lengths)
    assert lens.dtype == np.int32
    lens[2] = 9
    assert b.lengths[2] == 9


def test_batch_shape_and_errors():
    b = net.Batch(4, 100)
    assert (len(b), b.n, b.mtu, b.count) == (4, 4, 100, 0)
    m = memoryview(b.rows)
    assert (m.ndim, m.shape, m.strides, m.format, m.readonly) == (2, (4, 100), (100, 1), "B", False)
    lm = memoryview(b.lengths)
    assert (lm.format, lm.shape, lm.readonly) == ("i", (4,), False)
    assert memoryview(b.truncated).readonly
    assert b.address(0) is None and b.address(-1) is None
    with pytest.raises(ValueError, match="at least 1 row"):
        net.Batch(0)
    with pytest.raises(ValueError, match="at least 1 byte"):
        net.Batch(4, 0)
    with pytest.raises(OverflowError, match="at most"):
        net.Batch(net.MAX_ROWS + 1)
    with pytest.raises(OverflowError, match="mtu must be at most"):
        net.Batch(4, 70000)
    with pytest.raises(OverflowError, match="more than"):
        net.Batch(1 << 20, 65535)
    with pytest.raises(TypeError):
        net.Batch(4.0)
    with pytest.raises(TypeError):
        net.Batch(True)
    with pytest.raises(IndexError):
        b.address(4)
    with pytest.raises(ValueError, match="count must be 0..4"):
        b.count = 5
    with pytest.raises(ValueError, match="numeric"):
        b.set_address(0, ("localhost", 5))
    with pytest.raises(ValueError, match="port"):
        b.set_address(0, ("127.0.0.1", 70000))
    with pytest.raises(TypeError):
        b.set_address(0, "127.0.0.1:5")
    with pytest.raises(TypeError, match="pickled"):
        import pickle
        pickle.dumps(b)
    b.set_address(1, ("10.1.2.3", 4000))
    b.set_address(2, ("fe80::1", 4001, 0, 3))
    assert b.address(1) == ("10.1.2.3", 4000) and b.address(2) == ("fe80::1", 4001, 0, 3)
    b.set_address(1, None)
    assert b.address(1) is None
    b.lengths[3] = 17
    assert b.lengths.tolist() == [0, 0, 0, 17]
    with pytest.raises(ValueError):
        b.lengths[0] = -1


def test_empty_socket_is_zero(pair, path):
    b = net.Batch(16, 200)
    assert net.recv_batch(pair[0], b) == 0 and b.count == 0
    t = time.monotonic()
    assert net.recv_batch(pair[0], b, timeout_ms=80) == 0
    assert time.monotonic() - t >= 0.06


def test_round_trip_every_length(pair, path):
    a, b = pair
    rng = random.Random(7)
    batch = net.Batch(150, 300)
    sent = [rng.randbytes(rng.choice([0, 1, 12, 172, 299, 300, 301, 1200, rng.randrange(0, 400)])) for _ in range(400)]
    for d in sent:
        b.sendto(d, a.getsockname())
    got = drain(a, batch, len(sent))
    assert len(got) == len(sent)
    for d, (data, trunc, addr) in zip(sent, got):
        assert data == d[:300] and trunc == (len(d) > 300)
        assert addr[:2] == b.getsockname()[:2]


def test_send_rows_addresses_and_skips(pair, path):
    a, b = pair
    batch = net.Batch(10, 64)
    for i in range(10):
        put(batch, i, bytes([i]) * 64)
        batch.lengths[i] = 0 if i % 4 == 3 else 10 + i
        batch.set_address(i, a.getsockname()[:2])
    assert net.send_batch(b, batch, 10) == 8                  # rows 3 and 7 skipped
    got = drain(a, net.Batch(16, 64), 8)
    assert [g[0] for g in got] == [bytes([i]) * (10 + i) for i in range(10) if i % 4 != 3]
    # one address for all rows; count defaults to batch.count
    batch.count = 3
    assert net.send_batch(b, batch, address=a.getsockname()[:2]) == 3
    assert len(drain(a, net.Batch(16, 64), 3)) == 3
    with pytest.raises(ValueError, match="count must be"):
        net.send_batch(b, batch, 11)


@pytest.mark.skipif(not _net._capabilities()["gso"], reason="[platform] UDP GSO is Linux only")
def test_gso_keeps_datagrams(pair):
    a, b = pair
    rng = random.Random(3)
    batch = net.Batch(200, 200)
    lengths = [172] * 70 + [100, 172, 172, 50] + [rng.randrange(1, 200) for _ in range(60)] + [172] * 66
    want = []
    for i, n in enumerate(lengths):
        d = rng.randbytes(n)
        put(batch, i, d)
        want.append(d)
    assert net.send_batch(b, batch, len(lengths), address=a.getsockname()[:2], gso=True) == len(lengths)
    got = drain(a, net.Batch(256, 200), len(lengths))
    assert [g[0] for g in got] == want


def test_dropped_datagram_does_not_stop_the_rest(pair, path):
    a, b = pair
    batch = net.Batch(3, 65535)
    for i in range(3):
        batch.lengths[i] = 100
        batch.set_address(i, a.getsockname()[:2])
    batch.lengths[1] = 65535                                   # larger than any UDP datagram
    assert net.send_batch(b, batch, 3) == 2 and batch.dropped == 1
    assert len(drain(a, net.Batch(4, 200), 2)) == 2
    batch.lengths[0] = batch.lengths[2] = 65535
    with pytest.raises(OSError):
        net.send_batch(b, batch, 3)                            # nothing could be sent


@pytest.mark.parametrize("gso", [False, True], ids=["plain", "gso"])
def test_length_past_the_row_is_never_sent(pair, path, gso):
    """lengths is the caller's memory: a length larger than its row (in the middle, or on the
    last row, where reading on would leave the buffer) is refused on its own, as a datagram
    the OS refuses is: counted in dropped, the other rows sent.  No byte outside a row is sent."""
    a, b = pair
    batch = net.Batch(5, 100)
    for i in range(5):
        put(batch, i, bytes([i + 1]) * 60)
    batch.lengths[1] = 101
    batch.lengths[4] = 60000
    assert net.send_batch(b, batch, 5, address=a.getsockname()[:2], gso=gso) == 3
    assert batch.dropped == 2
    got = drain(a, net.Batch(8, 65535), 3)
    assert [g[0] for g in got] == [bytes([i + 1]) * 60 for i in (0, 2, 3)]
    assert net.recv_batch(a, net.Batch(8, 65535), timeout_ms=200) == 0
    batch.lengths[0] = batch.lengths[2] = batch.lengths[3] = 100 + 1
    with pytest.raises(OSError):
        net.send_batch(b, batch, 5, address=a.getsockname()[:2], gso=gso)    # nothing could be sent


def test_lengths_changed_while_sending_never_leave_the_row(pair, path):
    """Another thread sets lengths past the row while batches are sent (the GIL is released
    during the send; free-threaded Python has none): every datagram that leaves is a whole row
    prefix of at most mtu bytes."""
    a, b = pair
    mtu = 64
    batch = net.Batch(32, mtu)
    for i in range(32):
        put(batch, i, bytes([i + 1]) * mtu)
    stop = threading.Event()

    def meddle():
        k = 0
        while not stop.is_set():
            k += 1
            for i in range(0, 32, 3):
                batch.lengths[i] = (mtu, 50000, mtu + 1, 7)[(k + i) % 4]
    t = threading.Thread(target=meddle)
    t.start()
    seen = 0
    rx = net.Batch(64, 65535)
    try:
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            try:
                net.send_batch(b, batch, 32, address=a.getsockname()[:2], gso=True)
            except OSError:
                pass
            while (k := net.recv_batch(a, rx)):
                for i in range(k):
                    d = row(rx, i)
                    assert 1 <= len(d) <= mtu and d == d[:1] * len(d), (len(d), d[:8])
                    seen += 1
    finally:
        stop.set()
        t.join()
    assert seen > 0


def test_bad_sockets(pair):
    b = net.Batch(2)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
        with pytest.raises(ValueError, match="datagram"):
            net.recv_batch(t, b)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.close()
    with pytest.raises(ValueError, match="closed"):
        net.recv_batch(s, b)
    with pytest.raises(ValueError, match="closed"):
        net.send_batch(s, b, 0)
    with pytest.raises(TypeError):
        net.recv_batch("sock", b)
    with pytest.raises(TypeError):
        net.recv_batch(pair[0], None)
    # a file descriptor number works; a stale one is an OSError, not a crash
    assert net.recv_batch(pair[0].fileno(), b) == 0
    r, w = os.pipe()
    os.close(r)
    os.close(w)
    with pytest.raises(OSError):
        net.recv_batch(r, b)


def test_wait_releases_the_gil(pair):
    a, b = pair
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.002)
    t = threading.Thread(target=tick)
    t.start()
    try:
        threading.Timer(0.15, lambda: b.sendto(b"x" * 20, a.getsockname())).start()
        batch = net.Batch(4, 64)
        start = time.monotonic()
        assert net.recv_batch(a, batch, timeout_ms=-1) == 1     # waits, without limit, for it
        assert time.monotonic() - start >= 0.1
    finally:
        stop.set()
        t.join()
    assert len(ticks) >= 10


def test_head_shares_memory():
    b = net.Batch(8, 32)
    b.count = 3
    h = b.head()
    assert (h.n, h.count, h.mtu) == (3, 3, 32)
    put(h, 2, b"\xab")
    h.lengths[1] = 5
    assert row(b, 2, 1) == b"\xab" and b.lengths[1] == 5
    del b
    assert row(h, 2, 1) == b"\xab"                            # the memory lives on in the view
    with pytest.raises(ValueError):
        net.Batch(4).head()                                    # count 0


def test_srtp_rows_of_a_batch_with_garbage(pair, path):
    """Any datagram - garbage, runts, oversize, authentic SRTP - through recv_batch and the
    SRTP row batches: authentic ones come out, every other row fails alone."""
    a, b = pair
    key = bytes(range(30))
    prof = Profile.AES_CM_128_HMAC_SHA1_80
    tx, rx = Session(prof, key), Session(prof, key)
    rng = random.Random(11)
    sent, good = [], []
    for i in range(200):
        if i % 3 == 0:
            p = bytes([0x80, 0]) + i.to_bytes(2, "big") + bytes(4) + (0xABCD).to_bytes(4, "big") + rng.randbytes(160)
            good.append(p)
            sent.append(tx.protect(p))
        else:
            sent.append(rng.randbytes(rng.choice([0, 1, 11, 12, 13, 40, 400, 2000])))
    for d in sent:
        b.sendto(d, a.getsockname())
    batch = net.Batch(64, 300)
    out = []
    end = time.monotonic() + 10
    while len(out) < len(sent) and time.monotonic() < end:
        k = net.recv_batch(a, batch, timeout_ms=50)
        if not k:
            continue
        h = batch.head()
        errors = rx.unprotect_batch_into(h.rows, h.lengths)
        for i, e in enumerate(errors):
            out.append(None if e is not None else row(h, i))
            if e is not None:
                assert h.lengths[i] == 0 and isinstance(e, (srtp.SRTPError, ValueError))
    assert len(out) == len(sent)
    assert [x for x in out if x is not None] == good


def test_asyncio_reader(pair):
    a, b = pair
    seen = []

    async def main():
        loop = asyncio.get_running_loop()
        with net.add_batch_reader(loop, a, lambda batch: seen.append(batch.count), n=32, mtu=200) as reader:
            for i in range(300):
                b.sendto(i.to_bytes(2, "big") * 10, a.getsockname())
            for _ in range(1000):
                if sum(seen) >= 300:
                    break
                await asyncio.sleep(0.01)
            assert reader.received == sum(seen)
    asyncio.run(main())
    assert sum(seen) == 300 and max(seen) <= 32 and len(seen) >= 300 // 32
