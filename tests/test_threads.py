"""Threads sharing one object get exactly the results of a serial run.

Many threads start together (a barrier) with a short switch interval, on one SRTP session, one
AEAD object of each kind, SM3 and one SM2 key.  On a free-threaded build the same tests run
without the GIL; every test id ends in "gil" or "nogil" to say which was measured.
"""
import hmac as std_hmac
import io
import os
import struct
import sys
import sysconfig
import threading

import pytest

from ccfast import aead, chunked, sm2, sm3, sm4, srtp
from ccfast.exceptions import InvalidTag, ReplayError

from conftest import require

pytestmark = pytest.mark.cpu_independent

THREADS = 8
GIL = getattr(sys, "_is_gil_enabled", lambda: True)()
GIL_ID = "gil" if GIL else "nogil"
COUNTS = [pytest.param(n, id=f"{n}threads-{GIL_ID}") for n in (8, 16)]


@pytest.fixture(autouse=True)
def fast_switching():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def run_threads(work, n=THREADS):
    """work(i) in n threads started together; returns their results, re-raises their errors."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def body(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:          # reported in the main thread
            errors.append(exc)
    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def rtp(seq, ssrc, payload=None):
    return struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF, 160 * seq, ssrc) + (payload or bytes([seq % 251]) * 60)


def rtcp(ssrc, n):
    return struct.pack("!BBHI", 0x80, 200, 6, ssrc) + struct.pack("!I", n) * 5


def replay_all(rx, out, ctl):
    """Every packet again, through each entry point: the number of ReplayErrors."""
    rejected = 0
    for p in out[:30]:
        try:
            rx.unprotect(p)
        except ReplayError:
            rejected += 1
    rejected += sum(isinstance(r, ReplayError) for r in rx.unprotect_batch(out[30:60]))
    for p in out[60:]:
        try:
            rx.unprotect_into(bytearray(p), len(p))
        except ReplayError:
            rejected += 1
    for c in ctl:
        try:
            rx.unprotect_rtcp(c)
        except ReplayError:
            rejected += 1
    return rejected


@pytest.mark.parametrize("n", COUNTS)
@pytest.mark.parametrize("profile", [srtp.Profile.AES_CM_128_HMAC_SHA1_80, srtp.Profile.AEAD_AES_128_GCM])
def test_srtp_shared_session_matches_serial(profile, n):
    """Each thread owns some SSRCs (so per-stream order is fixed) and mixes every entry point:
    protect, protect_into, protect_batch, protect_rtcp on one sender; then the receiver is
    shared the same way, then every packet is replayed.  Outputs, rejections and stats equal a
    one-thread run's, packet for packet."""
    key = os.urandom(srtp.key_length(profile))
    per = 200

    def plan(i):
        ssrcs = [0x1000 + 4 * i + k for k in range(4)]
        return [rtp(s, ssrcs[s % 4]) for s in range(per)], [rtcp(ssrcs[0], k) for k in range(5)]

    def send(tx, i):
        pkts, ctl = plan(i)
        out = []
        for j in range(0, per, 40):
            chunk = pkts[j:j + 40]
            out += [tx.protect(p) for p in chunk[:10]]
            for p in chunk[10:20]:
                buf = bytearray(p) + bytearray(16)
                m = tx.protect_into(buf, len(p))
                out.append(bytes(buf[:m]))
            out += tx.protect_batch(chunk[20:])
        return out, [tx.protect_rtcp(c) for c in ctl]

    serial_tx = srtp.Session(profile, key)
    serial = [send(serial_tx, i) for i in range(n)]
    shared_tx = srtp.Session(profile, key)
    parallel = run_threads(lambda i: send(shared_tx, i), n)
    assert parallel == serial
    assert shared_tx.stats == serial_tx.stats

    def receive(rx, i):
        out, ctl = serial[i]
        got = [rx.unprotect(p) for p in out[:50]]
        got += rx.unprotect_batch(out[50:120])
        for p in out[120:]:
            buf = bytearray(p)
            got.append(bytes(buf[:rx.unprotect_into(buf, len(p))]))
        return got, [rx.unprotect_rtcp(c) for c in ctl]

    serial_rx = srtp.Session(profile, key)
    assert [receive(serial_rx, i) for i in range(n)] == [plan(i) for i in range(n)]
    shared_rx = srtp.Session(profile, key)
    assert run_threads(lambda i: receive(shared_rx, i), n) == [plan(i) for i in range(n)]
    assert shared_rx.stats == serial_rx.stats
    assert sum(s["authenticated"] for s in shared_rx.stats.values()) == n * per
    assert sum(s["authenticated_rtcp"] for s in shared_rx.stats.values()) == n * 5

    assert [replay_all(serial_rx, *serial[i]) for i in range(n)] == [per + 5] * n
    assert run_threads(lambda i: replay_all(shared_rx, *serial[i]), n) == [per + 5] * n
    assert shared_rx.stats == serial_rx.stats
    assert sum(s["replays"] for s in shared_rx.stats.values()) == n * (per + 5)


