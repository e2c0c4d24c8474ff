"""All SQL of grants, usage counters, audience members and the promocode values validation
touches. Scoped by tenant in ``_scoped``/the constructor; every counter change is a guarded
atomic statement with a CHECK constraint behind it.

Locking order (every writer takes locks in this order, so concurrent writers never deadlock):
grant rows of one group (reversal only) → the promocode row → usage counter rows in
``lock_order``: the sliced (promotion-wide) counters first, by (key, window_start, slice),
then the others by (key, window_start) → promocode value rows. A commit that takes one slice
of a counter (``SKIP LOCKED``: it never waits for it) does so before it waits for anything
else of the counters; one that finds no free slice rolls back to the savepoint taken before
and takes every slice, in this order (``ledger/slices.py``, docs/hot-promotions.md).

Size (over 600 lines, on purpose): the locking order above spans every statement here, and the
hot path's statements are precompiled per dialect in one table (``_build``, the ``unnest``
writes); split across modules, the order would have no single place to be read and checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    BigInteger,
    String,
    and_,
    any_,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    text,
    tuple_,
    union_all,
    update,
)
from sqlalchemy import (
    column as sa_column,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from openpromo.kit import rawpg
from openpromo.ledger.slices import Light, SliceRow, ensure_rows, is_sliced, take_back
from openpromo.models import AudienceMember, Grant, GrantReference, UsageCounter
from openpromo.models.base import UTCDateTime
from openpromo.models.promocode import Promocode
from openpromo.models.promocode_value import PromocodeValue
from openpromo.repository import TenantScopedRepository, tenant_bound

CounterId = tuple[str, datetime]
SliceId = tuple[str, datetime, int]  # a counter's slice: (key, window_start, slice)


def lock_order(counter: CounterId) -> tuple[bool, str, datetime]:
    """The order counter rows are locked (and created) in: sliced counters first."""
    return (not is_sliced(counter[0]), counter[0], counter[1])


def _slice_order(item: tuple[SliceId, Any]) -> tuple[bool, str, datetime, int]:
    (key, start, number), _ = item
    return (not is_sliced(key), key, start, number)


# Big IN lists are split so no statement exceeds parameter limits (SQLite: 32766).
_CHUNK = 5000


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_U = UsageCounter.__table__.c
_M = AudienceMember.__table__.c


def _in(column: Any, name: str, postgres: bool) -> Any:
    """``column IN (...)`` with a list parameter: ``= ANY($n)`` (one array parameter, no
    statement rewriting per call) on PostgreSQL, an expanding IN elsewhere."""
    if postgres:
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def _build(postgres: bool) -> dict[str, Any]:
    """Statements built once per dialect: validation's hot path reuses them (no statement
    construction per call)."""
    counters = select(_U.key, _U.window_start, _U.used, _U.slice, _U.limit_value).where(
        tenant_bound(_U),
        _in(_U.key, "keys", postgres),
        _in(_U.window_start, "starts", postgres),
    )
    both = union_all(
        select(
            literal("u").label("kind"),
            _U.key,
            _U.window_start,
            _U.used,
            cast(null(), String).label("customer_id"),
        ).where(
            tenant_bound(_U),
            _in(_U.key, "keys", postgres),
            _in(_U.window_start, "starts", postgres),
        ),
        select(
            literal("m").label("kind"),
            _M.key,
            _M.window_start,
            cast(null(), BigInteger).label("used"),
            _M.customer_id,
        ).where(
            tenant_bound(_M),
            _in(_M.key, "member_keys", postgres),
            _in(_M.window_start, "member_starts", postgres),
            _in(_M.customer_id, "customers", postgres),
        ),
    )
    return {
        "counters": counters,
        "counters_locked": counters.order_by(_U.key, _U.window_start, _U.slice).with_for_update(),
        "counters_and_members": both,
    }


_STATEMENTS = {True: _build(True), False: _build(False)}

_COUNTERS_AND_MEMBERS_PG = (
    "SELECT 'u', key, window_start, used, NULL::varchar FROM usage_counters "
    "WHERE tenant_id = $1 AND key = ANY($2::varchar[]) AND window_start = ANY($3::timestamptz[]) "
    "UNION ALL "
    "SELECT 'm', key, window_start, NULL::bigint, customer_id FROM audience_members "
    "WHERE tenant_id = $1 AND key = ANY($4::varchar[]) AND window_start = ANY($5::timestamptz[]) "
    "AND customer_id = ANY($6::varchar[])"
)

# A small commit's state in one round trip: its counter rows locked (one probe per pair, in
# the order given: key order, the lock order), then its customers' audience memberships (one
# probe per (counter, customer), as _MEMBERS_BY_PROBES). UNION ALL runs its branches in order.
_LOCKED_COUNTERS_CTE = (
    "c AS (SELECT u.key, u.window_start, u.used, u.slice, u.limit_value "
    "FROM unnest($2::varchar[], $3::timestamptz[]) WITH ORDINALITY AS w(key, ws, n) "
    "CROSS JOIN LATERAL (SELECT c.key, c.window_start, c.used, c.slice, c.limit_value "
    "FROM usage_counters c WHERE c.tenant_id = $1 AND c.key = w.key AND c.window_start = w.ws "
    "ORDER BY c.slice FOR UPDATE) AS u ORDER BY w.n, u.slice)"
)
_LOCK_COUNTERS_READ_MEMBERS_PG = (  # constant parts only
    f"WITH {_LOCKED_COUNTERS_CTE}, "  # noqa: S608
    "m AS (SELECT a.key, a.window_start, a.customer_id "
    "FROM unnest($4::varchar[], $5::timestamptz[]) AS w(key, ws) "
    "CROSS JOIN unnest($6::varchar[]) AS cu(customer_id) "
    "CROSS JOIN LATERAL (SELECT a.key, a.window_start, a.customer_id FROM audience_members a "
    "WHERE a.tenant_id = $1 AND a.key = w.key AND a.window_start = w.ws "
    "AND a.customer_id = cu.customer_id LIMIT 1) AS a) "
    "SELECT 'u', key, window_start, used, NULL::varchar, slice, limit_value, "
    "NULL::bigint, NULL::bigint FROM c "
    "UNION ALL SELECT 'm', key, window_start, NULL::bigint, customer_id, NULL::smallint, "
    "NULL::bigint, NULL::bigint, NULL::bigint FROM m"
)
# The same with one slice of each sliced counter (``ledger/slices.py``): a slice no other
# transaction holds whose own headroom covers the most this commit could take there
# (``SKIP LOCKED``: never waits), tried from a per-transaction starting slice so concurrent
# commits spread over the slices, with the counter's totals as this statement sees them (the
# limits must add up to the configured limit). First (they wait for nothing), then the other
# counters locked (waiting, in key order), then the members: UNION ALL runs its branches in
# order. A sliced counter without such a slice comes back with a NULL slice.
_LIGHT_LOCK_READ_MEMBERS_PG = (  # constant parts only
    "WITH l AS"  # noqa: S608
    " (SELECT w.key, w.ws, s.used, s.slice, s.limit_value, t.used_total, "
    "t.limit_total FROM unnest($7::varchar[], $8::timestamptz[], $9::bigint[]) "
    "WITH ORDINALITY AS w(key, ws, need, n) "
    "CROSS JOIN LATERAL (SELECT coalesce(sum(c.used), 0)::bigint AS used_total, "
    "coalesce(sum(c.limit_value), 0)::bigint AS limit_total FROM usage_counters c "
    "WHERE c.tenant_id = $1 AND c.key = w.key AND c.window_start = w.ws) AS t "
    "LEFT JOIN LATERAL (SELECT c.slice, c.used, c.limit_value FROM usage_counters c "
    "WHERE c.tenant_id = $1 AND c.key = w.key AND c.window_start = w.ws "
    "AND c.limit_value - c.used >= w.need ORDER BY (c.slice + $10) % $11 "
    "FOR UPDATE SKIP LOCKED LIMIT 1) AS s ON true ORDER BY w.n), "
    f"{_LOCKED_COUNTERS_CTE}, "
    "m AS (SELECT a.key, a.window_start, a.customer_id "
    "FROM unnest($4::varchar[], $5::timestamptz[]) AS w(key, ws) "
    "CROSS JOIN unnest($6::varchar[]) AS cu(customer_id) "
    "CROSS JOIN LATERAL (SELECT a.key, a.window_start, a.customer_id FROM audience_members a "
    "WHERE a.tenant_id = $1 AND a.key = w.key AND a.window_start = w.ws "
    "AND a.customer_id = cu.customer_id LIMIT 1) AS a) "
    "SELECT 'l', key, ws, used, NULL::varchar, slice, limit_value, used_total, limit_total "
    "FROM l "
    "UNION ALL SELECT 'u', key, window_start, used, NULL::varchar, slice, limit_value, "
    "NULL::bigint, NULL::bigint FROM c "
    "UNION ALL SELECT 'm', key, window_start, NULL::bigint, customer_id, NULL::smallint, "
    "NULL::bigint, NULL::bigint, NULL::bigint FROM m"
)
SAVEPOINT = "SAVEPOINT counter_slices"
ROLLBACK_TO_SAVEPOINT = "ROLLBACK TO SAVEPOINT counter_slices"

# One index probe per (key, window_start) pair, in the order given (sorted: the lock order),
# whatever the planner's statistics say.
_PAIRS_SQL = (
    "SELECT u.key, u.window_start, u.used, u.slice, u.limit_value "
    "FROM unnest(CAST(:keys AS varchar[]), CAST(:starts AS timestamptz[])) "
    "WITH ORDINALITY AS w(key, ws, n) "
    "CROSS JOIN LATERAL (SELECT c.key, c.window_start, c.used, c.slice, c.limit_value "
    "FROM usage_counters c WHERE c.tenant_id = :tenant_id AND c.key = w.key "
    "AND c.window_start = w.ws ORDER BY c.slice{lock}) AS u "
    "ORDER BY w.n, u.slice"
)
_PAIR_COLUMNS = (
    sa_column("key", String),
    sa_column("window_start", UTCDateTime()),
    sa_column("used", BigInteger),
    sa_column("slice", BigInteger),
    sa_column("limit_value", BigInteger),
)
# Audience members of the given counters among the given customers: one primary-key probe per
# (counter, customer), whatever the planner's statistics say. A plain filter was planned as a
# scan of a table filled seconds before (no statistics yet): 4.7 s instead of 11 ms for a
# 10,000-customer commit. ``LIMIT 1`` (the key is unique) keeps the planner from pulling the
# subquery up into a join it may then plan as a hash join over the whole table — as a
# prepared statement's generic plan did: single commits fell from 350 to 100 per second.
_MEMBERS_BY_PROBES = text(
    "SELECT m.key, m.window_start, m.customer_id "
    "FROM unnest(CAST(:keys AS varchar[]), CAST(:starts AS timestamptz[])) AS w(key, ws) "
    "CROSS JOIN unnest(CAST(:customers AS varchar[])) AS c(customer_id) "
    "CROSS JOIN LATERAL (SELECT a.key, a.window_start, a.customer_id FROM audience_members a "
    "WHERE a.tenant_id = :tenant_id AND a.key = w.key AND a.window_start = w.ws "
    "AND a.customer_id = c.customer_id LIMIT 1) AS m"
).columns(
    sa_column("key", String),
    sa_column("window_start", UTCDateTime()),
    sa_column("customer_id", String),
)
_COUNTERS_BY_PAIRS = text(_PAIRS_SQL.format(lock="")).columns(*_PAIR_COLUMNS)
_COUNTERS_BY_PAIRS_LOCKED = text(_PAIRS_SQL.format(lock=" FOR UPDATE")).columns(*_PAIR_COLUMNS)


# The grants of one write come from one validation call: these columns are the same in all
# of them and are sent once, as scalars. The others go as ONE JSON document of rows, read by
# json_to_recordset: orjson writes it in C and PostgreSQL parses it in C, where asyncpg
# encoded one array per column element by element (isinstance checks included) — a fifth
# of a 10,000-customer commit's CPU.
_SHARED_GRANT_COLUMNS = {
    "tenant_id": "varchar",
    "promotion_id": "varchar",
    "promotion_version": "int",
    "promocode_id": "varchar",
    "campaign_id": "varchar",
    "status": "varchar",
    "created_at": "timestamptz",
    "reserved_until": "timestamptz",
}
_GRANT_COLUMNS = {
    "id": "varchar",
    "customer_id": "varchar",
    "code": "varchar",
    "tier_id": "varchar",
    "reward_type": "varchar",
    "value_minor": "bigint",
    "reference": "varchar",
    "group_id": "varchar",
    "consumed": "jsonb",
    "expires_at": "timestamptz",
}


def _shared_of(row: dict[str, Any]) -> tuple[Any, ...]:
    # .get: ``reserved_until`` is absent from rows written before reservations existed.
    return tuple(row.get(name) for name in _SHARED_GRANT_COLUMNS)


_MEMBER_COLUMNS = {
    "m_tenant_id": "varchar[]",
    "m_key": "varchar[]",
    "m_window_start": "timestamptz[]",
    "m_customer_id": "varchar[]",
}


def _grants_unnest_sql(with_members: bool, where: str = "") -> str:
    """The grants insert; with members, the audience members too (``ON CONFLICT DO
    NOTHING``: a concurrent commit of the same customer may have added one since this
    commit read them) and ONE result row: the grants inserted and the members inserted per
    (key, window_start), as JSON — see ``_places_taken_twice``."""
    # Column names and casts come from the constant mappings above, never from input.
    names = ", ".join(_GRANT_COLUMNS)
    record = ", ".join(f"{name} {type_}" for name, type_ in _GRANT_COLUMNS.items())
    shared = ", ".join(f"CAST(:{name} AS {type_})" for name, type_ in _SHARED_GRANT_COLUMNS.items())
    grants = (  # tenant-scoped: tenant_id is one of the shared columns
        f"INSERT INTO grants ({', '.join(_SHARED_GRANT_COLUMNS)}, {names}) "  # noqa: S608
        f"SELECT {shared}, {names} FROM json_to_recordset(CAST(:grant_rows AS json)) "
        f"AS t({record}){where}"
    )
    if not with_members:
        return grants
    m_names = ", ".join(_MEMBER_COLUMNS)
    m_casts = ", ".join(f"CAST(:{name} AS {type_})" for name, type_ in _MEMBER_COLUMNS.items())
    return (
        "WITH m AS (INSERT INTO audience_members (tenant_id, key, window_start, customer_id) "  # noqa: S608
        f"SELECT {m_names} FROM unnest({m_casts}) AS u({m_names}) "
        "ON CONFLICT DO NOTHING RETURNING key, window_start), "
        f"g AS ({grants} RETURNING 1) "
        "SELECT (SELECT count(*) FROM g), (SELECT json_agg(json_build_array(x.key, "
        "x.window_start, x.n)) FROM (SELECT key, window_start, count(*) AS n FROM m "
        "GROUP BY key, window_start) AS x)"
    )


_COUNTER_COLUMNS = {
    "c_tenant_id": "varchar[]",
    "c_key": "varchar[]",
    "c_window_start": "timestamptz[]",
    "c_slice": "smallint[]",
    "c_limit_value": "bigint[]",
    "c_used": "bigint[]",
}


def _all_writes_sql(with_members: bool) -> str:
    """Counters (guarded upsert), new audience members and grants in one statement; the
    grants are inserted only if every counter was applied (the caller checks the count)."""
    c_names = ", ".join(_COUNTER_COLUMNS)
    c_casts = ", ".join(f"CAST(:{name} AS {type_})" for name, type_ in _COUNTER_COLUMNS.items())
    counters = (
        "c AS (INSERT INTO usage_counters "  # noqa: S608
        "(tenant_id, key, window_start, slice, limit_value, used) "
        f"SELECT {c_names} FROM unnest({c_casts}) AS v({c_names}) "
        "ON CONFLICT (tenant_id, key, window_start, slice) DO UPDATE "
        "SET used = usage_counters.used + excluded.used, limit_value = excluded.limit_value "
        "WHERE usage_counters.used + excluded.used <= excluded.limit_value RETURNING 1)"
    )
    where = " WHERE (SELECT count(*) FROM c) = :c_count"
    rest = _grants_unnest_sql(with_members, where)
    if with_members:
        return rest.replace("WITH m AS (", f"WITH {counters}, m AS (", 1)
    return f"WITH {counters} {rest}"


# Counter rows from arrays, inserted in the arrays' order (ORDINALITY): key order, the lock
# order. The first creates missing rows; the second adds to per-customer counters (their rows
# were locked and planned against; the CHECK constraint is the backstop).
_COUNTERS_FROM_ARRAYS = (
    "INSERT INTO usage_counters (tenant_id, key, window_start, slice, limit_value, used) "
    "SELECT CAST(:tenant_id AS varchar), k, ws, sl, l, {used} "
    "FROM unnest(CAST(:keys AS varchar[]), "
    "CAST(:starts AS timestamptz[]), CAST(:slices AS smallint[]), CAST(:limits AS bigint[]), "
    "CAST(:amounts AS bigint[])) "
    "WITH ORDINALITY AS t(k, ws, sl, l, a, n){missing} ORDER BY n "
    "ON CONFLICT (tenant_id, key, window_start, slice) {action}"
)
# Only the rows this statement's snapshot does not have go to the insert: ON CONFLICT on a
# row that exists waits for a transaction that has UPDATEd it and is not done (its unique
# check waits for the old version's deleter) — every commit of a hot promotion queued there
# behind the commit holding the counter, slices or not (Lock/transactionid in the bench).
_ENSURE_COUNTERS = text(
    _COUNTERS_FROM_ARRAYS.format(
        used="0",
        action="DO NOTHING",
        missing=" WHERE NOT EXISTS (SELECT 1 FROM usage_counters c WHERE c.tenant_id = "
        "CAST(:tenant_id AS varchar) AND c.key = t.k AND c.window_start = t.ws AND c.slice = t.sl)",
    )
)
_ADD_TO_COUNTERS = text(
    _COUNTERS_FROM_ARRAYS.format(
        used="a",
        action="DO UPDATE SET used = usage_counters.used + excluded.used, "
        "limit_value = excluded.limit_value",
        missing="",
    )
)
_GRANTS_UNNEST = text(_grants_unnest_sql(False))
_GRANTS_AND_MEMBERS_UNNEST = text(_grants_unnest_sql(True))
_ALL_WRITES = {False: text(_all_writes_sql(False)), True: text(_all_writes_sql(True))}


def _grant_params(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The statement's parameters: the shared columns once, the others as arrays."""
    shared = _shared_of(rows[0])
    if any(_shared_of(row) != shared for row in rows):
        raise ValueError(f"the grants of one write must share {', '.join(_SHARED_GRANT_COLUMNS)}")
    params: dict[str, Any] = dict(zip(_SHARED_GRANT_COLUMNS, shared, strict=True))
    # The whole rows: json_to_recordset reads the columns it names and ignores the rest.
    params["grant_rows"] = orjson.dumps(rows).decode()
    return params


