"""Type-checking compiler for tier conditions.

A condition is a JSON tree (SPEC §3)::

    {"all": [...]} | {"any": [...]} | {"not": node}
    | {"property": "scope.key", "op": "...", "value": ...}

``compile_condition`` checks it against the property types when it is saved — unknown
property, operator that does not apply to the property's type, value not of that type —
reporting every problem with its JSON path, and turns it into a ``CompiledCondition``
whose evaluation is generated Python code (see ``codegen``), because conditions run for
every customer of every validation request.

Semantics worth knowing:

* ``{"all": []}`` and an omitted (``None``) condition are always true; ``{"any": []}`` is
  refused as almost certainly a mistake of the builder.
* String comparisons (``eq``, ``in``, ``contains``, ``starts_with``…) are exact and
  **case-sensitive**: normalise case when the values are written, not in the rule.
* A literal is read as the *property's* type: ``"1.5"`` against an integer property is
  an error, not a silent truncation.
* At evaluation an absent value (key missing or ``None``) makes every leaf false except
  ``missing``; in particular ``ne`` and ``not_in`` are false on an absent value (absent is
  not "different"), and ``is_empty`` is false on an absent list. A value of the wrong
  Python type is treated as invalid: every leaf on it is false, ``exists`` and ``missing``
  included. Evaluation never raises.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal

from openpromo.rules.codegen import build_selector
from openpromo.rules.errors import IssueList, Loc
from openpromo.rules.interpreter import explain_condition, interpret_condition
from openpromo.rules.literals import LiteralError, parse_literal
from openpromo.rules.nodes import ALWAYS_TRUE, Group, Leaf, Negation, Node, iter_properties
from openpromo.rules.operators import (
    ALL_OPERATORS,
    MAX_LIST_VALUES,
    OPERATORS_BY_TYPE,
    value_shape,
)
from openpromo.rules.types import BUILTIN_CONTEXT_TYPES, PROPERTY_TYPES, SCOPES, PropertyType

MAX_DEPTH: Final = 16
MAX_LEAVES: Final = 500

_LEAF_KEYS: Final = frozenset({"property", "op", "value"})
_GROUP_KINDS: Final = ("all", "any", "not")


def with_builtins(types: Mapping[str, PropertyType]) -> dict[str, PropertyType]:
    """The caller's ``"scope.key"`` types plus the built-in ``context.*`` ones."""
    merged: dict[str, PropertyType] = {}
    for name, ptype in types.items():
        if ptype not in PROPERTY_TYPES:
            raise ValueError(f"unknown property type {ptype!r} for {name!r}")
        merged[name] = ptype
    merged.update(BUILTIN_CONTEXT_TYPES)
    return merged


class CompiledCondition:
    """A checked condition, callable on a context ``{"scope.key": value}``."""

    __slots__ = (
        "_normalized",
        "_test",
        "_types",
        "loc",
        "normalized",
        "referenced_properties",
        "tree",
    )

    def __init__(
        self, tree: Node, normalized: dict[str, Any], types: Mapping[str, PropertyType], loc: Loc
    ) -> None:
        self.tree = tree
        self.normalized = normalized
        self.loc = loc
        self.referenced_properties: frozenset[str] = frozenset(iter_properties(tree))
        self._types = dict(types)
        self._normalized = copy.deepcopy(normalized)  # explain must not see later edits
        self._test: Callable[[Mapping[str, Any]], int] = build_selector([tree])

    def __call__(self, ctx: Mapping[str, Any]) -> bool:
        return self.evaluate(ctx)

    def evaluate(self, ctx: Mapping[str, Any]) -> bool:
        try:
            return self._test(ctx) == 0
        except Exception:
            # Only reachable with exotic objects in ctx (a tzinfo that raises…): the
            # reference interpreter guards every leaf on its own.
            return interpret_condition(self._normalized, self._types, ctx)

    def explain(self, ctx: Mapping[str, Any]) -> tuple[bool, dict[str, Any] | None]:
        """``(result, failed_leaf)``; see ``interpreter.explain_condition``."""
        return explain_condition(self._normalized, self._types, ctx, self.loc)


