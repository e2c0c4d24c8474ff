"""The simulator: one customer and session against a promotion or a promocode, as a dry run
with ``explain``: the chosen tier, the rewards, the reasons in words and the trace of every
tier tried as sentences ("session.deposit_amount is 80, which is not “is at least 100”:
tier 1 “Gold” skipped."), the raw trace behind a disclosure.

The customer's session and property overrides are a form built from the tenant's schemas
(``ui/property_inputs.py``); the JSON fields stay as the advanced way, and a value filled in
the form wins over the same key in the JSON. The campaign is picked by name, the customer id
with suggestions (``GET /ui/customers?suggest=1``), and "simulate at" (tenant wall time)
tries another moment. It calls the validation service exactly as ``POST
…/validate-customers`` does with ``commit=false``, so nothing is consumed, granted or
allocated.

Each eligible customer also shows what a reservation (``commit: "reserve"``) would hold:
the plan's cap places, budgets, per-customer limits and code, and the expiry the tenant's
default hold would give (``ui/holds.py``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.campaign.service import campaign_service
from openpromo.errors import OpenPromoError, unprocessable
from openpromo.kit.clock import utcnow
from openpromo.promocode.service import promocode_service
from openpromo.promotion.service import promotion_service
from openpromo.reward_type.service import reward_type_service
from openpromo.ui import describe
from openpromo.ui.context import FormErrors, UiContext, Viewer, parse, parse_json
from openpromo.ui.explain import RewardLabels, readable
from openpromo.ui.holds import holding
from openpromo.ui.property_inputs import form_values, schema_properties, simulate_at
from openpromo.ui.render import render
from openpromo.validation.schemas import ValidateRequest
from openpromo.validation.service import Target, request_seed, validation_service

router = APIRouter(prefix="/ui/simulator", include_in_schema=False)
NAV = {"/ui/simulator": "viewer"}

FORM_SCOPES = ("session", "customer")


async def target_choices(ctx: UiContext) -> dict[str, Any]:
    """What a validation form offers: the promotions (not archived) and promocodes as
    targets, the campaigns by name, and the session and customer properties for the
    schema-built inputs."""
    promotions = [
        p
        for p in await promotion_service.list_all(ctx.session, ctx.tenant_id)
        if p.status != "archived"
    ]
    codes = await promocode_service.list(
        ctx.session, ctx.principal, limit=200, cursor=None, include_hidden=True
    )
    campaigns = await campaign_service.list(ctx.session, ctx.principal, limit=200, cursor=None)
    properties = await schema_properties(ctx.session, ctx.tenant_id, FORM_SCOPES)
    return {
        "promotions": promotions,
        "promocodes": codes.items,
        "campaigns": campaigns.items,
        "session_properties": [p for p in properties if p["scope"] == "session"],
        "customer_properties": [p for p in properties if p["scope"] == "customer"],
    }


async def _page(
    ctx: UiContext,
    values: dict[str, Any],
    *,
    results: list[dict[str, Any]] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    fragment = bool(ctx.request.headers.get("hx-request"))
    template = "simulator/result.html" if fragment else "simulator/page.html"
    return render(
        ctx.request,
        template,
        ctx,
        # HTMX swaps only successful responses: the fragment carries the error itself.
        status_code=errors.status if errors and not fragment else 200,
        errors=errors,
        values=values,
        results=results,
        **(await target_choices(ctx) if template == "simulator/page.html" else {}),
    )


@router.get("")
async def simulator(
    ctx: Viewer,
    promotion_id: str | None = None,
    promocode_id: str | None = None,
    customer_id: str | None = None,
    campaign_id: str | None = None,
) -> Response:
    target = f"promocode:{promocode_id}" if promocode_id else f"promotion:{promotion_id or ''}"
    values = {
        "target": target,
        "customer_id": customer_id or "",
        "campaign_id": campaign_id or "",
        "session": "",
        "customer": "",
    }
    return await _page(ctx, values)


@router.post("")
async def simulate(ctx: Viewer) -> Response:  # a dry run: read-only, never queues writers
    form = await ctx.form_fields()
    try:
        async with ctx.attempt():
            # "Simulate at" (empty: now) — also the moment a reservation would be made.
            now = simulate_at(str(form.get("at", "")).strip(), ctx.zone) or utcnow()
            result = await _run(ctx, form, now)
            results = await _worded(ctx, result, now)
    except OpenPromoError as exc:
        return await _page(ctx, form, errors=one_customer_errors(exc))
    return await _page(ctx, form, results=results)


def one_customer_errors(exc: OpenPromoError) -> FormErrors:
    """A refusal of a one-customer form: the context's fields (``contexts.0.customer_id``)
    named as the form's inputs (``customer_id``), so each message sits next to its input."""
    errors = FormErrors.of(exc)
    errors.fields = {
        name.removeprefix("contexts.0."): msg for name, msg in (errors.fields or {}).items()
    }
    return errors


