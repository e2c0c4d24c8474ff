"""The tiers step of the guided flow: a visual tier builder and a draft simulator beside it.

``GET /ui/promotions/{id}/edit/tiers`` shows the builder (``static/builder.js``). Its model is
the API's tiers JSON itself: the page hands the stored tiers to the script, the script edits
that JSON in place and keeps it in a hidden ``tiers`` field, and ``POST`` gives the field to
``promotion_service.set_tiers`` — the call ``PUT /v1/promotions/{id}/tiers`` makes — in a
savepoint. So what the builder saves is exactly what the API stores, and a refusal comes back
with the API's ``errors[].loc`` (``["tiers", 0, "condition", "all", 1, "value"]``), which the
script places next to the input that holds that value, with the unsaved draft kept.

``POST …/edit/tiers/simulate`` runs the draft (saved or not) for one customer through the
validation service's dry run with ``draft_tiers``: nothing is stored, and limits, budgets and
reward constraints apply as they stand now. It answers an HTML fragment (HTMX).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from openpromo.customer.service import customer_service
from openpromo.errors import OpenPromoError
from openpromo.models import Promotion
from openpromo.promotion.schemas import TiersUpdate
from openpromo.promotion.service import promotion_service
from openpromo.reward_type.service import reward_type_service
from openpromo.rules import BUILTIN_CONTEXT_TYPES
from openpromo.ui.context import Editor, FormErrors, UiContext, Viewer, parse, parse_json
from openpromo.ui.explain import RewardLabels, readable
from openpromo.ui.property_inputs import form_values, schema_properties, simulate_at
from openpromo.ui.render import redirect, render
from openpromo.validation.schemas import ValidateRequest
from openpromo.validation.service import Target, request_seed, validation_service

router = APIRouter(prefix="/ui/promotions", include_in_schema=False)

SCOPES = ("customer", "session", "promotion")
CONTEXT_DESCRIPTIONS = {
    "context.now": "the moment of the validation",
    "context.date": "today's date",
    "context.weekday": "day of the week, 1 = Monday … 7 = Sunday",
    "context.hour": "hour of the day, 0–23",
    "context.campaign_id": "the campaign named in the validation request",
}
CONTEXT_BOUNDS = {"context.weekday": ("1", "7"), "context.hour": ("0", "23")}


def tiers_locked(promotion: Promotion) -> bool:
    return promotion.status != "draft" or promotion.first_activated_at is not None


async def _catalog(ctx: UiContext) -> dict[str, Any]:
    """The tenant's properties (schemas + built-in context) and reward types, for the script."""
    properties = await schema_properties(ctx.session, ctx.tenant_id, SCOPES)
    for ref, ptype in BUILTIN_CONTEXT_TYPES.items():
        low, high = CONTEXT_BOUNDS.get(ref, (None, None))
        properties.append(
            {
                "ref": ref,
                "scope": "context",
                "key": ref.removeprefix("context."),
                "type": ptype,
                "description": CONTEXT_DESCRIPTIONS.get(ref, ""),
                "allowed_values": None,
                "min": low,
                "max": high,
            }
        )
    reward_types = [
        {
            "key": r.key,
            "label": r.display_name or r.name,
            "decimals": r.decimals,
            "rounding": r.rounding,
            "unit": r.currency or r.unit_name or r.display_name or r.key,
            "status": r.status,
        }
        for r in await reward_type_service.list_all(ctx.session, ctx.tenant_id)
    ]
    return {"properties": properties, "rewardTypes": reward_types}


async def _page(
    ctx: UiContext,
    promotion_id: str,
    *,
    draft: str | None = None,
    errors: FormErrors | None = None,
) -> Response:
    promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
    locked = tiers_locked(promotion)
    catalog = await _catalog(ctx)
    # A few known customers to pick from in the simulator (any id may be typed).
    customers = await customer_service.list(ctx.session, ctx.principal, limit=50, cursor=None)
    config = {
        **catalog,
        "tiers": promotion.tiers or [],
        "draft": draft,
        "timezone": ctx.tenant.timezone,
        "readonly": locked or not ctx.can("editor"),
        "locked": locked,
        "errors": (errors.fields or {}) if errors else {},
    }
    return render(
        ctx.request,
        "promotions/flow/tiers.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        promotion=promotion,
        locked=locked,
        config=json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
        session_properties=[p for p in catalog["properties"] if p["scope"] == "session"],
        customer_properties=[p for p in catalog["properties"] if p["scope"] == "customer"],
        customers=[c.customer_id for c in customers.items],
        timezone=ctx.tenant.timezone,
    )


