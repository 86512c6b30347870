"""Known answers for SRTP and its SHA-1: SHA-1 and HMAC-SHA1 through every implementation this
CPU supports (FIPS 180-2 A.1, RFC 2202 case 2), RFC 3711 B.3 key derivation, and the RFC 7714
16.1.1 AEAD_AES_128_GCM packet through a session (protect and unprotect)."""
import ccfast

# RFC 7714 16.1.1: session key, salt, RTP packet and the SRTP packet it protects to
_GCM_KEY = "000102030405060708090a0b0c0d0e0f"
_GCM_SALT = "517569642070726f2071756f"
_RTP = ("8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e2070617274"
        "65732074726573")
_SRTP = ("8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7"
         "d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce")


def run():
    from .. import _srtp
    from ..srtp import Profile, Session
    for name, ok in ccfast._available_implementations()["sha1"].items():
        if not ok:
            continue
        good = _srtp._sha1(b"abc", name).hex() == "a9993e364706816aba3e25717850c26c9cd0d89d"
        good = good and _srtp._hmac_sha1(b"Jefe", b"what do ya want for nothing?", name).hex() == \
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        yield "sha1", name, good, "FIPS 180-2 A.1 'abc'; RFC 2202 HMAC-SHA1 case 2"
    # RFC 3711 B.3
    mk, ms = bytes.fromhex("E1F97A0D3E018BE0D64FA32C06DE4139"), bytes.fromhex("0EC675AD498AFEEBB6960B3AABE6")
    good = (_srtp._kdf(mk, ms, 0, 16).hex() == "c61e7a93744f39ee10734afe3ff7a087"
            and _srtp._kdf(mk, ms, 2, 14).hex() == "30cbbc08863d8c85d49db34a9ae1"
            and _srtp._kdf(mk, ms, 1, 20).hex() == "cebe321f6ff7716b6fd4ab49af256a156d38baa4")
    impl = ccfast.implementations().get("aes", "?")
    yield "srtp-kdf", impl, good, "RFC 3711 B.3 cipher key, salt, auth key"
    keys = (bytes.fromhex(_GCM_KEY), bytes.fromhex(_GCM_SALT), b"")
    tx = Session(Profile.AEAD_AES_128_GCM, None, _session_keys=keys)
    rx = Session(Profile.AEAD_AES_128_GCM, None, _session_keys=keys)
    good = tx.protect(bytes.fromhex(_RTP)).hex() == _SRTP and rx.unprotect(bytes.fromhex(_SRTP)).hex() == _RTP
    yield "srtp-aead-aes-128-gcm", impl, good, "RFC 7714 16.1.1 packet, protect and unprotect"
