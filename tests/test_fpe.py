"""FF1 and FF3-1 (NIST SP 800-38G Rev. 1): NIST's FF1 samples 1-9 and ACVP FF1/FF3-1 cases
through every AES implementation this CPU runs; differential tests against an independent
implementation (tests/fpe_reference.py, on `cryptography`'s AES and SM4; itself checked against
the NIST samples), against `ff3`, `fastfpe` and `cyphera`; the 64-bit and bignum paths, batches,
alphabets of any code points, limits and bad input."""
import json
import pickle
import random
import threading

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import ccfast
import fpe_reference as ref
from ccfast.fpe import DEFAULT_ALPHABET, FF1, FF1_MAX_TWEAK, FF1_MAXLEN, FF3_1

from conftest import need_peer, require, vector_file

AES_IMPLS = [n for n, ok in ccfast._available_implementations()["aes"].items() if ok]
SM4_IMPLS = [n for n, ok in ccfast._available_implementations()["sm4"].items() if ok]
B36 = DEFAULT_ALPHABET[:36]


def nist_samples():
    recs = []
    for block in open(vector_file("fpe", "nist_ff1_samples.txt")).read().split("\n\n"):
        kv = dict(line.split(" = ", 1) for line in block.splitlines() if line and not line.startswith("#"))
        if "Key" in kv:
            recs.append(kv)
    assert len(recs) == 9
    return recs


def acvp_cases(name):
    data = json.load(open(vector_file("fpe", name)))
    return [(g, t) for g in data["testGroups"] for t in g["tests"]]


def tweak_of(rec):
    return b"" if rec["Tweak"] == "(empty)" else bytes.fromhex(rec["Tweak"])


# ---- known answers ----------------------------------------------------------------------------

@pytest.mark.parametrize("impl", AES_IMPLS)
def test_nist_ff1_samples(impl, kat):
    for r in nist_samples():
        f = FF1(bytes.fromhex(r["Key"]), radix=int(r["Radix"]), _impl=impl)
        assert f.encrypt(r["PT"], tweak_of(r)) == r["CT"], r["Sample"]
        assert f.decrypt(r["CT"], tweak_of(r)) == r["PT"], r["Sample"]
        assert f.encrypt_many([r["PT"]] * 3, tweak_of(r)) == [r["CT"]] * 3
        kat("NIST SP 800-38G")


def test_reference_matches_nist_samples():
    """The independent implementation used for the SM4 differential passes the NIST samples."""
    for r in nist_samples():
        c = ref.ff1(bytes.fromhex(r["Key"]), int(r["Radix"]))
        x = [B36.index(ch) for ch in r["PT"]]
        assert "".join(B36[d] for d in c.encrypt(x, tweak_of(r))) == r["CT"]


@pytest.mark.parametrize("impl", AES_IMPLS)
@pytest.mark.parametrize("name,cls", [("acvp_ff1_subset.json", FF1), ("acvp_ff3_1_subset.json", FF3_1)])
def test_acvp(impl, name, cls, kat):
    cases = acvp_cases(name)
    assert len(cases) > 40
    by_group = {}
    for g, t in cases:
        c = cls(bytes.fromhex(t["key"]), alphabet=g["alphabet"], _impl=impl)
        assert c.radix == g["radix"] and len(bytes.fromhex(t["key"])) * 8 == g["keyLen"]
        tw = bytes.fromhex(t["tweak"])
        if g["direction"] == "encrypt":
            assert c.encrypt(t["pt"], tw) == t["ct"], t["tcId"]
        else:
            assert c.decrypt(t["ct"], tw) == t["pt"], t["tcId"]
        assert c.decrypt(c.encrypt(t["pt"], tw), tw) == t["pt"]
        kat("NIST ACVP")
        by_group.setdefault((t["key"], t["tweak"], g["alphabet"]), []).append(t)
    for (key, tweak, alphabet), ts in by_group.items():    # batches of the same key and tweak
        c = cls(bytes.fromhex(key), alphabet=alphabet, _impl=impl)
        assert c.encrypt_many([t["pt"] for t in ts], bytes.fromhex(tweak)) == [t["ct"] for t in ts]


