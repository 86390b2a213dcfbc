"""``batch``: price many scenarios, one per input line, as a stream.

Pure core code apart from reading the lines it is given: each scenario (a JSON
object, or a CSV row with a header) becomes a cost query, and every input line
yields exactly one outcome, in order: its :class:`~ketacalc.domain.pricing.CostResult`
or the :class:`~ketacalc.errors.KetacalcError` that stops it. Writing the
outcomes is the render switch's job.

A repeated scenario is priced once (one memo, keyed by the normalised
scenario), and one pricer serves every N and start of the same provider and
options, so its table of best courses is built once, and a course of N sessions
is priced once: from another start only its dates are worked out again. A result keeps its course
as runs of identical purchases, so its summary (payments, first and last due)
costs no more for a long course than for a short one.

Memory: the memo keeps what ``keep`` makes of a result (the command keeps the encoded
record, not the result), errors without their tracebacks, and pricers keep courses only
once a scenario gives a start of its own (until then no course is priced again).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

from ketacalc.data.catalog import Catalog
from ketacalc.domain.eligibility import Availability, resolve_insurer
from ketacalc.domain.pricing import CostQuery, CostResult, ProviderPricer, require_price
from ketacalc.domain.regulation import LeftoverPastEnd, NearEnd, RuleEntry, ends_unsaid
from ketacalc.domain.request import (
    COURSE_FIELDS,
    day_asked,
    scenario,
    scenario_counts,
    scenario_course,
    scenario_start,
)
from ketacalc.errors import KetacalcError
from ketacalc.io.scenarios import MAX_LINE_BYTES, LineFailed, read_scenarios

Outcome = CostResult | KetacalcError


class _Bounded(dict[Any, Any]):
    """A dict that forgets its least recently added entries beyond ``limit`` (their
    order kept in a deque: an ``OrderedDict`` costs about 70 bytes more an entry)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self._order: deque[Any] = deque()

    def remember(self, key: Any, value: Any) -> Any:
        if key not in self:
            self._order.append(key)
        self[key] = value
        if len(self._order) > self.limit:
            del self[self._order.popleft()]
        return value

    def clear(self) -> None:
        super().clear()
        self._order.clear()


_UNSEEN = object()


def _as_key(value: object) -> tuple[type, object]:
    """A field's value as given, as a key: with its type (``true`` is not ``1``), a
    decimal by its digits (``1.0`` is not ``1.00``). Hashing it fails for a list or an object."""
    return (type(value), str(value) if type(value) is Decimal else value)


def _given_options(fields: dict[str, object]) -> tuple[Any, ...] | None:
    """The fields of a scenario besides its course and start, as given, as a key (see
    :func:`_as_key`); ``None`` when a value cannot be a key (a list, an object)."""
    try:
        key = tuple((name, *_as_key(value)) for name, value in fields.items() if name not in COURSE_FIELDS)
        hash(key)
    except TypeError:
        return None
    return key


