"""Access: UI users, API keys (shown once at creation) and the audit log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from openpromo.audit.service import audit_service
from openpromo.auth.key_cache import forget_all_keys
from openpromo.auth.principal import ROLES
from openpromo.auth.schemas import ApiKeyCreate
from openpromo.auth.service import api_key_service
from openpromo.errors import OpenPromoError
from openpromo.kit.pagination import DEFAULT_LIMIT
from openpromo.ui.context import (
    Admin,
    AdminRead,
    FormErrors,
    UiContext,
    Viewer,
    parse,
    parse_moment,
)
from openpromo.ui.render import redirect, render
from openpromo.user.schemas import USER_ROLES
from openpromo.user.service import user_service

router = APIRouter(prefix="/ui", include_in_schema=False)
NAV = {"/ui/api-keys": "admin", "/ui/users": "admin", "/ui/audit": "viewer"}


# --- Users ------------------------------------------------------------------------------


async def _users_page(
    ctx: UiContext,
    *,
    cursor: str | None = None,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    created: dict[str, str] | None = None,
) -> Response:
    page = await user_service.list(ctx.session, ctx.principal, limit=DEFAULT_LIMIT, cursor=cursor)
    return render(
        ctx.request,
        "users.html",
        ctx,
        status_code=errors.status if errors else (201 if created else 200),
        errors=errors,
        page=page,
        roles=USER_ROLES,
        values=values or {"role": "viewer"},
        created=created,
    )


@router.get("/users")
async def users(ctx: AdminRead, cursor: str | None = None) -> Response:
    return await _users_page(ctx, cursor=cursor)


@router.post("/users")
async def create_user(ctx: Admin) -> Response:
    form = await ctx.form_fields()
    password = str(form.get("password") or "") or None
    try:
        async with ctx.attempt():
            user, plain = await user_service.create(
                ctx.session,
                ctx.principal,
                str(form.get("email") or ""),
                str(form.get("role") or "viewer"),
                password,
            )
    except OpenPromoError as exc:
        return await _users_page(ctx, values=form, errors=FormErrors.of(exc))
    shown = {"email": user.email, "password": plain if password is None else ""}
    return await _users_page(ctx, created=shown)


# --- API keys ---------------------------------------------------------------------------


async def _keys_page(
    ctx: UiContext,
    *,
    cursor: str | None = None,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    created: dict[str, str] | None = None,
) -> Response:
    page = await api_key_service.list(
        ctx.session, ctx.principal, limit=DEFAULT_LIMIT, cursor=cursor
    )
    return render(
        ctx.request,
        "api_keys.html",
        ctx,
        status_code=errors.status if errors else (201 if created else 200),
        errors=errors,
        page=page,
        roles=ROLES,
        values=values or {"role": "integration"},
        created=created,
    )


@router.get("/api-keys")
async def api_keys(ctx: AdminRead, cursor: str | None = None) -> Response:
    return await _keys_page(ctx, cursor=cursor)


@router.post("/api-keys")
async def create_api_key(ctx: Admin) -> Response:
    form = await ctx.form_fields()
    try:
        async with ctx.attempt():
            body = parse(ApiKeyCreate, {"name": form.get("name", ""), "role": form.get("role")})
            key, plain = await api_key_service.create(
                ctx.session, ctx.principal, body.name, body.role
            )
    except OpenPromoError as exc:
        return await _keys_page(ctx, values=form, errors=FormErrors.of(exc))
    # The key is in this response only: it is stored hashed and never shown again.
    return await _keys_page(ctx, created={"id": key.id, "name": key.name, "api_key": plain})


@router.post("/api-keys/{key_id}/revoke")
async def revoke_api_key(key_id: str, ctx: Admin) -> Response:
    await api_key_service.revoke(ctx.session, ctx.principal, key_id)
    forget_all_keys()
    return redirect(ctx.request, "/ui/api-keys", "API key revoked.")


# --- Audit log --------------------------------------------------------------------------


@router.get("/audit")
async def audit_log(
    ctx: Viewer,
    cursor: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    actor_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Response:
    filters = {
        "object_type": object_type or None,
        "object_id": object_id or None,
        "action": action or None,
        "actor_id": actor_id or None,
    }
    errors: FormErrors | None = None
    try:
        since_at, until_at = parse_moment(since, "since"), parse_moment(until, "until")
    except OpenPromoError as exc:
        errors, since_at, until_at = FormErrors.of(exc), None, None
    page = await audit_service.list(
        ctx.session,
        ctx.principal,
        limit=DEFAULT_LIMIT,
        cursor=cursor or None,
        since=since_at,
        until=until_at,
        **filters,
    )
    return render(
        ctx.request,
        "audit.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        page=page,
        values={**filters, "since": since or "", "until": until or ""},
    )
