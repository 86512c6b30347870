"""ccfast.mask's scan + redact beside a `re`-based scanner with the same rules and checksums
(tests/mask_reference.py: regular expressions find runs of at least 11 digits and '@' signs,
Python checks the candidates), over synthetic call-center transcripts of mixed Chinese and
English (tests/mask_corpus.py), one run.

Groups:
  "mask scan+redact 100MB"   100 MB of UTF-8 transcript text (a 10 MB transcript ten times):
                             scan(text) and redact(text); the issue's target is >= 5x the re scanner
  "mask scan+redact 1MB"     the same on 1 MB
  "mask redact tokenizer 1MB" redact with a Tokenizer (FF1 on SM4 per number), ccfast only
Before it is timed, each implementation's matches and redacted text are checked equal."""
import pathlib
import random
import sys

import pytest

from ccfast import mask

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))
import mask_corpus  # noqa: E402
import mask_reference  # noqa: E402

TARGETS = [{"group": "mask scan+redact 100MB", "peer": "re", "min_ratio": 5.0}]

_TEXTS = {}
_RESULTS = {}


def text_of(mb):
    """A transcript of about mb MB in UTF-8 (100 MB: ten copies of a 10 MB transcript)."""
    if mb not in _TEXTS:
        if mb <= 10:
            lines, t = 2000, ""
            rng = random.Random(mb)
            while len(t.encode()) < mb * 1_000_000:
                t += mask_corpus.transcript(rng, lines)
            _TEXTS[mb] = t
        else:
            _TEXTS[mb] = text_of(10) * (mb // 10)
    return _TEXTS[mb]


def run_ccfast(text):
    return [(m.kind, m.start, m.end) for m in mask.scan(text)], mask.redact(text)


def run_re(text):
    return mask_reference.scan(text), mask_reference.redact(text)


@pytest.mark.parametrize("impl", ["ccfast", "re"])
@pytest.mark.parametrize("mb", [1, 100])
def test_scan_redact(benchmark, mb, impl):
    text = text_of(mb)
    benchmark.group = f"mask scan+redact {mb}MB"
    benchmark.extra_info["characters"] = len(text)
    if mb not in _RESULTS:
        _RESULTS[mb] = run_ccfast(text)
    if impl == "ccfast":
        got = benchmark.pedantic(run_ccfast, args=(text,), rounds=3, iterations=1)
    else:
        got = benchmark.pedantic(run_re, args=(text,), rounds=1 if mb > 10 else 3, iterations=1)
    assert got == _RESULTS[mb]                 # the same matches, the same redacted text
    benchmark.extra_info["matches"] = len(got[0])


def test_redact_tokenizer(benchmark):
    text = text_of(1)
    tk = mask.Tokenizer(bytes(range(16)))
    benchmark.group = "mask redact tokenizer 1MB"
    out = benchmark.pedantic(mask.redact, args=(text,), kwargs={"tokenizer": tk}, rounds=3, iterations=1)
    assert len(out) == len(text)
