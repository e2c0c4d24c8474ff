"""The demo seed: what it makes, read back through the API; dated grants; a second run with
the same name refused; the CLI's one JSON object."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from openpromo.cli import app as cli_app
from openpromo.db import Database
from openpromo.demo.seed import BULK_VALUES, CUSTOMERS, DemoExists, DemoTenant, seed_demo
from openpromo.user.service import user_service
from tests.conftest import make_client

NOW = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
async def demo(database: Database) -> DemoTenant:
    async with database.unit_of_work() as session:
        return await seed_demo(session, f"Demo {secrets.token_hex(4)}", now=NOW)


async def test_the_demo_tenant_has_every_kind_of_thing(app: FastAPI, demo: DemoTenant) -> None:
    async with make_client(app, demo.api_key) as api:
        tenant = (await api.get("/v1/tenant")).json()
        assert (tenant["timezone"], tenant["default_currency"]) == ("Europe/Berlin", "EUR")
        types = {t["key"]: t for t in (await api.get("/v1/reward-types")).json()["items"]}
        assert (types["eur_bonus"]["category"], types["eur_bonus"]["currency"]) == ("amount", "EUR")
        assert types["eur_bonus"]["decimals"] == 2
        assert (types["free_spins"]["category"], types["free_spins"]["unit_name"]) == (
            "unit",
            "spin",
        )
        assert "points" in types
        kinds = {}
        for scope in ("customer", "session", "promotion"):
            properties = (await api.get(f"/v1/schemas/{scope}")).json()["properties"]
            kinds[scope] = {p["key"]: p["type"] for p in properties}
        assert kinds == {
            "customer": {
                "vip_level": "string",
                "country": "string",
                "ltv": "decimal",
                "birthday": "date",
                "tags": "string_list",
            },
            "session": {
                "deposit_amount": "decimal",
                "channel": "string",
                "first_deposit": "boolean",
            },
            "promotion": {"region": "string"},
        }
        customers = (await api.get("/v1/customers", params={"limit": 200})).json()
        assert len(customers["items"]) == CUSTOMERS == demo.customers
        assert set(customers["items"][0]["properties"]) >= {"vip_level", "ltv", "country"}

        promotions = (await api.get("/v1/promotions", params={"limit": 50})).json()["items"]
        assert sorted(p["status"] for p in promotions) == [
            "active",
            "active",
            "archived",
            "deactivated",
            "draft",
        ]
        welcome = next(p for p in promotions if p["code"] == "WELCOME-BOOST")
        assert len(welcome["tiers"]) == 3
        formulas = {
            next(iter(set(r["value"]) & {"fixed", "percent", "per"}))
            for tier in welcome["tiers"]
            for r in tier["rewards"]
        }
        assert formulas == {"fixed", "percent", "per"}
        assert "any" in json.dumps(welcome["tiers"][0]["condition"])
        assert welcome["reward_constraints"]["eur_bonus"]["per_customer"][0]["window"] == (
            "rolling_7d"
        )
        assert welcome["budgets"]["alert_thresholds"] == [0.8, 1.0]
        assert welcome["budgets"]["audience_caps"] and welcome["budgets"]["reward_budgets"]

        codes = (await api.get("/v1/promocodes", params={"limit": 50})).json()["items"]
        assert {c["type"] for c in codes} == {"shared", "single_use", "bulk"}
        pool = next(c for c in codes if c["type"] == "bulk")
        assert pool["counts"]["values"] == BULK_VALUES
        assert pool["counts"]["allocated"] + pool["counts"]["redeemed"] > 0
        assert pool["campaign_ids"] == [demo.campaign_id]

        stats = (await api.get(f"/v1/promotions/{welcome['id']}/stats")).json()
        assert stats["grants_count"] > 100
        days = sorted(d["date"] for d in stats["daily"])
        # Spread over the last month, dated by the validation service's clock argument.
        assert days[0] <= (NOW - timedelta(days=28)).date().isoformat()
        assert days[-1] == NOW.date().isoformat()
        assert len(days) >= 25


async def test_the_printed_login_works(database: Database, demo: DemoTenant) -> None:
    async with database.unit_of_work() as session:
        user = await user_service.authenticate(session, demo.admin_email, demo.admin_password)
    assert user is not None and user.role == "admin" and user.tenant_id == demo.tenant_id
    async with database.unit_of_work(write=False) as session:
        from openpromo.user.service import principal_for

        users = await user_service.list(session, principal_for(user), limit=50, cursor=None)
    assert sorted((u.role, u.active) for u in users.items) == [
        ("admin", True),
        ("editor", False),
        ("editor", True),
        ("viewer", True),
    ]


async def test_a_second_run_is_refused_and_changes_nothing(
    database: Database, demo: DemoTenant
) -> None:
    from openpromo.tenant.service import tenant_service

    async with database.unit_of_work(write=False) as session:
        before = len(await tenant_service.list_all(session))
    async with database.unit_of_work() as session:
        with pytest.raises(DemoExists) as refused:
            await seed_demo(session, demo.tenant_name, now=NOW)
    assert demo.tenant_id in refused.value.detail
    assert [(c["kind"], c["id"]) for c in refused.value.extra["conflicts"]] == [
        ("tenant", demo.tenant_id)
    ]
    async with database.unit_of_work(write=False) as session:
        assert len(await tenant_service.list_all(session)) == before


def test_the_cli_prints_one_json_object_and_refuses_twice(database: Database) -> None:
    runner = CliRunner()
    name = f"CLI demo {secrets.token_hex(4)}"
    first = runner.invoke(cli_app, ["demo", "seed", "--tenant-name", name, "--json"])
    assert first.exit_code == 0, first.output
    payload = json.loads(first.stdout)
    assert payload["tenant_name"] == name
    assert payload["admin_email"] and payload["admin_password"] and payload["api_key"]
    assert set(payload["ids"]) == {
        "active_promotion",
        "draft_promotion",
        "bulk_promocode",
        "campaign",
        "customer",
    }
    again = runner.invoke(cli_app, ["demo", "seed", "--tenant-name", name])
    assert again.exit_code == 1
    assert f"a tenant named '{name}' exists already" in again.output
