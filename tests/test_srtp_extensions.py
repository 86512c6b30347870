"""SRTP header privacy and AEAD_SM4_GCM (ccfast.srtp): RFC 6904 encrypted header extensions,
RFC 9335 cryptex, and the SM4 profile.

Known answers (tests/vectors/srtp): RFC 6904 Appendix A (as libsrtp uses it), libsrtp's GCM
header-extension packet, RFC 9335 Appendix A and libsrtp's cryptex packets, byte for byte in
both directions.  Interop with libsrtp 2.7 through pylibsrtp for RFC 6904 (pylibsrtp does not
expose libsrtp's encrypted-id list: the test sets the two srtp_policy_t fields by their offsets,
checked against the struct's layout; libsrtp 2.x has no cryptex).  Everything else against a
reference written here from the RFCs on `cryptography` (AES-CTR, AES-GCM, SM4-CTR, SM4-GCM,
HMAC-SHA1), with random packets: CSRCs, one- and two-byte extension blocks with padding between
elements, every profile.  Batches give what the per-packet calls give.
"""
import hashlib
import hmac
import json
import os
import random
import struct

import pytest

from ccfast import _srtp, srtp
from ccfast.exceptions import AuthenticationError, PacketError, ReplayError, SRTPError
from ccfast.srtp import Profile, Session

from conftest import vector_file

ciphers = pytest.importorskip("cryptography.hazmat.primitives.ciphers")
aead = pytest.importorskip("cryptography.hazmat.primitives.ciphers.aead")

# profile -> (block cipher, master key bytes, salt bytes, RTP tag bytes, aead)
INFO = {
    Profile.AES_CM_128_HMAC_SHA1_80: ("aes", 16, 14, 10, False),
    Profile.AES_CM_128_HMAC_SHA1_32: ("aes", 16, 14, 4, False),
    Profile.NULL_HMAC_SHA1_80: ("null", 16, 14, 10, False),
    Profile.NULL_HMAC_SHA1_32: ("null", 16, 14, 4, False),
    Profile.AEAD_AES_128_GCM: ("aes", 16, 12, 16, True),
    Profile.AEAD_AES_256_GCM: ("aes", 32, 12, 16, True),
    Profile.AES_192_CM_HMAC_SHA1_80: ("aes", 24, 14, 10, False),
    Profile.AES_192_CM_HMAC_SHA1_32: ("aes", 24, 14, 4, False),
    Profile.AES_256_CM_HMAC_SHA1_80: ("aes", 32, 14, 10, False),
    Profile.AES_256_CM_HMAC_SHA1_32: ("aes", 32, 14, 4, False),
    Profile.AEAD_SM4_GCM: ("sm4", 16, 12, 16, True),
}
assert set(INFO) == set(Profile)


# ---- an independent reference, from the RFC text ----------------------------------------------

def ctr(cipher, key, iv16, data):
    algo = ciphers.algorithms.SM4(key) if cipher == "sm4" else ciphers.algorithms.AES(key)
    enc = ciphers.Cipher(algo, ciphers.modes.CTR(iv16)).encryptor()
    return enc.update(data) + enc.finalize()


def gcm_seal(cipher, key, iv, data, aad):
    if cipher == "sm4":
        enc = ciphers.Cipher(ciphers.algorithms.SM4(key), ciphers.modes.GCM(iv)).encryptor()
        enc.authenticate_additional_data(aad)
        return enc.update(data) + enc.finalize() + enc.tag
    return aead.AESGCM(key).encrypt(iv, data, aad)


def xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def elements(ext, form):
    """RFC 8285 elements of extension data: [(id, offset, length)]; zero bytes are padding."""
    out, i = [], 0
    while i < len(ext):
        if ext[i] == 0:
            i += 1
            continue
        if form == 1:
            eid, n, i = ext[i] >> 4, (ext[i] & 15) + 1, i + 1
        else:
            eid, n, i = ext[i], ext[i + 1], i + 2
        assert i + n <= len(ext)
        out.append((eid, i, n))
        i += n
    return out


