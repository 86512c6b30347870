"""Leaks and lifetimes: create / use / destroy cycles of every object keep memory flat, error
paths included (a failed decryption or unprotect is where a leak hides most often).

Three measures, taken after a warm-up and after the cycles:
  * RSS (/proc/self/statm) and, where glibc says it (mallinfo2), the C heap in use: catch C-level
    allocations (key schedules, jitter slots, batch scratch) that are never freed; a leak of
    16 bytes per cycle over 100,000 cycles adds 1.6 MB, above the allowances for allocator
    noise.  The heap count matters inside a long suite, where a leak can fill pages an earlier
    test freed without RSS moving;
  * sys.getallocatedblocks(): the interpreter's live blocks, so a single Python object leaked per
    cycle (a missing DECREF on a result or an exception) shows as one block per cycle whatever
    its size; this lets the public-key cycles, which cost ~1 ms, run fewer times.
SM2 key generation and key exchange are costly: keys loaded from bytes and the cheap error paths
run 100,000 times, full sign / verify / encrypt / decrypt / exchange cycles a few thousand times.

Under AddressSanitizer the quarantine holds freed memory, so RSS says nothing: there each cycle
runs a few times with no measure, and LeakSanitizer checks the allocations at exit
(scripts/sanitize_suite.sh).
"""
import ctypes
import gc
import hmac
import logging
import os
import struct
import sys

import pytest

from conftest import skip_platform

from ccfast import aead, fpe, jitter, mask, sm2, sm3, sm4, srtp
from ccfast.compat import gmssl as cgmssl
from ccfast.compat import pylibsrtp as cpylibsrtp
from ccfast.exceptions import (AuthenticationError, DecryptionError, InvalidSignature, InvalidTag,
                               PacketError, ReplayError)

pytestmark = pytest.mark.cpu_independent

CYCLES = 100_000
PUBLIC_KEY_CYCLES = 3_000
RSS_ALLOWANCE = 1_500_000       # bytes of RSS growth tolerated (allocator and interpreter noise)
HEAP_ALLOWANCE = 1_000_000      # bytes of C heap growth tolerated (glibc's count of bytes in use)
BLOCK_ALLOWANCE = 200           # interpreter blocks tolerated (caches, free lists)
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
SANITIZED = "libasan" in os.environ.get("LD_PRELOAD", "") or "libclang_rt.asan" in os.environ.get("LD_PRELOAD", "")


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def _heap_probe():
    try:
        mallinfo2 = ctypes.CDLL(None).mallinfo2          # glibc 2.33+
    except (AttributeError, OSError):
        return None
    mallinfo2.restype = _Mallinfo2
    return mallinfo2


_MALLINFO2 = _heap_probe()


def heap_in_use():
    """Bytes the C allocator has handed out and not had back (0 where glibc cannot say)."""
    if _MALLINFO2 is None:
        return 0
    m = _MALLINFO2()
    return m.uordblks + m.hblkhd


def rss():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        skip_platform("RSS not readable here (/proc/self/statm)")


def must_fail(exc, call):
    """Run an error path; it must raise exc (else the cycle would not exercise it)."""
    try:
        call()
    except exc:
        return
    raise AssertionError("expected %s" % (exc,))


def rtp(seq, ssrc, payload=160):
    return struct.pack("!BBHII", 0x80, 0, seq, seq * 160, ssrc) + bytes(payload)


