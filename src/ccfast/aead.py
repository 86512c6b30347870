"""Authenticated encryption: AES-GCM (NIST SP 800-38D), SM4-GCM and SM4-CCM (RFC 8998).

The classes follow pyca/cryptography's shape: ``AESGCM(key).encrypt(nonce, data,
associated_data)`` returns ciphertext || 16-byte tag, ``decrypt`` raises :class:`InvalidTag`
and releases no plaintext on failure.
"""
from .exceptions import InvalidTag

__all__ = ["AESGCM", "SM4GCM", "SM4CCM", "InvalidTag"]


def _optional(module, *names):
    # An area's classes appear once its native module is built.
    try:
        mod = __import__(f"ccfast.{module}", fromlist=list(names))
    except ModuleNotFoundError as exc:
        if exc.name != f"ccfast.{module}":
            raise
        return
    globals().update({n: getattr(mod, n) for n in names})


_optional("_aead", "AESGCM")
_optional("_sm4", "SM4GCM", "SM4CCM")
