# Merkle tree hashing for ccfast.tlog over csrc/tlog (RFC 9162 2.1) and csrc/sha256: batches of
# leaf and node hashes with the GIL released, entry-bundle packing, proof verifiers.
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_CheckExact, PyBytes_GET_SIZE
from cpython.mem cimport PyMem_Calloc, PyMem_Malloc, PyMem_Free
from libc.stdint cimport uint8_t, uint64_t
from libc.string cimport memcpy

from ccfast._tlog cimport *
from ccfast._buffer cimport get_read_buffer, release_buffer, new_bytes
from ccfast._impls cimport impl_table, impl_named
from ccfast._common cimport ccf_cpu_init, CCF_OK, CCF_ERR_AUTH, CCF_ERR_NOMEM

ccf_cpu_init()

DEF HASH_SIZE = 32
# Entries of a C2SP tlog-tiles entry bundle carry a big-endian uint16 length.
DEF MAX_RECORD = 65535
DEF BUNDLE = 256

HASHES = {"sm3": CCF_TLOG_SM3, "sha256": CCF_TLOG_SHA256}


def _implementations():
    return {"sha256": ccf_sha256_best().name.decode()}


def _available_implementations():
    return {"sha256": impl_table(ccf_sha256_impls())}


def sha256(data, *, _impl=None):
    """SHA-256 of data (FIPS 180-4), with the best or a named implementation (self-test)."""
    cdef Py_buffer b
    cdef ccf_sha256_ctx c
    cdef uint8_t *o
    cdef const ccf_sha256_impl *impl = ccf_sha256_best()
    if _impl is not None:
        impl = <const ccf_sha256_impl *>impl_named(ccf_sha256_impls(), "SHA-256", _impl)
    get_read_buffer(data, &b, "data")
    try:
        out = new_bytes(HASH_SIZE)
        o = <uint8_t *>PyBytes_AS_STRING(out)
        ccf_sha256_init_impl(&c, impl)
        with nogil:
            ccf_sha256_update(&c, <const uint8_t *>b.buf, b.len)
            ccf_sha256_final(&c, o)
        return out
    finally:
        release_buffer(&b)


cdef inline int _check(int rc) except -1:
    if rc == CCF_ERR_NOMEM:
        raise MemoryError()
    if rc != CCF_OK:
        raise ValueError("unknown hash")
    return 0


def leaf_hash(int alg, data):
    """H(0x00 || data)."""
    cdef Py_buffer b
    get_read_buffer(data, &b, "data")
    try:
        out = new_bytes(HASH_SIZE)
        _check(ccf_tlog_leaf_hash(alg, <const uint8_t *>b.buf, b.len, <uint8_t *>PyBytes_AS_STRING(out)))
        return out
    finally:
        release_buffer(&b)


def node_hash(int alg, bytes left, bytes right):
    """H(0x01 || left || right) of two 32-byte hashes."""
    if PyBytes_GET_SIZE(left) != HASH_SIZE or PyBytes_GET_SIZE(right) != HASH_SIZE:
        raise ValueError("node hashes are 32 bytes")
    out = new_bytes(HASH_SIZE)
    _check(ccf_tlog_node_hash(alg, <const uint8_t *>PyBytes_AS_STRING(left),
                              <const uint8_t *>PyBytes_AS_STRING(right), <uint8_t *>PyBytes_AS_STRING(out)))
    return out


def node_hashes(int alg, bytes children):
    """The parents of adjacent pairs: children holds 2k hashes, the result k."""
    cdef Py_ssize_t n = PyBytes_GET_SIZE(children) // (2 * HASH_SIZE)
    cdef int rc = 0
    cdef const uint8_t (*src)[32]
    cdef uint8_t (*dst)[32]
    if PyBytes_GET_SIZE(children) != n * 2 * HASH_SIZE:
        raise ValueError("children must hold an even number of 32-byte hashes")
    out = new_bytes(n * HASH_SIZE)
    src = <const uint8_t (*)[32]>PyBytes_AS_STRING(children)
    dst = <uint8_t (*)[32]>PyBytes_AS_STRING(out)
    if n:
        with nogil:
            rc = ccf_tlog_node_hashes(alg, src, <size_t>n, dst)
        _check(rc)
    return out


