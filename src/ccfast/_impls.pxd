# Listing and choosing kernel implementations, for every module.
#
# The C tables (ccf_aes_impls(), ccf_ghash_impls(), ccf_sm3_impls(), ...) are NULL-terminated
# arrays of pointers to structs whose first members are `name` and `supported`
# (ccf_impl_head in ccf_common.h), so one helper serves them all.

cdef extern from "ccf_common.h" nogil:
    ctypedef struct ccf_impl_head:
        const char *name
        int (*supported)()


cdef inline dict impl_table(const void *table):
    """{implementation name: usable on this CPU} for a C implementation table."""
    cdef const ccf_impl_head *const *t = <const ccf_impl_head *const *>table
    cdef size_t i = 0
    out = {}
    while t[i] != NULL:
        out[t[i].name.decode()] = bool(t[i].supported())
        i += 1
    return out


cdef inline const void *impl_named(const void *table, str what, str name) except NULL:
    """The entry called `name`; ValueError if there is none or this CPU cannot run it."""
    cdef const ccf_impl_head *const *t = <const ccf_impl_head *const *>table
    cdef size_t i = 0
    while t[i] != NULL:
        if t[i].name.decode() == name:
            if not t[i].supported():
                raise ValueError(f"{what} implementation {name!r} is not supported on this CPU")
            return t[i]
        i += 1
    raise ValueError(f"no {what} implementation named {name!r}")
