"""atheris: SRTP/SRTCP unprotect (every profile; plain sessions, and sessions with RFC 6904 ids and
cryptex when bit 7 of the first byte is set) and jitter-buffer put_rtp on arbitrary packets: only
the documented exceptions, refused packets leave the session able to take the real packets
afterwards, and a refused RTP packet is not counted as received."""
import struct
import sys

import atheris

with atheris.instrument_imports():
    from ccfast import jitter, srtp
    from ccfast.exceptions import SRTPError

PROFILES = list(srtp.Profile)
RTP = struct.pack("!BBHII", 0x80, 0, 1, 160, 0xFEED) + bytes(40)
RTCP = struct.pack("!BBHI", 0x80, 200, 6, 0xFEED) + bytes(20)


def key_of(profile):
    kl, sl, _ = srtp._lengths(profile)
    return bytes(range(kl + sl))


PRIVACY = {"encrypted_header_ids": [1, 3, 200], "cryptex": True}
RTP_EXT = struct.pack("!BBHII", 0x91, 0, 1, 160, 0xFEED) + b"\x00\x00\x00\x07" + \
    b"\xbe\xde\x00\x01\x10\xaa\x00\x00" + bytes(40)

# what each profile's sender makes of the real packets
GOOD = {(p, v): (srtp.Session(p, key_of(p), **(PRIVACY if v else {})).protect(RTP_EXT if v else RTP),
                 srtp.Session(p, key_of(p), **(PRIVACY if v else {})).protect_rtcp(RTCP))
        for p in PROFILES for v in (0, 1)}


@atheris.instrument_func
def TestOneInput(data):
    profile = PROFILES[(data[0] & 0x7F) % len(PROFILES)] if data else PROFILES[0]
    variant = data[0] >> 7 if data else 0
    packet = data[1:]
    rx = srtp.Session(profile, key_of(profile), **(PRIVACY if variant else {}))
    accepted = 0
    for unprotect in (rx.unprotect, rx.unprotect_rtcp):
        try:
            unprotect(packet)
            accepted += 1
        except SRTPError:
            pass
    if not accepted:                               # refused packets leave no trace: the real ones pass
        good_rtp, good_rtcp = GOOD[(profile, variant)]
        assert rx.unprotect(good_rtp) == (RTP_EXT if variant else RTP)
        assert rx.unprotect_rtcp(good_rtcp) == RTCP
    jb = jitter.JitterBuffer()
    try:
        jb.put_rtp(packet, 0.0)
    except ValueError:
        assert jb.stats["received"] == 0
    jb.get_until(1000.0)


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
