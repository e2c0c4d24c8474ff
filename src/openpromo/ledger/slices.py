"""Counter slices (docs/hot-promotions.md): pure arithmetic, no I/O.

A promotion-wide audience cap or reward budget counter (``<promotion>:cap:<window>``,
``<promotion>:budget:<type>:<window>``) may be held in several rows of one (key,
window_start), its *slices*, each with its own ``used`` and its share of the limit
(``limit_value``, CHECK ``0 <= used <= limit_value`` per row). The counter's ``used`` is the
sum over its slices and the sum of their ``limit_value`` is its limit, always: every change
is one transaction's guarded update of rows it holds locked.

A commit takes a counter in one of two ways:

* **one slice** (``Light``): the first slice, from a per-transaction starting point, that no
  other transaction holds (``FOR UPDATE SKIP LOCKED``) and whose own headroom covers the
  most the commit could consume there (``need``: its candidates' places or values). Whatever
  the plan grants then fits in that slice, and since the counter's total headroom is at
  least the slice's, the answer is the one the whole counter would give. Concurrent commits
  take different slices and do not wait on each other.
* **every slice** (``Full``), locked in slice order: when no free slice has room enough (few
  places or euros left, or the batch is big), or the slices' limits do not add up to the
  configured limit (it changed). The commit plans against the exact total, and its write
  moves headroom between the slices (``spread``): the consumption goes into one slice and the
  remaining headroom is shared out evenly again, so the next commits find free slices with
  room. A truncating budget with 3 euros left spread over 8 slices therefore still grants 3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SliceRow = tuple[int, int, int]  # (slice, used, limit_value)


def is_sliced(key: str) -> bool:
    """A promotion-wide cap or budget counter (the rows every commit of a promotion takes)."""
    parts = key.split(":", 2)
    return len(parts) == 3 and parts[1] in ("cap", "budget")


@dataclass(frozen=True, slots=True)
class Light:
    """One slice held: its headroom is what this transaction may consume."""

    slice: int
    used: int
    limit: int
    total_used: int  # the counter's used over every slice, as this transaction saw it

    @property
    def room(self) -> int:
        return self.limit - self.used


@dataclass(frozen=True, slots=True)
class Full:
    """Every slice held (slice order)."""

    rows: tuple[SliceRow, ...]

    @property
    def used(self) -> int:
        return sum(u for _, u, _ in self.rows)

    @property
    def limit(self) -> int:
        return sum(lim for _, _, lim in self.rows)


def ensure_rows(limit: int, slices: int) -> list[tuple[int, int]]:
    """(slice, limit_value) of a new counter: all the limit in slice 0, the others empty —
    the first commit that takes every slice shares the headroom out (``spread``). Rows that
    exist already are kept (``ON CONFLICT DO NOTHING``): a counter from before slicing is
    its slice 0."""
    return [(0, limit)] + [(s, 0) for s in range(1, slices)]


def spread(rows: Sequence[SliceRow], amount: int, limit: int) -> dict[int, tuple[int, int]]:
    """A commit holding every slice consumes ``amount`` of a counter whose configured limit
    is ``limit``: slice -> (amount to add, its new limit_value). The amount goes into the
    first slice; the headroom left (``limit`` - used - amount) is shared evenly, so the new
    limit values add up to ``limit`` and each stays at or above its slice's used."""
    ordered = sorted(rows)
    used = sum(u for _, u, _ in ordered) + amount
    room = limit - used
    if room < 0:
        raise ValueError(f"{amount} more would take the counter over its limit {limit}")
    share, extra = divmod(room, len(ordered))
    out: dict[int, tuple[int, int]] = {}
    for i, (number, slice_used, _) in enumerate(ordered):
        add = amount if i == 0 else 0
        out[number] = (add, slice_used + add + share + (1 if i < extra else 0))
    return out


def take_back(rows: Sequence[SliceRow], amount: int) -> dict[int, int]:
    """Give ``amount`` back to a counter: slice -> how much to subtract, from the slices
    that used most first (nothing when the counter used less than ``amount``)."""
    if sum(u for _, u, _ in rows) < amount:
        return {}
    out: dict[int, int] = {}
    left = amount
    for number, used, _ in sorted(rows, key=lambda r: (-r[1], r[0])):
        if left <= 0:
            break
        take = min(used, left)
        if take:
            out[number] = take
            left -= take
    return out
