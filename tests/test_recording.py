"""Sealed recordings (ccfast.recording): the format against an independent implementation written
here from docs/recording.md on `cryptography`, round trips for every suite and recipient kind,
random access (wave from any offset, chunks touched counted), rewrap, every kind of bad input,
and crashes (SIGKILL of a real child process) at every step of seal and rewrap.
"""
import datetime as dt
import hmac
import io
import os
import pickle
import random
import signal
import struct
import subprocess
import sys
import textwrap
import wave

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as c_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM as C_AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap_with_padding, aes_key_wrap_with_padding

from ccfast import chunked, recording, sm2
from conftest import import_root
from ccfast.exceptions import CCFastError, InvalidTag, TruncatedError

pytestmark = pytest.mark.cpu_independent


SUITES = list(recording._SUITES)
S = chunked.Suite


# ---- an independent implementation of the format, from docs/recording.md ------------------------

REF_SUITES = {1: ("AEAD_AES_128_GCM", hashes.SHA256, 16), 2: ("AEAD_AES_256_GCM", hashes.SHA512, 32),
              3: ("AEAD_SM4_GCM", hashes.SM3, 16), 4: ("AEAD_AES_128_GCM", hashes.SHA512, 16)}


def ref_hmac(h, key, data):
    m = c_hmac.HMAC(key, h())
    m.update(data)
    return m.finalize()


