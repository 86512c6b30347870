# SRTP/SRTCP sessions over the protocol layer in csrc/srtp (RFC 3711, RFC 7714, RFC 6188).
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_CheckExact, PyBytes_GET_SIZE
from cpython.buffer cimport PyObject_GetBuffer, PyBuffer_Release, PyBUF_RECORDS, PyBUF_STRIDES, PyBUF_WRITABLE
from cpython.mem cimport PyMem_Malloc, PyMem_Calloc, PyMem_Free
from cpython.number cimport PyNumber_Index
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t, int16_t, int32_t, int64_t
from libc.string cimport memset, memcpy
from libc.stdlib cimport qsort
from cpython.ref cimport PyObject

from ccfast._srtp cimport *
from ccfast._buffer cimport get_buffer, get_read_buffer, release_buffer, new_bytes
from ccfast._impls cimport impl_table, impl_named
from ccfast._common cimport ccf_lock, ccf_lock_try, ccf_lock_release, ccf_lock_acquire
from ccfast._common cimport (ccf_cpu_init, ccf_alloc_aligned, ccf_free_aligned, ccf_memzero,
                             CCF_OK, CCF_ERR_AUTH, CCF_ERR_REPLAY, CCF_ERR_PACKET, CCF_ERR_PARAM,
                             CCF_ERR_LENGTH, CCF_ERR_KEY_LENGTH)

from ccfast.exceptions import SRTPError, AuthenticationError, ReplayError, PacketError, KeyLimitError

import logging as _logging
import threading as _threading
import time as _time

ccf_cpu_init()


def _implementations():
    return {"sha1": ccf_sha1_best().name.decode(), "sha1-mb": ccf_sha1_mb_best().name.decode()}


def _available_implementations():
    return {"sha1": impl_table(ccf_sha1_impls()), "sha1-mb": impl_table(ccf_sha1_mb_impls())}


cdef class Session


cdef const ccf_sha1_impl *_sha1_impl(impl) except NULL:
    if impl is None:
        return ccf_sha1_best()
    return <const ccf_sha1_impl *>impl_named(ccf_sha1_impls(), "SHA-1", impl)


def _sha1(data, impl=None):
    """SHA-1 digest through a given implementation (tests)."""
    cdef Py_buffer b
    cdef ccf_sha1_ctx c
    cdef bytes out = new_bytes(20)
    cdef const ccf_sha1_impl *im = _sha1_impl(impl)
    get_read_buffer(data, &b, "data")
    try:
        ccf_sha1_init_impl(&c, im)
        ccf_sha1_update(&c, <const uint8_t *>b.buf, b.len)
        ccf_sha1_final(&c, <uint8_t *>PyBytes_AS_STRING(out))
    finally:
        release_buffer(&b)
    return out


def _hmac_sha1(key, data, impl=None, Py_ssize_t tag_len=20):
    """HMAC-SHA1 through a given implementation (tests)."""
    cdef Py_buffer kb, db
    cdef ccf_hmac_sha1_key k
    cdef const ccf_sha1_impl *im = _sha1_impl(impl)
    if not 1 <= tag_len <= 20:
        raise ValueError("tag_len must be 1..20")
    cdef bytes out = new_bytes(tag_len)
    memset(&kb, 0, sizeof(Py_buffer)); memset(&db, 0, sizeof(Py_buffer))
    try:
        get_read_buffer(key, &kb, "key")
        get_read_buffer(data, &db, "data")
        ccf_hmac_sha1_init_impl(&k, <const uint8_t *>kb.buf, kb.len, im)
        ccf_hmac_sha1(&k, <const uint8_t *>db.buf, db.len, NULL, 0, <uint8_t *>PyBytes_AS_STRING(out), tag_len)
        ccf_hmac_sha1_wipe(&k)
    finally:
        release_buffer(&kb)
        release_buffer(&db)
    return out


def _hmac_sha1_many(jobs, impl=None):
    """[(key, m1, m2), ...] -> [20-byte HMAC-SHA1 of m1 || m2, ...] through a given multi-buffer
    implementation (tests): one HMAC key object per distinct key."""
    cdef const ccf_sha1_mb_impl *im
    cdef list items = [(bytes(k), bytes(a), bytes(b)) for k, a, b in jobs]
    cdef Py_ssize_t n = len(items), i
    cdef ccf_hmac_sha1_job *js = NULL
    cdef ccf_hmac_sha1_key *keys = NULL
    cdef bytes kb, ab, bb
    cdef list out
    im = ccf_sha1_mb_best() if impl is None else <const ccf_sha1_mb_impl *>impl_named(ccf_sha1_mb_impls(), "SHA-1 multi-buffer", impl)
    for kb, ab, bb in items:
        if len(bb) > 64:
            raise ValueError("m2 is at most 64 bytes")
    js = <ccf_hmac_sha1_job *>PyMem_Calloc(n + 1, sizeof(ccf_hmac_sha1_job))
    keys = <ccf_hmac_sha1_key *>PyMem_Calloc(n + 1, sizeof(ccf_hmac_sha1_key))
    if js == NULL or keys == NULL:
        PyMem_Free(js); PyMem_Free(keys)
        raise MemoryError()
    try:
        for i in range(n):
            kb, ab, bb = items[i]
            ccf_hmac_sha1_init_impl(&keys[i], <const uint8_t *>PyBytes_AS_STRING(kb), len(kb), ccf_sha1_best())
            js[i].key = &keys[i]
            js[i].m1 = <const uint8_t *>PyBytes_AS_STRING(ab)
            js[i].len1 = len(ab)
            js[i].m2 = <const uint8_t *>PyBytes_AS_STRING(bb)
            js[i].len2 = len(bb)
        with nogil:
            ccf_hmac_sha1_many_impl(im, js, n)
        out = [js[i].mac[:20] for i in range(n)]
        return out
    finally:
        ccf_memzero(keys, (n + 1) * sizeof(ccf_hmac_sha1_key))
        PyMem_Free(keys)
        PyMem_Free(js)


def _kdf_sm4(master_key, master_salt, int label, Py_ssize_t n, uint64_t r=0):
    """The AEAD_SM4_GCM PRF (RFC 3711 4.3.1 with SM4-CM) for a label (known-answer tests)."""
    cdef bytes mk = bytes(master_key), ms = bytes(master_salt)
    cdef uint8_t salt[14]
    if len(mk) != 16 or len(ms) > 14:
        raise ValueError("master key must be 16 bytes and the master salt at most 14")
    memset(salt, 0, 14)
    memcpy(salt, PyBytes_AS_STRING(ms), len(ms))
    cdef bytes out = new_bytes(n)
    ccf_srtp_kdf_sm4_r(<const uint8_t *>PyBytes_AS_STRING(mk), salt, <uint8_t>label, r,
                       <uint8_t *>PyBytes_AS_STRING(out), n)
    return out


def _kdf(master_key, master_salt, int label, Py_ssize_t n, uint64_t r=0):
    """RFC 3711 4.3.1 PRF output for a label and r = index DIV kdr (known-answer tests)."""
    cdef bytes mk = bytes(master_key), ms = bytes(master_salt)
    cdef uint8_t salt[14]
    if len(ms) > 14:
        raise ValueError("master salt is at most 14 bytes")
    memset(salt, 0, 14)
    memcpy(salt, PyBytes_AS_STRING(ms), len(ms))
    cdef bytes out = new_bytes(n)
    if ccf_srtp_kdf_r(<const uint8_t *>PyBytes_AS_STRING(mk), len(mk), salt, <uint8_t>label, r,
                      <uint8_t *>PyBytes_AS_STRING(out), n) != CCF_OK:
        raise ValueError("master key must be 16, 24 or 32 bytes")
    return out


def _cm_iv(salt, uint32_t ssrc, uint64_t index):
    """RFC 3711 4.1.1 AES-CM IV (known-answer tests)."""
    cdef bytes s = bytes(salt)
    if len(s) != 14:
        raise ValueError("salt must be 14 bytes")
    cdef bytes out = new_bytes(16)
    ccf_srtp_cm_iv(<const uint8_t *>PyBytes_AS_STRING(s), ssrc, index, <uint8_t *>PyBytes_AS_STRING(out))
    return out


def _profile_lengths(int profile):
    """(master key, master salt, tag) lengths of a profile number; ValueError if unknown."""
    cdef size_t kl, sl, tl
    if ccf_srtp_profile_lengths(profile, &kl, &sl, &tl) != CCF_OK:
        raise ValueError(f"unknown SRTP profile {profile!r}")
    return kl, sl, tl


# Profile names for messages (ccfast.srtp fills this from its Profile enum).
_PROFILE_NAMES = {}


cdef str _profile_name(int profile):
    return _PROFILE_NAMES.get(profile, f"profile {profile:#x}")


