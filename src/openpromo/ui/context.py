"""What every UI page shares: the logged-in user, one unit of work, role and CSRF checks.

``Viewer``, ``Editor`` and ``Admin`` are FastAPI dependencies for pages and actions. Each
opens one unit of work (a write transaction for POSTs, committed when the handler returns),
resolves the session cookie to a user of a tenant, refuses a role that is too low and, on every
POST, a missing or wrong CSRF token (hidden form field or the ``X-CSRF-Token`` header HTMX
sends). A service error that escapes a handler rolls the transaction back and is shown as an
error page; handlers that re-render a form catch it themselves inside ``ctx.attempt()``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Depends, HTTPException, Request
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from openpromo.auth.principal import Principal
from openpromo.db import get_database
from openpromo.errors import FieldError, OpenPromoError, Unprocessable, unprocessable
from openpromo.models import Tenant, User
from openpromo.tenant.service import tenant_service
from openpromo.ui import wording
from openpromo.ui.session import (
    COOKIE_NAME,
    CSRF_FIELD,
    CSRF_HEADER,
    UiSession,
    decode_session,
)
from openpromo.user.service import principal_for, user_service

M = TypeVar("M", bound=BaseModel)
UiRole = Literal["viewer", "editor", "admin"]
_RANK: dict[str, int] = {"viewer": 0, "editor": 1, "admin": 2}


class LoginRequired(Exception):
    """No valid session: the visitor is sent to the login page."""


class CsrfRejected(Exception):
    """A POST without the session's CSRF token."""


class RoleRefused(Exception):
    def __init__(self, needed: str, role: str) -> None:
        super().__init__(f"this page needs the role {needed}; you are {role}")
        self.needed = needed
        self.role = role


class PageError(Exception):
    """A service error that escaped a handler: shown as an error page."""

    def __init__(self, error: OpenPromoError) -> None:
        super().__init__(error.detail)
        self.error = error


@dataclass
class UiContext:
    request: Request
    session: AsyncSession
    user: User
    tenant: Tenant
    ui_session: UiSession

    @property
    def principal(self) -> Principal:
        return principal_for(self.user)

    @property
    def tenant_id(self) -> str:
        return self.user.tenant_id

    @property
    def zone(self) -> tzinfo:
        """The tenant's timezone (UTC when it names no known zone)."""
        try:
            return ZoneInfo(self.tenant.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return UTC

    @property
    def csrf(self) -> str:
        return self.ui_session.csrf

    def can(self, role: UiRole) -> bool:
        return _RANK[self.user.role] >= _RANK[role]

    async def form_fields(self) -> dict[str, Any]:
        """The submitted form without its CSRF token (checked already by the dependency)."""
        return {k: v for k, v in (await self.request.form()).items() if k != CSRF_FIELD}

    @asynccontextmanager
    async def attempt(self) -> AsyncIterator[None]:
        """Run service calls in a savepoint: on a service error nothing they did is kept, and
        the error propagates for the handler to show next to the form."""
        async with self.session.begin_nested():
            yield


# Pages whose forms carry big text fields, and the limits their forms are parsed with (the
# first parse decides: Starlette keeps the parsed form). Every other form keeps Starlette's
# defaults (1 MB a field). 10,000 validation contexts typed into /ui/validate are a few MB.
LARGE_FORMS: dict[str, dict[str, int]] = {
    "/ui/validate": {"max_part_size": 16 * 1024 * 1024, "max_fields": 20, "max_files": 1},
}
# Bodies above this are refused before they are parsed (an upload spools to disk first).
LARGE_FORM_BODY_LIMIT = 64 * 1024 * 1024


async def read_form(request: Request) -> FormData:
    """The request's form, parsed with its page's limits (see ``LARGE_FORMS``)."""
    limits = LARGE_FORMS.get(request.url.path)
    if limits is None:
        return await request.form()
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > LARGE_FORM_BODY_LIMIT:
        raise HTTPException(413, f"the form is larger than {LARGE_FORM_BODY_LIMIT // 2**20} MB")
    return await request.form(**limits)


async def presented_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await read_form(request)).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def _context(role: UiRole, *, write: bool) -> Callable[..., AsyncIterator[UiContext]]:
    async def dependency(request: Request) -> AsyncIterator[UiContext]:
        ui_session = decode_session(request.cookies.get(COOKIE_NAME))
        if ui_session is None or ui_session.user_id is None or ui_session.tenant_id is None:
            raise LoginRequired()
        if request.method not in ("GET", "HEAD") and not ui_session.csrf_matches(
            await presented_csrf(request)
        ):
            raise CsrfRejected()
        async with get_database().unit_of_work(write=write) as session:
            user = await user_service.find(
                session,
                ui_session.tenant_id,
                ui_session.user_id,
                issued_at=ui_session.issued_at,
            )
            if user is None:
                raise LoginRequired()
            if _RANK[user.role] < _RANK[role]:
                raise RoleRefused(role, user.role)
            tenant = await tenant_service.get(session, user.tenant_id)
            try:
                yield UiContext(request, session, user, tenant, ui_session)
            except OpenPromoError as exc:
                raise PageError(exc) from exc

    return dependency


