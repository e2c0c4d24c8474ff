"""Promotions: the lobby (status filter and search in SQL, a page at a time, budget use
bars read in one batch) and the promotion page.

The promotion page has a header (status actions, duplicate, edit, simulate) and tabs:
Overview (key numbers and the charts of ``promotion_charts``, drawn by ``static/charts.js``
from a JSON element), Setup (what the tiers and limits say, with links to the guided flow's
steps, and the JSON forms as a collapsed advanced section), Promocodes (assigned codes and
assigning an unassigned one) and a link to the grants. The JSON forms edit each part through
the promotion service, so a refusal reads exactly as the API's.

Just over 600 lines: the lobby and the page's three tabs share one router and the page
builder; the chart series live in ``promotion_charts``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response

from openpromo.errors import OpenPromoError, unprocessable
from openpromo.kit.clock import utcnow
from openpromo.kit.pagination import DEFAULT_LIMIT
from openpromo.ledger.schemas import BudgetStats, CapStats
from openpromo.ledger.service import grant_service
from openpromo.models import Promotion, RewardType
from openpromo.promocode.service import promocode_service
from openpromo.promotion.schemas import (
    PromotionCreate,
    PromotionDuplicate,
    PromotionUpdate,
    PublishingBudgets,
    TiersUpdate,
)
from openpromo.promotion.service import promotion_service
from openpromo.reward_type.schemas import RewardConstraints
from openpromo.reward_type.service import reward_type_service
from openpromo.ui.context import (
    Editor,
    FormErrors,
    UiContext,
    Viewer,
    parse,
    parse_as,
    parse_json,
    present,
)
from openpromo.ui.promotion_charts import (
    RewardLabel,
    chart_data,
    level,
    share_of,
    show_amount,
    show_pct,
    sparkline,
    valid_until_date,
)
from openpromo.ui.render import redirect, render, submit_form

router = APIRouter(prefix="/ui/promotions", include_in_schema=False)
NAV = {"/ui/promotions": "viewer"}

STATUSES = ("draft", "active", "deactivated", "archived")
# The actions each state offers (SPEC §4); duplicate works from any state.
ACTIONS: dict[str, tuple[str, ...]] = {
    "draft": ("activate", "archive"),
    "active": ("deactivate", "archive"),
    "deactivated": ("activate", "archive"),
    "archived": (),
}


_WINDOW_LABELS = {
    "lifetime": "lifetime",
    "day": "per day",
    "week": "per week",
    "month": "per month",
    "rolling_24h": "in any 24 hours",
    "rolling_7d": "in any 7 days",
    "rolling_30d": "in any 30 days",
}


def reward_labels(reward_types: Sequence[RewardType]) -> dict[str, RewardLabel]:
    return {
        r.key: RewardLabel(
            r.key,
            r.display_name or r.name,
            r.currency if r.category == "amount" and r.currency else (r.display_name or r.name),
            r.decimals,
        )
        for r in reward_types
    }


def budget_use(
    caps: Sequence[CapStats],
    budgets: Sequence[BudgetStats],
    *,
    thresholds: Sequence[Any] = (),
    labels: Mapping[str, RewardLabel] | None = None,
) -> list[dict[str, Any]]:
    """Each cap and budget as a share of its limit, for the bars, coloured by the
    promotion's alert thresholds (``ok``, ``warn``, ``bad``); Decimal throughout."""
    labels = labels or {}
    bars: list[dict[str, Any]] = []
    for cap in caps:
        share = share_of(Decimal(cap.used), Decimal(cap.limit))
        bars.append(
            {
                "label": f"Customers · {_WINDOW_LABELS.get(cap.window, cap.window)}",
                "used": f"{cap.used:,}",
                "limit": f"{cap.limit:,}",
                "unit": "",
                "percent": show_pct(share),
                "width": min(show_pct(share), Decimal(100)),
                "level": level(share, thresholds),
            }
        )
    for budget in budgets:
        lab = labels.get(budget.reward_type) or RewardLabel(
            budget.reward_type, budget.reward_type, "", 0
        )
        used, limit = Decimal(budget.used), Decimal(budget.limit)
        share = share_of(used, limit)
        bars.append(
            {
                "label": f"{lab.name} · {_WINDOW_LABELS.get(budget.window, budget.window)}",
                "used": show_amount(used, lab.decimals),
                "limit": show_amount(limit, lab.decimals),
                "unit": lab.unit if lab.unit != lab.name else "",
                "percent": show_pct(share),
                "width": min(show_pct(share), Decimal(100)),
                "level": level(share, thresholds),
            }
        )
    return bars


