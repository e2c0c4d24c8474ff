"""Idempotent creating writes: an ``Idempotency-Key`` replays the stored response for 24 h.

The key is stored in the same transaction as the write it protects, so either both exist or
neither does. Two concurrent requests with one key race on the primary key: the loser's
transaction fails and its retry replays the winner's response. The fingerprint covers the
method, path and body, so reusing a key for a different request is refused (422) rather than
answered with an unrelated stored response.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.config import get_settings
from openpromo.errors import Conflict, Unprocessable, unprocessable
from openpromo.idempotency.repository import PURGE_BATCH as PURGE_BATCH
from openpromo.idempotency.repository import IdempotencyRepository, purge_expired
from openpromo.kit.clock import utcnow
from openpromo.models import IdempotencyKey

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: Any


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(method.upper().encode())
    digest.update(b"\0")
    digest.update(path.encode())
    digest.update(b"\0")
    digest.update(body)
    return digest.hexdigest()


class IdempotencyService:
    async def lookup(
        self, session: AsyncSession, tenant_id: str, key: str, request_fingerprint: str
    ) -> StoredResponse | None:
        if not key or len(key) > MAX_KEY_LENGTH:
            raise unprocessable(
                ("header", "Idempotency-Key"), f"must be 1 to {MAX_KEY_LENGTH} characters"
            )
        now = utcnow()
        repo = IdempotencyRepository(session, tenant_id)
        row = await repo.get_live(key, now)
        if row is None:
            await repo.delete_expired(key, now)
            return None
        if row.fingerprint != request_fingerprint:
            raise Unprocessable(
                detail="this Idempotency-Key was already used with a different request",
                code="idempotency_key_reused",
                errors=[],
            )
        return StoredResponse(row.status_code, row.response_body)

    async def claim(
        self,
        session: AsyncSession,
        tenant_id: str,
        key: str,
        method: str,
        path: str,
        request_fingerprint: str,
    ) -> IdempotencyKey | StoredResponse:
        """Reserve the key for this request, or return the response of whoever holds it."""
        now = utcnow()
        row = IdempotencyKey(
            key=key,
            method=method,
            path=path[:500],
            fingerprint=request_fingerprint,
            status_code=0,
            response_body=None,
            created_at=now,
            expires_at=now + timedelta(hours=get_settings().idempotency_ttl_hours),
        )
        if await IdempotencyRepository(session, tenant_id).claim(row):
            return row
        stored = await self.lookup(session, tenant_id, key, request_fingerprint)
        if stored is None:  # the holder rolled back between our insert and our read
            raise Conflict(
                detail="a request with this Idempotency-Key is in progress; retry",
                code="idempotency_key_in_progress",
            )
        return stored

    async def complete(
        self, session: AsyncSession, row: IdempotencyKey, response: StoredResponse
    ) -> None:
        row.status_code = response.status_code
        row.response_body = response.body
        await session.flush()

    async def purge_expired(self, session: AsyncSession, now: datetime) -> int:
        """Forget the keys whose replay window has ended (housekeeping); how many."""
        return await purge_expired(session, now)


idempotency_service = IdempotencyService()
