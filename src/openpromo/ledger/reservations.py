"""Reservations: confirm (or for less), release and expiry (docs/reservations.md).

A reservation is the grant group of one customer's ``commit: "reserve"`` validation, written
through the ledger's counter path (``Ledger.write``) like a grant. Releasing one gives back
what it took through the same path as a reversal (``service.give_back``), in the same lock
order, so reversals, releases, confirms and commits never deadlock one another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.principal import Principal
from openpromo.errors import Conflict, FieldError, NotFound, OpenPromoError, Unprocessable
from openpromo.kit.clock import utcnow
from openpromo.ledger.repository import CounterId, GrantRepository, expired_reservations
from openpromo.ledger.schemas import (
    BatchItemResult,
)
from openpromo.ledger.schemas import Reservation as ReservationOut
from openpromo.ledger.service import give_back, grant_out, reward_decimals, show
from openpromo.models import Grant
from openpromo.rules import to_minor_units
from openpromo.tenant.service import tenant_service
from openpromo.webhook.service import webhook_service

EXPIRY_BATCH = 500  # reservation rows the worker releases per transaction


def _value_counter(key: str) -> bool:
    """A counter that counts value (a reward budget, a per-customer value limit), not places:
    ``<promotion>:budget:<type>:<window>`` or ``<promotion>:cust:<type>:<window>:value:<c>``."""
    parts = key.split(":", 5)
    return len(parts) > 1 and (
        parts[1] == "budget" or (parts[1] == "cust" and len(parts) > 4 and parts[4] == "value")
    )


def _problem(exc: OpenPromoError) -> dict[str, Any]:
    return {
        "status": exc.status,
        "code": exc.code,
        "title": exc.title,
        "detail": exc.detail,
        "errors": [e.as_dict() for e in exc.errors],
        **exc.extra,
    }


async def _lock_groups(
    repo: GrantRepository, group_ids: Sequence[str]
) -> dict[str, Sequence[Grant]]:
    """Before one transaction settles several reservations: their rows (groups in id order,
    one statement), then their promocodes, then every counter any of them holds, in key
    order — the order a validation commit takes them in. Settled one by one, a later group's
    counters would be taken after an earlier group's larger keys (a deadlock with a
    concurrent commit). The locked rows, by group."""
    groups = await repo.lock_groups(group_ids)
    rows = [g for group in groups.values() for g in group]
    for promocode_id in sorted(
        {
            g.promocode_id
            for g in rows
            if g.promocode_id is not None and any(e.get("redemption") for e in g.consumed or [])
        }
    ):
        await repo.lock_promocode(promocode_id)
    counters = {
        (e["key"], datetime.fromisoformat(e["window_start"]))
        for g in rows
        for e in g.consumed or []
        if "key" in e
    }
    if counters:
        await repo.read_counters(sorted(counters), lock=True)
    return groups


@dataclass
class _ConfirmPlan:
    """A confirm decided on a locked group: each row's confirmed value and ``consumed``, and
    the value given back per counter."""

    group_id: str
    group: Sequence[Grant]
    updates: list[tuple[Grant, int, list[Any]]] = field(default_factory=list)
    give: dict[CounterId, int] = field(default_factory=dict)


def _created(group: Sequence[Grant]) -> dict[str, Any]:
    """A confirmed reservation's ``grants.created`` data."""
    return {
        "promotion_id": group[0].promotion_id,
        "promocode_id": group[0].promocode_id,
        "campaign_id": group[0].campaign_id,
        "grants": [
            {
                "grant_id": g.id,
                "customer_id": g.customer_id,
                "reward_type": g.reward_type,
                "value_minor": g.value_minor,
                "reference": g.reference,
            }
            for g in group
        ],
    }


