"""Lint: every query of a tenant-owned table in a repository goes through the tenant chokepoint
(``openpromo.repository``). Run by ``.ci/run`` (``uv run python tests/lint_tenant.py``) and by
``tests/test_tenant_scoping.py``.

Over the AST of every ``repository.py`` under ``src/openpromo`` (the base module excepted):

1. no hand-written ``… .tenant_id == …`` comparison (the base's ``owns``/``tenant_bound``
   build it);
2. in each statement, every tenant-owned model (or a module-level alias of one, such as
   ``_U = UsageCounter.__table__.c``) passed to ``select``/``update``/``delete``/``exists``
   or reached by ``join``/``join_from``/``outerjoin``/``select_from`` is scoped in that same
   statement: built by ``self._select``/``self._update``/``self._delete`` or named in
   ``owns(...)``/``tenant_bound(...)``;
3. a string that reads as SQL on a tenant-owned table (``FROM``/``JOIN``/``UPDATE``/``INTO``
   ``<table>``) names ``tenant_id`` in the same statement.

A statement that is cross-tenant on purpose carries ``# cross-tenant: <why>`` on one of its
lines; a raw SQL string whose ``tenant_id`` is supplied elsewhere, ``# tenant-scoped: <how>``.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "openpromo"
BASE = SRC / "repository.py"

STATEMENT_CALLS = {"select", "update", "delete", "exists", "pg_insert", "sqlite_insert", "insert"}
QUERY_CALLS = {"select", "update", "delete", "exists"}
CHAIN_METHODS = {"join", "join_from", "outerjoin", "select_from"}
SCOPING_CALLS = {"owns", "tenant_bound"}
BASE_BUILDERS = {"_select", "_update", "_delete"}


def tenant_owned() -> tuple[set[str], set[str]]:
    """(model class names, table names) of every table with a ``tenant_id`` column (or the
    tenant's number, ``tenant_no``)."""
    sys.path.insert(0, str(ROOT / "src"))
    from openpromo.models import Base

    classes: set[str] = set()
    tables: set[str] = set()
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        if "tenant_id" in table.c or "tenant_no" in table.c:
            classes.add(mapper.class_.__name__)
            tables.add(str(table.name))  # type: ignore[attr-defined]
    return classes, tables


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _call_name(call: ast.Call) -> tuple[str | None, str | None]:
    """(receiver, name): ``select(...)`` → (None, "select"); ``self.select`` → ("self",
    "select"); ``q.join(...)`` → ("?", "join")."""
    func = call.func
    if isinstance(func, ast.Name):
        return None, func.id
    if isinstance(func, ast.Attribute):
        receiver = func.value.id if isinstance(func.value, ast.Name) else "?"
        return receiver, func.attr
    return None, None


def _is_join(sides: list[ast.expr]) -> bool:
    """``A.tenant_id == B.tenant_id`` (or ``B.id``): a join condition between two tables'
    columns, not a filter (the tables themselves must still be scoped)."""

    def column(node: ast.expr) -> bool:
        return (
            isinstance(node, ast.Attribute)
            and not (isinstance(node.value, ast.Name) and node.value.id == "self")
            and not (isinstance(node.value, ast.Call))
        )

    return len(sides) == 2 and all(column(s) for s in sides)


def _marked(lines: list[str], node: ast.AST, marker: str) -> bool:
    start = getattr(node, "lineno", 1)
    end = getattr(node, "end_lineno", start) or start
    return any(marker in lines[i - 1] for i in range(start, min(end, len(lines)) + 1))


def check_source(source: str, path: str, classes: set[str], tables: set[str]) -> list[Problem]:
    tree = ast.parse(source)
    lines = source.splitlines()
    problems: list[Problem] = []
    # module-level aliases of tenant-owned models: _U = UsageCounter.__table__.c
    aliases: dict[str, str] = {}
    for top in tree.body:
        if isinstance(top, ast.Assign) and len(top.targets) == 1:
            target = top.targets[0]
            if isinstance(target, ast.Name):
                owned = _names(top.value) & classes
                if len(owned) == 1 and isinstance(top.value, ast.Attribute | ast.Call):
                    aliases[target.id] = next(iter(owned))

    def models_in(node: ast.AST) -> set[str]:
        found = set()
        for name in _names(node):
            if name in classes:
                found.add(name)
            elif name in aliases:
                found.add(aliases[name])
        return found

    table_pattern = re.compile(
        r"\b(?:FROM|JOIN|UPDATE|INTO)\s+("
        + "|".join(sorted(tables, key=len, reverse=True))
        + r")\b",
        re.IGNORECASE,
    )
    statements = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.stmt)
        and not isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and not isinstance(n, ast.If | ast.For | ast.AsyncFor | ast.While | ast.With)
        and not isinstance(n, ast.AsyncWith | ast.Try)
    ]
    for stmt in statements:
        cross = _marked(lines, stmt, "# cross-tenant:")
        # 1. hand-written tenant comparisons
        for node in ast.walk(stmt):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                by_hand = any(
                    isinstance(s, ast.Attribute) and s.attr in ("tenant_id", "tenant_no")
                    for s in sides
                ) and not _is_join(sides)
                if by_hand and not cross:
                    problems.append(
                        Problem(
                            path,
                            node.lineno,
                            "tenant_id compared by hand: use self.owns()/self._select() "
                            "(openpromo.repository)",
                        )
                    )
        # 2. statements on tenant-owned models
        referenced: set[str] = set()
        scoped: set[str] = set()
        for node in ast.walk(stmt):
            if not isinstance(node, ast.Call):
                continue
            receiver, name = _call_name(node)
            args = [*node.args, *(k.value for k in node.keywords)]
            if receiver is None and name in QUERY_CALLS:
                for arg in args:
                    referenced |= models_in(arg)
            elif receiver is not None and name in CHAIN_METHODS:
                for arg in node.args[:1]:
                    referenced |= models_in(arg)
            if name in SCOPING_CALLS or (receiver == "self" and name in BASE_BUILDERS):
                for arg in args:
                    scoped |= models_in(arg)
        missing = referenced - scoped
        if missing and not cross:
            problems.append(
                Problem(
                    path,
                    stmt.lineno,
                    f"query of tenant-owned {', '.join(sorted(missing))} not scoped: build it "
                    "with self._select/_update/_delete or add self.owns()/tenant_bound()",
                )
            )
        # 3. raw SQL on tenant-owned tables
        if cross or _marked(lines, stmt, "# tenant-scoped:"):
            continue
        segment = ast.get_source_segment(source, stmt) or ""
        for node in ast.walk(stmt):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                match = table_pattern.search(node.value)
                if match and "tenant_id" not in segment:
                    problems.append(
                        Problem(
                            path,
                            node.lineno,
                            f"SQL on tenant-owned table {match.group(1)} without tenant_id",
                        )
                    )
                    break
    return problems


def check_tree(root: Path = SRC) -> list[Problem]:
    classes, tables = tenant_owned()
    problems: list[Problem] = []
    for path in sorted(root.rglob("repository.py")):
        if path == BASE:
            continue
        problems += check_source(path.read_text(), str(path.relative_to(ROOT)), classes, tables)
    return problems


def main() -> int:
    problems = check_tree()
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} unscoped tenant queries (see openpromo/repository.py)")
        return 1
    print("tenant scoping: every repository query goes through the chokepoint")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
