"""Managing UI users: role changes, deactivation, password resets, the last-admin rule, the
audit trail, and the same actions through the API and the CLI."""

from __future__ import annotations

import httpx
import pytest
from typer.testing import CliRunner

from openpromo.audit.service import audit_service
from openpromo.cli import app as cli_app
from openpromo.db import Database
from openpromo.errors import Conflict, NotFound, Unprocessable
from openpromo.user.service import user_service
from tests.conftest import TenantFixture, key_with_role


async def _users(database: Database, tenant: TenantFixture) -> list[tuple[str, str, str, bool]]:
    async with database.unit_of_work(write=False) as session:
        page = await user_service.list(session, tenant.principal, limit=50, cursor=None)
    return [(u.id, u.email, u.role, u.active) for u in page.items]


async def _first_admin(database: Database, tenant: TenantFixture) -> str:
    [(user_id, _email, role, _active)] = await _users(database, tenant)
    assert role == "admin"
    return user_id


async def _actions(database: Database, tenant: TenantFixture, user_id: str) -> list[str]:
    async with database.unit_of_work(write=False) as session:
        entries = await audit_service.list(
            session, tenant.principal, limit=50, cursor=None, object_id=user_id
        )
    return [e.action for e in entries.items]


async def test_role_change_deactivation_and_reactivation_are_audited(
    database: Database, tenant: TenantFixture
) -> None:
    async with database.unit_of_work() as session:
        ann, password = await user_service.create(session, tenant.principal, "ann@x.example")
        await user_service.update(session, tenant.principal, ann.id, role="editor")
        await user_service.update(session, tenant.principal, ann.id, active=False)
    async with database.unit_of_work() as session:
        assert await user_service.authenticate(session, "ann@x.example", password) is None
        assert await user_service.find(session, tenant.id, ann.id) is None
        await user_service.update(session, tenant.principal, ann.id, active=True)
    async with database.unit_of_work() as session:
        back = await user_service.authenticate(session, "ann@x.example", password)
        assert back is not None and back.role == "editor"
        entries = await audit_service.list(
            session, tenant.principal, limit=50, cursor=None, object_id=ann.id
        )
    by_action = {e.action: e for e in entries.items}
    assert set(by_action) == {"user.create", "user.update", "user.deactivate", "user.reactivate"}
    assert by_action["user.update"].before == {"role": "viewer", "active": True}
    assert by_action["user.update"].after == {"role": "editor", "active": True}
    assert by_action["user.deactivate"].after == {"role": "editor", "active": False}


async def test_a_change_that_changes_nothing_is_not_audited(
    database: Database, tenant: TenantFixture
) -> None:
    async with database.unit_of_work() as session:
        bob, _ = await user_service.create(session, tenant.principal, "bob@x.example", "editor")
        await user_service.update(session, tenant.principal, bob.id, role="editor", active=True)
    assert await _actions(database, tenant, bob.id) == ["user.create"]


async def test_the_last_active_admin_cannot_be_demoted_or_deactivated(
    database: Database, tenant: TenantFixture
) -> None:
    first = await _first_admin(database, tenant)
    for change in ({"role": "viewer"}, {"active": False}):
        async with database.unit_of_work() as session:
            with pytest.raises(Conflict) as refused:
                await user_service.update(session, tenant.principal, first, **change)
        assert refused.value.code == "last_admin"
        [field_error] = refused.value.errors
        assert field_error.loc == ("body", next(iter(change)))
        assert "last active admin" in refused.value.detail
    # With a second active admin the first can step down; then the second is the last.
    async with database.unit_of_work() as session:
        second, _ = await user_service.create(session, tenant.principal, "c@x.example", "admin")
        await user_service.update(session, tenant.principal, first, role="editor")
    async with database.unit_of_work() as session:
        with pytest.raises(Conflict):
            await user_service.update(session, tenant.principal, second.id, active=False)
    # A deactivated admin does not count: reactivating the demoted one is not an admin.
    assert sorted((r, a) for _i, _e, r, a in await _users(database, tenant)) == [
        ("admin", True),
        ("editor", True),
    ]


async def test_password_reset_given_or_generated(database: Database, tenant: TenantFixture) -> None:
    async with database.unit_of_work() as session:
        dan, old = await user_service.create(session, tenant.principal, "dan@x.example")
        _, given = await user_service.reset_password(
            session, tenant.principal, dan.id, "a brand new one"
        )
        assert given == "a brand new one"
        with pytest.raises(Unprocessable) as short:
            await user_service.reset_password(session, tenant.principal, dan.id, "short")
        assert short.value.errors[0].loc == ("body", "password")
    async with database.unit_of_work() as session:
        assert await user_service.authenticate(session, "dan@x.example", old) is None
        assert await user_service.authenticate(session, "dan@x.example", given) is not None
        _, generated = await user_service.reset_password(session, tenant.principal, dan.id, None)
        assert len(generated) >= 20
    async with database.unit_of_work() as session:
        assert await user_service.authenticate(session, "dan@x.example", given) is None
        assert await user_service.authenticate(session, "dan@x.example", generated) is not None
        entries = await audit_service.list(
            session, tenant.principal, limit=50, cursor=None, action="user.reset_password"
        )
    mine = [e for e in entries.items if e.object_id == dan.id]
    assert sorted(e.after["generated"] for e in mine) == [False, True]
    assert all(generated not in str(e.after) and given not in str(e.after) for e in mine)