async def one_context(ctx: UiContext, form: dict[str, Any]) -> dict[str, Any]:
    """One validation context from a form: the customer id, the session and customer values
    (the JSON fields, when given, then the schema-built inputs over them), code value and
    reference."""
    properties = await schema_properties(ctx.session, ctx.tenant_id, FORM_SCOPES)
    context: dict[str, Any] = {"customer_id": str(form.get("customer_id", "")).strip()}
    for scope in FORM_SCOPES:
        given = parse_json(str(form.get(scope, "")), ("body", scope)) or {}
        if not isinstance(given, dict):
            raise unprocessable(("body", scope), "give a JSON object of property values")
        context[scope] = {**given, **form_values(form, properties, scope, ctx.zone)}
    for name in ("code", "reference"):
        if str(form.get(name, "")).strip():
            context[name] = str(form[name]).strip()
    return context


async def _run(ctx: UiContext, form: dict[str, Any], now: datetime) -> dict[str, Any]:
    target = form_target(str(form.get("target", "")))
    body = parse(
        ValidateRequest,
        {
            "contexts": [await one_context(ctx, form)],
            "campaign_id": str(form.get("campaign_id", "")).strip() or None,
            "commit": False,
            "explain": True,
        },
    )
    return await run_validation(ctx, ctx.session, target, body, now=now, holds=True)


async def _worded(ctx: UiContext, result: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """The results with their rewards named, their trace as sentences over the tiers of
    the promotion that answered, and what a reservation would hold (``holding``)."""
    tiers: list[Any] = []
    if result.get("promotion_id"):
        promotion = await promotion_service.get(ctx.session, ctx.principal, result["promotion_id"])
        tiers = list(promotion.tiers or [])
    labels = await RewardLabels.load(ctx.session, ctx.tenant_id)
    catalog = describe.Catalog(
        reward_types={
            r.key: describe.RewardTypeLabel(
                r.key, r.display_name or r.name, r.category, r.currency, r.decimals, r.status
            )
            for r in await reward_type_service.list_all(ctx.session, ctx.tenant_id)
        },
        timezone=ctx.tenant.timezone,
        week_start=ctx.tenant.week_start,
    )
    out = []
    for r in result["results"]:
        held = r.pop("_holds", None)
        worded = readable(r, tiers, labels)
        if r["eligible"] and held is not None:
            worded["holding"] = holding(
                held, catalog, r.get("code"), ctx.tenant.reservation_default_seconds, now, ctx.zone
            )
        out.append(worded)
    return out


def form_target(value: str) -> tuple[str, str]:
    """A validation form's target, ``promotion:<id>`` or ``promocode:<id>``."""
    kind, _, target_id = value.partition(":")
    if kind not in ("promotion", "promocode") or not target_id:
        raise unprocessable(("body", "target"), "choose a promotion or a promocode")
    return kind, target_id


async def run_validation(
    ctx: UiContext,
    session: AsyncSession,
    form_target: tuple[str, str],
    body: ValidateRequest,
    *,
    now: datetime | None = None,
    holds: bool = False,
) -> dict[str, Any]:
    """``body`` against a form's target (checked to be the tenant's), through the service
    the API calls, seeded as the API seeds it, in ``session`` (the page's read-only one for
    a dry run; a write transaction of its own for a commit), at ``now`` (``None``: now).
    ``holds``: each result also carries what a reservation would hold (``_holds``)."""
    kind, target_id = form_target
    target: Target
    if kind == "promotion":
        await promotion_service.get(session, ctx.principal, target_id)
        target = Target(promotion_id=target_id)
    else:
        await promocode_service.get(session, ctx.principal, target_id)
        target = Target(promocode_id=target_id)
    seed = request_seed(json.dumps(body.model_dump(mode="json"), sort_keys=True).encode())
    return await validation_service.validate(
        session, ctx.principal, target, body, seed=seed, now=now, holds=holds
    )
