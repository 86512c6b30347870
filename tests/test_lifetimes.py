"""Leaks and lifetimes: 100,000 create / use / destroy cycles of every object keep RSS flat,
error paths included (a failed decryption or unprotect is where a leak hides most often).

RSS is read from /proc/self/statm after a warm-up and after the cycles; a leak of even 24 bytes
per cycle would add 2.4 MB, well above the allowance for allocator noise.
"""
import os
import struct
import sys

import pytest

from ccfast import aead, jitter, sm2, sm3, sm4, srtp
from ccfast.compat import gmssl as cgmssl
from ccfast.exceptions import AuthenticationError, DecryptionError, InvalidSignature, InvalidTag

pytestmark = pytest.mark.cpu_independent

CYCLES = 100_000
ALLOWANCE = 1_500_000           # bytes of RSS growth tolerated (allocator and interpreter noise)
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        pytest.skip("RSS not readable here (/proc/self/statm)")


K16, K32 = bytes(range(16)), bytes(range(32))
N12 = bytes(12)
PKT = struct.pack("!BBHII", 0x80, 0, 1, 160, 0x5151) + bytes(160)
SRTP_KEY = bytes(range(30))
_SRTP_PROT = srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, SRTP_KEY).protect(PKT)
_SRTP_FORGED = _SRTP_PROT[:3] + b"\x02" + _SRTP_PROT[4:-1] + bytes([_SRTP_PROT[-1] ^ 1])   # seq 2, bad tag
_GCM_CT = aead.AESGCM(K16).encrypt(N12, b"payload", b"ad")
_SM4GCM_CT = aead.SM4GCM(K16).encrypt(N12, b"payload", None)
_SM4CCM_CT = aead.SM4CCM(K16).encrypt(N12, b"payload", None)
_D = bytes(range(1, 33))
_KEY = sm2.SM2PrivateKey.from_bytes(_D)
_PUB_RAW = _KEY.public_key().public_bytes()
_PEER = sm2.SM2PrivateKey.from_bytes(bytes(range(2, 34)))
_SIG = _KEY.sign(b"m")
_SM2_CT = _KEY.public_key().encrypt(b"m")


def cycle_aesgcm():
    for k in (K16, bytes(24), K32):
        g = aead.AESGCM(k)
        g.encrypt(N12, b"abc", None)
    g = aead.AESGCM(K16)
    g.decrypt(N12, _GCM_CT, b"ad")
    try:
        g.decrypt(N12, _GCM_CT, b"bad")
    except InvalidTag:
        pass


def cycle_sm4_aeads():
    g = aead.SM4GCM(K16)
    g.decrypt(N12, _SM4GCM_CT, None)
    try:
        g.decrypt(N12, _SM4GCM_CT[:-1] + b"\0", None)
    except InvalidTag:
        pass
    c = aead.SM4CCM(K16)
    c.decrypt(N12, _SM4CCM_CT, None)
    try:
        c.decrypt(N12, _SM4CCM_CT, b"x")
    except InvalidTag:
        pass


def cycle_sm4():
    s = sm4.SM4(K16)
    ct = s.encrypt_cbc(K16, b"data")
    s.decrypt_cbc(K16, ct)
    s.ctr(K16, b"data")
    s.encrypt_ecb(bytes(16))
    try:
        s.decrypt_cbc(bytes(16), ct[:16])     # bad padding (most IVs)
    except ValueError:
        pass


def cycle_sm3():
    h = sm3.SM3(b"abc")
    h2 = h.copy()
    h2.update(b"def")
    h2.hexdigest()
    sm3.hmac(b"k", b"m")
    sm3.kdf(b"z", 48)


def cycle_sm3_batch():
    sm3.digest_batch([b"a", b"bb", b"ccc"])


def cycle_sm2_keys():
    k = sm2.SM2PrivateKey.from_bytes(_D)
    p = sm2.SM2PublicKey.from_bytes(_PUB_RAW)
    p.verify(_SIG, b"m")
    try:
        p.verify(_SIG, b"n")
    except InvalidSignature:
        pass
    try:
        k.decrypt(_SM2_CT[:-1] + b"\0")
    except DecryptionError:
        pass


def cycle_sm2_kx():
    a = sm2.KeyExchange(_KEY, _PEER.public_key(), initiator=True)
    b = sm2.KeyExchange(_PEER, _KEY.public_key(), initiator=False)
    a.derive(b.ephemeral)
    b.derive(a.ephemeral)


def cycle_srtp():
    tx = srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, SRTP_KEY)
    tx.protect(PKT)
    rx = srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, SRTP_KEY)
    rx.unprotect(_SRTP_PROT)
    try:
        rx.unprotect(_SRTP_FORGED)
    except AuthenticationError:
        pass
    try:
        srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, SRTP_KEY).unprotect(_SRTP_FORGED)
    except AuthenticationError:                     # a stream made and dropped unauthenticated
        pass


def cycle_srtp_kdr():
    s = srtp.Session(srtp.Profile.AEAD_AES_128_GCM, bytes(28), kdr=1 << 10)
    s.protect(PKT)


def cycle_jitter():
    jb = jitter.JitterBuffer()
    jb.put(b"a", 1, 160, 0.0)
    jb.put_rtp(PKT, 20.0)
    jb.get_until(500.0)
    jb.stats


def cycle_compat():
    c = cgmssl.sm4.CryptSM4()
    c.set_key(K16, cgmssl.sm4.SM4_ENCRYPT)
    c.crypt_ecb(b"0123456789abcdef")
    cgmssl.sm3.sm3_hash([1, 2, 3])


CYCLERS = [cycle_aesgcm, cycle_sm4_aeads, cycle_sm4, cycle_sm3, cycle_sm3_batch, cycle_sm2_keys, cycle_sm2_kx,
           cycle_srtp, cycle_srtp_kdr, cycle_jitter, cycle_compat]
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RSS read from /proc (Linux)")
@pytest.mark.skipif("libasan" in os.environ.get("LD_PRELOAD", ""),
                    reason="AddressSanitizer's quarantine holds freed memory, so RSS says nothing "
                           "(LeakSanitizer checks leaks in that run)")
@pytest.mark.parametrize("cycle", CYCLERS, ids=lambda f: f.__name__[6:])
def test_rss_flat(cycle):
    n = CYCLES
    for _ in range(n // 50):
        cycle()
    before = rss()
    for _ in range(n):
        cycle()
    grown = rss() - before
    assert grown <= ALLOWANCE, f"RSS grew by {grown} bytes over {n} cycles ({grown / n:.1f} B per cycle)"
