"""The vocabulary shared by the rules package and its callers.

Kept free of behaviour so that every other module (and every other domain package) can
import it without pulling in the compiler. Property values reach the evaluator as plain
Python objects keyed ``"scope.key"``; this module says which types exist and what a
computed result looks like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal, get_args

PropertyType = Literal["string", "integer", "decimal", "boolean", "date", "datetime", "string_list"]
PROPERTY_TYPES: Final[frozenset[str]] = frozenset(get_args(PropertyType))

Rounding = Literal["down", "half_up", "half_even", "up"]
ROUNDINGS: Final[frozenset[str]] = frozenset(get_args(Rounding))

# Scopes a condition may name. ``context`` is filled by the engine itself (in the tenant's
# timezone), the others come from the tenant's three property schemas.
SCOPES: Final[frozenset[str]] = frozenset({"customer", "session", "context", "promotion"})

BUILTIN_CONTEXT_TYPES: Final[dict[str, PropertyType]] = {
    "context.now": "datetime",
    "context.date": "date",
    "context.weekday": "integer",
    "context.hour": "integer",
    "context.campaign_id": "string",
}

# Decimal places a reward type may declare. Beyond 18 places minor units stop fitting a
# 64-bit integer for any useful amount.
MAX_DECIMALS: Final = 18


@dataclass(frozen=True, slots=True)
class RewardTypeInfo:
    """What the rules need to know about a reward type: its precision and rounding."""

    key: str
    decimals: int
    rounding: Rounding = "down"

    def __post_init__(self) -> None:
        # A bad reward type is the caller's bug, not the promotion author's: fail loudly.
        if isinstance(self.decimals, bool) or not isinstance(self.decimals, int):
            raise TypeError("decimals must be an int")
        if not 0 <= self.decimals <= MAX_DECIMALS:
            raise ValueError(f"decimals must be between 0 and {MAX_DECIMALS}")
        if self.rounding not in ROUNDINGS:
            raise ValueError(f"unknown rounding {self.rounding!r}")


@dataclass(slots=True)
class RewardValue:
    """One computed reward: already rounded and clamped by the formula; may be zero."""

    reward_type: str
    value: Decimal


@dataclass(slots=True)
class TierMatch:
    """The tier that won for one context, with its computed rewards."""

    tier_id: str
    tier_name: str | None
    index: int
    rewards: list[RewardValue] = field(default_factory=list)
