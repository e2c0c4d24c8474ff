"""Pydantic base classes and bounded input types shared by every domain's ``schemas.py``.

Every request body is an ``InputModel`` (unknown fields are refused) whose fields use the
bounded types below, so that no input can reach the database unbounded: strings have a
maximum length and no control characters (PostgreSQL refuses NUL in text and JSON), integers
fit a 64-bit column, free-form JSON (customer properties, contexts, tiers…) is walked once
for the same rules. docs/limits.md lists the limits; the OpenAPI shows them (``maxLength``,
``pattern``, ``maximum``, ``maxItems``); tests/api/test_input_bounds.py checks that every
request schema is bounded.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

# C0 control characters except tab, line feed and carriage return, and DEL. NUL first of all:
# PostgreSQL's text and jsonb refuse it (a 500 before this check).
CONTROL_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
# The same as a JSON-schema/regex source (escaped, so the OpenAPI document stays readable).
NO_CONTROL_PATTERN = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
CONTROL_MESSAGE = (
    "control characters are not allowed (U+0000-U+001F other than tab, line feed and "
    "carriage return, and U+007F)"
)

TEXT_MAX_LENGTH = 10_000  # any string field without a tighter limit
KEY_MAX_LENGTH = 200  # an object key inside free-form JSON
JSON_MAX_DEPTH = 32  # nesting of free-form JSON
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
INT32_MAX = 2**31 - 1  # an INTEGER column

# A string without control characters (a pattern, so the check runs in pydantic-core's Rust
# regex). Its field gives the maximum length: ``name: Text = Field(max_length=200)``
# (an ``Annotated`` constraint would win over the field's own, so Text carries none).
Text = Annotated[str, Field(pattern=NO_CONTROL_PATTERN)]


DECIMAL_MAX_LENGTH = 64
DECIMAL_PATTERN = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$"


def _short_decimal_text(value: Any) -> Any:
    if isinstance(value, str) and len(value) > DECIMAL_MAX_LENGTH:
        raise PydanticCustomError(
            "string_too_long",
            "a decimal string has at most {max_length} characters",
            {"max_length": DECIMAL_MAX_LENGTH},
        )
    return value


def bounded_decimal(maximum: int | float) -> Any:
    """The pieces for a Decimal field taken as a JSON number or a decimal string below
    ``maximum``: a string is at most DECIMAL_MAX_LENGTH characters, and the OpenAPI says so
    (pydantic's own schema gives the string branch no bounds)."""
    return (
        BeforeValidator(_short_decimal_text),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "number", "exclusiveMaximum": maximum},
                    {
                        "type": "string",
                        "maxLength": DECIMAL_MAX_LENGTH,
                        "pattern": DECIMAL_PATTERN,
                    },
                ]
            },
            mode="validation",
        ),
    )


def json_problem(value: Any, path: tuple[str | int, ...] = (), depth: int = 0) -> Any:
    """The first problem inside free-form JSON as ``(path, type, message)``, else None."""
    if isinstance(value, str):
        if len(value) > TEXT_MAX_LENGTH:
            return path, "string_too_long", f"at most {TEXT_MAX_LENGTH} characters"
        if not value.isprintable() and _CONTROL.search(value):
            return path, "control_character", CONTROL_MESSAGE
        return None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            return path, "int_out_of_range", "an integer must fit 64 bits (|n| < 2**63)"
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else (path, "finite_number", "must be finite")
    if depth >= JSON_MAX_DEPTH:
        return path, "too_deep", f"nested more than {JSON_MAX_DEPTH} levels"
    if isinstance(value, dict):
        for key, item in value.items():
            if len(key) > KEY_MAX_LENGTH:
                return (*path, key[:50]), "key_too_long", f"keys have at most {KEY_MAX_LENGTH}"
            if not key.isprintable() and _CONTROL.search(key):
                return (*path, key), "control_character", CONTROL_MESSAGE
            if (found := json_problem(item, (*path, key), depth + 1)) is not None:
                return found
        return None
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (found := json_problem(item, (*path, index), depth + 1)) is not None:
                return found
    return None


def _plain_scalars(value: dict[str, Any]) -> bool:
    """True when every key and value of a flat object is plainly fine: the fast path for
    contexts' session and customer values (10,000 per call), ~0.5 µs for a few values."""
    for key, item in value.items():
        if len(key) > KEY_MAX_LENGTH or not key.isprintable():
            return False
        kind = type(item)
        if kind is str:
            if len(item) > TEXT_MAX_LENGTH or not item.isprintable():
                return False
        elif kind is int:
            if not INT64_MIN <= item <= INT64_MAX:
                return False
        elif kind is float:
            if not math.isfinite(item):
                return False
        elif kind is not bool and item is not None:
            return False  # a list or an object: walked in full
    return True


def _check_json(value: Any) -> Any:
    if type(value) is dict and _plain_scalars(value):
        return value
    found = json_problem(value)
    if found is not None:
        path, type_, message = found
        # ``at`` is the path inside the field: the API's 422 handler appends it to ``loc``.
        raise PydanticCustomError(type_, message, {"at": list(path)})
    return value


# Free-form JSON objects and lists (their shape is checked later against a schema).
JsonObject = Annotated[dict[str, Any], AfterValidator(_check_json)]
JsonList = Annotated[list[Any], AfterValidator(_check_json)]
JsonValue = Annotated[Any, AfterValidator(_check_json)]


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
