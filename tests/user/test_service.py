"""UI users: creation rules, authentication, the first admin of a new tenant, the CLI."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

from openpromo.audit.service import audit_service
from openpromo.cli import app as cli_app
from openpromo.db import Database
from openpromo.errors import Conflict, Unprocessable
from openpromo.tenant.service import tenant_service
from openpromo.user.service import principal_for, user_service
from tests.conftest import TenantFixture, make_tenant


async def test_create_normalises_the_email_and_audits(
    database: Database, tenant: TenantFixture
) -> None:
    async with database.unit_of_work() as session:
        user, password = await user_service.create(
            session, tenant.principal, "  Ann@Example.COM ", "editor"
        )
        entries = await audit_service.list(
            session, tenant.principal, limit=5, cursor=None, action="user.create"
        )
    assert user.email == "ann@example.com"
    assert user.role == "editor"
    assert len(password) >= 20
    assert user.password_hash.startswith("$argon2id$")
    assert password not in user.password_hash
    [entry] = [e for e in entries.items if e.object_id == user.id]
    assert entry.after == {"id": user.id, "email": "ann@example.com", "role": "editor"}


@pytest.mark.parametrize(
    ("email", "role", "password", "loc", "msg"),
    [
        (
            "not-an-email",
            "viewer",
            None,
            ("body", "email"),
            "'not-an-email' is not an e-mail address",
        ),
        (
            "x@y.example",
            "owner",
            None,
            ("body", "role"),
            "role must be one of admin, editor, viewer",
        ),
        (
            "x@y.example",
            "viewer",
            "short",
            ("body", "password"),
            "the password must have at least 10 characters",
        ),
    ],
)
async def test_create_refuses_bad_input(
    database: Database,
    tenant: TenantFixture,
    email: str,
    role: str,
    password: str | None,
    loc: tuple[str, ...],
    msg: str,
) -> None:
    async with database.unit_of_work() as session:
        with pytest.raises(Unprocessable) as caught:
            await user_service.create(session, tenant.principal, email, role, password)
    assert caught.value.errors[0].loc == loc
    assert caught.value.errors[0].msg == msg


async def test_emails_are_unique_across_tenants(database: Database, tenant: TenantFixture) -> None:
    other = await make_tenant(database, "Other")
    async with database.unit_of_work() as session:
        await user_service.create(session, tenant.principal, "shared@example.com", "admin")
    async with database.unit_of_work() as session:
        with pytest.raises(Conflict) as caught:
            await user_service.create(session, other.principal, "SHARED@example.com", "admin")
    assert caught.value.code == "email_taken"
    assert caught.value.errors[0].loc == ("body", "email")


async def test_authenticate(database: Database, tenant: TenantFixture) -> None:
    async with database.unit_of_work() as session:
        created, _ = await user_service.create(
            session, tenant.principal, "bob@example.com", "viewer", "a long password"
        )
    async with database.unit_of_work() as session:
        assert await user_service.authenticate(session, "bob@example.com", "wrong password") is None
        assert await user_service.authenticate(session, "nobody@example.com", "x") is None
        user = await user_service.authenticate(session, "BOB@example.com", "a long password")
    assert user is not None
    assert user.id == created.id
    assert user.last_login_at is not None
    principal = principal_for(user)
    assert (principal.tenant_id, principal.role, principal.actor_type, principal.actor_id) == (
        tenant.id,
        "read_only",
        "user",
        user.id,
    )


async def test_a_new_tenant_gets_a_first_admin_who_can_log_in(database: Database) -> None:
    async with database.unit_of_work() as session:
        first = await tenant_service.create(session, "Café Royal")
        second = await tenant_service.create(session, "Café Royal")
        given = await tenant_service.create(session, "Given", admin_email="boss@given.example")
    assert first.admin_email.startswith("admin@cafe-royal")
    assert first.admin_email.endswith(".local")
    assert second.admin_email != first.admin_email
    assert given.admin_email == "boss@given.example"
    async with database.unit_of_work() as session:
        user = await user_service.authenticate(session, first.admin_email, first.admin_password)
    assert user is not None
    assert (user.tenant_id, user.role) == (first.tenant.id, "admin")


runner = CliRunner()


async def _cli(args: list[str]) -> tuple[int, str, str]:
    """Run the CLI in a thread (it runs its own event loop, as from a shell) without blocking
    this loop, whose background work may hold the SQLite write lock the CLI waits for."""
    result = await asyncio.to_thread(runner.invoke, cli_app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


async def test_cli_tenant_and_user_create(database_url: str, database: Database) -> None:
    code, out, _ = await _cli(["tenant", "create", "Cli UI", "--json"])
    assert code == 0
    tenant = json.loads(out)
    assert tenant["admin_email"].startswith("admin@cli-ui")
    assert isinstance(tenant["admin_password"], str)
    code, out, _ = await _cli(
        [
            "user",
            "create",
            "--tenant",
            tenant["tenant_id"],
            "--email",
            "Ed@Cli.example",
            "--role",
            "editor",
            "--json",
        ]
    )
    assert code == 0
    user = json.loads(out)
    assert set(user) == {"id", "email", "password", "role"}
    assert (user["email"], user["role"]) == ("ed@cli.example", "editor")
    async with database.unit_of_work() as session:
        assert await user_service.authenticate(session, "ed@cli.example", user["password"])
        assert await user_service.authenticate(
            session, tenant["admin_email"], tenant["admin_password"]
        )
    code, _, err = await _cli(
        ["user", "create", "--tenant", tenant["tenant_id"], "--email", "ed@cli.example", "--json"]
    )
    assert code == 1
    assert "already exists" in err, (code, err)
    code, out, _ = await _cli(
        [
            "user",
            "create",
            "--tenant",
            tenant["tenant_id"],
            "--email",
            "p@cli.example",
            "--password",
            "given password",
            "--json",
        ]
    )
    assert code == 0
    assert json.loads(out)["password"] == "given password"
