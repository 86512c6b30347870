# UDP datagrams in batches over csrc/net (recvmmsg/sendmmsg on Linux, one call per datagram
# elsewhere), into rows that the SRTP row batches work on in place.
from cpython.mem cimport PyMem_Calloc, PyMem_Free
from cpython.exc cimport PyErr_CheckSignals
from libc.stdint cimport uint8_t, uint16_t, uint32_t, int32_t
from libc.string cimport memset, memcpy

import os as _os
import socket as _socket
import _socket as _csocket

# The C socket type's own type/family/fileno (socket.socket's type and family properties turn
# the numbers into enums, which costs more than a whole recvmmsg call).
cdef object _c_type = _csocket.socket.type.__get__
cdef object _c_family = _csocket.socket.family.__get__
cdef object _c_fileno = _csocket.socket.fileno

cdef extern from "ccf_net.h" nogil:
    ctypedef long long ccf_socket
    ctypedef struct ccf_net_addr:
        uint32_t len
    ctypedef struct ccf_net_rows:
        uint8_t *rows
        size_t stride
        size_t n
        int32_t *lengths
        ccf_net_addr *addrs
        uint8_t *truncated
    int CCF_NET_FALLBACK
    int CCF_NET_GSO
    long ccf_net_recv(ccf_socket s, const ccf_net_rows *b, size_t n, int timeout_ms, int flags, int *err)
    long ccf_net_send(ccf_socket s, const ccf_net_rows *b, size_t n, const ccf_net_addr *to, int flags,
                      int *err, size_t *dropped)
    int ccf_net_addr_set(ccf_net_addr *a, int family, const uint8_t *ip, uint16_t port, uint32_t flowinfo,
                         uint32_t scope_id)
    int ccf_net_addr_get(const ccf_net_addr *a, uint8_t *ip, uint16_t *port, uint32_t *flowinfo,
                         uint32_t *scope_id)
    int ccf_net_has_mmsg()
    int ccf_net_has_gso()
    int ccf_net_init()

if ccf_net_init() != 0:
    raise ImportError("ccfast.net: the socket library could not be started (WSAStartup)")

MAX_ROWS = 1 << 20                  # rows of one Batch
MAX_MTU = 65535                     # bytes of one row (the largest UDP datagram)
MAX_BYTES = 1 << 30                 # rows * mtu

cdef int _flags = 0                 # CCF_NET_FALLBACK: one call per datagram (tests)


def _set_fallback(bint fallback):
    """Use the one-call-per-datagram path even where recvmmsg/sendmmsg exist (tests)."""
    global _flags
    _flags = CCF_NET_FALLBACK if fallback else 0


def _capabilities():
    """{"mmsg": recvmmsg/sendmmsg used, "gso": UDP GSO compiled in, "fallback": forced}."""
    return {"mmsg": bool(ccf_net_has_mmsg()), "gso": bool(ccf_net_has_gso()), "fallback": bool(_flags)}


cdef class _Mem:
    # The memory of a Batch and of its head() views: freed when the last of them goes.
    cdef ccf_net_rows b

    def __dealloc__(self):
        PyMem_Free(self.b.rows)
        PyMem_Free(self.b.lengths)
        PyMem_Free(self.b.addrs)
        PyMem_Free(self.b.truncated)


cdef class _Rows:
    # The rows as a writable 2-D buffer of bytes, shape (n, mtu) (a numpy array over it with
    # numpy.asarray(batch.rows) shares the memory).
    cdef _Mem mem
    cdef Py_ssize_t shape[2]
    cdef Py_ssize_t strides[2]

    def __getbuffer__(self, Py_buffer *view, int flags):
        view.buf = self.mem.b.rows
        view.obj = self
        view.len = self.shape[0] * self.shape[1]
        view.readonly = 0
        view.itemsize = 1
        view.format = "B"
        view.ndim = 2
        view.shape = self.shape
        view.strides = self.strides
        view.suboffsets = NULL
        view.internal = NULL

    def __releasebuffer__(self, Py_buffer *view):
        pass

    def __len__(self):
        return self.shape[0]


