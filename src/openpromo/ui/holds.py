"""What a reservation would hold, in words, for the simulator (docs/reservations.md).

A dry run plans the customer exactly as a commit would; ``validate(holds=True)`` hands the
plan's consumptions back (``validation.results.holds_into``): every audience-cap place,
reward budget, per-customer limit, code redemption and code value the customer's rewards
would take. A reservation takes exactly those and keeps them until confirmed, released or
expired, so the simulator shows them as the marketer reads limits elsewhere — "Audience
cap (in total): 1 place — 3 of 100 customers now, 4 with this one" — with the expiry the
tenant's default hold would give.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from openpromo.rules import format_minor
from openpromo.ui import describe


@dataclass(frozen=True)
class Holding:
    """What a reservation of one simulated customer would take."""

    lines: list[tuple[str, str]]  # (the limit, what the reservation takes of it), in order
    until: str  # the expiry under the tenant's default hold, in the tenant's time
    hold_words: str  # "15 minutes"


# The order a marketer reads limits in: the promotion's, then the customer's, then the code's.
_ORDER = ("cap", "budget", "customer_value", "customer_grants", "redemption", "once", "code_value")


def _value(minor: int, reward_type: str | None, catalog: describe.Catalog) -> str:
    label = catalog.reward_types.get(reward_type or "")
    decimals = label.decimals if label is not None else 0
    return describe.number(format_minor(minor, decimals))


def _line(hold: Mapping[str, Any], catalog: describe.Catalog, code: str | None) -> tuple[str, str]:
    kind = hold["kind"]
    code_name = f"Code {code}" if code else "The code"
    if kind == "redemption":
        return code_name, "1 redemption"
    if kind == "once":
        return (
            f"{code_name}, once per customer",
            "this customer's one use (they cannot use the code again unless it is released)",
        )
    if kind == "code_value":
        return "Bulk code", "1 unused value, which becomes this customer's code"
    amount, limit, used = int(hold["amount"]), int(hold["limit"]), int(hold["used"])
    window = describe.window(str(hold.get("window")), catalog)
    rt = hold.get("reward_type")
    unit = describe.unit_name(rt, catalog) if rt else ""
    if kind == "cap":
        return (
            f"Audience cap ({window})",
            f"1 place — {describe.number(used)} of {describe.number(limit)} customers now, "
            f"{describe.number(used + amount)} with this one",
        )
    left = f"{_value(limit - used - amount, rt, catalog)} left after it"
    if kind == "budget":
        return (
            f"Budget of {unit} ({window})",
            f"{_value(amount, rt, catalog)} {unit} — {_value(used, rt, catalog)} of "
            f"{_value(limit, rt, catalog)} used now, {left}",
        )
    if kind == "customer_value":
        return (
            f"This customer's {unit} limit ({window})",
            f"{_value(amount, rt, catalog)} {unit} — {_value(used, rt, catalog)} of "
            f"{_value(limit, rt, catalog)} used so far, {left}",
        )
    return (  # customer_grants
        f"This customer's {unit} grants ({window})",
        f"1 grant — {describe.number(used)} of {describe.number(limit)} used so far",
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{describe.number(n)} {one if n == 1 else many}"


def duration_words(seconds: int) -> str:
    """``900`` → ``15 minutes``; ``86400`` → ``1 day``; ``5400`` → ``90 minutes``."""
    for size, one in ((86_400, "day"), (3_600, "hour"), (60, "minute")):
        if seconds % size == 0:
            return _count(seconds // size, one, one + "s")
    return _count(seconds, "second", "seconds")


def holding(
    holds: Sequence[Mapping[str, Any]],
    catalog: describe.Catalog,
    code: str | None,
    default_seconds: int,
    now: datetime,
    zone: tzinfo,
) -> Holding:
    until = (now + timedelta(seconds=default_seconds)).astimezone(zone)
    return Holding(
        lines=[
            _line(h, catalog, code) for h in sorted(holds, key=lambda h: _ORDER.index(h["kind"]))
        ],
        until=until.strftime("%Y-%m-%d %H:%M"),
        hold_words=duration_words(default_seconds),
    )
