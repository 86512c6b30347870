"""AES-GCM: NIST CAVP, Wycheproof, differential tests against `cryptography` and a reference
GCM, and the API's error handling.  Runs under every CPU level (tests/run.py)."""
import gc
import os
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ccfast
from ccfast.aead import AESGCM, InvalidTag
from ccfast.exceptions import CCFastError

from conftest import require, skip_platform, wycheproof_cases
from gcm_reference import aes_block_fn, gcm_encrypt

crypto_aead = require("cryptography.hazmat.primitives.ciphers.aead")
cryptography_vectors = require("cryptography_vectors")


# ---- NIST CAVP (cryptography-vectors: ciphers/AES/GCM/*.rsp), every record -----------------

def cavp_records(name):
    """Records of a GCM .rsp file as dicts of bytes; "FAIL" marks a record that must not decrypt."""
    with cryptography_vectors.open_vector_file(os.path.join("ciphers", "AES", "GCM", name), "r") as f:
        rec = {}
        for line in f:
            line = line.strip()
            if not line or line.startswith(("#", "[")):
                if "Count" in rec:
                    yield rec
                rec = {}
            elif line == "FAIL":
                rec["FAIL"] = True
            else:
                k, _, v = line.partition("=")
                rec[k.strip()] = bytes.fromhex(v.strip()) if k.strip() != "Count" else int(v)
        if "Count" in rec:
            yield rec


@pytest.mark.parametrize("bits", [128, 192, 256])
def test_cavp_encrypt(bits, kat):
    n = 0
    failures = []
    for r in cavp_records(f"gcmEncryptExtIV{bits}.rsp"):
        if len(r["IV"]) == 0:
            continue                             # no zero-length IVs in these files; guard anyway
        out = AESGCM(r["Key"]).encrypt(r["IV"], r["PT"], r["AAD"])
        ct, tag = out[:-16], out[-16:]
        # Records with a truncated tag hold its leading bytes (SP 800-38D 5.2.1.2).
        if ct != r["CT"] or tag[:len(r["Tag"])] != r["Tag"]:
            failures.append(r)
        n += 1
    assert n > 7000
    assert not failures, f"{len(failures)} of {n} records failed, first: {failures[0]}"
    kat("NIST CAVP", n)


@pytest.mark.parametrize("bits", [128, 192, 256])
def test_cavp_decrypt(bits, kat):
    n = fails = 0
    bad = []
    for r in cavp_records(f"gcmDecrypt{bits}.rsp"):
        g = AESGCM(r["Key"])
        expect_fail = r.get("FAIL", False)
        if len(r["Tag"]) == 16:
            try:
                pt = g.decrypt(r["IV"], r["CT"] + r["Tag"], r["AAD"])
                ok = not expect_fail and pt == r["PT"]
            except InvalidTag:
                ok = expect_fail
        else:
            # Truncated tags go through the kernel's tag_len parameter.
            try:
                pt = g._decrypt_truncated(r["IV"], r["CT"], r["AAD"], r["Tag"])
                ok = not expect_fail and pt == r["PT"]
            except InvalidTag:
                ok = expect_fail
        fails += expect_fail
        n += 1
        if not ok:
            bad.append(r)
    assert n > 7000 and fails > 1000
    assert not bad, f"{len(bad)} of {n} records wrong, first: {bad[0]}"
    kat("NIST CAVP", n)


# ---- Wycheproof -------------------------------------------------------------------------------

@pytest.mark.parametrize("group,test", wycheproof_cases("aes_gcm_test.json"))
def test_wycheproof(group, test, kat):
    _check_wycheproof(group, test)
    kat("Wycheproof")


def _check_wycheproof(group, test):
    key, iv, aad = (bytes.fromhex(test[k]) for k in ("key", "iv", "aad"))
    msg, ct, tag = (bytes.fromhex(test[k]) for k in ("msg", "ct", "tag"))
    if test["result"] == "valid":
        g = AESGCM(key)
        assert g.encrypt(iv, msg, aad) == ct + tag
        assert g.decrypt(iv, ct + tag, aad) == msg
        return
    if group["tagSize"] != 128 or len(iv) == 0 or len(key) not in (16, 24, 32):
        with pytest.raises((ValueError, InvalidTag)):
            AESGCM(key).decrypt(iv, ct + tag, aad)
        return
    g = AESGCM(key)
    with pytest.raises(InvalidTag):
        g.decrypt(iv, ct + tag, aad)


def test_wycheproof_file_is_whole():
    assert len(wycheproof_cases("aes_gcm_test.json")) > 300


# ---- differential ---------------------------------------------------------------------------

