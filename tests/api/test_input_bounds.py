"""Every request body in the OpenAPI is bounded (issue 13, part 3; docs/limits.md).

Walks each operation's request-body schema: every string has a maximum length (or is an enum,
a constant or a formatted value such as a date-time) and a pattern (the shared
no-control-character one, or a tighter one); every integer and number a maximum; every array a
maximum number of items; no object takes arbitrary keys unless it is one of the free-form JSON
fields, which ``kit.schema.JsonObject`` walks for the same limits at run time.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

# Free-form JSON, checked at run time by kit.schema (strings, integers, depth, keys): their
# shape depends on the tenant's schemas. Keyed by the schema path the walk prints.
FREE_FORM = {
    "CustomerPut/properties",
    "ValidationContext/session",
    "ValidationContext/customer",
    "TiersUpdate/tiers/items",
    "TransactionRequest/commands/items",
    "PropertyDefinitionIn/allowed_values/items",
    "PropertyDefinitionPut/allowed_values/items",
    "PropertyDefinitionIn/min",
    "PropertyDefinitionIn/max",
    "PropertyDefinitionPut/min",
    "PropertyDefinitionPut/max",
    "put /v1/promotions/{promotion_id}/properties",
}
DECIMAL_STRING = "^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d*$"


def unbounded(schema: dict[str, Any]) -> list[str]:
    components = schema["components"]["schemas"]
    found: list[str] = []
    seen: set[str] = set()

    def walk(node: Any, where: str) -> None:
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                walk(components[name], name)
            return
        if where in FREE_FORM:
            return
        kind = node.get("type")
        exempt = {"enum", "const", "format"} & set(node)
        if kind == "string" and not exempt:
            if "maxLength" not in node and node.get("pattern") != DECIMAL_STRING:
                found.append(f"{where}: string without maxLength")
            if "pattern" not in node:
                found.append(f"{where}: string without a pattern (control characters)")
        if kind in ("integer", "number") and not {"maximum", "exclusiveMaximum"} & set(node):
            found.append(f"{where}: {kind} without maximum")
        if kind == "array" and "maxItems" not in node:
            found.append(f"{where}: array without maxItems")
        free_keys = node.get("additionalProperties") not in (None, False)
        if kind == "object" and free_keys and "maxProperties" not in node:
            found.append(f"{where}: object with free keys and no maxProperties")
        if kind is None and not {"anyOf", "oneOf", "allOf", "enum", "const"} & set(node):
            found.append(f"{where}: any JSON value")
        for key, value in node.items():
            if key == "properties":
                for name, sub in value.items():
                    walk(sub, f"{where}/{name}")
            elif key in ("items", "additionalProperties"):
                walk(value, f"{where}/{key}")
            elif key in ("anyOf", "oneOf", "allOf"):
                for sub in value:
                    walk(sub, where)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            # Uploads (text/csv, multipart, images) are streams bounded by their body limit.
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                walk(content["application/json"]["schema"], f"{method} {path}")
    return sorted(set(found))


def test_every_request_body_field_is_bounded(app: FastAPI) -> None:
    assert unbounded(app.openapi()) == []
