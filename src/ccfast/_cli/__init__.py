"""Command-line tools.  Each area plugs in with modules named kat_<area>.py (known answers for
`selftest`) and speed_<area>.py (rows for `speed`); they are found by name, so adding an area
needs no edit here."""
import importlib
import pkgutil


def area_modules(prefix):
    """Import every ccfast._cli module whose name starts with prefix, sorted by name."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith(prefix))
    return [(n[len(prefix):], importlib.import_module(f"{__name__}.{n}")) for n in names]
