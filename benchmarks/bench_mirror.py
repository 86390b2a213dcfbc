"""Is the runtime-record mirror of the Pydantic models worth keeping? (issue 14, item 7)

ketacalc keeps one Pydantic model per data concept (``data/models.py``, the schema that checks
a file) and one runtime record per concept (``data/catalog.py``), built from the checked cache.
The rule: keep the mirror only if it saves at least 10% of start-up. Both ways of getting the
shipped data in memory are timed in fresh processes in the same run, against the start-up of a
whole ``ketacalc cost mindbloom --sessions 18 --format json``:

- records: the warm path today (cache -> NamedTuples; Pydantic is never imported);
- models: the same cached, checked JSON validated into the Pydantic models (what one record
  per concept would cost at every start).

    .venv/bin/python benchmarks/bench_mirror.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "KETACALC_DATA")}

RECORDS = """
from datetime import date
from ketacalc.data.loader import load_catalog
load_catalog(None, today=date(2026, 12, 2))
"""

MODELS = """
import json
from datetime import date
from ketacalc.data import cache
from ketacalc.data.loader import default_data_path, parse, decode, read_bytes
import hashlib
from ketacalc.version import __version__
raw = read_bytes(default_data_path())
key = hashlib.sha256(raw + b"\\0" + __version__.encode()).hexdigest()[:32]
data = cache.read(cache.cache_file(key))
from ketacalc.data.models import DataFile
DataFile.model_validate(data)
"""


def wall(argv: list[str], runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=ENV, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    py = sys.executable
    wall([py, "-m", "ketacalc", "cost", "mindbloom", "--sessions", "18", "--format", "json"], runs=2)  # warm
    floor = wall([py, "-c", "pass"])
    whole = wall([py, "-m", "ketacalc", "cost", "mindbloom", "--sessions", "18", "--format", "json"])
    records = wall([py, "-c", RECORDS])
    models = wall([py, "-c", MODELS])
    saved = (models - records) / (whole - records + models)
    print(f"python -c pass                      {floor * 1000:7.1f} ms")
    print(f"cost mindbloom -n 18 (json), warm   {whole * 1000:7.1f} ms")
    print(f"load: cache -> runtime records      {records * 1000:7.1f} ms")
    print(f"load: cache -> Pydantic models      {models * 1000:7.1f} ms")
    print(
        f"the mirror saves {saved:.0%} of start-up (keep it if >= 10%): {'KEEP' if saved >= 0.10 else 'DROP'}"
    )


if __name__ == "__main__":
    main()
