"""A small strict DER codec for the SM2 structures (ITU-T X.690 section 10 restrictions):

* SM2 signatures: SEQUENCE { r INTEGER, s INTEGER } (GB/T 35276 / GM/T 0009 SM2Signature);
* SM2 ciphertexts: SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING (32), ciphertext OCTET STRING }
  (GM/T 0009-2012 section 7.2 SM2Cipher; the C1C2C3 variant swaps the two OCTET STRINGs);
* keys: PKCS#8 PrivateKeyInfo (RFC 5208) wrapping an RFC 5915 ECPrivateKey, SEC1 ECPrivateKey,
  SubjectPublicKeyInfo (RFC 5480), with id-ecPublicKey and the SM2 curve OID 1.2.156.10197.1.301
  -- the layouts OpenSSL 3 and GmSSL write;
* PEM armour (RFC 7468).

Only definite, minimal lengths, minimal INTEGERs and no trailing bytes are accepted; every
malformed input raises ValueError.
"""
import base64
import binascii
import re

__all__ = [
    "encode_signature", "decode_signature", "encode_ciphertext", "decode_ciphertext",
    "encode_pkcs8", "encode_sec1", "encode_spki", "decode_private_key", "decode_spki",
    "pem_encode", "pem_decode",
]

OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
OID_SM2 = "1.2.156.10197.1.301"

_SEQUENCE, _INTEGER, _BIT_STRING, _OCTET_STRING, _NULL, _OID = 0x30, 0x02, 0x03, 0x04, 0x05, 0x06


# ---- encoding ------------------------------------------------------------------------------

def _len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def _tlv(tag, value):
    return bytes([tag]) + _len(len(value)) + value


