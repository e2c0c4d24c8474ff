from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.reservation_status import ReservationStatus

if TYPE_CHECKING:
    from ..models.grant import Grant


T = TypeVar("T", bound="Reservation")


@_attrs_define
class Reservation:
    """
    Attributes:
        customer_id (str):
        grants (list[Grant]):
        id (str):
        promotion_id (str):
        reserved_until (datetime.datetime | None):
        status (ReservationStatus):
    """

    customer_id: str
    grants: list[Grant]
    id: str
    promotion_id: str
    reserved_until: datetime.datetime | None
    status: ReservationStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customer_id = self.customer_id

        grants = []
        for grants_item_data in self.grants:
            grants_item = grants_item_data.to_dict()
            grants.append(grants_item)

        id = self.id

        promotion_id = self.promotion_id

        reserved_until: None | str
        if isinstance(self.reserved_until, datetime.datetime):
            reserved_until = self.reserved_until.isoformat()
        else:
            reserved_until = self.reserved_until

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customer_id": customer_id,
                "grants": grants,
                "id": id,
                "promotion_id": promotion_id,
                "reserved_until": reserved_until,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.grant import Grant  # noqa: PLC0415

        d = dict(src_dict)
        customer_id = d.pop("customer_id")

        grants = []
        _grants = d.pop("grants")
        for grants_item_data in _grants:
            grants_item = Grant.from_dict(grants_item_data)

            grants.append(grants_item)

        id = d.pop("id")

        promotion_id = d.pop("promotion_id")

        def _parse_reserved_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reserved_until_type_0 = datetime.datetime.fromisoformat(data)

                return reserved_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        reserved_until = _parse_reserved_until(d.pop("reserved_until"))

        status = ReservationStatus(d.pop("status"))

        reservation = cls(
            customer_id=customer_id,
            grants=grants,
            id=id,
            promotion_id=promotion_id,
            reserved_until=reserved_until,
            status=status,
        )

        reservation.additional_properties = d
        return reservation

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
