"""c2sp.org/chunked-encryption: Wycheproof's Cobblestone vectors through every interface (one-shot,
streaming, random access, salted re-encryption), a differential against an independent
implementation written here on `cryptography` and hashlib for every suite, and the attacks the
format must stop (truncation at every byte of a 3-chunk message, reordering, duplication,
trailing data, wrong key / context / suite), with the Reader's promises: no byte of a chunk
before it authenticated, seeks equal to slicing, failure that sticks.
"""
import array
import hashlib
import hmac
import io
import os
import random
import wave
import zlib

import pytest

from ccfast import chunked
from ccfast.chunked import Suite
from ccfast.exceptions import CCFastError, InvalidTag, TruncatedError

from conftest import wycheproof_cases

CHUNK, SEALED, HEADER, TAG = 16384, 16400, 56, 16
ALL_SUITES = list(Suite)
SUITE_IDS = [s.name for s in ALL_SUITES]

# ---- an independent implementation (cryptography's AEADs, hashlib/hmac HKDF) ------------------

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes            # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM as RefAESGCM              # noqa: E402
from cryptography.exceptions import InvalidTag as RefInvalidTag                          # noqa: E402

REF = {   # suite -> (AEAD name, key size, AEAD family, HKDF hash)
    Suite.AES_128_GCM_SHA256: (b"AEAD_AES_128_GCM", 16, "aes", "sha256"),
    Suite.AES_256_GCM_SHA512: (b"AEAD_AES_256_GCM", 32, "aes", "sha512"),
    Suite.SM4_GCM_SM3: (b"AEAD_SM4_GCM", 16, "sm4", "sm3"),
    Suite.AES_128_GCM_SHA512: (b"AEAD_AES_128_GCM", 16, "aes", "sha512"),
}


def ref_hmac(hash_name, key, msg):
    if hash_name == "sm3" and "sm3" not in hashlib.algorithms_available:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives import hmac as chmac
        h = chmac.HMAC(key, hashes.SM3())
        h.update(msg)
        return h.finalize()
    return hmac.new(key, msg, hash_name).digest()


def ref_hkdf_expand(hash_name, prk, info, length):
    """RFC 5869 section 2.3, as written."""
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = ref_hmac(hash_name, prk, t + info + bytes([i]))
        out += t
        i += 1
    return out[:length]


def ref_derive(suite, key, salt, context):
    name, ksize, _, hash_name = REF[suite]
    info = b"c2sp.org/chunked-encryption@v1+" + name + b"\x00" + salt + context
    okm = ref_hkdf_expand(hash_name, key, info, ksize + 12 + 32)
    return okm[:ksize], okm[ksize:ksize + 12], okm[ksize + 12:]


def ref_nonce(base, k):
    return (int.from_bytes(base, "big") ^ k).to_bytes(12, "big")


def ref_seal(family, key, nonce, data):
    if family == "aes":
        return RefAESGCM(key).encrypt(nonce, data, None)
    e = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    return e.update(data) + e.finalize() + e.tag


def ref_open(family, key, nonce, data):
    if family == "aes":
        return RefAESGCM(key).decrypt(nonce, data, None)
    d = Cipher(algorithms.SM4(key), modes.GCM(nonce, data[-16:])).decryptor()
    return d.update(data[:-16]) + d.finalize()


def ref_encrypt(suite, key, plaintext, context=b"", salt=None, first=0):
    salt = os.urandom(24) if salt is None else salt
    k, base, commitment = ref_derive(suite, key, salt, context)
    family = REF[suite][2]
    chunks = [plaintext[i:i + CHUNK] for i in range(0, len(plaintext) - len(plaintext) % CHUNK, CHUNK)]
    chunks.append(plaintext[len(plaintext) - len(plaintext) % CHUNK:])
    return salt + commitment + b"".join(ref_seal(family, k, ref_nonce(base, first + i), c) for i, c in enumerate(chunks))


def ref_decrypt(suite, key, ciphertext, context=b""):
    """The spec's decryption; raises ValueError for every invalid message."""
    if len(ciphertext) < HEADER:
        raise ValueError("short header")
    k, base, commitment = ref_derive(suite, key, ciphertext[:24], context)
    if not hmac.compare_digest(commitment, ciphertext[24:56]):
        raise ValueError("commitment")
    return ref_open_raw(REF[suite][2], k, base, ciphertext[HEADER:])


def ref_open_raw(family, key, base, body):
    full, rest = divmod(len(body), SEALED)
    if rest < TAG:
        raise ValueError("truncated")
    out = []
    for i in range(full + 1):
        piece = body[i * SEALED:(i + 1) * SEALED]
        try:
            out.append(ref_open(family, key, ref_nonce(base, i), piece))
        except RefInvalidTag:
            raise ValueError(f"chunk {i}") from None
    return b"".join(out)


# ---- Wycheproof: Cobblestone-256 and Cobblestone-128 -----------------------------------------