async def test_users_of_another_tenant_are_not_found(
    database: Database, tenant: TenantFixture
) -> None:
    from tests.conftest import make_tenant

    other = await make_tenant(database, "Other")
    theirs = await _first_admin(database, other)
    async with database.unit_of_work() as session:
        with pytest.raises(NotFound):
            await user_service.update(session, tenant.principal, theirs, role="viewer")
        with pytest.raises(NotFound):
            await user_service.reset_password(session, tenant.principal, theirs, None)


async def test_the_users_api(client: httpx.AsyncClient, anon_client: httpx.AsyncClient) -> None:
    created = await client.post("/v1/users", json={"email": "Eve@X.example", "role": "editor"})
    assert created.status_code == 201, created.text
    eve = created.json()
    assert eve["email"] == "eve@x.example" and eve["active"] is True
    assert len(eve["password"]) >= 20
    given = await client.post(
        "/v1/users", json={"email": "fay@x.example", "password": "0123456789"}
    )
    assert given.status_code == 201 and given.json()["password"] is None
    assert given.json()["role"] == "viewer"

    listed = (await client.get("/v1/users")).json()["items"]
    assert {u["email"] for u in listed} >= {"eve@x.example", "fay@x.example"}
    assert all("password" not in u and "password_hash" not in u for u in listed)

    patched = await client.patch(f"/v1/users/{eve['id']}", json={"role": "viewer", "active": False})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["role"], patched.json()["active"]) == ("viewer", False)
    assert (await client.get(f"/v1/users/{eve['id']}")).json()["active"] is False

    bad = await client.patch(f"/v1/users/{eve['id']}", json={"role": "owner"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"][:2] == ["body", "role"]

    reset = await client.post(f"/v1/users/{eve['id']}/password", json={})
    assert reset.status_code == 200 and len(reset.json()["password"]) >= 20
    chosen = await client.post(f"/v1/users/{eve['id']}/password", json={"password": "x" * 12})
    assert chosen.status_code == 200 and chosen.json()["password"] is None
    short = await client.post(f"/v1/users/{eve['id']}/password", json={"password": "x"})
    assert short.status_code == 422
    assert short.json()["errors"][0]["loc"] == ["body", "password"]

    first = next(u for u in listed if u["email"].startswith("admin@"))
    last = await client.patch(f"/v1/users/{first['id']}", json={"active": False})
    assert last.status_code == 409
    assert last.json()["code"] == "last_admin"
    assert (await client.get("/v1/users/nope")).status_code == 404

    read_only = await key_with_role(client, "read_only")
    refused = await client.get("/v1/users", headers={"Authorization": f"Bearer {read_only}"})
    assert refused.status_code == 403
    assert (await anon_client.get("/v1/users")).status_code == 401


def test_the_users_api_is_in_openapi(client: httpx.AsyncClient) -> None:
    from openpromo.app import create_app

    paths = create_app().openapi()["paths"]
    assert set(paths["/v1/users"]) == {"get", "post"}
    assert set(paths["/v1/users/{user_id}"]) == {"get", "patch"}
    assert set(paths["/v1/users/{user_id}/password"]) == {"post"}
    assert "409" in paths["/v1/users/{user_id}"]["patch"]["responses"]


def test_the_cli_changes_roles_activity_and_passwords(
    database: Database, tenant: TenantFixture
) -> None:
    runner = CliRunner()
    base = ["--tenant", tenant.id, "--email", "gil@x.example"]
    assert runner.invoke(cli_app, ["user", "create", *base, "--role", "viewer"]).exit_code == 0
    result = runner.invoke(cli_app, ["user", "set-role", *base, "--role", "editor"])
    assert result.exit_code == 0, result.output
    assert "is now editor" in result.output
    assert runner.invoke(cli_app, ["user", "deactivate", *base]).exit_code == 0
    assert runner.invoke(cli_app, ["user", "reactivate", *base]).exit_code == 0
    reset = runner.invoke(cli_app, ["user", "reset-password", *base])
    assert reset.exit_code == 0, reset.output
    password = reset.output.strip().splitlines()[-1]
    assert len(password) >= 20
    missing = runner.invoke(
        cli_app, ["user", "deactivate", "--tenant", tenant.id, "--email", "no@x.example"]
    )
    assert missing.exit_code != 0
    assert "no user with the e-mail no@x.example" in missing.output
