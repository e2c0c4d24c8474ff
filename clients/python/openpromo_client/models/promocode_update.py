from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PromocodeUpdate")


@_attrs_define
class PromocodeUpdate:
    """Partial update. ``max_redemptions`` and ``fallback_value`` can be cleared with null.

    Attributes:
        fallback_value (None | str | Unset): bulk only.
        max_redemptions (int | None | Unset): shared only.
        name (None | str | Unset):
        once_per_customer (bool | None | Unset): shared only.
        pool_low_threshold (int | None | Unset): bulk only: see PromocodeCreate; 0: never (cannot be null).
    """

    fallback_value: None | str | Unset = UNSET
    max_redemptions: int | None | Unset = UNSET
    name: None | str | Unset = UNSET
    once_per_customer: bool | None | Unset = UNSET
    pool_low_threshold: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        fallback_value: None | str | Unset
        if isinstance(self.fallback_value, Unset):
            fallback_value = UNSET
        else:
            fallback_value = self.fallback_value

        max_redemptions: int | None | Unset
        if isinstance(self.max_redemptions, Unset):
            max_redemptions = UNSET
        else:
            max_redemptions = self.max_redemptions

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        once_per_customer: bool | None | Unset
        if isinstance(self.once_per_customer, Unset):
            once_per_customer = UNSET
        else:
            once_per_customer = self.once_per_customer

        pool_low_threshold: int | None | Unset
        if isinstance(self.pool_low_threshold, Unset):
            pool_low_threshold = UNSET
        else:
            pool_low_threshold = self.pool_low_threshold

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if fallback_value is not UNSET:
            field_dict["fallback_value"] = fallback_value
        if max_redemptions is not UNSET:
            field_dict["max_redemptions"] = max_redemptions
        if name is not UNSET:
            field_dict["name"] = name
        if once_per_customer is not UNSET:
            field_dict["once_per_customer"] = once_per_customer
        if pool_low_threshold is not UNSET:
            field_dict["pool_low_threshold"] = pool_low_threshold

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_fallback_value(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        fallback_value = _parse_fallback_value(d.pop("fallback_value", UNSET))

        def _parse_max_redemptions(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_redemptions = _parse_max_redemptions(d.pop("max_redemptions", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_once_per_customer(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        once_per_customer = _parse_once_per_customer(d.pop("once_per_customer", UNSET))

        def _parse_pool_low_threshold(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        pool_low_threshold = _parse_pool_low_threshold(d.pop("pool_low_threshold", UNSET))

        promocode_update = cls(
            fallback_value=fallback_value,
            max_redemptions=max_redemptions,
            name=name,
            once_per_customer=once_per_customer,
            pool_low_threshold=pool_low_threshold,
        )

        return promocode_update
