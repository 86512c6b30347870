from . import func as func, sm2 as sm2, sm3 as sm3, sm4 as sm4

__all__ = ["func", "sm2", "sm3", "sm4"]
