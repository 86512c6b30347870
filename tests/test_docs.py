"""The documentation is tested: every ```python block of README.md and docs/*.md runs, in order,
one namespace per page, in a temporary working directory (a block preceded by the line
`<!-- norun -->` is skipped; those are counted, listed and kept rare), and every public name in
the `__all__` of every public ccfast module appears in backticks on some page."""
import importlib
import os
import pathlib
import re

import pytest

import ccfast
from doc_examples import NORUN, ROOT, pages, public_modules, python_blocks

pytestmark = pytest.mark.cpu_independent

# Blocks that do not run (they need a network, a peer or a long time) stay an exception.
MAX_NORUN = 8


def page_id(page):
    return str(page.relative_to(ROOT))


def test_docs_exist():
    docs = ROOT / "docs"
    for required in ("README.md", "aead.md", "srtp.md", "sm2.md", "jitter.md", "compat.md", "cli.md",
                     "cpu-dispatch.md", "security.md"):
        assert (docs / required).is_file(), f"docs/{required} is missing"
    assert (docs / "sm3_sm4.md").is_file() or ((docs / "sm3.md").is_file() and (docs / "sm4.md").is_file())
    index = (docs / "README.md").read_text(encoding="utf-8")
    for p in docs.glob("*.md"):
        if p.name != "README.md":
            assert f"({p.name})" in index, f"docs/README.md does not link {p.name}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/README.md" in readme, "README.md does not point to the documentation index"


@pytest.mark.parametrize("page", pages(), ids=page_id)
def test_python_blocks_run(page, tmp_path, monkeypatch):
    blocks = python_blocks(page)
    monkeypatch.chdir(tmp_path)
    # examples that start `python -m ccfast` must find the ccfast under test
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [
        str(pathlib.Path(ccfast.__file__).resolve().parent.parent), os.environ.get("PYTHONPATH")])))
    namespace = {"__name__": "__doc_example__"}
    for block in blocks:
        if not block.run:
            continue
        try:
            exec(compile(block.code, block.where(), "exec"), namespace)
        except Exception as exc:
            pytest.fail(f"example at {block.where()} raised {type(exc).__name__}: {exc}")


def test_norun_blocks_are_listed_and_rare(capsys):
    skipped = [b.where() for p in pages() for b in python_blocks(p) if not b.run]
    total = sum(len(python_blocks(p)) for p in pages())
    with capsys.disabled():
        print(f"\n[docs] {total} python blocks, {len(skipped)} not run: {', '.join(skipped) or 'none'}")
    assert len(skipped) <= MAX_NORUN, f"too many blocks marked {NORUN}: {skipped}"


def test_public_modules_are_found():
    mods = public_modules()
    for name in ("ccfast", "ccfast.aead", "ccfast.sm2", "ccfast.sm3", "ccfast.sm4", "ccfast.srtp",
                 "ccfast.jitter", "ccfast.exceptions", "ccfast.compat", "ccfast.compat.gmssl",
                 "ccfast.compat.pylibsrtp"):
        assert name in mods


@pytest.mark.parametrize("name", public_modules())
def test_all_is_right(name):
    """__all__ exists, names only what the module has, and lists every public class and function
    the module defines (or takes from its private native module)."""
    mod = importlib.import_module(name)
    assert hasattr(mod, "__all__"), f"{name} has no __all__"
    exported = list(mod.__all__)
    assert len(set(exported)) == len(exported), f"{name}.__all__ has duplicates"
    for n in exported:
        assert hasattr(mod, n), f"{name}.__all__ names {n}, which {name} does not have"
    for n, obj in vars(mod).items():
        if n.startswith("_") or not (isinstance(obj, type) or callable(obj)):
            continue
        home = getattr(obj, "__module__", None) or ""
        # defined here, or in a private ccfast module (the native classes a public module re-exports)
        if home == name or re.fullmatch(r"ccfast(\.[a-z]\w*)*\._\w+", home):
            assert n in exported, f"{name} has the public {n} (from {home}) but does not list it in __all__"


def _code_spans():
    spans = []
    for page in pages():
        text = page.read_text(encoding="utf-8")
        spans += re.findall(r"`([^`\n]+)`", text)
        # names used inside code blocks count too (a table of API in a block is documentation)
        spans += re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)
    return spans


def test_every_public_name_is_documented():
    """Every name in the __all__ of every public module appears in backticks on some page."""
    tokens = set()
    for span in _code_spans():
        tokens.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", span))
    missing = []
    for name in public_modules():
        for n in importlib.import_module(name).__all__:
            if n not in tokens:
                missing.append(f"{name}.{n}")
    assert not missing, f"public names not documented in README.md or docs/*.md: {missing}"


