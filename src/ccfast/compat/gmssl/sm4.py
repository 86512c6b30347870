"""``gmssl.sm4.CryptSM4`` over ccfast.sm4: set_key(key, mode), crypt_ecb(data), crypt_cbc(iv, data).

ECB pads per padding_mode (PKCS7 = 0, ZERO = 1, anything else: none, data must be whole
blocks); CBC always uses PKCS#7, as gmssl does.  PKCS#7 unpadding is checked (PaddingError)."""
from . import func

__all__ = ["CryptSM4", "SM4_ENCRYPT", "SM4_DECRYPT", "PKCS7", "ZERO"]

SM4_ENCRYPT = 0
SM4_DECRYPT = 1
PKCS7 = 0
ZERO = 1


class CryptSM4(object):
    def __init__(self, mode=SM4_ENCRYPT, padding_mode=PKCS7):
        self.mode = mode
        self.padding_mode = padding_mode
        self._sm4 = None

    def __reduce_ex__(self, protocol):
        raise TypeError("CryptSM4 objects hold a key and cannot be pickled or copied")

    def set_key(self, key, mode):
        from ccfast.sm4 import SM4
        key = bytes(key)
        if len(key) != 16:
            raise ValueError("SM4 key must be 16 bytes")
        self._sm4 = SM4(key)
        self.mode = mode

    def _cipher(self):
        if self._sm4 is None:
            raise ValueError("call set_key() first")
        return self._sm4

    def crypt_ecb(self, input_data):
        c = self._cipher()
        data = bytes(input_data)
        if self.mode == SM4_ENCRYPT:
            if self.padding_mode == PKCS7:
                data = bytes(func.pkcs7_padding(data))
            elif self.padding_mode == ZERO:
                data = bytes(func.zero_padding(data))
            return c.encrypt_ecb(data)
        out = c.decrypt_ecb(data)
        if self.padding_mode == PKCS7:
            return bytes(func.pkcs7_unpadding(out))
        if self.padding_mode == ZERO:
            return bytes(func.zero_unpadding(out))
        return out

    def crypt_cbc(self, iv, input_data):
        c = self._cipher()
        iv = bytes(iv)
        if self.mode == SM4_ENCRYPT:
            return c.encrypt_cbc(iv, bytes(input_data), padding=True)
        return c.decrypt_cbc(iv, bytes(input_data), padding=True)