def leaf_hashes(int alg, records):
    """H(0x00 || r) of every record (a list of bytes-like objects), concatenated."""
    cdef Py_ssize_t n, i
    cdef Py_buffer *views = NULL
    cdef const uint8_t **ptrs = NULL
    cdef size_t *lens = NULL
    cdef int rc = 0
    cdef uint8_t (*dst)[32]
    recs = records if isinstance(records, list) else list(records)
    n = len(recs)
    views = <Py_buffer *>PyMem_Calloc(n + 1, sizeof(Py_buffer))
    ptrs = <const uint8_t **>PyMem_Calloc(n + 1, sizeof(uint8_t *))
    lens = <size_t *>PyMem_Calloc(n + 1, sizeof(size_t))
    try:
        if views == NULL or ptrs == NULL or lens == NULL:
            raise MemoryError()
        for i in range(n):
            get_read_buffer(recs[i], &views[i], "record")
            ptrs[i] = <const uint8_t *>views[i].buf
            lens[i] = <size_t>views[i].len
        out = new_bytes(n * HASH_SIZE)
        dst = <uint8_t (*)[32]>PyBytes_AS_STRING(out)
        if n:
            with nogil:
                rc = ccf_tlog_leaf_hashes(alg, ptrs, lens, <size_t>n, dst)
            _check(rc)
        return out
    finally:
        if views != NULL:
            for i in range(n):
                release_buffer(&views[i])
        PyMem_Free(views)
        PyMem_Free(ptrs)
        PyMem_Free(lens)


def pack(int alg, list records, bytes head, Py_ssize_t head_count):
    """Entry bundles and leaf hashes for records appended after a bundle that already holds
    head_count (0..255) entries encoded in head.

    Returns (bundles, leaf_hashes): bundles[0] is head extended with the first records (a
    partial or full bundle), the others hold the following records 256 at a time; each entry
    is a big-endian uint16 length then the record (C2SP tlog-tiles entry bundles).  TypeError
    for a record that is not bytes-like, ValueError for one longer than 65535 bytes."""
    cdef Py_ssize_t n = len(records), i, j, k, nb, total, off, first, cnt
    cdef Py_buffer *views = NULL
    cdef const uint8_t **ptrs = NULL
    cdef size_t *lens = NULL
    cdef uint8_t *o
    cdef uint8_t (*dst)[32]
    cdef int rc = 0
    if head_count < 0 or head_count >= BUNDLE:
        raise ValueError("head_count must be 0..255")
    views = <Py_buffer *>PyMem_Calloc(n + 1, sizeof(Py_buffer))
    ptrs = <const uint8_t **>PyMem_Calloc(n + 1, sizeof(uint8_t *))
    lens = <size_t *>PyMem_Calloc(n + 1, sizeof(size_t))
    try:
        if views == NULL or ptrs == NULL or lens == NULL:
            raise MemoryError()
        for i in range(n):
            r = records[i]
            if not PyBytes_CheckExact(r) and isinstance(r, str):
                raise TypeError(f"record {i} must be a bytes-like object, not str (encode it first)")
            get_read_buffer(r, &views[i], f"record {i}")
            if views[i].len > MAX_RECORD:
                raise ValueError(f"record {i} is {views[i].len} bytes; a record is at most {MAX_RECORD} bytes "
                                 "(a tlog-tiles entry bundle holds 16-bit lengths): log a digest of larger data")
            ptrs[i] = <const uint8_t *>views[i].buf
            lens[i] = <size_t>views[i].len
        hashes = new_bytes(n * HASH_SIZE)
        dst = <uint8_t (*)[32]>PyBytes_AS_STRING(hashes)
        if n:
            with nogil:
                rc = ccf_tlog_leaf_hashes(alg, ptrs, lens, <size_t>n, dst)
            _check(rc)
        bundles = []
        i = 0
        first = BUNDLE - head_count          # records that go into the head bundle
        while i < n or (i == 0 and n == 0):
            cnt = first if i == 0 else BUNDLE
            if cnt > n - i:
                cnt = n - i
            total = PyBytes_GET_SIZE(head) if i == 0 else 0
            for j in range(i, i + cnt):
                total += 2 + <Py_ssize_t>lens[j]
            b = new_bytes(total)
            o = <uint8_t *>PyBytes_AS_STRING(b)
            off = 0
            if i == 0 and PyBytes_GET_SIZE(head):
                memcpy(o, PyBytes_AS_STRING(head), PyBytes_GET_SIZE(head))
                off = PyBytes_GET_SIZE(head)
            for j in range(i, i + cnt):
                o[off] = <uint8_t>(lens[j] >> 8)
                o[off + 1] = <uint8_t>(lens[j] & 0xff)
                if lens[j]:
                    memcpy(o + off + 2, ptrs[j], lens[j])
                off += 2 + <Py_ssize_t>lens[j]
            bundles.append(b)
            i += cnt
            if n == 0:
                break
        return bundles, hashes
    finally:
        if views != NULL:
            for i in range(n):
                release_buffer(&views[i])
        PyMem_Free(views)
        PyMem_Free(ptrs)
        PyMem_Free(lens)


