"""`python -m ccfast speed` rows for chunked encryption (c2sp.org/chunked-encryption), beside the
same construction written on `cryptography`, age (`pyrage`) and Tink's streaming AEAD (`tink`)
where they are installed.  benchmarks/bench_chunked.py uses the peers defined here."""
import hmac
import io
import os

from .speed import Row

CHUNK, SEALED = 16384, 16400
SIZES = [1024, 1 << 20, 16 << 20]


# ---- the C2SP construction on cryptography: what a user would write without ccfast.chunked -----

def _crypto_parts(suite):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
    h = {"sha512": hashes.SHA512, "sha256": hashes.SHA256, "sm3": hashes.SM3}[suite.hash_name]()

    def derive(key, salt, context):
        info = b"c2sp.org/chunked-encryption@v1+" + suite.aead_name.encode() + b"\x00" + salt + context
        okm = HKDFExpand(h, suite.key_size + 44, info).derive(key)
        return okm[:suite.key_size], int.from_bytes(okm[suite.key_size:suite.key_size + 12], "big"), okm[-32:]

    if suite.aead_name == "AEAD_SM4_GCM":
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        def seal(k, nonce, data):
            e = Cipher(algorithms.SM4(k), modes.GCM(nonce)).encryptor()
            return e.update(data) + e.finalize() + e.tag

        def open_(k, nonce, data):
            d = Cipher(algorithms.SM4(k), modes.GCM(nonce, bytes(data[-16:]))).decryptor()
            return d.update(data[:-16]) + d.finalize()
        return derive, (lambda k: k), seal, open_
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    return (derive, AESGCM, (lambda a, nonce, d: a.encrypt(nonce, d, None)),
            (lambda a, nonce, d: a.decrypt(nonce, d, None)))


def crypto_encrypt(suite, key, pt, context=b""):
    derive, make, seal, _ = _crypto_parts(suite)
    salt = os.urandom(24)
    k, base, commitment = derive(key, salt, context)
    a, mv, n = make(k), memoryview(pt), len(pt)
    parts = [salt, commitment]
    for i in range(n // CHUNK + 1):
        parts.append(seal(a, (base ^ i).to_bytes(12, "big"), mv[i * CHUNK:min((i + 1) * CHUNK, n)]))
    return b"".join(parts)


def crypto_decrypt(suite, key, ct, context=b""):
    derive, make, _, open_ = _crypto_parts(suite)
    k, base, commitment = derive(key, bytes(ct[:24]), context)
    if not hmac.compare_digest(commitment, bytes(ct[24:56])):
        raise ValueError("the key commitment does not match")
    body = memoryview(ct)[56:]
    full, rest = divmod(len(body), SEALED)
    if rest < 16:
        raise ValueError("truncated")
    a = make(k)
    return b"".join(open_(a, (base ^ i).to_bytes(12, "big"), body[i * SEALED:(i + 1) * SEALED])
                    for i in range(full + 1))


class _Keep(io.BytesIO):
    def close(self):                 # Tink closes its destination stream; keep the bytes
        pass


def peer_fns(name, key):
    """(encrypt(pt) -> ct, decrypt(ct) -> pt) of a peer for AES-256 (or a 32-byte key), or None
    if it is not installed: "cryptography" (the construction above), "pyrage" (age: X25519
    recipient, ChaCha20-Poly1305 STREAM), "tink" (streaming AEAD AES256_GCM_HKDF_4KB)."""
    from ..chunked import Suite
    try:
        if name == "cryptography":
            import cryptography  # noqa: F401
            s = Suite.AES_256_GCM_SHA512
            return (lambda pt: crypto_encrypt(s, key, pt)), (lambda ct: crypto_decrypt(s, key, ct))
        if name == "pyrage":
            import pyrage
            ident = pyrage.x25519.Identity.generate()
            rec = ident.to_public()
            return (lambda pt: pyrage.encrypt(pt, [rec])), (lambda ct: pyrage.decrypt(ct, [ident]))
        if name == "tink":
            import tink
            from tink import streaming_aead
    except ImportError:
        return None
    if name != "tink":
        raise ValueError(name)
    streaming_aead.register()
    handle = tink.new_keyset_handle(streaming_aead.streaming_aead_key_templates.AES256_GCM_HKDF_4KB)
    prim = handle.primitive(streaming_aead.StreamingAead)

    def enc(pt):
        dest = _Keep()
        with prim.new_encrypting_stream(dest, b"") as s:
            s.write(pt)
        return dest.getvalue()

    def dec(ct):
        with prim.new_decrypting_stream(io.BytesIO(ct), b"") as s:
            return s.read()
    return enc, dec


def rows(measure):
    from .. import chunked
    key = os.urandom(32)
    peers = {p: f for p in ("cryptography", "pyrage", "tink") if (f := peer_fns(p, key)) is not None}
    for size in SIZES:
        data = os.urandom(size)
        ct = chunked.encrypt(key, data)
        r = Row(f"chunked AES-256-GCM encrypt {size} B", measure(lambda: chunked.encrypt(key, data), size))
        for p, (enc, _) in peers.items():
            r.peers[p] = measure(lambda: enc(data), size)
        yield r
        r = Row(f"chunked AES-256-GCM decrypt {size} B", measure(lambda: chunked.decrypt(key, ct), size))
        for p, (enc, dec) in peers.items():
            pct = enc(data)
            r.peers[p] = measure(lambda: dec(pct), size)
        yield r
    sm4 = chunked.Suite.SM4_GCM_SM3
    k16 = key[:16]
    data = os.urandom(1 << 20)
    r = Row("chunked SM4-GCM-SM3 encrypt 1048576 B", measure(lambda: chunked.encrypt(k16, data, suite=sm4), len(data)))
    if "cryptography" in peers:
        r.peers["cryptography"] = measure(lambda: crypto_encrypt(sm4, k16, data), len(data))
    yield r
    sink = _Null()
    for threads in (1, 2):
        w = chunked.Writer(sink, key, threads=threads)
        big = os.urandom(16 << 20)
        w.write(big)                                  # warm: pool started, buffers touched
        yield Row(f"chunked Writer threads={threads} {len(big)} B", measure(lambda: w.write(big), len(big)))
        w.close()


class _Null:
    def write(self, b):
        return len(b)