Viewer = Annotated[UiContext, Depends(_context("viewer", write=False), scope="function")]
Editor = Annotated[UiContext, Depends(_context("editor", write=True), scope="function")]
EditorRead = Annotated[UiContext, Depends(_context("editor", write=False), scope="function")]
Admin = Annotated[UiContext, Depends(_context("admin", write=True), scope="function")]
AdminRead = Annotated[UiContext, Depends(_context("admin", write=False), scope="function")]


@dataclass
class FormErrors:
    """A service error as a form shows it: the message on top, field messages next to fields.

    Field names are the error's ``loc`` without the leading ``body``, joined with dots
    (``("body", "constraints", "min_value")`` → ``constraints.min_value``): the API's
    messages, in the marketer's words (``ui.wording``), placed where the user typed the value.
    The banner names the first problem in a sentence ("The budget must be greater than 0").
    """

    message: str = ""
    fields: dict[str, str] | None = None
    status: int = 422
    labels: dict[str, str] | None = None

    @classmethod
    def of(cls, error: OpenPromoError) -> FormErrors:
        fields: dict[str, str] = {}
        labels: dict[str, str] = {}
        sentences: list[str] = []
        for field_error in error.errors:
            loc = list(field_error.loc)
            if loc and loc[0] in ("body", "query", "path"):
                loc = loc[1:]
            name = ".".join(str(part) for part in loc)
            if name not in fields:
                fields[name] = wording.plain(field_error.msg)
                labels[name] = wording.label(loc)
                sentences.append(wording.sentence(loc, field_error.msg))
        if sentences and error.status == 422:
            message = sentences[0] + "."
            if len(sentences) > 1:
                more = len(sentences) - 1
                message += (
                    f" And {more} more problem{'s' if more > 1 else ''} (shown next to the fields)."
                )
        else:
            message = wording.clean_detail(wording.plain(error.detail))
        return cls(message=message, fields=fields, status=error.status, labels=labels)

    def label(self, name: str, capital: bool = False) -> str:
        """The field's name in words, for lists of problems."""
        text = (self.labels or {}).get(name) or wording.label(name.split("."))
        return text[:1].upper() + text[1:] if capital else text

    def get(self, name: str) -> str | None:
        """The message for a field, or for the first problem inside it (``tiers.0.rewards``)."""
        fields = self.fields or {}
        if name in fields:
            return fields[name]
        return next((msg for loc, msg in fields.items() if loc.startswith(name + ".")), None)

    def __bool__(self) -> bool:
        return bool(self.message)


Loc = tuple[str | int, ...]
BODY: Loc = ("body",)


def parse(model: type[M], data: dict[str, Any], loc: Loc = BODY) -> M:
    """Validate form input with the API's own model; errors read exactly as the API's 422
    (``loc`` is where ``data`` sits in the equivalent API request)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _unprocessable_from(exc, loc) from exc


def _unprocessable_from(exc: ValidationError, loc: Loc) -> Unprocessable:
    errors = [
        FieldError(
            (*loc, *(p if isinstance(p, int) else str(p) for p in e["loc"])),
            e["msg"],
            e["type"],
        )
        for e in exc.errors()
    ]
    first = errors[0]
    detail = f"{'.'.join(str(p) for p in first.loc)}: {first.msg}"
    return Unprocessable(detail=detail, errors=errors)


def parse_json(text: str, loc: Loc) -> Any:
    """A JSON editor's content; a syntax error names the editor's field."""
    try:
        return json.loads(text) if text.strip() else None
    except json.JSONDecodeError as exc:
        raise unprocessable(
            loc, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc


def parse_as(annotation: Any, data: Any, loc: Loc = BODY) -> Any:
    """Like ``parse`` for any type (``dict[str, RewardConstraints]``…)."""
    try:
        return TypeAdapter(annotation).validate_python(data)
    except ValidationError as exc:
        raise _unprocessable_from(exc, loc) from exc


def present(form: dict[str, Any], *names: str) -> dict[str, Any]:
    """The named form fields that were filled in (an empty input means "not given")."""
    return {name: form[name] for name in names if form.get(name) not in (None, "")}


def parse_moment(value: str | None, name: str, zone: tzinfo = UTC) -> datetime | None:
    """A date or date-time filter from a query string; one without an offset is in ``zone``
    (pages pass the tenant's, the zone they show every time in)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise unprocessable(("query", name), f"'{value}' is not a date or date-time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment
