from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.db import Database
from openpromo.errors import ConflictRef
from openpromo.schema.usage import register_property_usage_check, unregister_property_usage_check
from tests.conftest import key_with_role, make_client, make_tenant

SESSION_PROPERTIES: list[dict[str, Any]] = [
    {
        "key": "deposit_amount",
        "type": "decimal",
        "description": "Deposit",
        "required": True,
        "min": "0.01",
        "max": 10000,
    },
    {"key": "channel", "type": "string", "allowed_values": ["web", "app"], "max_length": 10},
    {"key": "level", "type": "integer", "min": 1, "max": 5, "allowed_values": [1, 2, 5]},
    {"key": "first", "type": "boolean"},
    {"key": "day", "type": "date", "min": "2026-01-01", "max": "2026-12-31"},
    {"key": "at", "type": "datetime", "min": "2026-01-01T00:00:00+01:00"},
    {"key": "games", "type": "string_list", "allowed_values": ["slots", "poker"]},
    {"key": "promo_code", "type": "string", "pattern": "[A-Z]{4}"},
]

EXPECTED = [
    {
        "key": "deposit_amount",
        "type": "decimal",
        "description": "Deposit",
        "required": True,
        "allowed_values": None,
        "min": "0.01",
        "max": "10000",
        "max_length": None,
        "pattern": None,
    },
    {
        "key": "channel",
        "type": "string",
        "description": "",
        "required": False,
        "allowed_values": ["web", "app"],
        "min": None,
        "max": None,
        "max_length": 10,
        "pattern": None,
    },
    {
        "key": "level",
        "type": "integer",
        "description": "",
        "required": False,
        "allowed_values": [1, 2, 5],
        "min": 1,
        "max": 5,
        "max_length": None,
        "pattern": None,
    },
    {
        "key": "first",
        "type": "boolean",
        "description": "",
        "required": False,
        "allowed_values": None,
        "min": None,
        "max": None,
        "max_length": None,
        "pattern": None,
    },
    {
        "key": "day",
        "type": "date",
        "description": "",
        "required": False,
        "allowed_values": None,
        "min": "2026-01-01",
        "max": "2026-12-31",
        "max_length": None,
        "pattern": None,
    },
    {
        "key": "at",
        "type": "datetime",
        "description": "",
        "required": False,
        "allowed_values": None,
        "min": "2025-12-31T23:00:00Z",
        "max": None,
        "max_length": None,
        "pattern": None,
    },
    {
        "key": "games",
        "type": "string_list",
        "description": "",
        "required": False,
        "allowed_values": ["slots", "poker"],
        "min": None,
        "max": None,
        "max_length": None,
        "pattern": None,
    },
    {
        "key": "promo_code",
        "type": "string",
        "description": "",
        "required": False,
        "allowed_values": None,
        "min": None,
        "max": None,
        "max_length": None,
        "pattern": "[A-Z]{4}",
    },
]


@pytest.fixture
async def used_properties() -> AsyncIterator[dict[str, list[str]]]:
    """A fake usage check: {"scope.key": [promotion names]}."""
    usages: dict[str, list[str]] = {}

    async def check(_session: AsyncSession, _tenant_id: str, ref: str) -> list[ConflictRef]:
        return [ConflictRef("promotion", f"id-{n}", f"code-{n}", n) for n in usages.get(ref, [])]

    register_property_usage_check(check)
    yield usages
    unregister_property_usage_check(check)


async def put_scope(client: httpx.AsyncClient, scope: str, props: list[dict[str, Any]]) -> Any:
    response = await client.put(f"/v1/schemas/{scope}", json={"properties": props})
    assert response.status_code == 200, response.text
    return response.json()


async def test_empty_schemas(client: httpx.AsyncClient) -> None:
    for scope in ("customer", "session", "promotion"):
        response = await client.get(f"/v1/schemas/{scope}")
        assert response.status_code == 200
        assert response.json() == {"scope": scope, "properties": []}


async def test_put_scope_stores_every_type_and_constraint(client: httpx.AsyncClient) -> None:
    body = await put_scope(client, "session", SESSION_PROPERTIES)
    assert body == {"scope": "session", "properties": EXPECTED}
    assert (await client.get("/v1/schemas/session")).json() == body
    assert (await client.get("/v1/schemas/customer")).json()["properties"] == []


