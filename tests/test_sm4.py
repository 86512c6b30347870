"""SM4: GB/T 32907 examples and the vendored collection (sm4.txt), draft-ribose-cfrg-sm4 and
RFC 8998 vectors from cryptography-vectors, Wycheproof SM4-GCM/SM4-CCM, every implementation
this CPU runs, and bad input (lengths, padding, forged tags with the output wiped)."""
import array
import os
import pathlib

import pytest

import ccfast
from ccfast.aead import SM4CCM, SM4GCM
from ccfast.exceptions import InvalidTag, PaddingError
from ccfast.sm4 import SM4

from conftest import require, vector_file, wycheproof_cases

IMPLS = [n for n, ok in ccfast._available_implementations()["sm4"].items() if ok]
GB_KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")


def cv_dir():
    cv = require("cryptography_vectors")
    return pathlib.Path(cv.__file__).parent / "ciphers" / "SM4"


def shared_records():
    """Records of sm4.txt: dicts of its fields plus the section title ('##' line)."""
    path = vector_file("sm", "sm4.txt")
    recs, cur, section = [], {}, ""
    for line in list(open(path)) + [""]:
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            if cur:
                recs.append(cur)
                cur = {}
            if line.startswith("## "):
                section = line[3:]
            continue
        k, v = line.split("=", 1)
        cur.setdefault("_section", section)
        cur[k.strip()] = v.strip()
    return recs


def h(v):
    return b"" if v == "(empty)" else bytes.fromhex(v)


@pytest.mark.parametrize("impl", IMPLS)
def test_shared_collection(impl, kat):
    n = 0
    for r in shared_records():
        sec, mode = r["_section"], r.get("Mode", "")
        if "XTS" in sec or "CFB" in mode or "OFB" in mode or "Iterations" in r:
            continue                              # modes ccfast does not offer; A.2 below
        key = h(r["Key"])
        pt, ct = h(r["Plaintext"]), h(r["Ciphertext"])
        if "SM4-GCM" in sec:
            g = SM4GCM(key, _impl=impl)
            assert g.encrypt(h(r["IV"]), pt, h(r["AAD"])) == ct + h(r["Tag"])
            assert g.decrypt(h(r["IV"]), ct + h(r["Tag"]), h(r["AAD"])) == pt
        elif "SM4-CCM" in sec:
            tag = h(r["Tag"])
            c = SM4CCM(key, tag_length=len(tag), _impl=impl)
            assert c.encrypt(h(r["Nonce"]), pt, h(r["AAD"])) == ct + tag
            assert c.decrypt(h(r["Nonce"]), ct + tag, h(r["AAD"])) == pt
        elif mode.startswith("SM4-CBC"):
            s = SM4(key, _impl=impl)
            assert s.encrypt_cbc(h(r["IV"]), pt, padding=False) == ct
            assert s.decrypt_cbc(h(r["IV"]), ct, padding=False) == pt
        elif mode.startswith("SM4-CTR"):
            assert SM4(key, _impl=impl).ctr(h(r["IV"]), pt) == ct
        elif not mode:
            s = SM4(key, _impl=impl)
            assert s.encrypt_ecb(pt) == ct and s.decrypt_ecb(ct) == pt
        else:
            continue
        n += 1
    assert n >= 11               # ECB 1, CBC 2, CTR 3, GCM 3, CCM 2
    kat("GB/T", n)


@pytest.mark.slow
def test_gbt32907_million(kat):
    """GB/T 32907 Appendix A example 2 on the fastest path (the C driver runs it too)."""
    rec = next(r for r in shared_records() if "Iterations" in r)
    s = SM4(h(rec["Key"]))
    x = h(rec["Plaintext"])
    for _ in range(int(rec["Iterations"])):
        x = s.encrypt_ecb(x)
    assert x == h(rec["Ciphertext"])
    kat("GB/T")


