"""Promocodes (SPEC §6): types, values at scale, promotion assignment, campaign links,
visibility. Interfaces the validation domain relies on: ``get``, ``resolve_value``,
``campaign_ids``.

Size (over 600 lines): the upload, generation and type-change paths share the value checks
and the audit snapshot of one promocode; the parsing and generation themselves live in
``upload_parser`` and ``generation``.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.audit.service import audit_service
from openpromo.auth.principal import Principal
from openpromo.campaign.service import campaign_service
from openpromo.errors import (
    Conflict,
    ConflictRef,
    FieldError,
    NotFound,
    Unprocessable,
    unprocessable,
)
from openpromo.kit.clock import utcnow
from openpromo.kit.pagination import Slice, decode_cursor, slice_rows
from openpromo.models import Promocode, PromocodeValue
from openpromo.models.promocode import DEFAULT_POOL_LOW_THRESHOLD
from openpromo.promocode.generation import (
    DEFAULT_CHARSET,
    CodeShape,
    ShapeError,
    check_space,
    shape_from_charset,
    shape_from_pattern,
)
from openpromo.promocode.repository import PromocodeRepository
from openpromo.promocode.schemas import (
    GenerateReport,
    GenerateRequest,
    InvalidLine,
    PromocodeCreate,
    PromocodeTypeChange,
    PromocodeUpdate,
    UploadReport,
    ValueCounts,
)
from openpromo.promocode.schemas import Promocode as PromocodeOut
from openpromo.promocode.upload_parser import UploadParser
from openpromo.promotion.service import PromotionArchived, promotion_ref, promotion_service
from openpromo.webhook.service import webhook_service

DEFAULT_LENGTH = 8
GENERATE_BATCH = 50_000
MAX_GENERATE_ROUNDS = 64
EXPORT_CHUNK = 5_000

# Which optional fields apply to which type (PATCH and create refuse the others with 422).
APPLICABLE_FIELDS = {
    "once_per_customer": ("shared",),
    "max_redemptions": ("shared",),
    "fallback_value": ("bulk",),
    "pool_low_threshold": ("bulk",),
}


@dataclass
class ValueTaken(Conflict):
    code: str = "value_taken"


@dataclass
class NotBulk(Conflict):
    code: str = "not_bulk"


@dataclass
class TypeChangeRefused(Conflict):
    code: str = "type_change_refused"


@dataclass
class MaxRedemptionsBelowUse(Conflict):
    code: str = "max_redemptions_below_use"


def promocode_ref(promocode: Promocode, value: str | None) -> ConflictRef:
    return ConflictRef("promocode", promocode.id, value, promocode.name)


def _not_applicable(field: str, type_: str) -> FieldError:
    allowed = " and ".join(APPLICABLE_FIELDS[field])
    return FieldError(
        ("body", field),
        f"{field} applies to {allowed} promocodes only, not to {type_} ones",
        "not_applicable",
    )


Descriptions = list[PromocodeOut]


class PromocodeService:
    # -- interfaces for validation --------------------------------------------------------

    async def get(
        self, session: AsyncSession, principal: Principal, promocode_id: str
    ) -> Promocode:
        promocode = await PromocodeRepository(session, principal.tenant_id).get(promocode_id)
        if promocode is None:
            raise NotFound(detail=f"promocode {promocode_id} not found")
        return promocode

    async def find(
        self, session: AsyncSession, principal: Principal, promocode_id: str
    ) -> Promocode | None:
        return await PromocodeRepository(session, principal.tenant_id).get(promocode_id)

    async def resolve_value(
        self, session: AsyncSession, tenant_id: str, value: str
    ) -> tuple[Promocode, PromocodeValue] | None:
        """The promocode and value row a presented value (any case) belongs to."""
        return await PromocodeRepository(session, tenant_id).resolve_value(value)

    async def campaign_ids(
        self, session: AsyncSession, tenant_id: str, promocode_id: str
    ) -> list[str]:
        links = await PromocodeRepository(session, tenant_id).campaign_ids([promocode_id])
        return links.get(promocode_id, [])

    # -- reads ----------------------------------------------------------------------------

    async def describe(
        self, session: AsyncSession, principal: Principal, promocode_id: str
    ) -> PromocodeOut:
        return (
            await self._describe(
                session, principal, [await self.get(session, principal, promocode_id)]
            )
        )[0]

    async def list(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        limit: int,
        cursor: str | None,
        type_: str | None = None,
        promotion_id: str | None = None,
        campaign_id: str | None = None,
        hidden: bool | None = None,
        include_hidden: bool = False,
        search: str | None = None,
        unassigned: bool = False,
    ) -> Slice[PromocodeOut]:
        if hidden is None and not include_hidden:
            hidden = False
        rows = await PromocodeRepository(session, principal.tenant_id).list_page(
            after_id=decode_cursor(cursor) if cursor else None,
            limit=limit + 1,
            type_=type_,
            promotion_id=promotion_id,
            campaign_id=campaign_id,
            hidden=hidden,
            search=search,
            unassigned=unassigned,
        )
        page = slice_rows(rows, limit, lambda p: p.id)
        return Slice(await self._describe(session, principal, page.items), page.next_cursor)

    async def _describe(
        self, session: AsyncSession, principal: Principal, promocodes: Sequence[Promocode]
    ) -> Descriptions:
        repo = PromocodeRepository(session, principal.tenant_id)
        ids = [p.id for p in promocodes]
        counts = await repo.counts(ids)
        links = await repo.campaign_ids(ids)
        values = await repo.single_values([p.id for p in promocodes if p.type != "bulk"])
        out: list[PromocodeOut] = []
        for p in promocodes:
            by_status = counts.get(p.id, {})
            out.append(
                PromocodeOut(
                    id=p.id,
                    name=p.name,
                    type=p.type,
                    value=values.get(p.id),
                    promotion_id=p.promotion_id,
                    hidden=p.hidden,
                    once_per_customer=p.once_per_customer,
                    max_redemptions=p.max_redemptions,
                    fallback_value=p.fallback_value,
                    redemptions_count=p.redemptions_count,
                    pool_low_threshold=p.pool_low_threshold,
                    campaign_ids=links.get(p.id, []),
                    counts=ValueCounts(
                        values=sum(by_status.values()),
                        available=by_status.get("available", 0),
                        allocated=by_status.get("allocated", 0),
                        redeemed=by_status.get("redeemed", 0),
                    ),
                    created_at=p.created_at,
                    updated_at=p.updated_at,
                )
            )
        return out

    async def _snapshot(
        self, session: AsyncSession, principal: Principal, promocode: Promocode
    ) -> dict[str, Any]:
        described = (await self._describe(session, principal, [promocode]))[0]
        return described.model_dump(mode="json", exclude={"updated_at", "counts"})

    # -- writes ---------------------------------------------------------------------------

    async def create(
        self, session: AsyncSession, principal: Principal, body: PromocodeCreate
    ) -> PromocodeOut:
        problems: list[FieldError] = []
        given = body.model_dump(exclude_unset=True)
        for field, types in APPLICABLE_FIELDS.items():
            if given.get(field) is not None and body.type not in types:
                problems.append(_not_applicable(field, body.type))
        if body.type == "bulk" and body.value is not None:
            problems.append(
                FieldError(
                    ("body", "value"),
                    "a bulk promocode has no single value: upload or generate its values",
                    "not_applicable",
                )
            )
        if body.type != "bulk" and body.value is None:
            problems.append(
                FieldError(("body", "value"), f"a {body.type} promocode needs a value", "missing")
            )
        if problems:
            raise Unprocessable(detail="; ".join(p.msg for p in problems), errors=problems)
        if body.promotion_id is not None:
            await self._assignable_promotion(session, principal, body.promotion_id)
        repo = PromocodeRepository(session, principal.tenant_id)
        promocode = await repo.add(
            Promocode(
                name=body.name,
                type=body.type,
                promotion_id=body.promotion_id,
                hidden=body.hidden,
                once_per_customer=body.once_per_customer
                if body.once_per_customer is not None
                else True,
                max_redemptions=1 if body.type == "single_use" else body.max_redemptions,
                fallback_value=body.fallback_value,
                pool_low_threshold=body.pool_low_threshold
                if body.pool_low_threshold is not None
                else DEFAULT_POOL_LOW_THRESHOLD,
            )
        )
        if body.value is not None and not await repo.add_value(promocode.id, body.value):
            found = await repo.resolve_value(body.value)
            owner = found[0] if found is not None else None
            raise ValueTaken(
                detail=f"the value {body.value!r} already belongs to promocode "
                f"{owner.id if owner else '?'} "
                "(values are unique in the tenant, case-insensitively)",
                errors=[FieldError(("body", "value"), "value already in use", "value_taken")],
                conflicts=[promocode_ref(owner, found[1].value)] if found and owner else [],
                conflicts_total=1,
            )
        audit_service.record(
            session,
            principal,
            "promocode.create",
            "promocode",
            promocode.id,
            after=await self._snapshot(session, principal, promocode),
        )
        return (await self._describe(session, principal, [promocode]))[0]

    async def update(
        self, session: AsyncSession, principal: Principal, promocode_id: str, body: PromocodeUpdate
    ) -> PromocodeOut:
        repo = PromocodeRepository(session, principal.tenant_id)
        promocode = await self._locked(repo, promocode_id)
        changes = body.model_dump(exclude_unset=True)
        problems = [
            _not_applicable(field, promocode.type)
            for field, types in APPLICABLE_FIELDS.items()
            if field in changes and promocode.type not in types
        ]
        for required in ("name", "once_per_customer", "pool_low_threshold"):
            if required in changes and changes[required] is None:
                problems.append(
                    FieldError(("body", required), "cannot be null", "null_not_allowed")
                )
        if problems:
            raise Unprocessable(detail="; ".join(p.msg for p in problems), errors=problems)
        # The row is locked (_locked): no redemption can slip past the check below.
        new_max = changes.get("max_redemptions", promocode.max_redemptions)
        if new_max is not None and new_max < promocode.redemptions_count:
            raise MaxRedemptionsBelowUse(
                detail=f"max_redemptions {new_max} is below the {promocode.redemptions_count} "
                "redemptions already made"
            )
        before = await self._snapshot(session, principal, promocode)
        for field, value in changes.items():
            setattr(promocode, field, value)
        await session.flush()
        return await self._audited(session, principal, promocode, "promocode.update", before)

    async def set_type(
        self,
        session: AsyncSession,
        principal: Principal,
        promocode_id: str,
        body: PromocodeTypeChange,
    ) -> PromocodeOut:
        repo = PromocodeRepository(session, principal.tenant_id)
        promocode = await self._locked(repo, promocode_id)
        new_type = body.type
        if new_type == promocode.type:
            return (await self._describe(session, principal, [promocode]))[0]
        used_values = await repo.used_value_count(promocode.id)
        if promocode.redemptions_count > 0 or used_values > 0:
            raise TypeChangeRefused(
                detail=f"the type of a promocode that has been used cannot change: it has "
                f"{promocode.redemptions_count} redemptions and {used_values} values allocated "
                "or redeemed",
                code="promocode_in_use",
            )
        if new_type in ("shared", "single_use"):
            values = await repo.value_count(promocode.id)
            if values != 1:
                raise TypeChangeRefused(
                    detail=f"a {new_type} promocode has exactly one value and this one has "
                    f"{values}",
                    code="values_do_not_fit",
                )
        before = await self._snapshot(session, principal, promocode)
        promocode.type = new_type
        if new_type != "bulk":
            promocode.fallback_value = None
        if new_type != "shared":
            promocode.once_per_customer = True
        promocode.max_redemptions = 1 if new_type == "single_use" else None
        await session.flush()
        return await self._audited(session, principal, promocode, "promocode.set_type", before)

    async def assign_promotion(
        self, session: AsyncSession, principal: Principal, promocode_id: str, promotion_id: str
    ) -> PromocodeOut:
        repo = PromocodeRepository(session, principal.tenant_id)
        promocode = await self._locked(repo, promocode_id)
        await self._assignable_promotion(session, principal, promotion_id)
        if promocode.promotion_id == promotion_id:
            return (await self._describe(session, principal, [promocode]))[0]
        before = await self._snapshot(session, principal, promocode)
        promocode.promotion_id = promotion_id
        await session.flush()
        return await self._audited(session, principal, promocode, "promocode.assign", before)

    async def unassign_promotion(
        self, session: AsyncSession, principal: Principal, promocode_id: str
    ) -> PromocodeOut:
        repo = PromocodeRepository(session, principal.tenant_id)
        promocode = await self._locked(repo, promocode_id)
        if promocode.promotion_id is None:
            return (await self._describe(session, principal, [promocode]))[0]
        before = await self._snapshot(session, principal, promocode)
        promocode.promotion_id = None
        await session.flush()
        return await self._audited(session, principal, promocode, "promocode.unassign", before)

    async def link_campaign(
        self, session: AsyncSession, principal: Principal, promocode_id: str, campaign_id: str
    ) -> PromocodeOut:
        return await self._set_campaign_link(session, principal, promocode_id, campaign_id, True)

    async def unlink_campaign(
        self, session: AsyncSession, principal: Principal, promocode_id: str, campaign_id: str
    ) -> PromocodeOut:
        return await self._set_campaign_link(session, principal, promocode_id, campaign_id, False)

    async def _set_campaign_link(
        self,
        session: AsyncSession,
        principal: Principal,
        promocode_id: str,
        campaign_id: str,
        linked: bool,
    ) -> PromocodeOut:
        """Idempotent: linking twice is one link; only a real change is audited."""
        repo = PromocodeRepository(session, principal.tenant_id)
        promocode = await self.get(session, principal, promocode_id)
        await campaign_service.get(session, principal, campaign_id)
        before = await self._snapshot(session, principal, promocode)
        change = repo.link_campaign if linked else repo.unlink_campaign
        if await change(promocode.id, campaign_id):
            promocode.updated_at = utcnow()
            await session.flush()
            action = "promocode.link_campaign" if linked else "promocode.unlink_campaign"
            return await self._audited(session, principal, promocode, action, before)
        return (await self._describe(session, principal, [promocode]))[0]

    async def set_hidden(
        self, session: AsyncSession, principal: Principal, promocode_id: str, hidden: bool
    ) -> PromocodeOut:
        repo = PromocodeRepository(session, principal.tenant_id)
        promocode = await self._locked(repo, promocode_id)
        if promocode.hidden == hidden:
            return (await self._describe(session, principal, [promocode]))[0]
        before = await self._snapshot(session, principal, promocode)
        promocode.hidden = hidden
        await session.flush()
        action = "promocode.hide" if hidden else "promocode.show"
        return await self._audited(session, principal, promocode, action, before)

    # -- values ---------------------------------------------------------------------------

    async def upload_values(
        self,
        session: AsyncSession,
        principal: Principal,
        promocode_id: str,
        chunks: AsyncIterable[bytes],
        *,
        dry_run: bool = False,
    ) -> UploadReport:
        """Parse a streamed file of values and store the valid, new ones — all of them or,
        on any failure, none (one transaction). Memory stays flat: the parser holds at most
        one chunk and the values go straight into a staging table."""
        repo = PromocodeRepository(session, principal.tenant_id)
        promocode = await self._bulk(session, principal, promocode_id)
        parser = UploadParser()

        async def valid_blocks() -> AsyncIterator[bytes]:
            async for chunk in chunks:
                block = parser.feed(chunk)
                if block:
                    yield block
            block = parser.finish()
            if block:
                yield block

        await repo.create_staging()
        await repo.stage(valid_blocks())
        staged = parser.valid_count
        await repo.lock_values()
        if dry_run:
            distinct = await repo.staged_distinct_count()
            existing = await repo.staged_existing_count()
            inserted = distinct - existing
        else:
            inserted = await repo.merge_staged(promocode.id)
            # All staged values new and distinct is the common case: no need to count.
            distinct = inserted if inserted == staged else await repo.staged_distinct_count()
            existing = distinct - inserted
        await repo.drop_staging()
        report = UploadReport(
            inserted=inserted,
            duplicates_in_file=staged - distinct,
            already_existing=existing,
            invalid_count=parser.invalid_count,
            invalid=[
                InvalidLine(line=i.line, value=i.value, reason=i.reason) for i in parser.invalid
            ],
            lines=parser.lines,
            dry_run=dry_run,
        )
        if not dry_run:
            promocode.updated_at = utcnow()
            await session.flush()
            audit_service.record(
                session,
                principal,
                "promocode.upload_values",
                "promocode",
                promocode.id,
                after=report.model_dump(mode="json", exclude={"invalid"}),
            )
            await webhook_service.emit(
                session,
                principal.tenant_id,
                "promocode.upload_finished",
                {
                    "promocode_id": promocode.id,
                    **report.model_dump(mode="json", exclude={"invalid", "dry_run"}),
                },
            )
        return report

    async def generate_values(
        self,
        session: AsyncSession,
        principal: Principal,
        promocode_id: str,
        body: GenerateRequest,
        *,
        on_progress: Callable[[int], None] | None = None,
    ) -> GenerateReport:
        """Add ``count`` new random values, collision-safe against every value of the tenant:
        generate, insert with ON CONFLICT DO NOTHING, and generate again for the collisions."""
        repo = PromocodeRepository(session, principal.tenant_id)
        promocode = await self._bulk(session, principal, promocode_id)
        shape, field = self._shape(body)
        await repo.lock_values()
        existing = await repo.count_values_like(shape.like_pattern())
        try:
            check_space(shape, body.count, existing, field)
        except ShapeError as exc:
            raise unprocessable(("body", exc.field), str(exc), "space_too_small") from exc

        async def random_blocks(count: int) -> AsyncIterator[bytes]:
            for start in range(0, count, GENERATE_BATCH):
                values = shape.sample(min(GENERATE_BATCH, count - start))
                yield ("\n".join(values) + "\n").encode("ascii")

        remaining, rounds, collisions = body.count, 0, 0
        await repo.create_staging()
        while remaining > 0:
            rounds += 1
            if rounds > MAX_GENERATE_ROUNDS:  # only reachable if the space estimate is wrong
                raise Conflict(
                    detail="could not find enough unused values; use a larger shape",
                    code="generation_exhausted",
                )
            await repo.stage(random_blocks(remaining))
            inserted = await repo.merge_staged(promocode.id)
            await repo.truncate_staging()
            collisions += remaining - inserted
            remaining -= inserted
            if on_progress is not None:
                on_progress(inserted)
        await repo.drop_staging()
        report = GenerateReport(generated=body.count, collisions=collisions, rounds=rounds)
        promocode.updated_at = utcnow()
        await session.flush()
        audit_service.record(
            session,
            principal,
            "promocode.generate_values",
            "promocode",
            promocode.id,
            after={**body.model_dump(mode="json", exclude_none=True), **report.model_dump()},
        )
        await webhook_service.emit(
            session,
            principal.tenant_id,
            "promocode.generation_finished",
            {"promocode_id": promocode.id, **report.model_dump(mode="json")},
        )
        return report

    def _shape(self, body: GenerateRequest) -> tuple[CodeShape, str]:
        try:
            if body.pattern is not None:
                for other in ("length", "charset", "prefix", "suffix"):
                    if other in body.model_fields_set:
                        raise ShapeError(
                            other, "give either pattern or length/charset/prefix/suffix, not both"
                        )
                return shape_from_pattern(body.pattern), "pattern"
            shape = shape_from_charset(
                body.length or DEFAULT_LENGTH,
                body.charset or DEFAULT_CHARSET,
                body.prefix,
                body.suffix,
            )
            return shape, "length"
        except ShapeError as exc:
            raise unprocessable(("body", exc.field), str(exc), "invalid_shape") from exc

    async def list_values(
        self,
        session: AsyncSession,
        principal: Principal,
        promocode_id: str,
        *,
        limit: int,
        cursor: str | None,
        prefix: str | None = None,
        status: str | None = None,
    ) -> Slice[Any]:
        promocode = await self.get(session, principal, promocode_id)
        after = decode_cursor(cursor) if cursor else None
        if after is not None and not (
            isinstance(after, list)
            and len(after) == 2
            and isinstance(after[0], str)
            and isinstance(after[1], int)
        ):
            raise unprocessable(("query", "cursor"), "not a cursor of this list", "invalid_cursor")
        rows = await PromocodeRepository(session, principal.tenant_id).values_page(
            promocode.id,
            after=(after[0], after[1]) if after else None,
            limit=limit + 1,
            prefix=prefix,
            status=status,
        )
        return slice_rows(rows, limit, lambda row: [row.status, row.id])

    async def iter_values(
        self,
        session: AsyncSession,
        principal: Principal,
        promocode_id: str,
        *,
        prefix: str | None = None,
        status: str | None = None,
        chunk: int = EXPORT_CHUNK,
    ) -> AsyncIterator[Sequence[Any]]:
        """Every value, in chunks read with keyset pagination (never all in memory)."""
        promocode = await self.get(session, principal, promocode_id)
        repo = PromocodeRepository(session, principal.tenant_id)
        after: tuple[str, int] | None = None
        while True:
            rows = await repo.values_page(
                promocode.id, after=after, limit=chunk, prefix=prefix, status=status
            )
            if not rows:
                return
            yield rows
            if len(rows) < chunk:
                return
            after = (rows[-1].status, rows[-1].id)

    # -- helpers --------------------------------------------------------------------------

    async def _bulk(
        self, session: AsyncSession, principal: Principal, promocode_id: str
    ) -> Promocode:
        promocode = await self.get(session, principal, promocode_id)
        if promocode.type != "bulk":
            raise NotBulk(
                detail=f"only bulk promocodes take uploaded or generated values; this one is "
                f"{promocode.type} (change its type to bulk first)"
            )
        return promocode

    async def _locked(self, repo: PromocodeRepository, promocode_id: str) -> Promocode:
        promocode = await repo.get_for_update(promocode_id)
        if promocode is None:
            raise NotFound(detail=f"promocode {promocode_id} not found")
        return promocode

    async def _assignable_promotion(
        self, session: AsyncSession, principal: Principal, promotion_id: str
    ) -> None:
        # A promotion named in the *body* that this tenant does not have (unknown, or another
        # tenant's: the same answer, nothing leaks) is a bad field value, 422 on
        # body.promotion_id, not a 404: a 404 says the request's target (the promocode in the
        # path) does not exist, and clients and tools act on that (docs/promocodes.md).
        try:
            promotion = await promotion_service.get(session, principal, promotion_id)
        except NotFound:
            raise unprocessable(
                ("body", "promotion_id"),
                f"promotion {promotion_id!r} does not exist",
                "unknown_promotion",
            ) from None
        if promotion.status == "archived":
            raise PromotionArchived(
                detail=f"promotion {promotion_id} is archived: promocodes cannot be assigned to it",
                errors=[
                    FieldError(("body", "promotion_id"), "the promotion is archived", "archived")
                ],
                conflicts=[promotion_ref(promotion.id, promotion.code, promotion.name)],
            )

    async def _audited(
        self,
        session: AsyncSession,
        principal: Principal,
        promocode: Promocode,
        action: str,
        before: dict[str, Any],
    ) -> PromocodeOut:
        await session.refresh(promocode)
        described = (await self._describe(session, principal, [promocode]))[0]
        audit_service.record(
            session,
            principal,
            action,
            "promocode",
            promocode.id,
            before=before,
            after=described.model_dump(mode="json", exclude={"updated_at", "counts"}),
        )
        return described


promocode_service = PromocodeService()