async def test_put_scope_replaces_and_keeps_order(client: httpx.AsyncClient) -> None:
    await put_scope(
        client, "customer", [{"key": "a", "type": "string"}, {"key": "b", "type": "integer"}]
    )
    body = await put_scope(
        client,
        "customer",
        [{"key": "c", "type": "boolean"}, {"key": "b", "type": "integer", "min": 3}],
    )
    assert [(p["key"], p["min"]) for p in body["properties"]] == [("c", None), ("b", 3)]
    stored = (await client.get("/v1/schemas/customer")).json()["properties"]
    assert [p["key"] for p in stored] == ["c", "b"]


async def test_put_scope_is_audited(client: httpx.AsyncClient) -> None:
    await put_scope(client, "promotion", [{"key": "region", "type": "string"}])
    await put_scope(client, "promotion", [{"key": "variant", "type": "string"}])
    entries = (await client.get("/v1/audit-log", params={"action": "schema.replace"})).json()[
        "items"
    ]
    assert len(entries) == 2
    newest = entries[0]
    assert (newest["object_type"], newest["object_id"]) == ("schema", "promotion")
    assert [p["key"] for p in newest["before"]] == ["region"]
    assert [p["key"] for p in newest["after"]] == ["variant"]


@pytest.mark.parametrize(
    ("definition", "loc_tail", "error_type"),
    [
        ({"key": "Bad", "type": "string"}, ["key"], "string_pattern_mismatch"),
        ({"key": "x", "type": "money"}, ["type"], "literal_error"),
        ({"key": "x", "type": "string", "color": 1}, ["color"], "extra_forbidden"),
        (
            {"key": "x", "type": "decimal", "max_length": 3},
            ["max_length"],
            "constraint_not_allowed",
        ),
        ({"key": "x", "type": "string", "max_length": 0}, ["max_length"], "greater_than_equal"),
        ({"key": "x", "type": "integer", "pattern": "a"}, ["pattern"], "constraint_not_allowed"),
        ({"key": "x", "type": "string", "pattern": "a("}, ["pattern"], "invalid_pattern"),
        ({"key": "x", "type": "string", "pattern": "a" * 501}, ["pattern"], "string_too_long"),
        ({"key": "x", "type": "string", "min": "a"}, ["min"], "constraint_not_allowed"),
        ({"key": "x", "type": "boolean", "max": 1}, ["max"], "constraint_not_allowed"),
        ({"key": "x", "type": "integer", "min": "1.5"}, ["min"], "invalid_type"),
        ({"key": "x", "type": "decimal", "min": "abc"}, ["min"], "invalid_type"),
        ({"key": "x", "type": "date", "max": "2026-13-01"}, ["max"], "invalid_type"),
        ({"key": "x", "type": "datetime", "min": "2026-01-01T00:00:00"}, ["min"], "naive_datetime"),
        ({"key": "x", "type": "integer", "min": 5, "max": 1}, ["min"], "min_greater_than_max"),
        (
            {"key": "x", "type": "date", "min": "2026-02-01", "max": "2026-01-01"},
            ["min"],
            "min_greater_than_max",
        ),
        (
            {"key": "x", "type": "decimal", "allowed_values": ["1"]},
            ["allowed_values"],
            "constraint_not_allowed",
        ),
        (
            {"key": "x", "type": "integer", "allowed_values": ["1"]},
            ["allowed_values", 0],
            "invalid_type",
        ),
        (
            {"key": "x", "type": "integer", "allowed_values": [1, True]},
            ["allowed_values", 1],
            "invalid_type",
        ),
        (
            {"key": "x", "type": "string", "allowed_values": ["a", 2]},
            ["allowed_values", 1],
            "invalid_type",
        ),
        (
            {"key": "x", "type": "string", "allowed_values": ["a", "a"]},
            ["allowed_values", 1],
            "duplicate_value",
        ),
        ({"key": "x", "type": "string", "allowed_values": []}, ["allowed_values"], "too_short"),
    ],
)
async def test_put_scope_rejects_bad_definition_and_names_the_field(
    client: httpx.AsyncClient, definition: dict[str, Any], loc_tail: list[Any], error_type: str
) -> None:
    await put_scope(client, "session", [{"key": "keep", "type": "string"}])
    response = await client.put(
        "/v1/schemas/session",
        json={
            "properties": [
                {"key": "ok", "type": "string"},
                {"key": "y", "type": "string"},
                definition,
            ]
        },
    )
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert (error["loc"], error["type"]) == (["body", "properties", 2, *loc_tail], error_type)
    stored = (await client.get("/v1/schemas/session")).json()["properties"]
    assert [p["key"] for p in stored] == ["keep"]


