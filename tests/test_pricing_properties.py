"""Property tests for the pricing engine.

The optimiser is checked against an independent brute force over small random
plan sets; the payment schedule is checked for every provider of the fixture data
under random flags; ``add_months`` is checked over a wide range of dates. The
number of examples comes from the Hypothesis profile (see conftest.py).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import REVIEW, TODAY, load_fixture
from ketacalc.domain.pricing import CostQuery, Optimiser, Option, ProviderPricer, add_months, price
from ketacalc.errors import InvalidInput
from ketacalc.money import money_str

# --------------------------------------------------------------- an independent brute force


def _later_covers(later: list[tuple[int, int]], need: int):
    """Every multiset of ``later`` options (cents, sessions) that covers ``need``
    sessions and is a minimal cover in index order: items are added in
    non-decreasing option index and the enumeration stops as soon as ``need``
    is reached. Every cover from which no item can be removed is among them,
    and with positive prices only such covers can be cheapest.

    Yields (cents, sessions, purchases)."""
    if need <= 0:
        yield (0, 0, 0)
        return

    def walk(start: int, cents: int, sessions: int, count: int):
        for index in range(start, len(later)):
            c, s = later[index]
            if sessions + s >= need:
                yield (cents + c, sessions + s, count + 1)
            else:
                yield from walk(index, cents + c, sessions + s, count + 1)

    yield from walk(0, 0, 0, 0)


def brute_force(first: list[tuple[int, int]], later: list[tuple[int, int]], n: int):
    """Best (cents, -covered, purchases) over every course, or None."""
    best = None
    cache: dict[int, list[tuple[int, int, int]]] = {}
    for cents, sessions in first:
        need = n - sessions
        if need not in cache:
            cache[need] = list(_later_covers(later, need))
        for tail_cents, tail_sessions, tail_count in cache[need]:
            key = (cents + tail_cents, -(sessions + tail_sessions), 1 + tail_count)
            if best is None or key < best:
                best = key
    return best


def _cents_to_price(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


# prices: whole dollars or any cent amount, always positive (a free plan would make
# "most sessions covered" unbounded); sessions 1 to 30
cents_strategy = st.one_of(
    st.integers(min_value=1, max_value=3000).map(lambda d: d * 100),
    st.integers(min_value=1, max_value=300_000),
)
option_strategy = st.tuples(cents_strategy, st.integers(min_value=1, max_value=30))


def _options(raw: list[tuple[int, int]]) -> list[Option]:
    return [Option(_cents_to_price(c), s) for c, s in raw]


def _engine_key(first: list[Option], later: list[Option], solved):
    cents = sum(int((first if part == "first" else later)[i].price * 100) for part, i in solved)
    covered = sum((first if part == "first" else later)[i].sessions for part, i in solved)
    return (cents, -covered, len(solved))


@given(
    first=st.lists(option_strategy, min_size=1, max_size=4),
    later=st.lists(option_strategy, min_size=0, max_size=4),
    n=st.integers(min_value=1, max_value=60),
)
def test_optimiser_matches_brute_force(first, later, n):
    expected = brute_force(first, later, n)
    first_opts, later_opts = _options(first), _options(later)
    solved = Optimiser(first_opts, later_opts).solve(n)

    if expected is None:
        assert solved is None, "the engine bought a course although no course covers n"
        return
    assert solved is not None, f"no course found, but {expected} exists"

    # the shape of a course: one first purchase, then later purchases only
    assert solved[0][0] == "first"
    assert all(part == "later" for part, _ in solved[1:])
    assert all(0 <= i < len(first_opts) for part, i in solved if part == "first")
    assert all(0 <= i < len(later_opts) for part, i in solved if part == "later")

    cents, neg_covered, purchases = _engine_key(first_opts, later_opts, solved)
    assert -neg_covered >= n, "the course does not cover the sessions asked for"
    # lowest total
    assert cents == expected[0]
    # equal total: at least as many sessions as the best course with that total
    assert -neg_covered == -expected[1]
    # and no more purchases than needed for that
    assert purchases == expected[2]


@given(
    later=st.lists(option_strategy, min_size=1, max_size=4),
    n=st.integers(min_value=1, max_value=60),
)
def test_returning_course_matches_brute_force(later, n):
    """A returning client buys every purchase from the returning options."""
    expected = brute_force(later, later, n)
    opts = _options(later)
    solved = Optimiser(opts, opts).solve(n)  # a returning client's first purchase is a returning plan too
    assert solved is not None and expected is not None
    course = [index for _, index in solved]
    cents = sum(int(opts[i].price * 100) for i in course)
    covered = sum(opts[i].sessions for i in course)
    assert (cents, -covered, len(course)) == expected


@given(
    first=st.lists(option_strategy, min_size=1, max_size=4),
    later=st.lists(option_strategy, min_size=0, max_size=4),
    ns=st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=6),
)
def test_optimiser_is_the_same_when_reused_across_n(first, later, ns):
    """A range of N shares one table: answers do not depend on the order asked."""
    first_opts, later_opts = _options(first), _options(later)
    shared = Optimiser(first_opts, later_opts)
    for n in ns:
        alone = Optimiser(first_opts, later_opts).solve(n)
        together = shared.solve(n)
        if alone is None:
            assert together is None
        else:
            assert _engine_key(first_opts, later_opts, together) == _engine_key(first_opts, later_opts, alone)


# --------------------------------------------------------------- fixture providers, random flags

PROVIDERS = ["alder", "birch", "cedar", "dune", "elm", "fern"]
# before any price, the review, and each date a fixture price changed
AS_OF = [None, REVIEW, date(2025, 1, 1), date(2026, 4, 2), date(2026, 5, 5), date(2026, 8, 14), TODAY]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


start_strategy = st.one_of(
    st.none(),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    st.builds(_month_end, st.integers(2024, 2030), st.integers(1, 12)),
    st.sampled_from(
        [
            date(2025, 1, 29),
            date(2025, 1, 30),
            date(2025, 1, 31),
            date(2024, 2, 29),
            date(2025, 12, 31),
            date(2025, 3, 31),
        ]
    ),
)
pace_strategy = st.sampled_from(["0.25", "0.5", "1", "1.5", "2", "3", "7", "14"]).map(Decimal)
discount_strategy = st.one_of(
    st.just(Decimal(0)),
    # around the fixture's plan prices, where a promo can use up a whole purchase
    st.sampled_from(
        ["50", "79", "100", "300", "350", "640", "800", "949.99", "950", "1050", "2000", "5000"]
    ).map(Decimal),
    st.integers(min_value=1, max_value=400_000).map(_cents_to_price),
)
insurance_strategy = st.sampled_from(
    [
        (None, None),
        ("Aetna", "TX"),
        ("aetna", "ID"),
        ("Cigna", "NY"),
        ("Aetna", "NY"),
        ("Humana", "TX"),
    ]
)


def _half_up_cents(total: Decimal, covered: int) -> str:
    """Per-session cost rounded half-up to the cent, by integer arithmetic."""
    cents = int(total * 100)
    whole, rest = divmod(cents, covered)
    if 2 * rest >= covered:
        whole += 1
    return f"{whole // 100}.{whole % 100:02d}"


@given(
    provider_id=st.sampled_from(PROVIDERS),
    n=st.integers(min_value=1, max_value=60),
    returning=st.booleans(),
    as_of=st.sampled_from(AS_OF),
    start=start_strategy,
    pace=pace_strategy,
    pay_in_full=st.booleans(),
    discount=discount_strategy,
    insurance=insurance_strategy,
)
# always tried: a month-end start with installments, and a promo on top of a pay-in-full discount
@example("alder", 14, False, REVIEW, date(2025, 1, 31), Decimal("1"), False, Decimal(0), (None, None))
@example("birch", 1, False, REVIEW, None, Decimal("1"), True, Decimal("950.01"), (None, None))
@example("dune", 90, False, REVIEW, date(2025, 1, 31), Decimal("1"), False, Decimal(0), (None, None))
# a code covering the first installment, of sessions (birch 3 x $350) and of a commitment (dune 3 x $120)
@example("birch", 6, False, REVIEW, None, Decimal("1"), False, Decimal(400), (None, None))
@example("dune", 90, False, None, date(2026, 1, 31), Decimal("1"), False, Decimal(130), (None, None))
# the second purchase's first payment before the first's second installment (insured 2 x $250)
@example("birch", 7, False, None, None, Decimal("1.5"), False, Decimal(300), ("Aetna", "TX"))
def test_schedule_adds_up_for_real_providers(
    provider_id, n, returning, as_of, start, pace, pay_in_full, discount, insurance
):
    insurer, state = insurance
    query = CostQuery(
        sessions=n,
        returning=returning,
        as_of=as_of,
        start=start,
        pace=pace,
        pay_in_full=pay_in_full,
        insurer=insurer,
        state=state,
        discount=discount,
    )
    provider = load_fixture().find(provider_id)
    try:
        result = price(provider, query, today=TODAY)
    except InvalidInput as refused:
        # a promo of the cheapest first purchase's price or more is refused, never a $0 purchase
        assert refused.field == "discount"
        first = ProviderPricer(provider, query._replace(discount=Decimal(0)), today=TODAY).first
        assert discount >= min(o.charged for o in first)
        return
    first_day = start or as_of or TODAY  # a course asked of another day starts on that day

    if result.total is None:
        # unknown stays unknown: nothing bought, nothing scheduled, never $0
        assert result.purchases == ()
        assert result.schedule == ()
        assert result.per_session is None
        assert result.due_at_signup is None
        assert result.notes, "an unpriced result must say why"
        return

    # the schedule adds up to the total, to the cent
    assert sum((p.amount for p in result.schedule), Decimal(0)) == result.total
    # no payment is negative or nothing (a code covering an installment leaves no "$0.00
    # payment"), and no total is negative
    assert all(p.amount > 0 for p in result.schedule), [str(p.amount) for p in result.schedule]
    assert result.total >= 0
    # each purchase's payments add up to what it was charged
    for index, purchase in enumerate(result.purchases):
        payments = [p for p in result.schedule if p.purchase == index]
        assert payments, "every purchase has at least one payment"
        assert sum((p.amount for p in payments), Decimal(0)) == purchase.charged
        dues = [p.due for p in payments]
        assert dues == sorted(dues), "payments of one purchase are dated in order"
        # the first purchase's earliest installments may be covered by a promo code: later
        assert dues[0] == purchase.start or (index == 0 and discount and dues[0] > purchase.start)
    # purchases follow each other, the first on the start date
    starts = [p.start for p in result.purchases]
    assert starts[0] == first_day
    assert starts == sorted(starts)
    assert result.schedule[0].due == first_day or (discount and result.due_at_signup == 0)
    # due at sign-up is what is charged on the start date; unknown where the first purchase's
    # payment terms are not published (its payment is listed, marked assumed, never invented)
    if result.runs[0].assumed:
        assert result.due_at_signup is None
    else:
        assert result.due_at_signup == sum(
            (p.amount for p in result.schedule if p.due == first_day), Decimal(0)
        )

    # plans billed monthly, bought month by month: one payment a month from the start date,
    # each on the start date's day (clamped to shorter months)
    if all(p.plan.billing == "monthly" for p in result.purchases):
        dues = [p.due for p in result.schedule]
        skipped = next(
            m for m in range(len(dues) + 60) if add_months(first_day, m) == dues[0]
        )  # covered by a code
        assert dues == [add_months(first_day, m) for m in range(skipped, skipped + len(dues))]
        assert skipped == 0 or discount

    # the course covers what was asked, and leftover is consistent
    covered = result.sessions_covered
    assert covered is not None and covered >= n
    assert result.leftover_sessions == covered - n
    later_sizes = [p.plan.sessions for p in result.purchases[1:]]
    if later_sizes:
        assert result.leftover_sessions < min(later_sizes), "a later purchase could have been left out"
    # client of each purchase
    assert result.purchases[0].client == ("returning" if returning else "new")
    assert all(p.client == "returning" for p in result.purchases[1:])
    for purchase in result.purchases:
        providers_plans_for_client = [pl for pl in result.provider.plans if pl.open_to(purchase.client)]
        assert purchase.plan.open_to(purchase.client) or not providers_plans_for_client
    # prices come from observations on or before as_of
    cutoff = as_of or TODAY
    assert all(p.observation.as_of is None or p.observation.as_of <= cutoff for p in result.purchases)

    # per covered session: exact total / covered, shown rounded half-up to the cent;
    # per session: the total / the sessions asked for
    assert abs(result.per_covered_session * covered - result.total) < Decimal("0.000001")
    assert money_str(result.per_covered_session) == _half_up_cents(result.total, covered)
    assert money_str(result.per_session) == _half_up_cents(result.total, n)
    # the schedule is in date order and the summary fields say what it holds
    dues = [p.due for p in result.schedule]
    assert dues == sorted(dues)
    assert (result.payments, result.first_due, result.last_due) == (len(dues), dues[0], dues[-1])


@given(
    provider_id=st.sampled_from(["alder", "birch", "cedar", "dune"]),
    n=st.integers(min_value=1, max_value=40),
    returning=st.booleans(),
    pay_in_full=st.booleans(),
    discount=st.integers(min_value=0, max_value=5000).map(Decimal),
)
@example("birch", 6, False, True, Decimal(1000))
def test_a_promo_never_takes_anything_below_zero(provider_id, n, returning, pay_in_full, discount):
    """At the review's prices, where pay-in-full discounts exist: whatever the promo,
    no payment, purchase or total is negative, and the promo only ever lowers the total."""
    base = CostQuery(sessions=n, returning=returning, as_of=REVIEW, start=REVIEW, pay_in_full=pay_in_full)
    provider = load_fixture().find(provider_id)
    without = price(provider, base, today=TODAY)
    first = ProviderPricer(provider, base, today=TODAY).first
    if first and discount >= min(o.charged for o in first):
        with pytest.raises(InvalidInput):
            price(provider, base._replace(discount=discount), today=TODAY)
        return
    with_promo = price(provider, CostQuery(**{**_fields(base), "discount": discount}), today=TODAY)
    assert with_promo.total is not None and without.total is not None
    assert with_promo.total >= 0, f"total {with_promo.total}"
    assert all(p.charged >= 0 for p in with_promo.purchases), [str(p.charged) for p in with_promo.purchases]
    assert all(p.amount >= 0 for p in with_promo.schedule), [str(p.amount) for p in with_promo.schedule]
    assert with_promo.total <= without.total
    assert with_promo.total >= without.total - discount
    assert sum((p.amount for p in with_promo.schedule), Decimal(0)) == with_promo.total


def _newest_price(plan, as_of: date):
    """The plan's newest self-pay observation on or before ``as_of`` (later in the file wins a tie)."""
    best = None
    for obs in plan.prices:
        if obs.as_of is not None and obs.as_of > as_of:
            continue
        if best is None or (obs.as_of or date.min) >= (best.as_of or date.min):
            best = obs
    return best


