from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from openpromo.kit.windows import EPOCH, window_end, window_start

PARIS = ZoneInfo("Europe/Paris")
NY = ZoneInfo("America/New_York")


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_day_starts_at_local_midnight() -> None:
    # 2026-06-10 22:30 UTC is already 00:30 on the 11th in Paris (UTC+2).
    assert window_start("day", utc(2026, 6, 10, 22, 30), PARIS) == utc(2026, 6, 10, 22, 0)
    # One second before local midnight is still the 10th.
    assert window_start("day", utc(2026, 6, 10, 21, 59, 59), PARIS) == utc(2026, 6, 9, 22, 0)
    assert window_start("day", utc(2026, 6, 10, 22, 0), PARIS) == utc(2026, 6, 10, 22, 0)


def test_dst_days_are_23_and_25_hours() -> None:
    spring = window_start("day", utc(2026, 3, 29, 12), PARIS)
    assert spring == utc(2026, 3, 28, 23)
    assert window_end("day", spring, PARIS) == spring + timedelta(hours=23)
    autumn = window_start("day", utc(2026, 10, 25, 12), PARIS)
    assert autumn == utc(2026, 10, 24, 22)
    assert window_end("day", autumn, PARIS) == autumn + timedelta(hours=25)
    # New York, just after the spring-forward (02:00 → 03:00 local on 2026-03-08).
    start = window_start("day", utc(2026, 3, 8, 7, 30), NY)
    assert start == utc(2026, 3, 8, 5)


@pytest.mark.parametrize(
    ("week_start", "expected"),
    [("monday", utc(2026, 11, 22, 23)), ("sunday", utc(2026, 11, 21, 23))],
)
def test_week_start(week_start: str, expected: datetime) -> None:
    # Wednesday 2026-11-25 10:00 UTC in Paris (UTC+1).
    assert window_start("week", utc(2026, 11, 25, 10), PARIS, week_start) == expected
    assert window_end("week", expected, PARIS) == expected + timedelta(days=7)


def test_week_boundary_on_the_start_day() -> None:
    # Sunday 2026-11-29 00:00 Paris = 2026-11-28 23:00 UTC starts a sunday week.
    assert window_start("week", utc(2026, 11, 28, 23), PARIS, "sunday") == utc(2026, 11, 28, 23)
    assert window_start("week", utc(2026, 11, 28, 22, 59), PARIS, "sunday") == utc(2026, 11, 21, 23)


def test_month_and_month_end() -> None:
    start = window_start("month", utc(2026, 1, 31, 23, 30), PARIS)  # Feb 1st 00:30 in Paris
    assert start == utc(2026, 1, 31, 23)
    assert window_end("month", start, PARIS) == utc(2026, 2, 28, 23)
    dec = window_start("month", utc(2026, 12, 31, 12), PARIS)
    assert window_end("month", dec, PARIS) == utc(2026, 12, 31, 23)
    # A month containing the autumn DST change.
    octo = window_start("month", utc(2026, 10, 15), PARIS)
    assert octo == utc(2026, 9, 30, 22)
    assert window_end("month", octo, PARIS) == utc(2026, 10, 31, 23)


def test_lifetime_and_rolling() -> None:
    now = utc(2026, 5, 5, 5)
    assert window_start("lifetime", now, PARIS) == EPOCH
    assert window_end("lifetime", EPOCH, PARIS) is None
    assert window_start("rolling_24h", now, PARIS) == now - timedelta(hours=24)
    assert window_start("rolling_7d", now, PARIS) == now - timedelta(days=7)
    assert window_start("rolling_30d", now, PARIS) == now - timedelta(days=30)
    with pytest.raises(ValueError):
        window_end("rolling_7d", now, PARIS)
    with pytest.raises(ValueError):
        window_start("day", datetime(2026, 1, 1), PARIS)  # naive
