from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.confirm_reward import ConfirmReward


T = TypeVar("T", bound="BatchConfirmItem")


@_attrs_define
class BatchConfirmItem:
    """
    Attributes:
        id (str):
        rewards (list[ConfirmReward] | None | Unset): Lower values per reward type; the rest goes back to budgets and
            limits. Omitted: every reward as reserved.
    """

    id: str
    rewards: list[ConfirmReward] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        rewards: list[dict[str, Any]] | None | Unset
        if isinstance(self.rewards, Unset):
            rewards = UNSET
        elif isinstance(self.rewards, list):
            rewards = []
            for rewards_type_0_item_data in self.rewards:
                rewards_type_0_item = rewards_type_0_item_data.to_dict()
                rewards.append(rewards_type_0_item)

        else:
            rewards = self.rewards

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
            }
        )
        if rewards is not UNSET:
            field_dict["rewards"] = rewards

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.confirm_reward import ConfirmReward  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        def _parse_rewards(data: object) -> list[ConfirmReward] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                rewards_type_0 = []
                _rewards_type_0 = data
                for rewards_type_0_item_data in _rewards_type_0:
                    rewards_type_0_item = ConfirmReward.from_dict(rewards_type_0_item_data)

                    rewards_type_0.append(rewards_type_0_item)

                return rewards_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ConfirmReward] | None | Unset, data)

        rewards = _parse_rewards(d.pop("rewards", UNSET))

        batch_confirm_item = cls(
            id=id,
            rewards=rewards,
        )

        return batch_confirm_item
