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

# profile order of the C harnesses' PROFILES table (fuzz/c/fuzz_srtp_profiles.h)
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
    for old in os.listdir(d):                          # seeds of an older input layout go
        os.remove(os.path.join(d, old))
    for b in blobs:
        with open(os.path.join(d, hashlib.sha1(b).hexdigest()[:16]), "wb") as f:
            f.write(b)


def packet_entry(pkt, is_rtcp=False):
    """One packet of fuzz_srtp_unprotect's input: kind/length bytes, then the packet."""
    return bytes([(0x80 if is_rtcp else 0) | len(pkt) >> 8, len(pkt) & 0xFF]) + pkt


def jitter_op(kind, seq_delta=1, raw_ts=0, step=20):
    return bytes([kind, 0, seq_delta & 0xFF]) + struct.pack("!I", raw_ts) + bytes([step])


def main():
    unprotect, roundtrip = [], []
    for i, prof in enumerate(C_PROFILES):
        kl, sl, _ = srtp._lengths(prof)
        for flags in (0, 2, 4, 8):
            mki = b"\xde\xad\xbe\xef" if flags & 2 else None
            s = srtp.Session(prof, MK[:kl] + MS[:sl], mki=mki, kdr=16 if flags & 4 else 0)
            # several packets on one stream: in order, reordered, a replay, an SRTCP one
            pkts = [s.protect(rtp(seq, cc=seq % 2, ext=seq == 5)) for seq in (5, 6, 9, 7)]
            body = b"".join(packet_entry(p) for p in pkts + [pkts[1]])
            body += packet_entry(s.protect_rtcp(rtcp()), True)
            window = (64, 1, 1000, 32767)[flags >> 1 & 3]
            unprotect.append(bytes([i, flags]) + struct.pack("!H", window - 1) + body)
        roundtrip.append(bytes([i, 0, 7, 0]) + bytes(kl) + rtp(9))
        roundtrip.append(bytes([i, 1 | 8, 33, 1]) + bytes(kl) + rtcp())
        roundtrip.append(bytes([i, 4 | 8, 200, 255, 3]) + bytes(kl) + rtp(65535, cc=2))
    write("srtp_unprotect", unprotect)
    write("srtp_roundtrip", roundtrip)
    # batches take the same input (fuzz_srtp_batch.c): the flags add a second stream (16), a
    # stop at the first failure (32), per-packet functions only (64), bit 128 (unused), header
    # privacy (1: RFC 6904 ids 1 and 2, and cryptex)
    write("srtp_batch", unprotect + [bytes([u[0], u[1] | extra]) + u[2:] for u in unprotect
                                     for extra in (1, 16, 32, 64, 128) if u[0] >= 4 or extra != 128])
    # jitter: a regular talkspurt with reordering and a loss, comfort noise and a silence gap,
    # an SSRC change; the configuration byte picks adaptive or fixed mode
    put, get, marker, cn, ssrc_flag, other = 1, 0, 4, 8, 16, 2
    talk = [jitter_op(put | marker), jitter_op(put), jitter_op(put, 2), jitter_op(put, -1 & 0xFF),
            jitter_op(get, step=40), jitter_op(put, 2), jitter_op(put), jitter_op(get, step=60)]
    quiet = [jitter_op(put | cn), jitter_op(get, step=40), jitter_op(put | marker, 5), jitter_op(put),
             jitter_op(get, step=63), jitter_op(get, step=63)]
    leg = [jitter_op(put | ssrc_flag), jitter_op(put | ssrc_flag), jitter_op(put | ssrc_flag | other),
           jitter_op(put | ssrc_flag | other), jitter_op(get, step=63), jitter_op(get | 64, step=10),
           jitter_op(put | 32, raw_ts=12345), jitter_op(get, step=63)]
    write("jitter", [bytes([0x00]) + b"".join(talk), bytes([0x05]) + b"".join(talk + quiet),
                     bytes([0x30]) + b"".join(leg + talk), rtp(3, cc=1, ext=True)])
    key = sm2.SM2PrivateKey.from_bytes(bytes(range(1, 33)))
    pub = key.public_key().public_bytes()[1:]
    digest = bytes(range(32))
    sig = key.sign_digest(digest, encoding="raw")
    ct = key.public_key().encrypt(b"hello sm2")              # 04 || C1 || C3 || C2
    other_key = sm2.SM2PrivateKey.from_bytes(bytes(range(2, 34)))
    other_pub = other_key.public_key().public_bytes()[1:]
    write("sm2", [bytes([0]) + pub, bytes([0x80]) + pub[:32], bytes([1]) + digest + sig,
                  bytes([2]) + ct[1:], bytes([3]) + other_pub + digest + other_key.sign_digest(digest, encoding="raw"),
                  bytes([4]) + other_pub + pub, bytes([0x40]) + pub, bytes([0x41]) + digest + sig,
                  bytes([0x42]) + ct[1:], bytes([0x43]) + pub + digest + sig, bytes([0x44]) + other_pub + pub])
    write("aead_diff", [bytes([0, 11, 12]) + bytes(16) + bytes(12) + bytes(12) + bytes(160),
                        bytes([2, 63, 0]) + bytes(range(32)) + bytes(64) + bytes(600)])
    # sm4_diff: key, IV, GCM nonce length - 1, CCM nonce length - 6, tag length - 2, AAD length,
    # nonce, AAD, message
    write("sm4_diff", [bytes(range(16)) + bytes(16) + bytes([11, 6, 14, 20]) + bytes(12) + bytes(20) + bytes(100),
                       bytes(range(16, 32)) + b"\xff" * 16 + bytes([0, 1, 2, 0]) + bytes(1) + bytes(16 * 129 + 5),
                       bytes(16) + bytes(16) + bytes([63, 7, 8, 255]) + bytes(range(64)) + bytes(255) + bytes(33)])
    # sm3_diff: message count, then length bytes and message each, then the single-stream message
    many = bytes([17]) + b"".join(bytes([n >> 2, n & 3]) + bytes([n & 0xFF]) * n
                                  for n in (0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 200, 3, 700, 64, 64, 64, 1000))
    write("sm3_diff", [many + bytes(range(8)) + b"abc" * 50, bytes([0]) + bytes([1, 0, 63, 64, 5, 0, 2, 9]) + bytes(300)])
    # atheris harnesses (fuzz/py): inputs in their FuzzedDataProvider layouts where simple
    b64 = __import__("base64").b64encode(bytes(range(30))).decode()
    write("py_sdes", [f"crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{b64}|2^20|1:4 KDR=10".encode(),
                      f"crypto:7 AES_CM_128_HMAC_SHA1_32 inline:{b64}".encode()])
    # fuzz_sm2_der: selector byte (the case number of the harness), then the blob
    peer = sm2.SM2PrivateKey.from_bytes(bytes(range(2, 34))).public_key()
    kex = sm2.KeyExchange(other_key, key.public_key(), initiator=False)
    cases = [(0, key.private_bytes("der")), (0, key.private_bytes("der", "sec1")), (1, key.private_bytes()),
             (2, key.public_key().public_bytes("der")), (3, key.public_key().public_bytes("pem")),
             (4, key.sign(b"message")), (5, key.public_key().encrypt(b"m", encoding="der")), (6, ct),
             (7, key.public_key().encrypt(b"m", mode="C1C2C3")), (8, key.public_key().public_bytes()),
             (8, key.public_key().public_bytes(compressed=True)), (9, key.to_bytes()),
             (10, sig + digest), (11, key.sign_digest(bytes(32))), (12, kex.ephemeral)]
    assert peer == other_key.public_key()
    write("py_sm2_der", [bytes([i]) + b for i, b in cases])
    # fuzz_packets: profile index (srtp.Profile order), then the packet; key bytes 0, 1, 2, ...
    packets = [bytes([0]) + rtp(3, cc=2)]
    for i, prof in enumerate(srtp.Profile):
        kl, sl, _ = srtp._lengths(prof)
        s = srtp.Session(prof, bytes(range(kl + sl)))
        packets += [bytes([i]) + s.protect(rtp(7, ssrc=0xFEED, ext=True)), bytes([i]) + s.protect_rtcp(rtcp(0xFEED))]
    write("py_packets", packets)
    write("py_differential", [bytes([i]) + bytes(range(64)) + bytes(100) for i in range(4)])
    # fuzz_mask: selector byte (bit 0: UTF-16-LE, bit 1: tokenize, bit 2: validators), then text
    lines = ["卡号 6222 0200 1234 5671，电话 +86 138-1234-5678。", "身份证11010519491231002X 邮箱 zhang.san@example.com",
             "幺三八幺二三四五六七八 ４１１１１１１１１１１１１１１１", "order 4111111111111111.50 ID12345678901 a@b.c",
             "tel 0086 139 1234 5678, 一 三 八 〇 〇 一 三 八 〇 〇 〇"]
    write("py_mask", [bytes([6]) + t.encode() for t in lines] + [bytes([7]) + lines[0].encode("utf-16-le")])


if __name__ == "__main__":
    main()
