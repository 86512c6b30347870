"""Sealed recordings (ccfast.recording), one run.

- "recording-seal 64MiB": recording.seal (header, stanzas, MAC, the chunked payload, file I/O
  through the atomic temporary file) against the bare chunked.Writer on the same data into the
  same kind of file ("chunked-writer"): the container costs at most 10% (ratio >= 0.9).
- "recording-seek-read-1s": open a 1-hour 8 kHz 16-bit recording, seek to a random second and
  read one second of audio, against unsealing the whole file to get the same second
  ("unseal-all"): random access must not decrypt what comes before (ratio >= 50).
  test_seek_read_chunks_touched counts the ciphertext chunks each such read decrypts (<= 2).
- test_seal_2gib_rss: sealing a 2 GiB file from disk (a sparse file: reads cost no disk I/O)
  in a child process grows its peak RSS by less than 16 MiB.
"""
import io
import os
import random
import subprocess
import sys
import textwrap
import wave

import pytest

from ccfast import chunked, recording

MIB = 1 << 20
HOUR = 3600 * 8000 * 2

TARGETS = [
    {"group": "recording-seal 64MiB", "peer": "chunked-writer", "min_ratio": 0.9},
    {"group": "recording-seek-read-1s", "peer": "unseal-all", "min_ratio": 50.0},
]

KEK = recording.KEK(bytes(range(32)), "bench")


@pytest.fixture(scope="module")
def plain_64(tmp_path_factory):
    p = tmp_path_factory.mktemp("rec") / "plain.raw"
    p.write_bytes(os.urandom(64 * MIB))
    return p


@pytest.mark.parametrize("impl", ["ccfast", "chunked-writer"])
def test_seal_64mib(benchmark, impl, plain_64, tmp_path):
    benchmark.group = "recording-seal 64MiB"
    out = tmp_path / "out.rec"
    key = os.urandom(16)

    def ccfast():
        recording.seal(plain_64, out, [KEK])

    def bare():
        with open(plain_64, "rb") as src, open(out, "wb") as dst:
            with chunked.Writer(dst, key, suite=chunked.Suite.SM4_GCM_SM3) as w:
                while True:
                    b = src.read(MIB)
                    if not b:
                        break
                    w.write(b)
            dst.flush()
            os.fsync(dst.fileno())
    benchmark.pedantic(ccfast if impl == "ccfast" else bare, rounds=5, iterations=1, warmup_rounds=1)


@pytest.fixture(scope="module")
def hour_rec(tmp_path_factory):
    d = tmp_path_factory.mktemp("hour")
    with wave.open(str(d / "hour.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        for _ in range(60):
            w.writeframes(os.urandom(60 * 8000 * 2))
    recording.seal(d / "hour.wav", d / "hour.rec", [KEK], metadata={"codec": "L16", "sample_rate": 8000})
    os.unlink(d / "hour.wav")
    return d / "hour.rec"


@pytest.mark.parametrize("impl", ["ccfast", "unseal-all"])
def test_seek_read_1s(benchmark, impl, hour_rec):
    benchmark.group = "recording-seek-read-1s"
    rng = random.Random(1)

    def ccfast():
        t = rng.randrange(3599)
        with recording.open(hour_rec, KEK) as f:
            w = wave.open(f)
            w.setpos(t * 8000)
            return w.readframes(8000)

    def whole():
        t = rng.randrange(3599)
        out = io.BytesIO()
        recording.unseal(hour_rec, out, KEK)
        out.seek(0)
        w = wave.open(out)
        w.setpos(t * 8000)
        return w.readframes(8000)
    rounds = 20 if impl == "ccfast" else 3
    assert len(benchmark.pedantic(ccfast if impl == "ccfast" else whole, rounds=rounds, iterations=1)) == 16000


def test_seek_read_chunks_touched(hour_rec):
    rng = random.Random(2)
    worst = 0
    with recording.open(hour_rec, KEK) as f:
        w = wave.open(f)
        for _ in range(200):
            f._window.reads.clear()
            f._window.record = True
            w.setpos(rng.randrange(3599) * 8000)
            assert len(w.readframes(8000)) == 16000
            f._window.record = False
            chunks = {k for off, n in f._window.reads for k in range((off - 56) // 16400, (off - 56 + n - 1) // 16400 + 1)}
            worst = max(worst, len(chunks))
    print(f"\nseek + read 1 s in a 1-hour recording: at most {worst} chunk(s) decrypted per read")
    assert worst <= 2


CHILD = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {src!r})
    from ccfast import recording
    def status(field):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    kek = recording.KEK(bytes(32), "rss")
    recording.seal(__import__("io").BytesIO(b"warm-up" * 1000), __import__("io").BytesIO(), [kek])
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")            # reset VmHWM to the current RSS (Linux >= 4.0)
    except OSError:
        pass
    before = status("VmRSS")
    recording.seal({src_file!r}, {dst_file!r}, [kek])
    peak = status("VmHWM")          # this process image's peak (ru_maxrss would carry the forked parent's)
    print(before, peak, os.path.getsize({dst_file!r}))
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_seal_2gib_rss(tmp_path):
    src, dst = tmp_path / "big.raw", tmp_path / "big.rec"
    with open(src, "wb") as f:
        f.truncate(2 << 30)                    # sparse: 2 GiB of zeros without disk writes
    try:
        code = CHILD.format(src=os.path.dirname(os.path.dirname(os.path.abspath(recording.__file__))),
                            src_file=str(src), dst_file=str(dst))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=1800)
        before, peak, size = map(int, out.stdout.split())
    finally:
        for p in (src, dst):
            if p.exists():
                p.unlink()
    growth = peak - before
    print(f"\nsealing 2 GiB from disk: RSS {before / MIB:.1f} MiB before, peak {peak / MIB:.1f} MiB "
          f"(+{growth / MIB:.2f} MiB); output {size} bytes")
    assert size > 2 << 30
    assert growth < 16 * MIB
