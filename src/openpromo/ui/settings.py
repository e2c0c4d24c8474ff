"""Settings: tenant metadata, reward types (with image) and the three property schemas."""

from __future__ import annotations

import json
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any, get_args
from zoneinfo import available_timezones

from babel.numbers import get_currency_name, is_currency, list_currencies
from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from openpromo.api.limits import UI_UPLOAD_BODY_LIMIT
from openpromo.errors import OpenPromoError, unprocessable
from openpromo.reward_type.schemas import RewardType as RewardTypeOut
from openpromo.reward_type.schemas import (
    RewardTypeCreate,
    RewardTypeUpdate,
    Window,
    reward_type_out,
)
from openpromo.reward_type.service import reward_type_service
from openpromo.rules.types import PropertyType
from openpromo.schema.schemas import PropertyDefinitionPut, Scope
from openpromo.schema.service import schema_service
from openpromo.tenant.schemas import TenantUpdate, WeekStart
from openpromo.tenant.service import tenant_service
from openpromo.ui.context import Admin, FormErrors, UiContext, Viewer, parse, present
from openpromo.ui.render import redirect, render

router = APIRouter(prefix="/ui/settings", include_in_schema=False)
NAV = {"/ui/settings": "viewer"}

SCOPES: tuple[str, ...] = get_args(Scope)
PROPERTY_TYPES: tuple[str, ...] = get_args(PropertyType)
WEEK_STARTS: tuple[str, ...] = get_args(WeekStart)
WINDOWS: tuple[str, ...] = get_args(Window)
# A window in words, as the per-customer rows read: "at most 3 grants per customer in …".
WINDOW_WORDS = {
    "day": "each calendar day",
    "week": "each calendar week",
    "month": "each calendar month",
    "lifetime": "all time",
    "rolling_24h": "any 24 hours",
    "rolling_7d": "any 7 days",
    "rolling_30d": "any 30 days",
}
REWARD_FIELDS = (
    "key",
    "name",
    "display_name",
    "description",
    "category",
    "currency",
    "unit_name",
    "decimals",
    "rounding",
)


# --- Tenant metadata --------------------------------------------------------------------


@lru_cache(maxsize=1)
def timezone_groups() -> list[tuple[str, list[str]]]:
    """Every IANA zone the server knows, grouped by area ("Europe", "America"…) for the
    picker; zones without an area (UTC, EST…) come under "Other"."""
    groups: dict[str, list[str]] = {}
    for name in sorted(available_timezones()):
        if name in ("Factory", "localtime", "posixrules"):
            continue
        area = name.split("/", 1)[0] if "/" in name else "Other"
        groups.setdefault(area, []).append(name)
    return sorted(groups.items(), key=lambda item: (item[0] == "Other", item[0]))


@lru_cache(maxsize=1)
def currency_choices() -> list[tuple[str, str]]:
    """ISO 4217 codes with their English names ("EUR — Euro"), the codes the tenant
    validation accepts."""
    choices = []
    for code in sorted(list_currencies()):
        if len(code) == 3 and code.isupper() and is_currency(code):
            choices.append((code, f"{code} — {get_currency_name(code, locale='en')}"))
    return choices


def _tenant_page(
    ctx: UiContext, values: dict[str, Any], errors: FormErrors | None = None
) -> Response:
    return render(
        ctx.request,
        "settings/tenant.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        values=values,
        week_starts=WEEK_STARTS,
        timezone_groups=timezone_groups(),
        currencies=currency_choices(),
    )


def _tenant_values(ctx: UiContext) -> dict[str, Any]:
    t = ctx.tenant
    return {
        "name": t.name,
        "timezone": t.timezone,
        "default_currency": t.default_currency,
        "week_start": t.week_start,
        "locale": t.locale,
    }


@router.get("")
async def tenant_settings(ctx: Viewer) -> Response:
    return _tenant_page(ctx, _tenant_values(ctx))


