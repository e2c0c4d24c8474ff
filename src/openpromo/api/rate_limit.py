"""Per-key rate limits (``OPENPROMO_RATE_LIMIT``, e.g. ``600/minute``), answered with 429.

The ``limits`` library does the counting, in process memory or in Redis
(``OPENPROMO_REDIS_URL``) so that several servers share one budget per key. Requests are keyed
by a digest of the presented API key (never the key itself), anonymous ones by client address.
Headers follow the IETF RateLimit fields draft: ``RateLimit-Limit``, ``RateLimit-Remaining``,
``RateLimit-Reset`` (seconds), plus ``Retry-After`` on 429.
"""

from __future__ import annotations

import hashlib
import math
import time

from limits import RateLimitItem, parse, storage
from limits.aio.strategies import FixedWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openpromo.api.problems import problem_response

EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def _identity(scope: Scope) -> str:
    headers = dict(scope.get("headers") or [])
    auth = headers.get(b"authorization", b"")
    key = auth[7:] if auth[:7].lower() == b"bearer " else headers.get(b"x-api-key", b"")
    if key:
        return "key:" + hashlib.sha256(key).hexdigest()[:32]
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: str, redis_url: str = "") -> None:
        self.app = app
        self.item: RateLimitItem = parse(limit)
        url = redis_url.replace("redis://", "async+redis://", 1) if redis_url else "async+memory://"
        self.limiter = FixedWindowRateLimiter(storage.storage_from_string(url))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        identity = _identity(scope)
        allowed = await self.limiter.hit(self.item, "openpromo", identity)
        stats = await self.limiter.get_window_stats(self.item, "openpromo", identity)
        reset_in = max(0, math.ceil(stats.reset_time - time.time()))
        headers = {
            "RateLimit-Limit": str(self.item.amount),
            "RateLimit-Remaining": str(stats.remaining),
            "RateLimit-Reset": str(reset_in),
        }
        if not allowed:
            response = problem_response(
                429,
                "rate_limited",
                "Too many requests",
                f"rate limit of {self.item} exceeded; retry in {reset_in} s",
                headers={**headers, "Retry-After": str(reset_in)},
            )
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
