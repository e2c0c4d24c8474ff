"""NUL characters (U+0000) refused at the door, with the field that carries one.

PostgreSQL's text columns cannot store U+0000 and its driver refuses it even as a query
parameter, so a NUL in any string that reaches SQL was a 500 on PostgreSQL (SQLite stores
it). The schemathesis tests found it in path parameters, query parameters and JSON bodies
(docs/api-conformance.md). Rather than a check on each field, every request is checked once:

- path and query parameters, by name;
- a JSON body, when its bytes contain the escape ``\\u0000`` (JSON cannot carry a raw NUL),
  walked for the strings and keys holding one.

Each is answered 422 ``validation_error`` with ``errors[].loc`` naming the field
(``["body", "contexts", 0, "reference"]``). Bodies of other types (CSV, NDJSON, text uploads)
are read by their own parsers.

Installed as an app-wide dependency (``reject_nul_characters``); the validation routes, which
skip FastAPI's dependency solving (``api.lean_route``), call ``body_nul_errors`` and
``parameter_nul_errors`` themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from starlette.requests import Request

from openpromo.errors import FieldError, Unprocessable

NUL = "\x00"
_ESCAPED_NUL = b"\\u0000"
_MESSAGE = "must not contain NUL characters (U+0000)"


def _walk(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, str):
        if NUL in value:
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield (*loc, key.replace(NUL, "\\u0000"))
            yield from _walk(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*loc, index))


def body_nul_errors(raw: bytes) -> list[FieldError]:
    """The places of a JSON body whose strings (or keys) hold a NUL; none when the body does
    not parse (the body's own validation answers that)."""
    if _ESCAPED_NUL not in raw:
        return []
    try:
        parsed = json.loads(raw)
    except ValueError:
        return []
    return [FieldError(("body", *loc), _MESSAGE, "nul_character") for loc in _walk(parsed, ())]


def parameter_nul_errors(
    path_params: Mapping[str, Any], query: Iterable[tuple[str, str]]
) -> list[FieldError]:
    errors = [
        FieldError(("path", name), _MESSAGE, "nul_character")
        for name, value in path_params.items()
        if isinstance(value, str) and NUL in value
    ]
    errors += [
        FieldError(("query", name.replace(NUL, "\\u0000")), _MESSAGE, "nul_character")
        for name, value in query
        if NUL in name or NUL in value
    ]
    return errors


def raise_for(errors: list[FieldError]) -> None:
    if errors:
        where = ".".join(str(part) for part in errors[0].loc)
        raise Unprocessable(detail=f"{where}: {_MESSAGE}", errors=errors)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


async def reject_nul_characters(request: Request) -> None:
    """App-wide dependency: 422 for a NUL in a path or query parameter or a JSON body."""
    errors = parameter_nul_errors(request.path_params, request.query_params.multi_items())
    if not errors and _is_json(request.headers.get("content-type", "")):
        # FastAPI has read the body already for a route with a JSON body (cached here).
        errors = body_nul_errors(await request.body())
    raise_for(errors)
