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
    "KeyLimitError",
    "TlogError",
    "ProofError",
    "TamperedError",
    "RedactedError",
    "RecordingError",
    "RecordingFormatError",
    "NoRecipientError",
    "WrongKeyError",
    "HeaderTamperedError",
    "IncompleteRecordingError",
    "RecordingTruncatedError",
    "TrailingDataError",
    "PayloadTamperedError",
    "NotSeekableError",
]


class CCFastError(Exception):
    """Base class of every ccfast error."""


class InvalidTag(CCFastError):
    """An AEAD tag did not verify: the message was forged, corrupted, or the key, nonce or
    associated data differ.  No plaintext is released."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(args or ("authentication tag did not verify: the ciphertext, tag, key, "
                                    "nonce or associated data differ from the sender's; no "
                                    "plaintext was released",)))


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
class RecordingError(CCFastError):
    """Base class of sealed-recording errors (ccfast.recording)."""


class RecordingFormatError(RecordingError):
    """Not a sealed recording, an unsupported version or suite, or a malformed header."""


class NoRecipientError(RecordingError):
    """No stanza of the recording is addressed to the given key (by key id / SM2 key id)."""


class WrongKeyError(RecordingError):
    """A stanza for this key id exists but the key does not unwrap it: the wrong key under a
    reused key id, or the stanza was altered."""


class HeaderTamperedError(RecordingError):
    """The header MAC (keyed from the file key) does not match: the header, its metadata or a
    stanza was altered."""


class IncompleteRecordingError(RecordingError):
    """The header still carries the 'sealing' marker: the writer stopped before finishing."""


class RecordingTruncatedError(RecordingError, TruncatedError):
    """The recording is shorter than its header says (cut off in the header or the payload)."""


class TrailingDataError(RecordingError):
    """Bytes follow the end of the recording's payload."""


class PayloadTamperedError(RecordingError, InvalidTag):
    """A payload chunk (or the payload's commitment) failed authentication: altered, reordered,
    or taken from another recording."""


class NotSeekableError(RecordingError):
    """recording.open() needs a seekable source (unseal streams from any source)."""
