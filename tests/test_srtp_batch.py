"""SRTP batches: the multi-buffer kernels under protect_batch / unprotect_batch and the row forms
(one session, or one session per row), against the per-packet calls.

Every batch must give exactly what the per-packet calls give in order: the same bytes, the
same exceptions, the same stream state and counters - with packets that fail in every way in
the middle of the batch.  These tests run at every CPU level (tests/run.py), so each batch
kernel (AVX-512 / AVX2 / SHA-NI multi-buffer SHA-1, VAES / AES-NI multi-message AES-CTR,
VAES-512 multi-message GCM, or none) is compared where it is the one chosen; the multi-buffer
SHA-1 implementations are also each compared with the `hmac` module directly.
"""
import array
import hashlib
import hmac
import os
import random
import struct
import threading

import pytest

from conftest import skip_cpu

import ccfast
from ccfast import _srtp, srtp
from ccfast.srtp import PacketError, Profile, ReplayError, Session, SRTPError, key_length

PROFILES = list(Profile)


def rtp(ssrc, seq, payload, marker=0, csrc=0, ext=False, pad=0):
    first = 0x80 | csrc | (0x10 if ext else 0) | (0x20 if pad else 0)
    head = struct.pack("!BBHII", first, 96 | (marker << 7), seq & 0xFFFF, (seq * 160) & 0xFFFFFFFF, ssrc)
    head += bytes(4 * csrc)
    if ext:
        head += b"\xbe\xde\x00\x01" + b"\x10\xaa\x00\x00"
    body = payload + (bytes(pad - 1) + bytes([pad]) if pad else b"")
    return head + body


def traffic(rng, ssrcs, n, start=65500):
    """n packets over the given SSRCs, sequence numbers running over the 16-bit wrap."""
    seqs = {s: start + 11 * i for i, s in enumerate(ssrcs)}
    out = []
    for _ in range(n):
        s = rng.choice(ssrcs)
        kind = rng.randrange(10)
        out.append(rtp(s, seqs[s], rng.randbytes(160 if kind < 6 else rng.randrange(0, 200)),
                       csrc=2 if kind == 7 else 0, ext=kind == 8, pad=3 if kind == 9 else 0))
        seqs[s] += 1
    return out


def damage(rng, protected):
    """Tamper with some protected packets: flipped tag or payload bits, truncation, replays,
    a bad version, runts; returns the new list."""
    out = list(protected)
    for i in range(len(out)):
        k = rng.randrange(20)
        p = bytearray(out[i])
        if k == 0:
            p[-1] ^= 1
        elif k == 1 and len(p) > 20:
            p[20] ^= 0x80
        elif k == 2:
            p = p[:rng.randrange(0, 24)]
        elif k == 3 and i:
            p = bytearray(out[i - 1])                     # a replay
        elif k == 4:
            p[0] ^= 0xC0                                  # version 1
        out[i] = bytes(p)
    return out


def outcome(x):
    return x if isinstance(x, (bytes, type(None))) else type(x)


def per_packet(method, packets):
    out = []
    for p in packets:
        try:
            out.append(method(p))
        except (SRTPError, ValueError) as exc:
            out.append(exc)
    return [outcome(x) for x in out]


class Rows:
    """n rows of `width` bytes in a bytearray (no numpy, which some platforms lack); view(a, b)
    is rows a..b-1 as a writable 2-D buffer, rows itself all of them."""

    def __init__(self, packets, width=320):
        self.width, self.n = width, len(packets)
        self.data = bytearray(len(packets) * width)
        for i, p in enumerate(packets):
            self.data[i * width:i * width + len(p)] = p

    def view(self, a=0, b=None):
        b = self.n if b is None else min(b, self.n)
        return memoryview(self.data)[a * self.width:b * self.width].cast("B", (b - a, self.width))

    def row(self, i, n):
        return bytes(self.data[i * self.width:i * self.width + n])


def rows_of(packets, width=320):
    r = Rows(packets, width)
    return r, array.array("i", [len(p) for p in packets])


def lens_slice(lengths, a, b):
    return memoryview(lengths)[a:b]


def from_rows(rows, lengths, errors):
    return [outcome(e) if e is not None else rows.row(i, lengths[i]) for i, e in enumerate(errors)]