class BatchPricer:
    """Prices scenarios; memory stays bounded whatever the input's length."""

    def __init__(
        self,
        catalog: Catalog,
        today: date,
        memo_size: int = 8192,
        pricers: int = 256,
        courses: int = 2048,
        keep: Callable[[CostResult, bool], Any] | None = None,
        place: Callable[
            [
                Any,
                date | None,
                date | None,
                Availability | None,
                tuple[RuleEntry, ...],
                tuple[NearEnd | None, LeftoverPastEnd | None],
            ],
            Any,
        ]
        | None = None,
    ) -> None:
        self.catalog = catalog
        self.today = today
        self.courses = courses  # courses each pricer keeps: a known N from another start is only re-dated
        # what the memo keeps of a result (the writer's encoded record: far smaller than the
        # result), told whether courses may be re-dated later in the run (then what a re-dated
        # course's record shares with the first is worth keeping too)
        self._keep = keep
        # what the memo keeps of a course (``keep``'s) made the kept form of the same course in
        # another state (its first and last payment dates, and the availability there), or None
        self._place = place
        self._placed = _Bounded(memo_size // 2)  # a course of no state -> what was kept of it, its dates
        self._states = False  # whether a scenario named a state: until one does, nothing is placed
        # whether a scenario gave a start of its own: until one does, a pricer keeps no courses
        # (each N is priced once from today's start, and the memo answers it again)
        self._dated = False
        self._memo = _Bounded(memo_size)  # normalised scenario -> result (or the error it raised)
        self._lines = _Bounded(
            memo_size
        )  # a line as read -> its normalised scenario: seen lines skip parsing
        self._insurers = _Bounded(pricers)  # an insurer as named, in a state -> as the data file lists it
        self._pricers = _Bounded(pricers)  # everything but the sessions (and the start) -> pricer
        self._anywheres = _Bounded(pricers)  # options -> the same without the state (see _anywhere)
        self._options = _Bounded(memo_size // 8)  # the fields but the course and start, as given -> options
        self._counts = _Bounded(memo_size // 2)  # sessions and months as given -> as parsed
        self._starts = _Bounded(memo_size // 2)  # a start as given -> as parsed

    def _normalise(self, fields: dict[str, object]) -> tuple[Any, ...]:
        """Everything that can change the result, and nothing else, as a key:
        the provider, the request's options (one pricer serves them), N or M, the start.

        The fields besides the course and start, as given, are parsed once: a scenario
        whose other fields were seen (and were good) has only its course and start parsed."""
        given = _given_options(fields)
        options = self._options.get(given) if given is not None else None
        if options is not None:
            sessions, months, start = self._course(fields)
            key = (options, sessions, months, start or options[1].as_of or self.today)
        else:
            key = self._parse(fields)
            if given is not None:
                self._options.remember(given, key[0])
        if not self._dated and key[3] != (key[0][1].as_of or self.today):
            # a start of its own (not the as-of day, a pricer's own): courses are re-dated
            self._dated = True
            self._pricers.clear()  # built again, keeping courses: another start only moves their dates
        return key

    def _course(self, fields: dict[str, object]) -> tuple[int | None, int | None, date | None]:
        """``scenario_course(fields)``, each value as given parsed once (the counts, then the
        start: the same errors in the same order); what cannot be a key is parsed every time."""
        get = fields.get
        counts_key = (_as_key(get("sessions")), _as_key(get("months")))
        start_key = _as_key(get("start"))
        try:
            counts = self._counts.get(counts_key)
            if counts is None:
                counts = self._counts.remember(counts_key, scenario_counts(get("sessions"), get("months")))
            start = self._starts.get(start_key, _UNSEEN)
            if start is _UNSEEN:
                start = self._starts.remember(start_key, scenario_start(get("start")))
        except TypeError:  # a list or an object: not a key
            return scenario_course(fields)
        return counts[0], counts[1], start  # type: ignore[return-value]

    def _parse(self, fields: dict[str, object]) -> tuple[Any, ...]:
        request = scenario(fields)
        day_asked(request.as_of, self.today)
        provider = self.catalog.find(request.providers[0])
        insurer = request.insurer
        if insurer is not None and request.state is not None:
            asked = (insurer, request.state, request.as_of, provider.id)
            insurer = self._insurers.get(asked)
            if insurer is None:
                insurer = resolve_insurer(
                    self.catalog, request.insurer, request.state, request.as_of or self.today, [provider]
                )
                self._insurers.remember(asked, insurer)
        options = (provider.id, request._replace(providers=(), course=None, start=None, insurer=insurer))
        self._states = self._states or request.state is not None
        return (options, request.sessions, request.months, request.start or request.as_of or self.today)

    def _pricer(self, provider_id: str, query: CostQuery) -> ProviderPricer:
        return ProviderPricer(
            self.catalog.find(provider_id),
            query,
            self.today,
            catalog=self.catalog,
            keep=self.courses if self._dated else 0,
        )

    def _anywhere(self, options: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """The options without the state, where the state changes only the availability (no
        insurer is asked); ``None`` otherwise (worked out once per options)."""
        found = self._anywheres.get(options, _UNSEEN)
        if found is _UNSEEN:
            provider_id, request = options
            if request.insurer is not None:
                found = None
            else:
                found = options if request.state is None else (provider_id, request._replace(state=None))
            self._anywheres.remember(options, found)
        return found  # type: ignore[no-any-return]

    def _pricer_of(self, options: tuple[Any, ...]) -> ProviderPricer:
        pricer = self._pricers.get(options)
        if pricer is None:
            provider_id, request = options
            query = request.cost_query(request.insurer)
            anywhere = self._anywhere(options)
            if anywhere is not None and request.state is not None:
                # the state changes only the availability: one pricer of no state serves every
                # state (its table, shapes and terms worked out once), each state's its own
                pricer = self._pricers.get(anywhere)
                if pricer is None:
                    pricer = self._pricers.remember(
                        anywhere, self._pricer(provider_id, query._replace(state=None))
                    )
                pricer = pricer.in_state(query.state, self.catalog)
            else:
                pricer = self._pricer(provider_id, query)
            self._pricers.remember(options, pricer)
        return pricer  # type: ignore[no-any-return]

    def _placed_elsewhere(self, key: tuple[Any, ...]) -> Any:
        """What the memo keeps of a course of N sessions already priced in another state
        (or in none), placed in this scenario's state: the same record but for the
        availability and the rules on its dates. ``None`` when there is none to place."""
        options, sessions, months, start = key
        if not self._states or months:
            return None
        anywhere = self._anywhere(options)
        known = self._placed.get((anywhere, sessions, start)) if anywhere is not None else None
        if known is None:
            return None
        kept, first_due, last_due, ends = known
        availability, regulation = self._pricer_of(options).on_course_for(sessions, start)
        if ends_unsaid(regulation, availability.status if availability is not None else None):
            ends = (None, None)  # a requirement of the state binds already, or it is not served
        return self._place(kept, first_due, last_due, availability, regulation, ends)

    def _price(self, key: tuple[Any, ...]) -> CostResult:
        options, sessions, months, start = key
        pricer = self._pricer_of(options)
        if pricer.no_price is not None and not months:
            # what price() gives for every N (in a state too: only its availability differs),
            # a result with no price, which require_price refuses with this error
            raise pricer.no_price
        # the start only moves the dates: one pricer (its table of best courses, and the
        # courses it priced) serves every start
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
            memo_key = key
            found: Outcome | None = self._memo.get(memo_key)
            if found is None:
                try:
                    found = self._placed_elsewhere(key)
                    if found is None:
                        result = self._price(key)
                        found = result if self._keep is None else self._keep(result, self._dated)
                        placed = self._states and self._place is not None and not key[2]
                        anywhere = self._anywhere(key[0]) if placed else None
                        if anywhere is not None:  # the same course in another state is placed from it
                            course = (anywhere, key[1], key[3])
                            # what the flexibilities' end means for the course in no state: the
                            # same in every state whose own rules or availability do not silence it
                            ends = result.ends(self.catalog, (), None)
                            self._placed.remember(course, (found, result.first_due, result.last_due, ends))
                except KetacalcError as exc:  # nothing to price is the same answer for the same scenario
                    # kept without its traceback: a pricer raises one NoPrice again and again, and
                    # each raise would chain more frames (each holding a result) onto it
                    found = exc.with_traceback(None)
                self._memo.remember(memo_key, found)
        except KetacalcError as exc:
            found = exc.with_traceback(None)
        except Exception as exc:  # a bug: this line fails, the others are still priced
            found = LineFailed(exc)
        if line is not None:
            self._lines.remember(line, found)
        return found

    def run(self, lines: Iterable[bytes]) -> Iterator[tuple[int, Outcome]]:
        """``(line number, result or error)`` for every non-blank input line, in order."""
        last: list[bytes] = [b""]
        seen: list[Outcome | None] = [None]
        lookup = self._lines.get

        def remembered(lines: Iterable[bytes]) -> Iterator[bytes]:
            for line in lines:  # read_scenarios yields each item right after reading its line
                last[0] = line
                yield line

        def known(line: bytes) -> bool:
            seen[0] = found = lookup(line)
            return found is not None

        for number, fields in read_scenarios(remembered(lines), known=known):
            if fields is None:  # a line seen before, not parsed again: its outcome, as it was
                yield number, seen[0]  # type: ignore[misc]
            elif isinstance(fields, KetacalcError):
                yield number, fields
            else:
                yield number, self.outcome(last[0], fields)


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


def chunked_lines(
    read: Callable[[int], bytes], before_wait: Callable[[], None], limit: int = MAX_LINE_BYTES
) -> Iterator[bytes]:
    """Lines of a byte stream, read as they arrive; ``before_wait`` runs before each
    read that may block, so results already computed reach the reader first.

    Time and memory stay linear in the input: each chunk is split once, and a
    line longer than ``limit`` bytes is given once, cut to ``limit + 1`` bytes
    (its reader refuses it as too long), while the rest of it is skipped as it
    arrives, never held (``batch < /dev/zero`` runs in constant memory)."""
    pending: list[bytes] = []  # the pieces of a line not ended yet
    size = 0
    skipping = False  # inside a line already given (cut) for being too long
    while True:
        before_wait()
        chunk = read(65536)
        if not chunk:
            break
        *lines, rest = chunk.split(b"\n")
        if lines:
            if skipping:
                del lines[0]  # the end of the too-long line
                skipping = False
            elif pending:
                lines[0] = b"".join(pending) + lines[0]
            pending, size = [], 0
            for line in lines:
                yield line if len(line) <= limit else line[: limit + 1]
        if rest and not skipping:
            pending.append(rest)
            size += len(rest)
            if size > limit:
                yield b"".join(pending)[: limit + 1]
                pending, size, skipping = [], 0, True
    if pending:
        yield b"".join(pending)