@pytest.mark.parametrize("n", COUNTS)
def test_srtp_batch_into_shared_session_matches_serial(n):
    np = require("numpy")
    key = os.urandom(30)
    profile = srtp.Profile.AES_CM_128_HMAC_SHA1_80

    def rows(i):
        pkts = [rtp(s, 0x2000 + i) for s in range(64)]
        arr = np.zeros((len(pkts), 100), dtype=np.uint8)
        for r, p in enumerate(pkts):
            arr[r, :len(p)] = np.frombuffer(p, dtype=np.uint8)
        return arr, np.array([len(p) for p in pkts], dtype=np.int32)

    def send(tx, i):
        arr, lengths = rows(i)
        for j in range(0, 64, 16):
            tx.protect_batch_into(arr[j:j + 16], lengths[j:j + 16])
        return [arr[r, :lengths[r]].tobytes() for r in range(64)]

    serial_tx = srtp.Session(profile, key)
    serial = [send(serial_tx, i) for i in range(n)]
    shared_tx = srtp.Session(profile, key)
    assert run_threads(lambda i: send(shared_tx, i), n) == serial

    def receive(rx, i):
        arr = np.zeros((64, 100), dtype=np.uint8)
        for r, p in enumerate(serial[i]):
            arr[r, :len(p)] = np.frombuffer(p, dtype=np.uint8)
        lengths = np.array([len(p) for p in serial[i]], dtype=np.int32)
        errors = rx.unprotect_batch_into(arr, lengths)
        return errors, [arr[r, :lengths[r]].tobytes() for r in range(64)]
    shared_rx = srtp.Session(profile, key)
    expect = [([None] * 64, [rtp(s, 0x2000 + i) for s in range(64)]) for i in range(n)]
    assert run_threads(lambda i: receive(shared_rx, i), n) == expect
    assert sum(s["authenticated"] for s in shared_rx.stats.values()) == 64 * n


def _accept_count(rx, packets, entry):
    """How many of packets this thread got accepted through one entry point; anything but a
    ReplayError is a failure."""
    ok = 0
    if entry == "unprotect_batch":
        for j in range(0, len(packets), 25):
            for r in rx.unprotect_batch(packets[j:j + 25]):
                if isinstance(r, bytes):
                    ok += 1
                elif not isinstance(r, ReplayError):
                    raise r
        return ok
    for p in packets:
        try:
            if entry == "unprotect_into":
                rx.unprotect_into(bytearray(p), len(p))
            else:
                getattr(rx, entry)(p)
            ok += 1
        except ReplayError:
            pass
    return ok


@pytest.mark.parametrize("n", COUNTS)
@pytest.mark.parametrize("entry", ["unprotect", "unprotect_into", "unprotect_batch", "unprotect_rtcp"])
def test_srtp_same_packet_raced_accepted_once(entry, n):
    key = os.urandom(30)
    tx = srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, key)
    if entry == "unprotect_rtcp":
        packets = [tx.protect_rtcp(rtcp(0xABCD, s)) for s in range(200)]
    else:
        packets = [tx.protect(rtp(s, 0xABCD)) for s in range(200)]
    rx = srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, key)
    assert sum(run_threads(lambda i: _accept_count(rx, packets, entry), n)) == len(packets)
    st = rx.stats[0xABCD]
    done = "authenticated_rtcp" if entry == "unprotect_rtcp" else "authenticated"
    assert st[done] == len(packets) and st["replays"] == (n - 1) * len(packets)
    assert st["auth_failures"] == 0