cdef str _rtp_problem(const uint8_t *p, size_t n):
    """What is wrong with an RTP header ccf_srtp_rtp_header_len refused (error path only)."""
    cdef size_t h
    if n < 12:
        return f"RTP packet shorter than the 12-byte header ({n} bytes)"
    if (p[0] >> 6) != 2:
        return f"not an RTP packet: version {p[0] >> 6}, not 2"
    h = 12 + 4 * <size_t>(p[0] & 0x0F)
    if h > n:
        return f"RTP packet of {n} bytes is shorter than its header with {p[0] & 0x0F} CSRCs ({h} bytes)"
    if p[0] & 0x10:
        if h + 4 > n:
            return f"RTP packet of {n} bytes ends inside its header extension's first word (byte {h})"
        return (f"RTP header extension of {4 * ((<size_t>p[h + 2] << 8) | p[h + 3])} bytes after "
                f"its first word runs past the end of the {n}-byte packet")
    return "malformed RTP header"


cdef str _rtcp_problem(const uint8_t *p, size_t n):
    if n < 8:
        return f"RTCP packet shorter than the 8-byte header ({n} bytes)"
    return f"not an RTCP packet: version {p[0] >> 6}, not 2"


cdef object _exception(int rc, bint sending=False, bint rtcp=False):
    # Built directly, not raised and caught: a flood of forged packets meets this path.
    if rc == CCF_SRTP_ERR_MKI:
        return AuthenticationError("SRTP authentication failed: the packet's MKI names no master key "
                                   "of this session")
    if rc == CCF_SRTP_ERR_KEY_LIMIT:
        return KeyLimitError("the master key reached its lifetime or the RFC 3711 limit (2^48 SRTP / "
                             "2^31 SRTCP packets): switch to a new master key")
    if rc == CCF_ERR_AUTH:
        return AuthenticationError("SRTP authentication failed")
    if rc == CCF_ERR_REPLAY and sending and rtcp:
        return ReplayError("SRTCP index space used up on protect_rtcp (2**31 packets): re-key the session")
    if rc == CCF_ERR_REPLAY and sending:
        return ReplayError("repeated sequence number on protect: this stream already sent this RTP "
                           "sequence number (or one too far behind it), and sending it again would "
                           "reuse its keystream; Session(..., allow_repeat_tx=True) allows "
                           "retransmitting the identical packet")
    if rc == CCF_ERR_REPLAY:
        return ReplayError("SRTP packet replayed or outside the replay window")
    if rc == CCF_ERR_PACKET:
        return PacketError("malformed SRTP/RTP packet")
    if rc == CCF_ERR_LENGTH:
        return ValueError("buffer too small for the protected packet")
    if rc == CCF_ERR_PARAM:
        return SRTPError("packet SSRC does not match the stream")
    return SRTPError(f"SRTP error (status {rc})")


cdef int _raise(int rc, bint sending=False, bint rtcp=False) except -1:
    raise _exception(rc, sending, rtcp)


# Why ccf_srtp_hdrext_check refused a packet (enum ccf_srtp_ext_reason).
_EXT_REASONS = {
    2: "an RTP header extension element runs past the end of its extension block",
    3: "an RTP header extension element in the one-byte form has the reserved id 15 (RFC 8285 4.2)",
    4: "an RTP header extension element in the two-byte form is cut after its id byte (no length byte)",
    5: "the RTP header extension is neither the one-byte (0xBEDE) nor the two-byte (0x100X) form of "
       "RFC 8285, which encrypted_header_ids and cryptex need",
    6: "cryptex marker (0xC0DE/0xC2DE) on a packet without CSRCs or header extension data",
    7: "cryptex packet (0xC0DE/0xC2DE) on a session made without cryptex=True",
    8: "the RTP packet to protect already carries a cryptex marker (0xC0DE/0xC2DE)",
    9: "cryptex cannot carry the app bits of a two-byte header extension profile (0x1001..0x100F)",
    10: "an RTP header extension byte in the one-byte form has id 0 and a non-zero length "
        "(padding is a whole zero byte)",
}


cdef object _packet_error(const ccf_srtp_ctx *ctx, const uint8_t *p, Py_ssize_t n, bint rx):
    """The PacketError for an RTP/SRTP packet the C layer refused: says which header rule."""
    cdef int why = ccf_srtp_hdrext_check(ctx, p, n, rx) if ctx != NULL and n >= 0 else 0
    if why in _EXT_REASONS:
        return PacketError(_EXT_REASONS[why])
    return PacketError("malformed SRTP/RTP packet")


ctypedef ccf_srtp_item _BatchItem

# CCF_SRTP_BATCH_SERIAL: batches through the per-packet functions only (tests and benchmarks
# compare the two; see _set_batch_serial).
cdef int _batch_flags = 0

# Batches of fewer packets keep the GIL (see _run_rows).
cdef enum:
    _BATCH_NOGIL_MIN = 4


cdef inline void _run_many(_BatchItem *items, Py_ssize_t n, bint unprotect, bint stop) noexcept nogil:
    cdef int flags = _batch_flags | (CCF_SRTP_BATCH_STOP if stop else 0)
    if unprotect:
        ccf_srtp_unprotect_many(items, n, flags)
    else:
        ccf_srtp_protect_many(items, n, flags)


def _set_batch_serial(bint serial):
    """Run batches through the per-packet functions only (no multi-buffer kernels), or not."""
    global _batch_flags
    _batch_flags = (_batch_flags & ~CCF_SRTP_BATCH_SERIAL) | (CCF_SRTP_BATCH_SERIAL if serial else 0)


def _batch_kernels():
    """The kernels batches use on this CPU: {"sha1-mb": ..., "aes-ctr-many": ..., "gcm-many": ...}."""
    return {"sha1-mb": ccf_srtp_batch_kernel(b"sha1").decode(),
            "aes-ctr-many": ccf_srtp_batch_kernel(b"aes-ctr").decode(),
            "gcm-many": ccf_srtp_batch_kernel(b"gcm").decode()}


cdef int _by_address(const void *a, const void *b) noexcept nogil:
    cdef size_t x = (<const size_t *>a)[0], y = (<const size_t *>b)[0]
    return (x > y) - (x < y)


cdef inline uint32_t ssrc_of(tuple made) except? 0:
    return made[1]


