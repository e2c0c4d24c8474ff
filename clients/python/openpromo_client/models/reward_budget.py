from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.reward_budget_on_exceed import RewardBudgetOnExceed
from ..models.reward_budget_window import RewardBudgetWindow
from ..types import UNSET, Unset

T = TypeVar("T", bound="RewardBudget")


@_attrs_define
class RewardBudget:
    """At most ``limit`` of ``reward_type`` granted in each ``window``.

    Attributes:
        limit (float | str): A decimal string such as "5000" or "12.50" (JSON numbers accepted).
        reward_type (str):
        window (RewardBudgetWindow):
        on_exceed (RewardBudgetOnExceed | Unset):  Default: RewardBudgetOnExceed.REJECT.
    """

    limit: float | str
    reward_type: str
    window: RewardBudgetWindow
    on_exceed: RewardBudgetOnExceed | Unset = RewardBudgetOnExceed.REJECT

    def to_dict(self) -> dict[str, Any]:
        limit: float | str
        limit = self.limit

        reward_type = self.reward_type

        window = self.window.value

        on_exceed: str | Unset = UNSET
        if not isinstance(self.on_exceed, Unset):
            on_exceed = self.on_exceed.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "limit": limit,
                "reward_type": reward_type,
                "window": window,
            }
        )
        if on_exceed is not UNSET:
            field_dict["on_exceed"] = on_exceed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_limit(data: object) -> float | str:
            return cast(float | str, data)

        limit = _parse_limit(d.pop("limit"))

        reward_type = d.pop("reward_type")

        window = RewardBudgetWindow(d.pop("window"))

        _on_exceed = d.pop("on_exceed", UNSET)
        on_exceed: RewardBudgetOnExceed | Unset
        if isinstance(_on_exceed, Unset):
            on_exceed = UNSET
        else:
            on_exceed = RewardBudgetOnExceed(_on_exceed)

        reward_budget = cls(
            limit=limit,
            reward_type=reward_type,
            window=window,
            on_exceed=on_exceed,
        )

        return reward_budget