class Ref:
    """One SRTP sender written from RFC 3711 (AES-CM, HMAC-SHA1, PRF), RFC 7714 (GCM IVs and
    AAD; 8.3 header extensions in counter mode), RFC 6904 (positional keystream over the
    extension data, element data of encrypted ids only), RFC 9335 (CSRCs, extension data and
    payload as one region; AAD = fixed header || block header), with SM4 in place of AES for
    AEAD_SM4_GCM."""

    def __init__(self, profile, key, ids=(), cryptex=False, kdr=0):
        self.cipher, self.klen, self.slen, self.tlen, self.aead = INFO[profile]
        self.mk, self.ms = key[:self.klen], key[self.klen:]
        self.ids, self.cryptex, self.kdr = set(ids), cryptex, kdr

    def prf(self, label, n, r=0):
        x = int.from_bytes(self.ms.ljust(14, b"\0"), "big") ^ ((label << 48) | r)
        return ctr("sm4" if self.cipher == "sm4" else "aes", self.mk, (x << 16).to_bytes(16, "big"), bytes(n))

    def cm_iv(self, salt, ssrc, index):
        return ((int.from_bytes(salt.ljust(14, b"\0"), "big") << 16) ^ (ssrc << 64) ^ (index << 16)).to_bytes(16, "big")

    def gcm_iv(self, salt, ssrc, index):
        return (int.from_bytes(salt, "big") ^ ((ssrc << 48) | index)).to_bytes(12, "big")

    def protect(self, pkt, index):
        r = index // self.kdr if self.kdr else 0                 # RFC 3711 4.3.1: r = index DIV kdr
        ke, ka, ks = self.prf(0, self.klen, r), self.prf(1, 20, r), self.prf(2, self.slen, r)
        cc, x = pkt[0] & 15, pkt[0] >> 4 & 1
        ssrc = struct.unpack("!I", pkt[8:12])[0]
        fixed, csrcs, rest = pkt[:12], pkt[12:12 + 4 * cc], pkt[12 + 4 * cc:]
        if x:
            exthdr, n = rest[:4], 4 * struct.unpack("!H", rest[2:4])[0]
            extdata, payload = rest[4:4 + n], rest[4 + n:]
        else:
            exthdr, extdata, payload = b"", b"", rest
        cipher = "sm4" if self.cipher == "sm4" else "aes"
        if self.cryptex and (cc or extdata):
            if not x:
                exthdr, fixed = b"\xc0\xde\x00\x00", bytes([pkt[0] | 0x10]) + pkt[1:12]
            else:
                exthdr = (b"\xc0\xde" if exthdr[:2] == b"\xbe\xde" else b"\xc2\xde") + exthdr[2:]
            region = csrcs + extdata + payload
            if self.aead:
                sealed = gcm_seal(cipher, ke, self.gcm_iv(ks, ssrc, index), region, fixed + exthdr)
                body, tag = sealed[:-16], sealed[-16:]
            else:
                body = region if self.cipher == "null" else ctr(cipher, ke, self.cm_iv(ks, ssrc, index), region)
                tag = b""
            out = fixed + body[:4 * cc] + exthdr + body[4 * cc:] + tag
            if not self.aead:
                out += hmac.new(ka, out + struct.pack("!I", index >> 16), hashlib.sha1).digest()[:self.tlen]
            return out
        if x and self.ids:
            form = 1 if exthdr[:2] == b"\xbe\xde" else 2
            he, hs = self.prf(6, self.klen, r), self.prf(7, self.slen, r)
            stream = bytes(len(extdata)) if self.cipher == "null" else \
                ctr(cipher, he, self.cm_iv(hs, ssrc, index), bytes(len(extdata)))
            data = bytearray(extdata)
            for eid, off, n in elements(extdata, form):
                if eid in self.ids:
                    data[off:off + n] = xor(data[off:off + n], stream[off:off + n])
            extdata = bytes(data)
        header = fixed + csrcs + exthdr + extdata
        if self.aead:
            return header + gcm_seal(cipher, ke, self.gcm_iv(ks, ssrc, index), payload, header)
        body = payload if self.cipher == "null" else ctr(cipher, ke, self.cm_iv(ks, ssrc, index), payload)
        out = header + body
        return out + hmac.new(ka, out + struct.pack("!I", index >> 16), hashlib.sha1).digest()[:self.tlen]

    def protect_rtcp(self, pkt, index, encrypt=True):
        ke, ka, ks = self.prf(3, self.klen), self.prf(4, 20), self.prf(5, self.slen)
        cipher = "sm4" if self.cipher == "sm4" else "aes"
        ssrc = struct.unpack("!I", pkt[4:8])[0]
        eword = struct.pack("!I", (0x80000000 if encrypt else 0) | index)
        if self.aead:
            iv = (int.from_bytes(ks, "big") ^ ((ssrc << 48) | index)).to_bytes(12, "big")
            if encrypt:
                return pkt[:8] + gcm_seal(cipher, ke, iv, pkt[8:], pkt[:8] + eword) + eword
            return pkt + gcm_seal(cipher, ke, iv, b"", pkt + eword) + eword
        body = pkt[8:]
        if encrypt and self.cipher != "null":
            body = ctr(cipher, ke, self.cm_iv(ks, ssrc, index), body)
        out = pkt[:8] + body + eword
        return out + hmac.new(ka, out, hashlib.sha1).digest()[:10]


# ---- random packets ------------------------------------------------------------------------------

