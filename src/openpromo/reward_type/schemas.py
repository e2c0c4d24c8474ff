"""Wire shapes of reward types (SPEC §12) and of reward constraints (SPEC §5).

``RewardConstraints`` and ``PerCustomerLimit`` are shared: a reward type holds them as its
defaults and a promotion overrides them per reward type. Field-level rules (types, signs,
windows, the duration format) are checked here by Pydantic; rules that need the reward
type's ``decimals`` or compare two fields are in ``validate_constraints_for`` so that their
errors name the exact field.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, PlainSerializer, field_validator

from openpromo.errors import FieldError
from openpromo.kit.durations import parse_duration
from openpromo.kit.schema import InputModel, OutputModel, Text, bounded_decimal
from openpromo.models import RewardType as RewardTypeModel
from openpromo.rules.decimals import is_representable

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
MAX_DECIMALS = 6
# Values are stored as integer minor units: 10**12 with 6 decimals still fits a 64-bit integer.
MAX_VALUE = Decimal(10) ** 12

Category = Literal["amount", "unit"]
RoundingMode = Literal["down", "half_up", "half_even", "up"]
RewardTypeStatus = Literal["active", "archived"]
Window = Literal["day", "week", "month", "lifetime", "rolling_24h", "rolling_7d", "rolling_30d"]


def decimal_string(value: Decimal) -> str:
    """A Decimal as a plain JSON string: ``Decimal('1E+2')`` → ``"100"``, never an exponent."""
    return format(value, "f")


# A decimal amount: accepted as a JSON number or a string, never NaN or infinite, always
# written back as a plain decimal string. JSON floats are converted through their shortest
# repr (0.1 → Decimal("0.1")), so no binary-float noise gets in.
DecimalAmount = Annotated[
    Decimal,
    *bounded_decimal(int(MAX_VALUE)),
    Field(allow_inf_nan=False, lt=MAX_VALUE),
    PlainSerializer(decimal_string, return_type=str, when_used="json"),
]
Key = Annotated[
    str, Field(pattern=KEY_PATTERN, max_length=64, description="`^[a-z][a-z0-9_]{0,63}$`")
]


class PerCustomerLimit(InputModel):
    """At most ``max_value`` in total and/or ``max_grants`` grants per customer per window."""

    window: Window
    max_value: DecimalAmount | None = Field(default=None, gt=0)
    max_grants: int | None = Field(default=None, ge=1, le=1_000_000_000)


class RewardConstraints(InputModel):
    """SPEC §5 reward constraints. Every field is optional; absent means "no limit"."""

    min_value: DecimalAmount | None = Field(default=None, ge=0)
    max_value: DecimalAmount | None = Field(default=None, gt=0)
    per_customer: list[PerCustomerLimit] = Field(default_factory=list, max_length=20)
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None
    grant_expires_after: Text | None = Field(
        default=None,
        max_length=40,
        description="ISO 8601 duration of weeks, days, hours, minutes, seconds: P30D, PT12H, P2W",
        examples=["P30D"],
    )

    @field_validator("grant_expires_after")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)  # its ValueError becomes a 422 naming this field
        return value

    def to_json(self) -> dict[str, Any]:
        """The stored and returned document: decimals as strings, datetimes in ISO 8601."""
        return self.model_dump(mode="json")


def validate_constraints_for(
    constraints: RewardConstraints, decimals: int, loc: Sequence[str | int]
) -> list[FieldError]:
    """The checks that need the reward type's ``decimals`` or compare fields.

    ``loc`` is where ``constraints`` sits in the request (e.g. ``("body", "constraints")``);
    every error's loc extends it with the offending field. Pure: no I/O.
    """
    base = tuple(loc)
    errors: list[FieldError] = []

    def places(value: Decimal | None, where: tuple[str | int, ...]) -> None:
        if value is not None and not is_representable(value, decimals):
            errors.append(
                FieldError(
                    base + where,
                    f"{decimal_string(value)} has more than {decimals} decimal places "
                    f"(the reward type's decimals)",
                    "too_many_decimals",
                )
            )

    places(constraints.min_value, ("min_value",))
    places(constraints.max_value, ("max_value",))
    if (
        constraints.min_value is not None
        and constraints.max_value is not None
        and constraints.min_value > constraints.max_value
    ):
        errors.append(
            FieldError(
                (*base, "min_value"),
                f"min_value {decimal_string(constraints.min_value)} is greater than max_value "
                f"{decimal_string(constraints.max_value)}",
                "min_greater_than_max",
            )
        )
    seen: set[str] = set()
    for index, limit in enumerate(constraints.per_customer):
        where: tuple[str | int, ...] = ("per_customer", index)
        if limit.window in seen:
            errors.append(
                FieldError(
                    (*base, *where, "window"),
                    f"window {limit.window} appears more than once",
                    "duplicate_window",
                )
            )
        seen.add(limit.window)
        if limit.max_value is None and limit.max_grants is None:
            errors.append(
                FieldError(
                    base + where,
                    "a per-customer limit needs max_value, max_grants or both",
                    "missing",
                )
            )
        places(limit.max_value, (*where, "max_value"))
    if (
        constraints.valid_from is not None
        and constraints.valid_until is not None
        and constraints.valid_from >= constraints.valid_until
    ):
        errors.append(
            FieldError(
                (*base, "valid_until"),
                "valid_until must be later than valid_from",
                "invalid_window",
            )
        )
    return errors


class RewardTypeCreate(InputModel):
    key: Key
    name: Text = Field(min_length=1, max_length=200)
    display_name: Text | None = Field(
        default=None, min_length=1, max_length=200, description="Defaults to `name`."
    )
    description: Text = Field(default="", max_length=5000)
    category: Category
    currency: Text | None = Field(
        max_length=16,
        default=None,
        description="ISO 4217, amount types only; defaults to the tenant's default currency.",
    )
    unit_name: Text | None = Field(
        default=None, min_length=1, max_length=100, description="Unit types only, e.g. 'spin'."
    )
    decimals: int | None = Field(
        default=None,
        ge=0,
        le=MAX_DECIMALS,
        description="Decimal places of a value; default 2 for amounts, 0 for units.",
    )
    rounding: RoundingMode = "down"
    constraints: RewardConstraints = Field(default_factory=RewardConstraints)


class RewardTypeUpdate(InputModel):
    """Partial update, all-or-nothing. ``status: "active"`` brings an archived type back;
    ``status: "archived"`` archives it. ``category``, ``currency`` and ``decimals`` change
    only while no promotion uses the type (409 otherwise)."""

    name: Text | None = Field(default=None, min_length=1, max_length=200)
    display_name: Text | None = Field(default=None, min_length=1, max_length=200)
    description: Text | None = Field(default=None, max_length=5000)
    category: Category | None = None
    currency: Text | None = Field(default=None, max_length=16)
    unit_name: Text | None = Field(default=None, min_length=1, max_length=100)
    decimals: int | None = Field(default=None, ge=0, le=MAX_DECIMALS)
    rounding: RoundingMode | None = None
    constraints: RewardConstraints | None = None
    status: RewardTypeStatus | None = None


class PerCustomerLimitOut(OutputModel):
    window: Window
    max_value: str | None = None
    max_grants: int | None = None


class RewardConstraintsOut(OutputModel):
    min_value: str | None = None
    max_value: str | None = None
    per_customer: list[PerCustomerLimitOut] = Field(default_factory=list)
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    grant_expires_after: str | None = None


class RewardType(OutputModel):
    key: str
    name: str
    display_name: str
    description: str
    category: Category
    currency: str | None
    unit_name: str | None
    decimals: int
    rounding: RoundingMode
    constraints: RewardConstraintsOut
    status: RewardTypeStatus
    archived_at: datetime | None
    image_url: str | None = Field(description="Where to GET the image; null when there is none.")
    created_at: datetime
    updated_at: datetime


def image_url(key: str) -> str:
    return f"/v1/reward-types/{key}/image"


def reward_type_out(reward_type: RewardTypeModel) -> RewardType:
    """The wire shape of a stored reward type (``image_url`` is derived)."""
    return RewardType.model_validate(
        {
            "key": reward_type.key,
            "name": reward_type.name,
            "display_name": reward_type.display_name,
            "description": reward_type.description,
            "category": reward_type.category,
            "currency": reward_type.currency,
            "unit_name": reward_type.unit_name,
            "decimals": reward_type.decimals,
            "rounding": reward_type.rounding,
            "constraints": reward_type.constraints or {},
            "status": reward_type.status,
            "archived_at": reward_type.archived_at,
            "image_url": image_url(reward_type.key) if reward_type.image_content_type else None,
            "created_at": reward_type.created_at,
            "updated_at": reward_type.updated_at,
        }
    )
