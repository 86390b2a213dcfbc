"""``batch``: price many scenarios, one per input line, as a stream.

Pure core code apart from reading the lines it is given: each scenario (a JSON
object, or a CSV row with a header) becomes a cost query, and every input line
yields exactly one outcome, in order: its :class:`~ketacalc.pricing.CostResult`
or the :class:`~ketacalc.errors.KetacalcError` that stops it. Writing the
outcomes is the render switch's job.

A repeated scenario is priced once (one memo, keyed by the normalised
scenario), and one pricer serves every N of the same provider and options, so
its table of best courses is built once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from ketacalc.catalog import Catalog
from ketacalc.errors import InvalidInput, KetacalcError
from ketacalc.inputs import read_scenarios, scenario
from ketacalc.pricing import DEFAULT_PACE, CostQuery, CostResult, ProviderPricer

Outcome = CostResult | KetacalcError


class _Bounded(OrderedDict[Any, Any]):
    """A dict that forgets its least recently added entries beyond ``limit``."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key: Any, value: Any) -> Any:
        self[key] = value
        if len(self) > self.limit:
            self.popitem(last=False)
        return value


class BatchPricer:
    """Prices scenarios; memory stays bounded whatever the input's length."""

    def __init__(self, catalog: Catalog, today: date, memo_size: int = 4096, pricers: int = 256) -> None:
        self.catalog = catalog
        self.today = today
        self._memo = _Bounded(memo_size)  # normalised scenario -> result
        self._pricers = _Bounded(pricers)  # everything but the sessions -> pricer

    def price(self, fields: dict[str, object]) -> CostResult:
        """The cost of one scenario's fields; raises ``KetacalcError`` when it cannot be priced."""
        s = scenario(fields)
        provider = self.catalog.find(s.provider)
        # Everything that can change the result, and nothing else: the state only
        # matters with an insurer, so scenarios that differ only in it are priced once.
        options = (
            provider.id, s.returning, s.as_of, s.start, s.pace or DEFAULT_PACE, s.pay_in_full, s.insurer,
            s.state if s.insurer is not None else None, s.discount, s.route,
        )  # fmt: skip
        key = (options, s.sessions)
        result = self._memo.get(key)
        if result is None:
            pricer = self._pricers.get(options)
            if pricer is None:
                query = CostQuery(
                    sessions=s.sessions or 1, returning=s.returning, as_of=s.as_of, start=s.start,
                    pace=s.pace or DEFAULT_PACE, pay_in_full=s.pay_in_full, insurer=s.insurer, state=s.state,
                    discount=s.discount, route=s.route,
                )  # fmt: skip
                pricer = self._pricers.remember(options, ProviderPricer(provider, query, self.today))
            result = self._memo.remember(key, pricer.price(s.sessions or 1))
        return result

    def run(self, lines: Iterable[bytes]) -> Iterator[tuple[int, Outcome]]:
        """``(line number, result or error)`` for every non-blank input line, in order."""
        for number, fields in read_scenarios(lines):
            if isinstance(fields, InvalidInput):
                yield number, fields
                continue
            try:
                yield number, self.price(fields)
            except KetacalcError as exc:
                yield number, exc


def chunked_lines(read: Callable[[int], bytes], before_wait: Callable[[], None]) -> Iterator[bytes]:
    """Lines of a byte stream, read as they arrive; ``before_wait`` runs before each
    read that may block, so results already computed reach the reader first."""
    pending = b""
    while True:
        before_wait()
        chunk = read(65536)
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        yield from lines
    if pending:
        yield pending