cdef class _Ints:
    # A 1-D buffer over n int32 (format "i") or uint8 (format "B") values.
    cdef _Mem mem
    cdef void *base
    cdef Py_ssize_t shape[1]
    cdef Py_ssize_t strides[1]
    cdef bint int32, readonly

    def __getbuffer__(self, Py_buffer *view, int flags):
        if self.readonly and (flags & 0x0001):           # PyBUF_WRITABLE
            raise BufferError("read-only buffer")
        view.buf = self.base
        view.obj = self
        view.itemsize = 4 if self.int32 else 1
        view.len = self.shape[0] * view.itemsize
        view.readonly = self.readonly
        view.format = "i" if self.int32 else "B"
        view.ndim = 1
        view.shape = self.shape
        view.strides = self.strides
        view.suboffsets = NULL
        view.internal = NULL

    def __releasebuffer__(self, Py_buffer *view):
        pass

    def __len__(self):
        return self.shape[0]

    cdef Py_ssize_t _index(self, i) except -1:
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"index must be an int, not {type(i).__name__}")
        if i < 0:
            i += self.shape[0]
        if not 0 <= i < self.shape[0]:
            raise IndexError(f"index {i} outside 0..{self.shape[0] - 1}")
        return i

    def __getitem__(self, i):
        cdef Py_ssize_t k = self._index(i)
        return (<int32_t *>self.base)[k] if self.int32 else (<uint8_t *>self.base)[k]

    def __setitem__(self, i, value):
        cdef Py_ssize_t k = self._index(i)
        if self.readonly:
            raise TypeError("read-only buffer")
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"a length must be an int, not {type(value).__name__}")
        if not 0 <= value <= 0x7FFFFFFF:
            raise ValueError(f"a length must be 0..2**31-1, not {value}")
        (<int32_t *>self.base)[k] = <int32_t>value

    def tolist(self):
        return [self[i] for i in range(self.shape[0])]


cdef _Ints _ints(_Mem mem, void *base, Py_ssize_t n, bint int32, bint readonly):
    cdef _Ints v = _Ints.__new__(_Ints)
    v.mem = mem
    v.base = base
    v.shape[0] = n
    v.strides[0] = 4 if int32 else 1
    v.int32 = int32
    v.readonly = readonly
    return v


