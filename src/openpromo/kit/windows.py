"""Budget windows (SPEC §5): calendar windows in the tenant's timezone, lifetime, rolling.

Calendar windows (``day``, ``week``, ``month``) start at local midnight in the tenant's
timezone, so a day is 23 or 25 hours long on a DST change day, and a week starts on the
tenant's ``week_start``. ``lifetime`` is one window starting at a fixed epoch. Rolling
windows (``rolling_24h``, ``rolling_7d``, ``rolling_30d``) have no fixed start: they cover
``(now - duration, now]`` and are summed from the grants ledger, not kept in counters.

Pure: the time is passed in, every returned datetime is timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final, Literal, get_args

Window = Literal["day", "week", "month", "lifetime", "rolling_24h", "rolling_7d", "rolling_30d"]
WINDOWS: Final[tuple[str, ...]] = get_args(Window)
CALENDAR_WINDOWS: Final = frozenset({"day", "week", "month"})
ROLLING_DURATIONS: Final[dict[str, timedelta]] = {
    "rolling_24h": timedelta(hours=24),
    "rolling_7d": timedelta(days=7),
    "rolling_30d": timedelta(days=30),
}
WEEKDAYS: Final[tuple[str, ...]] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
# The start of the single ``lifetime`` window.
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def is_rolling(window: str) -> bool:
    return window in ROLLING_DURATIONS


def _local_midnight(day: date, tz: tzinfo) -> datetime:
    """The first instant of ``day`` in ``tz``, in UTC.

    ``fold=0`` on a skipped midnight (zones that change at 00:00) gives the offset in force
    before the jump, which is the first instant that exists on that local date.
    """
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def _calendar_start_date(window: str, local_day: date, week_start: str) -> date:
    if window == "day":
        return local_day
    if window == "week":
        first = WEEKDAYS.index(week_start)
        return local_day - timedelta(days=(local_day.weekday() - first) % 7)
    if window == "month":
        return local_day.replace(day=1)
    raise ValueError(f"not a calendar window: {window!r}")


def window_start(
    window: str, now_utc: datetime, tz: tzinfo, week_start: str = "monday"
) -> datetime:
    """Start (UTC) of the window containing ``now_utc``.

    Calendar windows start at local midnight; ``lifetime`` at ``EPOCH``; rolling windows at
    ``now - duration`` (exclusive bound of ``(now - duration, now]``).
    """
    if now_utc.tzinfo is None:
        raise ValueError("now_utc must be timezone-aware")
    if window == "lifetime":
        return EPOCH
    if window in ROLLING_DURATIONS:
        return now_utc.astimezone(UTC) - ROLLING_DURATIONS[window]
    local_day = now_utc.astimezone(tz).date()
    return _local_midnight(_calendar_start_date(window, local_day, week_start), tz)


def window_end(window: str, start_utc: datetime, tz: tzinfo) -> datetime | None:
    """Exclusive end (UTC) of the calendar window that starts at ``start_utc``.

    ``None`` for ``lifetime`` (never ends); rolling windows have no fixed end (``ValueError``).
    """
    if window == "lifetime":
        return None
    if window in ROLLING_DURATIONS:
        raise ValueError("a rolling window has no fixed end")
    first = start_utc.astimezone(tz).date()
    if window == "day":
        nxt = first + timedelta(days=1)
    elif window == "week":
        nxt = first + timedelta(days=7)
    elif window == "month":
        nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        raise ValueError(f"unknown window {window!r}")
    return _local_midnight(nxt, tz)


def local_date(now_utc: datetime, tz: tzinfo) -> date:
    return now_utc.astimezone(tz).date()
