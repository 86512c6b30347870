from collections.abc import Iterable

__all__ = ["CryptSM4", "SM4_ENCRYPT", "SM4_DECRYPT", "PKCS7", "ZERO"]

SM4_ENCRYPT: int
SM4_DECRYPT: int
PKCS7: int
ZERO: int

class CryptSM4:
    mode: int
    padding_mode: int
    def __init__(self, mode: int = 0, padding_mode: int = 0) -> None: ...
    def set_key(self, key: Iterable[int], mode: int) -> None: ...
    def crypt_ecb(self, input_data: Iterable[int]) -> bytes: ...
    def crypt_cbc(self, iv: Iterable[int], input_data: Iterable[int]) -> bytes: ...
