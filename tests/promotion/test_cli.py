"""openpromo promotions list|show."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from openpromo.cli import app as cli_app
from tests.conftest import TenantFixture
from tests.promotion.conftest import create, in_state, ok

pytestmark = pytest.mark.usefixtures("catalog")

runner = CliRunner()


def _invoke(args: list[str]) -> Result:
    """Run the CLI in a thread: it runs its own event loop, as it does from a shell."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(runner.invoke, cli_app, args).result()


def _json(args: list[str]) -> Any:
    result = _invoke(args)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout
    return json.loads(lines[0])


async def test_list_and_show(
    client: httpx.AsyncClient, tenant: TenantFixture, database_url: str
) -> None:
    draft = await create(client, "Draft one", code="D1")
    active = await in_state(client, "active", "Live one")
    listed = _json(["promotions", "list", "--tenant", tenant.id, "--json"])
    assert [(p["id"], p["status"]) for p in listed["items"]] == [
        (draft["id"], "draft"),
        (active["id"], "active"),
    ]
    only_active = _json(
        ["promotions", "list", "--tenant", tenant.id, "--status", "active", "--json"]
    )
    assert [p["id"] for p in only_active["items"]] == [active["id"]]
    shown = _json(["promotions", "show", active["id"], "--tenant", tenant.id, "--json"])
    assert shown == await ok(await client.get(f"/v1/promotions/{active['id']}"))
    text = _invoke(["promotions", "show", active["id"], "--tenant", tenant.id])
    assert text.exit_code == 0, text.output
    assert "Live one" in text.stdout
    assert "high" in text.stdout
    table = _invoke(["promotions", "list", "--tenant", tenant.id])
    assert table.exit_code == 0
    assert draft["id"] in table.stdout and "D1" in table.stdout


async def test_show_refuses_unknown_ids_and_other_tenants(
    client: httpx.AsyncClient, tenant: TenantFixture, database_url: str
) -> None:
    promotion = await create(client)
    missing = _invoke(["promotions", "show", "nope", "--tenant", tenant.id])
    assert missing.exit_code == 1
    assert "not found" in missing.output
    wrong_tenant = _invoke(["promotions", "show", promotion["id"], "--tenant", "no-such-tenant"])
    assert wrong_tenant.exit_code == 1
    bad_status = _invoke(["promotions", "list", "--tenant", tenant.id, "--status", "paused"])
    assert bad_status.exit_code == 1
