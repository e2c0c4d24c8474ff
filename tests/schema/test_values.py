"""The pure value validator: types, constraints, messages, and property-based guarantees."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpromo.rules.types import PropertyType
from openpromo.schema.values import (
    PropertyDefinition,
    from_json_value,
    to_json_value,
    validate_values,
)

DEFS = [
    PropertyDefinition("name", "string", max_length=5, pattern=r"[a-z]+"),
    PropertyDefinition("country", "string", allowed_values=("FR", "US")),
    PropertyDefinition("level", "integer", min=1, max=10, allowed_values=(1, 5, 10)),
    PropertyDefinition("age", "integer", min=18),
    PropertyDefinition("deposit_amount", "decimal", min=Decimal("0.01"), max=Decimal("1000")),
    PropertyDefinition("vip", "boolean"),
    PropertyDefinition("birthday", "date", min=date(1900, 1, 1)),
    PropertyDefinition(
        "last_seen", "datetime", max=datetime(2030, 1, 1, tzinfo=UTC), required=True
    ),
    PropertyDefinition("tags", "string_list", allowed_values=("a", "b", "c")),
]
NOW = "2026-12-01T10:00:00Z"


def check(values: dict[str, Any], **kwargs: Any) -> tuple[dict[str, Any], list[Any]]:
    return validate_values(DEFS, {"last_seen": NOW, **values}, **kwargs)


def test_valid_values_become_typed() -> None:
    typed, errors = check(
        {
            "name": "bob",
            "country": "FR",
            "level": "5",
            "age": 30.0,
            "deposit_amount": 12.5,
            "vip": "TRUE",
            "birthday": "1990-05-17",
            "last_seen": "2026-12-01T11:00:00+01:00",
            "tags": ["a", "c"],
        }
    )
    assert errors == []
    assert typed == {
        "name": "bob",
        "country": "FR",
        "level": 5,
        "age": 30,
        "deposit_amount": Decimal("12.5"),
        "vip": True,
        "birthday": date(1990, 5, 17),
        "last_seen": datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        "tags": ["a", "c"],
    }
    assert typed["last_seen"].tzinfo == UTC


@pytest.mark.parametrize(
    ("key", "value", "error_type", "msg"),
    [
        ("deposit_amount", "abc", "invalid_type", "deposit_amount: expected decimal, got 'abc'"),
        ("deposit_amount", "NaN", "invalid_type", "deposit_amount: expected decimal, got 'NaN'"),
        ("deposit_amount", True, "invalid_type", "deposit_amount: expected decimal, got true"),
        (
            "deposit_amount",
            "1e40",
            "out_of_range",
            "deposit_amount: decimal '1e40' is out of range",
        ),
        (
            "deposit_amount",
            "0",
            "less_than_min",
            "deposit_amount: '0' is less than the minimum '0.01'",
        ),
        (
            "deposit_amount",
            1000.5,
            "greater_than_max",
            "deposit_amount: '1000.5' is greater than the maximum '1000'",
        ),
        ("level", "1.5", "invalid_type", "level: expected integer, got '1.5'"),
        ("level", 1.5, "invalid_type", "level: expected integer, got 1.5"),
        ("level", True, "invalid_type", "level: expected integer, got true"),
        ("level", 3, "not_allowed", "level: 3 is not one of the allowed values (1, 5, 10)"),
        ("level", 11, "not_allowed", "level: 11 is not one of the allowed values (1, 5, 10)"),
        ("age", 17, "less_than_min", "age: 17 is less than the minimum 18"),
        ("age", "9" * 30, "invalid_type", f"age: expected integer, got '{'9' * 30}'"),
        ("age", 2**70, "out_of_range", f"age: integer {2**70} is out of range"),
        ("name", 42, "invalid_type", "name: expected string, got 42"),
        ("name", "abcdef", "too_long", "name: 'abcdef' is longer than 5 characters"),
        (
            "name",
            "Bob",
            "pattern_mismatch",
            "name: 'Bob' does not match the pattern [a-z]+",
        ),
        (
            "country",
            "DE",
            "not_allowed",
            "country: 'DE' is not one of the allowed values ('FR', 'US')",
        ),
        ("vip", "yes", "invalid_type", "vip: expected boolean, got 'yes'"),
        ("vip", 1, "invalid_type", "vip: expected boolean, got 1"),
        (
            "birthday",
            "17/05/1990",
            "invalid_type",
            "birthday: expected date (YYYY-MM-DD), got '17/05/1990'",
        ),
        (
            "birthday",
            "2026-02-30",
            "invalid_type",
            "birthday: expected date (YYYY-MM-DD), got '2026-02-30'",
        ),
        (
            "birthday",
            "1800-01-01",
            "less_than_min",
            "birthday: '1800-01-01' is less than the minimum '1900-01-01'",
        ),
        (
            "last_seen",
            "2026-12-01T10:00:00",
            "naive_datetime",
            "last_seen: datetime '2026-12-01T10:00:00' has no time zone (add Z or an offset)",
        ),
        (
            "last_seen",
            "tomorrow",
            "invalid_type",
            "last_seen: expected datetime (ISO 8601 with a time zone), got 'tomorrow'",
        ),
        (
            "last_seen",
            "2031-01-01T00:00:00Z",
            "greater_than_max",
            "last_seen: '2031-01-01T00:00:00Z' is greater than the maximum '2030-01-01T00:00:00Z'",
        ),
        ("tags", "a,b", "invalid_type", "tags: expected string_list, got 'a,b'"),
        ("tags", ["a", 1], "invalid_type", "tags: expected string_list, item 1 is 1"),
        (
            "tags",
            ["a", "z"],
            "not_allowed",
            "tags: 'z' is not one of the allowed values ('a', 'b', 'c')",
        ),
        ("tags", {"a": 1}, "invalid_type", "tags: expected string_list, got an object"),
    ],
)
def test_bad_values_name_property_type_and_value(
    key: str, value: Any, error_type: str, msg: str
) -> None:
    typed, errors = check({key: value}, loc=("body", "session"))
    assert [(e.loc, e.type, e.msg) for e in errors] == [(("body", "session", key), error_type, msg)]
    assert key not in typed


def test_unknown_and_missing_properties() -> None:
    typed, errors = validate_values(DEFS, {"nope": 1, "vip": False}, loc=("ctx",))
    assert [(e.loc, e.type) for e in errors] == [
        (("ctx", "nope"), "unknown_property"),
        (("ctx", "last_seen"), "missing"),
    ]
    assert errors[1].msg == "last_seen: required datetime is missing"
    assert typed == {"vip": False}
    typed, errors = validate_values(DEFS, {"nope": 1}, unknown="ignore", check_required=False)
    assert (typed, errors) == ({}, [])


def test_null_is_kept_as_unset_and_does_not_satisfy_required() -> None:
    typed, errors = validate_values(DEFS, {"vip": None, "last_seen": None})
    assert typed == {"vip": None, "last_seen": None}
    assert [(e.loc, e.type) for e in errors] == [(("last_seen",), "missing")]


def test_not_an_object() -> None:
    typed, errors = validate_values(DEFS, ["a"], loc=("body",))  # type: ignore[arg-type]
    assert typed == {}
    assert [(e.loc, e.type) for e in errors] == [(("body",), "invalid_type")]


def test_pattern_is_compiled_once_and_matches_whole_value() -> None:
    definition = PropertyDefinition("code", "string", pattern=r"[A-Z]{2}")
    assert definition.compiled_pattern is not None
    assert definition.compiled_pattern.pattern == "[A-Z]{2}"
    assert validate_values([definition], {"code": "FR"})[1] == []
    assert validate_values([definition], {"code": "FRA"})[1][0].type == "pattern_mismatch"


def test_json_conversions() -> None:
    moment = datetime(2026, 12, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    assert to_json_value("decimal", Decimal("1E+2")) == "100"
    assert to_json_value("decimal", Decimal("0.10")) == "0.10"
    assert to_json_value("date", date(2026, 1, 2)) == "2026-01-02"
    assert to_json_value("datetime", moment.astimezone(UTC)) == "2026-12-01T07:30:00Z"
    assert from_json_value("datetime", "2026-12-01T07:30:00Z") == moment
    assert from_json_value("decimal", "0.10") == Decimal("0.10")
    assert from_json_value("string_list", ("a",)) == ["a"]
    assert to_json_value("integer", None) is None
    assert from_json_value("date", None) is None


# --- property-based -----------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=50)
    | st.sampled_from(["1e999999", "-0", "NaN", "1.5", "2026-02-30", "2026-12-01T00:00:00Z"]),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=5), children, max_size=5)
    ),
    max_leaves=20,
)
ALL_TYPES: list[PropertyType] = [
    "string",
    "integer",
    "decimal",
    "boolean",
    "date",
    "datetime",
    "string_list",
]
SCHEMA = [PropertyDefinition(f"p_{t}", t, required=True) for t in ALL_TYPES] + [
    PropertyDefinition("bounded", "decimal", min=Decimal("-1"), max=Decimal("1")),
    PropertyDefinition("listed", "string_list", allowed_values=("x",)),
    PropertyDefinition("shaped", "string", pattern=r"a+b?", max_length=3),
]


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from([d.key for d in SCHEMA] + ["other"]), json_values))
def test_validate_values_never_raises(values: dict[str, Any]) -> None:
    typed, errors = validate_values(SCHEMA, values, loc=("body",))
    assert set(typed) <= set(values)
    for error in errors:
        assert error.loc[0] == "body"
        assert isinstance(error.msg, str)
        assert error.msg


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([d.key for d in SCHEMA]), json_values))
def test_accepted_values_survive_a_json_round_trip(values: dict[str, Any]) -> None:
    by_key = {d.key: d for d in SCHEMA}
    typed, _errors = validate_values(SCHEMA, values, check_required=False)
    for key, value in typed.items():
        kind = by_key[key].type
        assert from_json_value(kind, to_json_value(kind, value)) == value
        again, again_errors = validate_values(
            [by_key[key]], {key: to_json_value(kind, value)}, check_required=False
        )
        assert again_errors == []
        assert again == {key: value}


typed_values = st.one_of(
    st.tuples(st.just("string"), st.text(max_size=100)),
    st.tuples(st.just("integer"), st.integers(min_value=-(2**63), max_value=2**63 - 1)),
    st.tuples(
        st.just("decimal"),
        st.decimals(
            allow_nan=False, allow_infinity=False, places=6, max_value=10**20, min_value=-(10**20)
        ),
    ),
    st.tuples(st.just("boolean"), st.booleans()),
    st.tuples(st.just("date"), st.dates()),
    st.tuples(
        st.just("datetime"),
        st.datetimes(
            min_value=datetime(1900, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
        ),
    ),
    st.tuples(st.just("string_list"), st.lists(st.text(max_size=10), max_size=10)),
)


@settings(max_examples=300, deadline=None)
@given(typed_values)
def test_typed_values_round_trip(pair: tuple[PropertyType, Any]) -> None:
    kind, value = pair
    stored = to_json_value(kind, value)
    assert from_json_value(kind, stored) == value
    typed, errors = validate_values([PropertyDefinition("v", kind)], {"v": stored})
    assert errors == []
    assert typed == {"v": value}
