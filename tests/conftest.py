"""Shared fixtures: where the test vectors live, and which implementations run.

Known-answer files live in tests/vectors/ (sources and licences in its README.md):
  CCFAST_VECTORS      another root with the same layout (default: tests/vectors)
  CCFAST_WYCHEPROOF   Wycheproof directory (default: $CCFAST_VECTORS/wycheproof)
A missing vector file is a test failure, never a skip: a clean clone is whole.
"""
import json
import os
import pathlib

import pytest

import ccfast

ROOT = pathlib.Path(__file__).resolve().parent.parent


def vectors_root() -> pathlib.Path:
    env = os.environ.get("CCFAST_VECTORS")
    return pathlib.Path(env) if env else ROOT / "tests" / "vectors"


def wycheproof_root() -> pathlib.Path:
    env = os.environ.get("CCFAST_WYCHEPROOF")
    return pathlib.Path(env) if env else vectors_root() / "wycheproof"


def vector_file(*parts) -> pathlib.Path:
    """Path of a vector file; a missing file fails the test, naming where it was looked for."""
    path = vectors_root().joinpath(*parts)
    if not path.is_file():
        pytest.fail(f"vector file {path} not found (tests/vectors is part of the repository)", pytrace=False)
    return path


def wycheproof(name):
    """Load a Wycheproof JSON file; a missing file fails the test."""
    path = wycheproof_root() / name
    if not path.is_file():
        pytest.fail(f"Wycheproof file {path} not found (tests/vectors is part of the repository)", pytrace=False)
    with open(path) as f:
        return json.load(f)


def wycheproof_cases(name, group_filter=None):
    """(group, test) pairs of a Wycheproof file, for parametrize.  A missing file is a collection
    error (the whole run fails), not an empty parameter list."""
    path = wycheproof_root() / name
    if not path.is_file():
        raise FileNotFoundError(f"Wycheproof file {path} not found (tests/vectors is part of the repository)")
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
