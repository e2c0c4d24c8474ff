from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Grant")


@_attrs_define
class Grant:
    """
    Attributes:
        campaign_id (None | str):
        code (None | str):
        created_at (datetime.datetime):
        customer_id (str):
        expires_at (datetime.datetime | None):
        id (str):
        promocode_id (None | str):
        promotion_id (str):
        promotion_version (int):
        reference (None | str):
        reversed_at (datetime.datetime | None):
        reward_type (str):
        status (str):
        tier_id (str):
        value (str):
        released_at (datetime.datetime | None | Unset):
        reservation_id (None | str | Unset): The reservation this grant was made by, if any.
        reserved_until (datetime.datetime | None | Unset):
    """

    campaign_id: None | str
    code: None | str
    created_at: datetime.datetime
    customer_id: str
    expires_at: datetime.datetime | None
    id: str
    promocode_id: None | str
    promotion_id: str
    promotion_version: int
    reference: None | str
    reversed_at: datetime.datetime | None
    reward_type: str
    status: str
    tier_id: str
    value: str
    released_at: datetime.datetime | None | Unset = UNSET
    reservation_id: None | str | Unset = UNSET
    reserved_until: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        campaign_id: None | str
        campaign_id = self.campaign_id

        code: None | str
        code = self.code

        created_at = self.created_at.isoformat()

        customer_id = self.customer_id

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        id = self.id

        promocode_id: None | str
        promocode_id = self.promocode_id

        promotion_id = self.promotion_id

        promotion_version = self.promotion_version

        reference: None | str
        reference = self.reference

        reversed_at: None | str
        if isinstance(self.reversed_at, datetime.datetime):
            reversed_at = self.reversed_at.isoformat()
        else:
            reversed_at = self.reversed_at

        reward_type = self.reward_type

        status = self.status

        tier_id = self.tier_id

        value = self.value

        released_at: None | str | Unset
        if isinstance(self.released_at, Unset):
            released_at = UNSET
        elif isinstance(self.released_at, datetime.datetime):
            released_at = self.released_at.isoformat()
        else:
            released_at = self.released_at

        reservation_id: None | str | Unset
        if isinstance(self.reservation_id, Unset):
            reservation_id = UNSET
        else:
            reservation_id = self.reservation_id

        reserved_until: None | str | Unset
        if isinstance(self.reserved_until, Unset):
            reserved_until = UNSET
        elif isinstance(self.reserved_until, datetime.datetime):
            reserved_until = self.reserved_until.isoformat()
        else:
            reserved_until = self.reserved_until

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "campaign_id": campaign_id,
                "code": code,
                "created_at": created_at,
                "customer_id": customer_id,
                "expires_at": expires_at,
                "id": id,
                "promocode_id": promocode_id,
                "promotion_id": promotion_id,
                "promotion_version": promotion_version,
                "reference": reference,
                "reversed_at": reversed_at,
                "reward_type": reward_type,
                "status": status,
                "tier_id": tier_id,
                "value": value,
            }
        )
        if released_at is not UNSET:
            field_dict["released_at"] = released_at
        if reservation_id is not UNSET:
            field_dict["reservation_id"] = reservation_id
        if reserved_until is not UNSET:
            field_dict["reserved_until"] = reserved_until

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_campaign_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        campaign_id = _parse_campaign_id(d.pop("campaign_id"))

        def _parse_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        code = _parse_code(d.pop("code"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        customer_id = d.pop("customer_id")

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        id = d.pop("id")

        def _parse_promocode_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        promocode_id = _parse_promocode_id(d.pop("promocode_id"))

        promotion_id = d.pop("promotion_id")

        promotion_version = d.pop("promotion_version")

        def _parse_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference = _parse_reference(d.pop("reference"))

        def _parse_reversed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reversed_at_type_0 = datetime.datetime.fromisoformat(data)

                return reversed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        reversed_at = _parse_reversed_at(d.pop("reversed_at"))

        reward_type = d.pop("reward_type")

        status = d.pop("status")

        tier_id = d.pop("tier_id")

        value = d.pop("value")

        def _parse_released_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                released_at_type_0 = datetime.datetime.fromisoformat(data)

                return released_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        released_at = _parse_released_at(d.pop("released_at", UNSET))

        def _parse_reservation_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reservation_id = _parse_reservation_id(d.pop("reservation_id", UNSET))

        def _parse_reserved_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reserved_until_type_0 = datetime.datetime.fromisoformat(data)

                return reserved_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        reserved_until = _parse_reserved_until(d.pop("reserved_until", UNSET))

        grant = cls(
            campaign_id=campaign_id,
            code=code,
            created_at=created_at,
            customer_id=customer_id,
            expires_at=expires_at,
            id=id,
            promocode_id=promocode_id,
            promotion_id=promotion_id,
            promotion_version=promotion_version,
            reference=reference,
            reversed_at=reversed_at,
            reward_type=reward_type,
            status=status,
            tier_id=tier_id,
            value=value,
            released_at=released_at,
            reservation_id=reservation_id,
            reserved_until=reserved_until,
        )

        grant.additional_properties = d
        return grant

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
