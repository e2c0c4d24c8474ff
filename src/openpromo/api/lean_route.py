"""A route class for the validation hot path: declared like any FastAPI route, handled lean.

FastAPI solves every request's parameters generically — content-type sniffing, ``json.loads``,
then the body model validated from Python objects, each ``Security`` dependency resolved
through its cache — and that was a fifth of a single-customer validation's CPU under load,
more than the validation itself once concurrent requests share their reads. A
``LeanJSONRoute`` keeps the declaration (OpenAPI schema, body model, security schemes,
exception handlers, the body-size limit) and replaces only the per-request work:

* the body is validated straight from the raw bytes by pydantic's JSON parser
  (``model_validate_json``) — any content type is read as JSON;
* the endpoint is called with the path parameters, ``body``, ``request`` and the two API-key
  schemes' values (``bearer``, ``header_key``), which is the whole signature such endpoints
  may have (``check_signature`` refuses anything else when the route is declared);
* invalid bodies raise ``RequestValidationError`` with ``body`` leading each location, which
  the API's handler turns into the usual 422 problem.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from openpromo.api.auth import bearer_scheme, header_scheme

FIXED_PARAMETERS = {"body", "request", "bearer", "header_key"}


class LeanJSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint = self.endpoint
        model = _body_model(self)
        check_signature(endpoint, self.param_convertors)

        async def handler(request: Request) -> Response:
            raw = await request.body()
            try:
                body = model.model_validate_json(raw)
            except ValidationError as exc:
                raise RequestValidationError(
                    [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()],
                    body=raw,
                ) from None
            response: Response = await endpoint(
                **request.path_params,
                body=body,
                request=request,
                bearer=await bearer_scheme(request),
                header_key=await header_scheme(request),
            )
            return response

        return handler


def _body_model(route: APIRoute) -> type[BaseModel]:
    annotation = route.body_field.field_info.annotation if route.body_field else None
    if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        raise TypeError(f"{route.path}: a LeanJSONRoute needs a pydantic body model")
    return annotation


def check_signature(endpoint: Callable[..., Any], path_parameters: dict[str, Any]) -> None:
    """The endpoint must take exactly the path parameters and the fixed ones."""
    names = set(inspect.signature(endpoint).parameters)
    expected = FIXED_PARAMETERS | set(path_parameters)
    if names != expected:
        raise TypeError(
            f"{endpoint.__name__}: a LeanJSONRoute endpoint takes exactly "
            f"{sorted(expected)}, not {sorted(names)}"
        )
