"""ui/describe.py: a promotion's JSON in plain English (pure, no database)."""

from __future__ import annotations

from typing import Any

import pytest

from openpromo.rules.operators import ALL_OPERATORS, OPERATORS_BY_TYPE
from openpromo.rules.types import BUILTIN_CONTEXT_TYPES
from openpromo.ui import describe
from openpromo.ui.describe import Catalog, RewardTypeLabel

CATALOG = Catalog(
    property_types={
        "session.deposit_amount": "decimal",
        "customer.vip_level": "string",
        "customer.country": "string",
        "customer.age": "integer",
        "customer.birthday": "date",
        "customer.last_login": "datetime",
        "customer.newsletter": "boolean",
        "customer.tags": "string_list",
        "customer.ltv": "decimal",
        "promotion.region": "string",
    },
    reward_types={
        "eur_bonus": RewardTypeLabel("eur_bonus", "EUR bonus", "amount", "EUR", 2),
        "cashback": RewardTypeLabel("cashback", "Cashback", "amount", "USD", 2),
        "free_spins": RewardTypeLabel("free_spins", "Free spins", "unit", None, 0),
        "points": RewardTypeLabel("points", "points", "unit", None, 0),
    },
    timezone="Europe/Berlin",
    week_start="monday",
)


def leaf(prop: str, op: str, value: Any = None) -> dict[str, Any]:
    node: dict[str, Any] = {"property": prop, "op": op}
    if value is not None:
        node["value"] = value
    return node


# --- the brief's example ----------------------------------------------------------------


def test_a_tier_reads_as_the_marketer_would_say_it() -> None:
    tier = {
        "id": "vip",
        "name": "VIP depositors",
        "condition": {
            "all": [
                leaf("session.deposit_amount", "gte", "100"),
                leaf("customer.vip_level", "eq", "gold"),
            ]
        },
        "rewards": [
            {
                "reward_type": "eur_bonus",
                "value": {"percent": "10", "of": "session.deposit_amount", "max": "50"},
            },
            {"reward_type": "free_spins", "value": {"fixed": "20"}},
        ],
    }
    assert describe.tier(tier, CATALOG) == (
        "Customers with deposit amount ≥ 100 and VIP level is “gold” get 10 % of deposit "
        "amount, up to 50 EUR bonus, and 20 free spins."
    )


def test_three_rewards_are_listed_with_a_serial_comma() -> None:
    tier = {
        "condition": {"all": []},
        "rewards": [
            {"reward_type": "free_spins", "value": {"fixed": "20"}},
            {"reward_type": "points", "value": {"fixed": "5"}},
            {"reward_type": "eur_bonus", "value": {"fixed": "10"}},
        ],
    }
    assert describe.tier(tier, CATALOG) == (
        "Every customer gets 20 free spins, 5 points, and 10 EUR bonus."
    )


def test_a_tier_without_a_condition_is_for_everyone() -> None:
    assert describe.tier({"rewards": []}, CATALOG) == "Every customer gets nothing."


def test_a_context_condition_reads_as_when() -> None:
    tier = {
        "condition": leaf("context.weekday", "in", [6, 7]),
        "rewards": [{"reward_type": "free_spins", "value": {"fixed": "5"}}],
    }
    assert describe.tier(tier, CATALOG) == (
        "When the day of the week is Saturday or Sunday, customers get 5 free spins."
    )


# --- every operator ---------------------------------------------------------------------

