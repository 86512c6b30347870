"""Shared test machinery: where the vectors live, what may be skipped, and how known answers
are counted.  tests/run.py reads the report this writes.

Vector files
------------
Every known-answer file lives in tests/vectors/ (sources and licences in its README.md;
CCFAST_VECTORS names another root with the same layout).  Read them through vector_file(),
wycheproof() or wycheproof_cases(): a missing file is a failure, never a skip.

Known-answer records, counted per standard
------------------------------------------
A test that checks published known answers takes the ``kat`` fixture and calls it once per
record it has checked (or with a count):

    def test_rfc3711_b3_key_derivation(kat):
        ...assertions on the RFC's values...
        kat("RFC 3711", 3)

Records count only when the test passes.  The standard must be a key of STANDARDS below (add
one there for a new area; a typo is an error).  The totals are printed at the end of the run
and tests/run.py prints them per CPU level.

Skips
-----
A test may skip only because something this machine really lacks; anything else fails the
run (the whole pytest session exits non-zero, and tests/run.py says which test and why).
Skip through these helpers, whose reasons carry the category:

    require("numpy")             a dependency of the `test` extra: imported, or the test FAILS,
                                 unless CCFAST_TEST_WITHOUT (comma-separated module names) says
                                 this target installs the suite without it (no wheel exists
                                 there: see the cibuildwheel overrides in pyproject.toml)
    need_peer("gmssl_pyx")       an optional peer outside the `test` extra: imported, or the
                                 test skips "[peer absent] gmssl_pyx"
    skip_tool("valgrind", why)   an external program that is not installed ("[tool absent]")
    skip_cpu(why)                a CPU feature the test needs is absent ("[cpu]")
    skip_platform(why)           the OS, interpreter or build configuration lacks what the test
                                 checks: /proc, a free-threaded build, a 64-bit address space,
                                 the C sources beside an installed wheel ("[platform]")

pytest.importorskip() of a module that is not a test dependency counts as "[peer absent]";
of a test dependency it fails, as require() does.  tests/run.py re-checks every
"[peer absent]" skip: the module must really be missing from the interpreter.

CCFAST_TEST_REPORT names a JSON file that receives the skips and the known-answer counts
(tests/run.py sets it for each level).
"""
import collections
import importlib
import importlib.util
import json
import os
import pathlib
import re
import runpy

import pytest

import ccfast

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Import names of the `test` extra (pyproject.toml [project.optional-dependencies] test);
# tests/test_packaging_meta.py checks the two lists agree.
TEST_DEPENDENCIES = {"pytest", "hypothesis", "cryptography", "cryptography_vectors", "numpy",
                     "pylibsrtp", "gmssl", "pytest_benchmark", "mypy", "ff3", "cyphera"}

# Standards whose known-answer records the suite counts (kat fixture).
STANDARDS = {
    "NIST CAVP": "NIST CAVP GCM response files (gcmEncryptExtIV, gcmDecrypt) from cryptography-vectors "
                 "and the key-wrap-with-padding files KWP_AE_256 / KWP_AD_256 (tests/vectors/keywrap)",
    "Wycheproof": "C2SP Project Wycheproof test vectors (tests/vectors/wycheproof)",
    "C2SP": "vectors of C2SP specifications (e.g. chunked encryption)",
    "RFC 3711": "SRTP, Appendix B (key derivation, AES-CM keystream)",
    "RFC 6188": "SRTP with AES-192/256, section 7",
    "RFC 5649": "AES key wrap with padding, section 6 examples",
    "RFC 6904": "SRTP header-extension encryption, Appendix A",
    "RFC 7714": "AES-GCM for SRTP/SRTCP, sections 16 and 17",
    "RFC 8998": "SM4-GCM/SM4-CCM (TLS 1.3 SM cipher suites)",
    "RFC 9335": "SRTP cryptex, Appendix A",
    "libsrtp": "libsrtp's reference packets (test/srtp_driver.c)",
    "GB/T": "GB/T 32905/32907/32918 and GM/T 0042 worked examples and the SM known answers "
            "published with them (OSCCA, GmSSL, OpenSSL test data)",
    "draft-ribose-cfrg-sm4": "draft-ribose-cfrg-sm4-10 examples (cryptography-vectors)",
    "FIPS 180": "FIPS 180 SHA-1 and SHA-256 examples",
    "RFC 9162": "Merkle tree hashes and proofs of RFC 9162 / RFC 6962: the reference tree of the "
                "Certificate Transparency test suites and the transparency-dev proof probes (tests/vectors/tlog)",
    "NIST SP 800-38G": "FF1 samples published with NIST SP 800-38G (FF1 samples 1-9)",
    "NIST ACVP": "NIST ACVP-Server FF1 and FF3-1 known answers (tests/vectors/fpe)",
}