def nist_records(path):
    recs, cur, section = [], {}, None
    for line in open(path):
        line = line.strip()
        if line.startswith("["):
            section = line.strip("[]")
            continue
        if not line or line.startswith("#"):
            if cur:
                recs.append(cur)
                cur = {}
            continue
        k, v = line.split("=", 1)
        cur[k.strip()] = v.strip()
        cur["_section"] = section
    if cur:
        recs.append(cur)
    return recs


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("mode", ["ecb", "cbc", "ctr"])
def test_draft_ribose(impl, mode, kat):
    recs = [r for r in nist_records(cv_dir() / f"draft-ribose-cfrg-sm4-10-{mode}.txt") if "KEY" in r]
    assert recs
    for r in recs:
        s = SM4(bytes.fromhex(r["KEY"]), _impl=impl)
        pt, ct = bytes.fromhex(r["PLAINTEXT"]), bytes.fromhex(r["CIPHERTEXT"])
        if mode == "ecb":
            assert s.encrypt_ecb(pt) == ct and s.decrypt_ecb(ct) == pt
        elif mode == "cbc":
            iv = bytes.fromhex(r["IV"])
            assert s.encrypt_cbc(iv, pt, padding=False) == ct
            assert s.decrypt_cbc(iv, ct, padding=False) == pt
        else:
            iv = bytes.fromhex(r["IV"])
            assert s.ctr(iv, pt) == ct and s.ctr(iv, ct) == pt
    kat("draft-ribose-cfrg-sm4", len(recs))


@pytest.mark.parametrize("impl", IMPLS)
def test_rfc8998(impl, kat):
    recs = [r for r in nist_records(cv_dir() / "rfc8998.txt") if "KEY" in r]
    assert recs
    for r in recs:
        key, iv, aad = (bytes.fromhex(r[k]) for k in ("KEY", "IV", "AAD"))
        pt, ct, tag = (bytes.fromhex(r[k]) for k in ("PLAINTEXT", "CIPHERTEXT", "TAG"))
        g = SM4GCM(key, _impl=impl)
        assert g.encrypt(iv, pt, aad) == ct + tag
        assert g.decrypt(iv, ct + tag, aad) == pt
    kat("RFC 8998", len(recs))


@pytest.mark.parametrize("group, case", wycheproof_cases("sm4_gcm_test.json"))
def test_wycheproof_gcm(group, case, kat):
    _check_wycheproof_gcm(group, case)
    kat("Wycheproof")


def _check_wycheproof_gcm(group, case):
    key, iv, aad, msg, ct, tag = (bytes.fromhex(case[k]) for k in ("key", "iv", "aad", "msg", "ct", "tag"))
    if case["result"] == "valid" or case["result"] == "acceptable" and len(iv) and len(tag) == 16:
        g = SM4GCM(key)
        assert g.encrypt(iv, msg, aad) == ct + tag
        assert g.decrypt(iv, ct + tag, aad) == msg
        return
    with pytest.raises((InvalidTag, ValueError)):
        g = SM4GCM(key)
        if len(tag) != 16:
            raise InvalidTag()
        g.decrypt(iv, ct + tag, aad)


@pytest.mark.parametrize("group, case", wycheproof_cases("sm4_ccm_test.json"))
def test_wycheproof_ccm(group, case, kat):
    _check_wycheproof_ccm(group, case)
    kat("Wycheproof")


def _check_wycheproof_ccm(group, case):
    key, iv, aad, msg, ct, tag = (bytes.fromhex(case[k]) for k in ("key", "iv", "aad", "msg", "ct", "tag"))
    if case["result"] in ("valid", "acceptable"):
        c = SM4CCM(key, tag_length=len(tag))
        assert c.encrypt(iv, msg, aad) == ct + tag
        assert c.decrypt(iv, ct + tag, aad) == msg
        return
    with pytest.raises((InvalidTag, ValueError)):
        SM4CCM(key, tag_length=len(tag)).decrypt(iv, ct + tag, aad)


@pytest.mark.parametrize("impl", IMPLS)
def test_implementations_agree(impl):
    """Every implementation equals ct64 over block counts crossing every stride."""
    key = os.urandom(16)
    ref, s = SM4(key, _impl="ct64"), SM4(key, _impl=impl)
    data = os.urandom(16 * 300)
    iv = os.urandom(16)
    for n in (1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 300):
        d = data[:16 * n]
        assert s.encrypt_ecb(d) == ref.encrypt_ecb(d)
        assert s.decrypt_ecb(d) == ref.decrypt_ecb(d)
        assert s.decrypt_cbc(iv, d, padding=False) == ref.decrypt_cbc(iv, d, padding=False)
        assert s.encrypt_cbc(iv, d[:16 * min(n, 40)], padding=False) == ref.encrypt_cbc(iv, d[:16 * min(n, 40)], padding=False)
        assert s.ctr(iv, d[:-3]) == ref.ctr(iv, d[:-3])