def _has_budgets(promotion: Promotion) -> bool:
    budgets = promotion.budgets or {}
    return bool(budgets.get("audience_caps") or budgets.get("reward_budgets"))


# --- Lobby ------------------------------------------------------------------------------


@router.get("")
async def promotions(
    ctx: Viewer, status: str | None = None, q: str | None = None, cursor: str | None = None
) -> Response:
    return await _lobby(ctx, status=status, q=q, cursor=cursor)


async def _lobby(
    ctx: UiContext,
    *,
    status: str | None = None,
    q: str | None = None,
    cursor: str | None = None,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    page = await promotion_service.list(
        ctx.session,
        ctx.principal,
        limit=DEFAULT_LIMIT,
        cursor=cursor or None,
        status=status if status in STATUSES else None,
        q=q or None,
    )
    # The bars of the whole page in one batch (counters and rolling sums), never per row.
    budgeted = [p for p in page.items if p.status == "active" and _has_budgets(p)]
    use = await grant_service.budget_use(ctx.session, ctx.principal, budgeted)
    labels = reward_labels(await reward_type_service.list_all(ctx.session, ctx.tenant_id))
    thresholds = {p.id: (p.budgets or {}).get("alert_thresholds") or [] for p in budgeted}
    bars = {
        pid: budget_use(caps, budgets, thresholds=thresholds[pid], labels=labels)
        for pid, (caps, budgets) in use.items()
    }
    # Grants per day over the last 14 days for the page's promotions: one grouped query.
    recent = await grant_service.recent_daily_grants(
        ctx.session, ctx.principal, [p.id for p in page.items]
    )
    sparks = {pid: sparkline(counts) for pid, counts in recent.items()}
    return render(
        ctx.request,
        "promotions/lobby.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        page=page,
        bars=bars,
        sparks=sparks,
        statuses=STATUSES,
        status=status or "",
        q=q or "",
        paged=bool(cursor),
        page_size=DEFAULT_LIMIT,
        values=values or {},
    )


@router.post("")
async def create_promotion(ctx: Editor) -> Response:
    form = dict(await ctx.request.form())
    try:
        async with ctx.attempt():
            body = parse(PromotionCreate, present(form, "name", "code", "description"))
            promotion = await promotion_service.create(ctx.session, ctx.principal, body)
    except OpenPromoError as exc:
        return await _lobby(ctx, values=form, errors=FormErrors.of(exc))
    # A new promotion goes straight into the guided flow (SPEC §10), details first.
    return redirect(
        ctx.request,
        f"/ui/promotions/{promotion.id}/edit/details",
        "Promotion created. Set it up step by step.",
    )


# --- Promotion page ---------------------------------------------------------------------


def _editors(promotion: Promotion) -> dict[str, str]:
    """The JSON editors' initial content."""
    return {
        "properties": json.dumps(promotion.properties or {}, indent=2, ensure_ascii=False),
        "tiers": json.dumps(promotion.tiers or [], indent=2, ensure_ascii=False),
        "reward_constraints": json.dumps(
            promotion.reward_constraints or {}, indent=2, ensure_ascii=False
        ),
        "budgets": json.dumps(promotion.budgets or {}, indent=2, ensure_ascii=False),
    }


_OPS = {
    "eq": "=",
    "ne": "≠",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "between": "between",
    "in": "is one of",
    "not_in": "is not one of",
    "contains": "contains",
    "contains_any": "contains any of",
    "contains_all": "contains all of",
    "starts_with": "starts with",
    "ends_with": "ends with",
    "is_empty": "is empty",
    "exists": "is set",
    "missing": "is not set",
}


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def describe_condition(node: Any) -> str:
    """A condition in words: ``session.deposit ≥ 100 and (customer.country is one of US,
    FR or …)``; an empty ``all`` is "always"."""
    if not node:
        return "always"
    if "all" in node or "any" in node:
        joiner, parts = (" and ", node["all"]) if "all" in node else (" or ", node["any"])
        if not parts:
            return "always" if "all" in node else "never"
        words = [describe_condition(p) for p in parts]
        if len(words) == 1:
            return words[0]
        return joiner.join(f"({w})" if (" and " in w or " or " in w) else w for w in words)
    if "not" in node:
        return f"not ({describe_condition(node['not'])})"
    op = node.get("op", "")
    text = f"{node.get('property', '?')} {_OPS.get(op, op)}"
    if op not in ("exists", "missing", "is_empty"):
        text += f" {_shown(node.get('value'))}"
    return text


def describe_reward(reward: Mapping[str, Any], labels: Mapping[str, RewardLabel]) -> str:
    key = str(reward.get("reward_type", ""))
    lab = labels.get(key) or RewardLabel(key, key, key, 0)
    value = reward.get("value") or {}
    if "fixed" in value:
        text = f"{value['fixed']} {lab.unit}"
    elif "percent" in value:
        text = f"{value['percent']} % of {value.get('of')} as {lab.name}"
    elif "per" in value:
        text = f"{value.get('value')} {lab.unit} per {value['per']} of {value.get('of')}"
    else:
        text = json.dumps(value)
    bounds = [f"at least {value['min']}" if value.get("min") is not None else ""]
    bounds.append(f"at most {value['max']}" if value.get("max") is not None else "")
    if any(bounds):
        text += f" ({', '.join(b for b in bounds if b)})"
    return text if lab.unit == lab.name or "percent" in value else f"{text} ({lab.name})"


def _local(value: Any, tz: ZoneInfo) -> str | None:
    """A stored ISO date-time in the tenant's timezone: ``31 Mar 2027 23:59 (Europe/Berlin)``."""
    if not value:
        return None
    moment = datetime.fromisoformat(str(value)).astimezone(tz)
    return f"{moment.day} {moment:%b %Y %H:%M} ({tz.key})"


def setup_summary(
    promotion: Promotion, labels: Mapping[str, RewardLabel], tz: ZoneInfo
) -> dict[str, Any]:
    """What the tiers and limits say, for the Setup tab."""
    tiers = [
        {
            "name": t.get("name") or t.get("id"),
            "id": t.get("id"),
            "condition": describe_condition(t.get("condition")),
            "rewards": [describe_reward(r, labels) for r in t.get("rewards") or []],
        }
        for t in promotion.tiers or []
    ]
    limits: list[str] = []
    for key, cons in sorted((promotion.reward_constraints or {}).items()):
        lab = labels.get(key) or RewardLabel(key, key, key, 0)
        if cons.get("min_value") is not None:
            limits.append(f"{lab.name}: rewards below {cons['min_value']} are not granted")
        if cons.get("max_value") is not None:
            limits.append(f"{lab.name}: one reward is at most {cons['max_value']}")
        for pc in cons.get("per_customer") or []:
            window = _WINDOW_LABELS.get(pc.get("window"), pc.get("window"))
            if pc.get("max_value") is not None:
                limits.append(f"{lab.name}: at most {pc['max_value']} per customer {window}")
            if pc.get("max_grants") is not None:
                limits.append(
                    f"{lab.name}: at most {pc['max_grants']} grants per customer {window}"
                )
        if cons.get("valid_from") or cons.get("valid_until"):
            start = _local(cons.get("valid_from"), tz) or "the start"
            end = _local(cons.get("valid_until"), tz) or "further notice"
            limits.append(f"{lab.name}: valid from {start} until {end}")
        if cons.get("grant_expires_after"):
            limits.append(f"{lab.name}: grants expire after {cons['grant_expires_after']}")
    budgets = promotion.budgets or {}
    for cap in budgets.get("audience_caps") or []:
        window = _WINDOW_LABELS.get(cap["window"], cap["window"])
        limits.append(f"At most {cap['limit']:,} customers {window}")
    for b in budgets.get("reward_budgets") or []:
        lab = labels.get(b["reward_type"]) or RewardLabel(b["reward_type"], b["reward_type"], "", 0)
        window = _WINDOW_LABELS.get(b["window"], b["window"])
        action = "cut to what is left" if b.get("on_exceed") == "truncate" else "refused"
        amount = show_amount(Decimal(str(b["limit"])), lab.decimals)
        unit = f" {lab.unit}" if lab.unit and lab.unit != lab.name else ""
        limits.append(f"{lab.name} budget of {amount}{unit} {window}; past it rewards are {action}")
    if budgets.get("alert_thresholds"):
        marks = ", ".join(f"{Decimal(str(t)) * 100:.0f} %" for t in budgets["alert_thresholds"])
        limits.append(f"Budget bars turn amber from {marks.split(',')[0]} (alerts at {marks})")
    return {"tiers": tiers, "limits": limits}


TABS = ("overview", "setup", "promocodes")
# The JSON forms live in the Setup tab's advanced section.
_SETUP_SECTIONS = ("details", "properties", "tiers", "reward_constraints", "budgets")
ASSIGNABLE_LIMIT = 200


def _valid_until(promotion: Promotion, types: Mapping[str, RewardType]) -> list[datetime | None]:
    """Each reward type's effective ``valid_until`` (the promotion's override, else the
    type's default)."""
    out: list[datetime | None] = []
    overrides = promotion.reward_constraints or {}
    for key in promotion.referenced_reward_types or []:
        value = (overrides.get(key) or {}).get("valid_until")
        if value is None and key in types:
            value = (types[key].constraints or {}).get("valid_until")
        out.append(datetime.fromisoformat(value) if isinstance(value, str) else value)
    return out


async def _page(
    ctx: UiContext,
    promotion_id: str,
    *,
    section: str | None = None,
    submitted: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    tab: str | None = None,
) -> Response:
    promotion = await promotion_service.get(ctx.session, ctx.principal, promotion_id)
    stats = await grant_service.stats(ctx.session, ctx.principal, promotion.id)
    codes = await promocode_service.list(
        ctx.session,
        ctx.principal,
        limit=DEFAULT_LIMIT,
        cursor=None,
        promotion_id=promotion.id,
        include_hidden=True,
    )
    assignable = await promocode_service.list(
        ctx.session,
        ctx.principal,
        limit=ASSIGNABLE_LIMIT,
        cursor=None,
        include_hidden=True,
        unassigned=True,
    )
    types = {r.key: r for r in await reward_type_service.list_all(ctx.session, ctx.tenant_id)}
    labels = reward_labels(list(types.values()))
    tz = ZoneInfo(ctx.tenant.timezone)
    budgets_json = promotion.budgets or {}
    charts = chart_data(
        stats,
        budgets=budgets_json,
        labels=labels,
        today=utcnow().astimezone(tz).date(),
        week_start=ctx.tenant.week_start,
        valid_until=valid_until_date(_valid_until(promotion, types), tz),
    )
    editors = _editors(promotion)
    details = {"name": promotion.name, "code": promotion.code, "description": promotion.description}
    if submitted:
        editors.update({k: v for k, v in submitted.items() if k in editors})
        details.update({k: v for k, v in submitted.items() if k in details})
    if tab is None:
        tab = "setup" if section in _SETUP_SECTIONS else "overview"
    return render(
        ctx.request,
        "promotions/page.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        section=section,
        tab=tab,
        promotion=promotion,
        actions=ACTIONS[promotion.status],
        tiers_locked=promotion.status != "draft" or promotion.first_activated_at is not None,
        editors=editors,
        details=details,
        stats=stats,
        bars=budget_use(
            stats.audience_caps,
            stats.reward_budgets,
            thresholds=budgets_json.get("alert_thresholds") or [],
            labels=labels,
        ),
        charts=charts,
        labels=labels,
        codes=codes.items,
        assignable=assignable.items,
        assignable_more=assignable.next_cursor is not None,
        setup=setup_summary(promotion, labels, tz),
        kpis=[
            {
                "value": show_amount(Decimal(value), lab.decimals)
                + (f" {lab.unit}" if lab.unit != lab.name else ""),
                "label": f"{lab.name} granted",
            }
            for key, value in stats.rewards_total.items()
            for lab in [labels.get(key) or RewardLabel(key, key, key, 0)]
        ],
    )


@router.get("/{promotion_id}")
async def promotion_page(promotion_id: str, ctx: Viewer) -> Response:
    return await _page(ctx, promotion_id)


async def _edit(
    ctx: UiContext,
    promotion_id: str,
    section: str,
    work: Callable[[dict[str, Any]], Awaitable[object]],
    message: str,
) -> Response:
    async def failed(form: dict[str, Any], errors: FormErrors) -> Response:
        return await _page(ctx, promotion_id, section=section, submitted=form, errors=errors)

    return await submit_form(
        ctx, work, failed=failed, done=f"/ui/promotions/{promotion_id}#{section}", message=message
    )


@router.post("/{promotion_id}/details")
async def update_promotion_details(promotion_id: str, ctx: Editor) -> Response:
    async def work(form: dict[str, Any]) -> object:
        body = parse(PromotionUpdate, {k: form.get(k, "") for k in ("name", "code", "description")})
        return await promotion_service.update_metadata(
            ctx.session, ctx.principal, promotion_id, body
        )

    return await _edit(ctx, promotion_id, "details", work, "Details saved.")


@router.post("/{promotion_id}/properties")
async def set_promotion_properties(promotion_id: str, ctx: Editor) -> Response:
    async def work(form: dict[str, Any]) -> object:
        loc = ("body", "properties")
        values = parse_as(
            dict[str, Any], parse_json(str(form.get("properties", "")), loc) or {}, loc
        )
        return await promotion_service.set_properties(
            ctx.session, ctx.principal, promotion_id, values, loc=loc
        )

    return await _edit(ctx, promotion_id, "properties", work, "Properties saved.")


@router.post("/{promotion_id}/tiers")
async def set_promotion_tiers(promotion_id: str, ctx: Editor) -> Response:
    async def work(form: dict[str, Any]) -> object:
        raw = parse_json(str(form.get("tiers", "")), ("body", "tiers"))
        tiers = parse(TiersUpdate, {"tiers": raw if raw is not None else []}).tiers
        # Like PUT …/tiers: the service's locs start with "tiers".
        return await promotion_service.set_tiers(ctx.session, ctx.principal, promotion_id, tiers)

    return await _edit(ctx, promotion_id, "tiers", work, "Tiers saved.")


@router.post("/{promotion_id}/reward-constraints")
async def set_promotion_reward_constraints(promotion_id: str, ctx: Editor) -> Response:
    async def work(form: dict[str, Any]) -> object:
        loc = ("body", "reward_constraints")
        raw = parse_json(str(form.get("reward_constraints", "")), loc) or {}
        parsed = parse_as(dict[str, RewardConstraints], raw, loc)
        constraints = {
            key: value.model_dump(mode="json", exclude_unset=True) for key, value in parsed.items()
        }
        return await promotion_service.set_reward_constraints(
            ctx.session, ctx.principal, promotion_id, constraints, loc=loc
        )

    return await _edit(ctx, promotion_id, "reward_constraints", work, "Constraints saved.")


@router.post("/{promotion_id}/budgets")
async def set_promotion_budgets(promotion_id: str, ctx: Editor) -> Response:
    async def work(form: dict[str, Any]) -> object:
        loc = ("body", "budgets")
        raw = parse_json(str(form.get("budgets", "")), loc) or {}
        budgets = parse_as(PublishingBudgets, raw, loc)
        return await promotion_service.set_budgets(
            ctx.session, ctx.principal, promotion_id, budgets, loc=loc
        )

    return await _edit(ctx, promotion_id, "budgets", work, "Budgets saved.")


@router.post("/{promotion_id}/promocodes")
async def assign_promocode(promotion_id: str, ctx: Editor) -> Response:
    async def work(form: dict[str, Any]) -> object:
        promocode_id = str(form.get("promocode_id") or "")
        if not promocode_id:
            raise unprocessable(("body", "promocode_id"), "choose a promocode to assign")
        return await promocode_service.assign_promotion(
            ctx.session, ctx.principal, promocode_id, promotion_id
        )

    async def failed(form: dict[str, Any], errors: FormErrors) -> Response:
        return await _page(ctx, promotion_id, section="promocodes", errors=errors, tab="promocodes")

    return await submit_form(
        ctx,
        work,
        failed=failed,
        done=f"/ui/promotions/{promotion_id}#promocodes",
        message="Promocode assigned.",
    )


@router.post("/{promotion_id}/promocodes/{promocode_id}/unassign")
async def unassign_promocode(promotion_id: str, promocode_id: str, ctx: Editor) -> Response:
    async def work(form: dict[str, Any]) -> object:
        code = await promocode_service.get(ctx.session, ctx.principal, promocode_id)
        if code.promotion_id != promotion_id:
            raise unprocessable(("body", "promocode_id"), "not assigned to this promotion")
        return await promocode_service.unassign_promotion(ctx.session, ctx.principal, promocode_id)

    async def failed(form: dict[str, Any], errors: FormErrors) -> Response:
        return await _page(ctx, promotion_id, section="promocodes", errors=errors, tab="promocodes")

    return await submit_form(
        ctx,
        work,
        failed=failed,
        done=f"/ui/promotions/{promotion_id}#promocodes",
        message="Promocode unassigned.",
    )


@router.post("/{promotion_id}/{action}")
async def promotion_action(promotion_id: str, action: str, ctx: Editor) -> Response:
    form = dict(await ctx.request.form())
    try:
        async with ctx.attempt():
            if action == "activate":
                await promotion_service.activate(ctx.session, ctx.principal, promotion_id)
            elif action == "deactivate":
                await promotion_service.deactivate(ctx.session, ctx.principal, promotion_id)
            elif action == "archive":
                await promotion_service.archive(ctx.session, ctx.principal, promotion_id)
            elif action == "duplicate":
                body = parse(PromotionDuplicate, present(form, "code"))
                copy = await promotion_service.duplicate(
                    ctx.session, ctx.principal, promotion_id, body.code
                )
                return redirect(ctx.request, f"/ui/promotions/{copy.id}", "Duplicated as a draft.")
            else:
                return await _page(ctx, promotion_id)
    except OpenPromoError as exc:
        return await _page(ctx, promotion_id, section="status", errors=FormErrors.of(exc))
    past = {"activate": "activated", "deactivate": "deactivated", "archive": "archived"}[action]
    return redirect(ctx.request, f"/ui/promotions/{promotion_id}", f"Promotion {past}.")