KEY_SIZES = st.sampled_from([16, 24, 32])
# Message lengths cross every block-count boundary of 1-, 4-, 8-, 16- and 32-block loops.
LENGTHS = st.one_of(st.integers(0, 600), st.integers(0, 4096),
                    st.sampled_from([n * 16 + d for n in (1, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 128, 256) for d in (-1, 0, 1)]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ks=KEY_SIZES, nlen=st.integers(8, 64), mlen=LENGTHS, alen=st.integers(0, 300), seed=st.binary(min_size=8, max_size=8))
def test_matches_cryptography(ks, nlen, mlen, alen, seed):
    rnd = __import__("random").Random(seed)
    key, nonce = rnd.randbytes(ks), rnd.randbytes(nlen)
    msg, aad = rnd.randbytes(mlen), rnd.randbytes(alen)
    ref = crypto_aead.AESGCM(key).encrypt(nonce, msg, aad)
    g = AESGCM(key)
    assert g.encrypt(nonce, msg, aad) == ref
    assert g.decrypt(nonce, ref, aad) == msg


@settings(max_examples=60, deadline=None)
@given(ks=KEY_SIZES, nlen=st.integers(1, 20), mlen=st.integers(0, 80), alen=st.integers(0, 40), seed=st.binary(min_size=8, max_size=8))
def test_short_and_odd_nonces_match_reference(ks, nlen, mlen, alen, seed):
    # cryptography refuses nonces under 8 bytes: compare with the reference GCM instead.
    rnd = __import__("random").Random(seed)
    key, nonce = rnd.randbytes(ks), rnd.randbytes(nlen)
    msg, aad = rnd.randbytes(mlen), rnd.randbytes(alen)
    assert AESGCM(key).encrypt(nonce, msg, aad) == gcm_encrypt(aes_block_fn(key), nonce, msg, aad)


@settings(max_examples=100, deadline=None)
@given(ks=KEY_SIZES, mlen=LENGTHS, alen=st.integers(0, 64), off=st.integers(1, 15), seed=st.binary(min_size=8, max_size=8))
def test_unaligned_and_in_place(ks, mlen, alen, off, seed):
    rnd = __import__("random").Random(seed)
    key, nonce = rnd.randbytes(ks), rnd.randbytes(12)
    msg, aad = rnd.randbytes(mlen), rnd.randbytes(alen)
    ref = crypto_aead.AESGCM(key).encrypt(nonce, msg, aad)
    g = AESGCM(key)
    # unaligned input and output views
    src = bytearray(off + mlen)
    src[off:] = msg
    out = bytearray(off + mlen + 16)
    assert g.encrypt_into(nonce, memoryview(src)[off:], aad, memoryview(out)[off:]) == mlen + 16
    assert bytes(out[off:]) == ref
    # in place: data and out are the same buffer
    buf = bytearray(msg) + bytearray(16)
    assert g.encrypt_into(nonce, memoryview(buf)[:mlen], aad, buf) == mlen + 16
    assert bytes(buf) == ref
    assert g.decrypt_into(nonce, buf, aad, buf) == mlen
    assert bytes(buf[:mlen]) == msg


def test_every_supported_implementation_agrees():
    """All AES x GHASH implementations this CPU supports give the same results."""
    avail = ccfast._available_implementations()
    aes = [n for n, ok in avail["aes"].items() if ok]
    gh = [n for n, ok in avail["ghash"].items() if ok]
    rnd = __import__("random").Random(7)
    for ks in (16, 24, 32):
        key = rnd.randbytes(ks)
        ref = crypto_aead.AESGCM(key)
        objs = [AESGCM(key, _aes=a, _ghash=h) for a in aes for h in gh]
        for mlen in list(range(0, 300)) + [511, 512, 513, 1023, 1024, 1025, 4095, 4096, 4097, 65536 + 7]:
            nonce, msg, aad = rnd.randbytes(12), rnd.randbytes(mlen), rnd.randbytes(mlen % 37)
            want = ref.encrypt(nonce, msg, aad)
            for o in objs:
                assert o.encrypt(nonce, msg, aad) == want, (o._implementation, mlen)
                assert o.decrypt(nonce, want, aad) == msg, (o._implementation, mlen)


# ---- tags, forgeries, wiping ------------------------------------------------------------------

def test_every_single_bit_flip_is_rejected():
    g = AESGCM(bytes(range(16)))
    nonce, aad, msg = b"\x01" * 12, b"header", bytes(range(70))
    ct = g.encrypt(nonce, msg, aad)
    for i in range(len(ct)):
        for bit in (0, 7):
            bad = bytearray(ct)
            bad[i] ^= 1 << bit
            with pytest.raises(InvalidTag):
                g.decrypt(nonce, bytes(bad), aad)
    for i in range(len(aad)):
        bad_aad = bytearray(aad)
        bad_aad[i] ^= 1
        with pytest.raises(InvalidTag):
            g.decrypt(nonce, ct, bytes(bad_aad))
    with pytest.raises(InvalidTag):
        g.decrypt(b"\x02" * 12, ct, aad)


def test_truncated_or_short_ciphertext():
    g = AESGCM(bytes(16))
    ct = g.encrypt(bytes(12), b"hello", None)
    for n in range(len(ct)):
        with pytest.raises(InvalidTag):
            g.decrypt(bytes(12), ct[:n], None)


def test_decrypt_into_wipes_output_on_failure():
    g = AESGCM(bytes(32))
    msg = b"A" * 100
    ct = bytearray(g.encrypt(bytes(12), msg, b""))
    ct[-1] ^= 1
    out = bytearray(b"\xee" * 100)
    with pytest.raises(InvalidTag):
        g.decrypt_into(bytes(12), ct, b"", out)
    assert out == bytes(100)


def test_invalid_tag_is_a_ccfast_error():
    assert issubclass(InvalidTag, CCFastError)


def test_none_aad_equals_empty():
    g = AESGCM(bytes(16))
    assert g.encrypt(b"n" * 12, b"x", None) == g.encrypt(b"n" * 12, b"x", b"")


# ---- API: types, sizes, buffers -------------------------------------------------------------

@pytest.mark.cpu_independent
@pytest.mark.parametrize("n", [0, 1, 15, 17, 20, 31, 33, 64])
def test_bad_key_length(n):
    with pytest.raises(ValueError):
        AESGCM(bytes(n))


@pytest.mark.cpu_independent
@pytest.mark.parametrize("key", ["0" * 16, 16, None, [0] * 16])
def test_bad_key_type(key):
    with pytest.raises(TypeError):
        AESGCM(key)


@pytest.mark.cpu_independent
def test_empty_nonce():
    g = AESGCM(bytes(16))
    with pytest.raises(ValueError):
        g.encrypt(b"", b"data", None)
    with pytest.raises(ValueError):
        g.decrypt(b"", bytes(32), None)


@pytest.mark.cpu_independent
def test_bad_types():
    g = AESGCM(bytes(16))
    with pytest.raises(TypeError):
        g.encrypt("nonce" * 3, b"x", None)
    with pytest.raises(TypeError):
        g.encrypt(bytes(12), "text", None)
    with pytest.raises(TypeError):
        g.encrypt(bytes(12), b"x", "aad")
    with pytest.raises(TypeError):
        g.encrypt(bytes(12), 123, None)


@pytest.mark.cpu_independent
def test_strided_and_wide_buffers_rejected():
    np = require("numpy")
    g = AESGCM(bytes(16))
    with pytest.raises(TypeError):
        g.encrypt(bytes(12), memoryview(bytes(64))[::2], None)
    with pytest.raises(TypeError):
        g.encrypt(bytes(12), np.zeros(8, dtype=np.uint32), None)
    with pytest.raises(TypeError):
        g.encrypt(bytes(12), np.zeros((4, 4), dtype=np.uint8)[:, 1], None)


def test_buffer_types_accepted():
    np = require("numpy")
    import array
    key = bytes(range(16))
    g = AESGCM(np.frombuffer(key, dtype=np.uint8))
    want = crypto_aead.AESGCM(key).encrypt(bytes(12), b"abcdefgh" * 5, b"aad")
    for conv in (bytes, bytearray, memoryview, lambda b: np.frombuffer(b, dtype=np.uint8),
                 lambda b: array.array("B", b)):
        assert g.encrypt(conv(bytes(12)), conv(b"abcdefgh" * 5), conv(b"aad")) == want
        assert g.decrypt(conv(bytes(12)), conv(want), conv(b"aad")) == b"abcdefgh" * 5


@pytest.mark.cpu_independent
def test_into_errors():
    g = AESGCM(bytes(16))
    with pytest.raises(ValueError):
        g.encrypt_into(bytes(12), b"x" * 10, None, bytearray(25))
    with pytest.raises(TypeError):
        g.encrypt_into(bytes(12), b"x" * 10, None, bytes(26))           # read-only
    with pytest.raises(ValueError):
        g.decrypt_into(bytes(12), bytes(40), None, bytearray(23))
    buf = bytearray(64)
    with pytest.raises(ValueError):                                      # partial overlap
        g.encrypt_into(bytes(12), memoryview(buf)[0:20], None, memoryview(buf)[4:40])


@pytest.mark.cpu_independent
def test_too_large_data_is_overflow():
    g = AESGCM(bytes(16))
    np = require("numpy")
    try:
        big = np.lib.stride_tricks.as_strided(np.zeros(1, np.uint8), shape=((1 << 36),), strides=(0,))
    except Exception:
        skip_platform("cannot build a 64 GiB view of one byte (32-bit address space)")
    with pytest.raises((OverflowError, TypeError)):
        g.encrypt(bytes(12), big, None)


def test_buffers_released_after_success_and_failure():
    g = AESGCM(bytes(16))
    data = bytearray(b"x" * 50)
    out = bytearray(66)
    g.encrypt(bytes(12), data, None)
    g.encrypt_into(bytes(12), data, None, out)
    with pytest.raises(InvalidTag):
        g.decrypt(bytes(12), data, None)
    with pytest.raises(ValueError):
        g.encrypt_into(bytes(12), data, None, bytearray(3))
    data.append(1)          # would raise BufferError if an export were still held
    out.extend(b"y")


@pytest.mark.cpu_independent
def test_generate_key():
    for bits in (128, 192, 256):
        k = AESGCM.generate_key(bits)
        assert len(k) == bits // 8
        assert AESGCM.generate_key(bits) != k
    with pytest.raises(ValueError):
        AESGCM.generate_key(64)
    with pytest.raises(TypeError):
        AESGCM.generate_key("128")


@pytest.mark.cpu_independent
def test_not_picklable():
    import pickle
    with pytest.raises(TypeError):
        pickle.dumps(AESGCM(bytes(16)))


# ---- batch ----------------------------------------------------------------------------------

def test_encrypt_batch_matches_single():
    g = AESGCM(bytes(range(32)))
    rnd = __import__("random").Random(3)
    nonces = [rnd.randbytes(12) for _ in range(100)]
    datas = [rnd.randbytes(rnd.randrange(0, 400)) for _ in range(100)]
    aads = [rnd.randbytes(rnd.randrange(0, 20)) if i % 3 else None for i in range(100)]
    assert g.encrypt_batch(nonces, datas, aads) == [g.encrypt(n, d, a) for n, d, a in zip(nonces, datas, aads)]
    assert g.encrypt_batch(nonces, datas) == [g.encrypt(n, d) for n, d in zip(nonces, datas)]
    assert g.encrypt_batch(iter(nonces[:3]), (d for d in datas[:3])) == [g.encrypt(n, d) for n, d in zip(nonces[:3], datas[:3])]
    assert g.encrypt_batch([], []) == []
    # bytes read in place beside other buffers (views taken from the first non-bytes item on)
    kinds = [bytes, bytearray, memoryview, lambda b: memoryview(bytearray(b))]
    mixed = [kinds[(i * 7) % 4](d) for i, d in enumerate(datas)]
    mixed_aads = [None if a is None else kinds[i % 4](a) for i, a in enumerate(aads)]
    assert g.encrypt_batch(nonces, mixed, mixed_aads) == [g.encrypt(n, d, a) for n, d, a in zip(nonces, datas, aads)]


@pytest.mark.cpu_independent
def test_encrypt_batch_errors_change_nothing():
    g = AESGCM(bytes(16))
    data = bytearray(10)
    with pytest.raises(ValueError):
        g.encrypt_batch([bytes(12)] * 2, [data])
    with pytest.raises(ValueError):
        g.encrypt_batch([bytes(12), b""], [data, data])
    with pytest.raises(TypeError):
        g.encrypt_batch([bytes(12), bytes(12)], [data, "str"])
    with pytest.raises(ValueError):        # bytes first, then a view, then a bad nonce
        g.encrypt_batch([bytes(12), bytes(12), b""], [b"x", data, b"y"])
    data.append(0)          # no export leaked by the failed calls


# ---- threads and lifetime ---------------------------------------------------------------------

def test_shared_between_threads():
    g = AESGCM(bytes(range(16)))
    ref = crypto_aead.AESGCM(bytes(range(16)))
    errors = []

    def work(seed):
        rnd = __import__("random").Random(seed)
        for _ in range(200):
            nonce, msg = rnd.randbytes(12), rnd.randbytes(rnd.choice([100, 5000, 20000]))
            if g.encrypt(nonce, msg, b"") != ref.encrypt(nonce, msg, b""):
                errors.append(seed)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


@pytest.mark.cpu_independent
def test_many_objects_created_and_freed():
    for i in range(20000):
        AESGCM(i.to_bytes(16, "little")).encrypt(bytes(12), b"x", None)
    gc.collect()