cdef class Batch:
    """Batch(n, mtu=1500)\n--\n\nn preallocated rows of `mtu` bytes for datagrams, with a length, a peer address and a
    truncation flag per row.

    ``rows`` is a writable 2-D byte buffer (n x mtu) and ``lengths`` a writable int32 buffer of
    n entries: ``srtp.Session.unprotect_batch_into(batch.rows, batch.lengths)`` and the other
    row batches work on them in place.  ``recv_batch`` fills rows 0..count-1 and sets
    ``count``; ``head()`` is a Batch of the first ``count`` rows sharing the memory.  A Batch is
    reused from one call to the next; it is meant for one thread at a time."""
    cdef _Mem mem
    cdef readonly Py_ssize_t n, mtu
    cdef Py_ssize_t _count
    cdef readonly Py_ssize_t dropped
    cdef _Rows _rows
    cdef _Ints _lengths, _truncated
    cdef dict _heads                 # head(count) views, made once per count

    def __cinit__(self, n, mtu=1500, *, _Mem _share=None):
        cdef Py_ssize_t nn, mm
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, not {type(n).__name__}")
        if isinstance(mtu, bool) or not isinstance(mtu, int):
            raise TypeError(f"mtu must be an int, not {type(mtu).__name__}")
        if n < 1:
            raise ValueError(f"a Batch needs at least 1 row, not {n}")
        if mtu < 1:
            raise ValueError(f"mtu must be at least 1 byte, not {mtu}")
        if n > MAX_ROWS:
            raise OverflowError(f"a Batch holds at most {MAX_ROWS} rows, not {n}")
        if mtu > MAX_MTU:
            raise OverflowError(f"mtu must be at most {MAX_MTU} bytes (the largest UDP datagram), not {mtu}")
        if n * mtu > MAX_BYTES:
            raise OverflowError(f"{n} rows of {mtu} bytes is more than {MAX_BYTES} bytes")
        nn, mm = n, mtu
        if _share is not None:                   # head(): the first nn rows of another Batch
            self.mem = _share
        else:
            self.mem = _Mem.__new__(_Mem)
            self.mem.b.rows = <uint8_t *>PyMem_Calloc(nn * mm, 1)
            self.mem.b.lengths = <int32_t *>PyMem_Calloc(nn, sizeof(int32_t))
            self.mem.b.addrs = <ccf_net_addr *>PyMem_Calloc(nn, sizeof(ccf_net_addr))
            self.mem.b.truncated = <uint8_t *>PyMem_Calloc(nn, 1)
            if (self.mem.b.rows == NULL or self.mem.b.lengths == NULL or self.mem.b.addrs == NULL or
                    self.mem.b.truncated == NULL):
                raise MemoryError(f"no memory for {nn} rows of {mm} bytes")
            self.mem.b.stride = mm
            self.mem.b.n = nn
        self.n = nn
        self.mtu = mm
        self._rows = _Rows.__new__(_Rows)
        self._rows.mem = self.mem
        self._rows.shape[0] = nn
        self._rows.shape[1] = mm
        self._rows.strides[0] = mm
        self._rows.strides[1] = 1
        self._lengths = _ints(self.mem, self.mem.b.lengths, nn, True, False)
        self._truncated = _ints(self.mem, self.mem.b.truncated, nn, False, True)

    def __reduce__(self):
        raise TypeError("Batch objects cannot be pickled (they are buffers for one process)")

    @property
    def rows(self):
        """The rows: a writable 2-D buffer of bytes, n x mtu."""
        return self._rows

    @property
    def lengths(self):
        """Bytes in use in each row: a writable 1-D buffer of n int32."""
        return self._lengths

    @property
    def truncated(self):
        """1 for a row whose datagram was longer than the row (its first mtu bytes are kept),
        else 0: a read-only 1-D buffer of n bytes, set by recv_batch."""
        return self._truncated

    @property
    def count(self):
        """Rows in use from the start: set by recv_batch, may be set (0..n)."""
        return self._count

    @count.setter
    def count(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"count must be an int, not {type(value).__name__}")
        if not 0 <= value <= self.n:
            raise ValueError(f"count must be 0..{self.n}, not {value}")
        self._count = value

    def __len__(self):
        return self.n

    def __repr__(self):
        return f"Batch(n={self.n}, mtu={self.mtu}, count={self._count})"

    def head(self, count=None):
        """A Batch of the first `count` rows (default: self.count) sharing this one's memory
        (rows, lengths, addresses): what to pass to the row batches after recv_batch.  The view
        of each count is made once and kept (this Batch itself when count is n)."""
        cdef Batch h
        if count is None:
            count = self._count
        if isinstance(count, bool) or not isinstance(count, int):
            raise TypeError(f"count must be an int, not {type(count).__name__}")
        if not 0 <= count <= self.n:
            raise ValueError(f"count must be 0..{self.n}, not {count}")
        if count == 0:
            raise ValueError("a Batch view needs at least 1 row (count is 0)")
        if count == self.n:
            return self
        if self._heads is None:
            self._heads = {}
        h = self._heads.get(count)
        if h is None:
            h = Batch.__new__(Batch, count, self.mtu, _share=self.mem)
            self._heads[count] = h
        h._count = count
        return h

    cdef Py_ssize_t _row(self, i) except -1:
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"row index must be an int, not {type(i).__name__}")
        if i < 0:
            i += self.n
        if not 0 <= i < self.n:
            raise IndexError(f"row {i} outside 0..{self.n - 1}")
        return i

    def address(self, i):
        """Row i's peer: the source of the datagram received there, or the destination set
        with set_address: (host, port) for IPv4, (host, port, flowinfo, scope_id) for IPv6 (as
        the socket module gives them), None if the row has none."""
        cdef Py_ssize_t r = self._row(i)
        cdef uint8_t ip[16]
        cdef uint16_t port
        cdef uint32_t flow, scope
        cdef int fam = ccf_net_addr_get(&self.mem.b.addrs[r], ip, &port, &flow, &scope)
        if fam == _socket.AF_INET:
            return (_socket.inet_ntop(_socket.AF_INET, (<char *>ip)[:4]), port)
        if fam == _socket.AF_INET6:
            return (_socket.inet_ntop(_socket.AF_INET6, (<char *>ip)[:16]), port, flow, scope)
        return None

    def set_address(self, i, address):
        """Set row i's destination for send_batch: (host, port) or, for IPv6,
        (host, port[, flowinfo[, scope_id]]) with a numeric host; None clears it."""
        cdef Py_ssize_t r = self._row(i)
        if address is None:
            memset(&self.mem.b.addrs[r], 0, sizeof(ccf_net_addr))
            return
        _to_addr(address, None, &self.mem.b.addrs[r])


