"""Key wrap with padding (RFC 5649) on AES and SM4, and the recording KEK object.

AES: RFC 5649 section 6 examples, NIST CAVP KWP-AE/KWP-AD (AES-256) files, every Wycheproof
AES-KWP case (128/192/256-bit keys), and random inputs against `cryptography`'s
aes_key_wrap_with_padding.  SM4: the same construction on SM4 has no published vectors, so a
reference written here from RFC 5649's text on `cryptography`'s SM4-ECB (checked first against
cryptography's own AES KWP when given AES-ECB) is compared on random keys and inputs.
"""
import copy
import os
import pickle
import random
import struct

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.keywrap import (aes_key_unwrap_with_padding, aes_key_wrap_with_padding)

from ccfast import _keywrap
from ccfast.exceptions import CCFastError, InvalidTag
from conftest import skip_platform, skip_tool, tree_kind, vector_file, wycheproof_cases

KEK = _keywrap.KEK


# ---- a reference KWP from RFC 5649's text, over any 128-bit block cipher given as ECB ----------

def ref_wrap(encrypt_block, p):
    m = len(p)
    aiv = bytes.fromhex("A65959A6") + struct.pack(">I", m)
    padded = p + bytes(-m % 8)
    n = len(padded) // 8
    if n == 1:
        return encrypt_block(aiv + padded)
    a, r = aiv, [padded[8 * i:8 * i + 8] for i in range(n)]
    for j in range(6):
        for i in range(n):
            b = encrypt_block(a + r[i])
            t = n * j + i + 1
            a = (int.from_bytes(b[:8], "big") ^ t).to_bytes(8, "big")
            r[i] = b[8:]
    return a + b"".join(r)


def ref_unwrap(decrypt_block, c):
    n = len(c) // 8 - 1
    if n == 1:
        b = decrypt_block(c)
        a, p = b[:8], b[8:]
    else:
        a, r = c[:8], [c[8 * i:8 * i + 8] for i in range(1, n + 1)]
        for j in range(5, -1, -1):
            for i in range(n - 1, -1, -1):
                t = n * j + i + 1
                b = decrypt_block((int.from_bytes(a, "big") ^ t).to_bytes(8, "big") + r[i])
                a, r[i] = b[:8], b[8:]
        p = b"".join(r)
    mli = int.from_bytes(a[4:], "big")
    if a[:4] != bytes.fromhex("A65959A6") or not 8 * (n - 1) < mli <= 8 * n or any(p[mli:]):
        raise ValueError("integrity check failed")
    return p[:mli]


def ecb(algorithm):
    c = Cipher(algorithm, modes.ECB())
    return (lambda b: c.encryptor().update(b)), (lambda b: c.decryptor().update(b))


def test_reference_matches_cryptography_aes_kwp():
    rng = random.Random(1)
    for _ in range(200):
        k = rng.randbytes(rng.choice((16, 24, 32)))
        p = rng.randbytes(rng.randint(1, 70))
        enc, dec = ecb(algorithms.AES(k))
        c = ref_wrap(enc, p)
        assert c == aes_key_wrap_with_padding(k, p)
        assert ref_unwrap(dec, c) == p


# ---- AES: official examples and vectors ---------------------------------------------------------

def test_rfc5649_section6_examples(kat):
    kek = bytes.fromhex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8")
    for key, wrapped in [("c37b7e6492584340bed12207808941155068f738",
                          "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"),
                         ("466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f")]:
        assert _keywrap.aes_wrap(kek, bytes.fromhex(key)).hex() == wrapped
        assert _keywrap.aes_unwrap(kek, bytes.fromhex(wrapped)).hex() == key
        kat("RFC 5649")


def _cavp(name):
    cases, cur = [], {}
    with open(vector_file("keywrap", name)) as f:
        for line in f:
            line = line.strip()
            if line.startswith(("K =", "P =", "C =")):
                k, v = line.split(" = ")
                cur[k] = bytes.fromhex(v)
            elif line == "FAIL":
                cur["FAIL"] = True
            if ("P" in cur or "FAIL" in cur) and "C" in cur and "K" in cur:
                cases.append(cur)
                cur = {}
    return cases


def test_nist_kwp_ae_256(kat):
    cases = _cavp("KWP_AE_256.txt")
    assert len(cases) == 500
    for c in cases:
        assert _keywrap.aes_wrap(c["K"], c["P"]) == c["C"]
        assert KEK(c["K"], "k").wrap(c["P"]) == c["C"]
        kat("NIST CAVP")


