"""``batch``: price many scenarios, one per input line, as a stream.

Pure core code apart from reading the lines it is given: each scenario (a JSON
object, or a CSV row with a header) becomes a cost query, and every input line
yields exactly one outcome, in order: its :class:`~ketacalc.domain.pricing.CostResult`
or the :class:`~ketacalc.errors.KetacalcError` that stops it. Writing the
outcomes is the render switch's job.

A repeated scenario is priced once (one memo, keyed by the normalised
scenario), and one pricer serves every N and start of the same provider and
options, so its table of best courses is built once. A result keeps its course
as runs of identical purchases, so its summary (payments, first and last due)
costs no more for a long course than for a short one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from ketacalc.data.catalog import Catalog
from ketacalc.domain.eligibility import resolve_insurer
from ketacalc.domain.pricing import DEFAULT_PACE, CostQuery, CostResult, ProviderPricer, require_price
from ketacalc.errors import KetacalcError
from ketacalc.io.scenarios import LineFailed, read_scenarios, scenario

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

    def __init__(self, catalog: Catalog, today: date, memo_size: int = 8192, pricers: int = 256) -> None:
        self.catalog = catalog
        self.today = today
        self._memo = _Bounded(memo_size)  # normalised scenario -> result (or the error it raised)
        self._lines = _Bounded(
            memo_size
        )  # a line as read -> its normalised scenario: seen lines skip parsing
        self._insurers = _Bounded(pricers)  # an insurer as named, in a state -> as the data file lists it
        self._pricers = _Bounded(pricers)  # everything but the sessions (and the start) -> pricer

    def _normalise(self, fields: dict[str, object]) -> tuple[Any, ...]:
        """Everything that can change the result, and nothing else (the state: the
        availability there and the rules on the course's dates)."""
        s = scenario(fields)
        provider = self.catalog.find(s.provider)
        if s.insurer is not None and s.state is not None:
            asked = (s.insurer, s.state, s.as_of, provider.id)
            insurer = self._insurers.get(asked)
            if insurer is None:
                insurer = resolve_insurer(self.catalog, s.insurer, s.state, s.as_of or self.today, [provider])
                self._insurers.remember(asked, insurer)
            s = s._replace(insurer=insurer)
        options = (
            provider.id,
            s.returning,
            s.as_of,
            s.pace or DEFAULT_PACE,
            s.pay_in_full,
            s.insurer,
            s.state,
            s.discount,
            s.route,
        )
        return (options, s.sessions, s.months, s.start or self.today, s)

    def _query(self, s: Any) -> CostQuery:
        return CostQuery(
            sessions=s.sessions or 1,
            returning=s.returning,
            as_of=s.as_of,
            pace=s.pace or DEFAULT_PACE,
            pay_in_full=s.pay_in_full,
            insurer=s.insurer,
            state=s.state,
            discount=s.discount,
            route=s.route,
        )

    def _price(self, key: tuple[Any, ...]) -> CostResult:
        options, sessions, months, start, s = key
        pricer = self._pricers.get(options)
        if pricer is None:
            provider = self.catalog.find(options[0])
            pricer = self._pricers.remember(
                options, ProviderPricer(provider, self._query(s), self.today, catalog=self.catalog)
            )
        # the start only moves the dates: one pricer (and its table of best courses) serves every start
        result = pricer.price_months(months, start) if months else pricer.price(sessions, start)
        return require_price(result)

    def outcome(self, line: bytes | None, fields: dict[str, object]) -> Outcome:
        """The result of one scenario's fields, or the error that stops it (an
        unexpected exception included: it becomes this line's :class:`LineFailed`).
        A line seen before gives the same outcome object again, without parsing."""
        if line is not None:
            done = self._lines.get(line)
            if done is not None:
                return done  # type: ignore[no-any-return]
        try:
            key = self._normalise(fields)
            memo_key = key[:4]
            found: Outcome | None = self._memo.get(memo_key)
            if found is None:
                try:
                    found = self._price(key)
                except KetacalcError as exc:  # nothing to price is the same answer for the same scenario
                    found = exc
                self._memo.remember(memo_key, found)
        except KetacalcError as exc:
            found = exc
        except Exception as exc:  # a bug: this line fails, the others are still priced
            found = LineFailed(exc)
        if line is not None:
            self._lines.remember(line, found)
        return found

    def run(self, lines: Iterable[bytes]) -> Iterator[tuple[int, Outcome]]:
        """``(line number, result or error)`` for every non-blank input line, in order."""
        last: list[bytes] = [b""]

        def remembered(lines: Iterable[bytes]) -> Iterator[bytes]:
            for line in lines:  # read_scenarios yields each item right after reading its line
                last[0] = line
                yield line

        for number, fields in read_scenarios(remembered(lines), known=self._lines.__contains__):
            if isinstance(fields, KetacalcError):
                yield number, fields
            else:  # None: a line seen before, not parsed again
                yield number, self.outcome(last[0], fields or {})


@contextmanager
def long_run() -> Iterator[None]:
    """The garbage collector tuned for a run over many lines, then as it was: what
    is loaded before (the catalog) lives to the end and need not be walked again,
    and few objects made for one line outlive it."""
    import gc

    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


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