cdef int _to_addr(object address, object family, ccf_net_addr *out) except -1:
    """A numeric (host, port[, flowinfo, scope_id]) into out; family from the host's form when
    None, else that of the socket (an IPv4 address on an IPv6 socket becomes ::ffff:a.b.c.d)."""
    cdef bytes ip
    cdef int fam
    if not isinstance(address, tuple) or not 2 <= len(address) <= 4:
        raise TypeError(f"address must be a (host, port) tuple, not {address!r}")
    host, port = address[0], address[1]
    flow = address[2] if len(address) > 2 else 0
    scope = address[3] if len(address) > 3 else 0
    if not isinstance(host, str):
        raise TypeError(f"host must be a str, not {type(host).__name__}")
    for what, v, top in (("port", port, 0xFFFF), ("flowinfo", flow, 0xFFFFF), ("scope_id", scope, 0xFFFFFFFF)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"{what} must be an int, not {type(v).__name__}")
        if not 0 <= v <= top:
            raise ValueError(f"{what} must be 0..{top}, not {v}")
    try:
        ip = _socket.inet_pton(_socket.AF_INET6, host)
        fam = _socket.AF_INET6
    except OSError:
        try:
            ip = _socket.inet_pton(_socket.AF_INET, host)
            fam = _socket.AF_INET
        except OSError:
            raise ValueError(f"host must be a numeric IPv4 or IPv6 address, not {host!r}") from None
    if family is not None and family != fam:
        if family == _socket.AF_INET6 and fam == _socket.AF_INET:
            ip = b"\0" * 10 + b"\xff\xff" + ip
            fam = _socket.AF_INET6
        else:
            raise ValueError(f"address {host!r} does not fit an IPv4 socket")
    if ccf_net_addr_set(out, fam, <const uint8_t *>(<char *>ip), <uint16_t>port, <uint32_t>flow, <uint32_t>scope) != 0:
        raise ValueError(f"unsupported address family for {host!r}")
    return 0


cdef ccf_socket _fd(object sock) except? -1:
    cdef long long fd
    if isinstance(sock, _csocket.socket):
        if _c_type(sock) & 0xF != _socket.SOCK_DGRAM:
            raise ValueError("sock must be a datagram (UDP) socket")
        fd = _c_fileno(sock)
    elif hasattr(sock, "fileno"):
        if getattr(sock, "type", _socket.SOCK_DGRAM) & 0xF != _socket.SOCK_DGRAM:
            raise ValueError("sock must be a datagram (UDP) socket")
        fd = sock.fileno()
    elif isinstance(sock, int) and not isinstance(sock, bool):
        fd = sock
    else:
        raise TypeError(f"sock must be a socket or a file descriptor, not {type(sock).__name__}")
    if fd < 0:
        raise ValueError("the socket is closed")
    return <ccf_socket>fd