WYCHEPROOF = (
    [pytest.param(Suite.AES_256_GCM_SHA512, *p.values, id=f"256-{p.id}")
     for p in wycheproof_cases("c2sp_chunked_encryption_aes_256_gcm_test.json")]
    + [pytest.param(Suite.AES_128_GCM_SHA512, *p.values, id=f"128-{p.id}")
       for p in wycheproof_cases("c2sp_chunked_encryption_aes_128_gcm_test.json")]
)


def test_wycheproof_files_are_whole():
    # every case of both files is collected; the groups name the suites the tests apply
    assert len(WYCHEPROOF) == 70
    for suite, group, _ in (p.values for p in WYCHEPROOF):
        assert group["type"] == "ChunkedEncryption"
        assert (group["aead"], group["sha"]) == (suite.aead_name, "SHA-512")


def _vector(t):
    return bytes.fromhex(t["key"]), zlib.decompress(bytes.fromhex(t["ct"])), bytes.fromhex(t["ctx"])


def _matches(t, data):
    return len(data) == t["msgLength"] and hashlib.sha512(data).hexdigest() == t["msgSha512"]


class Unseekable(io.RawIOBase):
    """A one-way byte stream (a pipe, a socket) that counts what it gave out and may hand
    out short reads."""

    def __init__(self, data, piece=None):
        self._data, self._pos, self._piece = memoryview(data), 0, piece
        self.taken = 0

    def readable(self):
        return True

    def readinto(self, b):
        n = min(len(b), len(self._data) - self._pos, self._piece or len(b))
        b[:n] = self._data[self._pos:self._pos + n]
        self._pos += n
        self.taken += n
        return n


class CountingBytesIO(io.BytesIO):
    """A seekable source that counts the bytes read from it."""

    taken = 0

    def readinto(self, b):
        n = super().readinto(b)
        self.taken += n
        return n


def _stream_all(reader, size):
    """Read to the end in pieces of `size`: (bytes produced, error or None); after an error,
    two more reads must raise the same kind of error."""
    produced = bytearray()
    try:
        while True:
            piece = reader.read(size)
            if not piece:
                return bytes(produced), None
            produced += piece
    except (InvalidTag, TruncatedError) as exc:
        for _ in range(2):
            with pytest.raises(type(exc)):
                reader.read(size)
        return bytes(produced), exc


@pytest.mark.parametrize("suite,group,t", WYCHEPROOF)
def test_wycheproof_one_shot(suite, group, t):
    key, ct, ctx = _vector(t)
    if "InvalidKeySize" in t["flags"]:
        with pytest.raises(ValueError, match="key must be"):
            chunked.decrypt(key, ct, context=ctx, suite=suite)
        return
    if t["result"] == "valid":
        assert _matches(t, chunked.decrypt(key, ct, context=ctx, suite=suite))
        # the reference agrees (it is tested against the vectors too)
        assert _matches(t, ref_decrypt(suite, key, ct, ctx))
    else:
        with pytest.raises((InvalidTag, TruncatedError)):
            chunked.decrypt(key, ct, context=ctx, suite=suite)
        with pytest.raises(ValueError):
            ref_decrypt(suite, key, ct, ctx)


@pytest.mark.parametrize("suite,group,t", WYCHEPROOF)
def test_wycheproof_header_failures_stop_at_the_header(suite, group, t):
    key, ct, ctx = _vector(t)
    src = CountingBytesIO(ct)
    if "InvalidKeySize" in t["flags"]:
        with pytest.raises(ValueError, match="key must be"):
            chunked.Reader(src, key, context=ctx, suite=suite)
        assert src.taken == 0
        return
    if "HeaderFailure" in t["flags"]:
        with pytest.raises((InvalidTag, TruncatedError)):
            chunked.Reader(src, key, context=ctx, suite=suite)
        assert src.taken <= HEADER, "read past the header before rejecting it"
    else:
        chunked.Reader(src, key, context=ctx, suite=suite).close()
        assert src.taken == HEADER


@pytest.mark.parametrize("size", [1000, CHUNK, 5 * CHUNK + 7])
@pytest.mark.parametrize("suite,group,t", WYCHEPROOF)
def test_wycheproof_streaming(suite, group, t, size):
    key, ct, ctx = _vector(t)
    if "HeaderFailure" in t["flags"]:
        return                                      # covered above
    reader = chunked.Reader(Unseekable(ct, piece=7919), key, context=ctx, suite=suite)
    produced, error = _stream_all(reader, size)
    if t["result"] == "valid":
        assert error is None and _matches(t, produced)
        return
    assert error is not None, "an invalid message was read to its end"
    if "PartialPlaintext" in t["flags"]:
        # at most the valid prefix, never a byte past it
        assert len(produced) <= t["msgLength"]
        if len(produced) == t["msgLength"]:
            assert _matches(t, produced)
    else:
        assert produced == b""