@pytest.mark.cpu_independent
def test_implementation_reporting():
    assert ccfast.implementations()["sm4"] in IMPLS
    assert "ct64" in ccfast._available_implementations()["sm4"]
    with pytest.raises(ValueError):
        SM4(GB_KEY, _impl="no-such")


def test_best_is_used():
    assert SM4(GB_KEY)._implementation == ccfast.implementations()["sm4"]
    if os.environ.get("CCFAST_CPU_DISABLE") == "all":
        assert SM4(GB_KEY)._implementation == "ct64"


# ---- bad input -------------------------------------------------------------------------

@pytest.mark.cpu_independent
@pytest.mark.parametrize("cls", [SM4, SM4GCM, SM4CCM])
@pytest.mark.parametrize("n", [0, 8, 15, 17, 24, 32])
def test_key_length(cls, n):
    with pytest.raises(ValueError):
        cls(b"k" * n)


@pytest.mark.cpu_independent
def test_bad_lengths():
    s = SM4(GB_KEY)
    for bad_iv in (b"", b"x" * 15, b"x" * 17):
        with pytest.raises(ValueError):
            s.encrypt_cbc(bad_iv, b"a" * 16)
        with pytest.raises(ValueError):
            s.decrypt_cbc(bad_iv, b"a" * 16)
        with pytest.raises(ValueError):
            s.ctr(bad_iv, b"a")
    for n in (1, 15, 17, 33):
        with pytest.raises(ValueError):
            s.encrypt_ecb(b"a" * n)
        with pytest.raises(ValueError):
            s.decrypt_ecb(b"a" * n)
        with pytest.raises(ValueError):
            s.encrypt_cbc(b"i" * 16, b"a" * n, padding=False)
        with pytest.raises(ValueError):
            s.decrypt_cbc(b"i" * 16, b"a" * n, padding=False)
        with pytest.raises(ValueError):
            s.decrypt_cbc(b"i" * 16, b"a" * n)
    with pytest.raises(TypeError):
        s.encrypt_ecb("text" * 4)
    with pytest.raises(TypeError):
        s.encrypt_ecb(array.array("I", [1, 2, 3, 4]))