def compile_condition(
    node: Mapping[str, Any] | None,
    types: Mapping[str, PropertyType],
    loc: Loc = (),
) -> CompiledCondition:
    """Check ``node`` against ``types`` and compile it; raises ``RuleError`` with all issues.

    ``loc`` prefixes every issue location and every trace path (``("tiers", 0,
    "condition")`` inside a promotion).
    """
    merged = with_builtins(types)
    issues = IssueList()
    tree, normalized = parse_condition(node, merged, loc, issues)
    issues.raise_if_any()
    assert tree is not None and normalized is not None
    return CompiledCondition(tree, normalized, merged, loc)


def parse_condition(
    node: Any, types: Mapping[str, PropertyType], loc: Loc, issues: IssueList
) -> tuple[Node | None, dict[str, Any] | None]:
    """``(tree, canonical JSON)``, or ``(None, None)`` after adding issues to ``issues``."""
    if node is None:
        return ALWAYS_TRUE, {"all": []}
    before = len(issues)
    parser = _Parser(types, issues)
    tree, normalized = parser.node(node, loc, 1)
    if parser.leaves > MAX_LEAVES:
        issues.add(loc, f"condition has too many comparisons (at most {MAX_LEAVES})", "too_many")
    if len(issues) > before or tree is None:
        return None, None
    return tree, normalized


