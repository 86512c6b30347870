"""`python -m ccfast speed` rows for SM3 and HMAC-SM3, beside cryptography (OpenSSL), tongsuopy
(Tongsuo), gmssl_pyx (GmSSL C binding) and gmssl (pure Python, small sizes only) when installed."""
import os

from .speed import Row

# import name -> distribution (python -m ccfast speed names the missing ones)
PEERS = {"cryptography": "cryptography", "tongsuopy": "tongsuopy", "gmssl_pyx": "gmssl_pyx", "gmssl": "gmssl"}


def _peers():
    peers = {}
    try:
        from cryptography.hazmat.primitives import hashes, hmac

        def c_sm3(d):
            h = hashes.Hash(hashes.SM3())
            h.update(d)
            return h.finalize()

        def c_hmac(k, d):
            h = hmac.HMAC(k, hashes.SM3())
            h.update(d)
            return h.finalize()
        peers["cryptography"] = (c_sm3, c_hmac)
    except ImportError:
        pass
    try:
        from tongsuopy.crypto import hashes as t_hashes

        def t_sm3(d):
            h = t_hashes.Hash(t_hashes.SM3())
            h.update(d)
            return h.finalize()
        peers["tongsuopy"] = (t_sm3, None)
    except ImportError:
        pass
    try:
        import gmssl_pyx
        peers["gmssl_pyx"] = (gmssl_pyx.sm3_hash, gmssl_pyx.sm3_hmac)
    except ImportError:
        pass
    try:
        from gmssl import sm3 as g
        peers["gmssl"] = (lambda d: g.sm3_hash(list(d)), None)
    except ImportError:
        pass
    return peers


def rows(measure):
    from .. import sm3
    peers = _peers()
    for size, label in ((64, "64 B"), (1500, "1500 B"), (1 << 20, "1 MiB")):
        data = os.urandom(size)
        r = Row(f"SM3 {label}", measure(lambda: sm3.digest(data), size))
        for p, (fn, _) in peers.items():
            if p == "gmssl" and size > 1500:
                continue                      # pure Python: minutes at 1 MiB
            r.peers[p] = measure(lambda: fn(data), size)
        yield r
    key, data = os.urandom(32), os.urandom(64)
    r = Row("HMAC-SM3 64 B", measure(lambda: sm3.hmac(key, data), 64))
    for p, (_, fn) in peers.items():
        if fn is not None:
            r.peers[p] = measure(lambda: fn(key, data), 64)
    yield r
    msgs = [os.urandom(1500) for _ in range(64)]
    r = Row("SM3 digest_batch 64x1500 B", measure(lambda: sm3.digest_batch(msgs), 64 * 1500))
    r.peers["ccfast one by one"] = measure(lambda: [sm3.digest(m) for m in msgs], 64 * 1500)
    if "cryptography" in peers:
        fn = peers["cryptography"][0]
        r.peers["cryptography"] = measure(lambda: [fn(m) for m in msgs], 64 * 1500)
    yield r
