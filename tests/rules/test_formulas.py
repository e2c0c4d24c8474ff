"""Reward formulas: values, rounding modes, clamps, absent inputs and compile errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from openpromo.rules import (
    RewardTypeInfo,
    RuleError,
    compile_formula,
    format_value,
    interpret_formula,
)

TYPES: dict[str, Any] = {
    "session.deposit": "decimal",
    "customer.count": "integer",
    "customer.name": "string",
}
EUR = RewardTypeInfo("eur", 2)
SPINS = RewardTypeInfo("spins", 0)


def value(spec: dict[str, Any], ctx: dict[str, Any], reward_type: RewardTypeInfo = EUR) -> str:
    """Computed value as its wire string; the interpreter must agree exactly."""
    formula = compile_formula(spec, TYPES, reward_type)
    result = formula(ctx)
    assert isinstance(result, Decimal)
    reference = interpret_formula(formula.normalized, reward_type, ctx)
    assert (result, str(result)) == (reference, str(reference))
    return format_value(result, reward_type.decimals)


def test_fixed() -> None:
    assert value({"fixed": "20"}, {}, SPINS) == "20"
    assert value({"fixed": 20}, {}, EUR) == "20.00"
    assert value({"fixed": "3.5"}, {}, EUR) == "3.50"
    assert value({"fixed": "0"}, {}, EUR) == "0.00"


def test_fixed_result_has_exactly_the_reward_type_places() -> None:
    result = compile_formula({"fixed": "3.5"}, TYPES, EUR)({})
    assert str(result) == "3.50"


def test_percent() -> None:
    spec = {"percent": "10", "of": "session.deposit"}
    assert value(spec, {"session.deposit": Decimal("120")}) == "12.00"
    assert value(spec, {"session.deposit": Decimal("123.456")}) == "12.34"  # down
    assert value(spec, {"session.deposit": 7}) == "0.70"
    assert value({"percent": "12.5", "of": "customer.count"}, {"customer.count": 3}) == "0.37"
    assert value({"percent": "250", "of": "session.deposit"}, {"session.deposit": 2}) == "5.00"


def test_per_whole_steps() -> None:
    spec = {"per": "10", "of": "session.deposit", "value": "1"}
    assert value(spec, {"session.deposit": Decimal("9.99")}, SPINS) == "0"
    assert value(spec, {"session.deposit": Decimal("10")}, SPINS) == "1"
    assert value(spec, {"session.deposit": Decimal("39.99")}, SPINS) == "3"
    assert value(spec, {"session.deposit": 40}, SPINS) == "4"


def test_per_with_fractional_step_and_value() -> None:
    spec = {"per": "0.25", "of": "session.deposit", "value": "0.1"}
    assert value(spec, {"session.deposit": Decimal("1.00")}) == "0.40"
    assert value(spec, {"session.deposit": Decimal("0.99")}) == "0.30"
    spec = {"per": "2.5", "of": "session.deposit", "value": "1.255"}
    # 3 whole steps x 1.255 = 3.765, rounded down to cents
    assert value(spec, {"session.deposit": Decimal("7.6")}) == "3.76"


@pytest.mark.parametrize(
    ("rounding", "results"),
    [
        # exact values:  1.005    1.015    1.0149   -> three deposits below
        ("down", ["1.00", "1.01", "1.01"]),
        ("up", ["1.01", "1.02", "1.02"]),
        ("half_up", ["1.01", "1.02", "1.01"]),
        ("half_even", ["1.00", "1.02", "1.01"]),
    ],
)
def test_rounding_modes(rounding: Any, results: list[str]) -> None:
    reward_type = RewardTypeInfo("eur", 2, rounding)
    spec = {"percent": "1", "of": "session.deposit"}
    deposits = [Decimal("100.5"), Decimal("101.5"), Decimal("101.49")]
    assert [value(spec, {"session.deposit": d}, reward_type) for d in deposits] == results


def test_rounding_to_whole_units() -> None:
    spec = {"percent": "10", "of": "session.deposit"}
    ctx = {"session.deposit": Decimal("25")}  # 2.5
    assert value(spec, ctx, RewardTypeInfo("pts", 0, "down")) == "2"
    assert value(spec, ctx, RewardTypeInfo("pts", 0, "up")) == "3"
    assert value(spec, ctx, RewardTypeInfo("pts", 0, "half_up")) == "3"
    assert value(spec, ctx, RewardTypeInfo("pts", 0, "half_even")) == "2"


def test_min_and_max_clamp_after_rounding() -> None:
    spec = {"percent": "10", "of": "session.deposit", "min": "1", "max": "50"}
    assert value(spec, {"session.deposit": Decimal("5")}) == "1.00"
    assert value(spec, {"session.deposit": Decimal("120")}) == "12.00"
    assert value(spec, {"session.deposit": Decimal("1000")}) == "50.00"
    # rounding happens first: 9.999 rounds down to 0.99, then min lifts it to 1.00
    assert value({**spec, "min": "1"}, {"session.deposit": Decimal("9.999")}) == "1.00"
    # 0.995 rounds up to 1.00 under half_up, already at the minimum
    half_up = RewardTypeInfo("eur", 2, "half_up")
    assert value(spec, {"session.deposit": Decimal("9.95")}, half_up) == "1.00"
    assert value({"fixed": "80", "max": "50"}, {}) == "50.00"
    assert value({"fixed": "0", "min": "5"}, {}) == "5.00"


def test_min_applies_to_a_computed_zero_but_not_to_an_absent_input() -> None:
    spec = {"per": "10", "of": "session.deposit", "value": "1", "min": "2"}
    assert value(spec, {"session.deposit": Decimal("3")}, SPINS) == "2"
    assert value(spec, {}, SPINS) == "0"


@pytest.mark.parametrize(
    "ctx",
    [
        {},
        {"session.deposit": None},
        {"session.deposit": "120"},
        {"session.deposit": 120.0},
        {"session.deposit": True},
        {"session.deposit": Decimal("NaN")},
        {"session.deposit": Decimal("sNaN")},
        {"session.deposit": Decimal("-Infinity")},
        {"session.deposit": [1]},
    ],
)
def test_absent_or_invalid_input_gives_zero(ctx: dict[str, Any]) -> None:
    for spec in (
        {"percent": "10", "of": "session.deposit", "min": "1"},
        {"per": "10", "of": "session.deposit", "value": "1", "min": "1"},
    ):
        formula = compile_formula(spec, TYPES, EUR)
        assert str(formula(ctx)) == "0.00"


def test_negative_input_computes_as_zero() -> None:
    spec = {"percent": "10", "of": "session.deposit"}
    assert value(spec, {"session.deposit": Decimal("-50")}) == "0.00"
    per = {"per": "10", "of": "session.deposit", "value": "1"}
    assert value(per, {"session.deposit": Decimal("-50")}, SPINS) == "0"


def test_huge_input_never_raises() -> None:
    formula = compile_formula({"percent": "10", "of": "session.deposit"}, TYPES, EUR)
    assert formula({"session.deposit": Decimal("1E+500")}) == 0
    per = compile_formula({"per": "0.01", "of": "session.deposit", "value": "1"}, TYPES, EUR)
    assert per({"session.deposit": Decimal("9" * 99)}) == 0


def test_normalized_and_referenced_properties() -> None:
    formula = compile_formula(
        {"per": 10, "of": "customer.count", "value": 0.5, "min": "1", "max": 20}, TYPES, EUR
    )
    assert formula.normalized == {
        "per": "10",
        "of": "customer.count",
        "value": "0.5",
        "min": "1",
        "max": "20",
    }
    assert formula.referenced_properties == {"customer.count"}
    assert compile_formula({"fixed": "1.5"}, TYPES, EUR).referenced_properties == frozenset()


def test_builtin_context_number_can_be_a_base() -> None:
    formula = compile_formula({"per": "1", "of": "context.hour", "value": "2"}, {}, SPINS)
    assert formula({"context.hour": 7}) == Decimal(14)


def issues(spec: Any, reward_type: RewardTypeInfo = EUR) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(RuleError) as caught:
        compile_formula(spec, TYPES, reward_type, ("tiers", 0, "rewards", 1, "value"))
    return [(i.loc[5:], i.type) for i in caught.value.issues]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("10", [((), "invalid_formula")]),
        ({}, [((), "invalid_formula")]),
        ({"fixed": "1", "percent": "2", "of": "session.deposit"}, [((), "invalid_formula")]),
        ({"fixed": "1", "of": "session.deposit"}, [(("of",), "unknown_field")]),
        ({"fixed": None}, [(("fixed",), "missing")]),
        ({"fixed": "-1"}, [(("fixed",), "invalid_value")]),
        ({"fixed": "abc"}, [(("fixed",), "invalid_value")]),
        ({"fixed": float("nan")}, [(("fixed",), "invalid_value")]),
        ({"fixed": True}, [(("fixed",), "invalid_value")]),
        ({"fixed": "0.001"}, [(("fixed",), "invalid_value")]),
        ({"percent": "10"}, [(("of",), "missing")]),
        ({"percent": "10", "of": "session.nope"}, [(("of",), "unknown_property")]),
        ({"percent": "10", "of": "customer.name"}, [(("of",), "invalid_formula")]),
        ({"percent": "10", "of": 3}, [(("of",), "invalid_type")]),
        ({"percent": "-10", "of": "session.deposit"}, [(("percent",), "invalid_value")]),
        ({"per": "10", "of": "session.deposit"}, [(("value",), "missing")]),
        ({"per": "0", "of": "session.deposit", "value": "1"}, [(("per",), "invalid_value")]),
        ({"per": "-1", "of": "session.deposit", "value": "1"}, [(("per",), "invalid_value")]),
        ({"per": "1", "of": "session.deposit", "value": "-1"}, [(("value",), "invalid_value")]),
        ({"fixed": "5", "min": "10", "max": "1"}, [(("max",), "invalid_formula")]),
        ({"fixed": "5", "min": "-1"}, [(("min",), "invalid_value")]),
        ({"fixed": "5", "max": "1.234"}, [(("max",), "invalid_value")]),
        (
            {"per": "0", "of": "customer.name", "value": "x", "mn": 1},
            [
                (("mn",), "unknown_field"),
                (("per",), "invalid_value"),
                (("value",), "invalid_value"),
                (("of",), "invalid_formula"),
            ],
        ),
    ],
)
def test_compile_errors(spec: Any, expected: list[Any]) -> None:
    assert issues(spec) == expected


def test_fixed_min_max_must_fit_the_reward_type_precision() -> None:
    assert issues({"fixed": "0.5"}, SPINS) == [(("fixed",), "invalid_value")]
    assert issues({"fixed": "5", "min": "0.5"}, SPINS) == [(("min",), "invalid_value")]
    compile_formula({"fixed": "20.00"}, TYPES, SPINS)  # same value, trailing zeros are fine
    compile_formula({"percent": "0.125", "of": "session.deposit"}, TYPES, SPINS)
