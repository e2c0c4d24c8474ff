"""The load step's pure part and its code checks: each context's values checked against the
schemas and evaluated against the tiers, its rewards bounded by the reward constraints
(validity window, max clamp, min refusal) in minor units; the codes each context presents or
needs; and the limits (per-customer limits, audience caps, reward budgets) of the call, with
their window starts in the tenant's timezone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpromo.kit.windows import window_start
from openpromo.ledger.service import Ledger
from openpromo.models import Grant
from openpromo.models.promocode import Promocode
from openpromo.rules import format_value
from openpromo.schema.values import PropertyDefinition, validate_values
from openpromo.validation.cache import PromotionConfig, RewardTypeView
from openpromo.validation.planner import AudienceCapSpec, CustomerLimit, Limits, RewardBudgetSpec
from openpromo.validation.results import Ctx, fail, from_existing, reason


def _to_minor_floor(value: Decimal, decimals: int) -> int:
    return int(value.scaleb(decimals).to_integral_value(rounding=ROUND_DOWN))


def _dt(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class _Bounds:
    """A reward type's effective constraints, parsed once per call."""

    decimals: int
    valid_from: datetime | None
    valid_until: datetime | None
    max_value: Decimal | None
    min_value: Decimal | None
    window_text: str
    min_text: str

    @classmethod
    def of(cls, cons: Mapping[str, Any], view: RewardTypeView) -> _Bounds:
        vf, vu = cons.get("valid_from"), cons.get("valid_until")
        mx, mn = cons.get("max_value"), cons.get("min_value")
        return cls(
            decimals=view.info.decimals,
            valid_from=_dt(vf) if vf else None,
            valid_until=_dt(vu) if vu else None,
            max_value=Decimal(str(mx)) if mx is not None else None,
            min_value=Decimal(str(mn)) if mn is not None else None,
            window_text=f"{vf or '-'} and {vu or '-'}",
            min_text=str(mn),
        )


def constraints(
    overrides: Mapping[str, Any], reward_type: str, view: RewardTypeView
) -> dict[str, Any]:
    """A promotion's constraints for a reward type replace the type's defaults whole."""
    if reward_type in overrides:
        return dict(overrides[reward_type] or {})
    return dict(view.constraints)


def _constrain(
    ctx: Ctx,
    reward_type: str,
    value: Decimal,
    reward_types: Mapping[str, RewardTypeView],
    overrides: Mapping[str, Any],
    now: datetime,
    bounds_cache: dict[str, _Bounds | None],
) -> int | None:
    """Validity window, constraint max (clamp), min (refuse), zero; in minor units."""
    if reward_type not in bounds_cache:
        view = reward_types.get(reward_type)
        bounds_cache[reward_type] = (
            None if view is None else _Bounds.of(constraints(overrides, reward_type, view), view)
        )
    bounds = bounds_cache[reward_type]
    if bounds is None:
        return None
    if (bounds.valid_from is not None and now < bounds.valid_from) or (
        bounds.valid_until is not None and now > bounds.valid_until
    ):
        ctx.result["reasons"].append(
            reason(
                "outside_validity_window",
                f"{reward_type} can only be granted between {bounds.window_text}",
                reward_type=reward_type,
            )
        )
        return None
    if bounds.max_value is not None and value > bounds.max_value:
        value = bounds.max_value
    if bounds.min_value is not None and 0 < value < bounds.min_value:
        ctx.result["reasons"].append(
            reason(
                "below_minimum_reward",
                f"{format_value(value, bounds.decimals)} is below the minimum "
                f"{bounds.min_text} of {reward_type}",
                reward_type=reward_type,
            )
        )
        return None
    if value <= 0:
        return None
    # Exact: rules round to the type's decimals and constraint bounds are checked to fit.
    return int(value.scaleb(bounds.decimals))


