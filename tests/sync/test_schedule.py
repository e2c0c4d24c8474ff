"""Daily schedule computation across DST changes (pure)."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from openpromo.sync.schedule import next_daily_run, parse_hhmm


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "at", "zone", "expected"),
    [
        # An ordinary day: 03:00 Paris in winter is 02:00 UTC, in summer 01:00 UTC.
        (utc(2026, 1, 10, 12, 0), "03:00", "Europe/Paris", utc(2026, 1, 11, 2, 0)),
        (utc(2026, 7, 10, 0, 30), "03:00", "Europe/Paris", utc(2026, 7, 10, 1, 0)),
        # Exactly at the occurrence: the next one is tomorrow.
        (utc(2026, 7, 10, 1, 0), "03:00", "Europe/Paris", utc(2026, 7, 11, 1, 0)),
        # Spring forward, Paris 2026-03-29: 02:00 → 03:00. 02:30 does not exist: it runs at
        # the first valid instant after it, 03:00 CEST = 01:00 UTC.
        (utc(2026, 3, 28, 12, 0), "02:30", "Europe/Paris", utc(2026, 3, 29, 1, 0)),
        (utc(2026, 3, 29, 1, 0), "02:30", "Europe/Paris", utc(2026, 3, 30, 0, 30)),
        # 03:00 exists on that day (it is the first instant after the gap).
        (utc(2026, 3, 28, 12, 0), "03:00", "Europe/Paris", utc(2026, 3, 29, 1, 0)),
        # The day before and after keep their own offsets.
        (utc(2026, 3, 27, 12, 0), "02:30", "Europe/Paris", utc(2026, 3, 28, 1, 30)),
        # Fall back, Paris 2026-10-25: 03:00 → 02:00. 02:30 happens twice: run once, at the
        # first occurrence (02:30 CEST = 00:30 UTC)…
        (utc(2026, 10, 24, 12, 0), "02:30", "Europe/Paris", utc(2026, 10, 25, 0, 30)),
        # …and not again at the second (01:30 UTC): next is the following day.
        (utc(2026, 10, 25, 0, 30), "02:30", "Europe/Paris", utc(2026, 10, 26, 1, 30)),
        # New York, spring forward 2026-03-08 02:00 → 03:00.
        (utc(2026, 3, 7, 12, 0), "02:15", "America/New_York", utc(2026, 3, 8, 7, 0)),
        (utc(2026, 3, 8, 7, 0), "02:15", "America/New_York", utc(2026, 3, 9, 6, 15)),
        # New York, fall back 2026-11-01 02:00 → 01:00: 01:30 EDT (05:30 UTC) only.
        (utc(2026, 10, 31, 12, 0), "01:30", "America/New_York", utc(2026, 11, 1, 5, 30)),
        (utc(2026, 11, 1, 5, 30), "01:30", "America/New_York", utc(2026, 11, 2, 6, 30)),
        (utc(2026, 11, 1, 6, 0), "01:30", "America/New_York", utc(2026, 11, 2, 6, 30)),
        # Late local time whose UTC instant is the next UTC day.
        (utc(2026, 1, 10, 12, 0), "23:30", "America/New_York", utc(2026, 1, 11, 4, 30)),
        # A time zone ahead of UTC: the local day starts the previous UTC day.
        (utc(2026, 1, 10, 23, 0), "08:00", "Asia/Tokyo", utc(2026, 1, 11, 23, 0)),
        (utc(2026, 1, 10, 22, 0), "08:00", "Asia/Tokyo", utc(2026, 1, 10, 23, 0)),
    ],
)
def test_next_daily_run(now: datetime, at: str, zone: str, expected: datetime) -> None:
    assert next_daily_run(now, at, zone) == expected


def test_every_day_of_a_dst_year_runs_exactly_once() -> None:
    """Chaining runs through a year in Paris: one run per local day, never two, never none."""
    paris = ZoneInfo("Europe/Paris")
    now = utc(2026, 1, 1, 0, 0)
    local_days = []
    for _ in range(365):
        now = next_daily_run(now, "02:30", "Europe/Paris")
        local_days.append(now.astimezone(paris).date())
    assert len(set(local_days)) == 365
    assert all((b - a).days == 1 for a, b in pairwise(local_days))


@pytest.mark.parametrize("bad", ["24:00", "3:00", "03:60", "0300", "", "03:00:00"])
def test_parse_hhmm_refuses_bad_times(bad: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_hhmm(bad)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_daily_run(datetime(2026, 1, 1), "03:00", "UTC")