# ---- what docs/sm2.md and docs/security.md say about OpenSSL, checked against the command --------

def _openssl_sm2():
    import shutil
    import subprocess
    exe = shutil.which("openssl")
    if exe is None:
        return None
    r = subprocess.run([exe, "list", "-public-key-algorithms"], capture_output=True, text=True)
    return exe if r.returncode == 0 and "SM2" in r.stdout else None


def test_openssl_sm2_claims(tmp_path):
    """OpenSSL signs with an empty ID unless given distid; ccfast's default ID interoperates with
    -sigopt/-pkeyopt distid:1234567812345678; pkeyutl's ciphertexts are DER (decrypt needs
    encoding="der"); a file signed with a streamed Z_A || message digest verifies in OpenSSL."""
    import subprocess

    from ccfast import sm2, sm3
    from ccfast.exceptions import DecryptionError, InvalidSignature

    exe = _openssl_sm2()
    if exe is None:
        pytest.skip("[tool absent] openssl with SM2 (OpenSSL 3)")

    def ossl(*args):
        r = subprocess.run([exe, *map(str, args)], capture_output=True, cwd=tmp_path)
        assert r.returncode == 0, r.stderr.decode(errors="replace")
        return r

    key = sm2.generate_private_key()
    pub = key.public_key()
    (tmp_path / "key.pem").write_bytes(key.private_bytes())
    (tmp_path / "pub.pem").write_bytes(pub.public_bytes("pem"))
    message = os.urandom(300_000)
    (tmp_path / "msg").write_bytes(message)
    distid = "distid:" + sm2.DEFAULT_UID.decode()

    # OpenSSL's defaults: the empty ID, for dgst and for pkeyutl -rawin
    ossl("dgst", "-sm3", "-sign", "key.pem", "-out", "dgst.sig", "msg")
    ossl("pkeyutl", "-sign", "-inkey", "key.pem", "-rawin", "-digest", "sm3", "-in", "msg", "-out", "pkeyutl.sig")
    for name in ("dgst.sig", "pkeyutl.sig"):
        sig = (tmp_path / name).read_bytes()
        pub.verify(sig, message, uid=b"")
        with pytest.raises(InvalidSignature):
            pub.verify(sig, message)
    # with distid, OpenSSL signs as ccfast's default
    ossl("dgst", "-sm3", "-sign", "key.pem", "-sigopt", distid, "-out", "dgst_id.sig", "msg")
    pub.verify((tmp_path / "dgst_id.sig").read_bytes(), message)
    # ccfast's default signature: OpenSSL verifies it with distid only
    (tmp_path / "cc.sig").write_bytes(key.sign(message))
    ossl("dgst", "-sm3", "-verify", "pub.pem", "-sigopt", distid, "-signature", "cc.sig", "msg")
    r = subprocess.run([exe, "dgst", "-sm3", "-verify", "pub.pem", "-signature", "cc.sig", "msg"],
                       capture_output=True, cwd=tmp_path)
    assert r.returncode != 0
    # a signature of a streamed digest (Z_A first) is an ordinary signature of the file
    h = sm3.SM3(pub.z())
    with open(tmp_path / "msg", "rb") as f:
        for chunk in iter(lambda: f.read(1 << 14), b""):
            h.update(chunk)
    (tmp_path / "stream.sig").write_bytes(key.sign_digest(h.digest()))
    ossl("dgst", "-sm3", "-verify", "pub.pem", "-sigopt", distid, "-signature", "stream.sig", "msg")
    pub.verify((tmp_path / "stream.sig").read_bytes(), message)
    pub.verify_digest((tmp_path / "stream.sig").read_bytes(), h.digest())
    # encryption: pkeyutl writes and reads DER; decrypt's default is raw
    (tmp_path / "secret").write_bytes(b"secret for ccfast")
    ossl("pkeyutl", "-encrypt", "-pubin", "-inkey", "pub.pem", "-in", "secret", "-out", "ossl.ct")
    ct = (tmp_path / "ossl.ct").read_bytes()
    with pytest.raises(DecryptionError):
        key.decrypt(ct)
    assert key.decrypt(ct, encoding="der") == b"secret for ccfast"
    (tmp_path / "cc.ct").write_bytes(pub.encrypt(b"secret for openssl", encoding="der"))
    assert ossl("pkeyutl", "-decrypt", "-inkey", "key.pem", "-in", "cc.ct").stdout == b"secret for openssl"
