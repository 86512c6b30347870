"""ccfast.mask: validators (Luhn, GB 11643, mobile prefixes, e-mail) against independent
checks, display masks, the Tokenizer (format, kept parts, validity of tokens, round trips,
the documented construction recomputed with the independent FF1 of tests/fpe_reference.py),
scan/redact against the `re`-based scanner of tests/mask_reference.py on synthetic transcripts
and random text, and arbitrary Unicode never raising."""
import datetime
import pickle
import random
import threading

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import fpe_reference
import mask_corpus as corpus
import mask_reference as ref
from ccfast import mask

pytestmark = pytest.mark.cpu_independent        # the FF1 kernels are tested per CPU level in test_fpe.py

KEY = bytes(range(16))
# GB 11643-1999's example number (Beijing Chaoyang, born 1949-12-31, sequence 002, check X)
GB_EXAMPLE = "11010519491231002X"
# test card numbers the card networks publish for integration testing
TEST_PANS = ["4111111111111111", "5555555555554444", "378282246310005", "6011111111111117",
             "3530111333300000", "30569309025904", "4012888888881881", "6200000000000005"]


def luhn(digits):
    s = 0
    for i, c in enumerate(reversed(digits)):
        v = int(c) * (2 if i % 2 else 1)
        s += v - 9 if v > 9 else v
    return s % 10 == 0


def id_check(d17):
    w = [2 ** (17 - i) % 11 for i in range(17)]                 # ISO 7064 MOD 11-2 weights
    c = (12 - sum(int(a) * b for a, b in zip(d17, w)) % 11) % 11
    return "X" if c == 10 else str(c)


def same_number(a, b):
    """a and b are the same number written the same way, but that the encrypted digits of a
    token (and of the number it gives back) use the standard Chinese numerals (〇 for 零, 一 for 幺)
    and an upper-case X where the check character was not a lower-case x already."""
    norm = {"零": "〇", "幺": "一", "x": "X", "ｘ": "Ｘ"}
    return digits_of(a) == digits_of(b) and [norm.get(c, c) for c in a] == [norm.get(c, c) for c in b]


def digits_of(s):
    return "".join(str(ref.DIGITS[c]) if c in ref.DIGITS else "X" for c in s if c in ref.DIGITS or c in ref.XS)


# ---- validators ----------------------------------------------------------------------------

def test_validators_known_values():
    for pan in TEST_PANS:
        assert mask.valid_card(pan), pan
        assert mask.valid_card(" ".join(pan[i:i + 4] for i in range(0, len(pan), 4)))
        assert mask.valid_card("-".join(pan[i:i + 4] for i in range(0, len(pan), 4)))
    assert not mask.valid_card("4111111111111112")
    assert not mask.valid_card("0000000000000000")                # Luhn-valid, but no PAN starts with 0
    assert not mask.valid_card("41111111111")                     # 11 digits
    assert not mask.valid_card("4111 1111  1111 1111")            # two separators
    assert not mask.valid_card("4111 1111 1111 1111 ")
    assert mask.valid_card("４１１１１１１１１１１１１１１１")          # full-width digits
    assert mask.valid_id_cn(GB_EXAMPLE) and mask.valid_id_cn(GB_EXAMPLE.lower())
    assert mask.valid_id_cn("110105 19491231 002X")
    assert not mask.valid_id_cn("110105194912310021")            # check character
    assert not mask.valid_id_cn("11010519491331002X")            # month 13
    assert not mask.valid_id_cn("99010519491231002" + id_check("99010519491231002"))   # province 99
    assert not mask.valid_id_cn("11010518991231002" + id_check("11010518991231002"))   # 1899
    assert mask.valid_id_cn("11010520000229002" + id_check("11010520000229002"))       # leap day
    assert not mask.valid_id_cn("11010519000229002" + id_check("11010519000229002"))   # 1900 not leap
    for p in ("13812345678", "+86 138 1234 5678", "+86-13812345678", "8613812345678", "0086 138-1234-5678",
              "19912345678", "一三八一二三四五六七八", "幺三八幺二三四五六七八"):
        assert mask.valid_phone_cn(p), p
    for p in ("12812345678", "1381234567", "+13812345678", "+85 13812345678", "138123456789"):
        assert not mask.valid_phone_cn(p), p
    for e in ("a@example.com", "zhang.san@mail.example.cn", "cs+vip@corp.example.com.cn", "x_y-z@a-b.cd"):
        assert mask.valid_email(e), e
    for e in ("a@b", "@example.com", "a@.example.com", "a..b@example.com", ".a@example.com", "a.@example.com",
              "a@example.c", "a@example.c0m", "a@-example.com", "a@example-.com", "a@b@example.com",
              "张三@example.com", "a" * 65 + "@example.com"):
        assert not mask.valid_email(e), e
    for f in (mask.valid_card, mask.valid_id_cn, mask.valid_phone_cn, mask.valid_email):
        with pytest.raises(TypeError, match="must be str"):
            f(4111111111111111)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=12, max_size=19))
