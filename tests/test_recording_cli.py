"""python -m ccfast seal | unseal | rewrap | inspect."""
import json
import os
import subprocess
import sys

import pytest

from ccfast import recording, sm2
from conftest import child_env

pytestmark = pytest.mark.cpu_independent




def cli(*args, stdin=None, cwd=None):
    env = child_env()
    return subprocess.run([sys.executable, "-m", "ccfast", *map(str, args)], input=stdin, capture_output=True,
                          env=env, cwd=cwd, timeout=120)


def write_kek(path, kid, key, algorithm=None):
    lines = ["ccfast-kek v1", "# test key", f"kid: {kid}", f"key: {key.hex()}"]
    if algorithm:
        lines.append(f"algorithm: {algorithm}")
    path.write_text("\n".join(lines) + "\n")
    os.chmod(path, 0o600)


@pytest.fixture
def keys(tmp_path):
    a, s = os.urandom(32), os.urandom(16)
    write_kek(tmp_path / "archive.kek", "archive", a)
    write_kek(tmp_path / "new.kek", "new", s, "sm4")
    k = sm2.generate_private_key()
    (tmp_path / "escrow.pem").write_bytes(k.private_bytes())
    (tmp_path / "escrow.pub").write_bytes(k.public_key().public_bytes("pem"))
    return {"archive": recording.KEK(a, "archive"), "new": recording.KEK(s, "new"), "escrow": k}


def test_seal_inspect_unseal_rewrap(tmp_path, keys):
    data = os.urandom(50000)
    (tmp_path / "call.raw").write_bytes(data)
    r = cli("seal", tmp_path / "call.raw", "-o", tmp_path / "call.rec", "--to", tmp_path / "archive.kek",
            "--to", tmp_path / "escrow.pub", "--call-id", "c-1", "--codec", "L16", "--sample-rate", "8000",
            "--start-time", "2026-11-22T09:30:00+08:00", "--retention-until", "2033-11-22", "--meta", "agent=42")
    assert r.returncode == 0, r.stderr
    assert os.stat(tmp_path / "call.rec").st_mode & 0o777 == 0o600
    with recording.open(tmp_path / "call.rec", keys["archive"]) as f:
        assert f.read() == data
        assert f.info.metadata.extra["agent"] == "42" and f.info.metadata.start_time.hour == 1
    r = cli("inspect", tmp_path / "call.rec")
    assert r.returncode == 0 and b"recipient: aes-256 archive" in r.stdout and b"call_id: c-1" in r.stdout
    assert b"not authenticated" in r.stdout
    info = json.loads(cli("inspect", "--json", tmp_path / "call.rec").stdout)
    assert info["size"] == 50000 and info["metadata"]["retention_until"] == "2033-11-22"
    assert info["suite"] == "SM4_GCM_SM3" and [x["kind"] for x in info["recipients"]] == ["aes-256", "sm2"]
    for key in ("archive.kek", "escrow.pem"):
        out = tmp_path / f"out-{key}"
        r = cli("unseal", tmp_path / "call.rec", "-o", out, "-k", tmp_path / key)
        assert r.returncode == 0, r.stderr
        assert out.read_bytes() == data and os.stat(out).st_mode & 0o777 == 0o600
    r = cli("unseal", tmp_path / "call.rec", "-o", "-", "-k", tmp_path / "escrow.pem")
    assert r.returncode == 0 and r.stdout == data
    payload = (tmp_path / "call.rec").read_bytes()[-info["payload_size"]:]
    r = cli("rewrap", tmp_path / "call.rec", "--in-place", "-k", tmp_path / "archive.kek",
            "--add", tmp_path / "new.kek", "--remove", "archive")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "call.rec").read_bytes().endswith(payload)
    r = cli("unseal", tmp_path / "call.rec", "-o", tmp_path / "x", "-k", tmp_path / "archive.kek")
    assert r.returncode == 1 and b"NoRecipientError" in r.stderr and not (tmp_path / "x").exists()
    r = cli("rewrap", tmp_path / "call.rec", "-o", tmp_path / "copy.rec", "-k", tmp_path / "new.kek",
            "--remove", tmp_path / "escrow.pub")
    assert r.returncode == 0, r.stderr
    assert [x.kind for x in recording.inspect(tmp_path / "copy.rec").recipients] == ["sm4"]


