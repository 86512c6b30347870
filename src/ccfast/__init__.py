"""ccfast: native-accelerated media crypto for telephony.

SRTP/SRTCP, AES-GCM, SM2/SM3/SM4 and an RTP jitter buffer, with kernels chosen at run time
for the CPU (AES-NI, VAES/VPCLMULQDQ, GFNI, SHA-NI, ARMv8 Crypto Extensions) and constant-time
portable fallbacks.  Set CCFAST_CPU_DISABLE (comma-separated feature names, or "all") before
import to force lesser implementations.
"""
import importlib
from collections.abc import Iterator
from types import ModuleType

from ._cpu import cpu_features
from ._version import __version__

__all__ = ["__version__", "cpu_features", "implementations"]

# Native modules that report implementations; an area appears once its module is built.
_NATIVE_MODULES = ("_aead", "_sm3", "_sm4", "_sm2", "_srtp", "_tlog")


def _native_modules() -> Iterator[ModuleType]:
    for name in _NATIVE_MODULES:
        try:
            yield importlib.import_module(f"ccfast.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"ccfast.{name}":
                raise


def implementations() -> dict[str, str]:
    """Algorithm -> name of the implementation chosen for this CPU, e.g. {"aes": "vaes-avx512"}."""
    out: dict[str, str] = {}
    for mod in _native_modules():
        out.update(mod._implementations())
    return out


def _available_implementations() -> dict[str, dict[str, bool]]:
    """Algorithm -> {implementation name: usable on this CPU} for every compiled-in implementation."""
    out: dict[str, dict[str, bool]] = {}
    for mod in _native_modules():
        out.update(mod._available_implementations())
    return out
