"""Drop-in replacements for other packages' APIs, backed by ccfast: ``ccfast.compat.gmssl``
(the pure-Python ``gmssl`` package) and ``ccfast.compat.pylibsrtp``.  Import the one you need;
this package itself exports nothing."""

__all__: list[str] = []
