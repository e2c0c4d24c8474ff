from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.tier_stats_rewards_total import TierStatsRewardsTotal


T = TypeVar("T", bound="TierStats")


@_attrs_define
class TierStats:
    """
    Attributes:
        grants_count (int):
        rewards_total (TierStatsRewardsTotal):
        tier_id (str):
    """

    grants_count: int
    rewards_total: TierStatsRewardsTotal
    tier_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        grants_count = self.grants_count

        rewards_total = self.rewards_total.to_dict()

        tier_id = self.tier_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "grants_count": grants_count,
                "rewards_total": rewards_total,
                "tier_id": tier_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tier_stats_rewards_total import TierStatsRewardsTotal  # noqa: PLC0415

        d = dict(src_dict)
        grants_count = d.pop("grants_count")

        rewards_total = TierStatsRewardsTotal.from_dict(d.pop("rewards_total"))

        tier_id = d.pop("tier_id")

        tier_stats = cls(
            grants_count=grants_count,
            rewards_total=rewards_total,
            tier_id=tier_id,
        )

        tier_stats.additional_properties = d
        return tier_stats

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
