"""Reward value formulas: how much of a reward type one tier gives.

Three kinds (SPEC §3), each with optional ``min``/``max``::

    {"fixed": "20"}
    {"percent": "10", "of": "session.deposit_amount"}
    {"per": "10", "of": "session.deposit_amount", "value": "1"}   # 1 per whole 10

Order of computation: formula → round to the reward type's ``decimals`` with its
``rounding`` → clamp to ``min``/``max``. The result always has exactly ``decimals``
places, so it converts to minor units without loss.

Decisions the SPEC leaves open, made here:

* ``of`` must be an integer or decimal property. An absent (or invalid) ``of`` value means
  the reward cannot be computed: the value is ``0`` (and the caller grants nothing) — the
  ``min`` clamp does **not** apply to a reward that could not be computed.
* A negative ``of`` value computes as ``0`` (a reward is never negative); ``min`` then
  applies, as it does to any computed zero.
* ``fixed``, ``min`` and ``max`` may not have more decimal places than the reward type
  (``"0.5"`` free spins is refused rather than rounded to nothing); percentages, steps
  and per-step values may.
* Arithmetic that would need more than 100 significant digits gives ``0`` instead of
  raising: evaluation never raises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

from openpromo.rules.decimals import ARITHMETIC, ROUNDING_MODES, is_representable, quantum
from openpromo.rules.errors import IssueList, Loc
from openpromo.rules.literals import LiteralError, decimal_to_json, parse_decimal
from openpromo.rules.types import BUILTIN_CONTEXT_TYPES, PropertyType, RewardTypeInfo

Compute = Callable[[Mapping[str, Any]], Decimal]

_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "fixed": ("fixed", "min", "max"),
    "percent": ("percent", "of", "min", "max"),
    "per": ("per", "of", "value", "min", "max"),
}


class CompiledFormula:
    """A checked formula; call it with a context to get the reward value."""

    __slots__ = ("compute", "normalized", "referenced_properties", "reward_type")

    def __init__(
        self, normalized: dict[str, Any], reward_type: RewardTypeInfo, compute: Compute
    ) -> None:
        self.normalized = normalized
        self.reward_type = reward_type
        self.compute = compute
        of = normalized.get("of")
        self.referenced_properties: frozenset[str] = frozenset([of] if of else [])

    def __call__(self, ctx: Mapping[str, Any]) -> Decimal:
        return self.compute(ctx)


def compile_formula(
    spec: Mapping[str, Any],
    types: Mapping[str, PropertyType],
    reward_type: RewardTypeInfo,
    loc: Loc = (),
) -> CompiledFormula:
    """Check ``spec`` and compile it; raises ``RuleError`` with every issue found."""
    issues = IssueList()
    compiled = parse_formula(spec, types, reward_type, loc, issues)
    issues.raise_if_any()
    assert compiled is not None
    return compiled


def parse_formula(
    spec: Any,
    types: Mapping[str, PropertyType],
    reward_type: RewardTypeInfo,
    loc: Loc,
    issues: IssueList,
) -> CompiledFormula | None:
    """The compiled formula, or ``None`` after adding issues to ``issues``."""
    before = len(issues)
    if not isinstance(spec, Mapping):
        issues.add(loc, 'expected a formula object such as {"fixed": "10"}', "invalid_formula")
        return None
    kinds = [kind for kind in _FIELDS if kind in spec]
    if len(kinds) != 1:
        issues.add(
            loc, 'a formula has exactly one of "fixed", "percent" or "per"', "invalid_formula"
        )
        return None
    kind = kinds[0]
    for key in spec:
        if key not in _FIELDS[kind]:
            issues.add(
                (*loc, str(key)), f"unknown field {key!r} for a {kind} formula", "unknown_field"
            )
    numbers = _parse_numbers(spec, kind, reward_type, loc, issues)
    of = _parse_of(spec, types, loc, issues) if kind != "fixed" else None
    low, high = numbers.get("min"), numbers.get("max")
    if low is not None and high is not None and low > high:
        issues.add((*loc, "max"), "max is below min", "invalid_formula")
    if len(issues) > before:
        return None
    normalized: dict[str, Any] = {kind: decimal_to_json(numbers[kind])}
    if of is not None:
        normalized["of"] = of
    for key in ("value", "min", "max"):
        if key in numbers:
            normalized[key] = decimal_to_json(numbers[key])
    return CompiledFormula(normalized, reward_type, _build(kind, numbers, of, reward_type))


def _parse_numbers(
    spec: Mapping[str, Any], kind: str, reward_type: RewardTypeInfo, loc: Loc, issues: IssueList
) -> dict[str, Decimal]:
    numbers: dict[str, Decimal] = {}
    for key in _FIELDS[kind]:
        if key == "of":
            continue
        raw = spec.get(key)
        here = (*loc, key)
        if raw is None:
            if key in (kind, "value"):
                issues.add(here, "field required", "missing")
            continue
        try:
            number = parse_decimal(raw)
        except LiteralError as exc:
            issues.add(here, str(exc), "invalid_value")
            continue
        if key == "per" and number <= 0:
            issues.add(here, "the step must be greater than 0", "invalid_value")
        elif number < 0:
            issues.add(here, "must not be negative", "invalid_value")
        elif key in ("fixed", "min", "max") and not is_representable(number, reward_type.decimals):
            issues.add(
                here,
                f"more decimal places than reward type {reward_type.key!r} allows "
                f"({reward_type.decimals})",
                "invalid_value",
            )
        else:
            numbers[key] = number
    return numbers


def _parse_of(
    spec: Mapping[str, Any], types: Mapping[str, PropertyType], loc: Loc, issues: IssueList
) -> str | None:
    here = (*loc, "of")
    of = spec.get("of")
    if of is None:
        issues.add(here, "field required", "missing")
        return None
    if not isinstance(of, str):
        issues.add(
            here, 'expected a property name such as "session.deposit_amount"', "invalid_type"
        )
        return None
    ptype = BUILTIN_CONTEXT_TYPES.get(of) or types.get(of)
    if ptype is None:
        issues.add(here, f"unknown property {of!r}", "unknown_property")
        return None
    if ptype not in ("integer", "decimal"):
        issues.add(
            here,
            f"{of!r} is a {ptype} property; a formula needs a number property",
            "invalid_formula",
        )
        return None
    return of


def _build(
    kind: str, numbers: dict[str, Decimal], of: str | None, reward_type: RewardTypeInfo
) -> Compute:
    step = quantum(reward_type.decimals)
    mode = ROUNDING_MODES[reward_type.rounding]
    zero = step * 0
    low = numbers["min"].quantize(step) if "min" in numbers else None
    high = numbers["max"].quantize(step) if "max" in numbers else None
    context = ARITHMETIC

    if kind == "fixed":
        constant = _clamp(numbers["fixed"].quantize(step, mode, context), low, high)
        return lambda ctx: constant

    # Runs once per granted reward: positional arguments and no helper calls, on purpose
    # (keyword arguments alone double the cost of ``quantize``).
    assert of is not None
    multiply, divide_int = context.multiply, context.divide_int
    percent = kind == "percent"
    rate = numbers["percent"].scaleb(-2) if percent else Decimal(0)
    per, per_value = numbers.get("per", Decimal(1)), numbers.get("value", Decimal(0))

    def compute(ctx: Mapping[str, Any]) -> Decimal:
        try:
            base = ctx.get(of)
            if type(base) is not int and (type(base) is not Decimal or not base.is_finite()):
                return zero
            if base < 0:
                base = 0
            if percent:
                value = multiply(base, rate).quantize(step, mode, context)
            else:
                value = multiply(divide_int(base, per), per_value).quantize(step, mode, context)
            if low is not None and value < low:
                value = low
            if high is not None and value > high:
                value = high
            return value
        except Exception:
            return zero

    return compute


def _clamp(value: Decimal, low: Decimal | None, high: Decimal | None) -> Decimal:
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    return value
