"""Wire shapes of validation (SPEC §7, §12 "Validation")."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError

from openpromo.kit.schema import InputModel, JsonObject, OutputModel, Text

MAX_CONTEXTS = 10_000
MAX_RESERVE_FOR = 30 * 86400  # the tenant setting's own bound (tenant.schemas)
MAX_CONTEXT_VALUES = 500  # session or customer values in one context (a scope holds at most 500)


class CommitMode(StrEnum):
    """``commit`` beyond true/false: hold the rewards (docs/reservations.md)."""

    reserve = "reserve"


def _one_commit_error(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """One error named ``commit`` (not one per member of the union)."""
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError(
            "commit_mode", 'Input should be true, false or "reserve"'
        ) from None


Commit = Annotated[bool | CommitMode, WrapValidator(_one_commit_error)]


CODE_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


class ValidationContext(InputModel):
    customer_id: Text = Field(min_length=1, max_length=128)
    session: JsonObject = Field(
        default_factory=dict,
        max_length=MAX_CONTEXT_VALUES,
        description="Session values, checked against the session schema.",
    )
    customer: JsonObject = Field(
        default_factory=dict,
        max_length=MAX_CONTEXT_VALUES,
        description="Customer property values overriding the stored ones for this call only.",
    )
    code: str | None = Field(
        default=None,
        max_length=64,
        pattern=CODE_PATTERN,
        description="A promocode value this customer presents (bulk pools: the value to redeem).",
    )
    reference: Text | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Makes this context idempotent: the same (promotion, reference) returns the "
        "grants already made.",
    )


class ValidateRequest(InputModel):
    contexts: list[ValidationContext] = Field(min_length=1, max_length=MAX_CONTEXTS)
    campaign_id: Text | None = Field(default=None, max_length=36)
    commit: Commit = Field(
        default=False,
        description='false: a dry run; true: grant; "reserve": hold the rewards and every '
        "limit they use until confirmed or released (docs/reservations.md).",
    )
    explain: bool = False
    reserve_for: int | None = Field(
        default=None,
        ge=1,
        le=MAX_RESERVE_FOR,
        description='With commit "reserve": seconds to hold the reservation (at most the '
        "tenant's reservation_max_seconds; default its reservation_default_seconds).",
    )


class ValidateByCodeRequest(ValidateRequest):
    code: str = Field(
        pattern=CODE_PATTERN, max_length=64, description="A promocode value (case-insensitive)."
    )


class Reason(OutputModel):
    code: str
    detail: str
    reward_type: str | None = None
    errors: list[dict[str, Any]] | None = None


class TierRef(OutputModel):
    id: str
    name: str | None


class RewardOut(OutputModel):
    reward_type: str
    value: str


class ValidationResult(OutputModel):
    customer_id: str
    eligible: bool
    tier: TierRef | None
    rewards: list[RewardOut]
    code: str | None
    grant_ids: list[str]
    reasons: list[Reason]
    reference: str | None = None
    trace: list[dict[str, Any]] | None = None
    reservation_id: str | None = Field(
        default=None, description='commit "reserve": the reservation holding grant_ids.'
    )
    reserved_until: datetime | None = Field(
        default=None, description="When the reservation is released unless confirmed (UTC)."
    )


class ValidationSummary(OutputModel):
    eligible: int
    ineligible: int
    rewards_total: dict[str, str]


class ValidationResponse(OutputModel):
    promotion_id: str | None
    promocode_id: str | None
    commit: bool | CommitMode
    results: list[ValidationResult]
    summary: ValidationSummary
