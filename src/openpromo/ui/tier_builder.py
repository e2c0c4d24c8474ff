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
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response

from openpromo.customer.service import customer_service
from openpromo.errors import OpenPromoError, unprocessable
from openpromo.models import Promotion
from openpromo.promotion.schemas import TiersUpdate
from openpromo.promotion.service import promotion_service
from openpromo.reward_type.service import reward_type_service
from openpromo.rules import BUILTIN_CONTEXT_TYPES
from openpromo.schema.service import definition_out, schema_service
from openpromo.ui.context import Editor, FormErrors, UiContext, Viewer, parse, parse_json
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

# What each reason code means, in the words of a marketer (SPEC §7's closed list).
REASONS = {
    "promotion_not_active": "The promotion is not active, so real validations give nothing.",
    "promocode_hidden": "The promocode is hidden.",
    "promocode_unassigned": "The promocode is not assigned to a promotion.",
    "campaign_not_linked": "The promocode needs one of its linked campaigns.",
    "invalid_context": "Some of the values given for this customer are not valid.",
    "outside_validity_window": "The reward can't be granted at this time (validity window).",
    "no_tier_matched": "The customer fits none of the tiers.",
    "below_minimum_reward": "The reward is below the reward type's minimum, so it is not given.",
    "customer_limit_reached": "The customer has reached a per-customer limit.",
    "already_redeemed_by_customer": "The customer has already used this promocode.",
    "max_redemptions_reached": "The promocode has been used as often as allowed.",
    "audience_cap_reached": "The promotion has reached its audience cap.",
    "budget_exhausted": "The reward budget is used up.",
    "code_not_found": "No promocode has this value.",
    "code_already_redeemed": "This code value has already been used.",
    "code_allocated_to_other_customer": "This code value belongs to another customer.",
    "pool_exhausted": "The promocode's pool of values is empty.",
}


def tiers_locked(promotion: Promotion) -> bool:
    return promotion.status != "draft" or promotion.first_activated_at is not None


async def _catalog(ctx: UiContext) -> dict[str, Any]:
    """The tenant's properties (schemas + built-in context) and reward types, for the script."""
    properties: list[dict[str, Any]] = []
    for scope in SCOPES:
        for definition in await schema_service.definitions(ctx.session, ctx.tenant_id, scope):
            out = definition_out(definition).model_dump(mode="json")
            properties.append({"ref": f"{scope}.{definition.key}", "scope": scope, **out})
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


def _typed(ptype: str, raw: str, tz: ZoneInfo) -> Any:
    """A simulator input as the validation API takes it (the API checks it against the
    schema; a bad value comes back as an ``invalid_context`` reason naming the field)."""
    if ptype == "string_list":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if ptype == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    if ptype == "datetime":
        return _local_moment(raw, tz) or raw
    return raw


def _local_moment(raw: str, tz: ZoneInfo) -> str | None:
    """A ``datetime-local`` input read as wall time in the tenant's timezone."""
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.isoformat()


def _simulate_at(raw: str, tz: ZoneInfo) -> datetime | None:
    """The simulator's "simulate at" (tenant wall time), or ``None`` for now."""
    if not raw:
        return None
    moment = _local_moment(raw, tz)
    if moment is None:
        raise unprocessable(("body", "at"), f"'{raw}' is not a date and time")
    return datetime.fromisoformat(moment)


