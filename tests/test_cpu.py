"""CPU feature detection and CCFAST_CPU_DISABLE."""
import os
import subprocess
import sys

import pytest

from conftest import skip_platform

import ccfast
from ccfast._cpu import detected_features


def run_py(code, disable):
    env = dict(os.environ, CCFAST_CPU_DISABLE=disable)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)


def test_feature_names_match_api():
    feats = ccfast.cpu_features()
    for name in ("aesni", "pclmulqdq", "avx2", "avx512f", "vaes", "vpclmulqdq", "gfni", "sha_ni",
                 "neon", "arm_aes", "arm_pmull", "arm_sm3", "arm_sm4"):
        assert name in feats
        assert isinstance(feats[name], bool)


def test_masked_features_are_subset_of_detected():
    have, hw = ccfast.cpu_features(), detected_features()
    assert all(hw[n] for n, v in have.items() if v)


def test_matches_proc_cpuinfo():
    try:
        with open("/proc/cpuinfo") as f:
            flags = next(line for line in f if line.startswith("flags")).split()
    except (OSError, StopIteration):
        skip_platform("no /proc/cpuinfo flags line on this system")
    hw = detected_features()
    for ours, linux in [("aesni", "aes"), ("pclmulqdq", "pclmulqdq"), ("avx2", "avx2"),
                        ("avx512f", "avx512f"), ("vaes", "vaes"), ("vpclmulqdq", "vpclmulqdq"),
                        ("gfni", "gfni"), ("sha_ni", "sha_ni"), ("bmi2", "bmi2"), ("adx", "adx")]:
        assert hw[ours] == (linux in flags), ours


@pytest.mark.cpu_independent
def test_disable_all_masks_everything():
    out = run_py("import ccfast; print(sorted(n for n, v in ccfast.cpu_features().items() if v))", "all")
    assert out.stdout.strip() == "[]"


@pytest.mark.cpu_independent
def test_disable_named_feature():
    out = run_py("import ccfast; f = ccfast.cpu_features(); print(f['avx2'], f['aesni'])", "avx2")
    assert out.stdout.split()[0] == "False"
    assert out.stdout.split()[1] == str(detected_features()["aesni"])


@pytest.mark.cpu_independent
def test_disable_unknown_name_warns():
    out = run_py("import warnings; warnings.simplefilter('always'); import ccfast", "avx2,bogus_feature")
    assert "unknown feature" in out.stderr


@pytest.mark.cpu_independent
def test_disable_all_picks_portable_paths():
    out = run_py("import ccfast, json; print(json.dumps(ccfast.implementations()))", "all")
    import json
    chosen = json.loads(out.stdout)
    # portable names: constant-time bitsliced code, plain C, or one-at-a-time batch loops
    for alg, impl in chosen.items():
        assert impl.startswith(("ct", "portable", "generic", "serial")), (alg, impl)
