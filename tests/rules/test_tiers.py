"""Tier lists: validation with JSON paths, normalisation, first-match selection, explain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

import pytest

from openpromo.rules import (
    RewardTypeInfo,
    RewardValue,
    RuleError,
    TierMatch,
    compile_tiers,
)
from openpromo.rules.tiers import MAX_REWARDS_PER_TIER, MAX_TIERS

TYPES: dict[str, Any] = {
    "session.deposit_amount": "decimal",
    "customer.country": "string",
    "customer.vip_level": "string",
    "session.at": "datetime",
}
REWARD_TYPES = {
    "free_spins": RewardTypeInfo("free_spins", 0),
    "eur_bonus": RewardTypeInfo("eur_bonus", 2),
}

SPEC_TIERS: list[dict[str, Any]] = [
    {
        "id": "high",
        "name": "High depositors",
        "condition": {
            "all": [
                {"property": "session.deposit_amount", "op": "gte", "value": "100"},
                {"not": {"property": "customer.country", "op": "in", "value": ["US", "FR"]}},
            ]
        },
        "rewards": [
            {"reward_type": "free_spins", "value": {"fixed": "20"}},
            {
                "reward_type": "eur_bonus",
                "value": {
                    "percent": "10",
                    "of": "session.deposit_amount",
                    "min": "1",
                    "max": "50",
                },
            },
        ],
    },
    {
        "name": "Gold",
        "condition": {"property": "customer.vip_level", "op": "eq", "value": "gold"},
        "rewards": [{"reward_type": "free_spins", "value": {"fixed": 10}}],
    },
    {"rewards": [{"reward_type": "free_spins", "value": {"fixed": "0"}}]},
]


def compiled(tiers: Any = SPEC_TIERS) -> Any:
    return compile_tiers(tiers, TYPES, REWARD_TYPES)


def issues(tiers: Any) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(RuleError) as caught:
        compiled(tiers)
    return [(issue.loc, issue.type) for issue in caught.value.issues]


def reward(reward_type: str = "free_spins", formula: Any = None) -> dict[str, Any]:
    return {"reward_type": reward_type, "value": formula or {"fixed": "1"}}


def test_first_matching_tier_wins() -> None:
    rules = compiled()
    ctx = {"session.deposit_amount": Decimal("123.456"), "customer.country": "DE"}
    assert rules.evaluate({**ctx, "customer.vip_level": "gold"}) == TierMatch(
        tier_id="high",
        tier_name="High depositors",
        index=0,
        rewards=[
            RewardValue("free_spins", Decimal("20")),
            RewardValue("eur_bonus", Decimal("12.34")),
        ],
    )
    gold = rules.evaluate({**ctx, "customer.country": "US", "customer.vip_level": "gold"})
    assert gold == TierMatch("tier-2", "Gold", 1, [RewardValue("free_spins", Decimal(10))])
    fallback = rules.evaluate({})
    assert fallback == TierMatch("tier-3", None, 2, [RewardValue("free_spins", Decimal(0))])


def test_no_match_is_none() -> None:
    rules = compiled(SPEC_TIERS[:2])
    assert rules.evaluate({"customer.country": "US"}) is None
    assert rules.select({"customer.country": "US"}) == -1
    assert compiled([]).evaluate({}) is None


def test_reward_values_are_clamped_and_rounded() -> None:
    rules = compiled()
    ctx = {"session.deposit_amount": Decimal("5000"), "customer.country": "DE"}
    match = rules.evaluate(ctx)
    assert match is not None
    assert [str(r.value) for r in match.rewards] == ["20", "50.00"]
    match = rules.evaluate({**ctx, "session.deposit_amount": 100})
    assert match is not None
    assert [str(r.value) for r in match.rewards] == ["20", "10.00"]


def test_normalized_tiers_ids_and_references() -> None:
    rules = compiled()
    assert rules.normalized == [
        {
            "id": "high",
            "name": "High depositors",
            "condition": SPEC_TIERS[0]["condition"],
            "rewards": SPEC_TIERS[0]["rewards"],
        },
        {
            "id": "tier-2",
            "name": "Gold",
            "condition": SPEC_TIERS[1]["condition"],
            "rewards": [{"reward_type": "free_spins", "value": {"fixed": "10"}}],
        },
        {
            "id": "tier-3",
            "name": None,
            "condition": {"all": []},
            "rewards": [{"reward_type": "free_spins", "value": {"fixed": "0"}}],
        },
    ]
    assert rules.referenced_properties == {
        "session.deposit_amount",
        "customer.country",
        "customer.vip_level",
    }
    assert rules.referenced_reward_types == {"free_spins", "eur_bonus"}
    assert compiled(rules.normalized).normalized == rules.normalized


def test_referenced_properties_include_formula_bases_and_context() -> None:
    rules = compiled(
        [
            {
                "condition": {"property": "context.hour", "op": "gte", "value": 18},
                "rewards": [reward("eur_bonus", {"percent": "5", "of": "session.deposit_amount"})],
            }
        ]
    )
    assert rules.referenced_properties == {"context.hour", "session.deposit_amount"}


def test_generated_ids_do_not_collide_with_given_ones() -> None:
    tiers = [
        {"rewards": [reward()]},
        {"id": "tier-1", "rewards": [reward()]},
        {"rewards": [reward()]},
        {"id": "tier-4", "rewards": [reward()]},
        {"id": None, "rewards": [reward()]},
    ]
    assert [tier["id"] for tier in compiled(tiers).normalized] == [
        "tier-2",
        "tier-1",
        "tier-3",
        "tier-4",
        "tier-5",
    ]


def test_explain_traces_every_tier_tried_until_the_match() -> None:
    rules = compiled()
    ctx = {"session.deposit_amount": Decimal("50"), "customer.vip_level": "silver"}
    match, trace = rules.explain(ctx)
    assert match == TierMatch("tier-3", None, 2, [RewardValue("free_spins", Decimal(0))])
    assert trace == [
        {
            "tier_id": "high",
            "matched": False,
            "failed_leaf": {
                "path": ["tiers", 0, "condition", "all", 0],
                "property": "session.deposit_amount",
                "op": "gte",
                "expected": "100",
                "actual": "50",
                "negated": False,
            },
        },
        {
            "tier_id": "tier-2",
            "matched": False,
            "failed_leaf": {
                "path": ["tiers", 1, "condition"],
                "property": "customer.vip_level",
                "op": "eq",
                "expected": "gold",
                "actual": "silver",
                "negated": False,
            },
        },
        {"tier_id": "tier-3", "matched": True, "failed_leaf": None},
    ]
    match, trace = rules.explain({"session.deposit_amount": 100, "customer.country": "PT"})
    assert match is not None and match.tier_id == "high"
    assert trace == [{"tier_id": "high", "matched": True, "failed_leaf": None}]


def test_explain_without_match() -> None:
    match, trace = compiled(SPEC_TIERS[1:2]).explain({})
    assert match is None
    assert trace[0]["failed_leaf"]["actual"] is None


class BrokenZone(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta:
        raise RuntimeError("broken tzinfo")

    def dst(self, dt: datetime | None) -> timedelta:
        raise RuntimeError("broken tzinfo")

    def tzname(self, dt: datetime | None) -> str:
        raise RuntimeError("broken tzinfo")


def test_exotic_context_objects_fall_back_to_the_interpreter() -> None:
    rules = compiled(
        [
            {
                "id": "late",
                "condition": {"property": "session.at", "op": "gt", "value": "2026-01-01T00:00Z"},
                "rewards": [reward()],
            },
            {"id": "any", "rewards": [reward()]},
        ]
    )
    ok = {"session.at": datetime(2026, 6, 1, tzinfo=UTC)}
    assert rules.evaluate(ok).tier_id == "late"
    broken = {"session.at": datetime(2026, 6, 1, tzinfo=BrokenZone())}
    with pytest.raises(RuntimeError):
        rules._select(broken)  # the generated code itself does raise here…
    assert rules.evaluate(broken).tier_id == "any"  # …but evaluate never does
    match, trace = rules.explain(broken)
    assert match is not None and match.tier_id == "any"
    assert trace[0]["matched"] is False


# ---- validation ----------------------------------------------------------------------


def test_tiers_must_be_a_list_of_objects() -> None:
    assert issues({"id": "x"}) == [(("tiers",), "invalid_type")]
    assert issues("tiers") == [(("tiers",), "invalid_type")]
    assert issues([["x"]]) == [(("tiers", 0), "invalid_type")]
    assert issues([{"rewards": [reward()]}] * (MAX_TIERS + 1)) == [(("tiers",), "too_many")]


def test_tier_fields() -> None:
    assert issues([{"rewards": [reward()], "colour": "red"}]) == [
        (("tiers", 0, "colour"), "unknown_field")
    ]
    assert issues([{"name": 3, "rewards": [reward()]}]) == [(("tiers", 0, "name"), "invalid_type")]
    assert issues([{"name": "n" * 201, "rewards": [reward()]}]) == [
        (("tiers", 0, "name"), "invalid_value")
    ]


def test_tier_ids() -> None:
    tiers = [
        {"id": "a", "rewards": [reward()]},
        {"id": "b", "rewards": [reward()]},
        {"id": "a", "rewards": [reward()]},
        {"id": "bad id!", "rewards": [reward()]},
        {"id": 7, "rewards": [reward()]},
        {"id": "", "rewards": [reward()]},
    ]
    assert issues(tiers) == [
        (("tiers", 2, "id"), "duplicate_id"),
        (("tiers", 3, "id"), "invalid_id"),
        (("tiers", 4, "id"), "invalid_type"),
        (("tiers", 5, "id"), "invalid_id"),
    ]


def test_rewards_are_required_and_checked() -> None:
    assert issues([{}]) == [(("tiers", 0, "rewards"), "missing")]
    assert issues([{"rewards": []}]) == [(("tiers", 0, "rewards"), "invalid_value")]
    assert issues([{"rewards": {"free_spins": 1}}]) == [(("tiers", 0, "rewards"), "invalid_type")]
    assert issues([{"rewards": [reward()] * (MAX_REWARDS_PER_TIER + 1)}]) == [
        (("tiers", 0, "rewards"), "too_many")
    ]
    tiers = [
        {
            "rewards": [
                reward("coins"),
                "free_spins",
                {"value": {"fixed": "1"}},
                {"reward_type": "eur_bonus"},
                {"reward_type": 5, "value": {"fixed": "1"}},
                reward("free_spins"),
                reward("free_spins"),
                {"reward_type": "coins", "value": {"fixed": "1"}, "extra": 1},
            ]
        }
    ]
    at = ("tiers", 0, "rewards")
    assert issues(tiers) == [
        ((*at, 0, "reward_type"), "unknown_reward_type"),
        ((*at, 1), "invalid_type"),
        ((*at, 2, "reward_type"), "missing"),
        ((*at, 3, "value"), "missing"),
        ((*at, 4, "reward_type"), "invalid_type"),
        ((*at, 6, "reward_type"), "duplicate_reward_type"),
        ((*at, 7, "extra"), "unknown_field"),
        ((*at, 7, "reward_type"), "unknown_reward_type"),
    ]


def test_every_problem_of_every_tier_is_reported_with_its_path() -> None:
    tiers = [
        {
            "id": "ok",
            "condition": {"all": [{"property": "customer.country", "op": "eq", "value": "DE"}]},
            "rewards": [reward()],
        },
        {
            "condition": {
                "all": [
                    {"property": "session.deposit_amount", "op": "gte", "value": "100"},
                    {"property": "session.deposit_amount", "op": "gte", "value": "lots"},
                ]
            },
            "rewards": [
                reward("free_spins"),
                reward("eur_bonus", {"percent": "10", "of": "customer.country"}),
            ],
        },
        {
            "id": "ok",
            "condition": {"property": "customer.shoe_size", "op": "eq", "value": "42"},
            "rewards": [reward("eur_bonus", {"fixed": "1.001"})],
        },
    ]
    assert issues(tiers) == [
        (("tiers", 2, "id"), "duplicate_id"),
        (("tiers", 1, "condition", "all", 1, "value"), "invalid_value"),
        (("tiers", 1, "rewards", 1, "value", "of"), "invalid_formula"),
        (("tiers", 2, "condition", "property"), "unknown_property"),
        (("tiers", 2, "rewards", 0, "value", "fixed"), "invalid_value"),
    ]


def test_mutating_normalized_does_not_change_the_compiled_rules() -> None:
    rules = compiled(SPEC_TIERS[1:2])
    rules.normalized[0]["condition"]["value"] = "silver"
    rules.normalized[0]["id"] = "changed"
    ctx = {"customer.vip_level": "gold"}
    assert rules.evaluate(ctx) == rules.explain(ctx)[0]
    assert rules.explain(ctx)[1] == [{"tier_id": "tier-1", "matched": True, "failed_leaf": None}]
