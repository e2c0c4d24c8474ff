"""Validate many customers through the UI (/ui/validate): dry runs for every role, commits
for admins, the API's answers and errors."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from openpromo.db import Database
from openpromo.errors import Conflict, OpenPromoError
from openpromo.ui import validate as validate_page
from openpromo.ui.validate import read_contexts
from openpromo.validation.service import ValidationService
from tests.conftest import TenantFixture, is_postgres
from tests.ui.conftest import csrf_of, field_error, logged_in, make_user
from tests.ui.world import active_promotion, catalog


async def _promotion(client: httpx.AsyncClient) -> str:
    await catalog(client)
    return await active_promotion(client, "Batch")


def _ndjson(*rows: tuple[str, str]) -> str:
    return "\n".join(
        json.dumps({"customer_id": c, "session": {"deposit_amount": d}}) for c, d in rows
    )


async def _grants(client: httpx.AsyncClient) -> list[dict[str, object]]:
    return list((await client.get("/v1/grants")).json()["items"])


async def test_a_viewer_runs_a_dry_run_and_may_not_commit(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    pid = await _promotion(client)
    viewer = await make_user(database, tenant.id, "viewer")
    async with logged_in(ui_app, viewer) as http:
        page = await http.get("/ui/validate", params={"promotion_id": pid})
        assert page.status_code == 200
        assert f'value="promotion:{pid}" selected' in page.text
        assert 'name="commit"' not in page.text  # only admins are offered the commit
        text = _ndjson(("v-1", "500"), ("v-2", "50"), ("v-3", "120")) + "\n\n"
        dry = await http.post(
            "/ui/validate",
            data={"target": f"promotion:{pid}", "contexts": text, "csrf_token": csrf_of(http)},
        )
        assert dry.status_code == 200, dry.text
        assert 'id="validate-eligible">2<' in dry.text
        assert 'id="validate-ineligible">1<' in dry.text
        assert "Dry run" in dry.text and "no_tier_matched" in dry.text
        assert "<strong>40 spins</strong>" in dry.text
        refused = await http.post(
            "/ui/validate",
            data={
                "target": f"promotion:{pid}",
                "contexts": text,
                "commit": "on",
                "csrf_token": csrf_of(http),
            },
        )
        assert refused.status_code == 403
    assert await _grants(client) == []  # nothing granted by either


async def test_an_admin_commits_a_file_of_contexts(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    pid = await _promotion(client)
    admin = await make_user(database, tenant.id, "admin")
    contexts = [
        {"customer_id": "a-1", "session": {"deposit_amount": "500"}, "reference": "r-1"},
        {"customer_id": "a-2", "session": {"deposit_amount": "10"}},
    ]
    async with logged_in(ui_app, admin) as http:
        assert 'name="commit"' in (await http.get("/ui/validate")).text
        for _ in range(2):  # the second time, the reference returns the same grant
            done = await http.post(
                "/ui/validate",
                data={"target": f"promotion:{pid}", "commit": "on", "csrf_token": csrf_of(http)},
                files={
                    "file": ("contexts.json", json.dumps(contexts).encode(), "application/json")
                },
            )
            assert done.status_code == 200, done.text
            assert "Committed" in done.text and 'id="validate-eligible">1<' in done.text
    grants = await _grants(client)
    assert [(g["customer_id"], g["reference"]) for g in grants] == [("a-1", "r-1")]


async def test_bad_input_is_named_and_nothing_is_granted(
    ui_app: FastAPI,
    database: Database,
    tenant: TenantFixture,
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pid = await _promotion(client)
    admin = await make_user(database, tenant.id, "admin")
    target = f"promotion:{pid}"
    async with logged_in(ui_app, admin) as http:

        async def post(**data: str) -> httpx.Response:
            return await http.post(
                "/ui/validate", data={"commit": "on", **data, "csrf_token": csrf_of(http)}
            )

        not_json = await post(target=target, contexts=_ndjson(("b-1", "500")) + "\n{oops")
        assert not_json.status_code == 422
        assert "line 2 is not JSON" in not_json.text
        no_id = await post(target=target, contexts='{"session": {"deposit_amount": "500"}}')
        assert no_id.status_code == 422
        assert 'data-field="contexts.0.customer_id"' in no_id.text
        no_target = await post(target="", contexts=_ndjson(("b-2", "500")))
        assert no_target.status_code == 422
        assert "choose a promotion or a promocode" in no_target.text
        empty = await post(target=target, contexts="  ")
        assert empty.status_code == 422 and "give at least one context" in empty.text
        bad_file = await http.post(
            "/ui/validate",
            data={"target": target, "commit": "on", "csrf_token": csrf_of(http)},
            files={"file": ("c.ndjson", b'{"customer_id": "\xff"}', "application/x-ndjson")},
        )
        assert bad_file.status_code == 422
        assert "the file is not UTF-8 text" in bad_file.text
        not_json_file = await http.post(
            "/ui/validate",
            data={"target": target, "csrf_token": csrf_of(http)},
            files={"file": ("c.ndjson", b"{oops", "application/x-ndjson")},
        )
        assert not_json_file.status_code == 422
        assert 'data-field="file">line 1 is not JSON' in not_json_file.text
        monkeypatch.setattr(validate_page, "FILE_LIMIT", 1024 * 1024)
        too_big = await http.post(
            "/ui/validate",
            data={"target": target, "commit": "on", "csrf_token": csrf_of(http)},
            files={
                "file": (
                    "c.ndjson",
                    (_ndjson(("b-3", "500")) + "\n").encode() * 20_000,
                    "text/plain",
                )
            },
        )
        assert too_big.status_code == 422
        assert "the file is larger than 1 MB" in too_big.text
    assert await _grants(client) == []


@pytest.mark.parametrize("token_in", ["field", "header"])
async def test_ten_thousand_typed_contexts_fit_in_the_form(
    ui_app: FastAPI,
    database: Database,
    tenant: TenantFixture,
    client: httpx.AsyncClient,
    token_in: str,
) -> None:
    """10,000 contexts typed in are a field of a few MB (Starlette's default limit is 1 MB),
    with the CSRF token as a form field or as HTMX's header (then the page parses the form
    itself)."""
    pid = await _promotion(client)
    viewer = await make_user(database, tenant.id, "viewer")
    text = "\n".join(
        json.dumps(
            {
                "customer_id": f"t-{i}",
                "session": {"deposit_amount": "500"},
                "reference": f"order-{i:05d}-" + "x" * 100,
            }
        )
        for i in range(10_000)
    )
    assert len(text) > 1024 * 1024
    async with logged_in(ui_app, viewer) as http:
        token = csrf_of(http)
        by_field = token_in == "field"
        done = await http.post(
            "/ui/validate",
            data={"target": f"promotion:{pid}", "contexts": text}
            | ({"csrf_token": token} if by_field else {}),
            files={"file": ("", b"", "application/octet-stream")},  # no file chosen
            headers={} if by_field else {"X-CSRF-Token": token},
        )
    assert done.status_code == 200, done.text[:500]
    assert 'id="validate-eligible">10000<' in done.text
    assert "The first 500 of 10000 customers are listed." in done.text


def test_contexts_are_read_line_by_line_and_bad_lines_named() -> None:
    loc = ("body", "contexts")
    # JSON strings may hold U+2028 and other separators unescaped: only \n ends a line.
    text = '\r\n\n{"customer_id": "a\u2028b"}\r\n\n[1]\n'
    assert read_contexts(text, loc) == [{"customer_id": "a\u2028b"}, [1]]
    with pytest.raises(OpenPromoError) as caught:
        read_contexts('\n\n{"customer_id": "x"}\n{oops', loc)
    assert caught.value.errors[0].msg.startswith("line 4 is not JSON")
    assert read_contexts(' [{"customer_id": "y"}] ', loc) == [{"customer_id": "y"}]


async def test_an_editor_may_not_commit_and_a_failed_commit_keeps_nothing(
    ui_app: FastAPI,
    database: Database,
    tenant: TenantFixture,
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pid = await _promotion(client)
    editor = await make_user(database, tenant.id, "editor")
    data = {"target": f"promotion:{pid}", "contexts": _ndjson(("e-1", "500")), "commit": "on"}
    async with logged_in(ui_app, editor) as http:
        refused = await http.post("/ui/validate", data={**data, "csrf_token": csrf_of(http)})
        assert refused.status_code == 403
    # Everything of the commit is written, then it fails: the page shows the error and the
    # whole write is rolled back (budgets, grants, members).
    apply = ValidationService._apply

    async def written_then_failed(self: ValidationService, *args: object, **kw: object) -> None:
        await apply(self, *args, **kw)  # type: ignore[arg-type]
        raise Conflict(detail="failed after writing")

    monkeypatch.setattr(ValidationService, "_apply", written_then_failed)
    admin = await make_user(database, tenant.id, "admin")
    async with logged_in(ui_app, admin) as http:
        failed = await http.post("/ui/validate", data={**data, "csrf_token": csrf_of(http)})
    assert failed.status_code == 409
    assert "failed after writing" in failed.text
    assert await _grants(client) == []
    stats = (await client.get(f"/v1/promotions/{pid}/stats")).json()
    assert stats["grants_count"] == 0 and stats["customers_count"] == 0


@pytest.mark.skipif(is_postgres(), reason="SQLite's write lock (BEGIN IMMEDIATE)")
async def test_dry_runs_do_not_wait_for_writers(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    """A dry run (here or in the simulator) only reads: it answers while another
    transaction holds SQLite's write lock, instead of queueing behind it."""
    pid = await _promotion(client)
    viewer = await make_user(database, tenant.id, "viewer")
    async with logged_in(ui_app, viewer) as http, database.unit_of_work(write=True) as writer:
        await writer.execute(text("UPDATE tenants SET name = name WHERE id = :t"), {"t": tenant.id})
        dry = await http.post(
            "/ui/validate",
            data={
                "target": f"promotion:{pid}",
                "contexts": _ndjson(("d-1", "500")),
                "csrf_token": csrf_of(http),
            },
        )
        simulated = await http.post(
            "/ui/simulator",
            data={
                "target": f"promotion:{pid}",
                "customer_id": "d-2",
                "session": '{"deposit_amount": "500"}',
                "customer": "{}",
                "csrf_token": csrf_of(http),
            },
        )
    assert dry.status_code == 200 and 'id="validate-eligible">1<' in dry.text
    assert simulated.status_code == 200 and "eligible" in simulated.text


async def test_one_customers_refused_values_are_shown_next_to_their_inputs(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    """The API fails only that customer (``invalid_context``, 200); the one-customer form puts
    each of its field messages next to the input it names, and grants nothing."""
    pid = await _promotion(client)
    admin = await make_user(database, tenant.id, "admin")
    async with logged_in(ui_app, admin) as http:
        page = await http.post(
            "/ui/validate",
            data={
                "target": f"promotion:{pid}",
                "mode": "form",
                "customer_id": "c-1",
                "session.deposit_amount": "12,5 EUR",
                "commit": "on",
                "csrf_token": csrf_of(http),
            },
        )
        assert page.status_code == 200, page.text
        message = field_error(page.text, "session.deposit_amount")
        assert message, page.text
        assert "invalid_context" in page.text  # the result row still says why
        assert "shown next to its field" in page.text
        fine = await http.post(
            "/ui/validate",
            data={
                "target": f"promotion:{pid}",
                "mode": "form",
                "customer_id": "c-2",
                "session.deposit_amount": "150",
                "csrf_token": csrf_of(http),
            },
        )
        assert fine.status_code == 200
        assert field_error(fine.text, "session.deposit_amount") is None
    assert await _grants(client) == []
