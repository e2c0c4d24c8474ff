"""A plain recursive interpreter of rules JSON: the reference the compiled code must match.

It walks the stored (normalised) JSON directly, re-reads literals on every call and
favours obviousness over speed. It is used

* by property tests, which check that generated code and interpreter agree on random
  condition trees and random (junk included) contexts;
* by ``explain``, which needs to know *which* leaf decided a result, not just the result;
* as the fallback if generated code ever meets a context object it cannot handle.

It expects a document that the compiler accepted; it never raises on a context.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import (
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Any

from openpromo.rules.decimals import ROUNDING_MODES, quantum
from openpromo.rules.literals import decimal_to_json, parse_decimal, parse_literal
from openpromo.rules.types import (
    BUILTIN_CONTEXT_TYPES,
    PropertyType,
    RewardTypeInfo,
    RewardValue,
    TierMatch,
)

_IS_VALID: dict[str, Callable[[Any], bool]] = {
    "string": lambda x: type(x) is str,
    "integer": lambda x: type(x) is int,
    "decimal": lambda x: type(x) is int or (type(x) is Decimal and x.is_finite()),
    "boolean": lambda x: type(x) is bool,
    "date": lambda x: type(x) is date,
    "datetime": lambda x: type(x) is datetime and x.utcoffset() is not None,
    "string_list": lambda x: type(x) in (list, tuple) and all(type(i) is str for i in x),
}


def is_valid(ptype: PropertyType, value: Any) -> bool:
    """Whether a context value is usable as ``ptype`` (exact Python types, finite, aware)."""
    try:
        return _IS_VALID[ptype](value)
    except Exception:  # a tzinfo that raises, an object with a hostile __eq__…
        return False


def property_type(name: str, types: Mapping[str, PropertyType]) -> PropertyType | None:
    return BUILTIN_CONTEXT_TYPES.get(name) or types.get(name)


def interpret_condition(
    node: Mapping[str, Any] | None, types: Mapping[str, PropertyType], ctx: Mapping[str, Any]
) -> bool:
    """Whether ``node`` holds for ``ctx``."""
    if node is None:
        return True
    if "all" in node:
        return all(interpret_condition(child, types, ctx) for child in node["all"])
    if "any" in node:
        return any(interpret_condition(child, types, ctx) for child in node["any"])
    if "not" in node:
        return not interpret_condition(node["not"], types, ctx)
    return _leaf(node, types, ctx)


def explain_condition(
    node: Mapping[str, Any] | None,
    types: Mapping[str, PropertyType],
    ctx: Mapping[str, Any],
    path: Sequence[str | int] = (),
) -> tuple[bool, dict[str, Any] | None]:
    """``(result, failed_leaf)``: when false, the leaf that decided it.

    Inside ``all`` that is the first false child; inside ``any`` (all children false) the
    first child's. Under ``not`` the leaf actually *held*, and the returned dict says
    ``"negated": true``. ``failed_leaf`` is ``{"path", "property", "op", "expected",
    "actual", "negated"}`` with ``path`` the leaf's JSON path (``path`` prefix included)
    and ``actual`` the context value as JSON (``None`` when absent).
    """
    result, leaf = _decide(node, types, ctx, tuple(path), negated=False)
    return result, None if result else leaf


def _decide(
    node: Mapping[str, Any] | None,
    types: Mapping[str, PropertyType],
    ctx: Mapping[str, Any],
    path: tuple[str | int, ...],
    negated: bool,
) -> tuple[bool, dict[str, Any] | None]:
    if node is None:
        return True, None
    if "not" in node:
        result, leaf = _decide(node["not"], types, ctx, (*path, "not"), not negated)
        return not result, leaf
    for kind in ("all", "any"):
        if kind in node:
            stop_on = kind == "any"  # any stops on the first true child, all on a false one
            first: dict[str, Any] | None = None
            for index, child in enumerate(node[kind]):
                result, leaf = _decide(child, types, ctx, (*path, kind, index), negated)
                if result is stop_on:
                    return result, leaf
                first = first or leaf
            return not stop_on, first
    return _leaf(node, types, ctx), _describe(node, types, ctx, path, negated)


def _leaf(
    node: Mapping[str, Any], types: Mapping[str, PropertyType], ctx: Mapping[str, Any]
) -> bool:
    name, op = node["property"], node["op"]
    ptype = property_type(name, types)
    if ptype is None:
        return False
    try:
        raw = ctx.get(name)
        if op == "missing":
            return raw is None
        if raw is None or not is_valid(ptype, raw):
            return False
        return op == "exists" or _compare(ptype, op, raw, node.get("value"))
    except Exception:
        return False


def _compare(ptype: PropertyType, op: str, actual: Any, expected: Any) -> bool:
    def lit(raw: Any) -> Any:
        return parse_literal("string" if ptype == "string_list" else ptype, raw)[0]

    if op == "eq":
        return bool(actual == lit(expected))
    if op == "ne":
        return bool(actual != lit(expected))
    if op == "gt":
        return bool(actual > lit(expected))
    if op == "gte":
        return bool(actual >= lit(expected))
    if op == "lt":
        return bool(actual < lit(expected))
    if op == "lte":
        return bool(actual <= lit(expected))
    if op == "between":
        return bool(lit(expected[0]) <= actual <= lit(expected[1]))
    if op == "in":
        return any(actual == lit(item) for item in expected)
    if op == "not_in":
        return all(actual != lit(item) for item in expected)
    if op == "contains" and ptype == "string":
        return lit(expected) in actual
    if op == "contains":
        return any(item == lit(expected) for item in actual)
    if op == "starts_with":
        return bool(actual.startswith(lit(expected)))
    if op == "ends_with":
        return bool(actual.endswith(lit(expected)))
    if op == "contains_any":
        return any(lit(item) in actual for item in expected)
    if op == "contains_all":
        return all(lit(item) in actual for item in expected)
    if op == "is_empty":
        return len(actual) == 0
    return False


def _describe(
    node: Mapping[str, Any],
    types: Mapping[str, PropertyType],
    ctx: Mapping[str, Any],
    path: tuple[str | int, ...],
    negated: bool,
) -> dict[str, Any]:
    name = node["property"]
    try:
        actual = ctx.get(name)
    except Exception:
        actual = None
    return {
        "path": list(path),
        "property": name,
        "op": node["op"],
        "expected": node.get("value"),
        "actual": value_to_json(actual, property_type(name, types)),
        "negated": negated,
    }


def value_to_json(value: Any, ptype: PropertyType | None) -> Any:
    """A context value as it would travel in JSON (numbers as decimal strings).

    A value that is not valid for ``ptype`` is shown as its ``repr`` so that a trace still
    says what was there.
    """
    if value is None:
        return None
    if ptype is None or not is_valid(ptype, value):
        try:
            text = repr(value)
        except Exception:
            text = f"<{type(value).__name__}>"
        return text if len(text) <= 100 else text[:100] + "…"
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return decimal_to_json(value)
    if isinstance(value, date):  # datetime included
        return value.isoformat()
    return list(value)


def interpret_formula(
    spec: Mapping[str, Any], reward_type: RewardTypeInfo, ctx: Mapping[str, Any]
) -> Decimal:
    """Reward value of a (normalised) formula: formula → rounding → min/max clamp.

    A missing or invalid ``of`` value gives zero; so does arithmetic past 100 digits.
    """
    zero = quantum(reward_type.decimals) * 0
    with localcontext() as arithmetic:
        arithmetic.prec = 100
        arithmetic.traps[InvalidOperation] = True
        arithmetic.traps[DivisionByZero] = True
        arithmetic.traps[Overflow] = True
        try:
            if "fixed" in spec:
                exact = parse_decimal(spec["fixed"])
            else:
                raw: Any = ctx.get(spec["of"])
                if not is_valid("decimal", raw):
                    return zero
                base = max(Decimal(raw), Decimal(0))
                if "percent" in spec:
                    exact = base * parse_decimal(spec["percent"]) / 100
                else:
                    whole_steps = base // parse_decimal(spec["per"])
                    exact = whole_steps * parse_decimal(spec["value"])
            exact = max(exact, Decimal(0))
            mode = ROUNDING_MODES[reward_type.rounding]
            value = exact.quantize(quantum(reward_type.decimals), rounding=mode)
            if spec.get("min") is not None:
                value = max(value, parse_decimal(spec["min"]))
            if spec.get("max") is not None:
                value = min(value, parse_decimal(spec["max"]))
            return value.quantize(quantum(reward_type.decimals))
        except (ArithmeticError, TypeError):
            return zero


def interpret_tiers(
    tiers: Sequence[Mapping[str, Any]],
    types: Mapping[str, PropertyType],
    reward_types: Mapping[str, RewardTypeInfo],
    ctx: Mapping[str, Any],
) -> TierMatch | None:
    """Reference tier selection over normalised tiers (``CompiledPromotionRules.normalized``)."""
    for index, tier in enumerate(tiers):
        if interpret_condition(tier["condition"], types, ctx):
            rewards = [
                RewardValue(
                    reward["reward_type"],
                    interpret_formula(reward["value"], reward_types[reward["reward_type"]], ctx),
                )
                for reward in tier["rewards"]
            ]
            return TierMatch(tier["id"], tier["name"], index, rewards)
    return None
