"""Typing: the examples of README.md and docs/*.md pass `mypy --strict` (each page's Python
blocks, in order, as one module), the stubs themselves pass `mypy --strict`, and
`python -m mypy.stubtest ccfast` finds the stubs true to the runtime (every exception in
tests/stubtest_allowlist.txt says why).  mypy is in the `test` extra."""
import os
import pathlib
import re
import subprocess
import sys

import pytest

import ccfast
from doc_examples import pages, public_modules, python_blocks

pytestmark = pytest.mark.cpu_independent

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = pathlib.Path(ccfast.__file__).resolve().parent


def _installed():
    """True when ccfast is imported from site-packages (mypy then finds it by itself)."""
    return any(part in ("site-packages", "dist-packages") for part in PACKAGE.parts)


def _mypy_env():
    env = dict(os.environ)
    env.pop("MYPYPATH", None)
    if not _installed():
        env["MYPYPATH"] = str(PACKAGE.parent)          # a source tree on PYTHONPATH
    return env


def _mypy(args, cwd):
    pytest.importorskip("mypy")
    return subprocess.run([sys.executable, "-m", "mypy", *args], cwd=cwd, env=_mypy_env(),
                          capture_output=True, text=True, timeout=900)


def _module_name(page):
    rel = page.relative_to(ROOT).with_suffix("")
    return "example_" + re.sub(r"\W", "_", str(rel))


def test_docs_examples_pass_mypy_strict(tmp_path):
    files = []
    for page in pages():
        blocks = python_blocks(page)
        if not blocks:
            continue
        path = tmp_path / f"{_module_name(page)}.py"
        # one module per page, the blocks in order (as tests/test_docs.py runs them); blocks
        # that do not run are type-checked too
        path.write_text("".join(f"# {b.where()}\n{b.code}" for b in blocks), encoding="utf-8")
        files.append(path.name)
    config = tmp_path / "mypy.ini"
    # The package's own sources (a source tree's .py files without stubs) are not what is
    # checked here: only the examples, against the stubs.
    config.write_text("[mypy]\n[mypy-ccfast.*]\nfollow_imports = silent\n", encoding="utf-8")
    r = _mypy(["--strict", "--config-file", str(config), "--cache-dir", str(tmp_path / "cache"),
               "--no-error-summary", *files], cwd=tmp_path)
    assert r.returncode == 0, "mypy --strict on the docs' examples:\n" + r.stdout + r.stderr


def test_stubs_pass_mypy_strict(tmp_path):
    stubs = sorted(str(p.relative_to(PACKAGE.parent)) for p in PACKAGE.rglob("*.pyi"))
    assert any(s.endswith("aead.pyi") for s in stubs)
    r = _mypy(["--strict", "--cache-dir", str(tmp_path / "cache"), "--no-error-summary", *stubs],
              cwd=PACKAGE.parent)
    assert r.returncode == 0, "mypy --strict on the stubs:\n" + r.stdout + r.stderr


def test_every_public_module_has_types():
    """Each public module has a stub, or is pure Python with annotations (and py.typed ships)."""
    assert (PACKAGE / "py.typed").is_file()
    for name in public_modules():
        rel = pathlib.Path(*name.split(".")[1:]) if name != "ccfast" else pathlib.Path()
        base = PACKAGE / rel
        candidates = [base.with_suffix(".pyi"), base / "__init__.pyi", base.with_suffix(".py"), base / "__init__.py"]
        if name == "ccfast":
            candidates = [PACKAGE / "__init__.pyi", PACKAGE / "__init__.py"]
        assert any(c.is_file() for c in candidates), f"{name}: no stub and no Python source"
        native = [p for p in PACKAGE.glob(f"{rel.name}.*") if p.suffix in (".so", ".pyd")] if name != "ccfast" else []
        if native:
            assert base.with_suffix(".pyi").is_file(), f"{name} is native and has no stub"


def test_stubtest(tmp_path):
    pytest.importorskip("mypy")
    r = subprocess.run([sys.executable, "-m", "mypy.stubtest", "ccfast",
                        "--allowlist", str(ROOT / "tests" / "stubtest_allowlist.txt"),
                        "--mypy-config-file", str(ROOT / "pyproject.toml")],
                       cwd=tmp_path, env=_mypy_env(), capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, "python -m mypy.stubtest ccfast:\n" + r.stdout[-20000:] + r.stderr[-4000:]