@pytest.mark.parametrize("n", [0, 1, 15, 16, 17, 31, 32, 100])
def test_pkcs7_round_trip(n):
    s, iv = SM4(os.urandom(16)), os.urandom(16)
    data = os.urandom(n)
    ct = s.encrypt_cbc(iv, data)
    assert len(ct) == (n // 16 + 1) * 16
    assert s.decrypt_cbc(iv, ct) == data
    assert s.decrypt_cbc(iv, ct, padding=False)[n:] == bytes([16 - n % 16]) * (16 - n % 16)


def test_bad_padding():
    s, iv = SM4(os.urandom(16)), os.urandom(16)
    base = bytes(range(10))
    for last in (b"\x00", b"\x11", b"\xff", b"\x03\x02\x03", b"\x02\x01\x02" + b"\x10" * 0):
        block = (base + b"\x05" * 16)[:16 - len(last)] + last
        ct = s.encrypt_cbc(iv, block, padding=False)
        with pytest.raises(PaddingError) as e:
            s.decrypt_cbc(iv, ct)
        assert isinstance(e.value, ValueError)
        assert str(e.value) == "invalid padding"          # nothing about which byte failed
    with pytest.raises(PaddingError):
        s.decrypt_cbc(iv, b"")


def test_forged_tags_wipe_output():
    key, nonce = os.urandom(16), os.urandom(12)
    for aead in (SM4GCM(key), SM4CCM(key), SM4CCM(key, tag_length=8)):
        ct = bytearray(aead.encrypt(nonce, b"secret message!!" * 5, b"hdr"))
        for pos in (0, len(ct) - 1):
            forged = bytearray(ct)
            forged[pos] ^= 1
            with pytest.raises(InvalidTag):
                aead.decrypt(nonce, bytes(forged), b"hdr")
            out = bytearray(b"\xaa" * len(ct))
            with pytest.raises(InvalidTag):
                aead.decrypt_into(nonce, forged, b"hdr", out)
            assert out[:len(ct) - (len(ct) - 80)] == bytes(80)
        with pytest.raises(InvalidTag):
            aead.decrypt(nonce, bytes(ct), b"other")
        with pytest.raises(InvalidTag):
            aead.decrypt(nonce, b"short", b"")


@pytest.mark.cpu_independent
def test_aead_parameters():
    key = os.urandom(16)
    with pytest.raises(ValueError):
        SM4GCM(key).encrypt(b"", b"x")
    for n in (0, 6, 14, 16):
        with pytest.raises(ValueError):
            SM4CCM(key).encrypt(b"n" * n, b"x")
    for t in (0, 2, 3, 5, 17, 18):
        with pytest.raises(ValueError):
            SM4CCM(key, tag_length=t)
    with pytest.raises(ValueError):
        SM4CCM(key).encrypt(b"n" * 13, b"x" * 65536)         # L = 2: at most 65535 bytes
    assert len(SM4CCM(key).encrypt(b"n" * 13, b"x" * 65535)) == 65535 + 16
    assert len(SM4GCM.generate_key(128)) == 16 and len(SM4CCM.generate_key(128)) == 16
    with pytest.raises(ValueError):
        SM4GCM.generate_key(256)
    g = SM4GCM(key)
    assert g.encrypt(b"\x01", b"") != g.encrypt(b"\x01" * 12, b"")
    assert g.encrypt(b"n" * 12, b"abc", None) == g.encrypt(b"n" * 12, b"abc", b"")


@pytest.mark.parametrize("cls", [SM4GCM, SM4CCM])
def test_into_batch_and_buffers(cls):
    np = require("numpy")
    key = os.urandom(16)
    a = cls(key)
    nonces = [os.urandom(12) for _ in range(20)]
    datas = [os.urandom(i * 37) for i in range(20)]
    aads = [os.urandom(i) for i in range(20)]
    batch = a.encrypt_batch(nonces, datas, aads)
    assert batch == [a.encrypt(n, d, x) for n, d, x in zip(nonces, datas, aads)]
    assert a.encrypt_batch([], []) == []
    with pytest.raises(ValueError):
        a.encrypt_batch(nonces, datas[:-1])
    d = os.urandom(100)
    n = nonces[0]
    want = a.encrypt(n, d, b"h")
    for conv in (bytes, bytearray, memoryview, lambda b: np.frombuffer(b, dtype=np.uint8)):
        assert a.encrypt(conv(n), conv(d), conv(b"h")) == want
        assert a.decrypt(conv(n), conv(want), conv(b"h")) == d
    buf = bytearray(d) + bytearray(16)
    assert a.encrypt_into(n, memoryview(buf)[:100], b"h", buf) == 116
    assert bytes(buf) == want
    out = bytearray(100)
    assert a.decrypt_into(n, want, b"h", out) == 100 and bytes(out) == d
    with pytest.raises(ValueError):
        a.encrypt_into(n, d, b"h", bytearray(50))
    with pytest.raises(TypeError):
        a.encrypt(n, d[::2] if isinstance(d, memoryview) else memoryview(d)[::2], b"")


def test_sm4_buffers():
    np = require("numpy")
    s, iv = SM4(os.urandom(16)), os.urandom(16)
    d = os.urandom(64)
    for conv in (bytes, bytearray, memoryview, lambda b: np.frombuffer(b, dtype=np.uint8)):
        assert s.encrypt_ecb(conv(d)) == s.encrypt_ecb(d)
        assert s.encrypt_cbc(conv(iv), conv(d)) == s.encrypt_cbc(iv, d)
        assert s.ctr(conv(iv), conv(d)) == s.ctr(iv, d)


@pytest.mark.cpu_independent
def test_not_picklable():
    import pickle
    for obj in (SM4(GB_KEY), SM4GCM(GB_KEY), SM4CCM(GB_KEY)):
        with pytest.raises(TypeError):
            pickle.dumps(obj)


def test_ctr_counter_carry():
    """The 128-bit counter carries across all 16 bytes (and wraps at 2^128)."""
    s = SM4(os.urandom(16))
    iv = b"\x00" * 7 + b"\xff" * 9
    ks = s.ctr(iv, bytes(48))
    c0 = int.from_bytes(iv, "big")
    blocks = b"".join(((c0 + i) % (1 << 128)).to_bytes(16, "big") for i in range(3))
    assert ks == s.encrypt_ecb(blocks)
    ks = s.ctr(b"\xff" * 16, bytes(32))
    assert ks == s.encrypt_ecb(b"\xff" * 16 + bytes(16))
