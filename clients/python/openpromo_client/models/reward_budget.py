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
        alert_thresholds (list[float] | None | Unset): Shares of the limit (0-1] that send limit.threshold_reached once
            per window; omitted: the promotion's alert_thresholds, else 0.5, 0.8 and 1.0.
        deactivate_at (float | None | Unset): Kill switch: deactivate the promotion (audited, with its
            promotion.deactivated event) when this share of the limit is reached in a window.
        on_exceed (RewardBudgetOnExceed | Unset):  Default: RewardBudgetOnExceed.REJECT.
    """

    limit: float | str
    reward_type: str
    window: RewardBudgetWindow
    alert_thresholds: list[float] | None | Unset = UNSET
    deactivate_at: float | None | Unset = UNSET
    on_exceed: RewardBudgetOnExceed | Unset = RewardBudgetOnExceed.REJECT

    def to_dict(self) -> dict[str, Any]:
        limit: float | str
        limit = self.limit

        reward_type = self.reward_type

        window = self.window.value

        alert_thresholds: list[float] | None | Unset
        if isinstance(self.alert_thresholds, Unset):
            alert_thresholds = UNSET
        elif isinstance(self.alert_thresholds, list):
            alert_thresholds = self.alert_thresholds

        else:
            alert_thresholds = self.alert_thresholds

        deactivate_at: float | None | Unset
        if isinstance(self.deactivate_at, Unset):
            deactivate_at = UNSET
        else:
            deactivate_at = self.deactivate_at

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
        if alert_thresholds is not UNSET:
            field_dict["alert_thresholds"] = alert_thresholds
        if deactivate_at is not UNSET:
            field_dict["deactivate_at"] = deactivate_at
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

        def _parse_alert_thresholds(data: object) -> list[float] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                alert_thresholds_type_0 = cast(list[float], data)

                return alert_thresholds_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[float] | None | Unset, data)

        alert_thresholds = _parse_alert_thresholds(d.pop("alert_thresholds", UNSET))

        def _parse_deactivate_at(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        deactivate_at = _parse_deactivate_at(d.pop("deactivate_at", UNSET))

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
            alert_thresholds=alert_thresholds,
            deactivate_at=deactivate_at,
            on_exceed=on_exceed,
        )

        return reward_budget
