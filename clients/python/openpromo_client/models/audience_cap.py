from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.audience_cap_window import AudienceCapWindow
from ..types import UNSET, Unset

T = TypeVar("T", bound="AudienceCap")


@_attrs_define
class AudienceCap:
    """At most ``limit`` distinct customers granted in each ``window``.

    Attributes:
        limit (int):
        window (AudienceCapWindow):
        alert_thresholds (list[float] | None | Unset): Shares of the limit (0-1] that send limit.threshold_reached once
            per window; omitted: the promotion's alert_thresholds, else 0.5, 0.8 and 1.0.
        deactivate_at (float | None | Unset): Kill switch: deactivate the promotion (audited, with its
            promotion.deactivated event) when this share of the limit is reached in a window.
    """

    limit: int
    window: AudienceCapWindow
    alert_thresholds: list[float] | None | Unset = UNSET
    deactivate_at: float | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        limit = self.limit

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

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "limit": limit,
                "window": window,
            }
        )
        if alert_thresholds is not UNSET:
            field_dict["alert_thresholds"] = alert_thresholds
        if deactivate_at is not UNSET:
            field_dict["deactivate_at"] = deactivate_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        limit = d.pop("limit")

        window = AudienceCapWindow(d.pop("window"))

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

        audience_cap = cls(
            limit=limit,
            window=window,
            alert_thresholds=alert_thresholds,
            deactivate_at=deactivate_at,
        )

        return audience_cap
