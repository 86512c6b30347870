"""Key material is never printed and never serialised by accident.

Every class that ccfast's modules define is either listed in KEYED (with a factory that builds
one holding a known key) or in NOT_KEYED; a new class fails test_every_class_is_classified
until it is put in one of them.  For each keyed object: no repr, str or format shows the key in
any common spelling (hex, base64, bytes literal, integer), and pickling (every protocol),
copy.copy and copy.deepcopy raise TypeError."""
import base64
import copy
import hmac
import importlib
import inspect
import os
import pickle
import pkgutil

import pytest

import ccfast
from ccfast import _chunked, _sm2, aead, chunked, fpe, mask, recording, sm2, sm3, sm4, srtp, tlog
from ccfast.compat import pylibsrtp as cpylibsrtp
from ccfast.compat.gmssl import sm2 as gsm2
from ccfast.compat.gmssl import sm4 as gsm4

pytestmark = pytest.mark.cpu_independent


def _sm2_private(secret):
    return sm2.SM2PrivateKey.from_bytes(secret)


def _sdes(secret):
    return srtp.parse_sdes("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + base64.b64encode(secret).decode()
                           + "|2^20|1:4 KDR=4")


def _gmssl_sm4(secret):
    c = gsm4.CryptSM4()
    c.set_key(secret, gsm4.SM4_ENCRYPT)
    return c


def _hmac_sm3(secret):
    # the keyed inner state HMAC-SM3 keeps (what hmac.new(key, digestmod=sm3.SM3) holds)
    h = sm3.SM3(bytes(b ^ 0x36 for b in secret.ljust(64, b"\0")))
    assert hmac.new(secret, b"m", digestmod=sm3.SM3).digest() == sm3.hmac(secret, b"m")
    return h


def _pylibsrtp_session(secret):
    return cpylibsrtp.Session(cpylibsrtp.Policy(key=secret, ssrc_type=cpylibsrtp.Policy.SSRC_ANY_INBOUND))


def _tlog_log(secret):
    import tempfile
    path = os.path.join(tempfile.mkdtemp(prefix="ccfast_keyed_"), "log.db")
    return tlog.Log(path, origin="example.com/log", signer=_sm2_private(secret))


def _chunked_cipher(secret):
    return _chunked.Cipher(_chunked.AES_GCM, _chunked.HASH_SHA512, secret, bytes(24), b"")


def _chunked_job(secret):
    return _chunked.SealJob(_chunked_cipher(secret), 0, bytes(16384), 0, 1, bytearray(16400), 1)


def _chunked_reader(secret):
    import io
    return chunked.Reader(io.BytesIO(chunked.encrypt(secret, b"message")), secret)


def _recording_reader(secret):
    import tempfile
    d = tempfile.mkdtemp(prefix="ccfast_keyed_")
    kek = recording.KEK(secret, "archive")
    with open(os.path.join(d, "call.raw"), "wb") as f:
        f.write(bytes(1000))
    recording.seal(os.path.join(d, "call.raw"), os.path.join(d, "call.rec"), [kek])
    return recording.open(os.path.join(d, "call.rec"), kek)


def _kex(secret):
    key = _sm2_private(secret)
    return sm2.KeyExchange(key, sm2.generate_private_key().public_key(), initiator=True)


