# cython: boundscheck=False, wraparound=False
# Adaptive RTP jitter buffer over the C core (csrc/jitter).  The C core keeps the packets'
# numbers, times and states; the payload objects stay Python objects in a parallel array
# indexed by ring slot (no copy, bounded by the capacity).
import enum

cimport cython
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF, Py_XDECREF
from cpython.list cimport PyList_New, PyList_Append
from cpython.tuple cimport PyTuple_GET_ITEM
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING
from cpython.mem cimport PyMem_Calloc, PyMem_Free
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t, int64_t, UINT32_MAX
from libc.math cimport isnan

from ccfast._jitter cimport *
from ccfast._args cimport reject_keywords
from ccfast._buffer cimport get_read_buffer, release_buffer

from ccfast.exceptions import PacketError


class PutResult(enum.IntEnum):
    """What put() did with a packet."""
    INSERTED = 0    #: stored for playout
    DUPLICATE = 1   #: already buffered or played; dropped (stats["duplicates"])
    LATE = 2        #: behind the playout point, its frame was already played as LOST
    RESET = 3       #: a discontinuity (SSRC change, large sequence/timestamp jump): the old
                    #: stream was dropped and this packet starts the new one
    OVERFLOW = 4    #: stored, but the oldest frames were dropped to stay within capacity


class FrameKind(enum.IntEnum):
    """Kind of a played frame."""
    AUDIO = 0       #: a received packet; payload is what was put
    LOST = 1        #: a missing (or late) packet: conceal; payload is None
    SILENCE = 2     #: DTX silence (payload None) or a comfort-noise packet (payload: CN params)


cdef tuple _RESULTS = tuple(PutResult)
cdef tuple _KINDS = tuple(FrameKind)

_RTP_ERRORS = {
    CCF_RTP_SHORT: "RTP packet shorter than the 12-byte fixed header",
    CCF_RTP_VERSION: "RTP version is not 2",
    CCF_RTP_CSRC: "RTP CSRC list runs past the end of the packet",
    CCF_RTP_EXTENSION: "RTP header extension runs past the end of the packet",
    CCF_RTP_PADDING: "RTP padding count is zero or larger than the payload",
}


@cython.freelist(256)
@cython.no_gc   # holds no container of its own: kept out of the cycle GC (a batch of frames would
                # otherwise trigger collections); a payload referring back to its Frame would leak
@cython.final
cdef class Frame:
    """One frame of playout, returned by JitterBuffer.get()."""
    cdef readonly object kind
    cdef readonly object payload
    cdef readonly int seq
    cdef readonly unsigned int timestamp
    cdef readonly double due_ms
    cdef readonly double arrival_ms
    cdef readonly bint marker

    def __init__(self, *args, **kwargs):
        # an empty Frame has no kind; frames are made by the buffer (Frame.__new__ skips this)
        raise TypeError("Frame objects come from JitterBuffer.get(); they cannot be made directly")

    def __repr__(self):
        return (f"Frame({self.kind.name}, seq={self.seq}, timestamp={self.timestamp}, "
                f"due_ms={self.due_ms:.3f}, payload={'None' if self.payload is None else len(self.payload)})")


cdef inline Frame _frame(const ccf_jb_frame *f, PyObject *payload):
    # Takes over the reference to payload (NULL: None).
    cdef Frame fr = Frame.__new__(Frame)
    fr.kind = <object>PyTuple_GET_ITEM(_KINDS, <int>f.kind)
    if payload != NULL:
        fr.payload = <object>payload
        Py_XDECREF(payload)
    fr.seq = f.seq
    fr.timestamp = f.timestamp
    fr.due_ms = f.due_ms
    fr.arrival_ms = f.arrival_ms
    fr.marker = (f.flags & CCF_JB_MARKER) != 0
    return fr


cdef int _as_u16(object v) except -1:
    cdef long x = v
    if x < 0 or x > 0xffff:
        raise OverflowError(f"sequence number {x} outside 0..65535")
    return <int>x


