"""SM4, the Chinese national block cipher (GB/T 32907-2016).

``SM4(key)`` offers ECB, CBC (PKCS#7 padding by default) and CTR (128-bit big-endian counter);
the AEADs SM4-GCM and SM4-CCM of RFC 8998 are :class:`SM4GCM` and :class:`SM4CCM`, also
exported by :mod:`ccfast.aead`.
"""
from ._sm4 import SM4, SM4CCM, SM4GCM

__all__ = ["SM4", "SM4GCM", "SM4CCM"]
