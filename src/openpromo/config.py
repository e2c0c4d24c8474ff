"""Process configuration: every setting comes from an ``OPENPROMO_*`` environment variable."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPENPROMO_", extra="ignore")

    database_url: str = Field(
        default="sqlite+aiosqlite:///./openpromo.db",
        description="SQLAlchemy URL. SQLite (aiosqlite) is the embedded default; "
        "PostgreSQL (postgresql+asyncpg://…) in production.",
    )
    secret_key: str = Field(
        default="",
        description="Key for secrets at rest (sync source passwords) and UI sessions. "
        "When empty, a random key is generated and stored next to the SQLite database.",
    )
    log_level: str = Field(default="INFO")
    log_json: bool = Field(default=True, description="Structured JSON logs (one object per line).")
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=20, ge=0)
    db_pool_pre_ping: bool = Field(
        default=False,
        description="Test each PostgreSQL connection with a round trip before use. Off: a "
        "disconnect error invalidates the whole pool instead, failing one request after a "
        "database restart, and the validation hot path saves a round trip per request.",
    )
    db_pool_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How long a request waits for a free connection when the pool is "
        "exhausted before it is answered 503 (Retry-After).",
    )
    db_connect_timeout_seconds: float = Field(
        default=5.0, gt=0, description="How long opening a PostgreSQL connection may take."
    )
    db_statement_timeout_ms: int = Field(
        default=0,
        ge=0,
        description="PostgreSQL statement_timeout for the app's connections (0: the server's). "
        "A statement cancelled by it is answered 503, not applied.",
    )
    db_lock_timeout_ms: int = Field(
        default=0,
        ge=0,
        description="PostgreSQL lock_timeout for the app's connections (0: the server's). "
        "A lock wait cut by it is answered 503, not applied.",
    )
    db_pooler: Literal["", "transaction"] = Field(
        default="",
        description="A connection pooler between the app and PostgreSQL: 'transaction' for "
        "PgBouncer (or another pooler) in transaction mode — no prepared statement caches, "
        "timeouts set per transaction, every unit in a transaction (docs/deployment.md). "
        "Empty: direct connections (or a pooler in session mode).",
    )
    group_commits: bool = Field(
        default=True,
        description="Concurrent small validation commits to one target share one transaction "
        "(group commit, see openpromo.validation.coalescing).",
    )
    group_dry_runs: bool = Field(
        default=True,
        description="Concurrent small validation dry runs of one target share their reads; "
        "each is still planned on its own (openpromo.validation.coalescing).",
    )
    counter_slices: int = Field(
        default=8,
        ge=1,
        le=64,
        description="PostgreSQL: how many slices a promotion-wide audience cap or reward "
        "budget counter is split into, so that concurrent commits to one promotion (from "
        "several transactions and processes) take different rows; 1 turns slicing off. "
        "SQLite always uses 1 (docs/hot-promotions.md).",
    )
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    idempotency_ttl_hours: int = Field(default=24, ge=1)
    max_image_bytes: int = Field(default=1_048_576, ge=1024)
    rate_limit: str = Field(
        default="", description="Per-key rate limit such as '600/minute'; empty disables it."
    )
    redis_url: str = Field(default="", description="Redis URL for shared rate limits (optional).")
    embedded_worker: bool = Field(
        default=False,
        description="Run the background scheduler (syncs, housekeeping) inside the API process. "
        "`openpromo serve` turns it on for SQLite unless --no-worker.",
    )
    worker_start_timeout_seconds: int = Field(
        default=120,
        ge=5,
        description="`serve --workers N`: how long a worker process may take to start, and to "
        "answer the supervisor's health check, before it is replaced. Each worker imports the "
        "whole application (about 3 s of CPU); on a small machine several start at once.",
    )
    workers_ready_dir: str = Field(
        default="",
        description="Set by `serve --workers N` for its workers: each marks itself started "
        "there, and /readyz answers ready only once all N have.",
    )
    workers_expected: int = Field(default=1, ge=1, description="Set by `serve --workers N`.")
    api_key_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How long a process may reuse an API key lookup; revocation takes effect "
        "within this delay on every process.",
    )

    webhook_delivery: bool = Field(
        default=True,
        description="Run the webhook delivery loop with this process's background worker "
        "(`openpromo worker`, or `serve`'s embedded worker).",
    )
    webhook_allow_http: bool = Field(
        default=False,
        description="Accept http:// webhook URLs (otherwise https only).",
    )
    webhook_allow_private_destinations: bool = Field(
        default=False,
        description="Accept webhook URLs whose host resolves to a private, loopback, "
        "link-local or otherwise non-public address (tests and closed networks).",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Time limit of one webhook HTTP attempt."
    )
    webhook_poll_seconds: float = Field(
        default=0.25,
        gt=0,
        description="How often the delivery loop looks for new events and due retries "
        "(it is also woken at once by commits of its own process).",
    )
    webhook_disable_after_failures: int = Field(
        default=5,
        ge=1,
        description="Disable an endpoint once this many deliveries in a row ended failed "
        "(each after its whole retry schedule).",
    )
    webhook_secret_overlap_hours: float = Field(
        default=24.0,
        ge=0,
        description="After a secret rotation, how long the previous secret still signs.",
    )
    webhook_retention_days: float = Field(
        default=30.0,
        gt=0,
        description="How long finished webhook deliveries (succeeded and failed: a failed "
        "one can be redelivered until then), their attempts and their events are kept "
        "after they finished; the delivery worker purges older ones.",
    )
    webhook_subscription_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How long a process reuses a tenant's list of subscribed event types "
        "(decides whether a validation commit writes a grants.created event).",
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
