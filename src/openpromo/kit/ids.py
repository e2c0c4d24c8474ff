"""Time-ordered identifiers (UUIDv7 layout), so that ordering by id is ordering by creation.

Python 3.11's ``uuid`` has no ``uuid7``; this is the RFC 9562 layout: 48 bits of milliseconds,
then random bits. Cursor pagination relies only on ids being unique and totally ordered, which
holds whatever the clock does.
"""

from __future__ import annotations

import os
import time
import uuid

_MS_MASK = (1 << 48) - 1


def new_id() -> str:
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    rand_a = (rand >> 68) & 0xFFF
    rand_b = rand & ((1 << 62) - 1)
    value = ((ms & _MS_MASK) << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return str(uuid.UUID(int=value))
