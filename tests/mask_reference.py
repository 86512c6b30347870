"""A `re`-based scanner with ccfast.mask's rules (docs/mask.md), written from the documented
rules, for differential tests and as the baseline of benchmarks/bench_mask.py.

`scan(text)` returns [(kind, start, end)] like ccfast.mask.scan; `redact(text)` masks like
ccfast.mask.redact.  Regular expressions find the number runs and the '@' signs; the
checksums, boundaries and candidate choice are plain Python.
"""
import datetime
import re

DIGITS = {**{chr(0x30 + i): i for i in range(10)}, **{chr(0xFF10 + i): i for i in range(10)},
          "〇": 0, "零": 0, "一": 1, "幺": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
XS = "Xx\uff38\uff58"
SEPS = " \u00a0\u3000-\u2010\u2011\u2012\u2013\uff0d"
PLUS = "+\uff0b"
DIG_CLASS = "".join(re.escape(c) for c in DIGITS)
SEP_CLASS = "".join(re.escape(c) for c in SEPS)
# a run of at least 11 digits (the shortest candidate): shorter runs cannot hold a match
RUN = re.compile(rf"(?P<run>(?:[{re.escape(PLUS)}][{SEP_CLASS}]?)?[{DIG_CLASS}](?:[{SEP_CLASS}]?[{DIG_CLASS}]){{10,}}"
                 rf"[{XS}]?)|(?P<at>@)")
WORD = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789") | set(XS)
ATEXT = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-")
LDH = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")
PROVINCES = set(range(11, 16)) | set(range(21, 24)) | set(range(31, 38)) | set(range(41, 47)) | \
    set(range(50, 55)) | set(range(61, 66)) | {71, 81, 82, 83}
MAX_GROUPS = 64


def luhn(d):
    total = 0
    for i, v in enumerate(reversed(d)):
        if v > 9:
            return False
        if i & 1:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


def id_ok(d):
    if len(d) != 18 or any(v > 9 for v in d[:17]):
        return False
    if d[0] * 10 + d[1] not in PROVINCES:
        return False
    y, m, day = (int("".join(map(str, d[a:b]))) for a, b in ((6, 10), (10, 12), (12, 14)))
    if not 1900 <= y <= 2099:
        return False
    try:
        datetime.date(y, m, day)
    except ValueError:
        return False
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return (12 - sum(a * b for a, b in zip(w, d)) % 11) % 11 == d[17]


def mobile(d):
    return len(d) == 11 and d[0] == 1 and 3 <= d[1] <= 9 and all(v <= 9 for v in d)


def classify(d, plus):
    if len(d) == 18 and id_ok(d):
        return "id_cn", 0
    if len(d) == 13 and d[:2] == [8, 6] and mobile(d[2:]):
        return "phone_cn", 2
    if len(d) == 15 and d[:4] == [0, 0, 8, 6] and mobile(d[4:]):
        return "phone_cn", 4
    if plus:
        return None, 0
    if 12 <= len(d) <= 19 and d[0] != 0 and luhn(d):
        return "card", 0
    if mobile(d):
        return "phone_cn", 0
    return None, 0


def _is_digit(text, i):
    return 0 <= i < len(text) and text[i] in DIGITS


def left_ok(text, p):
    if p == 0:
        return True
    c = text[p - 1]
    if c in WORD or c in DIGITS:
        return False
    return not (c in ".," and _is_digit(text, p - 2))


def right_ok(text, p):
    if p >= len(text):
        return True
    c = text[p]
    if c in WORD or c in DIGITS:
        return False
    return not (c in ".," and _is_digit(text, p + 1))


def _groups(text, s, e):
    """[(start, end, digit values)] of the run text[s:e] (no plus)."""
    out, i = [], s
    while i < e:
        j, vals = i, []
        while j < e and (text[j] in DIGITS or text[j] in XS):
            vals.append(DIGITS.get(text[j], 10))
            j += 1
        out.append((i, j, vals))
        i = j + 1                          # skip the separator
    return out


def _candidates(text, groups, lok, rok, plus_pos, out):
    gi, ng = 0, len(groups)
    while gi < ng:
        last, total = gi, 0
        while last < ng and total + len(groups[last][2]) <= 19:
            total += len(groups[last][2])
            last += 1
        found = False
        for gj in range(last, gi, -1):
            if (gi == 0 and not lok) or (gj == ng and not rok):
                continue
            d = [v for g in groups[gi:gj] for v in g[2]]
            plus = gi == 0 and plus_pos is not None
            kind, prefix = classify(d, plus)
            if kind:
                start = plus_pos if plus and kind == "phone_cn" else groups[gi][0]
                out.append((kind, start, groups[gj - 1][1]))
                gi, found = gj, True
                break
        if not found:
            gi += 1


def _email(text, a):
    b = a
    while b > 0 and (text[b - 1] in ATEXT or text[b - 1] == "."):
        b -= 1
    while b < a and text[b] == ".":
        b += 1
    local = text[b:a]
    if not local or len(local) > 64 or local.endswith(".") or ".." in local:
        return None
    f = a + 1
    while f < len(text) and (text[f] in LDH or text[f] == "."):
        f += 1
    while f > a + 1 and text[f - 1] == ".":
        f -= 1
    domain = text[a + 1:f]
    if not domain or len(domain) > 253:
        return None
    labels = domain.split(".")
    if len(labels) < 2 or any(not 1 <= len(x) <= 63 or x[0] == "-" or x[-1] == "-" for x in labels):
        return None
    if len(labels[-1]) < 2 or not labels[-1].isascii() or not labels[-1].isalpha():
        return None
    return b, f


def scan(text):
    out, i = [], 0
    while True:
        m = RUN.search(text, i)
        if not m:
            return out
        if m.group("at"):
            span = _email(text, m.start())
            if span:
                while out and out[-1][2] > span[0]:
                    out.pop()
                out.append(("email", span[0], span[1]))
                i = span[1]
            else:
                i = m.start() + 1
            continue
        s, e = m.span()
        plus_pos = None
        first = s
        if text[s] in PLUS:
            plus_pos = s
            first = s + 1 + (text[s + 1] in SEPS)
        groups = _groups(text, first, e)
        lok = left_ok(text, s)
        if any(c in XS for c in text[first:e]) and len(groups) > MAX_GROUPS:
            groups = groups[:MAX_GROUPS]        # never: an X ends a run within its first group
        while len(groups) > MAX_GROUPS:          # the scanner reads at most 64 groups at a time
            head, groups = groups[:MAX_GROUPS], groups[MAX_GROUPS:]
            _candidates(text, head, lok, True, plus_pos, out)
            plus_pos, lok = None, True
        _candidates(text, groups, lok, right_ok(text, e), plus_pos, out)
        i = e


def _mask_number(s, prefix, keep_first, keep_last, char="*"):
    idx = [i for i, c in enumerate(s) if c in DIGITS or c in XS][prefix:]
    hide = set(idx[keep_first:len(idx) - keep_last])
    return "".join(char if i in hide else c for i, c in enumerate(s))


def redact(text):
    pieces, prev = [], 0
    for kind, s, e in scan(text):
        span = text[s:e]
        if kind == "card":
            r = _mask_number(span, 0, 6, 4)
        elif kind == "id_cn":
            r = _mask_number(span, 0, 6, 1)
        elif kind == "phone_cn":
            nd = sum(c in DIGITS for c in span)
            r = _mask_number(span, nd - 11, 3, 4)
        else:
            at = span.rfind("@")
            r = span[0] + "*" * (at - 1) + span[at:]
        pieces += [text[prev:s], r]
        prev = e
    pieces.append(text[prev:])
    return "".join(pieces)
