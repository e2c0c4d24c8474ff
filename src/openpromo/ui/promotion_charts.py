"""The promotion page's chart series, computed from the promotion's stats — pure, no I/O.

Everything here works on ``Decimal`` and ``int``; the page receives the series as JSON with
money as decimal strings, and ``static/charts.js`` only draws them (it turns the strings
into numbers for the canvas, nowhere else).

Series per day run from the first day with a grant (at most 90 days back, like the stats)
to today in the tenant's timezone, at least 14 days, days without grants as zeros.

Use over time against a limit:

- ``lifetime``: the running total. The stats' daily series covers 90 days, so the line starts
  at what was used before (the current use minus the days shown): its last point is exactly
  the counter the engine enforces.
- calendar windows (``day``, ``week``, ``month``): the running use within each window, which
  falls back to zero when a new window starts; a reward budget's is exact (values add up).
  An audience cap counts distinct customers per window: the day's distinct customers give
  a ``day`` cap's use exactly; for ``week`` and ``month`` caps the per-day counts cannot be
  added up (a customer on two days of one week counts once), so only the current window's
  use is shown, as a number.
- rolling windows: the trailing sum over the window's whole days (24 h → the day itself),
  which approximates the rolling use at day resolution; audience caps again only the
  current use.

Burn rate: the average use per day over the last 7 days (today included), and from it the
date a lifetime or calendar budget runs out, compared with the end of the promotion's
validity (its reward constraints' ``valid_until``) or of the current window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from openpromo.ledger.schemas import DailyStats, PromotionStats

MIN_DAYS = 14
RATE_DAYS = 7
_ROLLING_DAYS = {"rolling_24h": 1, "rolling_7d": 7, "rolling_30d": 30}
_CALENDAR = ("day", "week", "month")
_WINDOW_WORDS = {
    "lifetime": "lifetime",
    "day": "daily",
    "week": "weekly",
    "month": "monthly",
    "rolling_24h": "rolling 24-hour",
    "rolling_7d": "rolling 7-day",
    "rolling_30d": "rolling 30-day",
}
_THIS_WINDOW = {"day": "today", "week": "this week", "month": "this month"}
_REST_OF = {
    "day": "the rest of the day",
    "week": "the rest of the week",
    "month": "the rest of the month",
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class RewardLabel:
    """How a reward type reads on the page: its display name and the unit of its amounts
    (the currency for money, else the display name)."""

    key: str
    name: str
    unit: str
    decimals: int


def show_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def show_amount(value: Decimal, decimals: int) -> str:
    """``5000`` → ``5,000``; ``1234.5`` with 2 decimals → ``1,234.50`` (rounded half up)."""
    quantum = Decimal(1).scaleb(-decimals)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,}"


def level(share: Decimal, thresholds: Sequence[Any]) -> str:
    """The colour of a bar: ``bad`` at 100 %, ``warn`` from the first alert threshold below
    100 %, else ``ok``."""
    if share >= 1:
        return "bad"
    firsts = sorted(Decimal(str(t)) for t in thresholds if Decimal(str(t)) < 1)
    if firsts and share >= firsts[0]:
        return "warn"
    return "ok"


def share_of(used: Decimal, limit: Decimal) -> Decimal:
    return used / limit if limit > 0 else Decimal(0)


def days_range(daily: Sequence[DailyStats], today: date) -> list[date]:
    first = min((d.date for d in daily), default=today)
    last = max([today, *(d.date for d in daily)])
    first = min(first, last - timedelta(days=MIN_DAYS - 1))
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def window_key(window: str, day: date, week_start: str) -> date:
    """The first day of the calendar window holding ``day``."""
    if window == "day":
        return day
    if window == "week":
        return day - timedelta(days=(day.weekday() - _WEEKDAYS.index(week_start)) % 7)
    if window == "month":
        return day.replace(day=1)
    raise ValueError(f"not a calendar window: {window!r}")


def window_last_day(window: str, day: date, week_start: str) -> date:
    start = window_key(window, day, week_start)
    if window == "day":
        return start
    if window == "week":
        return start + timedelta(days=6)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def use_over_time(
    window: str,
    per_day: Sequence[Decimal],
    days: Sequence[date],
    *,
    used_now: Decimal,
    week_start: str = "monday",
) -> list[Decimal]:
    """The use of a limit on each day (see the module's doc for each kind of window)."""
    if window == "lifetime":
        before = max(used_now - sum(per_day, Decimal(0)), Decimal(0))
        out: list[Decimal] = []
        running = before
        for value in per_day:
            running += value
            out.append(running)
        return out
    if window in _CALENDAR:
        out = []
        running = Decimal(0)
        current: date | None = None
        for day, value in zip(days, per_day, strict=True):
            key = window_key(window, day, week_start)
            if key != current:
                current, running = key, Decimal(0)
            running += value
            out.append(running)
        return out
    span = _ROLLING_DAYS[window]
    return [sum(per_day[max(0, i - span + 1) : i + 1], Decimal(0)) for i in range(len(per_day))]


def daily_rate(per_day: Sequence[Decimal]) -> Decimal:
    """The average per day over the last ``RATE_DAYS`` days (the series ends today)."""
    recent = list(per_day[-RATE_DAYS:])
    return sum(recent, Decimal(0)) / RATE_DAYS


def burn_sentence(
    *,
    window: str,
    what: str,
    limit: Decimal,
    used: Decimal,
    rate: Decimal,
    today: date,
    decimals: int,
    unit: str,
    valid_until: date | None = None,
    week_start: str = "monday",
) -> str:
    """The burn rate in words, e.g. "At the last 7 days' rate (120 EUR per day) the lifetime
    budget of 5,000 EUR lasts until 14 Jan 2027"."""
    words = _WINDOW_WORDS.get(window, window)
    subject = f"the {words} {what} of {show_amount(limit, decimals)} {unit}"
    # A small rate of whole units keeps a decimal ("0.6 customers per day", not "1").
    rate_decimals = 1 if decimals == 0 and 0 < rate < 10 else decimals
    rate_text = f"{show_amount(rate, rate_decimals)} {unit} per day"
    head = f"At the last {RATE_DAYS} days' rate ({rate_text})"
    if window in _ROLLING_DAYS:
        if used >= limit:
            return f"{subject[0].upper()}{subject[1:]} is exhausted for now."
        span = _ROLLING_DAYS[window]
        projected = rate * span
        if projected >= limit:
            return f"{head} {subject} is used up within any {span} days."
        return f"{head} {subject} is {show_amount(share_of(projected, limit) * 100, 0)} % used."
    if used >= limit:
        suffix = "" if window == "lifetime" else f" {_THIS_WINDOW[window]}"
        return f"{subject[0].upper()}{subject[1:]} is exhausted{suffix}."
    if rate <= 0:
        return f"{head} {subject} will not run out."
    days_left = ((limit - used) / rate).to_integral_value(rounding=ROUND_DOWN)
    until = today + timedelta(days=int(days_left))
    if window in _CALENDAR:
        last = window_last_day(window, today, week_start)
        if until <= today < last:
            return f"{head} {subject} runs out today."
        if until >= last:
            return f"{head} {subject} lasts {_REST_OF[window]}."
        return f"{head} {subject} lasts until {show_date(until)}."
    if until <= today:
        return f"{head} {subject} runs out today."
    if valid_until is not None and until >= valid_until:
        return (
            f"{head} {subject} will not run out before the promotion's validity ends "
            f"({show_date(valid_until)})."
        )
    return f"{head} {subject} lasts until {show_date(until)}."


def _decimal_map(values: Mapping[str, str]) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in values.items()}