def test_nist_kwp_ad_256(kat):
    cases = _cavp("KWP_AD_256.txt")
    assert len(cases) == 500 and sum("FAIL" in c for c in cases) == 100
    for c in cases:
        kek = KEK(c["K"], "k")
        if "FAIL" in c:
            with pytest.raises(InvalidTag):
                kek.unwrap(c["C"])
        else:
            assert kek.unwrap(c["C"]) == c["P"]
            assert _keywrap.aes_unwrap(c["K"], c["C"]) == c["P"]
        kat("NIST CAVP")


@pytest.mark.parametrize("group,case", wycheproof_cases("aes_kwp_test.json"))
def test_wycheproof_aes_kwp(group, case, kat):
    key, msg, ct = (bytes.fromhex(case[k]) for k in ("key", "msg", "ct"))
    if case["result"] == "valid":
        assert _keywrap.aes_wrap(key, msg) == ct
        assert _keywrap.aes_unwrap(key, ct) == msg
    else:
        with pytest.raises((InvalidTag, ValueError)):
            _keywrap.aes_unwrap(key, ct)
    kat("Wycheproof")


def test_aes_differential_cryptography():
    rng = random.Random(2)
    for _ in range(500):
        k = rng.randbytes(rng.choice((16, 24, 32)))
        p = rng.randbytes(rng.randint(1, 100))
        c = _keywrap.aes_wrap(k, p)
        assert c == aes_key_wrap_with_padding(k, p)
        assert _keywrap.aes_unwrap(k, c) == p == aes_key_unwrap_with_padding(k, c)


# ---- SM4 ---------------------------------------------------------------------------------------

def test_sm4_differential_reference():
    rng = random.Random(3)
    for _ in range(500):
        k = rng.randbytes(16)
        p = rng.randbytes(rng.randint(1, 100))
        enc, dec = ecb(algorithms.SM4(k))
        c = _keywrap.sm4_wrap(k, p)
        assert c == ref_wrap(enc, p)
        assert _keywrap.sm4_unwrap(k, c) == p == ref_unwrap(dec, c)
        assert KEK(k, "s").wrap(p) == c


@pytest.mark.parametrize("wrap,unwrap,klen", [(_keywrap.aes_wrap, _keywrap.aes_unwrap, 32),
                                              (_keywrap.sm4_wrap, _keywrap.sm4_unwrap, 16)])
