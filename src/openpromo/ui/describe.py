"""A promotion in plain English, for the guided flow's summary (SPEC §3, §5).

Pure functions (no I/O, no clock): they take the promotion's JSON exactly as the API returns
it and a ``Catalog`` (property types, reward type names and units, the tenant's time zone and
week start) and return sentences such as

    Customers with deposit amount ≥ 100 and VIP level is gold get 10 % of deposit amount,
    up to 50 EUR bonus, and 20 free spins.

Anything unexpected (an unknown operator, a malformed node) is described as what it is, never
raised: the summary must render for every promotion the API accepts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final
from zoneinfo import ZoneInfo

__all__ = [
    "Catalog",
    "RewardTypeLabel",
    "alert_thresholds",
    "audience_cap",
    "audience_selection",
    "budgets",
    "condition",
    "constraints",
    "duration",
    "formula",
    "per_customer_limit",
    "percent",
    "property_name",
    "reward_budget",
    "tier",
    "unit_name",
    "value",
    "window",
]


@dataclass(frozen=True)
class RewardTypeLabel:
    """What a sentence needs of a reward type."""

    key: str
    display_name: str
    category: str = "unit"  # "amount" | "unit"
    currency: str | None = None
    decimals: int = 0
    status: str = "active"


@dataclass(frozen=True)
class Catalog:
    """The tenant's vocabulary: ``property_types`` maps ``"scope.key"`` to its type."""

    property_types: Mapping[str, str] = field(default_factory=dict)
    reward_types: Mapping[str, RewardTypeLabel] = field(default_factory=dict)
    timezone: str = "UTC"
    week_start: str = "monday"


WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ACRONYMS: Final = frozenset({"vip", "id", "ltv", "ab", "eur", "usd", "gbp", "url", "sms", "kyc"})
_CONTEXT_NAMES: Final = {
    "context.now": "the current time",
    "context.date": "today's date",
    "context.weekday": "the day of the week",
    "context.hour": "the hour of the day",
    "context.campaign_id": "the campaign",
}
_CONTEXT_TYPES: Final = {
    "context.now": "datetime",
    "context.date": "date",
    "context.weekday": "integer",
    "context.hour": "integer",
    "context.campaign_id": "string",
}

# --- values ------------------------------------------------------------------------------


def number(raw: Any) -> str:
    """A decimal string with thousands separators, as written (``"1000.50"`` → ``1,000.50``)."""
    try:
        amount = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return str(raw)
    if not amount.is_finite():
        return str(raw)
    return f"{amount:,}"


def property_name(ref: str) -> str:
    """``"customer.vip_level"`` → ``"VIP level"``; built-in context properties by name."""
    if ref in _CONTEXT_NAMES:
        return _CONTEXT_NAMES[ref]
    key = ref.split(".", 1)[1] if "." in ref else ref
    words = [w.upper() if w in _ACRONYMS else w for w in key.split("_") if w]
    return " ".join(words) or ref


def _type_of(ref: str, catalog: Catalog) -> str | None:
    return _CONTEXT_TYPES.get(ref) or catalog.property_types.get(ref)


def _date(raw: str) -> str:
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except (TypeError, ValueError):
        return str(raw)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def moment(raw: Any, timezone: str) -> str:
    """An ISO 8601 date-time shown in the tenant's time zone: ``1 December 2026, 00:00
    (Europe/Berlin)``."""
    try:
        parsed = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        return str(raw)
    if parsed.tzinfo is None:
        return f"{_date(parsed.date().isoformat())}, {parsed:%H:%M}"
    try:
        local = parsed.astimezone(ZoneInfo(timezone))
    except (KeyError, ValueError):
        local = parsed
    return f"{_date(local.date().isoformat())}, {local:%H:%M} ({timezone})"


def value(raw: Any, ptype: str | None, catalog: Catalog, ref: str = "") -> str:
    """One condition value in words, formatted for its property's type."""
    if isinstance(raw, list):
        return _alternatives([value(v, ptype, catalog, ref) for v in raw], "or")
    if ref == "context.weekday":
        try:
            return WEEKDAYS[int(raw) - 1]
        except (ValueError, TypeError, IndexError):
            return str(raw)
    if ref == "context.hour":
        try:
            return f"{int(raw):02d}:00"
        except (ValueError, TypeError):
            return str(raw)
    if ptype == "boolean" or isinstance(raw, bool):
        return "yes" if raw is True or str(raw).lower() == "true" else "no"
    if ptype in ("integer", "decimal"):
        return number(raw)
    if ptype == "date":
        return _date(str(raw))
    if ptype == "datetime":
        return moment(raw, catalog.timezone)
    return f"“{raw}”" if ptype in ("string", "string_list") else str(raw)


