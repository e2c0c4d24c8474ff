"""Bad input everywhere (issue 13, part 3; docs/limits.md): each row sends one kind of bad
request and asserts the status, the field named in ``errors[].loc`` and that nothing was
stored (every table's row count is the same before and after).

Runs on SQLite and, with ``OPENPROMO_TEST_DATABASE_URL``, on PostgreSQL, where NUL characters
and integers beyond a column's range used to reach the database and answer 500.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from openpromo.api.limits import JSON_BODY_LIMIT, UPLOAD_BODY_LIMIT, VALIDATION_BODY_LIMIT
from openpromo.db import Database
from openpromo.kit.schema import JSON_MAX_DEPTH, TEXT_MAX_LENGTH
from openpromo.models.base import Base
from openpromo.validation.schemas import MAX_CONTEXTS
from tests.conftest import TenantFixture
from tests.validation.factory import ctx, setup_world


@dataclass
class World:
    promotion_id: str
    promocode_id: str  # a bulk promocode (uploads)


@pytest.fixture
async def world(client: httpx.AsyncClient, database: Database, tenant: TenantFixture) -> World:
    made = await setup_world(database, tenant.id)
    schema = {"properties": [{"key": "country", "type": "string"}]}
    assert (await client.put("/v1/schemas/customer", json=schema)).status_code == 200
    bulk = await client.post("/v1/promocodes", json={"name": "Pool", "type": "bulk"})
    assert bulk.status_code == 201, bulk.text
    return World(made.promotion_id, bulk.json()["id"])


async def row_counts(database: Database) -> dict[str, int]:
    async with database.unit_of_work(write=False) as session:
        return {
            table.name: int(await session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


async def chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """A body streamed in chunks (no Content-Length: chunked transfer encoding)."""
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b"A" * piece


def deep(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"k": value}
    return value


@dataclass
class Case:
    id: str
    method: str
    path: str  # {promotion_id} and {promocode_id} are filled in from the world
    status: int
    loc: list[Any]  # errors[0].loc, exactly
    type: str | None = None  # errors[0].type, when it says more than the status
    json: Any = None
    content: bytes | Callable[[], AsyncIterator[bytes]] | None = None
    headers: dict[str, str] = field(default_factory=dict)


VALIDATE = "/v1/promotions/{promotion_id}/validate-customers"
CAMPAIGNS = "/v1/campaigns"
CUSTOMER = "/v1/customers/c1"
UPLOAD = "/v1/promocodes/{promocode_id}/values"
JSON = {"content-type": "application/json"}
LONG = "x" * (TEXT_MAX_LENGTH + 1)

CASES = [
    # -- malformed JSON: 422 at body (docs/limits.md) -------------------------------------------
    Case(
        "json-truncated",
        "POST",
        CAMPAIGNS,
        422,
        ["body", 9],
        "json_invalid",
        content=b'{"name": ',
        headers=JSON,
    ),
    Case(
        "json-truncated-lean",
        "POST",
        VALIDATE,
        422,
        ["body"],
        "json_invalid",
        content=b'{"contexts": [',
        headers=JSON,
    ),
    Case(
        "json-huge-integer",
        "POST",
        CAMPAIGNS,
        422,
        ["body"],
        "json_invalid",
        content=b'{"name": "x", "n": ' + b"9" * 5000 + b"}",
        headers=JSON,
    ),
    # -- wrong or missing Content-Type: 415 naming the header -----------------------------------
    Case(
        "content-type-text",
        "POST",
        CAMPAIGNS,
        415,
        ["header", "content-type"],
        content=b'{"name": "x"}',
        headers={"content-type": "text/plain"},
    ),
    Case(
        "content-type-missing",
        "POST",
        CAMPAIGNS,
        415,
        ["header", "content-type"],
        content=b'{"name": "x"}',
    ),
    Case(
        "content-type-form-lean",
        "POST",
        VALIDATE,
        415,
        ["header", "content-type"],
        content=b"contexts=1",
        headers={"content-type": "application/x-www-form-urlencoded"},
    ),
    Case(
        "content-type-upload",
        "POST",
        UPLOAD,
        415,
        ["header", "content-type"],
        content=b"A1\n",
        headers={"content-type": "application/xml"},
    ),
    # -- bodies over the limit: 413, refused before they are read whole ------------------------
    Case(
        "too-large-declared",
        "POST",
        CAMPAIGNS,
        413,
        ["body"],
        "payload_too_large",
        content=b"{}",
        headers={**JSON, "content-length": str(JSON_BODY_LIMIT + 1)},
    ),
    Case(
        "too-large-chunked",
        "POST",
        CAMPAIGNS,
        413,
        ["body"],
        "payload_too_large",
        content=lambda: chunks(JSON_BODY_LIMIT + 1),
        headers=JSON,
    ),
    Case(
        "too-large-validation",
        "POST",
        VALIDATE,
        413,
        ["body"],
        "payload_too_large",
        content=lambda: chunks(VALIDATION_BODY_LIMIT + 1, 1024 * 1024),
        headers=JSON,
    ),
    Case(
        "too-large-upload-declared",
        "POST",
        UPLOAD,
        413,
        ["body"],
        "payload_too_large",
        content=b"A1\n",
        headers={"content-type": "text/plain", "content-length": str(UPLOAD_BODY_LIMIT + 1)},
    ),
    # -- NUL and control characters: 422 naming the field (not a 500 from PostgreSQL) ----------
    Case(
        "nul-typed-string",
        "POST",
        CAMPAIGNS,
        422,
        ["body", "name"],
        "control_character",
        json={"name": "Spring\x00"},
    ),
    Case(
        "control-typed-string",
        "POST",
        CAMPAIGNS,
        422,
        ["body", "channel"],
        "control_character",
        json={"name": "Spring", "channel": "e\x1bmail"},
    ),
    Case(
        "nul-free-json",
        "PUT",
        CUSTOMER,
        422,
        ["body", "properties", "country"],
        "control_character",
        json={"properties": {"country": "F\x00R"}},
    ),
    Case(
        "nul-free-json-key",
        "PUT",
        CUSTOMER,
        422,
        ["body", "properties", "a\x00"],
        "control_character",
        json={"properties": {"a\x00": "x"}},
    ),
    Case(
        "nul-in-context",
        "POST",
        VALIDATE,
        422,
        ["body", "contexts", 0, "customer_id"],
        "control_character",
        json={"contexts": [ctx("c\x001")]},
    ),
    Case(
        "nul-in-context-session",
        "POST",
        VALIDATE,
        422,
        ["body", "contexts", 0, "session", "deposit"],
        "control_character",
        json={"contexts": [ctx("c1", "1\x00")]},
    ),
    Case(
        "nul-in-tiers",
        "PUT",
        "/v1/promotions/{promotion_id}/tiers",
        422,
        ["body", "tiers", 0, "name"],
        "control_character",
        json={"tiers": [{"name": "\x00"}]},
    ),
    Case(
        "nul-in-path",
        "GET",
        "/v1/promotions/%00",
        422,
        ["path", "promotion_id"],
        "control_character",
    ),
    Case(
        "nul-in-path-put",
        "PUT",
        "/v1/customers/c%001",
        422,
        ["path", "customer_id"],
        "control_character",
        json={"properties": {}},
    ),
    Case("nul-in-query", "GET", "/v1/promocodes?q=%00", 422, ["query", "q"], "control_character"),
    Case(
        "lone-surrogate",
        "PUT",
        CUSTOMER,
        422,
        ["body", "properties", "country"],
        content=b'{"properties": {"country": "a\\udc00"}}',
        headers=JSON,
    ),
    Case(
        "nan-free-json",
        "PUT",
        CUSTOMER,
        422,
        ["body", "properties", "country"],
        "finite_number",
        content=b'{"properties": {"country": NaN}}',
        headers=JSON,
    ),
    # -- over-long strings -----------------------------------------------------------------------
    Case(
        "long-typed-string",
        "POST",
        CAMPAIGNS,
        422,
        ["body", "name"],
        "string_too_long",
        json={"name": "x" * 201},
    ),
    Case(
        "long-free-json-string",
        "PUT",
        CUSTOMER,
        422,
        ["body", "properties", "country"],
        "string_too_long",
        json={"properties": {"country": LONG}},
    ),
    Case(
        "long-context-reference",
        "POST",
        VALIDATE,
        422,
        ["body", "contexts", 0, "reference"],
        "string_too_long",
        json={"contexts": [ctx("c1", reference="r" * 256)]},
    ),
    Case(
        "long-password",
        "POST",
        "/v1/users",
        422,
        ["body", "password"],
        "string_too_long",
        json={"email": "a@example.com", "password": "p" * 1025},
    ),
    Case(
        "too-deep-json",
        "PUT",
        CUSTOMER,
        422,
        ["body", "properties", *["k"] * JSON_MAX_DEPTH],
        "too_deep",
        json={"properties": deep(JSON_MAX_DEPTH + 1)},
    ),
    # -- numbers out of range --------------------------------------------------------------------
    Case(
        "int-beyond-column",
        "POST",
        "/v1/promocodes",
        422,
        ["body", "max_redemptions"],
        "less_than_equal",
        json={"name": "S", "type": "shared", "value": "S1", "max_redemptions": 2**31},
    ),
    Case(
        "int-beyond-int64-free-json",
        "PUT",
        CUSTOMER,
        422,
        ["body", "properties", "country"],
        "int_out_of_range",
        json={"properties": {"country": 2**64}},
    ),
    Case(
        "int-beyond-int64-cap",
        "PUT",
        "/v1/promotions/{promotion_id}/budgets",
        422,
        ["body", "audience_caps", 0, "limit"],
        "less_than_equal",
        json={"audience_caps": [{"window": "day", "limit": 2**63}]},
    ),
    Case(
        "decimal-beyond-precision",
        "POST",
        "/v1/reward-types",
        422,
        ["body", "constraints", "max_value"],
        "less_than",
        json={
            "key": "cash",
            "name": "Cash",
            "category": "amount",
            "currency": "EUR",
            "constraints": {"max_value": "1e13"},
        },
    ),
    Case(
        "decimal-string-too-long",
        "PUT",
        "/v1/promotions/{promotion_id}/budgets",
        422,
        ["body", "reward_budgets", 0, "limit"],
        "string_too_long",
        json={
            "reward_budgets": [
                {"reward_type": "eur_bonus", "window": "day", "limit": "1" + "0" * 70}
            ]
        },
    ),
    # -- invalid time zones ----------------------------------------------------------------------
    Case(
        "timezone-unknown",
        "PATCH",
        "/v1/tenant",
        422,
        ["body", "timezone"],
        "invalid_timezone",
        json={"timezone": "Mars/Olympus_Mons"},
    ),
    Case(
        "timezone-path",
        "PATCH",
        "/v1/tenant",
        422,
        ["body", "timezone"],
        "invalid_timezone",
        json={"timezone": "../../etc/passwd"},
    ),
    Case(
        "timezone-too-long",
        "PATCH",
        "/v1/tenant",
        422,
        ["body", "timezone"],
        "string_too_long",
        json={"timezone": "Europe/" + "x" * 100},
    ),
    Case(
        "timezone-nul",
        "PATCH",
        "/v1/tenant",
        422,
        ["body", "timezone"],
        "control_character",
        json={"timezone": "Europe/Paris\x00"},
    ),
    # -- unknown fields: refused, named ----------------------------------------------------------
    Case(
        "unknown-field",
        "POST",
        CAMPAIGNS,
        422,
        ["body", "nmae"],
        "extra_forbidden",
        json={"name": "Spring", "nmae": "typo"},
    ),
    Case(
        "unknown-field-nested",
        "POST",
        VALIDATE,
        422,
        ["body", "contexts", 0, "sesion"],
        "extra_forbidden",
        json={"contexts": [{"customer_id": "c1", "sesion": {}}]},
    ),
    # -- list lengths ----------------------------------------------------------------------------
    Case(
        "too-many-contexts",
        "POST",
        VALIDATE,
        422,
        ["body", "contexts"],
        "too_long",
        json={"contexts": [{"customer_id": f"c{i}"} for i in range(MAX_CONTEXTS + 1)]},
    ),
    Case(
        "too-many-tiers",
        "PUT",
        "/v1/promotions/{promotion_id}/tiers",
        422,
        ["body", "tiers"],
        "too_long",
        json={"tiers": [{"name": "t"}] * 101},
    ),
    Case(
        "too-many-context-values",
        "POST",
        VALIDATE,
        422,
        ["body", "contexts", 0, "session"],
        "too_long",
        json={"contexts": [{"customer_id": "c1", "session": {f"k{i}": 1 for i in range(501)}}]},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_bad_input_is_refused_naming_the_field(
    case: Case, client: httpx.AsyncClient, database: Database, world: World
) -> None:
    path = case.path.format(promotion_id=world.promotion_id, promocode_id=world.promocode_id)
    content = case.content() if callable(case.content) else case.content
    before = await row_counts(database)
    response = await client.request(
        case.method, path, json=case.json, content=content, headers=case.headers
    )
    assert response.status_code == case.status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == case.status
    error = problem["errors"][0]
    assert error["loc"] == case.loc, problem
    if case.type is not None:
        assert error["type"] == case.type, problem
    assert await row_counts(database) == before


async def test_a_streamed_body_is_refused_before_it_is_read_whole(
    client: httpx.AsyncClient, database: Database, world: World
) -> None:
    """The chunks after the limit are never pulled from the client."""
    pulled = [0]
    size = 64 * 1024

    async def body() -> AsyncIterator[bytes]:
        for _ in range(10 * JSON_BODY_LIMIT // size):
            pulled[0] += 1
            yield b" " * size

    response = await client.post(CAMPAIGNS, content=body(), headers=JSON)
    assert response.status_code == 413
    assert pulled[0] <= JSON_BODY_LIMIT // size + 2


async def test_upload_endpoints_take_more_than_the_json_limit(
    client: httpx.AsyncClient, world: World
) -> None:
    lines = b"".join(b"V%07d\n" % i for i in range(JSON_BODY_LIMIT // 8 + 1000))
    assert len(lines) > JSON_BODY_LIMIT
    response = await client.post(
        f"/v1/promocodes/{world.promocode_id}/values",
        content=lines,
        headers={"content-type": "text/plain"},
        params={"dry_run": "true"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["inserted"] == JSON_BODY_LIMIT // 8 + 1000


async def test_the_limits_are_in_the_openapi(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    campaigns = spec["paths"]["/v1/campaigns"]["post"]
    assert campaigns["x-body-limit-bytes"] == JSON_BODY_LIMIT
    assert {"413", "415"} <= set(campaigns["responses"])
    upload = spec["paths"]["/v1/promocodes/{promocode_id}/values"]["post"]
    assert upload["x-body-limit-bytes"] == UPLOAD_BODY_LIMIT
    validate = spec["paths"]["/v1/validate"]["post"]
    assert validate["x-body-limit-bytes"] == VALIDATION_BODY_LIMIT
    contexts = spec["components"]["schemas"]["ValidateRequest"]["properties"]["contexts"]
    assert contexts["maxItems"] == MAX_CONTEXTS
    name = spec["components"]["schemas"]["CampaignCreate"]["properties"]["name"]
    assert (name["maxLength"], name["pattern"]) == (200, json.loads(json.dumps(name["pattern"])))
