from ._sm4 import SM4 as SM4, SM4CCM as SM4CCM, SM4GCM as SM4GCM

__all__ = ["SM4", "SM4GCM", "SM4CCM"]