@pytest.mark.parametrize("suite,group,t", WYCHEPROOF)
def test_wycheproof_random_access(suite, group, t):
    key, ct, ctx = _vector(t)
    if "HeaderFailure" in t["flags"]:
        return
    # reading the whole message
    reader = chunked.Reader(io.BytesIO(ct), key, context=ctx, suite=suite)
    if t["result"] == "valid":
        assert _matches(t, reader.read())
    else:
        with pytest.raises((InvalidTag, TruncatedError)):
            reader.read()
        with pytest.raises((InvalidTag, TruncatedError)):
            reader.seek(0)
    # authenticating the length (seek from the end) on a fresh reader
    reader = chunked.Reader(io.BytesIO(ct), key, context=ctx, suite=suite)
    if t["result"] == "valid":
        assert reader.seek(0, io.SEEK_END) == t["msgLength"]
        assert reader.length == t["msgLength"]
    elif "ValidFinalChunk" in t["flags"]:
        # only the final chunk is decrypted for this, and it is valid at its index
        reader.seek(0, io.SEEK_END)
    else:
        with pytest.raises((InvalidTag, TruncatedError)):
            reader.seek(-1, io.SEEK_END)
        with pytest.raises((InvalidTag, TruncatedError)):
            reader.seek(0)                      # and it stays failed


@pytest.mark.parametrize("suite,group,t", WYCHEPROOF)
def test_wycheproof_salted_encryption(suite, group, t):
    """Encryption method 2 of the Wycheproof doc: the message re-encrypted with the vector's
    salt gives the vector's ciphertext, one-shot and through Writer at 1 and 3 threads."""
    if t["result"] != "valid":
        return
    key, ct, ctx = _vector(t)
    msg = chunked.decrypt(key, ct, context=ctx, suite=suite)
    assert chunked._encrypt_with_salt(key, msg, ct[:24], context=ctx, suite=suite) == ct
    for threads in (1, 3):
        out = io.BytesIO()
        with chunked.Writer(out, key, context=ctx, suite=suite, threads=threads, _salt=ct[:24]) as w:
            w.write(msg)
        assert out.getvalue() == ct


@pytest.mark.parametrize("suite,group,t", WYCHEPROOF)
def test_wycheproof_reference_raw_mode(suite, group, t):
    """The reference implementation used below agrees with the vectors' derived keys and raw
    mode (what the vectors expose besides the ciphertext)."""
    if "HeaderFailure" in t["flags"]:
        return
    key, ct, ctx = _vector(t)
    k, base, commitment = ref_derive(suite, key, ct[:24], ctx)
    assert (k.hex(), base.hex()) == (t["aeadKey"], t["baseNonce"])
    if t["result"] == "valid":
        assert _matches(t, ref_open_raw("aes", k, base, ct[HEADER:]))
    else:
        with pytest.raises(ValueError):
            ref_open_raw("aes", k, base, ct[HEADER:])


# ---- differential against the reference, every suite -----------------------------------------

BOUNDARY_LENGTHS = [0, 1, 15, 16, 17, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK - 1, 2 * CHUNK, 2 * CHUNK + 1,
                    3 * CHUNK + 100]


def _lengths(rng):
    return BOUNDARY_LENGTHS + [rng.randrange(0, 6 * CHUNK) for _ in range(6)] + \
        [k * CHUNK + rng.randrange(-40, 40) for k in range(1, 6)]


@pytest.mark.parametrize("suite", ALL_SUITES, ids=SUITE_IDS)
def test_differential(suite):
    rng = random.Random(f"differential-{suite.name}")
    key = rng.randbytes(suite.key_size)
    for n in _lengths(rng):
        n = max(n, 0)
        msg, ctx, salt = rng.randbytes(n), rng.randbytes(rng.choice([0, 1, 40])), rng.randbytes(24)
        ours = chunked._encrypt_with_salt(key, msg, salt, context=ctx, suite=suite)
        assert ours == ref_encrypt(suite, key, msg, ctx, salt), n
        assert len(ours) == chunked.ciphertext_length(n, suite)
        assert chunked.plaintext_length(len(ours), suite) == n
        fresh = chunked.encrypt(key, msg, context=ctx, suite=suite)          # random salt
        assert ref_decrypt(suite, key, fresh, ctx) == msg
        assert chunked.decrypt(key, ref_encrypt(suite, key, msg, ctx), context=ctx, suite=suite) == msg


