"""Write the seed corpora of the fuzz harnesses (fuzz/corpus/<target>/): valid inputs of each
kind, made with ccfast itself, so that the fuzzers start from deep inside the parsers.

  python fuzz/make_corpus.py          (re-run after changing a harness's input layout)
"""
import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "src"))

from ccfast import sm2, srtp  # noqa: E402

# profile order of the C harnesses' PROFILES tables
C_PROFILES = [0x0001, 0x0002, 0x0005, 0x0006, 0x0007, 0x0008, 0x10001, 0x10002, 0x10003, 0x10004]
MK = bytes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]) + bytes(15)
MS = bytes([0xA0 + i for i in range(11)]) + bytes(3)


def rtp(seq, ssrc=0x11223344, cc=0, ext=False, payload=b"\x55" * 40):
    first = 0x80 | cc | (0x10 if ext else 0)
    h = struct.pack("!BBHII", first, 0, seq, 160 * seq, ssrc) + b"\x00\x00\x00\x09" * cc
    if ext:
        h += b"\xbe\xde\x00\x01" + b"\x10\xaa\x00\x00"
    return h + payload


def rtcp(ssrc=0x11223344):
    return struct.pack("!BBHI", 0x80, 200, 6, ssrc) + bytes(range(20))


def write(target, blobs):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for b in blobs:
        with open(os.path.join(d, hashlib.sha1(b).hexdigest()[:16]), "wb") as f:
            f.write(b)


def main():
    unprotect, roundtrip = [], []
    for i, prof in enumerate(C_PROFILES):
        kl, sl, _ = srtp._lengths(prof)
        for flags in (0, 1, 2, 8):
            mki = b"\xde\xad\xbe\xef" if flags & 2 else None
            s = srtp.Session(prof, MK[:kl] + MS[:sl], mki=mki)
            pkt = s.protect_rtcp(rtcp()) if flags & 1 else s.protect(rtp(5, cc=1, ext=True))
            unprotect.append(bytes([i, flags]) + pkt)
        roundtrip.append(bytes([i, 0, 7]) + bytes(kl) + rtp(9))
        roundtrip.append(bytes([i, 1 | 8, 33]) + bytes(kl) + rtcp())
        roundtrip.append(bytes([i, 4 | 8, 200, 3]) + bytes(kl) + rtp(65535, cc=2))
    write("srtp_unprotect", unprotect)
    write("srtp_roundtrip", roundtrip)
    ops = bytearray([0x00])
    for s in (1, 2, 4, 3, 7, 6, 8):
        ops += bytes([1]) + struct.pack("!HI", s, 160 * s) + bytes([20]) + bytes([0]) + bytes(8)
    jit = [bytes(ops), bytes([0x01]) + bytes(ops[1:]), rtp(3, cc=1, ext=True)]
    write("jitter", jit)
    key = sm2.SM2PrivateKey.from_bytes(bytes(range(1, 33)))
    pub = key.public_key().public_bytes()[1:]
    sig = key.sign_digest(bytes(32), encoding="raw")
    ct = key.public_key().encrypt(b"hello")
    write("sm2", [bytes([0]) + pub, bytes([1]) + bytes(32) + sig, bytes([2]) + ct[1:65] + ct[65:97] + ct[97:]])
    write("aead_diff", [bytes([0, 11, 12]) + bytes(16) + bytes(12) + bytes(12) + bytes(160),
                        bytes([2, 63, 0]) + bytes(range(32)) + bytes(64) + bytes(600)])
    # atheris harnesses (fuzz/py): inputs in their FuzzedDataProvider layouts where simple
    b64 = __import__("base64").b64encode(bytes(range(30))).decode()
    write("py_sdes", [f"crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{b64}|2^20|1:4 KDR=10".encode(),
                      f"crypto:7 AES_CM_128_HMAC_SHA1_32 inline:{b64}".encode()])
    blobs = [key.private_bytes("der"), key.private_bytes(), key.private_bytes("der", "sec1"),
             key.public_key().public_bytes("der"), key.public_key().public_bytes("pem"),
             key.sign(b"message"), key.public_key().encrypt(b"m", encoding="der"), ct]
    write("py_sm2_der", [bytes([i]) + b for i, b in enumerate(blobs)])
    s = srtp.Session(0x0001, bytes(range(30)))
    write("py_packets", [s.protect(rtp(7, ext=True)), s.protect_rtcp(rtcp()), rtp(3, cc=2)])
    write("py_differential", [bytes([i]) + bytes(range(64)) + bytes(100) for i in range(4)])


if __name__ == "__main__":
    main()
