import enum
import io
from types import TracebackType
from typing import Any, Final, Protocol

from typing_extensions import Buffer

from .exceptions import InvalidTag as InvalidTag
from .exceptions import TruncatedError as TruncatedError

__all__ = [
    "Suite",
    "encrypt",
    "decrypt",
    "Writer",
    "Reader",
    "ciphertext_length",
    "plaintext_length",
    "CHUNK_SIZE",
    "HEADER_SIZE",
    "InvalidTag",
    "TruncatedError",
]

CHUNK_SIZE: Final[int]
HEADER_SIZE: Final[int]

class Suite(enum.Enum):
    AES_128_GCM_SHA256 = "AES_128_GCM_SHA256"
    AES_256_GCM_SHA512 = "AES_256_GCM_SHA512"
    SM4_GCM_SM3 = "SM4_GCM_SM3"
    AES_128_GCM_SHA512 = "AES_128_GCM_SHA512"
    @property
    def aead_name(self) -> str: ...
    @property
    def key_size(self) -> int: ...
    @property
    def hash_name(self) -> str: ...

class _Sink(Protocol):
    def write(self, data: Any, /) -> Any: ...

class _Source(Protocol):
    def read(self, size: int = ..., /) -> Any: ...

def ciphertext_length(n: int, suite: Suite | str = ...) -> int: ...
def plaintext_length(n: int, suite: Suite | str = ...) -> int: ...
def encrypt(key: Buffer, plaintext: Buffer, *, context: Buffer = b"", suite: Suite | str = ...) -> bytes: ...
def decrypt(key: Buffer, ciphertext: Buffer, *, context: Buffer = b"", suite: Suite | str = ...) -> bytes: ...

class Writer(io.RawIOBase):
    suite: Suite
    def __init__(
        self,
        fileobj: _Sink,
        key: Buffer,
        *,
        context: Buffer = b"",
        suite: Suite | str = ...,
        threads: int = 1,
        close_fileobj: bool = False,
    ) -> None: ...
    def write(self, b: Buffer) -> int: ...
    def abort(self) -> None: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

class Reader(io.RawIOBase):
    suite: Suite
    def __init__(
        self,
        fileobj: _Source,
        key: Buffer,
        *,
        context: Buffer = b"",
        suite: Suite | str = ...,
        close_fileobj: bool = False,
    ) -> None: ...
    def readinto(self, b: Buffer) -> int: ...
    def read(self, size: int | None = -1) -> bytes: ...
    def readall(self) -> bytes: ...
    def seek(self, offset: int, whence: int = 0) -> int: ...
    @property
    def length(self) -> int: ...