def parse_bundle(bytes data):
    """The entries of an entry bundle (uint16 big-endian length, then the bytes);
    ValueError if the encoding is broken (a length running past the end)."""
    cdef const uint8_t *p = <const uint8_t *>PyBytes_AS_STRING(data)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data), off = 0, ln
    out = []
    while off < n:
        if n - off < 2:
            raise ValueError(f"entry bundle ends inside a length field (at byte {off})")
        ln = (<Py_ssize_t>p[off] << 8) | p[off + 1]
        if n - off - 2 < ln:
            raise ValueError(f"entry {len(out)} of the bundle runs past its end")
        out.append(data[off + 2:off + 2 + ln])
        off += 2 + ln
    return out


def levels(int alg, uint64_t old_size, list frontier, bytes leaves):
    """Every new complete-subtree hash when the leaves `leaves` (32 bytes each) follow a tree
    of old_size leaves.

    frontier[k] is the hash of node (old_size >> k) - 1 of level k wherever old_size >> k is
    odd (the left sibling a new node at level k + 1 needs).  Returns [leaves, level1, level2,
    ...]: level k holds the new nodes from index old_size >> k on, concatenated; the list ends
    before the first level with no new node."""
    cdef uint64_t new_size = old_size + <uint64_t>(PyBytes_GET_SIZE(leaves) // HASH_SIZE)
    cdef uint64_t s, e, ps
    cdef Py_ssize_t k = 1, cnt
    cdef uint8_t *tmp
    cdef const uint8_t (*src)[32]
    cdef int rc
    if PyBytes_GET_SIZE(leaves) % HASH_SIZE:
        raise ValueError("leaves must be 32-byte hashes")
    out = [leaves]
    prev = leaves
    while True:
        s = old_size >> k
        e = new_size >> k
        if e == s:
            break
        ps = old_size >> (k - 1)                # first new index of level k - 1
        cnt = <Py_ssize_t>(e - s)
        if ps & 1:
            left = frontier[k - 1]
            if not isinstance(left, bytes) or PyBytes_GET_SIZE(left) != HASH_SIZE:
                raise ValueError(f"frontier hash of level {k - 1} missing")
            children = left + prev[:(2 * cnt - 1) * HASH_SIZE]
        else:
            children = prev[:2 * cnt * HASH_SIZE]
        cur = new_bytes(cnt * HASH_SIZE)
        tmp = <uint8_t *>PyBytes_AS_STRING(cur)
        src = <const uint8_t (*)[32]>PyBytes_AS_STRING(children)
        with nogil:
            rc = ccf_tlog_node_hashes(alg, src, <size_t>cnt, <uint8_t (*)[32]>tmp)
        _check(rc)
        out.append(cur)
        prev = cur
        k += 1
    return out


def bundle_entry(bytes data, Py_ssize_t k):
    """Entry k of an entry bundle, without splitting the others out; ValueError if the bundle
    is broken before it or has no entry k."""
    cdef const uint8_t *p = <const uint8_t *>PyBytes_AS_STRING(data)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data), off = 0, ln, i = 0
    while off < n:
        if n - off < 2:
            raise ValueError(f"entry bundle ends inside a length field (at byte {off})")
        ln = (<Py_ssize_t>p[off] << 8) | p[off + 1]
        if n - off - 2 < ln:
            raise ValueError(f"entry {i} of the bundle runs past its end")
        if i == k:
            return data[off + 2:off + 2 + ln]
        off += 2 + ln
        i += 1
    raise ValueError(f"the entry bundle holds {i} entries, not {k + 1}")


