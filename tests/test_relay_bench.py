"""`python -m ccfast relay-bench`: the loopback relay runs end to end in every mode (small
counts here), relays every packet in order and authentic, and reports its measures."""
import json
import subprocess
import sys

import pytest

from conftest import require

from ccfast._cli import relay_bench

require("numpy")                                 # the generator checks packets with numpy

pytestmark = pytest.mark.cpu_independent


@pytest.mark.parametrize("mode", ["b", "c", "d"])
def test_modes_relay_every_packet(mode):
    r = relay_bench.run_mode(mode, calls=6, packets_per_call=30, seconds=20, window=64)
    assert r["relayed"] == r["received"] == 180
    assert r["lost"] == r["reordered"] == r["bad"] == 0
    assert r["cpu_us_per_packet"] > 0 and r["pps"] > 0


def test_pylibsrtp_mode():
    require("pylibsrtp")
    r = relay_bench.run_mode("a", calls=3, packets_per_call=20, seconds=20, window=32)
    assert r["relayed"] == r["received"] == 60 and r["lost"] == r["bad"] == 0


def test_cli(tmp_path):
    out = tmp_path / "r.json"
    p = subprocess.run([sys.executable, "-m", "ccfast", "relay-bench", "--modes", "c", "--calls", "4",
                        "--packets", "25", "--gso", "--json", str(out)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "pps/core" in p.stdout and "GSO" in p.stdout
    (r,) = json.loads(out.read_text())
    assert r["relayed"] == 100 and r["lost"] == 0