# Rows that count against the limits: grants and held reservations (docs/reservations.md).
LIVE = ("granted", "reserved")


# The columns of ``ix_promocode_values_promocode_status_id``: with one promocode and one status
# in the WHERE, ordering by them is ordering by id (upload order).
POOL_ORDER = (PromocodeValue.promocode_no, PromocodeValue.status, PromocodeValue.id)


class CounterOverrun(Exception):
    """A guarded update matched no row: the plan no longer holds (should never happen with the
    rows locked; the transaction is rolled back)."""


class GrantRepository(TenantScopedRepository):
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        super().__init__(session, tenant_id)
        self.is_postgres = session.get_bind().dialect.name == "postgresql"
        self._sql = _STATEMENTS[self.is_postgres]

    def _insert(self, table: Any) -> Any:
        return pg_insert(table) if self.is_postgres else sqlite_insert(table)

    # -- grants ---------------------------------------------------------------------------

    async def get(self, grant_id: str, *, for_update: bool = False) -> Grant | None:
        query = self._select(Grant).where(Grant.id == grant_id)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query.execution_options(populate_existing=True))

    async def lock_group(self, group_id: str) -> Sequence[Grant]:
        query = (
            self._select(Grant)
            .where(Grant.group_id == group_id)
            .order_by(Grant.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(query)).all()

    async def lock_groups(
        self, group_ids: Sequence[str], *, lock: bool = True
    ) -> dict[str, Sequence[Grant]]:
        """Every row of the given groups, locked in one statement in (group id, id) order —
        ``lock_group`` for each in id order, without a round trip per group (PostgreSQL
        locks a ``SELECT … ORDER BY … FOR UPDATE``'s rows in the order it returns them).
        ``lock=False``: only read them (the committed state, to word a refusal)."""
        out: dict[str, list[Grant]] = {}
        for chunk in _chunks(sorted(set(group_ids))):
            query = (
                self._select(Grant)
                .where(Grant.group_id.in_(chunk))
                .order_by(Grant.group_id, Grant.id)
                .execution_options(populate_existing=True)
            )
            if lock:
                query = query.with_for_update()
            for grant in (await self.session.scalars(query)).all():
                out.setdefault(grant.group_id, []).append(grant)
        return dict(out)

    async def list_page(
        self,
        *,
        after_id: str | None,
        limit: int,
        promotion_id: str | None = None,
        promocode_id: str | None = None,
        customer_id: str | None = None,
        campaign_id: str | None = None,
        status: str | None = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
    ) -> Sequence[Grant]:
        query = self._select(Grant)
        for column, value in (
            (Grant.promotion_id, promotion_id),
            (Grant.promocode_id, promocode_id),
            (Grant.customer_id, customer_id),
            (Grant.campaign_id, campaign_id),
            (Grant.status, status),
        ):
            if value is not None:
                query = query.where(column == value)
        if created_from is not None:
            query = query.where(Grant.created_at >= created_from)
        if created_to is not None:
            query = query.where(Grant.created_at < created_to)
        if after_id is not None:
            query = query.where(Grant.id > after_id)
        return (await self.session.scalars(query.order_by(Grant.id).limit(limit))).all()

    async def by_references(
        self, promotion_id: str, references: Sequence[str]
    ) -> dict[str, list[Grant]]:
        out: dict[str, list[Grant]] = {}
        for chunk in _chunks(list(references)):
            rows = await self.session.scalars(
                self._select(Grant)
                .where(
                    Grant.promotion_id == promotion_id,
                    Grant.reference.in_(chunk),
                )
                .order_by(Grant.id)
            )
            for grant in rows:
                out.setdefault(grant.reference or "", []).append(grant)
        return out

    async def claim_references(
        self, promotion_id: str, claims: Sequence[tuple[str, str]], now: datetime
    ) -> set[str]:
        """Insert (reference, customer) claims; returns the references this transaction got.

        A reference claimed by a concurrent transaction makes this statement wait for it; if it
        commits, the reference is not returned (its grants are read instead).
        """
        if not claims:
            return set()
        won: set[str] = set()
        stmt = (
            self._insert(GrantReference.__table__)
            .on_conflict_do_nothing()
            .returning(GrantReference.__table__.c.reference)
        )
        rows = [
            {
                "tenant_id": self.tenant_id,
                "promotion_id": promotion_id,
                "reference": ref,
                "customer_id": customer,
                "created_at": now,
            }
            for ref, customer in sorted(claims)
        ]
        for chunk in _chunks(rows, 2000):
            if len(chunk) == 1:
                won.update((await self.session.scalars(stmt.values(chunk[0]))).all())
            else:
                result = await self.session.execute(stmt, list(chunk))
                won.update(r[0] for r in result.all())
        return won

    async def release_references(self, promotion_id: str, references: Sequence[str]) -> None:
        for chunk in _chunks(list(references)):
            await self.session.execute(
                self._delete(GrantReference).where(
                    GrantReference.promotion_id == promotion_id,
                    GrantReference.reference.in_(chunk),
                )
            )

    async def insert_grants(self, rows: list[dict[str, Any]]) -> None:
        if self.is_postgres and len(rows) > 50:
            await self._insert_grants_unnest(rows)
            return
        for chunk in _chunks(rows, 5000):
            await self.session.execute(insert(_table(Grant)), list(chunk))

    async def insert_grants_and_members(
        self, rows: list[dict[str, Any]], members: Sequence[tuple[str, datetime, str]]
    ) -> dict[CounterId, int]:
        """PostgreSQL: the grants and the new audience members in ONE statement (the members
        insert as a CTE of the grants insert) — a commit's last write before COMMIT, while the
        promotion-wide counter rows are locked."""
        if len(rows) > 20_000 or not rows:
            if members:
                await self.add_members(members)
            await self.insert_grants(rows)
            return {}
        params = _grant_params(rows)
        statement = _GRANTS_UNNEST
        if members:
            statement = _GRANTS_AND_MEMBERS_UNNEST
            params["m_tenant_id"] = [self.tenant_id] * len(members)
            params["m_key"] = [k for k, _, _ in members]
            params["m_window_start"] = [s for _, s, _ in members]
            params["m_customer_id"] = [c for _, _, c in members]
        result = await self.session.execute(statement, params)
        return _places_taken_twice(result, members) if members else {}

    async def write_all(
        self,
        deltas: dict[SliceId, tuple[int, int]],
        rows: list[dict[str, Any]],
        members: Sequence[tuple[str, datetime, str]],
    ) -> dict[CounterId, int]:
        """PostgreSQL, a small commit: every counter's guarded ``used += amount`` (like
        ``consume_all_guarded``), the new audience members and the grants in ONE statement —
        the only write between the locking read and COMMIT. Raises ``CounterOverrun`` (and
        the caller's transaction is rolled back) if any counter would go over its limit.
        Returns the cap places counted for customers found to be members already
        (``_places_taken_twice``)."""
        params = _grant_params(rows)
        ordered = sorted(deltas.items(), key=_slice_order)
        params["c_tenant_id"] = [self.tenant_id] * len(ordered)
        params["c_key"] = [k for (k, _, _), _ in ordered]
        params["c_window_start"] = [s for (_, s, _), _ in ordered]
        params["c_slice"] = [n for (_, _, n), _ in ordered]
        params["c_limit_value"] = [limit for _, (_, limit) in ordered]
        params["c_used"] = [amount for _, (amount, _) in ordered]
        params["c_count"] = len(ordered)
        if members:
            params["m_tenant_id"] = [self.tenant_id] * len(members)
            params["m_key"] = [k for k, _, _ in members]
            params["m_window_start"] = [s for _, s, _ in members]
            params["m_customer_id"] = [c for _, _, c in members]
        result = await self.session.execute(_ALL_WRITES[bool(members)], params)
        if not members:
            if result.rowcount != len(rows):  # type: ignore[attr-defined]
                raise CounterOverrun("a counter would go over its limit")
            return {}
        return _places_taken_twice(result, members, expect_grants=len(rows))

    async def _insert_grants_unnest(self, rows: list[dict[str, Any]]) -> None:
        """PostgreSQL: one ``INSERT … SELECT FROM unnest(arrays)`` per 20,000 grants — a big
        batch's ledger rows in one round trip instead of thousands of bound rows."""
        for chunk in _chunks(rows, 20_000):
            await self.session.execute(_GRANTS_UNNEST, _grant_params(chunk))

    async def mark_reversed(self, grant_id: str, now: datetime) -> bool:
        """``granted → reversed``; False when the row was not granted (nothing changed)."""
        result = await self.session.execute(
            self._update(Grant)
            .where(Grant.id == grant_id)
            .where(Grant.status == "granted")
            .values(status="reversed", reversed_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def lock_group_if_free(self, group_id: str) -> bool:
        """Lock every row of a group unless another transaction holds one of them
        (``SKIP LOCKED`` on PostgreSQL; SQLite's write unit is exclusive): False then, and the
        caller leaves the group to that transaction."""
        if not self.is_postgres:
            return True
        locked = (
            await self.session.scalars(
                self._select(Grant.id)
                .where(Grant.group_id == group_id)
                .with_for_update(skip_locked=True)
            )
        ).all()
        total = await self.session.scalar(
            self._select(func.count(Grant.id)).where(Grant.group_id == group_id)
        )
        return bool(locked) and len(locked) == total

    async def lock_promocode_for(self, grant: Grant, others_live: bool) -> None:
        """The promocode row, locked before the counters (the lock order), when giving back
        ``grant`` returns its code's redemption."""
        redemption = any(e.get("redemption") for e in grant.consumed or [])
        if redemption and not others_live and grant.promocode_id is not None:
            await self.lock_promocode(grant.promocode_id)

    async def mark_released(self, grant_id: str, now: datetime) -> bool:
        """``reserved → released``, exactly once: False when it was not reserved."""
        result = await self.session.execute(
            self._update(Grant)
            .where(Grant.id == grant_id, Grant.status == "reserved")
            .values(status="released", released_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def confirm_rows(
        self, group_id: str, updates: Sequence[tuple[Grant, int, list[Any]]]
    ) -> bool:
        """``reserved → granted`` for every row of a locked group, exactly once: rows whose
        value is lowered one by one (value and ``consumed``), the others in one statement.
        False (and the caller rolls back) unless every row was reserved. The loaded rows are
        brought up to date without a re-read (and without making them dirty)."""
        changed = [(g, v, c) for g, v, c in updates if v != g.value_minor]
        done = 0
        for grant, value, consumed in changed:
            result = await self.session.execute(
                self._update(Grant)
                .where(Grant.id == grant.id, Grant.status == "reserved")
                .values(status="granted", value_minor=value, consumed=consumed)
            )
            done += result.rowcount  # type: ignore[attr-defined]
        if len(changed) < len(updates):
            result = await self.session.execute(
                self._update(Grant)
                .where(Grant.group_id == group_id, Grant.status == "reserved")
                .values(status="granted")
                .execution_options(synchronize_session=False)
            )
            done += result.rowcount  # type: ignore[attr-defined]
        for grant, value, consumed in updates:
            set_committed_value(grant, "status", "granted")
            set_committed_value(grant, "value_minor", value)
            set_committed_value(grant, "consumed", consumed)
        return bool(done == len(updates))

    async def confirm_groups(
        self, plans: Sequence[tuple[str, Sequence[tuple[Grant, int, list[Any]]]]]
    ) -> bool:
        """``confirm_rows`` for many locked groups: the rows whose value is lowered one by
        one, every other row of them in ONE statement. False (and the caller rolls back)
        unless every row was reserved."""
        changed = [(g, v, c) for _, updates in plans for g, v, c in updates if v != g.value_minor]
        total = sum(len(updates) for _, updates in plans)
        done = 0
        for grant, value, consumed in changed:
            result = await self.session.execute(
                self._update(Grant)
                .where(Grant.id == grant.id, Grant.status == "reserved")
                .values(status="granted", value_minor=value, consumed=consumed)
            )
            done += result.rowcount  # type: ignore[attr-defined]
        if len(changed) < total:
            for chunk in _chunks(sorted({group_id for group_id, _ in plans})):
                result = await self.session.execute(
                    self._update(Grant)
                    .where(Grant.group_id.in_(chunk), Grant.status == "reserved")
                    .values(status="granted")
                    .execution_options(synchronize_session=False)
                )
                done += result.rowcount  # type: ignore[attr-defined]
        for _, updates in plans:
            for grant, value, consumed in updates:
                set_committed_value(grant, "status", "granted")
                set_committed_value(grant, "value_minor", value)
                set_committed_value(grant, "consumed", consumed)
        return bool(done == total)

    async def confirm_held(
        self, group_ids: Sequence[str], now: datetime
    ) -> tuple[dict[str, list[Grant]], int | None]:
        """``reserved → granted`` at full value for every row of the given groups still held
        at ``now``, lock and write in ONE statement per chunk (no ``SELECT … FOR UPDATE``
        before it): the sub-select locks the rows in (group id, id) order, as ``lock_groups``
        does, and re-checks them after waiting for a concurrent confirm or release (READ
        COMMITTED), so a row it returns was reserved and unexpired when taken. The rows
        written (up to date), by group, and the tenant's ``config_version`` read in the same
        statement (None when nothing was written) — the key of the reward-type cache."""
        out: dict[str, list[Grant]] = {}
        version: int | None = None
        tenant_version = self.tenant_config_version()
        for chunk in _chunks(sorted(set(group_ids))):
            held = (
                self._select(Grant.id)
                .where(
                    Grant.group_id.in_(chunk),
                    Grant.status == "reserved",
                    Grant.reserved_until > now,
                )
                .order_by(Grant.group_id, Grant.id)
                .with_for_update()
            )
            statement = (
                self._update(Grant)
                # The group filter here too: each side scans ix_grants_group_id, never the
                # tenant's every reserved row (the plan PostgreSQL picked without it).
                .where(Grant.group_id.in_(chunk), Grant.id.in_(held), Grant.status == "reserved")
                .values(status="granted")
                .returning(Grant, tenant_version)
                .execution_options(populate_existing=True, synchronize_session=False)
            )
            for grant, config_version in (await self.session.execute(statement)).all():
                out.setdefault(grant.group_id, []).append(grant)
                version = config_version
        for rows in out.values():
            rows.sort(key=lambda g: g.id)
        return out, version

    async def reservation_totals(self, promotion_id: str) -> tuple[int, dict[str, int]]:
        """Held reservations of a promotion: how many (groups) and their value per type."""
        rows = await self.session.execute(
            self._select(
                Grant.reward_type,
                func.count(func.distinct(Grant.group_id)),
                func.sum(Grant.value_minor),
            )
            .where(Grant.promotion_id == promotion_id, Grant.status == "reserved")
            .group_by(Grant.reward_type)
        )
        groups = await self.session.scalar(
            self._select(func.count(func.distinct(Grant.group_id))).where(
                Grant.promotion_id == promotion_id, Grant.status == "reserved"
            )
        )
        return int(groups or 0), {r: int(v or 0) for r, _, v in rows.all()}

    async def has_other_live_grant(
        self,
        promotion_id: str,
        customer_id: str,
        exclude_id: str,
        start: datetime,
        end: datetime | None,
    ) -> bool:
        query = select(Grant.id).where(
            self.owns(Grant),
            Grant.promotion_id == promotion_id,
            Grant.customer_id == customer_id,
            Grant.status.in_(LIVE),
            Grant.id != exclude_id,
            Grant.created_at >= start,
        )
        if end is not None:
            query = query.where(Grant.created_at < end)
        return (await self.session.scalar(query.limit(1))) is not None

    # -- rolling windows (summed from live grants) ----------------------------------------

    async def rolling_value_by_type(self, promotion_id: str, since: datetime) -> dict[str, int]:
        rows = await self.session.execute(
            select(Grant.reward_type, func.sum(Grant.value_minor))
            .where(
                self.owns(Grant),
                Grant.promotion_id == promotion_id,
                Grant.status.in_(LIVE),
                Grant.created_at > since,
            )
            .group_by(Grant.reward_type)
        )
        return {r: int(v or 0) for r, v in rows.all()}

    async def rolling_distinct_customers(self, promotion_id: str, since: datetime) -> int:
        value = await self.session.scalar(
            select(func.count(func.distinct(Grant.customer_id))).where(
                self.owns(Grant),
                Grant.promotion_id == promotion_id,
                Grant.status.in_(LIVE),
                Grant.created_at > since,
            )
        )
        return int(value or 0)

    async def rolling_use_by_promotion(
        self, promotion_ids: Sequence[str], since: datetime
    ) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
        """Rolling-window use of many promotions at once (the promotion list's bars): distinct
        customers per promotion and value per (promotion, reward type) of live grants after
        ``since``."""
        customers: dict[str, int] = {}
        values: dict[tuple[str, str], int] = {}
        for chunk in _chunks(list(promotion_ids)):
            live = (
                Grant.promotion_id.in_(chunk),
                Grant.status.in_(LIVE),
                Grant.created_at > since,
            )
            rows = await self.session.execute(
                self._select(Grant.promotion_id, func.count(func.distinct(Grant.customer_id)))
                .where(*live)
                .group_by(Grant.promotion_id)
            )
            customers.update({p: int(n) for p, n in rows.all()})
            sums = await self.session.execute(
                self._select(Grant.promotion_id, Grant.reward_type, func.sum(Grant.value_minor))
                .where(*live)
                .group_by(Grant.promotion_id, Grant.reward_type)
            )
            values.update({(p, r): int(v or 0) for p, r, v in sums.all()})
        return customers, values

    async def daily_counts_by_promotion(
        self, promotion_ids: Sequence[str], bounds: Sequence[datetime]
    ) -> dict[str, list[int]]:
        """Live grants per promotion in each interval ``[bounds[i], bounds[i + 1])`` (the last
        one open-ended): the lobby's sparklines, one grouped query for a page of promotions.
        The bounds are local midnights computed by the caller, so days follow the tenant's
        timezone exactly on every backend."""
        if not promotion_ids or not bounds:
            return {}
        bucket = case(
            *[(Grant.created_at >= bound, i) for i, bound in reversed(list(enumerate(bounds)))],
            else_=-1,
        )
        out: dict[str, list[int]] = {}
        for chunk in _chunks(list(promotion_ids)):
            rows = await self.session.execute(
                self._select(Grant.promotion_id, bucket, func.count())
                .where(
                    Grant.promotion_id.in_(chunk),
                    Grant.status == "granted",
                    Grant.created_at >= bounds[0],
                )
                .group_by(Grant.promotion_id, bucket)
            )
            for promotion_id, index, count in rows.all():
                if 0 <= index < len(bounds):
                    out.setdefault(promotion_id, [0] * len(bounds))[index] = int(count)
        return out

    async def rolling_by_customer(
        self, promotion_id: str, customers: Sequence[str], since: datetime
    ) -> dict[tuple[str, str], tuple[int, int]]:
        """(customer, reward_type) -> (value sum, grant count) since ``since``."""
        out: dict[tuple[str, str], tuple[int, int]] = {}
        for chunk in _chunks(list(customers)):
            rows = await self.session.execute(
                select(
                    Grant.customer_id,
                    Grant.reward_type,
                    func.sum(Grant.value_minor),
                    func.count(),
                )
                .where(
                    self.owns(Grant),
                    Grant.promotion_id == promotion_id,
                    Grant.status.in_(LIVE),
                    Grant.created_at > since,
                    Grant.customer_id.in_(chunk),
                )
                .group_by(Grant.customer_id, Grant.reward_type)
            )
            for customer, reward_type, total, count in rows.all():
                out[(customer, reward_type)] = (int(total or 0), int(count))
        return out

    # -- counters -------------------------------------------------------------------------

    async def ensure_counters(self, counters: dict[CounterId, int], slices: int = 1) -> None:
        """Create missing counter rows (used 0), in ``lock_order``. A sliced counter gets
        ``slices`` rows (``slices.ensure_rows``); rows that exist are kept as they are."""
        if not counters:
            return
        wanted: list[tuple[SliceId, int]] = []
        for counter, limit in sorted(counters.items(), key=lambda i: lock_order(i[0])):
            key, start = counter
            if slices > 1 and is_sliced(key):
                wanted += [((key, start, n), lim) for n, lim in ensure_rows(limit, slices)]
            else:
                wanted.append(((key, start, 0), limit))
        if self.is_postgres:
            await self._counters_from_arrays(_ENSURE_COUNTERS, wanted, [0] * len(wanted))
            return
        rows = [
            {
                "tenant_id": self.tenant_id,
                "key": key,
                "window_start": start,
                "slice": number,
                "limit_value": limit,
                "used": 0,
            }
            for (key, start, number), limit in wanted
        ]
        stmt = self._insert(UsageCounter.__table__).on_conflict_do_nothing()
        for chunk in _chunks(rows, 5000):
            await self.session.execute(stmt, list(chunk))

    async def read_slices(
        self, counters: Iterable[CounterId], *, lock: bool
    ) -> dict[CounterId, list[SliceRow]]:
        """The slice rows (slice, used, limit_value) of the given counters, every slice
        locked ``FOR UPDATE`` in ``lock_order`` when ``lock`` (SQLite's write transactions
        are already serialised)."""
        wanted = sorted(set(counters), key=lock_order)
        out: dict[CounterId, list[SliceRow]] = {}
        conn = await self.session.connection()
        if self.is_postgres:
            # Exact (key, window_start) pairs joined from arrays: index probes whatever the
            # planner's statistics say (a filter with a big "= ANY(array)" is a linear search
            # per row — seconds for 10,000 counters on a table not analysed yet).
            statement = _COUNTERS_BY_PAIRS_LOCKED if lock else _COUNTERS_BY_PAIRS
            for chunk in _chunks(wanted, 20_000):
                params = {
                    "tenant_id": self.tenant_id,
                    "keys": [key for key, _ in chunk],
                    "starts": [start for _, start in chunk],
                }
                for key, start, used, number, limit in await conn.execute(statement, params):
                    out.setdefault((key, start), []).append((int(number), int(used), int(limit)))
            return out
        query = self._sql["counters_locked" if lock else "counters"]
        for chunk in _chunks(wanted, 2000):
            params = {
                "tenant_id": self.tenant_id,
                "keys": sorted({key for key, _ in chunk}),
                "starts": sorted({start for _, start in chunk}),
            }
            chunk_set = set(chunk)
            for key, start, used, number, limit in await conn.execute(query, params):
                if (key, start) in chunk_set:
                    out.setdefault((key, start), []).append((int(number), int(used), int(limit)))
        return out

    async def read_counters(
        self, counters: Iterable[CounterId], *, lock: bool
    ) -> dict[CounterId, int]:
        """Current ``used`` of the given counters (the sum over their slices); locked as
        ``read_slices`` locks them when ``lock``."""
        return {
            counter: sum(u for _, u, _ in rows)
            for counter, rows in (await self.read_slices(counters, lock=lock)).items()
        }

    async def lock_counters_and_read_members(
        self,
        counters: Iterable[CounterId],
        member_counters: Sequence[CounterId],
        customers: Sequence[str],
    ) -> tuple[dict[CounterId, list[SliceRow]], dict[CounterId, set[str]]]:
        """PostgreSQL, a small commit: ``read_slices(lock=True)`` and ``members`` in ONE
        round trip — the counters locked first, in lock order, then the members read. One
        round trip less while the promotion's counter rows are locked, which is what bounds
        single-customer commit throughput."""
        wanted = sorted(set(counters), key=lock_order)
        pairs = sorted(set(member_counters)) if customers else []
        used: dict[CounterId, list[SliceRow]] = {}
        members: dict[CounterId, set[str]] = {c: set() for c in member_counters}
        rows = await rawpg.fetch(
            self.session,
            _LOCK_COUNTERS_READ_MEMBERS_PG,
            self.tenant_id,
            [key for key, _ in wanted],
            [start for _, start in wanted],
            [key for key, _ in pairs],
            [start for _, start in pairs],
            sorted(set(customers)),
        )
        for kind, key, start, count, customer, number, limit, _, _ in rows:
            if kind == "u":
                used.setdefault((key, start), []).append((int(number), int(count), int(limit)))
            else:
                members.setdefault((key, start), set()).add(customer)
        return used, members

    async def savepoint(self) -> None:
        """PostgreSQL: the savepoint a commit can go back to when it could not take one slice
        of every sliced counter (rolling back to it releases the rows locked since)."""
        await rawpg.execute(self.session, SAVEPOINT)

    async def rollback_to_savepoint(self) -> None:
        await rawpg.execute(self.session, ROLLBACK_TO_SAVEPOINT)

    async def lock_light_and_read_members(
        self,
        sliced: Sequence[tuple[CounterId, int]],
        counters: Iterable[CounterId],
        member_counters: Sequence[CounterId],
        customers: Sequence[str],
        *,
        start: int,
        slices: int,
    ) -> tuple[
        dict[CounterId, tuple[Light | None, int]],
        dict[CounterId, list[SliceRow]],
        dict[CounterId, set[str]],
    ]:
        """PostgreSQL, a small commit: one free slice with headroom ``need`` of each
        ``(sliced counter, need)`` (``SKIP LOCKED``; None when there is none, with the sum of
        its slices' limits), the other counters locked and the members read, in ONE round
        trip (``_LIGHT_LOCK_READ_MEMBERS_PG``). Call ``savepoint`` first: if a slice is
        missing, roll back to it and lock every slice instead."""
        light_wanted = sorted(set(sliced), key=lambda i: lock_order(i[0]))
        wanted = sorted(set(counters), key=lock_order)
        pairs = sorted(set(member_counters)) if customers else []
        light: dict[CounterId, tuple[Light | None, int]] = {}
        used: dict[CounterId, list[SliceRow]] = {}
        members: dict[CounterId, set[str]] = {c: set() for c in member_counters}
        rows = await rawpg.fetch(
            self.session,
            _LIGHT_LOCK_READ_MEMBERS_PG,
            self.tenant_id,
            [key for key, _ in wanted],
            [s for _, s in wanted],
            [key for key, _ in pairs],
            [s for _, s in pairs],
            sorted(set(customers)),
            [key for (key, _), _ in light_wanted],
            [s for (_, s), _ in light_wanted],
            [need for _, need in light_wanted],
            start,
            slices,
        )
        for kind, key, ws, count, customer, number, limit, used_total, limit_total in rows:
            if kind == "l":
                found = (
                    Light(int(number), int(count), int(limit), int(used_total))
                    if number is not None
                    else None
                )
                light[(key, ws)] = (found, int(limit_total))
            elif kind == "u":
                used.setdefault((key, ws), []).append((int(number), int(count), int(limit)))
            else:
                members.setdefault((key, ws), set()).add(customer)
        return light, used, members

    async def read_counters_and_members(
        self,
        counters: Iterable[CounterId],
        member_counters: Sequence[CounterId],
        customers: Sequence[str],
    ) -> tuple[dict[CounterId, int], dict[CounterId, set[str]]]:
        """``read_counters`` (unlocked; the sum over slices) and ``members`` in one round
        trip (a dry run's state), for small requests (one statement; big ones use the
        chunked reads)."""
        wanted = set(counters)
        used: dict[CounterId, int] = {}
        members: dict[CounterId, set[str]] = {c: set() for c in member_counters}
        if not wanted and not (member_counters and customers):
            return used, members
        params = {
            "tenant_id": self.tenant_id,
            "keys": sorted({k for k, _ in wanted}),
            "starts": sorted({s for _, s in wanted}),
            "member_keys": sorted({k for k, _ in member_counters}) if customers else [],
            "member_starts": sorted({s for _, s in member_counters}) if customers else [],
            "customers": sorted(set(customers)),
        }
        if self.is_postgres:
            result: Any = await rawpg.fetch(
                self.session,
                _COUNTERS_AND_MEMBERS_PG,
                self.tenant_id,
                params["keys"],
                params["starts"],
                params["member_keys"],
                params["member_starts"],
                params["customers"],
            )
        else:
            conn = await self.session.connection()
            result = await conn.execute(self._sql["counters_and_members"], params)
        for kind, key, start, count, customer in result:
            counter = (key, start)
            if kind == "u":
                if counter in wanted:
                    used[counter] = used.get(counter, 0) + int(count)
            elif counter in members:
                members[counter].add(customer)
        return used, members

    async def consume_guarded(self, counter: SliceId, amount: int, limit: int) -> None:
        """``used += amount`` on one slice only if it stays within ``limit`` (its new
        ``limit_value``); raises if it would not."""
        key, start, number = counter
        result = await self.session.execute(
            self._update(UsageCounter)
            .where(
                UsageCounter.key == key,
                UsageCounter.window_start == start,
                UsageCounter.slice == number,
                UsageCounter.used + amount <= limit,
            )
            .values(used=UsageCounter.used + amount, limit_value=limit)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise CounterOverrun(f"counter {key} would go over {limit}")

    async def consume_many(self, deltas: dict[SliceId, tuple[int, int]]) -> None:
        """Many counters at once (per-customer ones): one multi-row upsert per chunk. The
        rows were locked and planned against; the CHECK makes an overrun impossible."""
        ordered = sorted(deltas.items(), key=_slice_order)
        if self.is_postgres:
            await self._counters_from_arrays(
                _ADD_TO_COUNTERS,
                [(counter, limit) for counter, (_, limit) in ordered],
                [amount for _, (amount, _) in ordered],
            )
            return
        rows = [
            {
                "tenant_id": self.tenant_id,
                "key": key,
                "window_start": start,
                "slice": number,
                "limit_value": limit,
                "used": amount,
            }
            for (key, start, number), (amount, limit) in ordered
        ]
        table: Any = UsageCounter.__table__
        stmt = self._insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["tenant_id", "key", "window_start", "slice"],
            set_={
                "used": table.c.used + stmt.excluded.used,
                "limit_value": stmt.excluded.limit_value,
            },
        )
        for chunk in _chunks(rows, 5000):
            await self.session.execute(stmt, list(chunk))

    async def _counters_from_arrays(
        self, statement: Any, limits: list[tuple[SliceId, int]], amounts: list[int]
    ) -> None:
        """PostgreSQL: one set-based statement per 20,000 counter rows (arrays in, rows in
        the given order — the lock order), where ``executemany`` ran one INSERT per
        counter: 10,000 customers' counters cost a second of server time that way."""
        for start in range(0, len(limits), 20_000):
            chunk = limits[start : start + 20_000]
            await self.session.execute(
                statement,
                {
                    "tenant_id": self.tenant_id,
                    "keys": [key for (key, _, _), _ in chunk],
                    "starts": [window_start for (_, window_start, _), _ in chunk],
                    "slices": [number for (_, _, number), _ in chunk],
                    "limits": [limit for _, limit in chunk],
                    "amounts": amounts[start : start + 20_000],
                },
            )

    async def consume_all_guarded(self, deltas: dict[SliceId, tuple[int, int]]) -> None:
        """PostgreSQL, a few counters: every ``used += amount`` within its limit in ONE
        statement (an upsert whose update is guarded like ``consume_guarded``), instead of one
        round trip per counter while the promotion-wide rows are locked. Raises
        ``CounterOverrun`` if any counter would go over (nothing is half-applied: the caller's
        transaction is rolled back)."""
        if not deltas:
            return
        table: Any = UsageCounter.__table__
        rows = [
            {
                "tenant_id": self.tenant_id,
                "key": key,
                "window_start": start,
                "slice": number,
                "limit_value": limit,
                "used": amount,
            }
            for (key, start, number), (amount, limit) in sorted(deltas.items(), key=_slice_order)
        ]
        insert_ = pg_insert(table).values(rows)
        excluded = insert_.excluded
        upsert = insert_.on_conflict_do_update(
            index_elements=["tenant_id", "key", "window_start", "slice"],
            set_={"used": table.c.used + excluded.used, "limit_value": excluded.limit_value},
            where=table.c.used + excluded.used <= excluded.limit_value,
        ).returning(table.c.key)
        conn = await self.session.connection()
        applied = len((await conn.execute(upsert)).all())
        if applied != len(rows):
            raise CounterOverrun(f"{len(rows) - applied} counter(s) would go over their limit")

    async def give_back(self, counter: CounterId, amount: int) -> None:
        """``used -= amount`` over the counter's slices (those that used most first); nothing
        when the counter used less. The caller holds the counter's rows locked."""
        key, start = counter
        rows = (await self.read_slices([counter], lock=False)).get(counter, [])
        for number, take in sorted(take_back(rows, amount).items()):
            await self.session.execute(
                self._update(UsageCounter)
                .where(
                    UsageCounter.key == key,
                    UsageCounter.window_start == start,
                    UsageCounter.slice == number,
                    UsageCounter.used >= take,
                )
                .values(used=UsageCounter.used - take)
            )

    async def counters_for_keys(self, keys: Sequence[str]) -> list[UsageCounter]:
        if not keys:
            return []
        return list(
            (
                await self.session.scalars(
                    self._select(UsageCounter).where(UsageCounter.key.in_(keys))
                )
            ).all()
        )

    # -- audience members -----------------------------------------------------------------

    async def members(
        self, counters: Sequence[CounterId], customers: Sequence[str]
    ) -> dict[CounterId, set[str]]:
        out: dict[CounterId, set[str]] = {c: set() for c in counters}
        if not counters or not customers:
            return out
        if self.is_postgres:
            pairs = sorted(set(counters))
            for chunk in _chunks(sorted(set(customers)), 20_000):
                rows = await self.session.execute(
                    _MEMBERS_BY_PROBES,
                    {
                        "tenant_id": self.tenant_id,
                        "keys": [k for k, _ in pairs],
                        "starts": [s for _, s in pairs],
                        "customers": list(chunk),
                    },
                )
                for key, start, customer in rows.all():
                    out.setdefault((key, start), set()).add(customer)
            return out
        for chunk in _chunks(sorted(set(customers))):
            rows = await self.session.execute(
                select(
                    AudienceMember.key, AudienceMember.window_start, AudienceMember.customer_id
                ).where(
                    self.owns(AudienceMember),
                    tuple_(AudienceMember.key, AudienceMember.window_start).in_(list(counters)),
                    AudienceMember.customer_id.in_(chunk),
                )
            )
            for key, start, customer in rows.all():
                out.setdefault((key, start), set()).add(customer)
        return out

    async def add_members(self, rows: Sequence[tuple[str, datetime, str]]) -> None:
        values = [
            {"tenant_id": self.tenant_id, "key": k, "window_start": s, "customer_id": c}
            for k, s, c in rows
        ]
        for chunk in _chunks(values, 5000):
            await self.session.execute(insert(_table(AudienceMember)), list(chunk))

    async def remove_member(self, counter: CounterId, customer: str) -> bool:
        key, start = counter
        result = await self.session.execute(
            self._delete(AudienceMember).where(
                AudienceMember.key == key,
                AudienceMember.window_start == start,
                AudienceMember.customer_id == customer,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # -- promocodes and their values -------------------------------------------------------

    async def lock_promocode(self, promocode_id: str) -> Promocode | None:
        return await self.session.scalar(
            self._select(Promocode)
            .where(Promocode.id == promocode_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def add_redemptions(self, promocode_id: str, count: int) -> None:
        result = await self.session.execute(
            self._update(Promocode)
            .where(Promocode.id == promocode_id)
            .where(
                or_(
                    Promocode.max_redemptions.is_(None),
                    Promocode.redemptions_count + count <= Promocode.max_redemptions,
                )
            )
            .values(redemptions_count=Promocode.redemptions_count + count)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise CounterOverrun("promocode redemptions would go over max_redemptions")

    async def remove_redemption(self, promocode_id: str) -> None:
        await self.session.execute(
            self._update(Promocode)
            .where(Promocode.id == promocode_id)
            .where(Promocode.redemptions_count > 0)
            .values(redemptions_count=Promocode.redemptions_count - 1)
        )

    def _pool(self, promocode_id: str) -> Any:
        # The number is a parameter the planner does not know when it plans (an InitPlan), so
        # queries of one pool order by the pool index's own columns (``POOL_ORDER``): that
        # index then gives the order for free and is always chosen, never a primary-key scan
        # that filters a small pool out of a huge table.
        """The values of one promocode: ``promocode_values`` stores the promocode's integer
        ``number`` (docs/promocodes.md), looked up once per statement."""
        number = (
            select(Promocode.number)
            .where(self.owns(Promocode), Promocode.id == promocode_id)
            .scalar_subquery()
        )
        return PromocodeValue.promocode_no == number

    async def values_by_key(
        self, promocode_id: str, value_keys: Sequence[str], *, lock: bool
    ) -> dict[str, PromocodeValue]:
        out: dict[str, PromocodeValue] = {}
        for chunk in _chunks(sorted(set(value_keys))):
            query = (
                self._select(PromocodeValue)
                .where(
                    self._pool(promocode_id),
                    PromocodeValue.value_key.in_(chunk),
                )
                .order_by(PromocodeValue.id)
                .execution_options(populate_existing=True)
            )
            if lock:
                query = query.with_for_update()
            for row in (await self.session.scalars(query)).all():
                out[row.value_key] = row
        return out

    async def first_value(self, promocode_id: str) -> PromocodeValue | None:
        """The one value of a shared or single-use promocode."""
        return await self.session.scalar(
            self._select(PromocodeValue)
            .where(self._pool(promocode_id))
            .order_by(*POOL_ORDER)
            .limit(1)
            .execution_options(populate_existing=True)
        )

    async def allocated_values(
        self, promocode_id: str, customers: Sequence[str]
    ) -> dict[str, PromocodeValue]:
        """The value each customer holds allocated (not yet redeemed)."""
        out: dict[str, PromocodeValue] = {}
        for chunk in _chunks(sorted(set(customers))):
            rows = await self.session.scalars(
                self._select(PromocodeValue)
                .where(
                    self._pool(promocode_id),
                    PromocodeValue.customer_id.in_(chunk),
                    PromocodeValue.status == "allocated",
                )
                .order_by(PromocodeValue.id)
            )
            for row in rows.all():
                out.setdefault(row.customer_id or "", row)
        return out

    async def available_values(
        self, promocode_id: str, count: int, *, lock: bool
    ) -> list[tuple[int, str]]:
        """Up to ``count`` available values, oldest first. With ``lock``: ``FOR UPDATE SKIP
        LOCKED`` on PostgreSQL, so concurrent allocators take different values and never
        wait on each other (SQLite's writers are serialised)."""
        if count <= 0:
            return []
        query = (
            self._select(PromocodeValue.id, PromocodeValue.value)
            .where(
                self._pool(promocode_id),
                PromocodeValue.status == "available",
            )
            .order_by(*POOL_ORDER)
            .limit(count)
        )
        if lock:
            query = query.with_for_update(skip_locked=True)
        return [(int(i), str(v)) for i, v in (await self.session.execute(query)).all()]

    async def available_count(self, promocode_id: str, at_most: int) -> int:
        """How many values of ``promocode_id`` are available, counted up to ``at_most`` (a
        bounded index scan: the low-water check of ``promocode.pool_low`` costs no more than
        its threshold, whatever the pool's size)."""
        inner = (
            self._select(PromocodeValue.id)
            .where(
                self._pool(promocode_id),
                PromocodeValue.status == "available",
            )
            .order_by(*POOL_ORDER)
            .limit(at_most)
            .subquery()
        )
        return int(
            (await self.session.execute(select(func.count()).select_from(inner))).scalar_one()
        )

    async def allocate(self, assignments: Sequence[tuple[int, str]], now: datetime) -> None:
        """Mark locked available values as allocated to customers (guarded on status)."""
        if not assignments:
            return
        table: Any = PromocodeValue.__table__
        await self.session.execute(
            update(table)
            .where(self.owns(table), table.c.id == _bind("vid"), table.c.status == "available")
            .values(status="allocated", customer_id=_bind("cust"), allocated_at=now),
            [{"vid": vid, "cust": cust} for vid, cust in assignments],
        )

    async def redeem(self, value_id: int, customer: str, now: datetime) -> None:
        """A presented (or single-use) value becomes redeemed by ``customer``: guarded, so a
        value redeemed or allocated to someone else meanwhile is never taken."""
        result = await self.session.execute(
            self._update(PromocodeValue)
            .where(
                PromocodeValue.id == value_id,
                PromocodeValue.status != "redeemed",
                or_(PromocodeValue.customer_id.is_(None), PromocodeValue.customer_id == customer),
            )
            .values(status="redeemed", customer_id=customer, redeemed_at=now)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise CounterOverrun("the value was redeemed concurrently")

    async def release_value(self, promocode_id: str, value_key: str) -> None:
        await self.session.execute(
            self._update(PromocodeValue)
            .where(
                self._pool(promocode_id),
                PromocodeValue.value_key == value_key,
            )
            .values(status="available", customer_id=None, allocated_at=None, redeemed_at=None)
        )

    async def live_grant_with_code(self, promocode_id: str, code: str, exclude_group: str) -> bool:
        query = select(Grant.id).where(
            self.owns(Grant),
            Grant.promocode_id == promocode_id,
            func.lower(Grant.code) == code.lower(),
            Grant.status.in_(LIVE),
            Grant.group_id != exclude_group,
        )
        return (await self.session.scalar(query.limit(1))) is not None

    # -- stats ----------------------------------------------------------------------------

    async def totals(self, promotion_id: str) -> list[tuple[str, str, int, int]]:
        """(tier_id, reward_type, grants, value) of live grants."""
        rows = await self.session.execute(
            select(Grant.tier_id, Grant.reward_type, func.count(), func.sum(Grant.value_minor))
            .where(
                self.owns(Grant),
                Grant.promotion_id == promotion_id,
                Grant.status == "granted",
            )
            .group_by(Grant.tier_id, Grant.reward_type)
        )
        return [(t, r, int(c), int(v or 0)) for t, r, c, v in rows.all()]

    async def distinct_customers(self, promotion_id: str) -> int:
        value = await self.session.scalar(
            select(func.count(func.distinct(Grant.customer_id))).where(
                self.owns(Grant),
                Grant.promotion_id == promotion_id,
                Grant.status == "granted",
            )
        )
        return int(value or 0)

    async def live_grants_since(
        self, promotion_id: str, since: datetime
    ) -> list[tuple[datetime, str, int]]:
        rows = await self.session.execute(
            select(Grant.created_at, Grant.reward_type, Grant.value_minor).where(
                self.owns(Grant),
                Grant.promotion_id == promotion_id,
                Grant.status == "granted",
                Grant.created_at >= since,
            )
        )
        return [(c, r, int(v)) for c, r, v in rows.all()]

    async def daily_customers_since(
        self, promotion_id: str, since: datetime
    ) -> tuple[list[tuple[datetime, str]], dict[str, datetime]]:
        """For the per-day customer counts of the stats: (created_at, customer_id) of the live
        grants since ``since``, and the first live grant's time of each customer whose first
        live grant in the promotion is since ``since`` (reversed grants count nowhere, like
        the audience caps that reversal gives back)."""
        live = (Grant.promotion_id == promotion_id, Grant.status == "granted")
        rows = await self.session.execute(
            self._select(Grant.created_at, Grant.customer_id).where(
                *live, Grant.created_at >= since
            )
        )
        first = func.min(Grant.created_at)
        firsts = await self.session.execute(
            self._select(Grant.customer_id, first)
            .where(*live)
            .group_by(Grant.customer_id)
            .having(first >= since)
        )
        return [(c, k) for c, k in rows.all()], {k: f for k, f in firsts.all()}


async def expired_reservations(
    session: AsyncSession, now: datetime, limit: int
) -> list[tuple[str, str]]:
    """(tenant_id, group id) of reservations held past ``reserved_until``, oldest first (the
    partial index on ``reserved_until``). Not locked here: the caller takes each group whole
    with ``lock_group_if_free`` (locking rows here could take part of a group a confirm is
    locking — a deadlock)."""
    query = (  # cross-tenant: the worker's scan of every tenant's expired reservations
        select(Grant.tenant_id, Grant.group_id)
        .where(Grant.status == "reserved", Grant.reserved_until <= now)
        .order_by(Grant.reserved_until)
        .limit(limit)
    )
    rows = (await session.execute(query)).all()
    return list(dict.fromkeys((t, g) for t, g in rows))


def _places_taken_twice(
    result: Any, members: Sequence[tuple[str, datetime, str]], expect_grants: int | None = None
) -> dict[CounterId, int]:
    """From the one row of a grants-and-members write: per cap counter, how many planned
    members were there already — a concurrent commit of the same customer added them after
    this one read the members (its read shares the snapshot of the statement that waited
    for the counter rows). Their places were counted twice; the caller gives them back."""
    grants, inserted = result.one()
    if expect_grants is not None and grants != expect_grants:
        raise CounterOverrun("a counter would go over its limit")
    if isinstance(inserted, str):
        inserted = orjson.loads(inserted)
    done: dict[CounterId, int] = {}
    for key, start, count in inserted or []:
        when = start if isinstance(start, datetime) else datetime.fromisoformat(start)
        done[(key, when)] = int(count)
    planned: dict[CounterId, int] = {}
    for key, start, _ in members:
        planned[(key, start)] = planned.get((key, start), 0) + 1
    return {c: n - done.get(c, 0) for c, n in planned.items() if n > done.get(c, 0)}


def _table(model: Any) -> Any:
    """The Core table of a model: executemany on it skips the ORM's per-row bookkeeping."""
    return model.__table__


def _bind(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name)


__all__ = ["CounterOverrun", "GrantRepository", "and_"]
