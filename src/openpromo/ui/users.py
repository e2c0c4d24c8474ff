"""Access: UI users, API keys (shown once at creation) and the audit log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from openpromo.audit.service import audit_service
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
from openpromo.ui.render import redirect, render, set_session_cookie
from openpromo.ui.session import UiSession
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
    reset: dict[str, str] | None = None,
    failed_user: str | None = None,
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
        reset=reset,
        # The row whose action failed shows the field message; the new-user form does not.
        failed_user=failed_user,
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


@router.post("/users/{user_id}/role")
async def change_user_role(user_id: str, ctx: Admin) -> Response:
    form = await ctx.form_fields()
    try:
        async with ctx.attempt():
            user = await user_service.update(
                ctx.session, ctx.principal, user_id, role=str(form.get("role") or "")
            )
    except OpenPromoError as exc:
        return await _users_page(ctx, errors=FormErrors.of(exc), failed_user=user_id)
    return redirect(ctx.request, "/ui/users", f"{user.email} is now {user.role}.")


@router.post("/users/{user_id}/active")
async def change_user_active(user_id: str, ctx: Admin) -> Response:
    form = await ctx.form_fields()
    active = str(form.get("active") or "") == "true"
    try:
        async with ctx.attempt():
            user = await user_service.update(ctx.session, ctx.principal, user_id, active=active)
    except OpenPromoError as exc:
        return await _users_page(ctx, errors=FormErrors.of(exc), failed_user=user_id)
    if user.active:
        return redirect(ctx.request, "/ui/users", f"{user.email} is active again.")
    return redirect(
        ctx.request,
        "/ui/users",
        f"{user.email} is deactivated: they cannot log in and their sessions have ended.",
    )


@router.post("/users/{user_id}/password")
async def reset_user_password(user_id: str, ctx: Admin) -> Response:
    form = await ctx.form_fields()
    password = str(form.get("password") or "") or None
    try:
        async with ctx.attempt():
            user, plain = await user_service.reset_password(
                ctx.session, ctx.principal, user_id, password
            )
    except OpenPromoError as exc:
        return await _users_page(ctx, errors=FormErrors.of(exc), failed_user=user_id)
    # A reset ends the user's sessions; an admin resetting their own keeps this one: it gets
    # a fresh cookie (and CSRF token) issued after the reset.
    own = user.id == ctx.user.id
    if own:
        ctx.ui_session = UiSession.for_user(user.id, user.tenant_id)
    if password is not None:
        response = redirect(ctx.request, "/ui/users", f"The password of {user.email} was changed.")
    else:
        # The generated password is in this response only: it is stored hashed.
        response = await _users_page(ctx, reset={"email": user.email, "password": plain})
    if own:
        set_session_cookie(ctx.request, response, ctx.ui_session)
    return response


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
    # The service forgets the process's cached keys once the revocation has committed.
    await api_key_service.revoke(ctx.session, ctx.principal, key_id)
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
        since_at, until_at = (
            parse_moment(since, "since", ctx.zone),
            parse_moment(until, "until", ctx.zone),
        )
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
    # People by e-mail, not id: the users acting and the users acted on.
    people = await user_service.emails(
        ctx.session,
        ctx.principal,
        [e.actor_id for e in page.items if e.actor_type == "user"]
        + [e.object_id for e in page.items if e.object_type == "user"],
    )
    return render(
        ctx.request,
        "audit.html",
        ctx,
        people=people,
        status_code=errors.status if errors else 200,
        errors=errors,
        page=page,
        values={**filters, "since": since or "", "until": until or ""},
    )