K16, K24, K32 = bytes(range(16)), bytes(range(24)), bytes(range(32))
N12 = bytes(12)
PKT = rtp(1, 0x5151)
RTCP = struct.pack("!BBHI", 0x80, 200, 6, 0x5151) + bytes(20)
SRTP_KEY = bytes(range(30))
P80 = srtp.Profile.AES_CM_128_HMAC_SHA1_80
SSRCS = (0x1111, 0x2222, 0x3333)
_tx = srtp.Session(P80, SRTP_KEY)
SRTP_STREAMS = [_tx.protect(rtp(1, s)) for s in SSRCS]
SRTCP_PKT = _tx.protect_rtcp(RTCP)
SRTP_FORGED = [p[:-1] + bytes([p[-1] ^ 1]) for p in (_tx.protect(rtp(5, s)) for s in SSRCS)]   # unseen index, bad tag
SRTP_SHORT = SRTP_STREAMS[0][:8]                              # shorter than an RTP header
_GCM_TX = srtp.Session(srtp.Profile.AEAD_AES_128_GCM, bytes(28))
SRTP_GCM = _GCM_TX.protect(PKT)
SRTP_GCM_FORGED = SRTP_GCM[:-1] + bytes([SRTP_GCM[-1] ^ 1])
GCM_CT = {len(k): aead.AESGCM(k).encrypt(N12, b"payload", b"ad") for k in (K16, K24, K32)}
SM4GCM_CT = aead.SM4GCM(K16).encrypt(N12, b"payload", None)
SM4CCM_CT = aead.SM4CCM(K16).encrypt(N12, b"payload", None)
SM4CCM8_CT = aead.SM4CCM(K16, tag_length=8).encrypt(N12, b"payload", None)
D = bytes(range(1, 33))
KEY = sm2.SM2PrivateKey.from_bytes(D)
PUB = KEY.public_key()
PUB_RAW = PUB.public_bytes()
PUB_COMPRESSED = PUB.public_bytes(compressed=True)
PEM, DER = KEY.private_bytes(), KEY.private_bytes("der")
PUB_PEM = PUB.public_bytes("pem")
PEER = sm2.SM2PrivateKey.from_bytes(bytes(range(2, 34)))
PEER_PUB = PEER.public_key()
SIG = KEY.sign(b"m")
SM2_CT = PUB.encrypt(b"m")
SM2_CT_BAD_POINT = b"\x04" + bytes(64) + SM2_CT[65:]          # C1 off the curve: fails early
GMSSL_PRIV, GMSSL_PUB = D.hex(), PUB_RAW[1:].hex()


def cycle_aesgcm():
    for k in (K16, K24, K32):
        g = aead.AESGCM(k)
        ct = g.encrypt(N12, b"abc", None)
        g.decrypt(N12, GCM_CT[len(k)], b"ad")
        must_fail(InvalidTag, lambda: g.decrypt(N12, GCM_CT[len(k)], b"bad"))
    out = bytearray(64)
    g.encrypt_into(N12, b"abc", None, out)
    must_fail(InvalidTag, lambda: g.decrypt_into(N12, ct, b"x", out))
    g.encrypt_batch([N12, N12], [b"a", b"bc"])
    must_fail(ValueError, lambda: g.encrypt_batch([N12, b""], [b"a", b"bc"]))


def cycle_sm4_aeads():
    g = aead.SM4GCM(K16)
    g.decrypt(N12, SM4GCM_CT, None)
    must_fail(InvalidTag, lambda: g.decrypt(N12, SM4GCM_CT[:-1] + b"\0", None))
    g.encrypt_batch([N12, N12], [b"a", b"bc"])
    for c, ct in ((aead.SM4CCM(K16), SM4CCM_CT), (aead.SM4CCM(K16, tag_length=8), SM4CCM8_CT)):
        c.encrypt(N12, b"abc", None)
        c.decrypt(N12, ct, None)
        must_fail(InvalidTag, lambda: c.decrypt(N12, ct, b"x"))
    must_fail(ValueError, lambda: aead.SM4CCM(K16, tag_length=5))


def cycle_sm4():
    s = sm4.SM4(K16)
    ct = s.encrypt_cbc(K16, b"data")
    s.decrypt_cbc(K16, ct)
    s.ctr(K16, b"data")
    s.decrypt_ecb(s.encrypt_ecb(bytes(32)))
    must_fail(ValueError, lambda: s.decrypt_cbc(bytes(16), ct))  # wrong IV: bad padding for most IVs
    must_fail(ValueError, lambda: s.encrypt_ecb(bytes(5)))
    must_fail(ValueError, lambda: sm4.SM4(bytes(5)))


def cycle_sm3():
    h = sm3.SM3(b"abc")
    h2 = h.copy()
    h2.update(b"def")
    h2.hexdigest()
    h.digest()
    sm3.digest(b"xyz")
    sm3.kdf(b"z", 48)
    sm3.digest_batch([b"a", b"bb", b"ccc"])
    must_fail(TypeError, lambda: sm3.digest_batch([b"a", "text"]))


def cycle_hmac_sm3():
    m = hmac.new(b"key", b"msg", digestmod=sm3.SM3)
    m2 = m.copy()
    m2.update(b"more")
    m2.digest()
    m.hexdigest()
    sm3.hmac(b"k", b"m")