def _charged_cents(obs, pay_in_full: bool) -> int:
    cents = int(obs.price * 100)
    if pay_in_full and obs.pay_in_full_discount is not None:
        cents -= int(obs.pay_in_full_discount * 100)
    return cents


@given(
    provider_id=st.sampled_from(["alder", "birch", "cedar", "dune", "fern"]),
    n=st.integers(min_value=1, max_value=40),
    returning=st.booleans(),
    as_of=st.sampled_from([REVIEW, date(2026, 5, 5), date(2026, 8, 14), TODAY]),
    pay_in_full=st.booleans(),
    discount=st.one_of(st.just(0), st.integers(min_value=0, max_value=3000)),
)
@example("birch", 12, False, REVIEW, True, 0)
@example("cedar", 4, False, REVIEW, False, 640)
def test_the_lowest_total_wins_after_discounts(provider_id, n, returning, as_of, pay_in_full, discount):
    """Brute force over the provider's plans as a user pays them (pay-in-full discount on
    every purchase, the promo off the first, never below zero): no course is cheaper."""
    provider = load_fixture().find(provider_id)
    # a provider whose plans differ by route is priced on its standard route
    plans = provider.plans_for_route(provider.standard_route_id())
    offers = [(plan, obs) for plan in plans if (obs := _newest_price(plan, as_of)) is not None]
    client = "returning" if returning else "new"
    later = [
        (_charged_cents(obs, pay_in_full), plan.sessions) for plan, obs in offers if plan.open_to("returning")
    ]
    if not later:
        later = [
            (_charged_cents(obs, pay_in_full), plan.sessions) for plan, obs in offers if plan.open_to("new")
        ]
    first_plans = [(plan, obs) for plan, obs in offers if plan.open_to(client)] if not returning else None
    first = (
        [
            (max(0, _charged_cents(obs, pay_in_full) - discount * 100), plan.sessions)
            for plan, obs in first_plans
        ]
        if first_plans is not None
        else [(max(0, cents - discount * 100), sessions) for cents, sessions in later]
    )
    expected = brute_force(first, later, n)
    cheapest_first = min((_charged_cents(obs, pay_in_full) for plan, obs in first_plans or ()), default=None)
    if returning:
        cheapest_first = min((cents for cents, _ in later), default=None)
    refused = discount and cheapest_first is not None and discount * 100 >= cheapest_first
    cheapest_first = min((_charged_cents(obs, pay_in_full) for plan, obs in first_plans or ()), default=None)
    if returning:
        cheapest_first = min((cents for cents, _ in later), default=None)
    refused = discount and cheapest_first is not None and discount * 100 >= cheapest_first

    query = CostQuery(
        sessions=n,
        returning=returning,
        as_of=as_of,
        start=REVIEW,
        pay_in_full=pay_in_full,
        discount=Decimal(discount),
    )
    if refused:
        with pytest.raises(InvalidInput):
            price(provider, query, today=TODAY)
        return
    result = price(provider, query, today=TODAY)
    if expected is None:
        assert result.total is None
        return
    assert result.total is not None
    plans = sum((line.amount for line in result.charges if line.kind == "plan"), Decimal(0))
    assert int(plans * 100) == expected[0], (
        f"charged {result.total} for {[p.plan.id for p in result.purchases]}; "
        f"a course costs {Decimal(expected[0]) / 100} ({-expected[1]} sessions, {expected[2]} purchases)"
    )


