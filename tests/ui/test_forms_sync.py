"""Issue 19 in Chromium: the customer sync configuration as a form per source kind, with
"Test connection" against a real CSV file and a real SQLite database, secrets never shown."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from openpromo.db import Database
from openpromo.models import CustomerSyncConfig
from openpromo.schema.schemas import PropertyDefinitionPut
from openpromo.schema.service import schema_service
from openpromo.sync.repository import SyncConfigRepository
from openpromo.sync.service import sync_service
from tests.conftest import TenantFixture, make_tenant
from tests.ui.browser import BROWSER_ONLY, Page, expect, log_in
from tests.ui.conftest import UiUser, make_user

pytestmark = BROWSER_ONLY


async def _admin_with_schema(database: Database) -> tuple[UiUser, TenantFixture]:
    tenant = await make_tenant(database, "Sync shop")
    async with database.unit_of_work() as session:
        for key, type_, allowed in (
            ("vip_level", "string", ["bronze", "silver", "gold"]),
            ("ltv", "decimal", None),
        ):
            await schema_service.put_property(
                session,
                tenant.principal,
                "customer",
                key,
                PropertyDefinitionPut(type=type_, allowed_values=allowed),
            )
    return await make_user(database, tenant.id, "admin"), tenant


async def _stored(database: Database, tenant_id: str) -> CustomerSyncConfig | None:
    async with database.unit_of_work(write=False) as session:
        return await SyncConfigRepository(session, tenant_id).get()


async def test_csv_file_source_tested_and_saved_without_json(
    page: Page, database: Database, tmp_path: Path
) -> None:
    admin, tenant = await _admin_with_schema(database)
    source = tmp_path / "customers.csv"
    source.write_text("customer_id,vip_level,ltv\nc-1,gold,120.5\nc-2,diamond,3\nc-3,silver,7\n")
    await log_in(page, admin)
    await page.goto("/ui/sync")
    form = page.locator("#sync-config")
    # A file source shows the file's fields only.
    await form.locator("input[name=kind][value=file]").check()
    await expect(form.locator("input[name=path]")).to_be_visible()
    await expect(form.locator("select[name=format]")).to_be_visible()
    await expect(form.locator("input[name=sql_url]")).to_be_hidden()
    await expect(form.locator("textarea[name=query]")).to_be_hidden()
    await form.locator("input[name=path]").fill(str(source))

    await page.click("#test-connection")
    result = page.locator("#test-result")
    await expect(result).to_contain_text("It works.")
    await expect(result).to_contain_text("read 3 rows, 1 of them would be rejected")
    await expect(result).to_contain_text("Nothing was imported")
    await expect(result.locator("table")).to_contain_text("c-1")
    await expect(result).to_contain_text("Line 3 (c-2): vip_level: 'diamond' is not one of")
    async with database.unit_of_work(write=False) as session:
        runs = await sync_service.list_runs(session, tenant.principal, limit=5, cursor=None)
    assert runs.items == []  # testing is not a run
    assert await _stored(database, tenant.id) is None  # nor a save
    # The form kept what was typed; a missing file is said in words.
    await expect(form.locator("input[name=path]")).to_have_value(str(source))
    await form.locator("input[name=path]").fill(str(tmp_path / "missing.csv"))
    await page.click("#test-connection")
    await expect(result).to_contain_text("The source could not be read.")
    await expect(result).to_contain_text("No such file or directory")

    # Save: enabled, one property ticked, a time, replace mode.
    await form.locator("input[name=path]").fill(str(source))
    await form.locator("input[name=enabled]").check()
    await form.locator("input[name=properties][value=vip_level]").check()
    await form.locator("input[name=time]").fill("04:30")
    await form.locator("input[name=mode][value=replace]").check()
    await page.click("#sync-config button:has-text('Save')")
    await expect(page.locator(".flash")).to_contain_text("Synchronisation saved.")
    stored = await _stored(database, tenant.id)
    assert stored is not None
    assert (stored.enabled, stored.properties, stored.schedule_time, stored.mode) == (
        True,
        ["vip_level"],
        "04:30",
        "replace",
    )
    assert stored.source == {"kind": "file", "path": str(source), "format": "csv"}
    # Shown back as it was saved.
    await expect(form.locator("input[name=kind][value=file]")).to_be_checked()
    await expect(form.locator("input[name=properties][value=vip_level]")).to_be_checked()
    await expect(form.locator("input[name=properties][value=ltv]")).not_to_be_checked()
    await expect(form.locator("input[name=time]")).to_have_value("04:30")


async def test_sqlite_source_tested_and_password_never_shown(
    page: Page, database: Database, tmp_path: Path
) -> None:
    admin, tenant = await _admin_with_schema(database)
    crm = tmp_path / "crm.db"
    with sqlite3.connect(crm) as connection:
        connection.execute("create table crm (customer_id text, vip_level text, ltv text)")
        connection.executemany(
            "insert into crm values (?, ?, ?)", [("d-1", "gold", "10.5"), ("d-2", "bronze", "2")]
        )
    await log_in(page, admin)
    await page.goto("/ui/sync")
    form = page.locator("#sync-config")
    await form.locator("input[name=kind][value=sql]").check()
    await expect(form.locator("input[name=path]")).to_be_hidden()
    await form.locator("input[name=sql_url]").fill(f"sqlite:///{crm}")
    await form.locator("textarea[name=query]").fill("SELECT customer_id, vip_level, ltv FROM crm")
    await page.click("#test-connection")
    result = page.locator("#test-result")
    await expect(result).to_contain_text("It works.")
    await expect(result).to_contain_text("read 2 rows")
    await expect(result.locator("tbody tr")).to_have_count(2)
    await expect(result.locator("tbody tr").first).to_contain_text("d-1")
    await expect(result.locator("tbody tr").first).to_contain_text("10.5")
    # A bad query: the database's answer in words, not a traceback.
    await form.locator("textarea[name=query]").fill("SELECT customer_id FROM nope")
    await page.click("#test-connection")
    await expect(result).to_contain_text("The source could not be read.")
    await expect(result).to_contain_text("the database answered: no such table: nope")
    assert "Traceback" not in await page.content()

    # A URL with a password: saved, then never shown back.
    await form.locator("input[name=sql_url]").fill("postgresql://reader@127.0.0.1:1/crm")
    await form.locator("input[name=password]").fill("s3cret-pw")
    await form.locator("textarea[name=query]").fill("SELECT customer_id FROM crm")
    await page.click("#sync-config button:has-text('Save')")
    await expect(page.locator(".flash")).to_contain_text("Synchronisation saved.")
    assert "s3cret-pw" not in await page.content()
    await expect(form.locator("input[name=sql_url]")).to_have_value(
        "postgresql://reader@127.0.0.1:1/crm"
    )
    await expect(form.locator("input[name=password]")).to_have_value("")
    await expect(form).to_contain_text("A password is stored; leave empty to keep it.")
    # Saving again with the password left empty keeps it.
    await page.click("#sync-config button:has-text('Save')")
    await expect(page.locator(".flash")).to_contain_text("Synchronisation saved.")
    stored = await _stored(database, tenant.id)
    assert stored is not None and stored.source_secret is not None
    assert "s3cret-pw" in sync_service.effective_source(stored)["url"]
    # "Forget" removes it.
    await form.locator("input[name=forget_password]").check()
    await page.click("#sync-config button:has-text('Save')")
    await expect(form).to_contain_text("No password is stored")
    stored = await _stored(database, tenant.id)
    assert stored is not None and stored.source_secret is None


async def test_sync_errors_next_to_fields_and_without_javascript(
    page_without_js: Page, database: Database, tmp_path: Path
) -> None:
    admin, tenant = await _admin_with_schema(database)
    page = page_without_js
    await log_in(page, admin)
    await page.goto("/ui/sync")
    form = page.locator("#sync-config")
    # Without JavaScript every kind's fields are shown, each saying what it is for.
    await expect(form.locator("input[name=sql_url]")).to_be_visible()
    await expect(form.locator("input[name=path]")).to_be_visible()
    await expect(form).to_contain_text("(for “A file”)")
    # An enabled sync without a source; a database without its URL and query.
    await form.locator("input[name=enabled]").check()
    await page.click("#sync-config button:has-text('Save')")
    await expect(form.locator('em[data-field="source"]')).to_have_text(
        "an enabled synchronisation needs a source"
    )
    await expect(page.locator(".alert").first).to_contain_text(
        "An enabled synchronisation needs a source."
    )
    await form.locator("input[name=kind][value=sql]").check()
    await page.click("#sync-config button:has-text('Save')")
    await expect(form.locator('em[data-field="sql_url"]')).to_have_text("required: fill this in")
    await expect(form.locator('em[data-field="query"]')).to_have_text("required: fill this in")
    banner = await page.locator(".alert").first.inner_text()
    assert banner.startswith("Fill in the database URL. And 1 more problem")
    for developer in ("body.", "Value error", "Field required", "String should"):
        assert developer not in banner
    # The chosen kind decides: a file source saved with a URL typed in the SQL box too.
    source = tmp_path / "c.ndjson"
    source.write_text('{"customer_id": "n-1", "ltv": "4"}\n')
    await form.locator("input[name=kind][value=file]").check()
    await form.locator("input[name=path]").fill(str(source))
    await form.locator("select[name=format]").select_option("ndjson")
    await form.locator("input[name=sql_url]").fill("sqlite:///ignored.db")
    await page.click("#sync-config button:has-text('Save')")
    await expect(page.locator(".flash")).to_contain_text("Synchronisation saved.")
    stored = await _stored(database, tenant.id)
    assert stored is not None
    assert stored.source == {"kind": "file", "path": str(source), "format": "ndjson"}
