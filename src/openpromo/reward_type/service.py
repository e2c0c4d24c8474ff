"""Reward types: what rewards are paid in (SPEC §1, §12).

Decisions where the SPEC is silent:

- ``DELETE`` of a type that a promotion uses (see ``usage.py``) **archives** it instead
  (``status="archived"``, ``archived_at`` set) and still answers 204; an unused type is
  deleted for good, image included, and its key can be reused.
- ``PATCH {"status": "active"}`` brings an archived type back; ``{"status": "archived"}``
  archives it without deleting.
- ``category``, ``currency`` and ``decimals`` change only while no promotion uses the type:
  grants and budgets store integer minor units, which a new scale or currency would silently
  re-value (409 ``reward_type_in_use`` with the promotions). ``rounding`` only affects future
  computations, so it may always change.
- Switching the category resets what no longer applies: to ``unit`` clears ``currency``, to
  ``amount`` clears ``unit_name`` and defaults ``currency`` to the tenant's.
- Images: PNG, JPEG or WebP whose first bytes match the declared type; SVG is refused (it can
  carry scripts). The bytes are stored in the database so any number of stateless servers
  can serve them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.audit.service import audit_service
from openpromo.auth.principal import Principal
from openpromo.config import get_settings
from openpromo.errors import (
    Conflict,
    ConflictRef,
    FieldError,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMediaType,
    names_of,
)
from openpromo.kit.clock import utcnow
from openpromo.kit.pagination import Slice, decode_cursor, slice_rows
from openpromo.models import RewardType, RewardTypeImage
from openpromo.reward_type.repository import RewardTypeRepository
from openpromo.reward_type.schemas import (
    RewardConstraints,
    RewardTypeCreate,
    RewardTypeUpdate,
    reward_type_out,
    validate_constraints_for,
)
from openpromo.reward_type.usage import find_reward_type_usages
from openpromo.rules.types import RewardTypeInfo
from openpromo.tenant.service import tenant_service
from openpromo.tenant.validation import currency_error

DEFAULT_DECIMALS = {"amount": 2, "unit": 0}

IMAGE_TYPES: dict[str, str] = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP"}
_CONTENT_TYPE_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg"}


def sniff_image_type(data: bytes) -> str | None:
    """The image type the bytes really are, from their magic numbers."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def normalize_content_type(content_type: str | None) -> str:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return _CONTENT_TYPE_ALIASES.get(media_type, media_type)


def _snapshot(reward_type: RewardType) -> dict[str, Any]:
    return reward_type_out(reward_type).model_dump(mode="json", exclude={"updated_at"})


def _image_snapshot(image: RewardTypeImage | None) -> dict[str, Any] | None:
    if image is None:
        return None
    return {"content_type": image.content_type, "size": image.size, "sha256": image.sha256}


def _raise_if(errors: Sequence[FieldError]) -> None:
    if errors:
        raise Unprocessable(detail="; ".join(e.msg for e in errors), errors=list(errors))


def _duplicate(key: str) -> Conflict:
    return Conflict(
        detail=f"a reward type with key '{key}' already exists",
        code="reward_type_exists",
        errors=[FieldError(("body", "key"), f"'{key}' is already used", "duplicate_key")],
        conflicts=[ConflictRef("reward_type", key)],
    )


def _category_errors(
    category: str, currency: str | None, unit_name: str | None
) -> list[FieldError]:
    errors: list[FieldError] = []
    if category == "amount":
        if currency is None:
            errors.append(
                FieldError(
                    ("body", "currency"), "an amount reward type needs a currency", "missing"
                )
            )
        elif err := currency_error(currency, ("body", "currency")):
            errors.append(err)
        if unit_name is not None:
            errors.append(
                FieldError(
                    ("body", "unit_name"),
                    "unit_name is for unit reward types; an amount has a currency",
                    "not_allowed",
                )
            )
    elif currency is not None:
        errors.append(
            FieldError(
                ("body", "currency"),
                "a unit reward type has no currency (use unit_name)",
                "not_allowed",
            )
        )
    return errors