def _fields(query: CostQuery) -> dict:
    return {name: getattr(query, name) for name in CostQuery._fields}


# --------------------------------------------------------------- add_months


@given(
    day=st.one_of(
        st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
        st.builds(_month_end, st.integers(1900, 2200), st.integers(1, 12)),
    ),
    months=st.integers(min_value=0, max_value=1200),
)
def test_add_months_never_raises_and_clamps(day, months):
    moved = add_months(day, months)
    # the calendar month moved by exactly ``months``
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    # the day never grows, and only shrinks to the last day of a shorter month
    assert moved.day <= day.day
    last = calendar.monthrange(moved.year, moved.month)[1]
    assert moved.day == min(day.day, last)
    assert moved >= day


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    months=st.integers(min_value=1, max_value=120),
)
def test_add_months_is_monotonic(day, months):
    assert add_months(day, months - 1) < add_months(day, months)
    if day.day <= 28:
        assert add_months(day, months).day == day.day
        assert add_months(day, months) - day >= timedelta(days=28 * months)


@given(
    provider_id=st.sampled_from(PROVIDERS),
    n=st.integers(min_value=1, max_value=60),
    returning=st.booleans(),
    pace=pace_strategy,
    pay_in_full=st.booleans(),
    starts=st.lists(start_strategy.filter(lambda d: d is not None), min_size=2, max_size=3),
)
# a start near the end of the calendar: the moved course is refused as a fresh one is
@example("alder", 200, False, Decimal("1"), False, [date(2025, 1, 31), date(9999, 6, 1)])
@example("alder", 14, False, Decimal("1"), False, [date(2025, 1, 31), date(9999, 12, 20)])
@example("elm", 3, False, Decimal("1"), False, [date(2025, 1, 31), date(2025, 3, 1)])
def test_a_course_kept_and_moved_to_another_start_is_the_course_priced_afresh(
    provider_id, n, returning, pace, pay_in_full, starts
):
    """``batch`` keeps each N's course and only re-dates it for another start."""
    from ketacalc.errors import ScheduleOutOfRange
    from ketacalc.output.views.cost import full_record

    catalog = load_fixture()
    query = CostQuery(sessions=n, returning=returning, pace=pace, pay_in_full=pay_in_full)
    kept = ProviderPricer(catalog.find(provider_id), query, today=TODAY, keep=2)
    priced_at = (catalog.find(provider_id), query, TODAY)
    for start in starts:
        try:
            fresh = ProviderPricer(catalog.find(provider_id), query, today=TODAY).price(n, start)
        except ScheduleOutOfRange as refused:
            with pytest.raises(ScheduleOutOfRange) as moved_refused:
                kept.price(n, start)
            assert str(moved_refused.value) == str(refused)
            continue
        moved = kept.price(n, start)
        assert full_record(catalog, moved) == full_record(catalog, fresh)
    first = starts[0]
    kept.price(n + 1, first), kept.price(n + 2, first)  # more than it keeps: it forgets
    again = kept.price(n, first)  # and prices N afresh
    assert full_record(catalog, again) == full_record(catalog, ProviderPricer(*priced_at).price(n, first))
    assert kept.price(n, first) is again  # the same start again: the course kept, as it is


