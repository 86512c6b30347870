"""`python -m ccfast speed` rows for SM3, beside cryptography (OpenSSL) and gmssl."""
import os

from .speed import Row


def rows(measure):
    from .. import sm3
    peers = {}
    try:
        from cryptography.hazmat.primitives import hashes

        def c_sm3(d):
            h = hashes.Hash(hashes.SM3())
            h.update(d)
            return h.finalize()
        peers["cryptography"] = c_sm3
    except ImportError:
        pass
    try:
        from gmssl import sm3 as g
        peers["gmssl"] = lambda d: g.sm3_hash(list(d))
    except ImportError:
        pass
    for size in (64, 1500, 1 << 20):
        data = os.urandom(size)
        r = Row(f"SM3 {size} B", measure(lambda: sm3.digest(data), size))
        for p, fn in peers.items():
            if p == "gmssl" and size > 1500:
                continue                      # pure Python: minutes at 1 MiB
            r.peers[p] = measure(lambda: fn(data), size)
        yield r
    msgs = [os.urandom(1500) for _ in range(64)]
    per = measure(lambda: sm3.digest_batch(msgs), 64 * 1500)
    yield Row("SM3 digest_batch 64x1500 B (per msg)", (per[0] / 64, per[1]))
