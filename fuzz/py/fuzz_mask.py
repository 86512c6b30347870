"""atheris: ccfast.mask on arbitrary text (lone surrogates, every plane).  The first byte picks
the decoding of the rest (UTF-8 with undecodable bytes as lone surrogates, or UTF-16-LE with
surrogates passed through) and what runs.  Must hold: scan and redact never raise; findings
are ordered, inside the text, and each passes its validator on its own; redact keeps the length
and every character outside the findings, and returns a canonical str; a tokenizer's tokens
give the numbers back; the validators never raise and the display masks raise only ValueError."""
import sys

import atheris

with atheris.instrument_imports():
    from ccfast import mask

TOKENIZER = mask.Tokenizer(bytes(range(16)))
VALID = {"card": mask.valid_card, "id_cn": mask.valid_id_cn, "phone_cn": mask.valid_phone_cn,
         "email": mask.valid_email}
NORM = {"零": "〇", "幺": "一", "x": "X", "ｘ": "Ｘ"}


@atheris.instrument_func
def TestOneInput(data):
    if not data:
        return
    sel, raw = data[0], data[1:]
    text = raw.decode("utf-16-le", "surrogatepass") if sel & 1 and len(raw) % 2 == 0 else \
        raw.decode("utf-8", "surrogateescape")
    found = mask.scan(text)
    prev = 0
    for m in found:
        assert prev <= m.start < m.end <= len(text)
        assert m.text == text[m.start:m.end]
        assert VALID[m.kind](m.text), (m.kind, m.text)
        prev = m.end
    red = mask.redact(text)
    assert len(red) == len(text)
    assert red == "".join(list(red))                         # canonical storage
    inside = set()
    for m in found:
        inside.update(range(m.start, m.end))
    assert all(red[i] == text[i] for i in range(len(text)) if i not in inside)
    if sel & 2:
        tok = mask.redact(text, tokenizer=TOKENIZER)
        assert len(tok) == len(text)
        for m in found:
            t = tok[m.start:m.end]
            if m.kind == "email":
                assert t == mask.email(m.text)
            else:
                back = TOKENIZER.detokenize(m.kind, t)
                assert [NORM.get(c, c) for c in back] == [NORM.get(c, c) for c in m.text]
    if sel & 4:
        for f in VALID.values():
            f(text)
        for f in (mask.card, mask.id_cn, mask.phone_cn, mask.email):
            try:
                f(text)
            except ValueError:
                pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
