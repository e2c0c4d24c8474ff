from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.per_customer_limit_out_window import PerCustomerLimitOutWindow
from ..types import UNSET, Unset

T = TypeVar("T", bound="PerCustomerLimitOut")


@_attrs_define
class PerCustomerLimitOut:
    """
    Attributes:
        window (PerCustomerLimitOutWindow):
        max_grants (int | None | Unset):
        max_value (None | str | Unset):
    """

    window: PerCustomerLimitOutWindow
    max_grants: int | None | Unset = UNSET
    max_value: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        window = self.window.value

        max_grants: int | None | Unset
        if isinstance(self.max_grants, Unset):
            max_grants = UNSET
        else:
            max_grants = self.max_grants

        max_value: None | str | Unset
        if isinstance(self.max_value, Unset):
            max_value = UNSET
        else:
            max_value = self.max_value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
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
        window = PerCustomerLimitOutWindow(d.pop("window"))

        def _parse_max_grants(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_grants = _parse_max_grants(d.pop("max_grants", UNSET))

        def _parse_max_value(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        max_value = _parse_max_value(d.pop("max_value", UNSET))

        per_customer_limit_out = cls(
            window=window,
            max_grants=max_grants,
            max_value=max_value,
        )

        per_customer_limit_out.additional_properties = d
        return per_customer_limit_out

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
