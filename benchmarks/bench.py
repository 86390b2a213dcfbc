"""Benchmarks for ketacalc, each against a baseline measured in the same run.

Run from the repository root with the project's virtualenv:

    .venv/bin/python benchmarks/bench.py            # every row of the table
    .venv/bin/python benchmarks/bench.py startup    # or: firstrun, batch, chart, report, optimiser

This is not a test: it prints figures and ratios, and whether each target is met.
Each child's CPU time (user + system) is printed beside its wall time: on a busy
machine the wall times swing, the CPU times much less.
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
from collections.abc import Callable
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


def run(
    argv: list[str], stdin_path: str | None = None, env: dict[str, str] | None = None
) -> tuple[float, int, float]:
    """Wall time (s), peak RSS (KiB) and CPU time (s, user + system) of one child process."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            stdin=stdin,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env if env is not None else CHILD_ENV,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    finally:
        if stdin_path:
            stdin.close()
    if os.waitstatus_to_exitcode(status) not in ((0, 1) if stdin_path else (0,)):  # batch: 1 if a line fails
        raise SystemExit(f"{argv} failed with status {status}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


class Pair:
    """Medians of two commands run alternately: wall time, peak RSS, CPU time."""

    def __init__(self, a: list[tuple[float, int, float]], b: list[tuple[float, int, float]]) -> None:
        med = lambda xs, i: statistics.median(x[i] for x in xs)  # noqa: E731
        self.t_a, self.m_a, self.c_a = med(a, 0), med(a, 1), med(a, 2)
        self.t_b, self.m_b, self.c_b = med(b, 0), med(b, 1), med(b, 2)

    def line(self, unit: str = "ms") -> str:
        k = 1000 if unit == "ms" else 1
        return (
            f"  median wall time  {self.t_a * k:8.2f} {unit} vs {self.t_b * k:8.2f} {unit}   "
            f"(CPU {self.c_a * k:.2f} vs {self.c_b * k:.2f} {unit}, ratio {self.c_a / self.c_b:.2f}x)"
        )


def alternate(
    a: list[str],
    b: list[str],
    rounds: int,
    stdin_a: str | None = None,
    stdin_b: str | None = None,
    env_a: Callable[[], dict[str, str]] = lambda: CHILD_ENV,
    env_b: Callable[[], dict[str, str]] = lambda: CHILD_ENV,
) -> Pair:
    run(a, stdin_a, env_a()), run(b, stdin_b, env_b())  # warm the OS page cache, bytecode, data cache
    runs_a, runs_b = [], []
    for _ in range(rounds):
        runs_a.append(run(a, stdin_a, env_a()))
        runs_b.append(run(b, stdin_b, env_b()))
    return Pair(runs_a, runs_b)


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


KETACALC = [sys.executable, "-m", "ketacalc"]


def startup(rounds: int = 21) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP)
        cost = [*KETACALC, "cost", "mindbloom", "--sessions", "18", "--format", "json"]
        vs_python = alternate(cost, [sys.executable, "-c", "pass"], rounds)
        compare = alternate([*KETACALC, "compare", "--state", "TX"], [sys.executable, str(bare), "x"], rounds)
    ratio = vs_python.t_a / vs_python.t_b
    print("start-up: `ketacalc cost mindbloom --sessions 18 --format json` vs `python -c pass`")
    print(vs_python.line())
    print(f"  wall time ratio {ratio:.2f}x (target <= 10x, aim 6x): {verdict(ratio <= 10)}")
    print(f"  median peak RSS   {vs_python.m_a / 1024:7.1f} MiB vs {vs_python.m_b / 1024:7.1f} MiB")
    ratio = compare.t_a / compare.t_b
    print("start-up: `ketacalc compare --state TX` vs a bare one-command Typer app")
    print(compare.line())
    print(f"  wall time ratio {ratio:.2f}x (target <= 1.2x): {verdict(ratio <= 1.2)}")
    print(
        f"  median peak RSS   {compare.m_a / 1024:7.1f} MiB vs {compare.m_b / 1024:7.1f} MiB "
        f"ratio {compare.m_a / compare.m_b:.2f}x (target <= 1.3x): {verdict(compare.m_a / compare.m_b <= 1.3)}"
    )


