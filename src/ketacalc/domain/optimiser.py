"""The optimiser: the cheapest course of N units (sessions, or months of a monthly plan).

Pure core code. A course is a first purchase from the ``first`` options, then any
number of purchases from the ``later`` options, covering at least N units. Among
all such courses the optimiser picks the lowest total, then the most units
covered, then the fewest purchases.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple


class Option(NamedTuple):
    """Something that can be bought: a price for a number of sessions."""

    price: Decimal
    sessions: int


_SHIFT_TOTAL = 64
_SHIFT_COVERED = 32


def _weight(option: Option) -> int:
    # One integer whose order is (total, -covered, purchases) and which adds up
    # along a course, so the dynamic programme stays exact and fast: cents in
    # the high bits, minus sessions in the middle, one per purchase at the bottom.
    cents = int(option.price * 100)
    return (cents << _SHIFT_TOTAL) - (option.sessions << _SHIFT_COVERED) + 1


def _lowest_per_session(options: Sequence[tuple[int, int, int]]) -> tuple[int, int, int]:
    """The ``(sessions, weight, index)`` with the lowest weight per session, compared
    exactly (``w1 / s1 < w2 / s2`` as ``w1 * s2 < w2 * s1``), the lowest index on a tie."""
    best = options[0]
    for option in options[1:]:
        if (option[1] * best[0], option[2]) < (best[1] * option[0], best[2]):
            best = option
    return best


def _prune(options: Sequence[Option]) -> list[int]:
    """Indexes of options not dominated by another (as cheap and as large)."""
    keep: list[int] = []
    for i, a in enumerate(options):
        dominated = False
        for j, b in enumerate(options):
            if i == j:
                continue
            better_or_equal = b.price <= a.price and b.sessions >= a.sessions
            if better_or_equal and (b.price < a.price or b.sessions > a.sessions or j < i):
                dominated = True
                break
        if not dominated:
            keep.append(i)
    return keep


class Optimiser:
    """Cheapest courses over ``first`` options then ``later`` options, for many N.

    ``solve(n)`` returns the indexes chosen (first purchase first), or ``None``
    when nothing can be bought. The table of best courses is extended lazily and
    shared between calls, so a range of N costs one pass to the largest N.

    Large N cost no more than small ones. Let ``b`` be the later option with the
    lowest weight per session (``s_b`` sessions) and ``s_max`` the largest later
    option. Any cheapest course can be rewritten to hold fewer than ``s_b`` other
    purchases (among ``s_b`` of them, some subset's sessions add up to a multiple
    of ``s_b``, and swapping it for copies of ``b`` costs no more), so beyond
    ``(s_b - 1) * s_max`` sessions a cheapest course always contains ``b``:
    ``best(k) = w_b + best(k - s_b)``. The table stops there. This needs every
    later weight positive, i.e. no free later plan; otherwise the table is full.
    """

    def __init__(self, first: Sequence[Option], later: Sequence[Option]) -> None:
        self.first = list(first)
        self.later = list(later)
        self._first_idx = _prune(self.first)
        # each first option not dominated: (index, sessions, weight), weighed once
        self._firsts = [(i, self.first[i].sessions, _weight(self.first[i])) for i in self._first_idx]
        later_idx = _prune(self.later)
        self._later = [(self.later[i].sessions, _weight(self.later[i]), i) for i in later_idx]
        self._best: list[int] = [0]  # best weight to cover at least k sessions with later options
        self._choice: list[int] = [-1]
        self._period: tuple[int, int, int, int] | None = None  # (threshold, sessions, weight, index) of b
        if self._later and all(weight > 0 for _, weight, _ in self._later):
            sessions, weight, index = _lowest_per_session(self._later)
            s_max = max(o[0] for o in self._later)
            self._period = ((sessions - 1) * s_max, sessions, weight, index)

    def _reduce(self, k: int) -> tuple[int, int]:
        """``(copies of b, rest)`` with ``rest`` inside the table."""
        if self._period is None or k <= self._period[0]:
            return 0, k
        threshold, sessions = self._period[0], self._period[1]
        copies = -(-(k - threshold) // sessions)
        return copies, k - copies * sessions

    def _extend(self, n: int) -> None:
        best, choice, later = self._best, self._choice, self._later
        for k in range(len(best), n + 1):
            top = None
            pick = -1
            for sessions, weight, index in later:
                rest = k - sessions
                value = weight + (best[rest] if rest > 0 else 0)
                if top is None or value < top:
                    top, pick = value, index
            best.append(top if top is not None else -1)
            choice.append(pick)

    def _best_for(self, k: int) -> int:
        copies, rest = self._reduce(k)
        if rest > 0:
            self._extend(rest)
        tail = self._best[rest] if rest > 0 else 0
        return tail + (copies * self._period[2] if copies else 0)  # type: ignore[index]

    def _later_runs(self, n: int) -> list[tuple[int, int]]:
        """``[(later index, count)]`` covering ``n``: the periodic copies counted, never listed."""
        copies, n = self._reduce(n)
        runs = [[self._period[3], copies]] if copies else []  # type: ignore[index]
        if n > 0:
            self._extend(n)
        while n > 0:
            index = self._choice[n]
            if runs and runs[-1][0] == index:
                runs[-1][1] += 1
            else:
                runs.append([index, 1])
            n -= self.later[index].sessions
        return [(index, count) for index, count in runs]

    def solve_runs(self, n: int) -> list[tuple[str, int, int]] | None:
        """``[("first", i, 1), ("later", j, count), ...]`` for the cheapest course of ``n``
        units: consecutive identical purchases as one run, so a long course costs no
        more to describe than a short one. ``None`` when nothing can be bought."""
        if n <= 0:
            raise ValueError("n must be positive")
        best_value = None
        best_first = -1
        for i, sessions, weight in self._firsts:
            rest = n - sessions
            if rest > 0 and not self._later:
                continue
            value = weight + (self._best_for(rest) if rest > 0 else 0)
            if best_value is None or value < best_value:
                best_value, best_first = value, i
        if best_first < 0:
            return None
        tail = self._later_runs(n - self.first[best_first].sessions)
        return [("first", best_first, 1)] + [("later", j, count) for j, count in tail]

    def solve(self, n: int) -> list[tuple[str, int]] | None:
        """``[("first", i), ("later", j), ...]`` for the cheapest course of ``n`` units."""
        runs = self.solve_runs(n)
        if runs is None:
            return None
        return [(part, index) for part, index, count in runs for _ in range(count)]
