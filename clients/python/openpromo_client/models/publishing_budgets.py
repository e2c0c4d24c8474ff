from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audience_cap import AudienceCap
    from ..models.audience_selection import AudienceSelection
    from ..models.reward_budget import RewardBudget


T = TypeVar("T", bound="PublishingBudgets")


@_attrs_define
class PublishingBudgets:
    """SPEC §5 publishing budgets of one promotion (validated and stored here; enforced by
    validation). Every list may be empty.

        Attributes:
            alert_thresholds (list[float] | Unset):
            audience_caps (list[AudienceCap] | Unset):
            audience_selection (AudienceSelection | Unset): Who gets in when one batch has more eligible customers than a
                cap has room for:
                ``{"method": "random"}`` or ``{"method": "attribute", "property": "<customer key>",
                "order": "asc" | "desc"}`` (a numeric or date customer property).
            reward_budgets (list[RewardBudget] | Unset):
    """

    alert_thresholds: list[float] | Unset = UNSET
    audience_caps: list[AudienceCap] | Unset = UNSET
    audience_selection: AudienceSelection | Unset = UNSET
    reward_budgets: list[RewardBudget] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        alert_thresholds: list[float] | Unset = UNSET
        if not isinstance(self.alert_thresholds, Unset):
            alert_thresholds = self.alert_thresholds

        audience_caps: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.audience_caps, Unset):
            audience_caps = []
            for audience_caps_item_data in self.audience_caps:
                audience_caps_item = audience_caps_item_data.to_dict()
                audience_caps.append(audience_caps_item)

        audience_selection: dict[str, Any] | Unset = UNSET
        if not isinstance(self.audience_selection, Unset):
            audience_selection = self.audience_selection.to_dict()

        reward_budgets: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.reward_budgets, Unset):
            reward_budgets = []
            for reward_budgets_item_data in self.reward_budgets:
                reward_budgets_item = reward_budgets_item_data.to_dict()
                reward_budgets.append(reward_budgets_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if alert_thresholds is not UNSET:
            field_dict["alert_thresholds"] = alert_thresholds
        if audience_caps is not UNSET:
            field_dict["audience_caps"] = audience_caps
        if audience_selection is not UNSET:
            field_dict["audience_selection"] = audience_selection
        if reward_budgets is not UNSET:
            field_dict["reward_budgets"] = reward_budgets

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audience_cap import AudienceCap  # noqa: PLC0415
        from ..models.audience_selection import AudienceSelection  # noqa: PLC0415
        from ..models.reward_budget import RewardBudget  # noqa: PLC0415

        d = dict(src_dict)
        alert_thresholds = cast(list[float], d.pop("alert_thresholds", UNSET))

        _audience_caps = d.pop("audience_caps", UNSET)
        audience_caps: list[AudienceCap] | Unset = UNSET
        if _audience_caps is not UNSET:
            audience_caps = []
            for audience_caps_item_data in _audience_caps:
                audience_caps_item = AudienceCap.from_dict(audience_caps_item_data)

                audience_caps.append(audience_caps_item)

        _audience_selection = d.pop("audience_selection", UNSET)
        audience_selection: AudienceSelection | Unset
        if isinstance(_audience_selection, Unset):
            audience_selection = UNSET
        else:
            audience_selection = AudienceSelection.from_dict(_audience_selection)

        _reward_budgets = d.pop("reward_budgets", UNSET)
        reward_budgets: list[RewardBudget] | Unset = UNSET
        if _reward_budgets is not UNSET:
            reward_budgets = []
            for reward_budgets_item_data in _reward_budgets:
                reward_budgets_item = RewardBudget.from_dict(reward_budgets_item_data)

                reward_budgets.append(reward_budgets_item)

        publishing_budgets = cls(
            alert_thresholds=alert_thresholds,
            audience_caps=audience_caps,
            audience_selection=audience_selection,
            reward_budgets=reward_budgets,
        )

        return publishing_budgets
