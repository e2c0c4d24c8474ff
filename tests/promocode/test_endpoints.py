from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from openpromo.db import Database
from openpromo.models import Promocode, PromocodeValue
from tests.conftest import TenantFixture, key_with_role, make_client, make_tenant
from tests.promocode.conftest import create_promocode, upload


async def create_promotion(client: httpx.AsyncClient, name: str = "Promo") -> str:
    response = await client.post("/v1/promotions", json={"name": name})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def create_campaign(client: httpx.AsyncClient, name: str = "Campaign") -> str:
    response = await client.post("/v1/campaigns", json={"name": name})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def audit_actions(client: httpx.AsyncClient, object_id: str) -> list[str]:
    response = await client.get("/v1/audit-log", params={"object_id": object_id, "limit": 200})
    return [entry["action"] for entry in reversed(response.json()["items"])]


# -- create -----------------------------------------------------------------------------------


async def test_create_shared_promocode_with_defaults(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/promocodes", json={"name": "Welcome", "type": "shared", "value": "Welcome10"}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Welcome"
    assert body["type"] == "shared"
    assert body["value"] == "Welcome10"
    assert body["promotion_id"] is None
    assert body["hidden"] is False
    assert body["once_per_customer"] is True
    assert body["max_redemptions"] is None
    assert body["fallback_value"] is None
    assert body["redemptions_count"] == 0
    assert body["campaign_ids"] == []
    assert body["counts"] == {"values": 1, "available": 1, "allocated": 0, "redeemed": 0}
    assert (await client.get(f"/v1/promocodes/{body['id']}")).json() == body


async def test_create_shared_with_options_and_single_use_and_bulk(
    client: httpx.AsyncClient,
) -> None:
    shared = await create_promocode(
        client,
        type="shared",
        value="SHARED-1",
        once_per_customer=False,
        max_redemptions=500,
        hidden=True,
    )
    assert (shared["once_per_customer"], shared["max_redemptions"], shared["hidden"]) == (
        False,
        500,
        True,
    )
    single = await create_promocode(client, type="single_use", value="ONCE-1")
    assert (single["value"], single["max_redemptions"]) == ("ONCE-1", 1)
    bulk = await create_promocode(client, type="bulk", fallback_value="SORRY-5")
    assert (bulk["value"], bulk["fallback_value"]) == (None, "SORRY-5")
    assert bulk["counts"] == {"values": 0, "available": 0, "allocated": 0, "redeemed": 0}


@pytest.mark.parametrize(
    ("body", "loc", "error_type"),
    [
        ({"type": "shared"}, ["body", "value"], "missing"),
        ({"type": "single_use"}, ["body", "value"], "missing"),
        ({"type": "bulk", "value": "ABC"}, ["body", "value"], "not_applicable"),
        ({"type": "bulk", "max_redemptions": 5}, ["body", "max_redemptions"], "not_applicable"),
        (
            {"type": "bulk", "once_per_customer": False},
            ["body", "once_per_customer"],
            "not_applicable",
        ),
        (
            {"type": "single_use", "value": "A", "max_redemptions": 3},
            ["body", "max_redemptions"],
            "not_applicable",
        ),
        (
            {"type": "shared", "value": "A", "fallback_value": "B"},
            ["body", "fallback_value"],
            "not_applicable",
        ),
        ({"type": "shared", "value": "has space"}, ["body", "value"], "string_pattern_mismatch"),
        ({"type": "shared", "value": "A" * 65}, ["body", "value"], "string_too_long"),
        (
            {"type": "shared", "value": "A", "max_redemptions": 0},
            ["body", "max_redemptions"],
            "greater_than_equal",
        ),
        ({"type": "coupon", "value": "A"}, ["body", "type"], "literal_error"),
        ({"type": "bulk", "name": ""}, ["body", "name"], "string_too_short"),
        ({"type": "bulk", "colour": "red"}, ["body", "colour"], "extra_forbidden"),
    ],
)
async def test_create_validation_errors_name_the_field(
    client: httpx.AsyncClient, body: dict[str, Any], loc: list[str], error_type: str
) -> None:
    body.setdefault("name", "X")
    response = await client.post("/v1/promocodes", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == loc
    assert response.json()["errors"][0]["type"] == error_type


async def test_value_is_unique_in_the_tenant_case_insensitively(
    client: httpx.AsyncClient,
) -> None:
    first = await create_promocode(client, type="shared", value="Summer")
    response = await client.post(
        "/v1/promocodes", json={"name": "Other", "type": "single_use", "value": "SUMMER"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "value_taken"
    assert first["id"] in response.json()["detail"]
    assert response.json()["errors"][0]["loc"] == ["body", "value"]
    # Nothing half-created.
    listed = (await client.get("/v1/promocodes", params={"include_hidden": "true"})).json()
    assert [p["id"] for p in listed["items"]] == [first["id"]]


async def test_same_value_in_another_tenant_is_fine(
    app: FastAPI, client: httpx.AsyncClient, database: Database
) -> None:
    await create_promocode(client, type="shared", value="SAMEVALUE")
    other = await make_tenant(database)
    async with make_client(app, other.admin_key) as other_client:
        await create_promocode(other_client, type="shared", value="samevalue")


async def test_create_with_promotion_checks_it(client: httpx.AsyncClient) -> None:
    promotion_id = await create_promotion(client)
    code = await create_promocode(client, type="shared", value="P1", promotion_id=promotion_id)
    assert code["promotion_id"] == promotion_id
    response = await client.post(
        "/v1/promocodes",
        json={"name": "X", "type": "shared", "value": "P2", "promotion_id": "nope"},
    )
    _assert_unknown_promotion(response, "nope")
    # nothing stored: the value is still free
    assert (await client.get("/v1/promocodes", params={"q": "P2"})).json()["items"] == []


def _assert_unknown_promotion(response: httpx.Response, promotion_id: str) -> None:
    """A promotion named in the body that the tenant does not have: 422 on the field, not 404
    (a 404 would say the request's target does not exist, docs/promocodes.md)."""
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "validation_error", problem
    assert problem["errors"] == [
        {
            "loc": ["body", "promotion_id"],
            "msg": f"promotion {promotion_id!r} does not exist",
            "type": "unknown_promotion",
        }
    ]


# -- get / list -------------------------------------------------------------------------------


async def test_other_tenants_promocode_is_not_found(
    app: FastAPI, client: httpx.AsyncClient, database: Database
) -> None:
    code = await create_promocode(client, type="shared", value="MINE-1")
    other = await make_tenant(database)
    async with make_client(app, other.admin_key) as other_client:
        paths = [
            ("GET", f"/v1/promocodes/{code['id']}", None),
            ("PATCH", f"/v1/promocodes/{code['id']}", {"name": "stolen"}),
            ("PUT", f"/v1/promocodes/{code['id']}/type", {"type": "bulk"}),
            ("POST", f"/v1/promocodes/{code['id']}/hide", None),
            ("POST", f"/v1/promocodes/{code['id']}/show", None),
            ("DELETE", f"/v1/promocodes/{code['id']}/promotion", None),
            ("GET", f"/v1/promocodes/{code['id']}/values", None),
            ("POST", f"/v1/promocodes/{code['id']}/values/generate", {"count": 1}),
        ]
        for method, path, body in paths:
            response = await other_client.request(method, path, json=body)
            assert response.status_code == 404, (method, path, response.text)
        response = await upload(other_client, code["id"], b"A\n")
        assert response.status_code == 404
        listed = await other_client.get("/v1/promocodes", params={"include_hidden": "true"})
        assert listed.json()["items"] == []
        assert (await other_client.get("/v1/promocodes", params={"q": "MINE-1"})).json()[
            "items"
        ] == []
    assert (await client.get(f"/v1/promocodes/{code['id']}")).json()["name"] == "Code"


async def test_unknown_promocode_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/promocodes/does-not-exist")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_list_filters(client: httpx.AsyncClient) -> None:
    promotion_id = await create_promotion(client)
    campaign_id = await create_campaign(client)
    shared = await create_promocode(
        client, name="Summer sale", type="shared", value="SUN-1", promotion_id=promotion_id
    )
    single = await create_promocode(client, name="VIP gift", type="single_use", value="VIP-77")
    bulk = await create_promocode(client, name="Mailing", type="bulk")
    hidden = await create_promocode(client, name="Hidden", type="shared", value="HID", hidden=True)
    await client.put(f"/v1/promocodes/{bulk['id']}/campaigns/{campaign_id}")

    async def ids(**params: Any) -> list[str]:
        response = await client.get("/v1/promocodes", params=params)
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["items"]]

    assert await ids() == [shared["id"], single["id"], bulk["id"]]
    assert await ids(include_hidden="true") == [
        shared["id"],
        single["id"],
        bulk["id"],
        hidden["id"],
    ]
    assert await ids(hidden="true") == [hidden["id"]]
    assert await ids(hidden="false", include_hidden="true") == [
        shared["id"],
        single["id"],
        bulk["id"],
    ]
    assert await ids(type="single_use") == [single["id"]]
    assert await ids(promotion_id=promotion_id) == [shared["id"]]
    assert await ids(campaign_id=campaign_id) == [bulk["id"]]
    assert await ids(q="vip-77") == [single["id"]]  # a value, any case
    assert await ids(q="vip") == [single["id"]]  # part of a name
    assert await ids(q="sale") == [shared["id"]]
    assert await ids(q="SUN") == []  # values match whole
    assert await ids(q="hid") == []  # hidden stays hidden
    assert await ids(q="hid", include_hidden="true") == [hidden["id"]]
    assert await ids(q="%") == []


async def test_list_pagination_and_counts(client: httpx.AsyncClient) -> None:
    created = [await create_promocode(client, name=f"B{i}", type="bulk") for i in range(5)]
    await upload(client, created[0]["id"], b"P1\nP2\nP3\n")
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/v1/promocodes", params=params)).json()
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [p["id"] for p in seen] == [p["id"] for p in created]
    assert seen[0]["counts"] == {"values": 3, "available": 3, "allocated": 0, "redeemed": 0}
    assert seen[1]["counts"]["values"] == 0


# -- roles ------------------------------------------------------------------------------------


async def test_roles(
    app: FastAPI, client: httpx.AsyncClient, anon_client: httpx.AsyncClient
) -> None:
    code = await create_promocode(client, type="bulk")
    assert (await anon_client.get("/v1/promocodes")).status_code == 401
    assert (await anon_client.get(f"/v1/promocodes/{code['id']}")).status_code == 401
    for role in ("read_only", "integration"):
        key = await key_with_role(client, role)
        async with make_client(app, key) as limited:
            assert (await limited.get("/v1/promocodes")).status_code == 200
            assert (await limited.get(f"/v1/promocodes/{code['id']}")).status_code == 200
            assert (await limited.get(f"/v1/promocodes/{code['id']}/values")).status_code == 200
            writes = [
                ("POST", "/v1/promocodes", {"name": "x", "type": "bulk"}),
                ("PATCH", f"/v1/promocodes/{code['id']}", {"name": "x"}),
                ("PUT", f"/v1/promocodes/{code['id']}/type", {"type": "shared"}),
                ("POST", f"/v1/promocodes/{code['id']}/hide", None),
                ("POST", f"/v1/promocodes/{code['id']}/values/generate", {"count": 1}),
            ]
            for method, path, body in writes:
                response = await limited.request(method, path, json=body)
                assert response.status_code == 403, (role, method, path)
                assert response.json()["code"] == "insufficient_role"
            assert (await upload(limited, code["id"], b"A\n")).status_code == 403


# -- update -----------------------------------------------------------------------------------


async def test_patch_shared_fields_and_audit(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client, type="shared", value="PATCH-1")
    response = await client.patch(
        f"/v1/promocodes/{code['id']}",
        json={"name": "Renamed", "once_per_customer": False, "max_redemptions": 10},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["once_per_customer"], body["max_redemptions"]) == (
        "Renamed",
        False,
        10,
    )
    response = await client.patch(f"/v1/promocodes/{code['id']}", json={"max_redemptions": None})
    assert response.json()["max_redemptions"] is None
    entries = (
        await client.get(
            "/v1/audit-log", params={"object_id": code["id"], "action": "promocode.update"}
        )
    ).json()["items"]
    assert len(entries) == 2
    oldest = entries[-1]
    assert oldest["before"]["name"] == "Code"
    assert oldest["after"]["name"] == "Renamed"
    assert oldest["after"]["max_redemptions"] == 10


@pytest.mark.parametrize(
    ("type_", "field", "value"),
    [
        ("bulk", "max_redemptions", 3),
        ("bulk", "once_per_customer", False),
        ("single_use", "max_redemptions", 3),
        ("single_use", "fallback_value", "FB"),
        ("shared", "fallback_value", "FB"),
    ],
)
async def test_patch_refuses_fields_not_applicable_to_the_type(
    client: httpx.AsyncClient, type_: str, field: str, value: Any
) -> None:
    body: dict[str, Any] = {"type": type_}
    if type_ != "bulk":
        body["value"] = f"NA-{type_}-{field}"
    code = await create_promocode(client, **body)
    response = await client.patch(f"/v1/promocodes/{code['id']}", json={field: value})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", field]
    assert response.json()["errors"][0]["type"] == "not_applicable"


async def test_patch_bulk_fallback_and_null_name_refused(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client, type="bulk")
    response = await client.patch(f"/v1/promocodes/{code['id']}", json={"fallback_value": "FB-1"})
    assert response.json()["fallback_value"] == "FB-1"
    response = await client.patch(f"/v1/promocodes/{code['id']}", json={"name": None})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "name"]


async def test_max_redemptions_cannot_go_below_redemptions_made(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    code = await create_promocode(client, type="shared", value="RED-1")
    async with database.unit_of_work() as session:
        await session.execute(
            update(Promocode).where(Promocode.id == code["id"]).values(redemptions_count=5)
        )
    response = await client.patch(f"/v1/promocodes/{code['id']}", json={"max_redemptions": 4})
    assert response.status_code == 409
    assert response.json()["code"] == "max_redemptions_below_use"
    response = await client.patch(f"/v1/promocodes/{code['id']}", json={"max_redemptions": 5})
    assert response.status_code == 200


# -- type -------------------------------------------------------------------------------------


async def test_type_changes_while_unused(client: httpx.AsyncClient) -> None:
    code = await create_promocode(
        client, type="shared", value="TYPE-1", once_per_customer=False, max_redemptions=9
    )
    url = f"/v1/promocodes/{code['id']}/type"
    body = (await client.put(url, json={"type": "single_use"})).json()
    assert (body["type"], body["max_redemptions"], body["once_per_customer"]) == (
        "single_use",
        1,
        True,
    )
    body = (await client.put(url, json={"type": "bulk"})).json()
    assert (body["type"], body["max_redemptions"], body["value"]) == ("bulk", None, None)
    assert body["counts"]["values"] == 1
    body = (await client.put(url, json={"type": "shared"})).json()
    assert (body["type"], body["value"], body["max_redemptions"]) == ("shared", "TYPE-1", None)
    assert await audit_actions(client, code["id"]) == [
        "promocode.create",
        "promocode.set_type",
        "promocode.set_type",
        "promocode.set_type",
    ]


async def test_type_change_refused_when_values_do_not_fit(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client, type="bulk")
    url = f"/v1/promocodes/{code['id']}/type"
    response = await client.put(url, json={"type": "shared"})
    assert response.status_code == 409
    assert response.json()["code"] == "values_do_not_fit"
    assert (
        response.json()["detail"] == "a shared promocode has exactly one value and this one has 0"
    )
    await upload(client, code["id"], b"V1\nV2\n")
    response = await client.put(url, json={"type": "single_use"})
    assert response.status_code == 409
    assert "has 2" in response.json()["detail"]
    assert (await client.get(f"/v1/promocodes/{code['id']}")).json()["type"] == "bulk"


async def test_type_change_refused_once_used(client: httpx.AsyncClient, database: Database) -> None:
    shared = await create_promocode(client, type="shared", value="USED-1")
    async with database.unit_of_work() as session:
        await session.execute(
            update(Promocode).where(Promocode.id == shared["id"]).values(redemptions_count=1)
        )
    response = await client.put(f"/v1/promocodes/{shared['id']}/type", json={"type": "bulk"})
    assert response.status_code == 409
    assert response.json()["code"] == "promocode_in_use"
    assert "1 redemptions" in response.json()["detail"]

    bulk = await create_promocode(client, type="bulk")
    await upload(client, bulk["id"], b"ONLY-ONE\n")
    async with database.unit_of_work() as session:
        await session.execute(
            update(PromocodeValue)
            .where(PromocodeValue.promocode_id == bulk["id"])
            .values(status="allocated", customer_id="c-1")
        )
    response = await client.put(f"/v1/promocodes/{bulk['id']}/type", json={"type": "shared"})
    assert response.status_code == 409
    assert response.json()["code"] == "promocode_in_use"
    assert "1 values allocated or redeemed" in response.json()["detail"]


async def test_same_type_is_a_no_op(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client, type="bulk")
    response = await client.put(f"/v1/promocodes/{code['id']}/type", json={"type": "bulk"})
    assert response.status_code == 200
    assert await audit_actions(client, code["id"]) == ["promocode.create"]


# -- promotion --------------------------------------------------------------------------------


async def test_assign_and_unassign_promotion(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client, type="bulk")
    first = await create_promotion(client, "First")
    second = await create_promotion(client, "Second")
    url = f"/v1/promocodes/{code['id']}/promotion"
    response = await client.put(url, json={"promotion_id": first})
    assert response.status_code == 200
    assert response.json()["promotion_id"] == first
    response = await client.put(url, json={"promotion_id": second})
    assert response.json()["promotion_id"] == second
    response = await client.delete(url)
    assert response.status_code == 204
    assert (await client.get(f"/v1/promocodes/{code['id']}")).json()["promotion_id"] is None
    entries = (
        await client.get("/v1/audit-log", params={"object_id": code["id"], "limit": 10})
    ).json()["items"]
    assert [e["action"] for e in entries] == [
        "promocode.unassign",
        "promocode.assign",
        "promocode.assign",
        "promocode.create",
    ]
    assert entries[1]["before"]["promotion_id"] == first
    assert entries[1]["after"]["promotion_id"] == second


async def test_assign_refuses_unknown_other_tenants_and_archived_promotions(
    app: FastAPI, client: httpx.AsyncClient, database: Database
) -> None:
    code = await create_promocode(client, type="bulk")
    url = f"/v1/promocodes/{code['id']}/promotion"
    _assert_unknown_promotion(await client.put(url, json={"promotion_id": "missing"}), "missing")
    _assert_unknown_promotion(await client.put(url, json={"promotion_id": ""}), "")
    other = await make_tenant(database)
    async with make_client(app, other.admin_key) as other_client:
        foreign = await create_promotion(other_client)
    # another tenant's promotion: the same answer as an unknown one (nothing leaks)
    _assert_unknown_promotion(await client.put(url, json={"promotion_id": foreign}), foreign)
    # the promocode itself is found and untouched; an unknown promocode is still 404
    after = await client.get(f"/v1/promocodes/{code['id']}")
    assert after.status_code == 200 and after.json()["promotion_id"] is None
    entries = (await client.get("/v1/audit-log", params={"object_id": code["id"]})).json()
    assert [e["action"] for e in entries["items"]] == ["promocode.create"]
    unknown = await client.put("/v1/promocodes/missing/promotion", json={"promotion_id": foreign})
    assert unknown.status_code == 404
    archived = await create_promotion(client, "Old")
    assert (await client.post(f"/v1/promotions/{archived}/archive")).status_code == 200
    response = await client.put(url, json={"promotion_id": archived})
    assert response.status_code == 409
    assert response.json()["code"] == "promotion_archived"
    response = await client.put(url, json={})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "promotion_id"]


# -- campaigns --------------------------------------------------------------------------------


async def test_link_and_unlink_campaigns(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client, type="bulk")
    first = await create_campaign(client, "First")
    second = await create_campaign(client, "Second")
    for campaign_id in (first, second, first):
        response = await client.put(f"/v1/promocodes/{code['id']}/campaigns/{campaign_id}")
        assert response.status_code == 200
    assert response.json()["campaign_ids"] == sorted([first, second])
    response = await client.delete(f"/v1/promocodes/{code['id']}/campaigns/{first}")
    assert response.status_code == 204
    assert (await client.get(f"/v1/promocodes/{code['id']}")).json()["campaign_ids"] == [second]
    # Idempotent unlink; unknown campaign 404.
    response = await client.delete(f"/v1/promocodes/{code['id']}/campaigns/{first}")
    assert response.status_code == 204
    response = await client.put(f"/v1/promocodes/{code['id']}/campaigns/missing")
    assert response.status_code == 404
    assert await audit_actions(client, code["id"]) == [
        "promocode.create",
        "promocode.link_campaign",
        "promocode.link_campaign",
        "promocode.unlink_campaign",
    ]


async def test_service_interfaces_for_validation(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    from openpromo.promocode.service import promocode_service

    code = await create_promocode(client, type="shared", value="Resolve-Me")
    campaign_id = await create_campaign(client)
    await client.put(f"/v1/promocodes/{code['id']}/campaigns/{campaign_id}")
    async with database.unit_of_work(write=False) as session:
        resolved = await promocode_service.resolve_value(session, tenant.id, "RESOLVE-me")
        assert resolved is not None
        assert resolved[0].id == code["id"]
        assert resolved[1].value == "Resolve-Me"
        assert resolved[1].status == "available"
        assert await promocode_service.resolve_value(session, tenant.id, "nope") is None
        assert await promocode_service.resolve_value(session, "other-tenant", "Resolve-Me") is None
        assert await promocode_service.campaign_ids(session, tenant.id, code["id"]) == [campaign_id]
        got = await promocode_service.get(session, tenant.principal, code["id"])
        assert got.type == "shared"


# -- visibility -------------------------------------------------------------------------------


async def test_hide_and_show(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client, type="shared", value="PEEK")
    response = await client.post(f"/v1/promocodes/{code['id']}/hide")
    assert response.status_code == 200
    assert response.json()["hidden"] is True
    assert (await client.get("/v1/promocodes")).json()["items"] == []
    assert (await client.get(f"/v1/promocodes/{code['id']}")).json()["hidden"] is True
    response = await client.post(f"/v1/promocodes/{code['id']}/hide")
    assert response.status_code == 200
    response = await client.post(f"/v1/promocodes/{code['id']}/show")
    assert response.json()["hidden"] is False
    assert [p["id"] for p in (await client.get("/v1/promocodes")).json()["items"]] == [code["id"]]
    assert await audit_actions(client, code["id"]) == [
        "promocode.create",
        "promocode.hide",
        "promocode.show",
    ]


async def test_create_is_idempotent_with_a_key(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "create-promocode-1"}
    body = {"name": "Once", "type": "shared", "value": "IDEM-1"}
    first = await client.post("/v1/promocodes", json=body, headers=headers)
    second = await client.post("/v1/promocodes", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"


async def test_max_redemptions_over_the_column_is_422_not_500(client: httpx.AsyncClient) -> None:
    """A count past the 32-bit column was a 500 on PostgreSQL (docs/api-conformance.md)."""
    body = {"name": "Big", "type": "shared", "value": "BIG1", "max_redemptions": 2**31}
    created = await client.post("/v1/promocodes", json=body)
    assert created.status_code == 422, created.text
    assert created.json()["errors"][0]["loc"] == ["body", "max_redemptions"]
    assert (await client.get("/v1/promocodes")).json()["items"] == []
    ok = await client.post("/v1/promocodes", json={**body, "max_redemptions": 2**31 - 1})
    assert ok.status_code == 201, ok.text
    patched = await client.patch(
        f"/v1/promocodes/{ok.json()['id']}", json={"max_redemptions": 10**20}
    )
    assert patched.status_code == 422, patched.text
    assert patched.json()["errors"][0]["loc"] == ["body", "max_redemptions"]
