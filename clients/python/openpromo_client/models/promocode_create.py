from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.promocode_create_type import PromocodeCreateType
from ..types import UNSET, Unset

T = TypeVar("T", bound="PromocodeCreate")


@_attrs_define
class PromocodeCreate:
    """
    Attributes:
        name (str):
        type_ (PromocodeCreateType):
        fallback_value (None | str | Unset): bulk only: handed out when the pool is empty.
        hidden (bool | Unset):  Default: False.
        max_redemptions (int | None | Unset): shared only.
        once_per_customer (bool | None | Unset): shared only (default true).
        pool_low_threshold (int | None | Unset): bulk only (default 100): the webhook event promocode.pool_low is sent
            once the unallocated values are this few; 0: never.
        promotion_id (None | str | Unset):
        value (None | str | Unset): Required for shared and single_use; bulk values are uploaded.
    """

    name: str
    type_: PromocodeCreateType
    fallback_value: None | str | Unset = UNSET
    hidden: bool | Unset = False
    max_redemptions: int | None | Unset = UNSET
    once_per_customer: bool | None | Unset = UNSET
    pool_low_threshold: int | None | Unset = UNSET
    promotion_id: None | str | Unset = UNSET
    value: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        type_ = self.type_.value

        fallback_value: None | str | Unset
        if isinstance(self.fallback_value, Unset):
            fallback_value = UNSET
        else:
            fallback_value = self.fallback_value

        hidden = self.hidden

        max_redemptions: int | None | Unset
        if isinstance(self.max_redemptions, Unset):
            max_redemptions = UNSET
        else:
            max_redemptions = self.max_redemptions

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

        promotion_id: None | str | Unset
        if isinstance(self.promotion_id, Unset):
            promotion_id = UNSET
        else:
            promotion_id = self.promotion_id

        value: None | str | Unset
        if isinstance(self.value, Unset):
            value = UNSET
        else:
            value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "type": type_,
            }
        )
        if fallback_value is not UNSET:
            field_dict["fallback_value"] = fallback_value
        if hidden is not UNSET:
            field_dict["hidden"] = hidden
        if max_redemptions is not UNSET:
            field_dict["max_redemptions"] = max_redemptions
        if once_per_customer is not UNSET:
            field_dict["once_per_customer"] = once_per_customer
        if pool_low_threshold is not UNSET:
            field_dict["pool_low_threshold"] = pool_low_threshold
        if promotion_id is not UNSET:
            field_dict["promotion_id"] = promotion_id
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        type_ = PromocodeCreateType(d.pop("type"))

        def _parse_fallback_value(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        fallback_value = _parse_fallback_value(d.pop("fallback_value", UNSET))

        hidden = d.pop("hidden", UNSET)

        def _parse_max_redemptions(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_redemptions = _parse_max_redemptions(d.pop("max_redemptions", UNSET))

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

        def _parse_promotion_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        promotion_id = _parse_promotion_id(d.pop("promotion_id", UNSET))

        def _parse_value(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        value = _parse_value(d.pop("value", UNSET))

        promocode_create = cls(
            name=name,
            type_=type_,
            fallback_value=fallback_value,
            hidden=hidden,
            max_redemptions=max_redemptions,
            once_per_customer=once_per_customer,
            pool_low_threshold=pool_low_threshold,
            promotion_id=promotion_id,
            value=value,
        )

        return promocode_create