# class -> (key length, factory(key bytes) -> object holding that key)
KEYED = {
    aead.AESGCM: (32, aead.AESGCM),
    aead.SM4GCM: (16, aead.SM4GCM),
    aead.SM4CCM: (16, aead.SM4CCM),
    sm4.SM4: (16, sm4.SM4),
    sm3.SM3: (40, _hmac_sm3),
    srtp.Session: (30, lambda k: srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, k)),
    ccfast._srtp.Session: (30, lambda k: ccfast._srtp.Session(1, k)),
    ccfast._srtp._MasterKey: (30, lambda k: ccfast._srtp.Session(1, k)._master_key()),
    srtp.SdesCrypto: (30, _sdes),
    sm2.SM2PrivateKey: (32, _sm2_private),
    _sm2.SM2Key: (32, lambda k: _sm2_private(k)._key),
    sm2.KeyExchange: (32, _kex),
    _sm2.KexContext: (32, lambda k: _sm2.KexContext(_sm2_private(k)._key)),
    cpylibsrtp.Policy: (30, lambda k: cpylibsrtp.Policy(key=k)),
    cpylibsrtp.Session: (30, _pylibsrtp_session),
    gsm2.CryptSM2: (32, lambda k: gsm2.CryptSM2(private_key=k.hex(), public_key="")),
    gsm4.CryptSM4: (16, _gmssl_sm4),
    fpe.FF1: (16, fpe.FF1),
    fpe.FF3_1: (16, fpe.FF3_1),
    mask.Tokenizer: (16, mask.Tokenizer),
    tlog.Log: (32, _tlog_log),                # with a signer
    chunked.Writer: (32, lambda k: chunked.Writer(__import__("io").BytesIO(), k)),
    chunked.Reader: (32, _chunked_reader),
    _chunked.Cipher: (32, _chunked_cipher),
    _chunked.SealJob: (32, _chunked_job),     # holds a Cipher while threads seal
    recording.KEK: (32, lambda k: recording.KEK(k, "archive")),
    recording.RecordingReader: (32, _recording_reader),       # holds the file key's payload key
    recording._Keys: (32, lambda k: recording._Keys(recording._SUITE_IDS["SM4_GCM_SM3"], k)),
}

NOT_KEYED = {
    # public values or no secrets at all
    "ccfast.sm2.SM2PublicKey", "ccfast.srtp.Profile", "ccfast._srtp._Stream", "ccfast._srtp._RateLimit",
    "ccfast._jitter.Frame", "ccfast._jitter.JitterBuffer", "ccfast._jitter.PutResult",
    "ccfast._jitter.FrameKind", "ccfast._netsim.Scenario", "ccfast._netsim.Packet",
    "ccfast._sm4._SM4AEAD",                  # abstract base of SM4GCM / SM4CCM (tested through them)
    "ccfast._cli.speed.Row",
    "ccfast._fpe._FPE",                      # abstract base of FF1 / FF3_1 (tested through them)
    "ccfast._mask.Match",                    # a finding of mask.scan (its repr masks the number)
    "ccfast.tlog.Checkpoint", "ccfast.tlog.TileAudit",     # public tree heads and audit results
    "ccfast.tlog._Exporter", "ccfast.tlog._Tiles",         # a database connection, an exported directory
    "ccfast.chunked.Suite",                  # names of algorithm suites
    "ccfast._chunked.SealPool",              # worker threads and locks; jobs carry the keys
    "ccfast._cli.speed_chunked._Keep", "ccfast._cli.speed_chunked._Null",   # benchmark sinks
    "ccfast._keywrap._Schedules",            # C schedules held inside a KEK, never handed out (tested through KEK)
    "ccfast._net.Batch", "ccfast._net._Ints", "ccfast._net._Mem", "ccfast._net._Rows",   # datagram buffers
    "ccfast.net.BatchReader",                # a socket and a callback
    # a recording's public header: metadata, recipients' ids, wrapped (encrypted) file keys
    "ccfast.recording.Metadata", "ccfast.recording.RecipientInfo", "ccfast.recording.RecordingInfo",
    "ccfast.recording._Header", "ccfast.recording._Stanza",
    "ccfast.recording._AtomicFile", "ccfast.recording._NoClose", "ccfast.recording._Window",   # file plumbing
}


def _modules():
    names = ["ccfast"]
    for info in pkgutil.walk_packages(ccfast.__path__, "ccfast."):
        if info.name.startswith("ccfast._cli.") and not info.name.startswith("ccfast._cli.speed"):
            continue                          # command modules (speed rows included: Row)
        names.append(info.name)
    return [importlib.import_module(n) for n in names]


