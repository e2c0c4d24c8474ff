"""Validation: who is eligible, what each customer gets, and — on a commit — the grants.

One call reads as **load → plan → apply**:

* ``_load`` — the target (promocode, promotion) and everything the call is planned against,
  in a fixed number of queries for 1 to 10,000 contexts: the tenant's configuration and the
  promotion's compiled rules (cached per process, ``validation.cache``), the stored customers
  (one query), the references already used (one), and — through the ledger — the counters
  (one, locked on a commit), the audience members (one), rolling sums (one per rolling limit
  kind) and the bulk pool. Each context is checked and evaluated (``validation.evaluate``).
* ``_plan`` — pure, in memory (``validation.planner``): who gets what within every limit.
* ``_apply`` — a commit's plan turned into ledger rows and written by ``Ledger.write``: one
  guarded statement per promotion-wide counter, one upsert for per-customer counters, bulk
  inserts of grants and audience members, the CHECK constraints as the backstop.

A dry run (``commit=false``) plans the same way against the values as they are now and writes
nothing. The answer is shaped by ``validation.results``.

Just over 600 lines, kept whole on purpose: load → plan → apply read top to bottom in one
file is the point of the split (the helpers are ``evaluate``, ``state``, ``results``).
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.principal import Principal
from openpromo.customer.service import customer_service
from openpromo.errors import FieldError, NotFound, Unprocessable
from openpromo.kit.clock import utcnow
from openpromo.kit.durations import parse_duration
from openpromo.kit.ids import new_ids
from openpromo.ledger.service import BatchWrite, Ledger
from openpromo.models.promocode import Promocode
from openpromo.promotion.service import promotion_service
from openpromo.rules import CompiledPromotionRules, RuleError, compile_tiers
from openpromo.tenant.service import tenant_service
from openpromo.validation.alerts import known_marked, limit_crossings
from openpromo.validation.cache import (
    PromotionConfig,
    RewardTypeView,
    TenantConfig,
    promotion_config,
    tenant_config,
)
from openpromo.validation.evaluate import Inputs, build_limits, constraints, evaluate, resolve_codes
from openpromo.validation.planner import (
    Candidate,
    Limits,
    LimitState,
    Outcome,
    Plan,
    needs_selection,
    plan,
    selection_order,
)
from openpromo.validation.repository import PromotionHead, ValidationRepository
from openpromo.validation.results import (
    Ctx,
    Decided,
    all_fail,
    from_existing,
    holds_into,
    new_result,
    outcome_into,
    reason,
    response,
)
from openpromo.validation.schemas import ValidateRequest
from openpromo.validation.state import load_state
from openpromo.webhook.service import LimitCrossing, webhook_service

GC_PAUSE_CONTEXTS = 1000


@dataclass
class Target:
    promocode_id: str | None = None
    promotion_id: str | None = None
    code: str | None = None  # POST /v1/validate


def request_seed(body: bytes) -> bytes:
    """Seed of random audience selection: the request content, so a retry picks the same."""
    return hashlib.sha256(body).digest()


@dataclass
class _Found:
    """The target a call resolved to."""

    promocode: Promocode | None
    head: PromotionHead
    presented_for_all: str | None  # POST /v1/validate: the value every context presents


@dataclass
class _Loaded:
    """What the load step read and decided before planning."""

    promotion: PromotionConfig
    promocode: Promocode | None
    reward_types: Mapping[str, RewardTypeView]
    selection: Mapping[str, Any]
    limits: Limits
    candidates: list[Candidate]
    state: LimitState
    claimed: set[str]  # references this commit claimed


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
        holds: bool = False,
    ) -> dict[str, Any]:
        """Validate (and on ``body.commit``, grant) every context; the §7 response as a dict.

        ``holds`` (dry runs; the simulator): each result also carries ``_holds``, what a
        commit or a reservation would take (``results.holds_into``) — never in an API answer.

        ``draft_tiers`` (dry runs only; the tier builder's simulator): evaluate these tiers
        instead of the stored ones, whatever the promotion's status. They are checked as
        ``PUT …/tiers`` checks them (a 422 with locs starting ``["tiers", i]``); nothing is
        stored, and limits, budgets and constraints apply as for the stored tiers."""
        assert draft_tiers is None or not body.commit
        outcome = await self._paused_gc(
            session,
            principal,
            target,
            body,
            seed=seed,
            now=now,
            draft_tiers=draft_tiers,
            holds=holds,
        )
        if outcome.created:
            await self._grants_created(session, principal, outcome, body, [len(body.contexts)])
        return response(outcome, outcome.contexts)

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
            reserve_for=first.reserve_for,
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
        if outcome.created:
            await self._grants_created(session, principal, outcome, first, groups)
        responses: list[dict[str, Any]] = []
        start = 0
        for body in bodies:
            end = start + len(body.contexts)
            responses.append(response(outcome, outcome.contexts[start:end]))
            start = end
        return responses

    @staticmethod
    async def _grants_created(
        session: AsyncSession,
        principal: Principal,
        outcome: Decided,
        body: ValidateRequest,
        groups: Sequence[int],
    ) -> None:
        """One grants.created event per request (``groups``: the sizes of the requests the
        call joined, in order), in the commit's transaction."""
        created = outcome.created or {}
        batches: list[dict[str, Any]] = []
        start = 0
        for size in groups:
            grants = [g for i in range(start, start + size) for g in created.get(i, ())]
            start += size
            batches.append(
                {
                    "promotion_id": outcome.promotion_id,
                    "promocode_id": outcome.promocode_id,
                    "campaign_id": body.campaign_id,
                    "grants": grants,
                }
            )
        await webhook_service.emit_grants_created(session, principal.tenant_id, batches, utcnow())

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
        holds: bool = False,
    ) -> Decided:
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
                holds=holds,
            )
        finally:
            if paused:
                gc.enable()

    async def _pool_low(
        self,
        session: AsyncSession,
        tenant_id: str,
        ledger: Ledger,
        loaded: _Loaded,
        planned: Plan,
    ) -> None:
        """``promocode.pool_low`` when this commit allocated bulk values and the pool is at or
        below its low-water mark afterwards. Only for a subscribed tenant (cached), and then a
        count bounded by the mark: no cost on the hot path otherwise."""
        pc = loaded.promocode
        assert pc is not None
        threshold = pc.pool_low_threshold
        if threshold <= 0 or not any(o.allocate for o in planned.outcomes.values() if o.granted):
            return
        if not await webhook_service.wants(session, tenant_id, "promocode.pool_low"):
            return
        remaining = await ledger.available_count(pc.id, threshold + 1)
        if remaining > threshold:
            return
        await webhook_service.pool_low(
            session,
            tenant_id,
            loaded.promotion.id,
            pc.id,
            pc.updated_at,
            {
                "promocode_id": pc.id,
                "promotion_id": loaded.promotion.id,
                "remaining": remaining,
                "threshold": threshold,
            },
        )

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
        holds: bool = False,
    ) -> Decided:
        """Load → plan → apply. ``groups`` (dry runs only): the sizes of the requests
        ``body`` joins, in order, and their seeds; each is planned on its own against the
        state read once for all. ``draft_tiers``: see ``validate``."""
        assert groups is None or not body.commit
        now = now or utcnow()
        hold = await self._hold(session, principal.tenant_id, body, now)
        contexts = [Ctx(i, c, new_result(c)) for i, c in enumerate(body.contexts)]
        if groups is not None:
            position = 0
            for number, size in enumerate(groups[0]):
                for ctx in contexts[position : position + size]:
                    ctx.group = number
                position += size
        vrepo = ValidationRepository(session, principal.tenant_id)
        found = await self._find_target(
            vrepo, target, contexts, body, draft=draft_tiers is not None
        )
        if isinstance(found, Decided):
            return found
        ledger = Ledger(session, principal.tenant_id)
        by_index = {c.index: c for c in contexts}
        loaded = await self._load(
            session, vrepo, ledger, found, contexts, by_index, body, now, draft_tiers
        )
        outcomes, planned = self._plan_all(loaded, by_index, seed, groups, commit=bool(body.commit))
        created: dict[int, list[dict[str, Any]]] | None = None
        if body.commit:
            assert planned is not None
            wanted = await webhook_service.wants(session, principal.tenant_id, "grants.created")
            created = await self._apply(
                ledger,
                loaded,
                planned,
                by_index,
                body.campaign_id,
                now,
                collect=wanted and hold is None,
                hold=hold,
            )
            crossings = limit_crossings(
                loaded.promotion.id,
                loaded.promotion.budgets,
                planned.deltas,
                {**loaded.state.used, **ledger.seen},
                catch_up=set(ledger.seen),
            )
            if crossings:
                await self._reach(session, principal.tenant_id, crossings)
            pc = loaded.promocode
            if pc is not None and pc.type == "bulk":
                needed = sum(1 for c in loaded.candidates if c.needs_allocation)
                if needed > loaded.state.pool_available:
                    await webhook_service.pool_exhausted(
                        session,
                        principal.tenant_id,
                        loaded.promotion.id,
                        pc.id,
                        pc.updated_at,
                        {
                            "promocode_id": pc.id,
                            "promotion_id": loaded.promotion.id,
                            "needed": needed,
                            "available": loaded.state.pool_available,
                        },
                    )
                await self._pool_low(session, principal.tenant_id, ledger, loaded, planned)
            unused = [
                ref
                for o in outcomes
                if not o.granted
                and (ref := by_index[o.index].body.reference) is not None
                and ref in loaded.claimed
            ]
            if unused:
                await ledger.release_references(loaded.promotion.id, unused)
        for outcome in outcomes:
            outcome_into(by_index[outcome.index], outcome, loaded.reward_types, loaded.promocode)
            if holds and not body.commit:
                holds_into(by_index[outcome.index], outcome, loaded.state)
        pc_id = found.promocode.id if found.promocode is not None else None
        return Decided(
            contexts, loaded.promotion.id, pc_id, body.commit, loaded.reward_types, created
        )

    @staticmethod
    async def _hold(
        session: AsyncSession, tenant_id: str, body: ValidateRequest, now: datetime
    ) -> datetime | None:
        """``commit: "reserve"``: until when the reservations are held (the tenant's default,
        or ``reserve_for`` up to the tenant's maximum); None for anything else."""
        if body.commit != "reserve":
            if body.reserve_for is not None:
                msg = 'reserve_for needs commit "reserve"'
                raise Unprocessable(
                    detail=msg, errors=[FieldError(("body", "reserve_for"), msg, "value_error")]
                )
            return None
        tenant = await tenant_service.get(session, tenant_id)
        seconds = body.reserve_for or tenant.reservation_default_seconds
        if seconds > tenant.reservation_max_seconds:
            msg = (
                f"reserve_for is at most {tenant.reservation_max_seconds} seconds "
                "(the tenant's reservation_max_seconds)"
            )
            raise Unprocessable(
                detail=msg, errors=[FieldError(("body", "reserve_for"), msg, "less_than_equal")]
            )
        return now + timedelta(seconds=seconds)

    @staticmethod
    async def _reach(session: AsyncSession, tenant_id: str, crossings: list[LimitCrossing]) -> None:
        """Threshold events (once per window and threshold) and the kill switches they
        trip: the promotion is deactivated in this commit, audited as the system."""
        first = await webhook_service.reach_thresholds(session, tenant_id, crossings)
        known_marked([c for c in crossings if c not in first])
        for crossing in first:
            if not crossing.deactivate:
                continue
            system = Principal.system(tenant_id)
            current = await promotion_service.get(session, system, crossing.promotion_id)
            if current.status != "active":
                continue
            await promotion_service.deactivate(
                session,
                system,
                crossing.promotion_id,
                reason="kill_switch",
                details={"limit": crossing.data["limit"], "threshold": crossing.threshold},
            )

    # -- load -----------------------------------------------------------------------------

    async def _find_target(
        self,
        vrepo: ValidationRepository,
        target: Target,
        contexts: list[Ctx],
        body: ValidateRequest,
        *,
        draft: bool = False,
    ) -> _Found | Decided:
        """The promocode and promotion validated against, or the answer every context gets
        when they cannot be validated against (an unknown id raises ``NotFound``). A draft
        (the tier builder's simulator) is validated whatever the promotion's status."""
        promocode: Promocode | None = None
        presented_for_all: str | None = None
        if target.code is not None:
            promocode = await vrepo.promocode_by_value(target.code)
            if promocode is None:
                return all_fail(
                    contexts,
                    None,
                    None,
                    body.commit,
                    reason("code_not_found", f"no promocode has the value {target.code!r}"),
                )
            presented_for_all = target.code
        elif target.promocode_id is not None:
            promocode = await vrepo.promocode(target.promocode_id)
            if promocode is None:
                raise NotFound(detail=f"promocode {target.promocode_id} not found")
        head: PromotionHead | None
        if promocode is not None:
            if promocode.hidden:
                return all_fail(
                    contexts,
                    promocode.promotion_id,
                    promocode.id,
                    body.commit,
                    reason("promocode_hidden", "the promocode is hidden"),
                )
            if promocode.promotion_id is None:
                return all_fail(
                    contexts,
                    None,
                    promocode.id,
                    body.commit,
                    reason("promocode_unassigned", "the promocode is not assigned to a promotion"),
                )
            head = await vrepo.promotion_head(promocode.promotion_id)
        else:
            head = await vrepo.promotion_head(target.promotion_id or "")
            if head is None:
                raise NotFound(detail=f"promotion {target.promotion_id} not found")
        assert head is not None
        pc_id = promocode.id if promocode is not None else None
        if head.status != "active" and not draft:
            return all_fail(
                contexts,
                head.id,
                pc_id,
                body.commit,
                reason("promotion_not_active", f"the promotion is {head.status}"),
            )
        if promocode is not None:
            linked = await vrepo.campaign_ids(promocode.id)
            if linked and body.campaign_id not in linked:
                return all_fail(
                    contexts,
                    head.id,
                    pc_id,
                    body.commit,
                    reason(
                        "campaign_not_linked",
                        "the promocode is linked to campaigns: name one of them in campaign_id",
                    ),
                )
        return _Found(promocode, head, presented_for_all)

    async def _load(
        self,
        session: AsyncSession,
        vrepo: ValidationRepository,
        ledger: Ledger,
        found: _Found,
        contexts: list[Ctx],
        by_index: Mapping[int, Ctx],
        body: ValidateRequest,
        now: datetime,
        draft_tiers: Sequence[Any] | None = None,
    ) -> _Loaded:
        """Configuration, stored customers and used references; each context evaluated; the
        codes checked; on a commit, the references claimed; the limits' state read.
        ``draft_tiers`` replace the stored (compiled) tiers of this call only."""
        head, promocode = found.head, found.promocode
        config = await tenant_config(vrepo, head)
        promotion = await promotion_config(vrepo, head, config)
        if draft_tiers is not None:
            # A copy: the cached configuration is shared by concurrent calls.
            promotion = replace(promotion, rules=_draft_rules(draft_tiers, config))
        tz = ZoneInfo(head.timezone)
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
            session, vrepo.tenant_id, customer_ids, types=config.scope_types("customer")
        )
        references = [c.body.reference for c in contexts if c.body.reference]
        existing = await ledger.existing(promotion.id, references)
        selection = (promotion.budgets or {}).get("audience_selection") or {"method": "random"}
        inputs = Inputs(
            promotion=promotion,
            reward_types=config.reward_types,
            session_defs=config.scope("session"),
            customer_defs=config.scope("customer"),
            base=base,
            stored=stored,
            existing=existing,
            sort_property=(
                selection.get("property") if selection.get("method") == "attribute" else None
            ),
            explain=body.explain,
            now=now,
        )
        evaluable = evaluate(contexts, inputs)
        if promocode is not None and evaluable:
            await resolve_codes(
                ledger, promocode, evaluable, found.presented_for_all, commit=bool(body.commit)
            )
        candidates_ctx = [c for c in evaluable if c.rewards]
        limits = build_limits(promotion, promocode, config.reward_types, now, tz, head.week_start)
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
        claimed: set[str] = set()
        if body.commit and candidates:
            claimed, candidates = await self._claim(
                ledger, promotion, candidates_ctx, candidates, by_index, config.reward_types, now
            )
        state = await load_state(ledger, promocode, limits, candidates, commit=bool(body.commit))
        return _Loaded(
            promotion, promocode, config.reward_types, selection, limits, candidates, state, claimed
        )

    async def _claim(
        self,
        ledger: Ledger,
        promotion: PromotionConfig,
        candidates_ctx: Sequence[Ctx],
        candidates: list[Candidate],
        by_index: Mapping[int, Ctx],
        reward_types: Mapping[str, RewardTypeView],
        now: datetime,
    ) -> tuple[set[str], list[Candidate]]:
        """A commit claims its references first: one a concurrent commit got meanwhile
        answers with that commit's grants and is not planned."""
        claims = [
            (c.body.reference, c.body.customer_id) for c in candidates_ctx if c.body.reference
        ]
        claimed = await ledger.claim_references(promotion.id, claims, now)
        lost = [r for r, _ in claims if r not in claimed]
        if not lost:
            return claimed, candidates
        again = await ledger.existing(promotion.id, lost)
        for c in candidates_ctx:
            if c.body.reference in lost:
                from_existing(
                    c, again.get(c.body.reference or "", []), promotion.rules, reward_types
                )
        return claimed, [
            cand for cand in candidates if by_index[cand.index].body.reference not in lost
        ]

    # -- plan -----------------------------------------------------------------------------

    def _plan_all(
        self,
        loaded: _Loaded,
        by_index: Mapping[int, Ctx],
        seed: bytes,
        groups: tuple[Sequence[int], Sequence[bytes]] | None,
        *,
        commit: bool,
    ) -> tuple[list[Outcome], Plan | None]:
        """The whole call as one plan, or (a grouped dry run) each request alone on the same
        state; returns every outcome and, for a commit, the plan to apply."""
        if groups is None:
            planned = self._plan(
                loaded.candidates,
                loaded.limits,
                loaded.state,
                loaded.selection,
                seed,
                commit=commit,
            )
            return list(planned.outcomes.values()), planned
        outcomes: list[Outcome] = []
        by_group: dict[int, list[Candidate]] = {}
        for cand in loaded.candidates:
            by_group.setdefault(by_index[cand.index].group, []).append(cand)
        for number, mine in by_group.items():
            part = self._plan(
                mine, loaded.limits, loaded.state, loaded.selection, groups[1][number], commit=False
            )
            outcomes.extend(part.outcomes.values())
        return outcomes, None

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

    # -- apply ----------------------------------------------------------------------------

    async def _apply(
        self,
        ledger: Ledger,
        loaded: _Loaded,
        planned: Plan,
        by_index: Mapping[int, Ctx],
        campaign_id: str | None,
        now: datetime,
        *,
        collect: bool = False,
        hold: datetime | None = None,
    ) -> dict[int, list[dict[str, Any]]] | None:
        """A commit's plan as ledger rows — grants (ids in the batch's order), audience
        members, code allocations and redemptions — written in one ``Ledger.write``."""
        promotion, promocode = loaded.promotion, loaded.promocode
        pid = promotion.id
        batch = BatchWrite(
            promotion_id=pid,
            promocode_id=promocode.id if promocode is not None else None,
            counters=planned.deltas,
            now=now,
            redemptions=planned.redemptions if promocode is not None else 0,
        )
        pool = list(loaded.state.pool_rows)
        overrides = promotion.reward_constraints or {}
        expiry: dict[str, datetime | None] = {}  # by reward type: when its grants expire
        # Ids sorted up front so that ledger order (by id) is the batch's order.
        granted = [o for o in planned.outcomes.values() if o.granted]
        ids = iter(sorted(new_ids(sum(len(o.granted) for o in granted))))
        group_ids = iter(new_ids(len(granted)))
        created: dict[int, list[dict[str, Any]]] | None = {} if collect else None
        for outcome in sorted(planned.outcomes.values(), key=lambda o: o.index):
            if not outcome.granted:
                continue
            ctx = by_index[outcome.index]
            cust = outcome.customer_id
            for key, start in outcome.new_memberships:
                if not key.endswith(
                    tuple(f":{w}" for w in ("rolling_24h", "rolling_7d", "rolling_30d"))
                ):
                    batch.members.append((key, start, cust))
            if outcome.allocate:
                vid, value = pool.pop(0)
                batch.allocations.append((vid, cust))
                ctx.code = value
            elif outcome.use_fallback and promocode is not None:
                ctx.code = promocode.fallback_value
            if ctx.value_row is not None:
                batch.redeemed.append((ctx.value_row.id, cust))
            group = next(group_ids)
            if hold is not None:
                ctx.result["reservation_id"] = group
                ctx.result["reserved_until"] = hold.isoformat()
            shared = [c.as_json() for c in outcome.shared if not c.rolling]
            if outcome.redeems:
                shared.append({"redemption": True})
            for reward in outcome.granted:
                if reward.reward_type not in expiry:
                    view = loaded.reward_types[reward.reward_type]
                    cons = constraints(overrides, reward.reward_type, view)
                    expiry[reward.reward_type] = (
                        now + parse_duration(cons["grant_expires_after"])
                        if cons.get("grant_expires_after")
                        else None
                    )
                grant_id = next(ids)
                batch.grants.append(
                    {
                        "id": grant_id,
                        "tenant_id": ledger.tenant_id,
                        "customer_id": cust,
                        "promotion_id": pid,
                        "promotion_version": promotion.version,
                        "promocode_id": batch.promocode_id,
                        "code": ctx.code,
                        "campaign_id": campaign_id,
                        "tier_id": ctx.tier.tier_id,
                        "reward_type": reward.reward_type,
                        "value_minor": reward.value,
                        "status": "granted" if hold is None else "reserved",
                        "reference": ctx.body.reference,
                        "group_id": group,
                        "consumed": [c.as_json() for c in reward.consumptions if not c.rolling]
                        + shared,
                        "expires_at": expiry[reward.reward_type],
                        "created_at": now,
                        "reversed_at": None,
                        "reserved_until": hold,
                    }
                )
                ctx.result["grant_ids"].append(grant_id)
                if created is not None:
                    created.setdefault(outcome.index, []).append(
                        {
                            "grant_id": grant_id,
                            "customer_id": cust,
                            "reward_type": reward.reward_type,
                            "value_minor": reward.value,
                            "reference": ctx.body.reference,
                        }
                    )
        await ledger.write(batch)
        return created


validation_service = ValidationService()

__all__ = ["Target", "request_seed", "validation_service"]


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