@router.get("/{promotion_id}/edit/tiers")
async def tiers_step(promotion_id: str, ctx: Viewer) -> Response:
    return await _page(ctx, promotion_id)


@router.post("/{promotion_id}/edit/tiers")
async def save_tiers(promotion_id: str, ctx: Editor) -> Response:
    form = await ctx.form_fields()
    text = str(form.get("tiers", ""))
    try:
        async with ctx.attempt():
            raw = parse_json(text, ("body", "tiers"))
            tiers = parse(TiersUpdate, {"tiers": raw if raw is not None else []}).tiers
            await promotion_service.set_tiers(ctx.session, ctx.principal, promotion_id, tiers)
    except OpenPromoError as exc:
        return await _page(ctx, promotion_id, draft=text, errors=_not_saved(exc))
    step = "limits" if form.get("then") == "next" else "tiers"
    return redirect(ctx.request, f"/ui/promotions/{promotion_id}/edit/{step}", "Tiers saved.")


def _not_saved(exc: OpenPromoError) -> FormErrors:
    """The refusal as the page shows it: a plain summary on top, each message next to its
    field (the builder places them by ``loc``)."""
    errors = FormErrors.of(exc)
    fields = errors.fields or {}
    located = [loc for loc in fields if loc.startswith("tiers.")]
    if not located:
        detail = fields.get("tiers") or exc.detail
        errors.message = f"Nothing was saved: {detail}"
    else:
        count = f"{len(fields)} problems" if len(fields) > 1 else "1 problem"
        errors.message = (
            f"Nothing was saved: {count} in the tiers, each shown next to its field below."
        )
    return errors


# --- The draft simulator ------------------------------------------------------------------


@router.post("/{promotion_id}/edit/tiers/simulate")
async def simulate_draft(promotion_id: str, ctx: Viewer) -> Response:
    """A dry run of the draft tiers for one customer (read-only: nothing is stored)."""
    form = await ctx.form_fields()
    promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
    catalog = await _catalog(ctx)
    tz = ctx.zone
    result: dict[str, Any] | None = None
    errors: FormErrors | None = None
    draft: list[Any] = []
    try:
        async with ctx.attempt():
            raw = parse_json(str(form.get("tiers", "")), ("body", "tiers"))
            draft = parse(TiersUpdate, {"tiers": raw if raw is not None else []}).tiers
            now = simulate_at(str(form.get("at", "")).strip(), tz)
            body = parse(
                ValidateRequest,
                {
                    "contexts": [
                        {
                            "customer_id": str(form.get("customer_id", "")).strip(),
                            "session": form_values(form, catalog["properties"], "session", tz),
                            "customer": form_values(form, catalog["properties"], "customer", tz),
                        }
                    ],
                    "commit": False,
                    "explain": True,
                },
            )
            seed = request_seed(json.dumps(body.model_dump(mode="json"), sort_keys=True).encode())
            result = await validation_service.validate(
                ctx.session,
                ctx.principal,
                Target(promotion_id=promotion.id),
                body,
                seed=seed,
                now=now,
                draft_tiers=draft,
            )
    except OpenPromoError as exc:
        errors = FormErrors.of(exc)
    return render(
        ctx.request,
        "promotions/flow/_simulation.html",
        ctx,
        errors=errors,
        promotion=promotion,
        result=readable(
            result["results"][0], draft, await RewardLabels.load(ctx.session, ctx.tenant_id)
        )
        if result
        else None,
        draft_errors=json.dumps(
            {
                k: v
                for k, v in ((errors.fields or {}) if errors else {}).items()
                if k.startswith("tiers")
            }
        ),
    )
