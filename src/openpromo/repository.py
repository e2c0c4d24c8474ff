"""The tenant chokepoint: the one place a statement is scoped to a tenant.

Every repository of tenant-owned rows (a table with a ``tenant_id`` column) subclasses
``TenantScopedRepository`` and builds its statements through it:

* ``self._select(*entities)`` — ``select(...)`` with ``tenant_id = :tenant`` added for every
  tenant-owned table its columns come from;
* ``self._update(Model)`` / ``self._delete(Model)`` — the same for the one table changed;
* ``self.owns(Model)`` — the filter itself, for a table a statement reaches otherwise (a join,
  an ``EXISTS`` subquery, the ``WHERE`` of an upsert);
* ``tenant_bound(Model)`` — for statements built once at import time (the validation hot path
  reuses them): the filter with a ``:tenant_id`` parameter, which ``self.params()`` fills.

A table may instead carry the tenant's integer surrogate ``tenant_no`` (``promocode_values``:
docs/promocodes.md); for it the filter is ``tenant_no = (SELECT number FROM tenants WHERE id =
:tenant)``, a one-row lookup that PostgreSQL and SQLite evaluate once per statement.

Raw SQL strings name ``tenant_id`` themselves (and take ``self.tenant_id`` as a parameter).
``tests/lint_tenant.py`` (run by ``.ci/run`` and the test suite) fails when a repository
compares a ``tenant_id`` by hand or queries a tenant-owned table without one of the above; the
few queries that are cross-tenant on purpose (authentication by key hash, the scheduler's scans,
housekeeping) carry a ``# cross-tenant: <why>`` comment that the lint requires.
"""

from __future__ import annotations

from typing import Any, TypeVar, overload

from sqlalchemy import Delete, Select, Table, Update, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

T = TypeVar("T")


def _table(entity: Any) -> Any:
    table = getattr(entity, "__table__", None)
    return table if table is not None else entity


def _tenant_column(entity: Any) -> Any:
    """A model's, a table's or a table's column collection's ``tenant_id`` (or ``tenant_no``)."""
    source = _table(entity)
    columns = source.c if hasattr(source, "c") else source
    column = columns.get("tenant_id")
    if column is None:
        column = columns.get("tenant_no")
    if column is None:
        raise TypeError(f"{entity!r} is not tenant-owned (no tenant_id column)")
    return column


def _is_tenant_owned(source: Table) -> bool:
    return "tenant_id" in source.c or "tenant_no" in source.c


def _tenant_filter(column: Any, tenant: Any) -> ColumnElement[bool]:
    """``column = tenant`` — through the tenant's number when ``column`` is a ``tenant_no``."""
    if column.name == "tenant_no":
        from openpromo.models.tenant import Tenant

        numbered: ColumnElement[bool] = (
            column == select(Tenant.number).where(Tenant.id == tenant).scalar_subquery()
        )
        return numbered
    result: ColumnElement[bool] = column == tenant
    return result


def tenant_bound(entity: Any) -> ColumnElement[bool]:
    """``tenant_id = :tenant_id`` for a statement built once and run with ``params()``."""
    return _tenant_filter(_tenant_column(entity), bindparam("tenant_id"))


class TenantScopedRepository:
    """Base of every repository of tenant-owned rows: constructed with the tenant, it adds the
    tenant filter to every statement it builds."""

    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def owns(self, entity: Any) -> ColumnElement[bool]:
        """``entity.tenant_id = <this tenant>``."""
        return _tenant_filter(_tenant_column(entity), self.tenant_id)

    def tenant_number(self) -> Any:
        """This tenant's ``number`` (a scalar subquery), for columns that store it."""
        from openpromo.models.tenant import Tenant

        return select(Tenant.number).where(Tenant.id == self.tenant_id).scalar_subquery()

    def tenant_config_version(self) -> Any:
        """This tenant's ``config_version`` (a scalar subquery): the key of the per-process
        reward-type caches, read inside the statement that needs it (no round trip)."""
        from openpromo.models.tenant import Tenant

        return select(Tenant.config_version).where(Tenant.id == self.tenant_id).scalar_subquery()

    def params(self, **params: Any) -> dict[str, Any]:
        """Parameters of a ``tenant_bound`` statement: ``params`` and this tenant."""
        params["tenant_id"] = self.tenant_id
        return params

    @overload
    def _select(self, entity: type[T], /) -> Select[T]: ...

    @overload
    def _select(self, *entities: Any) -> Select[Any]: ...

    def _select(self, *entities: Any) -> Select[Any]:
        """``select(*entities)`` scoped to this tenant on every tenant-owned table the
        columns come from."""
        statement: Select[Any] = select(*entities)
        seen: set[Any] = set()
        for source in statement.columns_clause_froms:
            if isinstance(source, Table) and _is_tenant_owned(source) and source not in seen:
                seen.add(source)
                statement = statement.where(self.owns(source))
        return statement

    def _update(self, entity: Any) -> Update:
        return update(entity).where(self.owns(entity))

    def _delete(self, entity: Any) -> Delete:
        return delete(entity).where(self.owns(entity))
