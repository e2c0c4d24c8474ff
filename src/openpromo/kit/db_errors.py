"""Reading what a database error was, the same way on both drivers."""

from __future__ import annotations

import re
from typing import Literal

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout

UNIQUE_VIOLATION = "23505"

FaultKind = Literal["connection", "timeout", "pool", "conflict"]

# SQLSTATEs that say "the database could not do it now" (nothing of the transaction is
# applied; the same work may be tried again): connection exceptions (class 08), the server
# shutting down, crashing or starting (57P01-57P03), idle-session timeouts (57P05, 25P03),
# too many connections (53300); a statement or lock timeout (57014, 55P03); a serialization
# failure or deadlock (40001, 40P01).
_CONNECTION_STATES = {"57P01", "57P02", "57P03", "57P05", "25P03", "53300"}
_TIMEOUT_STATES = {"57014", "55P03"}
_CONFLICT_STATES = {"40001", "40P01"}
_CONNECTION_GONE = re.compile(r"connection (is|was) closed|another operation is in progress")


def is_unique_violation(exc: IntegrityError) -> bool:
    """A unique-index violation on PostgreSQL (asyncpg reports the SQLSTATE; SQLAlchemy's
    asyncpg adapter wraps the driver's exception)."""
    cause = getattr(exc.orig, "driver_exception", exc.orig)
    return getattr(cause, "sqlstate", None) == UNIQUE_VIOLATION


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, what SQLAlchemy wrapped (``orig``) and what its asyncpg adapter wrapped
    (``driver_exception``), and their causes."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo and len(seen) < 8:
        item = todo.pop()
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        todo += [getattr(item, "orig", None), getattr(item, "driver_exception", None)]
        todo.append(item.__cause__)
    return seen


# Where opening a database connection runs: a socket error raised there is the database's.
# (On an open connection asyncpg reports a lost socket as its own errors, handled above; a
# socket error from elsewhere — a client's upload going away while its rows are copied to
# the database — is not a database fault, even when it passes through the driver.)
_CONNECTING = ("asyncpg.connect_utils", "sqlalchemy.pool")


def _raised_connecting(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith(_CONNECTING):
            return True
        tb = tb.tb_next
    return False


def fault_kind(exc: BaseException) -> FaultKind | None:
    """What kind of transient database fault ``exc`` is, or None for anything else (a bug,
    a constraint violation, a domain error)."""
    if isinstance(exc, PoolTimeout):
        return "pool"
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return "connection"
    for item in _chain(exc):
        name = type(item).__name__
        module = type(item).__module__
        sqlstate = getattr(item, "sqlstate", None) or getattr(item, "pgcode", None)
        if isinstance(sqlstate, str):
            if sqlstate.startswith("08") or sqlstate in _CONNECTION_STATES:
                return "connection"
            if sqlstate in _TIMEOUT_STATES:
                return "timeout"
            if sqlstate in _CONFLICT_STATES:
                return "conflict"
        if module.startswith("asyncpg") and (
            name in {"InternalClientError", "ConnectionDoesNotExistError"}
            or (name == "InterfaceError" and _CONNECTION_GONE.search(str(item)))
        ):
            # InternalClientError: the protocol was left mid-message by a lost connection
            # (docs/faults.md); InterfaceError: asyncpg refuses a closed or busy connection.
            return "connection"
        if isinstance(item, OSError | TimeoutError) and _raised_connecting(item):
            return "connection"  # refused, unreachable, a connect timeout
        if module.startswith("sqlite3") and "database is locked" in str(item):
            return "timeout"  # the busy timeout ran out
    return None


def is_disconnect(exc: BaseException) -> bool:
    """A fault after which the connection must not be used again."""
    return fault_kind(exc) == "connection"
