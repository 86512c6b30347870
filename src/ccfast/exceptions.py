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
    "TlogError",
    "ProofError",
    "TamperedError",
    "RedactedError",
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


class TlogError(CCFastError):
    """Base class of the tamper-evident log's errors (ccfast.tlog)."""


class ProofError(TlogError):
    """A Merkle proof, a checkpoint or a signed note does not verify, or is malformed: it
    proves nothing, and nothing it claims may be used."""


class TamperedError(TlogError):
    """The stored log disagrees with itself: a record, a leaf hash or an interior hash was
    changed outside the log.  `index` is the first record index affected (None when only a
    stored checkpoint disagrees with the tree)."""

    def __init__(self, message: str, index: "int | None" = None) -> None:
        super().__init__(message)
        self.index = index


class RedactedError(TlogError):
    """The record's data was deleted when its retention ended; its leaf hash stays in the
    tree, so proofs still verify.  `index` is the record's index."""

    def __init__(self, message: str, index: "int | None" = None) -> None:
        super().__init__(message)
        self.index = index
