"""UDP datagrams in batches, for SRTP media relays and servers.

``Batch(n, mtu)`` holds n preallocated rows with a length, a peer address and a truncation
flag each; ``recv_batch`` fills it from a UDP socket (``recvmmsg`` on Linux: one system call for
up to n datagrams; one ``recvmsg``/``recvfrom`` per datagram elsewhere), the SRTP row batches
(``srtp.Session.unprotect_batch_into(batch.rows, batch.lengths)``, ``srtp.unprotect_batch_into``
with a session per row) work on the rows in place, and ``send_batch`` sends them
(``sendmmsg``, optionally UDP GSO).  The calls never wait unless asked to and release the GIL.
``add_batch_reader`` drains a socket in batches from an asyncio event loop.
"""
import asyncio
from typing import Callable, Optional

from ._net import MAX_MTU, MAX_ROWS, Batch, recv_batch, send_batch

__all__ = ["Batch", "recv_batch", "send_batch", "BatchReader", "add_batch_reader", "MAX_ROWS", "MAX_MTU"]


class BatchReader:
    """Calls ``callback(batch)`` with the datagrams waiting on ``sock`` whenever the event loop
    finds it readable: recv_batch is repeated while it fills whole batches (at most
    ``max_batches`` times per wake-up, so one busy socket does not starve the loop's other
    work).  ``batch.count`` rows are filled when the callback runs; the same Batch is reused, so
    the callback uses or copies the rows before it returns.  A receive error (an ICMP error
    reported on the socket, say) is counted in ``errors`` and the next wake-up goes on.
    ``close()`` stops reading (the socket stays open).  Needs an event loop with add_reader
    (on Windows: asyncio.SelectorEventLoop)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sock, callback: Callable[[Batch], None], *,
                 n: int = 64, mtu: int = 1500, max_batches: int = 16) -> None:
        if max_batches < 1:
            raise ValueError(f"max_batches must be at least 1, not {max_batches}")
        self.batch = Batch(n, mtu)
        self.sock = sock
        self.callback = callback
        self.max_batches = max_batches
        self.errors = 0
        self.received = 0
        self._loop: Optional[asyncio.AbstractEventLoop] = loop
        self._fd = sock.fileno()
        loop.add_reader(self._fd, self._ready)

    def _ready(self) -> None:
        batch = self.batch
        for _ in range(self.max_batches):
            try:
                count = recv_batch(self.sock, batch)
            except OSError:
                self.errors += 1
                return
            if count == 0:
                return
            self.received += count
            self.callback(batch)
            if count < batch.n:
                return

    def close(self) -> None:
        if self._loop is not None:
            self._loop.remove_reader(self._fd)
            self._loop = None

    def __enter__(self) -> "BatchReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def add_batch_reader(loop: asyncio.AbstractEventLoop, sock, callback: Callable[[Batch], None], *,
                     n: int = 64, mtu: int = 1500, max_batches: int = 16) -> BatchReader:
    """Start a BatchReader on ``loop`` for ``sock`` (see BatchReader)."""
    return BatchReader(loop, sock, callback, n=n, mtu=mtu, max_batches=max_batches)
