"""The grants ledger: list, get, reverse (exact give-back), promotion stats, and reservations.

Reservations (confirm, release, expiry) are in ``ledger/reservations.py``; their release
shares this module's give-back path (``give_back``) and lock order with reversal.

Reversal gives back exactly what the grant recorded in ``consumed``: its calendar counters
(reward budgets, per-customer value and count), and — once the customer has no other live
grant in that window — its audience-cap place; once the customer's validation group has no
other live grant, its code redemption (the shared code's count and once-per-customer mark, the
single-use or bulk value, unless ``release_code`` is false). Rolling windows need nothing:
their usage is summed from live grants. Locks are taken in the repository's documented order
(the group's grant rows first), so two reversals of the same grant give back once and the
second returns the grant unchanged.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.principal import Principal
from openpromo.config import get_settings
from openpromo.errors import Conflict, NotFound
from openpromo.kit.clock import utcnow
from openpromo.kit.pagination import Slice, decode_cursor, slice_rows
from openpromo.kit.windows import is_rolling, window_end, window_start
from openpromo.ledger.repository import LIVE, CounterId, GrantRepository, SliceId
from openpromo.ledger.schemas import (
    BudgetStats,
    CapStats,
    DailyStats,
    PromotionStats,
    TierStats,
)
from openpromo.ledger.schemas import Grant as GrantOut
from openpromo.ledger.slices import Full, Light, is_sliced, spread
from openpromo.models import Grant, Promocode, PromocodeValue, Promotion, Tenant
from openpromo.promocode.service import promocode_service
from openpromo.promotion.service import promotion_service
from openpromo.reward_type.service import reward_type_service
from openpromo.rules import format_value, from_minor_units
from openpromo.tenant.service import tenant_service
from openpromo.webhook.service import webhook_service

SMALL_UPSERT = 200  # counters up to which a commit changes them in one statement (PostgreSQL)
SMALL_READ = 1000  # counters + customers up to which a dry run reads its state in one query


def decimals(session_types: Mapping[str, int], key: str) -> int:
    return session_types.get(key, 0)


_DECIMALS_MAX = 256
# (tenant, tenants.config_version) → decimals per reward type: the key of validation's tenant
# configuration cache (``validation.cache``; the ledger cannot import it — validation imports
# the ledger). Database triggers bump the version with any reward-type change in the same
# transaction (migration 0009), so a caller that read the new version reads the new rows.
_decimals: OrderedDict[tuple[str, int], dict[str, int]] = OrderedDict()


async def reward_decimals(
    session: AsyncSession, tenant_id: str, config_version: int | None = None
) -> dict[str, int]:
    """Decimals per reward type (archived included). With the tenant's ``config_version``
    (read by the caller in this transaction): from the per-process cache, read once per
    version. A reward type's decimals change only while no promotion uses it (reward_type
    service), so those of a grant's type cannot move under a grant's answer."""
    key = (tenant_id, config_version) if config_version is not None else None
    if key is not None and (found := _decimals.get(key)) is not None:
        _decimals.move_to_end(key)
        return found
    infos = await reward_type_service.infos(session, tenant_id)
    out = {k: info.decimals for k, info in infos.items()}
    if key is not None:
        _decimals[key] = out
        while len(_decimals) > _DECIMALS_MAX:
            _decimals.popitem(last=False)
    return out


def show(minor: int, decimals: int) -> str:
    return format_value(from_minor_units(minor, decimals), decimals)


def grant_out(grant: Grant, decimals: Mapping[str, int]) -> GrantOut:
    return GrantOut(
        id=grant.id,
        customer_id=grant.customer_id,
        promotion_id=grant.promotion_id,
        promotion_version=grant.promotion_version,
        promocode_id=grant.promocode_id,
        code=grant.code,
        campaign_id=grant.campaign_id,
        tier_id=grant.tier_id,
        reward_type=grant.reward_type,
        value=show(grant.value_minor, decimals.get(grant.reward_type, 0)),
        status=grant.status,
        reference=grant.reference,
        created_at=grant.created_at,
        expires_at=grant.expires_at,
        reversed_at=grant.reversed_at,
        reserved_until=grant.reserved_until,
        released_at=grant.released_at,
        reservation_id=grant.group_id if grant.reserved_until is not None else None,
    )


async def give_back(
    session: AsyncSession,
    principal: Principal,
    repo: GrantRepository,
    grant: Grant,
    others_live: bool,
    tz: ZoneInfo,
    release_code: bool,
) -> None:
    """Give back exactly what ``grant`` consumed (its status already changed by a guarded
    update): calendar counters always; the audience place only when the customer has no other
    live row in that window; with the group's last live row (``others_live`` false) the code's
    once-per-customer mark, redemption and (``release_code``) single-use or bulk value."""
    entries = list(grant.consumed or [])
    redemption = any(e.get("redemption") for e in entries)
    counters = sorted(
        (e["key"], datetime.fromisoformat(e["window_start"]), int(e["amount"]), e)
        for e in entries
        if "key" in e
    )
    await repo.read_counters([(k, s) for k, s, _, _ in counters], lock=True)
    for key, start, amount, entry in counters:
        if entry.get("audience"):
            window = key.rsplit(":", 1)[-1]
            end = window_end(window, start, tz) if not is_rolling(window) else None
            if await repo.has_other_live_grant(
                grant.promotion_id, grant.customer_id, grant.id, start, end
            ):
                continue
            if await repo.remove_member((key, start), grant.customer_id):
                await repo.give_back((key, start), amount)
        elif key.startswith("code:"):
            if not others_live:
                await repo.give_back((key, start), amount)
        else:
            await repo.give_back((key, start), amount)
    if redemption and not others_live and grant.promocode_id is not None:
        await repo.remove_redemption(grant.promocode_id)
    if release_code and not others_live and grant.promocode_id is not None and grant.code:
        promocode = await promocode_service.find(session, principal, grant.promocode_id)
        if (
            promocode is not None
            and promocode.type in ("single_use", "bulk")
            and grant.code != promocode.fallback_value
            and not await repo.live_grant_with_code(grant.promocode_id, grant.code, grant.group_id)
        ):
            await repo.release_value(grant.promocode_id, grant.code.lower())


class GrantService:
    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        limit: int,
        cursor: str | None,
        **filters: Any,
    ) -> Slice[GrantOut]:
        after_id = decode_cursor(cursor) if cursor else None
        for name in ("created_from", "created_to"):
            value = filters.get(name)
            if isinstance(value, datetime) and value.tzinfo is None:
                filters[name] = value.replace(tzinfo=UTC)  # a naive bound is read as UTC
        rows = await GrantRepository(session, principal.tenant_id).list_page(
            after_id=after_id, limit=limit + 1, **filters
        )
        page = slice_rows(rows, limit, lambda g: g.id)
        decimals = await reward_decimals(session, principal.tenant_id)
        return Slice([grant_out(g, decimals) for g in page.items], page.next_cursor)

    async def get(self, session: AsyncSession, principal: Principal, grant_id: str) -> GrantOut:
        grant = await GrantRepository(session, principal.tenant_id).get(grant_id)
        if grant is None:
            raise NotFound(detail=f"grant {grant_id} not found")
        return grant_out(grant, await reward_decimals(session, principal.tenant_id))

    async def reverse(
        self,
        session: AsyncSession,
        principal: Principal,
        grant_id: str,
        *,
        release_code: bool = True,
    ) -> GrantOut:
        repo = GrantRepository(session, principal.tenant_id)
        grant = await repo.get(grant_id)
        if grant is None:
            raise NotFound(detail=f"grant {grant_id} not found")
        group = await repo.lock_group(grant.group_id)
        grant = next(g for g in group if g.id == grant_id)
        decimals = await reward_decimals(session, principal.tenant_id)
        if grant.status == "reversed":
            return grant_out(grant, decimals)
        if grant.status != "granted":
            raise Conflict(
                detail=f"grant {grant.id} is {grant.status}: a reservation is released, "
                f"not reversed (POST /v1/reservations/{grant.group_id}/release)",
                code=f"grant_{grant.status}",
                extra={"reservation_id": grant.group_id},
            )
        now = utcnow()
        others_live = any(g.status in LIVE and g.id != grant.id for g in group)
        tenant = await tenant_service.get(session, principal.tenant_id)
        await repo.lock_promocode_for(grant, others_live)
        if not await repo.mark_reversed(grant.id, now):
            return grant_out(grant, decimals)
        await give_back(
            session, principal, repo, grant, others_live, ZoneInfo(tenant.timezone), release_code
        )
        refreshed = await repo.get(grant.id)
        assert refreshed is not None
        await webhook_service.emit(
            session,
            principal.tenant_id,
            "grant.reversed",
            {
                "grant_id": grant.id,
                "promotion_id": grant.promotion_id,
                "customer_id": grant.customer_id,
                "reward_type": grant.reward_type,
                "value_minor": grant.value_minor,
                "reference": grant.reference,
            },
            ordering_key=f"promotion:{grant.promotion_id}",
            now=now,
        )
        return grant_out(refreshed, decimals)

    async def budget_use(
        self, session: AsyncSession, principal: Principal, promotions: Sequence[Promotion]
    ) -> dict[str, tuple[Sequence[CapStats], Sequence[BudgetStats]]]:
        """Each audience cap and reward budget of the given promotions with its use in the
        current window: counter reads (rolling windows sum the window's live grants), no scan
        of a promotion's ledger — what the UI's promotion list shows for the active ones. The
        tenant and its reward types are read once for all of them."""
        if not promotions:
            return {}
        tenant = await tenant_service.get(session, principal.tenant_id)
        decimals = await reward_decimals(session, principal.tenant_id)
        return await self._budget_use(session, tenant, decimals, promotions, utcnow())

    async def _budget_use(
        self,
        session: AsyncSession,
        tenant: Tenant,
        decimals: Mapping[str, int],
        promotions: Sequence[Promotion],
        now: datetime,
    ) -> dict[str, tuple[Sequence[CapStats], Sequence[BudgetStats]]]:
        """Batched: one counter read for all calendar and lifetime windows, and per rolling
        window kind one query over all the promotions (no query per promotion)."""
        tz = ZoneInfo(tenant.timezone)
        repo = GrantRepository(session, tenant.id)
        wanted: list[tuple[str, datetime]] = []
        rolling: set[str] = set()
        for promotion in promotions:
            budgets = promotion.budgets or {}
            for cap in budgets.get("audience_caps") or []:
                if is_rolling(cap["window"]):
                    rolling.add(cap["window"])
                else:
                    start = window_start(cap["window"], now, tz, tenant.week_start)
                    wanted.append((f"{promotion.id}:cap:{cap['window']}", start))
            for b in budgets.get("reward_budgets") or []:
                if is_rolling(b["window"]):
                    rolling.add(b["window"])
                else:
                    start = window_start(b["window"], now, tz, tenant.week_start)
                    wanted.append(
                        (f"{promotion.id}:budget:{b['reward_type']}:{b['window']}", start)
                    )
        counters = await repo.read_counters(wanted, lock=False) if wanted else {}
        ids = [p.id for p in promotions]
        rolling_use = {
            window: await repo.rolling_use_by_promotion(ids, window_start(window, now, tz))
            for window in sorted(rolling)
        }
        out: dict[str, tuple[Sequence[CapStats], Sequence[BudgetStats]]] = {}
        for promotion in promotions:
            budgets = promotion.budgets or {}
            caps: list[CapStats] = []
            for cap in budgets.get("audience_caps") or []:
                start = window_start(cap["window"], now, tz, tenant.week_start)
                if is_rolling(cap["window"]):
                    used = rolling_use[cap["window"]][0].get(promotion.id, 0)
                else:
                    used = counters.get((f"{promotion.id}:cap:{cap['window']}", start), 0)
                caps.append(
                    CapStats(
                        window=cap["window"], limit=cap["limit"], used=used, window_start=start
                    )
                )
            reward_budgets: list[BudgetStats] = []
            for b in budgets.get("reward_budgets") or []:
                start = window_start(b["window"], now, tz, tenant.week_start)
                if is_rolling(b["window"]):
                    used = rolling_use[b["window"]][1].get((promotion.id, b["reward_type"]), 0)
                else:
                    key = f"{promotion.id}:budget:{b['reward_type']}:{b['window']}"
                    used = counters.get((key, start), 0)
                d = decimals.get(b["reward_type"], 0)
                limit = Decimal(str(b["limit"])).quantize(Decimal(1).scaleb(-d))
                reward_budgets.append(
                    BudgetStats(
                        reward_type=b["reward_type"],
                        window=b["window"],
                        limit=format_value(limit, d),
                        used=show(used, d),
                        window_start=start,
                    )
                )
            out[promotion.id] = (caps, reward_budgets)
        return out

    async def recent_daily_grants(
        self,
        session: AsyncSession,
        principal: Principal,
        promotion_ids: Sequence[str],
        *,
        days: int = 14,
    ) -> dict[str, Sequence[int]]:
        """Live grants per day (tenant's timezone) over the last ``days`` days, today last,
        for each promotion given (one query): the lobby's sparklines."""
        from openpromo.tenant.service import tenant_service

        if not promotion_ids:
            return {}
        tenant = await tenant_service.get(session, principal.tenant_id)
        tz = ZoneInfo(tenant.timezone)
        today = utcnow().astimezone(tz).date()
        # Each day's local midnight (noon is never skipped nor repeated by a DST change).
        bounds = [
            window_start("day", datetime.combine(today - timedelta(days=back), time(12), tz), tz)
            for back in range(days - 1, -1, -1)
        ]
        counts = await GrantRepository(session, principal.tenant_id).daily_counts_by_promotion(
            promotion_ids, bounds
        )
        return dict(counts)

    async def stats(
        self, session: AsyncSession, principal: Principal, promotion_id: str
    ) -> PromotionStats:
        tenant_id = principal.tenant_id
        promotion = await promotion_service.get(session, principal, promotion_id)
        tenant = await tenant_service.get(session, tenant_id)
        decimals = await reward_decimals(session, tenant_id)
        now = utcnow()
        use = await self._budget_use(session, tenant, decimals, [promotion], now)
        caps, reward_budgets = use[promotion.id]
        tz = ZoneInfo(tenant.timezone)
        repo = GrantRepository(session, tenant_id)
        totals = await repo.totals(promotion_id)
        held, held_values = await repo.reservation_totals(promotion_id)
        by_type: dict[str, int] = {}
        tiers: dict[str, tuple[int, dict[str, int]]] = {}
        count = 0
        for tier_id, reward_type, grants, value in totals:
            count += grants
            by_type[reward_type] = by_type.get(reward_type, 0) + value
            n, values = tiers.get(tier_id, (0, {}))
            values[reward_type] = values.get(reward_type, 0) + value
            tiers[tier_id] = (n + grants, values)

        def show_all(values: Mapping[str, int]) -> dict[str, str]:
            return {k: show(v, decimals.get(k, 0)) for k, v in sorted(values.items())}

        since = now - timedelta(days=90)
        daily: dict[date, tuple[int, dict[str, int]]] = {}
        for created, reward_type, value in await repo.live_grants_since(promotion_id, since):
            day = created.astimezone(tz).date()
            n, values = daily.get(day, (0, {}))
            values[reward_type] = values.get(reward_type, 0) + value
            daily[day] = (n + 1, values)
        rows, firsts = await repo.daily_customers_since(promotion_id, since)
        customers: dict[date, set[str]] = {}
        for created, customer in rows:
            customers.setdefault(created.astimezone(tz).date(), set()).add(customer)
        new_customers: dict[date, int] = {}
        for first in firsts.values():
            day = first.astimezone(tz).date()
            new_customers[day] = new_customers.get(day, 0) + 1
        return PromotionStats(
            grants_count=count,
            customers_count=await repo.distinct_customers(promotion_id),
            rewards_total=show_all(by_type),
            by_tier=[
                TierStats(tier_id=t, grants_count=n, rewards_total=show_all(v))
                for t, (n, v) in sorted(tiers.items())
            ],
            audience_caps=caps,
            reward_budgets=reward_budgets,
            reservations_count=held,
            reserved_total=show_all(held_values),
            daily=[
                DailyStats(
                    date=d,
                    grants_count=n,
                    rewards_total=show_all(v),
                    customers_count=len(customers.get(d, ())),
                    new_customers_count=new_customers.get(d, 0),
                )
                for d, (n, v) in sorted(daily.items())
            ],
        )


grant_service = GrantService()


@dataclass
class BatchWrite:
    """Everything a validation commit writes to the ledger, decided by its plan."""

    promotion_id: str
    promocode_id: str | None
    counters: Mapping[CounterId, tuple[int, int]]  # counter → (amount, limit)
    now: datetime
    redemptions: int = 0
    redeemed: list[tuple[int, str]] = field(default_factory=list)  # (value id, customer)
    allocations: list[tuple[int, str]] = field(default_factory=list)  # (value id, customer)
    grants: list[dict[str, Any]] = field(default_factory=list)
    members: list[tuple[str, datetime, str]] = field(default_factory=list)


class Ledger:
    """The ledger as one validation call sees it (one tenant, one session): the references
    already used, the counters, audience members and rolling sums its limits need, the code
    values it presents or allocates — and, on a commit, the one ``write`` of its plan.

    Validation decides; the ledger chooses the statements (guarded counters, one round trip
    for a small commit on PostgreSQL, bulk inserts for a big one)."""

    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self._repo = GrantRepository(session, tenant_id)
        self.tenant_id = tenant_id
        self.is_postgres = self._repo.is_postgres
        # Counter slices (ledger/slices.py): PostgreSQL only; SQLite's writers are serialised.
        self.slices = get_settings().counter_slices if self.is_postgres else 1
        # How this commit holds each counter it locked (one slice or all), for its write.
        self._held: dict[CounterId, Light | Full] = {}
        # The counters' used as this commit saw it, where that differs from what it planned
        # against (one slice held: the plan sees that slice's headroom) — for the alerts.
        self.seen: dict[CounterId, int] = {}

    # -- references -------------------------------------------------------------------------

    async def existing(
        self, promotion_id: str, references: Sequence[str]
    ) -> dict[str, list[Grant]]:
        """The grants already made under each reference (a released reservation freed its
        reference: not among them)."""
        if not references:
            return {}
        found = await self._repo.by_references(promotion_id, list(dict.fromkeys(references)))
        kept = {ref: [g for g in gs if g.status != "released"] for ref, gs in found.items()}
        return {ref: gs for ref, gs in kept.items() if gs}

    async def claim_references(
        self, promotion_id: str, claims: Sequence[tuple[str, str]], now: datetime
    ) -> set[str]:
        return await self._repo.claim_references(promotion_id, claims, now)

    async def release_references(self, promotion_id: str, references: Sequence[str]) -> None:
        await self._repo.release_references(promotion_id, references)

    # -- state ------------------------------------------------------------------------------

    async def lock_promocode(self, promocode_id: str) -> Promocode | None:
        return await self._repo.lock_promocode(promocode_id)

    async def read_state(
        self,
        calendar: Mapping[CounterId, int],
        cap_counters: Sequence[CounterId],
        customers: Sequence[str],
        *,
        commit: bool,
        needs: Mapping[CounterId, int] | None = None,
    ) -> tuple[dict[CounterId, int], dict[CounterId, set[str]] | None]:
        """The ``used`` of each calendar counter (created at its limit first, and locked, on a
        commit) and, when there are audience caps, each cap's members among ``customers``.

        ``needs``: the most the commit could consume of each sliced counter. When a free
        slice of each has that much headroom, the commit holds only those slices and plans
        against their headroom (``used`` is then the limit minus that headroom: whatever it
        grants fits); otherwise it holds every slice and plans against the exact total."""
        repo = self._repo
        if commit:
            await repo.ensure_counters(dict(calendar), self.slices)
        small = len(calendar) + len(customers) <= SMALL_READ
        members: dict[CounterId, set[str]] | None
        if small and not commit:
            used, members = await repo.read_counters_and_members(
                calendar.keys(), cap_counters, customers
            )
            return used, (members if cap_counters else None)
        if small and repo.is_postgres:
            light = await self._lock_one_slice_each(calendar, cap_counters, customers, needs)
            if light is not None:
                used, members = light
                return used, (members if cap_counters else None)
            rows, members = await repo.lock_counters_and_read_members(
                calendar.keys(), cap_counters, customers
            )
        else:
            rows = await repo.read_slices(calendar.keys(), lock=commit)
            members = await repo.members(cap_counters, customers) if cap_counters else None
        used = {}
        for counter, held_rows in rows.items():
            held = Full(tuple(sorted(held_rows)))
            if commit:
                self._held[counter] = held
            used[counter] = held.used
        return used, (members if cap_counters else None)

    async def _lock_one_slice_each(
        self,
        calendar: Mapping[CounterId, int],
        cap_counters: Sequence[CounterId],
        customers: Sequence[str],
        needs: Mapping[CounterId, int] | None,
    ) -> tuple[dict[CounterId, int], dict[CounterId, set[str]]] | None:
        """A small commit on PostgreSQL with sliced counters: one free slice of each with
        room for its need, the other counters locked and the members read (one round trip
        after a savepoint). None (and back to the savepoint: nothing held) when a sliced
        counter has no such slice or its slices' limits do not add up to its limit."""
        sliced = [c for c in calendar if self.slices > 1 and is_sliced(c[0])]
        if not sliced or needs is None or any(c not in needs for c in sliced):
            return None
        repo = self._repo
        others = [c for c in calendar if c not in set(sliced)]
        await repo.savepoint()
        light, rows, members = await repo.lock_light_and_read_members(
            [(c, needs[c]) for c in sliced],
            others,
            cap_counters,
            customers,
            start=random.randrange(self.slices),
            slices=self.slices,
        )
        if len(light) != len(sliced) or any(
            found is None or limit_total != calendar[c] for c, (found, limit_total) in light.items()
        ):
            await repo.rollback_to_savepoint()
            return None
        used: dict[CounterId, int] = {}
        for counter, (found, _) in light.items():
            assert found is not None
            self._held[counter] = found
            used[counter] = calendar[counter] - found.room
            self.seen[counter] = found.total_used
        for counter, held_rows in rows.items():
            held = Full(tuple(sorted(held_rows)))
            self._held[counter] = held
            used[counter] = held.used
        return used, members

    async def _give_places_back(self, twice: Mapping[CounterId, int]) -> None:
        """Cap places counted for customers a concurrent commit made members meanwhile
        (``repository._places_taken_twice``): back to the slice this commit added them to,
        which it holds (or, holding every slice, to those that used most)."""
        for counter, places in sorted(twice.items()):
            held = self._held.get(counter)
            if isinstance(held, Light):
                key, start = counter
                await self._repo.consume_guarded((key, start, held.slice), -places, held.limit)
            else:
                await self._repo.give_back(counter, places)

    def _slice_deltas(
        self, counters: Mapping[CounterId, tuple[int, int]]
    ) -> dict[SliceId, tuple[int, int]]:
        """A plan's counter deltas as slice rows (amount to add, limit_value to set): the
        held slice (its limit unchanged), or — every slice held — the amount in one and the
        headroom shared out again (``slices.spread``); an unsliced counter is its slice 0
        with the configured limit."""
        out: dict[SliceId, tuple[int, int]] = {}
        for counter, (amount, limit) in counters.items():
            key, start = counter
            held = self._held.get(counter)
            if isinstance(held, Light):
                out[(key, start, held.slice)] = (amount, held.limit)
            elif isinstance(held, Full) and len(held.rows) > 1:
                for number, change in spread(held.rows, amount, limit).items():
                    out[(key, start, number)] = change
            else:
                out[(key, start, 0)] = (amount, limit)
        return out

    async def rolling_distinct_customers(self, promotion_id: str, since: datetime) -> int:
        return await self._repo.rolling_distinct_customers(promotion_id, since)

    async def rolling_by_customer(
        self, promotion_id: str, customers: Sequence[str], since: datetime
    ) -> dict[tuple[str, str], tuple[int, int]]:
        return await self._repo.rolling_by_customer(promotion_id, customers, since)

    async def rolling_value_by_type(self, promotion_id: str, since: datetime) -> dict[str, int]:
        return await self._repo.rolling_value_by_type(promotion_id, since)

    # -- code values --------------------------------------------------------------------------

    async def first_value(self, promocode_id: str) -> PromocodeValue | None:
        return await self._repo.first_value(promocode_id)

    async def values_by_key(
        self, promocode_id: str, keys: Sequence[str], *, lock: bool
    ) -> dict[str, PromocodeValue]:
        return await self._repo.values_by_key(promocode_id, keys, lock=lock)

    async def allocated_values(
        self, promocode_id: str, customers: Sequence[str]
    ) -> dict[str, PromocodeValue]:
        return await self._repo.allocated_values(promocode_id, customers)

    async def available_values(
        self, promocode_id: str, count: int, *, lock: bool
    ) -> list[tuple[int, str]]:
        return await self._repo.available_values(promocode_id, count, lock=lock)

    async def available_count(self, promocode_id: str, at_most: int) -> int:
        return await self._repo.available_count(promocode_id, at_most)

    # -- the commit ---------------------------------------------------------------------------

    async def write(self, batch: BatchWrite) -> None:
        """Apply a plan: counters (guarded), redemptions, code values, audience members and
        grants. The CHECK constraints are the backstop; ``CounterOverrun`` rolls back."""
        repo = self._repo
        pid = batch.promotion_id
        promotion_wide: dict[CounterId, tuple[int, int]] = {}
        per_customer: dict[CounterId, tuple[int, int]] = {}
        for counter, delta in batch.counters.items():
            if counter[0].startswith(f"{pid}:cap:") or counter[0].startswith(f"{pid}:budget:"):
                promotion_wide[counter] = delta
            else:
                per_customer[counter] = delta
        hot = self._slice_deltas({c: d for c, d in promotion_wide.items() if d[0]})
        all_counters = {**hot, **self._slice_deltas(per_customer)}
        small = repo.is_postgres and len(all_counters) <= SMALL_UPSERT
        # The promotion-wide rows are locked from the locking read to COMMIT, so the round
        # trips in between bound single-customer commit throughput. PostgreSQL, few counters,
        # no promocode: every write of the commit in one statement (at the end); with a
        # promocode, all counters in one statement here.
        deferred = small and batch.promocode_id is None
        if deferred:
            pass
        elif small:
            await repo.consume_all_guarded(all_counters)
        else:
            for slice_id, (amount, limit) in sorted(hot.items()):
                await repo.consume_guarded(slice_id, amount, limit)
            if per_customer:
                await repo.consume_many(self._slice_deltas(per_customer))
        if batch.redemptions and batch.promocode_id is not None:
            await repo.add_redemptions(batch.promocode_id, batch.redemptions)
        for value_id, customer in batch.redeemed:
            await repo.redeem(value_id, customer, batch.now)
        if batch.allocations:
            await repo.allocate(batch.allocations, batch.now)
        rows, members = batch.grants, batch.members
        if deferred:
            if rows:
                await self._give_places_back(await repo.write_all(all_counters, rows, members))
            else:
                await repo.consume_all_guarded(all_counters)
                await repo.insert_grants_and_members(rows, members)
            return
        if repo.is_postgres:
            await self._give_places_back(await repo.insert_grants_and_members(rows, members))
            return
        if members:
            await repo.add_members(members)
        if rows:
            await repo.insert_grants(rows)
