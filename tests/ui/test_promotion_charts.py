"""The promotion page's chart series (pure: no database, no clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpromo.ledger.schemas import BudgetStats, CapStats, DailyStats, PromotionStats
from openpromo.ui.promotion_charts import (
    RewardLabel,
    burn_sentence,
    chart_data,
    level,
    use_over_time,
    valid_until_date,
)

TODAY = date(2026, 12, 3)  # a Thursday
EUR = RewardLabel("eur_bonus", "EUR bonus", "EUR", 2)
SPINS = RewardLabel("spins", "Free spins", "Free spins", 0)
LABELS = {"eur_bonus": EUR, "spins": SPINS}
START = datetime(2026, 1, 1, tzinfo=UTC)


def day(
    offset: int, grants: int, eur: str | None = None, customers: int = 0, new: int = 0
) -> DailyStats:
    return DailyStats(
        date=TODAY - timedelta(days=offset),
        grants_count=grants,
        rewards_total={"eur_bonus": eur} if eur else {},
        customers_count=customers,
        new_customers_count=new,
    )


def stats(
    daily: list[DailyStats],
    budgets: list[BudgetStats] | None = None,
    caps: list[CapStats] | None = None,
) -> PromotionStats:
    return PromotionStats(
        grants_count=sum(d.grants_count for d in daily),
        customers_count=sum(d.new_customers_count for d in daily),
        rewards_total={},
        by_tier=[],
        audience_caps=caps or [],
        reward_budgets=budgets or [],
        daily=daily,
    )


def budget(window: str, limit: str, used: str) -> BudgetStats:
    return BudgetStats(
        reward_type="eur_bonus", window=window, limit=limit, used=used, window_start=START
    )


def test_empty_promotion_has_14_zero_days_and_says_so() -> None:
    data = chart_data(stats([]), budgets={}, labels=LABELS, today=TODAY)
    assert data["empty"] is True
    assert len(data["days"]) == 14
    assert data["days"][-1] == "2026-12-03"
    assert data["labels"][-1] == "3 Dec 2026"
    assert data["grants"] == [0] * 14
    assert data["rewards"] == [] and data["limits"] == []


def test_days_are_filled_and_rewards_are_decimal_strings_per_reward_type() -> None:
    data = chart_data(
        stats([day(20, 2, "10.50"), day(0, 1, "0.25")]),
        budgets={},
        labels=LABELS,
        today=TODAY,
    )
    assert len(data["days"]) == 21 and data["days"][0] == "2026-11-13"
    assert data["grants"][0] == 2 and data["grants"][-1] == 1 and sum(data["grants"]) == 3
    [eur] = data["rewards"]
    assert (eur["label"], eur["unit"]) == ("EUR bonus", "EUR")
    assert eur["values"][0] == "10.50" and eur["values"][-1] == "0.25"
    assert eur["total"] == "10.75"
    assert data["empty"] is False


def test_lifetime_use_is_cumulative_and_ends_at_the_counter() -> None:
    days = [TODAY - timedelta(days=i) for i in (3, 2, 1, 0)]
    per_day = [Decimal("10"), Decimal("0"), Decimal("5.5"), Decimal("2")]
    # 100 was used before the days shown: the line starts above zero and ends at the counter.
    use = use_over_time("lifetime", per_day, days, used_now=Decimal("117.5"))
    assert use == [Decimal("110"), Decimal("110"), Decimal("115.5"), Decimal("117.5")]


def test_calendar_windows_restart_at_the_window_start() -> None:
    # Sat 28 Nov … Thu 3 Dec 2026, 1 per day; weeks start on Monday 30 Nov.
    days = [date(2026, 11, 28) + timedelta(days=i) for i in range(6)]
    ones = [Decimal(1)] * 6
    week = use_over_time("week", ones, days, used_now=Decimal(4))
    assert week == [Decimal(v) for v in (1, 2, 1, 2, 3, 4)]
    sunday_weeks = use_over_time("week", ones, days, used_now=Decimal(5), week_start="sunday")
    assert sunday_weeks == [Decimal(v) for v in (1, 1, 2, 3, 4, 5)]
    month = use_over_time("month", ones, days, used_now=Decimal(3))
    assert month == [Decimal(v) for v in (1, 2, 3, 1, 2, 3)]
    assert use_over_time("day", ones, days, used_now=Decimal(1)) == ones
    rolling = use_over_time("rolling_7d", ones, days, used_now=Decimal(6))
    assert rolling == [Decimal(v) for v in (1, 2, 3, 4, 5, 6)]


def test_burn_rate_date_for_a_lifetime_budget() -> None:
    # 7 days at 100 EUR: 700 used of 5,000; 4,300 left at 100 a day lasts 43 days.
    daily = [day(i, 1, "100.00") for i in range(7)]
    data = chart_data(
        stats(daily, budgets=[budget("lifetime", "5000.00", "700.00")]),
        budgets={"alert_thresholds": [0.8, 1.0]},
        labels=LABELS,
        today=TODAY,
    )
    [entry] = data["limits"]
    assert entry["burn"] == (
        "At the last 7 days' rate (100.00 EUR per day) the lifetime budget of 5,000.00 EUR "
        "lasts until 15 Jan 2027."
    )
    assert entry["use"][-7:] == [f"{100 * i}.00" for i in range(1, 8)]
    assert (entry["percent"], entry["level"]) == ("14.0", "ok")


def test_burn_rate_against_the_validity_end_and_no_use() -> None:
    common: dict[str, Any] = {
        "window": "lifetime",
        "what": "budget",
        "limit": Decimal(5000),
        "used": Decimal(700),
        "today": TODAY,
        "decimals": 0,
        "unit": "EUR",
    }
    assert burn_sentence(rate=Decimal(100), valid_until=date(2026, 12, 31), **common) == (
        "At the last 7 days' rate (100 EUR per day) the lifetime budget of 5,000 EUR will not "
        "run out before the promotion's validity ends (31 Dec 2026)."
    )
    # Running out before the validity ends still gives the date.
    assert burn_sentence(rate=Decimal(1000), valid_until=date(2026, 12, 31), **common) == (
        "At the last 7 days' rate (1,000 EUR per day) the lifetime budget of 5,000 EUR lasts "
        "until 7 Dec 2026."
    )
    assert burn_sentence(rate=Decimal(0), **common) == (
        "At the last 7 days' rate (0 EUR per day) the lifetime budget of 5,000 EUR will not "
        "run out."
    )


def test_exhausted_budget_is_red_and_says_so() -> None:
    data = chart_data(
        stats([day(0, 3, "50.00")], budgets=[budget("lifetime", "50.00", "50.00")]),
        budgets={"alert_thresholds": [0.8]},
        labels=LABELS,
        today=TODAY,
    )
    [entry] = data["limits"]
    assert entry["burn"] == "The lifetime budget of 50.00 EUR is exhausted."
    assert (entry["percent"], entry["level"]) == ("100.0", "bad")


def test_calendar_budget_burn_rate() -> None:
    common: dict[str, Any] = {
        "what": "budget",
        "limit": Decimal(1000),
        "today": TODAY,
        "decimals": 0,
        "unit": "EUR",
    }
    # 3 Dec: 900 left at 100 a day lasts to 12 Dec, before the month ends.
    assert burn_sentence(window="month", used=Decimal(100), rate=Decimal(100), **common) == (
        "At the last 7 days' rate (100 EUR per day) the monthly budget of 1,000 EUR lasts "
        "until 12 Dec 2026."
    )
    assert burn_sentence(window="month", used=Decimal(100), rate=Decimal(10), **common) == (
        "At the last 7 days' rate (10 EUR per day) the monthly budget of 1,000 EUR lasts the "
        "rest of the month."
    )
    assert burn_sentence(window="week", used=Decimal(1000), rate=Decimal(10), **common) == (
        "The weekly budget of 1,000 EUR is exhausted this week."
    )


def test_threshold_levels() -> None:
    assert level(Decimal("0.79"), [0.8, 1.0]) == "ok"
    assert level(Decimal("0.8"), [0.8, 1.0]) == "warn"
    assert level(Decimal("0.999"), [1.0, 0.5]) == "warn"
    assert level(Decimal("1"), [0.8]) == "bad"
    assert level(Decimal("0.95"), []) == "ok"
    assert level(Decimal("1.2"), []) == "bad"


def test_audience_caps_lifetime_cumulative_day_exact_week_current_only() -> None:
    daily = [day(2, 4, customers=3, new=3), day(1, 2, customers=2, new=1), day(0, 1, customers=1)]
    caps = [
        CapStats(window="lifetime", limit=10, used=4, window_start=START),
        CapStats(window="day", limit=2, used=1, window_start=START),
        CapStats(window="week", limit=5, used=4, window_start=START),
    ]
    data = chart_data(
        stats(daily, caps=caps), budgets={"alert_thresholds": [0.5]}, labels=LABELS, today=TODAY
    )
    lifetime, daily_cap, week = data["limits"]
    assert lifetime["use"][-3:] == ["3", "4", "4"]
    # 4 new customers in 7 days; 6 places left at 4/7 a day last 10 days.
    assert lifetime["burn"] == (
        "At the last 7 days' rate (0.6 customers per day) the lifetime audience cap of 10 "
        "customers lasts until 13 Dec 2026."
    )
    assert daily_cap["use"][-3:] == ["3", "2", "1"]
    assert (week["use"], week["used"], week["level"]) == (None, "4", "warn")
    assert data["customers"][-3:] == [3, 2, 1]


def test_validity_end_is_the_latest_or_open() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 1 Jan 2027 in Berlin
    assert valid_until_date([late, START], berlin) == date(2027, 1, 1)
    assert valid_until_date([late, None], berlin) is None
    assert valid_until_date([], berlin) is None