def test_reference_matches_acvp():
    for name, mk in (("acvp_ff1_subset.json", ref.ff1), ("acvp_ff3_1_subset.json", ref.ff3_1)):
        for g, t in acvp_cases(name):
            a = g["alphabet"]
            c = mk(bytes.fromhex(t["key"]), len(a))
            out = c.encrypt([a.index(ch) for ch in t["pt"]], bytes.fromhex(t["tweak"]))
            assert "".join(a[d] for d in out) == t["ct"]


# ---- differential against the independent implementation ---------------------------------------

RADICES = [2, 3, 7, 10, 16, 26, 36, 62, 255, 256, 1000, 4097, 65535, 65536]


def alphabet_for(radix):
    if radix <= 62:
        return None
    # code points spread over the BMP and beyond (wide look-up path above U+FFFF)
    base = [chr(c) for c in range(0x4E00, 0x4E00 + min(radix, 20000))]
    base += [chr(0x10000 + i) for i in range(radix - len(base))]
    return "".join(base[:radix])


def run_both(cls, key, radix, cipher, digits, tweak, impl=None):
    alpha = alphabet_for(radix) or DEFAULT_ALPHABET[:radix]
    ours = cls(key, radix=radix, alphabet=alphabet_for(radix), cipher=cipher, _impl=impl)
    mk = ref.ff1 if cls is FF1 else ref.ff3_1
    theirs = mk(key, radix, cipher)
    x = "".join(alpha[d] for d in digits)
    want = "".join(alpha[d] for d in theirs.encrypt(list(digits), tweak))
    got = ours.encrypt(x, tweak)
    assert got == want
    assert ours.decrypt(got, tweak) == x
    return ours, x, got


@st.composite
def ff_case(draw, ff3):
    radix = draw(st.sampled_from(RADICES))
    probe = (FF3_1 if ff3 else FF1)(bytes(16), radix=radix, alphabet=alphabet_for(radix))
    hi = min(probe.maxlen, probe.minlen + 60)
    n = draw(st.one_of(st.integers(probe.minlen, hi), st.sampled_from([probe.minlen, hi])))
    digits = draw(st.lists(st.integers(0, radix - 1), min_size=n, max_size=n))
    tweak = draw(st.binary(min_size=7, max_size=7)) if ff3 else draw(st.binary(max_size=40))
    key = draw(st.binary(min_size=16, max_size=16)) + draw(st.sampled_from([b"", bytes(8), bytes(16)]))
    return radix, digits, tweak, key


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=ff_case(False), cipher=st.sampled_from(["aes", "sm4"]))
def test_ff1_differential(case, cipher):
    radix, digits, tweak, key = case
    run_both(FF1, key if cipher == "aes" else key[:16], radix, cipher, digits, tweak)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=ff_case(True), cipher=st.sampled_from(["aes", "sm4"]))
def test_ff3_1_differential(case, cipher):
    radix, digits, tweak, key = case
    run_both(FF3_1, key if cipher == "aes" else key[:16], radix, cipher, digits, tweak)


@pytest.mark.parametrize("cipher,impl", [("aes", i) for i in AES_IMPLS] + [("sm4", i) for i in SM4_IMPLS])
@pytest.mark.parametrize("cls", [FF1, FF3_1])
def test_every_implementation_both_paths(cls, cipher, impl):
    """Every block-cipher implementation, decimal strings across the 64-bit/bignum boundary
    (FF1: v <= 19 digits; FF3-1: u <= 19) up to the maximum length."""
    rng = random.Random(f"{cls.__name__}{cipher}{impl}")
    key = bytes(rng.getrandbits(8) for _ in range(16))
    probe = cls(key, cipher=cipher)
    lengths = sorted({6, 7, 16, 18, 19, 36, 37, 38, 39, 40, 41, 56} | ({100, 555} if cls is FF1 else set()))
    for n in lengths:
        if n > probe.maxlen:
            continue
        digits = [rng.randrange(10) for _ in range(n)]
        tweak = bytes(rng.getrandbits(8) for _ in range(7 if cls is FF3_1 else rng.randrange(30)))
        run_both(cls, key, 10, cipher, digits, tweak, impl=impl)


def test_ff1_longest_strings_and_tweaks():
    key = bytes(range(32))
    rng = random.Random(5)
    for radix, n in ((10, FF1_MAXLEN), (65535, 300), (65536, 300), (2, 1000)):
        digits = [rng.randrange(radix) for _ in range(n)]
        run_both(FF1, key, radix, "aes", digits, bytes(range(33)))
    run_both(FF1, key[:16], 10, "sm4", [rng.randrange(10) for _ in range(50)], bytes(FF1_MAX_TWEAK))


