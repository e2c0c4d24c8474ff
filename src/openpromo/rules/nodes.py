"""The checked form of a condition: what the compiler produces and the code generator reads.

Separate from ``conditions`` (which builds it) so that ``codegen`` and ``conditions`` can
both import it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from openpromo.rules.errors import Loc
from openpromo.rules.types import PropertyType


@dataclass(frozen=True, slots=True)
class Leaf:
    """A type-checked comparison.

    ``operand`` is ready to compare against a context value: a scalar, ``(lo, hi)`` for
    ``between``, a ``frozenset`` for list operators, ``None`` when the operator takes no
    value. ``expected`` is its canonical JSON. ``path`` is the leaf's JSON path.
    """

    path: Loc
    prop: str
    ptype: PropertyType
    op: str
    operand: Any
    expected: Any


@dataclass(frozen=True, slots=True)
class Group:
    kind: Literal["all", "any"]
    children: tuple[Node, ...]
    path: Loc


@dataclass(frozen=True, slots=True)
class Negation:
    child: Node
    path: Loc


Node = Leaf | Group | Negation

ALWAYS_TRUE: Final = Group("all", (), ())


def iter_properties(tree: Node) -> list[str]:
    """Every property a tree reads, in order of appearance (with repeats)."""
    if isinstance(tree, Leaf):
        return [tree.prop]
    if isinstance(tree, Negation):
        return iter_properties(tree.child)
    return [name for child in tree.children for name in iter_properties(child)]
