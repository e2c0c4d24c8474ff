"""The admin web UI: server-rendered Jinja2 pages with HTMX, served by the API process.

``mount_ui(app)`` adds every UI router, the static files and the handlers that turn UI
exceptions (no session, wrong role, missing CSRF token, a service error) into pages.

- Pages call the domain services (never SQL, never the HTTP API), with a ``Principal`` whose
  actor is the user, so the audit log names who did what.
- Roles: ``viewer`` reads everything but API keys, users and the sync configuration;
  ``editor`` also changes promotions, promocodes and campaigns; ``admin`` does everything
  (tenant settings, reward types, schemas, customers, grant reversal, sync, API keys, users).
- Sessions are signed cookies (``ui/session.py``): HttpOnly, SameSite=Lax, Secure over HTTPS,
  8 hours from login. Every POST carries the session's CSRF token (a hidden field, or the
  ``X-CSRF-Token`` header that ``hx-headers`` adds to HTMX requests).
- A service error is shown on the page that caused it, with the same ``detail`` and field
  messages the API returns, each next to its field; the service calls run in a savepoint so a
  refused change leaves nothing behind.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from openpromo.ui import (
    auth,
    campaigns,
    console,
    customers,
    grants,
    promocodes,
    promotion_flow,
    promotions,
    settings,
    simulator,
    sync,
    tier_builder,
    users,
    validate,
    webhooks,
)
from openpromo.ui.context import CsrfRejected, LoginRequired, PageError, RoleRefused
from openpromo.ui.render import NAV, UI_DIR, render

# Order is the top bar's order.
MODULES = [
    auth,
    console,
    promotions,
    tier_builder,  # before promotion_flow: its /edit/tiers routes must win
    promotion_flow,
    promocodes,
    campaigns,
    customers,
    grants,
    validate,
    simulator,
    settings,
    sync,
    users,
    webhooks,
]


async def _login_required(request: Request, _exc: Exception) -> Response:
    target = "/ui/login"
    if request.method == "GET":
        target += "?next=" + request.url.path
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _csrf_rejected(request: Request, _exc: Exception) -> Response:
    return render(
        request,
        "error.html",
        status_code=403,
        title="Form expired",
        message="This form is missing its security token or has expired. "
        "Reload the page and try again.",
    )


async def _role_refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RoleRefused)
    return render(request, "error.html", status_code=403, title="Not allowed", message=str(exc))


async def _page_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    return render(
        request,
        "error.html",
        status_code=exc.error.status,
        title=exc.error.title,
        message=exc.error.detail,
    )


def mount_ui(app: FastAPI) -> None:
    """Add the UI to ``app`` (once: a second call does nothing)."""
    if getattr(app.state, "ui_mounted", False):
        return
    app.state.ui_mounted = True
    for module in MODULES:
        app.include_router(module.router)
        NAV.update(getattr(module, "NAV", {}))
    app.mount("/ui/static", StaticFiles(directory=str(UI_DIR / "static")), name="ui-static")
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(CsrfRejected, _csrf_rejected)
    app.add_exception_handler(RoleRefused, _role_refused)
    app.add_exception_handler(PageError, _page_error)