cdef int _proof_array(object proof, uint8_t **arr, Py_ssize_t *count) except -1:
    """Copy a list or tuple of 32-byte hashes into a C array; ValueError naming a hash of
    another length, TypeError for something else."""
    cdef Py_ssize_t i, n
    cdef Py_buffer b
    if not isinstance(proof, (list, tuple)):
        raise TypeError(f"proof must be a list of 32-byte hashes, not {type(proof).__name__}")
    n = len(proof)
    arr[0] = <uint8_t *>PyMem_Malloc(n * HASH_SIZE + 1)
    if arr[0] == NULL:
        raise MemoryError()
    count[0] = n
    for i in range(n):
        x = proof[i]
        if PyBytes_CheckExact(x) and PyBytes_GET_SIZE(x) == HASH_SIZE:
            memcpy(arr[0] + i * HASH_SIZE, PyBytes_AS_STRING(x), HASH_SIZE)
            continue
        if isinstance(x, str):
            raise TypeError(f"proof element {i} must be a bytes-like object, not str")
        get_read_buffer(x, &b, f"proof element {i}")
        try:
            if b.len != HASH_SIZE:
                raise ValueError(f"proof element {i} is {b.len} bytes; hashes are {HASH_SIZE} bytes")
            memcpy(arr[0] + i * HASH_SIZE, b.buf, HASH_SIZE)
        finally:
            release_buffer(&b)
    return 0


def verify_inclusion(int alg, uint64_t index, uint64_t size, bytes leaf, proof, bytes root):
    """RFC 9162 2.1.3.2 (leaf and root: 32 bytes, checked by the caller): True if it verifies.
    ValueError for a proof hash of the wrong length."""
    cdef uint8_t *arr = NULL
    cdef Py_ssize_t n = 0
    cdef int rc
    try:
        _proof_array(proof, &arr, &n)
        rc = ccf_tlog_verify_inclusion(alg, index, size, <const uint8_t *>PyBytes_AS_STRING(leaf),
                                       <const uint8_t (*)[32]>arr, <size_t>n,
                                       <const uint8_t *>PyBytes_AS_STRING(root))
    finally:
        PyMem_Free(arr)
    if rc != CCF_OK and rc != CCF_ERR_AUTH:
        _check(rc)
    return rc == CCF_OK


def verify_consistency(int alg, uint64_t first, uint64_t second, proof, bytes first_root, bytes second_root):
    """RFC 9162 2.1.4.2 (roots: 32 bytes, checked by the caller): True if it verifies.
    ValueError for a proof hash of the wrong length."""
    cdef uint8_t *arr = NULL
    cdef Py_ssize_t n = 0
    cdef int rc
    try:
        _proof_array(proof, &arr, &n)
        rc = ccf_tlog_verify_consistency(alg, first, second, <const uint8_t (*)[32]>arr, <size_t>n,
                                         <const uint8_t *>PyBytes_AS_STRING(first_root),
                                         <const uint8_t *>PyBytes_AS_STRING(second_root))
    finally:
        PyMem_Free(arr)
    if rc != CCF_OK and rc != CCF_ERR_AUTH:
        _check(rc)
    return rc == CCF_OK


