"""Planning a batch against its limits, in memory, against values read (and, on a commit,
locked) from the database. Pure: no I/O, no clock.

The validation service builds one ``Candidate`` per context that has a matching tier and at
least one reward worth granting, loads the ``LimitState`` (counters, audience members, rolling
sums, the bulk pool) in a handful of queries, then ``plan`` works the candidates through in
order and returns what each customer gets and the aggregated consumption — which the grant
repository applies set-wise (one guarded statement per counter row group), with CHECK
constraints as the backstop.

Order for one customer (SPEC §3 after the formula/rounding/min/max steps the service applied):
code checks (once per customer, max redemptions, the bulk pool) → per-customer limits per
reward → audience caps (a customer already counted in a window is not counted again) →
reward budgets (``reject`` or ``truncate``). A customer is granted when at least one reward
survives; a reward rejected by a limit does not block the customer's other rewards. Whatever
a customer that ends up with no reward would have consumed is not consumed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openpromo.kit.windows import EPOCH, is_rolling

CounterId = tuple[str, datetime]  # (key, window_start); rolling windows use their lower bound


# --- counter keys ------------------------------------------------------------------------


def cap_key(promotion_id: str, window: str) -> str:
    return f"{promotion_id}:cap:{window}"


def budget_key(promotion_id: str, reward_type: str, window: str) -> str:
    return f"{promotion_id}:budget:{reward_type}:{window}"


def customer_value_key(promotion_id: str, reward_type: str, window: str, customer: str) -> str:
    return f"{promotion_id}:cust:{reward_type}:{window}:value:{customer}"


def customer_grants_key(promotion_id: str, reward_type: str, window: str, customer: str) -> str:
    return f"{promotion_id}:cust:{reward_type}:{window}:grants:{customer}"


def once_key(promocode_id: str, customer: str) -> str:
    return f"code:{promocode_id}:cust:{customer}"


# --- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerLimit:
    """One per-customer limit of one reward type, in minor units."""

    window: str
    window_start: datetime
    max_value: int | None
    max_grants: int | None


@dataclass(frozen=True, slots=True)
class AudienceCapSpec:
    window: str
    window_start: datetime
    limit: int


@dataclass(frozen=True, slots=True)
class RewardBudgetSpec:
    reward_type: str
    window: str
    window_start: datetime
    limit: int  # minor units
    on_exceed: str  # reject | truncate


@dataclass(slots=True)
class Candidate:
    index: int
    customer_id: str
    rewards: list[tuple[str, int]]  # (reward_type, value_minor > 0), in tier order
    needs_allocation: bool = False  # bulk code, no value presented, none allocated yet
    redeems: bool = False  # counts a redemption of the promocode
    sort_value: Any = None  # audience selection by attribute


@dataclass
class Limits:
    promotion_id: str
    promocode_id: str | None
    once_per_customer: bool
    max_redemptions: int | None
    redemptions_count: int
    customer_limits: dict[str, list[CustomerLimit]]  # reward_type -> limits
    audience_caps: list[AudienceCapSpec]
    reward_budgets: list[RewardBudgetSpec]
    has_fallback: bool = False


@dataclass
class LimitState:
    """Current usage as read from the database (locked on a commit)."""

    used: dict[CounterId, int] = field(default_factory=dict)
    # Customers already counted by each audience cap window.
    members: dict[CounterId, set[str]] = field(default_factory=dict)
    pool_available: int = 0
    # On a commit: the (id, value) of the pool values locked for allocation, oldest first.
    pool_rows: list[tuple[int, str]] = field(default_factory=list)


# --- outputs -------------------------------------------------------------------------------


@dataclass(slots=True)
class Reason:
    code: str
    detail: str
    reward_type: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "detail": self.detail}
        if self.reward_type is not None:
            out["reward_type"] = self.reward_type
        return out


@dataclass(slots=True)
class Consumption:
    key: str
    window_start: datetime
    amount: int
    limit: int
    audience: bool = False
    rolling: bool = False  # usage summed from the live grants: no counter row

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": self.key,
            "window_start": self.window_start.isoformat(),
            "amount": self.amount,
        }
        if self.audience:
            out["audience"] = True
        return out


@dataclass(slots=True)
class PlannedReward:
    reward_type: str
    value: int
    consumptions: list[Consumption]


@dataclass(slots=True)
class Outcome:
    index: int
    customer_id: str
    granted: list[PlannedReward] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    # Once per customer granted: audience memberships, the once-per-customer counter.
    shared: list[Consumption] = field(default_factory=list)
    new_memberships: list[CounterId] = field(default_factory=list)
    allocate: bool = False  # takes one value from the bulk pool
    use_fallback: bool = False
    redeems: bool = False


@dataclass
class Plan:
    outcomes: dict[int, Outcome]
    deltas: dict[CounterId, tuple[int, int]]  # counter -> (amount, limit)
    redemptions: int
    allocations: int


# --- selection -----------------------------------------------------------------------------


def selection_order(
    candidates: Sequence[Candidate], method: str, seed: bytes, descending: bool
) -> list[Candidate]:
    """The order in which a cap-limited batch is admitted.

    ``random``: by sha256(seed + customer_id), so an identical request picks the same people.
    ``attribute``: by the property value (``descending`` or not), absent values last, ties by
    request order.
    """
    if method == "attribute":
        present = [c for c in candidates if c.sort_value is not None]
        absent = [c for c in candidates if c.sort_value is None]
        present.sort(key=lambda c: c.index)
        present.sort(key=lambda c: c.sort_value, reverse=descending)
        return present + absent

    def draw(c: Candidate) -> bytes:
        return hashlib.sha256(seed + c.customer_id.encode()).digest()

    return sorted(candidates, key=lambda c: (draw(c), c.index))


def needs_selection(candidates: Sequence[Candidate], limits: Limits, state: LimitState) -> bool:
    """Whether more distinct new customers want in than some audience cap has room for."""
    for cap in limits.audience_caps:
        counter = (cap_key(limits.promotion_id, cap.window), cap.window_start)
        wanted = {c.customer_id for c in candidates} - state.members.get(counter, set())
        if len(wanted) > cap.limit - state.used.get(counter, 0):
            return True
    return False


# --- planning ------------------------------------------------------------------------------


class _Tracker:
    """Usage as planned so far: the loaded state plus this batch's consumption."""

    def __init__(self, state: LimitState) -> None:
        self.state = state
        self.extra: dict[CounterId, int] = {}
        self.new_members: dict[CounterId, set[str]] = {}

    def used(self, counter: CounterId) -> int:
        return self.state.used.get(counter, 0) + self.extra.get(counter, 0)

    def add(self, counter: CounterId, amount: int) -> None:
        self.extra[counter] = self.extra.get(counter, 0) + amount

    def is_member(self, counter: CounterId, customer: str) -> bool:
        return customer in self.state.members.get(counter, ()) or customer in self.new_members.get(
            counter, ()
        )