def firstrun(rounds: int = 11) -> None:
    """The first run after install (no data cache yet: the data file is read and
    checked) vs a warm run, the same command, alternately."""
    cost = [*KETACALC, "cost", "mindbloom", "--sessions", "18", "--format", "json"]
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(10**6))

        def empty_cache() -> dict[str, str]:
            return {**CHILD_ENV, "KETACALC_CACHE_DIR": str(Path(tmp) / f"cold-{next(counter)}")}

        warm = {**CHILD_ENV, "KETACALC_CACHE_DIR": str(Path(tmp) / "warm")}
        pair = alternate(cost, cost, rounds, env_a=empty_cache, env_b=lambda: warm)
    ratio = pair.t_a / pair.t_b
    print(
        "first run after install (no data cache) vs a warm run: `cost mindbloom --sessions 18 --format json`"
    )
    print(pair.line())
    print(f"  wall time ratio {ratio:.2f}x (target <= 1.1x): {verdict(ratio <= 1.1)}")


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
        with open(big) as lines:  # line by line: a child's peak RSS starts at this process's own
            unique = len(set(lines))
        filt = Path(tmp) / "filter.py"
        filt.write_text(IDENTITY_FILTER)
        distinct = Path(tmp) / "20k-distinct.jsonl"
        distinct_scenarios(distinct, 20_000)
        ours = [*KETACALC, "batch", "-"]
        repeated = alternate(ours, [sys.executable, str(filt)], rounds, str(big), str(big))
        small_run = alternate(ours, ours, 3, str(small), str(small))
        all_distinct = alternate(ours, [sys.executable, str(filt)], rounds, str(distinct), str(distinct))
    print(
        f"batch: 100,000 scenarios ({unique:,} distinct) vs a JSON-lines identity filter (read, loads, dumps, write)"
    )
    print(repeated.line("s"))
    throughput = repeated.t_b / repeated.t_a
    print(f"  throughput ratio {throughput:.2f}x (target >= 0.8x): {verdict(throughput >= 0.8)}")
    memory = repeated.m_a / small_run.m_a
    print(
        f"  peak RSS 100,000 vs 1,000 scenarios: {repeated.m_a / 1024:.1f} MiB vs {small_run.m_a / 1024:.1f} MiB, "
        f"ratio {memory:.2f}x (target <= 1.5x): {verdict(memory <= 1.5)}"
    )
    print(
        "batch: 20,000 all-distinct scenarios (N from 1 to 2,000, varied starts) vs the same identity filter"
    )
    print(all_distinct.line("s"))
    ratio = all_distinct.t_a / all_distinct.t_b
    print(f"  time ratio {ratio:.1f}x (target <= 10x): {verdict(ratio <= 10)}")


def chart(rounds: int = 3) -> None:
    """A range ten times as long should cost at most ten times as much (linear)."""
    long = [*KETACALC, "chart", "--state", "TX", "--sessions", "1-10000"]
    short = [*KETACALC, "chart", "--state", "TX", "--sessions", "1-1000"]
    pair = alternate(long, short, rounds)
    ratio = pair.t_a / pair.t_b
    print("chart: `chart --state TX --sessions 1-10000` vs `1-1000`")
    print(pair.line("s"))
    print(
        f"  wall time ratio {ratio:.1f}x for 10x the range (target: linear, <= 10x): {verdict(ratio <= 10)}"
    )


def report(rounds: int = 3) -> None:
    long = [*KETACALC, "report", "--state", "TX", "--sessions", "10000"]
    pair = alternate(long, [sys.executable, "-c", "pass"], rounds)
    print("report: `report --state TX --sessions 10000` (vs `python -c pass`)")
    print(pair.line("s"))
    print(f"  median wall time {pair.t_a:.1f} s (target <= 3 s): {verdict(pair.t_a <= 3)}")


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
    benches = {
        "startup": startup,
        "firstrun": firstrun,
        "batch": batch,
        "chart": chart,
        "report": report,
        "optimiser": optimiser,
    }
    which = sys.argv[1:] or list(benches)
    env = os.environ.get("KETACALC_CACHE_DIR")
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores; ketacalc data cache: {env or 'default'}\n"
    )
    for name in which:
        benches[name]()
        print()


if __name__ == "__main__":
    main()