OPERATOR_CASES: list[tuple[str, str, Any, str]] = [
    # numbers
    ("session.deposit_amount", "eq", "100", "deposit amount = 100"),
    ("session.deposit_amount", "ne", "100", "deposit amount ≠ 100"),
    ("session.deposit_amount", "gt", "1000", "deposit amount > 1,000"),
    ("session.deposit_amount", "gte", "100.50", "deposit amount ≥ 100.50"),
    ("session.deposit_amount", "lt", "5", "deposit amount < 5"),
    ("session.deposit_amount", "lte", "5", "deposit amount ≤ 5"),
    (
        "customer.age",
        "between",
        [18, 30],
        "age is between 18 and 30 (both included)",
    ),
    ("customer.age", "in", [18, 21], "age is 18 or 21"),
    ("customer.age", "not_in", [1, 2, 3], "age is neither 1, 2 nor 3"),
    ("customer.age", "exists", None, "age is known"),
    ("customer.age", "missing", None, "age is not known"),
    # dates and datetimes
    ("customer.birthday", "eq", "2000-02-29", "birthday is 29 February 2000"),
    ("customer.birthday", "gt", "2000-01-01", "birthday is after 1 January 2000"),
    ("customer.birthday", "gte", "2000-01-01", "birthday is on or after 1 January 2000"),
    ("customer.birthday", "lt", "2000-01-01", "birthday is before 1 January 2000"),
    ("customer.birthday", "lte", "2000-01-01", "birthday is on or before 1 January 2000"),
    (
        "customer.last_login",
        "gte",
        "2026-12-01T09:30:00Z",
        "last login is on or after 1 December 2026, 10:30 (Europe/Berlin)",
    ),
    (
        "customer.birthday",
        "between",
        ["2000-01-01", "2000-12-31"],
        "birthday is between 1 January 2000 and 31 December 2000 (both included)",
    ),
    # strings
    ("customer.vip_level", "eq", "gold", "VIP level is “gold”"),
    ("customer.vip_level", "ne", "gold", "VIP level is not “gold”"),
    ("customer.country", "in", ["US", "FR", "DE"], "country is “US”, “FR” or “DE”"),
    ("customer.country", "not_in", ["US", "FR"], "country is neither “US” nor “FR”"),
    ("customer.country", "not_in", ["US"], "country is not “US”"),
    ("customer.vip_level", "contains", "ol", "VIP level contains “ol”"),
    ("customer.vip_level", "starts_with", "go", "VIP level starts with “go”"),
    ("customer.vip_level", "ends_with", "ld", "VIP level ends with “ld”"),
    # booleans
    ("customer.newsletter", "eq", True, "newsletter is yes"),
    ("customer.newsletter", "ne", True, "newsletter is not yes"),
    ("customer.newsletter", "eq", False, "newsletter is no"),
    # string lists
    ("customer.tags", "contains", "vip", "tags include “vip”"),
    ("customer.tags", "contains_any", ["a", "b"], "tags include at least one of “a” or “b”"),
    ("customer.tags", "contains_all", ["a", "b", "c"], "tags include all of “a”, “b”, and “c”"),
    ("customer.tags", "is_empty", None, "tags is empty"),
    ("customer.tags", "exists", None, "tags is known"),
    ("customer.tags", "missing", None, "tags is not known"),
    # built-in context
    ("context.weekday", "eq", 1, "the day of the week is Monday"),
    ("context.hour", "gte", 18, "the hour of the day ≥ 18:00"),
    ("context.date", "lt", "2026-12-24", "today's date is before 24 December 2026"),
    (
        "context.now",
        "lt",
        "2026-12-24T23:00:00Z",
        "the current time is before 25 December 2026, 00:00 (Europe/Berlin)",
    ),
    ("context.campaign_id", "eq", "cmp-42", "the campaign is “cmp-42”"),
]


@pytest.mark.parametrize(("prop", "op", "value", "words"), OPERATOR_CASES)
def test_every_operator_in_words(prop: str, op: str, value: Any, words: str) -> None:
    assert describe.condition(leaf(prop, op, value), CATALOG) == words


def test_the_cases_cover_every_operator_and_every_type() -> None:
    type_of = {**CATALOG.property_types, **BUILTIN_CONTEXT_TYPES}
    assert {op for _, op, _, _ in OPERATOR_CASES} == ALL_OPERATORS
    assert {type_of[prop] for prop, _, _, _ in OPERATOR_CASES} == set(OPERATORS_BY_TYPE)
    for prop, op, _, _ in OPERATOR_CASES:
        assert op in OPERATORS_BY_TYPE[type_of[prop]], (prop, op)  # type: ignore[index]


# --- nesting ----------------------------------------------------------------------------


def test_nested_groups_are_parenthesised() -> None:
    node = {
        "all": [
            leaf("session.deposit_amount", "gte", "100"),
            {
                "any": [
                    leaf("customer.country", "eq", "DE"),
                    {
                        "all": [
                            leaf("customer.vip_level", "eq", "gold"),
                            leaf("customer.age", "gte", 18),
                        ]
                    },
                ]
            },
        ]
    }
    assert describe.condition(node, CATALOG) == (
        "deposit amount ≥ 100 and (country is “DE” or (VIP level is “gold” and age ≥ 18))"
    )


def test_a_one_child_group_needs_no_parentheses() -> None:
    node = {"all": [{"any": [leaf("customer.age", "gt", 1)]}]}
    assert describe.condition(node, CATALOG) == "age > 1"


