from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.per_customer_limit_out import PerCustomerLimitOut


T = TypeVar("T", bound="RewardConstraintsOut")


@_attrs_define
class RewardConstraintsOut:
    """
    Attributes:
        grant_expires_after (None | str | Unset):
        max_value (None | str | Unset):
        min_value (None | str | Unset):
        per_customer (list[PerCustomerLimitOut] | Unset):
        valid_from (datetime.datetime | None | Unset):
        valid_until (datetime.datetime | None | Unset):
    """

    grant_expires_after: None | str | Unset = UNSET
    max_value: None | str | Unset = UNSET
    min_value: None | str | Unset = UNSET
    per_customer: list[PerCustomerLimitOut] | Unset = UNSET
    valid_from: datetime.datetime | None | Unset = UNSET
    valid_until: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        grant_expires_after: None | str | Unset
        if isinstance(self.grant_expires_after, Unset):
            grant_expires_after = UNSET
        else:
            grant_expires_after = self.grant_expires_after

        max_value: None | str | Unset
        if isinstance(self.max_value, Unset):
            max_value = UNSET
        else:
            max_value = self.max_value

        min_value: None | str | Unset
        if isinstance(self.min_value, Unset):
            min_value = UNSET
        else:
            min_value = self.min_value

        per_customer: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.per_customer, Unset):
            per_customer = []
            for per_customer_item_data in self.per_customer:
                per_customer_item = per_customer_item_data.to_dict()
                per_customer.append(per_customer_item)

        valid_from: None | str | Unset
        if isinstance(self.valid_from, Unset):
            valid_from = UNSET
        elif isinstance(self.valid_from, datetime.datetime):
            valid_from = self.valid_from.isoformat()
        else:
            valid_from = self.valid_from

        valid_until: None | str | Unset
        if isinstance(self.valid_until, Unset):
            valid_until = UNSET
        elif isinstance(self.valid_until, datetime.datetime):
            valid_until = self.valid_until.isoformat()
        else:
            valid_until = self.valid_until

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if grant_expires_after is not UNSET:
            field_dict["grant_expires_after"] = grant_expires_after
        if max_value is not UNSET:
            field_dict["max_value"] = max_value
        if min_value is not UNSET:
            field_dict["min_value"] = min_value
        if per_customer is not UNSET:
            field_dict["per_customer"] = per_customer
        if valid_from is not UNSET:
            field_dict["valid_from"] = valid_from
        if valid_until is not UNSET:
            field_dict["valid_until"] = valid_until

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.per_customer_limit_out import PerCustomerLimitOut  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_grant_expires_after(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        grant_expires_after = _parse_grant_expires_after(d.pop("grant_expires_after", UNSET))

        def _parse_max_value(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        max_value = _parse_max_value(d.pop("max_value", UNSET))

        def _parse_min_value(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        min_value = _parse_min_value(d.pop("min_value", UNSET))

        _per_customer = d.pop("per_customer", UNSET)
        per_customer: list[PerCustomerLimitOut] | Unset = UNSET
        if _per_customer is not UNSET:
            per_customer = []
            for per_customer_item_data in _per_customer:
                per_customer_item = PerCustomerLimitOut.from_dict(per_customer_item_data)

                per_customer.append(per_customer_item)

        def _parse_valid_from(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_from_type_0 = datetime.datetime.fromisoformat(data)

                return valid_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        valid_from = _parse_valid_from(d.pop("valid_from", UNSET))

        def _parse_valid_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_until_type_0 = datetime.datetime.fromisoformat(data)

                return valid_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        valid_until = _parse_valid_until(d.pop("valid_until", UNSET))

        reward_constraints_out = cls(
            grant_expires_after=grant_expires_after,
            max_value=max_value,
            min_value=min_value,
            per_customer=per_customer,
            valid_from=valid_from,
            valid_until=valid_until,
        )

        reward_constraints_out.additional_properties = d
        return reward_constraints_out

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