class _Parser:
    def __init__(self, types: Mapping[str, PropertyType], issues: IssueList) -> None:
        self.types = types
        self.issues = issues
        self.leaves = 0

    def node(self, raw: Any, loc: Loc, depth: int) -> tuple[Node | None, Any]:
        if not isinstance(raw, Mapping):
            self.issues.add(loc, "expected a condition object", "invalid_condition")
            return None, None
        if depth > MAX_DEPTH:
            self.issues.add(
                loc,
                f"condition nested too deeply (at most {MAX_DEPTH} levels)",
                "invalid_condition",
            )
            return None, None
        kinds = [kind for kind in _GROUP_KINDS if kind in raw]
        if kinds and (len(raw) != 1 or "property" in raw):
            self.issues.add(
                loc,
                'a condition is exactly one of {"all": [...]}, {"any": [...]}, '
                '{"not": {...}} or a {"property", "op", "value"} leaf',
                "invalid_condition",
            )
            return None, None
        if kinds == ["not"]:
            child, child_json = self.node(raw["not"], (*loc, "not"), depth + 1)
            if child is None:
                return None, None
            return Negation(child, loc), {"not": child_json}
        if kinds:
            return self.group(kinds[0], raw[kinds[0]], loc, depth)
        if "property" not in raw and "op" not in raw:
            self.issues.add(
                loc,
                'expected "all", "any", "not" or a leaf with "property" and "op"',
                "invalid_condition",
            )
            return None, None
        return self.leaf(raw, loc)

    def group(self, kind: str, items: Any, loc: Loc, depth: int) -> tuple[Node | None, Any]:
        here = (*loc, kind)
        if not isinstance(items, list | tuple):
            self.issues.add(here, f'"{kind}" takes a list of conditions', "invalid_condition")
            return None, None
        if kind == "any" and not items:
            self.issues.add(here, '"any" needs at least one condition', "invalid_condition")
            return None, None
        children: list[Node] = []
        children_json: list[Any] = []
        ok = True
        for index, item in enumerate(items):
            child, child_json = self.node(item, (*here, index), depth + 1)
            if child is None:
                ok = False
                continue
            children.append(child)
            children_json.append(child_json)
        if not ok:
            return None, None
        group_kind: Literal["all", "any"] = "all" if kind == "all" else "any"
        return Group(group_kind, tuple(children), loc), {kind: children_json}

    def leaf(self, raw: Mapping[str, Any], loc: Loc) -> tuple[Node | None, Any]:
        self.leaves += 1
        before = len(self.issues)
        for key in raw:
            if key not in _LEAF_KEYS:
                self.issues.add((*loc, str(key)), f"unknown field {key!r}", "unknown_field")
        prop, ptype = self.property(raw, loc)
        op = self.operator(raw, loc, prop, ptype)
        if prop is None or ptype is None or op is None:
            return None, None
        parsed = self.value(raw, loc, ptype, op)
        if parsed is None or len(self.issues) > before:
            return None, None
        operand, expected = parsed
        normalized: dict[str, Any] = {"property": prop, "op": op}
        if value_shape(op) != "none":
            normalized["value"] = expected
        return Leaf(loc, prop, ptype, op, operand, expected), normalized

    def property(self, raw: Mapping[str, Any], loc: Loc) -> tuple[str | None, PropertyType | None]:
        here = (*loc, "property")
        if "property" not in raw:
            self.issues.add(here, "field required", "missing")
            return None, None
        prop = raw["property"]
        if not isinstance(prop, str):
            self.issues.add(
                here, 'expected a property name such as "customer.country"', "invalid_type"
            )
            return None, None
        scope, dot, key = prop.partition(".")
        if not dot or not key:
            self.issues.add(
                here, f'property {prop!r} must be written "<scope>.<key>"', "unknown_property"
            )
            return prop, None
        if scope not in SCOPES:
            self.issues.add(
                here,
                f"unknown scope {scope!r} in {prop!r} (expected customer, session, "
                "context or promotion)",
                "unknown_property",
            )
            return prop, None
        ptype = self.types.get(prop)
        if ptype is None:
            self.issues.add(here, f"unknown property {prop!r}", "unknown_property")
        return prop, ptype

    def operator(
        self, raw: Mapping[str, Any], loc: Loc, prop: str | None, ptype: PropertyType | None
    ) -> str | None:
        here = (*loc, "op")
        if "op" not in raw:
            self.issues.add(here, "field required", "missing")
            return None
        op = raw["op"]
        if not isinstance(op, str) or op not in ALL_OPERATORS:
            self.issues.add(here, f"unknown operator {_short(op)}", "invalid_operator")
            return None
        if ptype is not None and op not in OPERATORS_BY_TYPE[ptype]:
            allowed = ", ".join(OPERATORS_BY_TYPE[ptype])
            self.issues.add(
                here,
                f"operator {op!r} does not apply to {ptype} property {prop!r} "
                f"(use one of: {allowed})",
                "invalid_operator",
            )
            return None
        return op

    def value(
        self, raw: Mapping[str, Any], loc: Loc, ptype: PropertyType, op: str
    ) -> tuple[Any, Any] | None:
        here = (*loc, "value")
        shape = value_shape(op)
        value = raw.get("value")
        if shape == "none":
            if value is not None:
                self.issues.add(here, f"operator {op!r} takes no value", "invalid_value")
                return None
            return None, None
        if value is None:
            self.issues.add(here, f"operator {op!r} needs a value", "missing")
            return None
        if shape == "scalar":
            return self.literal(ptype, value, here)
        if not isinstance(value, list | tuple):
            what = "[low, high]" if shape == "pair" else "a non-empty list"
            self.issues.add(here, f"operator {op!r} takes {what}", "invalid_value")
            return None
        if shape == "pair":
            return self.pair(ptype, value, here)
        return self.members(ptype, op, value, here)

    def pair(
        self, ptype: PropertyType, value: list[Any] | tuple[Any, ...], here: Loc
    ) -> tuple[Any, Any] | None:
        if len(value) != 2:
            self.issues.add(here, '"between" takes [low, high]', "invalid_value")
            return None
        low = self.literal(ptype, value[0], (*here, 0))
        high = self.literal(ptype, value[1], (*here, 1))
        if low is None or high is None:
            return None
        if low[0] > high[0]:
            self.issues.add(here, "low bound is above high bound", "invalid_value")
            return None
        return (low[0], high[0]), [low[1], high[1]]

    def members(
        self, ptype: PropertyType, op: str, value: list[Any] | tuple[Any, ...], here: Loc
    ) -> tuple[Any, Any] | None:
        if not value:
            self.issues.add(here, f"operator {op!r} needs at least one value", "invalid_value")
            return None
        if len(value) > MAX_LIST_VALUES:
            self.issues.add(here, f"too many values (at most {MAX_LIST_VALUES})", "too_many")
            return None
        parsed = [self.literal(ptype, item, (*here, i)) for i, item in enumerate(value)]
        if any(item is None for item in parsed):
            return None
        pairs = [item for item in parsed if item is not None]
        return frozenset(p[0] for p in pairs), [p[1] for p in pairs]

    def literal(self, ptype: PropertyType, raw: Any, here: Loc) -> tuple[Any, Any] | None:
        try:
            return parse_literal(ptype, raw)
        except LiteralError as exc:
            self.issues.add(here, str(exc), "invalid_value")
            return None


def _short(raw: Any) -> str:
    text = repr(raw)
    return text if len(text) <= 40 else text[:40] + "…"
