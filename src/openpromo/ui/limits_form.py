"""The constraints & budgets step's form, both ways: the stored reward constraints and
publishing budgets as the form's rows (strings, as typed, datetimes in the tenant's zone)
and a submitted form back into the documents the promotion service takes, with the
problems it can name before the service sees them. Pure: no session, no request."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from openpromo.errors import FieldError
from openpromo.models import Promotion
from openpromo.ui import describe


@dataclass
class RewardTypeView:
    key: str
    display_name: str
    category: str
    currency: str | None
    unit_name: str | None
    decimals: int
    status: str
    constraints: dict[str, Any]

    @property
    def unit(self) -> str:
        if self.category == "amount":
            return self.currency or ""
        return self.unit_name or self.display_name


def local_input(raw: Any, timezone: str) -> str:
    """A stored UTC date-time as a ``datetime-local`` value in the tenant's time zone."""
    if not raw:
        return ""
    try:
        moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        return str(raw)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")


def from_local_input(text: str, timezone: str) -> str:
    """A ``datetime-local`` value read in the tenant's time zone, as ISO 8601 UTC (``…Z``).

    A wall-clock time that happens twice (the autumn DST change) is read as the first one; one
    that does not exist (the spring change) is read with the offset before the change. Text
    that is not a date-time is returned as typed, for the service to refuse by name."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class TypeLimits:
    """One reward type's constraints as the form holds them (strings, as typed)."""

    key: str
    own: bool = False  # False: the reward type's defaults apply (nothing stored)
    min_value: str = ""
    max_value: str = ""
    per_customer: list[dict[str, str]] = field(default_factory=list)
    valid_from: str = ""
    valid_until: str = ""
    expires_number: str = ""
    expires_unit: str = "D"  # "D", "H", or "ISO" (any other ISO 8601 duration, typed as is)


@dataclass
class LimitsForm:
    types: list[TypeLimits] = field(default_factory=list)
    caps: list[dict[str, str]] = field(default_factory=list)
    budgets: list[dict[str, str]] = field(default_factory=list)
    selection_method: str = "random"
    selection_property: str = ""
    selection_order: str = "desc"
    thresholds: list[str] = field(default_factory=list)


_EXPIRY: Final = re.compile(r"^P(\d+)D$|^PT(\d+)H$")


def _split_expiry(text: str | None) -> tuple[str, str]:
    if not text:
        return "", "D"
    match = _EXPIRY.match(text)
    if match is None:
        return text, "ISO"
    return (match.group(1), "D") if match.group(1) else (match.group(2), "H")


def constraints_form(key: str, data: Mapping[str, Any], own: bool, timezone: str) -> TypeLimits:
    number, unit = _split_expiry(data.get("grant_expires_after"))

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    return TypeLimits(
        key=key,
        own=own,
        min_value=text(data.get("min_value")),
        max_value=text(data.get("max_value")),
        per_customer=[
            {
                "window": text(p.get("window")),
                "max_value": text(p.get("max_value")),
                "max_grants": text(p.get("max_grants")),
            }
            for p in data.get("per_customer") or []
        ],
        valid_from=local_input(data.get("valid_from"), timezone),
        valid_until=local_input(data.get("valid_until"), timezone),
        expires_number=number,
        expires_unit=unit,
    )


def tier_reward_types(promotion: Promotion) -> list[str]:
    keys: list[str] = []
    for tier in promotion.tiers or []:
        for reward in tier.get("rewards") or []:
            key = reward.get("reward_type")
            if isinstance(key, str) and key not in keys:
                keys.append(key)
    return keys


def stored_limits(
    promotion: Promotion, reward_types: Mapping[str, RewardTypeView], timezone: str
) -> LimitsForm:
    """The form for what is stored now: a section for every reward type the tiers use and for
    every override; a type without an override starts from its defaults."""
    overrides = promotion.reward_constraints or {}
    keys = tier_reward_types(promotion) + [
        k for k in overrides if k not in tier_reward_types(promotion)
    ]
    types = []
    for key in keys:
        if key in overrides:
            types.append(constraints_form(key, overrides[key], True, timezone))
        else:
            defaults = reward_types[key].constraints if key in reward_types else {}
            types.append(constraints_form(key, defaults, False, timezone))
    budgets = promotion.budgets or {}
    selection = budgets.get("audience_selection") or {"method": "random"}
    return LimitsForm(
        types=types,
        caps=[
            {"window": str(c["window"]), "limit": str(c["limit"])}
            for c in budgets.get("audience_caps") or []
        ],
        budgets=[
            {
                "reward_type": str(b["reward_type"]),
                "window": str(b["window"]),
                "limit": str(b["limit"]),
                "on_exceed": str(b.get("on_exceed", "reject")),
            }
            for b in budgets.get("reward_budgets") or []
        ],
        selection_method=str(selection.get("method", "random")),
        selection_property=str(selection.get("property") or ""),
        selection_order=str(selection.get("order") or "desc"),
        thresholds=[describe.percent(t) for t in budgets.get("alert_thresholds") or []],
    )