cdef int _run_rows(_BatchItem *items, Py_ssize_t n, object sessions, bint unprotect, list errors,
                   bint stop) except -1:
    # `sessions` is one Session for every item, or a list of n (Session or None).  Every session
    # involved is locked (in address order, so two batches never wait on each other), each
    # runnable item (rc == -1) is bound to its session's stream for its SSRC, all run with the
    # GIL released, and the receiving side keeps the new streams that authenticated.  With
    # `stop`, the first failure ends the batch: the items after it become -2 (not attempted).
    cdef Py_ssize_t i, j, nlocks = 0, held = 0
    cdef const uint8_t *p
    cdef uint32_t ssrc
    cdef bint made
    cdef _Stream st
    cdef Session sess, one = None
    cdef list per_row = None
    cdef dict fresh = None            # receiving side: (session, ssrc) -> stream made in this batch
    cdef size_t *order = NULL
    cdef size_t token
    cdef bint contended
    cdef list pending = None          # (session, events) to report after the locks
    cdef dict made_at = None          # sender: row -> (session, ssrc, stream) made at that row
    cdef int rc
    cdef PyObject *obj
    cdef ccf_srtp_stream *last_s = NULL   # one session: its last stream, bound without objects
    cdef uint32_t last_ssrc = 0
    cdef PyObject *new_sess = NULL        # the stream made last in this batch, for its next rows
    cdef uint32_t new_ssrc = 0
    cdef _Stream new_st = None
    cdef ccf_srtp_stream *committed_s = NULL
    if isinstance(sessions, Session):
        one = <Session>sessions
    else:
        per_row = <list>sessions
    order = <size_t *>PyMem_Malloc((1 if one is not None else n) * sizeof(size_t) + 1)
    if order == NULL:
        raise MemoryError()
    try:
        if one is not None:
            order[0] = <size_t><PyObject *>one
            one._acquire()
            held = nlocks = 1
        else:
            # Each session's lock without waiting, in row order, once (a session this call
            # holds carries its token: the address of its items, unique among running calls).
            # If one is busy, all are let go and taken in address order, waiting: two batches
            # then never wait on each other.
            token = <size_t>items
            contended = False
            for i in range(n):
                if items[i].rc != -1:
                    continue
                sess = <Session>per_row[i]
                if sess._held == token:
                    continue
                if not ccf_lock_try(&sess.lock):
                    contended = True
                    break
                sess._held = token
                order[nlocks] = <size_t><PyObject *>sess
                nlocks += 1
            held = nlocks
            if contended:
                for i in range(held):
                    (<Session><PyObject *>order[i])._held = 0
                    (<Session><PyObject *>order[i])._release()
                held = nlocks = 0
                for i in range(n):
                    if items[i].rc == -1:
                        order[nlocks] = <size_t><PyObject *>per_row[i]
                        nlocks += 1
                qsort(order, nlocks, sizeof(size_t), _by_address)
                j = 0
                for i in range(nlocks):
                    if j == 0 or order[i] != order[j - 1]:
                        order[j] = order[i]
                        j += 1
                nlocks = j
                for held in range(nlocks):
                    (<Session><PyObject *>order[held])._acquire()
                held = nlocks
        if one is not None and one.last is not None:
            last_s, last_ssrc = one.last.s, one.last_ssrc
        for i in range(n):
            if items[i].rc == -1:
                p = items[i].inp
                ssrc = (<uint32_t>p[8] << 24) | (<uint32_t>p[9] << 16) | (<uint32_t>p[10] << 8) | p[11]
                items[i].fresh = 0
                if last_s != NULL and ssrc == last_ssrc:
                    # the common case: the one session's stream of the previous packet
                    items[i].s = last_s
                    items[i].ctx = one.ctx
                    items[i].allow_repeat_tx = one.allow_repeat_tx
                    continue
                sess = one if one is not None else <Session>per_row[i]
                if sess.last is not None and sess.last_ssrc == ssrc:
                    st = sess.last                # the stream of the previous packet
                elif new_st is not None and <PyObject *>sess == new_sess and ssrc == new_ssrc:
                    st = new_st                   # made for an earlier row of this batch
                    if unprotect:
                        items[i].fresh = 1
                else:
                    st = fresh.get((sess, ssrc)) if fresh else None
                    if st is None:
                        try:
                            st = sess._stream(ssrc, False, &made)
                        except SRTPError as exc:
                            errors[i] = exc
                            items[i].rc = CCF_ERR_PARAM
                            st = None
                        else:
                            if made:
                                if fresh is None:
                                    fresh = {}
                                fresh[(sess, ssrc)] = st
                                new_sess, new_ssrc, new_st = <PyObject *>sess, ssrc, st
                                if unprotect:
                                    items[i].fresh = 1
                                else:
                                    # a sender's stream exists from its first packet on, as
                                    # per packet (its event comes at that row, below)
                                    sess.streams[ssrc] = st
                                    if made_at is None:
                                        made_at = {}
                                    made_at[i] = (sess, ssrc, st)
                    else:
                        new_sess, new_ssrc, new_st = <PyObject *>sess, ssrc, st
                        if unprotect:
                            items[i].fresh = 1
                # The streams stay alive while the sessions are locked: sessions own them, and
                # `fresh` holds the new ones.
                if st is not None:
                    items[i].s = st.s
                    items[i].ctx = sess.ctx
                    items[i].allow_repeat_tx = sess.allow_repeat_tx
                if one is not None:           # the lookup may have moved the session's last stream
                    last_s = one.last.s if one.last is not None else NULL
                    last_ssrc = one.last_ssrc
            if items[i].rc != -1 and stop:
                for j in range(i + 1, n):
                    if items[j].rc == -1:
                        items[j].rc = -2
                break
        # The GIL is let go for the crypto, except for a batch so small that letting it go and
        # taking it back would cost more than its packets' crypto (a few hundred ns).
        if n >= _BATCH_NOGIL_MIN:
            with nogil:
                _run_many(items, n, unprotect, stop)
        else:
            _run_many(items, n, unprotect, stop)
        # Row by row, the events the per-packet calls would give, in their order: a sender's
        # new stream at its first packet, a receiver's at its first authentic one, refusals
        # (header refusals before the C call included).
        for i in range(n):
            rc = items[i].rc
            if rc == -2 or rc == -1 or (rc == CCF_OK and not items[i].fresh and made_at is None):
                continue                      # nothing to report
            sess = one if one is not None else <Session>per_row[i]
            if sess is None:
                continue
            if made_at is not None and i in made_at:
                sess._commit_stream(ssrc_of(made_at[i]), made_at[i][2], True)
            if rc == CCF_OK:
                if items[i].fresh and items[i].s != committed_s:   # (one lookup per new stream)
                    p = items[i].inp
                    key = (sess, _load32(p + 8))
                    st = fresh.pop(key, None)
                    if st is not None:
                        sess._commit_stream(key[1], st, False)
                        committed_s = items[i].s
            elif items[i].inp != NULL and items[i].length >= 12:
                # (a batch names no SSRC for a packet shorter than a header: no event for it)
                sess._failed(rc, _load32(items[i].inp + 8), 1 if unprotect else 0)
    finally:
        # each session's events are taken under its lock and reported once every lock is free
        for i in range(held - 1, -1, -1):
            sess = <Session><PyObject *>order[i]
            if sess.notify or sess._pending:
                if pending is None:
                    pending = []
                pending.append((sess, sess._take_events()))
            sess._held = 0
            sess._release()
        PyMem_Free(order)
        if pending:
            for sess_evs in pending:
                (<Session>sess_evs[0])._flush(sess_evs[1])
    return 0


# Integer item formats a lengths array may have (native byte order), by struct code.
_LENGTH_CODES = {"B": 1, "H": 2, "I": 4, "L": sizeof(unsigned long), "Q": 8, "N": sizeof(size_t),
                 "b": 1, "h": 2, "i": 4, "l": sizeof(long), "q": 8, "n": sizeof(Py_ssize_t)}


cdef int _length_kind(Py_buffer *v) except -1:
    """Item code of a 1-D integer buffer: its itemsize, negated for signed types."""
    cdef const char *f = v.format
    if f != NULL and f[0] != 0 and (f[1] == 0 or (f[0] in b"@=" and f[2] == 0)):
        # one native code, maybe after "@" or "=" (int32 "i" and friends): no string work
        if f[1] != 0:
            f += 1
        if f[0] == b"i" and v.itemsize == 4: return -4
        if f[0] == b"I" and v.itemsize == 4: return 4
        if f[0] == b"B" and v.itemsize == 1: return 1
        if f[0] == b"H" and v.itemsize == 2: return 2
        if f[0] == b"h" and v.itemsize == 2: return -2
    fmt = (v.format or b"B").decode("ascii")
    if fmt[:1] in "@=" or (fmt[:1] == "<" and __import__("sys").byteorder == "little") or \
            (fmt[:1] in ">!" and __import__("sys").byteorder == "big"):
        fmt = fmt[1:]
    if fmt not in _LENGTH_CODES or _LENGTH_CODES[fmt] != v.itemsize:
        raise TypeError(f"lengths must be a 1-D buffer of native integers, not format {fmt!r}")
    return -v.itemsize if fmt.islower() else v.itemsize


cdef inline int64_t _get_length(const char *base, Py_ssize_t stride, int kind, Py_ssize_t i) noexcept nogil:
    cdef const char *p = base + i * stride
    if kind == 1: return (<const uint8_t *>p)[0]
    if kind == 2: return (<const uint16_t *>p)[0]
    if kind == 4: return (<const uint32_t *>p)[0]
    if kind == 8: return <int64_t>(<const uint64_t *>p)[0] if (<const uint64_t *>p)[0] < (<uint64_t>1 << 62) else -1
    if kind == -1: return (<const signed char *>p)[0]
    if kind == -2: return (<const int16_t *>p)[0]
    if kind == -4: return (<const int32_t *>p)[0]
    return (<const int64_t *>p)[0]


cdef inline void _set_length(char *base, Py_ssize_t stride, int kind, Py_ssize_t i, size_t n) noexcept nogil:
    # n fits every kind the caller accepted (it checked the row width against the type's range)
    cdef char *p = base + i * stride
    if kind == 1 or kind == -1: (<uint8_t *>p)[0] = <uint8_t>n
    elif kind == 2 or kind == -2: (<uint16_t *>p)[0] = <uint16_t>n
    elif kind == 4 or kind == -4: (<uint32_t *>p)[0] = <uint32_t>n
    else: (<uint64_t *>p)[0] = <uint64_t>n



