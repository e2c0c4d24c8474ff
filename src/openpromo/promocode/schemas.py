from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from openpromo.kit.schema import INT32_MAX, InputModel, OutputModel, Text
from openpromo.models.promocode import DEFAULT_POOL_LOW_THRESHOLD, MAX_POOL_LOW_THRESHOLD
from openpromo.promocode.generation import DEFAULT_CHARSET
from openpromo.promocode.upload_parser import VALUE_PATTERN

PromocodeType = Literal["shared", "single_use", "bulk"]
ValueStatus = Literal["available", "allocated", "redeemed"]
Value = Annotated[
    str,
    Field(
        pattern=f"^{VALUE_PATTERN}$",
        max_length=64,
        description="1-64 characters from A-Z, a-z, 0-9, '_' and '-'; matched case-insensitively.",
        examples=["XMAS-7KQ2"],
    ),
]

# promocodes.max_redemptions is a 32-bit INTEGER: a larger count was a 500 on PostgreSQL
# (found while checking the fuzz findings, docs/api-conformance.md); no code needs more.


class ValueCounts(OutputModel):
    values: int
    available: int
    allocated: int
    redeemed: int


class Promocode(OutputModel):
    id: str
    name: str
    type: PromocodeType
    value: str | None = Field(description="The value of a shared or single_use promocode.")
    promotion_id: str | None
    hidden: bool
    once_per_customer: bool
    max_redemptions: int | None
    fallback_value: str | None
    redemptions_count: int
    pool_low_threshold: int = Field(
        description="bulk: promocode.pool_low is sent once the unallocated values are this "
        "few (0: never)."
    )
    campaign_ids: list[str]
    counts: ValueCounts
    created_at: datetime
    updated_at: datetime


class PromocodeCreate(InputModel):
    name: Text = Field(min_length=1, max_length=200)
    type: PromocodeType
    value: Value | None = Field(
        default=None, description="Required for shared and single_use; bulk values are uploaded."
    )
    promotion_id: Text | None = Field(default=None, max_length=36)
    hidden: bool = False
    once_per_customer: bool | None = Field(default=None, description="shared only (default true).")
    max_redemptions: int | None = Field(
        default=None, ge=1, le=INT32_MAX, description="shared only."
    )
    fallback_value: Value | None = Field(
        default=None, description="bulk only: handed out when the pool is empty."
    )
    pool_low_threshold: int | None = Field(
        default=None,
        ge=0,
        le=MAX_POOL_LOW_THRESHOLD,
        description=f"bulk only (default {DEFAULT_POOL_LOW_THRESHOLD}): the webhook event "
        "promocode.pool_low is sent once the unallocated values are this few; 0: never.",
    )


class PromocodeUpdate(InputModel):
    """Partial update. ``max_redemptions`` and ``fallback_value`` can be cleared with null."""

    name: Text | None = Field(default=None, min_length=1, max_length=200)
    once_per_customer: bool | None = Field(default=None, description="shared only.")
    max_redemptions: int | None = Field(
        default=None, ge=1, le=INT32_MAX, description="shared only."
    )
    fallback_value: Value | None = Field(default=None, description="bulk only.")
    pool_low_threshold: int | None = Field(
        default=None,
        ge=0,
        le=MAX_POOL_LOW_THRESHOLD,
        description="bulk only: see PromocodeCreate; 0: never (cannot be null).",
    )


class PromocodeTypeChange(InputModel):
    type: PromocodeType


class PromotionAssignment(InputModel):
    promotion_id: Text = Field(max_length=36)


class InvalidLine(OutputModel):
    line: int = Field(description="1-based line number in the uploaded file.")
    value: str
    reason: str


class UploadReport(OutputModel):
    inserted: int = Field(description="Values stored (or that would be, with dry_run).")
    duplicates_in_file: int = Field(
        description="Lines repeating an earlier line's value (case-insensitively)."
    )
    already_existing: int = Field(
        description="Distinct values that already exist in the tenant (any promocode)."
    )
    invalid_count: int
    invalid: list[InvalidLine] = Field(description="The first 1,000 invalid lines.")
    lines: int = Field(description="Lines read, blank ones included.")
    dry_run: bool


class GenerateRequest(InputModel):
    """Either ``length`` (+ ``charset``, ``prefix``, ``suffix``) or ``pattern``."""

    count: int = Field(ge=1, le=10_000_000)
    length: int | None = Field(
        default=None, ge=1, le=64, description="Random characters per value (default 8)."
    )
    charset: Text | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description=f"The characters themselves (default {DEFAULT_CHARSET}).",
    )
    prefix: Text = Field(default="", max_length=63)
    suffix: Text = Field(default="", max_length=63)
    pattern: Text | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="'#' a digit, '?' an upper-case letter, anything else itself.",
        examples=["XMAS-####-????"],
    )


class GenerateReport(OutputModel):
    generated: int
    collisions: int = Field(description="Random values discarded because they already existed.")
    rounds: int


class PromocodeValue(OutputModel):
    value: str
    status: ValueStatus
    customer_id: str | None
    allocated_at: datetime | None
    redeemed_at: datetime | None
