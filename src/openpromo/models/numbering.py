"""Small integer surrogates ("numbers") of tenants and promocodes.

``promocode_values`` holds tens of millions of rows; repeating a 36-character tenant and
promocode id in every row and index entry was most of its size (docs/promocodes.md, "The value
table is lean on purpose"). Those two tables therefore also carry an ``INTEGER number``, unique,
assigned at insert by the default below, and the value table stores the numbers.

The default is one SQL expression compiled per backend: ``nextval`` of the table's sequence on
PostgreSQL (migration 0017 creates it; concurrent inserts never collide), ``max + 1`` on SQLite,
whose writers are serialised anyway and which has no sequences.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal


class next_number(FunctionElement[int]):
    """The next ``number`` of ``table`` (see the module docstring)."""

    type = Integer()
    inherit_cache = True

    def __init__(self, table: str) -> None:
        self.table = table
        super().__init__()

    # Part of the cache key: one compiled form per table.
    _traverse_internals = [("table", InternalTraversal.dp_string)]


@compiles(next_number, "postgresql")
def _next_number_pg(element: next_number, compiler: Any, **kw: Any) -> str:
    return f"nextval('{element.table}_number_seq')"


@compiles(next_number)
def _next_number_default(element: next_number, compiler: Any, **kw: Any) -> str:
    return f"(SELECT coalesce(max(number), 0) + 1 FROM {element.table})"  # noqa: S608


def number_default(table: str) -> ColumnElement[int]:
    return next_number(table)
