"""Promotions: the lobby (status filter, search, budget use) and the promotion page.

The promotion page edits each part with its own form — details, properties, tiers,
reward constraints, budgets — through the promotion service, so a refusal reads exactly as
the API's (a 422 on the tiers names the tier and the JSON path of the problem), and offers
the status actions allowed in the current state.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from openpromo.errors import OpenPromoError
from openpromo.kit.pagination import DEFAULT_LIMIT
from openpromo.ledger.schemas import BudgetStats, CapStats
from openpromo.ledger.service import grant_service
from openpromo.models import Promotion
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


def budget_use(caps: Sequence[CapStats], budgets: Sequence[BudgetStats]) -> list[dict[str, Any]]:
    """Each cap and budget as a share of its limit, for the bars."""
    bars: list[dict[str, Any]] = []
    for cap in caps:
        share = cap.used / cap.limit if cap.limit else 0.0
        bars.append(
            {
                "label": f"audience · {cap.window}",
                "used": cap.used,
                "limit": cap.limit,
                "share": share,
            }
        )
    for budget in budgets:
        limit = float(budget.limit)
        share = float(budget.used) / limit if limit else 0.0
        bars.append(
            {
                "label": f"{budget.reward_type} · {budget.window}",
                "used": budget.used,
                "limit": budget.limit,
                "share": share,
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
    budgeted = [p for p in page.items if p.status == "active" and _has_budgets(p)]
    use = await grant_service.budget_use(ctx.session, ctx.principal, budgeted)
    bars = {pid: budget_use(caps, budgets) for pid, (caps, budgets) in use.items()}
    return render(
        ctx.request,
        "promotions/lobby.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        page=page,
        bars=bars,
        statuses=STATUSES,
        status=status or "",
        q=q or "",
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
    return redirect(ctx.request, f"/ui/promotions/{promotion.id}", "Promotion created.")


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


async def _page(
    ctx: UiContext,
    promotion_id: str,
    *,
    section: str | None = None,
    submitted: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
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
    editors = _editors(promotion)
    details = {"name": promotion.name, "code": promotion.code, "description": promotion.description}
    if submitted:
        editors.update({k: v for k, v in submitted.items() if k in editors})
        details.update({k: v for k, v in submitted.items() if k in details})
    peak = max((d.grants_count for d in stats.daily), default=0)
    return render(
        ctx.request,
        "promotions/page.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        section=section,
        promotion=promotion,
        actions=ACTIONS[promotion.status],
        tiers_locked=promotion.status != "draft" or promotion.first_activated_at is not None,
        editors=editors,
        details=details,
        stats=stats,
        bars=budget_use(stats.audience_caps, stats.reward_budgets),
        peak=peak,
        codes=codes.items,
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
