"""Validation: who is eligible, what each customer gets, and — on a commit — the grants.

One call handles 1 to 10,000 contexts in a fixed number of queries: the target (promocode,
promotion), the tenant, the schemas and reward types, the stored customers (one query), the
references already used (one), the counters (one, locked on a commit), the audience members
(one), rolling sums (one per rolling limit kind) and the bulk pool. Then everything is planned
in memory (``openpromo.grant.planner``) and a commit applies it set-wise: one guarded statement
per promotion-wide counter, one upsert for per-customer counters, bulk inserts of grants and
audience members, the CHECK constraints as the backstop.

A dry run (``commit=false``) runs the same planning against the values as they are now and
writes nothing.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.principal import Principal
from openpromo.errors import FieldError, NotFound, Unprocessable
from openpromo.grant.planner import (
    AudienceCapSpec,
    Candidate,
    CounterId,
    CustomerLimit,
    Limits,
    LimitState,
    Outcome,
    Plan,
    RewardBudgetSpec,
    cap_key,
    customer_grants_key,
    customer_value_key,
    needs_selection,
    once_key,
    plan,
    selection_order,
)
from openpromo.grant.repository import GrantRepository
from openpromo.kit.clock import utcnow
from openpromo.kit.durations import parse_duration
from openpromo.kit.ids import new_ids
from openpromo.kit.windows import EPOCH, is_rolling, window_start
from openpromo.models import Grant
from openpromo.models.promocode import Promocode
from openpromo.models.promocode_value import PromocodeValue
from openpromo.rules import (
    CompiledPromotionRules,
    RuleError,
    compile_tiers,
    format_minor,
    format_value,
)
from openpromo.validation.cache import (
    PromotionConfig,
    RewardTypeView,
    TenantConfig,
    promotion_config,
    tenant_config,
)
from openpromo.validation.repository import PromotionHead, ValidationRepository
from openpromo.validation.schemas import ValidateRequest, ValidationContext

ROLLING_LOCK = "rolling-lock"
GC_PAUSE_CONTEXTS = 1000
SMALL_UPSERT = 200  # counters up to which a commit changes them in one statement (PostgreSQL)
SMALL_READ = 1000  # counters + customers up to which a dry run reads its state in one query


@dataclass
class Target:
    promocode_id: str | None = None
    promotion_id: str | None = None
    code: str | None = None  # POST /v1/validate


@dataclass
class _Ctx:
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
class _Outcome:
    """What a call decided, before it is shaped into the §7 response (whole or in slices)."""

    contexts: list[_Ctx]
    promotion_id: str | None
    promocode_id: str | None
    commit: bool
    reward_types: Mapping[str, RewardTypeView]


def _result(body: ValidationContext) -> dict[str, Any]:
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


def _reason(code: str, detail: str, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "detail": detail}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def request_seed(body: bytes) -> bytes:
    """Seed of random audience selection: the request content, so a retry picks the same."""
    return hashlib.sha256(body).digest()


def _to_minor_floor(value: Decimal, decimals: int) -> int:
    return int(value.scaleb(decimals).to_integral_value(rounding=ROUND_DOWN))


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


class ValidationService:
    async def validate(
        self,
        session: AsyncSession,
        principal: Principal,
        target: Target,
        body: ValidateRequest,
        *,
        seed: bytes,
        now: datetime | None = None,
        draft_tiers: Sequence[Any] | None = None,
    ) -> dict[str, Any]:
        """Validate (and on ``body.commit``, grant) every context; the §7 response as a dict.

        ``draft_tiers`` (dry runs only; the tier builder's simulator): evaluate these tiers
        instead of the stored ones, whatever the promotion's status. They are checked as
        ``PUT …/tiers`` checks them (a 422 with locs starting ``["tiers", i]``); nothing is
        stored, and limits, budgets and constraints apply as for the stored tiers."""
        assert draft_tiers is None or not body.commit
        outcome = await self._paused_gc(
            session, principal, target, body, seed=seed, now=now, draft_tiers=draft_tiers
        )
        return self._response(outcome, outcome.contexts)

    async def validate_together(
        self,
        session: AsyncSession,
        principal: Principal,
        target: Target,
        bodies: Sequence[ValidateRequest],
        *,
        seeds: Sequence[bytes],
        now: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Several requests to one target with the same options, validated together in this
        transaction (see ``validation.coalescing``): one §7 response per request, each with
        its own results and summary, for the reads of one.

        Commits are planned as ONE batch (they consume the same budgets, in one transaction;
        the batch's seed is derived from ``seeds``); the caller makes sure no ``reference``
        appears in two of them (in one batch the second would be refused as a repeat). Dry
        runs are planned each on its own, with its own seed, against the same state: a dry
        run answers what would happen to that request alone, so grouped or not it gets the
        same answer."""
        first = bodies[0]
        merged = ValidateRequest.model_construct(
            contexts=[c for b in bodies for c in b.contexts],
            campaign_id=first.campaign_id,
            commit=first.commit,
            explain=first.explain,
        )
        seed = seeds[0] if len(seeds) == 1 else hashlib.sha256(b"".join(seeds)).digest()
        groups = [len(b.contexts) for b in bodies]
        outcome = await self._paused_gc(
            session,
            principal,
            target,
            merged,
            seed=seed,
            now=now,
            groups=None if first.commit else (groups, seeds),
        )
        responses: list[dict[str, Any]] = []
        start = 0
        for body in bodies:
            end = start + len(body.contexts)
            responses.append(self._response(outcome, outcome.contexts[start:end]))
            start = end
        return responses

    async def _paused_gc(
        self,
        session: AsyncSession,
        principal: Principal,
        target: Target,
        body: ValidateRequest,
        *,
        seed: bytes,
        now: datetime | None,
        groups: tuple[Sequence[int], Sequence[bytes]] | None = None,
        draft_tiers: Sequence[Any] | None = None,
    ) -> _Outcome:
        # A big batch allocates a few hundred thousand short-lived objects; the cyclic
        # collector would walk them again and again for nothing (they are freed by reference
        # counting), so it is paused for the batch and resumed after.
        paused = len(body.contexts) >= GC_PAUSE_CONTEXTS and gc.isenabled()
        if paused:
            gc.disable()
        try:
            return await self._validate(
                session,
                principal,
                target,
                body,
                seed=seed,
                now=now,
                groups=groups,
                draft_tiers=draft_tiers,
            )
        finally:
            if paused:
                gc.enable()

    async def _validate(
        self,
        session: AsyncSession,
        principal: Principal,
        target: Target,
        body: ValidateRequest,
        *,
        seed: bytes,
        now: datetime | None,
        groups: tuple[Sequence[int], Sequence[bytes]] | None = None,
        draft_tiers: Sequence[Any] | None = None,
    ) -> _Outcome:
        """``groups`` (dry runs only): the sizes of the requests ``body`` joins, in order, and
        their seeds; each is planned on its own against the state read once for all."""
        assert groups is None or not body.commit
        now = now or utcnow()
        tenant_id = principal.tenant_id
        vrepo = ValidationRepository(session, tenant_id)
        contexts = [_Ctx(i, c, _result(c)) for i, c in enumerate(body.contexts)]
        if groups is not None:
            position = 0
            for number, size in enumerate(groups[0]):
                for ctx in contexts[position : position + size]:
                    ctx.group = number
                position += size
        promocode: Promocode | None = None
        presented_for_all: str | None = None
        if target.code is not None:
            promocode = await vrepo.promocode_by_value(target.code)
            if promocode is None:
                return self._all_fail(
                    contexts,
                    None,
                    None,
                    body.commit,
                    _reason("code_not_found", f"no promocode has the value {target.code!r}"),
                )
            presented_for_all = target.code
        elif target.promocode_id is not None:
            promocode = await vrepo.promocode(target.promocode_id)
            if promocode is None:
                raise NotFound(detail=f"promocode {target.promocode_id} not found")
        head: PromotionHead | None
        if promocode is not None:
            if promocode.hidden:
                return self._all_fail(
                    contexts,
                    promocode.promotion_id,
                    promocode.id,
                    body.commit,
                    _reason("promocode_hidden", "the promocode is hidden"),
                )
            if promocode.promotion_id is None:
                return self._all_fail(
                    contexts,
                    None,
                    promocode.id,
                    body.commit,
                    _reason("promocode_unassigned", "the promocode is not assigned to a promotion"),
                )
            head = await vrepo.promotion_head(promocode.promotion_id)
        else:
            head = await vrepo.promotion_head(target.promotion_id or "")
            if head is None:
                raise NotFound(detail=f"promotion {target.promotion_id} not found")
        assert head is not None
        pc_id = promocode.id if promocode is not None else None
        if head.status != "active" and draft_tiers is None:
            return self._all_fail(
                contexts,
                head.id,
                pc_id,
                body.commit,
                _reason("promotion_not_active", f"the promotion is {head.status}"),
            )
        if promocode is not None:
            linked = await vrepo.campaign_ids(promocode.id)
            if linked and body.campaign_id not in linked:
                return self._all_fail(
                    contexts,
                    head.id,
                    pc_id,
                    body.commit,
                    _reason(
                        "campaign_not_linked",
                        "the promocode is linked to campaigns: name one of them in campaign_id",
                    ),
                )

        from openpromo.customer.service import customer_service
        from openpromo.schema.values import validate_values

        config = await tenant_config(vrepo, head)
        promotion = await promotion_config(vrepo, head, config)
        tz = ZoneInfo(head.timezone)
        rules = promotion.rules if draft_tiers is None else _draft_rules(draft_tiers, config)
        reward_types = config.reward_types
        session_defs = config.scope("session")
        customer_defs = config.scope("customer")
        overrides = promotion.reward_constraints
        base: dict[str, Any] = dict(promotion.base)
        local = now.astimezone(tz)
        base["context.now"] = now
        base["context.date"] = local.date()
        base["context.weekday"] = local.isoweekday()
        base["context.hour"] = local.hour
        if body.campaign_id is not None:
            base["context.campaign_id"] = body.campaign_id

        customer_ids = list(dict.fromkeys(c.body.customer_id for c in contexts))
        stored = await customer_service.load_properties(
            session, tenant_id, customer_ids, types=config.scope_types("customer")
        )
        grepo = GrantRepository(session, tenant_id)

        # references already used
        references = [c.body.reference for c in contexts if c.body.reference]
        existing = (
            await grepo.by_references(promotion.id, list(dict.fromkeys(references)))
            if references
            else {}
        )

        selection = (promotion.budgets or {}).get("audience_selection") or {"method": "random"}
        attr = selection.get("property") if selection.get("method") == "attribute" else None
        seen_refs: set[tuple[int, str]] = set()
        evaluable: list[_Ctx] = []
        bounds: dict[str, _Bounds | None] = {}
        for ctx in contexts:
            ref = ctx.body.reference
            if ref and ref in existing:
                self._from_existing(ctx, existing[ref], rules, reward_types)
                continue
            if ref and (ctx.group, ref) in seen_refs:
                ctx.result["reasons"].append(
                    _reason("invalid_context", "this reference appears twice in the request")
                )
                continue
            if ref:
                seen_refs.add((ctx.group, ref))
            typed_session, errors = validate_values(
                session_defs, ctx.body.session, loc=("contexts", ctx.index, "session")
            )
            typed_customer: dict[str, Any] = {}
            if ctx.body.customer:
                typed_customer, cerrors = validate_values(
                    customer_defs,
                    ctx.body.customer,
                    loc=("contexts", ctx.index, "customer"),
                    check_required=False,
                )
                errors = [*errors, *cerrors]
            if errors:
                ctx.result["reasons"].append(
                    _reason(
                        "invalid_context",
                        errors[0].msg,
                        errors=[e.as_dict() for e in errors],
                    )
                )
                continue
            values = dict(base)
            merged = {**stored.get(ctx.body.customer_id, {}), **typed_customer}
            for key, value in merged.items():
                values[f"customer.{key}"] = value
            for key, value in typed_session.items():
                values[f"session.{key}"] = value
            if body.explain:
                match, trace = rules.explain(values)
                ctx.result["trace"] = trace
            else:
                match = rules.evaluate(values)
            if match is None:
                ctx.result["reasons"].append(
                    _reason("no_tier_matched", "no tier's condition holds for this customer")
                )
                continue
            ctx.tier = match
            ctx.result["tier"] = {"id": match.tier_id, "name": match.tier_name}
            if attr is not None:
                ctx.result["_sort"] = merged.get(attr)
            for reward in match.rewards:
                minor = self._constrain(
                    ctx, reward.reward_type, reward.value, reward_types, overrides, now, bounds
                )
                if minor is not None:
                    ctx.rewards.append((reward.reward_type, minor))
            if ctx.rewards:
                evaluable.append(ctx)

        # codes
        if promocode is not None and evaluable:
            await self._resolve_codes(
                grepo, promocode, evaluable, presented_for_all, commit=body.commit
            )
        candidates_ctx = [c for c in evaluable if not c.result["reasons"] or c.rewards]
        candidates_ctx = [c for c in candidates_ctx if not _blocked(c)]

        # limits
        limits = self._limits(promotion, promocode, reward_types, now, tz, head.week_start)
        candidates = [
            Candidate(
                c.index,
                c.body.customer_id,
                c.rewards,
                needs_allocation=c.needs_allocation,
                redeems=promocode is not None and promocode.type in ("shared", "single_use"),
                sort_value=c.result.pop("_sort", None),
            )
            for c in candidates_ctx
        ]
        by_index = {c.index: c for c in contexts}
        claimed: set[str] = set()
        if body.commit and candidates:
            claims = [
                (c.body.reference, c.body.customer_id) for c in candidates_ctx if c.body.reference
            ]
            claimed = await grepo.claim_references(promotion.id, claims, now)
            lost = [r for r, _ in claims if r not in claimed]
            if lost:
                again = await grepo.by_references(promotion.id, lost)
                for c in candidates_ctx:
                    if c.body.reference in lost:
                        self._from_existing(
                            c, again.get(c.body.reference or "", []), rules, reward_types
                        )
                candidates = [
                    cand for cand in candidates if by_index[cand.index].body.reference not in lost
                ]
        state = await self._load_state(
            grepo, vrepo, promotion, promocode, limits, candidates, commit=body.commit, now=now
        )
        outcomes: list[Outcome] = []
        if groups is not None:  # each request of a grouped dry run alone, on the same state
            by_group: dict[int, list[Candidate]] = {}
            for cand in candidates:
                by_group.setdefault(by_index[cand.index].group, []).append(cand)
            for number, mine in by_group.items():
                part = self._plan(mine, limits, state, selection, groups[1][number], commit=False)
                outcomes.extend(part.outcomes.values())
        else:
            planned = self._plan(candidates, limits, state, selection, seed, commit=body.commit)
            outcomes.extend(planned.outcomes.values())
        if body.commit:
            await self._apply(
                grepo,
                promotion,
                promocode,
                planned,
                by_index,
                reward_types,
                state,
                body.campaign_id,
                now,
            )
            unused = [
                by_index[o.index].body.reference
                for o in outcomes
                if not o.granted and by_index[o.index].body.reference in claimed
            ]
            if unused:
                await grepo.release_references(promotion.id, unused)  # type: ignore[arg-type]
        for outcome in outcomes:
            self._outcome_into(by_index[outcome.index], outcome, reward_types, promocode)
        return _Outcome(contexts, promotion.id, pc_id, body.commit, reward_types)

    # -- steps ----------------------------------------------------------------------------

    @staticmethod
    def _plan(
        candidates: list[Candidate],
        limits: Limits,
        state: LimitState,
        selection: Mapping[str, Any],
        seed: bytes,
        *,
        commit: bool,
    ) -> Plan:
        """Order the candidates (audience selection, when the caps cannot take them all) and
        plan them against ``state``, which planning does not change. A dry run needs no
        counter deltas."""
        if candidates and limits.audience_caps and needs_selection(candidates, limits, state):
            descending = selection.get("order", "desc") == "desc"
            ordered = selection_order(
                candidates, selection.get("method", "random"), seed, descending
            )
        else:
            ordered = candidates
        return plan(ordered, limits, state, with_deltas=commit)

    def _constrain(
        self,
        ctx: _Ctx,
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
                None
                if view is None
                else _Bounds.of(self._constraints(overrides, reward_type, view), view)
            )
        bounds = bounds_cache[reward_type]
        if bounds is None:
            return None
        if (bounds.valid_from is not None and now < bounds.valid_from) or (
            bounds.valid_until is not None and now > bounds.valid_until
        ):
            ctx.result["reasons"].append(
                _reason(
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
                _reason(
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

    @staticmethod
    def _constraints(
        overrides: Mapping[str, Any], reward_type: str, view: RewardTypeView
    ) -> dict[str, Any]:
        """A promotion's constraints for a reward type replace the type's defaults whole."""
        if reward_type in overrides:
            return dict(overrides[reward_type] or {})
        return dict(view.constraints)

    async def _resolve_codes(
        self,
        grepo: GrantRepository,
        promocode: Promocode,
        contexts: list[_Ctx],
        presented_for_all: str | None,
        *,
        commit: bool,
    ) -> None:
        if promocode.type in ("shared", "single_use"):
            own = await grepo.first_value(promocode.id)
            for ctx in contexts:
                presented = ctx.body.code or presented_for_all
                if presented is not None and (own is None or presented.lower() != own.value_key):
                    _fail(ctx, "code_not_found", f"{presented!r} is not this promocode's value")
                    continue
                ctx.code = own.value if own is not None else presented
                if promocode.type == "single_use" and own is not None:
                    if own.status == "redeemed":
                        _fail(ctx, "code_already_redeemed", "the single-use code was already used")
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
            await grepo.values_by_key(promocode.id, presented_keys, lock=commit)
            if presented_keys
            else {}
        )
        to_allocate = [
            ctx.body.customer_id for ctx in contexts if not (ctx.body.code or presented_for_all)
        ]
        allocated = await grepo.allocated_values(promocode.id, to_allocate) if to_allocate else {}
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
                _fail(ctx, "code_not_found", f"{presented!r} is not a value of this promocode")
            elif row.status == "redeemed" or (ctx.group, row.value_key) in taken:
                _fail(ctx, "code_already_redeemed", f"{row.value!r} was already redeemed")
            elif row.customer_id is not None and row.customer_id != customer:
                _fail(
                    ctx,
                    "code_allocated_to_other_customer",
                    f"{row.value!r} is allocated to another customer",
                )
            else:
                taken.add((ctx.group, row.value_key))
                ctx.code = row.value
                ctx.value_row = row

    def _limits(
        self,
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
            cons = self._constraints(overrides, key, view)
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

    async def _load_state(
        self,
        grepo: GrantRepository,
        vrepo: ValidationRepository,
        promotion: PromotionConfig,
        promocode: Promocode | None,
        limits: Limits,
        candidates: Sequence[Candidate],
        *,
        commit: bool,
        now: datetime,
    ) -> LimitState:
        state = LimitState()
        if not candidates:
            return state
        pid = promotion.id
        lock = commit
        if (
            commit
            and promocode is not None
            and (limits.max_redemptions is not None or limits.once_per_customer)
        ):
            locked = await grepo.lock_promocode(promocode.id)
            if locked is not None:
                limits.redemptions_count = locked.redemptions_count
        customers = sorted({c.customer_id for c in candidates})
        reward_types = {r for c in candidates for r, _ in c.rewards}
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
        if rolling_needed and commit:
            # Rolling sums are exact only if no one else grants in this promotion meanwhile.
            calendar[(f"{pid}:{ROLLING_LOCK}", EPOCH)] = 0
        if commit:
            await grepo.ensure_counters(calendar)
        cap_counters = [
            (cap_key(pid, cap.window), cap.window_start)
            for cap in limits.audience_caps
            if not is_rolling(cap.window)
        ]
        small = len(calendar) + len(customers) <= SMALL_READ
        if small and (not lock or grepo.is_postgres):
            # Counters and audience members in one round trip (a commit: counters locked).
            read = grepo.lock_counters_and_read_members if lock else grepo.read_counters_and_members
            state.used, members = await read(calendar.keys(), cap_counters, customers)
            if cap_counters:
                state.members = members
        else:
            state.used = await grepo.read_counters(calendar.keys(), lock=lock)
            if cap_counters:
                state.members = await grepo.members(cap_counters, customers)
        if rolling_needed:
            await self._load_rolling(grepo, pid, limits, customers, state)
        needed = sum(1 for c in candidates if c.needs_allocation)
        if needed and promocode is not None:
            rows = await grepo.available_values(promocode.id, needed, lock=commit)
            state.pool_available = len(rows)
            state.pool_rows = rows
        return state

    async def _load_rolling(
        self,
        grepo: GrantRepository,
        pid: str,
        limits: Limits,
        customers: Sequence[str],
        state: LimitState,
    ) -> None:
        for cap in limits.audience_caps:
            if not is_rolling(cap.window):
                continue
            counter = (cap_key(pid, cap.window), cap.window_start)
            state.used[counter] = await grepo.rolling_distinct_customers(pid, cap.window_start)
            granted = await grepo.rolling_by_customer(pid, customers, cap.window_start)
            state.members[counter] = {c for c, _ in granted}
        for b in limits.reward_budgets:
            if is_rolling(b.window):
                sums = await grepo.rolling_value_by_type(pid, b.window_start)
                key = f"{pid}:budget:{b.reward_type}:{b.window}"
                state.used[(key, b.window_start)] = sums.get(b.reward_type, 0)
        for reward_type, lims in limits.customer_limits.items():
            for lim in lims:
                if not is_rolling(lim.window):
                    continue
                usage = await grepo.rolling_by_customer(pid, customers, lim.window_start)
                for (cust, rtype), (total, count) in usage.items():
                    if rtype != reward_type:
                        continue
                    state.used[
                        (customer_value_key(pid, reward_type, lim.window, cust), lim.window_start)
                    ] = total
                    state.used[
                        (customer_grants_key(pid, reward_type, lim.window, cust), lim.window_start)
                    ] = count

    async def _apply(
        self,
        grepo: GrantRepository,
        promotion: PromotionConfig,
        promocode: Promocode | None,
        planned: Plan,
        by_index: Mapping[int, _Ctx],
        reward_types: Mapping[str, RewardTypeView],
        state: LimitState,
        campaign_id: str | None,
        now: datetime,
    ) -> None:
        pid = promotion.id
        promotion_wide: dict[CounterId, tuple[int, int]] = {}
        per_customer: dict[CounterId, tuple[int, int]] = {}
        for counter, delta in planned.deltas.items():
            if counter[0].startswith(f"{pid}:cap:") or counter[0].startswith(f"{pid}:budget:"):
                promotion_wide[counter] = delta
            else:
                per_customer[counter] = delta
        hot = {c: d for c, d in promotion_wide.items() if d[0]}
        all_counters = {**hot, **per_customer}
        small = grepo.is_postgres and len(all_counters) <= SMALL_UPSERT
        # The promotion-wide rows are locked from the locking read to COMMIT, so the round
        # trips in between bound single-customer commit throughput. PostgreSQL, few counters,
        # no promocode: every write of the commit in one statement (at the end); with a
        # promocode, all counters in one statement here.
        deferred = small and promocode is None
        if deferred:
            pass
        elif small:
            await grepo.consume_all_guarded(all_counters)
        else:
            for counter, (amount, limit) in sorted(hot.items()):
                await grepo.consume_guarded(counter, amount, limit)
            if per_customer:
                await grepo.consume_many(per_customer)
        if planned.redemptions and promocode is not None:
            await grepo.add_redemptions(promocode.id, planned.redemptions)
        members: list[tuple[str, datetime, str]] = []
        pool = list(state.pool_rows)
        allocations: list[tuple[int, str]] = []
        rows: list[dict[str, Any]] = []
        overrides = promotion.reward_constraints or {}
        expiry: dict[str, datetime | None] = {}  # by reward type: when its grants expire
        # Ids sorted up front so that ledger order (by id) is the batch's order.
        granted = [o for o in planned.outcomes.values() if o.granted]
        ids = iter(sorted(new_ids(sum(len(o.granted) for o in granted))))
        group_ids = iter(new_ids(len(granted)))
        for outcome in sorted(planned.outcomes.values(), key=lambda o: o.index):
            if not outcome.granted:
                continue
            ctx = by_index[outcome.index]
            cust = outcome.customer_id
            for key, start in outcome.new_memberships:
                if not key.endswith(
                    tuple(f":{w}" for w in ("rolling_24h", "rolling_7d", "rolling_30d"))
                ):
                    members.append((key, start, cust))
            if outcome.allocate:
                vid, value = pool.pop(0)
                allocations.append((vid, cust))
                ctx.code = value
            elif outcome.use_fallback and promocode is not None:
                ctx.code = promocode.fallback_value
            if ctx.value_row is not None:
                await grepo.redeem(ctx.value_row.id, cust, now)
            group = next(group_ids)
            shared = [c.as_json() for c in outcome.shared if not c.rolling]
            if outcome.redeems:
                shared.append({"redemption": True})
            for reward in outcome.granted:
                if reward.reward_type not in expiry:
                    view = reward_types[reward.reward_type]
                    cons = self._constraints(overrides, reward.reward_type, view)
                    expiry[reward.reward_type] = (
                        now + parse_duration(cons["grant_expires_after"])
                        if cons.get("grant_expires_after")
                        else None
                    )
                expires = expiry[reward.reward_type]
                grant_id = next(ids)
                rows.append(
                    {
                        "id": grant_id,
                        "tenant_id": grepo.tenant_id,
                        "customer_id": cust,
                        "promotion_id": pid,
                        "promotion_version": promotion.version,
                        "promocode_id": promocode.id if promocode is not None else None,
                        "code": ctx.code,
                        "campaign_id": campaign_id,
                        "tier_id": ctx.tier.tier_id,
                        "reward_type": reward.reward_type,
                        "value_minor": reward.value,
                        "status": "granted",
                        "reference": ctx.body.reference,
                        "group_id": group,
                        "consumed": [c.as_json() for c in reward.consumptions if not c.rolling]
                        + shared,
                        "expires_at": expires,
                        "created_at": now,
                        "reversed_at": None,
                    }
                )
                ctx.result["grant_ids"].append(grant_id)
        if allocations:
            await grepo.allocate(allocations, now)
        if deferred:
            if rows:
                await grepo.write_all(all_counters, rows, members)
            else:
                await grepo.consume_all_guarded(all_counters)
                await grepo.insert_grants_and_members(rows, members)
            return
        if grepo.is_postgres:
            await grepo.insert_grants_and_members(rows, members)
            return
        if members:
            await grepo.add_members(members)
        if rows:
            await grepo.insert_grants(rows)

    # -- results --------------------------------------------------------------------------

    def _outcome_into(
        self,
        ctx: _Ctx,
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

    def _from_existing(
        self,
        ctx: _Ctx,
        grants: Sequence[Grant],
        rules: Any,
        reward_types: Mapping[str, RewardTypeView],
    ) -> None:
        live = [g for g in grants if g.status == "granted"] or list(grants)
        result = ctx.result
        if not live:
            return
        first = live[0]
        names = {t.id: t.name for t in getattr(rules, "tiers", ())}
        result["eligible"] = any(g.status == "granted" for g in live)
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

    def _all_fail(
        self,
        contexts: list[_Ctx],
        promotion_id: str | None,
        promocode_id: str | None,
        commit: bool,
        reason: dict[str, Any],
    ) -> _Outcome:
        for ctx in contexts:
            ctx.result["reasons"].append(dict(reason))
        return _Outcome(contexts, promotion_id, promocode_id, commit, {})

    def _response(self, outcome: _Outcome, contexts: Sequence[_Ctx]) -> dict[str, Any]:
        reward_types = outcome.reward_types
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
            "promotion_id": outcome.promotion_id,
            "promocode_id": outcome.promocode_id,
            "commit": outcome.commit,
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


def _draft_rules(tiers: Sequence[Any], config: TenantConfig) -> CompiledPromotionRules:
    """Unsaved tiers compiled as ``set_tiers`` compiles them; their problems as a 422."""
    try:
        return compile_tiers(list(tiers), config.types, config.infos)
    except RuleError as exc:
        errors = [FieldError(i.loc, i.msg, i.type) for i in exc.issues]
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise Unprocessable(
            detail=f"{'.'.join(str(p) for p in first.loc)}: {first.msg}{more}", errors=errors
        ) from exc


def _show(minor: int, reward_types: Mapping[str, RewardTypeView], key: str) -> str:
    view = reward_types.get(key)
    return format_minor(minor, view.info.decimals if view is not None else 0)


def _dt(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _fail(ctx: _Ctx, code: str, detail: str) -> None:
    ctx.result["reasons"].append(_reason(code, detail))
    ctx.rewards = []


def _blocked(ctx: _Ctx) -> bool:
    return not ctx.rewards


validation_service = ValidationService()

__all__ = ["Target", "request_seed", "validation_service"]
