"""Shared fixtures: where the test vectors live, and which implementations run.

Vectors are read at test time, never copied into the repository:
  CCFAST_VECTORS      root of the shared vectors (default: ../shared/vectors beside the checkout)
  CCFAST_WYCHEPROOF   Wycheproof directory (default: $CCFAST_VECTORS/wycheproof)
Tests needing an absent file are skipped with the path in the reason.
"""
import json
import os
import pathlib

import pytest

import ccfast

ROOT = pathlib.Path(__file__).resolve().parent.parent


def vectors_root() -> pathlib.Path:
    env = os.environ.get("CCFAST_VECTORS")
    return pathlib.Path(env) if env else ROOT.parent / "shared" / "vectors"


def wycheproof_root() -> pathlib.Path:
    env = os.environ.get("CCFAST_WYCHEPROOF")
    return pathlib.Path(env) if env else vectors_root() / "wycheproof"


def vector_file(*parts) -> pathlib.Path:
    """Path of a shared vector file, or skip the test saying where it was looked for."""
    path = vectors_root().joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"vector file {path} not found (set CCFAST_VECTORS)")
    return path


def wycheproof(name):
    """Load a Wycheproof JSON file, or skip saying where it was looked for."""
    path = wycheproof_root() / name
    if not path.is_file():
        pytest.skip(f"Wycheproof file {path} not found (set CCFAST_WYCHEPROOF)")
    with open(path) as f:
        return json.load(f)


def wycheproof_cases(name, group_filter=None):
    """(group, test) pairs of a Wycheproof file, for parametrize; [] when absent (test then skips)."""
    path = wycheproof_root() / name
    if not path.is_file():
        return []
    with open(path) as f:
        data = json.load(f)
    return [
        pytest.param(g, t, id=f"tc{t['tcId']}")
        for g in data["testGroups"]
        if group_filter is None or group_filter(g)
        for t in g["tests"]
    ]


def pytest_report_header(config):
    level = os.environ.get("CCFAST_TEST_LEVEL", "native")
    impls = ", ".join(f"{a}={i}" for a, i in sorted(ccfast.implementations().items()))
    return [f"ccfast {ccfast.__version__} level={level} CCFAST_CPU_DISABLE={os.environ.get('CCFAST_CPU_DISABLE', '')!r}",
            f"implementations: {impls}"]