def _priced(catalog, pricer: ProviderPricer, n: int, by_months: bool) -> object:
    """A course of ``pricer`` as its full record, or the error that refuses it."""
    from ketacalc.errors import KetacalcError
    from ketacalc.output.views.cost import full_record

    try:
        result = pricer.price_months(n) if by_months else pricer.price(n)
    except KetacalcError as refused:
        return str(refused)
    return full_record(catalog, result)


def _pricer_query(returning, as_of, pace, pay_in_full, insurance, hired_sitter) -> CostQuery:
    """A pricer's options as the strategies draw them (``insurance``: insurer and state)."""
    insurer, state = insurance
    return CostQuery(
        sessions=1,
        returning=returning,
        as_of=as_of,
        pace=pace,
        pay_in_full=pay_in_full,
        insurer=insurer,
        state=state,
        hired_sitter=hired_sitter,
    )


@given(
    provider_id=st.sampled_from([*PROVIDERS, "gale"]),
    ns=st.lists(st.integers(min_value=1, max_value=80), min_size=1, max_size=4),
    returning=st.booleans(),
    as_of=st.sampled_from(AS_OF),
    pace=pace_strategy,
    pay_in_full=st.booleans(),
    insurance=insurance_strategy,
    hired_sitter=st.booleans(),
)
@example("alder", [14], False, None, Decimal("1"), False, (None, None), True)  # a hired sitter's estimate
@example("birch", [6], False, None, Decimal("1"), False, (None, None), True)  # a sitter's cost unpublished
def test_a_curve_point_is_the_priced_course_total(
    provider_id, ns, returning, as_of, pace, pay_in_full, insurance, hired_sitter
):
    """curves() draws ``point(n)``: the total, pricing and price dates ``price(n)`` gives."""
    query = _pricer_query(returning, as_of, pace, pay_in_full, insurance, hired_sitter)
    provider = load_fixture().find(provider_id)
    drawn = ProviderPricer(provider, query, today=TODAY)
    priced = ProviderPricer(provider, query, today=TODAY)
    for n in ns:
        point, result = drawn.point(n), priced.price(n)
        assert point.total == result.total
        assert (point.pricing, point.prices_as_of, point.oldest_price, point.modality, point.stale) == (
            result.pricing,
            result.prices_as_of,
            result.oldest_price,
            result.modality,
            result.stale,
        )
        assert [x for x in point.charges if x.estimated] == [x for x in result.charges if x.estimated]
        if result.total is None:
            assert point.notes == result.notes


