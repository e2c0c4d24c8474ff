"""A TCP proxy in front of PostgreSQL that misbehaves on purpose, the way networks and
restarts do: it can hold a closed server connection open towards the client for a while (the
server's last message arrives, its FIN later), or cut a connection while a COMMIT is in
flight — before or after PostgreSQL received it."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.engine import URL

CutCommit = Literal["before", "after"] | None


@dataclass
class FaultyProxy:
    upstream: URL
    port: int
    hold_close: float = 0.0  # seconds a server-side close waits before reaching the client
    cut_commit: CutCommit = None  # cut the next COMMIT's connection, before/after forwarding
    commits_cut: int = 0
    _server: asyncio.Server | None = None
    _writers: list[asyncio.StreamWriter] = field(default_factory=list)

    def url(self) -> URL:
        return self.upstream.set(host="127.0.0.1", port=self.port)

    async def __aenter__(self) -> FaultyProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()

    async def _serve(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        with contextlib.suppress(asyncio.CancelledError):  # the proxy closing
            await self._pipe(client_in, client_out)

    async def _pipe(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        server_in, server_out = await asyncio.open_connection(
            self.upstream.host, self.upstream.port or 5432
        )
        self._writers += [client_out, server_out]

        muted = [False]  # the server's answers no longer reach the client

        def cut() -> None:
            client_out.transport.abort()
            server_out.transport.abort()

        async def to_server() -> None:
            while data := await client_in.read(65536):
                # asyncpg commits with a simple query: 'Q', its length, "COMMIT;"
                if self.cut_commit and data.startswith(b"Q") and data[5:].startswith(b"COMMIT"):
                    mode, self.cut_commit = self.cut_commit, None
                    self.commits_cut += 1
                    muted[0] = True
                    if mode == "after":
                        server_out.write(data)
                        await server_out.drain()
                        await asyncio.sleep(0.2)  # PostgreSQL commits; its answer is lost
                    cut()
                    return
                server_out.write(data)
                await server_out.drain()
            server_out.close()

        async def to_client() -> None:
            while data := await server_in.read(65536):
                if muted[0]:
                    continue
                client_out.write(data)
                await client_out.drain()
            if self.hold_close:
                await asyncio.sleep(self.hold_close)
            client_out.close()

        await asyncio.gather(to_server(), to_client(), return_exceptions=True)
