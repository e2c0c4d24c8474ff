"""The API's error messages in the words a marketer reads next to a form field.

One translation for every page: ``FormErrors.of`` runs each field message through ``plain``
and builds its banner with ``sentence`` (``"The budget limit must be greater than 0"``), so no
page shows a ``body.`` path, a regular expression or pydantic's ``Value error,`` prefix.
Messages are matched by their fixed beginnings (pydantic's wording is stable per error type);
a message this table does not know is shown as the service wrote it, which is already meant
for people.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

# The patterns of the API's models, by what they accept (shown instead of the expression).
_PATTERNS: Final = {
    "^[a-z][a-z0-9_]{0,63}$": (
        "use lower-case letters, digits and “_”, starting with a letter (at most 64)"
    ),
    "^[A-Za-z0-9][A-Za-z0-9_.\\-]{0,99}$": (
        "use only letters, digits, “_”, “-” and “.”, starting with a letter or digit"
    ),
    "^[A-Za-z0-9_-]{1,64}$": "use only letters, digits, “_” and “-” (at most 64)",
    "^([01][0-9]|2[0-3]):[0-5][0-9]$": "must be a time of day like 03:00",
}

# (how the message begins, what to say instead). First match wins; order matters where one
# beginning contains another ("valid datetime" before "valid date").
_EXACT_STARTS: Final = [
    ("Field required", "required: fill this in"),
    ("String should have at least 1 character", "required: fill this in"),
    ("List should have at least 1 item", "required: add at least one"),
    ("Input should be a valid integer", "must be a whole number"),
    ("Input should be a valid decimal", "must be a number"),
    ("Input should be a valid number", "must be a number"),
    ("Decimal input should be an integer or float", "must be a number"),
    ("Input should be a finite number", "must be a number"),
    ("Input should be a valid datetime", "must be a date and time"),
    ("Input should have timezone info", "must be a date and time"),
    ("Input should be a valid date", "must be a date"),
    ("Datetimes provided to dates should have zero time", "must be a date"),
    ("Input should be a valid time", "must be a time of day like 03:00"),
    ("Input should be a valid duration", "must be a duration"),
    ("Input should be a valid boolean", "must be yes or no"),
    ("Input should be a valid string", "must be text"),
    ("Input should be a valid list", "must be a list"),
    ("Input should be a valid array", "must be a list"),
    ("Input should be a valid dictionary", "must be a group of fields"),
    ("Input should be an object", "must be a group of fields"),
    ("Input should be a valid URL", "must be a web address"),
    ("Input should be a valid email", "must be an e-mail address"),
    ("value is not a valid email address", "must be an e-mail address"),
    ("Extra inputs are not permitted", "is not a field this form knows"),
    ("Unable to extract tag using discriminator", "choose a kind"),
    ("Input tag ", "choose one of the kinds offered"),
    ("Invalid JSON", "is not valid JSON"),
]

# Messages whose end carries the detail: (beginning, replacement of that beginning).
_PREFIXES: Final = [
    ("Value error, ", ""),
    ("Decimal input should have no more than ", "must have no more than "),
    ("Assertion failed, ", ""),
    ("Input should be greater than or equal to ", "must be at least "),
    ("Input should be less than or equal to ", "must be at most "),
    ("Input should be greater than ", "must be greater than "),
    ("Input should be less than ", "must be less than "),
    ("Input should be a multiple of ", "must be a multiple of "),
    ("String should have at least ", "must be at least "),
    ("String should have at most ", "must be at most "),
    ("List should have at least ", "needs at least "),
    ("List should have at most ", "can have at most "),
    ("Input should be ", "must be "),
]

# Field names as a person calls them (the loc's last named part; context below).
_LABELS: Final = {
    "name": "name",
    "display_name": "display name",
    "code": "code",
    "value": "value",
    "values": "values",
    "key": "key",
    "limit": "limit",
    "window": "window",
    "min_value": "minimum value",
    "max_value": "maximum value",
    "max_grants": "maximum number of grants",
    "valid_from": "start of validity",
    "valid_until": "end of validity",
    "grant_expires_after": "expiry of granted rewards",
    "alert_thresholds": "alert threshold",
    "on_exceed": "when the budget runs out",
    "max_redemptions": "maximum number of redemptions",
    "once_per_customer": "once per customer",
    "fallback_value": "fallback value",
    "pool_low_threshold": "low pool alert",
    "promotion_id": "promotion",
    "promocode_id": "promocode",
    "campaign_id": "campaign",
    "customer_id": "customer id",
    "reward_type": "reward type",
    "currency": "currency",
    "default_currency": "default currency",
    "timezone": "time zone",
    "week_start": "week start",
    "unit_name": "unit name",
    "decimals": "decimals",
    "rounding": "rounding",
    "category": "category",
    "description": "description",
    "url": "URL",
    "path": "file path",
    "query": "query",
    "format": "file format",
    "source": "source",
    "kind": "source kind",
    "schedule": "schedule",
    "time": "time",
    "mode": "mode",
    "properties": "properties",
    "tiers": "tiers",
    "condition": "condition",
    "rewards": "reward",
    "count": "count",
    "length": "length",
    "pattern": "pattern",
    "prefix": "prefix",
    "suffix": "suffix",
    "charset": "characters",
    "starts_at": "start",
    "ends_at": "end",
    "external_id": "external id",
    "channel": "channel",
    "email": "e-mail",
    "password": "password",
    "role": "role",
    "type": "type",
    "file": "file",
    "config": "configuration",
    "constraints": "default constraints",
    "reward_constraints": "reward constraints",
    "budgets": "budgets",
}

# A field's label where its parent says more than its own name ("the budget", not "limit").
_IN_CONTEXT: Final = {
    ("reward_budgets", "limit"): "budget",
    ("audience_caps", "limit"): "audience cap",
    ("reward_budgets", "window"): "budget's window",
    ("audience_caps", "window"): "audience cap's window",
    ("per_customer", "max_value"): "per-customer maximum value",
    ("per_customer", "max_grants"): "per-customer maximum number of grants",
    ("per_customer", "window"): "per-customer window",
    ("schedule", "time"): "sync time",
    ("source", "url"): "source URL",
    ("sql", "url"): "database URL",
    ("sql", "query"): "SQL query",
    ("file", "url"): "file's web address",
    ("file", "path"): "file path",
    ("file", "format"): "file format",
    ("source", "query"): "SQL query",
    ("source", "path"): "file path",
}


# Service messages that name fields by their keys: (a part of the message, the words).
_CONTAINS: Final = [
    (
        "needs max_value, max_grants or both",
        "enter a max value, a max number of grants, or both",
    ),
]


def plain(message: str) -> str:
    """The API's message in the words a form shows next to a field."""
    for part, words in _CONTAINS:
        if part in message:
            return words
    for start, words in _EXACT_STARTS:
        if message.startswith(start):
            return words
    if message.startswith("String should match pattern "):
        pattern = message.removeprefix("String should match pattern ").strip("'")
        return _PATTERNS.get(pattern, "contains characters that are not allowed here")
    if message.startswith("Input should be '") or message.startswith('Input should be "'):
        return "choose one of the options offered"
    for start, replacement in _PREFIXES:
        if message.startswith(start):
            rest = message.removeprefix(start)
            return replacement + rest if replacement else plain(rest)
    return message