@pytest.mark.parametrize("n", COUNTS)
def test_srtp_one_stream_shared_out_of_order_accepted_once(n):
    """One SSRC, its packets dealt round-robin to the threads (so they arrive out of order,
    all within the replay window): each is accepted once, and the ROC follows the wrap."""
    key = os.urandom(30)
    tx = srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, key)
    seqs = [(0xFF00 + s) & 0xFFFF for s in range(512)]      # crosses the 16-bit wrap
    packets = [tx.protect(rtp(s, 0x77)) for s in seqs]
    rx = srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, key, replay_window=1024)
    rx.unprotect(packets[0])                                  # the stream starts before the wrap

    def work(i):
        got = {}
        for k in range(1 + i, len(packets), n):
            got[k] = rx.unprotect(packets[k])
        return got
    merged = {}
    for part in run_threads(work, n):
        assert not merged.keys() & part.keys()
        merged.update(part)
    assert merged == {k: rtp(seqs[k], 0x77) for k in range(1, len(packets))}
    st = rx.stats[0x77]
    assert st["authenticated"] == len(packets) and st["roc"] == 1 and st["replays"] == 0
    with pytest.raises(ReplayError):
        rx.unprotect(packets[300])


AEADS = [pytest.param(lambda: aead.AESGCM(bytes(range(32))), id="AESGCM"),
         pytest.param(lambda: aead.SM4GCM(bytes(range(16))), id="SM4GCM"),
         pytest.param(lambda: aead.SM4CCM(bytes(range(16)), tag_length=12), id="SM4CCM")]


@pytest.mark.parametrize("n", COUNTS)
@pytest.mark.parametrize("make", AEADS)
def test_aead_shared_object_matches_serial(make, n):
    obj = make()
    # every fifth message is past the size where the kernel runs with the GIL released, so even
    # with the GIL the shared context is used by several threads at once
    jobs = [[(struct.pack("!IQ", i, j), os.urandom(4096 + 37 * j if j % 5 == 0 else j * 7 % 300), os.urandom(j % 20))
             for j in range(150)] for i in range(n)]

    def work(i):
        mine = jobs[i]
        out = [obj.encrypt(nc, d, a) for nc, d, a in mine[:80]]
        for nc, d, a in mine[80:100]:
            buf = bytearray(len(d) + 16)
            out.append(bytes(buf[:obj.encrypt_into(nc, d, a, buf)]))
        out += obj.encrypt_batch([nc for nc, _, _ in mine[100:]], [d for _, d, _ in mine[100:]],
                                 [a for _, _, a in mine[100:]])
        back = [obj.decrypt(nc, c, a) for (nc, _, a), c in zip(mine[:120], out)]
        for (nc, _, a), c in zip(mine[120:], out[120:]):
            buf = bytearray(len(c))
            back.append(bytes(buf[:obj.decrypt_into(nc, c, a, buf)]))
        forged = 0
        for (nc, _, a), c in zip(mine[:20], out):
            try:
                obj.decrypt(nc, c[:-1] + bytes([c[-1] ^ 1]), a)
            except InvalidTag:
                forged += 1
        return out, back, forged
    serial_obj = make()
    serial = [([serial_obj.encrypt(nc, d, a) for nc, d, a in jobs[i]], [d for _, d, _ in jobs[i]], 20)
              for i in range(n)]
    assert run_threads(work, n) == serial


