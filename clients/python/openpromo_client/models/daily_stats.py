from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.daily_stats_rewards_total import DailyStatsRewardsTotal


T = TypeVar("T", bound="DailyStats")


@_attrs_define
class DailyStats:
    """
    Attributes:
        date (datetime.date):
        grants_count (int):
        rewards_total (DailyStatsRewardsTotal):
        customers_count (int | Unset):  Default: 0.
        new_customers_count (int | Unset):  Default: 0.
    """

    date: datetime.date
    grants_count: int
    rewards_total: DailyStatsRewardsTotal
    customers_count: int | Unset = 0
    new_customers_count: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        date = self.date.isoformat()

        grants_count = self.grants_count

        rewards_total = self.rewards_total.to_dict()

        customers_count = self.customers_count

        new_customers_count = self.new_customers_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "date": date,
                "grants_count": grants_count,
                "rewards_total": rewards_total,
            }
        )
        if customers_count is not UNSET:
            field_dict["customers_count"] = customers_count
        if new_customers_count is not UNSET:
            field_dict["new_customers_count"] = new_customers_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.daily_stats_rewards_total import DailyStatsRewardsTotal  # noqa: PLC0415

        d = dict(src_dict)
        date = datetime.date.fromisoformat(d.pop("date"))

        grants_count = d.pop("grants_count")

        rewards_total = DailyStatsRewardsTotal.from_dict(d.pop("rewards_total"))

        customers_count = d.pop("customers_count", UNSET)

        new_customers_count = d.pop("new_customers_count", UNSET)

        daily_stats = cls(
            date=date,
            grants_count=grants_count,
            rewards_total=rewards_total,
            customers_count=customers_count,
            new_customers_count=new_customers_count,
        )

        daily_stats.additional_properties = d
        return daily_stats

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
