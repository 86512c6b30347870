"""python -m ccfast info / selftest / speed."""
import json
import os
import subprocess
import sys
import types

import pytest

from conftest import require


def ccfast_cli(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "ccfast", *args], capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ))


def test_info_lists_features_and_implementations():
    r = ccfast_cli("info")
    assert r.returncode == 0, r.stderr
    assert "cpu features:" in r.stdout
    assert "aes" in r.stdout and "ghash" in r.stdout


def test_selftest_passes_on_every_usable_implementation():
    r = ccfast_cli("selftest")
    assert r.returncode == 0, r.stdout + r.stderr
    assert " 0 failed" in r.stdout
    assert "aes-gcm" in r.stdout


@pytest.mark.cpu_independent
def test_speed_runs_one_area_quickly():
    r = ccfast_cli("speed", "aes", "--seconds", "0.01")
    assert r.returncode == 0, r.stderr
    assert "AES-128-GCM encrypt 172 B" in r.stdout
    assert "ratio = peer time /" in r.stdout and "ccfast time" in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= 100
    assert "  cryptography " in r.stdout                  # a peer row under its ccfast row


@pytest.mark.cpu_independent
def test_speed_json_on_stdout_and_to_a_file(tmp_path):
    r = ccfast_cli("speed", "srtp", "--seconds", "0.002", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)                            # stdout is the JSON alone
    assert "SRTP AEAD_AES_128_GCM protect 172 B" in r.stderr           # the table went to stderr
    assert doc["ratio"].startswith("peer") and doc["ccfast"]
    row = next(x for x in doc["rows"] if x["name"] == "SRTP AEAD_AES_128_GCM protect 172 B")
    assert row["area"] == "srtp" and row["ccfast"]["seconds_per_call"] > 0
    out = tmp_path / "speed.json"
    r = ccfast_cli("speed", "jitter", "--seconds", "0.002", "--json", str(out))
    assert r.returncode == 0, r.stderr
    assert "jitter put+get per packet" in r.stdout
    assert json.loads(out.read_text())["rows"][0]["unit"] == "op"
    # last: the SRTP rows' only peer is pylibsrtp, which a target may run without (the
    # free-threaded job: abi3 wheels only); there this skips once the rest has passed
    require("pylibsrtp")
    peer = row["peers"]["pylibsrtp"]
    assert peer["ratio"] == pytest.approx(peer["seconds_per_call"] / row["ccfast"]["seconds_per_call"])


@pytest.mark.cpu_independent
def test_speed_names_missing_peers_and_the_bench_extra(monkeypatch, capsys):
    from ccfast._cli import speed

    def rows(measure):
        yield speed.Row("a very long operation name that does not fit the operation column at all",
                        (1e-6, 1e8), {"other": (2e-6, 5e7)})
        yield speed.Row("SM2 sign", (1e-5, 0.0), {"a peer with a name": (3e-3, 0.0)}, unit="op")

    fake = types.SimpleNamespace(rows=rows, PEERS={"json": "json", "no_such_peer_module_xyz": "no-such-peer"})
    monkeypatch.setattr(speed, "area_modules", lambda prefix: [("fake", fake)])
    assert speed.run([], 0.001, None) == 0
    out = capsys.readouterr().out
    assert "no-such-peer" in out and "'ccfast[bench]'" in out and "json" not in out.split("Peers not")[1]
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "x2.00" in out and "x300.00" in out and "100,000/s" in out
    assert speed.run(["nonsense"], 0.001, None) == 2


@pytest.mark.cpu_independent
def test_speed_rows_fit_in_100_columns():
    from ccfast._cli import speed
    row = speed.Row("SRTP AES_CM_128_HMAC_SHA1_80 unprotect 172 B", (12345.6789, 1.0),
                    {"gmssl (pure Python)": (98765.4, 0.0)})
    for unit in ("B", "op"):
        row.unit = unit
        assert all(len(line) <= 100 for line in speed.format_row(row))


@pytest.mark.cpu_independent
def test_unknown_command_fails():
    assert ccfast_cli("nonsense").returncode != 0


@pytest.mark.cpu_independent
def test_speed_chunked_row():
    r = ccfast_cli("speed", "chunked", "--seconds", "0.01")
    assert r.returncode == 0, r.stderr
    assert "chunked AES-256-GCM encrypt 1048576 B" in r.stdout
    assert "chunked Writer threads=2" in r.stdout
