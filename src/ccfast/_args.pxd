# Argument errors of native constructors.
#
# Cython names "__cinit__()" in the errors of a constructor's argument parsing.  Constructors
# keep their explicit parameters (so Cython's vectorcall constructor path stays: a `*args`
# parameter would cost a tuple and a dict per object) and add `**kwargs`, which collects any
# unknown keyword for reject_keywords() to refuse with the class's name, as Python does
# ("AESGCM() got an unexpected keyword argument 'x'").  A required parameter defaults to the
# module's REQUIRED sentinel and is checked with require().  The class docstring starts with the
# signature in the `Name(...)\n--\n\n` form, which gives inspect.signature() and help() the
# parameters (types built with CYTHON_USE_TYPE_SPECS=0 are static types, whose
# __text_signature__ Python reads from that docstring).


cdef inline int reject_keywords(str who, dict kwargs) except -1:
    if kwargs:
        raise TypeError(f"{who}() got an unexpected keyword argument '{next(iter(kwargs))}'")
    return 0


cdef inline int require(str who, str name, object value, object sentinel) except -1:
    if value is sentinel:
        raise TypeError(f"{who}() missing required argument '{name}'")
    return 0
