from __future__ import annotations

from typing import Any

import httpx

from openpromo.db import Database
from tests.conftest import TenantFixture, key_with_role, make_client
from tests.validation.factory import ctx, setup_world


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def codes(result: dict[str, Any]) -> list[str]:
    return [r["code"] for r in result["reasons"]]


def promo_path(world: Any) -> str:
    return f"/v1/promotions/{world.promotion_id}/validate-customers"


def code_path(world: Any) -> str:
    return f"/v1/promocodes/{world.promocode_id}/validate-customers"


async def test_commit_writes_grants_and_reference_is_idempotent(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    body = {"contexts": [ctx("c-1", "100", reference="order-1")], "commit": True}
    out = await post(client, promo_path(world), body)
    result = out["results"][0]
    assert result["eligible"] is True
    assert len(result["grant_ids"]) == 2
    again = await post(client, promo_path(world), body)
    assert again["results"][0]["grant_ids"] == result["grant_ids"]
    assert again["results"][0]["rewards"] == [
        {"reward_type": "spins", "value": "20"},
        {"reward_type": "eur", "value": "10.00"},
    ]
    grants = (await client.get("/v1/grants", params={"promotion_id": world.promotion_id})).json()
    assert [g["value"] for g in grants["items"]] == ["20", "10.00"]
    assert grants["items"][0]["reference"] == "order-1"
    assert grants["items"][0]["promotion_version"] == 1
    one = (await client.get(f"/v1/grants/{result['grant_ids'][1]}")).json()
    assert one["reward_type"] == "eur" and one["status"] == "granted"


async def test_dry_run_has_no_side_effect(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database, tenant.id, budgets={"audience_caps": [{"window": "day", "limit": 1}]}
    )
    for _ in range(2):
        out = await post(client, promo_path(world), {"contexts": [ctx("c-1"), ctx("c-2")]})
        assert [r["eligible"] for r in out["results"]].count(True) == 1
    grants = (await client.get("/v1/grants", params={"promotion_id": world.promotion_id})).json()
    assert grants["items"] == []


async def test_audience_cap_counts_distinct_customers(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database, tenant.id, budgets={"audience_caps": [{"window": "day", "limit": 2}]}
    )
    out = await post(
        client,
        promo_path(world),
        {"contexts": [ctx("a"), ctx("a"), ctx("b")], "commit": True},
    )
    assert [r["eligible"] for r in out["results"]] == [True, True, True]
    out = await post(client, promo_path(world), {"contexts": [ctx("c"), ctx("b")], "commit": True})
    assert [r["eligible"] for r in out["results"]] == [False, True]
    assert codes(out["results"][0]) == ["audience_cap_reached"]
    stats = (await client.get(f"/v1/promotions/{world.promotion_id}/stats")).json()
    assert stats["audience_caps"][0]["used"] == 2
    assert stats["customers_count"] == 2
    assert stats["grants_count"] == 8
    assert stats["rewards_total"] == {"eur": "60.00", "spins": "80"}


async def test_audience_selection_random_is_seeded_and_attribute_orders(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database, tenant.id, budgets={"audience_caps": [{"window": "day", "limit": 3}]}
    )
    body = {"contexts": [ctx(f"c{i}") for i in range(10)]}
    first = await post(client, promo_path(world), body)
    second = await post(client, promo_path(world), body)
    picked = [r["customer_id"] for r in first["results"] if r["eligible"]]
    assert len(picked) == 3
    assert picked == [r["customer_id"] for r in second["results"] if r["eligible"]]
    world2 = await setup_world(
        database,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "lifetime", "limit": 2}],
            "audience_selection": {"method": "attribute", "property": "ltv", "order": "desc"},
        },
        customers={"x": {"ltv": "10"}, "y": {"ltv": "300"}, "z": {"ltv": "50"}},
    )
    out = await post(
        client, promo_path(world2), {"contexts": [ctx("x"), ctx("nobody"), ctx("y"), ctx("z")]}
    )
    assert [r["eligible"] for r in out["results"]] == [False, False, True, True]