@router.post("")
async def update_tenant_settings(ctx: Admin) -> Response:
    form = await ctx.form_fields()
    fields = ("name", "timezone", "default_currency", "week_start", "locale")
    try:
        async with ctx.attempt():
            await tenant_service.update(
                ctx.session, ctx.principal, parse(TenantUpdate, present(form, *fields))
            )
    except OpenPromoError as exc:
        return _tenant_page(ctx, {**_tenant_values(ctx), **form}, FormErrors.of(exc))
    return redirect(ctx.request, "/ui/settings", "Settings saved.")


# --- Reward types -----------------------------------------------------------------------


@router.get("/reward-types")
async def reward_types(ctx: Viewer) -> Response:
    items = [
        reward_type_out(r) for r in await reward_type_service.list_all(ctx.session, ctx.tenant_id)
    ]
    return render(ctx.request, "settings/reward_types.html", ctx, items=items)


def _reward_form(
    ctx: UiContext,
    values: dict[str, Any],
    *,
    key: str | None,
    errors: FormErrors | None = None,
    image_url: str | None = None,
    status: str | None = None,
) -> Response:
    return render(
        ctx.request,
        "settings/reward_type_form.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        values=values,
        key=key,
        image_url=image_url,
        status=status,
        windows=[(w, WINDOW_WORDS[w]) for w in WINDOWS],
        per_customer_rows=PER_CUSTOMER_ROWS,
    )


PER_CUSTOMER_ROWS = 3
CONSTRAINT_PREFIX = "constraints."


