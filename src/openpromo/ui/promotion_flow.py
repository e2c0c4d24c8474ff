"""The guided promotion flow of SPEC §10: details → properties → tiers → constraints & budgets
→ promocodes → summary and activate, one page per step at ``/ui/promotions/{id}/edit/{step}``.

Every step saves on its own (a POST to its own URL) through the same service calls as the
API, in a savepoint: a refusal shows the service's field messages next to the fields they
name, in plain words, with the user's input kept, and nothing is half-saved. The tiers step
is the tier builder's page (``ui/tier_builder.py``); this module only links to it.

Constraints and budgets are one form that saves all-or-nothing: both service calls run in
one savepoint and every error of either is shown at once (see docs/ui-flow.md).

Over 600 lines because it holds the five steps' handlers of one router, each next to the
small page builder it renders with; the limits form's parsing, the largest part, is
``ui/limits_form.py``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from openpromo.errors import FieldError, OpenPromoError, Unprocessable
from openpromo.kit.pagination import DEFAULT_LIMIT
from openpromo.models import Promotion
from openpromo.promocode.schemas import PromocodeCreate
from openpromo.promocode.service import promocode_service
from openpromo.promotion.schemas import PromotionUpdate, PublishingBudgets
from openpromo.promotion.service import promotion_service
from openpromo.reward_type.service import reward_type_service
from openpromo.schema.service import schema_service
from openpromo.schema.values import PropertyDefinition
from openpromo.ui import describe
from openpromo.ui.context import Editor, FormErrors, UiContext, Viewer, parse, parse_as
from openpromo.ui.limits_form import (
    LimitsForm,
    RewardTypeView,
    build_documents,
    constraints_form,
    from_local_input,
    local_input,
    stored_limits,
    submitted_limits,
    tier_reward_types,
    whole_or_text,
)
from openpromo.ui.render import redirect, render
from openpromo.ui.session import CSRF_FIELD
from openpromo.ui.wording import plain

router = APIRouter(prefix="/ui/promotions", include_in_schema=False)

STEPS: Final = ("details", "properties", "tiers", "limits", "promocodes", "summary")
WINDOWS: Final = ("day", "week", "month", "lifetime", "rolling_24h", "rolling_7d", "rolling_30d")
WINDOW_LABELS: Final = {
    "day": "Calendar day",
    "week": "Calendar week",
    "month": "Calendar month",
    "lifetime": "Lifetime (in total)",
    "rolling_24h": "Any 24 hours (rolling)",
    "rolling_7d": "Any 7 days (rolling)",
    "rolling_30d": "Any 30 days (rolling)",
}
EXPIRY_UNITS: Final = {"D": "days", "H": "hours"}
SELECTION_TYPES: Final = frozenset({"integer", "decimal", "date", "datetime"})


def _next(step: str) -> str:
    return STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]


def _step_url(promotion_id: str, step: str) -> str:
    return f"/ui/promotions/{promotion_id}/edit/{step}"


def _errors(exc: OpenPromoError) -> FormErrors:
    errors = FormErrors.of(exc)
    errors.fields = {name: plain(msg) for name, msg in (errors.fields or {}).items()}
    if exc.errors and exc.status == 422:
        count = len(errors.fields)
        errors.message = (
            "Nothing was saved: "
            + ("one field needs" if count == 1 else f"{count} fields need")
            + " fixing (shown next to each)."
        )
    return errors


def _unprocessable(problems: Sequence[FieldError]) -> Unprocessable:
    first = problems[0]
    return Unprocessable(
        detail=f"{'.'.join(map(str, first.loc))}: {first.msg}", errors=list(problems)
    )


# --- shared page state -----------------------------------------------------------------------


async def _reward_types(ctx: UiContext) -> dict[str, RewardTypeView]:
    return {
        r.key: RewardTypeView(
            r.key,
            r.display_name,
            r.category,
            r.currency,
            r.unit_name,
            r.decimals,
            r.status,
            dict(r.constraints or {}),
        )
        for r in await reward_type_service.list_all(ctx.session, ctx.tenant_id)
    }


async def _catalog(ctx: UiContext, reward_types: Mapping[str, RewardTypeView]) -> describe.Catalog:
    types = await schema_service.property_types(ctx.session, ctx.tenant_id)
    return describe.Catalog(
        property_types=dict(types),
        reward_types={
            k: describe.RewardTypeLabel(
                k, r.display_name, r.category, r.currency, r.decimals, r.status
            )
            for k, r in reward_types.items()
        },
        timezone=ctx.tenant.timezone,
        week_start=ctx.tenant.week_start,
    )


def _editable(ctx: UiContext, promotion: Promotion) -> bool:
    return ctx.can("editor") and promotion.status != "archived"


def _page(
    ctx: UiContext,
    promotion: Promotion,
    step: str,
    *,
    errors: FormErrors | None = None,
    **values: Any,
) -> Response:
    return render(
        ctx.request,
        f"promotions/flow/{step}.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        promotion=promotion,
        step=step,
        next_step=_next(step),
        editable=_editable(ctx, promotion),
        **values,
    )


def _after_save(ctx: UiContext, promotion_id: str, step: str, form: Mapping[str, Any]) -> Response:
    target = _next(step) if form.get("then") == "next" else step
    return redirect(ctx.request, _step_url(promotion_id, target), "Saved.")


async def _form(ctx: UiContext) -> FormData:
    return await ctx.request.form()


def _single(form: FormData) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if k != CSRF_FIELD}


@router.get("/{promotion_id}/edit")
async def flow_start(promotion_id: str, ctx: Viewer) -> Response:
    await promotion_service.get(ctx.session, ctx.principal, promotion_id)
    return RedirectResponse(_step_url(promotion_id, "details"), status_code=303)


# --- 1. details ------------------------------------------------------------------------------


@router.get("/{promotion_id}/edit/details")
async def details_page(promotion_id: str, ctx: Viewer) -> Response:
    promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
    values = {"name": promotion.name, "code": promotion.code, "description": promotion.description}
    return _page(ctx, promotion, "details", values=values)


@router.post("/{promotion_id}/edit/details")
async def save_details(promotion_id: str, ctx: Editor) -> Response:
    form = _single(await _form(ctx))
    try:
        async with ctx.attempt():
            body = parse(
                PromotionUpdate, {k: form.get(k, "") for k in ("name", "code", "description")}
            )
            await promotion_service.update_metadata(ctx.session, ctx.principal, promotion_id, body)
    except OpenPromoError as exc:
        promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
        return _page(ctx, promotion, "details", errors=_errors(exc), values=form)
    return _after_save(ctx, promotion_id, "details", form)


# --- 2. properties ---------------------------------------------------------------------------


def _property_inputs(
    definitions: Sequence[PropertyDefinition], stored: Mapping[str, Any], timezone: str
) -> dict[str, Any]:
    """The form's initial values from the stored properties."""
    values: dict[str, Any] = {}
    for d in definitions:
        raw = stored.get(d.key)
        if raw is None:
            values[d.key] = [] if d.type == "string_list" else ""
        elif d.type == "string_list":
            values[d.key] = list(raw)
        elif d.type == "datetime":
            values[d.key] = local_input(raw, timezone)
        elif d.type == "boolean":
            values[d.key] = "true" if raw is True else "false"
        else:
            values[d.key] = str(raw)
    return values


