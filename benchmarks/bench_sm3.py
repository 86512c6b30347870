"""SM3 and HMAC-SM3 beside cryptography (OpenSSL), tongsuopy (Tongsuo), gmssl_pyx (GmSSL C
binding) and gmssl (pure Python, small sizes only), one run.

Groups "sm3 <size>", "hmac-sm3 64" and "sm3 batch 64x1500"; in the batch group the "peer"
ccfast-single hashes the same 64 messages one sm3.digest call at a time, so its ratio is the
multi-buffer speed-up over the single-stream rate.  ratios.py checks TARGETS (peer time /
ccfast time): SM3 >= 1.5x every peer at 1 MiB and >= 2x at 64 B per call, digest_batch of
64 x 1500 B >= 3x the single-stream rate."""
import os

import pytest

from ccfast import sm3

from conftest import require_peer

SIZES = {"64": 64, "1500": 1500, "1MiB": 1 << 20}
PEERS = ["cryptography", "tongsuopy", "gmssl_pyx", "gmssl"]
IMPLS = ["ccfast", *PEERS]

TARGETS = [
    *({"group": "sm3 1MiB", "peer": p, "min_ratio": 1.5} for p in ("cryptography", "tongsuopy", "gmssl_pyx")),
    *({"group": "sm3 64", "peer": p, "min_ratio": 2.0} for p in PEERS),
    {"group": "sm3 batch 64x1500", "peer": "ccfast-single", "min_ratio": 3.0},
]


def hasher(impl):
    if impl == "ccfast":
        return sm3.digest
    if impl == "cryptography":
        require_peer("cryptography")
        from cryptography.hazmat.primitives import hashes

        def h(d):
            x = hashes.Hash(hashes.SM3())
            x.update(d)
            return x.finalize()
        return h
    if impl == "tongsuopy":
        require_peer("tongsuopy")
        from tongsuopy.crypto import hashes

        def h(d):
            x = hashes.Hash(hashes.SM3())
            x.update(d)
            return x.finalize()
        return h
    if impl == "gmssl_pyx":
        require_peer("gmssl_pyx")
        import gmssl_pyx
        return lambda d: bytes(gmssl_pyx.sm3_hash(d))
    require_peer("gmssl")
    from gmssl import sm3 as g
    return lambda d: bytes.fromhex(g.sm3_hash(list(d)))


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("size", list(SIZES))
def test_sm3(benchmark, impl, size):
    if impl == "gmssl" and SIZES[size] > 1500:
        pytest.skip("pure Python: minutes at 1 MiB")
    data = os.urandom(SIZES[size])
    fn = hasher(impl)
    benchmark.group = f"sm3 {size}"
    assert benchmark(fn, data) == sm3.digest(data)


@pytest.mark.parametrize("impl", ["ccfast", "cryptography", "gmssl_pyx"])
def test_hmac_sm3(benchmark, impl):
    key, data = os.urandom(32), os.urandom(64)
    if impl == "ccfast":
        fn = sm3.hmac
    elif impl == "cryptography":
        require_peer("cryptography")
        from cryptography.hazmat.primitives import hashes, hmac

        def fn(k, d):
            h = hmac.HMAC(k, hashes.SM3())
            h.update(d)
            return h.finalize()
    else:
        require_peer("gmssl_pyx")
        import gmssl_pyx

        def fn(k, d):
            return bytes(gmssl_pyx.sm3_hmac(k, d))
    benchmark.group = "hmac-sm3 64"
    assert benchmark(fn, key, data) == sm3.hmac(key, data)


@pytest.mark.parametrize("impl", ["ccfast", "ccfast-single", "cryptography"])
def test_sm3_batch(benchmark, impl):
    msgs = [os.urandom(1500) for _ in range(64)]
    if impl == "ccfast":
        fn = sm3.digest_batch
    elif impl == "ccfast-single":
        def fn(ms):
            return [sm3.digest(m) for m in ms]
    else:
        h = hasher("cryptography")

        def fn(ms):
            return [h(m) for m in ms]
    benchmark.group = "sm3 batch 64x1500"
    assert benchmark(fn, msgs) == [sm3.digest(m) for m in msgs]
