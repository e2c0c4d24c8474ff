"""The in-process cache of authenticated API keys (key hash → principal, until a deadline).

It keeps the validation hot path at zero extra queries. A revocation forgets every cached key
of this process once its transaction has committed (``after_commit``: forgotten earlier, a
request in between would cache the key again, still valid, for the cache's lifetime); other
processes see it within ``OPENPROMO_API_KEY_CACHE_SECONDS``.
"""

from __future__ import annotations

import time

from openpromo.auth.principal import Principal

_CACHE_MAX = 10_000
_cache: dict[str, tuple[Principal, float]] = {}


def cached(key_hash: str) -> Principal | None:
    found = _cache.get(key_hash)
    if found is not None and found[1] > time.monotonic():
        return found[0]
    return None


def remember(key_hash: str, principal: Principal, ttl: float) -> None:
    if ttl <= 0:
        return
    if len(_cache) >= _CACHE_MAX:
        _cache.clear()
    _cache[key_hash] = (principal, time.monotonic() + ttl)


def forget_key(key_hash: str) -> None:
    _cache.pop(key_hash, None)


def forget_all_keys() -> None:
    _cache.clear()
