"""Property-based tests: generated code vs the reference interpreter, and never raising.

Literals and context values are drawn from small domains so that comparisons land on
both sides (and on equality) often; junk values of every Python type are mixed in.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpromo.rules import (
    OPERATORS_BY_TYPE,
    PropertyType,
    RewardTypeInfo,
    Rounding,
    compile_condition,
    compile_formula,
    compile_tiers,
    explain_condition,
    from_minor_units,
    interpret_condition,
    interpret_formula,
    interpret_tiers,
    round_value,
    to_minor_units,
)
from openpromo.rules.decimals import quantum
from openpromo.rules.literals import parse_literal
from openpromo.rules.operators import value_shape

TYPES: dict[str, PropertyType] = {
    "customer.i": "integer",
    "session.d": "decimal",
    "customer.s": "string",
    "customer.b": "boolean",
    "customer.day": "date",
    "session.at": "datetime",
    "customer.tags": "string_list",
}
ALL_TYPES: dict[str, PropertyType] = {**TYPES, "context.hour": "integer"}
PROPS = sorted(ALL_TYPES)

T0 = datetime(2026, 1, 1, 10, tzinfo=UTC)
PLUS1 = timezone(timedelta(hours=1))

# ---- literals as an author writes them ----------------------------------------------

LITERALS: dict[str, st.SearchStrategy[Any]] = {
    "integer": st.one_of(st.integers(-3, 3), st.integers(-3, 3).map(str)),
    "decimal": st.one_of(
        st.sampled_from(["-1", "0", "0.5", "0.50", "1", "1.5", "2", "1e0"]),
        st.integers(-2, 2),
        st.sampled_from([0.5, 1.5, -0.25]),
    ),
    "string": st.text(alphabet="ab", max_size=3),
    "string_list": st.text(alphabet="ab", max_size=2),
    "boolean": st.booleans(),
    "date": st.sampled_from(["2026-01-01", "2026-01-02", "2026-01-03"]),
    "datetime": st.sampled_from(
        ["2026-01-01T10:00:00Z", "2026-01-01T11:00:00+01:00", "2026-01-01T10:00:01+00:00"]
    ),
}

# ---- context values -----------------------------------------------------------------

VALID: dict[str, st.SearchStrategy[Any]] = {
    "integer": st.integers(-4, 4),
    "decimal": st.one_of(
        st.integers(-3, 3),
        st.sampled_from([Decimal(x) for x in ("-1", "0", "0.5", "1.00", "1.5", "2.25", "-0")]),
        st.decimals(min_value=-5, max_value=5, places=2),
    ),
    "string": st.text(alphabet="abA", max_size=4),
    "string_list": st.lists(st.text(alphabet="ab", max_size=2), max_size=3).flatmap(
        lambda items: st.sampled_from([items, tuple(items)])
    ),
    "boolean": st.booleans(),
    "date": st.dates(min_value=date(2025, 12, 31), max_value=date(2026, 1, 4)),
    "datetime": st.integers(-2, 2).flatmap(
        lambda s: st.sampled_from(
            [T0 + timedelta(seconds=s), (T0 + timedelta(seconds=s)).astimezone(PLUS1)]
        )
    ),
}

JUNK: st.SearchStrategy[Any] = st.one_of(
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.binary(max_size=2),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("sNaN"), Decimal("-NaN"), Decimal("Infinity"), object()]),
    st.lists(st.one_of(st.text(max_size=2), st.integers(), st.none()), max_size=3),
    st.tuples(st.integers()),
    st.frozensets(st.text(max_size=1), max_size=2),
    st.dictionaries(st.text(max_size=1), st.integers(), max_size=2),
    st.dates(),
    st.datetimes(),  # naive
    st.datetimes(timezones=st.just(UTC)),
)


ABSENT = object()


def value_for(prop: str) -> st.SearchStrategy[Any]:
    """Mostly valid values, sometimes absent (missing key or None), sometimes junk."""
    valid = VALID[ALL_TYPES[prop]]
    absent = st.sampled_from([None, ABSENT])
    return st.integers(0, 9).flatmap(lambda n: valid if n < 6 else absent if n < 8 else JUNK)


CONTEXTS = st.fixed_dictionaries({prop: value_for(prop) for prop in PROPS}).map(
    lambda values: {prop: value for prop, value in values.items() if value is not ABSENT}
)

# ---- condition trees ----------------------------------------------------------------


@st.composite
def leaves(draw: st.DrawFn) -> dict[str, Any]:
    prop = draw(st.sampled_from(PROPS))
    ptype = ALL_TYPES[prop]
    op = draw(st.sampled_from(OPERATORS_BY_TYPE[ptype]))
    literal = LITERALS[ptype]
    shape = value_shape(op)
    node: dict[str, Any] = {"property": prop, "op": op}
    if shape == "scalar":
        node["value"] = draw(literal)
    elif shape == "list":
        node["value"] = draw(st.lists(literal, min_size=1, max_size=3))
    elif shape == "pair":
        pair = [draw(literal), draw(literal)]
        elem: PropertyType = "string" if ptype == "string_list" else ptype
        node["value"] = sorted(pair, key=lambda raw: parse_literal(elem, raw)[0])
    return node


TREES = st.recursive(
    leaves(),
    lambda children: st.one_of(
        st.lists(children, max_size=4).map(lambda items: {"all": items}),
        st.lists(children, min_size=1, max_size=4).map(lambda items: {"any": items}),
        children.map(lambda child: {"not": child}),
    ),
    max_leaves=12,
)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def node_at(tree: Any, path: list[Any]) -> Any:
    for step in path:
        tree = tree[step]
    return tree


@SETTINGS
@given(tree=TREES, contexts=st.lists(CONTEXTS, min_size=1, max_size=5))
def test_compiled_conditions_agree_with_the_interpreter(
    tree: dict[str, Any], contexts: list[dict[str, Any]]
) -> None:
    compiled = compile_condition(tree, TYPES, ("c",))
    for ctx in contexts:
        fast = compiled._test(ctx) == 0  # the generated code itself, without its fallback
        assert fast is interpret_condition(compiled.normalized, TYPES, ctx)
        assert fast is interpret_condition(tree, TYPES, ctx)
        result, failed = explain_condition(compiled.normalized, TYPES, ctx, ("c",))
        assert result is fast
        if fast:
            assert failed is None
        elif failed is None:
            # only a negated empty "all" (never true) fails without any leaf to blame
            assert '"all": []' in json.dumps(compiled.normalized)
        else:
            assert failed["path"][0] == "c"
            leaf = node_at(compiled.normalized, failed["path"][1:])
            assert (leaf["property"], leaf["op"]) == (failed["property"], failed["op"])
            assert interpret_condition(leaf, TYPES, ctx) is failed["negated"]


@SETTINGS
@given(tree=TREES)
def test_normalized_conditions_are_a_fixed_point(tree: dict[str, Any]) -> None:
    once = compile_condition(tree, TYPES).normalized
    assert compile_condition(once, TYPES).normalized == once


# ---- formulas -------------------------------------------------------------------------

REWARD_TYPES = st.builds(
    RewardTypeInfo,
    key=st.just("r"),
    decimals=st.integers(0, 4),
    rounding=st.sampled_from(["down", "up", "half_up", "half_even"]),
)
AMOUNTS = st.decimals(min_value=0, max_value=10**6, places=3)


@st.composite
def formulas(draw: st.DrawFn, decimals: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["fixed", "percent", "per"]))
    whole = st.decimals(min_value=0, max_value=1000, places=decimals).map(str)
    if kind == "fixed":
        spec: dict[str, Any] = {"fixed": draw(whole)}
    elif kind == "percent":
        spec = {
            "percent": str(draw(AMOUNTS)),
            "of": draw(st.sampled_from(["session.d", "customer.i"])),
        }
    else:
        step = draw(st.decimals(min_value=Decimal("0.001"), max_value=100, places=3))
        spec = {"per": str(step), "of": "session.d", "value": str(draw(AMOUNTS))}
    bounds = sorted(draw(st.lists(whole, min_size=2, max_size=2)), key=Decimal)
    if draw(st.booleans()):
        spec["min"] = bounds[0]
    if draw(st.booleans()):
        spec["max"] = bounds[1]
    return spec


@SETTINGS
@given(data=st.data(), reward_type=REWARD_TYPES, ctx=CONTEXTS)
def test_compiled_formulas_agree_with_the_interpreter(
    data: st.DataObject, reward_type: RewardTypeInfo, ctx: dict[str, Any]
) -> None:
    spec = data.draw(formulas(reward_type.decimals))
    ctx = {**ctx, "session.d": data.draw(st.one_of(AMOUNTS, JUNK, st.none()))}
    formula = compile_formula(spec, TYPES, reward_type)
    value = formula(ctx)
    reference = interpret_formula(formula.normalized, reward_type, ctx)
    assert (value, str(value)) == (reference, str(reference))
    assert to_minor_units(value, reward_type.decimals) >= 0  # exact at the type's precision


@SETTINGS
@given(
    base=st.decimals(min_value=0, max_value=10**9, places=4),
    percent=st.decimals(min_value=0, max_value=500, places=3),
    decimals=st.integers(0, 4),
)
def test_down_rounding_never_exceeds_the_exact_value(
    base: Decimal, percent: Decimal, decimals: int
) -> None:
    formula = compile_formula(
        {"percent": str(percent), "of": "session.d"}, TYPES, RewardTypeInfo("r", decimals)
    )
    exact = base * percent / 100
    value = formula({"session.d": base})
    assert value <= exact
    assert exact - value < quantum(decimals)


@SETTINGS
@given(
    value=st.decimals(min_value=-(10**12), max_value=10**12, places=6),
    decimals=st.integers(0, 6),
)
def test_round_value_modes(value: Decimal, decimals: int) -> None:
    step = quantum(decimals)
    down = round_value(value, decimals, "down")
    up = round_value(value, decimals, "up")
    assert abs(down) <= abs(value) <= abs(up)
    assert abs(value - down) < step and abs(up - value) < step
    modes: tuple[Rounding, ...] = ("half_up", "half_even")
    for mode in modes:
        nearest = round_value(value, decimals, mode)
        assert abs(nearest - value) * 2 <= step
    assert from_minor_units(to_minor_units(down, decimals), decimals) == down


# ---- whole promotions ----------------------------------------------------------------

TIER_REWARD_TYPES = {
    "spins": RewardTypeInfo("spins", 0),
    "eur": RewardTypeInfo("eur", 2, "half_even"),
}


@st.composite
def tier_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    tiers = []
    for _ in range(draw(st.integers(0, 5))):
        rewards = [
            {"reward_type": "spins", "value": {"per": "1.5", "of": "session.d", "value": "2"}}
        ]
        if draw(st.booleans()):
            rewards.append({"reward_type": "eur", "value": {"percent": "7.5", "of": "customer.i"}})
        tiers.append({"condition": draw(TREES), "rewards": rewards})
    return tiers


@SETTINGS
@given(tiers=tier_lists(), contexts=st.lists(CONTEXTS, min_size=1, max_size=5))
def test_tier_evaluation_never_raises_and_matches_explain(
    tiers: list[dict[str, Any]], contexts: list[dict[str, Any]]
) -> None:
    rules = compile_tiers(tiers, TYPES, TIER_REWARD_TYPES)
    for ctx in contexts:
        index = rules._select(ctx)  # the generated code itself
        expected = next(
            (
                i
                for i, tier in enumerate(rules.normalized)
                if interpret_condition(tier["condition"], TYPES, ctx)
            ),
            -1,
        )
        assert index == expected
        match = rules.evaluate(ctx)
        explained, trace = rules.explain(ctx)
        assert match == explained
        assert len(trace) == (index + 1 if index >= 0 else len(tiers))
        assert [entry["matched"] for entry in trace] == [i == index for i in range(len(trace))]
        reference = interpret_tiers(rules.normalized, TYPES, TIER_REWARD_TYPES, ctx)
        assert match == reference
        if match is not None and reference is not None:
            assert [str(r.value) for r in match.rewards] == [
                str(r.value) for r in reference.rewards
            ]
