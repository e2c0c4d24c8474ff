from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ConfirmReward")


@_attrs_define
class ConfirmReward:
    """
    Attributes:
        reward_type (str):
        value (str): At most the reserved value (a decimal string, e.g. '12.50').
    """

    reward_type: str
    value: str

    def to_dict(self) -> dict[str, Any]:
        reward_type = self.reward_type

        value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reward_type": reward_type,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reward_type = d.pop("reward_type")

        value = d.pop("value")

        confirm_reward = cls(
            reward_type=reward_type,
            value=value,
        )

        return confirm_reward