def label(loc: Sequence[str | int]) -> str:
    """A field's name in words, from the error's location (``("budgets", "reward_budgets",
    0, "limit")`` → ``budget``). Falls back to the last named part with spaces."""
    names = [str(part) for part in loc if not isinstance(part, int) and not str(part).isdigit()]
    names = [n for n in names if n not in ("body", "query", "path") or n == names[-1]]
    if not names:
        return "this field"
    last = names[-1]
    if len(names) > 1 and (names[-2], last) in _IN_CONTEXT:
        return _IN_CONTEXT[(names[-2], last)]
    if len(names) > 1 and names[-2] == "properties":
        return f"property “{last}”"
    return _LABELS.get(last, last.replace("_", " "))


def sentence(loc: Sequence[str | int], message: str) -> str:
    """One problem as a sentence for a banner: ``The budget must be greater than 0``."""
    words = plain(message)
    name = label(loc)
    if words.startswith("required: "):
        return f"Fill in the {name}"
    if words.startswith(("must ", "is ", "has ", "needs ", "can ", "contains ")):
        return f"The {name} {words}"
    if words == message:  # the service's own words, already meant for people
        return words[:1].upper() + words[1:]
    return f"{name[:1].upper()}{name[1:]}: {words}"


def clean_detail(detail: str) -> str:
    """A service's summary without developer paths (``body.tiers.0: …`` → ``tiers.0: …``)
    and pydantic prefixes."""
    text = detail.replace("body.", "").replace("Value error, ", "")
    return text