async def test_reward_budget_reject_and_truncate(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        budgets={
            "reward_budgets": [
                {
                    "reward_type": "eur",
                    "window": "lifetime",
                    "limit": "25",
                    "on_exceed": "truncate",
                },
                {"reward_type": "spins", "window": "day", "limit": "30", "on_exceed": "reject"},
            ]
        },
    )
    out = await post(
        client,
        promo_path(world),
        {"contexts": [ctx("a", "100"), ctx("b", "100"), ctx("c", "100")], "commit": True},
    )
    a, b, c = out["results"]
    assert a["rewards"] == [
        {"reward_type": "spins", "value": "20"},
        {"reward_type": "eur", "value": "10.00"},
    ]
    assert b["rewards"] == [{"reward_type": "eur", "value": "10.00"}]
    assert codes(b) == ["budget_exhausted"]
    assert b["reasons"][0]["reward_type"] == "spins"
    assert c["rewards"] == [{"reward_type": "eur", "value": "5.00"}]
    stats = (await client.get(f"/v1/promotions/{world.promotion_id}/stats")).json()
    assert stats["reward_budgets"][0]["used"] == "25.00"
    assert stats["reward_budgets"][1]["used"] == "20"
    out = await post(client, promo_path(world), {"contexts": [ctx("d", "100")], "commit": True})
    assert out["results"][0]["eligible"] is False
    assert codes(out["results"][0]) == ["budget_exhausted", "budget_exhausted"]


async def test_constraints_min_max_validity_and_per_customer(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        type_constraints={"eur": {"max_value": "12", "min_value": "5"}},
        constraints={
            "spins": {
                "per_customer": [{"window": "day", "max_value": "30", "max_grants": 5}],
                "grant_expires_after": "P30D",
            }
        },
    )
    out = await post(
        client,
        promo_path(world),
        {"contexts": [ctx("a", "200"), ctx("a", "40"), ctx("a", "100")], "commit": True},
    )
    r1, r2, r3 = out["results"]
    assert r1["rewards"] == [
        {"reward_type": "spins", "value": "20"},
        {"reward_type": "eur", "value": "12.00"},
    ]
    assert r2["rewards"] == [{"reward_type": "spins", "value": "5"}]
    assert r3["rewards"] == [
        {"reward_type": "spins", "value": "5"},
        {"reward_type": "eur", "value": "10.00"},
    ]
    out = await post(client, promo_path(world), {"contexts": [ctx("a", "100")], "commit": True})
    assert codes(out["results"][0]) == ["customer_limit_reached"]
    assert out["results"][0]["rewards"] == [{"reward_type": "eur", "value": "10.00"}]
    grant = (await client.get(f"/v1/grants/{r1['grant_ids'][0]}")).json()
    assert grant["expires_at"] is not None
    world2 = await setup_world(
        database,
        tenant.id,
        constraints={
            "eur": {"min_value": "50"},
            "spins": {"valid_until": "2000-01-01T00:00:00Z"},
        },
    )
    out = await post(client, promo_path(world2), {"contexts": [ctx("a", "100")]})
    assert codes(out["results"][0]) == ["outside_validity_window", "below_minimum_reward"]
    assert out["results"][0]["eligible"] is False