def cycle_sm2_load():
    k = sm2.SM2PrivateKey.from_bytes(D)
    k.to_bytes()
    p = sm2.SM2PublicKey.from_bytes(PUB_RAW)
    p.public_bytes()
    must_fail(ValueError, lambda: sm2.SM2PrivateKey.from_bytes(bytes(32)))  # zero scalar
    must_fail(ValueError, lambda: sm2.SM2PublicKey.from_bytes(b"\x04" + bytes(64)))  # not on the curve
    must_fail((InvalidSignature, ValueError), lambda: p.verify(b"\x30\x02\x00\x00", b"m"))  # malformed DER signature
    must_fail(DecryptionError, lambda: k.decrypt(SM2_CT_BAD_POINT))


def cycle_sm2_kx_create():
    a = sm2.KeyExchange(KEY, PEER_PUB, initiator=True)
    a.ephemeral
    must_fail((ValueError, DecryptionError), lambda: a.derive(b"\x04" + bytes(64)))  # peer point off the curve


def cycle_sm2_ops():
    sig = KEY.sign(b"m")
    PUB.verify(sig, b"m")
    must_fail(InvalidSignature, lambda: PUB.verify(SIG, b"n"))
    KEY.decrypt(PUB.encrypt(b"m", mode="C1C2C3", encoding="der"), mode="C1C2C3", encoding="der")
    must_fail(DecryptionError, lambda: KEY.decrypt(SM2_CT[:-1] + bytes([SM2_CT[-1] ^ 1])))
    sm2.SM2PublicKey.from_bytes(PUB_COMPRESSED)
    sm2.load_pem_private_key(PEM)
    sm2.load_der_private_key(DER)
    sm2.load_pem_public_key(PUB_PEM)
    must_fail(ValueError, lambda: sm2.load_pem_private_key(PEM[:-40]))
    a = sm2.KeyExchange(KEY, PEER_PUB, initiator=True)
    b = sm2.KeyExchange(PEER, PUB, initiator=False)
    a.derive(b.ephemeral)
    b.derive(a.ephemeral)
    a.verify_confirmation(b.confirmation)
    must_fail(InvalidSignature, lambda: b.verify_confirmation(bytes(32)))


def cycle_srtp():
    tx = srtp.Session(P80, SRTP_KEY)
    for s in SSRCS:                                        # three streams made on first packet
        tx.protect(rtp(2, s))
    tx.protect_rtcp(RTCP)
    buf = bytearray(rtp(3, SSRCS[0]) + bytes(16))
    tx.protect_into(buf, len(buf) - 16)
    tx.protect_batch([rtp(4, s) for s in SSRCS])
    tx.stats
    rx = srtp.Session(P80, SRTP_KEY)
    for p in SRTP_STREAMS:
        rx.unprotect(p)
    rx.unprotect_rtcp(SRTCP_PKT)
    for bad, exc in ((SRTP_FORGED[1], AuthenticationError), (SRTP_STREAMS[0], ReplayError),
                     (SRTP_SHORT, PacketError)):
        must_fail(exc, lambda: rx.unprotect(bad))
    must_fail(AuthenticationError, lambda: rx.unprotect_into(bytearray(SRTP_FORGED[2]), len(SRTP_FORGED[2])))
    rx.unprotect_batch(SRTP_FORGED + [b"bad"])
    # a stream made and dropped unauthenticated
    must_fail(AuthenticationError, lambda: srtp.Session(P80, SRTP_KEY, ssrc=SSRCS[0]).unprotect(SRTP_FORGED[0]))


def cycle_srtp_gcm_kdr():
    s = srtp.Session(srtp.Profile.AEAD_AES_128_GCM, bytes(28), kdr=1 << 10)
    s.protect(PKT)
    rx = srtp.Session(srtp.Profile.AEAD_AES_128_GCM, bytes(28))
    rx.unprotect(SRTP_GCM)
    must_fail((AuthenticationError, ReplayError), lambda: rx.unprotect(SRTP_GCM_FORGED))
    must_fail(ValueError, lambda: srtp.Session(P80, bytes(3)))


def cycle_jitter():
    jb = jitter.JitterBuffer()
    jb.put(b"a", 1, 160, 0.0)
    jb.put(b"a", 1, 160, 1.0)  # duplicate
    jb.put_rtp(PKT, 20.0)
    jb.put_batch([b"b", b"c", b"d"], [2, 3, 4], [320, 480, 640], [40.0, 60.0, 80.0])
    must_fail(ValueError, lambda: jb.put_rtp(PKT[:7], 30.0))
    jb.get(100.0)
    jb.get_until(500.0)
    jb.stats
    jb.reset()


