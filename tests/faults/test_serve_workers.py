"""``openpromo serve --workers 4`` (issue 18, item 3): no worker is replaced for starting
slowly, and /readyz says ready only once all four have started.

Before: uvicorn's supervisor killed and replaced any worker that had not answered its health
check within 5 s — on a busy 2-core machine four workers importing the application at once
take longer than that, so workers were replaced again and again (measured: never ready within
30 s, 7 worker processes for 4 places). And /readyz answered ready as soon as one worker did.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from openpromo.app import create_app
from openpromo.config import get_settings
from tests.conftest import make_client
from tests.faults.server import WORKERS_PORT, serve

URL = f"http://127.0.0.1:{WORKERS_PORT}"


def _workers(parent: int) -> set[int]:
    """The parent's spawned worker processes (not, say, a resource tracker)."""
    found: set[int] = set()
    for task in Path(f"/proc/{parent}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.add(int(child))
            except FileNotFoundError:
                continue
    return found


def test_four_workers_start_and_stay(fault_database: str, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    started = time.monotonic()
    with serve(
        fault_database,
        log,
        port=WORKERS_PORT,
        args=("--workers", "4"),
        ready_within=120,
    ) as process:
        ready_after = time.monotonic() - started
        ready = httpx.get(f"{URL}/readyz", timeout=5)
        assert ready.json() == {"status": "ready", "workers": 4}
        seen = _workers(process.pid)
        assert len(seen) == 4, seen
        # Workers keep their places: the same four processes answer for the next seconds.
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            assert httpx.get(f"{URL}/readyz", timeout=5).status_code == 200
            seen |= _workers(process.pid)
            time.sleep(0.3)
        assert len(seen) == 4, f"workers were replaced: {seen}\n{log.read_text()[-2000:]}"
    print(f"serve --workers 4 ready after {ready_after:.1f} s")


@pytest.fixture
async def workers_app(tmp_path: Path) -> AsyncIterator[tuple[FastAPI, Path]]:
    """The app as a worker of ``serve --workers 2`` sees it (its database is the suite's)."""
    saved = {
        k: os.environ.get(k) for k in ("OPENPROMO_WORKERS_READY_DIR", "OPENPROMO_WORKERS_EXPECTED")
    }
    os.environ["OPENPROMO_WORKERS_READY_DIR"] = str(tmp_path)
    os.environ["OPENPROMO_WORKERS_EXPECTED"] = "2"
    get_settings.cache_clear()
    try:
        yield create_app(), tmp_path
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()


async def test_ready_only_when_all_workers_started(
    database: object, workers_app: tuple[FastAPI, Path]
) -> None:
    app, folder = workers_app
    async with make_client(app, None) as client:
        (folder / str(os.getpid())).touch()  # this worker
        (folder / "999999999").touch()  # a worker that died (no such process)
        first = await client.get("/readyz")
        assert first.status_code == 503
        assert first.json()["detail"] == "1 of 2 worker processes have started"
        (folder / str(os.getppid())).touch()  # a second live worker
        second = await client.get("/readyz")
        assert second.status_code == 200, second.text
        assert second.json() == {"status": "ready", "workers": 2}