def _submitted_properties(
    definitions: Sequence[PropertyDefinition], form: FormData, timezone: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what the form shows again, the values object for ``PUT …/properties``)."""
    shown: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for d in definitions:
        name = f"properties.{d.key}"
        if d.type == "string_list":
            if d.allowed_values:
                items = [str(v) for v in form.getlist(name)]
            else:
                items = [line.strip() for line in str(form.get(name, "")).splitlines()]
                items = [line for line in items if line]
            shown[d.key] = items
            if items:
                values[d.key] = items
            continue
        text = str(form.get(name, "")).strip()
        shown[d.key] = text
        if text == "":
            continue
        if d.type == "datetime":
            values[d.key] = from_local_input(text, timezone)
        else:
            values[d.key] = text  # the schema converts "12", "true", "2026-12-01" itself
    return shown, values


async def _properties_page(
    ctx: UiContext,
    promotion: Promotion,
    *,
    shown: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    definitions = await schema_service.definitions(ctx.session, ctx.tenant_id, "promotion")
    if shown is None:
        shown = _property_inputs(definitions, promotion.properties or {}, ctx.tenant.timezone)
    return _page(
        ctx,
        promotion,
        "properties",
        errors=errors,
        definitions=definitions,
        values=shown,
        locked=promotion.status == "active",
    )


@router.get("/{promotion_id}/edit/properties")
async def properties_page(promotion_id: str, ctx: Viewer) -> Response:
    promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
    return await _properties_page(ctx, promotion)


@router.post("/{promotion_id}/edit/properties")
async def save_properties(promotion_id: str, ctx: Editor) -> Response:
    raw = await _form(ctx)
    definitions = await schema_service.definitions(ctx.session, ctx.tenant_id, "promotion")
    shown, values = _submitted_properties(definitions, raw, ctx.tenant.timezone)
    try:
        async with ctx.attempt():
            await promotion_service.set_properties(
                ctx.session, ctx.principal, promotion_id, values, loc=("body", "properties")
            )
    except OpenPromoError as exc:
        promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
        return await _properties_page(ctx, promotion, shown=shown, errors=_errors(exc))
    return _after_save(ctx, promotion_id, "properties", _single(raw))


# --- 4. constraints & budgets ---------------------------------------------------------------


async def _apply_limits(
    ctx: UiContext,
    promotion_id: str,
    constraints: dict[str, Any],
    budgets: dict[str, Any],
    form_problems: Sequence[FieldError],
) -> None:
    """Both saves in the caller's savepoint; every error of either (and the form's own) is
    raised together, so the page shows them all at once."""
    problems: list[FieldError] = list(form_problems)
    conflict: OpenPromoError | None = None
    try:
        async with ctx.session.begin_nested():
            await promotion_service.set_reward_constraints(
                ctx.session,
                ctx.principal,
                promotion_id,
                constraints,
                loc=("body", "reward_constraints"),
            )
    except OpenPromoError as exc:
        problems.extend(exc.errors)
        conflict = conflict or (exc if not exc.errors else None)
    try:
        async with ctx.session.begin_nested():
            parsed = parse_as(PublishingBudgets, budgets, ("body", "budgets"))
            await promotion_service.set_budgets(
                ctx.session, ctx.principal, promotion_id, parsed, loc=("body", "budgets")
            )
    except OpenPromoError as exc:
        problems.extend(exc.errors)
        conflict = conflict or (exc if not exc.errors else None)
    if conflict is not None:
        raise conflict
    if problems:
        raise _unprocessable(problems)


async def _limits_page(
    ctx: UiContext,
    promotion: Promotion,
    state: LimitsForm,
    *,
    errors: FormErrors | None = None,
    preview: tuple[dict[str, Any], dict[str, Any]] | None = None,
    show_json: bool = False,
) -> Response:
    reward_types = await _reward_types(ctx)
    catalog = await _catalog(ctx, reward_types)
    customer_props = {
        ref.removeprefix("customer."): t
        for ref, t in catalog.property_types.items()
        if ref.startswith("customer.") and t in SELECTION_TYPES
    }
    stored = (
        preview
        if preview is not None
        else (promotion.reward_constraints or {}, promotion.budgets or {})
    )
    shown_keys = {t.key for t in state.types}
    return _page(
        ctx,
        promotion,
        "limits",
        errors=errors,
        state=state,
        reward_types=reward_types,
        addable=[
            r for k, r in reward_types.items() if k not in shown_keys and r.status == "active"
        ],
        budget_types=[r for r in reward_types.values() if r.status == "active"],
        customer_props=customer_props,
        windows=WINDOWS,
        window_labels=WINDOW_LABELS,
        window_words={w: describe.window(w, catalog) for w in WINDOWS},
        catalog=catalog,
        describe=describe,
        json_constraints=json.dumps(stored[0], indent=2, ensure_ascii=False),
        json_budgets=json.dumps(stored[1], indent=2, ensure_ascii=False),
        preview=preview is not None,
        show_json=show_json,
        no_tiers=not promotion.tiers,
    )


@router.get("/{promotion_id}/edit/limits")
async def limits_page(promotion_id: str, ctx: Viewer) -> Response:
    promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
    reward_types = await _reward_types(ctx)
    return await _limits_page(
        ctx, promotion, stored_limits(promotion, reward_types, ctx.tenant.timezone)
    )


@router.post("/{promotion_id}/edit/limits")
async def save_limits(promotion_id: str, ctx: Editor) -> Response:
    form = await _form(ctx)
    state = submitted_limits(form)
    action = str(form.get("action", "save"))
    promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
    if action == "add_type":
        key = str(form.get("add_type", ""))
        reward_types = await _reward_types(ctx)
        if key in reward_types and key not in {t.key for t in state.types}:
            # Own limits, starting from the type's defaults (so nothing changes until edited).
            defaults = reward_types[key].constraints
            state.types.append(constraints_form(key, defaults, True, ctx.tenant.timezone))
        return await _limits_page(ctx, promotion, state)
    constraints, budgets, problems = build_documents(state, ctx.tenant.timezone)
    if action == "preview":
        # What the API would store, computed by the service itself and then rolled back.
        preview: tuple[dict[str, Any], dict[str, Any]] | None = None
        errors: FormErrors | None = None
        nested = await ctx.session.begin_nested()
        try:
            await _apply_limits(ctx, promotion_id, constraints, budgets, problems)
            saved = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
            preview = (copy.deepcopy(saved.reward_constraints), copy.deepcopy(saved.budgets))
        except OpenPromoError as exc:
            errors = _errors(exc)
        await nested.rollback()
        promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
        await ctx.session.refresh(promotion)
        return await _limits_page(
            ctx,
            promotion,
            state,
            errors=errors,
            preview=preview or (constraints, budgets),
            show_json=True,
        )
    try:
        async with ctx.attempt():
            await _apply_limits(ctx, promotion_id, constraints, budgets, problems)
    except OpenPromoError as exc:
        await ctx.session.refresh(promotion)
        return await _limits_page(
            ctx, promotion, state, errors=_errors(exc), preview=(constraints, budgets)
        )
    return _after_save(ctx, promotion_id, "limits", _single(form))


# --- 5. promocodes ---------------------------------------------------------------------------

PROMOCODE_TYPES: Final = ("shared", "single_use", "bulk")


async def _promocodes_page(
    ctx: UiContext,
    promotion: Promotion,
    *,
    q: str = "",
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    section: str = "",
) -> Response:
    assigned = await promocode_service.list(
        ctx.session,
        ctx.principal,
        limit=200,
        cursor=None,
        promotion_id=promotion.id,
        include_hidden=True,
    )
    # Unassigned promocodes, found by name or value; a few pages at most, so the picker stays
    # quick when most codes belong to other promotions.
    free = []
    cursor: str | None = None
    for _ in range(5):
        page = await promocode_service.list(
            ctx.session,
            ctx.principal,
            limit=200,
            cursor=cursor,
            include_hidden=True,
            search=q or None,
        )
        free += [p for p in page.items if p.promotion_id is None]
        cursor = page.next_cursor
        if cursor is None or len(free) >= DEFAULT_LIMIT:
            break
    return _page(
        ctx,
        promotion,
        "promocodes",
        errors=errors,
        section=section,
        assigned=assigned.items,
        free=free[:DEFAULT_LIMIT],
        more=len(free) > DEFAULT_LIMIT or cursor is not None,
        q=q,
        values=values or {"type": "shared", "once_per_customer": "true"},
        types=PROMOCODE_TYPES,
    )


@router.get("/{promotion_id}/edit/promocodes")
async def promocodes_page(promotion_id: str, ctx: Viewer, q: str = "") -> Response:
    promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
    return await _promocodes_page(ctx, promotion, q=q.strip())


def _new_promocode(form: Mapping[str, str], promotion_id: str) -> PromocodeCreate:
    """Only the fields that apply to the chosen type (the form hides the others)."""
    kind = form.get("type", "")
    body: dict[str, Any] = {
        "name": form.get("name", ""),
        "type": kind,
        "promotion_id": promotion_id,
        "hidden": form.get("hidden") == "true",
    }
    if kind in ("shared", "single_use"):
        body["value"] = form.get("value", "").strip() or None
    if kind == "shared":
        body["once_per_customer"] = form.get("once_per_customer") == "true"
        if form.get("max_redemptions", "").strip():
            body["max_redemptions"] = whole_or_text(form["max_redemptions"].strip())
    if kind == "bulk" and form.get("fallback_value", "").strip():
        body["fallback_value"] = form["fallback_value"].strip()
    if body.get("value") is None:
        body.pop("value", None)
    return parse(PromocodeCreate, body)


@router.post("/{promotion_id}/edit/promocodes")
async def change_promocodes(promotion_id: str, ctx: Editor) -> Response:
    form = _single(await _form(ctx))
    action = form.get("action", "")
    message = ""
    try:
        async with ctx.attempt():
            await promotion_service.get(ctx.session, ctx.principal, promotion_id)
            if action == "assign":
                code = await promocode_service.assign_promotion(
                    ctx.session, ctx.principal, form.get("promocode_id", ""), promotion_id
                )
                message = f"Promocode {code.name} assigned."
            elif action == "unassign":
                found = await promocode_service.get(
                    ctx.session, ctx.principal, form.get("promocode_id", "")
                )
                if found.promotion_id != promotion_id:
                    raise Unprocessable(detail="that promocode is not assigned to this promotion")
                await promocode_service.unassign_promotion(ctx.session, ctx.principal, found.id)
                message = f"Promocode {found.name} unassigned."
            elif action == "create":
                created = await promocode_service.create(
                    ctx.session, ctx.principal, _new_promocode(form, promotion_id)
                )
                message = f"Promocode {created.name} created and assigned."
            else:
                raise Unprocessable(detail=f"unknown action {action!r}")
    except OpenPromoError as exc:
        promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
        return await _promocodes_page(
            ctx,
            promotion,
            q=form.get("q", ""),
            values=form if action == "create" else None,
            errors=_errors(exc),
            section=action,
        )
    return redirect(ctx.request, _step_url(promotion_id, "promocodes"), message)


# --- 6. summary and activate ----------------------------------------------------------------

_FIX_STEP: Final = {
    "tiers": "tiers",
    "properties": "properties",
    "reward_constraints": "limits",
    "budgets": "limits",
}


def problem_words(problem: FieldError, promotion: Promotion) -> dict[str, str]:
    """An activation problem as a sentence and the step that fixes it."""
    loc = list(problem.loc)
    where = ""
    if loc[:1] == ["tiers"] and len(loc) > 1 and isinstance(loc[1], int):
        tiers = promotion.tiers or []
        name = tiers[loc[1]].get("name") if loc[1] < len(tiers) else None
        where = f"Tier {loc[1] + 1}" + (f" “{name}”" if name else "")
    elif loc[:1] == ["properties"] and len(loc) > 1:
        where = f"Property “{loc[1]}”"
    elif loc[:1] == ["reward_constraints"] and len(loc) > 1:
        where = f"Constraints for “{loc[1]}”"
    elif loc[:2] == ["budgets", "reward_budgets"] and len(loc) > 2:
        where = f"Budget {int(loc[2]) + 1}"
    elif loc[:2] == ["budgets", "audience_selection"]:
        where = "Audience selection"
    msg = problem.msg
    if len(loc) > 1 and msg.startswith(f"{loc[1]}: "):
        msg = msg[len(f"{loc[1]}: ") :]  # the schema's messages name the property again
    if not where and msg:
        msg = msg[0].upper() + msg[1:]
    return {
        "text": f"{where}: {msg}" if where else msg,
        "step": _FIX_STEP.get(str(loc[0]) if loc else "", "details"),
    }


async def _summary_page(
    ctx: UiContext, promotion: Promotion, *, errors: FormErrors | None = None
) -> Response:
    reward_types = await _reward_types(ctx)
    catalog = await _catalog(ctx, reward_types)
    tiers = [
        {"name": t.get("name") or t.get("id"), "words": describe.tier(t, catalog)}
        for t in promotion.tiers or []
    ]
    overrides = promotion.reward_constraints or {}
    constraint_lines = []
    for key in dict.fromkeys([*tier_reward_types(promotion), *overrides]):
        label = catalog.reward_types.get(key)
        name = label.display_name if label else key
        if key in overrides:
            lines = describe.constraints(key, overrides[key], catalog)
            source = "set for this promotion"
        else:
            lines = describe.constraints(
                key, reward_types[key].constraints if key in reward_types else {}, catalog
            )
            source = "the reward type's defaults"
        constraint_lines.append({"name": name, "source": source, "lines": lines})
    codes = await promocode_service.list(
        ctx.session,
        ctx.principal,
        limit=DEFAULT_LIMIT,
        cursor=None,
        promotion_id=promotion.id,
        include_hidden=True,
    )
    problems: list[dict[str, str]] = []
    if promotion.status in ("draft", "deactivated"):
        found = await promotion_service.activation_problems(ctx.session, ctx.tenant_id, promotion)
        problems = [problem_words(p, promotion) for p in found]
    if errors and errors.status == 409 and not problems:
        problems = [{"text": msg, "step": "details"} for msg in (errors.fields or {}).values()]
    definitions = await schema_service.definitions(ctx.session, ctx.tenant_id, "promotion")
    types = {d.key: d.type for d in definitions}
    properties = [
        {
            "name": describe.property_name(k),
            "value": describe.value(v, types.get(k), catalog, f"promotion.{k}"),
        }
        for k, v in (promotion.properties or {}).items()
    ]
    return _page(
        ctx,
        promotion,
        "summary",
        errors=errors,
        tiers=tiers,
        constraints=constraint_lines,
        budget_lines=describe.budgets(promotion.budgets, catalog),
        codes=codes.items,
        problems=problems,
        properties=properties,
        can_activate=promotion.status in ("draft", "deactivated") and not problems,
    )


@router.get("/{promotion_id}/edit/summary")
async def summary_page(promotion_id: str, ctx: Viewer) -> Response:
    promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
    return await _summary_page(ctx, promotion)


@router.post("/{promotion_id}/edit/summary")
async def activate_from_summary(promotion_id: str, ctx: Editor) -> Response:
    try:
        async with ctx.attempt():
            await promotion_service.activate(ctx.session, ctx.principal, promotion_id)
    except OpenPromoError as exc:
        promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
        await ctx.session.refresh(promotion)
        return await _summary_page(ctx, promotion, errors=_errors(exc))
    return redirect(ctx.request, _step_url(promotion_id, "summary"), "Promotion activated.")