def test_valid_card_is_luhn(pan):
    assert mask.valid_card(pan) == (luhn(pan) and pan[0] != "0")


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 40000), st.sampled_from(corpus.REGIONS + ["990101", "100000", "830000"]),
       st.integers(0, 999), st.sampled_from("0123456789X"))
def test_valid_id_is_gb11643(day, region, seq, check):
    born = datetime.date(1890, 1, 1) + datetime.timedelta(days=day)
    d17 = region + born.strftime("%Y%m%d") + f"{seq:03d}"
    prov = int(region[:2])
    ok_prov = prov in ref.PROVINCES
    want = ok_prov and 1900 <= born.year <= 2099 and id_check(d17) == check
    assert mask.valid_id_cn(d17 + check) == want


# ---- display masks ---------------------------------------------------------------------------

def test_display_masks():
    assert mask.card("6222 0200 1234 5678") == "6222 02** **** 5678"
    assert mask.card("6222-0200-1234-5678", keep_first=0, keep_last=4, char="#") == "####-####-####-5678"
    assert mask.card("6222020012345678") == "622202******5678"           # Luhn not required to mask
    assert mask.id_cn(GB_EXAMPLE) == "110105***********X"
    assert mask.id_cn(GB_EXAMPLE, keep_region=False) == "*****************X"
    assert mask.id_cn(GB_EXAMPLE, keep_check=False, char="×") == "110105××××××××××××"
    assert mask.phone_cn("13812345678") == "138****5678"
    assert mask.phone_cn("+86 138 1234 5678") == "+86 138 **** 5678"
    assert mask.phone_cn("0086-138-1234-5678", keep_first=0, keep_last=2) == "0086-***-****-**78"
    assert mask.email("zhang.san@example.com") == "z********@example.com"
    assert mask.card("６２２２０２００１２３４５６７８") == "６２２２０２******５６７８"
    with pytest.raises(ValueError, match="12 to 19 digits, got 11"):
        mask.card("41111111111")
    with pytest.raises(ValueError, match="character 'a' at position 4"):
        mask.card("4111a111111111111")
    with pytest.raises(ValueError, match="leaves none"):
        mask.card("4111111111111111", keep_first=12, keep_last=4)
    with pytest.raises(ValueError, match="18 characters, got 17"):
        mask.id_cn(GB_EXAMPLE[:-1])
    with pytest.raises(ValueError, match="11 digits"):
        mask.phone_cn("+1 4155551234")
    with pytest.raises(ValueError, match="local@domain"):
        mask.email("@example.com")
    with pytest.raises(TypeError, match="one-character str"):
        mask.card("4111111111111111", char="**")
    with pytest.raises(TypeError, match="keep_first must be an int"):
        mask.card("4111111111111111", keep_first=6.0)
    with pytest.raises(ValueError, match="keep_last must be >= 0"):
        mask.phone_cn("13812345678", keep_last=-1)


# ---- tokenizer ---------------------------------------------------------------------------------

def spaced(rng, digits):
    return corpus.spell(rng, digits)