def _alternatives(items: Sequence[str], word: str) -> str:
    if not items:
        return "nothing"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _listing(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b, and c``; the serial comma also keeps two items apart when
    one has a comma of its own (``10 % of deposit, up to 50 EUR, and 20 free spins``)."""
    if len(items) <= 1 or (len(items) == 2 and not any("," in item for item in items)):
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


# --- conditions ----------------------------------------------------------------------------

_COMPARISONS: Final = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
_DATE_COMPARISONS: Final = {
    "gt": "is after",
    "gte": "is on or after",
    "lt": "is before",
    "lte": "is on or before",
}
_NEGATED: Final = {
    "eq": "ne",
    "ne": "eq",
    "in": "not_in",
    "not_in": "in",
    "exists": "missing",
    "missing": "exists",
}


def _leaf(node: Mapping[str, Any], catalog: Catalog) -> str:
    ref = str(node.get("property", "?"))
    op = node.get("op")
    raw = node.get("value")
    ptype = _type_of(ref, catalog)
    name = property_name(ref)

    def v(item: Any = raw) -> str:
        return value(item, ptype, catalog, ref)

    dated = ptype in ("date", "datetime")
    numeric = ptype in ("integer", "decimal") and ref not in ("context.weekday", "context.hour")
    if op == "exists":
        return f"{name} is known"
    if op == "missing":
        return f"{name} is not known"
    if op == "is_empty":
        return f"{name} is empty"
    if op == "eq":
        return f"{name} = {v()}" if numeric else f"{name} is {v()}"
    if op == "ne":
        return f"{name} ≠ {v()}" if numeric else f"{name} is not {v()}"
    if op in _COMPARISONS:
        if dated:
            return f"{name} {_DATE_COMPARISONS[op]} {v()}"
        return f"{name} {_COMPARISONS[op]} {v()}"
    if op == "between":
        low, high = [*raw, None, None][:2] if isinstance(raw, list) else (raw, None)
        return f"{name} is between {v(low)} and {v(high)} (both included)"
    if op == "in":
        return f"{name} is {_alternatives([v(x) for x in _items(raw)], 'or')}"
    if op == "not_in":
        excluded = [v(x) for x in _items(raw)]
        if len(excluded) == 1:  # "neither" needs two
            return f"{name} is not {excluded[0]}"
        return f"{name} is neither {_alternatives(excluded, 'nor')}"
    if op == "contains":
        if ptype == "string_list":
            return f"{name} include {v()}"
        return f"{name} contains {v()}"
    if op == "starts_with":
        return f"{name} starts with {v()}"
    if op == "ends_with":
        return f"{name} ends with {v()}"
    if op == "contains_any":
        return f"{name} include at least one of {_alternatives([v(x) for x in _items(raw)], 'or')}"
    if op == "contains_all":
        return f"{name} include all of {_listing([v(x) for x in _items(raw)])}"
    return f"{name} {op} {v()}"


def _items(raw: Any) -> list[Any]:
    return list(raw) if isinstance(raw, list) else [raw]


def condition(node: Any, catalog: Catalog) -> str:
    """A condition tree (``all``/``any``/``not``/leaves) as one phrase; ``""`` when it always
    holds (an omitted condition or ``{"all": []}``)."""
    if node is None:
        return ""
    if not isinstance(node, Mapping):
        return str(node)
    if "all" in node:
        parts = [_nested(child, catalog) for child in node["all"] or []]
        return " and ".join(p for p in parts if p)
    if "any" in node:
        children = node["any"] or []
        if not children:
            return "never (an empty “any” group holds for no one)"
        return " or ".join(_nested(child, catalog) or "always" for child in children)
    if "not" in node:
        inner = node["not"]
        if isinstance(inner, Mapping) and "property" in inner and inner.get("op") in _NEGATED:
            return _leaf({**inner, "op": _NEGATED[str(inner["op"])]}, catalog)
        phrase = condition(inner, catalog)
        return f"not ({phrase})" if phrase else "never"
    if "property" in node:
        return _leaf(node, catalog)
    return str(dict(node))


def _nested(node: Any, catalog: Catalog) -> str:
    phrase = condition(node, catalog)
    group = isinstance(node, Mapping) and (
        (len(node.get("all") or []) > 1) or (len(node.get("any") or []) > 1)
    )
    return f"({phrase})" if group and phrase else phrase


# --- rewards -------------------------------------------------------------------------------


def _label(key: str, catalog: Catalog) -> RewardTypeLabel:
    return catalog.reward_types.get(key) or RewardTypeLabel(key=key, display_name=key)


def _unit_words(label: RewardTypeLabel) -> str:
    name = label.display_name
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        name = name[0].lower() + name[1:]
    if label.category == "amount" and label.currency and label.currency not in label.display_name:
        return f"{label.currency} {name}"
    return name


def unit_name(key: str, catalog: Catalog) -> str:
    """How an amount of reward type ``key`` is named after its number: ``EUR bonus``."""
    return _unit_words(_label(key, catalog))


def amount(raw: Any, key: str, catalog: Catalog) -> str:
    """``"50"`` of ``eur_bonus`` → ``50 EUR bonus``."""
    return f"{number(raw)} {_unit_words(_label(key, catalog))}"


def formula(reward_type: str, spec: Any, catalog: Catalog) -> str:
    """One reward: ``20 free spins``, ``10 % of deposit amount, up to 50 EUR bonus``,
    ``1 point for every 10 of basket total``."""
    if not isinstance(spec, Mapping):
        return amount(spec, reward_type, catalog)
    unit = _unit_words(_label(reward_type, catalog))
    low, high = spec.get("min"), spec.get("max")
    if "fixed" in spec:
        text = amount(spec["fixed"], reward_type, catalog)
        if low is not None or high is not None:
            text += f" ({_bounds(low, high, reward_type, catalog)})"
        return text
    of = property_name(str(spec.get("of", "?")))
    if "percent" in spec:
        base = f"{number(spec['percent'])} % of {of}"
    elif "per" in spec:
        base = f"{number(spec.get('value', '?'))} {unit} for every {number(spec['per'])} of {of}"
        if low is None and high is None:
            return base
        return f"{base}, {_bounds(low, high, reward_type, catalog)}"
    else:
        return f"{unit}: {dict(spec)}"
    if low is None and high is None:
        return f"{base} as {unit}"
    return f"{base}, {_bounds(low, high, reward_type, catalog)}"


def _bounds(low: Any, high: Any, key: str, catalog: Catalog) -> str:
    if low is not None and high is not None:
        return f"at least {number(low)} and up to {amount(high, key, catalog)}"
    if high is not None:
        return f"up to {amount(high, key, catalog)}"
    return f"at least {amount(low, key, catalog)}"


def tier(data: Mapping[str, Any], catalog: Catalog) -> str:
    """One tier as a sentence: who, then what they get."""
    rewards = [
        formula(str(r.get("reward_type")), r.get("value"), catalog)
        for r in data.get("rewards") or []
    ]
    gets = _listing(rewards) if rewards else "nothing"
    who = condition(data.get("condition"), catalog)
    if not who:
        return f"Every customer gets {gets}."
    if _mentions_context(data.get("condition")):
        return f"When {who}, customers get {gets}."
    return f"Customers with {who} get {gets}."


def _mentions_context(node: Any) -> bool:
    if isinstance(node, Mapping):
        if str(node.get("property", "")).startswith("context."):
            return True
        children = [*(node.get("all") or []), *(node.get("any") or [])]
        if "not" in node:
            children.append(node["not"])
        return any(_mentions_context(child) for child in children)
    return False


# --- windows, constraints, budgets ---------------------------------------------------------

_ROLLING: Final = {"rolling_24h": "24 hours", "rolling_7d": "7 days", "rolling_30d": "30 days"}


def window(name: str, catalog: Catalog) -> str:
    """A §5 window as it reads after a limit: ``in any 7 days``, ``per calendar day (midnight
    Europe/Berlin)``, ``per week starting Monday``, ``in total``."""
    if name in _ROLLING:
        return f"in any {_ROLLING[name]}"
    if name == "day":
        return f"per calendar day (midnight {catalog.timezone})"
    if name == "week":
        start = catalog.week_start.capitalize()
        return f"per week starting {start} (midnight {catalog.timezone})"
    if name == "month":
        return f"per calendar month (from the 1st, midnight {catalog.timezone})"
    if name == "lifetime":
        return "in total, for as long as the promotion runs"
    return f"per {name}"


def per_customer_limit(limit: Mapping[str, Any], reward_type: str, catalog: Catalog) -> str:
    """``at most 3 grants and 100 EUR bonus per customer in any 7 days``."""
    parts: list[str] = []
    grants = limit.get("max_grants")
    if grants is not None:
        parts.append(f"{number(grants)} grant{'' if str(grants) == '1' else 's'}")
    if limit.get("max_value") is not None:
        parts.append(amount(limit["max_value"], reward_type, catalog))
    what = " and ".join(parts) or "no limit"
    return f"at most {what} per customer {window(str(limit.get('window')), catalog)}"


_DURATION: Final = re.compile(
    r"P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?"
    r"(?:(?P<seconds>\d+)S)?)?"
)


def duration(text: str) -> str:
    """``P30D`` → ``30 days``; ``P1DT12H`` → ``1 day and 12 hours``."""
    match = _DURATION.fullmatch(text or "")
    if not match or not any(match.groupdict().values()):
        return str(text)
    parts = []
    for unit in ("weeks", "days", "hours", "minutes", "seconds"):
        count = match.group(unit)
        if count:
            word = unit if int(count) != 1 else unit[:-1]
            parts.append(f"{int(count)} {word}")
    return _listing(parts)


def constraints(reward_type: str, data: Mapping[str, Any], catalog: Catalog) -> list[str]:
    """The reward constraints for one reward type, one phrase per rule."""
    lines: list[str] = []
    low, high = data.get("min_value"), data.get("max_value")
    if low is not None and high is not None:
        lines.append(
            f"each reward is at least {amount(low, reward_type, catalog)} "
            f"(smaller ones are not granted) and at most {amount(high, reward_type, catalog)} "
            "(bigger ones are cut down)"
        )
    elif low is not None:
        lines.append(
            f"each reward is at least {amount(low, reward_type, catalog)} "
            "(smaller ones are not granted)"
        )
    elif high is not None:
        lines.append(
            f"each reward is at most {amount(high, reward_type, catalog)} "
            "(bigger ones are cut down)"
        )
    for limit in data.get("per_customer") or []:
        lines.append(per_customer_limit(limit, reward_type, catalog))
    start, end = data.get("valid_from"), data.get("valid_until")
    if start and end:
        lines.append(
            f"granted only from {moment(start, catalog.timezone)} "
            f"until {moment(end, catalog.timezone)}"
        )
    elif start:
        lines.append(f"granted only from {moment(start, catalog.timezone)}")
    elif end:
        lines.append(f"granted only until {moment(end, catalog.timezone)}")
    if data.get("grant_expires_after"):
        lines.append(
            f"a granted reward expires {duration(str(data['grant_expires_after']))} "
            "after it is granted"
        )
    return lines


def audience_cap(cap: Mapping[str, Any], catalog: Catalog) -> str:
    """``at most 1,000 customers per calendar day (midnight UTC)``."""
    limit = cap.get("limit")
    noun = "customer" if str(limit) == "1" else "customers"
    return f"at most {number(limit)} {noun} {window(str(cap.get('window')), catalog)}"


def reward_budget(budget: Mapping[str, Any], catalog: Catalog) -> str:
    """``at most 5,000 EUR bonus per calendar day; a reward that would go over is cut down to
    what is left``."""
    key = str(budget.get("reward_type"))
    head = (
        f"at most {amount(budget.get('limit'), key, catalog)} given out "
        f"{window(str(budget.get('window')), catalog)}"
    )
    if budget.get("on_exceed") == "truncate":
        return head + "; a reward that would go over is cut down to what is left"
    return head + "; a reward that would go over is not granted at all"


def audience_selection(selection: Mapping[str, Any] | None) -> str:
    selection = selection or {}
    if selection.get("method") == "attribute":
        name = property_name(f"customer.{selection.get('property')}")
        if selection.get("order") == "asc":
            return f"customers with the lowest {name} are chosen first"
        return f"customers with the highest {name} are chosen first"
    return "customers are chosen at random"


def percent(fraction: Any) -> str:
    """A stored fraction as a percentage: ``0.8`` → ``"80"``, ``0.125`` → ``"12.5"``."""
    try:
        scaled = Decimal(repr(float(fraction))) * 100
    except (TypeError, ValueError, InvalidOperation):
        return str(fraction)
    if scaled == scaled.to_integral_value():
        return str(int(scaled))
    return format(scaled.normalize(), "f")


def alert_thresholds(values: Sequence[Any]) -> str:
    """``[0.8, 1.0]`` → ``80 % and 100 %``."""
    return _listing([f"{percent(v)} %" for v in values])


def budgets(data: Mapping[str, Any] | None, catalog: Catalog) -> list[str]:
    """The publishing budgets, one sentence each (empty: no budgets)."""
    data = data or {}
    lines = [
        f"Audience cap: {audience_cap(cap, catalog)}." for cap in data.get("audience_caps") or []
    ]
    lines += [
        f"Budget: {reward_budget(budget, catalog)}." for budget in data.get("reward_budgets") or []
    ]
    if data.get("audience_caps"):
        lines.append(
            "When one request has more eligible customers than a cap has room for, "
            f"{audience_selection(data.get('audience_selection'))}."
        )
    if data.get("alert_thresholds") and (data.get("audience_caps") or data.get("reward_budgets")):
        lines.append(
            f"Alerts when a cap or budget reaches {alert_thresholds(data['alert_thresholds'])} "
            "of its limit."
        )
    return lines
