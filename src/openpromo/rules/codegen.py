"""Generates one Python function per promotion that picks the first matching tier.

Why generated code rather than a tree of closures: a validation request evaluates the
same rules for up to 10,000 customers, and a closure per leaf costs a Python call per
comparison. The generated function reads each property from the context once, checks its
type once, and then evaluates every tier as one inline boolean expression, which runs at
the speed of the hand-written ``if`` chain a developer would write (``bench/rules_eval.py``
measures the two side by side).

Safety: nothing from the rules document is pasted into the source. Property names are
checked ``scope.key`` strings emitted with ``repr`` (always a valid string literal), and
every literal value is passed as a named constant in the function's globals. The shape of
the source only depends on the operators, from a fixed table.

A context value of the wrong Python type (a float for a decimal property, a naive
datetime, a list holding a non-string…) reads as invalid: ``v`` is ``None`` while the raw
``r`` is not, so every leaf on it is false, ``missing`` included. The reference
``interpreter`` implements the same rules independently; property tests hold them equal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpromo.rules.nodes import Leaf, Negation, Node
from openpromo.rules.types import PropertyType

Selector = Callable[[Mapping[str, Any]], int]


# Statements turning the raw value {r} into the valid value {v} or None. Inlined rather
# than calling helpers: a Python call per property per evaluation is measurable.
_VALIDATE: dict[PropertyType, str] = {
    "string": "{v} = {r} if type({r}) is str else None",
    "integer": "{v} = {r} if type({r}) is int else None",
    "decimal": (
        "{v} = {r} if type({r}) is int or (type({r}) is _Decimal and {r}.is_finite()) else None"
    ),
    "boolean": "{v} = {r} if type({r}) is bool else None",
    "date": "{v} = {r} if type({r}) is _date else None",
    "datetime": "{v} = {r} if type({r}) is _datetime and {r}.utcoffset() is not None else None",
    "string_list": (
        "{v} = None\n"
        "if type({r}) is list or type({r}) is tuple:\n"
        "    {v} = {r}\n"
        "    for _item in {r}:\n"
        "        if type(_item) is not str:\n"
        "            {v} = None\n"
        "            break"
    ),
}

# Leaf templates: {v} the valid value, {r} the raw one, {c} the operand constant
# ({lo}/{hi} for between).
_OPS: dict[str, str] = {
    "exists": "({v} is not None)",
    "missing": "({r} is None)",
    "eq": "({v} is not None and {v} == {c})",
    "ne": "({v} is not None and {v} != {c})",
    "gt": "({v} is not None and {v} > {c})",
    "gte": "({v} is not None and {v} >= {c})",
    "lt": "({v} is not None and {v} < {c})",
    "lte": "({v} is not None and {v} <= {c})",
    "between": "({v} is not None and {lo} <= {v} <= {hi})",
    "in": "({v} in {c})",  # the set holds only typed literals, never None
    "not_in": "({v} is not None and {v} not in {c})",
    "starts_with": "({v} is not None and {v}.startswith({c}))",
    "ends_with": "({v} is not None and {v}.endswith({c}))",
    "contains": "({v} is not None and {c} in {v})",  # substring, or list element
    "contains_any": "({v} is not None and not {c}.isdisjoint({v}))",
    "contains_all": "({v} is not None and {c}.issubset({v}))",
    "is_empty": "({v} is not None and not {v})",
}


class _Emitter:
    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {
            "_Decimal": Decimal,
            "_date": date,
            "_datetime": datetime,
        }
        self.slots: dict[str, int] = {}
        self.types: dict[str, PropertyType] = {}
        self.needs_valid: set[int] = set()

    def constant(self, value: Any) -> str:
        name = f"_c{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def slot(self, leaf: Leaf) -> int:
        if leaf.prop not in self.slots:
            self.slots[leaf.prop] = len(self.slots)
            self.types[leaf.prop] = leaf.ptype
        index = self.slots[leaf.prop]
        if leaf.op != "missing":
            self.needs_valid.add(index)
        return index

    def expression(self, node: Node) -> str:
        if isinstance(node, Leaf):
            index = self.slot(node)
            names = {"v": f"v{index}", "r": f"r{index}"}
            if node.op == "between":
                names["lo"], names["hi"] = map(self.constant, node.operand)
            elif node.operand is not None:
                names["c"] = self.constant(node.operand)
            return _OPS[node.op].format(**names)
        if isinstance(node, Negation):
            return f"(not {self.expression(node.child)})"
        if not node.children:
            return "True" if node.kind == "all" else "False"
        joiner = " and " if node.kind == "all" else " or "
        return "(" + joiner.join(self.expression(child) for child in node.children) + ")"

    def prologue(self) -> list[str]:
        lines = ["    _get = ctx.get"]
        for prop, index in self.slots.items():
            lines.append(f"    r{index} = _get({prop!r})")
            if index in self.needs_valid:
                check = _VALIDATE[self.types[prop]].format(r=f"r{index}", v=f"v{index}")
                lines += ["    " + line for line in check.splitlines()]
        return lines


def build_selector(conditions: Sequence[Node]) -> Selector:
    """A function ``ctx -> index of the first condition that holds, or -1``."""
    emitter = _Emitter()
    tests = [emitter.expression(condition) for condition in conditions]
    lines = ["def _select(ctx):", *emitter.prologue()]
    lines += [f"    if {test}:\n        return {index}" for index, test in enumerate(tests)]
    lines.append("    return -1")
    source = "\n".join(lines) + "\n"
    code = compile(source, "<openpromo.rules.generated>", "exec")
    namespace = dict(emitter.namespace)
    exec(code, namespace)  # noqa: S102 - source built from a fixed template table, see module doc
    selector: Selector = namespace["_select"]
    selector.__doc__ = source  # kept for debugging: print(selector.__doc__)
    return selector
