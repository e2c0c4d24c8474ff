"""The pure planner: no database."""

from __future__ import annotations

from datetime import UTC, datetime

from openpromo.validation.planner import (
    AudienceCapSpec,
    Candidate,
    CustomerLimit,
    Limits,
    LimitState,
    RewardBudgetSpec,
    budget_key,
    cap_key,
    customer_value_key,
    plan,
    selection_order,
)

DAY = datetime(2026, 1, 1, tzinfo=UTC)


def limits(**kwargs: object) -> Limits:
    base: dict[str, object] = {
        "promotion_id": "p",
        "promocode_id": None,
        "once_per_customer": False,
        "max_redemptions": None,
        "redemptions_count": 0,
        "customer_limits": {},
        "audience_caps": [],
        "reward_budgets": [],
    }
    base.update(kwargs)
    return Limits(**base)  # type: ignore[arg-type]


def test_selection_random_is_seeded_and_attribute_puts_absent_last() -> None:
    cands = [Candidate(i, f"c{i}", [("x", 1)], sort_value=v) for i, v in enumerate([3, None, 7, 3])]
    a = [c.index for c in selection_order(cands, "random", b"seed", True)]
    assert a == [c.index for c in selection_order(cands, "random", b"seed", True)]
    assert sorted(a) == [0, 1, 2, 3]
    assert [c.index for c in selection_order(cands, "attribute", b"", True)] == [2, 0, 3, 1]
    assert [c.index for c in selection_order(cands, "attribute", b"", False)] == [0, 3, 2, 1]


def test_budget_truncate_and_per_customer_truncation_fill_consumptions() -> None:
    lim = limits(
        customer_limits={"eur": [CustomerLimit("day", DAY, 1500, None)]},
        reward_budgets=[RewardBudgetSpec("eur", "lifetime", DAY, 2500, "truncate")],
    )
    state = LimitState(used={(customer_value_key("p", "eur", "day", "a"), DAY): 1000})
    out = plan(
        [
            Candidate(0, "a", [("eur", 1000)]),
            Candidate(1, "b", [("eur", 1000)]),
            Candidate(2, "c", [("eur", 1000)]),
            Candidate(3, "d", [("eur", 1000)]),
        ],
        lim,
        state,
    )
    assert [o.granted[0].value if o.granted else 0 for o in out.outcomes.values()] == [
        500,
        1000,
        1000,
        0,
    ]
    assert out.deltas[(budget_key("p", "eur", "lifetime"), DAY)] == (2500, 2500)
    assert out.deltas[(customer_value_key("p", "eur", "day", "a"), DAY)] == (500, 1500)
    assert out.outcomes[3].reasons[0].code == "budget_exhausted"


def test_cap_counts_each_customer_once_and_members_do_not_need_room() -> None:
    lim = limits(audience_caps=[AudienceCapSpec("day", DAY, 2)])
    counter = (cap_key("p", "day"), DAY)
    state = LimitState(used={counter: 2}, members={counter: {"a", "b"}})
    out = plan(
        [
            Candidate(0, "a", [("x", 1)]),
            Candidate(1, "c", [("x", 1)]),
            Candidate(2, "b", [("x", 1)]),
        ],
        lim,
        state,
    )
    assert [bool(o.granted) for o in out.outcomes.values()] == [True, False, True]
    assert counter not in out.deltas
