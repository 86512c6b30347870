# Buffer-protocol helpers shared by every module.
#
# Every bytes-like argument accepts any C-contiguous buffer of single bytes (bytes, bytearray,
# memoryview, array.array('B'), numpy uint8).  Strided or multi-byte-item buffers are refused
# with TypeError rather than silently reinterpreted.  Callers must PyBuffer_Release what they got.
from cpython.buffer cimport PyObject_GetBuffer, PyBuffer_Release, PyBuffer_FillInfo, PyBUF_SIMPLE, PyBUF_WRITABLE
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING, PyBytes_CheckExact, PyBytes_GET_SIZE


cdef inline int get_buffer(object obj, Py_buffer *view, bint writable, str what) except -1:
    """Fill `view` with obj's bytes; TypeError for anything but a contiguous byte buffer."""
    cdef int flags = (PyBUF_SIMPLE | PyBUF_WRITABLE) if writable else PyBUF_SIMPLE
    try:
        PyObject_GetBuffer(obj, view, flags)
    except TypeError:
        raise TypeError(f"{what} must be a bytes-like object, not {type(obj).__name__}") from None
    except (BufferError, ValueError) as exc:
        if writable:
            raise TypeError(f"{what} must be a writable, C-contiguous buffer ({exc})") from None
        raise TypeError(f"{what} must be a C-contiguous buffer ({exc})") from None
    if view.itemsize != 1:
        itemsize = view.itemsize
        PyBuffer_Release(view)
        raise TypeError(f"{what} must be a buffer of single bytes, not of {itemsize}-byte items")
    return 0


cdef inline bytes new_bytes(Py_ssize_t n):
    """An uninitialised bytes object of length n, to be filled by a kernel."""
    return PyBytes_FromStringAndSize(NULL, n)


cdef inline int get_read_buffer(object obj, Py_buffer *view, str what) except -1:
    """Read-only view (exact bytes take a shorter path).  Release with release_buffer()."""
    if PyBytes_CheckExact(obj):
        return PyBuffer_FillInfo(view, obj, PyBytes_AS_STRING(obj), PyBytes_GET_SIZE(obj), 1, PyBUF_SIMPLE)
    return get_buffer(obj, view, False, what)


cdef inline void release_buffer(Py_buffer *view) noexcept:
    """Release a view from get_buffer / get_read_buffer; safe on a zeroed view and twice."""
    PyBuffer_Release(view)
