from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.per_customer_limit_window import PerCustomerLimitWindow
from ..types import UNSET, Unset

T = TypeVar("T", bound="PerCustomerLimit")


@_attrs_define
class PerCustomerLimit:
    """At most ``max_value`` in total and/or ``max_grants`` grants per customer per window.

    Attributes:
        window (PerCustomerLimitWindow):
        max_grants (int | None | Unset):
        max_value (float | None | str | Unset):
    """

    window: PerCustomerLimitWindow
    max_grants: int | None | Unset = UNSET
    max_value: float | None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        window = self.window.value

        max_grants: int | None | Unset
        if isinstance(self.max_grants, Unset):
            max_grants = UNSET
        else:
            max_grants = self.max_grants

        max_value: float | None | str | Unset
        if isinstance(self.max_value, Unset):
            max_value = UNSET
        else:
            max_value = self.max_value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "window": window,
            }
        )
        if max_grants is not UNSET:
            field_dict["max_grants"] = max_grants
        if max_value is not UNSET:
            field_dict["max_value"] = max_value

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        window = PerCustomerLimitWindow(d.pop("window"))

        def _parse_max_grants(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_grants = _parse_max_grants(d.pop("max_grants", UNSET))

        def _parse_max_value(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        max_value = _parse_max_value(d.pop("max_value", UNSET))

        per_customer_limit = cls(
            window=window,
            max_grants=max_grants,
            max_value=max_value,
        )

        return per_customer_limit
