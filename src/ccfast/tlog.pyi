import dataclasses
import os
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from typing_extensions import Buffer, Self

from ccfast.exceptions import (
    ProofError as ProofError,
    RedactedError as RedactedError,
    TamperedError as TamperedError,
    TlogError as TlogError,
)
from ccfast.sm2 import SM2PrivateKey, SM2PublicKey

__all__ = [
    "Log",
    "Checkpoint",
    "TileAudit",
    "HASHES",
    "SIGNATURE_TYPE",
    "leaf_hash",
    "verify_inclusion",
    "verify_inclusion_hash",
    "verify_consistency",
    "verify_checkpoint",
    "verify_tiles",
    "key_id",
    "file_record",
    "check_file",
    "TlogError",
    "ProofError",
    "TamperedError",
    "RedactedError",
]

_Hash = Literal["sm3", "sha256"]
_Path = str | os.PathLike[str]

HASHES: tuple[str, ...]
SIGNATURE_TYPE: bytes
HASH_SIZE: int
MAX_RECORD: int

@dataclasses.dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

@dataclasses.dataclass(frozen=True)
class TileAudit:
    checkpoint: Checkpoint
    records_checked: int
    redacted: tuple[int, ...]
    record: bytes | None = None

class Log:
    hash: str
    origin: str
    path: str
    def __init__(
        self,
        path: _Path,
        *,
        origin: str,
        hash: _Hash = "sm3",
        signer: SM2PrivateKey | None = None,
        timeout: float = 30.0,
        synchronous: Literal["full", "normal"] = "full",
    ) -> None: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    @property
    def size(self) -> int: ...
    def root(self, size: int | None = None) -> bytes: ...
    def record(self, index: int) -> bytes: ...
    def leaf_hash(self, index: int) -> bytes: ...
    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]: ...
    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]: ...
    def append(self, record: Buffer) -> int: ...
    def append_many(self, records: Iterable[Buffer]) -> range: ...
    def append_file(self, path: _Path, *, name: str | None = None, metadata: dict[str, Any] | None = None) -> int: ...
    def redact(self, index: int, *, reason: str = "") -> None: ...
    def redactions(self) -> dict[int, tuple[str, str]]: ...
    def checkpoint(self) -> str: ...
    def verify(self) -> None: ...
    def export(self, directory: _Path, *, checkpoint: str | None = None) -> int: ...

def leaf_hash(data: Buffer, hash: _Hash = "sm3") -> bytes: ...
def verify_inclusion(
    data: Buffer, index: int, size: int, proof: Sequence[Buffer], root: Buffer, hash: _Hash = "sm3"
) -> None: ...
def verify_inclusion_hash(
    leaf_hash: Buffer, index: int, size: int, proof: Sequence[Buffer], root: Buffer,
    hash: _Hash = "sm3",
) -> None: ...
def verify_consistency(
    old_size: int,
    new_size: int,
    proof: Sequence[Buffer],
    old_root: Buffer,
    new_root: Buffer,
    hash: _Hash = "sm3",
) -> None: ...
def verify_checkpoint(note: str | Buffer, public_key: SM2PublicKey | SM2PrivateKey, origin: str) -> Checkpoint: ...
def verify_tiles(
    directory: _Path,
    public_key: SM2PublicKey | SM2PrivateKey,
    origin: str,
    *,
    hash: _Hash = "sm3",
    index: int | None = None,
    record: Buffer | None = None,
    since: str | Buffer | None = None,
) -> TileAudit: ...
def key_id(name: str, public_key: SM2PublicKey | SM2PrivateKey) -> int: ...
def file_record(path: _Path, *, name: str | None = None, metadata: dict[str, Any] | None = None) -> bytes: ...
def check_file(path: _Path, record: Buffer) -> dict[str, Any]: ...