@pytest.mark.parametrize("cipher,key", [("sm4", KEY), ("aes", KEY), ("aes", bytes(range(32)))])
def test_tokenizer_cards(cipher, key):
    tk = mask.Tokenizer(key, cipher=cipher)
    rng = random.Random(cipher + str(len(key)))
    for n in range(12, 20):
        for _ in range(6):
            pan = corpus.card(rng, n)
            text = spaced(rng, pan)
            tok = tk.card(text)
            assert len(tok) == len(text)
            assert [c for c in tok if c not in ref.DIGITS] == [c for c in text if c not in ref.DIGITS]
            td = digits_of(tok)
            head = min(6, n - 10)
            assert td[:head] == pan[:head] and td[-4:] == pan[-4:]
            assert luhn(td) and mask.valid_card(tok)
            assert tk.card(text) == tok                                   # deterministic
            assert same_number(tk.detokenize("card", tok), text)
    assert tk.card("4111111111111111") != mask.Tokenizer(bytes(16 * [7]), cipher=cipher if len(key) == 16 else "aes").card("4111111111111111")


def test_tokenizer_ids_and_phones():
    tk = mask.Tokenizer(KEY)
    rng = random.Random(2)
    for _ in range(60):
        i = corpus.id_cn(rng)
        text = spaced(rng, i) if rng.random() < 0.5 else i.lower()
        tok = tk.id_cn(text)
        assert len(tok) == len(text) and mask.valid_id_cn(tok)
        td = digits_of(tok)
        assert td[:6] == i[:6] and int(td[16]) % 2 == int(i[16]) % 2      # region and sex kept
        assert same_number(tk.detokenize("id_cn", tok), text)
        p = corpus.phone(rng)
        text = rng.choice(["", "+86 ", "86-", "0086 "]) + spaced(rng, p)
        tok = tk.phone_cn(text)
        assert len(tok) == len(text) and mask.valid_phone_cn(tok)
        assert digits_of(tok)[-11:][:3] == p[:3]
        assert tok[:len(text) - len(text.lstrip("+86 -0"))] == text[:len(text) - len(text.lstrip("+86 -0"))]
        assert same_number(tk.detokenize("phone_cn", tok), text)
    narrow = mask.Tokenizer(KEY, birth_years=(1950, 2010))
    for _ in range(40):
        i = corpus.id_cn(rng)
        if not 1950 <= int(i[6:10]) <= 2010:
            with pytest.raises(ValueError, match="outside this tokenizer's birth_years"):
                narrow.id_cn(i)
            continue
        tok = narrow.id_cn(i)
        assert 1950 <= int(tok[6:10]) <= 2010 and narrow.detokenize("id_cn", tok) == i


def test_tokenizer_construction_recomputed():
    """The documented construction (docs/mask.md) with the independent FF1 of fpe_reference on
    cryptography's SM4 gives the same tokens."""
    tk = mask.Tokenizer(KEY)
    ff1 = fpe_reference.ff1(KEY, 10, "sm4")

    def enc(s, tweak):
        return "".join(map(str, ff1.encrypt([int(c) for c in s], tweak)))
    rng = random.Random(9)
    for _ in range(20):
        pan = corpus.card(rng, 16)
        x = pan[6:12]
        tweak = b"ccfast.mask card" + bytes([16]) + pan[:6].encode() + pan[12:].encode()
        while True:
            x = enc(x, tweak)
            if luhn(pan[:6] + x + pan[12:]):
                break
        assert tk.card(pan) == pan[:6] + x + pan[12:]
        p = corpus.phone(rng)
        assert tk.phone_cn(p) == p[:3] + enc(p[3:], b"ccfast.mask phone_cn" + p[:3].encode())
        i = corpus.id_cn(rng)
        born = datetime.date(int(i[6:10]), int(i[10:12]), int(i[12:14]))
        seq = int(i[14:17])
        v = f"{(born - datetime.date(1900, 1, 1)).days * 500 + seq // 2:08d}"
        tweak = b"ccfast.mask id_cn" + b"19002099" + bytes(int(c) for c in i[:6]) + bytes([seq % 2])
        while True:
            v = enc(v, tweak)
            if int(v) < 73049 * 500:
                break
        day, half = divmod(int(v), 500)
        d17 = i[:6] + (datetime.date(1900, 1, 1) + datetime.timedelta(days=day)).strftime("%Y%m%d") + \
            f"{2 * half + seq % 2:03d}"
        assert tk.id_cn(i) == d17 + id_check(d17)


