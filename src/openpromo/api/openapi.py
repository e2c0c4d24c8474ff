"""The published OpenAPI document, completed where FastAPI's generation leaves gaps.

FastAPI documents what each route declares; a few answers come from the layers around the
routes and are the same for every operation of a kind, so they are added here, once, rather
than on each route (where one would be forgotten). The schemathesis tests
(tests/api/test_openapi_fuzz.py, docs/api-conformance.md) check every answer against this
document.

- ``Problem`` is a component, so every error response can reference it, and error answers
  are published as problem+json only (``problems.publish_problem_schema``).
- The body limit of each operation (``limits.annotate_openapi``, docs/limits.md) and the 503
  every operation touching the database can answer (``problems.document_unavailable``).
- Every operation with a request body documents **400**: a body that cannot be read (bytes
  that are not UTF-8 where JSON is declared) is refused by FastAPI before the route runs.
- **Links** between operations (create → read → update …) for clients and for the stateful
  fuzz tests: see ``LINKS``.

It also keeps the table that a 405's ``Allow`` header is built from (``route_methods``,
read by ``problems._allow_header``):
Starlette names only the methods of the first route whose path matched, while a path such
as ``/v1/tenant`` is served by one route per method.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import FastAPI
from starlette.routing import BaseRoute, compile_path

from openpromo.api.limits import JSON_BODY_LIMIT, annotate_openapi
from openpromo.api.problems import PROBLEM_JSON, document_unavailable, publish_problem_schema

BODY_UNREADABLE = {
    "description": "The body could not be read (for example bytes that are not UTF-8 where "
    "JSON is declared)",
    "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}

# OpenAPI links: (operation that answers, status) -> {link name: (target operation id,
# {target parameter: runtime expression})}. They name what a client can do next with the
# object an answer carries; schemathesis' stateful tests follow them.
_Link = tuple[str, dict[str, str]]
LINKS: dict[tuple[str, str], dict[str, _Link]] = {
    ("create_promotion", "201"): {
        "GetPromotion": ("get_promotion", {"promotion_id": "$response.body#/id"}),
        "UpdatePromotion": ("update_promotion", {"promotion_id": "$response.body#/id"}),
        "SetPromotionTiers": ("set_promotion_tiers", {"promotion_id": "$response.body#/id"}),
        "ActivatePromotion": ("activate_promotion", {"promotion_id": "$response.body#/id"}),
        "DeletePromotion": ("delete_promotion", {"promotion_id": "$response.body#/id"}),
    },
    ("create_promocode", "201"): {
        "GetPromocode": ("get_promocode", {"promocode_id": "$response.body#/id"}),
        "UpdatePromocode": ("update_promocode", {"promocode_id": "$response.body#/id"}),
        "ListPromocodeValues": ("list_promocode_values", {"promocode_id": "$response.body#/id"}),
        "GeneratePromocodeValues": (
            "generate_promocode_values",
            {"promocode_id": "$response.body#/id"},
        ),
    },
    ("create_campaign", "201"): {
        "GetCampaign": ("get_campaign", {"campaign_id": "$response.body#/id"}),
        "UpdateCampaign": ("update_campaign", {"campaign_id": "$response.body#/id"}),
    },
    ("create_reward_type", "201"): {
        "GetRewardType": ("get_reward_type", {"key": "$response.body#/key"}),
        "UpdateRewardType": ("update_reward_type", {"key": "$response.body#/key"}),
        "DeleteRewardType": ("delete_reward_type", {"key": "$response.body#/key"}),
    },
    ("create_user", "201"): {
        "GetUser": ("get_user", {"user_id": "$response.body#/id"}),
        "UpdateUser": ("update_user", {"user_id": "$response.body#/id"}),
    },
    ("create_api_key", "201"): {
        "RevokeApiKey": ("revoke_api_key", {"key_id": "$response.body#/id"}),
    },
    ("put_customer", "200"): {
        "GetCustomer": ("get_customer", {"customer_id": "$response.body#/customer_id"}),
    },
}


def _operations(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method in {"get", "put", "post", "delete", "patch"}:
                yield operation


def complete_openapi(schema: dict[str, Any], routes: Sequence[BaseRoute]) -> dict[str, Any]:
    """Add what the routes cannot declare themselves (see the module's docstring)."""
    publish_problem_schema(schema)
    annotate_openapi(schema, routes, JSON_BODY_LIMIT)
    document_unavailable(schema)
    by_id = {operation.get("operationId"): operation for operation in _operations(schema)}
    for operation in by_id.values():
        if "requestBody" in operation:
            operation["responses"].setdefault("400", BODY_UNREADABLE)
    for (source, status), links in LINKS.items():
        response = by_id[source]["responses"][status]
        response["links"] = {
            name: {"operationId": target, "parameters": parameters}
            for name, (target, parameters) in links.items()
        }
    return schema


def _walk(routes: Any, prefix: str) -> Iterator[tuple[str, set[str]]]:
    for route in routes:
        if hasattr(route, "original_router"):  # an included router (FastAPI ≥ 0.16x)
            yield from _walk(route.original_router.routes, prefix + route.include_context.prefix)
        elif hasattr(route, "routes") and not hasattr(route, "methods"):
            yield from _walk(route.routes, prefix + getattr(route, "path", ""))
        elif getattr(route, "methods", None):
            yield prefix + route.path, set(route.methods)


def route_methods(app: FastAPI) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """(path pattern, every method some route serves on it), from the app's route table."""
    table: dict[str, set[str]] = {}
    for path, methods in _walk(app.routes, ""):
        table.setdefault(path, set()).update(methods)
    return [(compile_path(path)[0], frozenset(methods)) for path, methods in table.items()]


def install_openapi(app: FastAPI) -> None:
    original = app.openapi
    app.state.route_methods = route_methods(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:  # FastAPI caches the document: complete it once
            complete_openapi(original(), app.routes)
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
