from __future__ import annotations

from collections.abc import Iterator

import pytest

from openpromo import migrate
from tests.conftest import drop_database_url, is_postgres, new_database_url


@pytest.fixture(scope="package")
def fault_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of the fault tests' own: its backends are the only ones they terminate."""
    if not is_postgres():
        pytest.skip("the fault tests cut PostgreSQL connections: PostgreSQL only")
    url = new_database_url(tmp_path_factory.mktemp("faults"), "faults")
    migrate.upgrade(url)
    yield url
    drop_database_url(url)
