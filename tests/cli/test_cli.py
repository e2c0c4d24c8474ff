from __future__ import annotations

import asyncio
import json

import httpx
from fastapi import FastAPI
from typer.testing import CliRunner, Result

from openpromo.auth.key_cache import forget_all_keys
from openpromo.cli import app as cli_app
from tests.conftest import make_client

runner = CliRunner()


async def _invoke(args: list[str]) -> Result:
    """Run the CLI in a thread: it runs its own event loop, as it does from a shell. The test's
    loop keeps running meanwhile, so work it owns (a background sync) can finish."""
    return await asyncio.to_thread(runner.invoke, cli_app, args)


async def _json(args: list[str]) -> dict[str, object]:
    result = await _invoke(args)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout
    parsed = json.loads(lines[0])
    assert isinstance(parsed, dict)
    return parsed


async def test_tenant_create_json_gives_a_working_admin_key(
    database_url: str, app: FastAPI
) -> None:
    created = await _json(
        ["tenant", "create", "CLI tenant", "--timezone", "Europe/Paris", "--json"]
    )
    assert set(created) == {"tenant_id", "api_key", "admin_email", "admin_password"}
    async with make_client(app, str(created["api_key"])) as http:
        tenant = (await http.get("/v1/tenant")).json()
    assert tenant["id"] == created["tenant_id"]
    assert tenant["timezone"] == "Europe/Paris"
    listed = await _json(["tenant", "list", "--json"])
    assert created["tenant_id"] in [t["id"] for t in listed["items"]]  # type: ignore[attr-defined]


async def test_apikey_create_and_revoke(database_url: str, app: FastAPI) -> None:
    tenant = await _json(["tenant", "create", "Keys", "--json"])
    key = await _json(
        ["apikey", "create", "--tenant", str(tenant["tenant_id"]), "--role", "read_only", "--json"]
    )
    assert set(key) == {"id", "api_key", "role"}
    assert key["role"] == "read_only"
    async with make_client(app, str(key["api_key"])) as http:
        assert (await http.get("/v1/tenant")).status_code == 200
        revoked = await _invoke(
            ["apikey", "revoke", str(key["id"]), "--tenant", str(tenant["tenant_id"])]
        )
        assert revoked.exit_code == 0, revoked.output
        # The server process caches key lookups for OPENPROMO_API_KEY_CACHE_SECONDS; a
        # revocation by another process (the CLI) applies once that entry expires.
        forget_all_keys()
        response = await http.get("/v1/tenant")
        assert response.status_code == 401, response.text


async def test_bad_input_exits_1_with_the_detail(database_url: str) -> None:
    result = await _invoke(["tenant", "create", "Bad", "--timezone", "Nowhere/Else"])
    assert result.exit_code == 1
    assert "Nowhere/Else" in result.output


async def test_db_current_prints_the_head(database_url: str) -> None:
    result = await _invoke(["db", "current"])
    assert result.exit_code == 0
    assert result.stdout.strip() not in ("", "base")


async def test_unknown_tenant_for_apikey_is_an_error(
    database_url: str, client: httpx.AsyncClient
) -> None:
    result = await _invoke(["apikey", "create", "--tenant", "no-such-tenant"])
    assert result.exit_code == 1
    assert "tenant not found" in result.output