def test_every_bit_flip_and_wrong_key_rejected(wrap, unwrap, klen):
    k = os.urandom(klen)
    for m in (1, 7, 8, 9, 16, 32):
        c = wrap(k, os.urandom(m))
        for i in range(8 * len(c)):
            bad = bytearray(c)
            bad[i // 8] ^= 1 << (i % 8)
            with pytest.raises(InvalidTag):
                unwrap(k, bytes(bad))
        with pytest.raises(InvalidTag):
            unwrap(os.urandom(klen), c)


def test_modified_padding_and_length_indicator_rejected():
    """Ciphertexts made with the reference from a bad AIV, MLI or non-zero padding."""
    k = os.urandom(16)
    enc, _ = ecb(algorithms.SM4(k))
    for aiv, body in [(bytes.fromhex("A65959A600000005"), b"12345\x00\x00\x01"),   # padding byte set
                      (bytes.fromhex("A65959A600000009"), b"12345678"),            # MLI > 8n
                      (bytes.fromhex("A65959A600000000"), b"\x00" * 8),            # MLI = 0
                      (bytes.fromhex("A65959A700000008"), b"12345678"),            # wrong AIV
                      (bytes.fromhex("A65959A600000008"), b"12345678" * 3)]:       # MLI <= 8(n-1)
        n = len(body) // 8
        if n == 1:
            c = enc(aiv + body)
        else:
            a, r = aiv, [body[8 * i:8 * i + 8] for i in range(n)]
            for j in range(6):
                for i in range(n):
                    b = enc(a + r[i])
                    a = (int.from_bytes(b[:8], "big") ^ (n * j + i + 1)).to_bytes(8, "big")
                    r[i] = b[8:]
            c = a + b"".join(r)
        with pytest.raises(InvalidTag):
            _keywrap.sm4_unwrap(k, c)


def test_lengths():
    k = os.urandom(32)
    with pytest.raises(ValueError):
        _keywrap.aes_wrap(k, b"")
    for n in (0, 8, 15, 17, 23):
        with pytest.raises(ValueError):
            _keywrap.aes_unwrap(k, bytes(n))
    with pytest.raises(ValueError):
        _keywrap.aes_wrap(bytes(20), b"x")
    with pytest.raises(ValueError):
        _keywrap.sm4_wrap(bytes(32), b"x")
    with pytest.raises(TypeError):
        _keywrap.aes_wrap(k, "text")


# ---- KEK ---------------------------------------------------------------------------------------

def test_kek_algorithm_from_length():
    assert KEK(bytes(32), "a").algorithm == "aes-256"
    assert KEK(bytes(16), "s").algorithm == "sm4"
    assert KEK(bytes(16), "s", algorithm="sm4").algorithm == "sm4"
    for key, alg in [(bytes(24), None), (bytes(16), "aes-256"), (bytes(32), "sm4"), (bytes(32), "aes")]:
        with pytest.raises(ValueError):
            KEK(key, "x", algorithm=alg)
    for kid in ("", "x" * 256, "a\nb", "tab\t"):
        with pytest.raises(ValueError):
            KEK(bytes(32), kid)
    with pytest.raises(TypeError):
        KEK(bytes(32), b"bytes-kid")
    assert KEK(bytes(32), "é" * 127).kid == "é" * 127


def test_kek_secrets():
    key = bytes(range(32))
    kek = KEK(key, "archive-2026")
    r = repr(kek) + str(kek)
    assert "archive-2026" in r and key.hex() not in r and "0001020304" not in r
    with pytest.raises(TypeError):
        pickle.dumps(kek)
    for dup in (copy.copy, copy.deepcopy):
        with pytest.raises(TypeError):
            dup(kek)
    g = KEK.generate("gen", "sm4")
    assert g.algorithm == "sm4" and len(g.wrap(bytes(32))) == 40
    assert isinstance(InvalidTag(), CCFastError)


def test_kek_unwrap_into_wipes_on_failure():
    kek = KEK(os.urandom(32), "k")
    c = kek.wrap(bytes(range(1, 33)))
    out = bytearray(b"\xff" * 32)
    assert kek.unwrap_into(c, out) == 32 and bytes(out) == bytes(range(1, 33))
    out = bytearray(b"\xff" * 32)
    bad = bytes([c[0] ^ 1]) + c[1:]
    with pytest.raises(InvalidTag):
        kek.unwrap_into(bad, out)
    assert bytes(out) == bytes(32)
    with pytest.raises(ValueError):
        kek.unwrap_into(c, bytearray(31))


# ---- the C drivers -----------------------------------------------------------------------------

@pytest.mark.cpu_independent
def test_c_driver_and_constant_time(tmp_path):
    """csrc/tests/test_keywrap.c natively, and ctgrind_keywrap.c under valgrind (portable paths)."""
    import pathlib
    import shutil
    import subprocess
    root = pathlib.Path(__file__).resolve().parent.parent
    tests = root / "csrc" / "tests"
    if not (tests / "test_keywrap.c").exists():
        skip_platform(f"the C sources are not in this {tree_kind()}")
    if not shutil.which("gcc"):
        skip_tool("gcc")
    dirs = ["common", "aes", "gcm", "sm4", "keywrap"]
    srcs = [str(p) for d in dirs for p in sorted((root / "csrc" / d).glob("*.c"))]
    incs = [f"-I{root / 'csrc' / d}" for d in dirs] + [f"-I{tests}"]
    valgrind = shutil.which("valgrind") and pathlib.Path("/usr/include/valgrind/memcheck.h").exists()
    # one compilation of the kernels (-DCCF_CTGRIND only turns CCF_DECLASSIFY on), two drivers
    subprocess.run(["gcc", "-O2", "-g", "-std=gnu11", "-DCCF_CTGRIND" if valgrind else "-DCCF_NO_CTGRIND", *incs,
                    "-c", *srcs], check=True, capture_output=True, text=True, cwd=tmp_path)
    objs = sorted(str(p) for p in tmp_path.glob("*.o"))
    exe = tmp_path / "test_keywrap"
    subprocess.run(["gcc", "-O2", "-std=gnu11", *incs, str(tests / "test_keywrap.c"), *objs, "-o", str(exe)],
                   check=True, capture_output=True, text=True)
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and " 0 failed" in r.stdout, r.stdout
    if not valgrind:
        skip_tool("valgrind", "with its headers (Debian: valgrind)")
    exe = tmp_path / "ctgrind_keywrap"
    subprocess.run(["gcc", "-O2", "-g", "-std=gnu11", "-DCCF_CTGRIND", *incs, str(tests / "ctgrind_keywrap.c"), *objs,
                    "-o", str(exe)], check=True, capture_output=True, text=True)
    r = subprocess.run(["valgrind", "--error-exitcode=9", "-q", str(exe)], capture_output=True, text=True,
                       timeout=1200, env={"CCFAST_CPU_DISABLE": "all"})
    assert r.returncode == 0, r.stdout + r.stderr[-6000:]
    assert "0 failed" in r.stdout and "uninitialised" not in r.stderr
