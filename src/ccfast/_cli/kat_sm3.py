"""Known answers for SM3 through every implementation this CPU supports, single-stream and
multi-buffer: the two examples of GB/T 32905-2016 Appendix A (A.1 "abc", A.2 "abcd" x 16)."""
import ccfast

EXAMPLES = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]


def run():
    from ..sm3 import SM3, digest_batch
    available = ccfast._available_implementations()
    for name, ok in available["sm3"].items():
        if not ok:
            continue
        good = all(SM3(m, _impl=name).hexdigest() == d for m, d in EXAMPLES)
        # the same digests fed one byte at a time exercise the buffering
        for m, d in EXAMPLES:
            h = SM3(_impl=name)
            for i in range(len(m)):
                h.update(m[i:i + 1])
            good = good and h.hexdigest() == d
        yield "sm3", name, good, "GB/T 32905 Appendix A examples 1-2, whole and byte by byte"
    for name, ok in available["sm3-mb"].items():
        if not ok:
            continue
        # 37 messages: the examples in every lane position, lanes refilled as messages end,
        # with a long message (the A.2 text repeated) whose digest comes from the single path
        long_msg = b"abcd" * 16 * 40
        msgs = [EXAMPLES[i % 2][0] for i in range(36)] + [long_msg]
        want = [EXAMPLES[i % 2][1] for i in range(36)] + [SM3(long_msg).hexdigest()]
        got = [d.hex() for d in digest_batch(msgs, _impl=name)]
        yield "sm3-mb", name, got == want, "GB/T 32905 Appendix A examples 1-2 in 36 lanes, one long message"