def random_extension(rng, form, ids_pool, pad_between=True):
    """An RFC 8285 block (header + data) with a few elements and zero padding between them."""
    data = bytearray()
    for _ in range(rng.randrange(0, 5)):
        if pad_between and rng.random() < 0.3:
            data += bytes(rng.randrange(1, 3))
        eid = rng.choice(ids_pool)
        if form == 1:
            n = rng.randrange(1, 17)
            data += bytes([eid << 4 | (n - 1)]) + rng.randbytes(n)
        else:
            n = rng.randrange(0, 40)
            data += bytes([eid, n]) + rng.randbytes(n)
    data += bytes(-len(data) % 4)
    profile = b"\xbe\xde" if form == 1 else b"\x10\x00"
    return profile + struct.pack("!H", len(data) // 4) + bytes(data)


def random_rtp(rng, seq, ssrc, form=None, cc=None, ids_pool=range(1, 15), pad_between=True):
    cc = rng.randrange(0, 4) if cc is None else cc
    form = rng.choice([0, 1, 2]) if form is None else form
    ext = random_extension(rng, form, list(ids_pool), pad_between) if form else b""
    first = 0x80 | (0x10 if form else 0) | cc
    hdr = struct.pack("!BBHII", first, 96, seq, seq * 960, ssrc)
    return hdr + rng.randbytes(4 * cc) + ext + rng.randbytes(rng.randrange(0, 200))


# ---- known answers ---------------------------------------------------------------------------------

def parse_vectors(name):
    sections, cur = {}, None
    for line in vector_file("srtp", name).read_text().splitlines():
        if line.startswith("##"):
            cur = sections.setdefault(line.lstrip("#").strip(), {})
        elif "=" in line and not line.startswith("#") and cur is not None:
            key, _, value = line.partition("=")
            value = value.split("#")[0].split()
            if value:
                cur[key.strip()] = value[0]
    return sections


def section(sections, prefix):
    return next(v for k, v in sections.items() if k.startswith(prefix))


def test_rfc6904_header_keys(kat):
    vs = parse_vectors("rfc6904_and_libsrtp_packets.txt")
    m, a = section(vs, "Master key"), section(vs, "(a)")
    mk, ms = bytes.fromhex(m["master_key"]), bytes.fromhex(m["master_salt"])
    assert _srtp._kdf(mk, ms, 6, 16).hex() == a["hdr_enc_key"]
    assert _srtp._kdf(mk, ms, 7, 14).hex() == a["hdr_enc_salt"]
    kat("RFC 6904", 2)


def test_rfc6904_appendix_a_packet(kat):
    vs = parse_vectors("rfc6904_and_libsrtp_packets.txt")
    m, a = section(vs, "Master key"), section(vs, "(a)")
    key = bytes.fromhex(m["master_key"] + m["master_salt"])
    plain, want = bytes.fromhex(a["rtp_plain"]), bytes.fromhex(a["srtp_cipher"])
    tx = Session(Profile.AES_CM_128_HMAC_SHA1_80, key, encrypted_header_ids=[1, 3, 4])
    got = tx.protect(plain)
    assert got.hex() == a["srtp_cipher"]
    assert got[16:40].hex() == a["ext_cipher"]
    mask = bytes.fromhex(a["ext_mask"])            # only the masked bytes changed
    assert all((p != c) <= bool(k) for p, c, k in zip(bytes.fromhex(a["ext_plain"]), got[16:40], mask))
    rx = Session(Profile.AES_CM_128_HMAC_SHA1_80, key, encrypted_header_ids=[1, 3, 4])
    assert rx.unprotect(want) == plain
    kat("RFC 6904", 2)                               # the packet protected and unprotected
    with pytest.raises(ReplayError):
        rx.unprotect(want)
    # a receiver that does not decrypt those ids gets the packet with its elements encrypted
    assert Session(Profile.AES_CM_128_HMAC_SHA1_80, key).unprotect(want) == want[:40] + plain[40:]


def test_libsrtp_gcm_encrypted_header_extensions(kat):
    v = section(parse_vectors("libsrtp_gcm_encrypted_hdrext.txt"), "libsrtp")
    key = bytes.fromhex(v["master_key"] + v["master_salt"])
    ids = [int(i) for i in v["encrypted_ids"].split(",")]
    plain, want8 = bytes.fromhex(v["rtp_plain"]), bytes.fromhex(v["srtp_cipher_tag8"])
    got = Session(Profile.AEAD_AES_128_GCM, key, encrypted_header_ids=ids).protect(plain)
    assert len(got) == len(plain) + 16
    assert got[:len(want8)] == want8                # libsrtp's 8-byte tag is our tag's first half
    assert Session(Profile.AEAD_AES_128_GCM, key, encrypted_header_ids=ids).unprotect(got) == plain
    kat("libsrtp", 1)


def rfc9335_cases():
    text = vector_file("srtp", "rfc9335_cryptex.txt").read_text().splitlines()
    cases, common, suite = [], {}, None
    for line in text:
        if line.startswith("## A.1"):
            suite = Profile.AES_CM_128_HMAC_SHA1_80
        elif line.startswith("## A.2"):
            suite = Profile.AEAD_AES_128_GCM
        elif line.startswith("### "):
            cases.append({"name": line[4:].strip(), "suite": suite})
        elif "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            value = value.split()[0]
            (cases[-1] if line.split()[0] in ("rtp_packet", "encrypted_packet") and cases and
             cases[-1]["suite"] == suite else common.setdefault(suite, {}))[key.strip()] = value
    for c in cases:
        c.update({k: v for k, v in common[c["suite"]].items() if k in ("master_key", "master_salt")})
    return cases


@pytest.mark.parametrize("case", rfc9335_cases(), ids=lambda c: f"{c['suite'].name}-{c['name']}")
def test_rfc9335_appendix_a(case, kat):
    key = bytes.fromhex(case["master_key"] + case["master_salt"])
    plain, want = bytes.fromhex(case["rtp_packet"]), bytes.fromhex(case["encrypted_packet"])
    assert Session(case["suite"], key, cryptex=True).protect(plain) == want
    rx = Session(case["suite"], key, cryptex=True)
    assert rx.unprotect(want) == plain
    kat("RFC 9335", 2)
    with pytest.raises(ReplayError):
        rx.unprotect(want)


def test_rfc9335_vectors_count():
    cases = rfc9335_cases()
    assert len(cases) == 12 and {c["suite"] for c in cases} == {Profile.AES_CM_128_HMAC_SHA1_80,
                                                               Profile.AEAD_AES_128_GCM}


@pytest.mark.parametrize("suite", ["ctr", "gcm"])
def test_cryptex_libsrtp_packets(suite, kat):
    v = json.loads(vector_file("srtp", "cryptex_libsrtp.json").read_text())[suite]
    if suite == "ctr":
        prof, key = Profile.AES_CM_128_HMAC_SHA1_80, "e1f97a0d3e018be0d64fa32c06de41390ec675ad498afeebb6960b3aabe6"
    else:
        prof, key = Profile.AEAD_AES_128_GCM, "000102030405060708090a0b0c0d0e0fa0a1a2a3a4a5a6a7a8a9aaab"
    refs = [k for k in v if k.endswith("_ref")]
    assert len(refs) == 6
    for name in refs:
        plain = bytes.fromhex(v[name])
        want = bytes.fromhex(v[name[:-4] + ("_cryptex_gcm" if suite == "gcm" else "_cryptex")])
        assert Session(prof, bytes.fromhex(key), cryptex=True).protect(plain) == want, name
        assert Session(prof, bytes.fromhex(key), cryptex=True).unprotect(want) == plain, name
    kat("libsrtp", 2 * len(refs))


# ---- interop with libsrtp (pylibsrtp) for RFC 6904 -------------------------------------------------

pylibsrtp = pytest.importorskip("pylibsrtp")
LIB = {Profile.AES_CM_128_HMAC_SHA1_80: "SRTP_PROFILE_AES128_CM_SHA1_80",
       Profile.AES_CM_128_HMAC_SHA1_32: "SRTP_PROFILE_AES128_CM_SHA1_32",
       Profile.AEAD_AES_128_GCM: "SRTP_PROFILE_AEAD_AES_128_GCM",
       Profile.AEAD_AES_256_GCM: "SRTP_PROFILE_AEAD_AES_256_GCM"}


def libsrtp_session(profile, key, outbound, ids):
    """A pylibsrtp session whose libsrtp policy encrypts the given header extension ids.

    libsrtp 2.x's srtp_policy_t ends with allow_repeat_tx, int *enc_xtn_hdr, int
    enc_xtn_hdr_count, next; pylibsrtp declares the struct only up to allow_repeat_tx, so the
    two fields are written at their offsets (checked: 8-byte pointers, size 128)."""
    from pylibsrtp import _binding
    ffi = _binding.ffi
    if ffi.sizeof("void *") != 8 or ffi.offsetof("srtp_policy_t", "allow_repeat_tx") != 96 or \
            ffi.sizeof("srtp_policy_t") != 128:
        pytest.skip("pylibsrtp's srtp_policy_t layout is not libsrtp 2.x's on a 64-bit platform")
    t = pylibsrtp.Policy.SSRC_ANY_OUTBOUND if outbound else pylibsrtp.Policy.SSRC_ANY_INBOUND
    pol = pylibsrtp.Policy(key=key, ssrc_type=t, srtp_profile=getattr(pylibsrtp.Policy, LIB[profile]))
    arr = ffi.new("int[]", list(ids))
    raw = ffi.cast("char *", pol._policy)
    ffi.cast("int **", raw + 104)[0] = arr
    ffi.cast("int *", raw + 112)[0] = len(ids)
    pol.keep_ids = arr
    return pylibsrtp.Session(pol)


@pytest.mark.parametrize("profile", list(LIB))
def test_rfc6904_interop_libsrtp(profile):
    rng = random.Random(int(profile))
    key = os.urandom(srtp.key_length(profile))
    ids = [1, 3, 4, 7, 200]
    ours_tx, ours_rx = (Session(profile, key, encrypted_header_ids=ids) for _ in range(2))
    lib_tx, lib_rx = libsrtp_session(profile, key, True, ids), libsrtp_session(profile, key, False, ids)
    for seq in range(300):
        # libsrtp 2.x draws no keystream for padding bytes: with padding before an encrypted
        # element it departs from RFC 6904's positional keystream (docs/srtp-extensions.md), so
        # the packets exchanged with it have padding only at the end of the block
        pkt = random_rtp(rng, seq, 0xCAFEBABE, form=1 + seq % 2, ids_pool=[1, 2, 3, 4, 7, 9, 14] if seq % 2 == 0
                         else [1, 3, 7, 9, 200, 201], pad_between=False)
        a = ours_tx.protect(pkt)
        assert a == lib_tx.protect(pkt), (seq, pkt.hex())
        assert lib_rx.unprotect(a) == pkt
        assert ours_rx.unprotect(a) == pkt


def test_libsrtp_padding_difference():
    """With padding before an encrypted element libsrtp 2.7 shifts the keystream (it draws none
    for padding); ccfast keeps RFC 6904's positions, as the reference does."""
    key = bytes(range(30))
    ext = b"\xbe\xde\x00\x02" + bytes([0x11, 0xAA, 0xBB, 0x00, 0x31, 0xCC, 0xDD, 0x00])
    pkt = struct.pack("!BBHII", 0x90, 0, 7, 0, 0x1234) + ext + b"payload"
    ours = Session(Profile.AES_CM_128_HMAC_SHA1_80, key, encrypted_header_ids=[1, 3]).protect(pkt)
    assert ours == Ref(Profile.AES_CM_128_HMAC_SHA1_80, key, ids=[1, 3]).protect(pkt, 7)
    lib = libsrtp_session(Profile.AES_CM_128_HMAC_SHA1_80, key, True, [1, 3]).protect(pkt)
    assert lib[:19] == ours[:19] and lib[20:] != ours[20:]       # element 1 agrees, element 3 does not


# ---- every profile against the reference ---------------------------------------------------------

ALL = list(Profile)


@pytest.mark.parametrize("profile", ALL)
def test_rfc6904_every_profile_vs_reference(profile):
    rng = random.Random(100 + int(profile))
    key = rng.randbytes(srtp.key_length(profile))
    ids = [1, 2, 5, 9, 14, 100, 255]
    ref = Ref(profile, key, ids=ids)
    tx = Session(profile, key, encrypted_header_ids=ids)
    rx = Session(profile, key, encrypted_header_ids=ids)
    for seq in range(65530, 65600):
        s = seq & 0xFFFF
        pkt = random_rtp(rng, s, 0x5EED, form=1 + seq % 2, ids_pool=[1, 2, 3, 5, 9, 14] if seq % 2 == 0
                         else [1, 2, 5, 100, 101, 255])
        got = tx.protect(pkt)
        assert got == ref.protect(pkt, seq), (seq, pkt.hex())
        assert rx.unprotect(got) == pkt


@pytest.mark.parametrize("profile", ALL)
def test_cryptex_every_profile_vs_reference(profile):
    rng = random.Random(200 + int(profile))
    key = rng.randbytes(srtp.key_length(profile))
    ref = Ref(profile, key, cryptex=True)
    tx, rx = Session(profile, key, cryptex=True), Session(profile, key, cryptex=True)
    for seq in range(60):
        pkt = random_rtp(rng, seq, 0xC0DE0001, form=seq % 3, cc=seq % 4)
        got = tx.protect(pkt)
        assert got == ref.protect(pkt, seq), (seq, pkt.hex())
        back = rx.unprotect(got)
        if pkt[0] & 0x0F and not pkt[0] & 0x10:      # CSRCs only: the empty block stays (RFC 9335 5.2)
            cc = pkt[0] & 0x0F
            assert back == bytes([pkt[0] | 0x10]) + pkt[1:12 + 4 * cc] + b"\xbe\xde\x00\x00" + pkt[12 + 4 * cc:]
        else:
            assert back == pkt


@pytest.mark.parametrize("profile", [Profile.AEAD_SM4_GCM])
def test_sm4_gcm_vs_reference(profile):
    rng = random.Random(7)
    for trial in range(4):
        key = rng.randbytes(28)
        ref = Ref(profile, key)
        tx, rx = Session(profile, key), Session(profile, key)
        for seq in list(range(65500, 65536)) + list(range(0, 20)):
            index = (1 << 16 | seq) if seq < 1000 else seq
            pkt = random_rtp(rng, seq, 0x11223344 + trial, form=0, cc=0)
            got = tx.protect(pkt)
            assert got == ref.protect(pkt, index)
            assert rx.unprotect(got) == pkt
        for i in range(1, 6):
            rtcp = struct.pack("!BBHI", 0x80, 200, 6, 0x11223344 + trial) + rng.randbytes(20)
            got = tx.protect_rtcp(rtcp)
            assert got == ref.protect_rtcp(rtcp, i)
            assert rx.unprotect_rtcp(got) == rtcp
        quiet = Session(profile, key, rtcp_encrypt=False)
        rtcp = struct.pack("!BBHI", 0x80, 201, 1, 0x0A0B0C0D) + rng.randbytes(4)
        got = quiet.protect_rtcp(rtcp)
        assert got == ref.protect_rtcp(rtcp, 1, encrypt=False)
        assert Session(profile, key).unprotect_rtcp(got) == rtcp


def test_sm4_gcm_every_payload_length_vs_reference():
    """Payloads of 0..260 bytes (the one-pass kernel takes up to 224, the general path the rest)
    under headers of one block or less and longer (CSRCs, extensions: the AAD hashed apart),
    protected, unprotected, and refused once a byte of the tag or the header changes."""
    rng = random.Random(16)
    key = rng.randbytes(28)
    ref = Ref(Profile.AEAD_SM4_GCM, key)
    tx, rx = Session(Profile.AEAD_SM4_GCM, key), Session(Profile.AEAD_SM4_GCM, key)
    seq = 0
    for n in range(0, 261):
        for cc, form in ((0, 0), (1, 0), (3, 1), (0, 2)):
            seq += 1
            pkt = random_rtp(rng, seq, 0x5EC12E7, form=form, cc=cc)
            pkt = pkt[:len(pkt) - _payload_len(pkt)] + rng.randbytes(n)
            got = tx.protect(pkt)
            assert got == ref.protect(pkt, seq), (n, cc, form)
            for i in (len(got) - 1, 1):                   # the tag; the header (AAD)
                bad = bytearray(got)
                bad[i] ^= 0x01
                with pytest.raises(AuthenticationError):
                    rx.unprotect(bytes(bad))
            assert rx.unprotect(got) == pkt


def _payload_len(pkt):
    """Payload bytes of an RTP packet (after CSRCs and the extension block)."""
    h = 12 + 4 * (pkt[0] & 0x0F)
    if pkt[0] & 0x10:
        h += 4 + 4 * struct.unpack("!H", pkt[h + 2:h + 4])[0]
    return len(pkt) - h


def test_sm4_prf_vs_reference():
    rng = random.Random(9)
    for _ in range(8):
        mk, ms = rng.randbytes(16), rng.randbytes(12)
        ref = Ref(Profile.AEAD_SM4_GCM, mk + ms)
        for label in range(8):
            assert _srtp._kdf_sm4(mk, ms, label, 16) == ref.prf(label, 16)
        assert _srtp._kdf_sm4(mk, ms, 0, 16, 5) == ref.prf(0, 16, r=5)


def test_sm4_gcm_kdr_vs_reference():
    key = bytes(range(28))
    tx, rx = Session(Profile.AEAD_SM4_GCM, key, kdr=4), Session(Profile.AEAD_SM4_GCM, key, kdr=4)
    ref = Ref(Profile.AEAD_SM4_GCM, key)
    for seq in range(12):
        pkt = struct.pack("!BBHII", 0x80, 0, seq, 0, 9) + bytes([seq]) * 30
        r = seq // 4
        ke, ks = ref.prf(0, 16, r), ref.prf(2, 12, r)
        iv = (int.from_bytes(ks, "big") ^ ((9 << 48) | seq)).to_bytes(12, "big")
        want = pkt[:12] + gcm_seal("sm4", ke, iv, pkt[12:], pkt[:12])
        got = tx.protect(pkt)
        assert got == want
        assert rx.unprotect(got) == pkt


def test_sm4_profile_lengths_and_sdes():
    assert srtp.key_length(Profile.AEAD_SM4_GCM) == 28
    assert int(Profile.AEAD_SM4_GCM) == 0x10005
    c = srtp.parse_sdes("a=crypto:1 AEAD_SM4_GCM inline:" + __import__("base64").b64encode(bytes(28)).decode())
    assert c.profile is Profile.AEAD_SM4_GCM and srtp.parse_sdes(c.to_attribute()) == c
    tx = Session(Profile.AEAD_SM4_GCM, bytes(28))
    p = tx.protect(struct.pack("!BBHII", 0x80, 0, 1, 0, 1) + b"x" * 160)
    assert len(p) == 12 + 160 + 16
    bad = bytearray(p)
    bad[20] ^= 1
    with pytest.raises(AuthenticationError):
        Session(Profile.AEAD_SM4_GCM, bytes(28)).unprotect(bytes(bad))
    with pytest.raises(AuthenticationError):     # not AES-GCM under another name
        Session(Profile.AEAD_AES_128_GCM, bytes(28)).unprotect(p)


# ---- cryptex sessions: mixed traffic, refusals ---------------------------------------------------

def test_cryptex_mixed_with_plain_and_rfc6904_packets():
    """RFC 9335 4: once negotiated, a sender may use cryptex or not per packet (and RFC 6904 on
    the packets without it): a cryptex receiver takes them interleaved on one stream."""
    key = bytes(range(30))
    prof = Profile.AES_CM_128_HMAC_SHA1_80
    cx = Session(prof, key, cryptex=True)
    h6904 = Session(prof, key, encrypted_header_ids=[1])
    plain = Session(prof, key)
    ext = b"\xbe\xde\x00\x01\x10\x55\x00\x00"
    for rnd, (senders, rx) in enumerate((((cx, h6904), Session(prof, key, cryptex=True, encrypted_header_ids=[1])),
                                         ((cx, plain), Session(prof, key, cryptex=True)))):
        for seq in range(30):
            pkt = struct.pack("!BBHII", 0x90, 0, seq, 0, 77 + rnd) + ext + b"media" * 4
            sender = senders[seq % 2]
            wire = sender.protect(pkt)
            if sender is cx:
                assert wire[12:14] == b"\xc0\xde" and wire[16:18] != pkt[16:18]
            elif sender is h6904:
                assert wire[12:17] == pkt[12:17] and wire[17] != pkt[17]      # the element's data only
            else:
                assert wire[:20] == pkt[:20]
            assert rx.unprotect(wire) == pkt
    # a packet with neither CSRCs nor extensions is plain SRTP on a cryptex session
    bare = struct.pack("!BBHII", 0x80, 0, 100, 0, 77) + b"x" * 20
    assert Session(prof, key, cryptex=True).protect(bare) == Session(prof, key).protect(bare)


def test_cryptex_refusals_leave_state():
    key = bytes(range(28))
    prof = Profile.AEAD_AES_128_GCM
    cx = Session(prof, key, cryptex=True)
    wire = cx.protect(struct.pack("!BBHII", 0x91, 0, 1, 0, 5) + b"\x00\x00\x00\x09" + b"\xbe\xde\x00\x00" + b"p" * 8)
    with pytest.raises(PacketError, match="without cryptex=True"):
        Session(prof, key).unprotect(wire)
    marked = struct.pack("!BBHII", 0x90, 0, 2, 0, 5) + b"\xc0\xde\x00\x00" + b"p" * 8
    for s in (cx, Session(prof, key)):
        with pytest.raises(PacketError, match="already carries a cryptex marker"):
            s.protect(marked)
    empty = Session(prof, key, cryptex=True)
    forged = struct.pack("!BBHII", 0x90, 0, 2, 0, 5) + b"\xc0\xde\x00\x00" + bytes(24)
    with pytest.raises(PacketError, match="without CSRCs or header extension data"):
        empty.unprotect(forged)
    assert empty.streams() == []
    with pytest.raises(PacketError, match="app bits"):
        cx.protect(struct.pack("!BBHII", 0x90, 0, 3, 0, 5) + b"\x10\x01\x00\x01\x01\x01\xaa\x00" + b"p")
    with pytest.raises(PacketError, match="neither the one-byte"):
        cx.protect(struct.pack("!BBHII", 0x90, 0, 3, 0, 5) + b"\x12\x34\x00\x01abcd" + b"p")
    assert cx.stats[5]["protected"] == 1


def test_header_rules_only_where_configured():
    """A session without encrypted ids or cryptex takes any extension block, as before."""
    key = bytes(range(30))
    odd = struct.pack("!BBHII", 0x90, 0, 1, 0, 5) + b"\x12\x34\x00\x01" + b"\xf5\xff\xff\xff" + b"body"
    s = Session(Profile.AES_CM_128_HMAC_SHA1_80, key)
    assert Session(Profile.AES_CM_128_HMAC_SHA1_80, key).unprotect(s.protect(odd)) == odd
    strict = Session(Profile.AES_CM_128_HMAC_SHA1_80, key, encrypted_header_ids=[1])
    with pytest.raises(PacketError, match="neither the one-byte"):
        strict.protect(odd)
    id15 = struct.pack("!BBHII", 0x90, 0, 1, 0, 5) + b"\xbe\xde\x00\x01" + b"\xf0\x00\x00\x00" + b"body"
    with pytest.raises(PacketError, match="reserved id 15"):
        strict.protect(id15)
    assert Session(Profile.AES_CM_128_HMAC_SHA1_80, key).protect(id15)


# ---- batches give the per-packet results -----------------------------------------------------------

@pytest.mark.parametrize("profile", [Profile.AES_CM_128_HMAC_SHA1_80, Profile.AEAD_AES_128_GCM, Profile.AEAD_SM4_GCM])
@pytest.mark.parametrize("mode", ["6904", "cryptex"])
def test_batches_equal_single_calls(profile, mode):
    np = pytest.importorskip("numpy")
    rng = random.Random(5)
    key = rng.randbytes(srtp.key_length(profile))
    kw = {"encrypted_header_ids": [1, 2, 3]} if mode == "6904" else {"cryptex": True}
    pkts = [random_rtp(rng, s, 0x100 + s % 3, form=s % 3, cc=s % 2, ids_pool=[1, 2, 3, 4]) for s in range(40)]
    single = [Session(profile, key, **kw).protect(p) for p in [pkts[0]]]
    one = Session(profile, key, **kw)
    single = [one.protect(p) for p in pkts]
    assert Session(profile, key, **kw).protect_batch(pkts) == single
    rows = np.zeros((len(pkts), 400), np.uint8)
    lengths = np.array([len(p) for p in pkts], np.int32)
    for i, p in enumerate(pkts):
        rows[i, :len(p)] = np.frombuffer(p, np.uint8)
    assert Session(profile, key, **kw).protect_batch_into(rows, lengths) == [None] * len(pkts)
    assert [bytes(rows[i, :lengths[i]]) for i in range(len(pkts))] == single
    rx = Session(profile, key, **kw)
    want = [rx.unprotect(p) for p in single]
    assert Session(profile, key, **kw).unprotect_batch(single) == want
    assert Session(profile, key, **kw).unprotect_batch_into(rows, lengths) == [None] * len(pkts)
    assert [bytes(rows[i, :lengths[i]]) for i in range(len(pkts))] == want
    buf = bytearray(single[3] + bytes(8))
    assert Session(profile, key, **kw).unprotect_into(buf, len(single[3])) == len(want[3])
    assert bytes(buf[:len(want[3])]) == want[3]
    room = bytearray(pkts[1] + bytes(40))
    n = Session(profile, key, **kw).protect_into(room, len(pkts[1]))
    assert bytes(room[:n]) == Session(profile, key, **kw).protect(pkts[1])


def test_session_arguments():
    key = bytes(30)
    for bad, exc in ((["1"], TypeError), ([0], ValueError), ([256], ValueError), ("13", TypeError),
                     (5, TypeError), ([1.0], TypeError), ([True], TypeError), (b"\x01", TypeError)):
        with pytest.raises(exc):
            Session(Profile.AES_CM_128_HMAC_SHA1_80, key, encrypted_header_ids=bad)
    s = Session(Profile.AES_CM_128_HMAC_SHA1_80, key, encrypted_header_ids=range(1, 256), cryptex=True)
    assert isinstance(s.protect(struct.pack("!BBHII", 0x80, 0, 1, 0, 1)), bytes)
    with pytest.raises(SRTPError):
        Session(Profile.AES_CM_128_HMAC_SHA1_80, key).unprotect(b"\x80" * 11)


def test_sm4_example_of_the_docs_vs_reference():
    """docs/srtp-extensions.md gives these packets for other implementations to check against."""
    key = bytes(range(16)) + bytes(range(0xA0, 0xAC))
    ref = Ref(Profile.AEAD_SM4_GCM, key)
    pkt = struct.pack("!BBHII", 0x80, 0, 1, 160, 0x12345678) + b"SM4 in SRTP"
    assert ref.protect(pkt, 1).hex() == ("80000001000000a012345678" "0125da52425e30c145202f"
                                         "8cd46efcbe26fa03340fec9257ead235")
    ctl = struct.pack("!BBHI", 0x81, 200, 1, 0x12345678) + b"SR  "
    assert ref.protect_rtcp(ctl, 1).hex() == "81c80001123456787fc0f958529af9339163a97dc9207f30e4ae42a580000001"
    s = Session(Profile.AEAD_SM4_GCM, key)
    assert s.protect(pkt) == ref.protect(pkt, 1) and s.protect_rtcp(ctl) == ref.protect_rtcp(ctl, 1)


def test_empty_block_without_csrcs_on_a_cryptex_session_with_ids():
    """(found by fuzz_srtp_roundtrip) A packet with an empty extension block and no CSRC has
    nothing for cryptex to encrypt: it goes under the RFC 6904 rules like any other packet, so
    the sender refuses a block in neither RFC 8285 form as the receiver would."""
    key = bytes(28)
    kw = {"cryptex": True, "encrypted_header_ids": [1, 3, 200]}
    odd = struct.pack("!BBHII", 0x90, 0, 1, 0, 0) + b"\x00\x00\x00\x00" + b"payload"
    with pytest.raises(PacketError, match="neither the one-byte"):
        Session(Profile.AEAD_SM4_GCM, key, **kw).protect(odd)
    empty = struct.pack("!BBHII", 0x90, 0, 1, 0, 0) + b"\xbe\xde\x00\x00" + b"payload"
    wire = Session(Profile.AEAD_SM4_GCM, key, **kw).protect(empty)
    assert wire[12:16] == b"\xbe\xde\x00\x00"
    assert Session(Profile.AEAD_SM4_GCM, key, **kw).unprotect(wire) == empty


@pytest.mark.parametrize("profile", ALL)
def test_header_privacy_with_key_derivation_rate(profile):
    """(found by fuzz_srtp_roundtrip) With kdr != 0 the header-extension keys change with the
    session keys; a receiver decrypts the elements with the keys of the packet's period."""
    rng = random.Random(300 + int(profile))
    key = rng.randbytes(srtp.key_length(profile))
    for kw, ref in (({"encrypted_header_ids": [1, 2, 5]}, Ref(profile, key, ids=[1, 2, 5], kdr=4)),
                    ({"cryptex": True}, Ref(profile, key, cryptex=True, kdr=4))):
        tx, rx = Session(profile, key, kdr=4, **kw), Session(profile, key, kdr=4, **kw)
        pkts = [random_rtp(rng, s, 0x4D, form=1 + s % 2, cc=s % 2, ids_pool=[1, 2, 3, 5]) for s in range(14)]
        wires = [tx.protect(p) for p in pkts]
        assert wires == [ref.protect(p, s) for s, p in enumerate(pkts)]
        for s in (0, 5, 1, 9, 2, 13, 6):                  # key periods out of order
            assert rx.unprotect(wires[s]) == pkts[s]