def _classes():
    seen = {}
    for mod in _modules():
        for obj in vars(mod).values():
            if inspect.isclass(obj) and obj.__module__.startswith("ccfast") and not issubclass(obj, BaseException):
                seen[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return seen


def test_every_class_is_classified():
    keyed = {f"{c.__module__}.{c.__qualname__}" for c in KEYED}
    unclassified = sorted(set(_classes()) - keyed - NOT_KEYED)
    assert not unclassified, ("classify these classes in tests/test_key_material.py (KEYED with a "
                              f"factory if they hold key material, NOT_KEYED otherwise): {unclassified}")


def _spellings(secret):
    """Ways a key could appear in text: hex (both cases), base64, the bytes literal, the integer."""
    forms = {secret.hex(), secret.hex().upper(), base64.b64encode(secret).decode(), repr(secret)[2:-1],
             str(int.from_bytes(secret, "big")), format(int.from_bytes(secret, "big"), "x")}
    # and any 6-byte piece of it in hex
    forms |= {secret[i:i + 6].hex() for i in range(len(secret) - 5)}
    forms |= {secret[i:i + 6].hex().upper() for i in range(len(secret) - 5)}
    return forms


def _secret(n):
    # random, without leading zero bytes (the integer spellings would drop them) and valid as
    # an SM2 private key (below n - 1)
    while True:
        s = os.urandom(n)
        if s[0] not in (0, 0xFF):
            return s


@pytest.mark.parametrize("cls", list(KEYED), ids=lambda c: c.__qualname__ if c.__module__ != "ccfast._srtp" else "_srtp.Session")
def test_no_key_in_repr_or_str(cls):
    n, make = KEYED[cls]
    secret = _secret(n)
    obj = make(secret)
    assert isinstance(obj, cls)
    texts = [repr(obj), str(obj), format(obj, "")]
    for text in texts:
        for form in _spellings(secret):
            assert form not in text, f"{cls.__qualname__}: {text!r} shows the key ({form!r})"


@pytest.mark.parametrize("cls", list(KEYED), ids=lambda c: c.__qualname__ if c.__module__ != "ccfast._srtp" else "_srtp.Session")
def test_no_pickling_or_copying(cls):
    n, make = KEYED[cls]
    obj = make(_secret(n))
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError):
            pickle.dumps(obj, protocol)
    with pytest.raises(TypeError):
        copy.copy(obj)
    with pytest.raises(TypeError):
        copy.deepcopy(obj)


def test_sdes_repr_still_says_what_it_is():
    s = _sdes(_secret(30))
    r = repr(s)
    assert r.startswith("SdesCrypto(tag=1, profile=<Profile.AES_CM_128_HMAC_SHA1_80")
    assert "key=<30 bytes, not shown>" in r and "lifetime=1048576" in r and "mki=b'\\x00\\x00\\x00\\x01'" in r
    assert "'KDR=4'" in r


def test_session_repr_names_profile_and_streams():
    s = srtp.Session(srtp.Profile.AEAD_AES_128_GCM, os.urandom(28))
    assert repr(s) == "<ccfast.srtp.Session AEAD_AES_128_GCM, 0 streams>"
    s.protect(bytes([0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7]) + b"x" * 20)
    assert repr(s) == "<ccfast.srtp.Session AEAD_AES_128_GCM, 1 streams>"


def test_keyed_errors_do_not_show_keys():
    """Messages of errors raised while handling keys do not carry the key either."""
    secret = _secret(31)                                          # a wrong length everywhere
    for make in (aead.AESGCM, aead.SM4GCM, sm4.SM4, lambda k: srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, k),
                 _sm2_private):
        with pytest.raises(ValueError) as ei:
            make(secret)
        for form in _spellings(secret):
            assert form not in str(ei.value)