@pytest.fixture(params=["multi-buffer", "serial"])
def serial(request):
    _srtp._set_batch_serial(request.param == "serial")
    yield request.param == "serial"
    _srtp._set_batch_serial(False)


def test_implementations_listed():
    impls = ccfast.implementations()
    avail = ccfast._available_implementations()
    assert impls["sha1-mb"] in avail["sha1-mb"] and avail["sha1-mb"][impls["sha1-mb"]]
    assert avail["sha1-mb"]["serial"] is True
    k = _srtp._batch_kernels()
    assert k["sha1-mb"] == impls["sha1-mb"]
    assert k["aes-ctr-many"] in ("vaes-avx512-many", "aesni-many", "serial")
    assert k["gcm-many"] in ("vaes-avx512-many", "serial")


@pytest.mark.parametrize("impl", sorted(ccfast._available_implementations()["sha1-mb"]))
def test_hmac_sha1_many_against_hmac(impl):
    if not ccfast._available_implementations()["sha1-mb"][impl]:
        skip_cpu(f"sha1-mb {impl} not supported on this CPU")
    rng = random.Random(impl)
    for n in (0, 1, 3, 15, 16, 17, 33, 70):
        same = [(rng.randbytes(20), rng.randbytes(162), rng.randbytes(4)) for _ in range(n)]
        mixed = [(rng.randbytes(rng.randrange(0, 100)), rng.randbytes(rng.randrange(0, 300)),
                  rng.randbytes(rng.randrange(0, 65))) for _ in range(n)]
        for jobs in (same, mixed):
            got = _srtp._hmac_sha1_many(jobs, impl)
            assert got == [hmac.new(k, a + b, hashlib.sha1).digest() for k, a, b in jobs]
    with pytest.raises(ValueError):
        _srtp._hmac_sha1_many([(b"k", b"", bytes(65))], impl)


@pytest.mark.parametrize("profile", PROFILES, ids=[p.name for p in PROFILES])
def test_batches_equal_per_packet(profile, serial):
    rng = random.Random(int(profile) * 7 + int(serial))
    key = rng.randbytes(key_length(profile))
    ssrcs = [0x1111, 0x2222, 0x3333]
    plain = traffic(rng, ssrcs, 300)
    # protect: list form and rows against per-packet calls
    want_p = per_packet(Session(profile, key).protect, plain)
    assert [outcome(x) for x in Session(profile, key).protect_batch(plain)] == want_p
    rows, lens = rows_of(plain)
    assert Session(profile, key).protect_batch_into(rows.view(), lens) == [None] * len(plain)
    assert from_rows(rows, lens, [None] * len(plain)) == want_p
    # unprotect of damaged traffic
    packets = damage(rng, want_p)
    ref = Session(profile, key)
    want_u = per_packet(ref.unprotect, packets)
    s1 = Session(profile, key)
    got = []
    for i in range(0, len(packets), 64):
        got += [outcome(x) for x in s1.unprotect_batch(packets[i:i + 64])]
    assert got == want_u
    assert s1.stats == ref.stats
    s2 = Session(profile, key)
    rows, lens = rows_of(packets)
    errors = []
    for i in range(0, len(packets), 50):
        errors += s2.unprotect_batch_into(rows.view(i, i + 50), lens_slice(lens, i, i + 50))
    assert from_rows(rows, lens, errors) == want_u
    assert all(lens[i] == 0 for i, e in enumerate(errors) if e is not None)
    assert s2.stats == ref.stats


@pytest.mark.parametrize("profile", [Profile.AES_CM_128_HMAC_SHA1_80, Profile.AEAD_AES_128_GCM],
                         ids=lambda p: p.name)
