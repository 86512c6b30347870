"""``pylibsrtp`` 1.0's API backed by ccfast.srtp: ``Policy``, ``Session`` (with ``add_stream`` /
``remove_stream``), ``Error`` and the profile and SSRC-type constants, so an application such
as aiortc switches by changing one import::

    from ccfast.compat import pylibsrtp

Behaviour follows pylibsrtp: packets must be ``bytes`` of at most 1500 bytes with room for the
trailer, failures raise ``Error`` with libsrtp's status text ("authentication failure", "replay check
failed (bad index)", "unsupported parameter", "no appropriate context found").
An ``SSRC_ANY_INBOUND`` / ``SSRC_ANY_OUTBOUND`` policy serves every SSRC without a specific
stream; ``remove_stream`` removes specific streams.
"""
from typing import Dict, Optional

from .. import srtp as _srtp
from ..exceptions import AuthenticationError, PacketError, ReplayError, SRTPError

__all__ = ["Error", "Policy", "Session"]

SRTP_MAX_TRAILER_LEN = 16 + 128
SRTP_MAX_SRTCP_TRAILER_LEN = 4 + 16 + 128
_BUFFER = 1500


_AUTH = "authentication failure"
_REPLAY = "replay check failed (bad index)"
_BAD_PARAM = "unsupported parameter"
_NO_CTX = "no appropriate context found"


class Error(Exception):
    """Error that occurred making an SRTP call (message: libsrtp's status text)."""


def _error(exc: SRTPError) -> Error:
    if isinstance(exc, AuthenticationError):
        return Error(_AUTH)
    if isinstance(exc, ReplayError):
        return Error(_REPLAY)
    if isinstance(exc, PacketError):
        return Error(_BAD_PARAM)
    return Error(_NO_CTX)


class Policy:
    SRTP_PROFILE_AES128_CM_SHA1_80 = int(_srtp.Profile.AES_CM_128_HMAC_SHA1_80)
    SRTP_PROFILE_AES128_CM_SHA1_32 = int(_srtp.Profile.AES_CM_128_HMAC_SHA1_32)
    SRTP_PROFILE_AEAD_AES_128_GCM = int(_srtp.Profile.AEAD_AES_128_GCM)
    SRTP_PROFILE_AEAD_AES_256_GCM = int(_srtp.Profile.AEAD_AES_256_GCM)

    SSRC_UNDEFINED = 0
    SSRC_SPECIFIC = 1
    SSRC_ANY_INBOUND = 2
    SSRC_ANY_OUTBOUND = 3

    def __init__(self, key: Optional[bytes] = None, ssrc_type: int = SSRC_UNDEFINED,
                 ssrc_value: int = 0, srtp_profile: int = SRTP_PROFILE_AES128_CM_SHA1_80) -> None:
        if srtp_profile not in (1, 2, 7, 8):
            raise Error(_BAD_PARAM)
        self._srtp_profile = srtp_profile
        self._key: Optional[bytes] = None
        self.key = key
        self.ssrc_type = ssrc_type
        self.ssrc_value = ssrc_value
        self.allow_repeat_tx = False
        self.window_size = 0

    def __reduce_ex__(self, protocol):
        raise TypeError("Policy objects hold a master key and cannot be pickled or copied")

    @property
    def key(self) -> Optional[bytes]:
        """The SRTP master key + master salt."""
        return self._key

    @key.setter
    def key(self, key: Optional[bytes]) -> None:
        if key is None:
            self._key = None
            return
        expected = _srtp.key_length(self._srtp_profile)
        if not isinstance(key, bytes):
            raise TypeError("key must be bytes")
        if len(key) < expected:
            raise ValueError("key must contain at least %d bytes" % expected)
        self._key = key

    @property
    def srtp_profile(self) -> int:
        return self._srtp_profile

    def _session(self) -> "_srtp.Session":
        if self._key is None:
            raise Error(_BAD_PARAM)
        window = self.window_size or 128
        if not 64 <= window <= 0x7FFF:
            raise Error(_BAD_PARAM)
        n = _srtp.key_length(self._srtp_profile)
        return _srtp.Session(self._srtp_profile, self._key[:n],
                             ssrc=self.ssrc_value if self.ssrc_type == self.SSRC_SPECIFIC else None,
                             replay_window=window, allow_repeat_tx=bool(self.allow_repeat_tx))


class Session:
    """SRTP session, which may comprise several streams.

    If `policy` is not specified, streams should be added later with :func:`add_stream`."""

    def __init__(self, policy: Optional[Policy] = None) -> None:
        self._template: Optional[_srtp.Session] = None
        self._specific: Dict[int, _srtp.Session] = {}
        if policy is not None:
            self.add_stream(policy)

    def __reduce_ex__(self, protocol):
        raise TypeError("Session objects hold keys and cannot be pickled or copied")

    def add_stream(self, policy: Policy) -> None:
        """Add a stream (specific SSRC) or the template for any SSRC, as the policy says."""
        session = policy._session()
        if policy.ssrc_type == Policy.SSRC_SPECIFIC:
            if policy.ssrc_value in self._specific:
                raise Error(_BAD_PARAM)
            self._specific[policy.ssrc_value] = session
        elif policy.ssrc_type in (Policy.SSRC_ANY_INBOUND, Policy.SSRC_ANY_OUTBOUND):
            if self._template is not None:
                raise Error(_BAD_PARAM)
            self._template = session
        else:
            raise Error(_BAD_PARAM)

    def remove_stream(self, ssrc: int) -> None:
        """Remove the stream with the given `ssrc` from the session."""
        if self._specific.pop(ssrc, None) is None:
            raise Error(_NO_CTX)

    def _process(self, data, method: str, ssrc_at: int, trailer: int = 0) -> bytes:
        if not isinstance(data, bytes):
            raise TypeError("packet must be bytes")
        if len(data) > _BUFFER - trailer:
            raise ValueError("packet is too long")
        if len(data) < ssrc_at + 4:
            raise Error(_BAD_PARAM)
        ssrc = int.from_bytes(data[ssrc_at:ssrc_at + 4], "big")
        session = self._specific.get(ssrc, self._template)
        if session is None:
            raise Error(_NO_CTX)
        try:
            return getattr(session, method)(data)
        except SRTPError as exc:
            raise _error(exc) from None

    def protect(self, packet: bytes) -> bytes:
        """Apply SRTP protection to the RTP `packet`."""
        return self._process(packet, "protect", 8, SRTP_MAX_TRAILER_LEN)

    def protect_rtcp(self, packet: bytes) -> bytes:
        """Apply SRTCP protection to the RTCP `packet`."""
        return self._process(packet, "protect_rtcp", 4, SRTP_MAX_SRTCP_TRAILER_LEN)

    def unprotect(self, packet: bytes) -> bytes:
        """Verify SRTP protection of the SRTP packet."""
        return self._process(packet, "unprotect", 8)

    def unprotect_rtcp(self, packet: bytes) -> bytes:
        """Verify SRTCP protection of the SRTCP packet."""
        return self._process(packet, "unprotect_rtcp", 4)
