from collections.abc import Iterable

__all__ = ["CryptSM2", "default_ecc_table"]

default_ecc_table: dict[str, str]

class CryptSM2:
    ecc_table: dict[str, str]
    para_len: int
    mode: int
    asn1: bool
    private_key: str | None
    public_key: str | None
    def __init__(
        self,
        private_key: str | None,
        public_key: str | None,
        ecc_table: dict[str, str] = ...,
        mode: int = 0,
        asn1: bool = False,
    ) -> None: ...
    def sign(self, data: bytes, K: str | None = None) -> str: ...
    def verify(self, Sign: str, data: bytes) -> bool: ...
    def encrypt(self, data: Iterable[int]) -> bytes: ...
    def decrypt(self, data: Iterable[int]) -> bytes: ...
    def sign_with_sm3(self, data: Iterable[int], random_hex_str: str | None = None) -> str: ...
    def verify_with_sm3(self, sign: str, data: Iterable[int]) -> bool: ...