def test_a_curve_point_past_the_calendar_is_refused_as_the_course_is():
    from ketacalc.errors import ScheduleOutOfRange

    query = CostQuery(sessions=1, start=date(9999, 6, 1))
    pricer = ProviderPricer(load_fixture().find("alder"), query, today=TODAY)
    with pytest.raises(ScheduleOutOfRange) as course:
        pricer.price(200)
    with pytest.raises(ScheduleOutOfRange) as point:
        pricer.point(200)
    assert str(point.value) == str(course.value)


@given(
    provider_id=st.sampled_from([*PROVIDERS, "gale"]),
    ns=st.lists(st.integers(min_value=1, max_value=120), min_size=2, max_size=6),
    months=st.lists(st.integers(min_value=1, max_value=14), max_size=2),
    returning=st.booleans(),
    as_of=st.sampled_from(AS_OF),
    pace=pace_strategy,
    pay_in_full=st.booleans(),
    insurance=insurance_strategy,
    hired_sitter=st.booleans(),
    shapes=st.sampled_from([1, 2, ProviderPricer.SHAPES]),
)
@example("alder", [14, 4, 14, 24], [], False, None, Decimal("1"), False, (None, None), True, 1)
@example("dune", [3, 7], [2, 5], False, None, Decimal("1"), False, (None, "TX"), False, 2)
def test_courses_of_one_pricer_are_the_courses_priced_alone(
    provider_id, ns, months, returning, as_of, pace, pay_in_full, insurance, hired_sitter, shapes
):
    """A pricer works out once what its courses buying the same plans share (the runs, their
    notes, plan lines and the notes of the prices used), keeping up to ``SHAPES`` of them:
    every course it prices, in any order, is the one a fresh pricer gives."""
    from ketacalc.errors import KetacalcError

    catalog = load_fixture()
    query = _pricer_query(returning, as_of, pace, pay_in_full, insurance, hired_sitter)
    provider = catalog.find(provider_id)

    try:
        shared = ProviderPricer(provider, query, TODAY, catalog=catalog)
    except KetacalcError:
        return
    shared.SHAPES = shapes
    for n, by_months in [*((n, False) for n in ns), *((m, True) for m in months)]:
        alone = ProviderPricer(provider, query, TODAY, catalog=catalog)
        assert _priced(catalog, shared, n, by_months) == _priced(catalog, alone, n, by_months), (n, by_months)


