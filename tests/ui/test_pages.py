"""Promotions, promocodes, campaigns, customers and the simulator through the ASGI client."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from openpromo.db import Database
from openpromo.ledger.service import grant_service
from openpromo.promocode.service import promocode_service
from openpromo.promotion.service import promotion_service
from tests.conftest import TenantFixture, make_tenant
from tests.customer.helpers import put_customer_schema
from tests.ui.conftest import csrf_of, field_error, logged_in, make_user

TIERS = [
    {
        "id": "high",
        "name": "High depositors",
        "condition": {"property": "session.deposit_amount", "op": "gte", "value": "100"},
        "rewards": [{"reward_type": "spins", "value": {"fixed": "20"}}],
    }
]


async def _catalog(ui_app: FastAPI, http: object) -> None:
    """A unit reward type and a session property, through the UI."""
    from httpx import AsyncClient

    assert isinstance(http, AsyncClient)
    rt = await http.post(
        "/ui/settings/reward-types/new",
        data={
            "key": "spins",
            "name": "Free spins",
            "category": "unit",
            "unit_name": "spin",
            "csrf_token": csrf_of(http),
        },
    )
    assert rt.status_code == 303, rt.text
    prop = await http.post(
        "/ui/settings/schemas/session/properties",
        data={"key": "deposit_amount", "type": "decimal", "csrf_token": csrf_of(http)},
    )
    assert prop.status_code == 303, prop.text


def _promotion_id(location: str) -> str:
    match = re.match(r"/ui/promotions/([0-9a-f-]{36})", location)
    assert match is not None, location
    return match.group(1)


async def test_promotion_flow_create_tiers_activate_simulate(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = await make_user(database, tenant.id, "admin")
    async with logged_in(ui_app, editor) as http:
        await _catalog(ui_app, http)
        missing = await http.post("/ui/promotions", data={"name": "", "csrf_token": csrf_of(http)})
        assert missing.status_code == 422
        assert field_error(missing.text, "name") == "required: fill this in"
        assert "<strong>Fill in the name.</strong>" in missing.text
        created = await http.post(
            "/ui/promotions",
            data={"name": "Welcome", "code": "WELCOME", "csrf_token": csrf_of(http)},
        )
        assert created.status_code == 303
        pid = _promotion_id(created.headers["location"])
        base = f"/ui/promotions/{pid}"
        bad_json = await http.post(
            f"{base}/tiers", data={"tiers": "[{", "csrf_token": csrf_of(http)}
        )
        assert bad_json.status_code == 422
        assert (field_error(bad_json.text, "tiers") or "").startswith("not valid JSON")
        bad_tier = [
            {**TIERS[0], "condition": {"property": "session.nope", "op": "gte", "value": "1"}}
        ]
        refused = await http.post(
            f"{base}/tiers", data={"tiers": json.dumps(bad_tier), "csrf_token": csrf_of(http)}
        )
        assert refused.status_code == 422
        assert "tiers.0.condition.property" in refused.text
        assert "session.nope" in (field_error(refused.text, "tiers") or "")
        # The submitted text stays in the editor.
        assert "session.nope" in refused.text
        early = await http.post(f"{base}/activate", data={"csrf_token": csrf_of(http)})
        assert early.status_code == 409
        assert "tier" in early.text
        saved = await http.post(
            f"{base}/tiers", data={"tiers": json.dumps(TIERS), "csrf_token": csrf_of(http)}
        )
        assert saved.status_code == 303
        budgets = await http.post(
            f"{base}/budgets",
            data={
                "budgets": '{"audience_caps": [{"window": "day", "limit": 0}]}',
                "csrf_token": csrf_of(http),
            },
        )
        assert budgets.status_code == 422
        assert "budgets.audience_caps.0.limit" in budgets.text
        ok_budgets = await http.post(
            f"{base}/budgets",
            data={
                "budgets": '{"audience_caps": [{"window": "day", "limit": 10}]}',
                "csrf_token": csrf_of(http),
            },
        )
        assert ok_budgets.status_code == 303
        activated = await http.post(f"{base}/activate", data={"csrf_token": csrf_of(http)})
        assert activated.status_code == 303
        page = await http.get(base)
        assert 'id="promotion-status">active<' in page.text
        assert "Customers · per day — 0 / 10" in page.text

        # The list shows each active promotion's budget bars from its counters: it never
        # reads a promotion's whole ledger (stats' totals and daily series).
        async def no_ledger_scan(*args: object, **kwargs: object) -> None:
            raise AssertionError("the promotion list must not compute full stats")

        with monkeypatch.context() as patched:
            patched.setattr(grant_service, "stats", no_ledger_scan)
            lobby = await http.get("/ui/promotions", params={"status": "active", "q": "welc"})
        assert "Welcome" in lobby.text
        assert "Customers · per day — 0 / 10" in lobby.text
        assert "Welcome" not in (await http.get("/ui/promotions", params={"status": "draft"})).text
        locked = await http.post(
            f"{base}/tiers", data={"tiers": json.dumps(TIERS), "csrf_token": csrf_of(http)}
        )
        assert locked.status_code == 409
        assert "duplicate it to change them" in locked.text

        result = await http.post(
            "/ui/simulator",
            data={
                "target": f"promotion:{pid}",
                "customer_id": "c-1",
                "session": '{"deposit_amount": "150"}',
                "customer": "{}",
                "csrf_token": csrf_of(http),
            },
        )
        assert result.status_code == 200
        assert 'id="sim-eligible">eligible<' in result.text
        assert "High depositors" in result.text
        assert "<strong>20 free spins</strong>" in result.text
        assert 'id="sim-trace"' in result.text
        low = await http.post(
            "/ui/simulator",
            data={
                "target": f"promotion:{pid}",
                "customer_id": "c-2",
                "session": '{"deposit_amount": "5"}',
                "csrf_token": csrf_of(http),
            },
            headers={"HX-Request": "true"},
        )
        assert low.status_code == 200
        assert "<html" not in low.text
        assert "no_tier_matched" in low.text
        invalid = await http.post(
            "/ui/simulator",
            data={
                "target": f"promotion:{pid}",
                "customer_id": "c-3",
                "session": "{oops",
                "csrf_token": csrf_of(http),
            },
        )
        assert invalid.status_code == 422
        assert (field_error(invalid.text, "session") or "").startswith("not valid JSON")

        copy = await http.post(f"{base}/duplicate", data={"csrf_token": csrf_of(http)})
        assert copy.status_code == 303
        copy_id = _promotion_id(copy.headers["location"])
        archived = await http.post(f"{base}/archive", data={"csrf_token": csrf_of(http)})
        assert archived.status_code == 303
    async with database.unit_of_work(write=False) as session:
        stored = await promotion_service.get(session, tenant.principal, pid)
        duplicate = await promotion_service.get(session, tenant.principal, copy_id)
        grants = await session.execute(
            __import__("sqlalchemy").text("SELECT count(*) FROM grants WHERE tenant_id = :t"),
            {"t": tenant.id},
        )
    assert stored.status == "archived"
    assert stored.tiers[0]["id"] == "high"
    assert (duplicate.status, duplicate.name) == ("draft", "Welcome (copy)")
    assert grants.scalar() == 0  # the simulator never grants


async def test_viewer_cannot_edit_promotions_and_editor_can(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    viewer = await make_user(database, tenant.id, "viewer")
    editor = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, viewer) as http:
        page = await http.get("/ui/promotions")
        assert page.status_code == 200
        assert 'id="promotion-create"' not in page.text
        refused = await http.post("/ui/promotions", data={"name": "X", "csrf_token": csrf_of(http)})
        assert refused.status_code == 403
    async with logged_in(ui_app, editor) as http:
        ok = await http.post(
            "/ui/promotions", data={"name": "By editor", "csrf_token": csrf_of(http)}
        )
        assert ok.status_code == 303
        assert (await http.get("/ui/settings/reward-types/new")).status_code == 403


async def test_promotion_of_another_tenant_is_not_found(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    other = await make_tenant(database, "Elsewhere")
    from openpromo.promotion.schemas import PromotionCreate

    async with database.unit_of_work() as session:
        theirs = await promotion_service.create(
            session, other.principal, PromotionCreate(name="Theirs")
        )
    user = await make_user(database, tenant.id, "admin")
    async with logged_in(ui_app, user) as http:
        assert (await http.get(f"/ui/promotions/{theirs.id}")).status_code == 404
        action = await http.post(
            f"/ui/promotions/{theirs.id}/archive", data={"csrf_token": csrf_of(http)}
        )
        assert action.status_code == 404
        sim = await http.post(
            "/ui/simulator",
            data={
                "target": f"promotion:{theirs.id}",
                "customer_id": "c",
                "csrf_token": csrf_of(http),
            },
        )
        assert sim.status_code == 404
        assert "Theirs" not in (await http.get("/ui/promotions")).text


async def test_promocode_create_hide_upload_generate_export_assign(
    ui_app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    user = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, user) as http:
        bad = await http.post(
            "/ui/promocodes",
            data={
                "name": "Shared",
                "type": "shared",
                "value": "bad value!",
                "csrf_token": csrf_of(http),
            },
        )
        assert bad.status_code == 422
        assert field_error(bad.text, "value") is not None
        created = await http.post(
            "/ui/promocodes", data={"name": "Pool", "type": "bulk", "csrf_token": csrf_of(http)}
        )
        assert created.status_code == 303
        cid = created.headers["location"].split("/")[-1].split("?")[0]
        base = f"/ui/promocodes/{cid}"
        upload = await http.post(
            f"{base}/values/upload",
            data={"csrf_token": csrf_of(http)},
            files={"file": ("codes.csv", b"AAA1\nbbb2\nAAA1\nnot valid!\n", "text/csv")},
            headers={"HX-Request": "true"},
        )
        assert upload.status_code == 200
        assert 'id="upload-inserted">2<' in upload.text
        assert "1 duplicates in the file" in upload.text
        assert "not valid!" in upload.text
        generated = await http.post(
            f"{base}/values/generate",
            data={"count": "5", "pattern": "XM-####", "csrf_token": csrf_of(http)},
        )
        assert generated.status_code == 303
        too_small = await http.post(
            f"{base}/values/generate",
            data={"count": "50", "pattern": "Q-#", "csrf_token": csrf_of(http)},
        )
        assert too_small.status_code in (409, 422)
        export = await http.get(f"{base}/values.csv")
        assert export.status_code == 200
        lines = export.text.strip().splitlines()
        assert lines[0] == "value,status,customer_id,allocated_at,redeemed_at"
        assert len(lines) == 1 + 7
        search = await http.get(base, params={"q": "xm-"})
        assert search.text.count("<code>XM-") == 5
        hidden = await http.post(f"{base}/hide", data={"csrf_token": csrf_of(http)})
        assert hidden.status_code == 303
        assert "Pool" not in (await http.get("/ui/promocodes")).text
        assert "Pool" in (await http.get("/ui/promocodes", params={"hidden": "only"})).text
        promo = await http.post(
            "/ui/promotions", data={"name": "For codes", "csrf_token": csrf_of(http)}
        )
        pid = _promotion_id(promo.headers["location"])
        assigned = await http.post(
            f"{base}/promotion", data={"promotion_id": pid, "csrf_token": csrf_of(http)}
        )
        assert assigned.status_code == 303
        campaign = await http.post(
            "/ui/campaigns",
            data={
                "name": "Xmas mail",
                "channel": "email",
                "starts_at": "2026-12-01T00:00",
                "status": "active",
                "csrf_token": csrf_of(http),
            },
        )
        assert campaign.status_code == 303, campaign.text
        campaign_id = campaign.headers["location"].split("/")[-1].split("?")[0]
        linked = await http.post(
            f"{base}/campaigns", data={"campaign_id": campaign_id, "csrf_token": csrf_of(http)}
        )
        assert linked.status_code == 303
    async with database.unit_of_work(write=False) as session:
        code = await promocode_service.describe(session, tenant.principal, cid)
    assert (code.hidden, code.promotion_id, code.campaign_ids) == (True, pid, [campaign_id])
    assert code.counts.values == 7


async def test_campaign_dates_are_read_in_the_tenant_time_zone(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: object
) -> None:
    from httpx import AsyncClient

    assert isinstance(client, AsyncClient)
    await client.patch("/v1/tenant", json={"timezone": "Europe/Paris"})
    user = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, user) as http:
        wrong = await http.post(
            "/ui/campaigns",
            data={
                "name": "Bad",
                "starts_at": "2026-12-10T00:00",
                "ends_at": "2026-12-01T00:00",
                "status": "active",
                "csrf_token": csrf_of(http),
            },
        )
        assert wrong.status_code == 422
        created = await http.post(
            "/ui/campaigns",
            data={
                "name": "Paris",
                "starts_at": "2026-12-01T09:00",
                "status": "draft",
                "csrf_token": csrf_of(http),
            },
        )
        assert created.status_code == 303
        campaign_id = created.headers["location"].split("/")[-1].split("?")[0]
        api = await client.get(f"/v1/campaigns/{campaign_id}")
        assert api.json()["starts_at"] in ("2026-12-01T08:00:00Z", "2026-12-01T08:00:00+00:00")
        page = await http.get(f"/ui/campaigns/{campaign_id}")
        assert 'value="2026-12-01T09:00"' in page.text


async def test_a_customer_whose_id_holds_a_slash_has_a_page(
    importer: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    http = importer
    await client.put("/v1/customers/team%2F42", json={"properties": {"deposits": 1}})
    page = await http.get("/ui/customers/team/42")
    assert page.status_code == 200, page.text
    assert 'action="/ui/customers/team/42/properties"' in page.text
    saved = await http.post(
        "/ui/customers/team/42/properties",
        data={"properties": '{"vip_level": "gold"}', "csrf_token": csrf_of(http)},
    )
    assert saved.status_code == 303
    got = (await client.get("/v1/customers/team%2F42")).json()
    assert got["properties"] == {"deposits": 1, "vip_level": "gold"}


async def test_customer_lookup_and_properties(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: object
) -> None:
    from httpx import AsyncClient

    assert isinstance(client, AsyncClient)
    schema = await client.put(
        "/v1/schemas/customer/properties/vip_level",
        json={"type": "string", "allowed_values": ["gold", "silver"]},
    )
    assert schema.status_code in (200, 201), schema.text
    assert (
        await client.put("/v1/customers/cust-42", json={"properties": {"vip_level": "gold"}})
    ).status_code == 200
    user = await make_user(database, tenant.id, "admin")
    async with logged_in(ui_app, user) as http:
        exact = await http.get("/ui/customers", params={"q": "cust-42"})
        assert exact.status_code == 303
        assert exact.headers["location"] == "/ui/customers/cust-42"
        prefix = await http.get("/ui/customers", params={"q": "cust"})
        assert "cust-42" in prefix.text
        page = await http.get("/ui/customers/cust-42")
        assert "vip_level" in page.text and "gold" in page.text
        bad = await http.post(
            "/ui/customers/cust-42/properties",
            data={"properties": '{"vip_level": "bronze"}', "csrf_token": csrf_of(http)},
        )
        assert bad.status_code == 422
        assert "bronze" in bad.text
        ok = await http.post(
            "/ui/customers/cust-42/properties",
            data={"properties": '{"vip_level": "silver"}', "csrf_token": csrf_of(http)},
        )
        assert ok.status_code == 303
        assert (await http.get("/ui/customers/nobody")).status_code == 404
    got = await client.get("/v1/customers/cust-42")
    assert got.json()["properties"] == {"vip_level": "silver"}


async def test_customer_page_lists_and_reverses_grants(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: object
) -> None:
    from httpx import AsyncClient

    assert isinstance(client, AsyncClient)
    setup = [
        ("POST", "/v1/reward-types", {"key": "spins", "name": "Spins", "category": "unit"}),
        ("PUT", "/v1/schemas/session/properties/deposit_amount", {"type": "decimal"}),
    ]
    for method, path, body in setup:
        assert (await client.request(method, path, json=body)).status_code in (200, 201)
    promotion = (await client.post("/v1/promotions", json={"name": "Reversible"})).json()
    pid = promotion["id"]
    tiers = await client.put(f"/v1/promotions/{pid}/tiers", json={"tiers": TIERS})
    assert tiers.status_code == 200, tiers.text
    assert (await client.post(f"/v1/promotions/{pid}/activate")).status_code == 200
    granted = await client.post(
        f"/v1/promotions/{pid}/validate-customers",
        json={
            "contexts": [{"customer_id": "c-9", "session": {"deposit_amount": "500"}}],
            "commit": True,
        },
    )
    assert granted.status_code == 200, granted.text
    [grant_id] = granted.json()["results"][0]["grant_ids"]
    editor = await make_user(database, tenant.id, "editor")
    admin = await make_user(database, tenant.id, "admin")
    async with logged_in(ui_app, editor) as http:
        page = await http.get("/ui/customers/c-9")
        assert page.status_code == 200
        assert "20 spins" in page.text
        refused = await http.post(
            f"/ui/customers/c-9/grants/{grant_id}/reverse", data={"csrf_token": csrf_of(http)}
        )
        assert refused.status_code == 403
    async with logged_in(ui_app, admin) as http:
        wrong_customer = await http.post(
            f"/ui/customers/c-8/grants/{grant_id}/reverse", data={"csrf_token": csrf_of(http)}
        )
        assert wrong_customer.status_code == 404
        reversed_ = await http.post(
            f"/ui/customers/c-9/grants/{grant_id}/reverse",
            data={"release_code": "on", "csrf_token": csrf_of(http)},
        )
        assert reversed_.status_code == 303
    grant = (await client.get(f"/v1/grants/{grant_id}")).json()
    assert grant["status"] == "reversed"


IMPORT_CSV = (
    b"customer_id,vip_level,deposits,country\n"
    b"imp-1,gold,3,FR\n"
    b"imp-2,diamond,1,DE\n"
    b"imp-3,bronze,0,\n"
)
HTMX = {"HX-Request": "true"}


@pytest.fixture
async def importer(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> AsyncIterator[httpx.AsyncClient]:
    """An admin's UI session, with the customer schema and ``country`` left out of the
    synchronised properties."""
    await put_customer_schema(client)
    sync = await client.put("/v1/customer-sync", json={"properties": ["vip_level", "deposits"]})
    assert sync.status_code == 200, sync.text
    admin = await make_user(database, tenant.id, "admin")
    async with logged_in(ui_app, admin) as http:
        yield http


async def test_customer_import_csv_reports_counts_warnings_and_bad_rows(
    importer: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    http = importer
    page = await http.get("/ui/customers")
    assert 'id="customer-import"' in page.text
    assert 'hx-post="/ui/customers/import"' in page.text
    response = await http.post(
        "/ui/customers/import",
        data={"format": "auto", "csrf_token": csrf_of(http)},
        files={"file": ("people.csv", IMPORT_CSV, "text/csv")},
        headers=HTMX,
    )
    assert response.status_code == 200, response.text
    report = response.text
    assert "<html" not in report  # the fragment, not a page
    assert "Import done" in report
    assert 'id="import-read">3<' in report
    assert 'id="import-upserted">2<' in report
    assert 'id="import-rejected">1<' in report
    assert "property &#39;country&#39; is in the customer schema but not synchronised" in report
    rows = re.findall(r'<tr data-line="(\d+)">(.*?)</tr>', report)
    assert [line for line, _ in rows] == ["3"]
    assert "<code>imp-2</code>" in rows[0][1] and "<code>vip_level</code>" in rows[0][1]
    assert "diamond" in rows[0][1]
    assert "import-errors-shown" not in report
    got = await client.get("/v1/customers/imp-1")
    assert got.status_code == 200
    assert got.json()["properties"] == {"vip_level": "gold", "deposits": 3}
    assert got.json()["sources"]["vip_level"]["source"] == "import"
    assert (await client.get("/v1/customers/imp-3")).json()["properties"] == {
        "vip_level": "bronze",
        "deposits": 0,
    }
    assert (await client.get("/v1/customers/imp-2")).status_code == 404


async def test_customer_import_dry_run_stores_nothing(
    importer: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    http = importer
    # Without htmx: the customers page with the report in the form's result area.
    response = await http.post(
        "/ui/customers/import",
        data={"format": "csv", "dry_run": "on", "csrf_token": csrf_of(http)},
        files={"file": ("people.csv", IMPORT_CSV, "text/csv")},
    )
    assert response.status_code == 200, response.text
    assert 'id="customers"' in response.text and 'id="customer-import"' in response.text
    assert "Dry run: nothing stored" in response.text
    assert 'id="import-upserted">2<' in response.text
    assert 'id="import-rejected">1<' in response.text
    assert 'name="dry_run" checked' in response.text
    for customer_id in ("imp-1", "imp-2", "imp-3"):
        assert (await client.get(f"/v1/customers/{customer_id}")).status_code == 404
    assert (await client.get("/v1/customers")).json()["items"] == []


async def test_customer_import_ndjson_told_by_file_name_or_chosen(
    importer: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    http = importer
    # Over 256 KiB: read in more than one chunk, stored in more than one batch.
    rows = 8_000
    body = "".join(f'{{"customer_id": "nd-{i:05}", "deposits": {i}}}\n' for i in range(rows))
    assert len(body) > 256 * 1024
    by_name = await http.post(
        "/ui/customers/import",
        data={"csrf_token": csrf_of(http)},
        files={"file": ("people.ndjson", body.encode(), "application/octet-stream")},
        headers=HTMX,
    )
    assert by_name.status_code == 200, by_name.text
    assert f'id="import-upserted">{rows}<' in by_name.text
    assert 'id="import-rejected">0<' in by_name.text
    line = b'{"customer_id": "nd-x", "vip_level": "silver"}\n'
    unknown = await http.post(
        "/ui/customers/import",
        data={"format": "auto", "csrf_token": csrf_of(http)},
        files={"file": ("people.txt", line, "application/octet-stream")},
    )
    assert unknown.status_code == 422
    message = field_error(unknown.text, "format")
    assert message is not None and "choose CSV or NDJSON" in message
    chosen = await http.post(
        "/ui/customers/import",
        data={"format": "ndjson", "csrf_token": csrf_of(http)},
        files={"file": ("people.txt", line, "application/octet-stream")},
        headers=HTMX,
    )
    assert 'id="import-upserted">1<' in chosen.text
    # More customers than a page holds: the next page keeps the search.
    listed = await http.get("/ui/customers", params={"q": "nd-"})
    assert listed.status_code == 200
    assert '<a href="?q=nd-&amp;cursor=' in listed.text
    assert (await client.get("/v1/customers/nd-07999")).json()["properties"] == {"deposits": 7999}
    assert (await client.get("/v1/customers/nd-x")).json()["properties"] == {"vip_level": "silver"}


async def test_customer_import_is_for_admins_only(
    importer: httpx.AsyncClient,
    ui_app: FastAPI,
    database: Database,
    tenant: TenantFixture,
    client: httpx.AsyncClient,
) -> None:
    for role in ("viewer", "editor"):
        user = await make_user(database, tenant.id, role)
        async with logged_in(ui_app, user) as http:
            page = await http.get("/ui/customers")
            assert page.status_code == 200
            assert 'id="customer-import"' not in page.text
            refused = await http.post(
                "/ui/customers/import",
                data={"csrf_token": csrf_of(http)},
                files={"file": ("people.csv", IMPORT_CSV, "text/csv")},
            )
            assert refused.status_code == 403, role
            assert "needs the role admin" in refused.text
    assert (await client.get("/v1/customers/imp-1")).status_code == 404


async def test_customer_import_without_a_file_is_a_form_error(
    importer: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    http = importer
    # What a browser sends when no file was chosen: an empty part with no file name.
    empty = await http.post(
        "/ui/customers/import",
        data={"format": "csv", "csrf_token": csrf_of(http)},
        files={"file": ("", b"", "application/octet-stream")},
    )
    assert empty.status_code == 422
    assert field_error(empty.text, "file") == "choose a file to import"
    assert '<option value="csv" selected>' in empty.text
    fragment = await http.post(
        "/ui/customers/import", data={"csrf_token": csrf_of(http)}, headers=HTMX
    )
    assert fragment.status_code == 200  # htmx swaps only successful answers
    assert '<div class="alert" role="alert"><strong>Choose a file to import.' in fragment.text
    assert (await client.get("/v1/customers")).json()["items"] == []


async def test_a_customer_named_import_keeps_its_properties_form(
    importer: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """The import posts to /ui/customers/import, a customer's properties form to
    /ui/customers/{id}/properties: a customer named "import" is edited like any other."""
    http = importer
    no_file = await http.post(
        "/ui/customers/import",
        data={"properties": '{"vip_level": "gold"}', "csrf_token": csrf_of(http)},
    )
    assert no_file.status_code == 422
    assert field_error(no_file.text, "file") == "choose a file to import"
    assert (await client.get("/v1/customers/import")).status_code == 404
    saved = await http.post(
        "/ui/customers/import/properties",
        data={"properties": '{"vip_level": "gold"}', "csrf_token": csrf_of(http)},
    )
    assert saved.status_code == 303
    page = await http.get("/ui/customers/import")
    assert 'action="/ui/customers/import/properties"' in page.text
    assert (await client.get("/v1/customers/import")).json()["properties"] == {"vip_level": "gold"}


async def test_customer_import_needs_the_csrf_token(
    importer: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    http = importer
    upload = {"file": ("people.csv", IMPORT_CSV, "text/csv")}
    missing = await http.post("/ui/customers/import", files=upload, headers=HTMX)
    forged = await http.post("/ui/customers/import", data={"csrf_token": "forged"}, files=upload)
    for response in (missing, forged):
        assert response.status_code == 403
        assert "security token" in response.text
    assert (await client.get("/v1/customers/imp-1")).status_code == 404
    by_header = await http.post(
        "/ui/customers/import",
        files=upload,
        headers={**HTMX, "X-CSRF-Token": csrf_of(http)},
    )
    assert 'id="import-upserted">2<' in by_header.text
    assert (await client.get("/v1/customers/imp-1")).status_code == 200