SKIP_CATEGORIES = ("[cpu]", "[peer absent]", "[tool absent]", "[platform]")


def import_root() -> pathlib.Path:
    """The directory ccfast is imported from: site-packages for an installed wheel, src/ for an
    in-place build. Child processes get it on PYTHONPATH so they test the same build."""
    return pathlib.Path(ccfast.__file__).resolve().parent.parent


def child_env(**extra: str) -> dict:
    """os.environ for a child Python process that imports the ccfast under test."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(import_root()), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def vectors_root() -> pathlib.Path:
    env = os.environ.get("CCFAST_VECTORS")
    return pathlib.Path(env) if env else ROOT / "tests" / "vectors"


def wycheproof_root() -> pathlib.Path:
    return vectors_root() / "wycheproof"


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


# ---- skips ------------------------------------------------------------------------------------

def _without():
    return {m.strip() for m in os.environ.get("CCFAST_TEST_WITHOUT", "").split(",") if m.strip()}


def require(module):
    """Import a module of the `test` extra (a dotted name is fine); missing, the test fails --
    unless CCFAST_TEST_WITHOUT names its top-level package for this target."""
    top = module.split(".")[0]
    if top not in TEST_DEPENDENCIES:
        raise ValueError(f"{top} is not in the test extra: use need_peer()")
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if top in _without() and importlib.util.find_spec(top) is None:
            # allow_module_level: a module that needs it throughout (require() at its top)
            # is skipped whole instead of failing to collect
            pytest.skip(f"[peer absent] {top} (this target runs without it: CCFAST_TEST_WITHOUT)",
                        allow_module_level=True)
        pytest.fail(f"{module} cannot be imported ({exc}); it is a test dependency: "
                    f"python -m pip install '.[test]'", pytrace=False)


def need_peer(module, hint=""):
    """Import an optional peer that the `test` extra does not install; missing, skip."""
    top = module.split(".")[0]
    if top in TEST_DEPENDENCIES:
        raise ValueError(f"{top} is a test dependency: use require()")
    try:
        return importlib.import_module(module)
    except ImportError:
        if importlib.util.find_spec(top) is not None:
            raise                                  # installed but broken: that is a failure
        pytest.skip(f"[peer absent] {top}" + (f" ({hint})" if hint else ""))


def skip_tool(program, why="", **kw):
    pytest.skip(f"[tool absent] {program}" + (f": {why}" if why else ""), **kw)


def skip_cpu(why, **kw):
    pytest.skip(f"[cpu] {why}", **kw)


def skip_platform(why, **kw):
    pytest.skip(f"[platform] {why}", **kw)


def tree_kind():
    """What the tests run from: 'git checkout', 'sdist' or 'copy of the tests'."""
    if (ROOT / ".git").exists():
        return "git checkout"
    if (ROOT / "PKG-INFO").is_file():
        return "sdist"
    return "copy of the tests"


def build_c(exe, main, dirs, flags):
    """Compile csrc/tests/<main> with every kernel source of csrc/<dirs> into exe: gcc with flags
    and the include paths of csrc/tests/run_driver.py, through its object cache (two compilers
    at once, an object built with the same compiler, flags, source and headers reused, so the
    constant-time checks that link the same kernels compile them once).  A failed build fails
    the test with the compiler's messages."""
    driver = runpy.run_path(str(ROOT / "csrc" / "tests" / "run_driver.py"), run_name="ccfast_tests")
    srcs = [str(p) for d in dirs for p in sorted((ROOT / "csrc" / d).glob("*.c"))]
    _, incs = driver["sources"]("srtp")
    rc, messages = driver["build"](["gcc", *flags], incs, [str(ROOT / "csrc" / "tests" / main), *srcs], str(exe))
    assert rc == 0, f"building {main} failed:\n{messages[-6000:]}"
    return exe


