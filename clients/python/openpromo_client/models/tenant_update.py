from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.tenant_update_week_start_type_0 import TenantUpdateWeekStartType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="TenantUpdate")


@_attrs_define
class TenantUpdate:
    """Partial update; every field is validated before anything is stored.

    Attributes:
        default_currency (None | str | Unset): ISO 4217 code, e.g. EUR
        locale (None | str | Unset): BCP 47 / CLDR locale, e.g. fr-FR
        name (None | str | Unset):
        reservation_default_seconds (int | None | Unset): How long a reservation is held when the request names no
            reserve_for.
        reservation_max_seconds (int | None | Unset): The longest reserve_for a request may ask for.
        timezone (None | str | Unset): IANA time zone, e.g. Europe/Paris
        week_start (None | TenantUpdateWeekStartType0 | Unset):
    """

    default_currency: None | str | Unset = UNSET
    locale: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    reservation_default_seconds: int | None | Unset = UNSET
    reservation_max_seconds: int | None | Unset = UNSET
    timezone: None | str | Unset = UNSET
    week_start: None | TenantUpdateWeekStartType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        default_currency: None | str | Unset
        if isinstance(self.default_currency, Unset):
            default_currency = UNSET
        else:
            default_currency = self.default_currency

        locale: None | str | Unset
        if isinstance(self.locale, Unset):
            locale = UNSET
        else:
            locale = self.locale

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        reservation_default_seconds: int | None | Unset
        if isinstance(self.reservation_default_seconds, Unset):
            reservation_default_seconds = UNSET
        else:
            reservation_default_seconds = self.reservation_default_seconds

        reservation_max_seconds: int | None | Unset
        if isinstance(self.reservation_max_seconds, Unset):
            reservation_max_seconds = UNSET
        else:
            reservation_max_seconds = self.reservation_max_seconds

        timezone: None | str | Unset
        if isinstance(self.timezone, Unset):
            timezone = UNSET
        else:
            timezone = self.timezone

        week_start: None | str | Unset
        if isinstance(self.week_start, Unset):
            week_start = UNSET
        elif isinstance(self.week_start, TenantUpdateWeekStartType0):
            week_start = self.week_start.value
        else:
            week_start = self.week_start

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if default_currency is not UNSET:
            field_dict["default_currency"] = default_currency
        if locale is not UNSET:
            field_dict["locale"] = locale
        if name is not UNSET:
            field_dict["name"] = name
        if reservation_default_seconds is not UNSET:
            field_dict["reservation_default_seconds"] = reservation_default_seconds
        if reservation_max_seconds is not UNSET:
            field_dict["reservation_max_seconds"] = reservation_max_seconds
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if week_start is not UNSET:
            field_dict["week_start"] = week_start

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_default_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        default_currency = _parse_default_currency(d.pop("default_currency", UNSET))

        def _parse_locale(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        locale = _parse_locale(d.pop("locale", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_reservation_default_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        reservation_default_seconds = _parse_reservation_default_seconds(d.pop("reservation_default_seconds", UNSET))

        def _parse_reservation_max_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        reservation_max_seconds = _parse_reservation_max_seconds(d.pop("reservation_max_seconds", UNSET))

        def _parse_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timezone = _parse_timezone(d.pop("timezone", UNSET))

        def _parse_week_start(data: object) -> None | TenantUpdateWeekStartType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                week_start_type_0 = TenantUpdateWeekStartType0(data)

                return week_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TenantUpdateWeekStartType0 | Unset, data)

        week_start = _parse_week_start(d.pop("week_start", UNSET))

        tenant_update = cls(
            default_currency=default_currency,
            locale=locale,
            name=name,
            reservation_default_seconds=reservation_default_seconds,
            reservation_max_seconds=reservation_max_seconds,
            timezone=timezone,
            week_start=week_start,
        )

        return tenant_update
