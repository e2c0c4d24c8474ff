"""What one validation call carries from context to answer: each context's working state
(``Ctx``) and its result, and the shaping of the §7 response (``ValidationResponse``) — whole
or one slice per request of a grouped call.

Results are built as plain dicts on the hot path (a 10,000-context batch builds 10,000 of
them); the tests check every answer against ``ValidationResponse`` (tests/validation/shape.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpromo.models import Grant
from openpromo.models.promocode import Promocode
from openpromo.models.promocode_value import PromocodeValue
from openpromo.rules import format_minor
from openpromo.validation.cache import RewardTypeView
from openpromo.validation.planner import Consumption, LimitState, Outcome
from openpromo.validation.schemas import ValidationContext


@dataclass
class Ctx:
    index: int
    body: ValidationContext
    result: dict[str, Any]
    tier: Any = None
    rewards: list[tuple[str, int]] = field(default_factory=list)
    code: str | None = None
    value_row: PromocodeValue | None = None  # a presented bulk value or a single-use value
    allocated: PromocodeValue | None = None
    needs_allocation: bool = False
    group: int = 0  # which request of a grouped call (``validate_together``)
    shown: list[tuple[str, int]] = field(default_factory=list)  # result rewards, minor units


@dataclass
class Decided:
    """What a call decided, before it is shaped into the §7 response (whole or in slices)."""

    contexts: list[Ctx]
    promotion_id: str | None
    promocode_id: str | None
    commit: bool | str  # "reserve": a reservation
    reward_types: Mapping[str, RewardTypeView]
    # A commit whose tenant opted in to grants.created: the new grants by context index.
    created: dict[int, list[dict[str, Any]]] | None = None


def new_result(body: ValidationContext) -> dict[str, Any]:
    return {
        "customer_id": body.customer_id,
        "eligible": False,
        "tier": None,
        "rewards": [],
        "code": body.code,
        "grant_ids": [],
        "reasons": [],
        "reference": body.reference,
    }


def reason(code: str, detail: str, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "detail": detail}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def fail(ctx: Ctx, code: str, detail: str) -> None:
    ctx.result["reasons"].append(reason(code, detail))
    ctx.rewards = []


def all_fail(
    contexts: list[Ctx],
    promotion_id: str | None,
    promocode_id: str | None,
    commit: bool | str,
    why: dict[str, Any],
) -> Decided:
    for ctx in contexts:
        ctx.result["reasons"].append(dict(why))
    return Decided(contexts, promotion_id, promocode_id, commit, {})


def outcome_into(
    ctx: Ctx,
    outcome: Outcome,
    reward_types: Mapping[str, RewardTypeView],
    promocode: Promocode | None,
) -> None:
    result = ctx.result
    result["reasons"].extend(r.as_dict() for r in outcome.reasons)
    if outcome.granted:
        result["eligible"] = True
        ctx.shown = [(r.reward_type, r.value) for r in outcome.granted]
        result["rewards"] = [
            {
                "reward_type": r.reward_type,
                "value": format_minor(r.value, reward_types[r.reward_type].info.decimals),
            }
            for r in outcome.granted
        ]
        if outcome.use_fallback and promocode is not None:
            ctx.code = promocode.fallback_value
        result["code"] = ctx.code
    else:
        result["rewards"] = []


def holds_into(ctx: Ctx, outcome: Outcome, state: LimitState) -> None:
    """What a commit (or a reservation) of this outcome would take, for the simulator
    (``validate(holds=True)``; never in an API answer): ``ctx.result["_holds"]``, one entry
    per limit — its kind (``cap``, ``budget``, ``customer_value``, ``customer_grants``,
    ``once``, ``redemption``, ``code_value``), reward type and window where it has them, the
    amount taken (minor units or a count), the limit and what is used of it now."""
    holds: list[dict[str, Any]] = []
    for reward in outcome.granted:
        for c in reward.consumptions:
            holds.append(_hold(c, state, reward.reward_type))
    for c in outcome.shared:
        holds.append(_hold(c, state, None))
    if outcome.redeems:
        holds.append({"kind": "redemption"})
    if outcome.allocate:
        holds.append({"kind": "code_value"})
    ctx.result["_holds"] = holds


def _hold(c: Consumption, state: LimitState, reward_type: str | None) -> dict[str, Any]:
    parts = c.key.split(":")
    entry: dict[str, Any] = {
        "amount": c.amount,
        "limit": c.limit,
        "used": state.used.get((c.key, c.window_start), 0),
        "reward_type": reward_type,
        "window": None,
    }
    if parts[0] == "code":
        entry["kind"] = "once"
    elif parts[1] == "cap":
        entry.update(kind="cap", window=parts[2], reward_type=None)
    elif parts[1] == "budget":
        entry.update(kind="budget", reward_type=parts[2], window=parts[3])
    else:  # <promotion>:cust:<type>:<window>:value|grants:<customer>
        kind = "customer_value" if parts[4] == "value" else "customer_grants"
        entry.update(kind=kind, reward_type=parts[2], window=parts[3])
    return entry


LIVE = ("granted", "reserved")  # a held reservation counts like a grant


def from_existing(
    ctx: Ctx,
    grants: Sequence[Grant],
    rules: Any,
    reward_types: Mapping[str, RewardTypeView],
) -> None:
    """A context whose reference was used before answers with the grants made then."""
    live = [g for g in grants if g.status in LIVE] or list(grants)
    result = ctx.result
    if not live:
        return
    first = live[0]
    names = {t.id: t.name for t in getattr(rules, "tiers", ())}
    result["eligible"] = any(g.status in LIVE for g in live)
    if first.status == "reserved":
        result["reservation_id"] = first.group_id
        if first.reserved_until is not None:
            result["reserved_until"] = first.reserved_until.isoformat()
    result["tier"] = {"id": first.tier_id, "name": names.get(first.tier_id)}
    ctx.shown = [(g.reward_type, g.value_minor) for g in live]
    result["rewards"] = [
        {
            "reward_type": g.reward_type,
            "value": _show(g.value_minor, reward_types, g.reward_type),
        }
        for g in live
    ]
    result["code"] = first.code
    result["grant_ids"] = [g.id for g in live]
    result["reasons"] = []
    result["existing"] = True


def response(decided: Decided, contexts: Sequence[Ctx]) -> dict[str, Any]:
    """The §7 response for ``contexts`` (all of a call's, or one request's slice)."""
    reward_types = decided.reward_types
    totals: dict[str, int] = {}  # minor units
    eligible = 0
    results = []
    for ctx in contexts:
        result = ctx.result
        result.pop("_sort", None)
        result.pop("existing", None)
        if result["eligible"]:
            eligible += 1
            for reward_type, minor in ctx.shown:
                totals[reward_type] = totals.get(reward_type, 0) + minor
        else:
            result["rewards"] = []
        if result.get("reference") is None:
            result.pop("reference", None)
        results.append(result)
    return {
        "promotion_id": decided.promotion_id,
        "promocode_id": decided.promocode_id,
        "commit": decided.commit,
        "results": results,
        "summary": {
            "eligible": eligible,
            "ineligible": len(contexts) - eligible,
            "rewards_total": {
                key: format_minor(value, reward_types[key].info.decimals)
                for key, value in sorted(totals.items())
            },
        },
    }


def _show(minor: int, reward_types: Mapping[str, RewardTypeView], key: str) -> str:
    view = reward_types.get(key)
    return format_minor(minor, view.info.decimals if view is not None else 0)