_IMPORTORSKIP = re.compile(r"could not import '([^']+)'")


def classify_skip(reason):
    """(category or None, detail) of a skip reason; None: not an allowed reason."""
    reason = reason.strip()
    if reason.startswith("Skipped: "):
        reason = reason[len("Skipped: "):]
    for cat in SKIP_CATEGORIES:
        if reason.startswith(cat):
            if cat == "[peer absent]":
                top = reason[len(cat):].split()[0] if reason[len(cat):].strip() else ""
                if top in TEST_DEPENDENCIES and top not in _without():
                    return None, reason
            return cat, reason
    m = _IMPORTORSKIP.search(reason)
    if m:
        top = m.group(1).split(".")[0]
        if top not in TEST_DEPENDENCIES or top in _without():
            return "[peer absent]", f"[peer absent] {top} ({reason})"
    return None, reason


def peer_of(detail):
    """The module a "[peer absent]" detail names."""
    return detail[len("[peer absent]"):].split()[0]


# ---- the session report: skips and known answers ---------------------------------------------

_SKIPS = []                      # (nodeid, category or None, reason)
_KAT = collections.Counter()     # standard -> records checked in passing tests


class KnownAnswers:
    """Records of published known answers checked by one test (see the module docstring)."""

    def __init__(self):
        self.counts = collections.Counter()

    def __call__(self, standard, n=1):
        if standard not in STANDARDS:
            raise ValueError(f"unknown standard {standard!r}: add it to STANDARDS in tests/conftest.py")
        if not isinstance(n, int) or n < 1:
            raise ValueError("count records with a positive int")
        self.counts[standard] += n


@pytest.fixture
def kat(request):
    rec = KnownAnswers()
    request.node._ccfast_kat = rec
    return rec


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    rec = getattr(item, "_ccfast_kat", None)
    if rec is not None and rep.when == "call" and rep.passed:
        _KAT.update(rec.counts)


def _skip_reason(report):
    lr = report.longrepr
    if isinstance(lr, tuple) and len(lr) == 3:
        return str(lr[2])
    return str(lr)


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = _skip_reason(report)
        cat, detail = classify_skip(reason)
        _SKIPS.append((report.nodeid, cat, detail))


def pytest_collectreport(report):
    if report.skipped:
        reason = _skip_reason(report)
        cat, detail = classify_skip(reason)
        _SKIPS.append((report.nodeid, cat, detail))


def pytest_collection_finish(session):
    # Long builds that a collected module can begin in the background (on the second core, while
    # the tests before it run): tests/test_fuzz.py's libFuzzer harnesses.
    for item in session.items:
        if getattr(item, "originalname", None) == "test_libfuzzer_harness":
            item.module.start_build()
            break


def _bad_skips():
    return [(n, r) for n, c, r in _SKIPS if c is None]


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("CCFAST_TEST_REPORT")
    if path:
        with open(path, "w") as f:
            json.dump({"skips": [{"nodeid": n, "category": c, "reason": r} for n, c, r in _SKIPS],
                       "known_answers": dict(_KAT)}, f, indent=1)
    if _bad_skips() and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    tr = terminalreporter
    if _KAT:
        tr.write_sep("-", "known-answer records checked")
        for std in sorted(_KAT):
            tr.write_line(f"{std:24s} {_KAT[std]:>8,}")
    bad = _bad_skips()
    if bad:
        tr.write_sep("!", f"{len(bad)} skipped for a reason that is not allowed (tests/conftest.py: Skips)")
        for nodeid, reason in bad:
            tr.write_line(f"{nodeid}: {reason}")


def pytest_report_header(config):
    level = os.environ.get("CCFAST_TEST_LEVEL", "native")
    impls = ", ".join(f"{a}={i}" for a, i in sorted(ccfast.implementations().items()))
    lines = [f"ccfast {ccfast.__version__} level={level} CCFAST_CPU_DISABLE={os.environ.get('CCFAST_CPU_DISABLE', '')!r}",
             f"implementations: {impls}"]
    if _without():
        lines.append(f"CCFAST_TEST_WITHOUT: {', '.join(sorted(_without()))}")
    return lines
