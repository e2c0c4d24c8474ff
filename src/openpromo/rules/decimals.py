"""Decimal arithmetic for reward values: rounding, minor units and display.

Money never touches a float. Every amount is a ``Decimal``; it is stored as an integer
count of the reward type's minor units (cents for ``decimals=2``) and shown with exactly
``decimals`` places. These helpers are the single place where those conversions happen, so
that the API, the ledger and the rules agree to the last digit.

Arithmetic runs in ``ARITHMETIC``, a private context with enough precision that products
and quotients of any value the compiler accepts are exact; only the explicit rounding step
ever loses digits. It does not depend on (or change) the thread's current context.
"""

from __future__ import annotations

from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from typing import Final

from openpromo.rules.types import MAX_DECIMALS, Rounding

ROUNDING_MODES: Final[dict[str, str]] = {
    "down": ROUND_DOWN,  # toward zero: never over-pay
    "up": ROUND_UP,  # away from zero
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
}

# 100 significant digits: accepted literals have at most 30 integer and 18 fractional
# digits, so a product of two of them is always exact.
ARITHMETIC: Final = Context(
    prec=100,
    rounding=ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

_QUANTA: Final[tuple[Decimal, ...]] = tuple(Decimal(1).scaleb(-d) for d in range(MAX_DECIMALS + 1))


def quantum(decimals: int) -> Decimal:
    """``Decimal('1')``, ``Decimal('0.1')``, ``Decimal('0.01')``… for ``decimals`` places."""
    _check_decimals(decimals)
    return _QUANTA[decimals]


def round_value(value: Decimal, decimals: int, rounding: Rounding) -> Decimal:
    """Round ``value`` to exactly ``decimals`` places with the reward type's rounding.

    ``down`` rounds toward zero and ``up`` away from it, the way ``ROUND_DOWN``/``ROUND_UP``
    do. Raises ``ValueError`` for a non-finite value or an unknown rounding.
    """
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"not a finite Decimal: {value!r}")
    mode = ROUNDING_MODES.get(rounding)
    if mode is None:
        raise ValueError(f"unknown rounding {rounding!r}")
    try:
        return value.quantize(quantum(decimals), rounding=mode, context=ARITHMETIC)
    except ArithmeticError as exc:
        raise ValueError(f"value out of range: {value!r}") from exc


def is_representable(value: Decimal, decimals: int) -> bool:
    """Whether ``value`` has no more than ``decimals`` significant places (``2.50`` has 1)."""
    if not value.is_finite():
        return False
    try:
        return value == value.quantize(quantum(decimals), rounding=ROUND_DOWN, context=ARITHMETIC)
    except ArithmeticError:
        return False


def to_minor_units(value: Decimal, decimals: int) -> int:
    """``Decimal('3.25')`` with 2 decimals → ``325``.

    Refuses (``ValueError``) a value that is not exact at that precision rather than
    rounding it silently: rounding is a business decision made by ``round_value``.
    """
    if not isinstance(value, Decimal) or not is_representable(value, decimals):
        raise ValueError(f"{value!r} is not exact at {decimals} decimal places")
    return int(value.scaleb(decimals, context=ARITHMETIC))


def from_minor_units(n: int, decimals: int) -> Decimal:
    """``325`` with 2 decimals → ``Decimal('3.25')`` (always ``decimals`` places)."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("minor units must be an int")
    _check_decimals(decimals)
    return Decimal(n).scaleb(-decimals, context=ARITHMETIC)


def format_value(value: Decimal, decimals: int) -> str:
    """The wire form of a reward value: exactly ``decimals`` places, no exponent.

    ``format_value(Decimal(20), 0) == "20"``, ``format_value(Decimal(3), 2) == "3.00"``.
    A value with more places than that is refused (``ValueError``): round it first.
    """
    if not isinstance(value, Decimal) or not is_representable(value, decimals):
        raise ValueError(f"{value!r} is not exact at {decimals} decimal places")
    exact = value.quantize(quantum(decimals), context=ARITHMETIC)
    if exact.is_zero():
        exact = exact.copy_abs()  # never show "-0.00"
    return format(exact, "f")


def format_minor(n: int, decimals: int) -> str:
    """``format_value(from_minor_units(n, decimals), decimals)`` by integer arithmetic: the
    validation hot path formats every reward it answers."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("minor units must be an int")
    _check_decimals(decimals)
    if decimals == 0:
        return str(n)
    whole, fraction = divmod(abs(n), 10**decimals)
    return f"{'-' if n < 0 else ''}{whole}.{fraction:0{decimals}d}"


def _check_decimals(decimals: int) -> None:
    if isinstance(decimals, bool) or not isinstance(decimals, int):
        raise TypeError("decimals must be an int")
    if not 0 <= decimals <= MAX_DECIMALS:
        raise ValueError(f"decimals must be between 0 and {MAX_DECIMALS}")
