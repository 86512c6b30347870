"""SM3: GB/T 32905 examples and the vendored collection, OSCCA vectors from cryptography-vectors,
Wycheproof HMAC-SM3, differential tests against cryptography (OpenSSL) and gmssl, the hashlib and
hmac interfaces, the GB/T 32918 KDF, batches and bad input."""
import hmac as std_hmac
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ccfast
from ccfast import sm3

from conftest import require, vector_file, wycheproof_cases

hashes = require("cryptography.hazmat.primitives.hashes")
crypto_hmac = require("cryptography.hazmat.primitives.hmac")
cryptography_vectors = require("cryptography_vectors")


def reference_sm3(data):
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def shared_sm3_vectors():
    """(label, input, digest) from the shared sm3.txt; inputs are hex, or ASCII for the
    libgcrypt/gmalg strings, or generated as the label says."""
    path = vector_file("sm", "sm3.txt")
    label, inp, out = None, None, []
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("## ["):
            label = line[3:]
        elif line.startswith("Input"):
            inp = line.split("=", 1)[1].strip()
        elif line.startswith("Digest"):
            dig = bytes.fromhex(line.split("=", 1)[1].strip())
            if inp.startswith("(generated"):
                data = b"a" * 1_000_000 if "0x61" in label else bytes(i % 256 for i in range(1_000_000))
            elif "gmalg" in label or "libgcrypt" in label:
                data = inp.encode()
            else:
                data = bytes.fromhex(inp)
            out.append((label, data, dig))
    return out


def test_gbt_32905_examples(kat):
    assert sm3.digest(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3.digest(b"abcd" * 16).hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    kat("GB/T", 2)


def test_shared_vector_collection(kat):
    vecs = shared_sm3_vectors()
    assert len(vecs) >= 18
    for label, data, want in vecs:
        assert sm3.digest(data) == want, label
        for name in usable("sm3"):                # every single-stream implementation
            h = sm3.SM3(_impl=name)
            for i in range(0, len(data), 1000):   # streaming in uneven pieces
                h.update(data[i:i + 1000])
            assert h.digest() == want, (label, name)
    for name in usable("sm3-mb"):                 # and every multi-buffer one, all in one batch
        assert sm3.digest_batch([d for _, d, _ in vecs], _impl=name) == [w for _, _, w in vecs], name
    kat("GB/T", len(vecs))


def test_oscca_vectors_from_cryptography_vectors(kat):
    n = 0
    with cryptography_vectors.open_vector_file(os.path.join("hashes", "SM3", "oscca.txt"), "r") as f:
        rec = {}
        for line in f:
            line = line.strip()
            if " = " in line:
                k, v = line.split(" = ")
                rec[k] = v
                if k == "MD":
                    msg = bytes.fromhex(rec["Msg"])[: int(rec["Len"]) // 8]
                    for name in usable("sm3"):
                        assert sm3.SM3(msg, _impl=name).hexdigest() == v.lower(), name
                    for name in usable("sm3-mb"):
                        assert sm3.digest_batch([msg] * 3, _impl=name) == [bytes.fromhex(v)] * 3, name
                    n += 1
    assert n >= 4
    kat("GB/T", n)


def test_hmac_shared_vectors(kat):
    path = vector_file("sm", "hmac_sm3.txt")
    rec, n = {}, 0
    for line in open(path):
        if line.startswith("#") or "=" not in line:
            continue
        k, v = line.split("=", 1)
        rec[k.strip()] = bytes.fromhex(v.split()[0])
        if k.strip() == "HMAC":
            assert sm3.hmac(rec["Key"], rec["Msg"]) == rec["HMAC"]
            n += 1
    assert n >= 3
    kat("GB/T", n)


@pytest.mark.parametrize("group,test", wycheproof_cases("hmac_sm3_test.json"))
def test_wycheproof_hmac(group, test, kat):
    key, msg, tag = (bytes.fromhex(test[k]) for k in ("key", "msg", "tag"))
    full = sm3.hmac(key, msg)
    matches = full[: group["tagSize"] // 8] == tag
    assert matches == (test["result"] == "valid")
    kat("Wycheproof")


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=3000), cut=st.integers(0, 3000))
def test_matches_cryptography(data, cut):
    want = reference_sm3(data)
    assert sm3.digest(data) == want
    h = sm3.SM3(data[:cut])
    h.update(data[cut:])
    assert h.digest() == want


@settings(max_examples=60, deadline=None)
@given(key=st.binary(max_size=200), data=st.binary(max_size=500))
def test_hmac_matches_cryptography_and_stdlib(key, data):
    h = crypto_hmac.HMAC(key, hashes.SM3())
    h.update(data)
    want = h.finalize()
    assert sm3.hmac(key, data) == want
    assert std_hmac.new(key, data, digestmod=sm3.SM3).digest() == want


def test_matches_gmssl():
    gmssl_sm3 = require("gmssl.sm3")
    rnd = __import__("random").Random(5)
    for n in (0, 1, 55, 56, 64, 65, 200):
        data = rnd.randbytes(n)
        assert sm3.digest(data).hex() == gmssl_sm3.sm3_hash(list(data))


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=300))
def test_matches_gmssl_random(data):
    gmssl_sm3 = require("gmssl.sm3")
    assert sm3.digest(data).hex() == gmssl_sm3.sm3_hash(list(data))