def _values(
    form: dict[str, Any], properties: list[dict[str, Any]], scope: str, tz: ZoneInfo
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for prop in properties:
        if prop["scope"] != scope:
            continue
        raw = str(form.get(f"{scope}.{prop['key']}", "")).strip()
        if raw:
            values[prop["key"]] = _typed(prop["type"], raw, tz)
    return values


@router.post("/{promotion_id}/edit/tiers/simulate")
async def simulate_draft(promotion_id: str, ctx: Viewer) -> Response:
    """A dry run of the draft tiers for one customer (read-only: nothing is stored)."""
    form = await ctx.form_fields()
    promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
    catalog = await _catalog(ctx)
    tz = ZoneInfo(ctx.tenant.timezone)
    result: dict[str, Any] | None = None
    errors: FormErrors | None = None
    draft: list[Any] = []
    try:
        async with ctx.attempt():
            raw = parse_json(str(form.get("tiers", "")), ("body", "tiers"))
            draft = parse(TiersUpdate, {"tiers": raw if raw is not None else []}).tiers
            now = _simulate_at(str(form.get("at", "")).strip(), tz)
            body = parse(
                ValidateRequest,
                {
                    "contexts": [
                        {
                            "customer_id": str(form.get("customer_id", "")).strip(),
                            "session": _values(form, catalog["properties"], "session", tz),
                            "customer": _values(form, catalog["properties"], "customer", tz),
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
        result=_readable(result, draft, catalog) if result else None,
        draft_errors=json.dumps(
            {
                k: v
                for k, v in ((errors.fields or {}) if errors else {}).items()
                if k.startswith("tiers")
            }
        ),
        reasons=REASONS,
    )


_OP_WORDS = {
    "eq": "is",
    "ne": "is not",
    "gt": "is more than",
    "gte": "is at least",
    "lt": "is less than",
    "lte": "is at most",
    "between": "is between",
    "in": "is one of",
    "not_in": "is not one of",
    "contains": "contains",
    "contains_any": "includes any of",
    "contains_all": "includes all of",
    "starts_with": "starts with",
    "ends_with": "ends with",
    "is_empty": "is empty",
    "exists": "is set",
    "missing": "is not set",
}


def _show(value: Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "an empty list"
    return str(value)


def _expected(op: str, expected: Any) -> str:
    if op in ("exists", "missing", "is_empty"):
        return _OP_WORDS[op]
    if op == "between" and isinstance(expected, list) and len(expected) == 2:
        return f"is between {_show(expected[0])} and {_show(expected[1])}"
    return f"{_OP_WORDS.get(op, op)} {_show(expected)}"


def _readable(result: dict[str, Any], draft: list[Any], catalog: dict[str, Any]) -> dict[str, Any]:
    """The dry run's first result with words for the template: reward labels, reason
    meanings and one sentence per tier tried."""
    out = dict(result["results"][0])
    labels = {r["key"]: r for r in catalog["rewardTypes"]}
    out["reward_lines"] = [
        f"{w['value']} {labels[w['reward_type']]['unit']}"
        if w["reward_type"] in labels
        else f"{w['value']} {w['reward_type']}"
        for w in out.get("rewards", [])
    ]
    names = {
        str(t.get("id")): t.get("name") or t.get("id")
        for t in draft
        if isinstance(t, dict) and t.get("id")
    }
    lines: list[dict[str, Any]] = []
    tried: set[str] = set()
    for index, step in enumerate(out.get("trace") or []):
        tier_id = step["tier_id"]
        tried.add(tier_id)
        name = names.get(tier_id) or tier_id
        leaf = step.get("failed_leaf")
        if step["matched"]:
            text = f"Tier {index + 1} “{name}”: its conditions hold, so it is chosen."
        elif leaf is None:
            text = f"Tier {index + 1} “{name}” skipped."
        else:
            actual = _show(leaf.get("actual"))
            rule = _expected(leaf["op"], leaf.get("expected"))
            if leaf.get("negated"):
                why = f"{leaf['property']} is {actual}: it {rule}, and the rule says NOT"
            else:
                why = f"{leaf['property']} is {actual}, which is not “{rule}”"
            text = f"{why}: tier {index + 1} “{name}” skipped."
        lines.append(
            {
                "text": text,
                "matched": step["matched"],
                "path": ".".join(str(p) for p in (leaf or {}).get("path", [])),
            }
        )
    for index, tier in enumerate(draft):
        if isinstance(tier, dict) and str(tier.get("id")) not in tried and out.get("trace"):
            name = tier.get("name") or tier.get("id") or f"tier {index + 1}"
            lines.append(
                {
                    "text": f"Tier {index + 1} “{name}” not tried: an earlier tier won.",
                    "matched": False,
                    "path": "",
                }
            )
    out["trace_lines"] = lines
    return out
