"""Two uploads at once, with overlapping values, in separate transactions: the unique index
lets exactly one promocode have each value, and the loser counts it as already existing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
from sqlalchemy import func, select

from openpromo.db import Database
from openpromo.models import PromocodeValue
from openpromo.promocode.schemas import UploadReport
from openpromo.promocode.service import promocode_service
from tests.conftest import TenantFixture
from tests.promocode.conftest import create_promocode


async def chunks(values: list[str], per_chunk: int = 500) -> AsyncIterator[bytes]:
    for start in range(0, len(values), per_chunk):
        yield "".join(v + "\n" for v in values[start : start + per_chunk]).encode()
        await asyncio.sleep(0)  # let the other upload run in between


async def test_concurrent_overlapping_uploads_never_share_a_value(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    first = await create_promocode(client, name="First")
    second = await create_promocode(client, name="Second")
    # 0..5999 and 3000..8999 (the overlap in the other case, and in reverse order).
    values_a = [f"OVL{i:05d}" for i in range(6000)]
    values_b = [f"ovl{i:05d}" for i in reversed(range(3000, 9000))]

    async def run(promocode_id: str, values: list[str]) -> UploadReport:
        async with database.unit_of_work() as session:
            return await promocode_service.upload_values(
                session, tenant.principal, promocode_id, chunks(values)
            )

    report_a, report_b = await asyncio.gather(
        run(first["id"], values_a), run(second["id"], values_b)
    )
    assert report_a.inserted + report_b.inserted == 9000
    assert report_a.already_existing + report_b.already_existing == 3000
    assert {report_a.inserted, report_b.inserted} == {6000, 3000}
    assert report_a.duplicates_in_file == report_b.duplicates_in_file == 0
    async with database.unit_of_work(write=False) as session:
        rows = (
            await session.execute(
                select(PromocodeValue.promocode_id, func.count())
                .select_from(PromocodeValue)
                .where(PromocodeValue.tenant_id == tenant.id)
                .group_by(PromocodeValue.promocode_id)
            )
        ).all()
        distinct_keys = await session.scalar(
            select(func.count(PromocodeValue.value_key.distinct())).where(
                PromocodeValue.tenant_id == tenant.id
            )
        )
    counts = dict(rows)
    assert counts == {first["id"]: report_a.inserted, second["id"]: report_b.inserted}
    assert distinct_keys == 9000


async def test_concurrent_generation_and_upload_stay_unique(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    from openpromo.promocode.schemas import GenerateRequest

    first = await create_promocode(client, name="Gen")
    second = await create_promocode(client, name="Up")
    # The upload takes 1,000 of the 2,000 values of the pattern G-###? (… with '?' = A/B:
    # here every value G-000A..G-999A), generation draws from the whole pattern space.
    uploaded = [f"G-{i:03d}A" for i in range(1000)]

    async def run_upload() -> UploadReport:
        async with database.unit_of_work() as session:
            return await promocode_service.upload_values(
                session, tenant.principal, second["id"], chunks(uploaded, 100)
            )

    async def run_generate() -> int:
        async with database.unit_of_work() as session:
            report = await promocode_service.generate_values(
                session,
                tenant.principal,
                first["id"],
                GenerateRequest(count=2000, pattern="G-###?"),
            )
            return report.generated

    upload_report, generated = await asyncio.gather(run_upload(), run_generate())
    assert generated == 2000
    async with database.unit_of_work(write=False) as session:
        total = await session.scalar(
            select(func.count())
            .select_from(PromocodeValue)
            .where(PromocodeValue.tenant_id == tenant.id)
        )
        distinct_keys = await session.scalar(
            select(func.count(PromocodeValue.value_key.distinct())).where(
                PromocodeValue.tenant_id == tenant.id
            )
        )
    assert total == distinct_keys == 2000 + upload_report.inserted


async def test_a_failure_mid_upload_stores_nothing(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    code = await create_promocode(client, name="Broken")

    async def failing() -> AsyncIterator[bytes]:
        yield b"".join(f"MID{i:05d}\n".encode() for i in range(20_000))
        raise ConnectionResetError("client went away")

    try:
        async with database.unit_of_work() as session:
            await promocode_service.upload_values(session, tenant.principal, code["id"], failing())
    except ConnectionResetError:
        pass
    else:
        raise AssertionError("the upload should have failed")
    async with database.unit_of_work(write=False) as session:
        stored = await session.scalar(
            select(func.count())
            .select_from(PromocodeValue)
            .where(PromocodeValue.promocode_id == code["id"])
        )
    assert stored == 0
    # The same values can be uploaded afterwards: nothing was left behind (staging included).
    async with database.unit_of_work() as session:
        report = await promocode_service.upload_values(
            session, tenant.principal, code["id"], chunks([f"MID{i:05d}" for i in range(100)])
        )
    assert report.inserted == 100


async def test_a_value_added_meanwhile_makes_the_merge_fall_back_not_fail(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    """A bulk load's plain INSERT (PostgreSQL) meets a value another transaction inserted
    and commits while the load waits on it: the load rolls back to its savepoint, merges with
    ON CONFLICT DO NOTHING, and counts that value as already existing."""
    from openpromo.promocode.repository import PromocodeRepository

    bulk = await create_promocode(client, name="Bulk")
    other = await create_promocode(client, name="Other")
    values = [f"RACE{i:04d}" for i in range(2000)]
    async with database.unit_of_work() as rival:
        # Not committed yet: the load's INSERT has to wait for this row's fate.
        assert await PromocodeRepository(rival, tenant.id).add_value(other["id"], "race1234")

        async def load() -> UploadReport:
            async with database.unit_of_work() as session:
                return await promocode_service.upload_values(
                    session, tenant.principal, bulk["id"], chunks(values)
                )

        loading = asyncio.create_task(load())
        await asyncio.sleep(0.5)
        if database.is_sqlite:  # SQLite serialises writers: the load waits for the commit
            assert not loading.done()
    report = await loading
    assert (report.inserted, report.already_existing) == (1999, 1)
    async with database.unit_of_work(write=False) as session:
        owner = await PromocodeRepository(session, tenant.id).owner_of_value("RACE1234")
        count = await session.scalar(
            select(func.count())
            .select_from(PromocodeValue)
            .where(PromocodeValue.tenant_id == tenant.id, PromocodeValue.promocode_id == bulk["id"])
        )
    assert owner == other["id"]
    assert count == 1999