def test_ff3_1_maximum_lengths():
    key = bytes(range(16))
    rng = random.Random(6)
    for radix in (2, 3, 10, 26, 36, 64, 255, 256, 4096, 65535, 65536):
        c = FF3_1(key, radix=radix, alphabet=alphabet_for(radix))
        k = 0
        while radix ** (k + 1) <= 2 ** 96:
            k += 1
        assert c.maxlen == 2 * k
        digits = [rng.randrange(radix) for _ in range(c.maxlen)]
        run_both(FF3_1, key, radix, "aes", digits, bytes(range(7)))


def test_domain_minimum():
    """Rev. 1: radix^minlen >= 1,000,000 and minlen >= 2, for each radix."""
    for radix in (2, 3, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, 65536):
        c = FF1(bytes(16), radix=radix, alphabet=alphabet_for(radix))
        m = 2
        while radix ** m < 1_000_000:
            m += 1
        assert c.minlen == m, radix
        assert FF3_1(bytes(16), radix=radix, alphabet=alphabet_for(radix)).minlen == m
    assert FF1(bytes(16)).minlen == 6 and FF1(bytes(16)).maxlen == FF1_MAXLEN == 4096


# ---- peers -----------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(digits=st.lists(st.integers(0, 35), min_size=6, max_size=56), tweak=st.binary(min_size=7, max_size=7),
       key=st.sampled_from([bytes(range(16)), bytes(range(24)), bytes(range(32))]), radix=st.sampled_from([10, 26, 36, 62]))
def test_ff3_1_against_ff3_package(digits, tweak, key, radix):
    ff3 = require("ff3")
    digits = [d % radix for d in digits]
    ours = FF3_1(key, radix=radix)
    if not ours.minlen <= len(digits) <= ours.maxlen:
        return
    x = "".join(DEFAULT_ALPHABET[d] for d in digits)
    peer = ff3.FF3Cipher(key.hex(), tweak.hex(), radix)
    assert ours.encrypt(x, tweak) == peer.encrypt(x)
    custom = "".join(chr(0x41 + i) for i in range(radix))       # a custom alphabet the peer also takes
    peer_c = ff3.FF3Cipher.withCustomAlphabet(key.hex(), tweak.hex(), custom)
    y = "".join(custom[d] for d in digits)
    assert FF3_1(key, alphabet=custom).encrypt(y, tweak) == peer_c.encrypt(y)


@settings(max_examples=40, deadline=None)
@given(digits=st.lists(st.integers(0, 255), min_size=6, max_size=80), tweak=st.binary(max_size=24),
       key=st.sampled_from([bytes(range(16)), bytes(range(24)), bytes(range(32))]),
       radix=st.sampled_from([10, 36, 100, 256]))
def test_against_fastfpe(digits, tweak, key, radix):
    fastfpe = need_peer("fastfpe")
    alpha = "".join(chr(0x100 + i) for i in range(radix))       # fastfpe allows radix <= 256
    x = "".join(alpha[d % radix] for d in digits)
    f1 = FF1(key, alphabet=alpha)
    if f1.minlen <= len(x):
        assert f1.encrypt(x, tweak) == fastfpe.ff1.encrypt(key.hex(), tweak.hex(), alpha, x)
    f3 = FF3_1(key, alphabet=alpha)
    t7 = (tweak + bytes(7))[:7]
    if f3.minlen <= len(x) <= f3.maxlen:                        # fastfpe does not enforce maxlen
        assert f3.encrypt(x, t7) == fastfpe.ff3_1.encrypt(key.hex(), t7.hex(), alpha, x)


@settings(max_examples=20, deadline=None)
@given(digits=st.lists(st.integers(0, 35), min_size=6, max_size=40), tweak=st.binary(max_size=20))
def test_ff1_against_cyphera(digits, tweak):
    cyphera = require("cyphera.ff1")
    x = "".join(B36[d] for d in digits)
    key = bytes(range(16))
    assert FF1(key, radix=36).encrypt(x, tweak) == cyphera.FF1(key, tweak, B36).encrypt(x)


