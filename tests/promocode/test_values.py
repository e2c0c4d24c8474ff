from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from openpromo.db import Database
from openpromo.kit.clock import utcnow
from openpromo.models import PromocodeValue
from tests.conftest import make_client, make_tenant
from tests.promocode.conftest import create_promocode, upload


async def all_values(client: httpx.AsyncClient, promocode_id: str, **params: Any) -> list[str]:
    out: list[str] = []
    cursor = None
    while True:
        query: dict[str, Any] = {"limit": 200, **params}
        if cursor:
            query["cursor"] = cursor
        response = await client.get(f"/v1/promocodes/{promocode_id}/values", params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        out.extend(item["value"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return out


# -- upload -----------------------------------------------------------------------------------


async def test_upload_reports_every_count(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client)
    other = await create_promocode(client, name="Other")
    assert (await upload(client, other["id"], b"TAKEN-1\n")).status_code == 200
    content = (
        b"\xef\xbb\xbfNEW-1\r\n"  # 1 (BOM)
        b"new-1\r\n"  # 2 duplicate of line 1, other case
        b"\r\n"  # 3 blank
        b"taken-1\r\n"  # 4 exists in another promocode
        b"NEW-2\r\n"  # 5
        b"bad value\r\n" + b"L" * 65 + b"\r\n"  # 6  # 7 too long
        b"caf\xc3\xa9\r\n"  # 8 non-ASCII letter
        b"bad\xff\r\n"  # 9 undecodable
        b"NEW-2\r\n"  # 10 duplicate
        b"  NEW-3  "  # 11 spaces stripped, no final newline
    )
    response = await upload(client, code["id"], content)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report == {
        "inserted": 3,
        "duplicates_in_file": 2,
        "already_existing": 1,
        "invalid_count": 4,
        "invalid": [
            {
                "line": 6,
                "value": "bad value",
                "reason": "contains characters other than A-Z, a-z, 0-9, '_' and '-'",
            },
            {"line": 7, "value": "L" * 65, "reason": "longer than 64 characters"},
            {
                "line": 8,
                "value": "café",
                "reason": "contains characters other than A-Z, a-z, 0-9, '_' and '-'",
            },
            {"line": 9, "value": "bad\ufffd", "reason": "not valid UTF-8"},
        ],
        "lines": 11,
        "dry_run": False,
    }
    assert await all_values(client, code["id"]) == ["NEW-1", "NEW-2", "NEW-3"]
    assert await all_values(client, other["id"]) == ["TAKEN-1"]
    promocode = (await client.get(f"/v1/promocodes/{code['id']}")).json()
    assert promocode["counts"] == {"values": 3, "available": 3, "allocated": 0, "redeemed": 0}


async def test_first_spelling_in_the_file_wins(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client)
    await upload(client, code["id"], b"zeta\nAlpha\nZETA\nALPHA\nalpha\n")
    assert sorted(await all_values(client, code["id"])) == ["Alpha", "zeta"]


async def test_second_upload_counts_existing_values(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client)
    await upload(client, code["id"], b"A1\nA2\n")
    report = (await upload(client, code["id"], b"a1\nA2\nA3\nA3\n")).json()
    assert (report["inserted"], report["already_existing"], report["duplicates_in_file"]) == (
        1,
        2,
        1,
    )


async def test_shared_values_count_as_existing(client: httpx.AsyncClient) -> None:
    await create_promocode(client, type="shared", value="SHAREDVAL")
    code = await create_promocode(client)
    report = (await upload(client, code["id"], b"sharedval\nFRESH\n")).json()
    assert (report["inserted"], report["already_existing"]) == (1, 1)


async def test_dry_run_reports_and_stores_nothing(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client)
    await upload(client, code["id"], b"EXISTING\n")
    response = await upload(
        client, code["id"], b"existing\nNEW1\nNEW1\nNEW2\nbad!\n", dry_run="true"
    )
    report = response.json()
    assert report["dry_run"] is True
    assert (
        report["inserted"],
        report["duplicates_in_file"],
        report["already_existing"],
        report["invalid_count"],
    ) == (2, 1, 1, 1)
    assert await all_values(client, code["id"]) == ["EXISTING"]
    actions = (
        await client.get(
            "/v1/audit-log", params={"object_id": code["id"], "action": "promocode.upload_values"}
        )
    ).json()["items"]
    assert len(actions) == 1  # the first, real upload only


async def test_upload_is_audited(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client)
    await upload(client, code["id"], b"AUD1\nAUD2\nbad!\n")
    entries = (
        await client.get(
            "/v1/audit-log", params={"object_id": code["id"], "action": "promocode.upload_values"}
        )
    ).json()["items"]
    assert len(entries) == 1
    assert entries[0]["after"] == {
        "inserted": 2,
        "duplicates_in_file": 0,
        "already_existing": 0,
        "invalid_count": 1,
        "lines": 3,
        "dry_run": False,
    }


async def test_multipart_upload(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client)
    response = await client.post(
        f"/v1/promocodes/{code['id']}/values",
        files={"file": ("codes.csv", b"M1\r\nM2\r\nm1\r\n", "text/csv")},
    )
    assert response.status_code == 200, response.text
    assert (response.json()["inserted"], response.json()["duplicates_in_file"]) == (2, 1)
    response = await client.post(
        f"/v1/promocodes/{code['id']}/values", files={"other": ("x.txt", b"M3\n", "text/plain")}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "file"]


async def test_streamed_chunked_upload(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client)

    async def body() -> Any:
        for i in range(0, 20_000, 1000):
            yield "".join(f"S{j:06d}\n" for j in range(i, i + 1000)).encode()

    response = await client.post(
        f"/v1/promocodes/{code['id']}/values",
        content=body(),
        headers={"Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["inserted"] == 20_000
    promocode = (await client.get(f"/v1/promocodes/{code['id']}")).json()
    assert promocode["counts"]["values"] == 20_000


async def test_upload_refuses_non_bulk_and_bad_content_type(client: httpx.AsyncClient) -> None:
    shared = await create_promocode(client, type="shared", value="ONLYONE")
    response = await upload(client, shared["id"], b"A\n")
    assert response.status_code == 409
    assert response.json()["code"] == "not_bulk"
    bulk = await create_promocode(client)
    response = await client.post(
        f"/v1/promocodes/{bulk['id']}/values",
        content=b'{"values": ["A"]}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert response.json()["errors"][0]["loc"] == ["header", "content-type"]


# -- generate ---------------------------------------------------------------------------------


async def generate(client: httpx.AsyncClient, promocode_id: str, **body: Any) -> httpx.Response:
    return await client.post(f"/v1/promocodes/{promocode_id}/values/generate", json=body)


async def test_generate_with_default_charset(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client)
    response = await generate(client, code["id"], count=500)
    assert response.status_code == 200, response.text
    assert response.json()["generated"] == 500
    values = await all_values(client, code["id"])
    assert len(values) == len({v.lower() for v in values}) == 500
    assert all(re.fullmatch(r"[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}", v) for v in values)


async def test_generate_with_charset_prefix_suffix(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client)
    response = await generate(
        client, code["id"], count=300, length=5, charset="XYZ789", prefix="PRE_", suffix="-s"
    )
    assert response.status_code == 200, response.text
    values = await all_values(client, code["id"])
    assert len(set(values)) == 300
    assert all(re.fullmatch(r"PRE_[XYZ789]{5}-s", v) for v in values)


async def test_generate_with_pattern_fills_a_dense_space_without_duplicates(
    client: httpx.AsyncClient,
) -> None:
    code = await create_promocode(client)
    # 1,000 possible values, 500 wanted: collisions are certain, and redrawn.
    response = await generate(client, code["id"], count=500, pattern="XMAS-###")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["generated"] == 500
    assert report["rounds"] >= 1
    values = await all_values(client, code["id"])
    assert len(set(values)) == 500
    assert all(re.fullmatch(r"XMAS-[0-9]{3}", v) for v in values)


async def test_generate_avoids_values_of_other_promocodes(client: httpx.AsyncClient) -> None:
    first = await create_promocode(client)
    second = await create_promocode(client, name="Second")
    await generate(client, first["id"], count=200, pattern="Q##?")  # space 2,600
    response = await generate(client, second["id"], count=1000, pattern="Q##?")
    assert response.status_code == 200, response.text
    a = {v.lower() for v in await all_values(client, first["id"])}
    b = {v.lower() for v in await all_values(client, second["id"])}
    assert (len(a), len(b)) == (200, 1000)
    assert not a & b


@pytest.mark.parametrize(
    ("body", "loc", "error_type"),
    [
        ({"count": 600, "pattern": "X-###"}, ["body", "pattern"], "space_too_small"),
        ({"count": 10, "length": 1, "charset": "AB"}, ["body", "length"], "space_too_small"),
        ({"count": 1, "pattern": "X-###", "length": 4}, ["body", "length"], "invalid_shape"),
        ({"count": 1, "charset": "aA"}, ["body", "charset"], "invalid_shape"),
        ({"count": 1, "prefix": "a b"}, ["body", "prefix"], "invalid_shape"),
        ({"count": 1, "length": 60, "prefix": "LONGPREFIX"}, ["body", "length"], "invalid_shape"),
        ({"count": 1, "pattern": "NORANDOM"}, ["body", "pattern"], "invalid_shape"),
        ({"count": 0}, ["body", "count"], "greater_than_equal"),
        ({"count": 10_000_001}, ["body", "count"], "less_than_equal"),
        ({"count": 1, "length": 65}, ["body", "length"], "less_than_equal"),
    ],
)
async def test_generate_refusals_name_the_field(
    client: httpx.AsyncClient, body: dict[str, Any], loc: list[str], error_type: str
) -> None:
    code = await create_promocode(client)
    response = await generate(client, code["id"], **body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == loc
    assert response.json()["errors"][0]["type"] == error_type
    assert await all_values(client, code["id"]) == []


async def test_space_check_counts_existing_values_of_the_shape(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client)
    assert (await generate(client, code["id"], count=400, pattern="Z-###")).status_code == 200
    response = await generate(client, code["id"], count=101, pattern="Z-###")
    assert response.status_code == 422
    assert "next to 400 existing values" in response.json()["detail"]
    assert (await generate(client, code["id"], count=100, pattern="Z-###")).status_code == 200


async def test_generate_refuses_non_bulk_and_is_audited(client: httpx.AsyncClient) -> None:
    shared = await create_promocode(client, type="shared", value="GEN-SHARED")
    assert (await generate(client, shared["id"], count=1)).status_code == 409
    code = await create_promocode(client)
    await generate(client, code["id"], count=3, pattern="AUD-##")
    entries = (
        await client.get(
            "/v1/audit-log",
            params={"object_id": code["id"], "action": "promocode.generate_values"},
        )
    ).json()["items"]
    assert len(entries) == 1
    assert entries[0]["after"]["pattern"] == "AUD-##"
    assert entries[0]["after"]["generated"] == 3


# -- list / export ----------------------------------------------------------------------------


async def mark(
    database: Database, promocode_id: str, value: str, status: str, customer: str | None
) -> None:
    now = utcnow()
    async with database.unit_of_work() as session:
        await session.execute(
            update(PromocodeValue)
            .where(PromocodeValue.promocode_id == promocode_id, PromocodeValue.value == value)
            .values(
                status=status,
                customer_id=customer,
                allocated_at=now.replace(
                    year=2026, month=12, day=1, hour=10, minute=0, second=0, microsecond=0
                ),
                redeemed_at=(
                    now.replace(
                        year=2026, month=12, day=2, hour=11, minute=30, second=0, microsecond=0
                    )
                    if status == "redeemed"
                    else None
                ),
            )
        )


async def test_values_list_search_status_and_pagination(
    client: httpx.AsyncClient, database: Database
) -> None:
    code = await create_promocode(client)
    await upload(client, code["id"], b"ABC-1\nABC-2\nabd-3\nXYZ_9\nXY_Z\n")
    await mark(database, code["id"], "ABC-2", "allocated", "c-1")
    await mark(database, code["id"], "XYZ_9", "redeemed", "c-2")
    # By status (allocated, available, redeemed), then in upload order.
    assert await all_values(client, code["id"]) == ["ABC-2", "ABC-1", "abd-3", "XY_Z", "XYZ_9"]
    assert await all_values(client, code["id"], q="abc") == ["ABC-2", "ABC-1"]
    assert await all_values(client, code["id"], q="AB") == ["ABC-2", "ABC-1", "abd-3"]
    assert await all_values(client, code["id"], q="xy_") == ["XY_Z"]  # '_' is literal
    assert await all_values(client, code["id"], status="available") == ["ABC-1", "abd-3", "XY_Z"]
    assert await all_values(client, code["id"], status="redeemed", q="x") == ["XYZ_9"]
    page = (await client.get(f"/v1/promocodes/{code['id']}/values", params={"limit": 2})).json()
    assert [i["value"] for i in page["items"]] == ["ABC-2", "ABC-1"]
    assert page["items"][0] == {
        "value": "ABC-2",
        "status": "allocated",
        "customer_id": "c-1",
        "allocated_at": "2026-12-01T10:00:00Z",
        "redeemed_at": None,
    }
    second = (
        await client.get(
            f"/v1/promocodes/{code['id']}/values",
            params={"limit": 2, "cursor": page["next_cursor"]},
        )
    ).json()
    assert [i["value"] for i in second["items"]] == ["abd-3", "XY_Z"]
    bad = await client.get(f"/v1/promocodes/{code['id']}/values", params={"cursor": "Mg"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["query", "cursor"]
    bad = await client.get(f"/v1/promocodes/{code['id']}/values", params={"status": "gone"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["query", "status"]
    promocode = (await client.get(f"/v1/promocodes/{code['id']}")).json()
    assert promocode["counts"] == {"values": 5, "available": 3, "allocated": 1, "redeemed": 1}


async def test_export_csv(client: httpx.AsyncClient, database: Database) -> None:
    code = await create_promocode(client)
    await upload(client, code["id"], b"E1\nE2\nE3\n")
    await mark(database, code["id"], "E2", "redeemed", "cust,with,commas")
    response = await client.get(f"/v1/promocodes/{code['id']}/values", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    assert response.text == (
        "value,status,customer_id,allocated_at,redeemed_at\r\n"
        "E1,available,,,\r\n"
        "E3,available,,,\r\n"
        'E2,redeemed,"cust,with,commas",2026-12-01T10:00:00Z,2026-12-02T11:30:00Z\r\n'
    )
    by_header = await client.get(
        f"/v1/promocodes/{code['id']}/values", headers={"Accept": "text/csv"}
    )
    assert by_header.text == response.text
    filtered = await client.get(
        f"/v1/promocodes/{code['id']}/values", params={"format": "csv", "status": "redeemed"}
    )
    assert filtered.text.splitlines()[1:] == [
        'E2,redeemed,"cust,with,commas",2026-12-01T10:00:00Z,2026-12-02T11:30:00Z'
    ]


async def test_export_streams_many_values_in_chunks(client: httpx.AsyncClient) -> None:
    code = await create_promocode(client)
    content = "".join(f"EX{i:05d}\n" for i in range(12_345)).encode()
    await upload(client, code["id"], content)
    async with client.stream(
        "GET", f"/v1/promocodes/{code['id']}/values", params={"format": "csv"}
    ) as response:
        chunks = [chunk async for chunk in response.aiter_text()]
    rows = list(csv.reader(io.StringIO("".join(chunks))))
    assert rows[0] == ["value", "status", "customer_id", "allocated_at", "redeemed_at"]
    assert [r[0] for r in rows[1:]] == [f"EX{i:05d}" for i in range(12_345)]


async def test_export_of_other_tenants_promocode_is_404(
    app: FastAPI, client: httpx.AsyncClient, database: Database
) -> None:
    code = await create_promocode(client)
    other = await make_tenant(database)
    async with make_client(app, other.admin_key) as other_client:
        response = await other_client.get(
            f"/v1/promocodes/{code['id']}/values", params={"format": "csv"}
        )
    assert response.status_code == 404