def ref_hkdf_expand(h, prk, info, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = ref_hmac(h, prk, t + info + bytes([i]))
        out += t
        i += 1
    return out[:n]


def ref_gcm(aead, key, nonce, data, decrypt):
    if aead.startswith("AEAD_AES"):
        g = C_AESGCM(key)
        return g.decrypt(nonce, data, None) if decrypt else g.encrypt(nonce, data, None)
    if decrypt:
        d = Cipher(algorithms.SM4(key), modes.GCM(nonce, data[-16:])).decryptor()
        return d.update(data[:-16]) + d.finalize()
    e = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    return e.update(data) + e.finalize() + e.tag


def ref_chunked(suite_id, key, data, context, decrypt, salt=None):
    aead, h, klen = REF_SUITES[suite_id]
    if decrypt:
        salt, commitment, body = data[:24], data[24:56], data[56:]
    info = b"c2sp.org/chunked-encryption@v1+" + aead.encode() + b"\x00" + salt + context
    okm = ref_hkdf_expand(h, key, info, klen + 12 + 32)
    k, base, comm = okm[:klen], okm[klen:klen + 12], okm[klen + 12:]
    nonce = lambda i: (int.from_bytes(base, "big") ^ i).to_bytes(12, "big")  # noqa: E731
    if decrypt:
        assert hmac.compare_digest(commitment, comm), "commitment"
        out, i = b"", 0
        while True:
            piece = body[i * 16400:(i + 1) * 16400]
            pt = ref_gcm(aead, k, nonce(i), piece, True)
            out += pt
            if len(pt) < 16384:
                assert (i + 1) * 16400 >= len(body)
                return out
            i += 1
    chunks = [data[i:i + 16384] for i in range(0, len(data) + 1, 16384)]
    if len(chunks[-1]) == 16384:
        chunks.append(b"")
    return salt + comm + b"".join(ref_gcm(aead, k, nonce(i), c, False) for i, c in enumerate(chunks))


def ref_kwp(kind, key, data, unwrap):
    if kind == 1:
        return aes_key_unwrap_with_padding(key, data) if unwrap else aes_key_wrap_with_padding(key, data)
    from test_keywrap import ecb, ref_unwrap, ref_wrap
    enc, dec = ecb(algorithms.SM4(key))
    return ref_unwrap(dec, data) if unwrap else ref_wrap(enc, data)


def ref_seal(suite_id, keks, plaintext, metadata=b""):
    """keks: [(type 1|2, key, kid str)]"""
    fk = os.urandom(32)
    aead, h, klen = REF_SUITES[suite_id]
    fixed = b"\x89CCFREC\n" + struct.pack(">BBH", 1, suite_id, len(metadata)) + metadata
    stanzas = b""
    for t, key, kid in keks:
        body = bytes([len(kid.encode())]) + kid.encode() + ref_kwp(t, key, fk, False)
        stanzas += struct.pack(">BH", t, len(body)) + body
    body = fixed + struct.pack(">QB", len(plaintext), len(keks)) + stanzas
    mac_key = ref_hkdf_expand(h, fk, b"ccfast.recording/v1 header mac key", 32)
    payload_key = ref_hkdf_expand(h, fk, b"ccfast.recording/v1 payload key", klen)
    return body + ref_hmac(h, mac_key, body)[:32] + ref_chunked(suite_id, payload_key, plaintext, fixed, False,
                                                                salt=os.urandom(24))


def ref_open(blob, t, key, kid):
    def unwrap(st, body):
        if st == t and body[1:1 + body[0]].decode() == kid:
            return ref_kwp(t, key, body[1 + body[0]:], True)
    return ref_open_with(blob, unwrap)


def ref_open_with(blob, unwrap):
    assert blob[:8] == b"\x89CCFREC\n" and blob[8] == 1
    suite_id, mlen = blob[9], struct.unpack(">H", blob[10:12])[0]
    aead, h, klen = REF_SUITES[suite_id]
    fixed = blob[:12 + mlen]
    p = 12 + mlen
    plen, count = struct.unpack(">QB", blob[p:p + 9])
    p += 9
    fk = None
    for _ in range(count):
        st, bl = struct.unpack(">BH", blob[p:p + 3])
        body = blob[p + 3:p + 3 + bl]
        p += 3 + bl
        fk = fk or unwrap(st, body)
    mac_key = ref_hkdf_expand(h, fk, b"ccfast.recording/v1 header mac key", 32)
    assert hmac.compare_digest(ref_hmac(h, mac_key, blob[:p])[:32], blob[p:p + 32]), "header mac"
    payload = blob[p + 32:]
    assert len(payload) == 56 + plen + 16 * (plen // 16384 + 1)
    payload_key = ref_hkdf_expand(h, fk, b"ccfast.recording/v1 payload key", klen)
    return ref_chunked(suite_id, payload_key, payload, fixed, True)


# ---- fixtures ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sm2key():
    return sm2.generate_private_key()


def kek(alg="aes-256", kid=None):
    return recording.KEK(os.urandom(32 if alg == "aes-256" else 16), kid or f"{alg}-{os.urandom(3).hex()}")


def seal_bytes(data, recipients, **kw):
    out = io.BytesIO()
    recording.seal(io.BytesIO(data), out, recipients, **kw)
    return out.getvalue()


def open_bytes(blob, identity):
    with recording.open(io.BytesIO(blob), identity) as f:
        return f.read()


META = {"call_id": "c-20261122-0001", "codec": "PCMA", "sample_rate": 8000,
        "start_time": dt.datetime(2026, 11, 22, 9, 30, 1, 250000, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        "retention_until": dt.date(2033, 11, 22), "extra": {"agent": "0042", "direction": "inbound"}}


# ---- the independent implementation ------------------------------------------------------------

@pytest.mark.parametrize("suite_id", SUITES)
def test_independent_reader_opens_ccfast_recordings(suite_id):
    suite = recording._header_suite(suite_id)
    for n in (0, 1, 16383, 16384, 16385, 40000):
        data = os.urandom(n)
        ka, ks = os.urandom(32), os.urandom(16)
        blob = seal_bytes(data, [recording.KEK(ka, "a"), recording.KEK(ks, "s")], suite=suite, metadata=META)
        assert ref_open(blob, 1, ka, "a") == data
        assert ref_open(blob, 2, ks, "s") == data


def test_independent_reader_opens_sm2_stanzas_with_gmssl():
    """The SM2 stanza (key id, raw C1C3C2 of the file key) decrypted by gmssl (pure Python),
    which takes C1 without its 04 prefix."""
    from gmssl import sm2 as gsm2
    k = sm2.generate_private_key()
    pub = k.public_key().public_bytes()
    g = gsm2.CryptSM2(private_key=k.to_bytes().hex(), public_key=pub[1:].hex(), mode=1)

    def unwrap(st, body):
        if st == 3:
            h = hashes.Hash(hashes.SM3())
            h.update(pub)
            assert body[:32] == h.finalize()                      # key id = SM3(04 || X || Y)
            assert len(body) == 32 + 129 and body[32] == 4
            return g.decrypt(body[33:])
    for suite_id in SUITES:
        data = os.urandom(20000)
        blob = seal_bytes(data, [kek(), k.public_key()], suite=recording._header_suite(suite_id))
        assert ref_open_with(blob, unwrap) == data


@pytest.mark.parametrize("suite_id", SUITES)
def test_ccfast_opens_independent_recordings(suite_id):
    meta = recording._encode_metadata(recording.Metadata(**META))
    for n in (0, 5, 16384, 33000):
        data = os.urandom(n)
        ka, ks = os.urandom(32), os.urandom(16)
        blob = ref_seal(suite_id, [(1, ka, "archive"), (2, ks, "escrow")], data, meta)
        for identity in (recording.KEK(ka, "archive"), recording.KEK(ks, "escrow")):
            with recording.open(io.BytesIO(blob), identity) as f:
                assert f.read() == data
                assert f.info.metadata == recording.Metadata(**META)
                assert f.info.size == n and f.info.authenticated


def test_layout_matches_the_specification():
    a = kek("aes-256", "archive")
    blob = seal_bytes(b"x" * 100, [a], suite=S.AES_256_GCM_SHA512, metadata={"call_id": "abc", "sample_rate": 16000})
    assert blob[:8] == b"\x89CCFREC\n" and blob[8:10] == b"\x01\x02"
    meta = b"\x01\x00\x03abc" + b"\x04\x00\x04" + struct.pack(">I", 16000)
    assert blob[10:12] == struct.pack(">H", len(meta)) and blob[12:12 + len(meta)] == meta
    p = 12 + len(meta)
    assert blob[p:p + 9] == struct.pack(">QB", 100, 1)
    assert blob[p + 9:p + 12] == b"\x01" + struct.pack(">H", 1 + 7 + 40) and blob[p + 12:p + 20] == b"\x07archive"
    info = recording.inspect(io.BytesIO(blob))
    assert info.header_size == p + 12 + 48 + 32 and info.payload_size == 56 + 100 + 16 == len(blob) - info.header_size


def test_metadata_encoding_round_trip_and_limits():
    m = recording.Metadata(**META)
    raw = recording._encode_metadata(m)
    assert recording._decode_metadata(raw) == m
    assert m.start_time.tzinfo == dt.timezone.utc and m.start_time.hour == 1
    assert raw[:3] == b"\x01\x00\x0f"
    start = [i for i in range(len(raw)) if raw[i:i + 3] == b"\x02\x00\x08"][0]
    us = struct.unpack(">q", raw[start + 3:start + 11])[0]
    assert us == 1795311001 * 10**6 + 250000                    # 2026-11-22T01:30:01.25Z
    assert b"\x05\x00\x0a2033-11-22" in raw
    assert recording._decode_metadata(recording._encode_metadata(recording.Metadata())) == recording.Metadata()
    assert pickle.loads(pickle.dumps(m)) == m and hash(m) == hash(recording.Metadata(**META))
    info = recording.inspect(io.BytesIO(seal_bytes(b"x", [kek()], metadata=m)))
    assert pickle.loads(pickle.dumps(info)) == info                  # no secret in an info
    for bad in [{"start_time": dt.datetime(2026, 1, 1)}, {"call_id": ""}, {"codec": "x" * 65}, {"sample_rate": 0},
                {"extra": {"": "x"}}]:
        with pytest.raises(ValueError):
            recording.Metadata(**bad)
    for bad in [{"sample_rate": 8000.0}, {"sample_rate": True}, {"call_id": b"x"}, {"retention_until": "2030-01-01"},
                {"extra": {"a": 1}}]:
        with pytest.raises(TypeError):
            recording.Metadata(**bad)
    for raw_bad in [b"\x01\x00", b"\x01\x00\x05ab", b"\x03\x00\x01a\x01\x00\x01b", b"\x01\x00\x01a\x01\x00\x01b",
                    b"\x07\x00\x00", b"\x02\x00\x04abcd", b"\x05\x00\x0a2033-13-01", b"\x01\x00\x02\xff\xfe",
                    b"\x06\x00\x03\x05ab", b"\x04\x00\x04\x00\x00\x00\x00"]:
        with pytest.raises(recording.RecordingFormatError):
            recording._decode_metadata(raw_bad)


# ---- round trips -------------------------------------------------------------------------------

@pytest.mark.parametrize("suite_id", SUITES)
def test_round_trip_every_recipient_kind(suite_id, sm2key, tmp_path):
    suite = recording._header_suite(suite_id)
    a, s = kek("aes-256"), kek("sm4")
    data = os.urandom(70000)
    src = tmp_path / "in.raw"
    src.write_bytes(data)
    info = recording.seal(src, tmp_path / "out.rec", [a, s, sm2key.public_key()], suite=suite, metadata=META)
    assert info.suite == suite and info.size == len(data) and [r.kind for r in info.recipients] == ["aes-256", "sm4", "sm2"]
    assert info.recipients[2] == recording.recipient_info(sm2key) == recording.recipient_info(sm2key.public_key())
    assert (os.stat(tmp_path / "out.rec").st_mode & 0o777) == 0o600
    for identity in (a, s, sm2key):
        with recording.open(tmp_path / "out.rec", identity) as f:
            assert f.read() == data and f.info == info
        out = tmp_path / "plain.raw"
        assert recording.unseal(tmp_path / "out.rec", out, identity) == info
        assert out.read_bytes() == data
        out.unlink()
    assert recording.inspect(tmp_path / "out.rec") == recording.RecordingInfo(**{**info.__dict__, "authenticated": False})
    assert sorted(os.listdir(tmp_path)) == ["in.raw", "out.rec"]


def test_default_suite_is_sm4_and_single_recipient_forms(sm2key):
    blob = seal_bytes(b"hello", kek("sm4", "one"))
    assert recording.inspect(io.BytesIO(blob)).suite == S.SM4_GCM_SM3
    blob = seal_bytes(b"hello", sm2key.public_key())
    assert open_bytes(blob, sm2key) == b"hello"


def test_seal_file_objects_and_streams(tmp_path):
    a = kek()
    data = os.urandom(50000)
    # non-seekable destination: the source length goes in the header first
    r, w = os.pipe()
    with open(w, "wb", buffering=0) as wf, open(r, "rb") as rf:
        import threading
        got = []
        t = threading.Thread(target=lambda: got.append(rf.read()))
        t.start()
        recording.seal(io.BytesIO(data), wf, [a])
        wf.close()
        t.join()
    assert open_bytes(got[0], a) == data
    # unknown-length source and non-seekable destination: refused
    r, w = os.pipe()
    with open(r, "rb") as rf, open(w, "wb") as wf:
        with pytest.raises(ValueError, match="known length"):
            recording.seal(rf, wf, [a])
    # unseal from a pipe (streaming), to a file object
    blob = seal_bytes(data, [a])
    (tmp_path / "x.rec").write_bytes(blob)
    with open(tmp_path / "x.rec", "rb") as f:
        p = subprocess.Popen(["cat"], stdin=f, stdout=subprocess.PIPE)
        out = io.BytesIO()
        recording.unseal(p.stdout, out, a)
        p.wait()
    assert out.getvalue() == data
    # a seekable destination at a non-zero offset
    buf = io.BytesIO()
    buf.write(b"prefix")
    recording.seal(io.BytesIO(data), buf, [a])
    buf.seek(6)
    with recording.open(buf, a) as f:
        assert f.read() == data


def test_seal_argument_errors(tmp_path, sm2key):
    a = kek()
    for recips, exc in [([], ValueError), ([a, a], ValueError), ([sm2key], TypeError), (["key"], TypeError),
                        (42, TypeError), ([sm2key.public_key(), sm2key.public_key()], ValueError)]:
        with pytest.raises(exc):
            seal_bytes(b"x", recips)
    with pytest.raises(ValueError):
        seal_bytes(b"x", [a], suite="AES_512")
    with pytest.raises(TypeError):
        seal_bytes(b"x", [a], metadata=["call"])
    p = tmp_path / "same"
    p.write_bytes(b"data")
    with pytest.raises(ValueError, match="never overwrites"):
        recording.seal(p, p, [a])
    with pytest.raises(ValueError, match="never overwrites"):
        recording.unseal(p, p, a)
    assert p.read_bytes() == b"data"
    with pytest.raises(TypeError):
        open_bytes(seal_bytes(b"x", [a]), sm2key.public_key())


# ---- random access -----------------------------------------------------------------------------

def make_wav(path, seconds, rate=8000):
    rng = random.Random(seconds)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(rng.randbytes(seconds * rate * 2))


def test_wave_plays_from_any_offset(tmp_path):
    make_wav(tmp_path / "call.wav", 20)
    a = kek("sm4")
    recording.seal(tmp_path / "call.wav", tmp_path / "call.rec", [a], metadata={"codec": "L16", "sample_rate": 8000})
    with wave.open(str(tmp_path / "call.wav")) as ref:
        frames = ref.readframes(ref.getnframes())
    rng = random.Random(5)
    with recording.open(tmp_path / "call.rec", a) as f:
        w = wave.open(f)
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (1, 2, 8000, 20 * 8000)
        for _ in range(30):
            pos = rng.randrange(20 * 8000)
            n = rng.randrange(1, 9000)
            w.setpos(pos)
            assert w.readframes(n) == frames[2 * pos:2 * (pos + n)]


def test_seek_read_touches_constant_chunks(tmp_path):
    """One hour of 8 kHz 16-bit audio: seeking to t and reading 1 s reads <= 2 chunks' worth
    of ciphertext (16000 bytes span at most two 16 KiB chunks), wherever t is."""
    path = tmp_path / "hour.wav"
    make_wav(path, 3600)
    a = kek("aes-256")
    recording.seal(path, tmp_path / "hour.rec", [a], suite=S.AES_128_GCM_SHA256)
    path.unlink()
    with recording.open(tmp_path / "hour.rec", a) as f:
        w = wave.open(f)
        window = f._window
        touched = 0
        for t in (0, 1, 1799, 3598, 1234, 7):
            window.reads.clear()
            window.record = True
            w.setpos(t * 8000)
            assert len(w.readframes(8000)) == 16000
            window.record = False
            # payload offsets: 56 bytes of salt and commitment, then 16400-byte sealed chunks
            chunks = {k for off, n in window.reads for k in range((off - 56) // 16400, (off - 56 + n - 1) // 16400 + 1)}
            assert len(chunks) <= 2, (t, window.reads)          # 0 when the chunk was already decrypted
            assert sum(n for _, n in window.reads) <= 2 * 16400
            touched += len(chunks)
        assert touched >= 5


def test_random_reads_equal_slices(sm2key):
    data = os.urandom(100000)
    blob = seal_bytes(data, [sm2key.public_key()], suite=S.AES_256_GCM_SHA512)
    rng = random.Random(7)
    with recording.open(io.BytesIO(blob), sm2key) as f:
        assert f.seekable() and f.readable() and not f.writable()
        for _ in range(100):
            off = rng.randrange(len(data) + 10)
            n = rng.randrange(40000)
            whence = rng.choice([io.SEEK_SET, io.SEEK_CUR, io.SEEK_END])
            base = {io.SEEK_SET: 0, io.SEEK_CUR: f.tell(), io.SEEK_END: len(data)}[whence]
            assert f.seek(off - base, whence) == off
            assert f.read(n) == data[off:off + n]
        assert f.seek(0, io.SEEK_END) == len(data)
        with pytest.raises(TypeError):
            pickle.dumps(f)
        assert "size=100000" in repr(f)
    with pytest.raises(ValueError):
        f.read(1)
    with pytest.raises(TypeError):
        recording.RecordingReader()


# ---- rewrap ------------------------------------------------------------------------------------

def test_rewrap_keeps_payload_bytes(tmp_path, sm2key):
    old, new, esc = kek("aes-256", "archive-2026"), kek("sm4", "archive-2027"), sm2key
    data = os.urandom(60000)
    (tmp_path / "in").write_bytes(data)
    p = tmp_path / "c.rec"
    info0 = recording.seal(tmp_path / "in", p, [old, esc.public_key()], metadata=META)
    os.chmod(p, 0o640)
    before = p.read_bytes()
    payload = before[info0.header_size:]
    info = recording.rewrap(p, old, add=[new], remove=[old])
    after = p.read_bytes()
    assert after[info.header_size:] == payload and info.payload_size == len(payload)
    assert [r.id for r in info.recipients] == [recording.recipient_info(esc).id, "archive-2027"]
    assert (os.stat(p).st_mode & 0o777) == 0o640
    assert info.metadata == info0.metadata and info.size == len(data)
    with pytest.raises(recording.NoRecipientError):
        recording.open(p, old)
    for ident in (new, esc):
        with recording.open(p, ident) as f:
            assert f.read() == data
    # remove by id string and by RecipientInfo; add an SM2 key; rewrap to another path
    k3 = sm2.generate_private_key()
    info = recording.rewrap(p, new, add=[k3.public_key()], remove=[recording.recipient_info(esc).id], dst=tmp_path / "d.rec")
    assert (tmp_path / "d.rec").read_bytes()[info.header_size:] == payload
    assert p.read_bytes() == after
    info = recording.rewrap(tmp_path / "d.rec", k3, remove=recording.RecipientInfo("sm4", "archive-2027"))
    assert [r.kind for r in info.recipients] == ["sm2"]
    assert sorted(os.listdir(tmp_path)) == ["c.rec", "d.rec", "in"]


def test_rewrap_refusals_leave_file_untouched(tmp_path):
    a, b = kek(), kek()
    p = tmp_path / "c.rec"
    p.write_bytes(seal_bytes(os.urandom(1000), [a]))
    before = p.read_bytes()
    for kw, exc in [({"remove": [a]}, ValueError), ({"add": [a]}, ValueError), ({"remove": [b]}, ValueError),
                    ({"remove": ["nope"]}, ValueError)]:
        with pytest.raises(exc):
            recording.rewrap(p, a, **kw)
    with pytest.raises(recording.NoRecipientError):
        recording.rewrap(p, b, add=[b])
    with pytest.raises(TypeError):
        recording.rewrap(io.BytesIO(before), a)
    with pytest.raises(ValueError):
        recording.rewrap(p, a, add=[b], dst=p)
    (tmp_path / "t.rec").write_bytes(before + b"x")
    with pytest.raises(recording.TrailingDataError):
        recording.rewrap(tmp_path / "t.rec", a, add=[b])
    (tmp_path / "t.rec").write_bytes(before[:-1])
    with pytest.raises(recording.RecordingTruncatedError):
        recording.rewrap(tmp_path / "t.rec", a, add=[b])
    assert p.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["c.rec", "t.rec"]


def test_rewrap_refuses_a_foreign_payload(tmp_path):
    a = kek()
    one, two = seal_bytes(b"A" * 5000, [a]), seal_bytes(b"B" * 5000, [a])
    h = recording.inspect(io.BytesIO(one)).header_size
    (tmp_path / "m.rec").write_bytes(one[:h] + two[h:])
    with pytest.raises(recording.PayloadTamperedError):
        recording.rewrap(tmp_path / "m.rec", a, add=[kek()])
    with pytest.raises(recording.PayloadTamperedError):
        recording.open(tmp_path / "m.rec", a)


def test_unknown_stanza_types_are_skipped_and_kept(tmp_path):
    """A stanza of a type this version does not know (added by a newer writer, MAC'd)."""
    a = kek()
    blob = seal_bytes(b"data" * 100, [a])
    h = recording._read_header(io.BytesIO(blob))
    fk, keys = recording._unwrap_file_key(h, a)
    h.stanzas.insert(0, recording._Stanza(0x7F, b"future recipient"))
    body = h.encode_body()
    forged = body + keys.header_mac(body) + blob[h.size:]
    info = recording.inspect(io.BytesIO(forged))
    assert info.recipients[0].kind == "unknown:0x7f"
    assert open_bytes(forged, a) == b"data" * 100
    (tmp_path / "f.rec").write_bytes(forged)
    b = kek()
    info = recording.rewrap(tmp_path / "f.rec", a, add=[b], remove=[a])
    assert [r.kind for r in info.recipients] == ["unknown:0x7f", b.algorithm]


# ---- bad input ---------------------------------------------------------------------------------

def test_wrong_key_and_no_recipient(sm2key):
    a = kek("aes-256", "archive")
    blob = seal_bytes(b"secret" * 1000, [a, sm2key.public_key()])
    with pytest.raises(recording.NoRecipientError, match="archive"):
        open_bytes(blob, kek("aes-256", "other"))
    with pytest.raises(recording.NoRecipientError):
        open_bytes(blob, recording.KEK(os.urandom(16), "archive"))       # same kid, other algorithm
    with pytest.raises(recording.NoRecipientError):
        open_bytes(blob, sm2.generate_private_key())
    with pytest.raises(recording.WrongKeyError):
        open_bytes(blob, recording.KEK(os.urandom(32), "archive"))
    assert issubclass(recording.NoRecipientError, recording.RecordingError)
    assert issubclass(recording.RecordingError, CCFastError)


def test_every_header_byte_flip_is_detected(sm2key):
    a = kek("sm4", "k")
    blob = seal_bytes(os.urandom(3000), [a, sm2key.public_key()], metadata=META)
    hsize = recording.inspect(io.BytesIO(blob)).header_size
    kinds = set()
    for i in range(hsize):
        bad = bytearray(blob)
        bad[i] ^= 0x01 if i % 2 else 0x80
        for ident in (a, sm2key):
            with pytest.raises(recording.RecordingError) as e:
                open_bytes(bytes(bad), ident)
            kinds.add(type(e.value).__name__)
    assert {"RecordingFormatError", "HeaderTamperedError", "WrongKeyError", "NoRecipientError"} <= kinds


def test_tampered_metadata_stanza_and_length(sm2key):
    a, b = kek("aes-256", "a"), kek("sm4", "b")
    blob = seal_bytes(os.urandom(40000), [a, b, sm2key.public_key()], metadata=META)
    h = recording._read_header(io.BytesIO(blob))
    meta_at = 12 + h.metadata_raw.index(b"PCMA")
    bad = bytearray(blob)
    bad[meta_at:meta_at + 4] = b"PCMU"                                     # still valid metadata
    with pytest.raises(recording.HeaderTamperedError):
        open_bytes(bytes(bad), a)
    # another recipient's stanza altered: detected by every recipient through the MAC
    p = len(h.fixed) + 9 + 3 + 1 + 1 + 40                                 # inside b's wrapped key
    bad = bytearray(blob)
    bad[p + 10] ^= 1
    with pytest.raises(recording.HeaderTamperedError):
        open_bytes(bytes(bad), a)
    with pytest.raises(recording.HeaderTamperedError):
        open_bytes(bytes(bad), sm2key)
    with pytest.raises(recording.WrongKeyError):
        open_bytes(bytes(bad), b)
    # the plaintext length field
    bad = bytearray(blob)
    bad[len(h.fixed) + 7] ^= 1
    with pytest.raises(recording.HeaderTamperedError):
        open_bytes(bytes(bad), a)
    with pytest.raises((recording.RecordingTruncatedError, recording.TrailingDataError)):
        recording.inspect(io.BytesIO(bytes(bad)))


def test_truncation_at_every_point():
    a = kek()
    data = os.urandom(2 * 16384 + 100)                                    # three chunks
    blob = seal_bytes(data, [a])
    hsize = recording.inspect(io.BytesIO(blob)).header_size
    for cut in list(range(0, hsize + 60)) + list(range(hsize + 60, len(blob), 97)) + [len(blob) - 1]:
        with pytest.raises(recording.RecordingError) as e:
            open_bytes(blob[:cut], a)
        if cut >= hsize:
            assert isinstance(e.value, recording.RecordingTruncatedError) and isinstance(e.value, TruncatedError)
        with pytest.raises(recording.RecordingError):
            recording.inspect(io.BytesIO(blob[:cut]))
    with pytest.raises(recording.RecordingFormatError, match="empty"):
        recording.inspect(io.BytesIO(b""))


def test_appended_data():
    a = kek()
    blob = seal_bytes(os.urandom(20000), [a])
    for extra in (b"\x00", b"x" * 16, os.urandom(16400), blob):
        with pytest.raises(recording.TrailingDataError, match="after the end"):
            open_bytes(blob + extra, a)
        with pytest.raises(recording.TrailingDataError):
            recording.inspect(io.BytesIO(blob + extra))
        p = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read())"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        p.stdin.write(blob + extra)
        p.stdin.close()
        with pytest.raises(recording.TrailingDataError):
            recording.unseal(p.stdout, io.BytesIO(), a)
        p.stdout.read()
        p.wait()


def test_chunks_swapped_between_recordings_with_same_key():
    a = kek()
    one, two = seal_bytes(b"A" * 50000, [a]), seal_bytes(b"B" * 50000, [a])
    h = recording.inspect(io.BytesIO(one)).header_size + 56
    for k in range(3):
        mixed = bytearray(one)
        mixed[h + k * 16400:h + (k + 1) * 16400] = two[h + k * 16400:h + (k + 1) * 16400]
        with recording.open(io.BytesIO(bytes(mixed)), a) as f:
            f.seek(k * 16384)
            with pytest.raises(recording.PayloadTamperedError) as e:
                f.read(10)
            assert isinstance(e.value, InvalidTag)
            with pytest.raises(recording.PayloadTamperedError):            # stays failed
                f.seek(0)
                f.read(1)
    # chunks reordered within one recording
    swapped = bytearray(one)
    swapped[h:h + 16400], swapped[h + 16400:h + 32800] = one[h + 16400:h + 32800], one[h:h + 16400]
    with pytest.raises(recording.PayloadTamperedError):
        open_bytes(bytes(swapped), a)
    out = io.BytesIO()
    with pytest.raises(recording.PayloadTamperedError):
        recording.unseal(io.BytesIO(bytes(swapped)), out, a)
    assert out.getvalue() == b""                                          # nothing unauthenticated


def test_unseal_to_path_leaves_nothing_on_failure(tmp_path):
    a = kek()
    blob = bytearray(seal_bytes(os.urandom(60000), [a]))
    blob[-5] ^= 1
    (tmp_path / "bad.rec").write_bytes(bytes(blob))
    with pytest.raises(recording.PayloadTamperedError):
        recording.unseal(tmp_path / "bad.rec", tmp_path / "out.raw", a)
    assert sorted(os.listdir(tmp_path)) == ["bad.rec"]


def test_not_seekable_source():
    a = kek()
    blob = seal_bytes(b"x" * 100, [a])
    r, w = os.pipe()
    os.write(w, blob)
    os.close(w)
    with open(r, "rb") as f:
        with pytest.raises(recording.NotSeekableError, match="seekable"):
            recording.open(f, a)

    class NoSeek(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):
            return 0
    with pytest.raises(recording.NotSeekableError):
        recording.open(NoSeek(), a)


def test_not_a_recording_and_versions():
    a = kek()
    blob = seal_bytes(b"x", [a])
    for bad, msg in [(b"RIFF" + bytes(100), "magic"), (blob[:8] + b"\x02" + blob[9:], "version"),
                     (blob[:9] + b"\x09" + blob[10:], "suite")]:
        with pytest.raises(recording.RecordingFormatError, match=msg):
            open_bytes(bad, a)
        with pytest.raises(recording.RecordingFormatError, match=msg):
            recording.inspect(io.BytesIO(bad))


def test_incomplete_marker_from_an_interrupted_seal():
    a = kek()

    class Boom(io.RawIOBase):
        def __init__(self):
            self.n = 0

        def readable(self):
            return True

        def readinto(self, b):
            self.n += 1
            if self.n > 3:
                raise OSError("disk gone")
            b[:1000] = bytes(1000)
            return 1000
    out = io.BytesIO()
    with pytest.raises(OSError):
        recording.seal(Boom(), out, [a])
    with pytest.raises(recording.IncompleteRecordingError, match="sealing did not finish"):
        open_bytes(out.getvalue(), a)
    with pytest.raises(recording.IncompleteRecordingError):
        recording.inspect(io.BytesIO(out.getvalue()))


# ---- crashes -----------------------------------------------------------------------------------

CHILD = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {src!r})
    from ccfast import recording
    step = [0]
    def checkpoint(name):
        step[0] += 1
        sys.stdout.write(f"{{step[0]}} {{name}}\\n"); sys.stdout.flush()
        if step[0] == {stop}:
            time.sleep(60)                       # the parent kills us here
    recording._checkpoint = checkpoint
    recording._COPY = 8192
    kek = recording.KEK(bytes.fromhex({key!r}), "k")
    if {op!r} == "seal":
        recording.seal({a!r}, {b!r}, [kek])
    else:
        recording.rewrap({a!r}, kek, add=[recording.KEK(bytes(16), "new")])
    print("finished", flush=True)
""")


def run_child(op, a, b, key, stop):
    code = CHILD.format(src=str(import_root()), stop=stop, key=key.hex(), op=op, a=str(a), b=str(b))
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    steps = []
    for line in p.stdout:
        steps.append(line.split())
        if line.startswith(f"{stop} ") or line.startswith("finished"):
            break
    p.send_signal(signal.SIGKILL)
    p.wait()
    p.stdout.close()
    return steps


def check_leftovers(d, a, keep, complete, expected):
    """Every file in d other than keep is a temporary file; it is never a valid recording unless
    the writer had finished it (complete: killed at the fsync/replace steps), and then it holds
    exactly the expected plaintext."""
    for name in os.listdir(d):
        if name in keep:
            continue
        assert name.startswith(".") and name.endswith(".tmp"), name
        try:
            with recording.open(os.path.join(d, name), a) as f:
                got = f.read()
        except recording.RecordingError:
            pass
        else:
            assert complete and got == expected, name
        os.unlink(os.path.join(d, name))


def test_crash_during_seal(tmp_path):
    key = os.urandom(32)
    a = recording.KEK(key, "k")
    data = os.urandom(60000)
    (tmp_path / "in.raw").write_bytes(data)
    old = seal_bytes(b"previous recording", [a])
    (tmp_path / "out.rec").write_bytes(old)
    steps = run_child("seal", tmp_path / "in.raw", tmp_path / "out.rec", key, stop=10**6)
    total = len([s for s in steps if len(s) > 1])
    names = [s[1] for s in steps if len(s) > 1]
    assert names[0] == "header" and names[-4:] == ["fsync", "replace", "fsync-dir", "done"] and "payload" in names
    (tmp_path / "out.rec").write_bytes(old)
    for stop in range(1, total + 1):
        run_child("seal", tmp_path / "in.raw", tmp_path / "out.rec", key, stop=stop)
        assert (tmp_path / "in.raw").read_bytes() == data
        got = open_bytes((tmp_path / "out.rec").read_bytes(), a)
        after_replace = names[stop - 1] in ("fsync-dir", "done")
        assert got == (data if after_replace else b"previous recording"), (stop, names[stop - 1])
        check_leftovers(tmp_path, a, {"in.raw", "out.rec"}, names[stop - 1] in ("fsync", "replace"), data)
        (tmp_path / "out.rec").write_bytes(old)


def test_crash_during_rewrap(tmp_path):
    key = os.urandom(32)
    a = recording.KEK(key, "k")
    data = os.urandom(60000)
    p = tmp_path / "c.rec"
    p.write_bytes(seal_bytes(data, [a]))
    original = p.read_bytes()
    steps = run_child("rewrap", p, "", key, stop=10**6)
    names = [s[1] for s in steps if len(s) > 1]
    assert names[0] == "header" and names[-4:] == ["fsync", "replace", "fsync-dir", "done"]
    rewrapped_payload = p.read_bytes()[recording.inspect(p).header_size:]
    assert rewrapped_payload == original[recording.inspect(io.BytesIO(original)).header_size:]
    for stop in range(1, len(names) + 1):
        p.write_bytes(original)
        run_child("rewrap", p, "", key, stop=stop)
        now = p.read_bytes()
        if names[stop - 1] in ("fsync-dir", "done"):
            assert [r.id for r in recording.inspect(p).recipients] == ["k", "new"]
        else:
            assert now == original, (stop, names[stop - 1])
        assert open_bytes(now, a) == data
        check_leftovers(tmp_path, a, {"c.rec"}, names[stop - 1] in ("fsync", "replace"), data)


def test_rewrap_refuses_a_file_changed_meanwhile(tmp_path, monkeypatch):
    a = kek()
    p = tmp_path / "c.rec"
    p.write_bytes(seal_bytes(os.urandom(30000), [a]))

    def meddle(step):
        if step == "payload":
            with open(p, "ab") as f:
                f.write(b"!")
    monkeypatch.setattr(recording, "_checkpoint", meddle)
    with pytest.raises(recording.RecordingError, match="changed"):
        recording.rewrap(p, a, add=[kek()])
    assert sorted(os.listdir(tmp_path)) == ["c.rec"]
