"""The grants ledger page (/ui/grants): the filters of GET /v1/grants, paging, and Reverse."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from openpromo.db import Database
from tests.conftest import TenantFixture, make_tenant
from tests.ui.conftest import csrf_of, field_error, logged_in, make_user
from tests.ui.world import active_promotion, catalog


async def _grant(client: httpx.AsyncClient, pid: str, *customers: str) -> list[str]:
    contexts: list[dict[str, Any]] = [
        {"customer_id": c, "session": {"deposit_amount": "500"}} for c in customers
    ]
    granted = await client.post(
        f"/v1/promotions/{pid}/validate-customers", json={"contexts": contexts, "commit": True}
    )
    assert granted.status_code == 200, granted.text
    return [gid for r in granted.json()["results"] for gid in r["grant_ids"]]


async def _world(client: httpx.AsyncClient) -> tuple[str, str, list[str], list[str]]:
    await catalog(client)
    summer = await active_promotion(client, "Summer")
    winter = await active_promotion(client, "Winter")
    return (
        summer,
        winter,
        await _grant(client, summer, "s-1", "s-2"),
        await _grant(client, winter, "w-1"),
    )


async def _other_tenants_world(
    app: FastAPI, database: Database
) -> tuple[str, str, list[str], list[str]]:
    """The same world in a second tenant, made through its own API key."""
    other = await make_tenant(database, "Other")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers={"Authorization": f"Bearer {other.admin_key}"},
    ) as other_client:
        return await _world(other_client)


def _rows(html: str) -> int:
    return html.count('<tr id="grant-')


async def test_the_ledger_lists_and_filters_grants(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    summer, winter, summer_grants, [winter_grant] = await _world(client)
    # Another tenant's grants never show.
    await _other_tenants_world(ui_app, database)
    viewer = await make_user(database, tenant.id, "viewer")
    async with logged_in(ui_app, viewer) as http:
        page = await http.get("/ui/grants")
        assert page.status_code == 200
        assert 'href="/ui/grants"' in page.text  # in the top bar
        assert _rows(page.text) == 3
        assert "Summer" in page.text and "Winter" in page.text
        assert "Reverse" not in page.text  # viewers see no Reverse
        by_promotion = await http.get("/ui/grants", params={"promotion_id": winter})
        assert _rows(by_promotion.text) == 1 and f'id="grant-{winter_grant}"' in by_promotion.text
        by_customer = await http.get("/ui/grants", params={"customer_id": "s-2"})
        assert _rows(by_customer.text) == 1
        assert f'id="grant-{summer_grants[1]}"' in by_customer.text
        none_reversed = await http.get("/ui/grants", params={"status": "reversed"})
        assert _rows(none_reversed.text) == 0 and "No grants." in none_reversed.text
        future = await http.get("/ui/grants", params={"since": "2999-01-01"})
        assert _rows(future.text) == 0
        bad = await http.get("/ui/grants", params={"until": "soon"})
        assert bad.status_code == 422
        assert field_error(bad.text, "until") == "'soon' is not a date or date-time"
        # The promotion's page links to its grants.
        promotion_page = await http.get(f"/ui/promotions/{summer}")
        assert f'href="/ui/grants?promotion_id={summer}"' in promotion_page.text


async def test_admins_reverse_from_the_ledger_and_keep_their_filters(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    summer, _, [first, second], _ = await _world(client)
    editor = await make_user(database, tenant.id, "editor")
    async with logged_in(ui_app, editor) as http:
        refused = await http.post(f"/ui/grants/{first}/reverse", data={"csrf_token": csrf_of(http)})
        assert refused.status_code == 403
    admin = await make_user(database, tenant.id, "admin")
    async with logged_in(ui_app, admin) as http:
        page = await http.get("/ui/grants", params={"promotion_id": summer})
        assert page.text.count("Reverse</button>") == 2
        done = await http.post(
            f"/ui/grants/{first}/reverse",
            data={
                "release_code": "on",
                "back": f"promotion_id={summer}&evil=1",
                "csrf_token": csrf_of(http),
            },
        )
        assert done.status_code == 303
        location = done.headers["location"]
        assert location.startswith(f"/ui/grants?promotion_id={summer}&flash=")
        assert "evil" not in location
        after = await http.get(location)
        assert "Grant reversed." in after.text
        assert after.text.count("Reverse</button>") == 1
        reversed_only = await http.get("/ui/grants", params={"status": "reversed"})
        assert _rows(reversed_only.text) == 1 and f'id="grant-{first}"' in reversed_only.text
        # Reversing twice is a no-op, as through the API, and the page says so.
        again = await http.post(f"/ui/grants/{first}/reverse", data={"csrf_token": csrf_of(http)})
        assert again.status_code == 303
        assert "The grant was reversed already." in (await http.get(again.headers["location"])).text
        missing = await http.post(
            "/ui/grants/no-such-grant/reverse", data={"csrf_token": csrf_of(http)}
        )
        assert missing.status_code == 404
        # Another tenant's grant is not found.
        *_, [theirs] = await _other_tenants_world(ui_app, database)
        foreign = await http.post(
            f"/ui/grants/{theirs}/reverse", data={"csrf_token": csrf_of(http)}
        )
        assert foreign.status_code == 404
    assert (await client.get(f"/v1/grants/{first}")).json()["status"] == "reversed"
    assert (await client.get(f"/v1/grants/{second}")).json()["status"] == "granted"
    stats = (await client.get(f"/v1/promotions/{summer}/stats")).json()
    assert stats["grants_count"] == 1


async def test_admins_confirm_and_release_reservations_from_the_ledger(
    ui_app: FastAPI, database: Database, tenant: TenantFixture, client: httpx.AsyncClient
) -> None:
    await catalog(client)
    summer = await active_promotion(client, "Summer")
    contexts = [{"customer_id": c, "session": {"deposit_amount": "500"}} for c in ("r-1", "r-2")]
    reserved = await client.post(
        f"/v1/promotions/{summer}/validate-customers",
        json={"contexts": contexts, "commit": "reserve"},
    )
    assert reserved.status_code == 200, reserved.text
    first, second = (r["reservation_id"] for r in reserved.json()["results"])
    admin = await make_user(database, tenant.id, "admin")
    async with logged_in(ui_app, admin) as http:
        page = await http.get("/ui/grants", params={"status": "reserved"})
        assert _rows(page.text) >= 2
        assert f"/ui/grants/reservations/{first}/confirm" in page.text
        done = await http.post(
            f"/ui/grants/reservations/{first}/confirm",
            data={"back": "status=reserved", "csrf_token": csrf_of(http)},
        )
        assert done.status_code == 303
        assert "Reservation confirmed." in (await http.get(done.headers["location"])).text
        gone = await http.post(
            f"/ui/grants/reservations/{second}/release", data={"csrf_token": csrf_of(http)}
        )
        assert gone.status_code == 303
        refused = await http.post(
            f"/ui/grants/reservations/{first}/release", data={"csrf_token": csrf_of(http)}
        )
        assert refused.status_code == 409
    assert (await client.get(f"/v1/reservations/{first}")).json()["status"] == "granted"
    assert (await client.get(f"/v1/reservations/{second}")).json()["status"] == "released"
