"""Daily schedule computation: the next occurrence of a wall-clock time in a time zone.

Pure (no I/O, no clock: ``now`` is passed in). Daylight-saving rules:

* a local time that does not exist that day (02:30 on a spring-forward day in Europe/Paris)
  runs at the first valid instant after it — the moment the clocks jump (03:00 local);
* a local time that happens twice (01:30 on a fall-back day in America/New_York) runs once,
  at its first occurrence.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_HHMM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


def parse_hhmm(value: str) -> time:
    """``"HH:MM"`` (24-hour) → ``time``; ``ValueError`` otherwise."""
    match = _HHMM.match(value)
    if match is None:
        raise ValueError(f"'{value}' is not a time of day in the form HH:MM (00:00-23:59)")
    return time(int(match.group(1)), int(match.group(2)))


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone, fold=0)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def occurrence(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant at which ``at`` local happens on ``day`` (see the DST rules above)."""
    naive = datetime.combine(day, at)
    probe = naive
    # Gaps are at most a day long (Samoa 2011); step the wall clock until it exists again.
    for _ in range(24 * 60 + 1):
        if _exists(probe, zone):
            return probe.replace(tzinfo=zone, fold=0).astimezone(UTC)
        probe = (probe + timedelta(minutes=1)).replace(second=0, microsecond=0)
    raise ValueError(f"no valid local time after {naive} in {zone.key}")  # pragma: no cover


def next_daily_run(now: datetime, at: time | str, timezone: str) -> datetime:
    """The first occurrence of ``at`` (local time in ``timezone``) strictly after ``now`` (UTC)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    wall = parse_hhmm(at) if isinstance(at, str) else at
    zone = ZoneInfo(timezone)
    local_day = now.astimezone(zone).date()
    for offset in range(-1, 3):
        candidate = occurrence(local_day + timedelta(days=offset), wall, zone)
        if candidate > now:
            return candidate
    raise AssertionError("unreachable: a daily time occurs within two days")  # pragma: no cover