async def test_invalid_context_fails_only_that_customer(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    out = await post(
        client,
        promo_path(world),
        {
            "contexts": [
                {"customer_id": "bad", "session": {"deposit": "lots"}},
                {"customer_id": "bad2", "session": {"nope": 1}},
                ctx("good"),
            ],
            "explain": True,
        },
    )
    bad, bad2, good = out["results"]
    assert codes(bad) == ["invalid_context"]
    assert bad["reasons"][0]["errors"][0]["loc"] == ["contexts", 0, "session", "deposit"]
    assert bad2["reasons"][0]["errors"][0]["loc"] == ["contexts", 1, "session", "nope"]
    assert good["eligible"] is True
    assert good["trace"][0]["tier_id"] == "high" and good["trace"][0]["matched"] is True


async def test_whole_request_problems(
    client: httpx.AsyncClient, app: Any, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    response = await client.post(promo_path(world), json={"contexts": []})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "contexts"]
    too_many = {"contexts": [{"customer_id": "x"}] * 10_001}
    response = await client.post(promo_path(world), json=too_many)
    assert response.status_code == 422
    response = await client.post(
        "/v1/promotions/nope/validate-customers", json={"contexts": [ctx("a")]}
    )
    assert response.status_code == 404
    read_only = await key_with_role(client, "read_only")
    async with make_client(app, read_only) as ro:
        response = await ro.post(promo_path(world), json={"contexts": [ctx("a")]})
        assert response.status_code == 403
    integration = await key_with_role(client, "integration")
    async with make_client(app, integration) as integ:
        response = await integ.post(promo_path(world), json={"contexts": [ctx("a")]})
        assert response.status_code == 200
    async with make_client(app, None) as anon:
        response = await anon.post(promo_path(world), json={"contexts": [ctx("a")]})
        assert response.status_code == 401


async def test_promotion_and_promocode_level_reasons(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    draft = await setup_world(database, tenant.id, status="draft")
    out = await post(client, promo_path(draft), {"contexts": [ctx("a")]})
    assert codes(out["results"][0]) == ["promotion_not_active"]
    hidden = await setup_world(database, tenant.id, promocode={"hidden": True}, values=["HID1"])
    out = await post(client, code_path(hidden), {"contexts": [ctx("a")]})
    assert codes(out["results"][0]) == ["promocode_hidden"]
    unassigned = await setup_world(
        database, tenant.id, promocode={"promotion_id": None}, values=["UNA1"]
    )
    out = await post(client, code_path(unassigned), {"contexts": [ctx("a")]})
    assert codes(out["results"][0]) == ["promocode_unassigned"]
    linked = await setup_world(
        database, tenant.id, values=["LNK1"], promocode={}, campaigns=["cmp-x1"]
    )
    out = await post(client, code_path(linked), {"contexts": [ctx("a")], "commit": True})
    assert codes(out["results"][0]) == ["campaign_not_linked"]
    out = await post(
        client, code_path(linked), {"contexts": [ctx("a")], "commit": True, "campaign_id": "cmp-x1"}
    )
    assert out["results"][0]["eligible"] is True
    grant = (await client.get(f"/v1/grants/{out['results'][0]['grant_ids'][0]}")).json()
    assert grant["campaign_id"] == "cmp-x1" and grant["code"] == "LNK1"
    out = await post(client, "/v1/validate", {"code": "nothing-here", "contexts": [ctx("a")]})
    assert out["promotion_id"] is None
    assert codes(out["results"][0]) == ["code_not_found"]


async def test_shared_code_once_per_customer_and_max_redemptions(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database, tenant.id, promocode={"max_redemptions": 2}, values=["SHARE-1"]
    )
    out = await post(
        client,
        "/v1/validate",
        {"code": "share-1", "contexts": [ctx("a"), ctx("a"), ctx("b"), ctx("c")], "commit": True},
    )
    a1, a2, b, c = out["results"]
    assert a1["eligible"] and a1["code"] == "SHARE-1"
    assert codes(a2) == ["already_redeemed_by_customer"]
    assert b["eligible"]
    assert codes(c) == ["max_redemptions_reached"]
    # reversing b's grants gives the redemption back
    for grant_id in b["grant_ids"]:
        response = await client.post(f"/v1/grants/{grant_id}/reverse", json={})
        assert response.status_code == 200 and response.json()["status"] == "reversed"
    out = await post(client, code_path(world), {"contexts": [ctx("c")], "commit": True})
    assert out["results"][0]["eligible"] is True
    out = await post(client, code_path(world), {"contexts": [ctx("a", code="OTHER")]})
    assert codes(out["results"][0]) == ["code_not_found"]


async def test_single_use_code(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database, tenant.id, promocode={"type": "single_use"}, values=["ONE-1"]
    )
    out = await post(client, code_path(world), {"contexts": [ctx("a"), ctx("b")], "commit": True})
    assert out["results"][0]["eligible"] is True
    assert codes(out["results"][1]) == ["max_redemptions_reached"]
    out = await post(client, code_path(world), {"contexts": [ctx("b")]})
    assert codes(out["results"][0]) == ["code_already_redeemed"]


async def test_bulk_pool_allocation_presentation_fallback(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database, tenant.id, promocode={"type": "bulk"}, values=["B-1", "B-2", "B-3"]
    )
    out = await post(client, code_path(world), {"contexts": [ctx("a"), ctx("b")], "commit": True})
    assert [r["code"] for r in out["results"]] == ["B-1", "B-2"]
    again = await post(client, code_path(world), {"contexts": [ctx("a")], "commit": True})
    assert again["results"][0]["code"] == "B-1"
    out = await post(client, code_path(world), {"contexts": [ctx("c"), ctx("d")], "commit": True})
    assert out["results"][0]["code"] == "B-3"
    assert codes(out["results"][1]) == ["pool_exhausted"]
    out = await post(client, code_path(world), {"contexts": [ctx("z", code="b-2")]})
    assert codes(out["results"][0]) == ["code_allocated_to_other_customer"]
    out = await post(client, code_path(world), {"contexts": [ctx("z", code="b-9")]})
    assert codes(out["results"][0]) == ["code_not_found"]
    out = await post(
        client, "/v1/validate", {"code": "B-2", "contexts": [ctx("b")], "commit": True}
    )
    assert out["results"][0]["eligible"] is True and out["results"][0]["code"] == "B-2"
    out = await post(client, "/v1/validate", {"code": "B-2", "contexts": [ctx("b")]})
    assert codes(out["results"][0]) == ["code_already_redeemed"]
    fb = await setup_world(
        database, tenant.id, promocode={"type": "bulk", "fallback_value": "FALLBACK"}, values=[]
    )
    out = await post(client, code_path(fb), {"contexts": [ctx("a")], "commit": True})
    assert out["results"][0]["eligible"] is True and out["results"][0]["code"] == "FALLBACK"


async def test_reversal_gives_back_exactly_and_twice_is_noop(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "day", "limit": 1}],
            "reward_budgets": [{"reward_type": "eur", "window": "month", "limit": "10"}],
        },
    )
    out = await post(client, promo_path(world), {"contexts": [ctx("a", "100")], "commit": True})
    ids = out["results"][0]["grant_ids"]
    stats = (await client.get(f"/v1/promotions/{world.promotion_id}/stats")).json()
    assert stats["audience_caps"][0]["used"] == 1
    assert stats["reward_budgets"][0]["used"] == "10.00"
    first = (await client.post(f"/v1/grants/{ids[1]}/reverse", json={})).json()
    second = (await client.post(f"/v1/grants/{ids[1]}/reverse", json={})).json()
    assert first == second and first["status"] == "reversed"
    stats = (await client.get(f"/v1/promotions/{world.promotion_id}/stats")).json()
    assert stats["reward_budgets"][0]["used"] == "0.00"
    assert stats["audience_caps"][0]["used"] == 1  # the spins grant is still live
    await client.post(f"/v1/grants/{ids[0]}/reverse")
    stats = (await client.get(f"/v1/promotions/{world.promotion_id}/stats")).json()
    assert stats["audience_caps"][0]["used"] == 0
    out = await post(client, promo_path(world), {"contexts": [ctx("b", "100")], "commit": True})
    assert out["results"][0]["eligible"] is True


