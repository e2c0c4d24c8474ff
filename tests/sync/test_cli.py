from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner, Result

from openpromo.cli import app as cli_app
from tests.conftest import TenantFixture
from tests.customer.helpers import put_customer_schema

cli = CliRunner()


def invoke(args: list[str]) -> Result:
    """The CLI runs its own event loop, as from a shell: run it in a thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(cli.invoke, cli_app, args).result()


def one_json(result: Result) -> dict[str, Any]:
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    parsed: dict[str, Any] = json.loads(lines[0])
    return parsed


async def test_customers_import_cli(
    client: httpx.AsyncClient, tenant: TenantFixture, tmp_path: Path
) -> None:
    await put_customer_schema(client)
    path = tmp_path / "people.csv"
    path.write_text("customer_id,deposits,vip_level\ncli1,3,gold\ncli2,x,gold\n")
    dry = invoke(["customers", "import", str(path), "--tenant", tenant.id, "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    report = one_json(dry)
    assert (report["rows_read"], report["rows_upserted"], report["rows_rejected"]) == (2, 1, 1)
    assert report["dry_run"] is True
    assert (await client.get("/v1/customers/cli1")).status_code == 404
    done = invoke(["customers", "import", str(path), "--tenant", tenant.id, "--json"])
    assert done.exit_code == 0, done.output
    assert one_json(done)["errors"] == [
        {
            "line": 3,
            "customer_id": "cli2",
            "loc": ["deposits"],
            "msg": "deposits: expected integer, got 'x'",
        }
    ]
    assert (await client.get("/v1/customers/cli1")).json()["properties"] == {
        "deposits": 3,
        "vip_level": "gold",
    }
    ndjson = tmp_path / "people.ndjson"
    ndjson.write_text('{"customer_id": "cli3", "deposits": 1}\n')
    human = invoke(["customers", "import", str(ndjson), "--tenant", tenant.id])
    assert human.exit_code == 0, human.output
    assert "1 rows read, 1 upserted, 0 rejected" in human.output
    unknown = invoke(["customers", "import", str(path), "--tenant", "no-such-tenant"])
    assert unknown.exit_code == 1
    assert "tenant not found" in unknown.output


async def test_sync_run_cli(
    client: httpx.AsyncClient, tenant: TenantFixture, tmp_path: Path
) -> None:
    await put_customer_schema(client)
    not_configured = invoke(["sync", "run", "--tenant", tenant.id])
    assert not_configured.exit_code == 1
    assert "configure a sync source first" in not_configured.output
    path = tmp_path / "s.ndjson"
    path.write_text(
        '{"customer_id": "sy1", "deposits": 2}\n{"customer_id": "sy2", "deposits": -2}\n'
    )
    await client.put(
        "/v1/customer-sync",
        json={"source": {"kind": "file", "path": str(path), "format": "ndjson"}},
    )
    result = invoke(["sync", "run", "--tenant", tenant.id, "--json"])
    assert result.exit_code == 0, result.output
    run = one_json(result)
    assert run["status"] == "succeeded"
    assert (run["rows_read"], run["rows_upserted"], run["rows_rejected"]) == (2, 1, 1)
    assert run["trigger"] == "manual"
    assert (await client.get("/v1/customers/sy1")).json()["properties"] == {"deposits": 2}
    path.unlink()
    failed = invoke(["sync", "run", "--tenant", tenant.id])
    assert failed.exit_code == 1
    assert "failed" in failed.output and "cannot open" in failed.output


async def test_worker_once(
    client: httpx.AsyncClient, tenant: TenantFixture, tmp_path: Path, no_leftover_endpoints: None
) -> None:
    await put_customer_schema(client)
    path = tmp_path / "w.csv"
    path.write_text("customer_id,deposits\nwk1,9\n")
    await client.put(
        "/v1/customer-sync", json={"source": {"kind": "file", "path": str(path), "format": "csv"}}
    )
    # Queue a run without executing it in this process (as another API process would).
    from openpromo.db import get_database
    from openpromo.sync.service import sync_service

    async with get_database().unit_of_work() as session:
        run = await sync_service.trigger_run(session, tenant.principal, "manual")
    result = invoke(["worker", "--once"])
    assert result.exit_code == 0, result.output
    report = one_json(result)
    assert run.id in report["launched"]
    got = (await client.get(f"/v1/customer-sync/runs/{run.id}")).json()
    assert got["status"] == "succeeded"
    assert (await client.get("/v1/customers/wk1")).json()["properties"] == {"deposits": 9}
