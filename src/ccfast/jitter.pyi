import enum
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from typing_extensions import Buffer, Self, final

__all__ = ["JitterBuffer", "Frame", "FrameKind", "PutResult"]

class PutResult(enum.IntEnum):
    INSERTED = 0
    DUPLICATE = 1
    LATE = 2
    RESET = 3
    OVERFLOW = 4

class FrameKind(enum.IntEnum):
    AUDIO = 0
    LOST = 1
    SILENCE = 2

@final
class Frame:
    def __init__(self, *args: object, **kwargs: object) -> None: ...   # always raises TypeError: frames come from JitterBuffer
    @property
    def kind(self) -> FrameKind: ...
    @property
    def payload(self) -> Any: ...
    @property
    def seq(self) -> int: ...
    @property
    def timestamp(self) -> int: ...
    @property
    def due_ms(self) -> float: ...
    @property
    def arrival_ms(self) -> float: ...
    @property
    def marker(self) -> bool: ...

@final
class JitterBuffer:
    mode: str
    clock_rate: int
    frame_ms: float
    def __new__(
        cls,
        clock_rate: int = 8000,
        frame_ms: float = 20,
        *,
        mode: Literal["adaptive", "fixed"] = "adaptive",
        delay_ms: float | None = None,
        min_delay_ms: float = 0,
        max_delay_ms: float = 500,
        capacity: int = 1024,
        quantile: float = 0.97,
        cn_payload_types: Iterable[int] = ...,
    ) -> Self: ...
    @property
    def capacity(self) -> int: ...
    @property
    def next_due_ms(self) -> float | None: ...
    @property
    def stats(self) -> dict[str, int | float]: ...
    def put(self, payload: Any, seq: int, timestamp: int, arrival_ms: float, marker: bool = False) -> PutResult: ...
    def put_rtp(self, packet: Buffer, arrival_ms: float) -> PutResult: ...
    def put_batch(
        self,
        payloads: Sequence[Any],
        seqs: Sequence[int],
        timestamps: Sequence[int],
        arrivals_ms: Sequence[float],
        markers: Sequence[bool] | None = None,
    ) -> bytes: ...
    def get(self, now_ms: float) -> Frame | None: ...
    def get_until(self, now_ms: float) -> list[Frame]: ...
    def reset(self) -> None: ...
