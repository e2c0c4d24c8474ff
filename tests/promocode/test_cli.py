from __future__ import annotations

import csv
import io
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from typer.testing import CliRunner, Result

from openpromo.cli import app as cli_app
from tests.conftest import TenantFixture
from tests.promocode.conftest import create_promocode

runner = CliRunner()


def invoke(args: list[str]) -> Result:
    """In a thread: the CLI runs its own event loop, as it does from a shell."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(runner.invoke, cli_app, args).result()


def json_out(result: Result) -> dict[str, object]:
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout
    parsed = json.loads(lines[0])
    assert isinstance(parsed, dict)
    return parsed


async def test_codes_upload_json_and_dry_run(
    client: httpx.AsyncClient, tenant: TenantFixture, database_url: str, tmp_path: Path
) -> None:
    code = await create_promocode(client)
    file = tmp_path / "codes.txt"
    file.write_bytes(b"\xef\xbb\xbfCLI-1\r\ncli-1\r\n\r\nCLI-2\r\nnot ok\r\n")
    dry = json_out(
        invoke(
            ["codes", "upload", code["id"], str(file), "--tenant", tenant.id, "--dry-run", "--json"]
        )
    )
    assert dry == {
        "inserted": 2,
        "duplicates_in_file": 1,
        "already_existing": 0,
        "invalid_count": 1,
        "invalid": [
            {
                "line": 5,
                "value": "not ok",
                "reason": "contains characters other than A-Z, a-z, 0-9, '_' and '-'",
            }
        ],
        "lines": 5,
        "dry_run": True,
    }
    assert (await client.get(f"/v1/promocodes/{code['id']}")).json()["counts"]["values"] == 0
    report = json_out(
        invoke(["codes", "upload", code["id"], str(file), "--tenant", tenant.id, "--json"])
    )
    assert (report["inserted"], report["dry_run"]) == (2, False)
    again = invoke(["codes", "upload", code["id"], str(file), "--tenant", tenant.id])
    assert again.exit_code == 0, again.output
    assert (
        "inserted 0, duplicates in file 1, already existing 2, invalid 1 (5 lines)" in again.stdout
    )
    assert "line 5: 'not ok'" in again.stdout
    audit = (await client.get("/v1/audit-log", params={"object_id": code["id"]})).json()["items"]
    assert [e["action"] for e in audit][:2] == [
        "promocode.upload_values",
        "promocode.upload_values",
    ]
    assert audit[0]["actor_type"] == "cli"


async def test_codes_upload_errors_exit_1(
    client: httpx.AsyncClient, tenant: TenantFixture, database_url: str, tmp_path: Path
) -> None:
    shared = await create_promocode(client, type="shared", value="CLI-SHARED")
    file = tmp_path / "codes.txt"
    file.write_text("A\n")
    result = invoke(["codes", "upload", shared["id"], str(file), "--tenant", tenant.id])
    assert result.exit_code == 1
    assert "only bulk promocodes" in result.output
    result = invoke(["codes", "upload", "missing", str(file), "--tenant", tenant.id])
    assert result.exit_code == 1
    assert "promocode missing not found" in result.output


async def test_codes_generate_and_export(
    client: httpx.AsyncClient, tenant: TenantFixture, database_url: str, tmp_path: Path
) -> None:
    code = await create_promocode(client)
    report = json_out(
        invoke(
            [
                "codes",
                "generate",
                code["id"],
                "--tenant",
                tenant.id,
                "--count",
                "250",
                "--pattern",
                "CLI-####-??",
                "--json",
            ]
        )
    )
    assert report["generated"] == 250
    result = invoke(
        [
            "codes",
            "generate",
            code["id"],
            "--tenant",
            tenant.id,
            "--count",
            "5",
            "--length",
            "4",
            "--charset",
            "AB",
            "--prefix",
            "P-",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "generated 5 values" in result.stdout
    refused = invoke(
        ["codes", "generate", code["id"], "--tenant", tenant.id, "--count", "9", "--pattern", "#"]
    )
    assert refused.exit_code == 1
    assert "allows 10 distinct values" in refused.output
    invalid = invoke(["codes", "generate", code["id"], "--tenant", tenant.id, "--count", "0"])
    assert invalid.exit_code == 1

    out = tmp_path / "export.csv"
    result = invoke(["codes", "export", code["id"], "--tenant", tenant.id, "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == ["value", "status", "customer_id", "allocated_at", "redeemed_at"]
    values = [r[0] for r in rows[1:]]
    assert len(values) == len(set(values)) == 255
    assert sum(bool(re.fullmatch(r"CLI-[0-9]{4}-[A-Z]{2}", v)) for v in values) == 250
    assert sum(bool(re.fullmatch(r"P-[AB]{4}", v)) for v in values) == 5
    assert all(r[1:] == ["available", "", "", ""] for r in rows[1:])
    to_stdout = invoke(["codes", "export", code["id"], "--tenant", tenant.id])
    assert to_stdout.exit_code == 0
    assert to_stdout.stdout.replace("\r\n", "\n") == out.read_text().replace("\r\n", "\n")