def test_small_batches_equal_per_packet(profile, serial):
    """Batches of 1 to 7 packets (a batch of one runs per packet, fewer than four keep the GIL,
    the kernels hand lone messages to the single-message code) give what single calls give."""
    rng = random.Random(int(profile) * 13 + int(serial))
    key = rng.randbytes(key_length(profile))
    plain = traffic(rng, [0x4444, 0x5555], 160)
    sizes = [1, 2, 3, 1, 5, 4, 7, 1, 1, 6]
    want_p = per_packet(Session(profile, key).protect, plain)
    tx, got, i, k = Session(profile, key), [], 0, 0
    while i < len(plain):
        got += [outcome(x) for x in tx.protect_batch(plain[i:i + sizes[k % len(sizes)]])]
        i, k = i + sizes[k % len(sizes)], k + 1
    assert got == want_p
    packets = damage(rng, want_p)
    ref = Session(profile, key)
    want_u = per_packet(ref.unprotect, packets)
    s1, s2 = Session(profile, key), Session(profile, key)
    rows, lens = rows_of(packets)
    got, errors, i, k = [], [], 0, 3
    while i < len(packets):
        j = i + sizes[k % len(sizes)]
        got += [outcome(x) for x in s1.unprotect_batch(packets[i:j])]
        errors += s2.unprotect_batch_into(rows.view(i, j), lens_slice(lens, i, min(j, len(packets))))
        i, k = j, k + 1
    assert got == want_u
    assert from_rows(rows, lens, errors) == want_u
    assert s1.stats == ref.stats and s2.stats == ref.stats


@pytest.mark.parametrize("n", [5, 64, 65, 150])
def test_list_batches_of_bytes_and_views(n):
    """The list forms read exact bytes in place and take a view of any other buffer, from the
    first such packet on; batches of up to 64 packets keep their items on the stack, larger
    ones on the heap.  A bad packet raises before any crypto and leaks no view."""
    profile = Profile.AEAD_AES_128_GCM
    rng = random.Random(n)
    key = rng.randbytes(key_length(profile))
    plain = traffic(rng, [0x6666], n)
    kinds = [bytes, bytes, bytearray, memoryview, lambda b: memoryview(bytearray(b))]
    mixed = [kinds[(i * 3) % len(kinds)](p) for i, p in enumerate(plain)]
    want_p = per_packet(Session(profile, key).protect, plain)
    assert [outcome(x) for x in Session(profile, key).protect_batch(mixed)] == want_p
    protected = [x for x in want_p if isinstance(x, bytes)]
    want_u = per_packet(Session(profile, key).unprotect, protected)
    mixed = [kinds[(i * 3 + 1) % len(kinds)](p) for i, p in enumerate(protected)]
    assert [outcome(x) for x in Session(profile, key).unprotect_batch(mixed)] == want_u
    held = bytearray(protected[1])
    for bad in ([protected[0], held, "text"], [held, protected[0], 7]):
        s = Session(profile, key)
        with pytest.raises(TypeError):
            s.unprotect_batch(bad)
        assert s.stats == Session(profile, key).stats      # nothing ran
        with pytest.raises(TypeError):
            s.protect_batch([plain[0], bytearray(plain[1]), None])
    held.append(0)                  # no export left behind by the failed calls


@pytest.mark.parametrize("profile", [Profile.AES_CM_128_HMAC_SHA1_80, Profile.AEAD_AES_256_GCM,
                                     Profile.NULL_HMAC_SHA1_32], ids=lambda p: p.name)
def test_many_sessions(profile, serial):
    """One session per call, rows interleaved: per-row lists and SSRC dicts."""
    rng = random.Random(int(profile) + 99)
    calls = {0x5000 + i: rng.randbytes(key_length(profile)) for i in range(12)}
    tx = {s: Session(profile, k) for s, k in calls.items()}
    rx_ref = {s: Session(profile, k) for s, k in calls.items()}
    rx_list = {s: Session(profile, k) for s, k in calls.items()}
    rx_dict = {s: Session(profile, k) for s, k in calls.items()}
    plain = traffic(rng, list(calls), 400)
    ssrc_of = [struct.unpack_from("!I", p, 8)[0] for p in plain]
    # protect with a session per row (module function) against per-packet calls
    want_p = [tx[s].protect(p) for s, p in zip(ssrc_of, plain)]
    tx2 = {s: Session(profile, k) for s, k in calls.items()}
    rows, lens = rows_of(plain)
    errs = srtp.protect_batch_into([tx2[s] for s in ssrc_of], rows.view(), lens)
    assert errs == [None] * len(plain)
    assert from_rows(rows, lens, errs) == want_p
    packets = damage(rng, want_p)
    want_u = [per_packet(rx_ref[s].unprotect, [p])[0] for s, p in zip(ssrc_of, packets)]
    rows, lens = rows_of(packets)
    errors = srtp.unprotect_batch_into([rx_list[s] for s in ssrc_of], rows.view(), lens)
    assert from_rows(rows, lens, errors) == want_u
    # by the SSRC each packet carries (a copied packet goes to the session of its own SSRC)
    dict_ref = {s: Session(profile, k) for s, k in calls.items()}
    want_d = []
    for p in packets:
        sess = dict_ref.get(struct.unpack_from("!I", p, 8)[0]) if len(p) >= 12 else None
        want_d.append(per_packet(sess.unprotect, [p])[0] if sess else None)
    rows, lens = rows_of(packets)
    errors = []
    for i in range(0, len(packets), 64):
        errors += srtp.unprotect_batch_into(rx_dict, rows.view(i, i + 64), lens_slice(lens, i, i + 64))
    got = from_rows(rows, lens, errors)
    for g, w in zip(got, want_d):
        assert g == w or (w is None and g in (SRTPError, PacketError))
    for s in calls:
        assert rx_list[s].stats == rx_ref[s].stats
        assert rx_dict[s].stats == dict_ref[s].stats