@pytest.mark.parametrize(
    ("inner", "words"),
    [
        (leaf("customer.country", "in", ["US", "FR"]), "country is neither “US” nor “FR”"),
        (leaf("customer.country", "not_in", ["US"]), "country is “US”"),
        (leaf("customer.vip_level", "eq", "gold"), "VIP level is not “gold”"),
        (leaf("customer.vip_level", "ne", "gold"), "VIP level is “gold”"),
        (leaf("customer.age", "exists"), "age is not known"),
        (leaf("customer.age", "missing"), "age is known"),
        (leaf("customer.age", "gt", 18), "not (age > 18)"),
        (
            {"any": [leaf("customer.age", "gt", 18), leaf("customer.newsletter", "eq", True)]},
            "not (age > 18 or newsletter is yes)",
        ),
    ],
)
def test_not_negates_in_words(inner: dict[str, Any], words: str) -> None:
    assert describe.condition({"not": inner}, CATALOG) == words


def test_empty_groups() -> None:
    assert describe.condition({"all": []}, CATALOG) == ""
    assert describe.condition(None, CATALOG) == ""
    assert describe.condition({"any": []}, CATALOG).startswith("never")


def test_an_unknown_property_still_reads() -> None:
    assert describe.condition(leaf("customer.shoe_size", "eq", "42"), CATALOG) == (
        "shoe size is 42"
    )


# --- formulas ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reward_type", "spec", "words"),
    [
        ("free_spins", {"fixed": "20"}, "20 free spins"),
        ("eur_bonus", {"fixed": "1500.00"}, "1,500.00 EUR bonus"),
        ("cashback", {"fixed": "5"}, "5 USD cashback"),
        (
            "eur_bonus",
            {"percent": "10", "of": "session.deposit_amount"},
            "10 % of deposit amount as EUR bonus",
        ),
        (
            "eur_bonus",
            {"percent": "10", "of": "session.deposit_amount", "max": "50"},
            "10 % of deposit amount, up to 50 EUR bonus",
        ),
        (
            "eur_bonus",
            {"percent": "10", "of": "session.deposit_amount", "min": "1", "max": "50"},
            "10 % of deposit amount, at least 1 and up to 50 EUR bonus",
        ),
        (
            "eur_bonus",
            {"percent": "2.5", "of": "session.deposit_amount", "min": "1"},
            "2.5 % of deposit amount, at least 1 EUR bonus",
        ),
        (
            "points",
            {"per": "10", "of": "session.deposit_amount", "value": "1"},
            "1 points for every 10 of deposit amount",
        ),
        (
            "points",
            {"per": "10", "of": "session.deposit_amount", "value": "1", "max": "100"},
            "1 points for every 10 of deposit amount, up to 100 points",
        ),
        ("free_spins", {"fixed": "20", "max": "10"}, "20 free spins (up to 10 free spins)"),
        ("unknown_type", {"fixed": "3"}, "3 unknown_type"),
    ],
)
def test_formulas_in_words(reward_type: str, spec: dict[str, Any], words: str) -> None:
    assert describe.formula(reward_type, spec, CATALOG) == words


# --- windows, limits, constraints, budgets ----------------------------------------------


@pytest.mark.parametrize(
    ("window", "words"),
    [
        ("day", "per calendar day (midnight Europe/Berlin)"),
        ("week", "per week starting Monday (midnight Europe/Berlin)"),
        ("month", "per calendar month (from the 1st, midnight Europe/Berlin)"),
        ("lifetime", "in total, for as long as the promotion runs"),
        ("rolling_24h", "in any 24 hours"),
        ("rolling_7d", "in any 7 days"),
        ("rolling_30d", "in any 30 days"),
    ],
)
def test_every_window_in_words(window: str, words: str) -> None:
    assert describe.window(window, CATALOG) == words


def test_the_week_starts_on_the_tenants_week_start() -> None:
    sunday = Catalog(timezone="America/New_York", week_start="sunday")
    assert describe.window("week", sunday) == (
        "per week starting Sunday (midnight America/New_York)"
    )


@pytest.mark.parametrize(
    ("limit", "words"),
    [
        (
            {"window": "rolling_7d", "max_value": "100", "max_grants": 3},
            "at most 3 grants and 100 EUR bonus per customer in any 7 days",
        ),
        (
            {"window": "day", "max_value": None, "max_grants": 1},
            "at most 1 grant per customer per calendar day (midnight Europe/Berlin)",
        ),
        (
            {"window": "week", "max_value": "250"},
            "at most 250 EUR bonus per customer per week starting Monday (midnight Europe/Berlin)",
        ),
    ],
)
def test_per_customer_limits_in_words(limit: dict[str, Any], words: str) -> None:
    assert describe.per_customer_limit(limit, "eur_bonus", CATALOG) == words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("P30D", "30 days"),
        ("P1D", "1 day"),
        ("PT12H", "12 hours"),
        ("P2W", "2 weeks"),
        ("P1DT12H", "1 day and 12 hours"),
        ("PT90M", "90 minutes"),
        ("nonsense", "nonsense"),
    ],
)
def test_durations_in_words(text: str, words: str) -> None:
    assert describe.duration(text) == words