# ---- batches ---------------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [FF1, FF3_1])
def test_many_equals_one_at_a_time(cls):
    rng = random.Random(7)
    c = cls(bytes(range(16)), radix=36)
    tweak = bytes(range(7))
    # mixed lengths: 64-bit path and bignum path interleaved, more than one 64-lane group
    values = ["".join(rng.choice(B36) for _ in range(rng.choice([c.minlen, 8, 16, 25, 26, 27, c.maxlen // 2,
                                                                   min(c.maxlen, 60)])))
              for _ in range(300)]
    enc = c.encrypt_many(values, tweak)
    assert enc == [c.encrypt(v, tweak) for v in values]
    assert c.decrypt_many(enc, tweak) == values
    assert c.encrypt_many(iter(values[:5]), tweak) == enc[:5]       # any iterable
    assert c.encrypt_many((), tweak) == []
    assert c.encrypt_many(tuple(values[:20]), tweak) == enc[:20]


def test_many_threads():
    f = FF1(bytes(range(16)))
    values = [str(10 ** 15 + i * 7919) for i in range(5000)]
    want = f.encrypt_many(values)
    got = [None] * 4

    def work(i):
        got[i] = f.encrypt_many(values)
    ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert got == [want] * 4


def test_strings_in_every_unicode_kind():
    # alphabets of 1-, 2- and 4-byte code points; values built from each
    for alpha in ("0123456789", "".join(chr(0x4E00 + i) for i in range(100)), "🂡🂢🂣🂤🂥🂦🂧🂨🂩🂪🂫🂭🂮",
                  "aé" + "".join(chr(0x3040 + i) for i in range(20)) + "😀"):
        f = FF1(bytes(16), alphabet=alpha)
        rng = random.Random(alpha)
        x = "".join(rng.choice(alpha) for _ in range(max(f.minlen, 12)))
        y = f.encrypt(x, b"t")
        assert len(y) == len(x) and set(y) <= set(alpha)
        canonical = "".join(list(y))                 # the narrowest string kind, as CPython makes it
        assert y == canonical and hash(y) == hash(canonical)
        assert f.decrypt(y, b"t") == x
        assert f.encrypt_many([x, x], b"t") == [y, y]


# ---- parameters and bad input -----------------------------------------------------------------

def test_alphabet_and_radix_rules():
    assert FF1(bytes(16)).alphabet == "0123456789"
    assert FF1(bytes(16), radix=36).alphabet == B36
    assert FF1(bytes(16), radix=62).alphabet == DEFAULT_ALPHABET
    assert FF1(bytes(16), alphabet="abc").radix == 3
    assert FF1(bytes(16), alphabet="abcdef", radix=4).alphabet == "abcd"
    assert FF3_1(bytes(32), cipher="AES").cipher == "AES-256"
    assert FF1(bytes(16), cipher="sm4").cipher == "SM4"
    with pytest.raises(ValueError, match="needs an alphabet"):
        FF1(bytes(16), radix=63)
    with pytest.raises(ValueError, match="radix must be 2 .. 65536"):
        FF1(bytes(16), radix=1)
    with pytest.raises(ValueError, match="radix must be 2 .. 65536"):
        FF1(bytes(16), radix=65537, alphabet="x" * 3)
    with pytest.raises(ValueError, match="larger than the alphabet"):
        FF1(bytes(16), alphabet="abc", radix=4)
    with pytest.raises(ValueError, match="repeats the character 'a'"):
        FF1(bytes(16), alphabet="abca")
    with pytest.raises(ValueError, match="at least 2 characters"):
        FF1(bytes(16), alphabet="a")
    with pytest.raises(TypeError, match="alphabet must be a str"):
        FF1(bytes(16), alphabet=b"0123456789")
    with pytest.raises(TypeError, match="radix must be an int"):
        FF1(bytes(16), radix=10.0)
    with pytest.raises(TypeError, match="radix must be an int"):
        FF1(bytes(16), radix=True)
    with pytest.raises(ValueError, match="cipher must be 'aes' or 'sm4'"):
        FF1(bytes(16), cipher="des")


def test_bad_keys():
    for n in (0, 15, 17, 31, 33):
        with pytest.raises(ValueError, match=f"AES key must be 16, 24 or 32 bytes, got {n}"):
            FF1(bytes(n))
        with pytest.raises(ValueError, match=f"AES key must be 16, 24 or 32 bytes, got {n}"):
            FF3_1(bytes(n))
    for n in (15, 24, 32):
        with pytest.raises(ValueError, match=f"SM4 key must be 16 bytes, got {n}"):
            FF1(bytes(n), cipher="sm4")
    with pytest.raises(TypeError, match="key must be a bytes-like object"):
        FF1("00" * 16)


