"""Make ``providers.checked.json`` from the shipped ``providers.yaml`` (see
:mod:`ketacalc.data.shipped`)::

    .venv/bin/python -m ketacalc.data.ship
"""

from __future__ import annotations

from typing import Any

from ketacalc.data.loader import checked_data, data_key, default_data_path, read_bytes
from ketacalc.data.shipped import ARTEFACT


def shipped_form() -> dict[str, Any]:
    """What ``providers.checked.json`` must hold for the shipped ``providers.yaml``."""
    path = default_data_path()
    raw = read_bytes(path)
    return {"key": data_key(raw), "data": checked_data(raw, str(path))}


def main() -> None:
    import json

    text = json.dumps(shipped_form(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    ARTEFACT.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {ARTEFACT}")


if __name__ == "__main__":
    main()