def _text(value: Decimal) -> str:
    """A decimal for the JSON: plain notation, no exponent."""
    return format(value, "f")


def chart_data(
    stats: PromotionStats,
    *,
    budgets: Mapping[str, Any],
    labels: Mapping[str, RewardLabel],
    today: date,
    week_start: str = "monday",
    valid_until: date | None = None,
) -> dict[str, Any]:
    """Everything the promotion page's charts and their tables show."""
    days = days_range(stats.daily, today)
    by_day = {d.date: d for d in stats.daily}
    zero = DailyStats(date=today, grants_count=0, rewards_total={})
    rows = [by_day.get(day, zero) for day in days]
    thresholds = list(budgets.get("alert_thresholds") or [])

    def label_of(key: str) -> RewardLabel:
        return labels.get(key) or RewardLabel(key, key, key, 0)

    reward_keys = sorted(
        {k for d in stats.daily for k in d.rewards_total}
        | {b.reward_type for b in stats.reward_budgets}
    )
    rewards = []
    per_type: dict[str, list[Decimal]] = {}
    for key in reward_keys:
        series = [_decimal_map(r.rewards_total).get(key, Decimal(0)) for r in rows]
        per_type[key] = series
        lab = label_of(key)
        rewards.append(
            {
                "key": key,
                "label": lab.name,
                "unit": lab.unit,
                "values": [_text(v) for v in series],
                "texts": [show_amount(v, lab.decimals) for v in series],
                "total": _text(sum(series, Decimal(0))),
            }
        )

    limits: list[dict[str, Any]] = []
    for b in stats.reward_budgets:
        lab = label_of(b.reward_type)
        limit, used = Decimal(b.limit), Decimal(b.used)
        series = per_type.get(b.reward_type, [Decimal(0)] * len(days))
        share = share_of(used, limit)
        rate = daily_rate(series)
        limits.append(
            {
                "kind": "budget",
                "title": f"{lab.name} budget · {_WINDOW_WORDS.get(b.window, b.window)}",
                "window": b.window,
                "unit": lab.unit,
                "limit": _text(limit),
                "used": _text(used),
                "limit_text": show_amount(limit, lab.decimals),
                "used_text": show_amount(used, lab.decimals),
                "unit_text": "" if lab.unit == lab.name else lab.unit,
                "percent": _text(show_pct(share)),
                "level": level(share, thresholds),
                "use": [
                    _text(v.quantize(Decimal(1).scaleb(-lab.decimals)))
                    for v in use_over_time(
                        b.window, series, days, used_now=used, week_start=week_start
                    )
                ],
                "burn": burn_sentence(
                    window=b.window,
                    what="budget",
                    limit=limit,
                    used=used,
                    rate=rate,
                    today=today,
                    decimals=lab.decimals,
                    unit=lab.unit,
                    valid_until=valid_until,
                    week_start=week_start,
                ),
            }
        )
    for cap in stats.audience_caps:
        limit, used = Decimal(cap.limit), Decimal(cap.used)
        share = share_of(used, limit)
        entry: dict[str, Any] = {
            "kind": "cap",
            "title": f"Audience cap · {_WINDOW_WORDS.get(cap.window, cap.window)}",
            "window": cap.window,
            "unit": "customers",
            "limit": _text(limit),
            "used": _text(used),
            "limit_text": show_amount(limit, 0),
            "used_text": show_amount(used, 0),
            "unit_text": "customers",
            "percent": _text(show_pct(share)),
            "level": level(share, thresholds),
            "use": None,
            "burn": None,
        }
        if cap.window in ("lifetime", "day"):
            series = [
                Decimal(r.new_customers_count if cap.window == "lifetime" else r.customers_count)
                for r in rows
            ]
            entry["use"] = [
                _text(v) for v in use_over_time(cap.window, series, days, used_now=used)
            ]
            if cap.window == "lifetime":
                entry["burn"] = burn_sentence(
                    window="lifetime",
                    what="audience cap",
                    limit=limit,
                    used=used,
                    rate=daily_rate(series),
                    today=today,
                    decimals=0,
                    unit="customers",
                    valid_until=valid_until,
                )
        limits.append(entry)

    return {
        "days": [d.isoformat() for d in days],
        "labels": [show_date(d) for d in days],
        "short_labels": [f"{d.day} {d:%b}" for d in days],
        "grants": [r.grants_count for r in rows],
        "customers": [r.customers_count for r in rows],
        "rewards": rewards,
        "limits": limits,
        "empty": stats.grants_count == 0 and not any(r.grants_count for r in rows),
    }


def show_pct(share: Decimal) -> Decimal:
    return (share * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def valid_until_date(values: Sequence[datetime | None], tz: Any) -> date | None:
    """The promotion's validity end as a local date: the latest ``valid_until`` of its
    reward types, or None when any of them is open-ended (or none is set)."""
    if not values or any(v is None for v in values):
        return None
    return max(v.astimezone(tz).date() for v in values if v is not None)


def sparkline(counts: Sequence[int], *, width: int = 84, height: int = 20) -> dict[str, Any]:
    """An inline SVG polyline of daily counts (the lobby's "last 14 days"), scaled to the
    busiest day, with the numbers in words for its label."""
    peak = max(counts, default=0)
    step = width / max(len(counts) - 1, 1)
    points = " ".join(
        f"{i * step:.1f},{height - 1 - (c / peak * (height - 2) if peak else 0):.1f}"
        for i, c in enumerate(counts)
    )
    return {
        "points": points,
        "width": width,
        "height": height,
        "total": sum(counts),
        "peak": peak,
        "text": ", ".join(str(c) for c in counts),
    }
