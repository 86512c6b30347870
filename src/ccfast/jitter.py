"""Adaptive RTP jitter buffer for telephony.

``JitterBuffer(clock_rate=8000, frame_ms=20)`` takes packets with :meth:`put` (payload, RTP
sequence number, RTP timestamp, arrival time in ms) or :meth:`put_rtp` (a whole RTP packet) and
hands out one :class:`Frame` per ``frame_ms`` with :meth:`get` / :meth:`get_until`:

* ``FrameKind.AUDIO`` - the packet's payload;
* ``FrameKind.LOST`` - a gap (or a packet that came too late): run the decoder's concealment;
* ``FrameKind.SILENCE`` - DTX silence or a comfort-noise packet (RFC 3389): not a loss.

Each frame carries ``due_ms``, the time it is meant to play.  ``get(now_ms)`` returns None when
nothing is due - before the first packet's playout time, and while the buffer *holds* because
the next packet is missing and nothing later has arrived (a delay spike, a loss burst and a
pause look alike until packets come again; the caller conceals meanwhile).  A packet that comes
at most one frame after its due time still plays (the delay grows by that much, counted in
``stats["underruns"]``); later than that it is reported late, as always in fixed mode.  Packets
that arrive together (the burst a delay spike releases) count as one event in the delay
statistics, so a single spike does not hold the delay up afterwards; spikes that recur raise
the target.  While shrinking, consecutive due times in speech are up to a quarter of a
frame closer than ``frame_ms`` (the caller time-compresses); in silence the buffer re-times at
once.

The adaptive target delay is the ``quantile`` (default 0.97) of the recent distribution of
``arrival - timestamp`` above its 1% quantile, from a forgetting histogram (about the last
1400 packets, so the estimate is steady; when far more packets than the quantile allows come
above the target, the jitter has risen and the histogram forgets faster), clamped to
``[min_delay_ms, max_delay_ms]``.  ``mode="fixed"`` holds ``delay_ms`` above the same base.
Sequence numbers and timestamps wrap freely; an SSRC change, a sequence jump of more than 100,
or a timestamp that disagrees with the arrival clock by more than max(1 s, 2 x max_delay_ms)
resets the stream within one packet (``PutResult.RESET``).

A JitterBuffer may be shared between threads: every method runs under the object's lock
(a critical section on free-threaded builds).
"""
from ._jitter import Frame, FrameKind, JitterBuffer, PutResult

__all__ = ["JitterBuffer", "Frame", "FrameKind", "PutResult"]