class RewardTypeService:
    async def create(
        self, session: AsyncSession, principal: Principal, body: RewardTypeCreate
    ) -> RewardType:
        currency = body.currency
        if body.category == "amount" and currency is None:
            currency = (await tenant_service.get(session, principal.tenant_id)).default_currency
        decimals = body.decimals if body.decimals is not None else DEFAULT_DECIMALS[body.category]
        errors = _category_errors(body.category, currency, body.unit_name)
        errors += validate_constraints_for(body.constraints, decimals, ("body", "constraints"))
        _raise_if(errors)
        repo = RewardTypeRepository(session, principal.tenant_id)
        if await repo.get_by_key(body.key) is not None:
            raise _duplicate(body.key)
        try:
            reward_type = await repo.add(
                RewardType(
                    key=body.key,
                    name=body.name,
                    display_name=body.display_name or body.name,
                    description=body.description,
                    category=body.category,
                    currency=currency,
                    unit_name=body.unit_name,
                    decimals=decimals,
                    rounding=body.rounding,
                    constraints=body.constraints.to_json(),
                    status="active",
                )
            )
        except IntegrityError as exc:  # a concurrent create of the same key won the race
            raise _duplicate(body.key) from exc
        audit_service.record(
            session,
            principal,
            "reward_type.create",
            "reward_type",
            reward_type.key,
            after=_snapshot(reward_type),
        )
        return reward_type

    async def get(self, session: AsyncSession, principal: Principal, key: str) -> RewardType:
        reward_type = await RewardTypeRepository(session, principal.tenant_id).get_by_key(key)
        if reward_type is None:
            raise NotFound(detail=f"reward type '{key}' not found")
        return reward_type

    async def list_page(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        limit: int,
        cursor: str | None,
        status: str | None = None,
    ) -> Slice[RewardType]:
        after_id = decode_cursor(cursor) if cursor else None
        rows = await RewardTypeRepository(session, principal.tenant_id).list_page(
            after_id=after_id, limit=limit + 1, status=status
        )
        return slice_rows(rows, limit, lambda r: r.id)

    async def list_all(self, session: AsyncSession, tenant_id: str) -> list[RewardType]:
        """Every reward type of the tenant, archived ones included, oldest first."""
        return list(await RewardTypeRepository(session, tenant_id).list_all())

    async def infos(self, session: AsyncSession, tenant_id: str) -> dict[str, RewardTypeInfo]:
        """What the rules need of every reward type (archived included), by key."""
        return {
            r.key: RewardTypeInfo(key=r.key, decimals=r.decimals, rounding=r.rounding)  # type: ignore[arg-type]
            for r in await self.list_all(session, tenant_id)
        }

    async def update(
        self, session: AsyncSession, principal: Principal, key: str, body: RewardTypeUpdate
    ) -> RewardType:
        changes = body.model_dump(exclude_unset=True)
        nullable = {"currency", "unit_name"}
        null_errors = [
            FieldError(("body", field), "cannot be null", "null_not_allowed")
            for field, value in changes.items()
            if value is None and field not in nullable
        ]
        _raise_if(null_errors)

        repo = RewardTypeRepository(session, principal.tenant_id)
        reward_type = await repo.get_by_key_for_update(key)
        if reward_type is None:
            raise NotFound(detail=f"reward type '{key}' not found")
        before = _snapshot(reward_type)

        category = body.category if body.category is not None else reward_type.category
        category_changed = category != reward_type.category
        if "currency" in changes:
            currency = body.currency
        elif category_changed:
            currency = None
            if category == "amount":
                tenant = await tenant_service.get(session, principal.tenant_id)
                currency = tenant.default_currency
        else:
            currency = reward_type.currency
        if "unit_name" in changes:
            unit_name = body.unit_name
        else:
            unit_name = None if category == "amount" else reward_type.unit_name
        decimals = body.decimals if body.decimals is not None else reward_type.decimals
        constraints = (
            body.constraints
            if body.constraints is not None
            else RewardConstraints.model_validate(reward_type.constraints)
        )

        errors = _category_errors(category, currency, unit_name)
        constraint_errors = validate_constraints_for(constraints, decimals, ("body", "constraints"))
        if body.constraints is None and constraint_errors:
            # The stored constraints no longer fit the new decimals: blame the change.
            constraint_errors = [
                FieldError(
                    ("body", "decimals"),
                    f"the reward type's constraints do not fit {decimals} decimals: "
                    + "; ".join(e.msg for e in constraint_errors),
                    "constraints_mismatch",
                )
            ]
        _raise_if(errors + constraint_errors)

        rescaling = [
            field
            for field, new, old in (
                ("category", category, reward_type.category),
                ("currency", currency, reward_type.currency),
                ("decimals", decimals, reward_type.decimals),
            )
            if new != old
        ]
        if rescaling:
            usages = await find_reward_type_usages(session, principal.tenant_id, key)
            if usages:
                raise Conflict(
                    detail=f"reward type '{key}' is used by promotions ({names_of(usages)}); "
                    f"its {', '.join(rescaling)} cannot change",
                    code="reward_type_in_use",
                    errors=[
                        FieldError(("body", field), "the reward type is in use", "in_use")
                        for field in rescaling
                    ],
                    conflicts=usages,
                )

        for field in ("name", "display_name", "description", "rounding"):
            if field in changes:
                setattr(reward_type, field, changes[field])
        reward_type.category = category
        reward_type.currency = currency
        reward_type.unit_name = unit_name
        reward_type.decimals = decimals
        if body.constraints is not None:
            reward_type.constraints = body.constraints.to_json()
        if body.status is not None and body.status != reward_type.status:
            reward_type.status = body.status
            reward_type.archived_at = utcnow() if body.status == "archived" else None
        await session.flush()
        await session.refresh(reward_type)
        after = _snapshot(reward_type)
        if after != before:
            audit_service.record(
                session,
                principal,
                "reward_type.update",
                "reward_type",
                reward_type.key,
                before=before,
                after=after,
            )
        return reward_type

    async def delete(
        self, session: AsyncSession, principal: Principal, key: str
    ) -> Literal["deleted", "archived"]:
        """Delete an unused type; archive a used one (see the module docstring)."""
        repo = RewardTypeRepository(session, principal.tenant_id)
        reward_type = await repo.get_by_key_for_update(key)
        if reward_type is None:
            raise NotFound(detail=f"reward type '{key}' not found")
        before = _snapshot(reward_type)
        usages = await find_reward_type_usages(session, principal.tenant_id, key)
        if usages:
            if reward_type.status != "archived":
                reward_type.status = "archived"
                reward_type.archived_at = utcnow()
                await session.flush()
                await session.refresh(reward_type)
                audit_service.record(
                    session,
                    principal,
                    "reward_type.archive",
                    "reward_type",
                    key,
                    before=before,
                    after={**_snapshot(reward_type), "used_by": [ref.name for ref in usages]},
                )
            return "archived"
        await repo.delete(reward_type)
        audit_service.record(
            session, principal, "reward_type.delete", "reward_type", key, before=before
        )
        return "deleted"

    async def put_image(
        self,
        session: AsyncSession,
        principal: Principal,
        key: str,
        content_type: str | None,
        data: bytes,
    ) -> RewardType:
        media_type = normalize_content_type(content_type)
        if media_type not in IMAGE_TYPES:
            why = (
                "SVG images are refused (they can carry scripts)"
                if media_type.startswith("image/svg")
                else f"content type '{media_type or '(none)'}' is not accepted"
            )
            raise UnsupportedMediaType(
                detail=f"{why}; send image/png, image/jpeg or image/webp",
                errors=[FieldError(("header", "Content-Type"), why, "unsupported_media_type")],
            )
        limit = get_settings().max_image_bytes
        if len(data) > limit:
            raise PayloadTooLarge(detail=f"the image is larger than {limit} bytes")
        if not data:
            raise Unprocessable(
                detail="the image is empty",
                errors=[FieldError(("body",), "the image is empty", "missing")],
            )
        actual = sniff_image_type(data)
        if actual != media_type:
            found = f"looks like {actual}" if actual else "is not a PNG, JPEG or WebP image"
            msg = f"the body was declared {media_type} but {found}"
            raise Unprocessable(
                detail=msg, errors=[FieldError(("body",), msg, "content_type_mismatch")]
            )

        repo = RewardTypeRepository(session, principal.tenant_id)
        reward_type = await repo.get_by_key_for_update(key)
        if reward_type is None:
            raise NotFound(detail=f"reward type '{key}' not found")
        before = _image_snapshot(await repo.get_image(reward_type.id))
        image = await repo.put_image(
            reward_type.id, media_type, data, hashlib.sha256(data).hexdigest()
        )
        reward_type.image_content_type = media_type
        await session.flush()
        await session.refresh(reward_type)
        audit_service.record(
            session,
            principal,
            "reward_type.image_upload",
            "reward_type",
            key,
            before=before,
            after=_image_snapshot(image),
        )
        return reward_type

    async def get_image(
        self, session: AsyncSession, principal: Principal, key: str
    ) -> RewardTypeImage:
        repo = RewardTypeRepository(session, principal.tenant_id)
        reward_type = await repo.get_by_key(key)
        if reward_type is None:
            raise NotFound(detail=f"reward type '{key}' not found")
        image = await repo.get_image(reward_type.id)
        if image is None:
            raise NotFound(detail=f"reward type '{key}' has no image")
        return image


reward_type_service = RewardTypeService()
