"""The promotion page's Setup tab: tiers and limits in words (pure)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from openpromo.models import Promotion
from openpromo.ui.promotion_charts import RewardLabel
from openpromo.ui.promotions import describe_condition, setup_summary

LABELS = {
    "eur": RewardLabel("eur", "Bonus money", "EUR", 2),
    "spins": RewardLabel("spins", "Free spins", "Free spins", 0),
}


def test_conditions_in_words() -> None:
    assert describe_condition(None) == "always"
    assert describe_condition({"all": []}) == "always"
    assert (
        describe_condition(
            {
                "all": [
                    {"property": "session.deposit", "op": "gte", "value": "100"},
                    {
                        "any": [
                            {"property": "customer.country", "op": "in", "value": ["DE", "AT"]},
                            {"not": {"property": "customer.vip", "op": "exists"}},
                        ]
                    },
                ]
            }
        )
        == "session.deposit ≥ 100 and (customer.country is one of DE, AT or not (customer.vip "
        "is set))"
    )


def test_setup_summary_of_tiers_and_limits() -> None:
    promotion = Promotion(
        tiers=[
            {
                "id": "high",
                "name": "High",
                "condition": {"property": "session.deposit", "op": "gte", "value": "100"},
                "rewards": [
                    {
                        "reward_type": "eur",
                        "value": {"percent": "10", "of": "session.deposit", "max": "50"},
                    },
                    {"reward_type": "spins", "value": {"fixed": "20"}},
                ],
            }
        ],
        reward_constraints={
            "eur": {
                "per_customer": [{"window": "rolling_7d", "max_grants": 3}],
                "valid_until": "2027-03-31T21:59:00+00:00",
            }
        },
        budgets={
            "audience_caps": [{"window": "day", "limit": 1000}],
            "reward_budgets": [
                {
                    "reward_type": "eur",
                    "window": "lifetime",
                    "limit": "5000",
                    "on_exceed": "truncate",
                }
            ],
            "alert_thresholds": [0.8, 1.0],
        },
    )
    summary = setup_summary(promotion, LABELS, ZoneInfo("Europe/Berlin"))
    [tier] = summary["tiers"]
    assert tier["condition"] == "session.deposit ≥ 100"
    assert tier["rewards"] == [
        "10 % of session.deposit as Bonus money (at most 50)",
        "20 Free spins",
    ]
    assert summary["limits"] == [
        "Bonus money: at most 3 grants per customer in any 7 days",
        "Bonus money: valid from the start until 31 Mar 2027 23:59 (Europe/Berlin)",
        "At most 1,000 customers per day",
        "Bonus money budget of 5,000.00 EUR lifetime; past it rewards are cut to what is left",
        "Budget bars turn amber from 80 % (alerts at 80 %, 100 %)",
    ]
