"""RFC 9457 problem+json for every error, including FastAPI's own 404/405/422."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from openpromo.db import database_fault
from openpromo.errors import CommitOutcomeUnknown, OpenPromoError, ServiceUnavailable
from openpromo.kit.pagination import InvalidCursor

logger = logging.getLogger("openpromo.errors")

# What a database fault can be raised as: SQLAlchemy's wrappers (a pool timeout included),
# asyncpg's own errors (the raw hot-path reads), and the socket's.
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    SQLAlchemyError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    ConnectionError,
    TimeoutError,
)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://openpromo.dev/problems/"


class ProblemFieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[ProblemFieldError] = []


def _problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "Bad request",
        401: "Missing or invalid API key",
        403: "The API key's role does not allow this action",
        404: "Not found (or another tenant's)",
        409: "Conflict with the current state",
        413: "Payload too large",
        422: "Invalid input; `errors[].loc` names each field",
        429: "Rate limited",
        503: UNAVAILABLE_DESCRIPTION,
    }
    return {
        code: {
            "model": Problem,
            "description": descriptions[code],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            **({"headers": RETRY_AFTER_HEADER} if code == 503 else {}),
        }
        for code in codes
    }


UNAVAILABLE_DESCRIPTION = (
    "The database could not do the work now (connection lost, failover, statement or lock "
    "timeout, connection pool exhausted). `type` ends in `unavailable_not_applied`: nothing "
    "was applied, send the same request again after `Retry-After` seconds; "
    "`unavailable_outcome_unknown`: the connection was lost during COMMIT, so the request may "
    "have been applied — send it again with the same `Idempotency-Key` (validation commits: "
    "the same `reference` on each context) to apply it at most once. See docs/faults.md."
)
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Seconds to wait before sending the request again",
        "schema": {"type": "integer", "minimum": 1},
    }
}
COMMON_ERRORS = _problem_responses(401, 403, 404, 422, 429, 503)
CONFLICT = _problem_responses(409)
UNAVAILABLE = _problem_responses(503)
# Operations that never touch the database (no 503 documented on them).
_NO_DATABASE = {"/healthz", "/metrics"}


def document_unavailable(schema: dict[str, Any]) -> None:
    """Every operation that touches the database documents the 503 (and its Retry-After),
    whichever router declared it."""
    for path, operations in schema.get("paths", {}).items():
        if path in _NO_DATABASE:
            continue
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"]["503"] = {
                    key: value for key, value in UNAVAILABLE[503].items() if key != "model"
                }


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "errors": errors or [],
    }
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _clean_loc(loc: tuple[Any, ...] | list[Any]) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in loc]


async def _on_openpromo_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OpenPromoError)
    if isinstance(exc, ServiceUnavailable):
        return _unavailable(request, exc)
    return problem_response(
        exc.status,
        exc.code,
        exc.title,
        exc.detail,
        [e.as_dict() for e in exc.errors],
        exc.extra,
    )


def _unavailable(request: Request, exc: ServiceUnavailable) -> JSONResponse:
    """503 with Retry-After; an unknown commit outcome names the Idempotency-Key to resend."""
    extra = dict(exc.extra)
    key = request.headers.get("idempotency-key")
    if isinstance(exc, CommitOutcomeUnknown) and key is not None:
        extra["idempotency_key"] = key
    return problem_response(
        exc.status,
        exc.code,
        exc.title,
        exc.detail,
        extra=extra,
        headers={"Retry-After": str(exc.retry_after)},
    )


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": _clean_loc(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    first = errors[0] if errors else None
    detail = (
        f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}" if first else "invalid input"
    )
    return problem_response(422, "validation_error", "Unprocessable content", detail, errors)


async def _on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 400: "bad_request", 401: "unauthorized"}
    code = codes.get(exc.status_code, f"http_{exc.status_code}")
    title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "HTTP error")
    detail = exc.detail if isinstance(exc.detail, str) else title
    return problem_response(
        exc.status_code, code, title, detail, headers=getattr(exc, "headers", None)
    )


async def _on_invalid_cursor(_request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        422,
        "validation_error",
        "Unprocessable content",
        "cursor: not a cursor this API issued",
        [{"loc": ["query", "cursor"], "msg": str(exc), "type": "invalid_cursor"}],
    )


async def _on_database_error(request: Request, exc: Exception) -> JSONResponse:
    """A database error that reached the API outside a unit of work (which turns faults into
    ``ServiceUnavailable`` itself). Handled here rather than by the catch-all: Starlette's
    catch-all re-raises after answering, and uvicorn then closes the client's connection."""
    fault = database_fault(exc)
    if fault is not None:
        logger.warning("database fault: %s (%r)", fault.code, exc)
        return _unavailable(request, fault)
    return await _on_unexpected(request, exc)


async def _on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return problem_response(500, "internal_error", "Internal error", "an unexpected error occurred")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(OpenPromoError, _on_openpromo_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(InvalidCursor, _on_invalid_cursor)
    for database_error in DATABASE_ERRORS:
        app.add_exception_handler(database_error, _on_database_error)
    app.add_exception_handler(Exception, _on_unexpected)
