"""Threads sharing one object get exactly the results of a serial run.

Many threads start together (a barrier) with a short switch interval, on one SRTP session, one
AEAD object of each kind, SM3 and one SM2 key.  On a free-threaded build the same tests run
without the GIL.
"""
import os
import struct
import sys
import sysconfig
import threading

import pytest

from ccfast import aead, sm2, sm3, srtp
from ccfast.exceptions import ReplayError

pytestmark = pytest.mark.cpu_independent

THREADS = 8
GIL = getattr(sys, "_is_gil_enabled", lambda: True)()


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


@pytest.mark.parametrize("profile", [srtp.Profile.AES_CM_128_HMAC_SHA1_80, srtp.Profile.AEAD_AES_128_GCM])
def test_srtp_shared_session_matches_serial(profile):
    """Each thread owns some SSRCs (so per-stream order is fixed) and mixes every entry point:
    protect, protect_into, protect_batch, protect_rtcp on one sender; then the receiver is
    shared the same way.  Outputs equal a one-thread run's, packet for packet."""
    key = os.urandom(srtp.key_length(profile))
    per = 200

    def plan(i):
        ssrcs = [0x1000 + 4 * i + k for k in range(4)]
        return [rtp(s, ssrcs[s % 4]) for s in range(per)], [rtcp(ssrcs[0], n) for n in range(5)]

    def send(tx, i):
        pkts, ctl = plan(i)
        out = []
        for j in range(0, per, 40):
            chunk = pkts[j:j + 40]
            out += [tx.protect(p) for p in chunk[:10]]
            for p in chunk[10:20]:
                buf = bytearray(p) + bytearray(16)
                n = tx.protect_into(buf, len(p))
                out.append(bytes(buf[:n]))
            out += tx.protect_batch(chunk[20:])
        return out, [tx.protect_rtcp(c) for c in ctl]

    serial_tx = srtp.Session(profile, key)
    serial = [send(serial_tx, i) for i in range(THREADS)]
    shared_tx = srtp.Session(profile, key)
    parallel = run_threads(lambda i: send(shared_tx, i))
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

    shared_rx = srtp.Session(profile, key)
    got = run_threads(lambda i: receive(shared_rx, i))
    assert got == [(plan(i)[0], plan(i)[1]) for i in range(THREADS)]
    stats = shared_rx.stats
    assert len(stats) == 4 * THREADS
    assert sum(s["authenticated"] for s in stats.values()) == THREADS * per
    assert sum(s["authenticated_rtcp"] for s in stats.values()) == THREADS * 5


def test_srtp_same_packet_raced_accepted_once():
    key = os.urandom(30)
    tx = srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, key)
    packets = [tx.protect(rtp(s, 0xABCD)) for s in range(300)]
    rx = srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, key)

    def race(i):
        ok = 0
        for p in packets:
            try:
                rx.unprotect(p)
                ok += 1
            except ReplayError:
                pass
        return ok
    assert sum(run_threads(race)) == len(packets)
    st = rx.stats[0xABCD]
    assert st["authenticated"] == len(packets) and st["replays"] == (THREADS - 1) * len(packets)


@pytest.mark.parametrize("make", [lambda: aead.AESGCM(bytes(range(32))), lambda: aead.SM4GCM(bytes(range(16))),
                                  lambda: aead.SM4CCM(bytes(range(16)), tag_length=12)],
                         ids=["AESGCM", "SM4GCM", "SM4CCM"])
def test_aead_shared_object_matches_serial(make):
    obj = make()
    jobs = [[(struct.pack("!IQ", i, j), os.urandom(j * 7 % 300), os.urandom(j % 20)) for j in range(150)]
            for i in range(THREADS)]

    def work(i):
        out = [obj.encrypt(n, d, a) for n, d, a in jobs[i][:100]]
        out += obj.encrypt_batch([n for n, _, _ in jobs[i][100:]], [d for _, d, _ in jobs[i][100:]],
                                 [a for _, _, a in jobs[i][100:]])
        back = [obj.decrypt(n, c, a) for (n, _, a), c in zip(jobs[i], out)]
        return out, back
    serial_obj = make()
    serial = [([serial_obj.encrypt(n, d, a) for n, d, a in jobs[i]], [d for _, d, _ in jobs[i]])
              for i in range(THREADS)]
    assert run_threads(work) == serial


def test_sm3_and_sm2_shared_matches_serial():
    msgs = [[os.urandom(i * 13 + j) for j in range(64)] for i in range(THREADS)]
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
        return sm3.digest_batch(msgs[i]), [sm3.hmac(b"k", m) for m in msgs[i]], h.digest(), \
            key.decrypt(pub.encrypt(b"x" + msgs[i][0]))
    got = run_threads(work)
    for i in range(THREADS):
        h = sm3.SM3(b"prefix")
        for m in msgs[i]:
            h.update(m)
        assert got[i] == ([sm3.digest(m) for m in msgs[i]], [sm3.hmac(b"k", m) for m in msgs[i]], h.digest(),
                          b"x" + msgs[i][0])


@pytest.mark.skipif(not sysconfig.get_config_var("Py_GIL_DISABLED"), reason="not a free-threaded build")
def test_free_threaded_build_runs_without_the_gil():
    # every ccfast module declares itself free-threading safe: importing them keeps the GIL off
    assert not GIL