def test_stdin_and_stdout(tmp_path, keys):
    data = os.urandom(20000)
    (tmp_path / "in.raw").write_bytes(data)
    r = cli("seal", "-", "-o", tmp_path / "a.rec", "--to", tmp_path / "new.kek", "--suite", "AES_256_GCM_SHA512",
            stdin=data)
    assert r.returncode == 0, r.stderr
    r = cli("seal", tmp_path / "in.raw", "-o", "-", "--to", tmp_path / "new.kek")
    assert r.returncode == 0, r.stderr
    r2 = cli("unseal", "-", "-o", "-", "-k", tmp_path / "new.kek", stdin=r.stdout)
    assert r2.returncode == 0 and r2.stdout == data
    r = cli("inspect", "-", stdin=(tmp_path / "a.rec").read_bytes())
    assert r.returncode == 0 and b"AES_256_GCM_SHA512" in r.stdout


def one_line_error(r):
    assert r.returncode == 1, (r.returncode, r.stderr)
    lines = r.stderr.decode().strip().splitlines()
    lines = [line for line in lines if not line.startswith("warning:")]
    assert len(lines) == 1 and lines[0].startswith("ccfast "), r.stderr
    return lines[0]


def test_errors_are_one_line_and_nothing_is_overwritten(tmp_path, keys):
    data = os.urandom(3000)
    (tmp_path / "in.raw").write_bytes(data)
    rec = tmp_path / "a.rec"
    assert cli("seal", tmp_path / "in.raw", "-o", rec, "--to", tmp_path / "archive.kek").returncode == 0
    original = rec.read_bytes()
    # output exists / is the input
    assert "exists" in one_line_error(cli("seal", tmp_path / "in.raw", "-o", rec, "--to", tmp_path / "archive.kek"))
    assert "input" in one_line_error(cli("unseal", rec, "-o", rec, "-k", tmp_path / "archive.kek", "--force"))
    assert "input" in one_line_error(cli("seal", tmp_path / "in.raw", "-o", tmp_path / "in.raw", "--force",
                                         "--to", tmp_path / "archive.kek"))
    assert (tmp_path / "in.raw").read_bytes() == data and rec.read_bytes() == original
    # keys
    assert "private key" in one_line_error(cli("unseal", rec, "-o", tmp_path / "o", "-k", tmp_path / "escrow.pub"))
    (tmp_path / "junk.key").write_text("hello\n")
    assert "not a KEK file" in one_line_error(cli("unseal", rec, "-o", tmp_path / "o", "-k", tmp_path / "junk.key"))
    (tmp_path / "bad.kek").write_text("ccfast-kek v1\nkid: x\nkey: abcd\n")
    assert "32 bytes" in one_line_error(cli("unseal", rec, "-o", tmp_path / "o", "-k", tmp_path / "bad.kek"))
    assert "No such file" in one_line_error(cli("unseal", rec, "-o", tmp_path / "o", "-k", tmp_path / "missing"))
    assert "no such file" in one_line_error(cli("inspect", tmp_path / "missing.rec"))
    write_kek(tmp_path / "wrong.kek", "archive", os.urandom(32))
    assert "WrongKeyError" in one_line_error(cli("unseal", rec, "-o", tmp_path / "o", "-k", tmp_path / "wrong.kek"))
    # bad recordings
    bad = bytearray(original)
    bad[-3] ^= 1
    (tmp_path / "bad.rec").write_bytes(bytes(bad))
    assert "PayloadTamperedError" in one_line_error(cli("unseal", tmp_path / "bad.rec", "-o", tmp_path / "o",
                                                         "-k", tmp_path / "archive.kek"))
    (tmp_path / "cut.rec").write_bytes(original[:-10])
    assert "RecordingTruncatedError" in one_line_error(cli("inspect", tmp_path / "cut.rec"))
    assert "RecordingFormatError" in one_line_error(cli("inspect", tmp_path / "in.raw"))
    assert not (tmp_path / "o").exists()
    # metadata and usage
    assert "UTC offset" in one_line_error(cli("seal", tmp_path / "in.raw", "-o", tmp_path / "m.rec", "--to",
                                              tmp_path / "archive.kek", "--start-time", "2026-01-01T00:00:00"))
    assert "nothing to do" in one_line_error(cli("rewrap", rec, "--in-place", "-k", tmp_path / "archive.kek"))
    assert cli("rewrap", rec, "-k", tmp_path / "archive.kek").returncode == 2
    assert cli("seal", tmp_path / "in.raw").returncode == 2
    assert rec.read_bytes() == original
    # a world-readable KEK file works but warns
    os.chmod(tmp_path / "archive.kek", 0o644)
    r = cli("unseal", rec, "-o", tmp_path / "ok", "-k", tmp_path / "archive.kek")
    assert r.returncode == 0 and b"warning" in r.stderr and (tmp_path / "ok").read_bytes() == data
