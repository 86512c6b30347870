"""SRTP and SRTCP (RFC 3711) with the AES-CM/HMAC-SHA1 (RFC 3711, RFC 6188) and AES-GCM
(RFC 7714) profiles.

``Session(profile, key)`` protects and unprotects packets of any number of SSRCs; ``key`` is
master key || master salt (``key_length(profile)`` bytes).  ``keys_from_dtls`` splits DTLS-SRTP
keying material (RFC 5764 4.2).  Key derivation rates (``kdr``) of 0 and 2^0..2^24 are supported.
"""
import base64
import binascii
import re
from dataclasses import dataclass, field
from enum import IntEnum
from typing import List, Optional

from ._srtp import Session as _Session, _profile_lengths
from .exceptions import AuthenticationError, PacketError, ReplayError, SRTPError

__all__ = ["Profile", "Session", "key_length", "keys_from_dtls", "parse_sdes", "SdesCrypto",
           "SRTPError", "AuthenticationError", "ReplayError", "PacketError"]


class Profile(IntEnum):
    """SRTP protection profiles; values are the DTLS-SRTP ids (RFC 5764 4.1.2, RFC 7714 14.2)
    where one is assigned (RFC 6188's AES-192/256 profiles have none: private numbers)."""
    AES_CM_128_HMAC_SHA1_80 = 0x0001
    AES_CM_128_HMAC_SHA1_32 = 0x0002
    NULL_HMAC_SHA1_80 = 0x0005
    NULL_HMAC_SHA1_32 = 0x0006
    AEAD_AES_128_GCM = 0x0007
    AEAD_AES_256_GCM = 0x0008
    AES_192_CM_HMAC_SHA1_80 = 0x10001
    AES_192_CM_HMAC_SHA1_32 = 0x10002
    AES_256_CM_HMAC_SHA1_80 = 0x10003
    AES_256_CM_HMAC_SHA1_32 = 0x10004


def _lengths(profile):
    if isinstance(profile, bool) or not isinstance(profile, int):
        raise TypeError(f"profile must be a Profile, not {type(profile).__name__}")
    return _profile_lengths(int(profile))


def key_length(profile) -> int:
    """Bytes of master key || master salt the profile takes (30 for AES_CM_128, 28 for AEAD 128)."""
    k, s, _ = _lengths(profile)
    return k + s


class Session(_Session):
    __doc__ = _Session.__doc__

    def __init__(self, profile, key, **kwargs):
        # arguments are taken by the native __cinit__; this keeps the Profile type visible
        pass

    def __new__(cls, profile, key, **kwargs):
        _lengths(profile)
        return super().__new__(cls, int(profile), key, **kwargs)


def keys_from_dtls(keying_material, profile, is_client):
    """Split DTLS-SRTP keying material (RFC 5764 4.2: client key, server key, client salt,
    server salt) into (local_key, remote_key), each master key || master salt."""
    k, s, _ = _lengths(profile)
    km = bytes(keying_material)
    if len(km) != 2 * (k + s):
        raise ValueError(f"keying material must be {2 * (k + s)} bytes for this profile, not {len(km)}")
    client = km[:k] + km[2 * k:2 * k + s]
    server = km[k:2 * k] + km[2 * k + s:]
    return (client, server) if is_client else (server, client)


# RFC 4568 6.2 (AES_CM_128_*), RFC 6188 (AES_192/256_CM_*), RFC 7714 14.2 (AEAD_AES_*_GCM) suite
# names; NULL_HMAC_SHA1_* are the DTLS-SRTP names, accepted for symmetry.
_SDES_SUITES = {p.name: p for p in Profile}
# key-salt ["|" lifetime] ["|" mki-value ":" mki-length] (RFC 4568 9.2): a lifetime has no ':'
_INLINE = re.compile(r"inline:([A-Za-z0-9+/=]+)(?:\|([^|;:]+))?(?:\|([0-9]+):([0-9]+))?$")