@cython.final
cdef class JitterBuffer:
    """JitterBuffer(clock_rate=8000, frame_ms=20, *, mode='adaptive', delay_ms=None, min_delay_ms=0, max_delay_ms=500, capacity=1024, quantile=0.97, cn_payload_types=[13])\n--\n\nAdaptive RTP jitter buffer (see ccfast.jitter).

    put_rtp() plays packets whose payload type is in ``cn_payload_types`` (default: 13, comfort
    noise, RFC 3389) as SILENCE frames.
    """
    cdef ccf_jb *jb
    cdef PyObject **payloads
    cdef uint32_t cap
    cdef readonly str mode
    cdef readonly int clock_rate
    cdef readonly double frame_ms
    cdef frozenset cn_types

    def __cinit__(self, int clock_rate=8000, double frame_ms=20, *, mode="adaptive", delay_ms=None,
                  double min_delay_ms=0, double max_delay_ms=500, int capacity=1024,
                  double quantile=0.97, cn_payload_types=(13,), double _forget=0, double _compress=-1, double _hold=-2,
                  **kwargs):
        cdef ccf_jb_config cfg
        reject_keywords("JitterBuffer", kwargs)
        ccf_jb_config_default(&cfg)
        if mode not in ("adaptive", "fixed"):
            raise ValueError(f"mode must be 'adaptive' or 'fixed', not {mode!r}")
        if mode == "fixed" and delay_ms is None:
            raise ValueError("fixed mode needs delay_ms")
        if clock_rate <= 0 or clock_rate > 1000000:
            raise ValueError(f"clock_rate {clock_rate} out of range 1..1000000")
        if not (0 < frame_ms <= 1000):
            raise ValueError(f"frame_ms {frame_ms} out of range (0, 1000]")
        if not (0 <= min_delay_ms <= max_delay_ms <= 60000):
            raise ValueError("need 0 <= min_delay_ms <= max_delay_ms <= 60000")
        if capacity < 2 or capacity > 65536:
            raise ValueError(f"capacity {capacity} out of range 2..65536")
        if not (0 < quantile < 1):
            raise ValueError(f"quantile {quantile} must be in (0, 1)")
        cfg.mode = CCF_JB_FIXED if mode == "fixed" else CCF_JB_ADAPTIVE
        cfg.clock_rate = clock_rate
        cfg.frame_ms = frame_ms
        if delay_ms is not None:
            cfg.delay_ms = float(delay_ms)
            if not (min_delay_ms <= cfg.delay_ms <= max_delay_ms):
                raise ValueError("delay_ms must lie within [min_delay_ms, max_delay_ms]")
        cfg.min_delay_ms = min_delay_ms
        cfg.max_delay_ms = max_delay_ms
        cfg.capacity = capacity
        cfg.quantile = quantile
        if _forget > 0:
            cfg.forget = _forget
        if _compress >= 0:
            cfg.compress = _compress
        if _hold > -2:
            cfg.hold_ms = _hold
        if ccf_jb_new(&cfg, &self.jb) != 0:
            raise ValueError("invalid jitter buffer configuration")
        self.cap = ccf_jb_capacity(self.jb)
        self.payloads = <PyObject **>PyMem_Calloc(self.cap, sizeof(PyObject *))
        if self.payloads == NULL:
            raise MemoryError()
        self.mode = mode
        self.clock_rate = clock_rate
        self.frame_ms = frame_ms
        self.cn_types = frozenset(int(t) for t in cn_payload_types)
        if any(not 0 <= t <= 127 for t in self.cn_types):
            raise ValueError("cn_payload_types are RTP payload types, 0..127")

    def __dealloc__(self):
        cdef uint32_t i
        if self.payloads != NULL:
            for i in range(self.cap):
                Py_XDECREF(self.payloads[i])
            PyMem_Free(self.payloads)
            self.payloads = NULL
        if self.jb != NULL:
            ccf_jb_free(self.jb)
            self.jb = NULL

    @property
    def capacity(self):
        """Ring slots (the capacity asked for, rounded up to a power of two)."""
        return self.cap

    cdef inline object _put(self, object payload, uint16_t seq, uint32_t ts, double arrival,
                            uint32_t ssrc, unsigned flags):
        cdef uint32_t slot = 0
        cdef PyObject *old = NULL
        cdef ccf_jb_put_result r
        with cython.critical_section(self):
            r = ccf_jb_put(self.jb, seq, ts, arrival, ssrc, flags, &slot)
            if r == CCF_JB_INSERTED or r == CCF_JB_RESET or r == CCF_JB_OVERFLOW:
                old = self.payloads[slot]
                Py_INCREF(payload)
                self.payloads[slot] = <PyObject *>payload
        Py_XDECREF(old)
        return <object>PyTuple_GET_ITEM(_RESULTS, <int>r)

    def put(self, payload, seq, unsigned int timestamp, double arrival_ms, bint marker=False):
        """Offer one packet: its payload (any object, kept as is), 16-bit RTP sequence number,
        32-bit RTP timestamp and arrival time in ms.  Returns a PutResult."""
        return self._put(payload, <uint16_t>_as_u16(seq), timestamp, arrival_ms, 0,
                         CCF_JB_MARKER if marker else 0)

    def put_rtp(self, packet, double arrival_ms):
        """Parse an RTP packet (RFC 3550 s5.1: version 2, CSRCs, header extension, padding) and
        put its payload (as bytes).  Comfort-noise payload types (13 by default, RFC 3389) play
        as SILENCE; an SSRC change resets.  Malformed packets raise PacketError (a ValueError)
        and leave the buffer unchanged."""
        cdef Py_buffer view
        cdef ccf_rtp_header h
        cdef ccf_rtp_error e
        get_read_buffer(packet, &view, "packet")
        try:
            e = ccf_rtp_parse(<const uint8_t *>view.buf, <size_t>view.len, &h)
            if e != CCF_RTP_OK:
                raise PacketError(_RTP_ERRORS[e])
            payload = PyBytes_FromStringAndSize(<const char *>view.buf + h.payload_offset, h.payload_len)
        finally:
            release_buffer(&view)
        cdef unsigned flags = CCF_JB_SSRC
        if h.marker:
            flags |= CCF_JB_MARKER
        if h.payload_type in self.cn_types:
            flags |= CCF_JB_CN
        return self._put(payload, h.seq, h.timestamp, arrival_ms, h.ssrc, flags)

    def put_batch(self, payloads, seqs, timestamps, arrivals_ms, markers=None):
        """Put many packets at once: parallel sequences (lists, tuples, array.array or numpy
        arrays; markers optional).  Returns bytes with one PutResult value per packet."""
        cdef Py_ssize_t n = len(payloads), i
        if len(seqs) != n or len(timestamps) != n or len(arrivals_ms) != n or (markers is not None and len(markers) != n):
            raise ValueError("put_batch: sequences of different lengths")
        cdef const uint16_t[::1] s16
        cdef const uint32_t[::1] t32
        cdef const double[::1] a64
        try:
            s16 = seqs
        except (TypeError, ValueError, BufferError):
            s16 = _u16_array(seqs)
        try:
            t32 = timestamps
        except (TypeError, ValueError, BufferError):
            t32 = _array("I", timestamps)
        try:
            a64 = arrivals_ms
        except (TypeError, ValueError, BufferError):
            a64 = _array("d", arrivals_ms)
        # The payloads (a tuple: no other thread can change it) and the markers (their truth
        # values, which may run any code) are taken before the critical section, which must not
        # run Python code that could wait.
        cdef tuple seq_payloads = payloads if isinstance(payloads, tuple) else tuple(payloads)
        if len(seq_payloads) != n:
            raise ValueError("put_batch: sequences of different lengths")
        cdef bytearray marked = None
        if markers is not None:
            marked = bytearray(n)
            for i in range(n):
                if markers[i]:
                    marked[i] = 1
        cdef bytes out = PyBytes_FromStringAndSize(NULL, n)
        cdef uint8_t *o = <uint8_t *>PyBytes_AS_STRING(out)
        cdef uint32_t slot = 0
        cdef object obj
        cdef PyObject *old
        cdef ccf_jb_put_result r
        cdef unsigned flags
        cdef list olds = []
        with cython.critical_section(self):
            for i in range(n):
                flags = 0
                if marked is not None and marked[i]:
                    flags = CCF_JB_MARKER
                r = ccf_jb_put(self.jb, s16[i], t32[i], a64[i], 0, flags, &slot)
                o[i] = <uint8_t>r
                if r == CCF_JB_INSERTED or r == CCF_JB_RESET or r == CCF_JB_OVERFLOW:
                    obj = seq_payloads[i]
                    old = self.payloads[slot]
                    Py_INCREF(obj)
                    self.payloads[slot] = <PyObject *>obj
                    if old != NULL:
                        olds.append(<object>old)
                        Py_XDECREF(old)
        return out

    def get(self, double now_ms):
        """The frame due at now_ms (AUDIO, LOST or SILENCE), or None if none is due yet."""
        cdef ccf_jb_frame f
        cdef PyObject *p = NULL
        with cython.critical_section(self):
            if not ccf_jb_get(self.jb, now_ms, &f):
                return None
            if f.slot != UINT32_MAX:
                p = self.payloads[f.slot]
                self.payloads[f.slot] = NULL
        return _frame(&f, p)

    def get_until(self, double now_ms):
        """Every frame due at or before now_ms, in playout order."""
        cdef ccf_jb_frame f
        cdef PyObject *p
        cdef list out = []
        with cython.critical_section(self):
            while ccf_jb_get(self.jb, now_ms, &f):
                p = NULL
                if f.slot != UINT32_MAX:
                    p = self.payloads[f.slot]
                    self.payloads[f.slot] = NULL
                out.append(_frame(&f, p))
        return out

    @property
    def next_due_ms(self):
        """When the next frame is due, if known (packets or a decision are waiting), else None."""
        cdef double d
        with cython.critical_section(self):
            d = ccf_jb_next_due(self.jb)
        return None if isnan(d) else d

    @property
    def stats(self):
        """Counters and delays: received, played, lost, late, duplicates, reordered, resets,
        dropped, silence, buffered, underruns and underrun_ms (adaptive: frames the playout
        waited for past their due time, and how long), jitter_ms (RFC 3550 s6.4.1),
        current_delay_ms, target_delay_ms, and the RFC 3611 s4.7.2 burst/gap metrics over the
        frames played (Gmin 16): burst_density, gap_density, burst_duration_ms,
        gap_duration_ms."""
        cdef ccf_jb_stats s
        with cython.critical_section(self):
            ccf_jb_get_stats(self.jb, &s)
        return {
            "received": s.received, "played": s.played, "lost": s.lost, "late": s.late,
            "duplicates": s.duplicates, "reordered": s.reordered, "resets": s.resets,
            "dropped": s.dropped, "silence": s.silence, "buffered": s.buffered,
            "underruns": s.underruns, "underrun_ms": s.underrun_ms,
            "jitter_ms": s.jitter_ms, "current_delay_ms": s.current_delay_ms,
            "target_delay_ms": s.target_delay_ms,
            "burst_density": s.burst_density, "gap_density": s.gap_density,
            "burst_duration_ms": s.burst_duration_ms, "gap_duration_ms": s.gap_duration_ms,
        }

    def reset(self):
        """Forget every packet, the learnt delay and the counters."""
        cdef uint32_t i
        cdef list olds = []
        with cython.critical_section(self):
            ccf_jb_reset(self.jb)
            for i in range(self.cap):
                if self.payloads[i] != NULL:
                    olds.append(<object>self.payloads[i])
                    Py_XDECREF(self.payloads[i])
                    self.payloads[i] = NULL
        del olds


def _array(code, seq):
    import array
    return array.array(code, seq)


def _u16_array(seq):
    import array
    a = array.array("H")
    for v in seq:
        a.append(_as_u16(v))
    return a