async def test_required_is_refused_on_customer_scope(client: httpx.AsyncClient) -> None:
    response = await client.put(
        "/v1/schemas/customer",
        json={"properties": [{"key": "vip", "type": "boolean", "required": True}]},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "properties", 0, "required"]
    for scope in ("session", "promotion"):
        body = await put_scope(client, scope, [{"key": "vip", "type": "boolean", "required": True}])
        assert body["properties"][0]["required"] is True


async def test_duplicate_keys_in_one_put_are_422(client: httpx.AsyncClient) -> None:
    response = await client.put(
        "/v1/schemas/session",
        json={"properties": [{"key": "a", "type": "string"}, {"key": "a", "type": "integer"}]},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "properties", 1, "key"]


async def test_unknown_scope_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/schemas/order")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["path", "scope"]


async def test_put_property_creates_then_replaces(client: httpx.AsyncClient) -> None:
    await put_scope(client, "customer", [{"key": "first", "type": "string"}])
    created = await client.put(
        "/v1/schemas/customer/properties/vip_level",
        json={"type": "string", "allowed_values": ["gold", "silver"], "description": "VIP"},
    )
    assert created.status_code == 201, created.text
    assert created.json() == {
        "key": "vip_level",
        "type": "string",
        "description": "VIP",
        "required": False,
        "allowed_values": ["gold", "silver"],
        "min": None,
        "max": None,
        "max_length": None,
        "pattern": None,
    }
    replaced = await client.put(
        "/v1/schemas/customer/properties/vip_level",
        json={"key": "vip_level", "type": "string", "max_length": 8},
    )
    assert replaced.status_code == 200
    assert (replaced.json()["allowed_values"], replaced.json()["max_length"]) == (None, 8)
    stored = (await client.get("/v1/schemas/customer")).json()["properties"]
    assert [p["key"] for p in stored] == ["first", "vip_level"]
    entries = (await client.get("/v1/audit-log", params={"action": "schema.property_put"})).json()[
        "items"
    ]
    assert [(e["object_type"], e["object_id"]) for e in entries] == [
        ("property", "customer.vip_level"),
        ("property", "customer.vip_level"),
    ]
    assert entries[1]["before"] is None
    assert entries[0]["before"]["allowed_values"] == ["gold", "silver"]
    assert entries[0]["after"]["max_length"] == 8