def _int(value):
    """INTEGER from a non-negative int or big-endian bytes."""
    if isinstance(value, (bytes, bytearray)):
        value = int.from_bytes(value, "big")
    b = value.to_bytes(value.bit_length() // 8 + 1, "big")   # one leading 0 bit at least
    if len(b) > 1 and b[0] == 0 and not b[1] & 0x80:
        b = b[1:]
    return _tlv(_INTEGER, b)


def _oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    body = bytearray([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(reversed(chunk))
    return _tlv(_OID, bytes(body))


def encode_signature(raw):
    """DER SEQUENCE { r, s } from the 64-byte r || s."""
    return _tlv(_SEQUENCE, _int(raw[:32]) + _int(raw[32:64]))


def encode_ciphertext(c1, c3, c2, c1c3c2=True):
    """GM/T 0009 SM2Cipher from C1 = X || Y (64 bytes), C3 (32 bytes) and C2."""
    x, y = _int(c1[:32]), _int(c1[32:64])
    if c1c3c2:
        return _tlv(_SEQUENCE, x + y + _tlv(_OCTET_STRING, c3) + _tlv(_OCTET_STRING, c2))
    return _tlv(_SEQUENCE, x + y + _tlv(_OCTET_STRING, c2) + _tlv(_OCTET_STRING, c3))


def _alg_id():
    return _tlv(_SEQUENCE, _oid(OID_EC_PUBLIC_KEY) + _oid(OID_SM2))


def encode_sec1(d, point, with_params=True):
    """RFC 5915 ECPrivateKey { 1, d (32 bytes), [0] curve OID, [1] public key }."""
    body = _int(1) + _tlv(_OCTET_STRING, d)
    if with_params:
        body += _tlv(0xA0, _oid(OID_SM2))
    if point is not None:
        body += _tlv(0xA1, _tlv(_BIT_STRING, b"\x00" + point))
    return _tlv(_SEQUENCE, body)


def encode_pkcs8(d, point):
    """PKCS#8 PrivateKeyInfo { 0, id-ecPublicKey + sm2p256v1, ECPrivateKey without [0] } as
    `openssl genpkey -algorithm SM2` writes it."""
    inner = encode_sec1(d, point, with_params=False)
    return _tlv(_SEQUENCE, _int(0) + _alg_id() + _tlv(_OCTET_STRING, inner))


def encode_spki(point):
    """SubjectPublicKeyInfo { id-ecPublicKey + sm2p256v1, BIT STRING point }."""
    return _tlv(_SEQUENCE, _alg_id() + _tlv(_BIT_STRING, b"\x00" + point))


# ---- decoding ------------------------------------------------------------------------------

def _read(buf, pos, end):
    """One TLV at buf[pos:end] -> (tag, value_start, value_end)."""
    if pos + 2 > end:
        raise ValueError("DER: truncated")
    tag = buf[pos]
    if tag & 0x1F == 0x1F:
        raise ValueError("DER: high tag numbers not supported")
    n = buf[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4:
            raise ValueError("DER: indefinite or oversized length")
        if pos + k > end:
            raise ValueError("DER: truncated length")
        n = int.from_bytes(buf[pos:pos + k], "big")
        if n < 0x80 or buf[pos] == 0:
            raise ValueError("DER: non-minimal length")
        pos += k
    if pos + n > end:
        raise ValueError("DER: truncated value")
    return tag, pos, pos + n


def _expect(buf, pos, end, tag):
    t, s, e = _read(buf, pos, end)
    if t != tag:
        raise ValueError(f"DER: expected tag 0x{tag:02x}, found 0x{t:02x}")
    return s, e


def _get_int(buf, s, e):
    if s == e:
        raise ValueError("DER: empty INTEGER")
    if e - s > 1 and ((buf[s] == 0 and not buf[s + 1] & 0x80) or (buf[s] == 0xFF and buf[s + 1] & 0x80)):
        raise ValueError("DER: non-minimal INTEGER")
    if buf[s] & 0x80:
        raise ValueError("DER: negative INTEGER")
    return int.from_bytes(buf[s:e], "big")


def _uint256(v):
    if v >= 1 << 256:
        raise ValueError("DER: INTEGER wider than 256 bits")
    return v.to_bytes(32, "big")


def _as_bytes(data):
    try:
        return memoryview(data).cast("B").tobytes() if not isinstance(data, bytes) else data
    except TypeError:
        raise TypeError(f"expected a bytes-like object, not {type(data).__name__}") from None


def _top(data, tag=_SEQUENCE):
    buf = _as_bytes(data)
    s, e = _expect(buf, 0, len(buf), tag)
    if e != len(buf):
        raise ValueError("DER: trailing data")
    return buf, s, e


def decode_signature(data):
    """r || s (64 bytes) from DER SEQUENCE { r INTEGER, s INTEGER }."""
    buf, s, e = _top(data)
    a, b = _expect(buf, s, e, _INTEGER)
    r = _get_int(buf, a, b)
    a, c = _expect(buf, b, e, _INTEGER)
    v = _get_int(buf, a, c)
    if c != e:
        raise ValueError("DER: trailing data in signature")
    return _uint256(r) + _uint256(v)


def decode_ciphertext(data, c1c3c2=True):
    """(C1 = X || Y, C3, C2) from GM/T 0009 SM2Cipher."""
    buf, s, e = _top(data)
    a, b = _expect(buf, s, e, _INTEGER)
    x = _uint256(_get_int(buf, a, b))
    a, c = _expect(buf, b, e, _INTEGER)
    y = _uint256(_get_int(buf, a, c))
    a, b = _expect(buf, c, e, _OCTET_STRING)
    first = buf[a:b]
    a, c = _expect(buf, b, e, _OCTET_STRING)
    second = buf[a:c]
    if c != e:
        raise ValueError("DER: trailing data in ciphertext")
    c3, c2 = (first, second) if c1c3c2 else (second, first)
    if len(c3) != 32:
        raise ValueError("SM2 ciphertext hash must be 32 bytes")
    return x + y, c3, c2


def _get_oid(buf, s, e):
    if s == e or buf[e - 1] & 0x80:
        raise ValueError("DER: bad OBJECT IDENTIFIER")
    first = buf[s]
    parts = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    v = 0
    for i in range(s + 1, e):
        if v == 0 and buf[i] == 0x80:
            raise ValueError("DER: non-minimal OID component")
        v = (v << 7) | (buf[i] & 0x7F)
        if not buf[i] & 0x80:
            parts.append(v)
            v = 0
    return ".".join(str(p) for p in parts)


# Names of the curves and key algorithms other than SM2 that keys are most often found with
# (RFC 5480, SEC 2, RFC 5639, RFC 8410, PKCS #1), for error messages.
_OID_NAMES = {
    "1.2.840.10045.3.1.7": "NIST P-256 (prime256v1, secp256r1)",
    "1.3.132.0.34": "NIST P-384 (secp384r1)",
    "1.3.132.0.35": "NIST P-521 (secp521r1)",
    "1.3.132.0.33": "NIST P-224 (secp224r1)",
    "1.2.840.10045.3.1.1": "NIST P-192 (prime192v1, secp192r1)",
    "1.3.132.0.10": "secp256k1",
    "1.3.36.3.3.2.8.1.1.7": "brainpoolP256r1",
    "1.3.36.3.3.2.8.1.1.11": "brainpoolP384r1",
    "1.3.36.3.3.2.8.1.1.13": "brainpoolP512r1",
    "1.2.840.113549.1.1.1": "RSA (rsaEncryption)",
    "1.2.840.10040.4.1": "DSA",
    "1.3.101.110": "X25519",
    "1.3.101.111": "X448",
    "1.3.101.112": "Ed25519",
    "1.3.101.113": "Ed448",
    OID_EC_PUBLIC_KEY: "id-ecPublicKey",
    OID_SM2: "SM2 (sm2p256v1)",
}


def _named(oid):
    """'name (OID dotted)' for a known OID, the OID alone otherwise."""
    name = _OID_NAMES.get(oid)
    return f"{name}, OID {oid}" if name else f"OID {oid}"


def _check_alg(buf, s, e):
    """AlgorithmIdentifier: id-ecPublicKey with the SM2 curve (or the SM2 OID alone, as some
    GmSSL versions write)."""
    a, b = _expect(buf, s, e, _OID)
    alg = _get_oid(buf, a, b)
    if alg == OID_EC_PUBLIC_KEY:
        a, c = _expect(buf, b, e, _OID)
        curve = _get_oid(buf, a, c)
        if curve != OID_SM2:
            raise ValueError(f"not an SM2 key: the curve is {_named(curve)}")
        if c != e:
            raise ValueError("DER: trailing data in AlgorithmIdentifier")
    elif alg == OID_SM2:
        if b != e:
            t, a, c = _read(buf, b, e)
            if t != _NULL or a != c or c != e:
                raise ValueError("DER: bad AlgorithmIdentifier parameters")
    else:
        raise ValueError(f"not an SM2 key: the key algorithm is {_named(alg)}")


def _bit_string(buf, s, e):
    if s == e or buf[s] != 0:
        raise ValueError("DER: BIT STRING with unused bits")
    return buf[s + 1:e]


def _decode_ec_private(buf, s, e, need_params):
    """RFC 5915 ECPrivateKey body -> (d 32 bytes, public point bytes or None)."""
    a, b = _expect(buf, s, e, _INTEGER)
    if _get_int(buf, a, b) != 1:
        raise ValueError("ECPrivateKey version must be 1")
    a, pos = _expect(buf, b, e, _OCTET_STRING)
    d = buf[a:pos]                 # its length is checked after the curve: a foreign key is named
    point = None
    seen_params = False
    if pos < e:
        t, a, b = _read(buf, pos, e)
        if t == 0xA0:
            c, f = _expect(buf, a, b, _OID)
            if f != b:
                raise ValueError("DER: trailing data in ECPrivateKey parameters")
            curve = _get_oid(buf, c, f)
            if curve != OID_SM2:
                raise ValueError(f"not an SM2 key: the curve is {_named(curve)}")
            seen_params = True
            pos = b
    if pos < e:
        t, a, b = _read(buf, pos, e)
        if t != 0xA1:
            raise ValueError("DER: unexpected field in ECPrivateKey")
        c, f = _expect(buf, a, b, _BIT_STRING)
        if f != b:
            raise ValueError("DER: trailing data in ECPrivateKey public key")
        point = _bit_string(buf, c, f)
        pos = b
    if pos != e:
        raise ValueError("DER: trailing data in ECPrivateKey")
    if need_params and not seen_params:
        raise ValueError("SEC1 private key without the SM2 curve parameters")
    if not 1 <= len(d) <= 32:
        raise ValueError("SM2 private key must be at most 32 bytes")
    return bytes(32 - len(d)) + d, point


def decode_private_key(data):
    """PKCS#8 PrivateKeyInfo or SEC1 ECPrivateKey -> (d, public point bytes or None)."""
    buf, s, e = _top(data)
    a, b = _expect(buf, s, e, _INTEGER)
    version = _get_int(buf, a, b)
    second, _, _ = _read(buf, b, e)
    if version == 1 and second == _OCTET_STRING:      # SEC1 ECPrivateKey
        return _decode_ec_private(buf, s, e, need_params=True)
    if version not in (0, 1):                         # PKCS#8 v1 / v2 (RFC 5958 OneAsymmetricKey)
        raise ValueError("unsupported private key version")
    a, c = _expect(buf, b, e, _SEQUENCE)
    _check_alg(buf, a, c)
    a, f = _expect(buf, c, e, _OCTET_STRING)
    pos = f
    for tag in (0xA0, 0x81):                          # [0] attributes, [1] publicKey (v2): ignored,
        if pos < e:                                   # the key's own public key is derived from d
            t, _, nxt = _read(buf, pos, e)
            if t == tag:
                pos = nxt
    if pos != e:
        raise ValueError("DER: trailing data in PrivateKeyInfo")
    inner, x, y = buf[a:f], None, None
    x, y = _expect(inner, 0, len(inner), _SEQUENCE)
    if y != len(inner):
        raise ValueError("DER: trailing data in ECPrivateKey")
    return _decode_ec_private(inner, x, y, need_params=False)


def decode_spki(data):
    """SubjectPublicKeyInfo -> the encoded point (04||X||Y or 02/03||X)."""
    buf, s, e = _top(data)
    a, b = _expect(buf, s, e, _SEQUENCE)
    _check_alg(buf, a, b)
    a, c = _expect(buf, b, e, _BIT_STRING)
    if c != e:
        raise ValueError("DER: trailing data in SubjectPublicKeyInfo")
    return _bit_string(buf, a, c)


# ---- PEM -------------------------------------------------------------------------------------

_PEM_RE = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.S)


def pem_encode(label, der):
    b64 = base64.b64encode(der).decode("ascii")
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return (f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n").encode("ascii")


def pem_decode(data, labels):
    """(label, DER) of the first PEM block whose label is in `labels`."""
    if isinstance(data, str):
        data = data.encode("ascii", "replace")
    data = _as_bytes(data)
    found = []
    for m in _PEM_RE.finditer(data):
        label = m.group(1).decode("ascii")
        found.append(label)
        if label not in labels:
            continue
        body = m.group(2)
        if b":" in body:
            raise ValueError("encrypted PEM (Proc-Type/DEK-Info) is not supported")
        try:
            der = base64.b64decode(b"".join(body.split()), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("PEM: invalid base64") from None
        return label, der
    if "ENCRYPTED PRIVATE KEY" in found:
        raise ValueError("encrypted PKCS#8 private keys are not supported")
    raise ValueError(f"no PEM block labelled {' or '.join(labels)} (found: {', '.join(found) or 'none'})")