def test_tokenizer_bad_input():
    tk = mask.Tokenizer(KEY)
    with pytest.raises(ValueError, match="fails the Luhn check"):
        tk.card("4111111111111112")
    with pytest.raises(ValueError, match="12 to 19 digits, got 11"):
        tk.card("41111111111")
    with pytest.raises(ValueError, match="does not start with 0"):
        tk.card("0000000000000000")
    with pytest.raises(ValueError, match="character 'a' at position 2"):
        tk.card("41a1111111111111")
    with pytest.raises(ValueError, match="fails its check character"):
        tk.id_cn("110105194912310021")
    with pytest.raises(ValueError, match="no valid birth date"):
        tk.id_cn("11010519491331002" + id_check("11010519491331002"))
    with pytest.raises(ValueError, match="province"):
        tk.id_cn("99010519491231002" + id_check("99010519491231002"))
    with pytest.raises(ValueError, match="18 characters, got 17"):
        tk.id_cn("11010519491231002")
    with pytest.raises(ValueError, match="not a mainland mobile number"):
        tk.phone_cn("12812345678")
    with pytest.raises(ValueError, match="kind must be one of card, id_cn, phone_cn"):
        tk.detokenize("email", "a@example.com")
    with pytest.raises(TypeError, match="must be str"):
        tk.card(4111111111111111)
    with pytest.raises(ValueError, match="SM4 key must be 16 bytes"):
        mask.Tokenizer(bytes(32))
    with pytest.raises(ValueError, match="AES key must be 16, 24 or 32 bytes"):
        mask.Tokenizer(bytes(20), cipher="aes")
    with pytest.raises(ValueError, match="cipher must be"):
        mask.Tokenizer(KEY, cipher="des")
    with pytest.raises(ValueError, match="span at least 6 years"):
        mask.Tokenizer(KEY, birth_years=(2000, 2004))
    with pytest.raises(ValueError, match="within 1900..2099"):
        mask.Tokenizer(KEY, birth_years=(1899, 2000))
    with pytest.raises(TypeError, match="pair"):
        mask.Tokenizer(KEY, birth_years=1900)


def test_tokenizer_holds_no_visible_key():
    key = bytes(range(0x41, 0x51))
    tk = mask.Tokenizer(key)
    assert "ABCDEF" not in repr(tk) and key.hex() not in repr(tk).lower()
    assert repr(tk) == "Tokenizer(cipher='SM4', birth_years=(1900, 2099))"
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(tk)
    import copy
    with pytest.raises(TypeError):
        copy.copy(tk)


# ---- scan and redact ------------------------------------------------------------------------------

def test_scan_finds_what_the_issue_lists():
    text = ("我的卡号是 6222 0200 1234 5670，不对，是４１１１１１１１１１１１１１１１。电话幺三八 幺二三四 五六七八，"
            "或者 +86 139-1234-5678，身份证 11010519491231002X，邮箱 zhang.san@example.com。"
            "Order 123456789012345678 costs 1234567890123.45 yuan.")
    got = [(m.kind, m.text, m.value) for m in mask.scan(text)]
    assert got == [
        ("card", "４１１１１１１１１１１１１１１１", "4111111111111111"),
        ("phone_cn", "幺三八 幺二三四 五六七八", "13812345678"),
        ("phone_cn", "+86 139-1234-5678", "13912345678"),
        ("id_cn", GB_EXAMPLE, GB_EXAMPLE),
        ("email", "zhang.san@example.com", "zhang.san@example.com"),
    ]
    for m in mask.scan(text):
        assert text[m.start:m.end] == m.text
        assert {"card": mask.valid_card, "id_cn": mask.valid_id_cn, "phone_cn": mask.valid_phone_cn,
                "email": mask.valid_email}[m.kind](m.text)
        assert m.value not in repr(m) or m.kind == "email" and "*" in repr(m)
    with pytest.raises(TypeError, match="text must be str"):
        mask.scan(b"13812345678")
    with pytest.raises(TypeError, match="made by ccfast.mask.scan"):
        mask.Match()