@pytest.mark.parametrize(
    ("path_key", "body", "loc", "error_type"),
    [
        ("Bad-Key", {"type": "string"}, ["path", "key"], "string_pattern_mismatch"),
        ("vip", {"key": "other", "type": "string"}, ["body", "key"], "key_mismatch"),
        ("vip", {"type": "string", "min": 1}, ["body", "min"], "constraint_not_allowed"),
        (
            "vip",
            {"type": "boolean", "required": True},
            ["body", "required"],
            "constraint_not_allowed",
        ),
        ("vip", {}, ["body", "type"], "missing"),
    ],
)
async def test_put_property_rejects_bad_input(
    client: httpx.AsyncClient, path_key: str, body: dict[str, Any], loc: list[Any], error_type: str
) -> None:
    response = await client.put(f"/v1/schemas/customer/properties/{path_key}", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert (error["loc"], error["type"]) == (loc, error_type)
    assert (await client.get("/v1/schemas/customer")).json()["properties"] == []


async def test_delete_property(client: httpx.AsyncClient) -> None:
    await put_scope(
        client, "session", [{"key": "a", "type": "string"}, {"key": "b", "type": "date"}]
    )
    response = await client.delete("/v1/schemas/session/properties/a")
    assert response.status_code == 204
    assert [p["key"] for p in (await client.get("/v1/schemas/session")).json()["properties"]] == [
        "b"
    ]
    assert (await client.delete("/v1/schemas/session/properties/a")).status_code == 404
    assert (await client.delete("/v1/schemas/customer/properties/b")).status_code == 404
    entries = (
        await client.get("/v1/audit-log", params={"action": "schema.property_delete"})
    ).json()["items"]
    assert len(entries) == 1
    assert entries[0]["object_id"] == "session.a"
    assert entries[0]["before"]["type"] == "string"
    assert entries[0]["after"] is None


async def test_used_property_cannot_be_deleted_or_retyped(
    client: httpx.AsyncClient, used_properties: dict[str, list[str]]
) -> None:
    await put_scope(
        client,
        "session",
        [{"key": "deposit", "type": "decimal"}, {"key": "channel", "type": "string"}],
    )
    used_properties["session.deposit"] = ["Xmas", "Welcome"]

    deleted = await client.delete("/v1/schemas/session/properties/deposit")
    assert deleted.status_code == 409
    problem = deleted.json()
    assert problem["code"] == "property_in_use"
    assert [(c["kind"], c["id"], c["code"]) for c in problem["conflicts"]] == [
        ("promotion", "id-Welcome", "code-Welcome"),
        ("promotion", "id-Xmas", "code-Xmas"),
    ]
    assert problem["conflicts_total"] == 2
    assert problem["errors"][0]["loc"] == ["path", "key"]
    assert "Welcome, Xmas" in problem["detail"]

    retyped = await client.put("/v1/schemas/session/properties/deposit", json={"type": "integer"})
    assert retyped.status_code == 409
    assert retyped.json()["errors"][0]["loc"] == ["body", "type"]

    dropped = await client.put(
        "/v1/schemas/session", json={"properties": [{"key": "channel", "type": "string"}]}
    )
    assert dropped.status_code == 409
    assert [c["id"] for c in dropped.json()["conflicts"]] == ["id-Welcome", "id-Xmas"]
    assert dropped.json()["errors"][0]["loc"] == ["body", "properties"]

    retyped_in_scope = await client.put(
        "/v1/schemas/session",
        json={
            "properties": [
                {"key": "channel", "type": "string"},
                {"key": "deposit", "type": "string"},
            ]
        },
    )
    assert retyped_in_scope.status_code == 409
    assert retyped_in_scope.json()["errors"][0]["loc"] == ["body", "properties", 1, "type"]

    # Still there, unchanged; constraints and unused properties may change.
    narrowed = await client.put(
        "/v1/schemas/session/properties/deposit", json={"type": "decimal", "min": "10"}
    )
    assert narrowed.status_code == 200
    assert (await client.delete("/v1/schemas/session/properties/channel")).status_code == 204
    stored = (await client.get("/v1/schemas/session")).json()["properties"]
    assert [(p["key"], p["type"], p["min"]) for p in stored] == [("deposit", "decimal", "10")]


async def test_no_key_is_401(anon_client: httpx.AsyncClient) -> None:
    for method, path in (
        ("GET", "/v1/schemas/session"),
        ("PUT", "/v1/schemas/session"),
        ("PUT", "/v1/schemas/session/properties/a"),
        ("DELETE", "/v1/schemas/session/properties/a"),
    ):
        response = await anon_client.request(
            method, path, json={"properties": []} if method == "PUT" else None
        )
        assert response.status_code == 401, (method, path)


@pytest.mark.parametrize("role", ["read_only", "integration"])
async def test_non_admin_keys_read_but_cannot_write(
    app: FastAPI, client: httpx.AsyncClient, role: str
) -> None:
    await put_scope(client, "session", [{"key": "a", "type": "string"}])
    key = await key_with_role(client, role)
    async with make_client(app, key) as limited:
        read = await limited.get("/v1/schemas/session")
        assert read.status_code == 200
        assert [p["key"] for p in read.json()["properties"]] == ["a"]
        for response in (
            await limited.put("/v1/schemas/session", json={"properties": []}),
            await limited.put("/v1/schemas/session/properties/b", json={"type": "string"}),
            await limited.delete("/v1/schemas/session/properties/a"),
        ):
            assert response.status_code == 403
            assert response.json()["code"] == "insufficient_role"
    assert [p["key"] for p in (await client.get("/v1/schemas/session")).json()["properties"]] == [
        "a"
    ]


async def test_schemas_are_per_tenant(
    app: FastAPI, client: httpx.AsyncClient, database: Database
) -> None:
    await put_scope(client, "session", [{"key": "a", "type": "string"}])
    other = await make_tenant(database, "Other")
    async with make_client(app, other.admin_key) as stranger:
        assert (await stranger.get("/v1/schemas/session")).json()["properties"] == []
        assert (await stranger.delete("/v1/schemas/session/properties/a")).status_code == 404
        created = await stranger.put("/v1/schemas/session/properties/a", json={"type": "integer"})
        assert created.status_code == 201
    mine = (await client.get("/v1/schemas/session")).json()["properties"]
    assert [(p["key"], p["type"]) for p in mine] == [("a", "string")]
