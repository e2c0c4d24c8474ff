"""A route class for the validation hot path: declared like any FastAPI route, handled lean.

FastAPI solves every request's parameters generically — content-type sniffing, ``json.loads``,
then the body model validated from Python objects, each ``Security`` dependency resolved
through its cache — and that was a fifth of a single-customer validation's CPU under load,
more than the validation itself once concurrent requests share their reads. A
``LeanJSONRoute`` keeps the declaration (OpenAPI schema, body model, security schemes,
exception handlers, the body-size limit) and replaces only the per-request work:

* a JSON body (``application/json`` or ``application/*+json``) is validated straight from
  the raw bytes by pydantic's JSON parser (``model_validate_json``); any other request — no
  content type, another one, or an empty body — goes to FastAPI's own handler, which refuses
  it exactly as on every other route (422);
* the endpoint is called with the path parameters, ``body``, ``request`` and the two API-key
  schemes' values (``bearer``, ``header_key``: what ``HTTPBearer`` and ``APIKeyHeader`` with
  ``auto_error=False`` would resolve) — the whole signature such an endpoint may have
  (``check_signature`` refuses anything else when the route is declared);
* invalid bodies raise ``RequestValidationError`` with ``body`` leading each location, which
  the API's handler turns into the usual 422 problem.

Two more shapes, for the reservation confirm and release routes (docs/reservations.md): an
*optional* body (``Model | None = None``), where an empty body is ``None`` exactly as FastAPI
has it, whatever the content type (a JSON ``null`` goes to FastAPI's handler); and *no* body
model at all, where the endpoint takes no ``body`` and the bytes sent are never read (FastAPI
ignores them too).
"""

from __future__ import annotations

import email.message
import inspect
import typing
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from openpromo.api.auth import header_scheme

FIXED_PARAMETERS = {"body", "request", "bearer", "header_key"}


class LeanJSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint = self.endpoint
        model, optional = _body_model(self)
        check_signature(endpoint, self.param_convertors, body=model is not None)
        generic = super().get_route_handler()

        async def handler(request: Request) -> Response:
            authorization, header_key, content_type = _headers(request.scope["headers"])
            extra: dict[str, Any] = {}
            if model is not None:
                if optional:
                    raw = await request.body()
                    if not raw:  # FastAPI: an optional body that is missing is None
                        extra["body"] = None
                    elif not _is_json(content_type) or raw.strip() == b"null":
                        return await generic(request)
                elif not _is_json(content_type):
                    return await generic(request)
                else:
                    raw = await request.body()
                    if not raw:  # FastAPI's answer: the body is missing (Starlette kept it)
                        return await generic(request)
                if "body" not in extra:
                    try:
                        extra["body"] = model.model_validate_json(raw)
                    except ValidationError as exc:
                        raise RequestValidationError(
                            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()],
                            body=raw,
                        ) from None
            response: Response = await endpoint(
                **request.path_params,
                **extra,
                request=request,
                bearer=_bearer(authorization),
                header_key=header_key,
            )
            return response

        return handler


def _bearer(authorization: str | None) -> HTTPAuthorizationCredentials | None:
    """What ``HTTPBearer(auto_error=False)`` resolves, without validating a model."""
    scheme, credentials = get_authorization_scheme_param(authorization)
    if not (authorization and scheme and credentials) or scheme.lower() != "bearer":
        return None
    return HTTPAuthorizationCredentials.model_construct(scheme=scheme, credentials=credentials)


_AUTHORIZATION = b"authorization"
_CONTENT_TYPE = b"content-type"
_HEADER_KEY = header_scheme.model.name.lower().encode("latin-1")


def _headers(headers: list[tuple[bytes, bytes]]) -> tuple[str | None, str | None, bytes | None]:
    """The Authorization and X-API-Key header values and the raw Content-Type, in one pass
    over the raw headers (ASGI servers give header names in lower case)."""
    authorization = header_key = None
    content_type = None
    for name, value in headers:
        if name == _AUTHORIZATION and authorization is None:
            authorization = value.decode("latin-1")
        elif name == _HEADER_KEY and header_key is None:
            header_key = value.decode("latin-1")
        elif name == _CONTENT_TYPE and content_type is None:
            content_type = value
    return authorization, header_key, content_type


def _is_json(content_type: bytes | None) -> bool:
    """FastAPI's rule for reading a body as JSON (strict content type): ``application/json``
    or ``application/<anything>+json``, parameters allowed; no content type is not JSON."""
    if content_type is None:
        return False
    if content_type == b"application/json":  # what nearly every client sends
        return True
    message = email.message.Message()
    message["content-type"] = content_type.decode("latin-1")
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def _body_model(route: APIRoute) -> tuple[type[BaseModel] | None, bool]:
    """The body model (None: the route takes no body) and whether the body is optional
    (declared ``Model | None = None``)."""
    if route.body_field is None:
        return None, False
    annotation = route.body_field.field_info.annotation
    optional = not route.body_field.field_info.is_required()
    members = [a for a in typing.get_args(annotation) if a is not type(None)]
    if optional and len(members) == 1:
        annotation = members[0]
    if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        raise TypeError(f"{route.path}: a LeanJSONRoute needs a pydantic body model")
    return annotation, optional


def check_signature(
    endpoint: Callable[..., Any], path_parameters: dict[str, Any], *, body: bool = True
) -> None:
    """The endpoint must take exactly the path parameters and the fixed ones (without
    ``body`` when the route takes none)."""
    names = set(inspect.signature(endpoint).parameters)
    expected = (FIXED_PARAMETERS if body else FIXED_PARAMETERS - {"body"}) | set(path_parameters)
    if names != expected:
        raise TypeError(
            f"{endpoint.__name__}: a LeanJSONRoute endpoint takes exactly "
            f"{sorted(expected)}, not {sorted(names)}"
        )
