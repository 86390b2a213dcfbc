"""The shipped data file, checked when it is built, so a first run is as fast as a warm one.

``providers.checked.json``, beside this module and in the wheel, holds the checked
data of the shipped ``providers.yaml`` (what the cache stores for it) and the key
of the bytes and ketacalc version it was made from. ``providers.yaml`` stays the
one source of truth: the loader takes this file's data only for a data file whose
key matches, builds the catalog from it as it builds one from the cache (and
falls back to reading the YAML when it cannot), and never writes it. Remake it after
changing ``providers.yaml``, the schema or the version (``tests/test_shipped_data.py``
fails until you do)::

    .venv/bin/python -m ketacalc.data.ship
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ARTEFACT = Path(__file__).with_name("providers.checked.json")


def read(key: str) -> dict[str, Any] | None:
    """The checked data made for the data file whose key is ``key``, or ``None``
    (missing, damaged, or made from other bytes or another version)."""
    import json

    try:
        with open(ARTEFACT, "rb") as handle:
            value = json.loads(handle.read(2 * 1024 * 1024).decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(value, dict) or value.get("key") != key or not isinstance(value.get("data"), dict):
        return None
    return value["data"]  # type: ignore[no-any-return]
