"""Time-ordered identifiers (UUIDv7 layout), so that ordering by id is ordering by creation.

Python 3.11's ``uuid`` has no ``uuid7``; this is the RFC 9562 layout: 48 bits of milliseconds,
then random bits. Cursor pagination relies only on ids being unique and totally ordered, which
holds whatever the clock does.
"""

from __future__ import annotations

import os
import time

_MS_MASK = (1 << 48) - 1


def new_id() -> str:
    return _from_parts(time.time_ns() // 1_000_000, os.urandom(10))


def new_ids(count: int) -> list[str]:
    """``count`` ids of this millisecond, from one read of the system's randomness (a big
    commit makes tens of thousands)."""
    ms = time.time_ns() // 1_000_000
    pool = os.urandom(10 * count)
    return [_from_parts(ms, pool[i : i + 10]) for i in range(0, 10 * count, 10)]


def _from_parts(ms: int, random10: bytes) -> str:
    rand = int.from_bytes(random10, "big")
    rand_a = (rand >> 68) & 0xFFF
    rand_b = rand & ((1 << 62) - 1)
    value = ((ms & _MS_MASK) << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return uuid_text(value)


def uuid_text(value: int) -> str:
    """``str(uuid.UUID(int=value))`` without building the object (a grant id per reward)."""
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