@dataclass(frozen=True)
class Inputs:
    """What every context of a call is evaluated with."""

    promotion: PromotionConfig
    reward_types: Mapping[str, RewardTypeView]
    session_defs: list[PropertyDefinition]
    customer_defs: list[PropertyDefinition]
    base: dict[str, Any]  # promotion.* and context.* values
    stored: Mapping[str, Mapping[str, Any]]  # stored customer properties, by customer
    existing: Mapping[str, list[Grant]]  # grants already made, by reference
    sort_property: str | None  # attribute audience selection: the property to order by
    explain: bool
    now: datetime


def evaluate(contexts: list[Ctx], inputs: Inputs) -> list[Ctx]:
    """Each context: a used reference answers from its grants; otherwise its values are
    checked and the tiers evaluated, and its rewards bounded. Returns the contexts with at
    least one reward worth granting."""
    rules = inputs.promotion.rules
    reward_types = inputs.reward_types
    overrides = inputs.promotion.reward_constraints
    seen_refs: set[tuple[int, str]] = set()
    evaluable: list[Ctx] = []
    bounds: dict[str, _Bounds | None] = {}
    for ctx in contexts:
        ref = ctx.body.reference
        if ref and ref in inputs.existing:
            from_existing(ctx, inputs.existing[ref], rules, reward_types)
            continue
        if ref and (ctx.group, ref) in seen_refs:
            ctx.result["reasons"].append(
                reason("invalid_context", "this reference appears twice in the request")
            )
            continue
        if ref:
            seen_refs.add((ctx.group, ref))
        typed_session, errors = validate_values(
            inputs.session_defs, ctx.body.session, loc=("contexts", ctx.index, "session")
        )
        typed_customer: dict[str, Any] = {}
        if ctx.body.customer:
            typed_customer, cerrors = validate_values(
                inputs.customer_defs,
                ctx.body.customer,
                loc=("contexts", ctx.index, "customer"),
                check_required=False,
            )
            errors = [*errors, *cerrors]
        if errors:
            ctx.result["reasons"].append(
                reason("invalid_context", errors[0].msg, errors=[e.as_dict() for e in errors])
            )
            continue
        values = dict(inputs.base)
        merged = {**inputs.stored.get(ctx.body.customer_id, {}), **typed_customer}
        for key, value in merged.items():
            values[f"customer.{key}"] = value
        for key, value in typed_session.items():
            values[f"session.{key}"] = value
        if inputs.explain:
            match, trace = rules.explain(values)
            ctx.result["trace"] = trace
        else:
            match = rules.evaluate(values)
        if match is None:
            ctx.result["reasons"].append(
                reason("no_tier_matched", "no tier's condition holds for this customer")
            )
            continue
        ctx.tier = match
        ctx.result["tier"] = {"id": match.tier_id, "name": match.tier_name}
        if inputs.sort_property is not None:
            ctx.result["_sort"] = merged.get(inputs.sort_property)
        for reward in match.rewards:
            minor = _constrain(
                ctx, reward.reward_type, reward.value, reward_types, overrides, inputs.now, bounds
            )
            if minor is not None:
                ctx.rewards.append((reward.reward_type, minor))
        if ctx.rewards:
            evaluable.append(ctx)
    return evaluable


