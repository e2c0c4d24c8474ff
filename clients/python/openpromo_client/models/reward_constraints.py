from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.per_customer_limit import PerCustomerLimit


T = TypeVar("T", bound="RewardConstraints")


@_attrs_define
class RewardConstraints:
    """SPEC §5 reward constraints. Every field is optional; absent means "no limit".

    Attributes:
        grant_expires_after (None | str | Unset): ISO 8601 duration of weeks, days, hours, minutes, seconds: P30D,
            PT12H, P2W
        max_value (float | None | str | Unset):
        min_value (float | None | str | Unset):
        per_customer (list[PerCustomerLimit] | Unset):
        valid_from (datetime.datetime | None | Unset):
        valid_until (datetime.datetime | None | Unset):
    """

    grant_expires_after: None | str | Unset = UNSET
    max_value: float | None | str | Unset = UNSET
    min_value: float | None | str | Unset = UNSET
    per_customer: list[PerCustomerLimit] | Unset = UNSET
    valid_from: datetime.datetime | None | Unset = UNSET
    valid_until: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        grant_expires_after: None | str | Unset
        if isinstance(self.grant_expires_after, Unset):
            grant_expires_after = UNSET
        else:
            grant_expires_after = self.grant_expires_after

        max_value: float | None | str | Unset
        if isinstance(self.max_value, Unset):
            max_value = UNSET
        else:
            max_value = self.max_value

        min_value: float | None | str | Unset
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
        from ..models.per_customer_limit import PerCustomerLimit  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_grant_expires_after(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        grant_expires_after = _parse_grant_expires_after(d.pop("grant_expires_after", UNSET))

        def _parse_max_value(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        max_value = _parse_max_value(d.pop("max_value", UNSET))

        def _parse_min_value(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        min_value = _parse_min_value(d.pop("min_value", UNSET))

        _per_customer = d.pop("per_customer", UNSET)
        per_customer: list[PerCustomerLimit] | Unset = UNSET
        if _per_customer is not UNSET:
            per_customer = []
            for per_customer_item_data in _per_customer:
                per_customer_item = PerCustomerLimit.from_dict(per_customer_item_data)

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

        reward_constraints = cls(
            grant_expires_after=grant_expires_after,
            max_value=max_value,
            min_value=min_value,
            per_customer=per_customer,
            valid_from=valid_from,
            valid_until=valid_until,
        )

        return reward_constraints