def test_rows_failures_isolated():
    key = bytes(range(30))
    prof = Profile.AES_CM_128_HMAC_SHA1_80
    a, b = Session(prof, key), Session(prof, key[::-1])
    pkts = [rtp(0xA, 1, bytes(160)), rtp(0xB, 1, bytes(160)), rtp(0xC, 1, bytes(160)), rtp(0xA, 2, bytes(160))]
    rows, lens = rows_of(pkts, width=200)
    lens[2] = 195                                     # no room for the trailer
    errs = srtp.protect_batch_into([a, None, a, a], rows.view(), lens)
    assert errs[0] is None and errs[3] is None
    assert isinstance(errs[1], SRTPError) and "no session for row 1" in str(errs[1])
    assert isinstance(errs[2], ValueError) and "no room" in str(errs[2])
    assert lens[1] == 0 and lens[2] == 0             # a failed row is never sent as it is
    assert rows.row(0, lens[0]) == Session(prof, key).protect(pkts[0])
    # dict lookup by SSRC; an unknown SSRC fails alone
    rows, lens = rows_of([Session(prof, key).protect(pkts[0]), Session(prof, key[::-1]).protect(pkts[1]),
                          Session(prof, key).protect(pkts[2])], width=200)
    errs = srtp.unprotect_batch_into({0xA: Session(prof, key), 0xB: b}, rows.view(), lens)
    assert errs[0] is None and errs[1] is None and rows.row(1, lens[1]) == pkts[1]
    assert isinstance(errs[2], SRTPError) and "0x0000000c" in str(errs[2]) and lens[2] == 0


def test_rows_argument_errors():
    key = bytes(30)
    s = Session(Profile.AES_CM_128_HMAC_SHA1_80, key)
    rows, lens = rows_of([rtp(1, 1, bytes(10))])
    with pytest.raises(TypeError, match="sessions must"):
        srtp.unprotect_batch_into("nope", rows.view(), lens)
    with pytest.raises(TypeError, match="Session objects or None"):
        r2, l2 = rows_of([rtp(1, 1, b""), rtp(1, 2, b"")])
        srtp.unprotect_batch_into([s, 3], r2.view(), l2)
    with pytest.raises(ValueError, match="sessions has 2 entries for 1"):
        srtp.unprotect_batch_into([s, s], rows.view(), lens)
    with pytest.raises(TypeError, match="2-D"):
        srtp.protect_batch_into([s], bytearray(100), lens)
    try:
        import numpy as np
    except ImportError:
        return
    assert srtp.unprotect_batch_into([], np.zeros((0, 10), np.uint8), np.zeros(0, np.int32)) == []


