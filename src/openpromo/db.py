"""Engines, sessions and the one place a transaction commits.

Every request, CLI command and background job runs in exactly one unit of work: a session whose
transaction is committed when the unit ends without error and rolled back otherwise. Services
``flush()``; only the helpers here ``commit()``. Units are opened only by the entry points —
the request dependency (``api.deps``, the UI's ``ui.context``), validation's lean route and
coalescer (``validation_unit_of_work``), streamed exports, the CLI (``cli.common``) and the
worker's jobs (``sync.runner``, ``sync.scheduler``); ``tests/test_unit_of_work.py`` checks that
no other module does.

What must happen only once the data is committed — forgetting cached API keys after a
revocation, starting a background run another process must see — is registered with
``after_commit(session, callback)``: the unit runs the callbacks after its COMMIT, in order,
and drops them on a rollback.

SQLite needs care to be a correct embedded default under concurrency: its Python driver starts
transactions lazily (on the first write), which turns two concurrent read-then-write
transactions into a ``database is locked`` failure or a lost update. We take over transaction
control and start every *write* unit with ``BEGIN IMMEDIATE`` so writers queue on the busy
timeout instead, while read-only units use a plain deferred ``BEGIN`` and never block anyone
(WAL mode).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from openpromo.config import get_settings
from openpromo.errors import CommitOutcomeUnknown, OpenPromoError, ServiceUnavailable
from openpromo.kit.db_errors import fault_kind, is_disconnect

log = logging.getLogger(__name__)
_AFTER_COMMIT = "openpromo.after_commit"
_COMMITTING = "openpromo.committing"

_FAULT_DETAILS = {
    "connection": "the database connection was lost or the database is unavailable",
    "timeout": "the database did not finish in time (a statement or lock timeout)",
    "pool": "every database connection is busy",
    "conflict": "the transaction was aborted by a concurrent one (serialization or deadlock)",
}


def database_fault(exc: BaseException, *, committing: bool = False) -> ServiceUnavailable | None:
    """The 503 that a transient database failure ``exc`` is answered with (None: not one).

    ``committing``: ``exc`` was raised while the COMMIT itself was in flight, so whether the
    transaction landed is unknown when the connection was lost (``CommitOutcomeUnknown``)."""
    if isinstance(exc, ServiceUnavailable):
        return exc
    if isinstance(exc, OpenPromoError):
        return None
    kind = fault_kind(exc)
    if kind is None:
        return None
    if committing and kind == "connection":
        return CommitOutcomeUnknown(
            detail="the database connection was lost during COMMIT: the request may or may "
            "not have been applied; send it again with the same Idempotency-Key (validation "
            "commits: the same reference on each context) to apply it at most once",
            extra={"fault": kind},
        )
    return ServiceUnavailable(
        detail=f"{_FAULT_DETAILS[kind]}: nothing was applied; retry after the delay given",
        extra={"fault": kind},
    )


def after_commit(session: AsyncSession, callback: Callable[[], object]) -> None:
    """Run ``callback`` once the unit of work ``session`` belongs to has committed (never on a
    rollback). A callback's failure is logged: the data is committed by then."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def _run_after_commit(session: AsyncSession) -> None:
    callbacks: list[Callable[[], object]] = session.info.pop(_AFTER_COMMIT, [])
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("a post-commit callback failed")


def normalize_url(url: str) -> URL:
    """Accept the plain scheme names operators type and pick the async driver for them."""
    parsed = make_url(url)
    drivername = {
        "sqlite": "sqlite+aiosqlite",
        "postgres": "postgresql+asyncpg",
        "postgresql": "postgresql+asyncpg",
        "postgresql+psycopg2": "postgresql+asyncpg",
    }.get(parsed.drivername, parsed.drivername)
    return parsed.set(drivername=drivername)


def _install_sqlite_hooks(engine: AsyncEngine, begin_statement: str, busy_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN, not the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin_statement)


def _install_disconnect_hook(engine: AsyncEngine) -> None:
    """Errors that leave a connection unusable although asyncpg has not noticed the socket
    close yet — above all ``InternalClientError: cannot switch to state 12; another operation
    (2) is in progress``, raised when PostgreSQL's FATAL message (its backend terminated, a
    restart) arrived while the connection sat idle in a transaction — count as disconnects:
    SQLAlchemy then throws the connection (and the pool's older ones) away instead of handing
    it out again (docs/faults.md)."""

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: Any) -> None:
        if not context.is_disconnect and is_disconnect(context.original_exception):
            context.is_disconnect = True


def postgres_connect_args(pooler: str | None = None) -> dict[str, Any]:
    """asyncpg's connect arguments for the app's PostgreSQL engines.

    Behind a pooler in transaction mode (``OPENPROMO_DB_POOLER=transaction``, PgBouncer) two
    transactions of one client connection may run on two server connections, and a server
    connection is handed from client to client, so nothing may outlive a transaction
    (docs/deployment.md):

    * no prepared statement is kept: asyncpg's statement cache (``statement_cache_size=0``:
      its statements are unnamed, parsed again in the same exchange as their execution) and
      SQLAlchemy's (``prepared_statement_cache_size=0``; with asyncpg's cache off its
      ``prepare()`` makes unnamed statements too). A named statement would stay on the server
      connection it was prepared on: "prepared statement does not exist" on the next one,
      "already exists" for the next client there;
    * no session setting in the startup packet (PgBouncer refuses unknown startup parameters,
      and a server connection's settings would reach other clients): the timeouts are set per
      transaction instead (``_install_transaction_settings``)."""
    settings = get_settings()
    args: dict[str, Any] = {"timeout": settings.db_connect_timeout_seconds}
    if (settings.db_pooler if pooler is None else pooler) == "transaction":
        args["statement_cache_size"] = 0
        args["prepared_statement_cache_size"] = 0
    else:
        args["server_settings"] = _timeouts()
    return args