def plan(
    candidates: Iterable[Candidate],
    limits: Limits,
    state: LimitState,
    *,
    with_deltas: bool = True,
) -> Plan:
    """Work the candidates through in the given order against ``state``.

    Rolling windows use the same keys as calendar ones, with ``window_start`` the window's
    lower bound: the service loads their usage (and, for audience caps, which of the batch's
    customers are already in) from the live grants, and nothing is written to counters for
    them — the grants themselves are their usage. ``with_deltas=False`` (a dry run) leaves
    ``Plan.deltas`` empty.
    """
    t = _Tracker(state)
    outcomes: dict[int, Outcome] = {}
    redemptions = 0
    pool_left = state.pool_available
    allocations = 0
    pid = limits.promotion_id
    caps_by_counter = {
        (cap_key(pid, cap.window), cap.window_start): cap for cap in limits.audience_caps
    }
    # What does not depend on the candidate, worked out once: counters and whether their
    # windows roll (a big batch plans tens of thousands of candidates).
    cap_rolling = {counter: is_rolling(cap.window) for counter, cap in caps_by_counter.items()}
    budgets: dict[str, list[tuple[RewardBudgetSpec, CounterId, bool]]] = {}
    for budget in limits.reward_budgets:
        budgets.setdefault(budget.reward_type, []).append(
            (
                budget,
                (budget_key(pid, budget.reward_type, budget.window), budget.window_start),
                is_rolling(budget.window),
            )
        )
    customer_limits = {
        reward_type: [(lim, is_rolling(lim.window)) for lim in lims]
        for reward_type, lims in limits.customer_limits.items()
    }
    for cand in candidates:
        out = Outcome(cand.index, cand.customer_id)
        outcomes[cand.index] = out
        cust = cand.customer_id
        shared: list[Consumption] = []
        # 1. code checks
        if cand.redeems and limits.promocode_id is not None:
            if limits.once_per_customer:
                counter = (once_key(limits.promocode_id, cust), EPOCH)
                if t.used(counter) >= 1:
                    out.reasons.append(
                        Reason(
                            "already_redeemed_by_customer",
                            "this customer already redeemed this promocode",
                        )
                    )
                    continue
                shared.append(Consumption(counter[0], counter[1], 1, 1))
            if (
                limits.max_redemptions is not None
                and limits.redemptions_count + redemptions >= limits.max_redemptions
            ):
                out.reasons.append(
                    Reason(
                        "max_redemptions_reached",
                        f"the promocode reached its {limits.max_redemptions} redemptions",
                    )
                )
                continue
        if cand.needs_allocation and pool_left <= 0 and not limits.has_fallback:
            out.reasons.append(Reason("pool_exhausted", "the promocode has no unused value left"))
            continue
        # 2. per-customer limits, per reward
        staged: list[PlannedReward] = []
        for reward_type, value in cand.rewards:
            consumptions: list[Consumption] = []
            rejected = False
            for lim, lim_rolling in customer_limits.get(reward_type, ()):
                vkey = customer_value_key(pid, reward_type, lim.window, cust)
                gkey = customer_grants_key(pid, reward_type, lim.window, cust)
                used_value = t.used((vkey, lim.window_start))
                used_grants = t.used((gkey, lim.window_start))
                if lim.max_grants is not None:
                    if used_grants >= lim.max_grants:
                        rejected = True
                        out.reasons.append(
                            Reason(
                                "customer_limit_reached",
                                f"at most {lim.max_grants} grants of {reward_type} per customer "
                                f"per {lim.window}",
                                reward_type,
                            )
                        )
                        break
                    consumptions.append(
                        Consumption(gkey, lim.window_start, 1, lim.max_grants, rolling=lim_rolling)
                    )
                if lim.max_value is not None:
                    room = lim.max_value - used_value
                    if room <= 0:
                        rejected = True
                        out.reasons.append(
                            Reason(
                                "customer_limit_reached",
                                f"the customer reached the {reward_type} maximum per {lim.window}",
                                reward_type,
                            )
                        )
                        break
                    value = min(value, room)
                    consumptions.append(
                        Consumption(vkey, lim.window_start, -1, lim.max_value, rolling=lim_rolling)
                    )  # amount filled in once the value is final
            if not rejected:
                staged.append(PlannedReward(reward_type, value, consumptions))
        if not staged:
            continue
        # 3. audience caps
        memberships: list[CounterId] = []
        cap_blocked = False
        for counter in cap_rolling:
            if t.is_member(counter, cust):
                continue
            if t.used(counter) >= caps_by_counter[counter].limit:
                cap_blocked = True
                break
            memberships.append(counter)
        if cap_blocked:
            out.reasons.append(
                Reason("audience_cap_reached", "the promotion's audience cap is reached")
            )
            continue
        # 4. reward budgets
        final: list[PlannedReward] = []
        for reward in staged:
            value = reward.value
            budget_consumptions: list[Consumption] = []
            for budget, budget_counter, budget_rolling in budgets.get(reward.reward_type, ()):
                room = budget.limit - t.used(budget_counter)
                if value > room:
                    if budget.on_exceed == "truncate" and room > 0:
                        value = room
                    else:
                        value = 0
                        out.reasons.append(
                            Reason(
                                "budget_exhausted",
                                f"the {budget.window} budget of {budget.reward_type} is exhausted",
                                reward.reward_type,
                            )
                        )
                        break
                budget_consumptions.append(
                    Consumption(
                        budget_counter[0],
                        budget_counter[1],
                        -1,
                        budget.limit,
                        rolling=budget_rolling,
                    )
                )
            if value <= 0:
                continue
            for c in (*reward.consumptions, *budget_consumptions):
                if c.amount == -1:
                    c.amount = value
            final.append(
                PlannedReward(reward.reward_type, value, reward.consumptions + budget_consumptions)
            )
        if not final:
            continue
        # 5. granted: consume
        out.granted = final
        for counter in memberships:
            t.new_members.setdefault(counter, set()).add(cust)
            t.add(counter, 1)
            cap = caps_by_counter[counter]
            shared.append(
                Consumption(
                    counter[0],
                    counter[1],
                    1,
                    cap.limit,
                    audience=True,
                    rolling=cap_rolling[counter],
                )
            )
        out.new_memberships = memberships
        for reward in final:
            for c in reward.consumptions:
                t.add((c.key, c.window_start), c.amount)
        for c in shared:
            if not c.audience:
                t.add((c.key, c.window_start), c.amount)
        out.shared = shared
        if cand.redeems:
            out.redeems = True
            redemptions += 1
        if cand.needs_allocation:
            if pool_left > 0:
                pool_left -= 1
                allocations += 1
                out.allocate = True
            else:
                out.use_fallback = True
    deltas: dict[CounterId, tuple[int, int]] = {}
    for out in outcomes.values() if with_deltas else ():
        for reward in out.granted:
            for c in reward.consumptions:
                _accumulate(deltas, c)
        for c in out.shared:
            _accumulate(deltas, c)
    return Plan(outcomes, deltas, redemptions, allocations)


def _accumulate(deltas: dict[CounterId, tuple[int, int]], c: Consumption) -> None:
    if c.rolling:
        return
    amount, _ = deltas.get((c.key, c.window_start), (0, c.limit))
    deltas[(c.key, c.window_start)] = (amount + c.amount, c.limit)
