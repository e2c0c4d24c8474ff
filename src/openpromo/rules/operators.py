"""Which condition operators apply to which property type, and what value each one takes.

One table, read by the compiler (to type-check a leaf), by the interpreter and by the UI's
tier builder (to offer only the operators that make sense for the chosen property).
"""

from __future__ import annotations

from typing import Final, Literal

from openpromo.rules.types import PropertyType

ValueShape = Literal["none", "scalar", "pair", "list"]

_PRESENCE: Final = ("exists", "missing")
_ORDERED: Final = ("eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in")

OPERATORS_BY_TYPE: Final[dict[PropertyType, tuple[str, ...]]] = {
    "integer": (*_ORDERED, *_PRESENCE),
    "decimal": (*_ORDERED, *_PRESENCE),
    "date": (*_ORDERED, *_PRESENCE),
    "datetime": (*_ORDERED, *_PRESENCE),
    "string": ("eq", "ne", "in", "not_in", "contains", "starts_with", "ends_with", *_PRESENCE),
    "boolean": ("eq", "ne", *_PRESENCE),
    "string_list": ("contains", "contains_any", "contains_all", "is_empty", *_PRESENCE),
}

ALL_OPERATORS: Final[frozenset[str]] = frozenset(
    op for ops in OPERATORS_BY_TYPE.values() for op in ops
)

VALUE_SHAPES: Final[dict[str, ValueShape]] = {
    "exists": "none",
    "missing": "none",
    "is_empty": "none",
    "between": "pair",
    "in": "list",
    "not_in": "list",
    "contains_any": "list",
    "contains_all": "list",
}


def value_shape(op: str) -> ValueShape:
    """``none`` (no value), ``scalar``, ``pair`` (``[lo, hi]``) or ``list`` (non-empty)."""
    return VALUE_SHAPES.get(op, "scalar")


# Longest list accepted as an ``in``/``contains_any``… value.
MAX_LIST_VALUES: Final = 10_000
