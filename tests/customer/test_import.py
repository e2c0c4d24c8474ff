from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from openpromo.customer.ingest import parse_json_line
from tests.conftest import is_postgres
from tests.customer.helpers import put_customer_schema

NDJSON = {"content-type": "application/x-ndjson"}
CSV = {"content-type": "text/csv"}


@pytest.fixture
async def schema(client: httpx.AsyncClient) -> None:
    await put_customer_schema(client)


async def _import(
    client: httpx.AsyncClient, body: bytes | str, headers: dict[str, str], **params: Any
) -> dict[str, Any]:
    response = await client.post(
        "/v1/customers/import", content=body, headers=headers, params=params
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_ndjson_with_bad_rows(client: httpx.AsyncClient, schema: None) -> None:
    body = "\n".join(
        [
            '{"customer_id": "n1", "vip_level": "gold", "deposits": 3, "ltv": "10.50"}',
            "",
            '{"customer_id": "n2", "vip_level": "diamond"}',
            "{not json",
            '["an", "array"]',
            '{"vip_level": "gold"}',
            '{"customer_id": "n3", "newsletter": "true", "tags": ["x"]}',
            '{"customer_id": "n4", "shoe_size": 43}',
            '{"customer_id": 12, "deposits": 1}',
        ]
    )
    report = await _import(client, body, NDJSON)
    assert report["rows_read"] == 8
    assert report["rows_upserted"] == 3
    assert report["rows_rejected"] == 5
    assert report["dry_run"] is False
    errors = report["errors"]
    assert [(e["line"], e["customer_id"], e["loc"]) for e in errors] == [
        (3, "n2", ["vip_level"]),
        (4, None, []),
        (5, None, []),
        (6, None, ["customer_id"]),
        (8, "n4", ["shoe_size"]),
    ]
    assert errors[0]["msg"].startswith("vip_level: 'diamond' is not one of the allowed values")
    assert errors[1]["msg"].startswith("not valid JSON")
    assert errors[2]["msg"] == "each line must be a JSON object"
    assert errors[3]["msg"] == "customer_id is missing"
    assert errors[4]["msg"] == "shoe_size: unknown property"
    n1 = (await client.get("/v1/customers/n1")).json()
    assert n1["properties"] == {"vip_level": "gold", "deposits": 3, "ltv": "10.50"}
    assert n1["sources"]["ltv"]["source"] == "import"
    n3 = (await client.get("/v1/customers/n3")).json()
    assert n3["properties"] == {"newsletter": True, "tags": ["x"]}
    # A numeric customer id is read as its string.
    assert (await client.get("/v1/customers/12")).json()["properties"] == {"deposits": 1}
    assert (await client.get("/v1/customers/n2")).status_code == 404


async def test_csv_types_empty_cells_quotes_and_line_numbers(
    client: httpx.AsyncClient, schema: None
) -> None:
    await client.put("/v1/customers/k1", json={"properties": {"country": "FR", "ltv": "1"}})
    body = (
        "customer_id,vip_level,deposits,newsletter,birth_date,country,tags\r\n"
        "k1,silver,4,yes,1980-01-31,,a|b\r\n"
        'k2,"gold",0,false,2000-12-01,"Côte d\'Ivoire, the ""best""",\r\n'
        '"k3",bronze,x,1,,"multi\nline",\r\n'
        "k4,bronze,1,0,2001-02-30,DE,\r\n"
        "k5,bronze\r\n"
        "k6,,,,,,\r\n"
    )
    report = await _import(client, body, CSV)
    assert (report["rows_read"], report["rows_upserted"], report["rows_rejected"]) == (6, 3, 3)
    assert [(e["line"], e["customer_id"], e["loc"]) for e in report["errors"]] == [
        (4, "k3", ["deposits"]),
        (6, "k4", ["birth_date"]),
        (7, "k5", []),
    ]
    k1 = (await client.get("/v1/customers/k1")).json()
    # The empty country cell removed the stored value; ltv (not a column) is untouched.
    assert k1["properties"] == {
        "ltv": "1",
        "vip_level": "silver",
        "deposits": 4,
        "newsletter": True,
        "birth_date": "1980-01-31",
        "tags": ["a", "b"],
    }
    k2 = (await client.get("/v1/customers/k2")).json()
    assert k2["properties"]["country"] == 'Côte d\'Ivoire, the "best"'
    assert k2["properties"]["newsletter"] is False
    assert "tags" not in k2["properties"]
    assert (await client.get("/v1/customers/k6")).json()["properties"] == {}


async def test_csv_without_customer_id_column_is_refused(
    client: httpx.AsyncClient, schema: None
) -> None:
    response = await client.post(
        "/v1/customers/import", content="id,vip_level\nx,gold\n", headers=CSV
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body"]
    assert response.json()["detail"] == "the CSV header row has no customer_id column"


async def test_dry_run_stores_nothing(client: httpx.AsyncClient, schema: None) -> None:
    body = '{"customer_id": "d1", "deposits": 1}\n{"customer_id": "d2", "deposits": -1}\n'
    report = await _import(client, body, NDJSON, dry_run="true")
    assert report["dry_run"] is True
    assert (report["rows_read"], report["rows_upserted"], report["rows_rejected"]) == (2, 1, 1)
    assert report["errors"][0]["msg"] == "deposits: -1 is less than the minimum 0"
    assert (await client.get("/v1/customers/d1")).status_code == 404


async def test_multipart_file_and_format_detection(client: httpx.AsyncClient, schema: None) -> None:
    response = await client.post(
        "/v1/customers/import",
        files={"file": ("people.csv", b"customer_id,deposits\nm1,5\n", "application/octet-stream")},
    )
    assert response.status_code == 200, response.text
    assert response.json()["rows_upserted"] == 1
    response = await client.post(
        "/v1/customers/import",
        files={
            "file": (
                "people.bin",
                b'{"customer_id": "m2", "deposits": 6}\n',
                "application/x-ndjson",
            )
        },
    )
    assert response.json()["rows_upserted"] == 1
    assert (await client.get("/v1/customers/m2")).json()["properties"] == {"deposits": 6}
    missing = await client.post("/v1/customers/import", files={"other": ("x.csv", b"", "text/csv")})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["loc"] == ["body", "file"]


async def test_unknown_format_and_format_override(client: httpx.AsyncClient, schema: None) -> None:
    response = await client.post(
        "/v1/customers/import", content=b"customer_id\nz\n", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["header", "content-type"]
    report = await _import(
        client, b"customer_id\nz1\n", {"content-type": "text/plain"}, format="csv"
    )
    assert report["rows_upserted"] == 1


async def test_invalid_utf8_is_refused(client: httpx.AsyncClient, schema: None) -> None:
    response = await client.post(
        "/v1/customers/import", content=b'{"customer_id": "\xff"}\n', headers=NDJSON
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "invalid_encoding"


async def test_empty_body(client: httpx.AsyncClient, schema: None) -> None:
    report = await _import(client, b"", NDJSON)
    assert (report["rows_read"], report["rows_upserted"], report["rows_rejected"]) == (0, 0, 0)
    empty_csv = await client.post("/v1/customers/import", content=b"", headers=CSV)
    assert empty_csv.status_code == 422


async def test_not_synchronised_columns_are_reported(
    client: httpx.AsyncClient, schema: None
) -> None:
    await client.put("/v1/customer-sync", json={"properties": ["deposits", "vip_level"]})
    report = await _import(client, b"customer_id,deposits,country,ltv\ns1,2,FR,1.5\n", CSV)
    assert report["rows_upserted"] == 1
    assert report["not_synchronised"] == ["country", "ltv"]
    assert report["warnings"] == [
        "property 'country' is in the customer schema but not synchronised: not stored",
        "property 'ltv' is in the customer schema but not synchronised: not stored",
    ]
    assert (await client.get("/v1/customers/s1")).json()["properties"] == {"deposits": 2}


async def test_large_streamed_import_batches_duplicates_and_error_cap(
    client: httpx.AsyncClient, schema: None
) -> None:
    """5,000 rows (3 batches), a customer repeated across batches, 1,200 bad rows."""

    def lines() -> Any:
        for i in range(5_000):
            if i % 4 == 3 and i < 4_800:
                yield json.dumps({"customer_id": f"big-{i}", "deposits": -1}) + "\n"
            else:
                yield json.dumps({"customer_id": f"big-{i % 3_000}", "deposits": i}) + "\n"

    async def stream() -> Any:
        chunk: list[str] = []
        for line in lines():
            chunk.append(line)
            if len(chunk) == 333:
                yield "".join(chunk).encode()
                chunk = []
        yield "".join(chunk).encode()

    response = await client.post("/v1/customers/import", content=stream(), headers=NDJSON)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["rows_read"] == 5_000
    assert report["rows_rejected"] == 1_200
    assert report["rows_upserted"] == 3_800
    assert len(report["errors"]) == 1_000
    assert report["errors"][0]["line"] == 4
    assert report["errors"][-1]["line"] == 4_000
    # big-1 was written at line 2 (deposits 1) and again at line 3,002 (deposits 3,001).
    assert (await client.get("/v1/customers/big-1")).json()["properties"] == {"deposits": 3_001}
    count = 0
    cursor = None
    while True:
        params: dict[str, Any] = {"q": "big-", "limit": 200}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/v1/customers", params=params)).json()
        count += len(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # Ids j < 3,000 with j % 4 != 3 (2,250), plus those with j % 4 == 3 whose only valid row
    # is one of the last 200 lines (j in 1,800..1,999: 50).
    assert count == 2_300


async def test_values_postgresql_cannot_store_are_row_errors(
    client: httpx.AsyncClient, schema: None
) -> None:
    body = (
        '{"customer_id": "u1", "country": "a\\u0000b"}\n'
        '{"customer_id": "u2", "country": "\\ud800"}\n'
        '{"customer_id": "u3", "tags": ["ok", "\\u0000"]}\n'
        '{"customer_id": "u4", "country": "Zürich"}\n'
    )
    report = await _import(client, body, NDJSON)
    assert (report["rows_upserted"], report["rows_rejected"]) == (1, 3)
    assert [(e["line"], e["loc"]) for e in report["errors"]] == [
        (1, ["country"]),
        (2, ["country"]),
        (3, ["tags"]),
    ]
    assert "NUL character" in report["errors"][0]["msg"]
    assert (await client.get("/v1/customers/u4")).json()["properties"] == {"country": "Zürich"}


async def test_verbatim_and_reserialised_rows_store_the_same_values(
    client: httpx.AsyncClient, schema: None
) -> None:
    """A canonical line is stored as sent (minus customer_id); others are re-serialised."""
    body = (
        '{"customer_id": "v1", "deposits": 5, "ltv": "1.50", "birth_date": "2001-02-03"}\n'
        '{"deposits": 5.0, "customer_id": "v2", "ltv": 1.5, "birth_date": "2001-02-03"}\n'
    )
    report = await _import(client, body, NDJSON)
    assert report["rows_upserted"] == 2
    assert (await client.get("/v1/customers/v1")).json()["properties"] == {
        "deposits": 5,
        "ltv": "1.50",
        "birth_date": "2001-02-03",
    }
    assert (await client.get("/v1/customers/v2")).json()["properties"] == {
        "deposits": 5,
        "ltv": "1.5",
        "birth_date": "2001-02-03",
    }


@pytest.mark.parametrize(
    "line",
    [
        '{"a": 1, "b": "x", "c": [1.5, true, null]}',
        '{"a": "\\ud800"}',  # a lone surrogate: orjson refuses it, the stdlib reads it
        '{"a": NaN}',
        '{"a": 123456789012345678901234567890}',  # beyond 64 bits
        '{"a": 1, "a": 2}',
    ],
)
def test_json_lines_parse_as_the_standard_library_does(line: str) -> None:
    # Compared as JSON text: NaN is not equal to itself.
    assert json.dumps(parse_json_line(line)) == json.dumps(json.loads(line))


@pytest.mark.parametrize("line", ['{"a": ', "[1,]", '{"a" 1}'])
def test_malformed_json_lines_get_the_standard_library_message(line: str) -> None:
    with pytest.raises(ValueError) as ours:
        parse_json_line(line)
    with pytest.raises(ValueError) as stdlib:
        json.loads(line)
    assert str(ours.value) == str(stdlib.value)


def test_a_big_integer_keeps_every_digit() -> None:
    assert parse_json_line('{"a": 123456789012345678901234567890}') == {
        "a": 123456789012345678901234567890
    }


@pytest.fixture
def small_fresh_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports on PostgreSQL try plain INSERTs in savepoints of 25,000 customers and write
    batches of 2,000: make them 6 and 3."""
    from openpromo.customer import fresh_import, ingest

    monkeypatch.setattr(fresh_import, "FRESH_GROUP_ROWS", 6)
    monkeypatch.setattr(ingest, "BATCH_SIZE", 3)


async def test_an_existing_customer_mid_import_is_merged(
    client: httpx.AsyncClient,
    schema: None,
    small_fresh_batches: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """New customers first (plain INSERTs on PostgreSQL), then a batch with one who exists:
    that batch and the rest are merged like any upsert — nothing lost, nothing doubled."""
    from openpromo.customer.repository import CustomerRepository

    plain: list[list[str]] = []
    insert_new_batch = CustomerRepository.insert_new_batch

    async def spy(self: CustomerRepository, batch: Any, stamp: str, now: Any) -> None:
        plain.append(list(batch))
        await insert_new_batch(self, batch, stamp, now)

    monkeypatch.setattr(CustomerRepository, "insert_new_batch", spy)
    await client.put("/v1/customers/f5", json={"properties": {"vip_level": "gold", "ltv": "1"}})
    lines = [json.dumps({"customer_id": f"f{i}", "deposits": i}) for i in range(1, 10)] + [
        json.dumps({"customer_id": "f2", "ltv": "2.50"})
    ]  # f2 again, in a later batch
    report = await _import(client, "\n".join(lines), NDJSON)
    assert (report["rows_upserted"], report["rows_rejected"]) == (10, 0)
    f5 = (await client.get("/v1/customers/f5")).json()
    assert f5["properties"] == {"vip_level": "gold", "ltv": "1", "deposits": 5}
    assert f5["sources"]["vip_level"]["source"] == "api"
    assert f5["sources"]["deposits"]["source"] == "import"
    f2 = (await client.get("/v1/customers/f2")).json()
    assert f2["properties"] == {"deposits": 2, "ltv": "2.50"}
    for i in (1, 3, 9):
        got = (await client.get(f"/v1/customers/f{i}")).json()
        assert got["properties"] == {"deposits": i}
    listed = (await client.get("/v1/customers", params={"q": "f", "limit": 50})).json()
    assert [c["customer_id"] for c in listed["items"]] == [f"f{i}" for i in range(1, 10)]
    if is_postgres():  # plain INSERTs until the batch holding f5, then upserts only
        assert plain == [["f1", "f2", "f3"], ["f4", "f5", "f6"]]
    else:
        assert plain == []


async def test_a_customer_twice_in_one_file_across_batches(
    client: httpx.AsyncClient, schema: None, small_fresh_batches: None
) -> None:
    lines = [json.dumps({"customer_id": f"d{i}", "deposits": i}) for i in range(1, 5)]
    lines.append(json.dumps({"customer_id": "d1", "vip_level": "silver"}))
    lines += [json.dumps({"customer_id": f"d{i}", "deposits": i}) for i in range(5, 9)]
    report = await _import(client, "\n".join(lines), NDJSON)
    assert report["rows_upserted"] == 9
    d1 = (await client.get("/v1/customers/d1")).json()
    assert d1["properties"] == {"deposits": 1, "vip_level": "silver"}
    assert (await client.get("/v1/customers/d8")).json()["properties"] == {"deposits": 8}


async def test_more_batches_than_savepoints_still_stores_everything(
    client: httpx.AsyncClient,
    schema: None,
    small_fresh_batches: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openpromo.customer import fresh_import

    monkeypatch.setattr(fresh_import, "MAX_SAVEPOINTS", 2)
    lines = [json.dumps({"customer_id": f"m{i:02d}", "deposits": i}) for i in range(20)]
    report = await _import(client, "\n".join(lines), NDJSON)
    assert report["rows_upserted"] == 20
    listed = (await client.get("/v1/customers", params={"q": "m", "limit": 50})).json()
    assert len(listed["items"]) == 20
    assert listed["items"][19]["properties"] == {"deposits": 19}


async def test_two_imports_of_the_same_new_customers_at_once_merge(
    client: httpx.AsyncClient, schema: None, small_fresh_batches: None
) -> None:
    """One import's plain INSERTs meet the other's rows: the later one falls back to the
    upsert for them, and every customer ends with both imports' values."""
    ids = [f"cc{i:03d}" for i in range(60)]
    first = "\n".join(json.dumps({"customer_id": c, "deposits": 1}) for c in ids)
    second = "\n".join(json.dumps({"customer_id": c, "ltv": "2"}) for c in ids)
    reports = await asyncio.gather(_import(client, first, NDJSON), _import(client, second, NDJSON))
    assert [r["rows_upserted"] for r in reports] == [60, 60]
    for customer_id in (ids[0], ids[31], ids[59]):
        got = (await client.get(f"/v1/customers/{customer_id}")).json()
        assert got["properties"] == {"deposits": 1, "ltv": "2"}, customer_id
