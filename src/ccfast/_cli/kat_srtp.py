"""Known answers for SRTP and its SHA-1: SHA-1 and HMAC-SHA1 through every implementation this
CPU supports (FIPS 180-2 A.1, RFC 2202 case 2), RFC 3711 B.3 key derivation, the RFC 7714
16.1.1 AEAD_AES_128_GCM packet through a session (protect and unprotect), the RFC 6904 Appendix A
packet (encrypted header extensions), an RFC 9335 Appendix A.2 packet (cryptex, AES-GCM, CSRCs
and a two-byte block), and the AEAD_SM4_GCM example of docs/srtp-extensions.md."""
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
    for name, prof, key, kw, plain, wire, what in _header_privacy():
        key = bytes.fromhex(key)
        good = (Session(prof, key, **kw).protect(bytes.fromhex(plain)).hex() == wire
                and Session(prof, key, **kw).unprotect(bytes.fromhex(wire)).hex() == plain)
        yield name, ccfast.implementations().get("sm4" if "sm4" in name else "aes", "?"), good, what


def _header_privacy():
    from ..srtp import Profile
    return [
        ("srtp-rfc6904", Profile.AES_CM_128_HMAC_SHA1_80,
         "e1f97a0d3e018be0d64fa32c06de41390ec675ad498afeebb6960b3aabe6", {"encrypted_header_ids": [1, 3, 4]},
         "900f1234decafbadcafebabebede000617414273a475262748220000c8308e4655996386b395fb00abababababababababababababababab",
         "900f1234decafbadcafebabebede000617588a9270f4e15e1c220000c8309546a994f0bc547897004e55dc4ce79978d88ca4d215949d"
         "24025a46b3ca35c535a891c7", "RFC 6904 Appendix A packet, ids 1, 3, 4"),
        ("srtp-cryptex-aead-aes-128-gcm", Profile.AEAD_AES_128_GCM,
         "000102030405060708090a0b0c0d0e0fa0a1a2a3a4a5a6a7a8a9aaab", {"cryptex": True},
         "920f1239decafbadcafebabe0001e2400000b26e1000000105020002abababababababababababababababab",
         "920f1239decafbadcafebabe3680524f8d312b00c2de0001c78d120038422bc111a7187a18246f980c059cc6bc9df8b626394eca344e"
         "4b05d80fea83", "RFC 9335 A.2 packet with CSRCs and a two-byte block"),
        ("srtp-aead-sm4-gcm", Profile.AEAD_SM4_GCM,
         "000102030405060708090a0b0c0d0e0fa0a1a2a3a4a5a6a7a8a9aaab", {},
         "80000001000000a012345678" + b"SM4 in SRTP".hex(),
         "80000001000000a0123456780125da52425e30c145202f8cd46efcbe26fa03340fec9257ead235",
         "docs/srtp-extensions.md example (checked in the tests against a reference on cryptography)"),
    ]