class ReservationService:
    """Confirm and release reservations (docs/reservations.md). A reservation is the grant
    group of one customer's ``commit: "reserve"`` validation; every transition locks the
    group's rows first and is a guarded ``UPDATE … WHERE status = 'reserved'``."""

    def _out(self, group: Sequence[Grant], decimals: Mapping[str, int]) -> ReservationOut:
        first = group[0]
        statuses = {g.status for g in group}
        status = "granted" if "granted" in statuses else next(iter(statuses))
        return ReservationOut(
            id=first.group_id,
            status=status if status in ("reserved", "granted", "released") else "released",
            customer_id=first.customer_id,
            promotion_id=first.promotion_id,
            reserved_until=first.reserved_until,
            grants=[grant_out(g, decimals) for g in group],
        )

    async def _locked(self, repo: GrantRepository, reservation_id: str) -> Sequence[Grant]:
        group = await repo.lock_group(reservation_id)
        if not group or group[0].reserved_until is None:
            raise NotFound(detail=f"reservation {reservation_id} not found")
        return group

    @staticmethod
    def _refuse(reservation_id: str, group: Sequence[Grant], action: str) -> Conflict:
        first = group[0]
        if any(g.status in ("granted", "reversed") for g in group):
            state, code = "confirmed", "reservation_confirmed"
        elif (
            first.released_at is not None
            and first.reserved_until is not None
            and first.released_at >= first.reserved_until
        ):
            state, code = "expired", "reservation_expired"
        else:
            state, code = "released", "reservation_released"
        return Conflict(
            detail=f"reservation {reservation_id} cannot be {action}: it was {state}",
            code=code,
            extra={"reservation_id": reservation_id},
        )

    async def get(
        self, session: AsyncSession, principal: Principal, reservation_id: str
    ) -> ReservationOut:
        repo = GrantRepository(session, principal.tenant_id)
        group = await repo.lock_group(reservation_id)
        if not group or group[0].reserved_until is None:
            raise NotFound(detail=f"reservation {reservation_id} not found")
        return self._out(group, await reward_decimals(session, principal.tenant_id))

    def _plan_confirm(
        self,
        reservation_id: str,
        group: Sequence[Grant],
        rewards: Sequence[tuple[str, str]] | None,
        decimals: Mapping[str, int],
        now: datetime,
        loc: tuple[str | int, ...],
    ) -> _ConfirmPlan | None:
        """What confirming the locked ``group`` writes — or None: confirmed already (the same
        answer). Refusals (409, 422) are raised here, before anything is written."""
        if all(g.status in ("granted", "reversed") for g in group):
            return None
        if any(g.status != "reserved" for g in group):
            raise self._refuse(reservation_id, group, "confirmed")
        until = group[0].reserved_until
        if until is not None and until <= now:
            raise Conflict(
                detail=f"reservation {reservation_id} cannot be confirmed: it expired at "
                f"{until.isoformat()}",
                code="reservation_expired",
                extra={"reservation_id": reservation_id},
            )
        wanted: dict[str, int] = {}
        by_type = {g.reward_type: g for g in group}
        for i, (reward_type, text_value) in enumerate(rewards or ()):
            where = (*loc, "rewards", i)
            grant = by_type.get(reward_type)
            if grant is None:
                msg = f"the reservation holds no {reward_type}"
                raise Unprocessable(
                    detail=msg, errors=[FieldError((*where, "reward_type"), msg, "value_error")]
                )
            try:
                minor = to_minor_units(Decimal(text_value), decimals.get(reward_type, 0))
            except (ArithmeticError, ValueError):
                msg = f"not a {reward_type} value with {decimals.get(reward_type, 0)} decimals"
                raise Unprocessable(
                    detail=msg, errors=[FieldError((*where, "value"), msg, "value_error")]
                ) from None
            if not 0 < minor <= grant.value_minor:
                msg = (
                    f"at most the reserved {show(grant.value_minor, decimals.get(reward_type, 0))}"
                    " and more than 0 (release the reservation to give it all back)"
                )
                raise Unprocessable(
                    detail=msg, errors=[FieldError((*where, "value"), msg, "value_error")]
                )
            wanted[reward_type] = minor
        plan = _ConfirmPlan(reservation_id, group)
        for grant in group:
            value = wanted.get(grant.reward_type, grant.value_minor)
            diff = grant.value_minor - value
            consumed = []
            for entry in grant.consumed or []:
                if (
                    diff
                    and "key" in entry
                    and not entry.get("audience")
                    and _value_counter(entry["key"])
                ):
                    counter = (entry["key"], datetime.fromisoformat(entry["window_start"]))
                    plan.give[counter] = plan.give.get(counter, 0) + diff
                    entry = {**entry, "amount": int(entry["amount"]) - diff}
                consumed.append(entry)
            plan.updates.append((grant, value, consumed))
        return plan

    async def confirm(
        self,
        session: AsyncSession,
        principal: Principal,
        reservation_id: str,
        rewards: Sequence[tuple[str, str]] | None = None,
        *,
        now: datetime | None = None,
        loc: tuple[str | int, ...] = ("body",),
    ) -> ReservationOut:
        """``reserved → granted``, optionally for lower values (per reward type; the rest goes
        back to the value counters). Confirmed already: the same answer. Released or past its
        ``reserved_until``: 409."""
        now = now or utcnow()
        if not rewards:  # full value: the one-statement path
            (out,) = await self.confirm_many(session, principal, [(reservation_id, None)], now=now)
            if isinstance(out, OpenPromoError):
                raise out
            return out
        repo = GrantRepository(session, principal.tenant_id)
        group = await self._locked(repo, reservation_id)
        decimals = await reward_decimals(session, principal.tenant_id)
        plan = self._plan_confirm(reservation_id, group, rewards, decimals, now, loc)
        if plan is None:
            return self._out(group, decimals)
        # Lock order: the group's rows (above), then the counters given back, in key order.
        if plan.give:
            await repo.read_counters(sorted(plan.give), lock=True)
        if not await repo.confirm_rows(reservation_id, plan.updates):
            raise Conflict(  # cannot happen with the group locked; never half-confirmed
                detail=f"reservation {reservation_id} changed meanwhile",
                code="reservation_changed",
                extra={"reservation_id": reservation_id},
            )
        for counter, amount in sorted(plan.give.items()):
            await repo.give_back(counter, amount)
        await webhook_service.emit_grants_created(
            session, principal.tenant_id, [_created(group)], now
        )
        return self._out(group, decimals)

    async def confirm_many(
        self,
        session: AsyncSession,
        principal: Principal,
        items: Sequence[tuple[str, Sequence[tuple[str, str]] | None]],
        *,
        now: datetime | None = None,
    ) -> list[ReservationOut | OpenPromoError]:
        """Confirms of distinct reservations in this transaction, set-wise (the grouped
        single confirms, ``ledger.coalescing``): each item's answer, or the refusal it alone
        would get (404, 409, 422) — decided before anything is written, so a refused item
        changes nothing. One statement locks every group (groups in id order, as
        ``_lock_groups``), one flips every full-value confirm, then the value counters given
        back (all of them locked first, in key order). Anything unexpected raises: the
        caller's transaction rolls back whole."""
        ids = [rid for rid, _ in items]
        if len(set(ids)) != len(ids):
            raise ValueError("confirm_many takes distinct reservations")
        now = now or utcnow()
        repo = GrantRepository(session, principal.tenant_id)
        if not any(rewards for _, rewards in items):
            return await self._confirm_full(session, principal, repo, ids, now)
        groups = await repo.lock_groups(ids)
        decimals = await reward_decimals(session, principal.tenant_id)
        refused: list[OpenPromoError | None] = []
        plans: list[_ConfirmPlan] = []
        for rid, rewards in items:
            group = groups.get(rid, [])
            try:
                if not group or group[0].reserved_until is None:
                    raise NotFound(detail=f"reservation {rid} not found")
                plan = self._plan_confirm(rid, group, rewards, decimals, now, ("body",))
            except OpenPromoError as exc:
                refused.append(exc)
                continue
            refused.append(None)
            if plan is not None:
                plans.append(plan)
        give: dict[CounterId, int] = {}
        for plan in plans:
            for counter, amount in plan.give.items():
                give[counter] = give.get(counter, 0) + amount
        if give:
            await repo.read_counters(sorted(give), lock=True)
        if plans and not await repo.confirm_groups([(p.group_id, p.updates) for p in plans]):
            raise RuntimeError("a locked reservation changed meanwhile")  # rolls back all
        for counter, amount in sorted(give.items()):
            await repo.give_back(counter, amount)
        if plans:
            await webhook_service.emit_grants_created(
                session, principal.tenant_id, [_created(p.group) for p in plans], now
            )
        # The loaded rows were brought up to date by the writes (confirm_groups).
        return [
            exc if exc is not None else self._out(groups[rid], decimals)
            for (rid, _), exc in zip(items, refused, strict=True)
        ]

    async def _confirm_full(
        self,
        session: AsyncSession,
        principal: Principal,
        repo: GrantRepository,
        ids: Sequence[str],
        now: datetime,
    ) -> list[ReservationOut | OpenPromoError]:
        """Full-value confirms of distinct reservations: ONE statement locks and flips every
        group still held (``confirm_held``: no lock read before it, no counter to give back);
        only the groups it did not take are read, without a lock, to give their answer — the
        same one (confirmed already), or a 404/409 that changes nothing. Round trips for a
        group with no refusal: the UPDATE, then the COMMIT (the reward types come from the
        cache, keyed by the version that UPDATE returned)."""
        taken, version = await repo.confirm_held(ids, now)
        rest = await repo.lock_groups([i for i in ids if i not in taken], lock=False)
        decimals = await reward_decimals(session, principal.tenant_id, version)
        out: list[ReservationOut | OpenPromoError] = []
        for rid in ids:
            if rid in taken:
                group: Sequence[Grant] = taken[rid]
                # A group's rows only ever change together (one transaction each: reserve,
                # confirm, release), so it comes back whole; rows that disagree are a bug
                # here, not a state to answer from: the caller re-runs the requests alone.
                if any(g.reserved_until != group[0].reserved_until for g in group):
                    raise RuntimeError(f"reservation {rid} came back inconsistent")
                out.append(self._out(group, decimals))
                continue
            group = rest.get(rid, [])
            try:
                if not group or group[0].reserved_until is None:
                    raise NotFound(detail=f"reservation {rid} not found")
                if self._plan_confirm(rid, group, None, decimals, now, ("body",)) is not None:
                    # Held and unexpired, yet not taken: a row of it was not committed when
                    # the UPDATE ran. Never guess: the caller re-runs it alone.
                    raise RuntimeError(f"reservation {rid} was not taken")
            except OpenPromoError as exc:
                out.append(exc)
                continue
            out.append(self._out(group, decimals))
        held = [taken[rid] for rid in ids if rid in taken]
        if held:
            await webhook_service.emit_grants_created(
                session, principal.tenant_id, [_created(g) for g in held], now
            )
        return out

    async def release(
        self,
        session: AsyncSession,
        principal: Principal,
        reservation_id: str,
        *,
        now: datetime | None = None,
        expired: bool = False,
    ) -> ReservationOut:
        """``reserved → released``: every counter, place, mark and code value given back (the
        reversal's rules), the context's reference freed. Released already: the same answer;
        confirmed: 409. ``expired``: the worker's release (a ``reservation.expired`` event)."""
        now = now or utcnow()
        repo = GrantRepository(session, principal.tenant_id)
        group = await self._locked(repo, reservation_id)
        # The tenant (its time zone, its config version: the reward types' cache key) is read
        # once per session (the identity map), not once per release of a batch.
        tenant = await tenant_service.get(session, principal.tenant_id)
        decimals = await reward_decimals(session, principal.tenant_id, tenant.config_version)
        if all(g.status == "released" for g in group):
            return self._out(group, decimals)
        if any(g.status != "reserved" for g in group):
            raise self._refuse(reservation_id, group, "released")
        if expired:
            until = group[0].reserved_until
            now = max(now, until) if until is not None else now
        tz = ZoneInfo(tenant.timezone)
        # The lock order (as a validation commit): the promocode row, then every counter the
        # group holds, in key order — before any of them is given back. Row by row, one
        # reward's counters would be taken before another's smaller keys (a deadlock with a
        # concurrent commit holding those).
        await repo.lock_promocode_for(group[-1], False)
        await repo.read_counters(
            sorted(
                {
                    (e["key"], datetime.fromisoformat(e["window_start"]))
                    for g in group
                    for e in g.consumed or []
                    if "key" in e
                }
            ),
            lock=True,
        )
        remaining = len(group)
        for grant in group:
            remaining -= 1
            others_live = remaining > 0
            if not await repo.mark_released(grant.id, now):
                raise Conflict(
                    detail=f"reservation {reservation_id} changed meanwhile",
                    code="reservation_changed",
                    extra={"reservation_id": reservation_id},
                )
            await give_back(session, principal, repo, grant, others_live, tz, True)
        first = group[0]
        if first.reference is not None:
            await repo.release_references(first.promotion_id, [first.reference])
        group = await repo.lock_group(reservation_id)
        if expired:
            await webhook_service.emit(
                session,
                principal.tenant_id,
                "reservation.expired",
                {
                    "reservation_id": reservation_id,
                    "promotion_id": first.promotion_id,
                    "customer_id": first.customer_id,
                    "reference": first.reference,
                    "reserved_until": first.reserved_until.isoformat()
                    if first.reserved_until
                    else None,
                    "rewards": [
                        {"reward_type": g.reward_type, "value_minor": g.value_minor} for g in group
                    ],
                },
                ordering_key=f"promotion:{first.promotion_id}",
                now=now,
            )
        return self._out(group, decimals)

    async def release_many(
        self,
        session: AsyncSession,
        principal: Principal,
        reservation_ids: Sequence[str],
        *,
        now: datetime | None = None,
    ) -> list[ReservationOut | OpenPromoError]:
        """Releases of distinct reservations in this transaction (the grouped single
        releases, ``ledger.coalescing``): every group, promocode and counter locked first in
        the batch lock order (``_lock_groups``); each item's refusal (404, 409) decided before
        anything is written; then each accepted one released through ``release`` (the
        reversal's rules). Anything unexpected raises: the caller's transaction rolls back."""
        if len(set(reservation_ids)) != len(reservation_ids):
            raise ValueError("release_many takes distinct reservations")
        now = now or utcnow()
        repo = GrantRepository(session, principal.tenant_id)
        groups = await _lock_groups(repo, reservation_ids)
        tenant = await tenant_service.get(session, principal.tenant_id)
        decimals = await reward_decimals(session, principal.tenant_id, tenant.config_version)
        out: list[ReservationOut | OpenPromoError] = []
        for rid in reservation_ids:
            group = groups.get(rid, [])
            if not group or group[0].reserved_until is None:
                out.append(NotFound(detail=f"reservation {rid} not found"))
            elif all(g.status == "released" for g in group):
                out.append(self._out(group, decimals))
            elif any(g.status != "reserved" for g in group):
                out.append(self._refuse(rid, group, "released"))
            else:
                out.append(await self.release(session, principal, rid, now=now))
        return out

    async def batch(
        self,
        session: AsyncSession,
        principal: Principal,
        action: str,
        items: Sequence[tuple[str, Sequence[tuple[str, str]] | None]],
    ) -> list[BatchItemResult]:
        """Many confirms or releases in this transaction, answered per item: a refused item
        (404, 409, 422) changed nothing and does not undo the others."""
        out: list[BatchItemResult] = []
        now = utcnow()
        ids = [i for i, _ in items]
        full = action == "release" or not any(rewards for _, rewards in items)
        if full and len(set(ids)) == len(ids):
            # Set-wise, as the grouped single requests: full-value confirms in one statement
            # (``_confirm_full``), releases locked in the batch order first (``release_many``).
            if action == "confirm":
                settled = await self.confirm_many(session, principal, items, now=now)
            else:
                settled = await self.release_many(session, principal, ids, now=now)
            for reservation_id, done in zip(ids, settled, strict=True):
                if isinstance(done, OpenPromoError):
                    status = None
                    if not isinstance(done, NotFound):
                        status = (await self.get(session, principal, reservation_id)).status
                    out.append(
                        BatchItemResult(id=reservation_id, status=status, problem=_problem(done))
                    )
                else:
                    out.append(
                        BatchItemResult(id=reservation_id, status=done.status, reservation=done)
                    )
            return out
        await _lock_groups(GrantRepository(session, principal.tenant_id), ids)
        for i, (reservation_id, rewards) in enumerate(items):
            try:
                if action == "confirm":
                    done = await self.confirm(
                        session,
                        principal,
                        reservation_id,
                        rewards,
                        now=now,
                        loc=("body", "reservations", i),
                    )
                else:
                    done = await self.release(session, principal, reservation_id, now=now)
            except OpenPromoError as exc:
                status = None
                if not isinstance(exc, NotFound):
                    status = (await self.get(session, principal, reservation_id)).status
                out.append(BatchItemResult(id=reservation_id, status=status, problem=_problem(exc)))
                continue
            out.append(BatchItemResult(id=reservation_id, status=done.status, reservation=done))
        return out

    async def release_expired(
        self, session: AsyncSession, now: datetime, limit: int = EXPIRY_BATCH
    ) -> int:
        """The worker's step: release (once) reservations held past their time, a batch per
        call; the number released. Safe in many processes at once (each group locked whole
        or skipped, SKIP LOCKED on PostgreSQL; on SQLite a write unit is exclusive)."""
        released = 0
        taken: dict[str, list[str]] = {}
        for tenant_id, group_id in await expired_reservations(session, now, limit):
            if await GrantRepository(session, tenant_id).lock_group_if_free(group_id):
                taken.setdefault(tenant_id, []).append(group_id)
            # else: a confirm or release holds it now; a later tick sees its outcome
        for tenant_id, group_ids in sorted(taken.items()):
            await _lock_groups(GrantRepository(session, tenant_id), group_ids)
        for tenant_id, group_id in [(t, g) for t, gs in sorted(taken.items()) for g in gs]:
            principal = Principal.system(tenant_id)
            try:
                await self.release(session, principal, group_id, now=now, expired=True)
            except Conflict:
                continue  # confirmed or released meanwhile (not possible with the rows locked)
            released += 1
        return released


reservation_service = ReservationService()
