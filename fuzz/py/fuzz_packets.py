"""atheris: SRTP/SRTCP unprotect and jitter-buffer put_rtp on arbitrary packets: only the
documented exceptions, and a failed call leaves the session's replay state as it was."""
import struct
import sys

import atheris

with atheris.instrument_imports():
    from ccfast import jitter, srtp
    from ccfast.exceptions import SRTPError

KEY = bytes(range(30))
GOOD = srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, KEY).protect(
    struct.pack("!BBHII", 0x80, 0, 1, 160, 0xFEED) + bytes(40))


def TestOneInput(data):
    rx = srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, KEY)
    try:
        rx.unprotect(data)
    except SRTPError:
        pass
    try:
        rx.unprotect_rtcp(data)
    except SRTPError:
        pass
    if data != GOOD:
        rx.unprotect(GOOD)                 # whatever came before, the real packet still passes
    jb = jitter.JitterBuffer()
    try:
        jb.put_rtp(data, 0.0)
    except ValueError:
        assert jb.stats["received"] == 0
    jb.get_until(1000.0)


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
