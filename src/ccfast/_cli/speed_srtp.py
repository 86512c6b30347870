"""`python -m ccfast speed` rows for SRTP: per-packet protect and unprotect of 172-byte RTP
packets (12-byte header + 160-byte G.711 payload) beside libsrtp through pylibsrtp."""
import os
import struct

from .speed import Row

# import name -> distribution (python -m ccfast speed names the missing ones)
PEERS = {"pylibsrtp": "pylibsrtp"}

_PAYLOAD = 160
_CYCLE = 4096          # receivers are renewed every _CYCLE packets so no packet is a replay


def _packets(n, ssrc=0x1234ABCD):
    payload = os.urandom(_PAYLOAD)
    return [struct.pack("!BBHII", 0x80, 0, s, s * 160, ssrc) + payload for s in range(n)]


def _cycling(make_session, method, packets):
    state = {"i": len(packets), "s": None}

    def fn():
        i = state["i"]
        if i == len(packets):
            state["s"] = make_session()
            i = 0
        state["i"] = i + 1
        return getattr(state["s"], method)(packets[i])
    return fn


def rows(measure):
    from ..srtp import Profile, Session, key_length
    try:
        import pylibsrtp
    except ImportError:
        pylibsrtp = None
    profiles = [("AES_CM_128_HMAC_SHA1_80", Profile.AES_CM_128_HMAC_SHA1_80, "SRTP_PROFILE_AES128_CM_SHA1_80"),
                ("AES_CM_128_HMAC_SHA1_32", Profile.AES_CM_128_HMAC_SHA1_32, "SRTP_PROFILE_AES128_CM_SHA1_32"),
                ("AEAD_AES_128_GCM", Profile.AEAD_AES_128_GCM, "SRTP_PROFILE_AEAD_AES_128_GCM"),
                ("AEAD_AES_256_GCM", Profile.AEAD_AES_256_GCM, "SRTP_PROFILE_AEAD_AES_256_GCM"),
                ("AEAD_SM4_GCM", Profile.AEAD_SM4_GCM, None)]          # no peer implements it
    plain = _packets(_CYCLE)
    n = len(plain[0])
    for label, prof, lib_prof in profiles:
        key = os.urandom(key_length(prof))
        protected = Session(prof, key).protect_batch(plain)

        def ours(allow=False, prof=prof, key=key):
            return Session(prof, key, allow_repeat_tx=allow)

        lib = None
        if pylibsrtp is not None and lib_prof is not None:
            def lib(outbound, key=key, lib_prof=lib_prof):
                t = pylibsrtp.Policy.SSRC_ANY_OUTBOUND if outbound else pylibsrtp.Policy.SSRC_ANY_INBOUND
                return pylibsrtp.Session(pylibsrtp.Policy(key=key, ssrc_type=t,
                                                          srtp_profile=getattr(pylibsrtp.Policy, lib_prof)))
        r = Row(f"SRTP {label} protect {n} B", measure(_cycling(ours, "protect", plain), n))
        if lib:
            r.peers["pylibsrtp"] = measure(_cycling(lambda: lib(True), "protect", plain), n)
        yield r
        r = Row(f"SRTP {label} unprotect {n} B", measure(_cycling(ours, "unprotect", protected), n))
        if lib:
            r.peers["pylibsrtp"] = measure(_cycling(lambda: lib(False), "unprotect", protected), n)
        yield r
