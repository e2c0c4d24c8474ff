"""Customer and session values typed into a form built from the tenant's schemas.

The inputs come from the ``prop_input`` macro of ``templates/_properties.html`` (a number for
an integer, decimal text, date, ``datetime-local`` read in the tenant's time zone, a select
for ``allowed_values`` and for yes/no, one line per value for a list), named
``<scope>.<key>``. ``form_values`` turns the filled-in ones into the values the validation API
takes; the API then checks them against the schema, so a bad value comes back as an
``invalid_context`` reason naming the field, exactly as for a JSON request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.errors import unprocessable
from openpromo.schema.service import definition_out, schema_service


async def schema_properties(
    session: AsyncSession, tenant_id: str, scopes: Iterable[str]
) -> list[dict[str, Any]]:
    """The properties of the tenant's ``scopes`` schemas as the form (and the tier builder's
    script) take them: ``ref`` (``session.deposit_amount``), ``scope``, ``key``, ``type``,
    ``description``, ``allowed_values``, ``min``, ``max`` …"""
    properties: list[dict[str, Any]] = []
    for scope in scopes:
        for definition in await schema_service.definitions(session, tenant_id, scope):
            out = definition_out(definition).model_dump(mode="json")
            properties.append({"ref": f"{scope}.{definition.key}", "scope": scope, **out})
    return properties


def local_moment(raw: str, zone: tzinfo) -> str | None:
    """A ``datetime-local`` input read as wall time in the tenant's time zone."""
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.isoformat()


def simulate_at(raw: str, zone: tzinfo) -> datetime | None:
    """A simulator's "simulate at" (tenant wall time), or ``None`` for now."""
    if not raw:
        return None
    moment = local_moment(raw, zone)
    if moment is None:
        raise unprocessable(("body", "at"), f"'{raw}' is not a date and time")
    return datetime.fromisoformat(moment)


def typed(ptype: str, raw: str, zone: tzinfo) -> Any:
    """One input as the validation API takes it."""
    if ptype == "string_list":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if ptype == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    if ptype == "datetime":
        return local_moment(raw, zone) or raw
    return raw


def form_values(
    form: Mapping[str, Any], properties: Iterable[Mapping[str, Any]], scope: str, zone: tzinfo
) -> dict[str, Any]:
    """The ``scope`` values filled in (an empty input means "not given")."""
    values: dict[str, Any] = {}
    for prop in properties:
        if prop["scope"] != scope:
            continue
        raw = str(form.get(f"{scope}.{prop['key']}", "")).strip()
        if raw:
            values[prop["key"]] = typed(prop["type"], raw, zone)
    return values
