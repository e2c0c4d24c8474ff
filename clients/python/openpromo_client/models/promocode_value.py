from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.promocode_value_status import PromocodeValueStatus

T = TypeVar("T", bound="PromocodeValue")


@_attrs_define
class PromocodeValue:
    """
    Attributes:
        allocated_at (datetime.datetime | None):
        customer_id (None | str):
        redeemed_at (datetime.datetime | None):
        status (PromocodeValueStatus):
        value (str):
    """

    allocated_at: datetime.datetime | None
    customer_id: None | str
    redeemed_at: datetime.datetime | None
    status: PromocodeValueStatus
    value: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allocated_at: None | str
        if isinstance(self.allocated_at, datetime.datetime):
            allocated_at = self.allocated_at.isoformat()
        else:
            allocated_at = self.allocated_at

        customer_id: None | str
        customer_id = self.customer_id

        redeemed_at: None | str
        if isinstance(self.redeemed_at, datetime.datetime):
            redeemed_at = self.redeemed_at.isoformat()
        else:
            redeemed_at = self.redeemed_at

        status = self.status.value

        value = self.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allocated_at": allocated_at,
                "customer_id": customer_id,
                "redeemed_at": redeemed_at,
                "status": status,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_allocated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                allocated_at_type_0 = datetime.datetime.fromisoformat(data)

                return allocated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        allocated_at = _parse_allocated_at(d.pop("allocated_at"))

        def _parse_customer_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        customer_id = _parse_customer_id(d.pop("customer_id"))

        def _parse_redeemed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                redeemed_at_type_0 = datetime.datetime.fromisoformat(data)

                return redeemed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        redeemed_at = _parse_redeemed_at(d.pop("redeemed_at"))

        status = PromocodeValueStatus(d.pop("status"))

        value = d.pop("value")

        promocode_value = cls(
            allocated_at=allocated_at,
            customer_id=customer_id,
            redeemed_at=redeemed_at,
            status=status,
            value=value,
        )

        promocode_value.additional_properties = d
        return promocode_value

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
