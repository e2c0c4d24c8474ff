"""Wire shapes of validation (SPEC §7, §12 "Validation")."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from openpromo.kit.schema import InputModel, JsonObject, OutputModel, Text

MAX_CONTEXTS = 10_000
MAX_CONTEXT_VALUES = 500  # session or customer values in one context (a scope holds at most 500)
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
    commit: bool = False
    explain: bool = False


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


class ValidationSummary(OutputModel):
    eligible: int
    ineligible: int
    rewards_total: dict[str, str]


class ValidationResponse(OutputModel):
    promotion_id: str | None
    promocode_id: str | None
    commit: bool
    results: list[ValidationResult]
    summary: ValidationSummary