@pytest.mark.parametrize("suite", ALL_SUITES, ids=SUITE_IDS)
def test_differential_high_chunk_numbers(suite):
    """The nonce of chunk k is base XOR k over the last 5 bytes: check chunk numbers that carry
    across byte boundaries up to the 2**38 limit against the reference."""
    rng = random.Random(f"high-{suite.name}")
    key, salt = rng.randbytes(suite.key_size), rng.randbytes(24)
    k, base, _ = ref_derive(suite, key, salt, b"")
    family = REF[suite][2]
    cipher = chunked._chunked.Cipher(*chunked._params(key, b"", suite)[1], key, salt, b"")
    for first in (255, 256, 65535, 1 << 24, (1 << 32) - 1, 1 << 32, (1 << 37) + 12345, (1 << 38) - 3):
        data = rng.randbytes(2 * CHUNK + 5)
        out = bytearray(chunked._chunked.sealed_length(len(data)) - HEADER)
        assert cipher.seal_into(first, data, 0, len(data), True, out, 0) == len(out)
        want = b"".join(ref_seal(family, k, ref_nonce(base, first + i), data[i * CHUNK:(i + 1) * CHUNK])
                        for i in range(3))
        assert bytes(out) == want, first
        back = bytearray(len(data))
        assert cipher.open_into(first, out, 0, len(out), True, back, 0) == len(data)
        assert back == data
    # the chunk limit: the last chunk number is 2**38 - 1
    with pytest.raises(OverflowError, match="2\\*\\*38"):
        cipher.seal_into((1 << 38) - 1, bytes(CHUNK), 0, CHUNK, True, bytearray(SEALED + TAG), 0)
    with pytest.raises(TruncatedError, match="2\\*\\*38"):
        cipher.open_into(1 << 38, bytes(TAG), 0, TAG, True, bytearray(0), 0)
    cipher.wipe()


# ---- attacks on a 3-chunk message ------------------------------------------------------------

KEY = bytes(range(32))
MSG3 = random.Random(3).randbytes(2 * CHUNK + 100)         # chunks of 16384, 16384, 100
CT3 = chunked.encrypt(KEY, MSG3, context=b"ctx")


def _expected_error(length):
    """What decrypting the first `length` bytes of CT3 must raise."""
    if length < HEADER:
        return TruncatedError
    return TruncatedError if (length - HEADER) % SEALED < TAG else InvalidTag


@pytest.mark.cpu_independent
def test_truncation_at_every_byte():
    assert len(CT3) == HEADER + 2 * SEALED + 100 + TAG
    for n in range(len(CT3)):
        with pytest.raises((InvalidTag, TruncatedError)) as info:
            chunked.decrypt(KEY, CT3[:n], context=b"ctx")
        assert info.type is _expected_error(n), n
    assert chunked.decrypt(KEY, CT3, context=b"ctx") == MSG3


@pytest.mark.cpu_independent
@pytest.mark.parametrize("seekable", [True, False], ids=["seekable", "stream"])
def test_truncation_through_reader(seekable):
    cuts = sorted({*range(0, 80), *range(HEADER + SEALED - 20, HEADER + SEALED + 20),
                   *range(HEADER + 2 * SEALED - 20, len(CT3)), *random.Random(1).sample(range(len(CT3)), 200)})
    for n in cuts:
        src = io.BytesIO(CT3[:n]) if seekable else Unseekable(CT3[:n])
        try:
            reader = chunked.Reader(src, KEY, context=b"ctx")
        except TruncatedError:
            assert n < HEADER
            continue
        produced, error = _stream_all(reader, 5000)
        assert error is not None, n
        # only bytes of chunks that authenticated came out (a prefix of the message)
        assert produced == MSG3[:len(produced)]
        assert len(produced) <= (n - HEADER) // SEALED * CHUNK


def _chunks(ct):
    body = ct[HEADER:]
    return ct[:HEADER], [body[i:i + SEALED] for i in range(0, len(body), SEALED)]


@pytest.mark.cpu_independent
def test_reordering_duplication_and_dropping():
    head, (c0, c1, c2) = _chunks(CT3)
    for body in ([c1, c0, c2], [c0, c0, c2], [c1, c1, c2], [c0, c2], [c1, c2], [c0, c1, c1[:116]], [c2]):
        with pytest.raises(InvalidTag):
            chunked.decrypt(KEY, head + b"".join(body), context=b"ctx")
    # a full chunk moved to the end cannot end a message
    with pytest.raises(TruncatedError):
        chunked.decrypt(KEY, head + c0 + c1, context=b"ctx")


@pytest.mark.cpu_independent
def test_trailing_data():
    head, (c0, c1, c2) = _chunks(CT3)
    other = chunked._encrypt_with_salt(KEY, bytes(3 * CHUNK + 5), CT3[:24], context=b"ctx")
    extra_chunk = _chunks(other)[1][3]                     # a valid chunk 3 under the same key and salt
    for tail in (b"\0", bytes(15), bytes(16), bytes(17), bytes(SEALED), extra_chunk, c2):
        with pytest.raises((InvalidTag, TruncatedError)):
            chunked.decrypt(KEY, CT3 + tail, context=b"ctx")
        reader = chunked.Reader(io.BytesIO(CT3 + tail), KEY, context=b"ctx")
        with pytest.raises((InvalidTag, TruncatedError)):
            reader.read()


@pytest.mark.cpu_independent
def test_chunks_swapped_between_messages():
    other = chunked.encrypt(KEY, bytes(len(MSG3)), context=b"ctx")
    head, (c0, c1, c2) = _chunks(CT3)
    _, (d0, d1, d2) = _chunks(other)
    for body in ([d0, c1, c2], [c0, d1, c2], [c0, c1, d2]):
        with pytest.raises(InvalidTag, match="chunk"):
            chunked.decrypt(KEY, head + b"".join(body), context=b"ctx")