def test_threads_share_sessions_without_deadlock():
    """Batches over overlapping sets of sessions from several threads: the locks are taken in
    address order, so none waits forever; every packet is accepted exactly once."""
    prof = Profile.AEAD_AES_128_GCM
    keys = [bytes([i]) * key_length(prof) for i in range(6)]
    rx = [Session(prof, k, replay_window=2048) for k in keys]
    tx = [Session(prof, k) for k in keys]
    packets = [(i % 6, tx[i % 6].protect(rtp(0x100 + i % 6, i // 6, bytes(100)))) for i in range(1200)]
    accepted = []
    lock = threading.Lock()

    def work(part):
        mine = packets[part::4]
        for i in range(0, len(mine), 40):
            chunk = mine[i:i + 40][::-1 if part % 2 else 1]
            rows, lens = rows_of([p for _, p in chunk])
            errs = srtp.unprotect_batch_into([rx[k] for k, _ in chunk], rows.view(), lens)
            with lock:
                accepted.extend(rows.row(j, lens[j]) for j, e in enumerate(errs) if e is None)

    threads = [threading.Thread(target=work, args=(p,)) for p in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
        assert not t.is_alive(), "a batch waits forever"
    assert len(accepted) == len(set(accepted))
    total = sum(st["authenticated"] for s in rx for st in s.stats.values())
    assert total == len(accepted)
    assert len(accepted) == len(packets)             # the windows hold every index


def ext_packet(ssrc, seq, csrc=0, ext=True):
    """RTP with a one-byte-form header extension (ids 1 and 2) and/or CSRCs."""
    first = 0x80 | csrc | (0x10 if ext else 0)
    head = struct.pack("!BBHII", first, 96, seq & 0xFFFF, seq * 160, ssrc) + bytes(range(1, 1 + 4 * csrc))
    if ext:
        head += b"\xbe\xde\x00\x02" + b"\x10\xaa" + b"\x21\xbb\xcc" + b"\x00\x00\x00"
    return head + bytes([seq & 0xFF]) * 80


CONFIGS = {
    "header-encryption": (Profile.AES_CM_128_HMAC_SHA1_80, {"encrypted_header_ids": (1, 2)}),
    "header-encryption-gcm": (Profile.AEAD_AES_256_GCM, {"encrypted_header_ids": (1,)}),
    "cryptex": (Profile.AES_CM_128_HMAC_SHA1_80, {"cryptex": True}),
    "cryptex-gcm": (Profile.AEAD_AES_128_GCM, {"cryptex": True}),
    "mki": (Profile.AES_CM_128_HMAC_SHA1_32, {"mki": b"\x01\x02"}),
    "sm4-gcm": (Profile.AEAD_SM4_GCM, {}),
    "kdr": (Profile.AES_CM_128_HMAC_SHA1_80, {"kdr": 16}),
}


@pytest.mark.parametrize("config", list(CONFIGS))
def test_batches_with_session_features(config, serial):
    """Header-extension encryption, cryptex, MKI rekeying, SM4-GCM, kdr and events: the batch
    gives what the per-packet calls give (bytes, errors, stats, events)."""
    profile, kw = CONFIGS[config]
    rng = random.Random(config)
    key = rng.randbytes(key_length(profile))
    plain = [ext_packet(0x4242 + (i % 2), 65530 + i // 2, csrc=(2 if i % 3 == 0 else 0), ext=i % 5 != 4)
             for i in range(120)]
    events = {"ref": [], "batch": []}

    def make(who, sending):
        s = Session(profile, key, on_event=lambda e, ssrc, d: events[who].append((e, ssrc, sorted(d))), **kw)
        if config == "mki":
            s.add_master_key(rng_keys[0], b"\x09\x09")
            if sending:
                s.use_master_key(b"\x09\x09")
        return s

    rng_keys = [random.Random(1).randbytes(key_length(profile))]
    want_p = per_packet(make("ref", True).protect, plain)
    rows, lens = rows_of(plain, width=400)
    assert make("batch", True).protect_batch_into(rows.view(), lens) == [None] * len(plain)
    assert from_rows(rows, lens, [None] * len(plain)) == want_p
    packets = damage(rng, want_p)
    ref, bat = make("ref", False), make("batch", False)
    want_u = per_packet(ref.unprotect, packets)
    rows, lens = rows_of(packets, width=400)
    errors = []
    for i in range(0, len(packets), 40):
        errors += bat.unprotect_batch_into(rows.view(i, i + 40), lens_slice(lens, i, i + 40))
    assert from_rows(rows, lens, errors) == want_u
    assert bat.stats == ref.stats
    # a per-packet call reports a packet shorter than an RTP header as "malformed" for SSRC 0;
    # a batch reports nothing for it (test_srtp_operations.test_events)
    assert events["batch"] == [e for e in events["ref"] if not (e[0] == "malformed" and e[1] == 0)]
