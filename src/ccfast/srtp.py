"""SRTP and SRTCP (RFC 3711) with the AES-CM/HMAC-SHA1 (RFC 3711, RFC 6188) and AES-GCM
(RFC 7714) profiles.

``Session(profile, key)`` protects and unprotects packets of any number of SSRCs; ``key`` is
master key || master salt (``key_length(profile)`` bytes).  ``keys_from_dtls`` splits DTLS-SRTP
keying material (RFC 5764 4.2).  Only a key derivation rate of 0 is supported.
"""
from enum import IntEnum

from ._srtp import Session as _Session, _profile_lengths
from .exceptions import AuthenticationError, PacketError, ReplayError, SRTPError

__all__ = ["Profile", "Session", "key_length", "keys_from_dtls",
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
