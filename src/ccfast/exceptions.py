"""The ccfast exception family.

Every error ccfast raises for a cryptographic or protocol failure derives from
:class:`CCFastError`.  Wrong argument types and sizes raise the built-in TypeError,
ValueError or OverflowError instead, as the standard library does.
"""

__all__ = [
    "CCFastError",
    "InvalidTag",
    "InvalidSignature",
    "DecryptionError",
    "PaddingError",
    "SRTPError",
    "AuthenticationError",
    "ReplayError",
    "PacketError",
    "KeyLimitError",
]


class CCFastError(Exception):
    """Base class of every ccfast error."""


class InvalidTag(CCFastError):
    """An AEAD tag did not verify: the message was forged, corrupted, or the key, nonce or
    associated data differ.  No plaintext is released."""

    def __init__(self, *args):
        super().__init__(*(args or ("authentication tag did not verify: the ciphertext, tag, key, "
                                    "nonce or associated data differ from the sender's; no "
                                    "plaintext was released",)))


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


class KeyLimitError(SRTPError):
    """An SRTP master key reached its lifetime (SDES) or the RFC 3711 limit of 2^48 SRTP or
    2^31 SRTCP packets: the session refuses to use it further; switch to a new master key."""
