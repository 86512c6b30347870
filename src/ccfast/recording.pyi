import datetime
from dataclasses import dataclass
import io
import os
from collections.abc import Iterable, Mapping
from typing import Any, BinaryIO, Final, NamedTuple, Protocol

from . import chunked
from ._keywrap import KEK as KEK
from .exceptions import HeaderTamperedError as HeaderTamperedError
from .exceptions import IncompleteRecordingError as IncompleteRecordingError
from .exceptions import InvalidTag as InvalidTag
from .exceptions import NoRecipientError as NoRecipientError
from .exceptions import NotSeekableError as NotSeekableError
from .exceptions import PayloadTamperedError as PayloadTamperedError
from .exceptions import RecordingError as RecordingError
from .exceptions import RecordingFormatError as RecordingFormatError
from .exceptions import RecordingTruncatedError as RecordingTruncatedError
from .exceptions import TrailingDataError as TrailingDataError
from .exceptions import TruncatedError as TruncatedError
from .exceptions import WrongKeyError as WrongKeyError
from .sm2 import SM2PrivateKey, SM2PublicKey

__all__ = [
    "KEK", "Metadata", "RecipientInfo", "RecordingInfo", "RecordingReader",
    "seal", "unseal", "open", "rewrap", "inspect", "recipient_info",
    "RecordingError", "NoRecipientError", "WrongKeyError", "RecordingFormatError",
    "HeaderTamperedError", "IncompleteRecordingError", "RecordingTruncatedError",
    "TrailingDataError", "PayloadTamperedError", "NotSeekableError",
    "InvalidTag", "TruncatedError",
]

MAGIC: Final[bytes]
VERSION: Final[int]
FILE_KEY_SIZE: Final[int]
MAC_SIZE: Final[int]
SEALING: Final[int]
T_KEK_AES256: Final[int]
T_KEK_SM4: Final[int]
T_SM2: Final[int]
WRAPPED_SIZE: Final[int]
SM2_CT_SIZE: Final[int]
SM2_ID_SIZE: Final[int]
MAX_STANZAS: Final[int]
M_CALL_ID: Final[int]
M_START: Final[int]
M_CODEC: Final[int]
M_RATE: Final[int]
M_RETENTION: Final[int]
M_EXTRA: Final[int]

class _Reader(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...

class _Writer(Protocol):
    def write(self, data: Any, /) -> Any: ...
    def flush(self) -> None: ...

_Path = str | bytes | os.PathLike[str] | os.PathLike[bytes]
_Recipient = KEK | SM2PublicKey
_Identity = KEK | SM2PrivateKey

@dataclass(frozen=True)
class Metadata:
    call_id: str | None = None
    start_time: datetime.datetime | None = None
    codec: str | None = None
    sample_rate: int | None = None
    retention_until: datetime.date | None = None
    extra: Mapping[str, str] = ...
    def __post_init__(self) -> None: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

class RecipientInfo(NamedTuple):
    kind: str
    id: str

@dataclass(frozen=True)
class RecordingInfo:
    version: int
    suite: chunked.Suite
    size: int
    header_size: int
    payload_size: int
    recipients: tuple[RecipientInfo, ...]
    metadata: Metadata
    authenticated: bool

class RecordingReader(io.RawIOBase, BinaryIO):
    info: RecordingInfo
    def __init__(self, *args: object, **kwargs: object) -> None: ...
    def readinto(self, b: Any) -> int: ...
    def read(self, size: int | None = -1, /) -> bytes: ...
    def seek(self, offset: int, whence: int = 0) -> int: ...
    def tell(self) -> int: ...
    def __enter__(self) -> "RecordingReader": ...

def recipient_info(recipient: KEK | SM2PublicKey | SM2PrivateKey) -> RecipientInfo: ...
def seal(
    src: _Path | _Reader,
    dst: _Path | _Writer,
    recipients: _Recipient | Iterable[_Recipient],
    *,
    suite: chunked.Suite | str = ...,
    metadata: Metadata | Mapping[str, Any] | None = None,
    threads: int = 1,
) -> RecordingInfo: ...
def unseal(src: _Path | _Reader, dst: _Path | _Writer, identity: _Identity) -> RecordingInfo: ...
def open(src: _Path | _Reader, identity: _Identity) -> RecordingReader: ...
def inspect(src: _Path | _Reader) -> RecordingInfo: ...
def rewrap(
    path: _Path,
    identity: _Identity,
    *,
    add: _Recipient | Iterable[_Recipient] = (),
    remove: KEK | SM2PublicKey | SM2PrivateKey | RecipientInfo | str
    | Iterable[KEK | SM2PublicKey | SM2PrivateKey | RecipientInfo | str] = (),
    dst: _Path | None = None,
) -> RecordingInfo: ...