def migration_connect_args(url: URL) -> dict[str, Any]:
    """The migrations' engine behind a transaction pooler: no prepared statement kept (as for
    the app's); no timeouts (a migration may take long)."""
    if url.get_backend_name() == "sqlite" or get_settings().db_pooler != "transaction":
        return {}
    return {"statement_cache_size": 0, "prepared_statement_cache_size": 0}


def _timeouts() -> dict[str, str]:
    settings = get_settings()
    return {
        name: str(int(value))
        for name, value in (
            ("statement_timeout", settings.db_statement_timeout_ms),
            ("lock_timeout", settings.db_lock_timeout_ms),
        )
        if value
    }


def _install_transaction_settings(engine: AsyncEngine, values: dict[str, str]) -> None:
    """Behind a transaction pooler: the timeouts as ``SET LOCAL`` at the start of every
    transaction (one statement; they end with it and never reach another client)."""
    if not values:
        return
    statement = "SELECT " + ", ".join(
        f"set_config('{name}', '{value}', true)" for name, value in sorted(values.items())
    )

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(statement)


# A run of 19 or more digits: an integer orjson might turn into a lossy float (beyond 64
# bits), or a number the standard library reads the same anyway.
_LONG_NUMBER = re.compile(r"\d{19,}")


def read_json(text: str | bytes) -> Any:
    """JSON columns as read from the database: orjson, several times faster (validation reads
    customers' property documents by the thousand), except for documents holding a long
    number — orjson reads integers beyond 64 bits as floats — or anything it refuses (such as
    1e400): the standard library reads those, so the values are always the standard
    library's."""
    raw = text.decode() if isinstance(text, bytes) else text
    if _LONG_NUMBER.search(raw) is None:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw)


class Database:
    """The engines of one process. ``write`` units are serialised on SQLite, free on PostgreSQL."""

    pooled = False  # behind a transaction pooler (OPENPROMO_DB_POOLER=transaction)

    def __init__(self, url: str | URL, *, pooler: str | None = None) -> None:
        settings = get_settings()
        self.url = normalize_url(str(url) if isinstance(url, URL) else url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        # Behind a transaction pooler every unit runs in a transaction (no autocommit reads).
        self.pooled = not self.is_sqlite and (
            (settings.db_pooler if pooler is None else pooler) == "transaction"
        )
        if self.is_sqlite:
            self.engine = create_async_engine(self.url, json_deserializer=read_json)
            _install_sqlite_hooks(self.engine, "BEGIN IMMEDIATE", settings.sqlite_busy_timeout_ms)
            self.read_engine = create_async_engine(self.url, json_deserializer=read_json)
            _install_sqlite_hooks(self.read_engine, "BEGIN", settings.sqlite_busy_timeout_ms)
        else:
            self.engine = create_async_engine(
                self.url,
                pool_size=settings.db_pool_size,
                max_overflow=settings.db_max_overflow,
                pool_pre_ping=settings.db_pool_pre_ping,
                pool_timeout=settings.db_pool_timeout_seconds,
                connect_args=postgres_connect_args("transaction" if self.pooled else ""),
                json_deserializer=read_json,
            )
            _install_disconnect_hook(self.engine)
            if self.pooled:
                _install_transaction_settings(self.engine, _timeouts())
            self.read_engine = self.engine
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessionmaker = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @asynccontextmanager
    async def unit_of_work(
        self, *, write: bool = True, autocommit: bool = False
    ) -> AsyncIterator[AsyncSession]:
        """One transaction: committed on success, rolled back on any exception; then the
        ``after_commit`` callbacks. ``autocommit`` (read units, PostgreSQL): no BEGIN/COMMIT,
        each statement sees committed data as in READ COMMITTED — two round trips less (not
        behind a transaction pooler: there a statement outside a transaction may be parsed on
        one server connection and executed on another)."""
        maker = self.sessionmaker if write else self.read_sessionmaker
        async with maker() as session:
            try:
                async with session.begin():
                    if autocommit and not write and not self.is_sqlite and not self.pooled:
                        await session.connection(
                            execution_options={"isolation_level": "AUTOCOMMIT"}
                        )
                    yield session
                    # Flushed here, so that what fails from now on is the COMMIT itself.
                    await session.flush()
                    session.info[_COMMITTING] = write
            except Exception as exc:
                session.info.pop(_AFTER_COMMIT, None)
                fault = database_fault(exc, committing=session.info.pop(_COMMITTING, False))
                if fault is None or fault is exc:
                    raise
                log.warning("database fault: %s (%r)", fault.code, exc)
                raise fault from exc
            except BaseException:
                session.info.pop(_AFTER_COMMIT, None)
                raise
            session.info.pop(_COMMITTING, None)
            _run_after_commit(session)

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


_database: Database | None = None


def get_database() -> Database:
    """The process-wide database, created on first use from ``OPENPROMO_DATABASE_URL``."""
    global _database
    if _database is None:
        _database = Database(get_settings().database_url)
    return _database


@asynccontextmanager
async def validation_unit_of_work(commit: bool) -> AsyncIterator[AsyncSession]:
    """A validation call's unit: a write unit for a commit; for a dry run, a read-only one
    without BEGIN/COMMIT on PostgreSQL (it only reads)."""
    async with get_database().unit_of_work(write=commit, autocommit=not commit) as session:
        yield session


def set_database(database: Database | None) -> None:
    """Point the process at another database (tests, the CLI's ``--database-url``)."""
    global _database
    _database = database