@pytest.mark.cpu_independent
@pytest.mark.parametrize("suite", ALL_SUITES, ids=SUITE_IDS)
def test_wrong_key_context_or_suite(suite):
    key = os.urandom(suite.key_size)
    ct = chunked.encrypt(key, b"secret" * 5000, context=b"call-1", suite=suite)
    bad_key = bytes([key[0] ^ 1]) + key[1:]
    for k, ctx in ((bad_key, b"call-1"), (key, b"call-2"), (key, b""), (key, b"call-1\0")):
        with pytest.raises(InvalidTag, match="commitment"):
            chunked.decrypt(k, ct, context=ctx, suite=suite)
        with pytest.raises(InvalidTag, match="commitment"):
            chunked.Reader(io.BytesIO(ct), k, context=ctx, suite=suite)
    for other in ALL_SUITES:
        if other is not suite and other.key_size == suite.key_size:
            with pytest.raises(InvalidTag, match="commitment"):
                chunked.decrypt(key, ct, context=b"call-1", suite=other)
    for pos in range(HEADER):                               # any change to salt or commitment
        bad = bytearray(ct)
        bad[pos] ^= 0x80
        with pytest.raises(InvalidTag, match="commitment"):
            chunked.decrypt(key, bytes(bad), context=b"call-1", suite=suite)


# ---- Reader ------------------------------------------------------------------------------------

@pytest.mark.parametrize("suite", ALL_SUITES, ids=SUITE_IDS)
def test_random_access_equals_slicing(suite):
    rng = random.Random(f"seek-{suite.name}")
    key = rng.randbytes(suite.key_size)
    for n in (0, 5, CHUNK, 3 * CHUNK + 77, 10 * CHUNK):
        msg = rng.randbytes(n)
        reader = chunked.Reader(io.BytesIO(chunked.encrypt(key, msg, suite=suite)), key, suite=suite)
        for _ in range(60):
            offset = rng.randrange(0, n + 100)
            size = rng.choice([0, 1, 100, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, rng.randrange(0, 5 * CHUNK)])
            whence = rng.choice([io.SEEK_SET, io.SEEK_CUR, io.SEEK_END])
            rel = offset - {io.SEEK_SET: 0, io.SEEK_CUR: reader.tell(), io.SEEK_END: n}[whence]
            assert reader.seek(rel, whence) == offset
            assert reader.tell() == offset
            want = msg[offset:offset + size]
            if rng.random() < 0.5:
                assert reader.read(size) == want
            else:
                buf = bytearray(b"\xaa" * size)
                assert reader.readinto(memoryview(buf)) == len(want)
                assert bytes(buf[:len(want)]) == want
            assert reader.tell() == offset + len(want)
        reader.seek(0)
        assert reader.read() == msg
        assert reader.read() == b"" and reader.read(10) == b""


@pytest.mark.cpu_independent
def test_reader_seek_rules():
    msg = os.urandom(3 * CHUNK + 10)
    reader = chunked.Reader(io.BytesIO(chunked.encrypt(KEY, msg)), KEY)
    assert reader.seekable() and reader.readable() and not reader.writable()
    assert reader.seek(-10, io.SEEK_END) == len(msg) - 10
    assert reader.read() == msg[-10:]
    assert reader.seek(5, io.SEEK_END) == len(msg) + 5 and reader.read(3) == b""
    assert reader.seek(1 << 60) == 1 << 60 and reader.read(3) == b""     # far past the 2**38-chunk limit
    assert reader.seek(-(len(msg) + 1), io.SEEK_CUR) == (1 << 60) - len(msg) - 1
    with pytest.raises(ValueError, match="negative"):
        reader.seek(-1)
    with pytest.raises(ValueError, match="negative"):
        reader.seek(-len(msg) - 1, io.SEEK_END)
    with pytest.raises(ValueError, match="whence"):
        reader.seek(0, 3)
    with pytest.raises(TypeError):
        reader.seek(1.5)
    assert reader.seek(7) == 7 and reader.read(4) == msg[7:11]          # still usable after bad arguments


@pytest.mark.cpu_independent
def test_reader_offset_origin_and_buffered_wrappers():
    """The message starts where the source stands when the Reader is made (a container's
    header may come first); io.BufferedReader and readline work on top."""
    msg = b"".join(b"line %d\n" % i for i in range(10000))
    src = io.BytesIO(b"HEADER-OF-SOMETHING" + chunked.encrypt(KEY, msg))
    src.seek(19)
    reader = chunked.Reader(src, KEY)
    assert reader.length == len(msg)
    assert reader.read(7) == b"line 0\n"
    reader.seek(0)
    buffered = io.BufferedReader(reader, buffer_size=5000)
    assert [buffered.readline() for _ in range(3)] == [b"line 0\n", b"line 1\n", b"line 2\n"]
    buffered.seek(len(msg) - 10)
    assert buffered.read() == msg[-10:]