async def resolve_codes(
    ledger: Ledger,
    promocode: Promocode,
    contexts: list[Ctx],
    presented_for_all: str | None,
    *,
    commit: bool,
) -> None:
    """The code each context presents is checked (and its value row kept for the commit), or
    the bulk value it holds found, or marked to be allocated one from the pool."""
    if promocode.type in ("shared", "single_use"):
        own = await ledger.first_value(promocode.id)
        for ctx in contexts:
            presented = ctx.body.code or presented_for_all
            if presented is not None and (own is None or presented.lower() != own.value_key):
                fail(ctx, "code_not_found", f"{presented!r} is not this promocode's value")
                continue
            ctx.code = own.value if own is not None else presented
            if promocode.type == "single_use" and own is not None:
                if own.status == "redeemed":
                    fail(ctx, "code_already_redeemed", "the single-use code was already used")
                    continue
                ctx.value_row = own
        return
    # bulk
    presented_keys = [
        (ctx.body.code or presented_for_all or "").lower()
        for ctx in contexts
        if ctx.body.code or presented_for_all
    ]
    rows = (
        await ledger.values_by_key(promocode.id, presented_keys, lock=commit)
        if presented_keys
        else {}
    )
    to_allocate = [
        ctx.body.customer_id for ctx in contexts if not (ctx.body.code or presented_for_all)
    ]
    allocated = await ledger.allocated_values(promocode.id, to_allocate) if to_allocate else {}
    taken: set[tuple[int, str]] = set()  # presented values, per request
    for ctx in contexts:
        presented = ctx.body.code or presented_for_all
        customer = ctx.body.customer_id
        if presented is None:
            held = allocated.get(customer)
            if held is not None:
                ctx.code = held.value
                ctx.allocated = held
            else:
                ctx.needs_allocation = True
                ctx.code = None
            continue
        row = rows.get(presented.lower())
        if row is None:
            fail(ctx, "code_not_found", f"{presented!r} is not a value of this promocode")
        elif row.status == "redeemed" or (ctx.group, row.value_key) in taken:
            fail(ctx, "code_already_redeemed", f"{row.value!r} was already redeemed")
        elif row.customer_id is not None and row.customer_id != customer:
            fail(
                ctx,
                "code_allocated_to_other_customer",
                f"{row.value!r} is allocated to another customer",
            )
        else:
            taken.add((ctx.group, row.value_key))
            ctx.code = row.value
            ctx.value_row = row


def build_limits(
    promotion: PromotionConfig,
    promocode: Promocode | None,
    reward_types: Mapping[str, RewardTypeView],
    now: datetime,
    tz: ZoneInfo,
    week_start: str,
) -> Limits:
    def start(window: str) -> datetime:
        return window_start(window, now, tz, week_start)

    customer_limits: dict[str, list[CustomerLimit]] = {}
    overrides = promotion.reward_constraints or {}
    for key, view in reward_types.items():
        cons = constraints(overrides, key, view)
        decimals = view.info.decimals
        for item in cons.get("per_customer") or []:
            max_value = item.get("max_value")
            customer_limits.setdefault(key, []).append(
                CustomerLimit(
                    item["window"],
                    start(item["window"]),
                    _to_minor_floor(Decimal(str(max_value)), decimals)
                    if max_value is not None
                    else None,
                    item.get("max_grants"),
                )
            )
    budgets = promotion.budgets or {}
    caps = [
        AudienceCapSpec(c["window"], start(c["window"]), int(c["limit"]))
        for c in budgets.get("audience_caps") or []
    ]
    reward_budgets = []
    for b in budgets.get("reward_budgets") or []:
        budget_type = reward_types.get(b["reward_type"])
        if budget_type is None:
            continue
        reward_budgets.append(
            RewardBudgetSpec(
                b["reward_type"],
                b["window"],
                start(b["window"]),
                _to_minor_floor(Decimal(str(b["limit"])), budget_type.info.decimals),
                b.get("on_exceed", "reject"),
            )
        )
    return Limits(
        promotion_id=promotion.id,
        promocode_id=promocode.id if promocode is not None else None,
        once_per_customer=bool(
            promocode is not None and promocode.type == "shared" and promocode.once_per_customer
        ),
        max_redemptions=(
            1
            if promocode is not None and promocode.type == "single_use"
            else (promocode.max_redemptions if promocode is not None else None)
        ),
        redemptions_count=promocode.redemptions_count if promocode is not None else 0,
        customer_limits=customer_limits,
        audience_caps=caps,
        reward_budgets=reward_budgets,
        has_fallback=bool(promocode is not None and promocode.fallback_value),
    )
