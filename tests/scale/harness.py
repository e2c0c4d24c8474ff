"""Real ``openpromo serve`` processes on ephemeral ports, and many concurrent HTTP clients."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.faults.server import serve, wait_ready
from tests.scale.pgbouncer import free_port


@dataclass(frozen=True)
class Server:
    url: str
    pid: int  # the supervisor's, with --workers N; the only process's otherwise


@contextmanager
def server(
    database_url: str,
    log: Path,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    ready_within: float = 120.0,
) -> Iterator[Server]:
    """``openpromo serve [--workers N]`` on a free port until the block ends."""
    port = free_port()
    args = (*args, "--workers", str(workers)) if workers > 1 else args
    with serve(
        database_url, log, port=port, args=args, env=env, ready_within=ready_within
    ) as process:
        yield Server(f"http://127.0.0.1:{port}", process.pid)


@contextmanager
def servers(
    database_url: str, logs: list[Path], *, env: dict[str, str] | None = None
) -> Iterator[list[Server]]:
    """One ``openpromo serve`` per log file, started together (each takes seconds to import
    the application), on free ports, until the block ends."""
    environment = {
        **os.environ,
        "OPENPROMO_DATABASE_URL": database_url,
        "OPENPROMO_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    openpromo = Path(sys.executable).with_name("openpromo")
    started: list[tuple[subprocess.Popen[bytes], Server, Path]] = []
    try:
        for log in logs:
            port = free_port()
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [str(openpromo), "serve", "--port", str(port), "--no-migrate"],
                    env=environment,
                    stdout=out,
                    stderr=out,
                )
            started.append((process, Server(f"http://127.0.0.1:{port}", process.pid), log))
        for process, running, log in started:
            wait_ready(running.url, process, log, 120.0)
        yield [running for _, running, _ in started]
    finally:
        for process, _, _ in started:
            process.terminate()
        for process, _, _ in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def worker_pids(parent: int) -> set[int]:
    """``serve --workers N``'s spawned worker processes."""
    found: set[int] = set()
    for task in Path(f"/proc/{parent}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.add(int(child))
            except FileNotFoundError:
                continue
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (``/proc/<pid>/stat``, clock ticks of 1/100 s)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100


async def hammer(
    url: str,
    key: str,
    jobs: list[Any],
    call: Callable[[httpx.AsyncClient, Any], Awaitable[Any]],
    *,
    clients: int = 64,
) -> list[Any]:
    """Run ``call(client, job)`` for every job from ``clients`` concurrent clients, each with
    its own connection (so the kernel spreads them over the server's worker processes);
    results in job order."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(jobs)):
        queue.put_nowait(index)
    results: list[Any] = [None] * len(jobs)

    async def client_loop() -> None:
        async with httpx.AsyncClient(
            base_url=url,
            headers={"Authorization": f"Bearer {key}"},
            timeout=120,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        ) as client:
            while True:
                try:
                    index = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                results[index] = await call(client, jobs[index])

    await asyncio.gather(*(client_loop() for _ in range(clients)))
    return results
