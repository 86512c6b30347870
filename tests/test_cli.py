"""python -m ccfast info / selftest / speed."""
import os
import subprocess
import sys

import pytest


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


@pytest.mark.cpu_independent
def test_unknown_command_fails():
    assert ccfast_cli("nonsense").returncode != 0


@pytest.mark.cpu_independent
def test_speed_chunked_row():
    r = ccfast_cli("speed", "chunked", "--seconds", "0.01")
    assert r.returncode == 0, r.stderr
    assert "chunked AES-256-GCM encrypt 1048576 B" in r.stdout
    assert "chunked Writer threads=2" in r.stdout
