from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tenant_week_start import TenantWeekStart

T = TypeVar("T", bound="Tenant")


@_attrs_define
class Tenant:
    """
    Attributes:
        created_at (datetime.datetime):
        default_currency (str):
        id (str):
        locale (str):
        name (str):
        reservation_default_seconds (int):
        reservation_max_seconds (int):
        timezone (str):
        updated_at (datetime.datetime):
        week_start (TenantWeekStart):
    """

    created_at: datetime.datetime
    default_currency: str
    id: str
    locale: str
    name: str
    reservation_default_seconds: int
    reservation_max_seconds: int
    timezone: str
    updated_at: datetime.datetime
    week_start: TenantWeekStart
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        default_currency = self.default_currency

        id = self.id

        locale = self.locale

        name = self.name

        reservation_default_seconds = self.reservation_default_seconds

        reservation_max_seconds = self.reservation_max_seconds

        timezone = self.timezone

        updated_at = self.updated_at.isoformat()

        week_start = self.week_start.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "default_currency": default_currency,
                "id": id,
                "locale": locale,
                "name": name,
                "reservation_default_seconds": reservation_default_seconds,
                "reservation_max_seconds": reservation_max_seconds,
                "timezone": timezone,
                "updated_at": updated_at,
                "week_start": week_start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        default_currency = d.pop("default_currency")

        id = d.pop("id")

        locale = d.pop("locale")

        name = d.pop("name")

        reservation_default_seconds = d.pop("reservation_default_seconds")

        reservation_max_seconds = d.pop("reservation_max_seconds")

        timezone = d.pop("timezone")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        week_start = TenantWeekStart(d.pop("week_start"))

        tenant = cls(
            created_at=created_at,
            default_currency=default_currency,
            id=id,
            locale=locale,
            name=name,
            reservation_default_seconds=reservation_default_seconds,
            reservation_max_seconds=reservation_max_seconds,
            timezone=timezone,
            updated_at=updated_at,
            week_start=week_start,
        )

        tenant.additional_properties = d
        return tenant

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
