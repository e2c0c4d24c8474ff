from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.validation_summary_rewards_total import ValidationSummaryRewardsTotal


T = TypeVar("T", bound="ValidationSummary")


@_attrs_define
class ValidationSummary:
    """
    Attributes:
        eligible (int):
        ineligible (int):
        rewards_total (ValidationSummaryRewardsTotal):
    """

    eligible: int
    ineligible: int
    rewards_total: ValidationSummaryRewardsTotal
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        eligible = self.eligible

        ineligible = self.ineligible

        rewards_total = self.rewards_total.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "eligible": eligible,
                "ineligible": ineligible,
                "rewards_total": rewards_total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.validation_summary_rewards_total import ValidationSummaryRewardsTotal  # noqa: PLC0415

        d = dict(src_dict)
        eligible = d.pop("eligible")

        ineligible = d.pop("ineligible")

        rewards_total = ValidationSummaryRewardsTotal.from_dict(d.pop("rewards_total"))

        validation_summary = cls(
            eligible=eligible,
            ineligible=ineligible,
            rewards_total=rewards_total,
        )

        validation_summary.additional_properties = d
        return validation_summary

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
