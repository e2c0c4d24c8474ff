"""Wire shapes of grants and promotion stats (SPEC §12 "Grant", "Stats")."""

from __future__ import annotations

from datetime import date, datetime

from openpromo.kit.schema import InputModel, OutputModel


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
