from __future__ import annotations

from collections.abc import Iterator

import pytest

from openpromo import migrate
from tests.conftest import drop_database_url, is_postgres, new_database_url

SKIP_SQLITE = (
    "several server processes on one database: PostgreSQL only (on SQLite `openpromo serve` "
    "runs one process, SQLite serialising writers); set OPENPROMO_TEST_DATABASE_URL"
)


@pytest.fixture(scope="package")
def scale_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of these tests' own (migrated once), shared by the real server processes they
    start; each test makes its own tenant."""
    if not is_postgres():
        pytest.skip(SKIP_SQLITE)
    url = new_database_url(tmp_path_factory.mktemp("scale"), "scale")
    migrate.upgrade(url)
    yield url
    drop_database_url(url)