cdef object _rows_into(object sessions, packets, lengths, bint unprotect, bint stop):
    # Rows of a writable 2-D byte buffer protected or unprotected in place: lengths[i] bytes of
    # row i in, lengths[i] updated to the output length (0 for a row that failed, unless `stop`:
    # then the first failure raises and later rows are left as they were).  `sessions`: one
    # Session, a list of one Session (or None) per row, or a dict SSRC -> Session.
    cdef Py_buffer pv, lv
    cdef Py_ssize_t n, width, rstride, lstride, i
    cdef int kind, isz
    cdef int64_t ln, type_max
    cdef _BatchItem *items = NULL
    cdef _BatchItem small[64]                # the items of a batch of up to 64 rows
    cdef uint8_t *row
    cdef size_t hdr, ovh
    cdef uint32_t ssrc = 0
    cdef list errors, per_row = None, given = None
    cdef dict by_ssrc = None
    cdef Session one = None, sess
    cdef object obj
    if isinstance(sessions, Session):
        one = <Session>sessions
    elif isinstance(sessions, dict):
        by_ssrc = <dict>sessions
    elif isinstance(sessions, (list, tuple)):
        given = list(sessions)
        for obj in given:
            if obj is not None and not isinstance(obj, Session):
                raise TypeError(f"sessions must hold Session objects or None, not {type(obj).__name__}")
    else:
        raise TypeError("sessions must be a Session, a list of Sessions (one per row) or a dict "
                        f"SSRC -> Session, not {type(sessions).__name__}")
    memset(&pv, 0, sizeof(Py_buffer))
    memset(&lv, 0, sizeof(Py_buffer))
    try:
        try:
            # bytes of any 1-byte item type: no format asked (numpy then skips building one)
            PyObject_GetBuffer(packets, &pv, PyBUF_STRIDES | PyBUF_WRITABLE)
        except (TypeError, BufferError, ValueError) as exc:
            raise TypeError(f"packets must be a writable 2-D byte buffer ({exc})") from None
        if pv.ndim != 2 or pv.itemsize != 1 or pv.strides[1] != 1 or pv.strides[0] < pv.shape[1]:
            raise TypeError("packets must be a writable 2-D buffer of bytes with contiguous rows "
                            "(e.g. a C-ordered numpy uint8 array)")
        try:
            PyObject_GetBuffer(lengths, &lv, PyBUF_RECORDS)
        except (TypeError, BufferError, ValueError) as exc:
            raise TypeError(f"lengths must be a writable 1-D integer buffer ({exc})") from None
        if lv.ndim != 1:
            raise TypeError("lengths must be a 1-D buffer")
        kind = _length_kind(&lv)
        n, width, rstride, lstride = pv.shape[0], pv.shape[1], pv.strides[0], lv.strides[0]
        if lv.shape[0] != n:
            raise ValueError(f"lengths has {lv.shape[0]} entries for {n} packet rows")
        if given is not None and len(given) != n:
            raise ValueError(f"sessions has {len(given)} entries for {n} packet rows")
        isz = kind if kind > 0 else -kind
        type_max = ((<int64_t>1 << (8 * isz - (kind < 0))) - 1) if isz < 8 else (<int64_t>1 << 62)
        errors = [None] * n
        if n == 0:
            return errors
        if one is None:
            per_row = [None] * n
        items = &small[0] if n <= 64 else <_BatchItem *>PyMem_Calloc(n, sizeof(_BatchItem))
        if items == NULL:
            raise MemoryError()
        for i in range(n):
            row = <uint8_t *>pv.buf + i * rstride
            ln = _get_length(<const char *>lv.buf, lstride, kind, i)
            items[i].rc = CCF_ERR_PACKET
            items[i].inp = NULL
            if ln < 0 or ln > width:
                errors[i] = ValueError(f"lengths[{i}] = {ln} is outside 0..{width} (the row width)")
                continue
            if ccf_srtp_rtp_header_len(row, <size_t>ln, &hdr) != CCF_OK:
                errors[i] = PacketError(_rtp_problem(row, <size_t>ln))
                items[i].inp = row                # for the "malformed" event, as per packet
                items[i].length = <size_t>ln
                continue
            if one is not None:
                sess = one
            else:
                if given is not None:
                    obj = given[i]
                else:
                    ssrc = (<uint32_t>row[8] << 24) | (<uint32_t>row[9] << 16) | (<uint32_t>row[10] << 8) | row[11]
                    obj = by_ssrc.get(ssrc)
                if obj is None:
                    errors[i] = SRTPError(f"no session for row {i}" if given is not None else
                                          f"no session for SSRC {ssrc:#010x} (row {i})")
                    continue
                sess = <Session>obj
                per_row[i] = sess
            if not unprotect:                 # the sender's trailer needs room in the row
                ovh = sess.ovh_rtp
                if sess.ctx.cryptex and (row[0] & 0x1F) > 0 and not (row[0] & 0x10):
                    ovh += 4                  # RFC 9335: an empty extension block for the CSRCs
                if <size_t>ln + ovh > <size_t>width or <int64_t>(ln + ovh) > type_max:
                    errors[i] = ValueError(f"row {i} has no room for the {ovh}-byte trailer")
                    continue
            items[i].inp = row
            items[i].out = row
            items[i].length = <size_t>ln
            items[i].cap = <size_t>width
            items[i].rc = -1
        _run_rows(items, n, one if one is not None else per_row, unprotect, errors, stop)
        for i in range(n):
            if items[i].rc == CCF_OK:
                _set_length(<char *>lv.buf, lstride, kind, i, items[i].length)
            elif items[i].rc != -2:           # -2: not attempted, row and length as they were
                if errors[i] is None:
                    sess = one if one is not None else per_row[i]
                    errors[i] = (_packet_error(sess.ctx, items[i].inp, items[i].length, unprotect)
                                 if items[i].rc == CCF_ERR_PACKET and items[i].inp != NULL
                                 else _exception(items[i].rc, not unprotect))
                if unprotect or not stop:     # a failed row is never sent or used by mistake
                    _set_length(<char *>lv.buf, lstride, kind, i, 0)
        if stop:
            for i in range(n):
                if errors[i] is not None:
                    raise errors[i]
        return errors
    finally:
        if items != &small[0]:
            PyMem_Free(items)
        PyBuffer_Release(&lv)
        PyBuffer_Release(&pv)


def protect_batch_into(sessions, packets, lengths):
    """Protect in place the RTP packet in each row of a writable 2-D byte buffer, each row with
    its own session: `sessions` is a list of one Session (or None) per row, or a dict mapping
    SSRC -> Session (each row's SSRC looked up), or one Session for every row.  lengths[i] bytes
    of row i in; lengths[i] becomes the protected length, or 0 for a row that failed (so it is
    never sent as it is).  Every session involved is locked for the call (in a fixed order) and
    the GIL is released.  Returns a list with None for each row protected and the exception for
    each that failed; one failure does not stop the other rows."""
    return _rows_into(sessions, packets, lengths, False, False)


def unprotect_batch_into(sessions, packets, lengths):
    """Unprotect in place the SRTP packet in each row, each row with its own session (see
    protect_batch_into); lengths[i] becomes the RTP length, or 0 for a row that failed.  Returns
    a list with None for each row that succeeded and the exception (AuthenticationError,
    ReplayError, PacketError, SRTPError, ValueError) for each that failed."""
    return _rows_into(sessions, packets, lengths, True, False)


# ---- events and the ccfast.srtp logger ------------------------------------------------------

_log = _logging.getLogger("ccfast.srtp")
_LEVELS = {"auth_failure": _logging.WARNING, "replay": _logging.INFO, "malformed": _logging.WARNING,
           "new_stream": _logging.INFO, "stream_limit": _logging.WARNING, "key_limit": _logging.WARNING}


# event kinds the rate limit counts apart
_KINDS = {"auth_failure": 0, "replay": 1, "malformed": 2, "new_stream": 3, "stream_limit": 4,
          "key_limit": 5, "on_event_error": 6}
DEF _NKINDS = 7


cdef class _RateLimit:
    """A token bucket per event kind, shared by every session of the process: `burst` records at
    once, then `rate` a second; records refused are counted and the count goes out with the next
    record of that kind, so a flood of forged packets costs the log a line a second."""
    cdef double rate, burst
    cdef double tokens[_NKINDS]
    cdef double last[_NKINDS]
    cdef long suppressed[_NKINDS]
    cdef ccf_lock lock

    def __cinit__(self, rate=1.0, burst=10):
        self.rate, self.burst = rate, burst
        self.reset()

    def reset(self):
        cdef int i
        for i in range(_NKINDS):
            self.tokens[i] = self.burst
            self.last[i] = -1.0
            self.suppressed[i] = 0

    cdef long take(self, int kind):
        """-1 when the record is refused (counted), else the count refused since the last one."""
        cdef double now = _time.monotonic()
        cdef long n
        ccf_lock_acquire(&self.lock)
        if self.last[kind] >= 0:
            self.tokens[kind] = min(self.burst, self.tokens[kind] + (now - self.last[kind]) * self.rate)
        self.last[kind] = now
        if self.tokens[kind] >= 1.0:
            self.tokens[kind] -= 1.0
            n = self.suppressed[kind]
            self.suppressed[kind] = 0
        else:
            self.suppressed[kind] += 1
            n = -1
        ccf_lock_release(&self.lock)
        return n


cdef _RateLimit _limit = _RateLimit()
_log_limit = _limit              # tests reset it


def _describe(event, ssrc, detail):
    parts = [f"{k}={v.hex() if isinstance(v, bytes) else v}" for k, v in detail.items()]
    return f"SRTP {event}: SSRC {ssrc:#010x}" + (" (" + ", ".join(parts) + ")" if parts else "")


cdef int _level(str event, dict detail):
    if event == "key_limit" and detail.get("expired"):
        return _logging.ERROR
    return _LEVELS[event]


cdef _log_event(str event, uint32_t ssrc, dict detail, suppressed):
    # suppressed: None when the rate limit is still to be asked, else what it answered
    cdef int level = _level(event, detail)
    if suppressed is None:
        if not _log.isEnabledFor(level):
            return
        suppressed = _limit.take(_KINDS[event])
    if suppressed >= 0:
        msg = _describe(event, ssrc, detail)
        if suppressed:
            msg += f"; {suppressed} more {event} events suppressed by the rate limit"
        _log.log(level, msg)


