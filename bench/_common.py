"""Helpers the benchmarks share: ports, files, the server process, the PostgreSQL admin link.

The scripts run as ``uv run python bench/<name>.py``, so this folder is on ``sys.path`` and
they import this module as ``_common``.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

BIN = Path(sys.executable).parent
OPENPROMO = str(BIN / "openpromo")
CHUNK = 1 << 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def file_chunks(path: Path, size: int = CHUNK) -> Iterator[bytes]:
    """A file as a stream of chunks (what an HTTP client uploads)."""
    with path.open("rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def memory_kb(pid: int) -> dict[str, int]:
    """VmHWM (peak) and VmRSS of a process, in kB."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            found[key] = int(value.split()[0])
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cli(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run ``openpromo *args`` (with ``--json``) and return its last JSON line."""
    out = subprocess.run([OPENPROMO, *args], env=env, check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


async def admin_connect(server_url: str, database: str | None = None) -> Any:
    """A plain asyncpg connection to the server of ``server_url`` (to ``database``)."""
    url = make_url(server_url)
    return await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=database or url.database or "postgres",
    )


@contextmanager
def bench_database(server_url: str, *, keep: bool = False) -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh, migrated database on the PostgreSQL server of ``server_url``, dropped at the
    end unless ``keep``. Yields its name and the environment that points ``openpromo`` at it."""
    name = f"openpromo_bench_{secrets.token_hex(4)}"

    async def admin(statement: str) -> None:
        conn = await admin_connect(server_url)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        env = {**os.environ, "OPENPROMO_DATABASE_URL": url, "OPENPROMO_LOG_LEVEL": "WARNING"}
        subprocess.run([OPENPROMO, "db", "upgrade"], env=env, check=True, capture_output=True)
        yield name, env
    finally:
        if not keep:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def openpromo_server(env: dict[str, str], *extra: str) -> Iterator[tuple[int, str]]:
    """``openpromo serve`` in a subprocess on a free port, once it answers ``/readyz``.
    Yields its pid and base URL; stops it at the end."""
    port = free_port()
    server = subprocess.Popen(
        [OPENPROMO, "serve", "--port", str(port), "--no-migrate", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("the server did not become ready")
        yield server.pid, base
    finally:
        server.terminate()
        server.wait(timeout=30)
