"""Wire shapes of grants and promotion stats (SPEC §12 "Grant", "Stats")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from openpromo.kit.schema import InputModel, OutputModel, Text


class Grant(OutputModel):
    id: str
    customer_id: str
    promotion_id: str
    promotion_version: int
    promocode_id: str | None
    code: str | None
    campaign_id: str | None
    tier_id: str
    reward_type: str
    value: str
    status: str
    reference: str | None
    created_at: datetime
    expires_at: datetime | None
    reversed_at: datetime | None
    reserved_until: datetime | None = None
    released_at: datetime | None = None
    reservation_id: str | None = Field(
        default=None, description="The reservation this grant was made by, if any."
    )


class GrantReverse(InputModel):
    release_code: bool = True


class TierStats(OutputModel):
    tier_id: str
    grants_count: int
    rewards_total: dict[str, str]


class CapStats(OutputModel):
    window: str
    limit: int
    used: int
    window_start: datetime


class BudgetStats(OutputModel):
    reward_type: str
    window: str
    limit: str
    used: str
    window_start: datetime


class DailyStats(OutputModel):
    date: date
    grants_count: int
    rewards_total: dict[str, str]
    # Distinct customers with a live grant that day, and those whose first live grant in
    # the promotion was that day (their running sum is the lifetime audience use).
    customers_count: int = 0
    new_customers_count: int = 0


class PromotionStats(OutputModel):
    grants_count: int
    customers_count: int
    rewards_total: dict[str, str]
    by_tier: list[TierStats]
    audience_caps: list[CapStats]
    reward_budgets: list[BudgetStats]
    daily: list[DailyStats]
    # Held reservations (docs/reservations.md): not in the counts above, but in caps' and
    # budgets' ``used``.
    reservations_count: int = 0
    reserved_total: dict[str, str] = Field(default_factory=dict)


class ConfirmReward(InputModel):
    reward_type: Text = Field(max_length=64)
    value: Text = Field(
        max_length=40, description="At most the reserved value (a decimal string, e.g. '12.50')."
    )


class ReservationConfirm(InputModel):
    rewards: list[ConfirmReward] | None = Field(
        default=None,
        max_length=50,
        description="Lower values per reward type; the rest goes back to budgets and limits. "
        "Omitted: every reward as reserved.",
    )


class Reservation(OutputModel):
    id: str
    status: Literal["reserved", "granted", "released"]
    customer_id: str
    promotion_id: str
    reserved_until: datetime | None
    grants: list[Grant]


class BatchConfirmItem(ReservationConfirm):
    id: Text = Field(min_length=1, max_length=36)


class BatchConfirm(InputModel):
    reservations: list[BatchConfirmItem] = Field(min_length=1, max_length=1000)


class BatchReleaseItem(InputModel):
    id: Text = Field(min_length=1, max_length=36)


class BatchRelease(InputModel):
    reservations: list[BatchReleaseItem] = Field(min_length=1, max_length=1000)


class BatchItemResult(OutputModel):
    id: str
    status: str | None = Field(
        description="The reservation's status after the call; null when it was not found."
    )
    reservation: Reservation | None = None
    problem: dict[str, Any] | None = Field(
        default=None,
        title="Refusal",
        description="Why this item was refused (a problem body), if it was.",
    )


class BatchResult(OutputModel):
    results: list[BatchItemResult]