@dataclass
class SdesCrypto:
    """One SDP security-descriptions crypto attribute (RFC 4568 9.1):
    ``crypto:<tag> <suite> inline:<base64 key||salt>[|<lifetime>][|<MKI>:<MKI length>] [params]``.

    ``key`` is master key || master salt (ready for ``Session``); ``lifetime`` the packet count
    (``2^20`` is written back in that form); ``mki`` the MKI as the bytes that go on the wire
    (``MKI value`` big-endian in ``MKI length`` bytes) or None; ``session_params`` is kept as text.
    """
    tag: int
    profile: Profile
    key: bytes
    lifetime: Optional[int] = None
    mki: Optional[bytes] = None
    session_params: List[str] = field(default_factory=list)

    @property
    def kdr(self) -> int:
        """The key derivation rate of a ``KDR=n`` session parameter (2**n, RFC 4568 6.3.1),
        0 without one; ready for ``Session(..., kdr=...)``."""
        for p in self.session_params:
            if p.startswith("KDR="):
                n = p[4:]
                if not n.isdigit() or int(n) > 24:
                    raise ValueError(f"bad KDR parameter {p!r} (KDR=0..24)")
                return 1 << int(n)
        return 0

    def to_attribute(self) -> str:
        """The attribute as it follows ``a=`` in SDP (``crypto:1 AES_CM_128_HMAC_SHA1_80 inline:...``)."""
        if len(self.key) != key_length(self.profile):
            raise ValueError(f"key must be {key_length(self.profile)} bytes for {self.profile.name}")
        kp = "inline:" + base64.b64encode(self.key).decode("ascii")
        if self.lifetime is not None:
            lt = self.lifetime
            kp += "|" + (f"2^{lt.bit_length() - 1}" if lt > 0 and lt & (lt - 1) == 0 else str(lt))
        if self.mki is not None:
            kp += f"|{int.from_bytes(self.mki, 'big')}:{len(self.mki)}"
        return " ".join([f"crypto:{self.tag}", self.profile.name, kp, *self.session_params])


def parse_sdes(crypto_attribute: str) -> SdesCrypto:
    """Parse an RFC 4568 crypto attribute (with or without the leading ``a=``); ValueError for
    anything malformed, an unknown suite, or a key of the wrong length for the suite.  Only the
    first of several ';'-separated key parameters is used."""
    if not isinstance(crypto_attribute, str):
        raise TypeError("crypto_attribute must be a str")
    text = crypto_attribute.strip()
    if text.startswith("a="):
        text = text[2:]
    if not text.startswith("crypto:"):
        raise ValueError("not a crypto attribute")
    parts = text[len("crypto:"):].split()
    if len(parts) < 3:
        raise ValueError("crypto attribute needs a tag, a suite and key parameters")
    tag_text, suite, key_params, *session_params = parts
    if not tag_text.isdigit() or len(tag_text) > 9:
        raise ValueError(f"bad crypto tag {tag_text!r}")
    if suite not in _SDES_SUITES:
        raise ValueError(f"unsupported crypto suite {suite!r}")
    profile = _SDES_SUITES[suite]
    m = _INLINE.match(key_params.split(";")[0])
    if not m:
        raise ValueError(f"bad key parameters {key_params!r}")
    try:
        key = base64.b64decode(m.group(1), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("key is not valid base64") from None
    if len(key) != key_length(profile):
        raise ValueError(f"{suite} needs a {key_length(profile)}-byte key||salt, not {len(key)}")
    lifetime = None
    if m.group(2):
        lt = m.group(2)
        if lt.startswith("2^") and lt[2:].isdigit() and int(lt[2:]) <= 64:
            lifetime = 1 << int(lt[2:])
        elif lt.isdigit():
            lifetime = int(lt)
        else:
            raise ValueError(f"bad key lifetime {lt!r}")
    mki = None
    if m.group(3) is not None:
        value, length = int(m.group(3)), int(m.group(4))
        if not 1 <= length <= 128 or value >= 1 << (8 * length):
            raise ValueError("bad MKI value or length")
        mki = value.to_bytes(length, "big")
    crypto = SdesCrypto(int(tag_text), profile, key, lifetime, mki, session_params)
    crypto.kdr                                    # a bad KDR parameter is an error here
    return crypto


# Batches over the rows of a 2-D buffer with one session per row (relays: one session per call).
from ._srtp import protect_batch_into, unprotect_batch_into  # noqa: E402

__all__ += ["protect_batch_into", "unprotect_batch_into"]