@given(
    provider_id=st.sampled_from([*PROVIDERS, "gale"]),
    ns=st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=4),
    months=st.integers(min_value=1, max_value=14),
    states=st.lists(st.sampled_from(["TX", "NY", "ID", "CA", "AL"]), min_size=1, max_size=3),
    returning=st.booleans(),
    as_of=st.sampled_from(AS_OF),
    pace=pace_strategy,
    hired_sitter=st.booleans(),
    start=start_strategy,
)
def test_a_pricer_for_a_state_prices_as_a_pricer_made_for_it(
    provider_id, ns, months, states, returning, as_of, pace, hired_sitter, start
):
    """Without an insurer, the state changes only the availability: ``batch`` prices a
    state's courses with ``in_state`` of one pricer of no state, sharing its work; every
    course (and every refusal) is the one a pricer made for that state gives."""
    from ketacalc.errors import KetacalcError

    catalog = load_fixture()
    provider = catalog.find(provider_id)
    query = CostQuery(
        sessions=1, returning=returning, as_of=as_of, pace=pace, hired_sitter=hired_sitter, start=start
    )

    try:
        anywhere = ProviderPricer(provider, query, TODAY, keep=2)
    except KetacalcError:
        return
    for state in states:
        shared = anywhere.in_state(state, catalog)
        made = ProviderPricer(provider, query._replace(state=state), TODAY, catalog=catalog, keep=2)
        for n, by_months in [*((n, False) for n in ns), (months, True)]:
            assert _priced(catalog, shared, n, by_months) == _priced(catalog, made, n, by_months), (
                state,
                n,
                by_months,
            )
        assert _priced(catalog, anywhere, ns[0], False) == _priced(
            catalog, ProviderPricer(provider, query, TODAY), ns[0], False
        )
