"""Benchmarks for ketacalc, each against a baseline measured in the same run.

Run from the repository root with the project's virtualenv:

    .venv/bin/python benchmarks/bench.py            # all three
    .venv/bin/python benchmarks/bench.py startup    # or: batch, optimiser

This is not a test: it prints figures and ratios, and whether each target is met.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BARE_APP = """
import typer

app = typer.Typer()


@app.command()
def main(name: str) -> None:
    print(name)


if __name__ == "__main__":
    app()
"""

IDENTITY_FILTER = """
import json
import sys

write = sys.stdout.write
for line in sys.stdin:
    write(json.dumps(json.loads(line)) + "\\n")
"""


# Children run as an installed program would: with bytecode caches allowed (an
# environment that sets PYTHONDONTWRITEBYTECODE would otherwise recompile
# ketacalc's modules on every run, while Typer's come precompiled).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(argv: list[str], stdin_path: str | None = None) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one child process."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENV
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    finally:
        if stdin_path:
            stdin.close()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{argv} failed with status {status}")
    return elapsed, usage.ru_maxrss


def alternate(
    a: list[str], b: list[str], rounds: int, stdin_a: str | None = None, stdin_b: str | None = None
):
    run(a, stdin_a), run(b, stdin_b)  # warm caches (OS page cache, bytecode, ketacalc's data cache)
    times_a, times_b, mem_a, mem_b = [], [], [], []
    for _ in range(rounds):
        t, m = run(a, stdin_a)
        times_a.append(t), mem_a.append(m)
        t, m = run(b, stdin_b)
        times_b.append(t), mem_b.append(m)
    return (
        statistics.median(times_a),
        statistics.median(times_b),
        statistics.median(mem_a),
        statistics.median(mem_b),
    )


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def startup(rounds: int = 21) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP)
        ours = [sys.executable, "-m", "ketacalc", "cost", "mindbloom", "--sessions", "18", "--format", "json"]
        t_k, t_b, m_k, m_b = alternate(ours, [sys.executable, str(bare), "x"], rounds)
    print("start-up: `ketacalc cost mindbloom --sessions 18 --format json` vs a bare one-command Typer app")
    print(
        f"  median wall time  {t_k * 1000:7.1f} ms vs {t_b * 1000:7.1f} ms  ratio {t_k / t_b:.2f}x "
        f"(target <= 1.3x, aim 1.1x): {verdict(t_k / t_b <= 1.3)}"
    )
    print(
        f"  median peak RSS   {m_k / 1024:7.1f} MiB vs {m_b / 1024:7.1f} MiB ratio {m_k / m_b:.2f}x "
        f"(target <= 1.3x): {verdict(m_k / m_b <= 1.3)}"
    )


def scenarios(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    providers = ["mindbloom", "innerwell", "better-u", "joyous", "isha-health", "kalm-health"]
    states = [None, "TX", "CA", "NY", "ID"]
    with open(path, "w") as handle:
        for _ in range(count):
            row = {"provider": rng.choice(providers), "sessions": rng.randint(1, 40)}
            if rng.random() < 0.3:
                row["returning"] = True
            state = rng.choice(states)
            if state:
                row["state"] = state
                if rng.random() < 0.2:
                    row["insurer"] = "Aetna"
            if rng.random() < 0.1:
                row["as_of"] = "2025-06-13"
            handle.write(json.dumps(row) + "\n")


def distinct_scenarios(path: Path, count: int, seed: int = 11) -> None:
    """``count`` all-different scenarios: N from 1 to 2,000 and starts over two years."""
    rng = random.Random(seed)
    providers = ["mindbloom", "innerwell", "better-u", "joyous", "isha-health", "kalm-health"]
    seen: set[str] = set()
    with open(path, "w") as handle:
        while len(seen) < count:
            row = {
                "provider": rng.choice(providers),
                "sessions": rng.randint(1, 2_000),
                "start": date.fromordinal(date(2026, 1, 1).toordinal() + rng.randint(0, 700)).isoformat(),
            }
            line = json.dumps(row)
            if line not in seen:
                seen.add(line)
                handle.write(line + "\n")


def batch(rounds: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "100k.jsonl", Path(tmp) / "1k.jsonl"
        scenarios(big, 100_000)
        scenarios(small, 1_000)
        unique = len(set(big.read_text().splitlines()))
        filt = Path(tmp) / "filter.py"
        filt.write_text(IDENTITY_FILTER)
        distinct = Path(tmp) / "20k-distinct.jsonl"
        distinct_scenarios(distinct, 20_000)
        ours = [sys.executable, "-m", "ketacalc", "batch", "-"]
        t_k, t_f, m_k, _ = alternate(ours, [sys.executable, str(filt)], rounds, str(big), str(big))
        _, _, m_small, _ = alternate(ours, ours, 3, str(small), str(small))
        t_d, t_fd, _, _ = alternate(ours, [sys.executable, str(filt)], rounds, str(distinct), str(distinct))
    print(
        f"batch: 100,000 scenarios ({unique:,} distinct) vs a JSON-lines identity filter (read, loads, dumps, write)"
    )
    print(
        f"  median wall time  {t_k:6.2f} s vs {t_f:6.2f} s   throughput ratio {t_f / t_k:.2f}x "
        f"(target >= 0.5x): {verdict(t_f / t_k >= 0.5)}"
    )
    print(
        f"  peak RSS 100,000 vs 1,000 scenarios: {m_k / 1024:.1f} MiB vs {m_small / 1024:.1f} MiB, "
        f"ratio {m_k / m_small:.2f}x (target <= 1.5x): {verdict(m_k / m_small <= 1.5)}"
    )
    print(
        "batch: 20,000 all-distinct scenarios (N from 1 to 2,000, varied starts) vs the same identity filter"
    )
    print(
        f"  median wall time  {t_d:6.2f} s vs {t_fd:6.2f} s   time ratio {t_d / t_fd:.1f}x "
        f"(target <= 10x): {verdict(t_d / t_fd <= 10)}"
    )


def optimiser() -> None:
    from ketacalc.data.loader import load_catalog
    from ketacalc.domain.pricing import CostQuery, ProviderPricer

    today = date.today()
    catalog = load_catalog(today=today)

    def best_of(fn, rounds: int = 7) -> float:
        best = float("inf")
        for _ in range(rounds):
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        return best

    print(f"optimiser: the cheapest course of N sessions for each of the {len(catalog.providers)} providers,")
    print("  new client, in-process, fresh pricers (best of 7); 'full' adds every purchase and dated payment")
    choose, full = {}, {}
    for n in (100, 1_000, 10_000):

        def pricers(n: int = n) -> list[ProviderPricer]:
            return [ProviderPricer(p, CostQuery(sessions=n), today) for p in catalog.providers]

        choose[n] = best_of(
            lambda n=n, pricers=pricers: [pr.optimiser.solve(n) for pr in pricers() if pr.offers]
        )
        full[n] = best_of(lambda n=n, pricers=pricers: [pr.price(n) for pr in pricers()])
        print(f"  N = {n:>6,}: choose {choose[n] * 1000:7.2f} ms   full result {full[n] * 1000:7.2f} ms")
    print(
        f"  growth 100 -> 10,000 (100x the sessions): choose {choose[10_000] / choose[100]:.1f}x, "
        f"full {full[10_000] / full[100]:.1f}x"
    )
    print(f"  N = 10,000 chosen for every provider in under 50 ms: {verdict(choose[10_000] < 0.05)}")


def main() -> None:
    which = sys.argv[1:] or ["startup", "batch", "optimiser"]
    env = os.environ.get("KETACALC_CACHE_DIR")
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores; ketacalc data cache: {env or 'default'}\n"
    )
    for name in which:
        {"startup": startup, "batch": batch, "optimiser": optimiser}[name]()
        print()


if __name__ == "__main__":
    main()
