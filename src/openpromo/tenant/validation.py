"""Validation of tenant metadata against the real registries (IANA tz, ISO 4217, CLDR)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.numbers import is_currency

from openpromo.errors import FieldError


def timezone_error(value: str, loc: tuple[str | int, ...]) -> FieldError | None:
    if not value or ".." in value or value.startswith("/"):
        return FieldError(loc, f"'{value}' is not an IANA time zone", "invalid_timezone")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return FieldError(loc, f"'{value}' is not an IANA time zone", "invalid_timezone")
    return None


def currency_error(value: str, loc: tuple[str | int, ...]) -> FieldError | None:
    if len(value) != 3 or not value.isupper() or not is_currency(value):
        return FieldError(loc, f"'{value}' is not an ISO 4217 currency code", "invalid_currency")
    return None


def locale_error(value: str, loc: tuple[str | int, ...]) -> FieldError | None:
    try:
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return FieldError(loc, f"'{value}' is not a known locale", "invalid_locale")
    return None
