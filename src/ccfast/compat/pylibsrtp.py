"""``pylibsrtp`` 1.0's API backed by ccfast.srtp: ``Policy``, ``Session`` (with ``add_stream`` /
``remove_stream``), ``Error``, ``__version__`` and the profile and SSRC-type constants, so an
application such as aiortc switches by changing one import::

    from ccfast.compat import pylibsrtp

Behaviour follows pylibsrtp and the libsrtp under it:

* packets must be ``bytes`` of at most 1500 bytes with room for the trailer; failures raise
  ``Error`` with libsrtp's status text ("authentication failure", "replay check failed (bad
  index)", "unsupported parameter", "no appropriate context found");
* ``Policy`` fields are checked as pylibsrtp's C structure checks them, at once: a value that is
  not an integer is a ``TypeError``, a negative one or one too wide for the C field (32 bits
  for ``ssrc_value`` and ``ssrc_type``, ``unsigned long`` for ``window_size``) an
  ``OverflowError``; profiles libsrtp does not accept (anything but 1, 2, 5, 7, 8: libsrtp has
  no RTP policy for NULL_HMAC_SHA1_32, 6) raise ``Error("unsupported parameter")``; a window
  other than 0 (the default, 128) or 64..32767 is refused by ``add_stream``;
* an ``SSRC_ANY_INBOUND`` / ``SSRC_ANY_OUTBOUND`` policy is a template: the first packet of each
  SSRC without a stream of its own makes one (on the receiving side once that packet
  authenticates), and ``remove_stream`` removes it like any other, so the next packet of that
  SSRC starts afresh.

Differences on purpose: adding a second stream for an SSRC that already has one raises
``Error("unsupported parameter")`` (libsrtp keeps both and uses one of them); ``Policy.key``
reads back as ``bytes`` (pylibsrtp gives a cffi buffer over the same bytes).
"""
import ctypes
import operator
from typing import Callable, Dict, Optional

from .. import srtp as _srtp
from ..exceptions import AuthenticationError, PacketError, ReplayError, SRTPError

__all__ = ["Error", "Policy", "Session", "__version__"]

#: The pylibsrtp release whose API this layer follows.
__version__ = "1.0.0"

SRTP_MAX_TRAILER_LEN = 16 + 128
SRTP_MAX_SRTCP_TRAILER_LEN = 4 + 16 + 128
_BUFFER = 1500

_AUTH = "authentication failure"
_REPLAY = "replay check failed (bad index)"
_BAD_PARAM = "unsupported parameter"
_NO_CTX = "no appropriate context found"

# libsrtp's srtp_profile_t values that have an RTP and RTCP policy (srtp_crypto_policy_set_
# from_profile_for_rtp/rtcp): NULL_HMAC_SHA1_32 (6) has none.
_PROFILES = {1: _srtp.Profile.AES_CM_128_HMAC_SHA1_80, 2: _srtp.Profile.AES_CM_128_HMAC_SHA1_32,
             5: _srtp.Profile.NULL_HMAC_SHA1_80, 7: _srtp.Profile.AEAD_AES_128_GCM,
             8: _srtp.Profile.AEAD_AES_256_GCM}
_ULONG_BITS = 8 * ctypes.sizeof(ctypes.c_ulong)


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


def _c_unsigned(value, bits: int, ctype: str) -> int:
    """value as cffi stores it in an unsigned C field of `bits` bits (TypeError, OverflowError)."""
    try:
        v = operator.index(value)
    except TypeError:
        raise TypeError("an integer is required") from None
    if v < 0:
        raise OverflowError("can't convert negative number to unsigned")
    if v >> 64:
        raise OverflowError("int too big to convert")
    if v >> bits:
        raise OverflowError(f"integer {v} does not fit '{ctype}'")
    return v


