"""Reading what a database error was, the same way on both drivers."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

UNIQUE_VIOLATION = "23505"


def is_unique_violation(exc: IntegrityError) -> bool:
    """A unique-index violation on PostgreSQL (asyncpg reports the SQLSTATE; SQLAlchemy's
    asyncpg adapter wraps the driver's exception)."""
    cause = getattr(exc.orig, "driver_exception", exc.orig)
    return getattr(cause, "sqlstate", None) == UNIQUE_VIOLATION
