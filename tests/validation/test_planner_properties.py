"""Property-based tests of the planner (``openpromo.validation.planner``): for random limits,
state and batches, the plan never takes a limit past its bound, and it is exactly what a
slow, obviously-correct reference planner decides — customer by customer, limit by limit, in
SPEC §3/§5 order, with the usage kept per concept instead of in shared counters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpromo.kit.windows import EPOCH, is_rolling
from openpromo.validation.planner import (
    AudienceCapSpec,
    Candidate,
    CounterId,
    CustomerLimit,
    Limits,
    LimitState,
    Plan,
    RewardBudgetSpec,
    budget_key,
    cap_key,
    customer_grants_key,
    customer_value_key,
    once_key,
    plan,
)

PID = "p1"
CODE = "code1"
REWARD_TYPES = ("spins", "eur", "points")
CUSTOMERS = ("c0", "c1", "c2", "c3", "c4")
STARTS = {
    "day": datetime(2026, 3, 1, 23, tzinfo=UTC),
    "month": datetime(2026, 2, 28, 23, tzinfo=UTC),
    "lifetime": EPOCH,
    "rolling_24h": datetime(2026, 3, 1, 12, tzinfo=UTC),
}
WINDOWS = tuple(STARTS)


# --- generated inputs ----------------------------------------------------------------------

small = st.integers(min_value=0, max_value=6)


@st.composite
def customer_limits(draw: st.DrawFn) -> dict[str, list[CustomerLimit]]:
    out: dict[str, list[CustomerLimit]] = {}
    for reward_type in REWARD_TYPES:
        windows = draw(st.lists(st.sampled_from(WINDOWS), max_size=2, unique=True))
        for window in windows:
            max_value = draw(st.none() | st.integers(min_value=0, max_value=60))
            max_grants = draw(st.none() | st.integers(min_value=0, max_value=3))
            out.setdefault(reward_type, []).append(
                CustomerLimit(window, STARTS[window], max_value, max_grants)
            )
    return out


@st.composite
def limits_and_state(draw: st.DrawFn) -> tuple[Limits, LimitState]:
    with_code = draw(st.booleans())
    caps = [
        AudienceCapSpec(window, STARTS[window], draw(small))
        for window in draw(st.lists(st.sampled_from(WINDOWS), max_size=2, unique=True))
    ]
    budgets = [
        RewardBudgetSpec(
            reward_type,
            window,
            STARTS[window],
            draw(st.integers(min_value=0, max_value=150)),
            draw(st.sampled_from(("reject", "truncate"))),
        )
        for reward_type, window in draw(
            st.lists(
                st.tuples(st.sampled_from(REWARD_TYPES), st.sampled_from(WINDOWS)),
                max_size=4,
                unique=True,
            )
        )
    ]
    limits = Limits(
        promotion_id=PID,
        promocode_id=CODE if with_code else None,
        once_per_customer=with_code and draw(st.booleans()),
        max_redemptions=draw(st.none() | small) if with_code else None,
        redemptions_count=draw(small) if with_code else 0,
        customer_limits=draw(customer_limits()),
        audience_caps=caps,
        reward_budgets=budgets,
        has_fallback=with_code and draw(st.booleans()),
    )
    state = LimitState(pool_available=draw(small) if with_code else 0)
    # Usage already there, sometimes past a limit lowered since.
    for counter, limit in _counters(limits).items():
        if draw(st.booleans()):
            state.used[counter] = draw(st.integers(min_value=0, max_value=limit + 2))
    for cap in caps:
        counter = (cap_key(PID, cap.window), cap.window_start)
        members = draw(st.sets(st.sampled_from(CUSTOMERS), max_size=3))
        state.members[counter] = members
        state.used[counter] = max(state.used.get(counter, 0), len(members))
    return limits, state


@st.composite
def batches(draw: st.DrawFn, with_code: bool) -> list[Candidate]:
    out = []
    for index in range(draw(st.integers(min_value=0, max_value=12))):
        types = draw(st.lists(st.sampled_from(REWARD_TYPES), min_size=1, max_size=3, unique=True))
        out.append(
            Candidate(
                index,
                draw(st.sampled_from(CUSTOMERS)),
                [(t, draw(st.integers(min_value=1, max_value=40))) for t in types],
                needs_allocation=with_code and draw(st.booleans()),
                redeems=with_code and draw(st.booleans()),
            )
        )
    return out


def _counters(limits: Limits) -> dict[CounterId, int]:
    """Every counter the limits use, with its bound."""
    out: dict[CounterId, int] = {}
    for reward_type, lims in limits.customer_limits.items():
        for lim in lims:
            for customer in CUSTOMERS:
                if lim.max_value is not None:
                    key = customer_value_key(PID, reward_type, lim.window, customer)
                    out[(key, lim.window_start)] = lim.max_value
                if lim.max_grants is not None:
                    key = customer_grants_key(PID, reward_type, lim.window, customer)
                    out[(key, lim.window_start)] = lim.max_grants
    for cap in limits.audience_caps:
        out[(cap_key(PID, cap.window), cap.window_start)] = cap.limit
    for b in limits.reward_budgets:
        out[(budget_key(PID, b.reward_type, b.window), b.window_start)] = b.limit
    if limits.once_per_customer and limits.promocode_id is not None:
        for customer in CUSTOMERS:
            out[(once_key(limits.promocode_id, customer), EPOCH)] = 1
    return out


# --- the reference planner -------------------------------------------------------------------


@dataclass
class Decision:
    granted: list[tuple[str, int]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    allocate: bool = False
    use_fallback: bool = False
    redeems: bool = False


@dataclass
class Usage:
    """Usage per concept, as the SPEC words it (no shared counter keys)."""

    customer_value: dict[tuple[str, str, str], int]  # (reward type, window, customer)
    customer_grants: dict[tuple[str, str, str], int]
    cap_members: dict[str, set[str]]  # window → customers counted
    cap_count: dict[str, int]
    budget: dict[tuple[str, str], int]  # (reward type, window)
    redeemed_by: set[str]  # once per customer


def _usage(limits: Limits, state: LimitState) -> Usage:
    used = state.used
    usage = Usage({}, {}, {}, {}, {}, set())
    for reward_type, lims in limits.customer_limits.items():
        for lim in lims:
            for c in CUSTOMERS:
                vkey = customer_value_key(PID, reward_type, lim.window, c)
                gkey = customer_grants_key(PID, reward_type, lim.window, c)
                usage.customer_value[(reward_type, lim.window, c)] = used.get(
                    (vkey, lim.window_start), 0
                )
                usage.customer_grants[(reward_type, lim.window, c)] = used.get(
                    (gkey, lim.window_start), 0
                )
    for cap in limits.audience_caps:
        counter = (cap_key(PID, cap.window), cap.window_start)
        usage.cap_members[cap.window] = set(state.members.get(counter, set()))
        usage.cap_count[cap.window] = used.get(counter, 0)
    for b in limits.reward_budgets:
        counter = (budget_key(PID, b.reward_type, b.window), b.window_start)
        usage.budget[(b.reward_type, b.window)] = used.get(counter, 0)
    if limits.promocode_id is not None:
        usage.redeemed_by = {
            c for c in CUSTOMERS if used.get((once_key(limits.promocode_id, c), EPOCH), 0) >= 1
        }
    return usage


def reference_plan(
    candidates: list[Candidate], limits: Limits, state: LimitState
) -> dict[int, Decision]:
    usage = _usage(limits, state)
    redemptions = 0
    pool = state.pool_available
    decisions: dict[int, Decision] = {}
    for cand in candidates:
        d = decisions[cand.index] = Decision()
        who = cand.customer_id
        # the code: once per customer, max redemptions, the pool
        if cand.redeems and limits.promocode_id is not None:
            if limits.once_per_customer and who in usage.redeemed_by:
                d.reasons.append("already_redeemed_by_customer")
                continue
            if (
                limits.max_redemptions is not None
                and limits.redemptions_count + redemptions >= limits.max_redemptions
            ):
                d.reasons.append("max_redemptions_reached")
                continue
        if cand.needs_allocation and pool <= 0 and not limits.has_fallback:
            d.reasons.append("pool_exhausted")
            continue
        # per-customer limits: each reward on its own, clamped to the room left
        kept: list[tuple[str, int]] = []
        for reward_type, value in cand.rewards:
            refused = False
            for lim in limits.customer_limits.get(reward_type, []):
                slot = (reward_type, lim.window, who)
                if lim.max_grants is not None and usage.customer_grants[slot] >= lim.max_grants:
                    refused = True
                if not refused and lim.max_value is not None:
                    room = lim.max_value - usage.customer_value[slot]
                    refused = room <= 0
                    value = min(value, room)
                if refused:
                    d.reasons.append("customer_limit_reached")
                    break
            if not refused:
                kept.append((reward_type, value))
        if not kept:
            continue
        # audience caps: a customer not yet counted needs a place
        joins = [
            cap.window for cap in limits.audience_caps if who not in usage.cap_members[cap.window]
        ]
        caps = {cap.window: cap.limit for cap in limits.audience_caps}
        if any(usage.cap_count[w] >= caps[w] for w in joins):
            d.reasons.append("audience_cap_reached")
            continue
        # reward budgets: reject, or truncate to what is left
        final: list[tuple[str, int]] = []
        for reward_type, value in kept:
            for b in limits.reward_budgets:
                if b.reward_type != reward_type:
                    continue
                room = b.limit - usage.budget[(reward_type, b.window)]
                if value > room:
                    value = room if b.on_exceed == "truncate" and room > 0 else 0
                if value <= 0:
                    d.reasons.append("budget_exhausted")
                    break
            if value > 0:
                final.append((reward_type, value))
        if not final:
            continue
        # granted: everything it uses is used
        d.granted = final
        for w in joins:
            usage.cap_members[w].add(who)
            usage.cap_count[w] += 1
        for reward_type, value in final:
            for lim in limits.customer_limits.get(reward_type, []):
                usage.customer_grants[(reward_type, lim.window, who)] += 1
                usage.customer_value[(reward_type, lim.window, who)] += value
            for b in limits.reward_budgets:
                if b.reward_type == reward_type:
                    usage.budget[(reward_type, b.window)] += value
        if cand.redeems:
            d.redeems = True
            redemptions += 1
            if limits.once_per_customer:
                usage.redeemed_by.add(who)
        if cand.needs_allocation and pool > 0:
            d.allocate = True
            pool -= 1
        elif cand.needs_allocation:
            d.use_fallback = True
    return decisions


def _decisions(planned: Plan) -> dict[int, Decision]:
    return {
        index: Decision(
            [(r.reward_type, r.value) for r in o.granted],
            [r.code for r in o.reasons],
            o.allocate,
            o.use_fallback,
            o.redeems,
        )
        for index, o in planned.outcomes.items()
    }


# --- properties ------------------------------------------------------------------------------

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw: st.DrawFn) -> tuple[Limits, LimitState, list[Candidate]]:
    limits, state = draw(limits_and_state())
    return limits, state, draw(batches(limits.promocode_id is not None))


@SETTINGS
@given(problems())
def test_the_plan_is_the_reference_plan(
    problem: tuple[Limits, LimitState, list[Candidate]],
) -> None:
    limits, state, candidates = problem
    assert _decisions(plan(candidates, limits, state)) == reference_plan(candidates, limits, state)


@SETTINGS
@given(problems())
def test_the_plan_never_takes_a_limit_past_its_bound(
    problem: tuple[Limits, LimitState, list[Candidate]],
) -> None:
    limits, state, candidates = problem
    planned = plan(candidates, limits, state)
    consumed: dict[CounterId, int] = {}
    for outcome in planned.outcomes.values():
        for reward in outcome.granted:
            assert reward.value > 0
            for c in reward.consumptions:
                consumed[(c.key, c.window_start)] = consumed.get((c.key, c.window_start), 0) + (
                    c.amount
                )
        for c in outcome.shared:
            consumed[(c.key, c.window_start)] = consumed.get((c.key, c.window_start), 0) + c.amount
    bounds = _counters(limits)
    for counter, amount in consumed.items():
        before = state.used.get(counter, 0)
        assert amount > 0 and before + amount <= bounds[counter], (counter, before, amount)
    granted = [o for o in planned.outcomes.values() if o.granted]
    assert planned.allocations == sum(o.allocate for o in granted) <= state.pool_available
    if limits.max_redemptions is not None and planned.redemptions:
        assert limits.redemptions_count + planned.redemptions <= limits.max_redemptions
    for cap in limits.audience_caps:
        counter = (cap_key(PID, cap.window), cap.window_start)
        joined = {o.customer_id for o in granted if counter in o.new_memberships}
        assert not joined & state.members.get(counter, set())
        assert not joined or state.used.get(counter, 0) + len(joined) <= cap.limit
    # a commit's deltas are exactly the calendar part of that consumption; a dry run has none
    calendar = {
        counter: amount
        for counter, amount in consumed.items()
        if not is_rolling(_window_of(counter[0], limits))
    }
    assert {counter: amount for counter, (amount, _) in planned.deltas.items()} == calendar
    assert all(limit == bounds[counter] for counter, (_, limit) in planned.deltas.items())
    dry = plan(candidates, limits, state, with_deltas=False)
    assert dry.deltas == {} and _decisions(dry) == _decisions(planned)


def _window_of(key: str, limits: Limits) -> str:
    for window in WINDOWS:
        if key.endswith(f":{window}") or f":{window}:" in key:
            return window
    return "lifetime"  # once-per-customer: forever
