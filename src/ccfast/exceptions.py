"""The ccfast exception family.

Every error ccfast raises for a cryptographic or protocol failure derives from
:class:`CCFastError`.  Wrong argument types and sizes raise the built-in TypeError,
ValueError or OverflowError instead, as the standard library does.
"""

__all__ = [
    "CCFastError",
    "InvalidTag",
    "TruncatedError",
    "InvalidSignature",
    "DecryptionError",
    "PaddingError",
    "SRTPError",
    "AuthenticationError",
    "ReplayError",
    "PacketError",
]


class CCFastError(Exception):
    """Base class of every ccfast error."""


class InvalidTag(CCFastError):
    """An AEAD tag did not verify: the message was forged, corrupted, or the key, nonce or
    associated data differ.  No plaintext is released."""


class TruncatedError(CCFastError):
    """A chunked message is cut short (or runs on): its length shows the final chunk is
    missing or incomplete, or the header itself is cut.  No plaintext beyond what was already
    authenticated is released."""


class InvalidSignature(CCFastError):
    """A signature did not verify."""


class DecryptionError(CCFastError):
    """Public-key decryption failed.  Deliberately says nothing about which check failed."""


class PaddingError(CCFastError, ValueError):
    """Block-cipher padding is invalid.  Deliberately says nothing about which byte failed."""


class SRTPError(CCFastError):
    """Base class of SRTP/SRTCP errors."""


class AuthenticationError(SRTPError):
    """An SRTP/SRTCP packet failed authentication."""


class ReplayError(SRTPError):
    """An SRTP/SRTCP packet was replayed or is older than the replay window."""


class PacketError(SRTPError, ValueError):
    """An RTP/RTCP/SRTP packet is malformed."""
