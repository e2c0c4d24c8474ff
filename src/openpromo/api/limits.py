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
* ``refused_media_type``: a JSON-body route answers a body sent as another media type (or
  without one) with 415 naming the header, not a 422 that names nothing;
* ``ControlCharacterGuard``: control characters in the path or the query string are a 422
  before routing (they would reach SQL as text);
* ``annotate_openapi``: each operation that takes a body says its limit
  (``x-body-limit-bytes``, a sentence in its description) and documents its 413 (and 415).
"""

from __future__ import annotations

import email.message
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from fastapi.routing import APIRoute, iter_route_contexts
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openpromo.kit.schema import CONTROL_CHARACTERS, CONTROL_MESSAGE

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


def refused_media_type(
    path: str, headers: Any, errors: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The 415 for a failed validation whose body was not JSON: an API route with a JSON body
    model validates the raw bytes of a body sent as another media type (or none) and fails
    at ``["body"]``; that is the wrong media type, not an invalid field."""
    if not path.startswith("/v1/") or not any(e["loc"] == ["body"] for e in errors):
        return None
    content_type = headers.get("content-type")
    has_body = headers.get("content-length", "0").strip() != "0" or "transfer-encoding" in headers
    if has_body and (content_type is None or not is_json(content_type.strip().lower())):
        return unsupported_media_type(content_type)
    return None


def annotate_openapi(schema: dict[str, Any], routes: Iterable[Any], default_limit: int) -> None:
    """Each operation that takes a body: its limit and its 413 (and 415 for JSON bodies)."""
    problem = {"$ref": "#/components/schemas/Problem"}
    paths = schema.get("paths", {})
    for context in iter_route_contexts(list(routes)):
        route = context.original_route
        methods = set(context.methods or ()) & BODY_METHODS
        if not isinstance(route, APIRoute) or not methods:
            continue
        limit = getattr(context, "max_body_size", None) or route.max_body_size or default_limit
        for method in methods:
            operation = paths.get(context.path_format or "", {}).get(method.lower())
            if operation is None or "requestBody" not in operation:
                continue
            if "x-body-limit-bytes" in operation:
                continue  # annotated already (FastAPI caches the document)
            operation["x-body-limit-bytes"] = limit
            sentence = f"Request body limit: {_mib(limit)} ({limit} bytes); larger bodies: 413."
            description = operation.get("description")
            operation["description"] = f"{description}\n\n{sentence}" if description else sentence
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                "413",
                {
                    "description": f"The body is larger than {_mib(limit)}",
                    "content": {"application/problem+json": {"schema": problem}},
                },
            )
            if route.body_field is not None:
                responses.setdefault(
                    "415",
                    {
                        "description": "The body is not sent as application/json",
                        "content": {"application/problem+json": {"schema": problem}},
                    },
                )


_CONTROL_IN_PATH = re.compile(f"[{CONTROL_CHARACTERS}]")


def _control_problem(loc: list[str], where: str) -> dict[str, Any]:
    detail = f"{where}: {CONTROL_MESSAGE}"
    return {
        "type": "https://openpromo.dev/problems/validation_error",
        "title": "Unprocessable content",
        "status": 422,
        "detail": detail,
        "code": "validation_error",
        "errors": [{"loc": loc, "msg": CONTROL_MESSAGE, "type": "control_character"}],
    }


class ControlCharacterGuard:
    """Path segments and query parameters with control characters (``%00``…) are answered
    422 before routing: ids and filters reach SQL as text, which PostgreSQL refuses with NUL
    in it (a 500 before). Body fields are checked by their models (``kit.schema.Text``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problem = self._problem(scope)
            if problem is not None:
                body = json.dumps(problem).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 422,
                        "headers": [
                            (b"content-type", PROBLEM_JSON),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _problem(scope: Scope) -> dict[str, Any] | None:
        path: str = scope.get("path", "")
        if _CONTROL_IN_PATH.search(path):
            name = _path_parameter_with_control(scope, path)
            if name is None:
                return _control_problem(["path"], "the path")
            return _control_problem(["path", name], f"path parameter {name!r}")
        query: bytes = scope.get("query_string", b"")
        if query and (b"%" in query or _CONTROL_IN_PATH.search(query.decode("latin-1"))):
            for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
                if _CONTROL_IN_PATH.search(name) or _CONTROL_IN_PATH.search(value):
                    return _control_problem(["query", name], f"query parameter {name!r}")
        return None


def _path_parameter_with_control(scope: Scope, path: str) -> str | None:
    """The path parameter holding the control character, found in the route table that
    ``api.openapi.install_openapi`` keeps (routing has not run yet): a client is told which
    id it sent wrong, as a refused body field would be."""
    app = scope.get("app")
    table = getattr(getattr(app, "state", None), "route_methods", None) or []
    for pattern, _methods in table:
        match = pattern.match(path)
        if match is None:
            continue
        for name, value in match.groupdict().items():
            if _CONTROL_IN_PATH.search(value):
                return str(name)
    return None
