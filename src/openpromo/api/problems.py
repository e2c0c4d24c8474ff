"""RFC 9457 problem+json for every error, including FastAPI's own 404/405/422."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from openpromo.errors import OpenPromoError
from openpromo.kit.pagination import InvalidCursor

logger = logging.getLogger("openpromo.errors")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://openpromo.dev/problems/"


ALWAYS_SENT = ("type", "title", "status", "detail", "code", "errors")


class ProblemFieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


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
    }
    return {
        code: {
            "model": Problem,
            "description": descriptions[code],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for code in codes
    }


COMMON_ERRORS = _problem_responses(401, 403, 404, 422, 429)
CONFLICT = _problem_responses(409)


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


async def _on_openpromo_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OpenPromoError)
    return problem_response(
        exc.status,
        exc.code,
        exc.title,
        exc.detail,
        [e.as_dict() for e in exc.errors],
        exc.extra,
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
    app.add_exception_handler(Exception, _on_unexpected)
