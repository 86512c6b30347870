from ._aead import AESGCM as AESGCM
from ._sm4 import SM4CCM as SM4CCM, SM4GCM as SM4GCM
from .exceptions import InvalidTag as InvalidTag

__all__ = ["AESGCM", "SM4GCM", "SM4CCM", "InvalidTag"]