def test_random_16_digits_reported_only_when_luhn_passes():
    rng = random.Random(4)
    for _ in range(2000):
        d = str(rng.randrange(10 ** 15, 10 ** 16))
        found = [m.kind for m in mask.scan(f"号码 {d} 谢谢")]
        assert found == (["card"] if luhn(d) else []), d


@pytest.mark.parametrize("seed", range(4))
def test_scan_and_redact_match_the_reference_on_transcripts(seed):
    text = corpus.transcript(random.Random(seed), 3000)
    got = mask.scan(text)
    assert [(m.kind, m.start, m.end) for m in got] == ref.scan(text)
    assert len(got) > 100
    red = mask.redact(text)
    assert red == ref.redact(text)
    assert len(red) == len(text)
    spans = [(m.start, m.end) for m in got]
    keep = [True] * len(text)
    for s, e in spans:
        for i in range(s, e):
            keep[i] = False
    assert all(red[i] == text[i] for i in range(len(text)) if keep[i])   # everything else identical


def test_redact_with_tokenizer():
    tk = mask.Tokenizer(KEY, cipher="aes")
    text = corpus.transcript(random.Random(11), 600)
    red = mask.redact(text, tokenizer=tk)
    ms, mr = mask.scan(text), mask.scan(red)
    assert len(red) == len(text)
    assert [(m.kind, m.start, m.end) for m in ms] == [(m.kind, m.start, m.end) for m in mr]
    for a, b in zip(ms, mr):
        if a.kind == "email":
            assert b.text == mask.email(a.text)
        else:
            assert same_number(tk.detokenize(a.kind, b.text), a.text)
    assert mask.redact("nothing here") == "nothing here"
    with pytest.raises(TypeError, match="tokenizer must be"):
        mask.redact(text, tokenizer=object())


def test_redact_keeps_strings_canonical():
    # masking the only wide characters (full-width digits, Chinese numerals) narrows the string
    for text in ("card ４１１１１１１１１１１１１１１１ end", "tel 幺三八幺二三四五六七八", "x" * 70000 + " ４１１１１１１１１１１１１１１１"):
        red = mask.redact(text)
        canonical = "".join(list(red))
        assert red == canonical and hash(red) == hash(canonical)
    red = mask.redact("卡 4111111111111111 😀")
    assert red == "卡 411111******1111 😀"


def test_long_text_gil_released_path():
    text = corpus.transcript(random.Random(21), 4000) * 3                 # > 65536 characters
    assert len(text) > 65536
    assert [(m.kind, m.start, m.end) for m in mask.scan(text)] == ref.scan(text)
    assert mask.redact(text) == ref.redact(text)
    results = [None] * 4

    def work(k):
        results[k] = mask.redact(text)
    ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert results == [ref.redact(text)] * 4


NUMBERY = st.sampled_from(list("0123456789０１２３４５６７８９〇零一幺二三四五六七八九 -\u3000\u00a0‐－Xxｘ+＋@.,_a中。")
                          + ["@example.com", "86", "+86 ", "0086", "11010519491231002X", "4111111111111111",
                             "13812345678"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(NUMBERY, st.characters()), max_size=80).map("".join))
def test_random_text_matches_reference(text):
    assert [(m.kind, m.start, m.end) for m in mask.scan(text)] == ref.scan(text)
    assert mask.redact(text) == ref.redact(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=()), max_size=200))
def test_arbitrary_unicode_never_raises(text):
    ms = mask.scan(text)
    red = mask.redact(text)
    assert len(red) == len(text)
    prev = 0
    for m in ms:
        assert prev <= m.start < m.end <= len(text)
        prev = m.end
    mask.redact(text, tokenizer=mask.Tokenizer(KEY))
    for f in (mask.valid_card, mask.valid_id_cn, mask.valid_phone_cn, mask.valid_email):
        f(text)