@pytest.mark.cpu_independent
def test_hashlib_interface():
    h = sm3.SM3(b"ab")
    assert (h.name, h.digest_size, h.block_size) == ("sm3", 32, 64)
    c = h.copy()
    h.update(b"c")
    assert h.digest() == sm3.digest(b"abc")
    assert c.digest() == sm3.digest(b"ab")          # copies are independent
    assert h.digest() == h.digest()                 # digest() does not finalize the object
    assert h.hexdigest() == sm3.digest(b"abc").hex()


def kdf_reference(z, klen):
    out, ct = b"", 1
    while len(out) < klen:
        out += reference_sm3(z + ct.to_bytes(4, "big"))
        ct += 1
    return out[:klen]


@pytest.mark.cpu_independent
@pytest.mark.parametrize("klen", [0, 1, 16, 31, 32, 33, 64, 100, 1000])
def test_kdf(klen):
    z = bytes(range(80))
    assert sm3.kdf(z, klen) == kdf_reference(z, klen)


@pytest.mark.cpu_independent
def test_kdf_errors():
    with pytest.raises(ValueError):
        sm3.kdf(b"z", -1)
    with pytest.raises(TypeError):
        sm3.kdf(b"z", 1.5)
    with pytest.raises(OverflowError):
        sm3.kdf(b"z", 2 ** 40)
    with pytest.raises(TypeError):
        sm3.kdf("z", 5)


def test_digest_batch():
    rnd = __import__("random").Random(9)
    msgs = [rnd.randbytes(rnd.randrange(0, 3000)) for _ in range(70)]
    assert sm3.digest_batch(msgs) == [reference_sm3(m) for m in msgs]
    assert sm3.digest_batch(iter(msgs[:3])) == [reference_sm3(m) for m in msgs[:3]]
    assert sm3.digest_batch(m for m in msgs[:20]) == [reference_sm3(m) for m in msgs[:20]]
    assert sm3.digest_batch([]) == []
    assert sm3.digest_batch([b""]) == [reference_sm3(b"")]


def usable(alg):
    return [name for name, ok in ccfast._available_implementations()[alg].items() if ok]


# Lane scheduling cases: fewer messages than lanes, exactly 8 and 16, equal lengths, one long
# message among short ones (lanes finish at different times and are refilled), lengths around
# the padding boundaries (55, 56, 63, 64 bytes: one or two tail blocks).
BATCH_SHAPES = {
    "few": [0, 700, 1400],
    "eight": [1500] * 8,
    "sixteen": [64 * i for i in range(16)],
    "long-among-short": [5000] + [3, 55, 56, 63, 64, 65, 119, 120] * 5,
    "boundaries": [n for n in range(50, 130)],
    "many-equal": [1500] * 64,
}


@pytest.mark.parametrize("shape", sorted(BATCH_SHAPES))
def test_digest_batch_every_multibuffer_implementation(shape):
    rnd = __import__("random").Random(shape)
    msgs = [rnd.randbytes(n) for n in BATCH_SHAPES[shape]]
    want = [reference_sm3(m) for m in msgs]
    for name in usable("sm3-mb"):
        assert sm3.digest_batch(msgs, _impl=name) == want, name


