"""Cursor pagination: ``?limit=&cursor=`` → ``{"items": [...], "next_cursor": …}``.

Cursors are opaque (URL-safe base64 of the last item's sort key). Lists are ordered by a unique
key (ids are time-ordered), so a cursor never skips or repeats an item even while rows are
inserted concurrently.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    # Always sent (null on the last page): required in the published schema, so a generated
    # client reads `str | None`, not a field that may be absent.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    items: list[T]
    next_cursor: str | None = None


class InvalidCursor(ValueError):
    pass


def encode_cursor(key: Any) -> str:
    raw = json.dumps(key, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor("cursor is not valid") from exc


@dataclass
class Slice(Generic[T]):
    """One page as services return it (entry points turn it into a ``Page``)."""

    items: list[T]
    next_cursor: str | None


def slice_rows(rows: Sequence[T], limit: int, key: Callable[[T], Any]) -> Slice[T]:
    """Repositories fetch ``limit + 1`` rows; the extra row only says that a next page exists."""
    items = list(rows[:limit])
    next_cursor = encode_cursor(key(items[-1])) if len(rows) > limit and items else None
    return Slice(items=items, next_cursor=next_cursor)
