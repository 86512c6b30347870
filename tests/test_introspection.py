"""Introspection: inspect.signature() and help() show the parameters of every public class,
method and function, and a wrong call names the class or function it went to (the native
constructors' errors would otherwise name Cython's `__cinit__()`)."""
import inspect
import pydoc
import re

import pytest

from ccfast import aead, fpe, jitter, mask, sm2, sm3, sm4, srtp
from doc_examples import public_modules

pytestmark = pytest.mark.cpu_independent

KEY = sm2.generate_private_key()

# public class -> (positional arguments that construct it, its documented parameters)
CONSTRUCTORS = {
    aead.AESGCM: ((bytes(16),), ["key"]),
    aead.SM4GCM: ((bytes(16),), ["key"]),
    aead.SM4CCM: ((bytes(16),), ["key", "tag_length"]),
    sm4.SM4: ((bytes(16),), ["key"]),
    sm3.SM3: ((), ["data"]),
    jitter.JitterBuffer: ((), ["clock_rate", "frame_ms", "mode", "delay_ms", "min_delay_ms", "max_delay_ms",
                               "capacity", "quantile", "cn_payload_types"]),
    srtp.Session: ((srtp.Profile.AES_CM_128_HMAC_SHA1_80, bytes(30)),
                   ["profile", "key", "ssrc", "replay_window", "allow_repeat_tx", "kdr", "mki", "rtcp_encrypt",
                    "encrypted_header_ids", "cryptex", "lifetime", "max_streams", "on_event"]),
    sm2.KeyExchange: ((KEY, KEY.public_key()), ["private_key", "peer_public_key", "initiator", "uid", "peer_uid"]),
}
KWARGS = {sm2.KeyExchange: {"initiator": True}}
# classes whose objects come from another call: constructing one directly names that call
MADE_ELSEWHERE = {jitter.Frame: "JitterBuffer", mask.Match: "scan"}


def public_names():
    import importlib
    for name in public_modules():
        mod = importlib.import_module(name)
        for n in mod.__all__:
            yield name, n, getattr(mod, n)


@pytest.mark.parametrize("cls", list(CONSTRUCTORS), ids=lambda c: c.__name__)
def test_constructor_signature(cls):
    args, params = CONSTRUCTORS[cls]
    sig = inspect.signature(cls)
    shown = [p for p in sig.parameters if not p.startswith("_")]
    assert shown == params, f"{cls.__name__}{sig}"
    assert not any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in sig.parameters.values())
    # the signature binds what really constructs the object
    sig.bind(*args, **KWARGS.get(cls, {}))
    cls(*args, **KWARGS.get(cls, {}))


def flat(text):
    """Text without pydoc's " |" margins and without white space: from Python 3.13 on, help()
    writes a long signature one parameter a line."""
    return re.sub(r"\s+", "", re.sub(r"(?m)^ *\| ?", "", text))


@pytest.mark.parametrize("cls", list(CONSTRUCTORS), ids=lambda c: c.__name__)
def test_help_shows_constructor_and_methods(cls):
    text = flat(pydoc.render_doc(cls, renderer=pydoc.plaintext))
    sig = inspect.signature(cls)
    assert flat(f"{cls.__name__}{sig}") in text
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") or not callable(member) or inspect.isclass(member):
            continue
        if not next(c for c in cls.__mro__ if name in vars(c)).__module__.startswith("ccfast"):
            continue
        msig = inspect.signature(member)
        assert flat(f"{name}{msig}") in text, f"help({cls.__name__}) lacks {name}{msig}"


@pytest.mark.parametrize("cls", list(CONSTRUCTORS), ids=lambda c: c.__name__)
def test_unknown_keyword_names_the_class(cls):
    args, _ = CONSTRUCTORS[cls]
    with pytest.raises(TypeError) as info:
        cls(*args, **KWARGS.get(cls, {}), no_such_argument=1)
    msg = str(info.value)
    assert cls.__name__ in msg and "no_such_argument" in msg and "__cinit__" not in msg, msg


@pytest.mark.parametrize("cls", [c for c, (args, _) in CONSTRUCTORS.items() if args], ids=lambda c: c.__name__)
def test_missing_argument_names_the_class(cls):
    with pytest.raises(TypeError) as info:
        cls()
    msg = str(info.value)
    assert cls.__name__ in msg and "__cinit__" not in msg, msg


@pytest.mark.parametrize("cls", list(CONSTRUCTORS), ids=lambda c: c.__name__)
def test_unknown_keyword_on_methods_names_the_method(cls):
    args, _ = CONSTRUCTORS[cls]
    obj = cls(*args, **KWARGS.get(cls, {}))
    checked = 0
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") or not callable(member) or inspect.isclass(member):
            continue
        with pytest.raises(TypeError) as info:
            getattr(obj, name)(no_such_argument=1)
        msg = str(info.value)
        assert name in msg and "__cinit__" not in msg, f"{cls.__name__}.{name}: {msg}"
        checked += 1
    assert checked


def test_native_constructors_take_their_documented_arguments():
    """Positional and keyword use of the native constructors' parameters (src/ccfast/_args.pxd)."""
    g = aead.AESGCM(key=bytes(16))                                  # by keyword
    assert aead.AESGCM(bytes(16), _aes="ct64")._implementation.startswith("ct64")   # private options still work
    assert len(aead.SM4CCM(bytes(16), 8).encrypt(bytes(12), b"")) == 8
    assert len(aead.SM4CCM(bytes(16), tag_length=4).encrypt(bytes(12), b"")) == 4
    assert sm3.SM3(data=b"abc").digest() == sm3.digest(b"abc") == sm3.SM3(b"abc").digest()
    assert sm3.SM3(b"abc").copy().digest() == sm3.digest(b"abc")
    assert jitter.JitterBuffer(16000, 10, mode="fixed", delay_ms=40).frame_ms == 10
    with pytest.raises(TypeError, match=r"AESGCM\(\) missing required argument 'key'"):
        aead.AESGCM()
    with pytest.raises(TypeError, match=r"Session\(\) got an unexpected keyword argument 'window'"):
        srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, bytes(30), window=64)
    assert g is not None


@pytest.mark.parametrize("module,name,obj", [x for x in public_names() if callable(x[2])],
                         ids=lambda x: x if isinstance(x, str) else "")
def test_every_public_callable_has_a_signature(module, name, obj):
    if isinstance(obj, type) and issubclass(obj, BaseException):
        return
    if isinstance(obj, type) and issubclass(obj, __import__("enum").Enum):
        return
    if obj in MADE_ELSEWHERE:                   # results of another call, never built directly
        with pytest.raises(TypeError, match=MADE_ELSEWHERE[obj]):
            obj()
        return
    sig = inspect.signature(obj)
    if isinstance(obj, type):
        for n, m in inspect.getmembers(obj):
            if n.startswith("_") or not callable(m) or inspect.isclass(m):
                continue
            owner = next(c for c in obj.__mro__ if n in vars(c))
            if not owner.__module__.startswith("ccfast"):
                continue                        # inherited from the standard library (io.RawIOBase, ...)
            inspect.signature(m)
    assert sig is not None
