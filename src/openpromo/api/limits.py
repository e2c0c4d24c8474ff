"""Request body limits, enforced before a body is read whole, and the JSON content type.

Starlette/FastAPI's own body limiter does the counting (``FastAPI(max_body_size=)`` for the
default, ``max_body_size=`` on a route for the endpoints that take more): a declared
``Content-Length`` over the limit is refused before the first byte is read, and a chunked
body as soon as the bytes received pass it, so an endpoint that streams (uploads) never
holds more than the limit. What this module adds:

* the limits themselves, one per endpoint class (docs/limits.md has the table);
* ``ProblemBodyLimit``: the limiter answers some refusals itself in plain text (a body
  declared too large on a route that answered without reading it); this outermost wrapper
  turns every 413 into the API's problem+json;
* ``require_json``: a JSON-body route refuses a body sent as another media type (or without
  one) with 415 instead of trying to validate the bytes as JSON (a 422 that named nothing);
* ``annotate_openapi``: each operation that takes a body says its limit
  (``x-body-limit-bytes``, a sentence in its description) and documents its 413 (and 415).
"""

from __future__ import annotations

import email.message
import json
from collections.abc import Iterable
from typing import Any

from fastapi.routing import APIRoute
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MIB = 1024 * 1024
JSON_BODY_LIMIT = 1 * MIB  # every body, unless its route says otherwise (the app default)
VALIDATION_BODY_LIMIT = 32 * MIB  # up to 10,000 contexts per validation call
UPLOAD_BODY_LIMIT = 1024 * MIB  # promocode value uploads and customer imports (streamed)
IMAGE_BODY_LIMIT = 16 * MIB  # reward type images (the image itself: OPENPROMO_MAX_IMAGE_BYTES)
UI_UPLOAD_BODY_LIMIT = 64 * MIB  # the admin UI's file forms

PROBLEM_JSON = b"application/problem+json"
BODY_METHODS = {"POST", "PUT", "PATCH"}


def _mib(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit} bytes"


def too_large_problem(limit: int | None) -> dict[str, Any]:
    detail = (
        f"the request body is larger than the {_mib(limit)} ({limit} bytes) this endpoint accepts"
        if limit is not None
        else "the request body is too large"
    )
    return {
        "type": "https://openpromo.dev/problems/payload_too_large",
        "title": "Payload too large",
        "status": 413,
        "detail": detail,
        "code": "payload_too_large",
        "errors": [{"loc": ["body"], "msg": detail, "type": "payload_too_large"}],
        **({"limit_bytes": limit} if limit is not None else {}),
    }


class ProblemBodyLimit:
    """Outermost wrapper: a 413 that is not problem+json already (the limiter's own plain
    text answer) is replaced by the problem document, with the limit that applied."""

    def __init__(self, app: ASGIApp, default_limit: int) -> None:
        self.app = app
        self.default_limit = default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replacing = False

        async def send_problem(message: Message) -> None:
            nonlocal replacing
            if message["type"] == "http.response.start" and message["status"] == 413:
                headers = dict(message.get("headers", []))
                if not headers.get(b"content-type", b"").startswith(PROBLEM_JSON):
                    replacing = True
                    limit = scope.get(MAX_BODY_SIZE_SCOPE_KEY, self.default_limit)
                    body = json.dumps(too_large_problem(limit)).encode()
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 413,
                            "headers": [
                                (b"content-type", PROBLEM_JSON),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close"),
                            ],
                        }
                    )
                    await send({"type": "http.response.body", "body": body})
                    return
            if replacing:
                return  # the plain-text body of the replaced answer
            await send(message)

        await self.app(scope, receive, send_problem)


def is_json(content_type: str) -> bool:
    """``application/json`` or ``application/<anything>+json``, parameters allowed."""
    if content_type.startswith("application/json"):
        return True
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and subtype.endswith("+json")


def unsupported_media_type(content_type: str | None) -> dict[str, Any]:
    detail = (
        f"this endpoint takes application/json, not {content_type}"
        if content_type
        else "this endpoint takes application/json: send a Content-Type header"
    )
    return {
        "type": "https://openpromo.dev/problems/unsupported_media_type",
        "title": "Unsupported media type",
        "status": 415,
        "detail": detail,
        "code": "unsupported_media_type",
        "errors": [
            {"loc": ["header", "content-type"], "msg": detail, "type": "unsupported_media_type"}
        ],
    }


class RequireJSON:
    """Around one JSON-body route: a non-empty body whose Content-Type is missing or not
    JSON is answered 415 before anything is read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        content_type: str | None = None
        has_body = False
        for name, value in scope.get("headers", ()):
            if name == b"content-type":
                content_type = value.decode("latin-1").strip().lower()
            elif name == b"content-length":
                has_body = value.strip() not in (b"0", b"")
            elif name == b"transfer-encoding":
                has_body = True
        if has_body and (content_type is None or not is_json(content_type)):
            body = json.dumps(unsupported_media_type(content_type)).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 415,
                    "headers": [
                        (b"content-type", PROBLEM_JSON),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def json_body_routes(routes: Iterable[Any]) -> list[APIRoute]:
    """The API's routes whose body is a JSON model (uploads read the request themselves)."""
    return [
        route
        for route in routes
        if isinstance(route, APIRoute)
        and route.path.startswith("/v1/")
        and route.body_field is not None
        and set(route.methods or ()) & BODY_METHODS
    ]


def require_json(routes: Iterable[Any]) -> None:
    for route in json_body_routes(routes):
        route.app = RequireJSON(route.app)


def annotate_openapi(schema: dict[str, Any], routes: Iterable[Any], default_limit: int) -> None:
    """Each operation that takes a body: its limit and its 413 (and 415 for JSON bodies)."""
    json_routes = {id(route) for route in json_body_routes(routes)}
    problem = {"$ref": "#/components/schemas/Problem"}
    for route in routes:
        if not isinstance(route, APIRoute) or not set(route.methods or ()) & BODY_METHODS:
            continue
        for method in set(route.methods or ()) & BODY_METHODS:
            operation = schema.get("paths", {}).get(route.path_format, {}).get(method.lower())
            if operation is None or "requestBody" not in operation:
                continue
            limit = route.max_body_size or default_limit
            operation["x-body-limit-bytes"] = limit
            sentence = f"Request body limit: {_mib(limit)} ({limit} bytes); larger bodies: 413."
            operation["description"] = (
                f"{operation['description']}\n\n{sentence}"
                if operation.get("description")
                else sentence
            )
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                "413",
                {
                    "description": f"The body is larger than {_mib(limit)}",
                    "content": {"application/problem+json": {"schema": problem}},
                },
            )
            if id(route) in json_routes:
                responses.setdefault(
                    "415",
                    {
                        "description": "The body is not sent as application/json",
                        "content": {"application/problem+json": {"schema": problem}},
                    },
                )
