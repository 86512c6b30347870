# CPU features as seen by the kernels (after CCFAST_CPU_DISABLE).
import os
import warnings

from ccfast._common cimport (ccf_cpu_init, ccf_cpu_features, ccf_cpu_features_detected,
                             ccf_cpu_parse_list, ccf_cpu_feature_name)

ccf_cpu_init()


def _names(unsigned int mask, bint all_names=False):
    cdef unsigned int bit
    out = {}
    for bit in range(32):
        name = ccf_cpu_feature_name(bit)
        if name != NULL:
            out[name.decode()] = bool(mask & (1u << bit))
    return out


def cpu_features():
    """Features the kernels may use: {name: bool}, after CCFAST_CPU_DISABLE."""
    return _names(ccf_cpu_features())


def detected_features():
    """Features the CPU and OS provide, before CCFAST_CPU_DISABLE."""
    return _names(ccf_cpu_features_detected())


def _check_disable_variable():
    cdef int unknown = 0
    value = os.environ.get("CCFAST_CPU_DISABLE", "")
    if value:
        ccf_cpu_parse_list(value.encode("ascii", "replace"), &unknown)
        if unknown:
            known = ", ".join(sorted(_names(0)))
            warnings.warn(
                f"CCFAST_CPU_DISABLE={value!r} names {unknown} unknown feature(s); "
                f"known names: all, {known}",
                RuntimeWarning,
                stacklevel=3,
            )


_check_disable_variable()
