"""The one validator of property values (SPEC §2), pure and reusable.

Customer pushes and imports, session values of validation requests and promotion property
values all go through ``validate_values``. It never raises on input: whatever JSON arrives,
it returns the typed values it could accept and a precise ``FieldError`` for each one it
could not, naming the property, the expected type and the value.

Typed values are plain Python: ``str``, ``int``, ``Decimal``, ``bool``, ``date``, aware
``datetime`` (normalised to UTC) and ``list[str]``. ``to_json_value`` / ``from_json_value``
convert them to and from stored JSON (decimals and dates as ISO strings).

Decisions where the SPEC is silent:

- ``pattern`` must match the **whole** string (``re.fullmatch``).
- Numbers may arrive as JSON numbers or as strings; booleans as ``true``/``false`` or the
  strings ``"true"``/``"false"`` (any case, for CSV sources). An integer property accepts
  ``3`` and ``"3"`` (and the float ``3.0``) but not ``"1.5"`` or ``true``.
- A ``null`` value is kept as ``None`` (callers read it as "unset"); it does not satisfy
  ``required``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal

from openpromo.errors import FieldError
from openpromo.rules.types import PropertyType

Loc = tuple[str | int, ...]

MAX_PATTERN_LENGTH: Final = 500
MAX_STRING_LENGTH: Final = 10_000  # a hard cap even without max_length
MAX_LIST_ITEMS: Final = 1_000
INT_MIN: Final = -(2**63)
INT_MAX: Final = 2**63 - 1
# Decimals with more than 30 digits on either side of the point are refused: nothing sane
# needs them and they would make exact arithmetic and storage unbounded.
MAX_DECIMAL_DIGITS: Final = 30

_INTEGER = re.compile(r"[+-]?\d{1,19}")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


@dataclass(frozen=True)
class PropertyDefinition:
    """One property of a schema, with typed constraints and its regex compiled once.

    ``min``/``max`` are typed like the values (``int``, ``Decimal``, ``date``, ``datetime``);
    ``allowed_values`` holds ``str`` (string, string_list) or ``int`` (integer).
    """

    key: str
    type: PropertyType
    description: str = ""
    required: bool = False
    allowed_values: tuple[Any, ...] | None = None
    min: Any = None
    max: Any = None
    max_length: int | None = None
    pattern: str | None = None
    compiled_pattern: re.Pattern[str] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.pattern is not None:
            object.__setattr__(self, "compiled_pattern", re.compile(self.pattern))
        if self.allowed_values is not None and not isinstance(self.allowed_values, tuple):
            object.__setattr__(self, "allowed_values", tuple(self.allowed_values))


def show(value: Any) -> str:
    """A value as it appears in an error message: short, JSON-like."""
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | Decimal):
        text = str(value)
        return text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return type(value).__name__


class _Invalid(Exception):
    def __init__(self, msg: str, type_: str) -> None:
        super().__init__(msg)
        self.msg = msg
        self.type = type_


def _expected(key: str, type_: str, value: Any) -> _Invalid:
    return _Invalid(f"{key}: expected {type_}, got {show(value)}", "invalid_type")


def _to_string(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _expected(key, "string", value)
    if len(value) > MAX_STRING_LENGTH:
        raise _Invalid(f"{key}: longer than {MAX_STRING_LENGTH} characters", "too_long")
    return value


def _to_integer(key: str, value: Any) -> int:
    if isinstance(value, bool):
        raise _expected(key, "integer", value)
    if isinstance(value, int):
        result = value
    elif isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        result = int(value)
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        result = int(value) if abs(value.adjusted()) <= 19 else INT_MAX + 1
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        result = int(value.strip())
    else:
        raise _expected(key, "integer", value)
    if not INT_MIN <= result <= INT_MAX:
        raise _Invalid(f"{key}: integer {show(value)} is out of range", "out_of_range")
    return result


def _to_decimal(key: str, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _expected(key, "decimal", value)
    try:
        if isinstance(value, Decimal):
            result = value
        elif isinstance(value, int):
            result = Decimal(value)
        elif isinstance(value, float):
            result = Decimal(repr(value))  # the shortest repr: 0.1 -> Decimal("0.1")
        elif isinstance(value, str) and len(value) <= 100 and _DECIMAL.fullmatch(value.strip()):
            result = Decimal(value.strip())
        else:
            raise _expected(key, "decimal", value)
    except (InvalidOperation, ValueError) as exc:
        raise _expected(key, "decimal", value) from exc
    if not result.is_finite():
        raise _expected(key, "decimal", value)
    exponent = result.as_tuple().exponent
    assert isinstance(exponent, int)
    if result and (result.adjusted() >= MAX_DECIMAL_DIGITS or -exponent > MAX_DECIMAL_DIGITS):
        raise _Invalid(f"{key}: decimal {show(value)} is out of range", "out_of_range")
    return result


def _to_boolean(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _expected(key, "boolean", value)


def _to_date(key: str, value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _Invalid(f"{key}: expected date (YYYY-MM-DD), got {show(value)}", "invalid_type")


def _to_datetime(key: str, value: Any) -> datetime:
    parsed: datetime | None = None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and len(value) <= 40 and _DATETIME.fullmatch(value):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise _Invalid(
            f"{key}: expected datetime (ISO 8601 with a time zone), got {show(value)}",
            "invalid_type",
        )
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise _Invalid(
            f"{key}: datetime {show(value)} has no time zone (add Z or an offset)",
            "naive_datetime",
        )
    try:
        return parsed.astimezone(UTC)
    except OverflowError as exc:
        raise _Invalid(f"{key}: datetime {show(value)} is out of range", "out_of_range") from exc


def _to_string_list(key: str, value: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        raise _expected(key, "string_list", value)
    if len(value) > MAX_LIST_ITEMS:
        raise _Invalid(f"{key}: more than {MAX_LIST_ITEMS} items", "too_long")
    items: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise _Invalid(
                f"{key}: expected string_list, item {index} is {show(item)}", "invalid_type"
            )
        if len(item) > MAX_STRING_LENGTH:
            raise _Invalid(f"{key}: item {index} is too long", "too_long")
        items.append(item)
    return items


_CONVERTERS: Final = {
    "string": _to_string,
    "integer": _to_integer,
    "decimal": _to_decimal,
    "boolean": _to_boolean,
    "date": _to_date,
    "datetime": _to_datetime,
    "string_list": _to_string_list,
}


class InvalidValue(ValueError):
    """A value that is not of its type; ``type`` is the machine error type."""

    def __init__(self, msg: str, type_: str) -> None:
        super().__init__(msg)
        self.type = type_


def coerce_value(type_: PropertyType, value: Any, key: str = "value") -> Any:
    """``value`` as the typed Python value of ``type_``; ``InvalidValue`` naming ``key`` if
    not. No constraints are checked (conditions and schema bounds use it)."""
    try:
        return _CONVERTERS[type_](key, value)
    except _Invalid as exc:
        raise InvalidValue(exc.msg, exc.type) from None


def _check_constraints(definition: PropertyDefinition, value: Any) -> None:
    key = definition.key
    if definition.max_length is not None and len(value) > definition.max_length:
        raise _Invalid(
            f"{key}: {show(value)} is longer than {definition.max_length} characters", "too_long"
        )
    if definition.compiled_pattern is not None and not definition.compiled_pattern.fullmatch(value):
        raise _Invalid(
            f"{key}: {show(value)} does not match the pattern {definition.pattern}",
            "pattern_mismatch",
        )
    allowed = definition.allowed_values
    if allowed is not None:
        members = value if definition.type == "string_list" else [value]
        for member in members:
            if member not in allowed:
                listed = ", ".join(show(a) for a in allowed[:20])
                raise _Invalid(
                    f"{key}: {show(member)} is not one of the allowed values ({listed})",
                    "not_allowed",
                )
    if definition.min is not None and value < definition.min:
        raise _Invalid(
            f"{key}: {show(to_json_value(definition.type, value))} is less than the minimum "
            f"{show(to_json_value(definition.type, definition.min))}",
            "less_than_min",
        )
    if definition.max is not None and value > definition.max:
        raise _Invalid(
            f"{key}: {show(to_json_value(definition.type, value))} is greater than the maximum "
            f"{show(to_json_value(definition.type, definition.max))}",
            "greater_than_max",
        )


def validate_value(
    definition: PropertyDefinition, value: Any, loc: Loc = ()
) -> tuple[Any, FieldError | None]:
    """One value against one definition: ``(typed value, None)`` or ``(None, error)``."""
    if value is None:
        return None, None
    try:
        typed = _CONVERTERS[definition.type](definition.key, value)
        _check_constraints(definition, typed)
    except _Invalid as exc:
        return None, FieldError((*loc, definition.key), exc.msg, exc.type)
    return typed, None


def validate_values(
    definitions: Sequence[PropertyDefinition],
    values: Mapping[str, Any],
    *,
    loc: Loc = (),
    check_required: bool = True,
    unknown: Literal["error", "ignore"] = "error",
) -> tuple[dict[str, Any], list[FieldError]]:
    """Check ``values`` against a schema; returns the typed values and every problem.

    Each error's ``loc`` is ``loc + (property key,)``. Unknown keys are an error (or dropped
    with ``unknown="ignore"``); with ``check_required`` every required property must have a
    non-null value. The typed dict holds only the valid values: callers store nothing when
    the error list is not empty.
    """
    by_key = {d.key: d for d in definitions}
    typed: dict[str, Any] = {}
    errors: list[FieldError] = []
    if not isinstance(values, Mapping):
        return {}, [FieldError(loc, f"expected an object, got {show(values)}", "invalid_type")]
    for raw_key, value in values.items():
        key = str(raw_key)
        definition = by_key.get(key)
        if definition is None:
            if unknown == "error":
                errors.append(
                    FieldError((*loc, key), f"{key}: unknown property", "unknown_property")
                )
            continue
        result, error = validate_value(definition, value, loc)
        if error is not None:
            errors.append(error)
        else:
            typed[key] = result
    if check_required:
        for definition in definitions:
            if definition.required and values.get(definition.key) is None:
                errors.append(
                    FieldError(
                        (*loc, definition.key),
                        f"{definition.key}: required {definition.type} is missing",
                        "missing",
                    )
                )
    return typed, errors


def to_json_value(type_: PropertyType, value: Any) -> Any:
    """A typed value as stored and returned JSON."""
    if value is None:
        return None
    if type_ == "decimal":
        return format(value, "f")
    if type_ == "date":
        return value.isoformat()
    if type_ == "datetime":
        return value.isoformat().replace("+00:00", "Z")
    if type_ == "string_list":
        return list(value)
    return value


def from_json_value(type_: PropertyType, value: Any) -> Any:
    """A stored JSON value as its typed Python value (trusted storage: no validation)."""
    if value is None:
        return None
    if type_ == "decimal":
        return Decimal(str(value))
    if type_ == "date":
        return date.fromisoformat(value)
    if type_ == "datetime":
        return datetime.fromisoformat(value).astimezone(UTC)
    if type_ == "string_list":
        return list(value)
    if type_ == "integer":
        return int(value)
    return value
