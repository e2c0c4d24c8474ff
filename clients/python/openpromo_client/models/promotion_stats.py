from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.budget_stats import BudgetStats
    from ..models.cap_stats import CapStats
    from ..models.daily_stats import DailyStats
    from ..models.promotion_stats_reserved_total import PromotionStatsReservedTotal
    from ..models.promotion_stats_rewards_total import PromotionStatsRewardsTotal
    from ..models.tier_stats import TierStats


T = TypeVar("T", bound="PromotionStats")


@_attrs_define
class PromotionStats:
    """
    Attributes:
        audience_caps (list[CapStats]):
        by_tier (list[TierStats]):
        customers_count (int):
        daily (list[DailyStats]):
        grants_count (int):
        reward_budgets (list[BudgetStats]):
        rewards_total (PromotionStatsRewardsTotal):
        reservations_count (int | Unset):  Default: 0.
        reserved_total (PromotionStatsReservedTotal | Unset):
    """

    audience_caps: list[CapStats]
    by_tier: list[TierStats]
    customers_count: int
    daily: list[DailyStats]
    grants_count: int
    reward_budgets: list[BudgetStats]
    rewards_total: PromotionStatsRewardsTotal
    reservations_count: int | Unset = 0
    reserved_total: PromotionStatsReservedTotal | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        audience_caps = []
        for audience_caps_item_data in self.audience_caps:
            audience_caps_item = audience_caps_item_data.to_dict()
            audience_caps.append(audience_caps_item)

        by_tier = []
        for by_tier_item_data in self.by_tier:
            by_tier_item = by_tier_item_data.to_dict()
            by_tier.append(by_tier_item)

        customers_count = self.customers_count

        daily = []
        for daily_item_data in self.daily:
            daily_item = daily_item_data.to_dict()
            daily.append(daily_item)

        grants_count = self.grants_count

        reward_budgets = []
        for reward_budgets_item_data in self.reward_budgets:
            reward_budgets_item = reward_budgets_item_data.to_dict()
            reward_budgets.append(reward_budgets_item)

        rewards_total = self.rewards_total.to_dict()

        reservations_count = self.reservations_count

        reserved_total: dict[str, Any] | Unset = UNSET
        if not isinstance(self.reserved_total, Unset):
            reserved_total = self.reserved_total.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "audience_caps": audience_caps,
                "by_tier": by_tier,
                "customers_count": customers_count,
                "daily": daily,
                "grants_count": grants_count,
                "reward_budgets": reward_budgets,
                "rewards_total": rewards_total,
            }
        )
        if reservations_count is not UNSET:
            field_dict["reservations_count"] = reservations_count
        if reserved_total is not UNSET:
            field_dict["reserved_total"] = reserved_total

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.budget_stats import BudgetStats  # noqa: PLC0415
        from ..models.cap_stats import CapStats  # noqa: PLC0415
        from ..models.daily_stats import DailyStats  # noqa: PLC0415
        from ..models.promotion_stats_reserved_total import PromotionStatsReservedTotal  # noqa: PLC0415
        from ..models.promotion_stats_rewards_total import PromotionStatsRewardsTotal  # noqa: PLC0415
        from ..models.tier_stats import TierStats  # noqa: PLC0415

        d = dict(src_dict)
        audience_caps = []
        _audience_caps = d.pop("audience_caps")
        for audience_caps_item_data in _audience_caps:
            audience_caps_item = CapStats.from_dict(audience_caps_item_data)

            audience_caps.append(audience_caps_item)

        by_tier = []
        _by_tier = d.pop("by_tier")
        for by_tier_item_data in _by_tier:
            by_tier_item = TierStats.from_dict(by_tier_item_data)

            by_tier.append(by_tier_item)

        customers_count = d.pop("customers_count")

        daily = []
        _daily = d.pop("daily")
        for daily_item_data in _daily:
            daily_item = DailyStats.from_dict(daily_item_data)

            daily.append(daily_item)

        grants_count = d.pop("grants_count")

        reward_budgets = []
        _reward_budgets = d.pop("reward_budgets")
        for reward_budgets_item_data in _reward_budgets:
            reward_budgets_item = BudgetStats.from_dict(reward_budgets_item_data)

            reward_budgets.append(reward_budgets_item)

        rewards_total = PromotionStatsRewardsTotal.from_dict(d.pop("rewards_total"))

        reservations_count = d.pop("reservations_count", UNSET)

        _reserved_total = d.pop("reserved_total", UNSET)
        reserved_total: PromotionStatsReservedTotal | Unset
        if isinstance(_reserved_total, Unset):
            reserved_total = UNSET
        else:
            reserved_total = PromotionStatsReservedTotal.from_dict(_reserved_total)

        promotion_stats = cls(
            audience_caps=audience_caps,
            by_tier=by_tier,
            customers_count=customers_count,
            daily=daily,
            grants_count=grants_count,
            reward_budgets=reward_budgets,
            rewards_total=rewards_total,
            reservations_count=reservations_count,
            reserved_total=reserved_total,
        )

        promotion_stats.additional_properties = d
        return promotion_stats

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
