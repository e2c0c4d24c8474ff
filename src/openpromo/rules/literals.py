"""Parsing of the literal values written in rules (condition values, formula numbers).

Rules arrive as JSON, where numbers travel as decimal strings (plain JSON numbers are
accepted too). Each literal is parsed once, at compile time, into the Python value the
evaluator compares against, and into the canonical JSON form that is stored:

========== ======================================= ====================================
type       accepted                                 stored as
========== ======================================= ====================================
integer    ``5``, ``"5"``, ``"-12"``                ``"5"``
decimal    ``5``, ``1.5``, ``"1.50"``, ``"1e2"``    ``"5"``, ``"1.5"``, ``"1.50"``, ``"100"``
boolean    ``true`` / ``false``                     unchanged
string     any string (≤ 1000 characters)          unchanged
date       ``"2026-12-01"``                         unchanged
datetime   ISO 8601 *with* an offset (or ``Z``)     ``"2026-12-01T00:00:00+00:00"``
========== ======================================= ====================================

Floats are converted through their shortest ``repr`` (``0.1`` → ``"0.1"``), never through
their binary value; NaN, infinities and booleans are refused. Sizes are bounded (30
integer digits, 18 decimal places) so that arithmetic stays exact and cheap.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from openpromo.rules.types import PropertyType

MAX_INTEGER_DIGITS: Final = 30
MAX_FRACTION_DIGITS: Final = 18
MAX_STRING_LENGTH: Final = 1000

_DECIMAL_RE: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?")
_INTEGER_RE: Final = re.compile(r"[+-]?\d{1,30}")
_DATE_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


class LiteralError(ValueError):
    """A literal that does not fit its expected type; the message is shown to the author."""


def parse_decimal(raw: Any) -> Decimal:
    """A bounded, finite ``Decimal`` from a JSON number or decimal string."""
    if isinstance(raw, bool):
        raise LiteralError("expected a decimal number, got a boolean")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise LiteralError("expected a finite decimal number")
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        if len(raw) > 64 or not _DECIMAL_RE.fullmatch(raw):
            raise LiteralError(f'expected a decimal number such as "12.50", got {_show(raw)}')
        try:
            value = Decimal(raw)
        except InvalidOperation as exc:  # pragma: no cover - the regex already guards
            raise LiteralError(f"expected a decimal number, got {_show(raw)}") from exc
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            raise LiteralError("expected a finite decimal number")
        value = raw
    else:
        raise LiteralError(f"expected a decimal number, got {_json_kind(raw)}")
    if value.is_zero():
        value = abs(value) if value.adjusted() <= 0 else Decimal(0)  # no -0, no 0E+9
    elif value.adjusted() >= MAX_INTEGER_DIGITS:
        raise LiteralError(f"number too large (at most {MAX_INTEGER_DIGITS} integer digits)")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite, checked above
    if exponent < -MAX_FRACTION_DIGITS:
        raise LiteralError(f"too many decimal places (at most {MAX_FRACTION_DIGITS})")
    return value


def decimal_to_json(value: Decimal) -> str:
    """Plain notation, scale kept: ``1E+2`` → ``"100"``, ``1.50`` → ``"1.50"``, never ``-0``."""
    text = format(value, "f")
    return text[1:] if value.is_zero() and text.startswith("-") else text


def parse_integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise LiteralError("expected an integer, got a boolean")
    if isinstance(raw, int):
        if abs(raw) >= 10**MAX_INTEGER_DIGITS:
            raise LiteralError(f"integer too large (at most {MAX_INTEGER_DIGITS} digits)")
        return raw
    if isinstance(raw, str) and _INTEGER_RE.fullmatch(raw):
        return int(raw)
    raise LiteralError(f"expected an integer, got {_show(raw)}")


def parse_string(raw: Any) -> str:
    if not isinstance(raw, str):
        raise LiteralError(f"expected a string, got {_json_kind(raw)}")
    if len(raw) > MAX_STRING_LENGTH:
        raise LiteralError(f"string too long (at most {MAX_STRING_LENGTH} characters)")
    return raw


def parse_boolean(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise LiteralError(f"expected true or false, got {_show(raw)}")
    return raw


def parse_date(raw: Any) -> date:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str) and _DATE_RE.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise LiteralError(f"expected a date as YYYY-MM-DD, got {_show(raw)}")


def parse_datetime(raw: Any) -> datetime:
    value: datetime | None = None
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str) and 10 < len(raw) <= 64 and raw[:4].isdigit():
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            value = None
    if value is None:
        raise LiteralError(
            f"expected an ISO 8601 date-time with an offset, such as "
            f'"2026-12-01T00:00:00Z", got {_show(raw)}'
        )
    if value.utcoffset() is None:
        raise LiteralError('date-time needs a UTC offset (e.g. "Z" or "+01:00")')
    return value


def parse_literal(ptype: PropertyType, raw: Any) -> tuple[Any, Any]:
    """``(python_value, canonical_json)`` of ``raw`` read as a value of ``ptype``.

    For ``string_list`` a single literal is one element, i.e. a string.
    """
    if ptype == "integer":
        number = parse_integer(raw)
        return number, str(number)
    if ptype == "decimal":
        amount = parse_decimal(raw)
        return amount, decimal_to_json(amount)
    if ptype == "boolean":
        flag = parse_boolean(raw)
        return flag, flag
    if ptype in ("string", "string_list"):
        text = parse_string(raw)
        return text, text
    if ptype == "date":
        day = parse_date(raw)
        return day, day.isoformat()
    if ptype == "datetime":
        moment = parse_datetime(raw)
        return moment, moment.isoformat()
    raise ValueError(f"unknown property type {ptype!r}")  # a caller bug, not an author's


def _json_kind(raw: Any) -> str:
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "a boolean"
    if isinstance(raw, int | float | Decimal):
        return "a number"
    if isinstance(raw, str):
        return "a string"
    if isinstance(raw, list | tuple):
        return "a list"
    if isinstance(raw, dict):
        return "an object"
    return type(raw).__name__


def _show(raw: Any) -> str:
    if isinstance(raw, str):
        return repr(raw if len(raw) <= 40 else raw[:40] + "…")
    return _json_kind(raw)
