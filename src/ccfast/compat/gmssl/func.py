"""The helpers of ``gmssl.func`` (list/bytes conversions, paddings), with a CSPRNG random_hex."""
import secrets

__all__ = ["xor", "rotl", "get_uint32_be", "put_uint32_be", "pkcs7_padding", "zero_padding",
           "pkcs7_unpadding", "zero_unpadding", "list_to_bytes", "bytes_to_list", "random_hex",
           "padding", "unpadding", "str_to_list", "list_to_str"]


def xor(a, b):
    return [x ^ y for x, y in zip(a, b)]


def rotl(x, n):
    return ((x << n) & 0xFFFFFFFF) | ((x >> (32 - n)) & 0xFFFFFFFF)


def get_uint32_be(key_data):
    return (key_data[0] << 24) | (key_data[1] << 16) | (key_data[2] << 8) | key_data[3]


def put_uint32_be(n):
    return [(n >> 24) & 0xFF, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF]


def pkcs7_padding(data, block=16):
    n = 16 - len(data) % block
    return list(data) + [n] * n


def zero_padding(data, block=16):
    return list(data) + [0] * (16 - len(data) % block)


def pkcs7_unpadding(data):
    """Remove PKCS#7 padding, checking it (gmssl does not); PaddingError when invalid."""
    from ccfast.exceptions import PaddingError
    data = list(data)
    if not data:
        raise PaddingError("invalid padding")
    n = data[-1]
    bad = (n == 0) | (n > 16) | (n > len(data))
    if not bad:
        for x in data[-n:]:
            bad |= x != n
    if bad:
        raise PaddingError("invalid padding")
    return data[:-n]


def zero_unpadding(data, i=1):
    """gmssl's zero unpadding: drop one trailing zero byte when the last byte is zero."""
    data = list(data)
    return data[:-i] if data and data[-i] == 0 else data


def list_to_bytes(data):
    return bytes(data)


def bytes_to_list(data):
    return list(data)


def random_hex(x):
    """x random hex digits from the OS CSPRNG (gmssl uses the `random` module)."""
    return "".join(secrets.choice("0123456789abcdef") for _ in range(x))


# Names of earlier gmssl releases (3.2.1 and before), still used by code and by gmssl's own
# tests/test_sm3.py as shipped in its sdists: padding/unpadding (PKCS#7, now checked) and the
# str/list conversions of gmssl 2.
padding = pkcs7_padding
unpadding = pkcs7_unpadding


def str_to_list(data):
    return [ord(c) for c in data]


def list_to_str(data):
    return "".join(chr(i) for i in data)
