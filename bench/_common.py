"""Helpers the benchmarks share: ports, files, the server process, the PostgreSQL admin link.

The scripts run as ``uv run python bench/<name>.py``, so this folder is on ``sys.path`` and
they import this module as ``_common``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
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
