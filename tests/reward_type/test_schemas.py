"""Pure checks of reward constraints and durations (no database)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from openpromo.errors import FieldError
from openpromo.kit.durations import InvalidDuration, parse_duration
from openpromo.reward_type.schemas import RewardConstraints, validate_constraints_for


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P30D", timedelta(days=30)),
        ("PT12H", timedelta(hours=12)),
        ("P1DT6H30M", timedelta(days=1, hours=6, minutes=30)),
        ("P2W", timedelta(weeks=2)),
        ("PT90S", timedelta(seconds=90)),
        ("PT1H30M", timedelta(hours=1, minutes=30)),
    ],
)
def test_durations_parse(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["P", "PT", "P1DT", "P1M", "P1Y", "p1d", "P1.5D", "P1W2D", "P0D", "P999999W", " P1D"]
)
def test_durations_refused(text: str) -> None:
    with pytest.raises(InvalidDuration):
        parse_duration(text)


def test_validate_constraints_for_reports_every_problem_with_its_loc() -> None:
    constraints = RewardConstraints.model_validate(
        {
            "min_value": "5.5",
            "max_value": "2",
            "per_customer": [
                {"window": "day", "max_value": "1.25"},
                {"window": "day"},
            ],
            "valid_from": "2026-02-01T00:00:00Z",
            "valid_until": "2026-01-01T00:00:00Z",
        }
    )
    errors = validate_constraints_for(constraints, 1, ("commands", 0, "constraints", "eur"))
    base = ("commands", 0, "constraints", "eur")
    assert [(e.loc, e.type) for e in errors] == [
        ((*base, "min_value"), "min_greater_than_max"),
        ((*base, "per_customer", 0, "max_value"), "too_many_decimals"),
        ((*base, "per_customer", 1, "window"), "duplicate_window"),
        ((*base, "per_customer", 1), "missing"),
        ((*base, "valid_until"), "invalid_window"),
    ]
    assert all(isinstance(e, FieldError) for e in errors)


def test_valid_constraints_have_no_errors() -> None:
    constraints = RewardConstraints.model_validate(
        {
            "min_value": 1,
            "max_value": "1.10",
            "per_customer": [{"window": "lifetime", "max_grants": 1}],
        }
    )
    assert validate_constraints_for(constraints, 2, ()) == []
    assert constraints.max_value == Decimal("1.10")
    assert constraints.to_json()["max_value"] == "1.10"


def test_floats_become_exact_decimals() -> None:
    constraints = RewardConstraints.model_validate({"max_value": 0.3})
    assert constraints.max_value == Decimal("0.3")


def test_infinity_is_refused() -> None:
    with pytest.raises(ValidationError):
        RewardConstraints.model_validate({"max_value": "Infinity"})
