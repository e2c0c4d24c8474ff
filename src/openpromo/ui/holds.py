"""What a reservation would hold, in words, for the simulator (docs/reservations.md).

A dry run plans the customer exactly as a commit would; ``validate(holds=True)`` hands the
plan's consumptions back (``validation.results.holds_into``): every audience-cap place,
reward budget, per-customer limit, code redemption and code value the customer's rewards
would take. A reservation takes exactly those and keeps them until confirmed, released or
expired, so the simulator shows them as the marketer reads limits elsewhere — "1 place of
the audience cap (in total): 3 of 100 taken now, 4 with this one" — with the expiry the
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

    lines: list[str]  # one sentence per limit taken
    until: str  # the expiry under the tenant's default hold, in the tenant's time
    hold_words: str  # "15 minutes"


def _value(minor: int, reward_type: str | None, catalog: describe.Catalog) -> str:
    label = catalog.reward_types.get(reward_type or "")
    decimals = label.decimals if label is not None else 0
    return describe.amount(format_minor(minor, decimals), reward_type or "", catalog)


def _count(n: int, one: str, many: str) -> str:
    return f"{describe.number(n)} {one if n == 1 else many}"


def _line(hold: Mapping[str, Any], catalog: describe.Catalog, code: str | None) -> str:
    kind = hold["kind"]
    if kind == "redemption":
        return f"1 redemption of the code {code}" if code else "1 redemption of the code"
    if kind == "code_value":
        return "1 unused value of the bulk code (it becomes this customer's code)"
    amount, limit, used = int(hold["amount"]), int(hold["limit"]), int(hold["used"])
    window = describe.window(str(hold.get("window")), catalog)
    rt = hold.get("reward_type")
    name = describe.unit_name(rt, catalog) if rt else ""
    if kind == "once":
        return "the code's once-per-customer mark (this customer cannot use the code again)"
    if kind == "cap":
        taken = f"{_count(used, 'customer', 'customers')} of {describe.number(limit)}"
        return (
            f"1 place of the audience cap {window}: {taken} taken now, "
            f"{describe.number(used + amount)} with this one"
        )
    if kind == "budget":
        return (
            f"{_value(amount, rt, catalog)} of the {name} budget {window}: "
            f"{_value(used, rt, catalog)} of {_value(limit, rt, catalog)} used now, "
            f"{_value(limit - used - amount, rt, catalog)} left after it"
        )
    if kind == "customer_value":
        return (
            f"{_value(amount, rt, catalog)} of this customer's {name} limit {window}: "
            f"{_value(used, rt, catalog)} of {_value(limit, rt, catalog)} used so far"
        )
    # customer_grants
    return (
        f"1 of this customer's {describe.number(limit)} {name} grants {window} "
        f"({describe.number(used)} used so far)"
    )


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
        lines=[_line(h, catalog, code) for h in holds],
        until=until.strftime("%Y-%m-%d %H:%M"),
        hold_words=duration_words(default_seconds),
    )
