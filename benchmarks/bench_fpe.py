"""FF1 and FF3-1 on AES-128 with 16-digit strings beside fastfpe (Rust, via PyO3), cyphera
(FF1, pure Python on cryptography) and ff3 (FF3-1, pure Python on pycryptodome), one run.

Groups:
  "<alg> encrypt 16 digits"           one call, one value (the peers' natural use)
  "<alg> encrypt_many 100000"         100,000 values: ccfast's encrypt_many, a peer's loop
                                      (fastfpe has no batch call)
  "<alg> sm4 encrypt_many 100000"     ccfast on SM4 (no peer offers SM4)
ratios.py checks TARGETS (peer time / ccfast time): encrypt_many >= 15x fastfpe per value and
per-call encrypt >= 5x fastfpe, for FF1 and FF3-1 alike.  Every peer's output is checked
against ccfast's before it is timed."""
import pytest

from ccfast.fpe import FF1, FF3_1

from conftest import require_peer

KEY = bytes.fromhex("2B7E151628AED2A6ABF7158809CF4F3C")
TWEAK = bytes.fromhex("CBD09280979564")          # 7 bytes: valid for both algorithms
DIGITS = "0123456789"
N_MANY = 100_000
VALUES = [f"{(i * 6364136223846793005 + 1442695040888963407) % 10 ** 16:016d}" for i in range(N_MANY)]
ONE = "6222020012345678"

TARGETS = [
    {"group": f"{alg} encrypt_many {N_MANY}", "peer": "fastfpe", "min_ratio": 15.0} for alg in ("ff1", "ff3-1")
] + [
    {"group": f"{alg} encrypt 16 digits", "peer": "fastfpe", "min_ratio": 5.0} for alg in ("ff1", "ff3-1")
]


def ours(alg, cipher="aes"):
    return FF1(KEY, cipher=cipher) if alg == "ff1" else FF3_1(KEY, cipher=cipher)


def peer_one(alg, impl):
    """A callable encrypting one 16-digit string, for impl."""
    if impl == "fastfpe":
        require_peer("fastfpe")
        import fastfpe
        mod = fastfpe.ff1 if alg == "ff1" else fastfpe.ff3_1
        k, t = KEY.hex(), TWEAK.hex()
        return lambda v: mod.encrypt(k, t, DIGITS, v)
    if impl == "cyphera" and alg == "ff1":
        require_peer("cyphera")
        from cyphera.ff1 import FF1 as C
        return C(KEY, TWEAK, DIGITS).encrypt
    if impl == "ff3" and alg == "ff3-1":
        require_peer("ff3")
        from ff3 import FF3Cipher
        return FF3Cipher(KEY.hex(), TWEAK.hex(), 10).encrypt
    pytest.skip(f"{impl} has no {alg}")


@pytest.mark.parametrize("impl", ["ccfast", "fastfpe", "cyphera", "ff3"])
@pytest.mark.parametrize("alg", ["ff1", "ff3-1"])
def test_encrypt_one(benchmark, alg, impl):
    c = ours(alg)
    want = c.encrypt(ONE, TWEAK)
    fn = (lambda v: c.encrypt(v, TWEAK)) if impl == "ccfast" else peer_one(alg, impl)
    assert fn(ONE) == want
    benchmark.group = f"{alg} encrypt 16 digits"
    benchmark(fn, ONE)


@pytest.mark.parametrize("impl", ["ccfast", "fastfpe"])
@pytest.mark.parametrize("alg", ["ff1", "ff3-1"])
def test_encrypt_many(benchmark, alg, impl):
    c = ours(alg)
    if impl == "ccfast":
        def run():
            return c.encrypt_many(VALUES, TWEAK)
    else:
        one = peer_one(alg, impl)

        def run():
            return [one(v) for v in VALUES]
    assert run()[:100] == c.encrypt_many(VALUES[:100], TWEAK)
    benchmark.group = f"{alg} encrypt_many {N_MANY}"
    benchmark.extra_info["per"] = N_MANY
    benchmark.pedantic(run, rounds=3 if impl == "ccfast" else 1, iterations=1, warmup_rounds=1 if impl == "ccfast" else 0)


@pytest.mark.parametrize("alg", ["ff1", "ff3-1"])
def test_sm4_encrypt_many(benchmark, alg):
    c = ours(alg, "sm4")
    benchmark.group = f"{alg} sm4 encrypt_many {N_MANY}"
    benchmark.pedantic(lambda: c.encrypt_many(VALUES, TWEAK), rounds=3, iterations=1, warmup_rounds=1)


def test_decrypt_many_roundtrip_cost(benchmark):
    c = ours("ff1")
    tokens = c.encrypt_many(VALUES, TWEAK)
    benchmark.group = f"ff1 decrypt_many {N_MANY}"
    assert benchmark.pedantic(lambda: c.decrypt_many(tokens, TWEAK), rounds=3, iterations=1) == VALUES
