from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.promocode_type import PromocodeType

if TYPE_CHECKING:
    from ..models.value_counts import ValueCounts


T = TypeVar("T", bound="Promocode")


@_attrs_define
class Promocode:
    """
    Attributes:
        campaign_ids (list[str]):
        counts (ValueCounts):
        created_at (datetime.datetime):
        fallback_value (None | str):
        hidden (bool):
        id (str):
        max_redemptions (int | None):
        name (str):
        once_per_customer (bool):
        pool_low_threshold (int): bulk: promocode.pool_low is sent once the unallocated values are this few (0: never).
        promotion_id (None | str):
        redemptions_count (int):
        type_ (PromocodeType):
        updated_at (datetime.datetime):
        value (None | str): The value of a shared or single_use promocode.
    """

    campaign_ids: list[str]
    counts: ValueCounts
    created_at: datetime.datetime
    fallback_value: None | str
    hidden: bool
    id: str
    max_redemptions: int | None
    name: str
    once_per_customer: bool
    pool_low_threshold: int
    promotion_id: None | str
    redemptions_count: int
    type_: PromocodeType
    updated_at: datetime.datetime
    value: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        campaign_ids = self.campaign_ids

        counts = self.counts.to_dict()

        created_at = self.created_at.isoformat()

        fallback_value: None | str
        fallback_value = self.fallback_value

        hidden = self.hidden

        id = self.id

        max_redemptions: int | None
        max_redemptions = self.max_redemptions

        name = self.name

        once_per_customer = self.once_per_customer

        pool_low_threshold = self.pool_low_threshold

        promotion_id: None | str
        promotion_id = self.promotion_id

        redemptions_count = self.redemptions_count

        type_ = self.type_.value

        updated_at = self.updated_at.isoformat()

        value: None | str
        value = self.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "campaign_ids": campaign_ids,
                "counts": counts,
                "created_at": created_at,
                "fallback_value": fallback_value,
                "hidden": hidden,
                "id": id,
                "max_redemptions": max_redemptions,
                "name": name,
                "once_per_customer": once_per_customer,
                "pool_low_threshold": pool_low_threshold,
                "promotion_id": promotion_id,
                "redemptions_count": redemptions_count,
                "type": type_,
                "updated_at": updated_at,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.value_counts import ValueCounts  # noqa: PLC0415

        d = dict(src_dict)
        campaign_ids = cast(list[str], d.pop("campaign_ids"))

        counts = ValueCounts.from_dict(d.pop("counts"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_fallback_value(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        fallback_value = _parse_fallback_value(d.pop("fallback_value"))

        hidden = d.pop("hidden")

        id = d.pop("id")

        def _parse_max_redemptions(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_redemptions = _parse_max_redemptions(d.pop("max_redemptions"))

        name = d.pop("name")

        once_per_customer = d.pop("once_per_customer")

        pool_low_threshold = d.pop("pool_low_threshold")

        def _parse_promotion_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        promotion_id = _parse_promotion_id(d.pop("promotion_id"))

        redemptions_count = d.pop("redemptions_count")

        type_ = PromocodeType(d.pop("type"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_value(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        value = _parse_value(d.pop("value"))

        promocode = cls(
            campaign_ids=campaign_ids,
            counts=counts,
            created_at=created_at,
            fallback_value=fallback_value,
            hidden=hidden,
            id=id,
            max_redemptions=max_redemptions,
            name=name,
            once_per_customer=once_per_customer,
            pool_low_threshold=pool_low_threshold,
            promotion_id=promotion_id,
            redemptions_count=redemptions_count,
            type_=type_,
            updated_at=updated_at,
            value=value,
        )

        promocode.additional_properties = d
        return promocode

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
