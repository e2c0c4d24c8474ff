"""Rounding, minor units and the wire form of reward values."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpromo.rules import (
    RewardTypeInfo,
    format_minor,
    format_value,
    from_minor_units,
    is_representable,
    round_value,
    to_minor_units,
)


@pytest.mark.parametrize(
    ("value", "decimals", "rounding", "expected"),
    [
        ("1.239", 2, "down", "1.23"),
        ("1.231", 2, "up", "1.24"),
        ("1.235", 2, "half_up", "1.24"),
        ("1.225", 2, "half_even", "1.22"),
        ("1.235", 2, "half_even", "1.24"),
        ("-1.239", 2, "down", "-1.23"),  # toward zero
        ("-1.231", 2, "up", "-1.24"),  # away from zero
        ("7.9", 0, "down", "7"),
        ("7", 2, "down", "7.00"),
        ("0", 3, "up", "0.000"),
    ],
)
def test_round_value(value: str, decimals: int, rounding: str, expected: str) -> None:
    result = round_value(Decimal(value), decimals, rounding)  # type: ignore[arg-type]
    assert str(result) == expected


def test_round_value_refuses_non_finite_and_unknown_modes() -> None:
    with pytest.raises(ValueError):
        round_value(Decimal("NaN"), 2, "down")
    with pytest.raises(ValueError):
        round_value(Decimal(1), 2, "ceiling")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        round_value(Decimal(1), 19, "down")


def test_minor_units_round_trip() -> None:
    assert to_minor_units(Decimal("3.25"), 2) == 325
    assert to_minor_units(Decimal("3.2"), 2) == 320
    assert to_minor_units(Decimal("20"), 0) == 20
    assert to_minor_units(Decimal("-0.01"), 2) == -1
    assert to_minor_units(Decimal("1E+2"), 2) == 10000
    assert str(from_minor_units(325, 2)) == "3.25"
    assert str(from_minor_units(300, 2)) == "3.00"
    assert str(from_minor_units(20, 0)) == "20"
    assert str(from_minor_units(0, 2)) == "0.00"
    for n in (0, 1, 99, 10**17, -5):
        assert to_minor_units(from_minor_units(n, 4), 4) == n


def test_to_minor_units_refuses_to_round() -> None:
    with pytest.raises(ValueError):
        to_minor_units(Decimal("3.255"), 2)
    with pytest.raises(ValueError):
        to_minor_units(Decimal("Infinity"), 2)
    with pytest.raises(TypeError):
        from_minor_units(True, 2)


def test_format_value_has_exactly_the_places() -> None:
    assert format_value(Decimal(20), 0) == "20"
    assert format_value(Decimal(3), 2) == "3.00"
    assert format_value(Decimal("3.5"), 2) == "3.50"
    assert format_value(Decimal("3.500"), 2) == "3.50"
    assert format_value(Decimal("1E+3"), 1) == "1000.0"
    assert format_value(Decimal("-0.00"), 2) == "0.00"
    assert format_value(Decimal("-1.5"), 1) == "-1.5"
    with pytest.raises(ValueError):
        format_value(Decimal("3.005"), 2)


def test_is_representable() -> None:
    assert is_representable(Decimal("2.50"), 1)
    assert not is_representable(Decimal("2.55"), 1)
    assert not is_representable(Decimal("NaN"), 1)


def test_reward_type_info_is_checked() -> None:
    assert RewardTypeInfo("x", 2).rounding == "down"
    with pytest.raises(ValueError):
        RewardTypeInfo("x", -1)
    with pytest.raises(ValueError):
        RewardTypeInfo("x", 2, "nearest")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        RewardTypeInfo("x", True)


@given(st.integers(min_value=-(10**30), max_value=10**30), st.integers(min_value=0, max_value=8))
def test_format_minor_is_format_value_of_the_minor_units(n: int, decimals: int) -> None:
    assert format_minor(n, decimals) == format_value(from_minor_units(n, decimals), decimals)
