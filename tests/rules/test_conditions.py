"""Condition compiler and evaluator: every operator on every type, and every compile error."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from openpromo.rules import (
    RuleError,
    RuleIssue,
    compile_condition,
    interpret_condition,
)
from openpromo.rules.conditions import MAX_DEPTH

TYPES: dict[str, Any] = {
    "customer.age": "integer",
    "session.amount": "decimal",
    "customer.name": "string",
    "customer.vip": "boolean",
    "customer.born": "date",
    "session.at": "datetime",
    "customer.tags": "string_list",
}

CET = timezone(timedelta(hours=1))
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

# (property, op, value, a context value that satisfies it, one that does not)
CASES: list[tuple[str, str, Any, Any, Any]] = [
    ("customer.age", "eq", "30", 30, 31),
    ("customer.age", "eq", 30, 30, 29),
    ("customer.age", "ne", "30", 31, 30),
    ("customer.age", "gt", "30", 31, 30),
    ("customer.age", "gte", "30", 30, 29),
    ("customer.age", "lt", "30", 29, 30),
    ("customer.age", "lte", "-1", -1, 0),
    ("customer.age", "between", ["18", "30"], 18, 31),
    ("customer.age", "between", ["18", "30"], 30, 17),
    ("customer.age", "in", ["1", 2], 2, 3),
    ("customer.age", "not_in", ["1", "2"], 3, 1),
    ("session.amount", "eq", "10.5", Decimal("10.50"), Decimal("10.51")),
    ("session.amount", "eq", "10", 10, Decimal("10.001")),
    ("session.amount", "ne", "10.5", Decimal("10.49"), Decimal("10.5")),
    ("session.amount", "gt", "100", Decimal("100.01"), Decimal("100")),
    ("session.amount", "gt", 99.5, 100, Decimal("99.5")),
    ("session.amount", "gte", "100", Decimal("100.00"), Decimal("99.99")),
    ("session.amount", "lt", "0.1", Decimal("0.09"), Decimal("0.1")),
    ("session.amount", "lte", "0.1", Decimal("0.1"), Decimal("0.11")),
    ("session.amount", "between", ["1", "2.5"], Decimal("2.5"), Decimal("2.51")),
    ("session.amount", "in", ["1.5", 2], Decimal("2.00"), Decimal("1.25")),
    ("session.amount", "not_in", ["1.5", "2"], Decimal("1.25"), Decimal("1.50")),
    ("customer.born", "eq", "2000-02-29", date(2000, 2, 29), date(2000, 3, 1)),
    ("customer.born", "ne", "2000-02-29", date(2000, 3, 1), date(2000, 2, 29)),
    ("customer.born", "gt", "2000-01-01", date(2000, 1, 2), date(2000, 1, 1)),
    ("customer.born", "gte", "2000-01-01", date(2000, 1, 1), date(1999, 12, 31)),
    ("customer.born", "lt", "2000-01-01", date(1999, 12, 31), date(2000, 1, 1)),
    ("customer.born", "lte", "2000-01-01", date(2000, 1, 1), date(2000, 1, 2)),
    ("customer.born", "between", ["2000-01-01", "2000-12-31"], date(2000, 6, 1), date(2001, 1, 1)),
    ("customer.born", "in", ["2000-01-01", "2001-01-01"], date(2001, 1, 1), date(2002, 1, 1)),
    ("customer.born", "not_in", ["2000-01-01"], date(2002, 1, 1), date(2000, 1, 1)),
    # Same instant written with another offset is equal.
    ("session.at", "eq", "2026-12-01T13:00:00+01:00", NOON, NOON + timedelta(seconds=1)),
    ("session.at", "ne", "2026-12-01T12:00:00Z", NOON + timedelta(hours=1), NOON),
    ("session.at", "gt", "2026-12-01T12:00:00Z", NOON + timedelta(microseconds=1), NOON),
    ("session.at", "gte", "2026-12-01T12:00:00Z", NOON.astimezone(CET), NOON - timedelta(1)),
    ("session.at", "lt", "2026-12-01T12:00:00Z", NOON - timedelta(seconds=1), NOON),
    ("session.at", "lte", "2026-12-01T12:00:00Z", NOON, NOON + timedelta(seconds=1)),
    (
        "session.at",
        "between",
        ["2026-12-01T00:00:00Z", "2026-12-01T23:59:59Z"],
        NOON,
        NOON + timedelta(days=1),
    ),
    ("session.at", "in", ["2026-12-01T12:00:00Z"], NOON.astimezone(CET), NOON - timedelta(1)),
    ("session.at", "not_in", ["2026-12-01T12:00:00Z"], NOON - timedelta(1), NOON),
    ("customer.name", "eq", "gold", "gold", "Gold"),  # case-sensitive
    ("customer.name", "ne", "gold", "silver", "gold"),
    ("customer.name", "in", ["gold", "platinum"], "platinum", "GOLD"),
    ("customer.name", "not_in", ["gold", "platinum"], "silver", "gold"),
    ("customer.name", "contains", "ol", "gold", "silver"),
    ("customer.name", "starts_with", "go", "gold", "ago"),
    ("customer.name", "ends_with", "ld", "gold", "golden"),
    ("customer.vip", "eq", True, True, False),
    ("customer.vip", "eq", False, False, True),
    ("customer.vip", "ne", True, False, True),
    ("customer.tags", "contains", "a", ["b", "a"], ["b", "ab"]),
    ("customer.tags", "contains", "a", ("a",), ()),
    ("customer.tags", "contains_any", ["a", "z"], ["z"], ["b", "c"]),
    ("customer.tags", "contains_all", ["a", "b"], ["c", "b", "a"], ["a", "c"]),
    ("customer.tags", "is_empty", None, [], ["a"]),
    ("customer.tags", "is_empty", None, (), ("",)),
]

EXISTS_VALUES: dict[str, Any] = {
    "customer.age": 0,
    "session.amount": Decimal(0),
    "customer.name": "",
    "customer.vip": False,
    "customer.born": date(2000, 1, 1),
    "session.at": NOON,
    "customer.tags": [],
}


def leaf(prop: str, op: str, value: Any = None) -> dict[str, Any]:
    node: dict[str, Any] = {"property": prop, "op": op}
    if value is not None:
        node["value"] = value
    return node


def check(node: dict[str, Any] | None, ctx: dict[str, Any]) -> bool:
    """Evaluate with the compiled code and the interpreter, which must agree."""
    compiled = compile_condition(node, TYPES)
    result = compiled(ctx)
    assert interpret_condition(compiled.normalized, TYPES, ctx) is result
    return result


def issues_of(node: Any, loc: tuple[str | int, ...] = ()) -> list[RuleIssue]:
    with pytest.raises(RuleError) as caught:
        compile_condition(node, TYPES, loc)
    return caught.value.issues


@pytest.mark.parametrize(("prop", "op", "value", "yes", "no"), CASES)
def test_operator_true_false_and_absent(prop: str, op: str, value: Any, yes: Any, no: Any) -> None:
    node = leaf(prop, op, value)
    assert check(node, {prop: yes}) is True
    assert check(node, {prop: no}) is False
    assert check(node, {}) is False
    assert check(node, {prop: None}) is False


def test_every_operator_of_every_type_is_covered() -> None:
    from openpromo.rules import OPERATORS_BY_TYPE

    covered = {(TYPES[prop], op) for prop, op, *_ in CASES}
    expected = {
        (ptype, op)
        for ptype, ops in OPERATORS_BY_TYPE.items()
        for op in ops
        if op not in ("exists", "missing")
    }
    assert expected - covered == set()


@pytest.mark.parametrize("prop", sorted(TYPES))
def test_exists_and_missing(prop: str) -> None:
    present = {prop: EXISTS_VALUES[prop]}
    assert check(leaf(prop, "exists"), present) is True
    assert check(leaf(prop, "exists"), {}) is False
    assert check(leaf(prop, "exists"), {prop: None}) is False
    assert check(leaf(prop, "missing"), {}) is True
    assert check(leaf(prop, "missing"), {prop: None}) is True
    assert check(leaf(prop, "missing"), present) is False


JUNK: list[tuple[str, Any]] = [
    ("customer.age", True),  # a bool is not an integer
    ("customer.age", 30.0),
    ("customer.age", Decimal(30)),
    ("customer.age", "30"),
    ("session.amount", 10.5),
    ("session.amount", Decimal("NaN")),
    ("session.amount", Decimal("sNaN")),
    ("session.amount", Decimal("Infinity")),
    ("session.amount", "10"),
    ("customer.name", 5),
    ("customer.name", b"gold"),
    ("customer.vip", 1),
    ("customer.born", datetime(2000, 1, 1, tzinfo=UTC)),
    ("customer.born", "2000-01-01"),
    ("session.at", datetime(2026, 12, 1, 12)),  # naive
    ("session.at", date(2026, 12, 1)),
    ("customer.tags", "a"),
    ("customer.tags", ["a", 1]),
    ("customer.tags", {"a"}),
    ("customer.tags", {"a": 1}),
]


@pytest.mark.parametrize(("prop", "junk"), JUNK)
def test_a_value_of_the_wrong_type_makes_every_leaf_false(prop: str, junk: Any) -> None:
    cases = [case for case in CASES if case[0] == prop]
    nodes = [leaf(p, op, value) for p, op, value, *_ in cases]
    nodes += [leaf(prop, "exists"), leaf(prop, "missing")]
    for node in nodes:
        assert check(node, {prop: junk}) is False, node
        # and the negation holds, so nothing raised half-way
        assert check({"not": node}, {prop: junk}) is True, node


def test_string_comparison_is_case_sensitive() -> None:
    assert check(leaf("customer.name", "eq", "Gold"), {"customer.name": "gold"}) is False
    assert check(leaf("customer.name", "contains", "OL"), {"customer.name": "gold"}) is False
    assert check(leaf("customer.tags", "contains", "A"), {"customer.tags": ["a"]}) is False


def test_empty_all_and_omitted_condition_are_always_true() -> None:
    assert check(None, {}) is True
    assert check({"all": []}, {}) is True
    assert check({"not": {"all": []}}, {}) is False
    assert compile_condition(None, TYPES).normalized == {"all": []}


def test_nested_all_any_not() -> None:
    node = {
        "all": [
            leaf("session.amount", "gte", "100"),
            {
                "any": [
                    leaf("customer.vip", "eq", True),
                    {"not": leaf("customer.name", "in", ["US", "FR"])},
                ]
            },
        ]
    }
    base = {"session.amount": Decimal(150), "customer.vip": False, "customer.name": "US"}
    assert check(node, base) is False
    assert check(node, {**base, "customer.vip": True}) is True
    assert check(node, {**base, "customer.name": "DE"}) is True
    assert check(node, {**base, "customer.name": None}) is True  # not(in) on absent
    assert check(node, {**base, "customer.vip": True, "session.amount": Decimal(99)}) is False
    assert check({"not": {"not": leaf("customer.vip", "eq", True)}}, {"customer.vip": True})


def test_ne_and_not_in_are_false_on_absent_but_not_wrapping_is_true() -> None:
    assert check(leaf("customer.name", "ne", "x"), {}) is False
    assert check(leaf("customer.name", "not_in", ["x"]), {}) is False
    assert check({"not": leaf("customer.name", "eq", "x")}, {}) is True


def test_builtin_context_properties_need_no_schema() -> None:
    node = {
        "all": [
            leaf("context.weekday", "in", ["6", "7"]),
            leaf("context.hour", "between", [18, 23]),
            leaf("context.date", "gte", "2026-12-01"),
            leaf("context.now", "lt", "2027-01-01T00:00:00Z"),
            leaf("context.campaign_id", "eq", "cmp-42"),
        ]
    }
    ctx = {
        "context.weekday": 6,
        "context.hour": 20,
        "context.date": date(2026, 12, 5),
        "context.now": datetime(2026, 12, 5, 20, tzinfo=UTC),
        "context.campaign_id": "cmp-42",
    }
    assert check(node, ctx) is True
    assert check(node, {**ctx, "context.hour": 17}) is False


def test_builtin_context_types_win_over_declared_ones() -> None:
    compiled = compile_condition(leaf("context.hour", "eq", "3"), {"context.hour": "string"})
    assert compiled({"context.hour": 3}) is True


def test_normalisation_writes_numbers_as_decimal_strings() -> None:
    node = {
        "all": [
            leaf("customer.age", "in", [5, "-3", "+7"]),
            leaf("session.amount", "between", [1.5, "1e2"]),
            leaf("session.amount", "eq", "1.50"),
            leaf("session.at", "gt", "2026-12-01T00:00:00Z"),
            leaf("customer.born", "eq", "2026-12-01"),
            leaf("customer.vip", "eq", False),
            leaf("customer.tags", "is_empty"),
            leaf("customer.tags", "exists", None),
        ]
    }
    assert compile_condition(node, TYPES).normalized == {
        "all": [
            {"property": "customer.age", "op": "in", "value": ["5", "-3", "7"]},
            {"property": "session.amount", "op": "between", "value": ["1.5", "100"]},
            {"property": "session.amount", "op": "eq", "value": "1.50"},
            {"property": "session.at", "op": "gt", "value": "2026-12-01T00:00:00+00:00"},
            {"property": "customer.born", "op": "eq", "value": "2026-12-01"},
            {"property": "customer.vip", "op": "eq", "value": False},
            {"property": "customer.tags", "op": "is_empty"},
            {"property": "customer.tags", "op": "exists"},
        ]
    }


def test_referenced_properties() -> None:
    node = {"any": [leaf("customer.age", "gt", 1), {"not": leaf("context.hour", "eq", 1)}]}
    assert compile_condition(node, TYPES).referenced_properties == {"customer.age", "context.hour"}


# ---- compile errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prop", "op"),
    [
        ("customer.name", "gt"),
        ("customer.name", "between"),
        ("customer.name", "is_empty"),
        ("customer.vip", "gt"),
        ("customer.vip", "in"),
        ("customer.tags", "eq"),
        ("customer.tags", "in"),
        ("customer.tags", "starts_with"),
        ("customer.age", "contains"),
        ("session.amount", "starts_with"),
        ("customer.born", "is_empty"),
        ("session.at", "contains_any"),
    ],
)
def test_operator_not_valid_for_type(prop: str, op: str) -> None:
    issues = issues_of(leaf(prop, op, "x"), ("tiers", 2, "condition"))
    assert [(i.loc, i.type) for i in issues] == [
        (("tiers", 2, "condition", "op"), "invalid_operator")
    ]
    assert f"'{op}' does not apply to" in issues[0].msg


def test_unknown_operator() -> None:
    issues = issues_of(leaf("customer.age", "greater", "1"))
    assert [(i.loc, i.type) for i in issues] == [(("op",), "invalid_operator")]
    issues = issues_of({"property": "customer.age", "op": 3, "value": "1"})
    assert [(i.loc, i.type) for i in issues] == [(("op",), "invalid_operator")]


@pytest.mark.parametrize(
    "prop", ["customer.unknown", "nodot", "planet.age", "customer.", 5, ".age"]
)
def test_unknown_property(prop: Any) -> None:
    issues = issues_of(leaf(prop, "eq", "1"))
    expected = "invalid_type" if not isinstance(prop, str) else "unknown_property"
    assert [(i.loc, i.type) for i in issues] == [(("property",), expected)]


@pytest.mark.parametrize(
    ("prop", "op", "value", "loc"),
    [
        ("customer.age", "eq", "1.5", ("value",)),
        ("customer.age", "eq", "1.0", ("value",)),
        ("customer.age", "eq", 1.0, ("value",)),
        ("customer.age", "eq", True, ("value",)),
        ("customer.age", "eq", "", ("value",)),
        ("customer.age", "eq", "1" * 31, ("value",)),
        ("session.amount", "eq", "abc", ("value",)),
        ("session.amount", "eq", "1,5", ("value",)),
        ("session.amount", "eq", float("nan"), ("value",)),
        ("session.amount", "eq", float("inf"), ("value",)),
        ("session.amount", "eq", "NaN", ("value",)),
        ("session.amount", "eq", "Infinity", ("value",)),
        ("session.amount", "eq", False, ("value",)),
        ("session.amount", "eq", "0." + "1" * 19, ("value",)),
        ("session.amount", "eq", "1e40", ("value",)),
        ("session.amount", "eq", {"x": 1}, ("value",)),
        ("customer.born", "eq", "2026-13-01", ("value",)),
        ("customer.born", "eq", "2026-12-01T00:00:00Z", ("value",)),
        ("customer.born", "eq", "01/12/2026", ("value",)),
        ("session.at", "eq", "2026-12-01T00:00:00", ("value",)),  # naive
        ("session.at", "eq", "2026-12-01", ("value",)),
        ("session.at", "eq", "soon", ("value",)),
        ("customer.vip", "eq", "true", ("value",)),
        ("customer.vip", "eq", 1, ("value",)),
        ("customer.name", "eq", 5, ("value",)),
        ("customer.name", "eq", ["gold"], ("value",)),
        ("customer.name", "eq", "x" * 1001, ("value",)),
        ("customer.age", "in", [], ("value",)),
        ("customer.age", "in", "1", ("value",)),
        ("customer.age", "in", ["1", "x", "3"], ("value", 1)),
        ("customer.age", "between", ["5", "1"], ("value",)),
        ("customer.age", "between", ["1"], ("value",)),
        ("customer.age", "between", ["1", "2", "3"], ("value",)),
        ("customer.age", "between", "1-2", ("value",)),
        ("customer.age", "between", ["1", "x"], ("value", 1)),
        ("customer.tags", "contains", ["a"], ("value",)),
        ("customer.tags", "contains_any", [], ("value",)),
        ("customer.tags", "contains_all", ["a", 1], ("value", 1)),
        ("customer.age", "exists", 1, ("value",)),
        ("customer.tags", "is_empty", True, ("value",)),
    ],
)
def test_value_not_of_the_type(prop: str, op: str, value: Any, loc: tuple[Any, ...]) -> None:
    issues = issues_of(leaf(prop, op, value), ("tiers", 0, "condition", "all", 1))
    assert [(i.loc, i.type) for i in issues] == [
        (("tiers", 0, "condition", "all", 1, *loc), "invalid_value")
    ]


def test_value_required() -> None:
    issues = issues_of({"property": "customer.age", "op": "eq"})
    assert [(i.loc, i.type) for i in issues] == [(("value",), "missing")]
    issues = issues_of({"property": "customer.age", "op": "eq", "value": None})
    assert [(i.loc, i.type) for i in issues] == [(("value",), "missing")]


def test_every_issue_is_reported_with_its_path() -> None:
    node = {
        "all": [
            leaf("customer.age", "gte", "18"),
            leaf("customer.nope", "eq", "1"),
            {"any": [leaf("customer.name", "gt", "a"), {"not": leaf("customer.age", "eq", "x")}]},
            {"property": "customer.vip", "op": "eq", "vaule": True},
            "oops",
            {"all": [], "any": []},
            {"any": []},
            {"not": None},
            {"all": "x"},
            {},
        ]
    }
    issues = issues_of(node, ("tiers", 3, "condition"))
    prefix = ("tiers", 3, "condition", "all")
    assert [(i.loc, i.type) for i in issues] == [
        ((*prefix, 1, "property"), "unknown_property"),
        ((*prefix, 2, "any", 0, "op"), "invalid_operator"),
        ((*prefix, 2, "any", 1, "not", "value"), "invalid_value"),
        ((*prefix, 3, "vaule"), "unknown_field"),
        ((*prefix, 3, "value"), "missing"),
        ((*prefix, 4), "invalid_condition"),
        ((*prefix, 5), "invalid_condition"),
        ((*prefix, 6, "any"), "invalid_condition"),
        ((*prefix, 7, "not"), "invalid_condition"),
        ((*prefix, 8, "all"), "invalid_condition"),
        ((*prefix, 9), "invalid_condition"),
    ]


def test_missing_property_and_op() -> None:
    issues = issues_of({"op": "eq", "value": "1"})
    assert [(i.loc, i.type) for i in issues] == [(("property",), "missing")]
    issues = issues_of({"property": "customer.age", "value": "1"})
    assert [(i.loc, i.type) for i in issues] == [(("op",), "missing")]


def test_nesting_depth_is_bounded() -> None:
    node: dict[str, Any] = leaf("customer.age", "eq", 1)
    for _ in range(MAX_DEPTH - 1):
        node = {"not": node}
    compile_condition(node, TYPES)
    issues = issues_of({"not": node})
    assert [i.type for i in issues] == ["invalid_condition"]
    assert issues[0].loc == ("not",) * MAX_DEPTH


def test_rule_error_message_names_the_first_issue() -> None:
    with pytest.raises(RuleError, match=r"unknown property 'customer.nope' at \['property'\]"):
        compile_condition(leaf("customer.nope", "eq", 1), TYPES)


def test_normalized_condition_compiles_to_itself() -> None:
    node = {"any": [leaf("session.amount", "in", [1.5, "2.50"]), leaf("session.at", "exists")]}
    once = compile_condition(node, TYPES).normalized
    assert compile_condition(once, TYPES).normalized == once


def test_explain_reports_the_failed_leaf_with_the_actual_value() -> None:
    node = {
        "all": [
            leaf("session.amount", "gte", "100"),
            {"not": leaf("customer.name", "in", ["US", "FR"])},
        ]
    }
    compiled = compile_condition(node, TYPES, ("tiers", 1, "condition"))
    assert compiled.explain({"session.amount": Decimal(150), "customer.name": "DE"}) == (True, None)
    result, failed = compiled.explain({"session.amount": Decimal("99.5")})
    assert result is False
    assert failed == {
        "path": ["tiers", 1, "condition", "all", 0],
        "property": "session.amount",
        "op": "gte",
        "expected": "100",
        "actual": "99.5",
        "negated": False,
    }
    result, failed = compiled.explain({"session.amount": Decimal(150), "customer.name": "FR"})
    assert failed == {
        "path": ["tiers", 1, "condition", "all", 1, "not"],
        "property": "customer.name",
        "op": "in",
        "expected": ["US", "FR"],
        "actual": "FR",
        "negated": True,
    }


def test_explain_any_reports_its_first_leaf_and_absent_actual_is_none() -> None:
    node = {"any": [leaf("customer.age", "gt", 5), leaf("customer.born", "lt", "2000-01-01")]}
    _, failed = compile_condition(node, TYPES).explain({"customer.born": date(2001, 1, 1)})
    assert failed is not None
    assert failed["path"] == ["any", 0]
    assert failed["actual"] is None


def test_limits_on_size() -> None:
    from openpromo.rules.conditions import MAX_LEAVES
    from openpromo.rules.operators import MAX_LIST_VALUES

    huge_list = leaf("customer.age", "in", list(range(MAX_LIST_VALUES + 1)))
    assert [(i.loc, i.type) for i in issues_of(huge_list)] == [(("value",), "too_many")]
    many = {"any": [leaf("customer.age", "eq", n) for n in range(MAX_LEAVES + 1)]}
    assert [(i.loc, i.type) for i in issues_of(many)] == [((), "too_many")]


def test_zero_literals_are_canonical() -> None:
    node = {"all": [leaf("session.amount", "eq", v) for v in ("-0", "0e5", "0.00", -0.0)]}
    values = [child["value"] for child in compile_condition(node, TYPES).normalized["all"]]
    assert values == ["0", "0", "0.00", "0.0"]


def test_an_unknown_property_type_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="unknown property type"):
        compile_condition(None, {"customer.x": "money"})  # type: ignore[dict-item]


def test_evaluate_falls_back_when_a_context_object_raises() -> None:
    from datetime import tzinfo

    class Broken(tzinfo):
        def utcoffset(self, dt: datetime | None) -> timedelta:
            raise RuntimeError("broken")

        def dst(self, dt: datetime | None) -> timedelta:
            raise RuntimeError("broken")

        def tzname(self, dt: datetime | None) -> str:
            raise RuntimeError("broken")

    node = {"any": [leaf("session.at", "exists"), leaf("customer.age", "eq", 1)]}
    compiled = compile_condition(node, TYPES)
    ctx = {"session.at": datetime(2026, 1, 1, tzinfo=Broken()), "customer.age": 1}
    assert compiled(ctx) is True  # the broken value is invalid, the other leaf holds
    assert compiled({"session.at": ctx["session.at"]}) is False
    assert compiled.explain({"session.at": ctx["session.at"]})[1] is not None