# ---- stored tiles: proofs and appends (see tlog.py for the layout) ---------------------------
#
# A stored tile (L, N) holds the height-8 subtree over the level-8L nodes 256N .. 256N+255:
# region r (0..7) holds the 256 >> r nodes of level 8L + r from hash 512 - (512 >> r) on.

DEF TILE_HASHES = 511
DEF GROUP_SHIFT = 48
DEF MAX_RANGES = 130
DEF MAX_NODES = 64


cdef inline int _bitlen(uint64_t x) noexcept nogil:
    cdef int n = 0
    while x:
        x >>= 1
        n += 1
    return n


cdef inline uint64_t _split(uint64_t n) noexcept nogil:
    """The largest power of two smaller than n (n >= 2)."""
    return (<uint64_t>1) << (_bitlen(n - 1) - 1)


cdef int _ranges(int kind, uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi) except -1:
    """The ranges [lo, hi) whose hashes make a proof, deepest first: kind 0 PATH(a, D[0:b])
    (RFC 9162 2.1.3.1), kind 1 PROOF(a, D[0:b]) with 0 < a < b (2.1.4.1), kind 2 the root
    MTH(D[0:b]).  Returns their number."""
    cdef uint64_t l = 0, h = b, k, m = a
    cdef int n = 0, i
    cdef bint whole = True
    if kind == 2:
        lo[0] = 0
        hi[0] = b
        return 1
    if kind == 0:
        while h - l > 1:
            k = _split(h - l)
            if a < l + k:
                lo[n] = l + k; hi[n] = h; h = l + k
            else:
                lo[n] = l; hi[n] = l + k; l += k
            n += 1
    else:
        while True:
            if m == h - l:
                if not whole:
                    lo[n] = l; hi[n] = h; n += 1
                break
            k = _split(h - l)
            if m <= k:
                lo[n] = l + k; hi[n] = h; h = l + k
            else:
                lo[n] = l; hi[n] = l + k; m -= k; l += k; whole = False
            n += 1
    for i in range(n // 2):
        lo[i], lo[n - 1 - i] = lo[n - 1 - i], lo[i]
        hi[i], hi[n - 1 - i] = hi[n - 1 - i], hi[i]
    return n


cdef inline int _decompose(uint64_t l, uint64_t h, int *lev, uint64_t *idx) noexcept nogil:
    """The perfect subtrees (level, index) of D[l:h], left to right."""
    cdef int n = 0, p
    while l < h:
        p = _bitlen(h - l) - 1
        lev[n] = p
        idx[n] = l >> p
        l += (<uint64_t>1) << p
        n += 1
    return n


cdef inline uint64_t _tile_of(int level, uint64_t index, Py_ssize_t *off) noexcept nogil:
    cdef int g = level >> 3, r = level & 7
    cdef uint64_t n = index >> (8 - r)
    off[0] = (512 - (512 >> r) + <Py_ssize_t>(index - (n << (8 - r)))) * HASH_SIZE
    return ((<uint64_t>g) << GROUP_SHIFT) | n


def proof_tiles(int kind, uint64_t a, uint64_t b, dict folded):
    """The ids of the stored tiles holding the hashes a proof (kind as _ranges) needs; ranges
    whose hash is in `folded` {(lo, hi): hash} need none."""
    cdef uint64_t lo[MAX_RANGES]
    cdef uint64_t hi[MAX_RANGES]
    cdef uint64_t idx[MAX_NODES]
    cdef int lev[MAX_NODES]
    cdef int nr, nn, i, j
    cdef Py_ssize_t off
    nr = _ranges(kind, a, b, lo, hi)
    ids = set()
    for i in range(nr):
        nn = _decompose(lo[i], hi[i], lev, idx)
        if nn > 1 and (lo[i], hi[i]) in folded:
            continue
        for j in range(nn):
            ids.add(_tile_of(lev[j], idx[j], &off))
    return sorted(ids)


def proof_assemble(int alg, int kind, uint64_t a, uint64_t b, dict tiles, dict folded):
    """The proof (kind as _ranges) from the stored tiles {id: bytes}: one hash per range, a
    stored node or the fold of its perfect subtrees.  folded {(lo, hi): hash} holds ranges
    folded before and gets the new ones (the hash of D[lo:hi] never changes in an append-only
    log).  LookupError naming a node whose tile is missing or cut."""
    cdef uint64_t lo[MAX_RANGES]
    cdef uint64_t hi[MAX_RANGES]
    cdef uint64_t idx[MAX_NODES]
    cdef int lev[MAX_NODES]
    cdef int nr, nn, i, j
    cdef Py_ssize_t off
    cdef uint8_t h[32]
    cdef const uint8_t *src
    nr = _ranges(kind, a, b, lo, hi)
    out = []
    for i in range(nr):
        nn = _decompose(lo[i], hi[i], lev, idx)
        key = None
        if nn > 1:
            key = (lo[i], hi[i])
            f = folded.get(key)
            if f is not None:
                out.append(f)
                continue
        for j in range(nn - 1, -1, -1):
            t = tiles.get(_tile_of(lev[j], idx[j], &off))
            if t is None or not PyBytes_CheckExact(t) or PyBytes_GET_SIZE(t) != TILE_HASHES * HASH_SIZE:
                raise LookupError(f"level {lev[j]} node {idx[j]}")
            src = <const uint8_t *>PyBytes_AS_STRING(t) + off
            if j == nn - 1:
                memcpy(h, src, HASH_SIZE)
            else:
                ccf_tlog_node_hash(alg, src, h, h)
        r = <bytes>h[:HASH_SIZE]
        if key is not None:
            folded[key] = r
        out.append(r)
    return out


def proof_length(int kind, uint64_t a, uint64_t b):
    """How many hashes a proof of this kind has."""
    cdef uint64_t lo[MAX_RANGES]
    cdef uint64_t hi[MAX_RANGES]
    return _ranges(kind, a, b, lo, hi)


def fill_tiles(uint64_t size, uint64_t new_size, list lv, dict partial):
    """The stored tiles after appending: lv[p] holds the new nodes of level p from index
    size >> p on (from levels()); partial {L: bytearray} the current partial tile of each level
    group, replaced by the new partial tiles.  Returns [(id, bytes)] to write."""
    cdef int g, r, p, nlev = len(lv)
    cdef uint64_t s0, e0, n, sp, ep, lo, hi
    cdef Py_ssize_t off
    cdef uint8_t *dst
    cdef const uint8_t *src
    rows = []
    for g in range((nlev + 7) // 8):
        s0 = size >> (8 * g)
        e0 = new_size >> (8 * g)
        n = s0 >> 8
        while n <= (e0 - 1) >> 8:
            if n == s0 >> 8 and (s0 & 255):
                blob = partial.pop(g)
            else:
                blob = bytearray(TILE_HASHES * HASH_SIZE)
            dst = <uint8_t *>(<char *>blob)
            for r in range(8):
                p = 8 * g + r
                if p >= nlev:
                    break
                sp = size >> p
                ep = new_size >> p
                lo = sp if sp > (n << (8 - r)) else (n << (8 - r))
                hi = ep if ep < ((n + 1) << (8 - r)) else ((n + 1) << (8 - r))
                if hi > lo:
                    level = lv[p]
                    src = <const uint8_t *>PyBytes_AS_STRING(level)
                    off = (512 - (512 >> r) + <Py_ssize_t>(lo - (n << (8 - r)))) * HASH_SIZE
                    memcpy(dst + off, src + (lo - sp) * HASH_SIZE, (hi - lo) * HASH_SIZE)
            rows.append((((<uint64_t>g) << GROUP_SHIFT) | n, bytes(blob)))
            if n == e0 >> 8:
                partial[g] = blob
            n += 1
    return rows