@settings(max_examples=40, deadline=None)
@given(msgs=st.lists(st.binary(max_size=400), max_size=40))
def test_digest_batch_random(msgs):
    want = [reference_sm3(m) for m in msgs]
    for name in usable("sm3-mb"):
        assert sm3.digest_batch(msgs, _impl=name) == want, name


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2000), pieces=st.lists(st.integers(0, 200), max_size=12))
def test_every_single_stream_implementation(data, pieces):
    want = reference_sm3(data)
    for name in usable("sm3"):
        h = sm3.SM3(_impl=name)
        pos = 0
        for n in pieces:
            h.update(data[pos:pos + n])
            pos += n
        h.update(data[pos:])
        assert h.digest() == want, name


def test_large_input_released_gil_threads():
    """Inputs past the GIL threshold hash correctly from several threads at once."""
    import threading
    data = [os.urandom(200_000 + i) for i in range(4)]
    want = [reference_sm3(d) for d in data]
    got = [None] * 4

    def work(i):
        h = sm3.SM3()
        h.update(data[i])
        got[i] = (sm3.digest(data[i]), h.digest(), sm3.digest_batch([data[i]] * 3))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(4):
        assert got[i] == (want[i], want[i], [want[i]] * 3)


@pytest.mark.cpu_independent
def test_buffer_types_and_bad_input():
    np = require("numpy")
    data = b"buffer" * 11
    want = sm3.digest(data)
    for conv in (bytearray, memoryview, lambda b: np.frombuffer(b, dtype=np.uint8)):
        assert sm3.digest(conv(data)) == want
    with pytest.raises(TypeError):
        sm3.digest("text")
    with pytest.raises(TypeError):
        sm3.digest(memoryview(data)[::2])
    with pytest.raises(TypeError):
        sm3.digest(np.zeros(4, dtype=np.uint32))
    with pytest.raises(TypeError):
        sm3.SM3().update(42)
    with pytest.raises(TypeError):
        sm3.digest_batch([b"ok", "text"])
    with pytest.raises(TypeError):
        sm3.digest_batch(5)
    with pytest.raises(TypeError):
        sm3.hmac("key", b"data")
    with pytest.raises(TypeError):
        sm3.hmac(b"key", memoryview(data)[::3])
    with pytest.raises(TypeError):
        sm3.SM3(np.arange(4, dtype=np.int16))
    for conv in (bytearray, memoryview, lambda b: np.frombuffer(b, dtype=np.uint8)):
        assert sm3.digest_batch([conv(data), b"", conv(data)]) == [want, sm3.digest(b""), want]
        assert sm3.hmac(conv(b"k"), conv(data)) == sm3.hmac(b"k", data)
        assert sm3.kdf(conv(data), 40) == sm3.kdf(data, 40)
        h = sm3.SM3(conv(data[:5]))
        h.update(conv(data[5:]))
        assert h.digest() == want
    # no buffer export left behind, after success and after failure
    buf = bytearray(b"x" * 10)
    sm3.digest(buf)
    sm3.digest_batch([buf, buf])
    with pytest.raises(TypeError):
        sm3.digest_batch([buf, "text"])
    sm3.SM3(buf).update(buf)
    buf.append(1)


def test_implementation_reported():
    for alg in ("sm3", "sm3-mb"):
        impls = ccfast._available_implementations()[alg]
        chosen = ccfast.implementations()[alg]
        assert impls[chosen]
        # the chosen one is the first usable in the best-first table
        assert chosen == next(n for n, ok in impls.items() if ok)
    for name in usable("sm3"):
        assert sm3.SM3(b"abc", _impl=name).digest() == reference_sm3(b"abc")
    with pytest.raises(ValueError):
        sm3.SM3(b"abc", _impl="no-such")
    with pytest.raises(ValueError):
        sm3.digest_batch([b"abc"], _impl="no-such")


@pytest.mark.cpu_independent
def test_copy_and_hmac_module_interop():
    h = sm3.SM3()
    h.update(b"x" * 100)
    c = h.copy()
    c.update(b"y")
    h.update(b"z")
    assert c.digest() == reference_sm3(b"x" * 100 + b"y")
    assert h.digest() == reference_sm3(b"x" * 100 + b"z")
    m = std_hmac.new(b"k" * 100, digestmod=sm3.SM3)      # long key: hashed first
    m.update(b"part one ")
    m2 = m.copy()
    m.update(b"part two")
    assert m.digest() == sm3.hmac(b"k" * 100, b"part one part two")
    assert m2.hexdigest() == sm3.hmac(b"k" * 100, b"part one ").hex()
    assert std_hmac.digest(b"key", b"msg", sm3.SM3) == sm3.hmac(b"key", b"msg")
    assert m.name == "hmac-sm3" and m.digest_size == 32 and m.block_size == 64