def _aware(value: str, zone: tzinfo) -> str:
    """A ``datetime-local`` value read in the tenant's zone; anything else unchanged (the
    model then names what is wrong with it)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).isoformat()


def _constraints_from_fields(form: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    """The default constraints typed into the form's fields, named like the API's error
    locations (``constraints.per_customer.0.max_grants``) so each error lands on its field."""

    def given(name: str) -> str | None:
        value = str(form.get(CONSTRAINT_PREFIX + name) or "").strip()
        return value or None

    constraints: dict[str, Any] = {}
    for name in ("min_value", "max_value", "grant_expires_after"):
        if (value := given(name)) is not None:
            constraints[name] = value
    for name in ("valid_from", "valid_until"):
        if (value := given(name)) is not None:
            constraints[name] = _aware(value, zone)
    rows = []
    for index in range(PER_CUSTOMER_ROWS):
        window = given(f"per_customer.{index}.window")
        row = {
            k: v
            for k in ("max_value", "max_grants")
            if (v := given(f"per_customer.{index}.{k}")) is not None
        }
        if window is None and not row:
            continue  # an empty row
        if window is None:
            raise unprocessable(
                ("body", "constraints", "per_customer", index, "window"),
                "choose the period this limit counts in (for example: any 7 days)",
            )
        rows.append({"window": window, **row})
    if rows:
        constraints["per_customer"] = rows
    return constraints


def _constraint_fields(constraints: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    """Stored constraints as the form's field values (times in the tenant's zone)."""
    values: dict[str, Any] = {}
    for name in ("min_value", "max_value", "grant_expires_after"):
        values[CONSTRAINT_PREFIX + name] = constraints.get(name) or ""
    for name in ("valid_from", "valid_until"):
        raw = constraints.get(name)
        local = ""
        if raw:
            moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
            local = moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        values[CONSTRAINT_PREFIX + name] = local
    for index, row in enumerate((constraints.get("per_customer") or [])[:PER_CUSTOMER_ROWS]):
        for key in ("window", "max_value", "max_grants"):
            value = row.get(key)
            values[f"{CONSTRAINT_PREFIX}per_customer.{index}.{key}"] = (
                "" if value is None else value
            )
    return values


def _constraints(form: dict[str, Any], zone: tzinfo = UTC) -> dict[str, Any]:
    """The constraints of a submitted reward type form: from its fields, or from the JSON
    text area when the form says it is edited as JSON (or carries no editor choice, as a
    script's POST of only ``constraints`` does)."""
    if form.get("constraints_editor") == "form":
        return _constraints_from_fields(form, zone)
    raw = str(form.get("constraints") or "").strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise unprocessable(("body", "constraints"), f"not valid JSON: {exc.msg}") from exc
    if not isinstance(value, dict):
        raise unprocessable(("body", "constraints"), "constraints must be a JSON object")
    return value


@router.get("/reward-types/new")
async def new_reward_type(ctx: Admin) -> Response:
    values = {
        "category": "amount",
        "rounding": "down",
        "constraints": "{}",
        "constraints_editor": "form",
    }
    return _reward_form(ctx, values, key=None)


@router.post("/reward-types/new")
async def create_reward_type(ctx: Admin) -> Response:
    form = await ctx.form_fields()
    try:
        async with ctx.attempt():
            body = {
                **present(form, *REWARD_FIELDS),
                "constraints": _constraints(form, ctx.zone),
            }
            created = await reward_type_service.create(
                ctx.session, ctx.principal, parse(RewardTypeCreate, body)
            )
    except OpenPromoError as exc:
        return _reward_form(ctx, form, key=None, errors=FormErrors.of(exc))
    return redirect(ctx.request, f"/ui/settings/reward-types/{created.key}", "Reward type created.")


def _reward_values(out: RewardTypeOut, zone: tzinfo = UTC) -> dict[str, Any]:
    values: dict[str, Any] = out.model_dump(mode="json")
    stored = {k: v for k, v in values["constraints"].items() if v not in (None, [])}
    values["constraints"] = json.dumps(stored, indent=2)
    # More per-customer limits than the form has rows: the JSON editor opens instead.
    too_many = len(stored.get("per_customer") or []) > PER_CUSTOMER_ROWS
    values["constraints_editor"] = "json" if too_many else "form"
    values.update(_constraint_fields(stored, zone))
    return values


@router.get("/reward-types/{key}")
async def reward_type_page(key: str, ctx: Viewer) -> Response:
    out = reward_type_out(await reward_type_service.get(ctx.session, ctx.principal, key))
    return _reward_form(
        ctx, _reward_values(out, ctx.zone), key=key, image_url=out.image_url, status=out.status
    )


@router.post("/reward-types/{key}")
async def update_reward_type(key: str, ctx: Admin) -> Response:
    form = await ctx.form_fields()
    fields = [f for f in REWARD_FIELDS if f != "key"]
    try:
        async with ctx.attempt():
            body = present(form, *fields)
            if "constraints" in form:  # the form shows them all: blank means none
                body["constraints"] = _constraints(form, ctx.zone)
            await reward_type_service.update(
                ctx.session, ctx.principal, key, parse(RewardTypeUpdate, body)
            )
    except OpenPromoError as exc:
        current = reward_type_out(await reward_type_service.get(ctx.session, ctx.principal, key))
        return _reward_form(
            ctx,
            {**form, "key": key},
            key=key,
            errors=FormErrors.of(exc),
            image_url=current.image_url,
            status=current.status,
        )
    return redirect(ctx.request, f"/ui/settings/reward-types/{key}", "Reward type saved.")


@router.post("/reward-types/{key}/delete")
async def delete_reward_type(key: str, ctx: Admin) -> Response:
    outcome = await reward_type_service.delete(ctx.session, ctx.principal, key)
    message = "Reward type archived (it is in use)." if outcome == "archived" else "Deleted."
    return redirect(ctx.request, "/ui/settings/reward-types", message)


@router.post("/reward-types/{key}/restore")
async def restore_reward_type(key: str, ctx: Admin) -> Response:
    await reward_type_service.update(
        ctx.session, ctx.principal, key, RewardTypeUpdate(status="active")
    )
    return redirect(ctx.request, f"/ui/settings/reward-types/{key}", "Reward type restored.")


@router.post("/reward-types/{key}/image", max_body_size=UI_UPLOAD_BODY_LIMIT)
async def upload_reward_type_image(key: str, ctx: Admin) -> Response:
    upload = (await ctx.request.form()).get("image")
    try:
        async with ctx.attempt():
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise unprocessable(("body", "image"), "choose an image file")
            await reward_type_service.put_image(
                ctx.session, ctx.principal, key, upload.content_type, await upload.read()
            )
    except OpenPromoError as exc:
        out = reward_type_out(await reward_type_service.get(ctx.session, ctx.principal, key))
        errors = FormErrors.of(exc)
        errors.fields = {"image": exc.detail}
        return _reward_form(
            ctx,
            _reward_values(out, ctx.zone),
            key=key,
            errors=errors,
            image_url=out.image_url,
            status=out.status,
        )
    return redirect(ctx.request, f"/ui/settings/reward-types/{key}", "Image uploaded.")


@router.get("/reward-types/{key}/image")
async def reward_type_image(key: str, ctx: Viewer) -> Response:
    image = await reward_type_service.get_image(ctx.session, ctx.principal, key)
    return Response(
        image.data,
        media_type=image.content_type,
        headers={"Cache-Control": "private, max-age=60", "X-Content-Type-Options": "nosniff"},
    )


# --- Property schemas -------------------------------------------------------------------


async def _schema_page(
    ctx: UiContext,
    scope: str,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    if scope not in SCOPES:
        raise unprocessable(("path", "scope"), f"scope must be one of {', '.join(SCOPES)}")
    schema = await schema_service.get_schema(ctx.session, ctx.principal, scope)
    return render(
        ctx.request,
        "settings/schema.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        scope=scope,
        scopes=SCOPES,
        schema=schema,
        types=PROPERTY_TYPES,
        values=values or {"type": "string"},
    )


@router.get("/schemas/{scope}")
async def schema_page(scope: str, ctx: Viewer) -> Response:
    return await _schema_page(ctx, scope)


def _scalar(value: str, type_: str) -> Any:
    value = value.strip()
    if type_ == "integer":
        try:
            return int(value)
        except ValueError:
            return value
    return value


def _definition(form: dict[str, Any]) -> dict[str, Any]:
    type_ = str(form.get("type") or "")
    body: dict[str, Any] = {
        "type": type_,
        "description": form.get("description", ""),
        "required": form.get("required") == "on",
    }
    allowed = str(form.get("allowed_values") or "").strip()
    if allowed:
        body["allowed_values"] = [_scalar(v, type_) for v in allowed.split(",") if v.strip()]
    for name in ("min", "max"):
        if str(form.get(name) or "").strip():
            body[name] = _scalar(str(form[name]), type_)
    body.update(present(form, "max_length", "pattern"))
    return body


@router.post("/schemas/{scope}/properties")
async def put_schema_property(scope: str, ctx: Admin) -> Response:
    form = await ctx.form_fields()
    key = str(form.get("key") or "").strip()
    try:
        async with ctx.attempt():
            if not key:
                raise unprocessable(("body", "key"), "a property needs a key")
            if scope not in SCOPES:
                raise unprocessable(("path", "scope"), f"scope must be one of {', '.join(SCOPES)}")
            await schema_service.put_property(
                ctx.session,
                ctx.principal,
                scope,
                key,
                parse(PropertyDefinitionPut, _definition(form)),
            )
    except OpenPromoError as exc:
        return await _schema_page(ctx, scope, form, FormErrors.of(exc))
    return redirect(ctx.request, f"/ui/settings/schemas/{scope}", f"Property {key} saved.")


@router.post("/schemas/{scope}/properties/{key}/delete")
async def delete_schema_property(scope: str, key: str, ctx: Admin) -> Response:
    try:
        async with ctx.attempt():
            await schema_service.delete_property(ctx.session, ctx.principal, scope, key)
    except OpenPromoError as exc:
        return await _schema_page(ctx, scope, None, FormErrors.of(exc))
    return redirect(ctx.request, f"/ui/settings/schemas/{scope}", f"Property {key} deleted.")
