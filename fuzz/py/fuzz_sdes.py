"""atheris: SDES crypto attributes (RFC 4568).  Any text gives an SdesCrypto or ValueError;
what parses writes back to an attribute that parses to the same value."""
import sys

import atheris

with atheris.instrument_imports():
    from ccfast import srtp


def TestOneInput(data):
    fdp = atheris.FuzzedDataProvider(data)
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 300))
    if fdp.ConsumeBool():                      # steer towards the grammar half of the time
        text = "a=crypto:" + text
    try:
        c = srtp.parse_sdes(text)
    except ValueError:
        return
    again = srtp.parse_sdes(c.to_attribute())
    assert (again.tag, again.profile, again.key, again.mki, again.kdr) == (c.tag, c.profile, c.key, c.mki, c.kdr)


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