@pytest.mark.cpu_independent
def test_wave_plays_from_any_offset(tmp_path):
    """wave.open() works on a Reader and reads frames from any offset."""
    frames = os.urandom(8000 * 2 * 3)                    # 3 s of 8 kHz 16-bit mono
    raw = io.BytesIO()
    with wave.open(raw, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(frames)
    path = tmp_path / "call.wav.enc"
    with open(path, "wb") as f, chunked.Writer(f, KEY, suite=Suite.AES_256_GCM_SHA512) as enc:
        enc.write(raw.getvalue())
    with open(path, "rb") as f, wave.open(chunked.Reader(f, KEY)) as w:
        assert (w.getnframes(), w.getframerate()) == (24000, 8000)
        w.setpos(16000)
        assert w.readframes(800) == frames[32000:33600]
        w.setpos(0)
        assert w.readframes(10) == frames[:20]


@pytest.mark.cpu_independent
def test_reader_releases_no_byte_of_a_bad_chunk():
    head, (c0, c1, c2) = _chunks(CT3)
    bad1 = bytearray(c1)
    bad1[5000] ^= 1
    tampered = head + c0 + bytes(bad1) + c2
    for size in (100, CHUNK, 3 * CHUNK):
        reader = chunked.Reader(io.BytesIO(tampered), KEY, context=b"ctx")
        buf = bytearray(b"\xaa" * (3 * CHUNK))
        got = 0
        with pytest.raises(InvalidTag, match="chunk 1"):
            while True:
                n = reader.readinto(memoryview(buf)[got:got + size])
                assert n
                got += n
        assert got <= CHUNK and bytes(buf[:got]) == MSG3[:got]
        # nothing of chunk 1's plaintext anywhere in the buffer
        chunk1 = MSG3[CHUNK:2 * CHUNK]
        assert all(chunk1[i:i + 32] not in buf for i in range(0, CHUNK, 1024))
        # the failure sticks, whatever is asked next
        for again in (lambda: reader.read(1), lambda: reader.seek(0), lambda: reader.readinto(bytearray(5)),
                      lambda: reader.read(), lambda: reader.seek(0, io.SEEK_END)):
            with pytest.raises(InvalidTag, match="stays failed"):
                again()
        assert reader.tell() == got
    # a read that never reaches chunk 1 is fine, and so are chunk 2 and the length
    reader = chunked.Reader(io.BytesIO(tampered), KEY, context=b"ctx")
    assert reader.read(CHUNK) == MSG3[:CHUNK]
    reader.seek(2 * CHUNK)
    assert reader.read() == MSG3[2 * CHUNK:]
    assert reader.length == len(MSG3)


@pytest.mark.cpu_independent
def test_reader_non_seekable_source():
    msg = os.urandom(4 * CHUNK + 3)
    ct = chunked.encrypt(KEY, msg)
    reader = chunked.Reader(Unseekable(ct, piece=1000), KEY)
    assert not reader.seekable()
    with pytest.raises(io.UnsupportedOperation):
        reader.seek(0)
    with pytest.raises(io.UnsupportedOperation):
        reader.length
    assert reader.read(10) == msg[:10]
    assert reader.tell() == 10
    assert reader.read() == msg[10:]
    assert reader.read(5) == b""
    # a file object with read() only
    class ReadOnly:
        def __init__(self, data):
            self._b = io.BytesIO(data)

        def read(self, n):
            return self._b.read(n)
    assert chunked.Reader(ReadOnly(ct), KEY).read() == msg
    # truncated streams
    with pytest.raises(TruncatedError, match="chunk 4"):
        chunked.Reader(Unseekable(ct[:HEADER + 4 * SEALED]), KEY).read()
    with pytest.raises(TruncatedError, match="after its header"):
        chunked.Reader(Unseekable(ct[:HEADER]), KEY).read()


@pytest.mark.cpu_independent
def test_reader_close():
    src = io.BytesIO(CT3)
    reader = chunked.Reader(src, KEY, context=b"ctx")
    reader.read(10)
    reader.close()
    reader.close()
    assert reader.closed and not src.closed
    for call in (lambda: reader.read(1), lambda: reader.seek(0), lambda: reader.readinto(bytearray(1))):
        with pytest.raises(ValueError, match="closed"):
            call()
    with chunked.Reader(src2 := io.BytesIO(CT3), KEY, context=b"ctx", close_fileobj=True) as r:
        assert r.read(3) == MSG3[:3]
    assert src2.closed


# ---- Writer --------------------------------------------------------------------------------------

@pytest.mark.parametrize("threads", [1, 2, 3, 8])
@pytest.mark.parametrize("suite", ALL_SUITES, ids=SUITE_IDS)
def test_writer_equals_one_shot(suite, threads):
    rng = random.Random(f"writer-{suite.name}-{threads}")
    key, salt = rng.randbytes(suite.key_size), rng.randbytes(24)
    for n in (0, 100, CHUNK, 5 * CHUNK, 200 * CHUNK + 17):
        msg = rng.randbytes(n)
        want = chunked._encrypt_with_salt(key, msg, salt, context=b"c", suite=suite)
        out = io.BytesIO()
        w = chunked.Writer(out, key, context=b"c", suite=suite, threads=threads, _salt=salt)
        pos = 0
        while pos < n:                      # writes of every size: empty, partial, whole, many chunks
            step = rng.choice([0, 1, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 70 * CHUNK, rng.randrange(1, 3 * CHUNK)])
            assert w.write(msg[pos:pos + step]) == len(msg[pos:pos + step])
            pos += step
            assert w.tell() == min(pos, n)
        w.close()
        assert out.getvalue() == want, (n, threads)


@pytest.mark.cpu_independent
def test_writer_buffers_at_most_one_chunk():
    out = io.BytesIO()
    w = chunked.Writer(out, KEY)
    assert len(out.getvalue()) == HEADER                  # the header goes out at once
    w.write(bytes(CHUNK - 1))
    assert len(out.getvalue()) == HEADER
    w.write(b"x")
    assert len(out.getvalue()) == HEADER + SEALED         # a full chunk is never the final one
    w.write(bytes(3 * CHUNK + 5))
    assert len(out.getvalue()) == HEADER + 4 * SEALED
    w.flush()                                             # the 5 pending bytes stay
    assert len(out.getvalue()) == HEADER + 4 * SEALED
    w.close()
    assert len(out.getvalue()) == chunked.ciphertext_length(4 * CHUNK + 5)
    assert chunked.decrypt(KEY, out.getvalue()) == bytes(CHUNK - 1) + b"x" + bytes(3 * CHUNK + 5)


@pytest.mark.cpu_independent
def test_writer_interrupted_leaves_a_truncated_message():
    out = io.BytesIO()
    with pytest.raises(RuntimeError):
        with chunked.Writer(out, KEY) as w:
            w.write(bytes(2 * CHUNK + 3))
            raise RuntimeError("crash while sealing")
    assert w.closed
    with pytest.raises(TruncatedError):
        chunked.decrypt(KEY, out.getvalue())
    out = io.BytesIO()
    w = chunked.Writer(out, KEY)
    w.write(b"abc")
    w.abort()
    assert w.closed
    with pytest.raises(TruncatedError):
        chunked.decrypt(KEY, out.getvalue())
    out = io.BytesIO()
    w = chunked.Writer(out, KEY)
    w.write(b"abc")
    with pytest.warns(ResourceWarning, match="without close"):
        del w
        import gc
        gc.collect()
    with pytest.raises(TruncatedError):
        chunked.decrypt(KEY, out.getvalue())


@pytest.mark.cpu_independent
def test_writer_close_and_misuse():
    out = io.BytesIO()
    w = chunked.Writer(out, KEY)
    assert w.writable() and not w.readable() and not w.seekable()
    w.write(array.array("B", b"abc"))
    w.write(memoryview(b"defg")[1:])
    w.close()
    w.close()
    assert chunked.decrypt(KEY, out.getvalue()) == b"abcefg"
    assert not out.closed
    for call in (lambda: w.write(b"x"), lambda: w.flush()):
        with pytest.raises(ValueError, match="closed"):
            call()
    with chunked.Writer(out2 := io.BytesIO(), KEY, close_fileobj=True) as w2:
        w2.write(b"z")
    assert out2.closed


@pytest.mark.cpu_independent
def test_writer_failing_sink_stops_the_message():
    class Failing(io.RawIOBase):
        def __init__(self):
            self.parts, self.fail = [], False

        def writable(self):
            return True

        def write(self, b):
            if self.fail:
                raise OSError("disk full")
            self.parts.append(bytes(b))
            return len(b)
    sink = Failing()
    w = chunked.Writer(sink, KEY)
    w.write(bytes(CHUNK))
    sink.fail = True
    with pytest.raises(OSError, match="disk full"):
        w.write(bytes(2 * CHUNK))
    assert w.closed                                        # no final chunk can follow a gap
    with pytest.raises(TruncatedError):
        chunked.decrypt(KEY, b"".join(sink.parts))


@pytest.mark.cpu_independent
def test_writer_short_writes_and_chunk_limit():
    class Short(io.RawIOBase):
        def __init__(self):
            self.buf = bytearray()

        def writable(self):
            return True

        def write(self, b):
            n = min(len(b), 777)
            self.buf += bytes(b[:n])
            return n
    sink = Short()
    msg = os.urandom(3 * CHUNK + 9)
    with chunked.Writer(sink, KEY) as w:
        w.write(msg)
    assert chunked.decrypt(KEY, bytes(sink.buf)) == msg
    # the 2**38-chunk limit (4 PiB - 1 bytes): set the position near it
    w = chunked.Writer(io.BytesIO(), KEY)
    w._next_chunk, w._consumed = (1 << 38) - 1, ((1 << 38) - 1) * CHUNK
    with pytest.raises(OverflowError, match="4 PiB"):
        w.write(bytes(CHUNK))
    w.write(bytes(CHUNK - 1))                               # the last chunk, short: still fine
    w.close()


# ---- suites, lengths, secrets --------------------------------------------------------------------

@pytest.mark.cpu_independent
def test_suites():
    assert [s.name for s in Suite] == ["AES_128_GCM_SHA256", "AES_256_GCM_SHA512", "SM4_GCM_SM3", "AES_128_GCM_SHA512"]
    assert [(s.aead_name, s.key_size, s.hash_name) for s in Suite] == [
        ("AEAD_AES_128_GCM", 16, "sha256"), ("AEAD_AES_256_GCM", 32, "sha512"),
        ("AEAD_SM4_GCM", 16, "sm3"), ("AEAD_AES_128_GCM", 16, "sha512")]
    key = os.urandom(16)
    assert chunked.decrypt(key, chunked.encrypt(key, b"m", suite="SM4_GCM_SM3"), suite=Suite.SM4_GCM_SM3) == b"m"
    with pytest.raises(ValueError, match="unknown suite"):
        chunked.encrypt(key, b"m", suite="SM4_GCM")
    with pytest.raises(TypeError, match="suite"):
        chunked.encrypt(key, b"m", suite=3)
    # the default is Cobblestone-256
    assert chunked.decrypt(KEY, chunked.encrypt(KEY, b"m"), suite=Suite.AES_256_GCM_SHA512) == b"m"


@pytest.mark.cpu_independent
def test_lengths():
    for n in (0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 10**9):
        c = chunked.ciphertext_length(n)
        assert c == HEADER + n + (n // CHUNK + 1) * TAG
        assert chunked.plaintext_length(c) == n
    assert chunked.ciphertext_length((1 << 52) - 1) == HEADER + (1 << 52) - 1 + (1 << 38) * TAG
    with pytest.raises(OverflowError):
        chunked.ciphertext_length(1 << 52)
    for bad in (0, 55, HEADER + 15, HEADER + SEALED, HEADER + SEALED + 15):
        with pytest.raises(TruncatedError):
            chunked.plaintext_length(bad)
    with pytest.raises(ValueError):
        chunked.ciphertext_length(-1)
    for bad in (1.0, "5", None, True):
        with pytest.raises(TypeError):
            chunked.ciphertext_length(bad)
    assert (chunked.CHUNK_SIZE, chunked.HEADER_SIZE) == (CHUNK, HEADER)


@pytest.mark.cpu_independent
def test_buffer_types():
    np = pytest.importorskip("numpy")
    key = np.frombuffer(KEY, dtype=np.uint8)
    msg = np.frombuffer(os.urandom(2 * CHUNK + 1), dtype=np.uint8)
    ct = chunked.encrypt(key, msg, context=bytearray(b"ctx"))
    assert chunked.decrypt(memoryview(KEY), bytearray(ct), context=memoryview(b"ctx")) == msg.tobytes()
    out = np.zeros(2 * CHUNK + 1, dtype=np.uint8)
    assert chunked.Reader(io.BytesIO(ct), key, context=b"ctx").readinto(out) == len(out)
    assert out.tobytes() == msg.tobytes()


@pytest.mark.cpu_independent
def test_no_secret_in_repr_and_no_pickling():
    import pickle
    key = bytes([0x5A] * 32)
    out = io.BytesIO()
    w = chunked.Writer(out, key)
    w.write(b"x")
    r = chunked.Reader(io.BytesIO(chunked.encrypt(key, b"y")), key)
    c = chunked._chunked.Cipher(*chunked._params(key, b"", Suite.AES_256_GCM_SHA512)[1], key, bytes(24), b"")
    for obj in (w, r, c):
        text = repr(obj) + str(obj)
        assert "5a5a" not in text.lower() and "ZZZZ" not in text
        with pytest.raises(TypeError, match="pickle"):
            pickle.dumps(obj)
    w.close()
    r.close()
    c.wipe()
    with pytest.raises(ValueError, match="closed"):
        c.seal_into(0, b"", 0, 0, True, bytearray(16), 0)


@pytest.mark.cpu_independent
def test_errors_are_ccfast_errors():
    assert issubclass(TruncatedError, CCFastError) and issubclass(InvalidTag, CCFastError)
    assert not issubclass(TruncatedError, InvalidTag) and not issubclass(InvalidTag, TruncatedError)
    assert chunked.InvalidTag is InvalidTag and chunked.TruncatedError is TruncatedError


@pytest.mark.cpu_independent
def test_decrypt_failure_returns_nothing():
    """decrypt() either returns the whole message or raises; a failure in the last chunk
    leaves no plaintext anywhere in what the caller can reach."""
    bad = bytearray(CT3)
    bad[-1] ^= 1
    with pytest.raises(InvalidTag, match="chunk 2") as info:
        chunked.decrypt(KEY, bytes(bad), context=b"ctx")
    assert info.value.__traceback__ is not None
    frames_locals = []
    tb = info.value.__traceback__
    while tb is not None:
        frames_locals += list(tb.tb_frame.f_locals.values())
        tb = tb.tb_next
    assert not any(isinstance(v, (bytes, bytearray)) and MSG3[:64] in v for v in frames_locals)
