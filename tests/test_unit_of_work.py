"""Transaction boundaries: units of work are opened only at the entry points, through
``openpromo.db``; post-commit effects run after the COMMIT through ``after_commit``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import select

from openpromo.api.auth import authenticate
from openpromo.auth import key_cache
from openpromo.auth.keys import hash_key
from openpromo.auth.service import api_key_service
from openpromo.db import Database, after_commit
from openpromo.models import ApiKey
from tests.conftest import TenantFixture

SRC = Path(__file__).resolve().parent.parent / "src" / "openpromo"

# The entry points: the request dependencies (API and UI), validation's lean route and its
# coalescer, the lean confirm/release routes (their key lookup) and their coalescer, the
# readiness probe, streamed exports (they outlive the request's unit), the CLI and the
# worker's jobs. ``db.py`` itself defines the units.
ENTRY_POINTS = {
    "db.py",
    "api/deps.py",
    "api/ops.py",
    "validation/endpoints.py",
    "validation/coalescing.py",
    "ledger/endpoints.py",
    "ledger/coalescing.py",
    "promocode/endpoints.py",
    "sync/runner.py",
    "sync/scheduler.py",
    "webhook/delivery.py",
}
ENTRY_PACKAGES = ("cli/", "ui/")
OPENERS = {"unit_of_work", "validation_unit_of_work", "run_in_unit_of_work"}


def _boundaries(source: str) -> list[tuple[int, str]]:
    """Where a module opens a unit of work or commits a session itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in OPENERS:
            found.append((node.lineno, f"{name}()"))
        elif name in ("commit", "begin") and isinstance(func, ast.Attribute):
            receiver = ast.unparse(func.value)
            if receiver.endswith("session"):
                found.append((node.lineno, f"{receiver}.{name}()"))
    return found


def test_only_entry_points_open_units_of_work() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative in ENTRY_POINTS or relative.startswith(ENTRY_PACKAGES):
            continue
        for line, what in _boundaries(path.read_text()):
            offenders.append(f"{relative}:{line}: {what}")
    assert offenders == []


def test_the_check_sees_a_unit_opened_in_a_service() -> None:
    source = (
        "async def f(session):\n"
        "    async with get_database().unit_of_work() as s:\n"
        "        await session.commit()\n"
    )
    assert _boundaries(source) == [(2, "unit_of_work()"), (3, "session.commit()")]


async def test_after_commit_runs_after_the_commit(
    database: Database, tenant: TenantFixture
) -> None:
    seen: list[bool] = []
    async with database.unit_of_work() as session:
        key, _ = await api_key_service.create(session, tenant.principal, "k", "read_only")
        after_commit(session, lambda: seen.append(session.in_transaction()))
        assert seen == []
    assert seen == [False]
    async with database.unit_of_work(write=False) as session:
        assert await session.scalar(select(ApiKey.id).where(ApiKey.id == key.id)) == key.id


async def test_after_commit_is_dropped_on_a_rollback(
    database: Database, tenant: TenantFixture
) -> None:
    seen: list[str] = []
    with pytest.raises(RuntimeError):
        async with database.unit_of_work() as session:
            after_commit(session, lambda: seen.append("ran"))
            raise RuntimeError("rolled back")
    async with database.unit_of_work() as session:
        after_commit(session, lambda: seen.append("second"))
    assert seen == ["second"]


async def test_a_revocation_forgets_cached_keys_only_once_committed(
    database: Database, tenant: TenantFixture
) -> None:
    async with database.unit_of_work() as session:
        key, plain = await api_key_service.create(session, tenant.principal, "k", "integration")
    async with database.unit_of_work(write=False) as session:
        await authenticate(session, plain)
    assert key_cache.cached(hash_key(plain)) is not None
    async with database.unit_of_work() as session:
        await api_key_service.revoke(session, tenant.principal, key.id)
        # Not committed yet: another request may still use (and cache) the key.
        assert key_cache.cached(hash_key(plain)) is not None
    assert key_cache.cached(hash_key(plain)) is None
