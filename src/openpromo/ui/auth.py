"""Login and logout: e-mail and password, then a signed session cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from openpromo.db import get_database
from openpromo.ui.context import FormErrors, presented_csrf
from openpromo.ui.render import render, set_session_cookie
from openpromo.ui.session import COOKIE_NAME, UiSession, decode_session
from openpromo.user.service import user_service

router = APIRouter(include_in_schema=False)

HOME = "/ui/"


def _safe_next(target: str | None) -> str:
    """Only local paths: a login link must not bounce the user to another site."""
    if target and target.startswith("/ui/") and not target.startswith("//"):
        return target
    return HOME


@router.get("/")
async def root(request: Request) -> Response:
    session = decode_session(request.cookies.get(COOKIE_NAME))
    logged_in = session is not None and session.user_id is not None
    return RedirectResponse(HOME if logged_in else "/ui/login", status_code=303)


@router.get("/ui/login")
async def login_page(request: Request, next: str | None = None) -> Response:
    session = decode_session(request.cookies.get(COOKIE_NAME))
    if session is not None and session.user_id is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    session = session or UiSession.anonymous()
    response = render(request, "login.html", csrf=session.csrf, next=_safe_next(next), email="")
    set_session_cookie(request, response, session)
    return response


@router.post("/ui/login")
async def login(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = HOME,
) -> Response:
    session = decode_session(request.cookies.get(COOKIE_NAME))
    if session is None or not session.csrf_matches(await presented_csrf(request)):
        fresh = UiSession.anonymous()
        response = render(
            request,
            "login.html",
            status_code=403,
            csrf=fresh.csrf,
            next=_safe_next(next),
            email=email,
            errors=FormErrors("Your login form expired. Please try again."),
        )
        set_session_cookie(request, response, fresh)
        return response
    async with get_database().unit_of_work() as db:
        user = await user_service.authenticate(db, email, password)
    if user is None:
        return render(
            request,
            "login.html",
            status_code=401,
            csrf=session.csrf,
            next=_safe_next(next),
            email=email,
            errors=FormErrors("Wrong e-mail or password."),
        )
    success = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, success, UiSession.for_user(user.id, user.tenant_id))
    return success


@router.post("/ui/logout")
async def logout(request: Request) -> Response:
    session = decode_session(request.cookies.get(COOKIE_NAME))
    if session is not None and session.csrf_matches(await presented_csrf(request)):
        response = RedirectResponse("/ui/login", status_code=303)
        response.delete_cookie(COOKIE_NAME, path="/")
        return response
    return RedirectResponse(HOME, status_code=303)