def cycle_compat_gmssl():
    c = cgmssl.sm4.CryptSM4()
    c.set_key(K16, cgmssl.sm4.SM4_ENCRYPT)
    ct = c.crypt_cbc(K16, b"0123456789abcdef")
    d = cgmssl.sm4.CryptSM4()
    d.set_key(K16, cgmssl.sm4.SM4_DECRYPT)
    d.crypt_cbc(K16, ct)
    cgmssl.sm3.sm3_hash([1, 2, 3])
    cgmssl.sm3.sm3_kdf(b"z".hex().encode(), 32)
    s = cgmssl.sm2.CryptSM2(private_key=GMSSL_PRIV, public_key=GMSSL_PUB)
    s.verify("00" * 64, b"m")  # r = s = 0: rejected before any point math


def cycle_compat_pylibsrtp():
    policy = cpylibsrtp.Policy(key=SRTP_KEY, ssrc_type=cpylibsrtp.Policy.SSRC_ANY_OUTBOUND)
    tx = cpylibsrtp.Session(policy)
    tx.protect(PKT)
    rx = cpylibsrtp.Session(cpylibsrtp.Policy(key=SRTP_KEY, ssrc_type=cpylibsrtp.Policy.SSRC_ANY_INBOUND))
    rx.unprotect(SRTP_STREAMS[0])
    must_fail(cpylibsrtp.Error, lambda: rx.unprotect(SRTP_FORGED[1]))
    rx.add_stream(cpylibsrtp.Policy(key=SRTP_KEY, ssrc_type=cpylibsrtp.Policy.SSRC_SPECIFIC, ssrc_value=7))
    rx.remove_stream(7)

_EXT_PKT = struct.pack("!BBHII", 0x91, 0, 1, 160, 0x5151) + b"\x00\x00\x00\x07" + \
    b"\xbe\xde\x00\x01\x10\xaa\x00\x00" + bytes(40)
_EXT_BAD = struct.pack("!BBHII", 0x90, 0, 2, 160, 0x5151) + b"\xbe\xde\x00\x01\xf0\xaa\x00\x00" + bytes(40)
_SM4_KEY = bytes(range(28))
_EXT_TX = srtp.Session(srtp.Profile.AEAD_SM4_GCM, _SM4_KEY, encrypted_header_ids=[1], cryptex=True, mki=b"\x01")
_EXT_WIRE = _EXT_TX.protect(_EXT_PKT)
_SDES = "a=crypto:1 AEAD_SM4_GCM inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw==|2^3|1:1 KDR=4"


def cycle_srtp_extensions():
    events = []
    rx = srtp.Session(srtp.Profile.AEAD_SM4_GCM, _SM4_KEY, encrypted_header_ids=[1], cryptex=True, mki=b"\x01",
                      max_streams=1)
    rx.on_event = lambda e, ssrc, d: events.append((e, rx))      # a cycle through the handler
    rx.unprotect(_EXT_WIRE)
    must_fail(ReplayError, lambda: rx.unprotect(_EXT_WIRE))
    must_fail(PacketError, lambda: rx.unprotect(_EXT_BAD))
    rx.add_master_key(bytes(28), b"\x02")
    rx.use_master_key(b"\x02")
    rx.remove_master_key(b"\x01")
    rx.master_keys()
    must_fail(srtp.SRTPError, lambda: rx.protect(rtp(1, 0x7777)))       # beyond max_streams
    rx.remove_stream(0x5151)
    tx = srtp.Session.from_sdes(_SDES)
    for seq in range(8):
        tx.protect(rtp(seq, 0x5151))
    must_fail(srtp.KeyLimitError, lambda: tx.protect(rtp(9, 0x5151)))   # lifetime 2^3


LONG_DIGITS = "31415926535897932384626433832795028841971693993751"      # FF1's bignum path
TRANSCRIPT = "卡号 6222 0200 1234 5671，电话 +86 138-1234-5678，身份证 11010519491231002X，a.b@example.com"


def cycle_fpe():
    f = fpe.FF1(K16, cipher="sm4" if K16[0] & 1 else "aes")
    f.decrypt(f.encrypt("6222020012345671", b"t"), b"t")
    f.decrypt_many(f.encrypt_many(["0123456789", LONG_DIGITS], b"t"), b"t")
    g = fpe.FF3_1(K16, radix=36)
    g.decrypt(g.encrypt("0123456789abcdefghi", bytes(7)), bytes(7))
    must_fail(ValueError, lambda: f.encrypt("12345a7890"))
    must_fail(ValueError, lambda: g.encrypt("0123456789", bytes(8)))
    must_fail(ValueError, lambda: f.encrypt_many(["0123456789", "1"]))
    must_fail(ValueError, lambda: fpe.FF1(bytes(5)))