def test_bad_values_and_tweaks():
    f, g = FF1(bytes(16)), FF3_1(bytes(16))
    with pytest.raises(ValueError, match=r"character 'a' at position 3 is not in the FF1 alphabet"):
        f.encrypt("123a5678")
    with pytest.raises(ValueError, match=r"character '٣' at position 0"):
        f.encrypt("٣2345678")                                  # Arabic-Indic digit, not ASCII
    with pytest.raises(ValueError, match="FF1 input must be 6 to 4096 characters for radix 10, got 5"):
        f.encrypt("12345")
    with pytest.raises(ValueError, match="got 4097"):
        f.encrypt("1" * 4097)
    with pytest.raises(ValueError, match="FF3-1 input must be 6 to 56 characters for radix 10, got 57"):
        g.encrypt("1" * 57, bytes(7))
    with pytest.raises(TypeError, match="value must be str, not bytes"):
        f.encrypt(b"123456")
    with pytest.raises(TypeError, match="value must be str, not int"):
        f.decrypt(123456)
    for n in (0, 6, 8):
        with pytest.raises(ValueError, match=f"FF3-1 tweak must be 7 bytes \\(56 bits\\), got {n}"):
            g.encrypt("123456", bytes(n))
    with pytest.raises(TypeError):
        g.encrypt("123456")                                     # FF3-1 needs its tweak
    with pytest.raises(ValueError, match="FF1 tweak must be at most 4096 bytes, got 4097"):
        f.encrypt("123456", bytes(4097))
    with pytest.raises(TypeError, match="tweak must be a bytes-like object, not str"):
        f.encrypt("123456", "tweak")
    with pytest.raises(TypeError, match="tweak must be a bytes-like object"):
        f.encrypt("123456", 5)
    with pytest.raises(ValueError, match=r"values\[1\]: character 'x' at position 0"):
        f.encrypt_many(["123456", "x23456"])
    with pytest.raises(ValueError, match=r"values\[2\]: FF1 input must be 6 to 4096"):
        f.encrypt_many(["123456", "1234567", "1"])
    with pytest.raises(TypeError, match=r"values\[0\] must be str, not int"):
        f.encrypt_many([123456])
    with pytest.raises(TypeError, match="not a single str"):
        f.encrypt_many("123456")
    with pytest.raises(TypeError, match="values must be an iterable of str"):
        f.encrypt_many(5)
    with pytest.raises(ValueError, match="tweak must be 7 bytes"):
        g.encrypt_many(["123456"], bytes(6))
    # buffers of every kind for keys and tweaks
    assert f.encrypt("123456", bytearray(b"ab")) == f.encrypt("123456", memoryview(b"ab")) == f.encrypt("123456", b"ab")
    assert FF1(bytearray(16)).encrypt("123456") == FF1(memoryview(bytes(16))).encrypt("123456")


def test_uninitialised_and_reinitialised_objects():
    for cls in (FF1, FF3_1):
        bare = cls.__new__(cls)
        assert "not initialised" in repr(bare)
        with pytest.raises(TypeError, match="not initialised"):
            bare.encrypt("0123456789", bytes(7))
        with pytest.raises(TypeError, match="not initialised"):
            bare.encrypt_many(["0123456789"], bytes(7))
        c = cls(bytes(16))
        with pytest.raises(TypeError, match="cannot be initialised twice"):
            c.__init__(bytes(32))
        assert c.cipher == "AES-128"


def test_no_key_in_repr_and_no_pickling():
    key = bytes(range(0x41, 0x51))
    for c in (FF1(key), FF3_1(key), FF1(key, cipher="sm4")):
        r = repr(c) + str(c)
        assert key.hex() not in r.lower() and "ABCDEFGHIJKLMNOP" not in r and "key" not in r.lower()
        assert "radix=10" in r
        with pytest.raises(TypeError, match="cannot be pickled"):
            pickle.dumps(c)
    long_alpha = "".join(chr(0x4E00 + i) for i in range(1000))
    assert len(repr(FF1(key, alphabet=long_alpha))) < 200
