"""authenticate_once: concurrent requests that miss the key cache share one lookup."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.api.auth import authenticate_once
from openpromo.auth.key_cache import forget_all_keys
from openpromo.db import Database
from openpromo.errors import Unauthorized
from tests.conftest import TenantFixture


def counting_sessions(
    database: Database,
) -> tuple[list[int], Callable[[], AbstractAsyncContextManager[AsyncSession]]]:
    opened: list[int] = []

    @asynccontextmanager
    async def open_session() -> AsyncIterator[AsyncSession]:
        opened.append(1)
        await asyncio.sleep(0.05)  # a slow lookup: the others arrive meanwhile
        async with database.unit_of_work(write=False) as session:
            yield session

    return opened, open_session


async def test_concurrent_misses_share_one_lookup_then_the_cache_answers(
    database: Database, tenant: TenantFixture
) -> None:
    forget_all_keys()
    opened, open_session = counting_sessions(database)
    principals = await asyncio.gather(
        *(authenticate_once(tenant.admin_key, open_session) for _ in range(20))
    )
    assert {p.tenant_id for p in principals} == {tenant.id}
    assert len(opened) == 1
    await authenticate_once(tenant.admin_key, open_session)
    assert len(opened) == 1  # cached now


async def test_an_invalid_key_fails_every_waiter_and_is_not_remembered(
    database: Database,
) -> None:
    opened, open_session = counting_sessions(database)
    outcomes = await asyncio.gather(
        *(authenticate_once("op_nope_nope", open_session) for _ in range(5)),
        return_exceptions=True,
    )
    assert all(isinstance(o, Unauthorized) for o in outcomes)
    assert len(opened) == 1
    with pytest.raises(Unauthorized):
        await authenticate_once("op_nope_nope", open_session)
    assert len(opened) == 2  # a failure is looked up again next time
    with pytest.raises(Unauthorized):
        await authenticate_once(None, open_session)
