"""Benchmarks: ccfast beside its peers in one run (pytest-benchmark).

Convention: every benchmark sets benchmark.group to "<what> <size>" and is parametrized by
`impl` ("ccfast" or a peer's name); benchmarks/ratios.py turns one run's JSON into
peer/ccfast ratios and checks them against the TARGETS each bench_<area>.py module declares.
Run:  python -m pytest benchmarks --benchmark-enable --benchmark-json=bench.json
      python benchmarks/ratios.py bench.json
"""
import importlib.util

import pytest


def peer_available(module):
    return importlib.util.find_spec(module) is not None


def require_peer(module):
    if not peer_available(module):
        pytest.skip(f"peer {module} not installed")