def _rows(form: FormData, prefix: str, names: Sequence[str]) -> list[dict[str, str]]:
    """Repeated inputs ``{prefix}.{name}`` zipped into rows, in the order they were sent."""
    columns = {name: [str(v) for v in form.getlist(f"{prefix}.{name}")] for name in names}
    count = max((len(c) for c in columns.values()), default=0)
    return [
        {name: (columns[name][i] if i < len(columns[name]) else "").strip() for name in names}
        for i in range(count)
    ]


def submitted_limits(form: FormData) -> LimitsForm:
    types = []
    for key in dict.fromkeys(str(k) for k in form.getlist("rc_type")):
        base = f"rc.{key}"
        types.append(
            TypeLimits(
                key=key,
                own=form.get(f"{base}.mode") == "own",
                min_value=str(form.get(f"{base}.min_value", "")).strip(),
                max_value=str(form.get(f"{base}.max_value", "")).strip(),
                per_customer=_rows(form, f"{base}.pc", ("window", "max_value", "max_grants")),
                valid_from=str(form.get(f"{base}.valid_from", "")).strip(),
                valid_until=str(form.get(f"{base}.valid_until", "")).strip(),
                expires_number=str(form.get(f"{base}.expires_number", "")).strip(),
                expires_unit=str(form.get(f"{base}.expires_unit", "D")),
            )
        )
    return LimitsForm(
        types=types,
        caps=_rows(form, "cap", ("window", "limit")),
        budgets=_rows(form, "rb", ("reward_type", "window", "limit", "on_exceed")),
        selection_method=str(form.get("selection.method", "random")),
        selection_property=str(form.get("selection.property", "")),
        selection_order=str(form.get("selection.order", "desc")),
        thresholds=[str(v).strip() for v in form.getlist("threshold") if str(v).strip()],
    )


_WHOLE: Final = re.compile(r"^\d+$")


def whole_or_text(text: str) -> int | str:
    """An integer field: digits become an int (the API's integers are strict); anything else
    goes through as typed so the API's own message names it."""
    return int(text) if _WHOLE.match(text) else text


def build_documents(
    state: LimitsForm, timezone: str
) -> tuple[dict[str, Any], dict[str, Any], list[FieldError]]:
    """The two API documents the form stands for — ``PUT …/reward-constraints`` and
    ``PUT …/budgets`` — and the problems only the form can see (an expiry that is not a
    whole number, a percentage out of range), located like the API's."""
    problems: list[FieldError] = []
    constraints: dict[str, Any] = {}
    for t in state.types:
        if not t.own:
            continue
        doc: dict[str, Any] = {}
        here = ("body", "reward_constraints", t.key)
        if t.min_value:
            doc["min_value"] = t.min_value
        if t.max_value:
            doc["max_value"] = t.max_value
        if t.per_customer:
            rows = []
            for row in t.per_customer:
                item: dict[str, Any] = {"window": row["window"]}
                if row["max_value"]:
                    item["max_value"] = row["max_value"]
                if row["max_grants"]:
                    item["max_grants"] = whole_or_text(row["max_grants"])
                rows.append(item)
            doc["per_customer"] = rows
        if t.valid_from:
            doc["valid_from"] = from_local_input(t.valid_from, timezone)
        if t.valid_until:
            doc["valid_until"] = from_local_input(t.valid_until, timezone)
        if t.expires_number:
            if t.expires_unit == "ISO":
                doc["grant_expires_after"] = t.expires_number
            elif _WHOLE.match(t.expires_number) and int(t.expires_number) > 0:
                n = int(t.expires_number)
                doc["grant_expires_after"] = f"P{n}D" if t.expires_unit == "D" else f"PT{n}H"
            else:
                problems.append(
                    FieldError(
                        (*here, "grant_expires_after"),
                        "must be a whole number of days or hours, greater than 0",
                    )
                )
        constraints[t.key] = doc
    budgets: dict[str, Any] = {
        "audience_caps": [
            {"window": c["window"], **({"limit": whole_or_text(c["limit"])} if c["limit"] else {})}
            for c in state.caps
        ],
        "reward_budgets": [
            {
                "reward_type": b["reward_type"],
                "window": b["window"],
                **({"limit": b["limit"]} if b["limit"] else {}),
                "on_exceed": b["on_exceed"] or "reject",
            }
            for b in state.budgets
        ],
        "audience_selection": {"method": state.selection_method}
        if state.selection_method != "attribute"
        else {
            "method": "attribute",
            "property": state.selection_property or None,
            "order": state.selection_order or "desc",
        },
        "alert_thresholds": [],
    }
    for index, text in enumerate(state.thresholds):
        try:
            share = Decimal(text.rstrip("%").strip()) / 100
        except InvalidOperation:
            share = Decimal(-1)
        if not share.is_finite() or not 0 < share <= 1:
            problems.append(
                FieldError(
                    ("body", "budgets", "alert_thresholds", index),
                    "must be a percentage greater than 0 and at most 100",
                )
            )
            continue
        budgets["alert_thresholds"].append(float(share))
    return constraints, budgets, problems