def recv_batch(sock, Batch batch not None, *, int timeout_ms=0):
    """Receive up to batch.n datagrams into the rows of batch (recvmmsg where the OS has it, the
    GIL released): lengths, source addresses and truncation flags are set and batch.count is
    the number received, which is returned - 0 when no datagram is waiting (the socket is never
    waited on with timeout_ms=0; > 0 waits up to that many milliseconds for the first datagram,
    < 0 without limit).  A datagram longer than a row keeps its first mtu bytes and is flagged in
    batch.truncated.  OSError when the socket fails."""
    cdef ccf_socket fd = _fd(sock)
    cdef int err = 0, fl = _flags
    cdef long r
    cdef ccf_net_rows *rows = &batch.mem.b
    cdef size_t n = <size_t>batch.n
    with nogil:
        r = ccf_net_recv(fd, rows, n, timeout_ms, fl, &err)
    if r < 0:
        batch._count = 0
        raise OSError(err, _os.strerror(err) if err else "receive failed")
    batch._count = r
    if r == 0 and timeout_ms != 0:
        PyErr_CheckSignals()                     # a wait cut short by a signal: run its handler
    return r


# send_batch's address argument as a sockaddr, by (socket family, address): a relay sends every
# batch to the same few peers, so each is parsed once.
cdef dict _addr_cache = {}


def send_batch(sock, Batch batch not None, count=None, *, address=None, bint gso=False):
    """Send rows 0..count-1 (default batch.count) as datagrams (sendmmsg where the OS has it, the
    GIL released): each row's lengths[i] bytes, to `address` ((host, port), numeric) or else to
    the row's own address (set_address, or the source recv_batch stored), or to the connected
    peer.  Rows of length 0 (rows an SRTP batch rejected) are skipped.  With gso=True (Linux),
    consecutive rows of one length to one address leave as one UDP GSO send.  Returns the number
    of datagrams sent: fewer when the socket's send buffer fills (the rest are not sent, as UDP
    drops them); a datagram refused on its own is skipped and counted in batch.dropped, and so
    is a row whose length is larger than the row (never sent: it would read past the row).
    OSError when nothing could be sent."""
    cdef ccf_socket fd = _fd(sock)
    cdef ccf_net_addr to
    cdef ccf_net_addr *top = NULL
    cdef int err = 0, fl = _flags
    cdef size_t dropped = 0, n
    cdef long r
    cdef ccf_net_rows *rows = &batch.mem.b
    if count is None:
        count = batch._count
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"count must be an int, not {type(count).__name__}")
    if not 0 <= count <= batch.n:
        raise ValueError(f"count must be 0..{batch.n}, not {count}")
    n = count
    if address is not None:
        fam = _c_family(sock) if isinstance(sock, _csocket.socket) else getattr(sock, "family", None)
        key = (fam, address)
        cached = _addr_cache.get(key)
        if cached is None:
            _to_addr(address, fam, &to)
            if len(_addr_cache) >= 256:
                _addr_cache.clear()
            _addr_cache[key] = (<char *>&to)[:sizeof(ccf_net_addr)]
        else:
            memcpy(&to, <char *>(<bytes>cached), sizeof(ccf_net_addr))
        top = &to
    if gso:
        fl |= CCF_NET_GSO
    with nogil:
        r = ccf_net_send(fd, rows, n, top, fl, &err, &dropped)
    batch.dropped = dropped
    if r < 0 or (r == 0 and dropped > 0):
        raise OSError(err, _os.strerror(err) if err else "send failed")
    return r