@pytest.mark.parametrize("n", COUNTS)
def test_sm4_shared_object_matches_serial(n):
    """One SM4 object in every block mode; large inputs run with the GIL released."""
    obj = sm4.SM4(bytes(range(16)))
    datas = [[os.urandom(16 * (1 + (i * 31 + j * 97) % 400)) for j in range(12)] for i in range(n)]

    def work(i):
        iv = struct.pack("!QQ", i, 1)
        out = []
        for d in datas[i]:
            ecb, cbc, ctr = obj.encrypt_ecb(d), obj.encrypt_cbc(iv, d), obj.ctr(iv, d)
            assert (obj.decrypt_ecb(ecb), obj.decrypt_cbc(iv, cbc), obj.ctr(iv, ctr)) == (d, d, d)
            out.append((ecb, cbc, ctr))
        return out
    serial_obj = sm4.SM4(bytes(range(16)))
    serial = [[(serial_obj.encrypt_ecb(d), serial_obj.encrypt_cbc(struct.pack("!QQ", i, 1), d),
                serial_obj.ctr(struct.pack("!QQ", i, 1), d)) for d in datas[i]] for i in range(n)]
    assert run_threads(work, n) == serial


@pytest.mark.parametrize("n", COUNTS)
def test_sm3_and_sm2_shared_matches_serial(n):
    msgs = [[os.urandom(i * 13 + j + (5000 if j % 8 == 0 else 0)) for j in range(64)] for i in range(n)]
    key = sm2.SM2PrivateKey.from_bytes(bytes(range(1, 33)))
    pub = key.public_key()
    shared = sm3.SM3(b"prefix")

    def work(i):
        h = shared.copy()
        for m in msgs[i]:
            h.update(m)
        sigs = [key.sign(m) for m in msgs[i][:8]]
        for m, s in zip(msgs[i][:8], sigs):
            pub.verify(s, m)
        return (sm3.digest_batch(msgs[i]), [sm3.hmac(b"k", m) for m in msgs[i]],
                [std_hmac.new(b"key", m, digestmod=sm3.SM3).digest() for m in msgs[i][:16]], h.digest(),
                key.decrypt(pub.encrypt(b"x" + msgs[i][0])), sigs)
    got = run_threads(work, n)
    for i in range(n):
        h = sm3.SM3(b"prefix")
        for m in msgs[i]:
            h.update(m)
        assert got[i][:5] == ([sm3.digest(m) for m in msgs[i]], [sm3.hmac(b"k", m) for m in msgs[i]],
                              [std_hmac.new(b"key", m, digestmod=sm3.SM3).digest() for m in msgs[i][:16]],
                              h.digest(), b"x" + msgs[i][0])
        for m, s in zip(msgs[i][:8], got[i][5]):      # signatures are randomised: each verifies serially
            pub.verify(s, m)
    assert shared.digest() == sm3.digest(b"prefix")


@pytest.mark.parametrize("n", COUNTS)
def test_sm3_shared_object_updates_land_whole(n):
    """One SM3 object updated from many threads at once (lengths around the block size, and
    some long enough to be hashed with the GIL released), digest() and copy() meanwhile: each
    update lands whole, one after another.  Every update is of the same byte, so in whatever
    order they land the digest is that of all the bytes."""
    shared = sm3.SM3()
    sizes = [[(i * 7 + j * 13) % 130 + 1 if j % 25 else 2048 + 64 * (j % 3) + i for j in range(800)]
             for i in range(n)]

    def work(i):
        for j, k in enumerate(sizes[i]):
            shared.update(b"a" * k)
            if j % 10 == 0:
                shared.digest()
                shared.copy().update(b"b")
    run_threads(work, n)
    assert shared.digest() == sm3.digest(b"a" * sum(map(sum, sizes)))


# ---- chunked encryption ------------------------------------------------------------------------

@pytest.mark.parametrize("n", COUNTS)
@pytest.mark.parametrize("suite", list(chunked.Suite), ids=[s.name for s in chunked.Suite])
def test_chunked_one_shot_matches_serial(suite, n):
    """encrypt / decrypt of messages around chunk boundaries (large ones run with the GIL
    released) from many threads give a serial run's output, byte for byte (salts fixed)."""
    key = bytes(range(suite.key_size))
    jobs = [[(struct.pack("!II", i, j) * 3, os.urandom((j * 16384 + 37 * i) if j % 3 else j * 11), b"ctx%d" % j)
             for j in range(6)] for i in range(n)]

    def work(i):
        out = [chunked._encrypt_with_salt(key, m, salt, context=c, suite=suite) for salt, m, c in jobs[i]]
        back = [chunked.decrypt(key, ct, context=c, suite=suite) for (_, _, c), ct in zip(jobs[i], out)]
        rejected = 0
        for (_, _, c), ct in zip(jobs[i], out):
            try:
                chunked.decrypt(key, ct[:-1] + bytes([ct[-1] ^ 1]), context=c, suite=suite)
            except InvalidTag:
                rejected += 1
        return out, back, rejected
    serial = [([chunked._encrypt_with_salt(key, m, salt, context=c, suite=suite) for salt, m, c in jobs[i]],
               [m for _, m, _ in jobs[i]], len(jobs[i])) for i in range(n)]
    assert run_threads(work, n) == serial