cdef _dispatch(handler, list events):
    cdef long n
    for event, ssrc, detail, suppressed in events:
        _log_event(event, ssrc, detail, suppressed)
        if handler is not None:
            try:
                handler(event, ssrc, detail)
            except Exception as exc:          # an operator's hook must not break the media path
                n = _limit.take(_KINDS["on_event_error"])
                if n >= 0:
                    _log.error("SRTP on_event callback raised %r for %s%s", exc, event,
                               f" ({n} more suppressed)" if n else "")


cdef inline uint32_t _load32(const uint8_t *p) noexcept nogil:
    return (<uint32_t>p[0] << 24) | (<uint32_t>p[1] << 16) | (<uint32_t>p[2] << 8) | p[3]


cdef class _Stream:
    cdef ccf_srtp_stream *s
    cdef ccf_srtp_epochs *epochs      # key cache when the session has kdr != 0 (secret)

    def __dealloc__(self):
        if self.epochs != NULL:
            ccf_memzero(self.epochs, sizeof(ccf_srtp_epochs))
            ccf_free_aligned(self.epochs, sizeof(ccf_srtp_epochs))
            self.epochs = NULL
        if self.s != NULL:
            PyMem_Free(self.s)
            self.s = NULL


cdef class _MasterKey:
    """One master key's context (derived keys, MKI, usage counters); secret, wiped when freed."""
    cdef ccf_srtp_ctx *ctx
    cdef bytes mki

    def __dealloc__(self):
        if self.ctx != NULL:
            ccf_srtp_wipe(self.ctx)
            ccf_free_aligned(self.ctx, sizeof(ccf_srtp_ctx))
            self.ctx = NULL

    def __reduce__(self):
        raise TypeError("master keys cannot be pickled")


cdef object _int_arg(name, value, lo, hi):
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    value = PyNumber_Index(value)
    if value < lo:
        raise ValueError(f"{name} must be at least {lo}, not {value}")
    if hi is not None and value > hi:
        raise OverflowError(f"{name} must be at most {hi}, not {value}")
    return value


cdef bytes _header_ids(ids):
    """The 32-byte bitmap of RFC 6904 encrypted extension ids (1..255)."""
    if isinstance(ids, (str, bytes, bytearray, memoryview)) or not hasattr(ids, "__iter__"):
        raise TypeError(f"encrypted_header_ids must be an iterable of ints, not {type(ids).__name__}")
    bm = bytearray(32)
    for i in ids:
        if isinstance(i, bool) or not hasattr(type(i), "__index__"):
            raise TypeError(f"encrypted_header_ids must hold ints, not {type(i).__name__}")
        i = PyNumber_Index(i)
        if not 1 <= i <= 255:
            raise ValueError(f"a header extension id is 1..255 (RFC 8285), not {i}")
        bm[i >> 3] |= 1 << (i & 7)
    return bytes(bm)