def cycle_mask():
    mask.scan(TRANSCRIPT)
    mask.redact(TRANSCRIPT)
    tk = mask.Tokenizer(K16)
    tk.detokenize("card", tk.card("6222 0200 1234 5671"))
    tk.detokenize("id_cn", tk.id_cn("11010519491231002X"))
    tk.phone_cn("13812345678")
    mask.card("6222020012345678")
    must_fail(ValueError, lambda: tk.card("6222020012345678"))
    must_fail(ValueError, lambda: mask.id_cn("1101051949"))


# (cycle, how many times)
CYCLERS = [
    (cycle_fpe, CYCLES // 5), (cycle_mask, CYCLES // 10),
    (cycle_aesgcm, CYCLES), (cycle_sm4_aeads, CYCLES), (cycle_sm4, CYCLES), (cycle_sm3, CYCLES),
    (cycle_hmac_sm3, CYCLES), (cycle_sm2_load, CYCLES), (cycle_sm2_kx_create, CYCLES),
    (cycle_sm2_ops, PUBLIC_KEY_CYCLES), (cycle_srtp, CYCLES), (cycle_srtp_gcm_kdr, CYCLES),
    (cycle_jitter, CYCLES), (cycle_compat_gmssl, CYCLES), (cycle_compat_pylibsrtp, CYCLES),
    (cycle_srtp_extensions, CYCLES // 4),
]


def growth(cycle, n):
    """(RSS, C heap in use, interpreter blocks): growth over n cycles after a warm-up."""
    for _ in range(max(n // 50, 20)):
        cycle()
    gc.collect()
    before = rss(), heap_in_use(), sys.getallocatedblocks()
    for _ in range(n):
        cycle()
    gc.collect()
    after = rss(), heap_in_use(), sys.getallocatedblocks()
    return tuple(a - b for a, b in zip(after, before))


def check_flat(name, n, grown):
    rss_grown, heap_grown, blocks_grown = grown
    # RSS alone can miss a leak that fills pages an earlier test freed (still resident)
    assert rss_grown <= RSS_ALLOWANCE, \
        f"{name}: RSS grew by {rss_grown} bytes over {n} cycles ({rss_grown / n:.1f} B per cycle)"
    assert heap_grown <= HEAP_ALLOWANCE, \
        f"{name}: C heap in use grew by {heap_grown} bytes over {n} cycles ({heap_grown / n:.1f} B per cycle)"
    assert blocks_grown <= BLOCK_ALLOWANCE, f"{name}: {blocks_grown} interpreter blocks still held after {n} cycles"


@pytest.fixture(autouse=True)
def quiet_srtp_log():
    # the SRTP failure paths log (rate-limited) to "ccfast.srtp"; records pytest's log capture
    # keeps are not the objects measured here
    log = logging.getLogger("ccfast.srtp")
    level = log.level
    log.setLevel(logging.CRITICAL)
    yield
    log.setLevel(level)


@pytest.mark.parametrize("cycle,n", CYCLERS, ids=[c.__name__[6:] for c, _ in CYCLERS])
def test_memory_flat(cycle, n):
    if SANITIZED:
        for _ in range(3):
            cycle()
        return
    if not sys.platform.startswith("linux"):
        skip_platform("RSS is read from /proc (Linux)")
    grown = growth(cycle, n)
    print(f"\n[lifetimes] {cycle.__name__[6:]}: {n} cycles, RSS {grown[0]:+d} B, C heap {grown[1]:+d} B, "
          f"interpreter blocks {grown[2]:+d}")
    check_flat(cycle.__name__[6:], n, grown)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="[platform] RSS is read from /proc (Linux)")
@pytest.mark.skipif(SANITIZED, reason="[platform] AddressSanitizer's allocator: memory is measured without it")
def test_measure_sees_a_leak():
    held = []
    # one small object kept per cycle (as a missing DECREF would), then 64 bytes of raw memory
    grown = growth(lambda: held.append(bytes(40)), PUBLIC_KEY_CYCLES)
    with pytest.raises(AssertionError, match="blocks"):
        check_flat("canary", PUBLIC_KEY_CYCLES, grown)
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    held.clear()
    rss_grown, heap_grown, _ = growth(lambda: held.append(libc.malloc(64)), CYCLES)
    for p in held:
        libc.free(p)
    with pytest.raises(AssertionError, match="RSS|C heap"):
        check_flat("canary", CYCLES, (rss_grown, heap_grown, 0))   # the held addresses are blocks too
