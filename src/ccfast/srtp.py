"""SRTP and SRTCP (RFC 3711) with the AES-CM/HMAC-SHA1 (RFC 3711, RFC 6188) and AES-GCM
(RFC 7714) profiles, and AEAD_SM4_GCM (RFC 7714's construction with SM4; no standard assigns it).

``Session(profile, key)`` protects and unprotects packets of any number of SSRCs; ``key`` is
master key || master salt (``key_length(profile)`` bytes).  ``keys_from_dtls`` splits DTLS-SRTP
keying material (RFC 5764 4.2).  Key derivation rates (``kdr``) of 0 and 2^0..2^24 are supported.
Header extensions are encrypted per RFC 6904 (``encrypted_header_ids``) or RFC 9335
(``cryptex=True``); several master keys are told apart by MKI; ``Session.from_sdes`` takes all an
``a=crypto`` line says.
"""
import base64
import binascii
import inspect
import logging
import re
from dataclasses import dataclass, field
from enum import IntEnum
from typing import List, Optional

from ._srtp import Session as _Session, _profile_lengths, _PROFILE_NAMES
from .exceptions import AuthenticationError, KeyLimitError, PacketError, ReplayError, SRTPError

# The "ccfast.srtp" logger reports events (authentication failures, replays, new streams, key
# limits) rate-limited; it prints nothing until the application configures logging.
logging.getLogger("ccfast.srtp").addHandler(logging.NullHandler())

__all__ = ["Profile", "Session", "key_length", "keys_from_dtls", "parse_sdes", "SdesCrypto",
           "SRTPError", "AuthenticationError", "ReplayError", "PacketError", "KeyLimitError"]


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
    AEAD_SM4_GCM = 0x10005            # RFC 7714 with SM4 (private number; docs/srtp-extensions.md)


_PROFILE_NAMES.update({int(p): p.name for p in Profile})


def _lengths(profile):
    if isinstance(profile, bool) or not isinstance(profile, int):
        raise TypeError(f"profile must be a Profile, not {type(profile).__name__}")
    return _profile_lengths(int(profile))


def key_length(profile) -> int:
    """Bytes of master key || master salt the profile takes (30 for AES_CM_128, 28 for AEAD 128)."""
    k, s, _ = _lengths(profile)
    return k + s


def _session_signature(profile, key, *, ssrc=None, replay_window=128, allow_repeat_tx=False, kdr=0,
                       mki=None, rtcp_encrypt=True, encrypted_header_ids=(), cryptex=False,
                       lifetime=None, max_streams=65536, on_event=None):
    """The documented parameters of Session (for inspect.signature and help)."""


class Session(_Session):
    __doc__ = _Session.__doc__
    __signature__ = inspect.signature(_session_signature)

    def __init__(self, profile, key, **kwargs):
        # arguments are taken by the native __cinit__; this keeps the Profile type visible
        pass

    def __repr__(self):
        try:
            name = Profile(self.profile).name
        except ValueError:
            name = str(self.profile)
        return f"<ccfast.srtp.Session {name}, {len(self.stats)} streams>"

    def __new__(cls, profile, key, **kwargs):
        _lengths(profile)
        try:
            return super().__new__(cls, int(profile), key, **kwargs)
        except TypeError as exc:
            # the native constructor's argument errors name "__cinit__()"; say "Session()"
            text = str(exc)
            if text.startswith("__cinit__()"):
                raise TypeError("Session()" + text[len("__cinit__()"):]) from None
            raise

    def streams(self) -> List[int]:
        """The SSRCs of the session's streams, sorted."""
        return self._stream_ssrcs()

    @classmethod
    def from_sdes(cls, crypto, **kwargs):
        """A session from an SDES crypto attribute (an ``SdesCrypto`` or the ``a=crypto`` text):
        its suite, key, ``KDR=``, MKI, key lifetime, ``UNENCRYPTED_SRTCP`` and ``WSH=`` (window
        size hint, the replay window unless ``replay_window`` is given).  Other keyword arguments
        go to ``Session``; the ones the attribute decides (key, kdr, mki, lifetime, rtcp_encrypt)
        cannot be given.  ValueError for session parameters ccfast does not implement
        (UNENCRYPTED_SRTP, UNAUTHENTICATED_SRTP, FEC_ORDER, FEC_KEY)."""
        if isinstance(crypto, str):
            crypto = parse_sdes(crypto)
        if not isinstance(crypto, SdesCrypto):
            raise TypeError(f"crypto must be an SdesCrypto or an a=crypto string, not {type(crypto).__name__}")
        for name in ("key", "kdr", "mki", "lifetime", "rtcp_encrypt", "profile"):
            if name in kwargs:
                raise TypeError(f"{name} comes from the crypto attribute; it cannot be given to from_sdes")
        rtcp_encrypt = True
        for param in crypto.session_params:
            name = param.split("=", 1)[0]
            if name == "UNENCRYPTED_SRTCP":
                rtcp_encrypt = False
            elif name == "WSH":
                value = param[4:]
                if not value.isdigit() or not 64 <= int(value) <= 32768:
                    raise ValueError(f"bad WSH parameter {param!r} (a window of 64..32768 packets)")
                kwargs.setdefault("replay_window", int(value))
            elif name in ("UNENCRYPTED_SRTP", "UNAUTHENTICATED_SRTP", "FEC_ORDER", "FEC_KEY"):
                raise ValueError(f"SDES session parameter {name} is not supported")
        return cls(crypto.profile, crypto.key, kdr=crypto.kdr, mki=crypto.mki,
                   lifetime=crypto.lifetime, rtcp_encrypt=rtcp_encrypt, **kwargs)


def keys_from_dtls(keying_material, profile, is_client):
    """Split DTLS-SRTP keying material (RFC 5764 4.2: client key, server key, client salt,
    server salt) into (local_key, remote_key), each master key || master salt."""
    k, s, _ = _lengths(profile)
    km = bytes(keying_material)
    if len(km) != 2 * (k + s):
        name = Profile(profile).name if int(profile) in _PROFILE_NAMES else str(profile)
        raise ValueError(f"keying material must be {2 * (k + s)} bytes for {name}, not {len(km)}")
    client = km[:k] + km[2 * k:2 * k + s]
    server = km[k:2 * k] + km[2 * k + s:]
    return (client, server) if is_client else (server, client)


# RFC 4568 6.2 (AES_CM_128_*), RFC 6188 (AES_192/256_CM_*), RFC 7714 14.2 (AEAD_AES_*_GCM) suite
# names; NULL_HMAC_SHA1_* are the DTLS-SRTP names, accepted for symmetry; AEAD_SM4_GCM is ccfast's.
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
    key: bytes = field(repr=False)      # master key || salt: never shown (see __repr__)
    lifetime: Optional[int] = None
    mki: Optional[bytes] = None
    session_params: List[str] = field(default_factory=list)

    def __repr__(self):
        return (f"SdesCrypto(tag={self.tag!r}, profile={self.profile!r}, key=<{len(self.key)} bytes, not shown>, "
                f"lifetime={self.lifetime!r}, mki={self.mki!r}, session_params={self.session_params!r})")

    def __reduce_ex__(self, protocol):
        raise TypeError("SdesCrypto objects hold a master key and cannot be pickled or copied "
                        "(to_attribute() gives the attribute text, dataclasses.replace() a modified copy)")

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
        if lifetime == 0:
            raise ValueError("a key lifetime of 0 packets allows no packet at all")
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
