"""ketacalc: cost and eligibility calculator for at-home ketamine therapy providers.

Not medical advice: ketacalc prices and filters; it never recommends a dose,
a provider or a treatment.

The package is a typed library as well as a command line, and the command line is
a thin layer over it: each function takes the options of the command of the same
name and returns an answer whose ``to_dict()`` is exactly that command's JSON::

    import ketacalc

    course = ketacalc.cost("mindbloom", sessions=18, state="TX")   # the shipped, dated data
    print(course.total, course.due_at_signup, [p.due for p in course.schedule])
    print(course.availability.status)                             # available / unavailable / unknown
    for row in ketacalc.compare("TX", sessions=12, sort="total").rows:
        print(row.provider.name, row.total)

``data=`` takes another providers file or a catalog from :func:`load`. Money is
``Decimal``; an unknown figure is ``None``. Heavy modules are imported on first
use, so ``import ketacalc`` stays cheap. The layers (``cli`` -> ``api`` ->
``output`` -> ``domain`` -> ``io``/``data`` -> base) are an import-linter contract.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ketacalc.version import SCHEMA_VERSION, __version__

if TYPE_CHECKING:
    from ketacalc.api import availability, compare, cost, curves, load, providers, show

__all__ = [
    "SCHEMA_VERSION", "__version__", "availability", "compare", "cost", "curves", "load", "providers", "show",
]  # fmt: skip

_API = frozenset(__all__) - {"SCHEMA_VERSION", "__version__"}


def __getattr__(name: str) -> object:
    """The library's functions, imported on first use: ``python -m ketacalc`` and the console
    script import this package before their Ctrl-C handler is set, so it imports nothing more
    (an interrupt while ``ketacalc.api`` loaded was a traceback)."""
    if name in _API or name == "api":
        import importlib

        api = importlib.import_module("ketacalc.api")  # (``from ketacalc import api`` asks this function)
        value = api if name == "api" else getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ketacalc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