cdef class Session:
    """An SRTP/SRTCP session (key = master key || master salt).

    ``protect``/``unprotect`` handle RTP, ``protect_rtcp``/``unprotect_rtcp`` RTCP.  With
    ``ssrc=None`` any SSRC is served and a stream (ROC, replay window, counters) is made on the
    first packet of each SSRC (on the receiving side only once that packet authenticates), up to
    ``max_streams``; otherwise packets of other SSRCs raise SRTPError.  Failures raise
    AuthenticationError, ReplayError, PacketError or KeyLimitError (all SRTPError) and leave the
    stream's state unchanged.
    ``kdr`` (0, or a power of two up to 2**24) re-derives the session keys every ``kdr`` packets
    (RFC 3711 4.3.1); each stream then keeps the keys of its current period, and a packet of
    another period costs a key derivation.  ``rtcp_encrypt=False`` sends SRTCP authenticated
    only (E = 0); either kind is accepted on receipt.
    ``encrypted_header_ids`` (RFC 6904) names the header extension elements whose data is
    encrypted; ``cryptex=True`` (RFC 9335) encrypts CSRCs and whole extension blocks of the
    packets sent and accepts such packets on receipt, beside ordinary ones.
    ``mki`` tags packets with the master key's MKI; ``add_master_key``/``use_master_key``/
    ``remove_master_key`` manage several keys told apart by MKI.  ``lifetime`` limits the packets
    one master key may protect or authenticate (SDES), below the RFC 3711 limits of 2^48 SRTP and
    2^31 SRTCP packets.  ``on_event`` (a callable(event, ssrc, detail)) and the ``ccfast.srtp``
    logger hear of authentication failures, replays, malformed packets, new streams, the stream
    limit and key limits.
    Sessions may be shared between threads (one lock per session).
    """
    cdef ccf_srtp_ctx *ctx            # the master key packets are sent with (first of the list)
    cdef dict streams
    cdef object only_ssrc
    cdef uint32_t window
    cdef bint allow_repeat_tx
    cdef ccf_lock lock
    cdef size_t ovh_rtp, ovh_rtcp
    cdef _Stream last                 # the stream of the previous packet (skips the dict)
    cdef size_t _held                 # the token of the row batch holding the lock, else 0
    cdef uint32_t last_ssrc
    cdef readonly int profile
    cdef list _keys                   # _MasterKey, the sending key first
    cdef unsigned notify              # set by the C layer when a key-limit event fires
    cdef object _handler              # on_event
    cdef list _pending                # events to report once the lock is released
    cdef Py_ssize_t max_streams
    cdef uint64_t kdr
    cdef bytes hdr_ids
    cdef bint rtcp_encrypt
    cdef uint64_t next_key_id

    def __cinit__(self, int profile, key, *, ssrc=None, int replay_window=128, bint allow_repeat_tx=False,
                  kdr=0, mki=None, bint rtcp_encrypt=True, encrypted_header_ids=(), bint cryptex=False,
                  lifetime=None, max_streams=65536, on_event=None, _session_keys=None):
        cdef size_t kl, sl, tl
        cdef int rc
        cdef bytes mkib = b"" if mki is None else bytes(memoryview(mki))   # bytes(5) would be 5 zeros
        cdef bytes sk, ss, sa
        cdef _MasterKey mk
        if ccf_srtp_profile_lengths(profile, &kl, &sl, &tl) != CCF_OK:
            raise ValueError(f"unknown SRTP profile {profile!r}")
        if not 64 <= replay_window <= CCF_SRTP_MAX_WINDOW:
            raise ValueError(f"replay_window must be 64..{CCF_SRTP_MAX_WINDOW}, not {replay_window} "
                             "(RFC 3711 3.3.2: a receiver's replay list covers at least 64 packets)")
        if isinstance(kdr, bool) or not isinstance(kdr, int):
            raise TypeError(f"kdr must be an int, not {type(kdr).__name__}")
        if kdr != 0 and (kdr < 0 or kdr > 1 << 24 or kdr & (kdr - 1)):
            raise ValueError(f"kdr must be 0 or a power of two from 1 to 2**24 (RFC 3711 4.3.1), not {kdr}")
        if kdr != 0 and _session_keys is not None:
            raise ValueError("session keys given directly cannot be re-derived (kdr must be 0)")
        if len(mkib) > CCF_SRTP_MAX_MKI:
            raise ValueError(f"mki must be at most {CCF_SRTP_MAX_MKI} bytes")
        if ssrc is not None:                       # an int, numpy integers too; not a float or bool
            if isinstance(ssrc, bool) or not hasattr(type(ssrc), "__index__"):
                raise TypeError(f"ssrc must be an int or None, not {type(ssrc).__name__}")
            ssrc = PyNumber_Index(ssrc)
        if ssrc is not None and not 0 <= ssrc <= 0xFFFFFFFF:
            raise ValueError("ssrc must be a 32-bit unsigned integer")
        self.hdr_ids = _header_ids(encrypted_header_ids)
        lifetime = 0 if lifetime is None else min(_int_arg("lifetime", lifetime, 1, None), 1 << 63)
        self.max_streams = _int_arg("max_streams", max_streams, 1, 1 << 40)
        if on_event is not None and not callable(on_event):
            raise TypeError(f"on_event must be callable or None, not {type(on_event).__name__}")
        self._handler = on_event
        self._pending = []
        self._keys = []
        self.kdr = kdr
        self.rtcp_encrypt = rtcp_encrypt
        self.profile = profile
        if _session_keys is not None:
            if any(self.hdr_ids):
                raise ValueError("session keys given directly derive no header-extension keys")
            mk = _MasterKey.__new__(_MasterKey)
            mk.ctx = <ccf_srtp_ctx *>ccf_alloc_aligned(sizeof(ccf_srtp_ctx), 64)
            if mk.ctx == NULL:
                raise MemoryError()
            mk.mki = b""
            sk, ss, sa = (bytes(x) for x in _session_keys)
            if len(sa) != 20:
                sa = bytes(20)
            rc = ccf_srtp_init_session_keys(mk.ctx, profile, <const uint8_t *>PyBytes_AS_STRING(sk), len(sk),
                                            <const uint8_t *>PyBytes_AS_STRING(ss), len(ss),
                                            <const uint8_t *>PyBytes_AS_STRING(sa))
            if rc != CCF_OK:
                raise ValueError(f"bad session keys (status {rc})")
            mk.ctx.cryptex = cryptex
            ccf_srtp_set_rtcp_encrypt(mk.ctx, rtcp_encrypt)
            mk.ctx.usage.notify = &self.notify
            self._keys.append(mk)
        else:
            self._keys.append(self._make_key(key, mkib, lifetime, cryptex))
        self._relink()
        self.streams = {}
        self.only_ssrc = ssrc
        self.window = replay_window
        self.allow_repeat_tx = allow_repeat_tx
        self.ovh_rtp = ccf_srtp_overhead(self.ctx, 0)
        self.ovh_rtcp = ccf_srtp_overhead(self.ctx, 1)

    cdef _MasterKey _make_key(self, key, bytes mkib, lifetime, bint cryptex):
        cdef Py_buffer kb
        cdef size_t kl, sl, tl
        cdef ccf_srtp_params prm
        cdef int rc
        cdef _MasterKey mk = _MasterKey.__new__(_MasterKey)
        ccf_srtp_profile_lengths(self.profile, &kl, &sl, &tl)
        get_read_buffer(key, &kb, "key")
        try:
            if <size_t>kb.len != kl + sl:
                raise ValueError(f"key must be {kl + sl} bytes (master key {kl} + master salt {sl}) "
                                 f"for {_profile_name(self.profile)}, not {kb.len}")
            mk.ctx = <ccf_srtp_ctx *>ccf_alloc_aligned(sizeof(ccf_srtp_ctx), 64)
            if mk.ctx == NULL:
                raise MemoryError()
            memset(&prm, 0, sizeof(prm))
            prm.profile = self.profile
            prm.master_key = <const uint8_t *>kb.buf
            prm.key_len = kl
            prm.master_salt = <const uint8_t *>kb.buf + kl
            prm.salt_len = sl
            prm.kdr = self.kdr
            prm.mki = <const uint8_t *>PyBytes_AS_STRING(mkib)
            prm.mki_len = len(mkib)
            prm.hdr_ids = <const uint8_t *>PyBytes_AS_STRING(self.hdr_ids)
            prm.cryptex = cryptex
            prm.lifetime = <uint64_t>lifetime
            rc = ccf_srtp_init_params(mk.ctx, &prm)
            if rc != CCF_OK:
                raise ValueError(f"SRTP key set-up failed (status {rc})")
        finally:
            release_buffer(&kb)
        ccf_srtp_set_rtcp_encrypt(mk.ctx, self.rtcp_encrypt)
        self.next_key_id += 1
        mk.ctx.key_id = self.next_key_id       # distinct within the session, whatever other sessions do
        mk.ctx.usage.notify = &self.notify
        mk.mki = mkib
        return mk

    cdef void _relink(self):
        # The sending key first, the others after it: the C layer picks by MKI along this list.
        cdef Py_ssize_t i
        cdef _MasterKey k, nxt
        for i in range(len(self._keys)):
            k = self._keys[i]
            if i + 1 < len(self._keys):
                nxt = self._keys[i + 1]
                k.ctx.next = nxt.ctx
            else:
                k.ctx.next = NULL
        k = self._keys[0]
        self.ctx = k.ctx

    def __dealloc__(self):
        self.ctx = NULL                   # owned by the _MasterKey objects, wiped when they go

    def __reduce__(self):
        raise TypeError("Session objects hold keys and cannot be pickled")

    cdef inline void _acquire(self):
        ccf_lock_acquire(&self.lock)

    cdef inline void _release(self) noexcept:
        ccf_lock_release(&self.lock)

    # ---- events ---------------------------------------------------------------------------

    cdef void _event(self, str event, uint32_t ssrc, dict detail):
        # Under the lock: queued, reported by _flush once the lock is released.  Without a
        # handler only what the logger takes is queued (the rate limit decides here).
        cdef long n
        if self._handler is not None:
            self._pending.append((event, ssrc, detail, None))
        elif _log.isEnabledFor(_level(event, detail)):
            n = _limit.take(_KINDS[event])
            if n >= 0:
                self._pending.append((event, ssrc, detail, n))

    cdef list _take_events(self):
        # Under the lock: the queued events, and the key-limit events the C layer raised.
        cdef list evs
        cdef _MasterKey k
        cdef unsigned ev
        if self.notify:
            self.notify = 0
            for k in self._keys:
                ev = k.ctx.usage.unreported
                if ev:
                    k.ctx.usage.unreported = 0
                    for bit, kind, expired in ((CCF_SRTP_EV_SOFT_RTP, "rtp", False),
                                               (CCF_SRTP_EV_SOFT_RTCP, "rtcp", False),
                                               (CCF_SRTP_EV_HARD_RTP, "rtp", True),
                                               (CCF_SRTP_EV_HARD_RTCP, "rtcp", True)):
                        if ev & bit:
                            used = k.ctx.usage.rtp if kind == "rtp" else k.ctx.usage.rtcp
                            limit = k.ctx.usage.rtp_limit if kind == "rtp" else k.ctx.usage.rtcp_limit
                            self._pending.append(("key_limit", k.ctx.usage.ssrc, {
                                "mki": k.mki or None, "kind": kind, "used": used, "limit": limit,
                                "remaining": max(0, limit - used), "expired": expired}, None))
        evs = self._pending
        if evs:
            self._pending = []
        return evs

    cdef void _failed(self, int rc, uint32_t ssrc, int op):
        # Under the lock: the event of a packet the C layer refused.  Without a handler the rate
        # limit is asked first, so a flood of forged packets builds no event it would not log.
        cdef str event
        cdef dict detail
        cdef long n = 0
        if rc == CCF_ERR_AUTH or rc == CCF_SRTP_ERR_MKI:
            event = "auth_failure"
        elif rc == CCF_ERR_REPLAY:
            event = "replay"
        elif rc == CCF_ERR_PACKET:
            event = "malformed"
        else:
            return
        if self._handler is None:
            if not _log.isEnabledFor(_LEVELS[event]):
                return
            n = _limit.take(_KINDS[event])
            if n < 0:
                return
        if rc == CCF_ERR_AUTH:
            detail = {"kind": "rtcp" if op >= 2 else "rtp", "reason": "tag"}
        elif rc == CCF_SRTP_ERR_MKI:
            detail = {"kind": "rtcp" if op >= 2 else "rtp", "reason": "unknown_mki"}
        elif rc == CCF_ERR_REPLAY:
            detail = {"kind": "rtcp" if op >= 2 else "rtp", "direction": "outbound" if op in (0, 2) else "inbound"}
        else:
            detail = {"kind": "rtcp" if op >= 2 else "rtp"}
        self._pending.append((event, ssrc, detail, None if self._handler is not None else n))

    cdef _flush(self, list events):
        if events:
            _dispatch(self._handler, events)

    @property
    def on_event(self):
        """callable(event, ssrc, detail) called for each event (after the packet's call has
        finished, outside the session's lock), or None.  Events: "auth_failure", "replay",
        "malformed", "new_stream", "stream_limit", "key_limit"."""
        return self._handler

    @on_event.setter
    def on_event(self, handler):
        if handler is not None and not callable(handler):
            raise TypeError(f"on_event must be callable or None, not {type(handler).__name__}")
        self._handler = handler

    # ---- streams ----------------------------------------------------------------------------

    cdef _Stream _stream(self, uint32_t ssrc, bint create, bint *made):
        cdef _Stream st
        made[0] = False
        if self.last is not None and self.last_ssrc == ssrc:
            return self.last
        st = self.streams.get(ssrc)
        if st is not None:
            self.last = st
            self.last_ssrc = ssrc
            return st
        if self.only_ssrc is not None and ssrc != self.only_ssrc:
            raise SRTPError(f"no stream for SSRC {ssrc:#010x} in this session")
        if len(self.streams) >= self.max_streams:
            self._event("stream_limit", ssrc, {"max_streams": self.max_streams})
            raise SRTPError(f"stream limit reached (max_streams={self.max_streams}): no stream for new "
                            f"SSRC {ssrc:#010x}; remove_stream() frees one")
        st = _Stream.__new__(_Stream)
        st.s = <ccf_srtp_stream *>PyMem_Malloc(ccf_srtp_stream_size(self.window))
        if st.s == NULL:
            raise MemoryError()
        ccf_srtp_stream_init(st.s, ssrc, self.window)
        if self.ctx.rekey:
            st.epochs = <ccf_srtp_epochs *>ccf_alloc_aligned(sizeof(ccf_srtp_epochs), 64)
            if st.epochs == NULL:
                raise MemoryError()
            memset(st.epochs, 0, sizeof(ccf_srtp_epochs))
            ccf_srtp_stream_set_epochs(st.s, st.epochs)
        if create:
            self._commit_stream(ssrc, st, True)
        made[0] = True
        return st

    cdef void _commit_stream(self, uint32_t ssrc, _Stream st, bint outbound):
        # Under the lock: a new stream joins the session (the receiver's once a packet authenticated).
        self.streams[ssrc] = st
        if self._handler is not None or _log.isEnabledFor(_logging.INFO):
            self._event("new_stream", ssrc, {"direction": "outbound" if outbound else "inbound"})

    def _stream_ssrcs(self):
        """The SSRCs of the session's streams, sorted (srtp.Session.streams)."""
        self._acquire()
        try:
            return sorted(self.streams)
        finally:
            self._release()

    def remove_stream(self, ssrc):
        """Forget the stream of an SSRC (its ROC, replay windows, counters and key cache);
        ValueError when the session has none.  A later packet of that SSRC starts a new stream."""
        if isinstance(ssrc, bool) or not hasattr(type(ssrc), "__index__"):
            raise TypeError(f"ssrc must be an int, not {type(ssrc).__name__}")
        ssrc = PyNumber_Index(ssrc)
        self._acquire()
        try:
            if ssrc not in self.streams:
                raise ValueError(f"no stream for SSRC {ssrc:#x} in this session")
            del self.streams[ssrc]
            if self.last is not None and self.last_ssrc == ssrc:
                self.last = None
        finally:
            self._release()

    # ---- master keys ------------------------------------------------------------------------

    cdef bytes _mki_arg(self, mki):
        if mki is None or isinstance(mki, (str, int)):
            raise TypeError(f"mki must be a bytes-like object, not {type(mki).__name__}")
        cdef bytes m = bytes(memoryview(mki))
        if self.ctx.mki_len == 0:
            raise ValueError("the session was made without an MKI: several master keys need MKIs "
                             "(Session(..., mki=...))")
        if <size_t>len(m) != self.ctx.mki_len:
            raise ValueError(f"mki must be {self.ctx.mki_len} bytes, as the session's, not {len(m)}")
        return m

    cdef _MasterKey _key_named(self, bytes m):
        cdef _MasterKey k
        for k in self._keys:
            if k.mki == m:
                return k
        raise ValueError(f"no master key with MKI {m.hex()} in this session")

    def add_master_key(self, key, mki, *, lifetime=None):
        """Add a master key (master key || master salt) told apart by its MKI (as long as the
        session's).  Packets carrying that MKI are accepted at once; packets are sent with it
        after use_master_key(mki)."""
        cdef bytes m = self._mki_arg(mki)
        cdef _MasterKey k
        lt = 0 if lifetime is None else min(_int_arg("lifetime", lifetime, 1, None), 1 << 63)
        k = self._make_key(key, m, lt, self.ctx.cryptex)
        self._acquire()
        try:
            for other in self._keys:
                if (<_MasterKey>other).mki == m:
                    raise ValueError(f"the session already has a master key with MKI {m.hex()}")
            self._keys.append(k)
            self._relink()
        finally:
            self._release()

    def use_master_key(self, mki):
        """Send with the master key of this MKI from the next packet on; the others stay
        accepted on receipt until removed."""
        cdef bytes m = self._mki_arg(mki)
        self._acquire()
        try:
            k = self._key_named(m)
            self._keys.remove(k)
            self._keys.insert(0, k)
            self._relink()
        finally:
            self._release()

    def remove_master_key(self, mki):
        """Forget the master key of this MKI (wiping it): its packets are refused from now on.
        Removing the key packets are sent with makes the next one (in the order of master_keys())
        the sending key; the last key cannot be removed."""
        cdef bytes m = self._mki_arg(mki)
        self._acquire()
        try:
            k = self._key_named(m)
            if len(self._keys) == 1:
                raise ValueError(f"MKI {m.hex()} is the session's only master key: add_master_key() "
                                 "another one before removing it")
            self._keys.remove(k)
            self._relink()
        finally:
            self._release()

    def master_keys(self):
        """[{mki, sending, rtp_packets, rtcp_packets, rtp_limit, rtcp_limit}] for each master key,
        the sending key first (MKIs and counts are public; keys are never shown)."""
        cdef _MasterKey k
        out = []
        self._acquire()
        try:
            for i, k in enumerate(self._keys):
                out.append({"mki": k.mki or None, "sending": i == 0, "rtp_packets": k.ctx.usage.rtp,
                            "rtcp_packets": k.ctx.usage.rtcp, "rtp_limit": k.ctx.usage.rtp_limit,
                            "rtcp_limit": k.ctx.usage.rtcp_limit})
        finally:
            self._release()
        return out

    def _master_key(self, Py_ssize_t i=0):
        """Test hook (not API): the i-th master key object (the sending key first)."""
        return self._keys[i]

    def _set_key_usage(self, mki=None, rtp=None, rtcp=None):
        """Test hook (not API): set a master key's packet counts, to reach the limits quickly."""
        cdef _MasterKey k
        self._acquire()
        try:
            k = self._keys[0] if mki is None else self._key_named(bytes(mki))
            if rtp is not None:
                k.ctx.usage.rtp = rtp
            if rtcp is not None:
                k.ctx.usage.rtcp = rtcp
        finally:
            self._release()

    # ---- packets ----------------------------------------------------------------------------

    cdef object _run(self, data, int op):
        # op: 0 protect RTP, 1 unprotect RTP, 2 protect RTCP, 3 unprotect RTCP
        cdef Py_buffer b
        if PyBytes_CheckExact(data):              # immutable and held by the caller: no export
            return self._run_ptr(<const uint8_t *>PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data), op)
        get_buffer(data, &b, False, "packet")
        try:
            return self._run_ptr(<const uint8_t *>b.buf, b.len, op)
        finally:
            release_buffer(&b)

    cdef _refuse_header(self, const uint8_t *p, Py_ssize_t n, int op, str what):
        # A header refused before the C call: the "malformed" event, then PacketError.
        cdef list evs = None
        cdef uint32_t ssrc = 0
        if self._handler is not None or _log.isEnabledFor(_logging.WARNING):
            if op < 2 and n >= 12:
                ssrc = _load32(p + 8)
            elif op >= 2 and n >= 8:
                ssrc = _load32(p + 4)
            self._acquire()
            try:
                self._failed(CCF_ERR_PACKET, ssrc, op)
                evs = self._take_events()
            finally:
                self._release()
            self._flush(evs)
        raise PacketError(what)

    cdef object _run_ptr(self, const uint8_t *p, Py_ssize_t n, int op):
        cdef Py_ssize_t outn
        cdef size_t out_len = 0, hdr
        cdef uint32_t ssrc
        cdef int rc
        cdef bint made
        cdef _Stream st
        cdef bytes out
        cdef list evs = None
        if op < 2:
            if ccf_srtp_rtp_header_len(p, n, &hdr) != CCF_OK:
                self._refuse_header(p, n, op, _rtp_problem(p, n))
            ssrc = _load32(p + 8)
        else:
            if n < 8 or (p[0] >> 6) != 2:
                self._refuse_header(p, n, op, _rtcp_problem(p, n))
            ssrc = _load32(p + 4)
        if op == 0:
            outn = n + self.ovh_rtp
            if self.ctx.cryptex and (p[0] & 0x1F) > 0 and not (p[0] & 0x10):
                outn += 4                         # RFC 9335: an empty extension block for the CSRCs
        elif op == 2:
            outn = n + self.ovh_rtcp
        else:
            outn = n - (self.ovh_rtp if op == 1 else self.ovh_rtcp)
            if outn < 8:
                self._refuse_header(p, n, op, "packet too short for its authentication tag")
        out = new_bytes(outn)
        self._acquire()
        try:
            st = self._stream(ssrc, op == 0 or op == 2, &made)
            if op == 0:
                rc = ccf_srtp_protect(self.ctx, st.s, p, n, <uint8_t *>PyBytes_AS_STRING(out), outn,
                                      &out_len, self.allow_repeat_tx)
            elif op == 1:
                rc = ccf_srtp_unprotect(self.ctx, st.s, p, n, <uint8_t *>PyBytes_AS_STRING(out), outn, &out_len)
            elif op == 2:
                rc = ccf_srtcp_protect(self.ctx, st.s, p, n, <uint8_t *>PyBytes_AS_STRING(out), outn, &out_len)
            else:
                rc = ccf_srtcp_unprotect(self.ctx, st.s, p, n, <uint8_t *>PyBytes_AS_STRING(out), outn, &out_len)
            if rc == CCF_OK:
                if made and (op == 1 or op == 3):
                    self._commit_stream(ssrc, st, False)
            else:
                self._failed(rc, ssrc, op)
        finally:
            if self.notify or self._pending:
                evs = self._take_events()
            self._release()
            if evs:
                self._flush(evs)
        if rc != CCF_OK:
            if rc == CCF_ERR_PACKET and op < 2:
                raise _packet_error(self.ctx, p, n, op == 1)
            _raise(rc, op == 0 or op == 2, op >= 2)
        if <Py_ssize_t>out_len != outn:
            raise SRTPError("internal length mismatch")
        return out

    cdef Py_ssize_t _run_into(self, buf, Py_ssize_t length, int op) except -1:
        cdef Py_buffer b
        cdef uint8_t *p
        cdef size_t out_len = 0, hdr
        cdef uint32_t ssrc
        cdef int rc
        cdef bint made
        cdef _Stream st
        cdef list evs = None
        get_buffer(buf, &b, True, "buf")
        try:
            if length < 0 or length > b.len:
                raise ValueError(f"length must be 0..{b.len}")
            p = <uint8_t *>b.buf
            if ccf_srtp_rtp_header_len(p, length, &hdr) != CCF_OK:
                self._refuse_header(p, length, op, _rtp_problem(p, length))
            ssrc = _load32(p + 8)
            self._acquire()
            try:
                st = self._stream(ssrc, op == 0, &made)
                if op == 0:
                    rc = ccf_srtp_protect(self.ctx, st.s, p, length, p, b.len, &out_len, self.allow_repeat_tx)
                else:
                    rc = ccf_srtp_unprotect(self.ctx, st.s, p, length, p, b.len, &out_len)
                if rc == CCF_OK:
                    if made and op == 1:
                        self._commit_stream(ssrc, st, False)
                else:
                    self._failed(rc, ssrc, op)
            finally:
                if self.notify or self._pending:
                    evs = self._take_events()
                self._release()
                if evs:
                    self._flush(evs)
            if rc != CCF_OK:
                if rc == CCF_ERR_PACKET:
                    raise _packet_error(self.ctx, p, length, op == 1)
                _raise(rc, op == 0)
            return out_len
        finally:
            release_buffer(&b)

    def protect(self, rtp):
        """RTP packet -> SRTP packet."""
        return self._run(rtp, 0)

    def unprotect(self, srtp_packet):
        """SRTP packet -> RTP packet (authenticated before anything is decrypted)."""
        return self._run(srtp_packet, 1)

    def protect_rtcp(self, rtcp):
        """RTCP packet -> SRTCP packet (encrypted, E = 1, unless the session was made with
        rtcp_encrypt=False: then authenticated only, E = 0)."""
        return self._run(rtcp, 2)

    def unprotect_rtcp(self, srtcp_packet):
        """SRTCP packet -> RTCP packet (encrypted or not, as its E flag says)."""
        return self._run(srtcp_packet, 3)

    def protect_into(self, buf, Py_ssize_t length):
        """Protect the RTP packet in buf[:length] in place; buf needs room for the trailer.
        Returns the protected length."""
        return self._run_into(buf, length, 0)

    def unprotect_into(self, buf, Py_ssize_t length):
        """Unprotect the SRTP packet in buf[:length] in place; returns the RTP length."""
        return self._run_into(buf, length, 1)

    cdef int _run_locked(self, _BatchItem *items, Py_ssize_t n, bint unprotect, list errors) except -1:
        # Under one lock acquisition: bind each runnable item (rc == -1) to its stream, run them
        # all with the GIL released, keep the receiving side's new streams that authenticated.
        # A sender stops at the first packet it cannot send: the items after it become -2.
        return _run_rows(items, n, self, unprotect, errors, not unprotect)

    cdef list _batch(self, packets, bint unprotect):
        # New bytes per packet; one lock acquisition, the kernels run with the GIL released.
        cdef list pkts = list(packets)
        cdef Py_ssize_t n = len(pkts), i, outn
        cdef Py_buffer *views = NULL
        cdef _BatchItem *items = NULL
        cdef _BatchItem small[64]                # the items of a batch of up to 64 packets
        cdef size_t hdr
        cdef const uint8_t *p
        cdef list outs = [None] * n
        cdef Py_ssize_t nviews = 0, ln
        cdef object obj
        if n == 0:
            return []
        # Every field an item's path reads is set below, so the items need no zeroing.  The
        # views are allocated at the first packet that is not exact bytes (calloc: each view
        # zeroed, so release is uniform): lists of bytes, the common case, zero none.
        items = &small[0] if n <= 64 else <_BatchItem *>PyMem_Malloc(n * sizeof(_BatchItem))
        if items == NULL:
            raise MemoryError()
        try:
            for i in range(n):
                obj = pkts[i]
                if PyBytes_CheckExact(obj):       # held by pkts: read in place, no export
                    p = <const uint8_t *>PyBytes_AS_STRING(obj)
                    ln = PyBytes_GET_SIZE(obj)
                else:
                    if views == NULL:
                        views = <Py_buffer *>PyMem_Calloc(n, sizeof(Py_buffer))
                        if views == NULL:
                            raise MemoryError()
                    get_read_buffer(obj, &views[i], "packet")
                    nviews = i + 1
                    p = <const uint8_t *>views[i].buf
                    ln = views[i].len
                items[i].inp = p
                items[i].length = ln
                items[i].rc = CCF_ERR_PACKET
                if ccf_srtp_rtp_header_len(p, ln, &hdr) != CCF_OK:
                    outs[i] = PacketError(_rtp_problem(p, ln))
                    continue
                outn = ln - <Py_ssize_t>self.ovh_rtp if unprotect else ln + <Py_ssize_t>self.ovh_rtp
                if not unprotect and self.ctx.cryptex and (p[0] & 0x1F) > 0 and not (p[0] & 0x10):
                    outn += 4                     # RFC 9335: an empty extension block for the CSRCs
                if outn < 12:
                    outs[i] = PacketError("packet too short for its authentication tag")
                    continue
                outs[i] = new_bytes(outn)
                items[i].out = <uint8_t *>PyBytes_AS_STRING(outs[i])
                items[i].cap = outn
                items[i].rc = -1                  # to run
            self._run_locked(items, n, unprotect, outs)
            for i in range(n):
                if items[i].rc == CCF_OK or items[i].rc == -2:
                    continue
                if not isinstance(outs[i], Exception):
                    # a failed item keeps its input length (the C layer sets it on success only)
                    outs[i] = (_packet_error(self.ctx, items[i].inp, items[i].length, unprotect)
                               if items[i].rc == CCF_ERR_PACKET else _exception(items[i].rc, not unprotect))
                if not unprotect:
                    raise outs[i]
            return outs
        finally:
            for i in range(nviews):
                release_buffer(&views[i])
            PyMem_Free(views)
            if items != &small[0]:
                PyMem_Free(items)

    cdef object _batch_into(self, packets, lengths, bint unprotect):
        # Rows of a writable 2-D byte buffer (a numpy uint8 array, say) protected or unprotected
        # in place: lengths[i] bytes of row i in, lengths[i] updated to the output length.
        return _rows_into(self, packets, lengths, unprotect, not unprotect)

    def protect_batch_into(self, packets, lengths):
        """Protect in place the RTP packet in each row of a writable 2-D byte buffer (a C-ordered
        numpy uint8 array of shape (n, row_width), say): row i holds lengths[i] bytes and needs
        room for the trailer; lengths (a writable 1-D integer buffer of n entries) receives the
        protected lengths.  One lock acquisition, GIL released.  The first failure raises after
        the rows before it were protected (their lengths updated; later rows untouched).
        Returns a list of n Nones."""
        return self._batch_into(packets, lengths, False)

    def unprotect_batch_into(self, packets, lengths):
        """Unprotect in place the SRTP packet in each row (see protect_batch_into); lengths
        receives the RTP lengths, 0 for a row that failed.  Returns a list with None for each
        row that succeeded and the exception (AuthenticationError, ReplayError, PacketError,
        ValueError) for each that failed."""
        return self._batch_into(packets, lengths, True)

    def protect_batch(self, packets):
        """Protect each RTP packet (one lock acquisition, GIL released); the first failure
        raises, after the packets before it were protected."""
        return self._batch(packets, False)

    def unprotect_batch(self, packets):
        """Unprotect each SRTP packet (one lock acquisition, GIL released); failures appear in
        the list as exception objects (AuthenticationError, ReplayError, PacketError)."""
        return self._batch(packets, True)

    @property
    def stats(self):
        """{ssrc: {protected, authenticated, auth_failures, replays, roc, ...}} per stream."""
        cdef _Stream st
        out = {}
        self._acquire()
        try:
            for ssrc, st in self.streams.items():
                s = st.s
                out[ssrc] = {
                    "protected": s.protected_rtp, "authenticated": s.authenticated_rtp,
                    "protected_rtcp": s.protected_rtcp, "authenticated_rtcp": s.authenticated_rtcp,
                    "auth_failures": s.auth_failures, "replays": s.replays,
                    "roc": (s.rtp_rx.top >> 16) if s.rtp_rx.started else (s.rtp_tx.top >> 16),
                    "roc_tx": s.rtp_tx.top >> 16, "roc_rx": s.rtp_rx.top >> 16,
                }
        finally:
            self._release()
        return out
