"""Several servers started at once each migrate the database (issue 15): two
``openpromo db upgrade`` processes on one empty database all succeed, and it ends at the head
(the migrations take an advisory transaction lock: the others wait, then find nothing to do)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from openpromo import migrate
from tests.conftest import drop_database_url, is_postgres, new_database_url
from tests.scale.conftest import SKIP_SQLITE


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    if not is_postgres():
        pytest.skip(SKIP_SQLITE)
    url = new_database_url(tmp_path, "migrations")
    yield url
    drop_database_url(url)


async def test_concurrent_upgrades_of_one_database(empty_database: str, tmp_path: Path) -> None:
    openpromo = Path(sys.executable).with_name("openpromo")
    environment = {**os.environ, "OPENPROMO_DATABASE_URL": empty_database}
    processes = [
        await asyncio.create_subprocess_exec(
            str(openpromo),
            "db",
            "upgrade",
            env=environment,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    outputs = [(await p.communicate())[0].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    heads = await asyncio.to_thread(migrate.current, empty_database)
    assert len(heads) == 1 and all(o.strip().endswith(f"at {heads[0]}") for o in outputs), outputs