class Policy:
    """Policy for a single SRTP stream, or for any SSRC (a template)."""

    #: AES-128 CM mode with 80-bit authentication tag (default)
    SRTP_PROFILE_AES128_CM_SHA1_80 = int(_srtp.Profile.AES_CM_128_HMAC_SHA1_80)
    #: AES-128 CM mode with 32-bit authentication tag
    SRTP_PROFILE_AES128_CM_SHA1_32 = int(_srtp.Profile.AES_CM_128_HMAC_SHA1_32)
    #: AES-128 GCM mode
    SRTP_PROFILE_AEAD_AES_128_GCM = int(_srtp.Profile.AEAD_AES_128_GCM)
    #: AES-256 GCM mode
    SRTP_PROFILE_AEAD_AES_256_GCM = int(_srtp.Profile.AEAD_AES_256_GCM)

    SSRC_UNDEFINED = 0
    SSRC_SPECIFIC = 1
    SSRC_ANY_INBOUND = 2
    SSRC_ANY_OUTBOUND = 3

    def __init__(self, key: Optional[bytes] = None, ssrc_type: int = SSRC_UNDEFINED,
                 ssrc_value: int = 0, srtp_profile: int = SRTP_PROFILE_AES128_CM_SHA1_80) -> None:
        profile = _c_unsigned(srtp_profile, 32, "srtp_profile_t")
        if profile not in _PROFILES:
            raise Error(_BAD_PARAM)
        self._srtp_profile = profile
        self._key: Optional[bytes] = None
        self._ssrc_type = 0
        self._ssrc_value = 0
        self._window_size = 0
        self._allow_repeat_tx = False
        self.key = key
        self.ssrc_type = ssrc_type
        self.ssrc_value = ssrc_value

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
        expected = _srtp.key_length(_PROFILES[self._srtp_profile])
        if not isinstance(key, bytes):
            raise TypeError("key must be bytes")
        if len(key) < expected:
            raise ValueError("key must contain at least %d bytes" % expected)
        self._key = key

    @property
    def srtp_profile(self) -> int:
        """The SRTP profile."""
        return self._srtp_profile

    @property
    def allow_repeat_tx(self) -> bool:
        """Whether retransmissions of packets with the same sequence number are allowed."""
        return self._allow_repeat_tx

    @allow_repeat_tx.setter
    def allow_repeat_tx(self, allow_repeat_tx: bool) -> None:
        self._allow_repeat_tx = bool(allow_repeat_tx)

    @property
    def ssrc_type(self) -> int:
        """The SSRC type."""
        return self._ssrc_type

    @ssrc_type.setter
    def ssrc_type(self, ssrc_type: int) -> None:
        self._ssrc_type = _c_unsigned(ssrc_type, 32, "srtp_ssrc_type_t")

    @property
    def ssrc_value(self) -> int:
        """The SSRC value, if it is not a wildcard."""
        return self._ssrc_value

    @ssrc_value.setter
    def ssrc_value(self, ssrc_value: int) -> None:
        self._ssrc_value = _c_unsigned(ssrc_value, 32, "unsigned int")

    @property
    def window_size(self) -> int:
        """The window size to use for replay protection (0: libsrtp's default, 128)."""
        return self._window_size

    @window_size.setter
    def window_size(self, window_size: int) -> None:
        self._window_size = _c_unsigned(window_size, _ULONG_BITS, "unsigned long")

    def _factory(self) -> Callable[[Optional[int]], "_srtp.Session"]:
        """What add_stream keeps: a maker of sessions with this policy as it is now."""
        if self._key is None:
            raise Error(_BAD_PARAM)
        window = self._window_size or 128
        if not 64 <= window <= 0x7FFF:
            raise Error(_BAD_PARAM)
        profile = _PROFILES[self._srtp_profile]
        key = self._key[:_srtp.key_length(profile)]
        allow = self._allow_repeat_tx

        # libsrtp's NULL cipher sends SRTCP with E = 0 (no confidentiality service)
        rtcp_encrypt = profile != _srtp.Profile.NULL_HMAC_SHA1_80

        def make(ssrc: Optional[int]) -> "_srtp.Session":
            return _srtp.Session(profile, key, ssrc=ssrc, replay_window=window, allow_repeat_tx=allow,
                                 rtcp_encrypt=rtcp_encrypt)
        return make


class Session:
    """SRTP session, which may comprise several streams.

    If `policy` is not specified, streams should be added later with :func:`add_stream`."""

    def __init__(self, policy: Optional[Policy] = None) -> None:
        self._template: Optional[Callable[[Optional[int]], _srtp.Session]] = None
        self._streams: Dict[int, _srtp.Session] = {}
        if policy is not None:
            self.add_stream(policy)

    def __reduce_ex__(self, protocol):
        raise TypeError("Session objects hold keys and cannot be pickled or copied")

    def add_stream(self, policy: Policy) -> None:
        """Add a stream (specific SSRC) or the template for any SSRC, as the policy says."""
        make = policy._factory()
        if policy.ssrc_type == Policy.SSRC_SPECIFIC:
            if policy.ssrc_value in self._streams:
                raise Error(_BAD_PARAM)
            self._streams[policy.ssrc_value] = make(policy.ssrc_value)
        elif policy.ssrc_type in (Policy.SSRC_ANY_INBOUND, Policy.SSRC_ANY_OUTBOUND):
            if self._template is not None:
                raise Error(_BAD_PARAM)
            self._template = make
        else:
            raise Error(_BAD_PARAM)

    def remove_stream(self, ssrc: int) -> None:
        """Remove the stream with the given `ssrc` from the session (one added for that SSRC, or
        one an ANY-SSRC policy made for it)."""
        ssrc = operator.index(ssrc)
        if ssrc < 0:
            raise OverflowError("can't convert negative value to unsigned int")
        if ssrc >> 32:
            raise OverflowError("int larger than 32 bits")
        if self._streams.pop(ssrc, None) is None:
            raise Error(_NO_CTX)

    def _process(self, data, method: str, ssrc_at: int, trailer: int = 0) -> bytes:
        if not isinstance(data, bytes):
            raise TypeError("packet must be bytes")
        if len(data) > _BUFFER - trailer:
            raise ValueError("packet is too long")
        if len(data) < ssrc_at + 4:
            raise Error(_BAD_PARAM)
        ssrc = int.from_bytes(data[ssrc_at:ssrc_at + 4], "big")
        session = self._streams.get(ssrc)
        fresh = session is None
        if fresh:
            if self._template is None:
                raise Error(_NO_CTX)
            session = self._template(ssrc)
        try:
            out = getattr(session, method)(data)
        except SRTPError as exc:
            raise _error(exc) from None
        if fresh and session is not None:   # a sender's or an authenticated receiver's new stream
            self._streams[ssrc] = session
        return out

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