@pytest.mark.parametrize("n", COUNTS)
def test_chunked_shared_reader_each_read_atomic(n):
    """Threads reading one Reader each get whole consecutive pieces: together they cover the
    message exactly once."""
    key = bytes(range(32))
    msg = os.urandom(40 * 16384 + 123)
    reader = chunked.Reader(io.BytesIO(chunked.encrypt(key, msg)), key)
    piece = 5000

    def work(i):
        got = []
        while True:
            data = reader.read(piece)
            if not data:
                return got
            got.append(data)
    pieces = [p for part in run_threads(work, n) for p in part]
    offsets = sorted(msg.find(p) for p in pieces)
    assert offsets == list(range(0, len(msg), piece))
    assert sum(map(len, pieces)) == len(msg)


@pytest.mark.parametrize("n", COUNTS)
def test_chunked_shared_reader_random_access(n):
    """seek + read pairs under the caller's lock from many threads, while other threads read
    the length and chunk-sized slices: every answer equals slicing the message."""
    key = bytes(range(32))
    msg = os.urandom(20 * 16384 + 5)
    ct = chunked.encrypt(key, msg)
    reader = chunked.Reader(io.BytesIO(ct), key)
    lock = threading.Lock()

    def work(i):
        ok = 0
        for j in range(40):
            off = (i * 7919 + j * 104729) % (len(msg) + 10)
            size = (j * 3331) % 40000
            with lock:
                reader.seek(off)
                data = reader.read(size)
            ok += data == msg[off:off + size]
            ok += reader.length == len(msg)
        return ok
    assert run_threads(work, n) == [80] * n


@pytest.mark.parametrize("n", COUNTS)
def test_chunked_shared_writer_each_write_atomic(n):
    """Threads writing one Writer: each write lands whole, so the message decrypts to the
    blocks in some order, each once."""
    key = bytes(range(32))
    out = io.BytesIO()
    w = chunked.Writer(out, key, threads=2)
    blocks = [[struct.pack("!II", i, j) * ((i * 97 + j * 1031) % 9000 + 1) for j in range(20)] for i in range(n)]

    def work(i):
        for b in blocks[i]:
            w.write(b)
    run_threads(work, n)
    w.close()
    msg = chunked.decrypt(key, out.getvalue())
    pos, seen = 0, []
    while pos < len(msg):
        i, j = struct.unpack("!II", msg[pos:pos + 8])
        b = blocks[i][j]
        assert msg[pos:pos + len(b)] == b
        seen.append((i, j))
        pos += len(b)
    assert sorted(seen) == [(i, j) for i in range(n) for j in range(20)]


@pytest.mark.parametrize("threads", [2, 3, 4])
def test_chunked_writer_threads_match_one_thread(threads):
    """Writer(threads=N) seals chunks on N threads; the output equals one thread's."""
    key, salt = bytes(range(32)), bytes(range(24))
    msg = os.urandom(300 * 16384 + 77)
    outs = []
    for t in (1, threads):
        out = io.BytesIO()
        with chunked.Writer(out, key, threads=t, _salt=salt) as w:
            for k in range(0, len(msg), 3 * 1048576 + 5):
                w.write(msg[k:k + 3 * 1048576 + 5])
        outs.append(out.getvalue())
    assert outs[0] == outs[1] == chunked._encrypt_with_salt(key, msg, salt)


@pytest.mark.skipif(not sysconfig.get_config_var("Py_GIL_DISABLED"), reason="[platform] not a free-threaded build of CPython")
def test_free_threaded_build_runs_without_the_gil():
    # every ccfast module declares itself free-threading safe: importing them keeps the GIL off
    assert not GIL
