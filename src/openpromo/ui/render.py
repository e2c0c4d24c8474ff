"""Templates and responses shared by the UI modules."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from openpromo.errors import OpenPromoError
from openpromo.ui.context import FormErrors, UiContext
from openpromo.ui.explain import REASON_WORDS
from openpromo.ui.session import COOKIE_NAME, SESSION_SECONDS, UiSession, encode_session

UI_DIR = Path(__file__).parent
templates = Jinja2Templates(directory=str(UI_DIR / "templates"))


# The zone the page being rendered shows times in: the tenant's (set by ``render``).
_page_zone: ContextVar[tzinfo] = ContextVar("page_zone", default=UTC)


def _when(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> Markup | str:
    """A moment in the tenant's local time with its zone's abbreviation ("2026-12-03 17:05
    CET"), in a ``<time>`` element carrying the UTC instant and the zone's full name."""
    if not value:
        return "—"
    if value.tzinfo is None:  # stored times are UTC
        value = value.replace(tzinfo=UTC)
    zone = _page_zone.get()
    local = value.astimezone(zone)
    instant = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Markup('<time datetime="{}" title="{}">{} {}</time>').format(
        instant, escape(str(zone)), local.strftime(fmt), local.strftime("%Z") or str(zone)
    )


def _to_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


@pass_context
def _query(context: Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (for filters and paging).

    The request comes from the template's context: templates import the ``pager`` macro
    ``with context`` so that the macro sees it too (a macro imported without context
    sees only the globals).
    """
    request: Request = context["request"]
    params = {k: v for k, v in request.query_params.items() if k not in changes}
    params.update({k: v for k, v in changes.items() if v not in (None, "")})
    return "?" + urlencode(params) if params else "?"


# Areas in the top bar: href → the role that may open it (UI modules register theirs).
NAV: dict[str, str] = {}
_RANK = {"viewer": 0, "editor": 1, "admin": 2}


def nav_links(ctx: UiContext | None) -> list[str]:
    if ctx is None:
        return []
    return [href for href, role in NAV.items() if _RANK[ctx.user.role] >= _RANK[role]]


templates.env.filters["when"] = _when
templates.env.filters["to_json"] = _to_json
templates.env.globals["query"] = _query
templates.env.globals["reason_words"] = REASON_WORDS


def render(
    request: Request,
    template: str,
    ctx: UiContext | None = None,
    *,
    status_code: int = 200,
    errors: FormErrors | None = None,
    **values: Any,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "ctx": ctx,
        "user": ctx.user if ctx else None,
        "tenant": ctx.tenant if ctx else None,
        "csrf": ctx.csrf if ctx else values.pop("csrf", ""),
        "errors": errors or FormErrors(),
        "nav_links": nav_links(ctx),
        **values,
    }
    # The response renders at once: every ``when`` in the page (macros too) sees the zone.
    token = _page_zone.set(ctx.zone if ctx else UTC)
    try:
        return templates.TemplateResponse(request, template, context, status_code=status_code)
    finally:
        _page_zone.reset(token)


def redirect(request: Request, url: str, message: str | None = None) -> Response:
    """After a successful POST: go to ``url`` (HTMX follows ``HX-Redirect``)."""
    if message:
        path, hash_, fragment = url.partition("#")
        path += ("&" if "?" in path else "?") + urlencode({"flash": message})
        url = path + hash_ + fragment
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


async def submit_form(
    ctx: UiContext,
    work: Callable[[dict[str, Any]], Awaitable[object]],
    *,
    failed: Callable[[dict[str, Any], FormErrors], Awaitable[Response]],
    done: str,
    message: str,
) -> Response:
    """A page's form POST: ``work`` on the submitted fields in a savepoint, then a redirect to
    ``done`` with ``message``; on a service error, ``failed`` shows the form again with the
    submitted values and the errors."""
    form = await ctx.form_fields()
    try:
        async with ctx.attempt():
            await work(form)
    except OpenPromoError as exc:
        return await failed(form, FormErrors.of(exc))
    return redirect(ctx.request, done, message)


def set_session_cookie(request: Request, response: Response, session: UiSession) -> None:
    response.set_cookie(
        COOKIE_NAME,
        encode_session(session),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
