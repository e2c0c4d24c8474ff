from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.config import get_settings
from openpromo.db import Database
from openpromo.errors import ConflictRef
from openpromo.reward_type.usage import (
    register_reward_type_usage_check,
    unregister_reward_type_usage_check,
)
from tests.conftest import key_with_role, make_client, make_tenant

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40

EUR_BONUS: dict[str, Any] = {"key": "eur_bonus", "name": "EUR bonus", "category": "amount"}
FREE_SPINS: dict[str, Any] = {
    "key": "free_spins",
    "name": "Free spins",
    "category": "unit",
    "unit_name": "spin",
}


async def create(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    response = await client.post("/v1/reward-types", json=fields)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
async def used_by_promotions() -> AsyncIterator[list[str]]:
    """A fake usage check: every reward type is used by the promotions in the list."""
    names: list[str] = []

    async def check(_session: AsyncSession, _tenant_id: str, key: str) -> list[ConflictRef]:
        return [
            ConflictRef("promotion", f"id-{n}", f"code-{n}", n) for n in names if key != "unused"
        ]

    register_reward_type_usage_check(check)
    yield names
    unregister_reward_type_usage_check(check)


# --- create / get -------------------------------------------------------------------------


async def test_create_amount_type_with_defaults(client: httpx.AsyncClient) -> None:
    body = await create(client, **EUR_BONUS)
    assert {k: v for k, v in body.items() if k not in ("created_at", "updated_at")} == {
        "key": "eur_bonus",
        "name": "EUR bonus",
        "display_name": "EUR bonus",
        "description": "",
        "category": "amount",
        "currency": "EUR",
        "unit_name": None,
        "decimals": 2,
        "rounding": "down",
        "constraints": {
            "min_value": None,
            "max_value": None,
            "per_customer": [],
            "valid_from": None,
            "valid_until": None,
            "grant_expires_after": None,
        },
        "status": "active",
        "archived_at": None,
        "image_url": None,
    }
    assert (await client.get("/v1/reward-types/eur_bonus")).json() == body
    entries = (await client.get("/v1/audit-log", params={"action": "reward_type.create"})).json()[
        "items"
    ]
    assert len(entries) == 1
    assert (entries[0]["object_type"], entries[0]["object_id"]) == ("reward_type", "eur_bonus")
    assert entries[0]["before"] is None
    assert entries[0]["after"]["currency"] == "EUR"


async def test_currency_defaults_to_the_tenant_currency(client: httpx.AsyncClient) -> None:
    assert (await client.patch("/v1/tenant", json={"default_currency": "USD"})).status_code == 200
    body = await create(client, key="usd_off", name="$ off", category="amount")
    assert body["currency"] == "USD"


async def test_create_unit_type_with_everything(client: httpx.AsyncClient) -> None:
    body = await create(
        client,
        **FREE_SPINS,
        display_name="Free spins!",
        description="Spins on any slot",
        rounding="half_even",
        constraints={
            "min_value": 1,
            "max_value": "50",
            "per_customer": [
                {"window": "day", "max_value": 100, "max_grants": 3},
                {"window": "rolling_7d", "max_grants": 10},
            ],
            "valid_from": "2026-12-01T00:00:00Z",
            "valid_until": "2026-12-31T23:59:59+01:00",
            "grant_expires_after": "P30D",
        },
    )
    assert (body["category"], body["currency"], body["unit_name"], body["decimals"]) == (
        "unit",
        None,
        "spin",
        0,
    )
    assert (body["display_name"], body["description"], body["rounding"]) == (
        "Free spins!",
        "Spins on any slot",
        "half_even",
    )
    assert body["constraints"] == {
        "min_value": "1",
        "max_value": "50",
        "per_customer": [
            {"window": "day", "max_value": "100", "max_grants": 3},
            {"window": "rolling_7d", "max_value": None, "max_grants": 10},
        ],
        "valid_from": "2026-12-01T00:00:00Z",
        "valid_until": "2026-12-31T23:59:59+01:00",
        "grant_expires_after": "P30D",
    }


async def test_amounts_are_decimal_strings_never_floats(client: httpx.AsyncClient) -> None:
    body = await create(client, **EUR_BONUS, constraints={"min_value": 0.1, "max_value": "1E+2"})
    assert body["constraints"]["min_value"] == "0.1"
    assert body["constraints"]["max_value"] == "100"


@pytest.mark.parametrize(
    ("fields", "loc", "error_type"),
    [
        ({"key": "Bad-Key"}, ["body", "key"], "string_pattern_mismatch"),
        ({"key": "1abc"}, ["body", "key"], "string_pattern_mismatch"),
        ({"key": "a" * 65}, ["body", "key"], "string_too_long"),
        ({"name": ""}, ["body", "name"], "string_too_short"),
        ({"category": "money"}, ["body", "category"], "literal_error"),
        ({"currency": "EURO"}, ["body", "currency"], "invalid_currency"),
        ({"currency": "XYZ"}, ["body", "currency"], "invalid_currency"),
        ({"unit_name": "coin"}, ["body", "unit_name"], "not_allowed"),
        ({"decimals": 7}, ["body", "decimals"], "less_than_equal"),
        ({"decimals": -1}, ["body", "decimals"], "greater_than_equal"),
        ({"rounding": "nearest"}, ["body", "rounding"], "literal_error"),
        ({"colour": "red"}, ["body", "colour"], "extra_forbidden"),
        (
            {"constraints": {"min_value": "10", "max_value": "5"}},
            ["body", "constraints", "min_value"],
            "min_greater_than_max",
        ),
        (
            {"constraints": {"max_value": "1.005"}},
            ["body", "constraints", "max_value"],
            "too_many_decimals",
        ),
        (
            {"constraints": {"min_value": "-1"}},
            ["body", "constraints", "min_value"],
            "greater_than_equal",
        ),
        (
            {"constraints": {"max_value": "0"}},
            ["body", "constraints", "max_value"],
            "greater_than",
        ),
        (
            {"constraints": {"max_value": "NaN"}},
            ["body", "constraints", "max_value"],
            "finite_number",
        ),
        (
            {"constraints": {"max_value": "1e13"}},
            ["body", "constraints", "max_value"],
            "less_than",
        ),
        (
            {"constraints": {"per_customer": [{"window": "year", "max_grants": 1}]}},
            ["body", "constraints", "per_customer", 0, "window"],
            "literal_error",
        ),
        (
            {"constraints": {"per_customer": [{"window": "day", "max_grants": 0}]}},
            ["body", "constraints", "per_customer", 0, "max_grants"],
            "greater_than_equal",
        ),
        (
            {"constraints": {"per_customer": [{"window": "day", "max_value": "-5"}]}},
            ["body", "constraints", "per_customer", 0, "max_value"],
            "greater_than",
        ),
        (
            {"constraints": {"per_customer": [{"window": "day"}]}},
            ["body", "constraints", "per_customer", 0],
            "missing",
        ),
        (
            {
                "constraints": {
                    "per_customer": [
                        {"window": "week", "max_grants": 1},
                        {"window": "week", "max_grants": 2},
                    ]
                }
            },
            ["body", "constraints", "per_customer", 1, "window"],
            "duplicate_window",
        ),
        (
            {"constraints": {"per_customer": [{"window": "day", "max_value": "0.001"}]}},
            ["body", "constraints", "per_customer", 0, "max_value"],
            "too_many_decimals",
        ),
        (
            {
                "constraints": {
                    "valid_from": "2026-12-31T00:00:00Z",
                    "valid_until": "2026-12-01T00:00:00Z",
                }
            },
            ["body", "constraints", "valid_until"],
            "invalid_window",
        ),
        (
            {"constraints": {"valid_from": "2026-12-01T00:00:00"}},
            ["body", "constraints", "valid_from"],
            "timezone_aware",
        ),
        (
            {"constraints": {"grant_expires_after": "P1M"}},
            ["body", "constraints", "grant_expires_after"],
            "value_error",
        ),
        (
            {"constraints": {"grant_expires_after": "30 days"}},
            ["body", "constraints", "grant_expires_after"],
            "value_error",
        ),
        (
            {"constraints": {"surprise": 1}},
            ["body", "constraints", "surprise"],
            "extra_forbidden",
        ),
    ],
)
async def test_create_rejects_bad_field_and_names_it(
    client: httpx.AsyncClient, fields: dict[str, Any], loc: list[Any], error_type: str
) -> None:
    response = await client.post("/v1/reward-types", json={**EUR_BONUS, **fields})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    error = response.json()["errors"][0]
    assert (error["loc"], error["type"]) == (loc, error_type)
    assert (await client.get("/v1/reward-types")).json()["items"] == []


async def test_unit_type_refuses_a_currency(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/reward-types", json={**FREE_SPINS, "currency": "EUR"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "currency"]


async def test_unit_type_constraints_follow_its_decimals(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/reward-types", json={**FREE_SPINS, "constraints": {"max_value": "2.5"}}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "constraints", "max_value"]
    body = await create(
        client, **FREE_SPINS, decimals=1, constraints={"max_value": "2.5", "min_value": "2.50"}
    )
    assert body["constraints"]["max_value"] == "2.5"


async def test_duplicate_key_is_409(client: httpx.AsyncClient) -> None:
    await create(client, **EUR_BONUS)
    response = await client.post("/v1/reward-types", json={**EUR_BONUS, "name": "Other"})
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "reward_type_exists"
    assert problem["errors"][0]["loc"] == ["body", "key"]


async def test_same_key_in_two_tenants_is_fine(
    app: FastAPI, client: httpx.AsyncClient, database: Database
) -> None:
    other = await make_tenant(database, "Other")
    await create(client, **EUR_BONUS)
    async with make_client(app, other.admin_key) as other_client:
        await create(other_client, **EUR_BONUS)


async def test_create_is_idempotent_with_a_key(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "rt-1"}
    first = await client.post("/v1/reward-types", json=EUR_BONUS, headers=headers)
    again = await client.post("/v1/reward-types", json=EUR_BONUS, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"


# --- list ---------------------------------------------------------------------------------


async def test_pagination_has_no_gaps_or_duplicates(client: httpx.AsyncClient) -> None:
    keys = [f"type_{i}" for i in range(7)]
    for key in keys:
        await create(client, key=key, name=key, category="unit")
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/v1/reward-types", params=params)).json()
        seen += [item["key"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == keys
    assert pages == 3


async def test_list_filters_by_status(client: httpx.AsyncClient) -> None:
    await create(client, **EUR_BONUS)
    await create(client, **FREE_SPINS)
    assert (
        await client.patch("/v1/reward-types/free_spins", json={"status": "archived"})
    ).status_code == 200
    archived = (await client.get("/v1/reward-types", params={"status": "archived"})).json()
    active = (await client.get("/v1/reward-types", params={"status": "active"})).json()
    assert [i["key"] for i in archived["items"]] == ["free_spins"]
    assert [i["key"] for i in active["items"]] == ["eur_bonus"]
    bad = await client.get("/v1/reward-types", params={"status": "gone"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["query", "status"]


async def test_bad_cursor_and_limit_are_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/reward-types", params={"cursor": "not-a-cursor!"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "cursor"]
    response = await client.get("/v1/reward-types", params={"limit": 0})
    assert response.json()["errors"][0]["loc"] == ["query", "limit"]


# --- update -------------------------------------------------------------------------------


async def test_patch_updates_fields_and_is_audited(client: httpx.AsyncClient) -> None:
    await create(client, **EUR_BONUS)
    response = await client.patch(
        "/v1/reward-types/eur_bonus",
        json={
            "name": "Euro bonus",
            "display_name": "€ bonus",
            "description": "Cash bonus",
            "rounding": "half_up",
            "decimals": 3,
            "currency": "USD",
            "constraints": {"max_value": "9.999", "grant_expires_after": "PT12H"},
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["display_name"], body["description"]) == (
        "Euro bonus",
        "€ bonus",
        "Cash bonus",
    )
    assert (body["rounding"], body["decimals"], body["currency"]) == ("half_up", 3, "USD")
    assert body["constraints"]["max_value"] == "9.999"
    assert body["constraints"]["grant_expires_after"] == "PT12H"
    entries = (await client.get("/v1/audit-log", params={"action": "reward_type.update"})).json()[
        "items"
    ]
    assert len(entries) == 1
    assert (entries[0]["object_type"], entries[0]["object_id"]) == ("reward_type", "eur_bonus")
    assert entries[0]["before"]["decimals"] == 2
    assert entries[0]["after"]["decimals"] == 3
    assert entries[0]["after"]["currency"] == "USD"


async def test_patch_category_switch_resets_what_no_longer_applies(
    client: httpx.AsyncClient,
) -> None:
    await create(client, **EUR_BONUS)
    body = (
        await client.patch(
            "/v1/reward-types/eur_bonus", json={"category": "unit", "unit_name": "coin"}
        )
    ).json()
    assert (body["category"], body["currency"], body["unit_name"]) == ("unit", None, "coin")
    body = (await client.patch("/v1/reward-types/eur_bonus", json={"category": "amount"})).json()
    assert (body["category"], body["currency"], body["unit_name"]) == ("amount", "EUR", None)


@pytest.mark.parametrize(
    ("fields", "loc", "error_type"),
    [
        ({"name": None}, ["body", "name"], "null_not_allowed"),
        ({"decimals": None}, ["body", "decimals"], "null_not_allowed"),
        ({"currency": None}, ["body", "currency"], "missing"),
        ({"currency": "usd"}, ["body", "currency"], "invalid_currency"),
        ({"unit_name": "coin"}, ["body", "unit_name"], "not_allowed"),
        ({"status": "deleted"}, ["body", "status"], "literal_error"),
        ({"key": "renamed"}, ["body", "key"], "extra_forbidden"),
        ({"decimals": 0}, ["body", "decimals"], "constraints_mismatch"),
        (
            {"constraints": {"min_value": "2", "max_value": "1"}},
            ["body", "constraints", "min_value"],
            "min_greater_than_max",
        ),
    ],
)
async def test_patch_rejects_bad_field_and_changes_nothing(
    client: httpx.AsyncClient, fields: dict[str, Any], loc: list[Any], error_type: str
) -> None:
    before = await create(client, **EUR_BONUS, constraints={"max_value": "10.5"})
    response = await client.patch("/v1/reward-types/eur_bonus", json={"name": "X", **fields})
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert (error["loc"], error["type"]) == (loc, error_type)
    assert (await client.get("/v1/reward-types/eur_bonus")).json() == before


async def test_patch_unknown_type_is_404(client: httpx.AsyncClient) -> None:
    response = await client.patch("/v1/reward-types/nope", json={"name": "X"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_rescaling_a_used_type_is_409(
    client: httpx.AsyncClient, used_by_promotions: list[str]
) -> None:
    await create(client, **EUR_BONUS)
    used_by_promotions += ["Xmas", "Welcome"]
    for change in ({"decimals": 3}, {"currency": "USD"}, {"category": "unit"}):
        response = await client.patch("/v1/reward-types/eur_bonus", json=change)
        assert response.status_code == 409, response.text
        problem = response.json()
        assert problem["code"] == "reward_type_in_use"
        assert [c["id"] for c in problem["conflicts"]] == ["id-Welcome", "id-Xmas"]
        assert problem["errors"][0]["loc"][0:2] == ["body", next(iter(change))]
    # Harmless changes stay possible while in use.
    response = await client.patch(
        "/v1/reward-types/eur_bonus", json={"rounding": "up", "decimals": 2, "name": "New"}
    )
    assert response.status_code == 200
    assert response.json()["rounding"] == "up"


async def test_patch_status_archives_and_reactivates(client: httpx.AsyncClient) -> None:
    await create(client, **EUR_BONUS)
    archived = (
        await client.patch("/v1/reward-types/eur_bonus", json={"status": "archived"})
    ).json()
    assert archived["status"] == "archived"
    assert archived["archived_at"] is not None
    active = (await client.patch("/v1/reward-types/eur_bonus", json={"status": "active"})).json()
    assert (active["status"], active["archived_at"]) == ("active", None)


# --- delete -------------------------------------------------------------------------------


async def test_delete_unused_type_removes_it(client: httpx.AsyncClient) -> None:
    await create(client, **EUR_BONUS)
    assert (
        await client.put(
            "/v1/reward-types/eur_bonus/image", content=PNG, headers={"Content-Type": "image/png"}
        )
    ).status_code == 200
    response = await client.delete("/v1/reward-types/eur_bonus")
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get("/v1/reward-types/eur_bonus")).status_code == 404
    assert (await client.get("/v1/reward-types/eur_bonus/image")).status_code == 404
    entries = (await client.get("/v1/audit-log", params={"action": "reward_type.delete"})).json()[
        "items"
    ]
    assert len(entries) == 1
    assert entries[0]["before"]["key"] == "eur_bonus"
    assert entries[0]["after"] is None
    # The key is free again.
    await create(client, **EUR_BONUS)


async def test_delete_used_type_archives_it(
    client: httpx.AsyncClient, used_by_promotions: list[str]
) -> None:
    await create(client, **EUR_BONUS)
    used_by_promotions.append("Xmas")
    response = await client.delete("/v1/reward-types/eur_bonus")
    assert response.status_code == 204
    body = (await client.get("/v1/reward-types/eur_bonus")).json()
    assert body["status"] == "archived"
    assert body["archived_at"] is not None
    entries = (await client.get("/v1/audit-log", params={"action": "reward_type.archive"})).json()[
        "items"
    ]
    assert len(entries) == 1
    assert entries[0]["before"]["status"] == "active"
    assert entries[0]["after"]["status"] == "archived"
    assert entries[0]["after"]["used_by"] == ["Xmas"]
    # Deleting again keeps it archived and writes no second entry.
    assert (await client.delete("/v1/reward-types/eur_bonus")).status_code == 204
    assert (await client.get("/v1/reward-types/eur_bonus")).json()["status"] == "archived"
    again = (await client.get("/v1/audit-log", params={"action": "reward_type.archive"})).json()[
        "items"
    ]
    assert len(again) == 1


async def test_delete_unknown_is_404(client: httpx.AsyncClient) -> None:
    assert (await client.delete("/v1/reward-types/nope")).status_code == 404


# --- image --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "data"),
    [("image/png", PNG), ("image/jpeg", JPEG), ("image/webp", WEBP), ("image/png; q=1", PNG)],
)
async def test_image_upload_and_download(
    client: httpx.AsyncClient, content_type: str, data: bytes
) -> None:
    await create(client, **EUR_BONUS)
    response = await client.put(
        "/v1/reward-types/eur_bonus/image", content=data, headers={"Content-Type": content_type}
    )
    assert response.status_code == 200, response.text
    assert response.json()["image_url"] == "/v1/reward-types/eur_bonus/image"
    assert (await client.get("/v1/reward-types/eur_bonus")).json()["image_url"] == (
        "/v1/reward-types/eur_bonus/image"
    )
    image = await client.get("/v1/reward-types/eur_bonus/image")
    assert image.status_code == 200
    assert image.content == data
    assert image.headers["content-type"] == content_type.split(";")[0]
    assert image.headers["x-content-type-options"] == "nosniff"
    cached = await client.get(
        "/v1/reward-types/eur_bonus/image", headers={"If-None-Match": image.headers["etag"]}
    )
    assert cached.status_code == 304
    assert cached.content == b""


async def test_image_replace_is_audited(client: httpx.AsyncClient) -> None:
    await create(client, **EUR_BONUS)
    for content_type, data in (("image/png", PNG), ("image/jpeg", JPEG)):
        response = await client.put(
            "/v1/reward-types/eur_bonus/image",
            content=data,
            headers={"Content-Type": content_type},
        )
        assert response.status_code == 200
    image = await client.get("/v1/reward-types/eur_bonus/image")
    assert (image.headers["content-type"], image.content) == ("image/jpeg", JPEG)
    entries = (
        await client.get("/v1/audit-log", params={"action": "reward_type.image_upload"})
    ).json()["items"]
    assert len(entries) == 2
    newest = entries[0]
    assert newest["before"]["content_type"] == "image/png"
    assert newest["after"] == {
        "content_type": "image/jpeg",
        "size": len(JPEG),
        "sha256": image.headers["etag"].strip('"'),
    }


async def test_image_missing_is_404(client: httpx.AsyncClient) -> None:
    await create(client, **EUR_BONUS)
    response = await client.get("/v1/reward-types/eur_bonus/image")
    assert response.status_code == 404
    assert "no image" in response.json()["detail"]
    assert (await client.get("/v1/reward-types/nope/image")).status_code == 404
    upload = await client.put(
        "/v1/reward-types/nope/image", content=PNG, headers={"Content-Type": "image/png"}
    )
    assert upload.status_code == 404


@pytest.mark.parametrize(
    ("content_type", "data", "status", "needle"),
    [
        ("image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>", 415, "SVG"),
        ("image/gif", b"GIF89a" + b"\x00" * 20, 415, "image/gif"),
        ("text/plain", b"hello", 415, "text/plain"),
        ("image/png", JPEG, 422, "looks like image/jpeg"),
        ("image/jpeg", b"not an image at all", 422, "is not a PNG, JPEG or WebP"),
        ("image/webp", b"RIFF\x00\x00\x00\x00WAVE", 422, "is not a PNG, JPEG or WebP"),
        ("image/png", b"", 422, "empty"),
    ],
)
async def test_image_bad_type_or_bytes(
    client: httpx.AsyncClient, content_type: str, data: bytes, status: int, needle: str
) -> None:
    await create(client, **EUR_BONUS)
    response = await client.put(
        "/v1/reward-types/eur_bonus/image", content=data, headers={"Content-Type": content_type}
    )
    assert response.status_code == status, response.text
    problem = response.json()
    assert needle in problem["detail"]
    expected_loc = ["header", "Content-Type"] if status == 415 else ["body"]
    assert problem["errors"][0]["loc"] == expected_loc
    assert (await client.get("/v1/reward-types/eur_bonus")).json()["image_url"] is None


async def test_image_too_large_is_413(client: httpx.AsyncClient) -> None:
    await create(client, **EUR_BONUS)
    limit = get_settings().max_image_bytes
    too_big = PNG + b"\x00" * (limit - len(PNG) + 1)
    response = await client.put(
        "/v1/reward-types/eur_bonus/image", content=too_big, headers={"Content-Type": "image/png"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: streamed and counted
        for start in range(0, len(too_big), 65536):
            yield too_big[start : start + 65536]

    streamed = await client.put(
        "/v1/reward-types/eur_bonus/image", content=chunks(), headers={"Content-Type": "image/png"}
    )
    assert streamed.status_code == 413
    exactly = PNG + b"\x00" * (limit - len(PNG))
    ok = await client.put(
        "/v1/reward-types/eur_bonus/image", content=exactly, headers={"Content-Type": "image/png"}
    )
    assert ok.status_code == 200


# --- auth and tenancy ---------------------------------------------------------------------


async def test_no_key_is_401(anon_client: httpx.AsyncClient) -> None:
    for method, path in (
        ("GET", "/v1/reward-types"),
        ("POST", "/v1/reward-types"),
        ("GET", "/v1/reward-types/x"),
        ("PATCH", "/v1/reward-types/x"),
        ("DELETE", "/v1/reward-types/x"),
        ("GET", "/v1/reward-types/x/image"),
        ("PUT", "/v1/reward-types/x/image"),
    ):
        response = await anon_client.request(method, path, json={} if method != "GET" else None)
        assert response.status_code == 401, (method, path)


@pytest.mark.parametrize("role", ["read_only", "integration"])
async def test_non_admin_keys_read_but_cannot_write(
    app: FastAPI, client: httpx.AsyncClient, role: str
) -> None:
    await create(client, **EUR_BONUS)
    await client.put(
        "/v1/reward-types/eur_bonus/image", content=PNG, headers={"Content-Type": "image/png"}
    )
    key = await key_with_role(client, role)
    async with make_client(app, key) as limited:
        assert (await limited.get("/v1/reward-types")).status_code == 200
        assert (await limited.get("/v1/reward-types/eur_bonus")).status_code == 200
        assert (await limited.get("/v1/reward-types/eur_bonus/image")).status_code == 200
        for response in (
            await limited.post("/v1/reward-types", json=FREE_SPINS),
            await limited.patch("/v1/reward-types/eur_bonus", json={"name": "X"}),
            await limited.delete("/v1/reward-types/eur_bonus"),
            await limited.put(
                "/v1/reward-types/eur_bonus/image",
                content=PNG,
                headers={"Content-Type": "image/png"},
            ),
        ):
            assert response.status_code == 403
            assert response.json()["code"] == "insufficient_role"
    assert (await client.get("/v1/reward-types/eur_bonus")).json()["name"] == "EUR bonus"


async def test_other_tenants_types_are_404(
    app: FastAPI, client: httpx.AsyncClient, database: Database
) -> None:
    await create(client, **EUR_BONUS)
    await client.put(
        "/v1/reward-types/eur_bonus/image", content=PNG, headers={"Content-Type": "image/png"}
    )
    other = await make_tenant(database, "Other")
    async with make_client(app, other.admin_key) as stranger:
        assert (await stranger.get("/v1/reward-types")).json()["items"] == []
        assert (await stranger.get("/v1/reward-types/eur_bonus")).status_code == 404
        assert (await stranger.get("/v1/reward-types/eur_bonus/image")).status_code == 404
        assert (
            await stranger.patch("/v1/reward-types/eur_bonus", json={"name": "Mine"})
        ).status_code == 404
        assert (await stranger.delete("/v1/reward-types/eur_bonus")).status_code == 404
        assert (
            await stranger.put(
                "/v1/reward-types/eur_bonus/image",
                content=JPEG,
                headers={"Content-Type": "image/jpeg"},
            )
        ).status_code == 404
    body = (await client.get("/v1/reward-types/eur_bonus")).json()
    assert (body["name"], body["status"]) == ("EUR bonus", "active")
    assert (await client.get("/v1/reward-types/eur_bonus/image")).content == PNG
