"""The load step's reads of the limits' state, through the ledger: the calendar counters the
candidates' limits use (created at their limit and locked, in key order, on a commit), the
audience members, the rolling sums (from live grants) and the bulk pool."""

from __future__ import annotations

from collections.abc import Sequence

from openpromo.kit.windows import EPOCH, is_rolling
from openpromo.ledger.service import Ledger
from openpromo.models.promocode import Promocode
from openpromo.validation.planner import (
    Candidate,
    CounterId,
    Limits,
    LimitState,
    cap_key,
    customer_grants_key,
    customer_value_key,
    once_key,
)

ROLLING_LOCK = "rolling-lock"


async def load_state(
    ledger: Ledger,
    promocode: Promocode | None,
    limits: Limits,
    candidates: Sequence[Candidate],
    *,
    commit: bool,
) -> LimitState:
    """The counters the candidates' limits use (the calendar; created and locked on a
    commit), the audience members, rolling sums and the bulk pool."""
    state = LimitState()
    if not candidates:
        return state
    pid = limits.promotion_id
    if (
        commit
        and promocode is not None
        and (limits.max_redemptions is not None or limits.once_per_customer)
    ):
        locked = await ledger.lock_promocode(promocode.id)
        if locked is not None:
            limits.redemptions_count = locked.redemptions_count
    customers = sorted({c.customer_id for c in candidates})
    reward_types = {r for c in candidates for r, _ in c.rewards}
    calendar, rolling_needed = _calendar(limits, reward_types, customers)
    if rolling_needed and commit:
        # Rolling sums are exact only if no one else grants in this promotion meanwhile.
        calendar[(f"{pid}:{ROLLING_LOCK}", EPOCH)] = 0
    cap_counters = [
        (cap_key(pid, cap.window), cap.window_start)
        for cap in limits.audience_caps
        if not is_rolling(cap.window)
    ]
    state.used, members = await ledger.read_state(
        calendar,
        cap_counters,
        customers,
        commit=commit,
        needs=_needs(limits, candidates, customers) if commit else None,
    )
    if members is not None:
        state.members = members
    if rolling_needed:
        await _load_rolling(ledger, pid, limits, customers, state)
    needed = sum(1 for c in candidates if c.needs_allocation)
    if needed and promocode is not None:
        rows = await ledger.available_values(promocode.id, needed, lock=commit)
        state.pool_available = len(rows)
        state.pool_rows = rows
    return state


def _needs(
    limits: Limits, candidates: Sequence[Candidate], customers: Sequence[str]
) -> dict[CounterId, int]:
    """The most the candidates could consume of each promotion-wide calendar counter — a
    place per customer of a cap, the sum of their values of a budget's reward type (limits
    only lower values) — so the ledger may hold one counter slice with that much headroom
    instead of the whole counter (ledger/slices.py)."""
    pid = limits.promotion_id
    needs: dict[CounterId, int] = {}
    for cap in limits.audience_caps:
        if not is_rolling(cap.window):
            needs[(cap_key(pid, cap.window), cap.window_start)] = len(customers)
    values: dict[str, int] = {}
    for cand in candidates:
        for reward_type, value in cand.rewards:
            values[reward_type] = values.get(reward_type, 0) + value
    for b in limits.reward_budgets:
        if b.reward_type in values and not is_rolling(b.window):
            needs[(f"{pid}:budget:{b.reward_type}:{b.window}", b.window_start)] = values[
                b.reward_type
            ]
    return needs


def _calendar(
    limits: Limits, reward_types: set[str], customers: Sequence[str]
) -> tuple[dict[CounterId, int], bool]:
    """Every calendar counter the limits use, with its limit; and whether any limit is
    rolling (summed from the ledger instead)."""
    pid = limits.promotion_id
    calendar: dict[CounterId, int] = {}
    rolling_needed = False
    for cap in limits.audience_caps:
        if is_rolling(cap.window):
            rolling_needed = True
        else:
            calendar[(cap_key(pid, cap.window), cap.window_start)] = cap.limit
    for b in limits.reward_budgets:
        if b.reward_type not in reward_types:
            continue
        key = f"{pid}:budget:{b.reward_type}:{b.window}"
        if is_rolling(b.window):
            rolling_needed = True
        else:
            calendar[(key, b.window_start)] = b.limit
    for reward_type, lims in limits.customer_limits.items():
        if reward_type not in reward_types:
            continue
        for lim in lims:
            if is_rolling(lim.window):
                rolling_needed = True
                continue
            for cust in customers:
                if lim.max_value is not None:
                    calendar[
                        (
                            customer_value_key(pid, reward_type, lim.window, cust),
                            lim.window_start,
                        )
                    ] = lim.max_value
                if lim.max_grants is not None:
                    calendar[
                        (
                            customer_grants_key(pid, reward_type, lim.window, cust),
                            lim.window_start,
                        )
                    ] = lim.max_grants
    if limits.once_per_customer and limits.promocode_id is not None:
        for cust in customers:
            calendar[(once_key(limits.promocode_id, cust), EPOCH)] = 1
    return calendar, rolling_needed


async def _load_rolling(
    ledger: Ledger,
    pid: str,
    limits: Limits,
    customers: Sequence[str],
    state: LimitState,
) -> None:
    for cap in limits.audience_caps:
        if not is_rolling(cap.window):
            continue
        counter = (cap_key(pid, cap.window), cap.window_start)
        state.used[counter] = await ledger.rolling_distinct_customers(pid, cap.window_start)
        granted = await ledger.rolling_by_customer(pid, customers, cap.window_start)
        state.members[counter] = {c for c, _ in granted}
    for b in limits.reward_budgets:
        if is_rolling(b.window):
            sums = await ledger.rolling_value_by_type(pid, b.window_start)
            key = f"{pid}:budget:{b.reward_type}:{b.window}"
            state.used[(key, b.window_start)] = sums.get(b.reward_type, 0)
    for reward_type, lims in limits.customer_limits.items():
        for lim in lims:
            if not is_rolling(lim.window):
                continue
            usage = await ledger.rolling_by_customer(pid, customers, lim.window_start)
            for (cust, rtype), (total, count) in usage.items():
                if rtype != reward_type:
                    continue
                state.used[
                    (customer_value_key(pid, reward_type, lim.window, cust), lim.window_start)
                ] = total
                state.used[
                    (customer_grants_key(pid, reward_type, lim.window, cust), lim.window_start)
                ] = count