def test_constraints_in_words() -> None:
    lines = describe.constraints(
        "eur_bonus",
        {
            "min_value": "1",
            "max_value": "50",
            "per_customer": [{"window": "rolling_7d", "max_value": "100", "max_grants": 3}],
            "valid_from": "2026-11-30T23:00:00Z",
            "valid_until": "2026-12-31T22:59:00Z",
            "grant_expires_after": "P30D",
        },
        CATALOG,
    )
    assert lines == [
        "each reward is at least 1 EUR bonus (smaller ones are not granted) and at most "
        "50 EUR bonus (bigger ones are cut down)",
        "at most 3 grants and 100 EUR bonus per customer in any 7 days",
        "granted only from 1 December 2026, 00:00 (Europe/Berlin) until "
        "31 December 2026, 23:59 (Europe/Berlin)",
        "a granted reward expires 30 days after it is granted",
    ]


def test_partial_and_empty_constraints() -> None:
    assert describe.constraints("free_spins", {}, CATALOG) == []
    assert describe.constraints("free_spins", {"max_value": "10"}, CATALOG) == [
        "each reward is at most 10 free spins (bigger ones are cut down)"
    ]
    assert describe.constraints("free_spins", {"min_value": "2"}, CATALOG) == [
        "each reward is at least 2 free spins (smaller ones are not granted)"
    ]
    assert describe.constraints("free_spins", {"valid_until": "2027-01-01T00:00:00Z"}, CATALOG) == [
        "granted only until 1 January 2027, 01:00 (Europe/Berlin)"
    ]


def test_budgets_in_words() -> None:
    lines = describe.budgets(
        {
            "audience_caps": [
                {"window": "day", "limit": 1000},
                {"window": "lifetime", "limit": 50000},
            ],
            "reward_budgets": [
                {
                    "reward_type": "eur_bonus",
                    "window": "lifetime",
                    "limit": "5000.00",
                    "on_exceed": "truncate",
                },
                {
                    "reward_type": "free_spins",
                    "window": "week",
                    "limit": "500",
                    "on_exceed": "reject",
                },
            ],
            "audience_selection": {"method": "attribute", "property": "ltv", "order": "desc"},
            "alert_thresholds": [0.8, 1.0],
        },
        CATALOG,
    )
    assert lines == [
        "Audience cap: at most 1,000 customers per calendar day (midnight Europe/Berlin).",
        "Audience cap: at most 50,000 customers in total, for as long as the promotion runs.",
        "Budget: at most 5,000.00 EUR bonus given out in total, for as long as the promotion "
        "runs; a reward that would go over is cut down to what is left.",
        "Budget: at most 500 free spins given out per week starting Monday (midnight "
        "Europe/Berlin); a reward that would go over is not granted at all.",
        "When one request has more eligible customers than a cap has room for, customers "
        "with the highest LTV are chosen first.",
        "Alerts when a cap or budget reaches 80 % and 100 % of its limit.",
    ]


def test_audience_selection_in_words() -> None:
    assert describe.audience_selection({"method": "random"}) == "customers are chosen at random"
    assert describe.audience_selection(None) == "customers are chosen at random"
    assert describe.audience_selection(
        {"method": "attribute", "property": "signup_date", "order": "asc"}
    ) == ("customers with the lowest signup date are chosen first")


def test_no_budgets_no_lines() -> None:
    assert describe.budgets({}, CATALOG) == []
    empty = {"audience_caps": [], "reward_budgets": [], "alert_thresholds": [0.5]}
    assert describe.budgets(empty, CATALOG) == []


@pytest.mark.parametrize(
    ("fraction", "text"), [(0.8, "80"), (1.0, "100"), (0.125, "12.5"), (0.05, "5")]
)
def test_percentages_of_stored_fractions(fraction: float, text: str) -> None:
    assert describe.percent(fraction) == text


def test_values_are_formatted_for_their_type() -> None:
    assert describe.value("1234567.5", "decimal", CATALOG) == "1,234,567.5"
    assert describe.value(7, "integer", CATALOG, "context.weekday") == "Sunday"
    assert describe.value(9, "integer", CATALOG, "context.hour") == "09:00"
    assert describe.value("2026-01-02", "date", CATALOG) == "2 January 2026"
    assert describe.value("not a date", "date", CATALOG) == "not a date"
    assert describe.value("EU", "string", CATALOG) == "“EU”"
