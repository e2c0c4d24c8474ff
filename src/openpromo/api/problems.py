"""RFC 9457 problem+json for every error, including FastAPI's own 404/405/422."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from openpromo.api.limits import is_json, refused_media_type, too_large_problem
from openpromo.db import database_fault
from openpromo.errors import (
    CONFLICTS_SHOWN,
    CommitOutcomeUnknown,
    OpenPromoError,
    ServiceUnavailable,
)
from openpromo.kit.pagination import InvalidCursor
from openpromo.kit.schema import CONTROL_MESSAGE, NO_CONTROL_PATTERN

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


ALWAYS_SENT = ("type", "title", "status", "detail", "code", "errors")


class ProblemFieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ProblemConflict(BaseModel):
    """An object that causes a 409 (see ``Problem.conflicts``)."""

    kind: str = Field(
        description="promotion, promocode, campaign, reward_type, user, customer_sync_run, tenant"
    )
    id: str | None = Field(description="The id its URLs take (a reward type's key)")
    code: str | None = Field(
        default=None,
        description="A promotion's code, the conflicting promocode value, a campaign's "
        "external_id; null where the kind has none",
    )
    name: str | None = Field(default=None, description="Its display name")


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    # Every answer carries these, `errors` included (empty when no field is at fault; see
    # problem_response): the published schema says so, so generated clients read a list, not
    # an optional. Fields sent only by some answers stay optional.
    model_config = ConfigDict(
        json_schema_extra=lambda schema: schema.update(required=list(ALWAYS_SENT))
    )

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[ProblemFieldError] = []
    conflicts: list[ProblemConflict] | None = Field(
        default=None,
        description="409 only: the objects that cause the conflict, by id (the first "
        f"{CONFLICTS_SHOWN}); empty when the conflict is with the object's own state",
        max_length=CONFLICTS_SHOWN,
    )
    conflicts_total: int | None = Field(
        default=None, description="409 only: how many objects cause the conflict in all"
    )
    limit_bytes: int | None = Field(
        default=None, description="413 only: the body limit of the endpoint (docs/limits.md)"
    )
    fault: str | None = Field(
        default=None,
        description="503 only: what failed — connection, timeout, pool or conflict "
        "(docs/faults.md)",
    )
    idempotency_key: str | None = Field(
        default=None,
        description="503 `unavailable_outcome_unknown` only: the request's Idempotency-Key, "
        "to send again with the same request so it is applied at most once",
    )


def _problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "Bad request",
        401: "Missing or invalid API key",
        403: "The API key's role does not allow this action",
        404: "Not found (or another tenant's)",
        409: "Conflict with the current state",
        413: "Payload too large",
        415: "Unsupported media type; `errors[].loc` is the Content-Type header",
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
MEDIA_TYPE = _problem_responses(415)
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


def _field_error(error: Any) -> dict[str, Any]:
    """One pydantic error as ``{loc, msg, type}``. The bounded input types of
    ``kit.schema`` say where inside a free-form JSON field the problem is (``ctx.at``, appended
    to ``loc``), and the no-control-character pattern reads as what it means."""
    loc = _clean_loc(error.get("loc", ()))
    msg, type_ = error.get("msg", ""), error.get("type", "")
    ctx = error.get("ctx") or {}
    if isinstance(ctx.get("at"), list):
        loc += _clean_loc(ctx["at"])
    if type_ == "string_pattern_mismatch" and ctx.get("pattern") == NO_CONTROL_PATTERN:
        msg, type_ = CONTROL_MESSAGE, "control_character"
    return {"loc": loc, "msg": msg, "type": type_}


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_field_error(e) for e in exc.errors()]
    if (media := refused_media_type(request.url.path, request.headers, errors)) is not None:
        return JSONResponse(media, status_code=415, media_type=PROBLEM_JSON)
    first = errors[0] if errors else None
    detail = (
        f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}" if first else "invalid input"
    )
    return problem_response(422, "validation_error", "Unprocessable content", detail, errors)


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 413:  # the body limiter (api.limits), with the limit that applied
        limit = request.scope.get(MAX_BODY_SIZE_SCOPE_KEY)
        return JSONResponse(too_large_problem(limit), status_code=413, media_type=PROBLEM_JSON)
    if (
        exc.status_code == 400
        and exc.detail == "There was an error parsing the body"
        and is_json(request.headers.get("content-type", "").lower())
    ):
        # FastAPI's answer when json.loads fails with something other than a decode error
        # (an integer of more than 4,300 digits): malformed JSON, answered as such.
        message = "the body is not valid JSON (or holds a number too long to read)"
        return problem_response(
            422,
            "validation_error",
            "Unprocessable content",
            f"body: {message}",
            [{"loc": ["body"], "msg": message, "type": "json_invalid"}],
        )
    codes = {404: "not_found", 405: "method_not_allowed", 400: "bad_request", 401: "unauthorized"}
    code = codes.get(exc.status_code, f"http_{exc.status_code}")
    title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "HTTP error")
    detail = exc.detail if isinstance(exc.detail, str) else title
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:
        headers["Allow"] = _allow_header(request, headers.get("Allow", ""))
    return problem_response(exc.status_code, code, title, detail, headers=headers or None)


def _allow_header(request: Request, fallback: str) -> str:
    """Every method served on the request's path. Starlette's own ``Allow`` names only the
    methods of the first route whose path matched; most paths have one route per method."""
    table = getattr(request.app.state, "route_methods", None)
    path = request.url.path
    if not table:
        return fallback
    matches = [(pattern.groups, methods) for pattern, methods in table if pattern.match(path)]
    if not matches:
        return fallback
    # As in OpenAPI, a concrete path wins over a templated one (/v1/customers/import is not
    # /v1/customers/{customer_id}).
    fewest = min(groups for groups, _ in matches)
    return ", ".join(sorted(set().union(*(m for g, m in matches if g == fewest))))


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


def publish_problem_schema(schema: dict[str, Any]) -> None:
    """Make the OpenAPI say what error answers really are, in place.

    An error answer is always ``application/problem+json``: FastAPI also lists
    ``application/json`` for every response declared with ``model=Problem``, which a client
    would take as a second, different format. ``Problem`` (and its field errors) are put in the
    components when no route declared them.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "Problem" not in components:
        problem = Problem.model_json_schema(
            mode="serialization", ref_template="#/components/schemas/{model}"
        )
        components.update(problem.pop("$defs", {}))
        components["Problem"] = problem
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if PROBLEM_JSON in content and content.get("application/json") == content.get(
                    PROBLEM_JSON
                ):
                    del content["application/json"]


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(OpenPromoError, _on_openpromo_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(InvalidCursor, _on_invalid_cursor)
    for database_error in DATABASE_ERRORS:
        app.add_exception_handler(database_error, _on_database_error)
    app.add_exception_handler(Exception, _on_unexpected)
