"""Property schemas: the tenant's customer, session and promotion properties (SPEC §2).

Decisions where the SPEC is silent:

- A definition's order is kept: ``PUT /v1/schemas/{scope}`` stores the list order, a new
  property added with ``PUT …/properties/{key}`` goes last.
- Referential integrity (``usage.py``) covers deleting and retyping, also through a
  whole-scope ``PUT`` that drops or retypes a property. Narrowing constraints of a referenced
  property is allowed: values are re-checked where they enter.
- A constraint that does not apply to the type is an error, not silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.audit.service import audit_service
from openpromo.auth.principal import Principal
from openpromo.errors import Conflict, ConflictRef, FieldError, NotFound, Unprocessable, names_of
from openpromo.models import PropertyDefinition as PropertyDefinitionRow
from openpromo.rules.types import PropertyType
from openpromo.schema.repository import PropertyDefinitionRepository
from openpromo.schema.schemas import (
    PropertyDefinitionBody,
    PropertyDefinitionOut,
    PropertyDefinitionPut,
    Schema,
    SchemaPut,
)
from openpromo.schema.usage import find_property_usages
from openpromo.schema.values import (
    InvalidValue,
    PropertyDefinition,
    coerce_value,
    from_json_value,
    to_json_value,
)

Loc = tuple[str | int, ...]

ALLOWED_VALUES_TYPES = frozenset({"string", "string_list", "integer"})
RANGE_TYPES = frozenset({"integer", "decimal", "date", "datetime"})
STRING_TYPES = frozenset({"string"})
REQUIRED_SCOPES = frozenset({"session", "promotion"})


def check_definition(
    scope: str, key: str, body: PropertyDefinitionBody, loc: Loc
) -> tuple[PropertyDefinition | None, list[FieldError]]:
    """A definition as sent, checked against its type and scope. Pure.

    Returns the typed in-memory definition, or ``None`` and the errors (each naming the
    offending field under ``loc``).
    """
    errors: list[FieldError] = []
    type_ = body.type

    def not_for_type(name: str, types: frozenset[str]) -> None:
        errors.append(
            FieldError(
                (*loc, name),
                f"{name} does not apply to {type_} properties (only {', '.join(sorted(types))})",
                "constraint_not_allowed",
            )
        )

    if body.required and scope not in REQUIRED_SCOPES:
        errors.append(
            FieldError(
                (*loc, "required"),
                f"required is not available on {scope} properties (only session and promotion)",
                "constraint_not_allowed",
            )
        )

    allowed: tuple[Any, ...] | None = None
    if body.allowed_values is not None:
        if type_ not in ALLOWED_VALUES_TYPES:
            not_for_type("allowed_values", ALLOWED_VALUES_TYPES)
        else:
            item_type: PropertyType = "integer" if type_ == "integer" else "string"
            typed_items: list[Any] = []
            for index, item in enumerate(body.allowed_values):
                try:
                    if item_type == "integer" and isinstance(item, str):
                        raise InvalidValue(
                            f"allowed_values: expected integer, got {item!r}", "invalid_type"
                        )
                    typed = coerce_value(item_type, item, "allowed_values")
                except InvalidValue as exc:
                    errors.append(FieldError((*loc, "allowed_values", index), str(exc), exc.type))
                    continue
                if typed in typed_items:
                    errors.append(
                        FieldError(
                            (*loc, "allowed_values", index),
                            f"allowed_values: {item!r} appears more than once",
                            "duplicate_value",
                        )
                    )
                    continue
                typed_items.append(typed)
            allowed = tuple(typed_items)

    bounds: dict[str, Any] = {}
    for name in ("min", "max"):
        raw = getattr(body, name)
        if raw is None:
            continue
        if type_ not in RANGE_TYPES:
            not_for_type(name, RANGE_TYPES)
            continue
        try:
            bounds[name] = coerce_value(type_, raw, name)
        except InvalidValue as exc:
            errors.append(FieldError((*loc, name), str(exc), exc.type))
    if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
        errors.append(
            FieldError((*loc, "min"), "min must not be greater than max", "min_greater_than_max")
        )

    if body.max_length is not None and type_ not in STRING_TYPES:
        not_for_type("max_length", STRING_TYPES)
    if body.pattern is not None:
        if type_ not in STRING_TYPES:
            not_for_type("pattern", STRING_TYPES)
        else:
            try:
                re.compile(body.pattern)
            except (re.error, RecursionError, OverflowError) as exc:
                errors.append(
                    FieldError(
                        (*loc, "pattern"),
                        f"pattern is not a valid regular expression: {exc}",
                        "invalid_pattern",
                    )
                )
    if errors:
        return None, errors
    return (
        PropertyDefinition(
            key=key,
            type=type_,
            description=body.description,
            required=body.required,
            allowed_values=allowed,
            min=bounds.get("min"),
            max=bounds.get("max"),
            max_length=body.max_length,
            pattern=body.pattern,
        ),
        [],
    )


def definition_from_row(row: PropertyDefinitionRow) -> PropertyDefinition:
    type_ = cast(PropertyType, row.type)
    return PropertyDefinition(
        key=row.key,
        type=type_,
        description=row.description,
        required=row.required,
        allowed_values=tuple(row.allowed_values) if row.allowed_values is not None else None,
        min=from_json_value(type_, row.min),
        max=from_json_value(type_, row.max),
        max_length=row.max_length,
        pattern=row.pattern,
    )


def definition_out(definition: PropertyDefinition) -> PropertyDefinitionOut:
    return PropertyDefinitionOut(
        key=definition.key,
        type=definition.type,
        description=definition.description,
        required=definition.required,
        allowed_values=list(definition.allowed_values)
        if definition.allowed_values is not None
        else None,
        min=to_json_value(definition.type, definition.min),
        max=to_json_value(definition.type, definition.max),
        max_length=definition.max_length,
        pattern=definition.pattern,
    )


def _snapshot(definition: PropertyDefinition) -> dict[str, Any]:
    return definition_out(definition).model_dump(mode="json")


def _write_row(row: PropertyDefinitionRow, definition: PropertyDefinition) -> None:
    row.type = definition.type
    row.description = definition.description
    row.required = definition.required
    row.allowed_values = (
        list(definition.allowed_values) if definition.allowed_values is not None else None
    )
    row.min = to_json_value(definition.type, definition.min)
    row.max = to_json_value(definition.type, definition.max)
    row.max_length = definition.max_length
    row.pattern = definition.pattern


def _raise_if(errors: Sequence[FieldError]) -> None:
    if errors:
        raise Unprocessable(detail="; ".join(e.msg for e in errors), errors=list(errors))


def _concurrent_change() -> Conflict:
    return Conflict(
        detail="the schema was changed by another request at the same time; retry",
        code="concurrent_change",
    )


class SchemaService:
    async def definitions(
        self, session: AsyncSession, tenant_id: str, scope: str
    ) -> list[PropertyDefinition]:
        """The scope's definitions, in order (one query)."""
        rows = await PropertyDefinitionRepository(session, tenant_id).list_scope(scope)
        return [definition_from_row(row) for row in rows]

    async def property_types(
        self, session: AsyncSession, tenant_id: str
    ) -> dict[str, PropertyType]:
        """``{"customer.x": type, "session.y": type, "promotion.z": type}`` (one query)."""
        rows = await PropertyDefinitionRepository(session, tenant_id).list_all()
        return {f"{row.scope}.{row.key}": cast(PropertyType, row.type) for row in rows}

    async def get_schema(self, session: AsyncSession, principal: Principal, scope: str) -> Schema:
        definitions = await self.definitions(session, principal.tenant_id, scope)
        return Schema(scope=scope, properties=[definition_out(d) for d in definitions])

    async def _refuse_if_used(
        self,
        session: AsyncSession,
        tenant_id: str,
        scope: str,
        changes: Sequence[tuple[str, str, Loc]],
    ) -> None:
        """``changes``: (key, "deleted" | "retyped", loc) of properties about to break."""
        problems: list[FieldError] = []
        promotions: dict[str | None, ConflictRef] = {}
        for key, what, loc in changes:
            usages = await find_property_usages(session, tenant_id, scope, key)
            if usages:
                promotions.update((ref.id, ref) for ref in usages)
                problems.append(
                    FieldError(
                        loc,
                        f"{scope}.{key} cannot be {what}: promotions use it ({names_of(usages)})",
                        "property_in_use",
                    )
                )
        if problems:
            raise Conflict(
                detail="; ".join(p.msg for p in problems),
                code="property_in_use",
                errors=problems,
                conflicts=sorted(promotions.values(), key=lambda r: (r.name or "", r.id or "")),
            )

    async def replace_schema(
        self, session: AsyncSession, principal: Principal, scope: str, body: SchemaPut
    ) -> Schema:
        errors: list[FieldError] = []
        wanted: list[PropertyDefinition] = []
        seen: set[str] = set()
        for index, item in enumerate(body.properties):
            loc: Loc = ("body", "properties", index)
            if item.key in seen:
                errors.append(
                    FieldError(
                        (*loc, "key"), f"key {item.key} appears more than once", "duplicate_key"
                    )
                )
                continue
            seen.add(item.key)
            definition, item_errors = check_definition(scope, item.key, item, loc)
            errors += item_errors
            if definition is not None:
                wanted.append(definition)
        _raise_if(errors)

        repo = PropertyDefinitionRepository(session, principal.tenant_id)
        existing = {row.key: row for row in await repo.list_scope(scope)}
        wanted_index = {d.key: i for i, d in enumerate(wanted)}
        breaking: list[tuple[str, str, Loc]] = []
        for key, row in existing.items():
            if key not in wanted_index:
                breaking.append((key, "deleted", ("body", "properties")))
            elif wanted[wanted_index[key]].type != row.type:
                breaking.append((key, "retyped", ("body", "properties", wanted_index[key], "type")))
        await self._refuse_if_used(session, principal.tenant_id, scope, breaking)

        before = [_snapshot(definition_from_row(row)) for row in existing.values()]
        for key, row in existing.items():
            if key not in wanted_index:
                await repo.delete(row)
        for position, wanted_definition in enumerate(wanted):
            target = existing.get(wanted_definition.key)
            if target is None:
                target = PropertyDefinitionRow(scope=scope, key=wanted_definition.key)
                repo.add(target)
            target.position = position
            _write_row(target, wanted_definition)
        try:
            await repo.flush()
        except IntegrityError as exc:
            raise _concurrent_change() from exc
        after = [_snapshot(d) for d in wanted]
        if before != after:
            audit_service.record(
                session, principal, "schema.replace", "schema", scope, before=before, after=after
            )
        return Schema(scope=scope, properties=[definition_out(d) for d in wanted])

    async def put_property(
        self,
        session: AsyncSession,
        principal: Principal,
        scope: str,
        key: str,
        body: PropertyDefinitionPut,
    ) -> tuple[PropertyDefinitionOut, bool]:
        """Create or replace one definition; returns it and whether it was created."""
        errors: list[FieldError] = []
        if body.key is not None and body.key != key:
            errors.append(
                FieldError(
                    ("body", "key"),
                    f"key {body.key!r} differs from the path's {key!r}",
                    "key_mismatch",
                )
            )
        definition, definition_errors = check_definition(scope, key, body, ("body",))
        _raise_if(errors + definition_errors)
        assert definition is not None

        repo = PropertyDefinitionRepository(session, principal.tenant_id)
        row = await repo.get(scope, key)
        before = _snapshot(definition_from_row(row)) if row is not None else None
        if row is not None and row.type != definition.type:
            await self._refuse_if_used(
                session, principal.tenant_id, scope, [(key, "retyped", ("body", "type"))]
            )
        created = row is None
        if row is None:
            row = PropertyDefinitionRow(
                scope=scope, key=key, position=await repo.next_position(scope)
            )
            repo.add(row)
        _write_row(row, definition)
        try:
            await repo.flush()
        except IntegrityError as exc:
            raise _concurrent_change() from exc
        after = _snapshot(definition)
        if before != after:
            audit_service.record(
                session,
                principal,
                "schema.property_put",
                "property",
                f"{scope}.{key}",
                before=before,
                after=after,
            )
        return definition_out(definition), created

    async def delete_property(
        self, session: AsyncSession, principal: Principal, scope: str, key: str
    ) -> None:
        repo = PropertyDefinitionRepository(session, principal.tenant_id)
        row = await repo.get(scope, key)
        if row is None:
            raise NotFound(detail=f"property {scope}.{key} not found")
        await self._refuse_if_used(
            session, principal.tenant_id, scope, [(key, "deleted", ("path", "key"))]
        )
        before = _snapshot(definition_from_row(row))
        await repo.delete(row)
        await repo.flush()
        audit_service.record(
            session,
            principal,
            "schema.property_delete",
            "property",
            f"{scope}.{key}",
            before=before,
        )


schema_service = SchemaService()