async def test_idempotency_key_replays_commit(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    body = {"contexts": [ctx("a")], "commit": True}
    headers = {"Idempotency-Key": "k-1"}
    first = await client.post(promo_path(world), json=body, headers=headers)
    second = await client.post(promo_path(world), json=body, headers=headers)
    assert first.json() == second.json()
    assert second.headers.get("idempotent-replayed") == "true"
    other = await client.post(promo_path(world), json={**body, "explain": True}, headers=headers)
    assert other.status_code == 422


async def test_other_tenant_gets_404(
    client: httpx.AsyncClient, app: Any, database: Database, tenant: TenantFixture
) -> None:
    from tests.conftest import make_tenant

    world = await setup_world(database, tenant.id)
    out = await post(client, promo_path(world), {"contexts": [ctx("a")], "commit": True})
    other = await make_tenant(database)
    async with make_client(app, other.admin_key) as foreign:
        assert (
            await foreign.post(promo_path(world), json={"contexts": [ctx("a")]})
        ).status_code == 404
        grant_id = out["results"][0]["grant_ids"][0]
        assert (await foreign.get(f"/v1/grants/{grant_id}")).status_code == 404
        assert (await foreign.post(f"/v1/grants/{grant_id}/reverse")).status_code == 404
        assert (await foreign.get(f"/v1/promotions/{world.promotion_id}/stats")).status_code == 404


async def test_reverse_releases_bulk_value_unless_told_not_to(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database, tenant.id, promocode={"type": "bulk"}, values=["R-1", "R-2"]
    )
    out = await post(
        client, code_path(world), {"contexts": [ctx("a", "20"), ctx("b", "20")], "commit": True}
    )
    (ga,), (gb,) = (r["grant_ids"] for r in out["results"])
    kept = (await client.post(f"/v1/grants/{ga}/reverse", json={"release_code": False})).json()
    assert kept["status"] == "reversed" and kept["reversed_at"] is not None
    released = (await client.post(f"/v1/grants/{gb}/reverse")).json()
    assert released["code"] == "R-2"
    out = await post(client, code_path(world), {"contexts": [ctx("c", "20")], "commit": True})
    assert out["results"][0]["code"] == "R-2"  # R-1 stays allocated to a
    out = await post(client, code_path(world), {"contexts": [ctx("z", "20", code="R-1")]})
    assert codes(out["results"][0]) == ["code_allocated_to_other_customer"]
    listed = (
        await client.get(
            "/v1/grants", params={"promocode_id": world.promocode_id, "status": "reversed"}
        )
    ).json()
    assert [g["id"] for g in listed["items"]] == [ga, gb]
    page = (
        await client.get("/v1/grants", params={"promocode_id": world.promocode_id, "limit": 1})
    ).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    nxt = (
        await client.get(
            "/v1/grants",
            params={"promocode_id": world.promocode_id, "limit": 1, "cursor": page["next_cursor"]},
        )
    ).json()
    assert nxt["items"][0]["id"] == gb


async def test_inline_customer_values_and_builtin_context(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    tiers = [
        {
            "id": "fr",
            "condition": {
                "all": [
                    {"property": "customer.country", "op": "eq", "value": "FR"},
                    {"property": "context.campaign_id", "op": "eq", "value": "cmp-1"},
                    {"property": "context.hour", "op": "between", "value": [0, 23]},
                ]
            },
            "rewards": [{"reward_type": "spins", "value": {"fixed": "3"}}],
        }
    ]
    world = await setup_world(
        database, tenant.id, tiers=tiers, customers={"a": {"country": "DE"}, "b": {"country": "FR"}}
    )
    body = {
        "contexts": [
            {"customer_id": "a"},
            {"customer_id": "a", "customer": {"country": "FR"}},
            {"customer_id": "b"},
        ],
        "campaign_id": "cmp-1",
        "explain": True,
    }
    out = await post(client, promo_path(world), body)
    assert [r["eligible"] for r in out["results"]] == [False, True, True]
    failed = out["results"][0]["trace"][0]["failed_leaf"]
    assert failed["property"] == "customer.country" and failed["actual"] == "DE"
    out = await post(client, promo_path(world), {**body, "campaign_id": None})
    assert [r["eligible"] for r in out["results"]] == [False, False, False]
    bad = await post(
        client, promo_path(world), {"contexts": [{"customer_id": "a", "customer": {"country": 3}}]}
    )
    assert bad["results"][0]["reasons"][0]["errors"][0]["loc"] == [
        "contexts",
        0,
        "customer",
        "country",
    ]


async def test_grants_list_filters(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    out = await post(
        client,
        promo_path(world),
        {"contexts": [ctx("a", "20"), ctx("b", "20")], "commit": True, "campaign_id": "cmp-9"},
    )
    ids = [r["grant_ids"][0] for r in out["results"]]
    by_customer = (await client.get("/v1/grants", params={"customer_id": "b"})).json()
    assert [g["id"] for g in by_customer["items"]] == [ids[1]]
    by_campaign = (await client.get("/v1/grants", params={"campaign_id": "cmp-9"})).json()
    assert [g["id"] for g in by_campaign["items"]] == ids
    future = (await client.get("/v1/grants", params={"created_from": "2999-01-01T00:00:00"})).json()
    assert future["items"] == []
    past = (
        await client.get(
            "/v1/grants",
            params={"created_to": "2999-01-01T00:00:00Z", "promotion_id": world.promotion_id},
        )
    ).json()
    assert [g["id"] for g in past["items"]] == ids
    bad = await client.get("/v1/grants", params={"status": "nope"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["query", "status"]
    assert (await client.get("/v1/grants/nope")).status_code == 404


async def test_roles_for_grants(
    client: httpx.AsyncClient, app: Any, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    out = await post(client, promo_path(world), {"contexts": [ctx("a", "20")], "commit": True})
    grant_id = out["results"][0]["grant_ids"][0]
    read_only = await key_with_role(client, "read_only")
    async with make_client(app, read_only) as ro:
        assert (await ro.get(f"/v1/grants/{grant_id}")).status_code == 200
        assert (await ro.get(f"/v1/promotions/{world.promotion_id}/stats")).status_code == 200
        assert (await ro.post(f"/v1/grants/{grant_id}/reverse")).status_code == 403
    integration = await key_with_role(client, "integration")
    async with make_client(app, integration) as integ:
        response = await integ.post(f"/v1/grants/{grant_id}/reverse")
        assert response.status_code == 200 and response.json()["status"] == "reversed"


async def test_big_batch_commit_then_reverse(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "day", "limit": 250}],
            "reward_budgets": [{"reward_type": "eur", "window": "month", "limit": "2000"}],
        },
        constraints={"spins": {"per_customer": [{"window": "day", "max_grants": 1}]}},
    )
    contexts = [ctx(f"c{i}", "150") for i in range(300)]
    out = await post(client, promo_path(world), {"contexts": contexts, "commit": True})
    granted = [r for r in out["results"] if r["eligible"]]
    assert len(granted) == 250
    assert out["summary"]["rewards_total"] == {"eur": "1995.00", "spins": "5000"}
    reasons = {c["code"] for r in out["results"] for c in r["reasons"]}
    assert reasons == {"audience_cap_reached", "budget_exhausted"}
    both = [r for r in granted if len(r["grant_ids"]) == 2]
    assert len(both) == 133
    grant = (await client.get(f"/v1/grants/{both[0]['grant_ids'][1]}")).json()
    assert grant["value"] == "15.00" and grant["status"] == "granted"
    await client.post(f"/v1/grants/{both[0]['grant_ids'][1]}/reverse")
    stats = (await client.get(f"/v1/promotions/{world.promotion_id}/stats")).json()
    assert stats["reward_budgets"][0]["used"] == "1980.00"
    assert stats["audience_caps"][0]["used"] == 250
    assert stats["grants_count"] == 250 + 133 - 1
