"""`python -m ccfast speed` rows for sealed recordings: sealing and random access in memory beside
the bare chunked encryption, and the RFC 5649 key unwrap beside cryptography's when installed."""
import io
import os

from .speed import Row


def rows(measure):
    from .. import chunked, recording
    data = os.urandom(4 << 20)
    kek = recording.KEK(os.urandom(32), "speed")
    for suite in (chunked.Suite.SM4_GCM_SM3, chunked.Suite.AES_256_GCM_SHA512):
        r = Row(f"recording seal 4 MiB {suite.name}",
                measure(lambda: recording.seal(io.BytesIO(data), io.BytesIO(), [kek], suite=suite), len(data)))
        key = os.urandom(suite.key_size)

        def writer():                            # what seal does underneath: 1 MiB writes
            with chunked.Writer(io.BytesIO(), key, suite=suite) as w:
                for i in range(0, len(data), 1 << 20):
                    w.write(data[i:i + (1 << 20)])
        r.peers["chunked.Writer"] = measure(writer, len(data))
        r.peers["chunked.encrypt"] = measure(lambda: chunked.encrypt(key, data, suite=suite), len(data))
        yield r
    blob = io.BytesIO()
    recording.seal(io.BytesIO(data), blob, [kek])
    blob = blob.getvalue()
    pos = [0]

    def seek_read():
        pos[0] = (pos[0] + 1_234_567) % (len(data) - 16000)
        with recording.open(io.BytesIO(blob), kek) as f:
            f.seek(pos[0])
            f.read(16000)
    yield Row("recording open + seek + read 16000 B", measure(seek_read, 16000))
    fk = os.urandom(32)
    for alg, key in (("aes-256", os.urandom(32)), ("sm4", os.urandom(16))):
        k = recording.KEK(key, "speed", algorithm=alg)
        w = k.wrap(fk)
        r = Row(f"KEK unwrap {alg} (RFC 5649, 32-byte key)", measure(lambda: k.unwrap(w), 0), unit="op")
        if alg == "aes-256":
            try:
                from cryptography.hazmat.primitives.keywrap import aes_key_unwrap_with_padding
                r.peers["cryptography"] = measure(lambda: aes_key_unwrap_with_padding(key, w), 0)
            except ImportError:
                pass
        yield r
